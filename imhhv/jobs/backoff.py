"""When a failed job is tried again: exponential back-off, capped.

Pure code (no Django): attempt 1 failed → wait `base`; each further failure doubles the
wait, up to `cap`. No jitter: a handful of jobs failing together (a database restart) are
spread out by their different failure times already, and a fixed schedule is one an
operator can predict from the row ("attempt 3 failed at 10:00, next try at 10:02").
"""

from datetime import timedelta

BASE = timedelta(seconds=30)
CAP = timedelta(hours=1)


def retry_delay(attempts: int, *, base: timedelta = BASE, cap: timedelta = CAP) -> timedelta:
    """The wait after the `attempts`-th failed attempt (1-based)."""
    if attempts < 1:
        raise ValueError("attempts counts from 1")
    if base <= timedelta(0) or cap < base:
        raise ValueError("need 0 < base <= cap")
    # In whole microseconds (ints do not overflow; timedelta would, at about 2**47 s).
    unit = timedelta(microseconds=1)
    base_us, cap_us = base // unit, cap // unit
    doublings = attempts - 1
    if doublings >= cap_us.bit_length():
        return cap
    return min(cap_us, base_us << doublings) * unit
