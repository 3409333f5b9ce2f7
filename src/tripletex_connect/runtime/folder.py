"""The scenario files of a folder: which are new, changed or gone since the last look, loaded and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scenario import Scenario

PATTERNS = ("*.yaml", "*.yml")


@dataclass
class Entry:
    """One file: its scenario when valid, else the problems that keep it from running."""

    path: Path
    scenario: Scenario | None = None
    problems: list[str] = field(default_factory=list)


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files directly in `folder`, by name."""
    return sorted({p.resolve() for pattern in PATTERNS for p in folder.glob(pattern) if p.is_file()})


def scan_folder(folder: Path, seen: dict[Path, tuple[int, int]]) -> dict[Path, Entry | None]:
    """Files new or changed since `seen` (loaded), and gone ones (None); `seen` is updated in place."""
    changes: dict[Path, Entry | None] = {}
    current: dict[Path, tuple[int, int]] = {}
    for path in scenario_files(folder):
        try:
            info = path.stat()
        except OSError:
            continue
        current[path] = (info.st_mtime_ns, info.st_size)
        if seen.get(path) != current[path]:
            changes[path] = load_entry(path)
    for path in set(seen) - set(current):
        changes[path] = None
    seen.clear()
    seen.update(current)
    return changes


def load_entry(path: Path) -> Entry:
    """Load and validate one file; problems are rendered with their lines."""
    from ..scenario import ScenarioError, load_scenario

    try:
        return Entry(path, load_scenario(path))
    except ScenarioError as exc:
        return Entry(path, problems=[problem.render(exc.source) for problem in exc.problems])
    except (OSError, UnicodeDecodeError) as exc:
        return Entry(path, problems=[f"cannot read it: {exc}"])
