"""In-memory columns of one company's objects of one type, in id order, for `contains` searches; and
rankings of its ids by a referenced object's field, for the first page sorted by it.

A `contains` test of the JSON (`json_extract(...) LIKE '%x%'`) costs a microsecond or more per object and a
trigram index cannot look up a text shorter than three letters, nor cheaply say how many objects hold a
common one. A column of the field's text, already folded as the search folds it, answers any needle with
Python's substring test in a few milliseconds over 100,000 objects, and the size of the answer with it.

The answer is exactly the one the LIKE test gives: an ASCII needle matches the stored text with ASCII
letters folded only (SQLite's LIKE), any other needle the text casefolded (`tx_fold`). A column is kept
in step with the writes of its connection and read again after any other (a bulk insert, or another connection
to the same file).
"""

from __future__ import annotations

import operator
import sqlite3
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from typing import Any

# Runs a statement (making a type's table that does not exist yet): `Tx.run`.
Run = Callable[[str, Sequence[Any]], sqlite3.Cursor]

# SQLite's LIKE and lower() fold ASCII letters only.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SEPARATOR = "\x00"
_SAMPLE = 65536
_NEEDLES = 8
_MAX_PENDING = 5000


def ascii_lower(text: str) -> str:
    """Text with ASCII letters lower-cased and every other character as it is (SQLite's lower())."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


class _Form:
    """One form of a text column (ASCII-lowered, or casefolded): the texts (None as ""), and, built when a
    needle is looked up, all of them joined by a separator with where each one starts."""

    def __init__(self, texts: list[str | None], folded: bool) -> None:
        self.folded = folded
        self.texts = [self.form(t) for t in texts]
        self.present = [t is not None for t in texts]
        self._joined: tuple[str, list[int]] | None = None

    def form(self, text: str | None) -> str:
        """A stored text in this form."""
        return "" if text is None else ascii_lower(text.casefold() if self.folded else text)

    def joined(self) -> tuple[str, list[int]]:
        """The texts joined by the separator, and where each one starts."""
        if self._joined is None:
            starts = list(accumulate((len(t) + 1 for t in self.texts), initial=0))
            self._joined = (_SEPARATOR.join(self.texts), starts[:-1])
        return self._joined

    def put(self, at: int, text: str | None, new: bool) -> None:
        """Insert (new) or replace the text at a position."""
        if new:
            self.texts.insert(at, self.form(text))
            self.present.insert(at, text is not None)
        else:
            self.texts[at], self.present[at] = self.form(text), text is not None
        self._joined = None

    def remove(self, at: int) -> None:
        """Remove the text at a position."""
        del self.texts[at], self.present[at]
        self._joined = None


def _equals(value: Any, wanted: Any) -> bool:
    # JSON true/false are read as 1/0; text never equals a number in SQLite.
    return value is not None and not isinstance(value, str) and bool(value == wanted)


@dataclass
class Column:
    """The ids of a company's objects of a type in order, with one field's values as SQLite reads them."""

    ids: list[int]
    values: list[Any]
    texts: list[str | None]  # the value as the text LIKE compares (numbers as SQLite writes them), or None
    _forms: dict[bool, _Form] = field(default_factory=dict)
    _equal: dict[Any, list[bool]] = field(default_factory=dict)
    _matched: OrderedDict[str, list[bool]] = field(default_factory=OrderedDict)
    _equal_ids: dict[Any, list[int]] = field(default_factory=dict)

    def matching(self, needle: str) -> list[bool]:
        """Which objects' field contains the needle as the sandbox's `contains` filter matches it (the last few
        needles' answers kept until a write: paging through a search asks the same on every page)."""
        known = self._matched.pop(needle, None)
        if known is None:
            known = self._match(needle)
        self._matched[needle] = known
        if len(self._matched) > _NEEDLES:
            self._matched.popitem(last=False)
        return known

    def _match(self, needle: str) -> list[bool]:
        folded = not needle.isascii()
        form = self._form(folded)
        wanted = ascii_lower(needle.casefold()) if folded else ascii_lower(needle)
        if not wanted:
            return form.present
        if _SEPARATOR in wanted or self._common(form, wanted):
            return list(map(operator.contains, form.texts, repeat(wanted)))  # test each at C speed
        joined, starts = form.joined()
        hits = [False] * len(self.ids)
        find, at, found = joined.find, 0, 0
        while (at := find(wanted, at)) >= 0:  # few occurrences: jump from one to the next at C speed
            row = bisect_right(starts, at) - 1
            hits[row] = True
            found += 1
            if found * 8 > len(self.ids):  # common after all (further on): test each instead
                return list(map(operator.contains, form.texts, repeat(wanted)))
            at = starts[row + 1] if row + 1 < len(starts) else len(joined)
        return hits

    @staticmethod
    def _common(form: _Form, wanted: str) -> bool:
        """Whether a needle occurs in more than an eighth of the first objects (a sample of 64 KB of text)."""
        joined, starts = form.joined()
        end = min(len(joined), _SAMPLE)
        return joined.count(wanted, 0, end) * 8 > bisect_right(starts, end)

    def equal(self, value: Any) -> list[bool]:
        """Which objects pass an equality filter on a two-valued field (`json_extract(...) = ?` in SQLite)."""
        known = self._equal.get(value)
        if known is None:
            known = self._equal[value] = [_equals(v, value) for v in self.values]
        return known

    def equal_ids(self, value: Any) -> list[int]:
        """The ids of the objects that pass `equal(value)`, in order (kept until a write)."""
        known = self._equal_ids.get(value)
        if known is None:
            known = self._equal_ids[value] = chosen(self.ids, self.equal(value))
        return known

    def put(self, id: int, value: Any, text: str | None) -> None:
        """An object written: its value inserted in id order, or replaced."""
        self._matched.clear()
        self._equal_ids.clear()
        at = bisect_left(self.ids, id)
        new = at == len(self.ids) or self.ids[at] != id
        if new:
            self.ids.insert(at, id)
            self.values.insert(at, value)
            self.texts.insert(at, text)
        else:
            self.values[at], self.texts[at] = value, text
        for form in self._forms.values():
            form.put(at, text, new)
        for wanted, known in self._equal.items():
            if new:
                known.insert(at, _equals(value, wanted))
            else:
                known[at] = _equals(value, wanted)

    def remove(self, id: int) -> None:
        """An object deleted."""
        self._matched.clear()
        self._equal_ids.clear()
        at = bisect_left(self.ids, id)
        if at == len(self.ids) or self.ids[at] != id:
            return
        del self.ids[at], self.values[at], self.texts[at]
        for form in self._forms.values():
            form.remove(at)
        for known in self._equal.values():
            del known[at]

    def _form(self, folded: bool) -> _Form:
        form = self._forms.get(folded)
        if form is None:
            form = self._forms[folded] = _Form(self.texts, folded)
        return form


class Columns:
    """The columns read so far, kept up to date by the writes of this connection (`written`); re-read after a
    write they were not told of (a bulk insert, another connection's); the least used dropped first."""

    MAX = 16
    MAX_RANKINGS = 8

    def __init__(self) -> None:
        self._known: OrderedDict[tuple[int, str, str], tuple[Any, Column]] = OrderedDict()
        self._stale: dict[str, int] = {}
        self._versions: dict[str, int] = {}  # every write of a table, told or not
        self._rankings: OrderedDict[tuple[int, str, str], tuple[Any, list[int]]] = OrderedDict()
        self._pending: dict[tuple[int, str], set[int]] = {}  # ids written since the columns were followed

    def get(self, conn: sqlite3.Connection, company_id: int, table: str, expr: str) -> Column:
        """The column of an expression (a field) over a company's objects in a table."""
        key = (company_id, table, expr)
        stamp = self._stamp(conn, table)
        pending = self._pending.pop((company_id, table), None)
        if pending:
            self._follow(conn, company_id, table, pending)
        known = self._known.pop(key, None)
        if known is None or known[0] != stamp:
            known = (stamp, self._read(conn, company_id, table, expr))
        self._known[key] = known
        while len(self._known) > self.MAX:
            self._known.popitem(last=False)
        return known[1]

    def ranking(self, run: Run, company_id: int, table: str, ordering: str, tables: tuple[str, ...]) -> list[int]:
        """A company's ids of a table in an order (SQL over `objects` that reads `tables`), kept until one of
        those tables is written: a first page sorted by a referenced object's field, without a sort per page."""
        key = (company_id, table, ordering)
        stamp = (tuple(self._versions.get(t, 0) for t in tables), run("PRAGMA data_version", ()).fetchone()[0])
        known = self._rankings.pop(key, None)
        if known is None or known[0] != stamp:
            ids = run(f"SELECT id FROM {table} AS objects WHERE company_id = ? ORDER BY {ordering}", (company_id,))
            known = (stamp, [r[0] for r in ids])
        self._rankings[key] = known
        while len(self._rankings) > self.MAX_RANKINGS:
            self._rankings.popitem(last=False)
        return known[1]

    def written(self, company_id: int, table: str, id: int) -> None:
        """An object was inserted, replaced or deleted: the columns of its company and table will follow when next
        asked for (a write only notes its id: many writes between two searches cost one read)."""
        self._versions[table] = self._versions.get(table, 0) + 1
        if self._known and any(company == company_id and name == table for company, name, _ in self._known):
            self._pending.setdefault((company_id, table), set()).add(id)

    def _follow(self, conn: sqlite3.Connection, company_id: int, table: str, ids: set[int]) -> None:
        """Bring the columns of a company's table up to date with the objects written since (by id)."""
        keys = [key for key in self._known if key[0] == company_id and key[1] == table]
        if len(ids) > _MAX_PENDING:  # as much work as reading them again
            for key in keys:
                del self._known[key]
            return
        written = "[" + ",".join(map(str, sorted(ids))) + "]"
        for key in keys:
            expr, column = key[2], self._known[key][1]
            rows = {r[0]: r for r in conn.execute(
                f"SELECT id, {expr}, CAST({expr} AS TEXT) FROM {table} WHERE company_id = ? "
                "AND id IN (SELECT value FROM json_each(?))", (company_id, written))}
            for id in sorted(ids):
                row = rows.get(id)
                if row is None:
                    column.remove(id)
                else:
                    column.put(id, row[1], row[1] if isinstance(row[1], str) else row[2])

    def stale(self, table: str) -> None:
        """Objects of a table were written without `written`: its columns are read again when next asked for."""
        self._stale[table] = self._stale.get(table, 0) + 1
        self._versions[table] = self._versions.get(table, 0) + 1

    def forget(self) -> None:
        """Drop every column (a transaction rolled back: the writes they followed never happened)."""
        self._known.clear()
        self._rankings.clear()
        self._pending.clear()

    def _stamp(self, conn: sqlite3.Connection, table: str) -> tuple[int, int]:
        # data_version moves when another connection commits to the same file.
        return self._stale.get(table, 0), conn.execute("PRAGMA data_version").fetchone()[0]

    @staticmethod
    def _read(conn: sqlite3.Connection, company_id: int, table: str, expr: str) -> Column:
        rows = conn.execute(
            f"SELECT id, {expr}, CAST({expr} AS TEXT) FROM {table} WHERE company_id = ? ORDER BY id", (company_id,)
        ).fetchall()
        # A text value is its own text: one string kept, not SQLite's copy of it as well.
        return Column([r[0] for r in rows], [r[1] for r in rows],
                      [r[1] if isinstance(r[1], str) else r[2] for r in rows])


def combine(masks: list[list[bool]]) -> list[bool]:
    """Objects that pass every test."""
    out = masks[0]
    for mask in masks[1:]:
        out = list(map(operator.and_, out, mask))
    return out


def passing(mask: list[bool], *tests: list[bool]) -> int:
    """How many objects pass the mask and every test."""
    if not tests:
        return mask.count(True)
    return sum(compress(combine([*tests]), mask))


def chosen(ids: list[int], mask: list[bool]) -> list[int]:
    """The ids whose test passed."""
    return list(compress(ids, mask))


def left_out(ids: list[int], mask: list[bool], found: int) -> list[int]:
    """The ids whose test failed (`found` passed)."""
    if (len(ids) - found) * 16 > len(ids):
        return list(compress(ids, map(operator.not_, mask)))
    out, at = [], -1
    try:
        while True:  # few failed: jump from one to the next at C speed
            at = mask.index(False, at + 1)
            out.append(ids[at])
    except ValueError:
        return out
