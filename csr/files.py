"""Reading a file named on the command line (an upload or a configuration) without hanging or filling memory.

`read_regular_file` reads only regular files and at most `limit` bytes: a device (/dev/zero), a FIFO, a
socket or a directory is refused before anything is read, so nothing blocks and nothing grows without
bound. Errors are `FileRefused`, whose message is a Danish sentence naming the path as it was given.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

CHUNK = 1024 * 1024

_NOT_REGULAR = (
    (stat.S_ISDIR, "en mappe"),
    (stat.S_ISFIFO, "et rør (FIFO)"),
    (stat.S_ISSOCK, "en sokkel"),
    (stat.S_ISCHR, "en enhed"),
    (stat.S_ISBLK, "en enhed"),
)

_REASONS: dict[int | None, str] = {  # keyed by OSError.errno, which may be None
    errno.ENOENT: "findes ikke",
    errno.EACCES: "må ikke læses (ingen adgang)",
    errno.EPERM: "må ikke læses (ingen adgang)",
    errno.ENOTDIR: "findes ikke (en del af stien er ikke en mappe)",
    errno.ELOOP: "kan ikke åbnes (for mange symbolske links)",
    errno.ENAMETOOLONG: "kan ikke åbnes (navnet er for langt)",
    errno.EIO: "kan ikke læses (fejl på disken)",
}


class FileRefused(OSError):
    """A file that is not read; the message is one Danish sentence naming the path."""


def _what(mode: int) -> str | None:
    for test, what in _NOT_REGULAR:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "ikke en almindelig fil"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}".replace(",", ".")


def _refuse_kind(label: str, shown: str, mode: int) -> None:
    what = _what(mode)
    if what:
        raise FileRefused(f"{label} {shown} er {what} og ikke en almindelig fil; den læses ikke.")


def read_regular_file(path: str | Path, limit: int, *, label: str = "Filen") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileRefused with a Danish sentence otherwise.

    The path is checked with stat before it is opened (a FIFO or a device is never opened), opened with
    O_NONBLOCK (should it have been swapped for one in between) and checked again; at most limit + 1 bytes
    are read, so a file that grows while it is read cannot fill memory either.
    """
    shown = str(path)
    try:
        _refuse_kind(label, shown, os.stat(path).st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except FileRefused:
        raise
    except OSError as exc:
        reason = _REASONS.get(exc.errno, "kan ikke åbnes")
        raise FileRefused(f"{label} {shown} {reason}.") from None
    try:
        info = os.fstat(fd)
        _refuse_kind(label, shown, info.st_mode)
        too_large = FileRefused(
            f"{label} {shown} er for stor (over {_megabytes(limit)} MB); den må højst fylde {_megabytes(limit)} MB."
        )
        if info.st_size > limit:
            raise too_large
        chunks, total = [], 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(CHUNK, limit + 1 - total))
            except BlockingIOError:  # only a non-regular file can block; it was refused above
                raise FileRefused(f"{label} {shown} er ikke en almindelig fil; den læses ikke.") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise too_large
        return b"".join(chunks)
    except FileRefused:
        raise
    except OSError as exc:
        raise FileRefused(f"{label} {shown} {_REASONS.get(exc.errno, 'kan ikke læses')}.") from None
    finally:
        os.close(fd)
