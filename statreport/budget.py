"""The memory budget: the big allocations of a fit, estimated and checked before they are made.

A fit's memory goes to a few large blocks, each checked against one budget
before it is allocated:

- the data as read: Arrow's table and the parser's buffers, `READ_SHARE` of the
  budget (`MemoryBudget.read_limit`): Parquet from its metadata before reading,
  delimited text while it is read (`statreport.data`), so reading stops as soon as
  the share is passed, not after; a plain file too small to reach it however it
  parses (`TEXT_EXPANSION`) is read without watching;
- the design matrix, rows x columns x 8 bytes, with the copies made while it is
  built (`check_design`, before formulaic builds it);
- the fit's working copies of the design matrix (`check_fit`).

The budget is ``max_memory`` (``--max-memory 4GB``), else `DEFAULT_SHARE` of the
memory available when the fit starts (``MemAvailable`` in ``/proc/meminfo``,
within a container's cgroup limit). It covers what the data make; the program
itself (Python and its libraries, `MARGIN`) comes on top. Going over is a
`DataError` (exit 3) for the data and the design matrix, a `FitError` (exit 4)
for the fit, naming the size, the budget and what to do.

Pure functions of sizes and counts: nothing here allocates what it estimates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, FitError

#: Share of the available memory a fit may use when ``max_memory`` is not given.
DEFAULT_SHARE = 0.5
#: Share of the budget the data may take as read: the rest is for the copy made
#: while incomplete rows are dropped, and for the design matrix.
READ_SHARE = 0.5
#: Most bytes an Arrow table takes per byte of delimited text: an empty cell (one
#: byte, its delimiter) becomes an 8-byte number. A file this many times smaller
#: than the read share is read without watching (the fast path).
TEXT_EXPANSION = 8
#: Copies of the design matrix alive while it is built: formulaic's columns and the
#: column-major array the estimators take.
BUILD_COPIES = 2
#: Design-matrix-sized blocks alive at the peak of each estimator's fit, the design
#: itself and the scikit-learn cross-check included. Measured with `statreport.fit` on
#: 300,000 synthetic rows x 20 columns (peak RSS less the RSS before the fit, over the
#: design's bytes): maximum likelihood 3.6 (3.2 with 60 columns), l2 4.4, l1 4.3,
#: l2 with alpha='cv' (3 folds) 5.4, Firth 6.2; rounded up.
FIT_COPIES: dict[str, float] = {"mle": 4.0, "penalized": 6.0, "firth": 7.0}
#: Memory the program itself takes beside the budget (the documented margin): Python
#: with numpy, pandas, pyarrow, scipy, formulaic, statsmodels and scikit-learn loaded.
#: ``statreport fit "y ~ x" examples/tutorial.csv -o r.json`` peaks at 213 MB.
MARGIN = 350 * 10**6

_UNITS = {
    "": 1, "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from a size such as ``"4GB"`` (10**9), ``"4GiB"`` or ``"4G"`` (2**30), ``"500MB"``, ``"1e9"``.

    Raises `ValueError` for text that is not a size.
    """
    match = _SIZE.fullmatch(text)
    if match is None or match.group(2).lower() not in _UNITS:
        try:  # "1e9", plain bytes in scientific notation
            value = float(text)
        except ValueError:
            raise ValueError(f"not a size: {text!r}") from None
        unit = 1
    else:
        value, unit = float(match.group(1)), _UNITS[match.group(2).lower()]
    if not value * unit < 2**63:
        raise ValueError(f"not a size: {text!r}")
    return int(value * unit)


def format_size(size: float) -> str:
    """``1_234_567_890`` -> ``"1.2 GB"`` (decimal units, as ``max_memory`` takes them)."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.{0 if size >= 10 * scale else 1}f} {unit}"
    return f"{int(size)} bytes"


def _literal(size: float) -> str:
    """A ``max_memory`` value for ``size`` bytes: ``'200MB'``, ``'1.5GB'``, or the bytes."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale and (size * 10) % scale == 0:
            return f"{size / scale:g}{unit}"
    return str(int(size))


def _suggest(size: float) -> str:
    """A ``max_memory`` value a little above ``size``, in whole units: ``'5GB'``, ``'700MB'``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6)):
        if size >= scale:
            return f"{int(size * 1.2 // scale) + 1}{unit}"
    return "100MB"


def available_memory() -> int | None:
    """Bytes of memory available now: ``MemAvailable`` (Linux), within the cgroup's limit;
    else free physical pages (`os.sysconf`); None where neither can be read."""
    available: int | None = None
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    room = _cgroup_room()
    return available if room is None else min(available, room)


def _cgroup_room() -> int | None:
    """What a container's memory limit leaves (cgroup v2 ``memory.max`` less ``memory.current``)."""
    base = Path("/sys/fs/cgroup")
    try:
        limit = (base / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(int(limit) - int((base / "memory.current").read_text().strip()), 0)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class MemoryBudget:
    """Bytes a fit may allocate for its data, design matrix and fit, and where that number came from."""

    limit: int
    given: bool = True  # from max_memory, not the default share of available memory
    method: str = "mle"  # the estimator, whose working copies `check_fit` counts

    @classmethod
    def from_option(cls, max_memory: int | None, method: str = "mle") -> MemoryBudget:
        """The budget ``max_memory`` sets, or `DEFAULT_SHARE` of the available memory."""
        if max_memory is not None:
            return cls(int(max_memory), True, method)
        available = available_memory()
        if available is None:  # nowhere to read it from: no budget rather than a guess
            return cls(2**62, False, method)
        return cls(int(available * DEFAULT_SHARE), False, method)

    @property
    def read_limit(self) -> int:
        """Bytes the data may take as read."""
        return int(self.limit * READ_SHARE)

    def describe(self) -> str:
        """"the memory budget of 200 MB (max_memory='200MB')", or how the default was set."""
        if self.given:
            return f"the memory budget of {format_size(self.limit)} (max_memory={_literal(self.limit)!r})"
        return (f"the memory budget of {format_size(self.limit)} ({DEFAULT_SHARE:.0%} of the memory "
                "available; pass max_memory to set it)")

    def more(self, needed: float | None = None) -> str:
        """Advice to raise the budget (to fit ``needed`` bytes), if the machine has the memory."""
        if needed is None:
            return "or, if the machine has the memory, a larger budget (pass max_memory)"
        return f"or, if the machine has the memory, a larger budget: max_memory={_suggest(needed)!r}"

    def fits_without_watching(self, text_bytes: int) -> bool:
        """Whether a delimited text of ``text_bytes`` cannot outgrow the read share, however it parses."""
        return text_bytes * TEXT_EXPANSION <= self.read_limit

    def _data_share(self) -> str:
        return f"{format_size(self.read_limit)}, {READ_SHARE:.0%} of {self.describe()}"

    def over_while_reading(self, name: str, held: int, text_bytes: int, compressed: bool) -> DataError:
        """The error for reading stopped once ``held`` bytes of data passed the read share."""
        text = "decompressed text" if compressed else "text"
        return DataError(
            f"reading '{name}' stopped at {format_size(held)} of data (from {format_size(text_bytes)} "
            f"of {text}): the data may take {self._data_share()}; use a sample of the rows or only "
            "the model's columns, " + self.more()
        )

    def check_read(self, name: str, needed: int, detail: str = "") -> None:
        """Refuse data that would take ``needed`` bytes as read (Parquet, from its metadata)."""
        if needed > self.read_limit:
            raise DataError(
                f"'{name}' would take about {format_size(needed)} once read{detail}: the data may take "
                f"{self._data_share()}; use a sample of the rows or fewer columns, "
                + self.more(needed / READ_SHARE)
            )

    def check_design(self, design_bytes: int, held_bytes: int, shape: str, worst: str) -> None:
        """Refuse a design matrix of ``design_bytes`` (beside ``held_bytes`` of data) before it is built.

        ``shape`` says "N rows x K columns"; ``worst`` names the term that makes most columns.
        """
        needed = held_bytes + BUILD_COPIES * design_bytes
        if needed > self.limit:
            raise DataError(
                f"the design matrix would need about {format_size(design_bytes)} ({shape}; {worst}), "
                f"{format_size(needed)} while it is built beside the data, more than {self.describe()}; "
                "an identifier, or an interaction of large categoricals? Remove that term, group its "
                "levels, use a sample of the rows, " + self.more(needed)
            )

    def check_fit(self, design_bytes: int, shape: str) -> None:
        """Refuse a fit whose working copies of a ``design_bytes`` design matrix would not fit."""
        copies = FIT_COPIES.get(self.method, max(FIT_COPIES.values()))
        needed = int(copies * design_bytes)
        if needed > self.limit:
            raise FitError(
                f"fitting the model would need about {format_size(needed)} ({copies:g} copies of a "
                f"{format_size(design_bytes)} design matrix, {shape}), more than {self.describe()}; "
                "use fewer terms or fewer levels, fit a sample of the rows, " + self.more(needed)
            )


__all__ = ["MemoryBudget", "available_memory", "format_size", "parse_size"]
