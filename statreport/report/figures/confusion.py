"""The classification table as a heatmap of counts and shares."""

from __future__ import annotations

from typing import Any

from .. import formatting
from .style import INK, Drawable, draw_svg
from .text import fit_label


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

    return draw_svg(draw, (3.4, 3.1))
