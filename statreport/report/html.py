"""The HTML report: Jinja2 templates with autoescape on, one self-contained file.

Templates live in the top-level ``templates/`` folder of the source tree and
ship inside the wheel as ``statreport/templates``. Every user string (column
names, category labels, titles) is escaped by Jinja; the CSS is inline and
contains no user data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import RenderError
from ..result import FitResult
from . import formatting, labels

TEMPLATE = "report.html.j2"


def template_dir() -> Path:
    """Folder holding the Jinja templates: inside the package when installed, else the repo's."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / TEMPLATE).is_file():
            return candidate
    raise RenderError(f"the report templates are missing (looked for {TEMPLATE} beside {package})")


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        num=formatting.number,
        pval=formatting.p_value,
        int=formatting.integer,
        pct=formatting.percent,
        size=formatting.size,
    )
    return env


def render_html(result: FitResult, *, fragment: bool = False) -> str:
    """Render the report; ``fragment=True`` gives the body only (for notebooks)."""
    template = _environment().get_template(TEMPLATE)
    return str(
        template.render(
            r=result,
            fragment=fragment,
            version=__version__,
            labels=labels,
            ci=labels.ci_label(result.ci_level),
            failed_crosscheck=not result.crosscheck.passed,
        )
    )


def render_html_bytes(result: FitResult) -> bytes:
    return render_html(result).encode("utf-8")
