"""The PDF report: the HTML templates printed by WeasyPrint, fetching nothing.

The fetcher allows only ``data:`` URIs (the inline figures); any other URL,
``file://`` or network, stops the render with a `RenderError`. The PDF
identifier is derived from the content, so the same report gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import RenderError, UsageError
from ..result import ResultData

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .figures import Figure

PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _fetcher_class() -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serve ``data:`` URIs; stop the render on anything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"blocked a request for '{url[:80]}'")

    return DataOnlyFetcher


def render_pdf(
    result: ResultData, *, page_size: str = "a4", figures: Callable[[], tuple[Figure, ...]] | None = None,
    document: Document | None = None,
) -> bytes:
    """Render ``result`` as PDF bytes with A4 or US letter pages (``figures``: as `render_html`)."""
    key = page_size.lower()
    if key not in PAGE_SIZES:
        raise UsageError(f"page size must be one of 'a4', 'letter'; got {page_size!r}")
    from .html import render_html

    html = render_html(result, pdf=True, figures=figures, document=document)
    return html_to_pdf(html, page_size=PAGE_SIZES[key])


def html_to_pdf(html: str, *, page_size: str = "A4") -> bytes:
    """Print HTML to PDF with the data-only fetcher (no file or network access)."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = weasyprint.HTML(string=html, url_fetcher=_fetcher_class()())
        page = weasyprint.CSS(string=f"@page {{ size: {page_size}; }}")
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        return bytes(document.write_pdf(stylesheets=[page], pdf_identifier=identifier))
    except FatalURLFetchingError as exc:
        raise RenderError(f"the PDF render stopped: {exc}; reports may only embed data: URIs") from exc
