"""The HTML report: Jinja2 templates with autoescape on, one self-contained file.

Templates and stylesheets live in ``statreport/templates`` and are read with
`importlib.resources`, so they load from a wheel, a zip or a source tree alike. Every user string (column
names, category labels, titles) is escaped by Jinja; the CSS is inline and
contains no user data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import RenderError
from ..result import FitResult, levels_by_column, term_namer
from . import formatting, labels
from .per_unit import small_unit_terms

if TYPE_CHECKING:  # pragma: no cover
    from .figures import Figure

TEMPLATE = "report.html.j2"


def _load_template(name: str) -> str:
    """A template's text from the package (``statreport/templates``)."""
    from importlib.resources import files

    try:
        return (files("statreport") / "templates" / name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise RenderError(f"the report template '{name}' is missing from the installed package") from exc


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        wide_numbers=wide_numbers,
        num=formatting.number,
        fixed=formatting.fixed,
        sig=formatting.significant,
        odds_ratio=formatting.odds_ratio,
        pval=formatting.p_value,
        int=formatting.integer,
        pct=formatting.percent,
        size=formatting.size,
    )
    return env


#: A number cell wider than most: scientific notation, five digits before the point, or
#: five decimals or more (an odds ratio close to 1, such as 1.000027).
_WIDE_NUMBER = re.compile(r'<td class="num">[^<]*(?:\u00d710|\d{5}\.|\.\d{5})')


def wide_numbers(rows: str) -> bool:
    """Whether rendered table rows show a wide number (the PDF then sets the table smaller)."""
    return _WIDE_NUMBER.search(str(rows)) is not None


def compile_template() -> Any:
    """The report template, compiled (Jinja keeps it for later renders)."""
    return _environment().get_template(TEMPLATE)


def display_rows(
    result: FitResult, coefficients: tuple[Any, ...] | None = None
) -> list[dict[str, Any]]:
    """Coefficient rows with readable labels: levels of a categorical under one heading.

    A column named ``C(party, Treatment('independent'))[T.weak democrat]`` is shown as
    the level ``weak democrat`` under the heading ``party (reference: independent)``.
    """
    level_of = levels_by_column(result.model.categoricals)
    name = term_namer(result.model.categoricals)
    rows: list[dict[str, Any]] = []
    current = None
    for row in result.coefficient_rows if coefficients is None else coefficients:
        cat, level = level_of.get(row.term, (None, name(row.term)))
        if cat is not None and cat is not current:
            rows.append({"heading": f"{cat.variable} (reference: {cat.reference})", "row": None})
        current = cat
        rows.append({"heading": None, "label": level, "indent": cat is not None, "row": row})
    return rows


_BASIS_COLUMN = re.compile(r"(?<![\w.])((?:bs|cr|cs|cc|poly)\([^\[\]]*\))\[\d+\]")


def basis_terms(result: FitResult) -> list[str]:
    """The spline and polynomial terms (``bs(x, df=4)``) whose columns the table lists one
    by one, on their own or in an interaction (``bs(x, df=4)[1]:z``)."""
    return list(dict.fromkeys(term for row in result.coefficient_rows
                              for term in _BASIS_COLUMN.findall(row.term)))


def render_html(
    result: FitResult,
    *,
    fragment: bool = False,
    pdf: bool = False,
    with_figures: bool = True,
    figures: Callable[[], tuple[Figure, ...]] | None = None,
) -> str:
    """Render the report; ``fragment=True`` gives the body only (for notebooks).

    ``pdf=True`` adds the print stylesheet (pages, running header, page numbers).
    ``figures`` supplies the drawn figures; by default they are drawn here.
    """
    from .figures import forest_withheld, render_figures

    drawn = (figures or (lambda: render_figures(result)))() if with_figures else ()
    figures_by_key = {f.key: f for f in drawn}
    template = compile_template()
    return str(
        template.render(
            r=result,
            fragment=fragment,
            pdf=pdf,
            figures=figures_by_key,
            version=__version__,
            labels=labels,
            coefficient_display=display_rows(result),
            refit_display=display_rows(result, result.refit_rows) if result.refit_rows else [],
            ci=labels.ci_label(result.ci_level),
            small_units=small_unit_terms(result),
            forest_withheld=forest_withheld(result),
            failed_crosscheck=not result.crosscheck.passed,
            term_label=term_namer(result.model.categoricals),
            basis_terms=basis_terms(result),
        )
    )

