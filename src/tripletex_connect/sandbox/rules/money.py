"""Money as Tripletex rounds it: two decimals, half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# Wide enough for every finite float with its øre: the default 28 digits fail from about 1e26.
_WIDE = Context(prec=400)


def money(value: float | Decimal) -> float:
    """Round to øre, half up (2.675 -> 2.68, not banker's rounding); a non-finite value stays as it is."""
    exact = Decimal(str(value))
    if not exact.is_finite():
        return float(exact)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=_WIDE))
