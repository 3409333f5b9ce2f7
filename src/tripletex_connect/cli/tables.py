"""What a table asks Tripletex for: references by number and name, as accountants read them.

An unexpanded reference is only `{id, url}`; a table shows "1920 Bankinnskudd" or "10001 Bergen Bryggeri",
so when a table is wanted and no `--fields` was given, the request selects those fields of every reference
to an account, customer, supplier, employee, project, product, activity, department, VAT type, currency or category.
"""

from __future__ import annotations

# Per referenced model, the fields that name it (number first, then name).
_NAMING_FIELDS: dict[str, tuple[str, ...]] = {
    "Account": ("number", "name"),
    "Customer": ("customerNumber", "name"),
    "Supplier": ("supplierNumber", "name"),
    "Employee": ("employeeNumber", "firstName", "lastName"),
    "Project": ("number", "name"),
    "Product": ("number", "name"),
    "Activity": ("number", "name"),
    "Department": ("departmentNumber", "name"),
    "VatType": ("number", "name"),
    "Currency": ("code",),
    "CustomerCategory": ("number", "name"),
}


def table_fields(model: str | None) -> str | None:
    """The `fields` selection a table of `model` objects needs (`*,customer(id,customerNumber,name)`), or None."""
    from .. import models

    fields = models.SCHEMA_FIELDS.get(model or "", {})
    expansions = []
    for name, spec in fields.items():
        if spec.kind != "ref" or spec.ref not in _NAMING_FIELDS:
            continue
        known = models.SCHEMA_FIELDS.get(spec.ref, {})
        chosen = [field for field in ("id", *_NAMING_FIELDS[spec.ref]) if field in known]
        expansions.append(f"{name}({','.join(chosen)})")
    return ",".join(["*", *expansions]) if expansions else None
