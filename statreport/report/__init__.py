"""Rendering a `FitResult`: JSON, HTML (Jinja2) and PDF (WeasyPrint), written atomically.

The output format comes from the file extension. `write_reports` renders
every requested file in memory first and only then writes them, so a
rendering failure leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import RenderError, UsageError
from ..result import FitResult

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


def _renderer(fmt: str) -> Callable[[FitResult], bytes]:
    if fmt == "json":
        from .json_report import render_json

        return render_json
    if fmt == "html":
        from .html import render_html_bytes

        return render_html_bytes
    raise UsageError(f"format must be one of {sorted(set(FORMATS.values()))}; got {fmt!r}")


def render(result: FitResult, fmt: str, *, page_size: str = "a4") -> bytes:
    """Render ``result`` as ``fmt`` ('html', 'pdf' or 'json') and return the bytes."""
    try:
        if fmt == "pdf":
            from .pdf import render_pdf

            return render_pdf(result, page_size=page_size)
        return _renderer(fmt)(result)
    except (UsageError, RenderError):
        raise
    except Exception as exc:  # a template or encoder bug must not escape as a traceback
        raise RenderError(f"cannot render the {fmt} report: {exc}") from exc


def write_reports(
    result: FitResult, paths: Sequence[str | Path], *, page_size: str = "a4"
) -> list[Path]:
    """Render every path's format in memory, then write each file atomically."""
    from ..output import write_all

    targets = [(Path(p), format_for(p)) for p in paths]
    return write_all([(path, render(result, fmt, page_size=page_size)) for path, fmt in targets])


def write_report(
    result: FitResult, path: str | Path, *, format: str | None = None, page_size: str = "a4"
) -> Path:
    """Write one report; ``format`` defaults to the one the extension names."""
    from ..output import write_atomic

    fmt = format or format_for(path)
    return write_atomic(Path(path), render(result, fmt, page_size=page_size))
