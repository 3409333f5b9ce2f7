"""Money as Tripletex rounds it: two decimals, half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def money(value: float | Decimal) -> float:
    """Round to øre, half up (2.675 -> 2.68, not banker's rounding)."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
