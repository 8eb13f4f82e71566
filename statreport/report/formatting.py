"""Number formatting for tables people read (JSON keeps full precision)."""

from __future__ import annotations

import math

DASH = "\u2014"
MINUS = "\u2212"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _signed(text: str) -> str:
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def number(value: float | None, digits: int = 4) -> str:
    """Fixed decimals for ordinary magnitudes, scientific beyond them; NaN as a dash."""
    if value is None or math.isnan(value):
        return DASH
    if math.isinf(value):
        return "\u221e" if value > 0 else MINUS + "\u221e"
    magnitude = abs(value)
    if magnitude != 0 and (magnitude >= 1e6 or magnitude < 10.0 ** (-digits)):
        mantissa, exponent = f"{value:.{max(digits - 2, 1)}e}".split("e")
        return _signed(f"{mantissa}\u00d710{str(int(exponent)).translate(_SUPERSCRIPT)}")
    return _signed(f"{value:.{digits}f}")


def p_value(value: float | None) -> str:
    """P-values as journals print them: three decimals, ``<0.001`` below that."""
    if value is None or not _finite(value):
        return DASH
    if value < 0.001:
        return "<0.001"
    return f"{value:.3f}"


def integer(value: int | None) -> str:
    """Whole numbers with thin-space thousands separators."""
    if value is None:
        return DASH
    return f"{value:,}".replace(",", "\u2009")


def percent(value: float | None, digits: int = 1) -> str:
    if value is None or not _finite(value):
        return DASH
    return f"{value * 100:.{digits}f}%"


def size(n_bytes: int | None) -> str:
    if n_bytes is None:
        return DASH
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024  # type: ignore[assignment]
    return DASH  # pragma: no cover
