"""Stage timing and progress for long runs.

`Stages` times named stages. The command line shows the running stage on a
terminal (one line on stderr, rewritten in place), stays silent when stderr
is not a terminal or with --quiet, and with --verbose prints each stage's time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

StageHook = Callable[[str, float], None]


class Stages:
    """Time stages; tell ``hook`` (name, seconds) as each one ends."""

    def __init__(self, hook: StageHook | None = None) -> None:
        self.hook = hook

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.hook is not None:
            self.hook(name, -1.0)  # started
        try:
            yield
        except BaseException:
            if self.hook is not None:
                self.hook(name, -2.0)  # failed: clear the live line, print no time
            raise
        if self.hook is not None:
            self.hook(name, time.perf_counter() - started)

    def progress(self, name: str) -> Callable[[str], None]:
        """Where a long stage ``name`` is: each call tells the hook that the stage is
        (still) running, as ``hook(f"{name} ({where})", -1.0)``."""
        def tell(where: str) -> None:
            if self.hook is not None:
                self.hook(f"{name} ({where})", -1.0)

        return tell


def terminal_reporter(*, verbose: bool, quiet: bool, stream: TextIO | None = None) -> StageHook | None:
    """The CLI's hook: live stage names on a terminal, timings with --verbose."""
    out = stream or sys.stderr
    live = not quiet and out.isatty()
    if quiet or not (live or verbose):
        return None

    def hook(name: str, seconds: float) -> None:
        if seconds == -2.0:
            if live:
                out.write("\r\x1b[2K")
                out.flush()
            return
        if seconds < 0:
            if live:
                out.write(f"\r\x1b[2Kstatreport: {name}\u2026")
                out.flush()
            return
        if live:
            out.write("\r\x1b[2K")
        if verbose:
            out.write(f"statreport: {name:<24} {seconds:7.2f} s\n")
        out.flush()

    return hook
