"""Which client companies a scenario runs for: `companies: all | [ids] | {name: "Acme*"}` and `--companies`.

An accountant's login can act for its client companies (`GET /company/>withLoginAccess`, company id per
request). A selector names some of them; `resolve_companies` asks the API once which companies the login
may act for and picks the selected ones, refusing ids it cannot act for.

On the command line (`ttx run --companies ...`):

- `all`: every client company of the login;
- `1001,1002`: these ids (in this order);
- `name=Acme*`: the companies whose name matches a pattern (`*` and `?` as in file names, any case).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..core.errors import TripletexError

if TYPE_CHECKING:
    from ..client import Tripletex

SelectorKind = Literal["all", "ids", "name"]
LOGIN_ACCESS = "company.with_login_access"
SYNTAX = "`all`, a list of company ids, or {name: \"pattern\"} (`*` and `?` as in file names)"
CLI_SYNTAX = "`all`, ids separated by commas (`1001,1002`), or `name=PATTERN` (`name=Acme*`)"


class CompanySelectionError(TripletexError, ValueError):
    """A company selector is malformed, or names companies the login cannot act for."""


@dataclass(frozen=True)
class CompanyRef:
    """A client company a scenario runs for: its id (the company id of each request) and its name."""

    id: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.id})" if self.name else str(self.id)


@dataclass(frozen=True)
class CompanySelector:
    """Which client companies: all of them, these ids, or those whose name matches a pattern."""

    kind: SelectorKind = "all"
    ids: tuple[int, ...] = ()
    name: str = ""

    @classmethod
    def parse(cls, value: Any) -> CompanySelector:
        """A selector from scenario data: `all`, a list of ids, or {name: "pattern"}; CompanySelectionError else."""
        if isinstance(value, CompanySelector):
            return value
        if isinstance(value, str) and value.strip().lower() == "all":
            return cls("all")
        if isinstance(value, list):
            return cls("ids", _ids(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return cls("ids", _ids([value]))
        if isinstance(value, dict):
            if set(value) != {"name"} or not isinstance(value["name"], str) or not value["name"].strip():
                raise CompanySelectionError(f"`companies` as a mapping takes only `name` (text), e.g. "
                                            f"{{name: \"Acme*\"}}; got {value!r}")
            return cls("name", name=value["name"].strip())
        raise CompanySelectionError(f"`companies` must be {SYNTAX}; got {value!r}")

    @classmethod
    def from_cli(cls, text: str) -> CompanySelector:
        """A selector from the command line: `all`, `1001,1002` or `name=Acme*`."""
        raw = text.strip()
        if raw.lower() == "all":
            return cls("all")
        if raw.lower().startswith("name="):
            pattern = raw[5:].strip()
            if not pattern:
                raise CompanySelectionError(f"--companies name= needs a pattern; use {CLI_SYNTAX}")
            return cls("name", name=pattern)
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not parts or not all(p.isdigit() for p in parts):
            raise CompanySelectionError(f"--companies {text!r} is not {CLI_SYNTAX}")
        return cls("ids", _ids([int(p) for p in parts]))

    def to_data(self) -> Any:
        """The selector as scenario data (what `parse` reads back)."""
        if self.kind == "all":
            return "all"
        if self.kind == "ids":
            return list(self.ids)
        return {"name": self.name}

    def describe(self) -> str:
        """The selector in a few words, for listings and messages."""
        if self.kind == "all":
            return "all client companies"
        if self.kind == "ids":
            return "companies " + ", ".join(str(i) for i in self.ids)
        return f"companies named {self.name!r}"

    def select(self, available: list[CompanyRef]) -> list[CompanyRef]:
        """The selected companies among those the login may act for; CompanySelectionError for unknown ids."""
        if self.kind == "all":
            return sorted(available, key=lambda c: c.id)
        if self.kind == "name":
            pattern = self.name.casefold()
            chosen = [c for c in available if fnmatch.fnmatchcase(c.name.casefold(), pattern)]
            if not chosen:
                raise CompanySelectionError(f"no client company of this login has a name matching {self.name!r}"
                                            f"{_listing(available)}")
            return sorted(chosen, key=lambda c: c.id)
        by_id = {c.id: c for c in available}
        missing = [i for i in self.ids if i not in by_id]
        if missing:
            raise CompanySelectionError(
                f"this login cannot act for compan{'y' if len(missing) == 1 else 'ies'} "
                f"{', '.join(str(i) for i in missing)}{_listing(available)}")
        return [by_id[i] for i in self.ids]


def resolve_companies(client: Tripletex, selector: CompanySelector) -> list[CompanyRef]:
    """The companies a selector names, from one `GET /company/>withLoginAccess` of the client's login."""
    return selector.select(login_access(client))


def login_access(client: Tripletex) -> list[CompanyRef]:
    """Every company the client's login may act for (id and name)."""
    from ..scenario.runner import plain

    out: list[CompanyRef] = []
    for item in client.invoke(LOGIN_ACCESS, {"fields": "id,name"}):
        data = plain(item)
        if isinstance(data, dict) and isinstance(data.get("id"), int):
            out.append(CompanyRef(int(data["id"]), str(data.get("name") or "")))
    return out


def _ids(values: list[Any]) -> tuple[int, ...]:
    if not values:
        raise CompanySelectionError(f"`companies` is an empty list; use {SYNTAX}")
    bad = [v for v in values if not isinstance(v, int) or isinstance(v, bool) or v <= 0]
    if bad:
        raise CompanySelectionError(f"company ids must be positive whole numbers; got {bad[0]!r}")
    return tuple(dict.fromkeys(values))  # in the order given, each once


def _listing(available: list[CompanyRef]) -> str:
    if not available:
        return "; it has no client companies (`ttx companies with-login-access` lists them)"
    shown = ", ".join(str(c) for c in sorted(available, key=lambda c: c.id)[:10])
    more = f" and {len(available) - 10} more" if len(available) > 10 else ""
    return f"; it can act for {shown}{more} (`ttx companies with-login-access` lists them)"
