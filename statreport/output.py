"""Writing files atomically: a failure never leaves a partial or clobbered file."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def check_writable(path: Path) -> None:
    """Refuse an output path whose folder is missing or not writable, before any work."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write '{path}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write '{path}': folder '{folder}' is not writable")
    if path.is_dir():
        raise OutputError(f"cannot write '{path}': it is a folder")


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _read_umask()  # read once, at import, before any background thread runs


def _mode(path: Path) -> int:
    """The permissions a report gets: those of the file it replaces, else rw-r--r-- less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o644 & ~_UMASK


def _stage(path: Path, payload: bytes) -> Path:
    """Write ``payload`` to a hidden temporary file beside ``path``; return its name."""
    check_writable(path)
    try:  # os.access can say yes where creating a file fails (root on /sys, a read-only mount)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write '{path}': {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _mode(path))
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write '{path}': {exc.strerror or exc}") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name)


def write_all(files: list[tuple[Path, bytes]], *, written: list[Path] | None = None) -> list[Path]:
    """Write every file or none, from the user's point of view.

    All are staged first (hidden temporary files beside their targets); then every
    existing target is kept as a hard link under a hidden name, which also proves it
    can be replaced (an immutable or mounted-over file cannot be linked); only then
    are the staged files renamed into place, one atomic rename each. If a rename
    still fails, the targets already replaced are restored from what was kept (and
    new ones removed). Nothing staged or kept is left behind. SIGINT and SIGTERM
    wait until the set is in place or restored (`_interrupts_deferred`), then act;
    ``written`` (if given) gets the paths as soon as all are in place, before that.
    """
    with _interrupts_deferred():
        staged: list[tuple[Path, Path]] = []
        kept: list[tuple[Path, Path | None]] = []
        try:
            for path, payload in files:
                staged.append((_stage(path, payload), path))
            for _, path in staged:
                kept.append((path, _keep(path)))
            _replace(staged, kept)
            if written is not None:
                written.extend(path for _, path in staged)
        finally:
            for temp, _ in staged:
                temp.unlink(missing_ok=True)  # renamed ones are gone already
            for _, backup in kept:
                if backup is not None:
                    backup.unlink(missing_ok=True)
    return [path for _, path in staged]


def _keep(path: Path) -> Path | None:
    """A hidden hard link to the existing file at ``path`` (None if there is none): the copy
    a failed set of renames restores, made before any rename so that a target that cannot
    be replaced stops the set before it starts."""
    if not path.exists() and not path.is_symlink():
        return None
    for attempt in range(100):
        backup = path.with_name(f".{path.name}.{os.getpid()}.{attempt}.keep")
        try:
            os.link(path, backup, follow_symlinks=False)
            return backup
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot replace '{path}': {exc.strerror or exc}; nothing was written") from exc
    raise OutputError(f"cannot replace '{path}': no free name beside it for a kept copy")


def _replace(staged: list[tuple[Path, Path]], kept: list[tuple[Path, Path | None]]) -> None:
    """Rename each staged file into place; on a failure, put back what was replaced."""
    backups = dict(kept)
    done: list[Path] = []
    for temp, path in staged:
        try:
            os.replace(temp, path)
        except OSError as exc:
            for replaced in reversed(done):
                backup = backups[replaced]
                if backup is None:
                    replaced.unlink(missing_ok=True)
                else:
                    os.replace(backup, replaced)
            raise OutputError(f"cannot write '{path}': {exc.strerror or exc}; "
                              "no report was written (earlier files are as they were)") from exc
        done.append(path)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM held while the block runs, then delivered. Only the main thread can
    install handlers (the signals go to it anyway); elsewhere the block just runs."""
    held: list[int] = []
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.getsignal(number) for number in signals}
    try:
        for number in signals:
            signal.signal(number, lambda number, frame: held.append(number))
    except ValueError:  # not the main thread: nothing was installed
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if held:
            signal.raise_signal(held[0])


def write_atomic(path: Path, payload: bytes) -> Path:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    return write_all([(path, payload)])[0]
