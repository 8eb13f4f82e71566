"""A second process for the command line: it renders the HTML and PDF reports.

pandas and scipy.stats take a second or so to import before any estimation
can start, and the renderers need neither: the command line forks the helper
first thing, and it imports matplotlib, Jinja and WeasyPrint while the main
process imports the estimation libraries and reads the data (what each saves
is measured in benchmarks/README.md). Once the result is complete the main
process sends it, and the helper renders the documents, drawing half of the
figures in a copy of itself forked for the purpose (`in_two`), while the main
process renders the JSON. (The scikit-learn cross-check of a large fit runs
in a process forked at fit time, which shares the design matrix copy-on-write;
see `statreport.parallel.CommandLine.beside`.)

Requests are plain function calls, ``helper.submit(func, *args)``; the helper
works through them in the order sent, and each `Pending.result` may be asked
for in any order. Anything that goes wrong in the helper (it did not start,
it died, a result would not pickle, the function raised) makes
`Pending.result` run the call in this process instead, so the helper can only
ever save time, never change a result."""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class Helper:
    """The helper process, seen from the parent: made, then forked by `start`.

    Making one limits this process to one BLAS thread (unless the user chose a
    number): beside the helper or the forked refit on two cores a second BLAS
    thread only spins. That takes effect only if numpy is not imported yet, so the
    command line makes its helper first thing, even when it will not start it.
    """

    def __init__(self, modules: tuple[str, ...], *, prepare: Callable[[], Any] | None = None) -> None:
        """``modules``: what the helper imports; ``prepare``: run there after the imports
        (a warm-up)."""
        self.modules, self.prepare = modules, prepare
        self.pid = 0
        self.channel: socket.socket | None = None
        self._sending: threading.Thread | None = None
        self.alive = False
        self._niced = False  # preparing at a lower priority (see `_prepare_at_low_priority`)
        self._sent = 0  # requests sent; answers come back in the same order
        self._answers: list[tuple[bool, Any]] = []  # answers read so far, by request number
        for variable in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")

    def start(self) -> bool:
        """Fork the helper, which imports ``modules`` and then serves requests; True if it runs.

        Call it while no other thread runs; whatever is imported by then is
        shared copy-on-write. It declines where fork is
        unavailable, ``STATREPORT_NO_HELPER`` is set, or another Python thread is
        running: a thread in the middle of an import holds that module's lock,
        and the forked copy would wait on it forever. Requests to a helper that
        did not start run in this process.
        """
        if self.pid or not hasattr(os, "fork") or os.environ.get("STATREPORT_NO_HELPER"):
            return self.alive
        if threading.active_count() > 1:
            return False
        parent_end, child_end = socket.socketpair()
        try:
            pid = os.fork()
        except OSError:
            parent_end.close()
            child_end.close()
            return False
        if pid == 0:  # the helper: never returns into the caller's code
            default_signals()  # the parent's SIGTERM handler raises; the helper just ends
            status = 0
            try:
                parent_end.close()
                _serve(child_end, self.modules, self.prepare)
            except BaseException:  # noqa: BLE001 - the parent falls back to working alone
                status = 1
            finally:
                os._exit(status)
        child_end.close()
        self.pid, self.channel, self.alive = pid, parent_end, True
        self._niced = _prepare_at_low_priority(pid)
        return True

    def submit(self, func: Callable[..., Any], *args: Any) -> Pending:
        """Send ``func(*args)`` to the helper; the parent goes on while it runs.

        The request is sent from a thread, so a large argument does not block
        the caller while the helper is still importing.
        """
        self._wait_sent()
        pending = Pending(self, func, args)
        if not self.alive:
            return pending
        if self._niced:  # its work is wanted now: back to this process's priority
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.pid, os.getpriority(os.PRIO_PROCESS, 0))
            self._niced = False
        try:
            payload = _pack((func, args))
        except Exception:  # noqa: BLE001 - not picklable: run it here
            return pending
        pending.number = self._sent
        self._sent += 1
        self._sending = threading.Thread(target=self._send, args=(payload,), daemon=True)
        self._sending.start()
        return pending

    def _send(self, payload: list[Any]) -> None:
        assert self.channel is not None  # sent only while alive
        try:
            for part in payload:
                self.channel.sendall(part)
        except OSError:
            self.alive = False

    def _wait_sent(self) -> None:
        if self._sending is not None:
            self._sending.join()
            self._sending = None

    def answer(self, number: int) -> tuple[bool, Any]:
        """Request ``number``'s answer: (True, value), or (False, None) if the helper failed.

        Answers to earlier requests that nobody asked for yet are read and kept.
        """
        self._wait_sent()
        while len(self._answers) <= number:
            if not self.alive:
                return False, None
            assert self.channel is not None  # alive
            try:
                ok, value = _unpack(self.channel)
            except Exception:  # noqa: BLE001 - a dead helper or a broken answer
                self.close()
                return False, None
            self._answers.append((bool(ok), value))
        answer = self._answers[number]
        self._answers[number] = (answer[0], None)  # the caller owns the value now
        return answer

    def close(self) -> None:
        """Stop the helper and reap it (it holds nothing that needs cleaning up)."""
        import signal

        if self.pid:
            self.alive = False
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._wait_sent()
            if self.channel is not None:
                self.channel.close()
            self.pid = 0


class Pending:
    """A request to the helper; `result()` waits for the answer or does the work here."""

    def __init__(self, helper: Helper | None, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.helper, self.func, self.args = helper, func, args
        self.number: int | None = None  # set once sent
        self._done = False
        self._value: Any = None

    def cancel(self) -> None:
        """Nothing to stop: the helper works through its requests in order."""

    def result(self) -> Any:
        """The helper's answer, or, if it failed, the call made here; the same every time."""
        if not self._done:
            ok, value = False, None
            if self.helper is not None and self.number is not None:
                ok, value = self.helper.answer(self.number)
            self._value = value if ok else self.func(*self.args)
            self._done = True
        return self._value


#: The helper's niceness while it imports and warms up, where it can be raised again.
PREPARING_NICENESS = 10


def _prepare_at_low_priority(pid: int) -> bool:
    """Let the helper prepare at a lower priority, if its priority can be raised again.

    Its imports and warm-up compete with the main process's imports and the
    parse; at nice 10 they fill the gaps instead. When its work is wanted,
    `Helper.submit` raises it back. That
    needs the right to raise a priority (root, or a permissive RLIMIT_NICE),
    tried first on the helper: without it the helper stays at normal priority,
    since a helper stuck at nice 10 on a busy machine makes the main process
    wait for it.
    """
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, own - 1)  # refused without that right
        os.setpriority(os.PRIO_PROCESS, pid, own + PREPARING_NICENESS)
    except (OSError, AttributeError):  # AttributeError: no getpriority on this platform
        return False
    return True


def in_two(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Each call's result, in order; every second call made in a forked copy of this process.

    Forking a process that is already set up (the helper, with matplotlib
    loaded) takes milliseconds, and the copy shares everything the calls need.
    Like `Helper.start` it declines, making every call here, where fork is
    unavailable, ``STATREPORT_NO_HELPER`` is set or another thread runs; and if
    the copy fails in any way, its calls are made here too.
    """
    if (len(calls) < 2 or not hasattr(os, "fork") or os.environ.get("STATREPORT_NO_HELPER")
            or threading.active_count() > 1):
        return [call() for call in calls]
    theirs = calls[1::2]
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [call() for call in calls]
    if pid == 0:  # the copy: its share of the calls, pickled into the pipe
        default_signals()
        status = 0
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps([call() for call in theirs], protocol=5))
        except BaseException:  # noqa: BLE001 - the parent makes these calls itself
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        try:
            mine = [call() for call in calls[0::2]]
        finally:  # drained even if a call here failed: the copy waits on a full pipe
            data = pipe.read()
            outcome = _reap(pid)
    try:
        if outcome not in (0, None):
            raise ValueError("the forked copy failed")
        answers = pickle.loads(data)  # a copy that died early sent a truncated pickle
    except Exception:  # noqa: BLE001 - do its share here
        answers = [call() for call in theirs]
    results: list[T] = []
    for i in range(len(calls)):
        results.append(mine[i // 2] if i % 2 == 0 else answers[i // 2])
    return results


def _reap(pid: int) -> int | None:
    """Wait for a forked child; its exit status, or None if the system reaped it already
    (SIGCHLD ignored, as some supervisors leave it)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return status


def _import_all(modules: tuple[str, ...]) -> None:
    """Import ``modules``; a failed import is left to the code that needs the module."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - it fails again, properly, where it is needed
            return


def default_signals() -> None:
    """In a forked child: SIGTERM back to ending the process, not raising (the command line's
    handler, inherited, would keep a child that its parent stops alive)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _serve(channel: socket.socket, modules: tuple[str, ...], prepare: Callable[[], Any] | None) -> None:
    """The helper's life: the imports, the warm-up, then answer requests until EOF."""
    _import_all(modules)
    if prepare is not None:
        with contextlib.suppress(Exception):
            prepare()
    while True:
        try:
            func, args = _unpack(channel)
        except EOFError:
            return
        try:
            answer = _pack((True, func(*args)))
        except BaseException:  # noqa: BLE001 - the parent redoes the call and raises it properly
            answer = _pack((False, None))
        del args
        for part in answer:
            channel.sendall(part)


def _pack(message: Any) -> list[Any]:
    """A message as parts to send: a header, the pickle, and each array's buffer.

    Arrays travel out of band (pickle protocol 5): their memory is sent as it
    is, not copied into the pickle first, so a design matrix costs one copy
    in the kernel, not three.
    """
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    sizes = [len(data), len(raws), *(r.nbytes for r in raws)]
    return [struct.pack(f"!{len(sizes)}Q", *sizes), data, *raws]


def _unpack(channel: socket.socket) -> Any:
    size, count = struct.unpack("!2Q", _read_exactly(channel, 16))
    sizes = struct.unpack(f"!{count}Q", _read_exactly(channel, 8 * count)) if count else ()
    data = _read_exactly(channel, size)
    buffers = [_read_exactly(channel, n) for n in sizes]
    return pickle.loads(data, buffers=buffers)


def _read_exactly(channel: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = channel.recv_into(view[received:])
        if count == 0:
            raise EOFError("the helper's channel closed")
        received += count
    return buffer
