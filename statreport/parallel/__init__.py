"""Concurrency for the command line, all of it: the one place where statreport
runs work beside other work.

`statreport.fit` (the library) always runs `Serial`: in a script, a notebook
kernel or a thread it takes the same path and gives the same result. The
command line runs its fits with `CommandLine`, which on a two-core machine
keeps both cores busy:

- the data file is parsed (pyarrow, which releases the GIL) on a worker thread
  while the estimation libraries are imported (`CommandLine.read`), and hashed
  on another as it is parsed (`CommandLine.alongside`);
- a large scikit-learn cross-check refit runs beside the fit in a process
  forked for it, which shares the design matrix copy-on-write
  (`CommandLine.beside`);
- the reference cycles formulaic leaves around the data frame are collected as
  soon as the design is built, with the objects the imports made frozen out of
  the collection (`CommandLine.freeing`);
- a helper process (`helper.Helper`), forked first thing, imports and warms
  up the renderers, then renders the HTML and PDF reports, drawing half of the
  figures in a forked copy of itself (`helper.in_two`).

What each trick saves is measured in ``benchmarks/README.md``. Each one falls
back to plain serial work where it cannot run (no fork, another thread alive,
``STATREPORT_NO_HELPER`` set), so it can only ever save time, never change a
result.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from typing import Any, NoReturn, Protocol, TypeVar

T = TypeVar("T")

#: From this many rows a refit beside the fit is worth a forked process.
PARALLEL_ROWS = 200_000


class Later(Protocol):
    """Work started by `Execution.beside`: ``result()`` waits for it, ``cancel()`` stops it."""

    def result(self) -> Any: ...

    def cancel(self) -> None: ...


class Execution(Protocol):
    """How a fit's independent pieces of work are run."""

    def read(self, task: Callable[[], T], modules: tuple[str, ...]) -> T:
        """``task()`` (reading the data), while ``modules`` (the estimation libraries) load."""
        ...

    def beside(self, func: Callable[..., Any], *args: Any, rows: int) -> Later:
        """Start ``func(*args)`` (work on ``rows`` rows) beside what the caller does next."""
        ...

    def freeing(self) -> AbstractContextManager[None]:
        """A block on leaving which the reference cycles made inside it are freed."""
        ...

    def alongside(self, func: Callable[..., Any], *args: Any) -> Later:
        """Start ``func(*args)`` (work that releases the GIL: hashing a file) beside the
        caller's next step in this process."""
        ...


class Deferred:
    """``func(*args)``, made when its result is first asked for (the serial `Later`)."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.func, self.args = func, args
        self._done, self._value = False, None

    def result(self) -> Any:
        if not self._done:
            self._value, self._done = self.func(*self.args), True
        return self._value

    def cancel(self) -> None:
        self._done, self._value = True, None


class Serial:
    """One thing after another, in the caller's thread: the library's way."""

    def read(self, task: Callable[[], T], modules: tuple[str, ...]) -> T:
        return task()

    def beside(self, func: Callable[..., Any], *args: Any, rows: int) -> Later:
        return Deferred(func, args)

    def freeing(self) -> AbstractContextManager[None]:
        return nullcontext()

    def alongside(self, func: Callable[..., Any], *args: Any) -> Later:
        return Deferred(func, args)


class CommandLine:
    """Both cores: the command line's way (see the module docstring).

    Make it first thing (it limits BLAS to one thread while numpy is not yet
    imported: beside a second process a second BLAS thread only spins) and
    `start` it before any other thread runs; `close` it at the end.
    """

    def __init__(self, formats: set[str]) -> None:
        """``formats``: the report formats to write; the helper renders HTML and PDF."""
        from .helper import Helper

        self.formats = formats
        modules: tuple[str, ...] = ("matplotlib.figure", "matplotlib.backends.backend_svg", "jinja2")
        if "pdf" in formats:
            modules += ("weasyprint",)
        self.helper = Helper(modules, prepare=partial(_warm_up, formats))

    def start(self) -> None:
        """Fork the helper (for HTML or PDF; a JSON report alone needs none). While this
        process imports the estimation libraries and reads the data, the helper imports
        and warms up the renderers, none of which this process then needs."""
        if self.formats & {"html", "pdf"}:
            self.helper.start()

    def render(self, result: Any, formats: tuple[str, ...], page_size: str) -> Later:
        """The HTML and PDF reports of ``result``, rendered in the helper (half of the
        figures in a forked copy of it) while this process renders the JSON."""
        from ..report import render_documents
        from .helper import in_two

        return self.helper.submit(render_documents, result, formats, page_size, in_two)

    def close(self) -> None:
        self.helper.close()

    def read(self, task: Callable[[], T], modules: tuple[str, ...]) -> T:
        return _while_importing(task, modules)

    def beside(self, func: Callable[..., Any], *args: Any, rows: int) -> Later:
        if rows < PARALLEL_ROWS:
            return Deferred(func, args)
        return _forked(func, args)

    def freeing(self) -> AbstractContextManager[None]:
        return _collecting_new_cycles()

    def alongside(self, func: Callable[..., Any], *args: Any) -> Later:
        return _Threaded(func, args)


def on_thread(func: Callable[..., Any], *args: Any) -> Later:
    """``func(*args)`` started on a worker thread (for work that releases the GIL: Arrow's
    CSV writer, hashing); ``result()`` waits for it and raises its exception."""
    return _Threaded(func, args)


class _Threaded:
    """``func(*args)`` on a worker thread; its exception is raised by ``result()``."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._outcome: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, args=(func, args), daemon=True,
                                        name="statreport-alongside")
        self._thread.start()

    def _run(self, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._outcome["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            self._outcome["error"] = exc

    def result(self) -> Any:
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["value"]

    def cancel(self) -> None:
        """A thread cannot be stopped; its result is simply not asked for."""


def _warm_up(formats: set[str]) -> None:
    from ..report import warm_up

    warm_up(formats)


def exit_fast(main: Callable[[], int]) -> NoReturn:
    """Run ``main`` with the garbage collector off, then end the process without the
    interpreter's teardown (the command line's entry point).

    Reference counting frees almost everything, and `CommandLine.freeing` collects
    the cycles in which formulaic leaves the data frame; tearing down a process that
    held a million-row design (freeing every object and module) takes about half a
    second, and the reports are written and synced by then.
    """
    import os
    import sys

    gc.disable()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class _Forked:
    """``func(*args)`` running in a forked process; falls back to running it here."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], process: Any, receive: Any) -> None:
        self.func, self.args = func, args
        self.process, self.receive = process, receive
        self._value: Any = None
        self._done = False

    def result(self) -> Any:
        if self._done:
            return self._value
        try:
            outcome = self.receive.recv()
        except (EOFError, OSError):
            outcome = None
        self.process.join()
        self._value = outcome[0] if outcome is not None else self.func(*self.args)  # the child failed
        self._done = True
        return self._value

    def cancel(self) -> None:
        if not self._done:
            self.process.terminate()
            self.process.join()
            self._done = True


def _forked(func: Callable[..., Any], args: tuple[Any, ...]) -> Later:
    """Start ``func(*args)`` in a process forked now (the design is shared copy-on-write:
    sending it to the helper would copy it); the child limits BLAS
    to one thread. Runs it here instead where fork is unavailable or another thread runs."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return Deferred(func, args)  # forking beside a running thread is not safe
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(func, args, send), daemon=True)
    try:
        process.start()
    except OSError:
        return Deferred(func, args)
    send.close()
    return _Forked(func, args, process, receive)


def _child(func: Callable[..., Any], args: tuple[Any, ...], send: Any) -> None:
    from .helper import default_signals

    default_signals()
    try:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            value = func(*args)
        send.send((value,))
    except BaseException:  # noqa: BLE001 - the parent redoes the work itself
        send.send(None)
    finally:
        send.close()


#: One fit at a time freezes objects: `gc.freeze` is process-wide.
_FREEZING = threading.Lock()


@contextmanager
def _collecting_new_cycles() -> Iterator[None]:
    """On leaving, free the reference cycles made inside the block, and only those.

    formulaic leaves the data frame in reference cycles, which only the
    garbage collector frees: at its own pace when it is on, never when it is
    off (the command line turns it off). Freezing what exists beforehand
    (`gc.freeze`) keeps the collection to the objects made since, a few
    milliseconds instead of a pass over every object the imports made; freed
    at once, the design's peak memory is lower.
    """
    with _FREEZING:
        theirs = gc.get_freeze_count() > 0
        if not theirs:
            gc.freeze()
        try:
            yield
        finally:
            gc.collect()
            if not theirs:
                gc.unfreeze()


def _while_importing(task: Callable[[], T], modules: tuple[str, ...]) -> T:
    """``task()`` on a worker thread while this thread imports ``modules``.

    Parsing (pyarrow) releases the GIL, so on two cores the imports cost no
    wall time while a file is read. The worker has ended when this returns. A
    failed import is left to the code that needs the module; a failed task
    stops the imports and raises here.
    """
    import importlib

    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = task()
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="statreport-read", daemon=True)
    worker.start()
    for name in modules:
        if "error" in outcome:
            break
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - it fails again, properly, where it is needed
            break
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


__all__ = ["PARALLEL_ROWS", "CommandLine", "Execution", "Later", "Serial", "exit_fast"]
