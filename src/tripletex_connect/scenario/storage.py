"""Where scenarios keep their state and history: the user data dir, or $TRIPLETEX_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "TRIPLETEX_DATA_DIR"


def data_dir() -> Path:
    """The directory for watch positions and run history (created on first write)."""
    given = os.environ.get(DATA_DIR_ENV)
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_data_dir("tripletex-connect"))
