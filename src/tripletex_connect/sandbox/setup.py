"""A new sandbox company as Tripletex sets one up: company, employee, reference data, a client company."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from .context import Ctx
from .store import Tx
from .tenancy import FIRST_COMPANY_ID, CompanyInfo, Tenancy


@cache
def _reference(year: int) -> dict[str, list[dict[str, Any]]]:
    from .reference import company_reference

    return company_reference(year)


def _load(tx: Tx, company_id: int, data: dict[str, list[dict[str, Any]]], now: str) -> None:
    for model, objects in data.items():
        tx.insert_many(company_id, model, objects, now)


def _seed(tx: Tx, ctx: Ctx) -> None:
    """Demo data through the resources' rules (numbers, prices, order lines); reference objects are updated."""
    from .reference.demo import demo_seed, demo_vouchers
    from .rules import rules_for
    from .rules.invoicing import post_voucher

    for model, objects in demo_seed(ctx.today).items():
        rules = rules_for(model)
        for obj in (dict(o) for o in objects):
            row = tx.get(ctx.company_id, model, int(obj["id"])) if "id" in obj else None
            if row is not None:
                tx.replace(ctx.company_id, model, row, {**row.data, **obj}, ctx.now)
                continue
            rules.on_create(tx, ctx, obj)
            rules.after_create(tx, ctx, tx.insert(ctx.company_id, model, obj, ctx.now, id=obj.get("id")))
    for date, description, kind, postings in demo_vouchers(ctx.today):
        post_voucher(tx, ctx, date, description, kind, postings)


def _company(tx: Tx, tenancy: Tenancy, name: str, org: str, year: int) -> tuple[int, int]:
    now, _ = tenancy.context_time()
    company_id = tx.next_value(0, "company", FIRST_COMPANY_ID)
    tx.insert(company_id, "Company", {"name": name, "organizationNumber": org, "type": "AS",
                                      "startDate": f"{year - 1}-01-01"}, now, id=company_id)
    employee = tx.insert(company_id, "Employee", {
        "firstName": "Ola", "lastName": "Nordmann", "email": "ola.nordmann@example.no", "employeeNumber": "1",
        "userType": "EXTENDED", "companyId": company_id,
    }, now)
    _load(tx, company_id, _reference(year), now)
    return company_id, employee.id


def new_company(
    tx: Tx, tenancy: Tenancy, *, employee_token: str | None = None, seed: str | None = None,
    name: str = "Sandkasse Regnskap AS",
) -> CompanyInfo:
    """Create a company (and its client company) with the reference data of a new Tripletex company."""
    now, today = tenancy.context_time()
    year = int(today[:4])
    token = employee_token or "sandbox-employee-" + secrets.token_hex(8)
    company_id, employee_id = _company(tx, tenancy, name, "999888777", year)
    tenancy.register(tx, company_id, employee_id, token, None)
    client_id = new_client_company(tx, tenancy, company_id, "Fjellbakeriet AS (klient)", "912345678")
    if seed == "demo":
        _seed(tx, Ctx(company_id, employee_id, company_id, "", now, today))
    elif seed:
        raise ValueError(f"unknown seed {seed!r}; the only seed is 'demo'")
    return CompanyInfo(company_id, employee_id, token, client_id)


def new_client_company(tx: Tx, tenancy: Tenancy, owner_id: int, name: str, org: str = "912345678") -> int:
    """Create a client company the accountant company `owner_id` can act for (no token of its own); its id."""
    _, today = tenancy.context_time()
    client_id, client_employee = _company(tx, tenancy, name, org, int(today[:4]))
    tenancy.register(tx, client_id, client_employee, None, owner_id)
    return client_id
