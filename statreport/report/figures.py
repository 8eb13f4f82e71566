"""Figures as deterministic SVG, drawn with matplotlib's object API on the Agg stack.

No pyplot (no global state), ``text.parse_math`` off so a ``$`` in a label
stays a dollar sign, text kept as SVG text in DejaVu Sans (the report's own
font, installed with the PDF's requirements; ten times fewer SVG nodes than
text drawn as paths, which WeasyPrint renders slowly), a fixed
``svg.hashsalt`` and no date metadata so the same result gives the same bytes. Every figure draws
from the small frozen data in ``FitResult.figures``, never from raw rows, and
needs nothing the cross-check decides: `FigureInputs` is enough.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from ..result import Coefficient, FigureInputs, FitResult, ProbabilityHistogram, term_namer
from . import formatting, labels

#: What a figure is drawn from: a whole result, or the part of it known before its cross-check.
Drawable = FitResult | FigureInputs

INK = "#1c2330"
BLUE = "#1f4e79"
ORANGE = "#c0504d"
GREY = "#8a929e"

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
    figure and doubled the drawing time (0.61 s against 0.28 s for five figures)."""

    left: float = 0.62
    bottom: float = 0.5
    right: float = 0.15
    top: float = 0.12
    between: float = 0.0  # between side-by-side axes


def _svg(draw: Callable[[Any], None], size: tuple[float, float], margins: Margins = Margins()) -> bytes:
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


def _text_width(texts: list[str], size: float | None = None) -> float:
    """The widest of ``texts`` in inches, in the figures' font (default size)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(family=RC["font.family"], size=size or RC["font.size"])
    widths = [text_to_path.get_text_width_height_descent(t, font, ismath=False)[0] for t in texts]
    return max(widths, default=0.0) / 72.0


#: Where a label may break across lines: after a space, an underscore, a colon, a comma or a slash.
_BREAK_AFTER = re.compile(r"[^\s_:,/]*(?:[\s_:,/]+|$)")
ELLIPSIS = "\u2026"


def fit_label(text: str, width: float, *, lines: int = 2, size: float | None = None) -> str:
    """``text`` within ``width`` inches, on at most ``lines`` lines joined by newlines.

    A label that fits is returned as is. A longer one is wrapped at spaces,
    underscores, colons, commas and slashes (inside a word only when the word
    alone is too wide), into lines of even length rather than a long line and
    an orphan; if it still needs more than ``lines`` lines, the middle is cut
    out and marked with an ellipsis, keeping the start (the variable) and the
    end (often the level that tells two labels apart). Measured in the figures'
    font at ``size`` points, so the same label always gives the same text.
    """
    if _line_width(text, size) <= width:
        return text
    wrapped = _wrap(text, width, size)
    if len(wrapped) <= lines:
        # the narrowest width giving as many lines, and no more words cut than at full width
        pieces = [p.rstrip() for p in _BREAK_AFTER.findall(text) if p.strip()]
        low, high = min(max((_line_width(p, size) for p in pieces), default=0.0), width), width
        for _ in range(12):
            middle = (low + high) / 2
            if len(_wrap(text, middle, size)) == len(wrapped):
                high = middle
            else:
                low = middle
        return "\n".join(_wrap(text, high, size))
    if lines == 1:
        return _ellipsize_middle(text, width, size)
    tail = _word_start(text, len(text) - _longest_fitting(ELLIPSIS + text, width, size, from_end=True))
    return "\n".join(wrapped[: lines - 1] + [ELLIPSIS + text[tail:].lstrip()])


def _word_start(text: str, start: int) -> int:
    """``start``, moved on to the next word's start if it falls inside a word
    (unless that word runs to the end): an ellipsis then stands for whole words."""
    if not 0 < start < len(text) or not text[start - 1].isalnum() or not text[start].isalnum():
        return start
    following = _BREAK_AFTER.match(text, start)
    end = following.end() if following else start
    return end if end < len(text) else start


def _line_width(text: str, size: float | None) -> float:
    """Width of ``text`` in inches as the sum of its characters' advances: fast
    (each character measured once) and, since kerning in DejaVu Sans almost only
    draws characters closer, at least the drawn width but for a fraction of a point."""
    return sum(_char_width(char, size or RC["font.size"]) for char in text)


@lru_cache(maxsize=1024)
def _char_width(char: str, size: float) -> float:
    return _text_width([char], size)


def _wrap(text: str, width: float, size: float | None) -> list[str]:
    """``text`` in lines within ``width``, filled greedily, broken after `_BREAK_AFTER`'s
    characters, or inside a word wider than a line."""
    wrapped: list[str] = []
    line = ""
    for piece in (p for p in _BREAK_AFTER.findall(text) if p):
        if _line_width((line + piece).rstrip(), size) <= width:
            line += piece
            continue
        if _line_width(piece.rstrip(), size) <= width:
            if line.strip():
                wrapped.append(line.rstrip())
            line = piece
            continue
        line += piece  # a word wider than a line: cut it, filling this line first
        while _line_width(line.rstrip(), size) > width:
            cut = _longest_fitting(line, width, size, from_end=False)
            wrapped.append(line[:cut].rstrip())
            line = line[cut:]
    if line.strip():
        wrapped.append(line.rstrip())
    return wrapped


def _longest_fitting(text: str, width: float, size: float | None, *, from_end: bool) -> int:
    """How many characters of ``text`` fit ``width``: its start, or its end after
    ``text[0]`` (the ellipsis) when ``from_end``. At least one, so wrapping always advances."""
    low, high = 1, len(text) - 1 if from_end else len(text)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = text[0] + text[len(text) - middle:] if from_end else text[:middle]
        if _line_width(candidate, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsize_middle(text: str, width: float, size: float | None) -> str:
    """``text`` on one line within ``width``: its start and end around an ellipsis."""
    low, high = 0, len(text) // 2
    while low < high:
        middle = (low + high + 1) // 2
        candidate = text[:middle].rstrip() + ELLIPSIS + text[len(text) - middle:].lstrip()
        if _line_width(candidate, size) <= width:
            low = middle
        else:
            high = middle - 1
    head = low
    while 0 < head < len(text) and text[head - 1].isalnum() and text[head].isalnum():
        head -= 1  # end the start at a word's end too, if there is one
    return (text[:head or low].rstrip() + ELLIPSIS
            + text[_word_start(text, len(text) - low):].lstrip())


def term_labels(result: Drawable) -> dict[str, str]:
    """Readable labels for design columns: 'party: weak democrat' for a dummy column."""
    name = term_namer(result.model.categoricals)
    return {row.term: name(row.term) for row in result.coefficient_rows}


#: The forest plot's term labels take at most this width (inches, of the figure's 6.4)
#: and this many lines; a longer label is wrapped, then shortened in the middle.
FOREST_LABEL_WIDTH = 3.0
FOREST_LABEL_LINES = 2


@dataclass(frozen=True)
class ForestLabels:
    """The forest plot's tick labels as drawn, and the space they need."""

    labels: tuple[str, ...]  # in table order; lines joined by newlines
    width: float  # the widest line, inches
    lines: int  # the most lines any label takes


def forest_labels(result: Drawable) -> ForestLabels:
    """The forest plot's labels, each fitted within `FOREST_LABEL_WIDTH` by `fit_label`."""
    names = term_labels(result)
    fitted = tuple(fit_label(names[r.term], FOREST_LABEL_WIDTH, lines=FOREST_LABEL_LINES)
                   for r in _forest_rows(result))
    lines = [line for label in fitted for line in label.split("\n")]
    most = max((label.count("\n") + 1 for label in fitted), default=1)
    return ForestLabels(fitted, _text_width(lines), most)


def _forest_rows(result: Drawable) -> list[Coefficient]:
    return [r for r in result.coefficient_rows if r.term != "Intercept" and not r.separated]


def _has_interval(row: Coefficient) -> bool:
    return all(math.isfinite(v) and v > 0 for v in (row.or_ci_low, row.or_ci_high))


def forest_withheld(result: Drawable) -> str | None:
    """Why the report shows no forest plot, as a sentence; None when it shows one.

    Like the coefficient table, which then shows no standard errors, p-values
    or intervals: a fit that did not converge has estimates only where the
    optimizer stopped, and plotting them would present them as results. A
    `FigureInputs` does not say whether the fit converged, but an unpenalized
    fit that did not converge has no interval for any term, which it does say.
    """
    fit = getattr(result, "fit", None)  # a FitResult's; FigureInputs has none
    penalized = result.penalty is not None
    if fit is not None and not fit.converged:
        if penalized:
            return ("the penalized fit did not reach its optimum (its optimality conditions are "
                    "violated), so the estimates are where the solver stopped")
        return "the fit did not converge, so the estimates are where the optimizer stopped"
    rows = _forest_rows(result)
    if not rows:
        if any(r.term != "Intercept" for r in result.coefficient_rows):
            return "every term is separated: its estimate is infinite"
        return "the model has no term besides the intercept"
    if not penalized and not any(_has_interval(r) for r in result.coefficient_rows):
        return ("no term has a valid standard error (see the warnings), so the estimates "
                "have no intervals")
    return None


def forest_plot(result: Drawable) -> bytes:
    rows = _forest_rows(result)
    ticks = forest_labels(result)
    # a second line of 9-point text needs 0.15 in more between rows; past 40 rows they
    # close up to 0.2 in (9-point text is 0.125 in), so that a page holds the plot at width
    spacing = 0.28 if len(rows) <= 40 or ticks.lines > 1 else 0.2
    height = 0.9 + (spacing + 0.15 * (ticks.lines - 1)) * max(len(rows), 1)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        positions = list(range(len(rows)))[::-1]  # table order, top to bottom
        for y, row in zip(positions, rows, strict=True):
            finite = _has_interval(row)
            penalized = result.penalty is not None
            if finite:
                ax.plot([row.or_ci_low, row.or_ci_high], [y, y], color=BLUE, linewidth=1.4)
            if math.isfinite(row.odds_ratio) and row.odds_ratio > 0:
                ax.plot([row.odds_ratio], [y], marker="s" if finite or penalized else "D",
                        markersize=5, color=BLUE if finite or penalized else ORANGE, linestyle="none")
        ax.axvline(1.0, color=GREY, linewidth=0.9, linestyle="--")
        ax.set_xscale("log")
        _plain_log_ticks(ax, [v for r in rows for v in (r.or_ci_low, r.or_ci_high, r.odds_ratio)],
                         around_one=True)
        ax.set_yticks(positions, ticks.labels)
        if result.penalty is None:
            ax.set_xlabel(f"Odds ratio ({labels.ci_label(result.ci_level)} CI, log scale)")
        else:
            ax.set_xlabel("Penalized odds ratio (log scale; no intervals after a penalty)")
        ax.set_ylim(-0.7, len(rows) - 0.3)

    return _svg(draw, (6.4, height), Margins(left=ticks.width + 0.2))


def _plain_log_ticks(ax: Any, values: list[float], *, around_one: bool = False) -> None:
    """Log-axis ticks at 1-2-5 values written plainly (0.5, 1, 2; 10⁶ for a million), not
    as 10^x mathtext, at least three of them whatever the range.

    A range too narrow for three 1-2-5 values (odds ratios between 0.97 and 1.03)
    gets evenly spaced ticks instead. With ``around_one`` (odds ratios) the axis
    spans at least 1/1.05 to 1.05: an odds ratio per dollar, 1.000027, is drawn
    at 1, which at any readable scale it is, rather than on an axis of
    millionths that hides how small the effect per unit is.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter, NullLocator

    finite = [v for v in values if math.isfinite(v) and v > 0] + [1.0]
    low, high = min(finite), max(finite)
    if around_one:
        low, high = min(low, 1 / 1.05), max(high, 1.05)
    decades = range(math.floor(math.log10(low)) - 1, math.floor(math.log10(high)) + 2)
    ticks: list[float] = []
    for mantissas in ((1,), (1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        ticks = [m * 10.0**e for e in decades for m in mantissas
                 if low / 1.05 <= m * 10.0**e <= high * 1.05]
        if len(ticks) >= 4:
            break
    if len(ticks) > 9:  # every k-th, counted from 1 (odds ratio 1, the dashed line) when shown
        every = math.ceil(len(ticks) / 9)
        one = ticks.index(1.0) if 1.0 in ticks else 0
        ticks = [t for i, t in enumerate(ticks) if (i - one) % every == 0]
    covered = len(ticks) >= 2 and math.log(ticks[-1] / ticks[0]) >= 0.5 * math.log(high / low)
    if len(ticks) < 3 or not covered:  # a narrow range (or 1-2-5 ticks at one end of it): evenly spaced ticks
        pad = (high - low) * 0.05 or abs(low) * 0.05
        low, high = max(low - pad, low / 2), high + pad
        ticks = [v for v in MaxNLocator(nbins=5, steps=[1, 2, 5, 10]).tick_values(low, high)
                 if low <= v <= high]
        ax.set_xlim(low, high)
    decimals = _tick_decimals(ticks)
    powers = any(not 1e-4 <= abs(t) < 1e6 for t in ticks)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick_text(v, decimals, powers)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _tick_decimals(ticks: list[float]) -> int:
    """The fewest decimals that write evenly spaced ticks exactly (0.96, 0.98, 1, 1.02)."""
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if b > a]
    if not steps:
        return 0
    for decimals in range(13):
        if all(abs(round(t, decimals) - t) < min(steps) * 1e-6 for t in ticks):
            return decimals
    return 12


def _tick_text(value: float, decimals: int, powers: bool = False) -> str:
    """A tick label: 0.05, 1, 200; 10⁶ and 2×10⁻⁷ beyond 10⁻⁴ to 10⁶, and beyond 10⁻³ to
    10³ too when ``powers`` (an axis with such ticks, so its labels read alike)."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)) + 1e-9)
    if (-3 < exponent < 3) if powers else (-4 <= exponent < 6):
        places = max(decimals, -exponent if exponent < 0 else 0)
        text = f"{value:.{places}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa = round(value / 10.0**exponent, 6)
    power = "10" + str(exponent).translate(formatting.SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}\u00d7{power}"


#: A line segment in axes fractions, (x0, y0, x1, y1): what a legend must not cover.
Segment = tuple[float, float, float, float]
#: Where a legend may go: a corner of the axes, or below them (``BELOW``, at the foot of the figure).
BELOW = "below"
#: Points between a legend and the nearest data: half a 1.6-point line, a 4-point marker's radius.
LEGEND_CLEARANCE = 3.0


def legend_size(texts: list[str], fontsize: float) -> tuple[float, float]:
    """Width and height in points of an unframed legend of one-line ``texts``.

    Matplotlib's layout at its default paddings, in units of the font size:
    0.4 border on each side, a 2.0 handle and a 0.8 gap before the text; rows
    one font size tall, 0.5 apart. Measured, not drawn: no renderer needed."""
    width = max((_line_width(t, fontsize) for t in texts), default=0.0) * 72 + 3.6 * fontsize
    rows = len(texts)
    return width, rows * fontsize + 0.5 * fontsize * max(rows - 1, 0) + 0.8 * fontsize


def legend_box(corner: str, size: tuple[float, float], axes: tuple[float, float],
               fontsize: float) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1, axes fractions) a legend of ``size`` points takes in
    ``corner`` ("upper left", ...) of axes ``axes`` points wide and tall, 0.5 font
    size in from the edges as matplotlib puts it."""
    (width, height), (axes_width, axes_height) = size, axes
    pad = 0.5 * fontsize
    x0 = pad if corner.endswith("left") else axes_width - pad - width
    y0 = pad if corner.startswith("lower") else axes_height - pad - height
    return x0 / axes_width, y0 / axes_height, (x0 + width) / axes_width, (y0 + height) / axes_height


def legend_corner(segments: list[Segment], size: tuple[float, float], axes: tuple[float, float],
                  *, corners: tuple[str, ...], fontsize: float) -> str:
    """The first of ``corners`` where a legend of ``size`` points covers none of
    ``segments`` (nor comes within `LEGEND_CLEARANCE` points of one); `BELOW` when
    every corner would.

    Decided from the data before anything is drawn, so the figure's height (which
    grows to hold a legend below the axes) is known up front and the same data
    always gives the same place: no ``loc="best"``, which measures at draw time."""
    grow_x, grow_y = LEGEND_CLEARANCE / axes[0], LEGEND_CLEARANCE / axes[1]
    for corner in corners:
        x0, y0, x1, y1 = legend_box(corner, size, axes, fontsize)
        box = (x0 - grow_x, y0 - grow_y, x1 + grow_x, y1 + grow_y)
        if box[0] >= 0 and box[1] >= 0 and box[2] <= 1 and box[3] <= 1 and not any(
                _crosses(segment, box) for segment in segments):
            return corner
    return BELOW


def _crosses(segment: Segment, box: tuple[float, float, float, float]) -> bool:
    """Whether ``segment`` has a point in ``box`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = segment
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box[0]), (x1 - x0, box[2] - x0),
                 (y0 - y1, y0 - box[1]), (y1 - y0, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
        if low > high:
            return False
    return True


def _polyline(xs: list[float], ys: list[float]) -> list[Segment]:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(x) and math.isfinite(y)]
    if len(points) == 1:
        return [(*points[0], *points[0])]
    return [(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:], strict=False)]


def _bars(edges: list[float], heights: list[float]) -> list[Segment]:
    """A histogram's bars as their outlines (sides and top; the baseline is the axis)."""
    return [s for left, right, h in zip(edges, edges[1:], heights, strict=False) if h > 0
            for s in ((left, 0.0, left, h), (left, h, right, h), (right, h, right, 0.0))]


@dataclass(frozen=True)
class LegendPlace:
    """Where a figure's legend goes, and the figure size and margins that make room for it."""

    corner: str  # a matplotlib loc, or BELOW
    fontsize: float
    size: tuple[float, float]  # inches
    margins: Margins


#: A legend below the axes sits this far (inches) under the figure's usual bottom margin.
BELOW_GAP = 0.04


def place_legend(texts: list[str], segments: list[Segment], size: tuple[float, float],
                 margins: Margins, *, corners: tuple[str, ...], fontsize: float = 7.5,
                 square: float | None = None, columns: int = 1) -> LegendPlace:
    """`legend_corner` for axes of a figure ``size`` inches with ``margins``, and the
    taller figure a legend below the axes needs. ``square``: the axes' height over
    width when their aspect is fixed (ylim span / xlim span), which shrinks them;
    ``columns``: side-by-side axes (as `_svg` lays them out), the legend in one."""
    width, height = size
    axes_width = (width - margins.left - margins.right - margins.between * (columns - 1)) / columns
    axes_height = height - margins.bottom - margins.top
    if square is not None:
        axes_width = min(axes_width, axes_height / square)
        axes_height = axes_width * square
    legend = legend_size(texts, fontsize)
    corner = legend_corner(segments, legend, (axes_width * 72, axes_height * 72),
                           corners=corners, fontsize=fontsize)
    if corner != BELOW:
        return LegendPlace(corner, fontsize, size, margins)
    extra = (legend[1] + fontsize) / 72 + BELOW_GAP  # the legend and its 0.5 font size above and below
    return LegendPlace(corner, fontsize, (width, height + extra),
                       Margins(margins.left, margins.bottom + extra, margins.right, margins.top,
                               margins.between))


def _legend(figure: Any, ax: Any, place: LegendPlace) -> Any:
    """The axes' legend where ``place`` says: in a corner, or centred under the axes
    at the foot of the figure (in the room `place_legend` added there)."""
    if place.corner != BELOW:
        return ax.legend(loc=place.corner, fontsize=place.fontsize)
    margins, (width, _) = place.margins, place.size
    centre = (margins.left + (width - margins.left - margins.right) / 2) / width
    return ax.legend(loc="lower center", bbox_to_anchor=(centre, 0.0), bbox_transform=figure.transFigure,
                     fontsize=place.fontsize)


SQUARE = (3.6, 3.5)  # the unit-square figures' size, inches
UNIT_YLIM = 1.01


def _roc_legend(result: Drawable) -> tuple[list[str], list[Segment]]:
    assert result.figures is not None
    roc = result.figures.roc
    texts = ["chance", f"model (AUC = {result.classification.auc:.3f})"]
    return texts, [(0.0, 0.0, 1.0, 1 / UNIT_YLIM),
                   *_polyline(list(roc.fpr), [t / UNIT_YLIM for t in roc.tpr])]


def roc_legend(result: Drawable) -> LegendPlace:
    """Where the ROC curve's legend goes: lower right, below the diagonal where a
    useful model leaves room; upper left for a curve below the diagonal."""
    texts, segments = _roc_legend(result)
    return place_legend(texts, segments, SQUARE, Margins(), corners=("lower right", "upper left"),
                        fontsize=RC["font.size"], square=UNIT_YLIM)


def roc_plot(result: Drawable) -> bytes:
    assert result.figures is not None
    roc = result.figures.roc
    place = roc_legend(result)

    def draw(figure: Any) -> None:
        ax = _unit_square(figure, "chance", "False positive rate (1 \u2212 specificity)",
                          "True positive rate (sensitivity)")
        ax.plot(roc.fpr, roc.tpr, color=BLUE, linewidth=1.6,
                label=f"model (AUC = {result.classification.auc:.3f})")
        _legend(figure, ax, place)

    return _svg(draw, place.size, place.margins)


def _zoomed(span: tuple[float, float], axes: str, of: str) -> str:
    """A caption's note that a probability axis does not run from 0 to 1 ("Both axes
    run", "the predictions")."""
    low, high = span
    if (low, high) == (0.0, 1.0):
        return ""
    return f" {axes} from {low:g} to {high:g}, the range of {of}."


def _unit_square(figure: Any, diagonal: str, xlabel: str, ylabel: str,
                 span: tuple[float, float] = (0.0, 1.0)) -> Any:
    """Square axes on ``span`` x ``span`` ([0, 1] unless zoomed), with the dashed
    diagonal labelled ``diagonal``."""
    low, high = span
    ax = figure.add_subplot()
    ax.plot([low, high], [low, high], color=GREY, linewidth=0.9, linestyle="--", label=diagonal)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xlim(low, high)
    ax.set_ylim(low, low + (high - low) * UNIT_YLIM)
    ax.set_aspect("equal")
    return ax


def calibration_legend(result: Drawable) -> LegendPlace:
    """Where the calibration plot's legend goes: the corner off the diagonal that its
    groups leave free, upper left first."""
    assert result.figures is not None
    bins = result.figures.calibration
    low, high = result.figures.span

    def fraction(v: float) -> float:  # of the axis
        return (v - low) / (high - low)

    texts = ["perfect calibration", f"model ({len(bins)} groups)"]
    segments = [(0.0, 0.0, 1.0, 1 / UNIT_YLIM),
                *_polyline([fraction(b.mean_predicted) for b in bins],
                           [fraction(b.observed_rate) / UNIT_YLIM for b in bins])]
    return place_legend(texts, segments, SQUARE, Margins(), corners=("upper left", "lower right"),
                        fontsize=RC["font.size"], square=UNIT_YLIM)


def calibration_plot(result: Drawable) -> bytes:
    assert result.figures is not None
    bins, span = result.figures.calibration, result.figures.span
    place = calibration_legend(result)

    def draw(figure: Any) -> None:
        ax = _unit_square(figure, "perfect calibration", "Mean predicted probability",
                          "Observed event rate", span)
        ax.plot([b.mean_predicted for b in bins], [b.observed_rate for b in bins], color=BLUE,
                marker="o", markersize=4, linewidth=1.2, label=f"model ({len(bins)} groups)")
        _legend(figure, ax, place)

    return _svg(draw, place.size, place.margins)


def _class_shares(result: Drawable) -> tuple[list[float], list[float], float]:
    """Each class's histogram as shares of the class, and the y-axis top (5% headroom)."""
    assert result.figures is not None
    hist = result.figures.histogram
    non_events = [c / max(sum(hist.non_events), 1) for c in hist.non_events]
    events = [c / max(sum(hist.events), 1) for c in hist.events]
    return non_events, events, (max(non_events + events, default=0.0) or 1.0) * 1.05


def _on_axis(threshold: float, hist: ProbabilityHistogram) -> bool:
    """Whether the histogram's probability axis (its edges) reaches the threshold."""
    return bool(hist.edges[0] <= threshold <= hist.edges[-1])


def probability_legend(result: Drawable) -> LegendPlace:
    """Where the histogram's legend goes: an upper corner clear of both classes' bars
    and the threshold line, else below the axes."""
    assert result.figures is not None
    hist = result.figures.histogram
    threshold = result.classification.threshold
    non_events, events, top = _class_shares(result)
    texts = list(_probability_labels(result))
    low, high = hist.edges[0], hist.edges[-1]
    edges = [(e - low) / (high - low) for e in hist.edges]  # as fractions of the axis
    segments = [*_bars(edges, [h / top for h in non_events]), *_bars(edges, [h / top for h in events])]
    if _on_axis(threshold, hist):
        at = (threshold - low) / (high - low)
        segments.append((at, 0.0, at, 1.0))
    return place_legend(texts, segments, SQUARE, Margins(), corners=("upper right", "upper left"))


def _probability_labels(result: Drawable) -> tuple[str, str, str]:
    """The probability histogram's legend entries: each class with its count, the threshold."""
    assert result.figures is not None
    hist = result.figures.histogram
    threshold = result.classification.threshold
    return (f"observed {result.model.non_event_label}, n = {formatting.integer(sum(hist.non_events))}",
            f"observed {result.model.event_label}, n = {formatting.integer(sum(hist.events))}",
            f"threshold {threshold:g}" if _on_axis(threshold, hist)
            else f"threshold {threshold:g} (off the axis)")


def probability_plot(result: Drawable) -> bytes:
    assert result.figures is not None
    hist = result.figures.histogram
    threshold = result.classification.threshold
    non_events, events, top = _class_shares(result)
    place = probability_legend(result)
    non_event_label, event_label, threshold_label = _probability_labels(result)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        edges = list(hist.edges)
        # shares within each class, so a rare outcome's distribution is visible too
        ax.stairs(non_events, edges, color=GREY, fill=True, alpha=0.55, label=non_event_label)
        ax.stairs(events, edges, color=BLUE, linewidth=1.5, label=event_label)
        if _on_axis(threshold, hist):
            ax.axvline(threshold, color=ORANGE, linewidth=1.2, label=threshold_label)
        else:  # named in the legend all the same
            ax.plot([], [], color=ORANGE, linewidth=1.2, label=threshold_label)
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, top)
        ax.set_xlabel("Predicted probability")
        ax.set_ylabel("Share of the class")
        _legend(figure, ax, place)

    return _svg(draw, place.size, place.margins)


def confusion_plot(result: Drawable) -> bytes:
    c, model = result.classification, result.model
    # the classes' names when the outcome's values are labels: "(0 = Clinton, 1 = Dole)"
    named = (model.non_event_label, model.event_label) != ("0", "1")
    classes = f" (0 = {model.negative_class}, 1 = {model.positive_class})" if named else ""
    counts = [[c.tn, c.fp], [c.fn, c.tp]]
    total = max(c.tn + c.fp + c.fn + c.tp, 1)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(max(row) for row in counts) or 1)
        for i in range(2):
            for j in range(2):
                share = counts[i][j] / total
                dark = counts[i][j] > 0.55 * max(max(row) for row in counts)
                ax.text(j, i, f"{formatting.integer(counts[i][j])}\n{share:.1%}", ha="center",
                        va="center", color="white" if dark else INK, fontsize=10)
        ax.set_xticks([0, 1], ["0", "1"])
        ax.set_yticks([0, 1], ["0", "1"])
        ax.set_xlabel(fit_label(f"Predicted{classes}", 2.6, lines=1))
        ax.set_ylabel(fit_label(f"Observed{classes}", 2.4, lines=1))
        for spine in ax.spines.values():
            spine.set_visible(False)

    return _svg(draw, (3.4, 3.1))


EFFECT_SIZE, EFFECT_MARGINS = (7.2, 3.2), Margins(between=0.75)
EFFECT_YLIM = (-0.05, 1.05)


def _padded(values: list[float]) -> tuple[float, float]:
    """Axis limits around ``values`` with matplotlib's default 5% margins."""
    finite = [v for v in values if math.isfinite(v)]
    low, high = min(finite), max(finite)
    pad = 0.05 * (high - low) or 0.5
    return low - pad, high + pad


def _effect_labels(result: Drawable) -> list[str]:
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    labels = ["observed proportion (50 bins)" if effect.binned else "observations", "fitted probability"]
    if effect.boundary is not None:
        labels.append(f"decision boundary ({formatting.significant(effect.boundary, 3)})")
    return labels


def effect_legend(result: Drawable) -> LegendPlace:
    """Where the effect plot's legend goes: a corner of the probability panel that the
    points, the curve and the boundary leave free, else below the panels."""
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    (x0, x1), (y0, y1) = _padded([*effect.x, *effect.grid]), EFFECT_YLIM

    def fx(v: float) -> float:
        return (v - x0) / (x1 - x0)

    def fy(v: float) -> float:
        return (v - y0) / (y1 - y0)

    segments: list[Segment] = [(fx(x), fy(y), fx(x), fy(y)) for x, y in zip(effect.x, effect.y, strict=True)]
    segments += _polyline([fx(v) for v in effect.grid], [fy(v) for v in effect.probability])
    if effect.boundary is not None:
        segments.append((fx(effect.boundary), 0.0, fx(effect.boundary), 1.0))
    return place_legend(_effect_labels(result), segments, EFFECT_SIZE, EFFECT_MARGINS, columns=2,
                        corners=("upper left", "lower right", "upper right", "lower left"))


def effect_plot(result: Drawable) -> bytes:
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    place = effect_legend(result)
    observed, fitted, *boundary = _effect_labels(result)

    def draw(figure: Any) -> None:
        left, right = figure.subplots(1, 2)
        if effect.binned:
            left.plot(effect.x, effect.y, linestyle="none", marker="o", markersize=3.5,
                      color=GREY, label=observed)
        else:
            left.plot(effect.x, effect.y, linestyle="none", marker="o", markersize=4,
                      color=GREY, alpha=0.7, label=observed)
        left.plot(effect.grid, effect.probability, color=BLUE, linewidth=1.6, label=fitted)
        right.plot(effect.grid, effect.logit, color=BLUE, linewidth=1.6)
        right.axhline(math.log(result.classification.threshold / (1 - result.classification.threshold)),
                      color=GREY, linewidth=0.9, linestyle="--")
        if effect.boundary is not None:
            for ax in (left, right):
                ax.axvline(effect.boundary, color=ORANGE, linewidth=1.2)
            left.plot([], [], color=ORANGE, label=boundary[0])
        left.set_xlim(*_padded([*effect.x, *effect.grid]))
        left.set_ylim(*EFFECT_YLIM)
        left.set_xlabel(effect.predictor)
        left.set_ylabel(f"P({result.model.outcome} = {result.model.positive_class})")
        _legend(figure, left, place)
        right.set_xlabel(effect.predictor)
        right.set_ylabel("Log-odds (linear predictor)")

    return _svg(draw, place.size, place.margins)


CV_SIZE = (6.0, 3.0)


def _cv_band(result: Drawable) -> tuple[list[float], list[float], list[str]]:
    """The CV plot's ±1 SE band (low and high edges) and its legend entries."""
    assert result.penalty is not None and result.penalty.cv is not None
    cv = result.penalty.cv
    low = [m - s for m, s in zip(cv.mean_deviance, cv.se_deviance, strict=True)]
    high = [m + s for m, s in zip(cv.mean_deviance, cv.se_deviance, strict=True)]
    labels = ["\u00b11 SE", "mean held-out deviance", f"minimum ({formatting.significant(cv.alpha_min, 3)})",
              f"one SE ({formatting.significant(cv.alpha_1se, 3)})"]
    return low, high, labels


def cv_legend(result: Drawable) -> LegendPlace:
    """Where the CV plot's legend goes: a corner clear of the band and both chosen
    alphas, upper first (deviance rises at the large alphas), else below."""
    assert result.penalty is not None and result.penalty.cv is not None
    cv = result.penalty.cv
    low, high, labels = _cv_band(result)
    (x0, x1), (y0, y1) = _padded([math.log10(a) for a in cv.alphas]), _padded([*low, *high])

    def fx(alpha: float) -> float:  # the axis runs from strong to weak penalty, as the path's
        return (x1 - math.log10(alpha)) / (x1 - x0)

    def fy(v: float) -> float:
        return (v - y0) / (y1 - y0)

    segments: list[Segment] = [(fx(a), fy(lo), fx(a), fy(hi))
                               for a, lo, hi in zip(cv.alphas, low, high, strict=True)]
    for edge in (low, high):
        segments += _polyline([fx(a) for a in cv.alphas], [fy(v) for v in edge])
    segments += [(fx(a), 0.0, fx(a), 1.0) for a in (cv.alpha_min, cv.alpha_1se)]
    return place_legend(labels, segments, CV_SIZE, Margins(),
                        corners=("upper left", "upper right", "lower left", "lower right"))


def cv_plot(result: Drawable) -> bytes:
    assert result.penalty is not None and result.penalty.cv is not None
    cv = result.penalty.cv
    low, high, (band, mean, minimum, one_se) = _cv_band(result)
    place = cv_legend(result)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        ax.fill_between(cv.alphas, low, high, color=BLUE, alpha=0.18, linewidth=0, label=band)
        ax.plot(cv.alphas, cv.mean_deviance, color=BLUE, marker="o", markersize=3, linewidth=1.3,
                label=mean)
        ax.axvline(cv.alpha_min, color=ORANGE, linewidth=1.2, label=minimum)
        ax.axvline(cv.alpha_1se, color=GREY, linewidth=1.2, linestyle="--", label=one_se)
        ax.set_xscale("log")
        _plain_log_ticks(ax, list(cv.alphas))
        ax.set_xlim(*(10.0**v for v in reversed(_padded([math.log10(a) for a in cv.alphas]))))
        ax.set_ylim(*_padded([*low, *high]))
        ax.set_xlabel("alpha (log scale, decreasing)")
        ax.set_ylabel("Deviance per observation")
        _legend(figure, ax, place)

    return _svg(draw, place.size, place.margins)


def _alpha_used(alpha: float) -> str:
    return f"alpha used ({formatting.significant(alpha, 3)})"


def spread_labels(targets: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label centres (same units as ``targets``) at least ``gap`` apart within
    [``low``, ``high``], each as close to its target as the others let it.

    Labels in order of target; a run of labels that would come closer than
    ``gap`` is set ``gap`` apart, centred on its targets' mean, then moved
    inside the bounds, and merged with the run below when it reaches it. The
    order of the targets is kept (ties by position in ``targets``). When
    ``gap`` does not fit, the labels share the room evenly.
    """
    if len(targets) > 1 and (len(targets) - 1) * gap > high - low:
        gap = (high - low) / (len(targets) - 1)
    runs: list[tuple[list[int], float]] = []  # indices in order of target, centre of the first
    for index in sorted(range(len(targets)), key=lambda i: (targets[i], i)):
        members, first = [index], targets[index]
        while True:
            span = (len(members) - 1) * gap
            first = min(max(first, low), high - span)
            if not runs or runs[-1][1] + len(runs[-1][0]) * gap <= first:
                break
            previous, _ = runs.pop()
            members = previous + members
            first = sum(targets[i] for i in members) / len(members) - (len(members) - 1) * gap / 2
        runs.append((members, first))
    placed = [0.0] * len(targets)
    for members, first in runs:
        for k, index in enumerate(members):
            placed[index] = first + k * gap
    return placed


#: The coefficient path's end labels: font size, and centres at least this far apart (points).
PATH_LABEL_SIZE = 7.0
PATH_LABEL_GAP = 8.5
#: How far (points) right of its line's end a label starts; farther when a leader line leads to it.
PATH_LABEL_OFFSET = 3.0
PATH_LEADER_OFFSET = 12.0
#: matplotlib's ten default colours, dealt out in the order of the end labels, so that
#: lines of one colour end at least ten labels apart.
PATH_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class PathLayout:
    """The coefficient path's limits, end labels and legend, decided before drawing."""

    xlim: tuple[float, float]  # alphas, left (strong penalty) to right
    ylim: tuple[float, float]
    labels: tuple[str, ...]  # in path_terms order
    ends: tuple[float, ...]  # each path's last value, axes points from the bottom
    placed: tuple[float, ...]  # each label's centre, axes points from the bottom
    colours: tuple[int, ...]  # index into `PATH_COLOURS`: neighbouring labels never share one
    offset: float  # points right of the lines' ends
    end_x: float  # where the lines end, axes fraction
    axes: tuple[float, float]  # axes width and height, points
    legend: LegendPlace


def path_layout(result: Drawable) -> PathLayout:
    """Where the coefficient path puts its end labels (spread apart by `spread_labels`
    within the axes' height, the figure taller when they need it) and its legend."""
    assert result.penalty is not None and result.penalty.cv is not None
    cv = result.penalty.cv
    names = term_labels(result)
    # one line each at the lines' ends, shortened in the middle beyond 2.3 in
    texts = tuple(fit_label(names.get(term, term), 2.3, lines=1, size=PATH_LABEL_SIZE)
                  for term in cv.path_terms)
    values = [v for row in cv.path for v in row if math.isfinite(v)] + [0.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or 1.0
    ylim = (low - pad, high + pad)
    strong, weak = max(cv.alphas), min(cv.alphas)
    ratio = (strong / weak) ** 0.05 if weak > 0 else 1.05  # matplotlib's 5% margin, on the log axis
    xlim = (strong * max(ratio, 1.05 ** 0.5), weak / max(ratio, 1.05 ** 0.5))

    # room on the left for signed tick labels ("−0.75") beside the axis label
    margins = Margins(left=0.78, right=_text_width(list(texts), size=PATH_LABEL_SIZE) + 0.2
                      + (PATH_LEADER_OFFSET - PATH_LABEL_OFFSET) / 72)
    height = max(3.4, len(texts) * PATH_LABEL_GAP / 72 + margins.bottom + margins.top)
    axes_height = (height - margins.bottom - margins.top) * 72
    last = cv.path[-1] if cv.path else ()
    ends = tuple((v - ylim[0]) / (ylim[1] - ylim[0]) * axes_height for v in last)
    placed = tuple(spread_labels(list(ends), PATH_LABEL_GAP, 0.0, axes_height))
    moved = any(abs(p - e) > 0.5 for p, e in zip(placed, ends, strict=True))
    if not moved:
        margins = dataclasses.replace(
            margins, right=margins.right - (PATH_LEADER_OFFSET - PATH_LABEL_OFFSET) / 72)

    def x(alpha: float) -> float:  # axes fraction; the axis runs from strong to weak penalty
        return math.log(xlim[0] / alpha) / math.log(xlim[0] / xlim[1])

    def y(value: float) -> float:
        return (value - ylim[0]) / (ylim[1] - ylim[0])

    segments = [s for j in range(len(texts))
                for s in _polyline([x(a) for a in cv.alphas], [y(row[j]) for row in cv.path])]
    segments += [(0.0, y(0.0), 1.0, y(0.0)), (x(cv.alpha), 0.0, x(cv.alpha), 1.0)]
    legend = place_legend([_alpha_used(cv.alpha)], segments, (6.4, height), margins,
                          corners=("upper left", "lower left", "upper right", "lower right"))
    axes_width = (6.4 - margins.left - margins.right) * 72
    by_height = sorted(range(len(placed)), key=lambda j: placed[j])
    colours = tuple(by_height.index(j) % len(PATH_COLOURS) for j in range(len(placed)))
    return PathLayout(xlim, ylim, texts, ends, placed, colours,
                      PATH_LEADER_OFFSET if moved else PATH_LABEL_OFFSET,
                      x(cv.alphas[-1]) if cv.alphas else 1.0, (axes_width, axes_height), legend)


def path_plot(result: Drawable) -> bytes:
    assert result.penalty is not None and result.penalty.cv is not None
    cv = result.penalty.cv
    layout = path_layout(result)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        # labels and leaders in axes fractions, all known before drawing (an annotation's
        # arrow measures its text at draw time, and took the figure 15% longer to draw)
        (width, height), x = layout.axes, layout.end_x
        for j, label in enumerate(layout.labels):
            line = ax.plot(cv.alphas, [row[j] for row in cv.path], linewidth=1.2,
                           color=PATH_COLOURS[layout.colours[j]])[0]
            end, placed = layout.ends[j] / height, layout.placed[j] / height
            ax.text(x + layout.offset / width, placed, label, fontsize=PATH_LABEL_SIZE, va="center",
                    color=line.get_color(), transform=ax.transAxes, clip_on=False)
            if abs(placed - end) * height > 0.5:  # a thin line from the path's end to its moved label
                ax.plot([x + 1 / width, x + (layout.offset - 1.5) / width], [end, placed],
                        color=line.get_color(), linewidth=0.6, transform=ax.transAxes, clip_on=False,
                        label="_leader")
        ax.axhline(0.0, color=GREY, linewidth=0.8)
        ax.axvline(cv.alpha, color=ORANGE, linewidth=1.2, label=_alpha_used(cv.alpha))
        ax.set_xscale("log")
        _plain_log_ticks(ax, list(cv.alphas))
        ax.set_xlim(*layout.xlim)  # inverted: weaker penalty to the right, as coefficients grow
        ax.set_ylim(*layout.ylim)
        ax.set_xlabel("alpha (log scale, decreasing)")
        ax.set_ylabel("Coefficient (penalized)")
        _legend(figure, ax, layout.legend)

    return _svg(draw, layout.legend.size, layout.legend.margins)


def warm_up() -> None:
    """Draw a throwaway figure: matplotlib's first one loads fonts and several modules."""

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        ax.plot([0.0, 1.0], [0.0, 1.0])
        ax.set_xlabel("x")
        ax.set_xscale("log")

    _svg(draw, (2.0, 2.0))


def render_figures(result: Drawable) -> tuple[Figure, ...]:
    """Every figure the report shows, in display order (drawn once per result)."""
    return _render_figures(result)


@lru_cache(maxsize=4)
def _render_figures(result: Drawable) -> tuple[Figure, ...]:
    return tuple(Figure(key, title, caption, draw(result))
                 for key, title, caption, draw in figure_plan(result))


def render_figures_in_two(result: Drawable) -> tuple[Figure, ...]:
    """`render_figures`, half of the figures drawn in a forked copy of this process.

    For the command line's helper: it has nothing else to do while it draws,
    and five figures take 0.3 s of one core. The figures alternate between
    the two processes."""
    from ..helper import in_two

    plan = figure_plan(result)
    svgs = in_two([partial(draw, result) for _, _, _, draw in plan])
    return tuple(Figure(key, title, caption, svg)
                 for (key, title, caption, _), svg in zip(plan, svgs, strict=True))


def forest_caption(result: Drawable) -> str:
    """What the forest plot shows, and which terms it leaves out or cannot show apart from 1."""
    from .per_unit import small_unit_terms

    rows = _forest_rows(result)
    caption = (("Odds ratios with their confidence intervals, log scale"
                if result.penalty is None else "Penalized odds ratios (no intervals), log scale")
               + "; the dashed line marks no effect (odds ratio 1). The intercept and separated "
               "terms are not shown.")
    if result.penalty is None and not all(_has_interval(r) for r in rows):
        caption += " A diamond marks an odds ratio without a valid interval."
    small = [u.term for u in small_unit_terms(result)]
    if small:
        names = term_labels(result)
        listed = ", ".join(names.get(t, t) for t in small)
        caption += (f" Per unit of {listed} the odds ratio is too close to 1 to show apart from "
                    "the line; the note under the coefficient table gives it per a larger unit.")
    return caption


FigurePlan = list[tuple[str, str, str, Callable[[Drawable], bytes]]]


def figure_plan(result: Drawable) -> FigurePlan:
    """The report's figures in display order: key, title, caption and how to draw it."""
    plan: FigurePlan = []
    if result.penalty is not None and result.penalty.cv is not None:
        cv = result.penalty.cv
        plan.append((
            "cv", "Cross-validation",
            f"Held-out deviance per observation over {cv.folds} stratified folds (seed {cv.seed}), "
            f"mean \u00b1 one standard error; the fit uses the "
            f"{'minimum' if cv.rule == 'min' else 'one-standard-error'} alpha.", cv_plot))
        plan.append((
            "path", "Coefficient path",
            "Penalized coefficients fitted on all the data at each alpha of the grid, from strong "
            "(left) to weak (right) penalty; the vertical line marks the alpha used. Coefficients "
            "are on their variables' own scales.", path_plot))
    if forest_withheld(result) is None:
        plan.append(("forest", "Odds ratios", forest_caption(result), forest_plot))
    if result.figures is None:
        return plan
    if result.figures.effect is not None:
        plan.append((
            "effect", "Fitted probability and log-odds",
            "Left: observations and the fitted probability curve; right: the linear predictor. "
            "The vertical line is where the fitted probability crosses the threshold.",
            effect_plot))
    plan += [
        ("roc", "ROC curve", "Sensitivity against 1 \u2212 specificity over all thresholds.",
         roc_plot),
        ("calibration", "Calibration", "Observed event rate against mean predicted "
         "probability, in groups of equal size ordered by prediction."
         + _zoomed(result.figures.span, "Both axes run", "the predictions and the groups' event rates"),
         calibration_plot),
        ("probabilities", "Predicted probabilities by observed class",
         "Distribution of fitted probabilities within each observed outcome (each class "
         "sums to 1), with the classification threshold."
         + _zoomed((result.figures.histogram.edges[0], result.figures.histogram.edges[-1]),
                   "The axis runs", "the predictions"),
         probability_plot),
        ("confusion", "Classification table",
         f"Counts and shares at threshold {result.classification.threshold:g}.",
         confusion_plot),
    ]
    return plan
