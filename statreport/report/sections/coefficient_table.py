"""The coefficient table as a document `Table`: shared by every section that shows one
(the fit's own, a penalized fit's unpenalized refit, Firth's fit beside a separated one).

Levels of a categorical are listed under one heading row ("party (reference:
independent)"); interaction and level columns get readers' names; a separated
term shows where it tends (→ −∞, odds ratio → 0), not where the optimizer stopped.
"""

from __future__ import annotations

import re

from ...result import CategoricalInfo, Coefficient, levels_by_column, term_namer
from .. import formatting, labels
from ..document import Cell, Row, Table, cell, number, styled, text

#: Above this many coefficient rows a table may break across pages.
SHORT_TABLE_ROWS = 25

#: A number wider than most: scientific notation, five digits before the point, or five
#: decimals or more (an odds ratio close to 1, such as 1.000027). The PDF then sets the
#: table smaller.
_WIDE_NUMBER = re.compile(r"\u00d710|\d{5}\.|\.\d{5}")


def coefficient_table(
    rows: tuple[Coefficient, ...], categoricals: tuple[CategoricalInfo, ...], *,
    ci_level: float, inferential: bool, tests: str = "wald",
) -> Table:
    """The table of ``rows``; without ``inferential`` columns (a penalized fit) only the
    estimates and odds ratios. ``tests`` says where the p-values come from: "wald" (the
    z beside them) or "lr" (likelihood-ratio tests; the z is then labelled Wald's)."""
    level_of = levels_by_column(categoricals)
    name = term_namer(categoricals)
    body: list[Row] = []
    current = None
    count = 0
    for row in rows:
        cat, level = level_of.get(row.term, (None, name(row.term)))
        if cat is not None and cat is not current:
            body.append(Row((cell(f"{cat.variable} (reference: {cat.reference})", role="label",
                                  colspan=10),), group=True))
        current = cat
        count += 1
        body.append(Row(_cells(row, level, indent=cat is not None, inferential=inferential)))
    wide = any(_WIDE_NUMBER.search(c.content.plain) for r in body for c in r.cells if c.numeric)
    flags = tuple(flag for flag, on in (("wide", wide), ("short", count <= SHORT_TABLE_ROWS)) if on)
    return Table("coefficients", tuple(body), header=_header(ci_level, inferential, tests), flags=flags,
                 scroll=True)


def _cells(row: Coefficient, label: str, *, indent: bool, inferential: bool) -> tuple[Cell, ...]:
    term = text(label)
    if row.separated:
        term = text(label, " ", styled("\u2020", "flag"))
        estimate = "\u2192 \u2212\u221e" if row.estimate < 0 else "\u2192 +\u221e"
        odds = "\u2192 0" if row.estimate < 0 else "\u2192 \u221e"
    else:
        estimate, odds = formatting.number(row.estimate), formatting.odds_ratio(row.estimate)
        if row.wald_differs:  # the note under the table gives the Wald interval
            term = text(label, " ", styled("\u2021", "flag"))
    cells = [cell(term, role="level" if indent else "term", tooltip=row.term), number(estimate)]
    if inferential:
        cells += [number(formatting.number(row.std_error)), number(formatting.fixed(row.z, 2)),
                  number(formatting.p_value(row.p_value)), number(formatting.number(row.ci_low)),
                  number(formatting.number(row.ci_high))]
    cells.append(number(odds))
    if inferential:
        cells += [number(formatting.odds_ratio(row.ci_low)), number(formatting.odds_ratio(row.ci_high))]
    return tuple(cells)


def _header(ci_level: float, inferential: bool, tests: str) -> tuple[Row, ...]:
    columns = labels.COEFFICIENT_COLUMNS | (labels.LR_TEST_COLUMNS if tests == "lr" else {})
    ci = columns["ci"].format(level=labels.ci_label(ci_level))
    top = [cell(columns["term"], header=True, rowspan=2), cell(columns["estimate"], header=True, rowspan=2)]
    if inferential:
        top += [cell(columns["std_error"], header=True, rowspan=2),
                cell(columns["z"], header=True, rowspan=2),
                cell(columns["p_value"], header=True, rowspan=2), cell(ci, header=True, colspan=2)]
    top.append(cell(columns["odds_ratio"], header=True, rowspan=2))
    if inferential:
        top.append(cell(ci, header=True, colspan=2))
    bounds = [cell(word, header=True) for word in ("lower", "upper", "lower", "upper")] if inferential else []
    return (Row(tuple(top)), Row(tuple(bounds)))


def reference_levels(categoricals: tuple[CategoricalInfo, ...]) -> list:  # type: ignore[type-arg]
    """" Categorical terms are compared with their reference level: x = a; y = b." as parts."""
    if not categoricals:
        return []
    from ..document import code

    parts: list = [" Categorical terms are compared with their reference level: "]  # type: ignore[type-arg]
    for i, cat in enumerate(categoricals):
        parts += [code(cat.variable), f" = {cat.reference}", "; " if i < len(categoricals) - 1 else "."]
    return parts
