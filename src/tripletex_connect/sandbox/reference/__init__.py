"""The reference data of a new sandbox company (pure data, in the API's JSON shape) and the demo seed."""

from __future__ import annotations

from typing import Any

from . import basics
from .accounts import accounts
from .demo import BANK_ACCOUNT, demo_seed
from .external import external_products
from .periods import accounting_periods, annual_accounts
from .timesheet import salary_types, timesheet_settings
from .vat import vat_ids, vat_types

__all__ = ["BANK_ACCOUNT", "company_reference", "demo_seed", "is_valid_norwegian_account"]


def company_reference(year: int) -> dict[str, list[dict[str, Any]]]:
    """Every reference list of a company whose current year is `year`, keyed by spec schema name."""
    ids = vat_ids()
    return {
        "VatType": vat_types(),
        "Account": accounts(ids),
        "Currency": basics.currencies(),
        "Country": basics.countries(),
        "VoucherType": basics.voucher_types(),
        "PaymentType": basics.payment_types(),
        "PaymentTypeOut": basics.payment_types_out(),
        "ProductUnitMaster": basics.unit_masters(),
        "ProductUnit": basics.product_units(),
        "Department": basics.departments(),
        "Activity": basics.activities(),
        "AccountingPeriod": accounting_periods(year),
        "AnnualAccount": annual_accounts(year),
        "ExternalProduct": external_products(ids["3"], 1),
        "Inventory": [{"id": 1, "name": "Hovedlager", "number": "1", "isMainInventory": True, "isInactive": False,
                       "hasLocations": False, "deletable": False, "description": "Hovedlageret"}],
        "TimesheetSettings": timesheet_settings(),
        "SalaryType": salary_types(),
        "LogisticsSettings": [{"id": 1, "hasWarehouseLocation": False, "showOnboardingWizard": False,
                               "moduleSuggestedProductNumber": False}],
    }


def is_valid_norwegian_account(number: str) -> bool:
    """Whether an 11-digit Norwegian bank account number passes its mod-11 check digit."""
    digits = number.replace(".", "").replace(" ", "")
    if len(digits) != 11 or not digits.isdigit():
        return False
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(digits[:10], weights, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[10])
