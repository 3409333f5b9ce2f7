"""P4: start-up cost of `ttx --help` and `from tripletex_connect import Tripletex` against `import httpx` (<= 2x).

Run: .venv/bin/python benchmarks/import_time.py [ROUNDS]
Each side is a fresh interpreter (wall time of the whole process, as a user waits for it); the sides run in
turn every round and the medians are compared. Bytecode is cached (in a temporary PYTHONPYCACHEPREFIX) as it
is for an installed package, also where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import Row, interleaved, verdict

TTX = str(Path(sys.executable).with_name("ttx"))
SIDES = {
    "httpx": [sys.executable, "-c", "import httpx"],
    "sdk": [sys.executable, "-c", "from tripletex_connect import Tripletex"],
    "ttx": [TTX, "--help"],
}


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)


def medians(rounds: int = 15) -> dict[str, float]:
    """Median seconds of each side over interleaved rounds (after one warm-up run each: .pyc files, disk cache)."""
    with tempfile.TemporaryDirectory(prefix="ttx-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": cache}
        for command in SIDES.values():
            _run(command, env)
        sides = {name: (lambda c=command: _run(c, env)) for name, command in SIDES.items()}
        return interleaved(sides, rounds)


def rows(rounds: int = 15) -> list[Row]:
    """The P4 rows of the bench table."""
    took = medians(rounds)
    base = took["httpx"]
    out = []
    for name, label in (("ttx", "`ttx --help`"), ("sdk", "`from tripletex_connect import Tripletex`")):
        ratio = took[name] / base
        out.append(Row(f"P4 {label} <= 2x `import httpx`", f"{ratio:.2f}x ({took[name] * 1000:.0f} vs "
                       f"{base * 1000:.0f} ms)", verdict(ratio <= 2)))
    return out


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 15):
        print(" | ".join(row))
