"""Rendering a `FitResult`: JSON, HTML (Jinja2) and PDF (WeasyPrint), written atomically.

The output format comes from the file extension. `write_reports` renders
every requested file in memory first and only then writes them, so a
rendering failure leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RenderError, UsageError
from ..result import FitResult

if TYPE_CHECKING:  # pragma: no cover
    from .figures import Figure

#: Where a renderer gets the figures: called at most once per format that shows them.
FigureSource = Callable[[], "tuple[Figure, ...]"]

FORMATS: dict[str, str] = {".html": "html", ".htm": "html", ".json": "json", ".pdf": "pdf"}


def format_for(path: str | Path) -> str:
    """The report format named by a file's extension."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        allowed = ", ".join(sorted(FORMATS))
        raise UsageError(
            f"cannot tell the report format of '{path}': the extension must be one of {allowed}"
        ) from None


def render(
    result: FitResult, fmt: str, *, page_size: str = "a4", figures: FigureSource | None = None
) -> bytes:
    """Render ``result`` as ``fmt`` ('html', 'pdf' or 'json') and return the bytes.

    ``figures`` supplies the drawn figures (the command line draws them in its
    helper process); by default they are drawn here, once per result.
    """
    if fmt not in ("json", "html", "pdf"):
        raise UsageError(f"format must be one of {sorted(set(FORMATS.values()))}; got {fmt!r}")
    try:
        if fmt == "json":
            from .json_report import render_json

            return render_json(result)
        if fmt == "html":
            from .html import render_html

            return render_html(result, figures=figures).encode("utf-8")
        from .pdf import render_pdf

        return render_pdf(result, page_size=page_size, figures=figures)
    except (UsageError, RenderError):
        raise
    except Exception as exc:  # a template or encoder bug must not escape as a traceback
        raise RenderError(f"cannot render the {fmt} report: {exc}") from exc


def write_reports(
    result: FitResult,
    paths: Sequence[str | Path],
    *,
    page_size: str = "a4",
    figures: FigureSource | None = None,
) -> list[Path]:
    """Render every path's format in memory (JSON first: it needs no figures), then
    write each file atomically."""
    from ..output import write_all

    targets = [(Path(p), format_for(p)) for p in paths]
    order = sorted(range(len(targets)), key=lambda i: targets[i][1] != "json")
    payloads: dict[int, bytes] = {}
    for i in order:
        path, fmt = targets[i]
        payloads[i] = render(result, fmt, page_size=page_size, figures=figures)
    return write_all([(targets[i][0], payloads[i]) for i in range(len(targets))])


def write_report(
    result: FitResult, path: str | Path, *, format: str | None = None, page_size: str = "a4"
) -> Path:
    """Write one report; ``format`` defaults to the one the extension names."""
    from ..output import write_atomic

    fmt = format or format_for(path)
    return write_atomic(Path(path), render(result, fmt, page_size=page_size))
