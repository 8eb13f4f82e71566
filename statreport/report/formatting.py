"""Number formatting for tables people read (JSON keeps full precision)."""

from __future__ import annotations

import math

DASH = "\u2014"
MINUS = "\u2212"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _signed(text: str) -> str:
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


SUPERSCRIPT = str.maketrans(
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
        return _signed(_times_ten(f"{value:.{max(digits - 2, 1)}e}"))
    return fixed(value, digits)


def _times_ten(text: str) -> str:
    """Python's "1.5e-06" as "1.5×10⁻⁶"; text without an exponent as it is."""
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}\u00d710{str(int(exponent)).translate(SUPERSCRIPT)}"


def significant(value: float | None, digits: int = 4) -> str:
    """At most ``digits`` significant digits and no trailing zeros, for settings and
    tolerances (alpha 0.02, C 2000, 1×10⁻⁶); powers of ten below 1e-4 and from
    10**digits, with as many mantissa digits as needed (1×10⁻⁶, where `number` writes
    1.00×10⁻⁶)."""
    if value is None or math.isnan(value):
        return DASH
    if math.isinf(value):
        return "\u221e" if value > 0 else MINUS + "\u221e"
    return _signed(_times_ten(f"{value:.{digits}g}"))


def fixed(value: float | None, digits: int = 4) -> str:
    """Fixed decimals whatever the magnitude; a value that rounds to zero is "0.0000", never
    "−0.0000" (a pseudo-R² of −1e−17 is rounding noise around zero)."""
    if value is None or math.isnan(value):
        return DASH
    if math.isinf(value):
        return "∞" if value > 0 else MINUS + "∞"
    text = f"{value:.{digits}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return _signed(text)


#: An odds ratio closer to 1 than this is written as 1 + its distance (1 + 2.7x10^-6):
#: the distance would otherwise hide behind six or more zeros.
_ODDS_RATIO_FIXED = 1e-5


def odds_ratio(log_odds: float | None, digits: int = 3) -> str:
    """The odds ratio exp(``log_odds``), never shown as 1 when ``log_odds`` is not 0.

    An odds ratio per unit of a predictor in small units (income in dollars) is
    close to 1: with ``digits`` decimals it would read "1.000", as if the
    predictor had no effect. Such a value gets the decimals that show two
    significant digits of its distance from 1 (1.000027), or, closer than
    1e-5, is written as that distance (1 + 2.7x10^-6). Taking the log odds
    rather than the odds ratio keeps that distance exact (``math.expm1``) even
    where exp() itself is 1.0 in floating point.
    """
    if log_odds is None or math.isnan(log_odds):
        return DASH
    try:
        value = math.exp(log_odds)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or log_odds == 0 or f"{value:.{digits}f}" != f"{1:.{digits}f}":
        return number(value, digits)
    distance = math.expm1(log_odds)
    if abs(distance) >= _ODDS_RATIO_FIXED:
        return fixed(value, max(digits, 1 - math.floor(math.log10(abs(distance)))))
    mantissa, exponent = f"{abs(distance):.1e}".split("e")
    sign = "+" if distance > 0 else MINUS
    return f"1 {sign} {mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"


def rounds_to_one(log_odds: float, digits: int = 3) -> bool:
    """Whether exp(``log_odds``) != 1 would read as 1 with ``digits`` decimals."""
    if not math.isfinite(log_odds) or log_odds == 0 or abs(log_odds) > 0.01:
        return False
    return f"{math.exp(log_odds):.{digits}f}" == f"{1:.{digits}f}"


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
