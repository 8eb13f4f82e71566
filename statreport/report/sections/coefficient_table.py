"""The coefficient table as a document `Table`: shared by every section that shows one
(the fit's own, a penalized fit's unpenalized refit, Firth's fit beside a separated one).

Levels of a categorical are listed under one heading row ("party"), its reference level
first (odds ratio 1.000, "(reference)"), with the rows and events at each level ("n
(events)", as gtsummary's and finalfit's Table 2); interaction and level columns get
readers' names; a separated term shows where it tends (→ −∞, odds ratio → 0), not where
the optimizer stopped.
"""

from __future__ import annotations

import re

from ...result import CategoricalInfo, Coefficient, LevelCount, levels_by_column, term_namer
from .. import formatting, labels
from ..document import Cell, Row, Table, cell, number, styled, text

#: What the reference level's row says beside its odds ratio of 1.
REFERENCE = "(reference)"

#: Above this many coefficient rows a table may break across pages.
SHORT_TABLE_ROWS = 25

#: A number wider than most: scientific notation, five digits before the point, or five
#: decimals or more (an odds ratio close to 1, such as 1.000027). The PDF then sets the
#: table smaller.
_WIDE_NUMBER = re.compile(r"\u00d710|\d{5}\.|\.\d{5}")


def coefficient_table(
    rows: tuple[Coefficient, ...], categoricals: tuple[CategoricalInfo, ...], *,
    ci_level: float, inferential: bool, tests: str = "wald", levels: tuple[LevelCount, ...] = (),
) -> Table:
    """The table of ``rows``; without ``inferential`` columns (a penalized fit) only the
    estimates and odds ratios. ``tests`` says where the p-values come from: "wald" (the
    z beside them) or "lr" (likelihood-ratio tests; the z is then labelled Wald's).

    Each categorical's levels follow a heading row with its name, its reference level first
    (odds ratio 1, "reference"); with ``levels`` (`statreport.levels.level_counts`) an
    "n (events)" column gives the rows and events at each level of the categoricals shown."""
    level_of = levels_by_column(categoricals)
    name = term_namer(categoricals)
    counted = {(c.term, c.level): c for c in levels}
    shown = {level_of[row.term][0].term for row in rows if row.term in level_of}
    with_counts = any(term in shown for term, _ in counted)
    width = (10 if inferential else 3) + with_counts  # the columns a heading row spans
    body: list[Row] = []
    current = None
    seen: set[str] = set()
    count = 0
    for row in rows:
        cat, level = level_of.get(row.term, (None, name(row.term)))
        if cat is not None and cat is not current:
            body.append(Row((cell(cat.variable, role="label", colspan=width),), group=True))
            if cat.term not in seen:
                seen.add(cat.term)
                count += 1
                body.append(Row(_reference_cells(cat, counted.get((cat.term, cat.reference)),
                                                 with_counts=with_counts, inferential=inferential)))
        current = cat
        count += 1
        counts = _counts(counted.get((cat.term, level))) if cat is not None else number("")
        body.append(Row(_cells(row, level, indent=cat is not None, inferential=inferential,
                               counts=counts if with_counts else None)))
    wide = any(_WIDE_NUMBER.search(c.content.plain) for r in body for c in r.cells if c.numeric)
    flags = tuple(flag for flag, on in (("wide", wide), ("short", count <= SHORT_TABLE_ROWS)) if on)
    return Table("coefficients", tuple(body), header=_header(ci_level, inferential, tests, with_counts),
                 flags=flags, scroll=True)


def _counts(level: LevelCount | None) -> Cell:
    """"189 (59)": rows and events at a level; blank when not counted."""
    if level is None:
        return number("")
    return number(f"{formatting.integer(level.n)} ({formatting.integer(level.events)})")


def _reference_cells(cat: CategoricalInfo, counts: LevelCount | None, *, with_counts: bool,
                     inferential: bool) -> tuple[Cell, ...]:
    """The reference level's row: no estimate, odds ratio 1 and "(reference)" beside it (in
    the interval's columns, or in the estimate's where there are none), so that the numbers
    of each column stay aligned."""
    blank = number("")
    cells = [cell(cat.reference, role="level", tooltip=f"{cat.term}: reference level")]
    if with_counts:
        cells.append(_counts(counts))
    one = number(formatting.odds_ratio(0.0))
    if inferential:
        cells += [blank] * 6 + [one, cell(REFERENCE, role="reference", colspan=2)]
    else:
        cells += [cell(REFERENCE, role="reference", numeric=True), one]
    return tuple(cells)


def _cells(row: Coefficient, label: str, *, indent: bool, inferential: bool,
           counts: Cell | None) -> tuple[Cell, ...]:
    term = text(label)
    if row.separated:
        term = text(label, " ", styled("\u2020", "flag"))
        estimate = "\u2192 \u2212\u221e" if row.estimate < 0 else "\u2192 +\u221e"
        odds = "\u2192 0" if row.estimate < 0 else "\u2192 \u221e"
    else:
        estimate, odds = formatting.number(row.estimate), formatting.odds_ratio(row.estimate)
        if row.wald_differs:  # the note under the table gives the Wald interval
            term = text(label, " ", styled("\u2021", "flag"))
    cells = [cell(term, role="level" if indent else "term", tooltip=row.term)]
    if counts is not None:
        cells.append(counts)
    cells.append(number(estimate))
    if inferential:
        cells += [number(formatting.number(row.std_error)), number(formatting.fixed(row.z, 2)),
                  number(formatting.p_value(row.p_value)), number(formatting.number(row.ci_low)),
                  number(formatting.number(row.ci_high))]
    cells.append(number(odds))
    if inferential:
        cells += [number(formatting.odds_ratio(row.ci_low)), number(formatting.odds_ratio(row.ci_high))]
    return tuple(cells)


def _header(ci_level: float, inferential: bool, tests: str, with_counts: bool) -> tuple[Row, ...]:
    columns = labels.COEFFICIENT_COLUMNS | (labels.LR_TEST_COLUMNS if tests == "lr" else {})
    ci = columns["ci"].format(level=labels.ci_label(ci_level))
    top = [cell(columns["term"], header=True, rowspan=2)]
    if with_counts:
        top.append(cell(columns["counts"], header=True, rowspan=2))
    top.append(cell(columns["estimate"], header=True, rowspan=2))
    if inferential:
        top += [cell(columns["std_error"], header=True, rowspan=2),
                cell(columns["z"], header=True, rowspan=2),
                cell(columns["p_value"], header=True, rowspan=2), cell(ci, header=True, colspan=2)]
    top.append(cell(columns["odds_ratio"], header=True, rowspan=2))
    if inferential:
        top.append(cell(ci, header=True, colspan=2))
    bounds = [cell(word, header=True) for word in ("lower", "upper", "lower", "upper")] if inferential else []
    return (Row(tuple(top)), Row(tuple(bounds)))
