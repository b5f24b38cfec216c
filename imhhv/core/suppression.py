"""Small-cell suppression: the one rule for every figure shown outside an agency.

DOMAIN.md §7 and DESIGN.md rule 8: a count of 1 to 10 people is never shown to the state
or an evaluator (*primary* suppression; 0 is shown, because "nobody" identifies nobody).
Hiding the small cell is not enough when a total is shown beside it: 5 + x = 120 gives
x back. So a line (a row or a column) whose total is shown must never hold exactly one
hidden figure; when it does, the smallest other figure of that line is hidden too
(*complementary* suppression), and the rule runs again until nothing changes, because
each new hidden cell may leave another line with a single hidden cell.

Two further checks, because "no single hidden cell per line" alone can still be undone:

- The hidden figures of a line with a shown total add up to a figure anyone can compute
  (total minus the shown ones). When that sum is itself a small cell (3 and 4 hidden next
  to a total that gives 7 back), one more figure of the line is hidden.
- Totals of several lines together can give a cell back even when every line holds two
  hidden cells (two blocks of hidden cells joined by one cell: adding the rows of one
  block and subtracting its columns leaves that cell alone). After the line rules are
  stable, every hidden cell is checked exactly: it is recoverable when it is determined
  by the published equations (Gaussian elimination over the rationals); if one is, the
  smallest shown figure of one of its lines is hidden and everything runs again.

What this does not promise: a hidden cell's *range* (between 0 and the hidden sum) is
public, as in every cell-suppression scheme; only its exact value is protected.

The general function, `suppress`, takes named counts and the lines that tie them
(`Line(total, parts)`). `suppress_table` and `suppress_column` build those lines for a
table with row and column totals and for a single column with a total; `share` is the
helper for a rate, which is hidden when its numerator, denominator or complement is a
small cell (or was hidden). Cells are chosen deterministically (smallest non-zero value,
then the earliest position), so a page and the API show the same figures.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

SMALL_CELL_MAX = 10


def is_small(count: int, *, maximum: int = SMALL_CELL_MAX) -> bool:
    """A count of 1..maximum people: never shown outside the agency (0 is not small)."""
    return 1 <= count <= maximum


def suppress_count(count: int | None, *, maximum: int = SMALL_CELL_MAX) -> int | None:
    """A lone figure (no total shown beside it): the count, or None when it is small.

    None in, None out, so an already hidden figure stays hidden.
    """
    if count is None:
        return None
    _check_count(count)
    return None if is_small(count, maximum=maximum) else count


@dataclass(frozen=True)
class Line:
    """A published equation: `total` equals the sum of `parts` (all keys of the counts).

    The total is itself a count: it is suppressed when small, and may be hidden as a last
    resort by complementary suppression (the parts are hidden first).
    """

    total: Hashable
    parts: tuple[Hashable, ...]

    def __init__(self, total: Hashable, parts: Iterable[Hashable]):
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "parts", tuple(parts))


def suppress(
    counts: Mapping[Hashable, int],
    lines: Iterable[Line] = (),
    *,
    maximum: int = SMALL_CELL_MAX,
    also_hide: Iterable[Hashable] = (),
) -> frozenset[Hashable]:
    """The keys of `counts` to hide: primary, then complementary suppression, until stable.

    `lines` are the totals shown with the figures (a line's total key and its parts must be
    keys of `counts`, and the total must equal the parts' sum: a ValueError otherwise, since
    a wrong equation would protect nothing). `also_hide` are keys the caller hides for
    its own reasons (complementary suppression then protects them too). Idempotent:
    passing the result back as `also_hide` returns it unchanged.
    """
    lines = list(lines)
    for value in counts.values():
        _check_count(value)
    for line in lines:
        missing = [k for k in (line.total, *line.parts) if k not in counts]
        if missing:
            raise ValueError(f"line refers to unknown keys: {missing!r}")
        if counts[line.total] != sum(counts[p] for p in line.parts):
            raise ValueError(f"the total {line.total!r} is not the sum of its parts")
    order = {key: i for i, key in enumerate(counts)}
    hidden = {k for k, v in counts.items() if is_small(v, maximum=maximum)}
    for key in also_hide:
        if key not in counts:
            raise ValueError(f"also_hide refers to an unknown key: {key!r}")
        hidden.add(key)
    while True:
        if _apply_line_rules(counts, lines, hidden, order, maximum):
            continue
        pick = _fix_recoverable(counts, lines, hidden, order)
        if pick is None:
            return frozenset(hidden)
        hidden.add(pick)


def _check_count(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a count must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError("a count cannot be negative")


def _apply_line_rules(counts, lines, hidden, order, maximum) -> bool:
    """One pass of the line rules; True when it hid something."""
    changed = False
    for line in lines:
        members = (line.total, *line.parts)
        hidden_members = [m for m in members if m in hidden]
        if not hidden_members:
            continue
        needs_more = len(hidden_members) == 1
        if not needs_more and line.total not in hidden:
            hidden_sum = sum(counts[p] for p in line.parts if p in hidden)
            needs_more = is_small(hidden_sum, maximum=maximum)
        if needs_more:
            pick = _complement(line, counts, hidden, order)
            if pick is not None:
                hidden.add(pick)
                changed = True
    return changed


def _complement(line: Line, counts, hidden, order) -> Hashable | None:
    """The shown figure of `line` to hide next: the smallest non-zero part, then a zero
    part (hiding a zero protects less), and the total only when no part is left."""
    shown = [p for p in line.parts if p not in hidden]
    if shown:
        return min(shown, key=lambda p: (counts[p] == 0, counts[p], order[p]))
    return None if line.total in hidden else line.total


def _fix_recoverable(counts, lines, hidden, order) -> Hashable | None:
    """A shown figure to hide because some hidden cell is determined by the equations."""
    for key in sorted(_recoverable(lines, hidden), key=order.__getitem__):
        for line in lines:
            if key == line.total or key in line.parts:
                pick = _complement(line, counts, hidden, order)
                if pick is not None:
                    return pick
    return None


def _recoverable(lines: Sequence[Line], hidden: set) -> set:
    """Hidden keys whose value follows from the shown figures and the lines' equations.

    Each line says total - sum(parts) = 0; the shown figures are constants, so only the
    hidden ones are unknowns. A hidden key is determined exactly when its unit vector is
    in the row space of that system, which in reduced row echelon form means some row has
    a single non-zero entry (sparse elimination with exact fractions).
    """
    pivots: dict[Hashable, dict[Hashable, Fraction]] = {}
    for line in lines:
        row: dict[Hashable, Fraction] = {}
        if line.total in hidden:
            row[line.total] = Fraction(1)
        for part in line.parts:
            if part in hidden:
                row[part] = row.get(part, Fraction(0)) - 1
        row = {k: v for k, v in row.items() if v}
        while True:
            known = next((k for k in row if k in pivots), None)
            if known is None:
                break
            factor = row[known]
            for k, v in pivots[known].items():
                row[k] = row.get(k, Fraction(0)) - factor * v
                if not row[k]:
                    del row[k]
        if not row:
            continue
        pivot = next(iter(row))
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        for other in pivots.values():
            if pivot in other:
                factor = other[pivot]
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                    if not other[k]:
                        del other[k]
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """A table as it may be shown: None marks a hidden figure.

    `row_totals` / `column_totals` are empty when the table shows none; `grand_total` is
    shown only with both (None when it is hidden or not shown).
    """

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    hidden: frozenset = field(repr=False)

    def is_hidden(self, row: int, column: int) -> bool:
        return ("cell", row, column) in self.hidden


def table_lines(
    cells: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> tuple[dict[Hashable, int], list[Line]]:
    """The counts and lines of a table, keyed ("cell", r, c), ("row", r), ("column", c)
    and ("all",), for `suppress` (what `suppress_table` runs on)."""
    width = len(cells[0]) if cells else 0
    counts: dict[Hashable, int] = {}
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            counts[("cell", r, c)] = value
    lines: list[Line] = []
    if row_totals:
        for r, row in enumerate(cells):
            counts[("row", r)] = sum(row)
            lines.append(Line(("row", r), [("cell", r, c) for c in range(width)]))
    if column_totals:
        for c in range(width):
            counts[("column", c)] = sum(row[c] for row in cells)
            lines.append(Line(("column", c), [("cell", r, c) for r in range(len(cells))]))
    if row_totals and column_totals:
        counts[("all",)] = sum(map(sum, cells))
        lines.append(Line(("all",), [("row", r) for r in range(len(cells))]))
        lines.append(Line(("all",), [("column", c) for c in range(width)]))
    return counts, lines


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = False,
    column_totals: bool = False,
    maximum: int = SMALL_CELL_MAX,
    also_hide: Iterable[tuple[int, int]] = (),
) -> SuppressedTable:
    """Suppress a rows x columns table of counts of people, with its totals if shown.

    Only ask for row totals when a row's cells add up to something meaningful (families
    by race at one agency, not "families" next to "disengaged families"). With both
    totals, the grand total is shown too and ties the margins together. `also_hide` holds
    (row, column) positions the caller hides for its own reasons.
    """
    table = [list(row) for row in cells]
    width = len(table[0]) if table else 0
    if any(len(row) != width for row in table):
        raise ValueError("every row of a table needs the same number of cells")
    for row in table:
        for value in row:
            _check_count(value)
    counts, lines = table_lines(table, row_totals=row_totals, column_totals=column_totals)
    hidden = suppress(
        counts, lines, maximum=maximum, also_hide=[("cell", r, c) for r, c in also_hide]
    )

    def shown(key):
        return None if key in hidden else counts[key]

    return SuppressedTable(
        cells=[[shown(("cell", r, c)) for c in range(width)] for r in range(len(table))],
        row_totals=[shown(("row", r)) for r in range(len(table))] if row_totals else [],
        column_totals=[shown(("column", c)) for c in range(width)] if column_totals else [],
        grand_total=shown(("all",)) if row_totals and column_totals else None,
        hidden=hidden,
    )


@dataclass(frozen=True)
class SuppressedColumn:
    values: list[int | None]
    total: int | None  # None when hidden, or when no total is shown


def suppress_column(
    counts: Sequence[int], *, total: bool = True, maximum: int = SMALL_CELL_MAX
) -> SuppressedColumn:
    """One column of counts (e.g. families per agency), with its total shown or not."""
    table = suppress_table([[c] for c in counts], column_totals=total, maximum=maximum)
    return SuppressedColumn(
        values=[row[0] for row in table.cells],
        total=table.column_totals[0] if total else None,
    )


def suppress_records(
    records: Sequence[Mapping[str, int]],
    fields: Sequence[str],
    *,
    totals: bool = False,
    maximum: int = SMALL_CELL_MAX,
) -> tuple[list[dict[str, int | None]], dict[str, int | None] | None]:
    """Rows of named counts (one per agency, say): each field is a column of the table.

    Returns the rows with `fields` suppressed (other keys copied as they are) and, with
    `totals`, the column totals by field (None when no totals are shown). Fields are never
    added across a row: they need not add up.
    """
    table = suppress_table(
        [[record[f] for f in fields] for record in records], column_totals=totals, maximum=maximum
    )
    rows = [
        {**record, **dict(zip(fields, cells, strict=True))}
        for record, cells in zip(records, table.cells, strict=True)
    ]
    return rows, (dict(zip(fields, table.column_totals, strict=True)) if totals else None)


# --- rates -------------------------------------------------------------------------------


def share(
    numerator: int | None,
    denominator: int | None,
    *,
    maximum: int = SMALL_CELL_MAX,
    complement: bool = True,
) -> float | None:
    """numerator / denominator, or None when the rate would give a small cell away.

    Hidden when either count is None (already suppressed), is a small cell, or the
    denominator is 0; and, with `complement` (the default), when denominator - numerator
    is a small cell, since 195 of 200 tells that 5 were not counted (a numerator above
    the denominator, e.g. visits delivered over visits planned, has no complement). Pass
    the raw counts or the suppressed ones: both are safe.
    """
    if numerator is None or denominator is None:
        return None
    _check_count(numerator)
    _check_count(denominator)
    if denominator == 0 or is_small(numerator, maximum=maximum):
        return None
    if is_small(denominator, maximum=maximum):
        return None
    hides_complement = complement and numerator <= denominator
    if hides_complement and is_small(denominator - numerator, maximum=maximum):
        return None
    return numerator / denominator
