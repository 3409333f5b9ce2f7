"""Change tracking: who created and updated each object and when (`fields=*,changes`), and the
`versionDigest` of lists that lets a client ask "anything new?" with `If-None-Match`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .store import Store, Tx, Write, insert_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    company_id INTEGER NOT NULL, type TEXT NOT NULL, id INTEGER NOT NULL,
    employee_id INTEGER, timestamp TEXT NOT NULL, change_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_object ON changes (company_id, type, id);
"""
_INSERT = "INSERT INTO changes (company_id, type, id, employee_id, timestamp, change_type) VALUES "
_ROW = "(?, ?, ?, ?, ?, ?)"
# What the real API sends as `versionDigest` when the request carried no If-None-Match (reported).
NO_DIGEST = "'If-None-Match' header not specified"


def install(store: Store) -> None:
    """Create the change table of a store (idempotent)."""
    with store.transaction() as tx:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                tx.conn.execute(statement)


def collapse(writes: list[Write]) -> dict[tuple[int, str, int], str]:
    """One verb per object written in a transaction: created wins over updated; deleted wins over both, and an
    object created and deleted in the same transaction never existed for anyone else."""
    out: dict[tuple[int, str, int], str] = {}
    for write in writes:
        key = (write.company_id, write.type, write.id)
        before = out.get(key)
        if write.verb == "delete":
            if before == "create":
                out.pop(key)
            else:
                out[key] = "delete"
        elif before is None:
            out[key] = write.verb
    return out


def record(tx: Tx, employee_id: int, timestamp: str) -> None:
    """Add one change per object the transaction created or updated; forget the history of deleted ones."""
    rows, gone = [], []
    for (company_id, type, id), verb in collapse(tx.writes).items():
        if verb == "delete":
            gone.append((company_id, type, id))
        else:
            rows.append((company_id, type, id, employee_id, timestamp, "CREATE" if verb == "create" else "UPDATE"))
    insert_rows(tx.conn, _INSERT, _ROW, rows)
    if gone:
        tx.conn.executemany("DELETE FROM changes WHERE company_id = ? AND type = ? AND id = ?", gone)


def changes_of(tx: Tx, company_id: int, type: str, id: int) -> list[dict[str, Any]]:
    """The changes of one object, oldest first, as the API's `Change` objects."""
    rows = tx.conn.execute(
        "SELECT employee_id, timestamp, change_type FROM changes WHERE company_id = ? AND type = ? AND id = ? "
        "ORDER BY rowid",
        (company_id, type, id),
    ).fetchall()
    return [{"employeeId": r[0], "timestamp": r[1], "changeType": r[2]} for r in rows]


def digest(envelope: dict[str, Any]) -> str:
    """A checksum of a list answer: equal exactly when the answer (size, page and values) is equal."""
    shown = [envelope.get("fullResultSize"), envelope.get("from"), envelope.get("values")]
    text = json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def conditional(envelope: dict[str, Any], if_none_match: str | None) -> dict[str, Any] | None:
    """The envelope with its `versionDigest`, or None (answer 304) when the client's digest still matches.

    As the real API does, the digest is only computed for a request that sends `If-None-Match`.
    """
    if if_none_match is None:
        return {**envelope, "versionDigest": NO_DIGEST}
    current = digest(envelope)
    if if_none_match.strip().strip('"') == current:
        return None
    return {**envelope, "versionDigest": current}
