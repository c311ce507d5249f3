"""Writing the files a user asked for (PDFs, PNGs, exports) so that no half file is ever left.

Every file is written under a hidden temporary name in its own folder and renamed over the
target only when complete: the rename is atomic and never crosses disks. A full disk, a
read-only folder or an interruption leaves the target as it was, and the temporary file is
removed. Failures become :class:`StorageError` with the reason in plain words.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csdesk.errors import StorageError

_PLAIN_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
}


def os_reason(exc: OSError) -> str:
    """What went wrong with a file, in words a user can act on."""
    if exc.errno is not None and exc.errno in _PLAIN_REASONS:
        return _PLAIN_REASONS[exc.errno]
    return exc.strerror or str(exc)


def temporary_beside(target: Path) -> Path:
    """A hidden name in ``target``'s folder, unique to this process and call."""
    return target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"


def check_file_target(path: Path) -> Path:
    """The file the user named, checked before any work is done.

    Raises:
        StorageError: the name is empty, is a folder, or its folder does not exist.
    """
    if not str(path).strip():
        raise StorageError("give a file name to write to")
    target = Path(path).expanduser()
    if target.is_dir():
        raise StorageError(f"cannot write {target}: it is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise StorageError(f"cannot write {target}: the folder {folder} {what}")
    return target


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, else it is removed.

    Raises:
        StorageError: the target cannot be written (checked first) or writing failed.
    """
    target = check_file_target(path)
    temporary = temporary_beside(target)
    try:
        try:
            yield temporary
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {os_reason(exc)}") from exc


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file; return the path written.

    Raises:
        StorageError: the folder does not exist or cannot be written.
    """
    with replacing(path) as temporary:
        temporary.write_bytes(data)
    return Path(path).expanduser()
