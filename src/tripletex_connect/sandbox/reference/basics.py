"""Currencies, countries, voucher types, payment types, units, departments and activities of a new company."""

from __future__ import annotations

from typing import Any

from .accounts import account_id

CURRENCIES = (
    ("NOK", "Norske kroner", 1), ("EUR", "Euro", 1), ("USD", "Amerikanske dollar", 1), ("SEK", "Svenske kroner", 100),
    ("DKK", "Danske kroner", 100), ("GBP", "Britiske pund", 1), ("CHF", "Sveitsiske franc", 1),
    ("ISK", "Islandske kroner", 100), ("PLN", "Polske zloty", 1), ("JPY", "Japanske yen", 100),
)
COUNTRIES = (
    ("Norge", "NO", "NOR", "578"), ("Sverige", "SE", "SWE", "752"), ("Danmark", "DK", "DNK", "208"),
    ("Finland", "FI", "FIN", "246"), ("Island", "IS", "ISL", "352"), ("Tyskland", "DE", "DEU", "276"),
    ("Storbritannia", "GB", "GBR", "826"), ("USA", "US", "USA", "840"), ("Nederland", "NL", "NLD", "528"),
    ("Frankrike", "FR", "FRA", "250"), ("Spania", "ES", "ESP", "724"), ("Polen", "PL", "POL", "616"),
    ("Litauen", "LT", "LTU", "440"), ("Estland", "EE", "EST", "233"), ("Italia", "IT", "ITA", "380"),
    ("Sveits", "CH", "CHE", "756"),
)
VOUCHER_TYPES = (
    "Utgående faktura", "Leverandørfaktura", "Innbetaling", "Utbetaling", "Bankavstemming", "Lønnsbilag",
    "Manuelt bilag", "Mva-melding", "Åpningsbalanse", "Reiseregning", "Ansattutlegg", "Purregebyr",
)
# name, short name, common code (UN/ECE rec. 20)
UNITS = (
    ("Stykk", "stk", "H87"), ("Timer", "t", "HUR"), ("Kilogram", "kg", "KGM"), ("Liter", "l", "LTR"),
    ("Meter", "m", "MTR"), ("Kvadratmeter", "m2", "MTK"), ("Kubikkmeter", "m3", "MTQ"), ("Dager", "d", "DAY"),
    ("Måneder", "mnd", "MON"), ("Pakke", "pk", "PK"), ("Kartong", "krt", "CT"), ("Tonn", "tonn", "TNE"),
)
ACTIVITIES = (
    ("Administrasjon", "GENERAL_ACTIVITY", False), ("Prosjektarbeid", "PROJECT_GENERAL_ACTIVITY", True),
    ("Reise", "GENERAL_ACTIVITY", False), ("Ferie", "GENERAL_ACTIVITY", False),
    ("Sykdom", "GENERAL_ACTIVITY", False), ("Møter", "PROJECT_GENERAL_ACTIVITY", True),
)


def currencies() -> list[dict[str, Any]]:
    """NOK (id 1) and the currencies Norwegian companies trade in most."""
    return [
        {"id": i, "code": code, "description": name, "factor": factor, "isDisabled": False, "displayName": code}
        for i, (code, name, factor) in enumerate(CURRENCIES, start=1)
    ]


def countries() -> list[dict[str, Any]]:
    """Norway (id 1) and neighbours and trading partners."""
    return [
        {"id": i, "name": name, "displayName": name, "isoAlpha2Code": a2, "isoAlpha3Code": a3,
         "isoNumericCode": num}
        for i, (name, a2, a3, num) in enumerate(COUNTRIES, start=1)
    ]


def voucher_types() -> list[dict[str, Any]]:
    """The voucher types (bilagstyper)."""
    return [{"id": i, "name": name, "displayName": name} for i, name in enumerate(VOUCHER_TYPES, start=1)]


def payment_types() -> list[dict[str, Any]]:
    """Incoming invoice payment types: to the bank account (1920) or in cash (1900)."""
    return [
        {"id": 1, "description": "Betalt til bank", "displayName": "Betalt til bank", "sequence": 1,
         "debitAccount": {"id": account_id(1920)}, "creditAccount": {"id": account_id(1500)}},
        {"id": 2, "description": "Kontant", "displayName": "Kontant", "sequence": 2,
         "debitAccount": {"id": account_id(1900)}, "creditAccount": {"id": account_id(1500)}},
    ]


def payment_types_out() -> list[dict[str, Any]]:
    """Outgoing payment types: paid from the bank account (1920) through the net bank, or in cash (1900)."""
    common = {"isInactive": False, "isBruttoWageDeduction": False, "requiresSeparateVoucher": False,
              "showIncomingInvoice": True, "showVatReturns": True, "showWagePayment": True,
              "showWagePeriodTransaction": False}
    return [
        {"id": 1, "description": "Nettbank", "displayName": "Nettbank", "sequence": 1,
         "creditAccount": {"id": account_id(1920)}, **common},
        {"id": 2, "description": "Kontant", "displayName": "Kontant", "sequence": 2,
         "creditAccount": {"id": account_id(1900)}, **common, "showVatReturns": False, "showWagePayment": False},
    ]


def unit_masters() -> list[dict[str, Any]]:
    """The unit masters Tripletex offers every company."""
    return [
        {"id": i, "name": name, "nameShort": short, "commonCode": code, "peppolName": name,
         "peppolSymbol": code, "isInactive": False}
        for i, (name, short, code) in enumerate(UNITS, start=1)
    ]


def product_units() -> list[dict[str, Any]]:
    """The company's product units, derived from the masters."""
    return [
        {"id": i, "name": name, "nameShort": short, "commonCode": code, "nameEN": name, "nameShortEN": short,
         "isDeletable": False}
        for i, (name, short, code) in enumerate(UNITS[:8], start=1)
    ]


def departments() -> list[dict[str, Any]]:
    """The one department of a new company."""
    return [{"id": 1, "name": "Avdeling 1", "departmentNumber": "1", "isInactive": False}]


def activities() -> list[dict[str, Any]]:
    """General and project activities, with the flags Tripletex derives from the activity type."""
    return [
        {"id": i, "name": name, "number": str(i), "displayName": name, "activityType": kind,
         "isChargeable": chargeable, "rate": 0.0, "costPercentage": 0.0, "description": "",
         "isGeneral": kind == "GENERAL_ACTIVITY", "isProjectActivity": kind.startswith("PROJECT_"),
         "isTask": kind == "TASK", "isDisabled": False}
        for i, (name, kind, chargeable) in enumerate(ACTIVITIES, start=1)
    ]
