"""The format-neutral report document: built once from a result, serialized by each format.

A `Document` is a title, a few lines under it and a sequence of `Section`s;
each section holds blocks (`Table`, `Note`, `Alert`, `Grid`, `Figures`), the
figures it shows (`FigureSpec`: how to draw each one) and its part of the
JSON report. Every decision about what a reader may see (which columns a
penalized fit shows, how a separated term reads, which note explains what)
is taken once, by the section modules in `statreport.report.sections`; HTML,
PDF and JSON only serialize what they are given, and so will DOCX, LaTeX and
Markdown.

Text is `Text`: a tuple of `Span`s, each plain text with a style ("code",
"strong", "pass", "fail", "caution", "flag"), so that each format can mark it
up in its own way. Numbers arrive already formatted (`formatting`), with
Unicode minus signs, superscripts and thin spaces that every format can show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

STYLES = ("text", "code", "strong", "pass", "fail", "caution", "flag")


#: A run of characters without a space longer than this is shown by its ends ("abc…xyz"):
#: line breaking in the PDF takes time in the square of an unbreakable run's length (a
#: 2,000-character category level took 20 s, 10,000 did not finish), and no reader needs
#: more of it. The JSON report keeps every text whole.
LONGEST_WORD = 80
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def shortened(value: str) -> str:
    """``value`` with every run of more than `LONGEST_WORD` non-space characters cut to its first
    50 and last 20 characters around an ellipsis."""
    return _LONG_WORD.sub(lambda match: f"{match.group()[:50]}\u2026{match.group()[-20:]}", value)


@dataclass(frozen=True)
class Span:
    """Text in one style; data-derived runs too long to lay out are shortened (`shortened`)."""

    text: str
    style: str = "text"  # one of STYLES

    def __post_init__(self) -> None:
        if len(self.text) > LONGEST_WORD:
            object.__setattr__(self, "text", shortened(self.text))


@dataclass(frozen=True)
class Text:
    """Inline text: spans in order."""

    spans: tuple[Span, ...] = ()

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)

    def __add__(self, other: Text | str) -> Text:
        return Text(self.spans + text(other).spans)

    def __bool__(self) -> bool:
        return any(span.text for span in self.spans)


def text(*parts: Text | Span | str) -> Text:
    """Text from plain strings, spans and other texts, in order."""
    spans: list[Span] = []
    for part in parts:
        if isinstance(part, Text):
            spans.extend(part.spans)
        elif isinstance(part, Span):
            spans.append(part)
        elif part:
            spans.append(Span(str(part)))
    return Text(tuple(spans))


def code(value: str) -> Span:
    return Span(value, "code")


def strong(value: str) -> Span:
    return Span(value, "strong")


def styled(value: str, style: str) -> Span:
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}; got {style!r}")
    return Span(value, style)


def joined(items: list[Text | Span | str], separator: str = ", ", last: str | None = None) -> Text:
    """Items joined by ``separator`` (the last pair by ``last`` if given)."""
    parts: list[Text | Span | str] = []
    for i, item in enumerate(items):
        if i:
            parts.append(last if last is not None and i == len(items) - 1 else separator)
        parts.append(item)
    return text(*parts)


@dataclass(frozen=True)
class Cell:
    """One table cell: text, whether it is a number (right-aligned, never wrapped), a
    header (``<th>``), and how many columns or rows it spans."""

    content: Text
    numeric: bool = False
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    role: str = ""  # what kind of cell: "term", "level", "label", "hash", "reference" (formats may style it)
    tooltip: str = ""  # the raw name behind a reader's label


def cell(content: Text | str, **kwargs: Any) -> Cell:
    return Cell(content if isinstance(content, Text) else text(content), **kwargs)


def number(content: str) -> Cell:
    return Cell(text(content), numeric=True)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    group: bool = False  # a heading row inside a table (the levels of a categorical follow)


@dataclass(frozen=True)
class Table:
    """A table: ``kind`` names it for styling ("summary", "coefficients", ...); ``header``
    is zero or more rows of header cells; ``flags`` are extra style hints decided in
    Python ("wide": a wide number is shown; "short": few enough rows to keep on one page)."""

    kind: str
    rows: tuple[Row, ...]
    header: tuple[Row, ...] = ()
    flags: tuple[str, ...] = ()
    scroll: bool = False  # wide: may scroll sideways on a narrow screen


@dataclass(frozen=True)
class Note:
    """A paragraph under a table or figure; ``kind`` is "note", "caution", "objective",
    "warning-box" (a boxed warning kept with what follows) or "withheld"."""

    content: Text
    kind: str = "note"


@dataclass(frozen=True)
class Alert:
    """The box of warnings at the top: a title, one item per warning, failed or not."""

    title: str
    items: tuple[tuple[Text, str], ...]  # (message, code)
    failed: bool = False


@dataclass(frozen=True)
class Grid:
    """Blocks side by side where there is room."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Figures:
    """Figures by key, side by side where there is room (``grid``), else one under another."""

    keys: tuple[str, ...]
    grid: bool = False


Block = Union[Table, Note, Alert, Grid, Figures]  # noqa: UP007 - used at run time


@dataclass(frozen=True)
class FigureSpec:
    """A figure a section shows: its key, title, caption and how it is drawn."""

    key: str
    title: str
    caption: str
    draw: Callable[[Any], bytes] = field(compare=False)


@dataclass(frozen=True)
class Section:
    """One part of the report: its key, heading, blocks, figures and JSON part.

    ``json`` is merged into the JSON report (dictionaries merge key by key, so a
    section may add to another's object, as the penalty adds ``model.alpha``).
    """

    key: str
    title: str | None
    blocks: tuple[Block, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    json: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """The whole report, format-neutral."""

    title: str
    subtitle: str  # the formula
    meta: Text  # the line under it
    sections: tuple[Section, ...]
    footer: Text
    description: str = ""

    @property
    def figures(self) -> tuple[FigureSpec, ...]:
        """Every figure the report shows, in display order."""
        return tuple(spec for section in self.sections for spec in section.figures)


__all__ = [
    "Alert", "Block", "Cell", "Document", "FigureSpec", "Figures", "Grid", "Note", "Row", "Section",
    "Span", "Table", "Text", "cell", "code", "joined", "number", "strong", "styled", "text",
]
