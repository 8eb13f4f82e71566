"""Text measured in the figures' font, and labels fitted to a width.

Widths are in inches, measured as matplotlib draws the text (DejaVu Sans at
the figures' size unless told), so the same label always gives the same
fitted text: wrapped at natural breaks, then shortened in the middle.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...result import term_namer
from .style import RC, Drawable


def text_width(texts: list[str], size: float | None = None) -> float:
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
    if line_width(text, size) <= width:
        return text
    wrapped = _wrap(text, width, size)
    if len(wrapped) <= lines:
        # the narrowest width giving as many lines, and no more words cut than at full width
        pieces = [p.rstrip() for p in _BREAK_AFTER.findall(text) if p.strip()]
        low, high = min(max((line_width(p, size) for p in pieces), default=0.0), width), width
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


def line_width(text: str, size: float | None) -> float:
    """Width of ``text`` in inches as the sum of its characters' advances: fast
    (each character measured once) and, since kerning in DejaVu Sans almost only
    draws characters closer, at least the drawn width but for a fraction of a point."""
    return sum(_char_width(char, size or RC["font.size"]) for char in text)


@lru_cache(maxsize=1024)
def _char_width(char: str, size: float) -> float:
    return text_width([char], size)


def _wrap(text: str, width: float, size: float | None) -> list[str]:
    """``text`` in lines within ``width``, filled greedily, broken after `_BREAK_AFTER`'s
    characters, or inside a word wider than a line."""
    wrapped: list[str] = []
    line = ""
    for piece in (p for p in _BREAK_AFTER.findall(text) if p):
        if line_width((line + piece).rstrip(), size) <= width:
            line += piece
            continue
        if line_width(piece.rstrip(), size) <= width:
            if line.strip():
                wrapped.append(line.rstrip())
            line = piece
            continue
        line += piece  # a word wider than a line: cut it, filling this line first
        while line_width(line.rstrip(), size) > width:
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
        if line_width(candidate, size) <= width:
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
        if line_width(candidate, size) <= width:
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
