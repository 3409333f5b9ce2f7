"""Standard Norwegian VAT types (mva-koder) of a new Tripletex company."""

from __future__ import annotations

from typing import Any

# number, name, percentage, deduction percentage
VAT_TYPES: tuple[tuple[str, str, float, float], ...] = (
    ("0", "Ingen avgiftsbehandling", 0.0, 0.0),
    ("1", "Fradrag inngående avgift, høy sats", 25.0, 100.0),
    ("11", "Fradrag inngående avgift, middels sats", 15.0, 100.0),
    ("12", "Fradrag inngående avgift, råfisk", 11.11, 100.0),
    ("13", "Fradrag inngående avgift, lav sats", 12.0, 100.0),
    ("14", "Fradrag inngående avgift, høy sats (innførsel av varer)", 25.0, 100.0),
    ("15", "Fradrag inngående avgift, middels sats (innførsel av varer)", 15.0, 100.0),
    ("20", "Ingen fradrag for innførsel av varer, høy sats", 25.0, 0.0),
    ("3", "Utgående avgift, høy sats", 25.0, 0.0),
    ("31", "Utgående avgift, middels sats", 15.0, 0.0),
    ("32", "Utgående avgift, råfisk", 11.11, 0.0),
    ("33", "Utgående avgift, lav sats", 12.0, 0.0),
    ("5", "Ingen utgående avgift (innenfor mva-loven)", 0.0, 0.0),
    ("51", "Avgiftsfri innenlands omsetning med omvendt avgiftsplikt", 0.0, 0.0),
    ("52", "Avgiftsfri utførsel av varer og tjenester", 0.0, 0.0),
    ("6", "Ingen utgående avgift (utenfor mva-loven)", 0.0, 0.0),
    ("7", "Ingen avgiftsbehandling (inntekter)", 0.0, 0.0),
    ("81", "Innførsel av varer, fradrag, høy sats", 25.0, 100.0),
    ("86", "Tjenester kjøpt fra utlandet, fradrag, høy sats", 25.0, 100.0),
)
# The VAT types of sales (outgoing) and of purchases (incoming); type 0, no VAT treatment, is both.
OUTGOING_TYPES = ("0", "3", "31", "32", "33", "5", "51", "52", "6", "7")
INCOMING_TYPES = ("0", "1", "11", "12", "13", "14", "15", "20", "81", "86")
# `typeOfVat` of GET /ledger/vatType -> the numbers it lists (LEDGER: every type can be posted in the ledger).
TYPE_OF_VAT = {
    "OUTGOING": OUTGOING_TYPES, "PROJECT": OUTGOING_TYPES, "INCOMING": INCOMING_TYPES,
    "INCOMING_INVOICE": INCOMING_TYPES, "LEDGER": tuple(number for number, *_ in VAT_TYPES),
}
# The output VAT account of each outgoing VAT type (used when invoicing).
OUTPUT_VAT_ACCOUNT = {"3": 2700, "31": 2701, "32": 2701, "33": 2702}


def vat_types() -> list[dict[str, Any]]:
    """The VAT types as VatType objects."""
    return [
        {"id": index, "number": number, "name": name, "displayName": f"{number} {name}", "percentage": pct,
         "deductionPercentage": deduction}
        for index, (number, name, pct, deduction) in enumerate(VAT_TYPES, start=1)
    ]


def vat_ids() -> dict[str, int]:
    """VAT type number -> id."""
    return {number: index for index, (number, *_rest) in enumerate(VAT_TYPES, start=1)}
