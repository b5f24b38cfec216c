"""Small-cell suppression: hand-worked examples and the properties the state relies on."""

import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imhhv.core.suppression import (
    Line,
    share,
    suppress,
    suppress_column,
    suppress_count,
    suppress_records,
    suppress_table,
    table_lines,
)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (10, None), (11, 11), (250, 250)])
def test_a_lone_figure_of_one_to_ten_is_hidden(count, shown):
    assert suppress_count(count) == shown


def test_a_hidden_figure_stays_hidden_and_bad_counts_are_refused():
    assert suppress_count(None) is None
    with pytest.raises(ValueError):
        suppress_count(-1)
    with pytest.raises(TypeError):
        suppress_count(True)
    with pytest.raises(TypeError):
        suppress_column([1.5])


def test_without_a_total_only_small_cells_are_hidden():
    assert suppress_column([5, 0, 200, 300], total=False).values == [None, 0, 200, 300]


def test_a_total_forces_the_smallest_other_cell_hidden():
    column = suppress_column([5, 300, 0, 200])
    # 505 - 300 - 0 - 200 would give the 5 back: the 200 (smallest non-zero) goes too.
    assert column.values == [None, 300, 0, None]
    assert column.total == 505


def test_two_small_cells_that_add_up_to_a_small_cell_take_a_third_with_them():
    # 3 and 4 hidden beside a total of 307 would say "7 together": a small cell.
    assert suppress_column([3, 4, 300, 400]).values == [None, None, None, 400]


def test_a_small_total_is_itself_hidden():
    column = suppress_column([0, 0, 7])
    assert column.values == [0, 0, None]
    assert column.total is None


def test_complementary_suppression_cascades_across_rows_and_columns():
    table = suppress_table([[5, 40, 60], [30, 50, 70]], row_totals=True, column_totals=True)
    # The 5 takes the 40 in its row and the 30 in its column; the 30's row then needs a
    # second cell, the 50, which also completes the 40's column.
    assert table.cells == [[None, None, 60], [None, None, 70]]
    assert table.row_totals == [105, 150] and table.column_totals == [35, 90, 130]
    assert table.grand_total == 255


def test_cells_joined_by_one_cell_are_not_left_recoverable():
    """Two 2x2 blocks of hidden cells joined by one hidden cell (the 50, hidden by the
    caller): every row and column holds two or three hidden cells whose sums are not
    small, so the line rules are content, yet adding rows 0-1 and subtracting columns 0-1
    gives the 50 back. The exact check hides one more cell of its row (the first 100)."""
    cells = [
        [5, 8, 50, 100, 100],
        [9, 6, 100, 100, 100],
        [100, 100, 7, 9, 100],
        [100, 100, 8, 6, 100],
        [100, 100, 100, 100, 100],
    ]
    table = suppress_table(cells, row_totals=True, column_totals=True, also_hide=[(0, 2)])
    assert table.cells[0] == [None, None, None, None, 100]
    assert not _recoverable_cells(cells, table)


def test_a_line_equation_must_hold():
    with pytest.raises(ValueError, match="not the sum"):
        suppress({"a": 20, "b": 30, "t": 60}, [Line("t", ["a", "b"])])
    with pytest.raises(ValueError, match="unknown"):
        suppress({"a": 20}, [Line("t", ["a"])])


def test_capacity_equals_families_plus_open_slots_is_a_line():
    """A general equation: a shown capacity ties families to open slots."""
    counts = {"families": 7, "open_slots": 23, "capacity": 30}
    assert suppress(counts, [Line("capacity", ["families", "open_slots"])]) == {
        "families",
        "open_slots",
    }


def test_records_keep_other_keys_and_give_totals_by_field():
    rows, totals = suppress_records(
        [
            {"agency": "A", "families": 4, "waiting": 30},
            {"agency": "B", "families": 50, "waiting": 20},
        ],
        ["families", "waiting"],
        totals=True,
    )
    assert rows == [
        {"agency": "A", "families": None, "waiting": 30},
        {"agency": "B", "families": None, "waiting": 20},
    ]
    assert totals == {"families": 54, "waiting": 50}


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (50, 200, 0.25),
        (0, 200, 0.0),
        (5, 200, None),  # a small numerator
        (11, 11, 1.0),
        (11, 15, None),  # 4 not counted: a small complement
        (20, 8, None),  # a small denominator
        (0, 0, None),
        (None, 200, None),  # already suppressed
        (150, None, None),
        (60, 50, 1.2),  # delivered over planned: no complement
    ],
)
def test_a_share_is_hidden_when_it_gives_a_small_cell_away(numerator, denominator, shown):
    assert share(numerator, denominator) == shown


def test_a_share_without_complement_check():
    assert share(11, 15, complement=False) == pytest.approx(11 / 15)


def test_a_statewide_table_is_fast_enough_for_a_page():
    cells = [[(i * 7 + j * 3) % 40 for j in range(4)] for i in range(46)]
    started = time.perf_counter()
    suppress_table(cells, row_totals=True, column_totals=True)
    assert time.perf_counter() - started < 1.0


# --- properties ---------------------------------------------------------------------------

small_or_not = st.one_of(st.integers(0, 12), st.integers(0, 300))


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 6))
    columns = draw(st.integers(1, 5))
    cells = draw(
        st.lists(
            st.lists(small_or_not, min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
    return cells, draw(st.booleans()), draw(st.booleans())


def _lines(cells, row_totals, column_totals, table):
    """(shown total or None, the line's figures as shown) for every line of the table."""
    lines = []
    if row_totals:
        lines += [(table.row_totals[r], table.cells[r]) for r in range(len(cells))]
    if column_totals:
        for c in range(len(cells[0])):
            lines.append((table.column_totals[c], [row[c] for row in table.cells]))
    if row_totals and column_totals:
        lines.append((table.grand_total, table.row_totals))
        lines.append((table.grand_total, table.column_totals))
    return lines


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_shown_figure_is_a_small_cell(drawn):
    cells, row_totals, column_totals = drawn
    table = suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    shown = [v for row in table.cells for v in row]
    shown += table.row_totals + table.column_totals + [table.grand_total]
    assert not [v for v in shown if v is not None and 1 <= v <= 10]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_shown_figures_are_the_true_ones_and_zeros_are_not_hidden_without_totals(drawn):
    cells, row_totals, column_totals = drawn
    table = suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    for true_row, shown_row in zip(cells, table.cells, strict=True):
        for true, shown in zip(true_row, shown_row, strict=True):
            assert shown in (None, true)
            if true == 0:
                # Zeros are never hidden by primary suppression; only a total can make
                # a zero the complement of a small cell.
                assert shown == 0 or row_totals or column_totals
    plain = suppress_table(cells)
    assert plain.cells == [[None if 1 <= v <= 10 else v for v in row] for row in cells]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_line_with_a_shown_total_holds_exactly_one_hidden_figure(drawn):
    cells, row_totals, column_totals = drawn
    table = suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    for total, figures in _lines(cells, row_totals, column_totals, table):
        if total is not None:
            assert sum(v is None for v in figures) != 1


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_hidden_cell_follows_from_the_shown_figures_and_totals(drawn):
    cells, row_totals, column_totals = drawn
    table = suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    assert not _recoverable_cells(cells, table, row_totals, column_totals)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_suppression_is_idempotent(drawn):
    cells, row_totals, column_totals = drawn
    counts, lines = table_lines(cells, row_totals=row_totals, column_totals=column_totals)
    first = suppress(counts, lines)
    assert suppress(counts, lines, also_hide=first) == first
    assert suppress_table(cells, row_totals=row_totals, column_totals=column_totals).hidden == first


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500))
def test_a_shown_share_never_rests_on_a_small_cell(a, b):
    numerator, denominator = min(a, b), max(a, b)
    if share(numerator, denominator) is not None:
        for count in (numerator, denominator, denominator - numerator):
            assert not 1 <= count <= 10


def _recoverable_cells(cells, table, row_totals=True, column_totals=True):
    """Hidden positions (incl. totals) determined by the published equations, by dense rank:
    x is determined iff removing its column lowers the rank of the system on the unknowns.
    Written independently of the module's sparse elimination."""
    rows, width = len(cells), len(cells[0])
    figures = {("cell", r, c): table.cells[r][c] for r in range(rows) for c in range(width)}
    equations = []
    if row_totals:
        figures |= {("row", r): table.row_totals[r] for r in range(rows)}
        equations += [(("row", r), [("cell", r, c) for c in range(width)]) for r in range(rows)]
    if column_totals:
        figures |= {("column", c): table.column_totals[c] for c in range(width)}
        equations += [(("column", c), [("cell", r, c) for r in range(rows)]) for c in range(width)]
    if row_totals and column_totals:
        figures[("all",)] = table.grand_total
        equations.append((("all",), [("row", r) for r in range(rows)]))
        equations.append((("all",), [("column", c) for c in range(width)]))
    unknowns = [k for k, v in figures.items() if v is None]
    matrix = []
    for total, parts in equations:
        matrix.append([Fraction(int(k == total)) - parts.count(k) for k in unknowns])
    full = _rank(matrix)
    return [
        k for i, k in enumerate(unknowns) if full - _rank([r[:i] + r[i + 1 :] for r in matrix]) == 1
    ]


def _rank(matrix):
    rows = [list(r) for r in matrix if any(r)]
    rank, column = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and column < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            column += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column]:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
        column += 1
    return rank
