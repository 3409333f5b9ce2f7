"""The trigram full-text indexes earlier versions kept for `contains` searches, and their removal.

`contains` is matched over in-memory columns (columns.py). An index an earlier version left in a file would
only cost every insert its trigger, so opening such a file drops it (Layout's migration).
"""

from __future__ import annotations

import sqlite3


def drop_all(conn: sqlite3.Connection) -> bool:
    """Drop every full-text index (`fts_<Type>_<hash>`) and the triggers that kept it; whether there was one."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' "
        "AND name LIKE 'fts\\_%' ESCAPE '\\'"
    )]
    for fts in tables:
        for suffix in ("ai", "au", "ad"):
            conn.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        conn.execute(f"DROP TABLE IF EXISTS {fts}")
    return bool(tables)
