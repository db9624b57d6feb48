"""Read a file a person named, without hanging on it or reading without end.

``Path.stat().st_size`` is 0 for a named pipe, ``/dev/zero`` and ``/dev/stdin``, so
a size check before ``read_bytes()`` lets them through, and the read then waits
for a writer or fills the memory.  Here the file is opened without blocking and
checked on the open descriptor (so a symlink is judged by what it points at, and
nothing can be swapped in between), only a regular file is read, and never more
than ``limit + 1`` bytes: one byte over is enough to refuse it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_BINARY", 0)


class FileRefused(Exception):
    """The file cannot be read as asked; ``str()`` is the reason, without the path."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_limited(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or FileRefused."""
    try:
        fd = os.open(os.fspath(path), _FLAGS)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the name
        raise FileRefused("cannot read it: " + _why(e)) from None
    try:
        st = os.fstat(fd)
        mode = st.st_mode
        if not stat.S_ISREG(mode):
            kind = _kind(mode)
            raise FileRefused(f"is {kind}, not a {what}" if kind[0] == "a"
                              else f"is {kind}; a {what} is a regular file")
        if st.st_size > limit:  # a regular file's size is true: say it
            raise FileRefused(f"is {st.st_size} bytes; a {what} is at most {limit} bytes")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise FileRefused("cannot read it: " + _why(e)) from None
    finally:
        os.close(fd)
    if size > limit:
        raise FileRefused(f"is over {limit} bytes (it grew while read); a {what} is at most "
                          f"{limit} bytes")
    return b"".join(chunks)


def _why(e: Exception) -> str:
    return (e.strerror if isinstance(e, OSError) and e.strerror else str(e)) or type(e).__name__
