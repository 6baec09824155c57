"""Scoring rules: an indicator's value to its marks."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assessments.choices import Rule

CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def marks(*, rule: str, value: Decimal, full_marks: Decimal, full_at: Decimal,
          zero_at: Decimal | None) -> Decimal:  # fmt: skip
    """Linear: nothing at `zero_at` or worse, full marks at `full_at` or better, in proportion
    between. Target: full marks at `full_at` or better, else nothing. "Better" is away from
    `zero_at`: a `zero_at` above `full_at` means lower is better (a reopened share); without
    one, higher is better."""
    lower_is_better = zero_at is not None and zero_at > full_at
    reached = value <= full_at if lower_is_better else value >= full_at
    if reached:
        return _cents(full_marks)
    if rule == Rule.TARGET:
        return _cents(Decimal(0))
    share = (value - zero_at) / (full_at - zero_at)
    share = min(max(share, Decimal(0)), Decimal(1))
    return _cents(full_marks * share)
