"""Did-you-mean hints for misspelt names (parameters, fields, operations)."""

from __future__ import annotations

from collections.abc import Iterable


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean ...?)' hint for a misspelt name, or ''."""
    import difflib  # only on a misspelling: not part of `import tripletex_connect`

    options = list(candidates)
    matches = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.replace("_", "").lower(): c for c in options}
        hit = lowered.get(name.replace("_", "").lower())
        matches = [hit] if hit else []
    return f" (did you mean {matches[0]!r}?)" if matches else ""
