"""Rules for figures shown outside an agency (DOMAIN.md §7)."""

SMALL_CELL_MAX = 10


def suppress_small(count: int, *, maximum: int = SMALL_CELL_MAX) -> int | None:
    """The count, or None when it describes 1..maximum people (a small cell)."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if 1 <= count <= maximum:
        return None
    return count
