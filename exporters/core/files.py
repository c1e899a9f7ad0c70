"""Reading files named in configs without hanging or exhausting memory.

Every file an exporter reads (configs, secrets, certificates, logs) comes through here:
- only regular files: a FIFO would block the reading thread for ever (and with it start-up,
  every reload or SIGTERM), `/dev/zero` never ends, and `/dev/stdout` or `/proc/self/fd/*`
  would read the exporter's own log; the file is opened non-blocking and checked with
  `fstat` on the open descriptor, so a swap between check and read does not help;
- a size bound per call: larger files are refused, never read to the end;
- at most `LARGE_READERS` reads above `LARGE_READ` bytes at once, so parallel scrapes of
  many big files do not each grow their own allocator arena.

A hung network mount can still block a read; the scrape reports `_up 0` at its deadline and
the process still exits on SIGTERM (see `exporters.core.app`).
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LARGE_READ = 1024 * 1024
LARGE_READERS = 2
_large = threading.BoundedSemaphore(LARGE_READERS)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_SPECIAL_ROOTS = ("/dev/", "/proc/", "/sys/")


class FileRefused(OSError):
    """A file that is not read: not regular, too large, or a device/process file.

    An `OSError` with `strerror` set, so existing `except OSError` paths print the reason.
    """

    def __init__(self, code: int, reason: str, path: str | os.PathLike[str]) -> None:
        super().__init__(code, reason, str(path))


def _is_special(path: str | os.PathLike[str]) -> bool:
    """True if `path` or any link on the way to its file lies in /dev, /proc or /sys.

    Checked link by link: `/dev/stdout` ends, through `/proc/self/fd/1`, at the exporter's
    own log, a regular file; only the way there gives it away.
    """
    current = os.path.abspath(path)
    for _ in range(40):
        parent = os.path.realpath(os.path.dirname(current))
        current = os.path.join(parent, os.path.basename(current))
        if (current + "/").startswith(_SPECIAL_ROOTS):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(parent, os.readlink(current)))
    return True  # a loop of links is not a file to read


def _open_regular(path: str | os.PathLike[str], limit: int) -> tuple[int, os.stat_result]:
    if _is_special(path):
        raise FileRefused(errno.EINVAL, "a device or process file, not a regular file", path)
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(errno.EINVAL, "not a regular file", path)
        if st.st_size > limit:
            raise FileRefused(errno.EFBIG, f"larger than {limit} bytes", path)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def check_regular(path: str | os.PathLike[str], limit: int) -> os.stat_result:
    """Raise FileRefused/OSError unless `path` is a regular file of at most `limit` bytes.

    For files a library opens itself (e.g. `SSLContext.load_cert_chain`).
    """
    fd, st = _open_regular(path, limit)
    os.close(fd)
    return st


def _read_fd(fd: int, limit: int, path: str | os.PathLike[str]) -> bytes:
    chunks = []
    total = 0
    while True:
        chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:  # grew while being read
            raise FileRefused(errno.EFBIG, f"larger than {limit} bytes", path)
    return b"".join(chunks)


_holding = threading.local()


@contextmanager
def large_slot(size: int) -> Iterator[None]:
    """Hold one of the `LARGE_READERS` slots while working on `size` bytes, if that is
    large: callers wrap reading *and* parsing a big file, so that its copies in memory
    are bounded too. Re-entrant within a thread (`read_bounded` inside is fine)."""
    if size <= LARGE_READ or getattr(_holding, "held", False):
        yield
        return
    with _large:
        _holding.held = True
        try:
            yield
        finally:
            _holding.held = False


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole content of a regular file of at most `limit` bytes."""
    fd, st = _open_regular(path, limit)
    try:
        with large_slot(st.st_size):
            return _read_fd(fd, limit, path)
    finally:
        os.close(fd)


def read_text_bounded(path: str | os.PathLike[str], limit: int) -> str:
    """`read_bounded` decoded as UTF-8 (UnicodeDecodeError if it is not)."""
    return read_bounded(path, limit).decode("utf-8")


def read_tail(path: str | os.PathLike[str], size: int) -> tuple[bytes, os.stat_result]:
    """The last `size` bytes of a regular file of any length, with its stat."""
    fd, st = _open_regular(path, 1 << 62)
    try:
        os.lseek(fd, max(0, st.st_size - size), os.SEEK_SET)
        return _read_fd_upto(fd, size), st
    finally:
        os.close(fd)


def _read_fd_upto(fd: int, size: int) -> bytes:
    chunks = []
    total = 0
    while total < size:
        chunk = os.read(fd, size - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """True for a regular file outside /dev, /proc and /sys (for globs that skip others)."""
    if _is_special(path):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


__all__ = [
    "FileRefused",
    "check_regular",
    "is_regular_file",
    "large_slot",
    "read_bounded",
    "read_tail",
    "read_text_bounded",
]
