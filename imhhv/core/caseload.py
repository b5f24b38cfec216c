"""Caseload capacity (DOMAIN.md §2: 12-15 families per full-time home visitor)."""

import math
from decimal import Decimal

DEFAULT_CAP_PER_FTE = 15


def caseload_capacity(fte: Decimal | float, *, cap_per_fte: int = DEFAULT_CAP_PER_FTE) -> int:
    """Families a home visitor at `fte` may carry: cap x FTE, rounded down."""
    fte = Decimal(str(fte))
    if fte < 0:
        raise ValueError("FTE cannot be negative")
    return math.floor(Decimal(cap_per_fte) * fte)


def open_slots(
    fte: Decimal | float, active_families: int, *, cap_per_fte: int = DEFAULT_CAP_PER_FTE
) -> int:
    """Capacity minus active families; negative when the caseload is over the cap."""
    return caseload_capacity(fte, cap_per_fte=cap_per_fte) - active_families
