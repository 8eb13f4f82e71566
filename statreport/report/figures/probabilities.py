"""The predicted probabilities' histogram within each observed class, with the threshold."""

from __future__ import annotations

from typing import Any

from ...result import ProbabilityHistogram
from .. import formatting
from .legends import LegendPlace, bars, draw_legend, place_legend
from .square import SQUARE
from .style import BLUE, GREY, ORANGE, Drawable, Margins, draw_svg


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
    segments = [*bars(edges, [h / top for h in non_events]), *bars(edges, [h / top for h in events])]
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
        draw_legend(figure, ax, place)

    return draw_svg(draw, place.size, place.margins)
