"""Rendering a result: JSON, HTML (Jinja2) and PDF (WeasyPrint), written atomically.

Build, then serialize: `sections.build_document` turns the result into a
format-neutral `Document` once, and each format serializes it. The output
format comes from the file extension (an open file is given it by the
caller). `write_reports` renders every requested file in memory first and only
then writes them, so a rendering failure leaves no file behind.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import RenderError, UsageError
from ..result import ResultData

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .figures import Figure

#: Where a renderer gets the figures: called at most once per format that shows them.
FigureSource = Callable[[], "tuple[Figure, ...]"]
#: How a list of calls is made: one after another, or some of them elsewhere (`parallel.helper.in_two`).
CallMap = Callable[[list[Callable[[], Any]]], list[Any]]

FORMATS: dict[str, str] = {".html": "html", ".htm": "html", ".json": "json", ".pdf": "pdf"}


def format_for(path: str | Path) -> str:
    """The report format named by a file's extension; "model" for a model file
    (``NAME.model.json``, `statreport.model_file`)."""
    from ..model_file import is_model_path

    if is_model_path(path):
        return "model"
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        allowed = ", ".join(sorted(FORMATS))
        raise UsageError(
            f"cannot tell the report format of '{path}': the extension must be one of {allowed} "
            "(or .model.json for a model file)"
        ) from None


def render(
    result: ResultData, fmt: str, *, page_size: str = "a4", figures: FigureSource | None = None,
    document: Document | None = None,
) -> bytes:
    """Render ``result`` as ``fmt`` ('html', 'pdf' or 'json') and return the bytes.

    ``figures`` supplies the drawn figures (`render_documents` draws them once
    for HTML and PDF); by default they are drawn here. ``document`` is the
    result's document, if it was built already.
    """
    if fmt not in ("json", "html", "pdf", "model"):
        raise UsageError(f"format must be one of {sorted(set(FORMATS.values()) | {'model'})}; got {fmt!r}")
    try:
        if fmt == "model":
            from ..model_file import render_model

            return render_model(result)
        if fmt == "json":
            from .json_report import render_json

            return render_json(result, document=document)
        if fmt == "html":
            from .html import render_html

            return render_html(result, figures=figures, document=document).encode("utf-8")
        from .pdf import render_pdf

        return render_pdf(result, page_size=page_size, figures=figures, document=document)
    except (UsageError, RenderError):
        raise
    except Exception as exc:  # a template or encoder bug must not escape as a traceback
        raise RenderError(f"cannot render the {fmt} report: {exc}") from exc


def write_reports(
    result: ResultData,
    paths: Sequence[str | Path],
    *,
    page_size: str = "a4",
    rendered: Callable[[], dict[str, bytes]] | None = None,
    written: list[Path] | None = None,
) -> list[Path]:
    """Render every path's format in memory, then write the files as a set (`write_all`).

    ``rendered`` supplies some formats already rendered (the command line's
    helper renders the HTML and PDF while the JSON is rendered here); it is
    asked for once, after the formats it does not have. ``written`` gets the
    paths once all are in place, before a signal held meanwhile is delivered.
    """
    from ..output import write_all

    targets = [(Path(p), format_for(p)) for p in paths]
    payloads: dict[str, bytes] = {}
    for fmt in sorted({fmt for _, fmt in targets}, key=lambda f: f not in ("json", "model")):
        if rendered is None or fmt in ("json", "model"):
            payloads[fmt] = render(result, fmt, page_size=page_size)
    if rendered is not None:
        payloads.update({fmt: payload for fmt, payload in rendered().items()
                         if fmt not in payloads})
    return write_all([(path, payloads[fmt]) for path, fmt in targets], written=written)


def warm_up(formats: set[str]) -> None:
    """Do the renderers' one-time work ahead, for the command line's helper while it waits.

    matplotlib's first figure loads fonts and modules, Jinja compiles the
    template on first use, and WeasyPrint's first document loads its fonts.
    """
    from .figures import warm_up as draw_a_figure
    from .html import compile_template

    draw_a_figure()
    compile_template()
    if "pdf" in formats:
        from .pdf import html_to_pdf

        html_to_pdf('<p style="font-family: \'DejaVu Sans\'">statreport <code>1</code></p>'
                    '<style>code { font-family: "DejaVu Sans Mono" }</style>')


def render_figures(result: ResultData) -> tuple[Figure, ...]:
    """Every figure the report shows, in display order, drawn (once per result)."""
    return _render_figures(result)


@lru_cache(maxsize=4)
def _render_figures(result: ResultData) -> tuple[Figure, ...]:
    from .figures import draw_figures
    from .sections import build_document

    return draw_figures(result, build_document(result).figures)


def render_documents(
    result: ResultData, formats: tuple[str, ...], page_size: str, calls: CallMap | None = None
) -> dict[str, bytes]:
    """The reports named in ``formats`` from one `Document`, its figures drawn once.

    ``calls`` makes the figure-drawing calls (the command line's helper draws half of
    them in a forked copy of itself); by default one after another, here.
    """
    from .figures import draw_figures
    from .sections import build_document

    try:
        document = build_document(result)
    except Exception as exc:  # a section bug must not escape as a traceback
        raise RenderError(f"cannot build the report: {exc}") from exc
    # drawn when `render` first asks, so a failure there is a RenderError like any other
    source = cache(partial(draw_figures, result, document.figures, calls=calls))
    return {fmt: render(result, fmt, page_size=page_size, figures=source, document=document)
            for fmt in formats}


def write_report(
    result: ResultData, target: str | Path | IO[Any], *, format: str | None = None, page_size: str = "a4"
) -> Path | None:
    """Write one report to a path (atomically; ``format`` defaults to the one the
    extension names, and the path is returned) or to an open file (``format``
    required; None is returned). A text file gets the HTML or JSON as text; the
    PDF needs a file opened in binary mode."""
    from ..output import write_atomic

    if not hasattr(target, "write"):
        path = Path(target)  # type: ignore[arg-type]
        return write_atomic(path, render(result, format or format_for(path), page_size=page_size))
    if format is None:
        raise UsageError("writing to an open file needs format= ('html', 'json' or 'pdf')")
    text = _is_text(target)
    if text and format == "pdf":
        raise UsageError("a PDF is binary: open the file in binary mode (open(path, 'wb'), "
                         "or sys.stdout.buffer)")
    payload = render(result, format, page_size=page_size)
    try:
        target.write(payload.decode("utf-8") if text else payload)
    except UnicodeEncodeError as exc:
        raise UsageError(f"the file's encoding ({exc.encoding}) cannot hold the report's characters; "
                         "open it with encoding='utf-8'") from exc
    return None


def _is_text(target: Any) -> bool:
    """Whether an open file takes str: not a binary stream (BytesIO, open(path, 'wb'),
    sys.stdout.buffer) and not opened in a mode with 'b'; wrappers such as
    tempfile.NamedTemporaryFile('w') and codecs writers count as text."""
    if isinstance(target, (io.RawIOBase, io.BufferedIOBase)):
        return False
    return "b" not in str(getattr(target, "mode", ""))
