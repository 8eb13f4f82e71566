"""How every figure looks, and the harness that draws it as deterministic SVG.

Figures are drawn with matplotlib's object API on the Agg stack. No pyplot (no
global state), ``text.parse_math`` off so a ``$`` in a label stays a dollar
sign, text kept as SVG text in DejaVu Sans (the report's own font, installed
with the PDF's requirements; ten times fewer SVG nodes than text drawn as
paths, which WeasyPrint renders slowly), a fixed ``svg.hashsalt`` and no date
metadata so the same result gives the same bytes.

The palette is defined here once and shared with the report's stylesheets:
`css_custom_properties` writes it as CSS custom properties (``--ink`` ...),
which ``report.css`` uses as ``var(--ink)``. ``html.py`` injects that block
into the report's ``<style>`` ahead of the stylesheets; the CSS itself
defines none of these colours.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...result import ResultData

#: What a figure is drawn from: a whole result, or the part of it known before its cross-check.
Drawable = ResultData

INK = "#1c2330"
BLUE = "#1f4e79"
ORANGE = "#c0504d"
GREY = "#8a929e"
#: The palette by CSS custom-property name, as `css_custom_properties` writes it.
PALETTE: dict[str, str] = {"ink": INK, "blue": BLUE, "orange": ORANGE, "grey": GREY}


def css_custom_properties() -> str:
    """The palette as CSS custom properties on the report's root element, for the
    report's ``<style>`` ahead of ``report.css`` (which uses them as ``var(--ink)``):
    ``.statreport { --ink: #1c2330; --blue: #1f4e79; ... }``.

    Scoped to ``.statreport`` like the rest of the report's CSS, so a report
    embedded as a fragment leaves the host page's own custom properties alone."""
    return ".statreport { " + " ".join(f"--{name}: {value};" for name, value in PALETTE.items()) + " }"


RC: dict[str, Any] = {
    "svg.hashsalt": "statreport",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    caption: str
    svg: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@dataclass(frozen=True)
class Margins:
    """Space around the axes, in inches: fixed, since every label's font and size
    are known. A layout engine (constrained layout) measured every text twice per
    figure and doubled the drawing time (benchmarks/README.md)."""

    left: float = 0.62
    bottom: float = 0.5
    right: float = 0.15
    top: float = 0.12
    between: float = 0.0  # between side-by-side axes


def draw_svg(draw: Callable[[Any], None], size: tuple[float, float], margins: Margins = Margins()) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure as MplFigure

    width, height = size
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        figure = MplFigure(figsize=size)
        FigureCanvasSVG(figure)
        draw(figure)
        columns = max(len(figure.axes), 1)
        axes_width = (width - margins.left - margins.right - margins.between * (columns - 1)) / columns
        figure.subplots_adjust(
            left=margins.left / width, right=1 - margins.right / width,
            bottom=margins.bottom / height, top=1 - margins.top / height,
            wspace=margins.between / axes_width,
        )
        return _to_svg(figure)


def _to_svg(figure: Any) -> bytes:
    """The drawn figure as SVG bytes (a test replaces this to keep the figure itself)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def warm_up() -> None:
    """Draw a throwaway figure: matplotlib's first one loads fonts and several modules."""

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        ax.plot([0.0, 1.0], [0.0, 1.0])
        ax.set_xlabel("x")
        ax.set_xscale("log")

    draw_svg(draw, (2.0, 2.0))
