"""The report's figures as deterministic SVG, one module per job.

`style` holds the palette, matplotlib's settings and the SVG harness; `text`
measures and fits labels; `ticks` writes axes; `legends` places legends clear
of the data; one module per plot (`forest`, `roc`, `calibration`,
`probabilities`, `confusion`, `effect`, `cv`, `path`); `plan` draws the
figures a report's document lists. Imports run one way: plan -> plots ->
legends, ticks, text -> style.

Every figure draws from the small frozen data in ``FitResult.figures``, never
from raw rows. Which figures a report shows, with their titles and captions,
the report's sections decide (`statreport.report.sections`).
"""

from __future__ import annotations

from .calibration import calibration_legend, calibration_plot
from .confusion import confusion_plot
from .cv import CV_SIZE, cv_legend, cv_plot
from .effect import EFFECT_MARGINS, EFFECT_SIZE, EFFECT_YLIM, effect_legend, effect_plot
from .forest import (
    FOREST_LABEL_LINES,
    FOREST_LABEL_WIDTH,
    ForestLabels,
    forest_caption,
    forest_labels,
    forest_plot,
    forest_withheld,
)
from .legends import (
    BELOW,
    BELOW_GAP,
    LEGEND_CLEARANCE,
    LegendPlace,
    Segment,
    legend_box,
    legend_corner,
    legend_size,
    place_legend,
)
from .path import (
    PATH_COLOURS,
    PATH_LABEL_GAP,
    PATH_LABEL_OFFSET,
    PATH_LABEL_SIZE,
    PATH_LEADER_OFFSET,
    PathLayout,
    path_layout,
    path_plot,
    spread_labels,
)
from .plan import draw_figures
from .probabilities import probability_legend, probability_plot
from .roc import roc_legend, roc_plot
from .square import SQUARE, UNIT_YLIM
from .style import (
    BLUE,
    GREY,
    INK,
    ORANGE,
    PALETTE,
    RC,
    Drawable,
    Figure,
    Margins,
    css_custom_properties,
    warm_up,
)
from .text import ELLIPSIS, fit_label, term_labels

__all__ = [
    "BELOW",
    "BELOW_GAP",
    "BLUE",
    "CV_SIZE",
    "EFFECT_MARGINS",
    "EFFECT_SIZE",
    "EFFECT_YLIM",
    "ELLIPSIS",
    "FOREST_LABEL_LINES",
    "FOREST_LABEL_WIDTH",
    "GREY",
    "INK",
    "LEGEND_CLEARANCE",
    "ORANGE",
    "PALETTE",
    "PATH_COLOURS",
    "PATH_LABEL_GAP",
    "PATH_LABEL_OFFSET",
    "PATH_LABEL_SIZE",
    "PATH_LEADER_OFFSET",
    "RC",
    "SQUARE",
    "UNIT_YLIM",
    "Drawable",
    "Figure",
    "ForestLabels",
    "LegendPlace",
    "Margins",
    "PathLayout",
    "Segment",
    "calibration_legend",
    "calibration_plot",
    "confusion_plot",
    "css_custom_properties",
    "cv_legend",
    "cv_plot",
    "effect_legend",
    "effect_plot",
    "draw_figures",
    "fit_label",
    "forest_caption",
    "forest_labels",
    "forest_plot",
    "forest_withheld",
    "legend_box",
    "legend_corner",
    "legend_size",
    "path_layout",
    "path_plot",
    "place_legend",
    "probability_legend",
    "probability_plot",
    "roc_legend",
    "roc_plot",
    "spread_labels",
    "term_labels",
    "warm_up",
]
