"""Writing files atomically: a failure never leaves a partial or clobbered file."""

from __future__ import annotations

import os
import tempfile
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


def write_all(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file or none: all are staged first, then renamed into place.

    If staging any file fails, the staged ones are removed and no target is
    touched; the renames themselves are atomic per file.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, payload in files:
            staged.append((_stage(path, payload), path))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, path in staged:
        try:
            os.replace(temp, path)
        except OSError as exc:
            for left, _ in staged:
                left.unlink(missing_ok=True)
            raise OutputError(f"cannot write '{path}': {exc.strerror or exc}") from exc
    return [path for _, path in staged]


def write_atomic(path: Path, payload: bytes) -> Path:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    return write_all([(path, payload)])[0]
