"""The HTML report: the `Document` serialized through one Jinja2 template, one
self-contained file.

Templates and stylesheets live in ``statreport/templates`` and are read with
`importlib.resources`, so they load from a wheel, a zip or a source tree alike. Every user string (column
names, category labels, titles) is escaped by Jinja; the CSS is inline and
contains no user data. The template only marks up what the document says: the
sections (`statreport.report.sections`) decide what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import RenderError
from ..result import ResultData
from .document import Document

if TYPE_CHECKING:  # pragma: no cover
    from .figures import Figure

TEMPLATE = "report.html.j2"

#: HTML classes of a cell's role and of a note's kind.
ROLES = {"term": "term", "level": "term level", "label": "label", "hash": "hash", "reference": "reference"}
NOTES = {"note": "note", "caution": "note caution", "per-unit": "note per-unit",
         "withheld": "note figure-withheld"}


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

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def compile_template() -> Any:
    """The report template, compiled (Jinja keeps it for later renders)."""
    return _environment().get_template(TEMPLATE)


def render_html(
    result: ResultData,
    *,
    fragment: bool = False,
    pdf: bool = False,
    with_figures: bool = True,
    figures: Callable[[], tuple[Figure, ...]] | None = None,
    document: Document | None = None,
) -> str:
    """Render the report; ``fragment=True`` gives the body only (for notebooks).

    ``pdf=True`` adds the print stylesheet (pages, running header, page numbers).
    ``figures`` supplies the drawn figures; by default they are drawn here.
    ``document`` is the result's document if it was built already.
    """
    from .figures import draw_figures
    from .sections import build_document

    doc = document or build_document(result)
    drawn = (figures or (lambda: draw_figures(result, doc.figures)))() if with_figures else ()
    return render_document(doc, fragment=fragment, pdf=pdf, figures=drawn)


def render_document(doc: Document, *, fragment: bool = False, pdf: bool = False,
                    figures: tuple[Figure, ...] = ()) -> str:
    """Any `Document` (a report, a comparison) through the template, with its drawn figures."""
    from .figures import css_custom_properties

    return str(compile_template().render(
        doc=doc,
        fragment=fragment,
        pdf=pdf,
        figures={f.key: f for f in figures},
        version=__version__,
        palette=css_custom_properties(),
        roles=ROLES,
        notes=NOTES,
    ))
