"""`FitResult`: the frozen result data, with convenience methods that render it.

`statreport.result.ResultData` is pure data and imports no renderer; this
subclass adds ``to_html``, ``to_pdf``, ``to_json`` and ``to_dict``, which
import the renderers when called. The renderers import the result, never the
other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, overload

from .result import ResultData


class FitResult(ResultData):
    """Everything a statreport report says, as plain immutable data (see `ResultData`),
    and the report in every format: ``to_html``, ``to_pdf``, ``to_json``, ``to_dict``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dictionary following the published schema."""
        from .report.json_report import result_to_dict

        return result_to_dict(self)

    @overload
    def to_json(self, path: None = None) -> str: ...
    @overload
    def to_json(self, path: str | Path) -> Path: ...
    @overload
    def to_json(self, path: IO[Any]) -> None: ...
    def to_json(self, path: str | Path | IO[Any] | None = None) -> str | Path | None:
        """Write the JSON report atomically to ``path`` and return the path; to an
        open file (text or binary), return None; without a path, return the JSON text."""
        return self._write("json", path)

    @overload
    def to_html(self, path: None = None) -> str: ...
    @overload
    def to_html(self, path: str | Path) -> Path: ...
    @overload
    def to_html(self, path: IO[Any]) -> None: ...
    def to_html(self, path: str | Path | IO[Any] | None = None) -> str | Path | None:
        """Write the self-contained HTML report atomically to ``path`` and return the
        path; to an open file (text or binary), return None; without a path, return
        the HTML text."""
        return self._write("html", path)

    @overload
    def to_pdf(self, path: None = None, *, page_size: str = "a4") -> bytes: ...
    @overload
    def to_pdf(self, path: str | Path, *, page_size: str = "a4") -> Path: ...
    @overload
    def to_pdf(self, path: IO[bytes], *, page_size: str = "a4") -> None: ...
    def to_pdf(self, path: str | Path | IO[bytes] | None = None, *,
               page_size: str = "a4") -> bytes | Path | None:
        """Write the PDF report (WeasyPrint; A4 or ``page_size="letter"``) atomically to
        ``path`` and return the path; to a file open in binary mode, return None;
        without a path, return the PDF bytes."""
        return self._write("pdf", path, page_size=page_size)

    def _write(self, fmt: str, path: str | Path | IO[Any] | None, page_size: str = "a4") -> Any:
        from .report import render, write_report

        if path is None:
            payload = render(self, fmt, page_size=page_size)
            return payload if fmt == "pdf" else payload.decode("utf-8")
        return write_report(self, path, format=fmt, page_size=page_size)

    def _repr_html_(self) -> str:
        from .report.html import render_html

        return render_html(self, fragment=True)
