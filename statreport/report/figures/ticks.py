"""Axis ticks and limits: log axes labelled plainly (0.5, 1, 2; 10⁶), and padded limits."""

from __future__ import annotations

import math
from typing import Any

from .. import formatting


def plain_log_ticks(ax: Any, values: list[float], *, around_one: bool = False) -> None:
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


def padded(values: list[float]) -> tuple[float, float]:
    """Axis limits around ``values`` with matplotlib's default 5% margins."""
    finite = [v for v in values if math.isfinite(v)]
    low, high = min(finite), max(finite)
    pad = 0.05 * (high - low) or 0.5
    return low - pad, high + pad
