"""Drawing the figures a report's document lists (`FigureSpec`), once per result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from ...result import ResultData
from ..document import FigureSpec
from .style import Figure


def draw_figures(
    result: ResultData, specs: Sequence[FigureSpec], *,
    calls: Callable[[list[Callable[[], bytes]]], list[bytes]] | None = None,
) -> tuple[Figure, ...]:
    """The figures ``specs`` lists, drawn from ``result``, in the same order.

    ``calls`` makes the drawing calls (the command line's helper draws half of them in
    a forked copy of itself, `statreport.parallel.helper.in_two`); by default one after
    another, here.
    """
    drawing: list[Callable[[], bytes]] = [partial(spec.draw, result) for spec in specs]
    svgs = calls(drawing) if calls is not None else [draw() for draw in drawing]
    return tuple(Figure(spec.key, spec.title, spec.caption, svg)
                 for spec, svg in zip(specs, svgs, strict=True))


__all__ = ["draw_figures"]


