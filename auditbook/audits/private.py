"""Files and folders readable by their owner only: where identifiable exports and the logs are
written. Modes are set whatever the umask, and nothing follows a link out of its folder."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_dir(folder: str | Path) -> Path:
    """Create `folder` and any missing parents, each 0700 (folders already there are left as
    they are: they may be shared on purpose)."""
    folder = Path(folder)
    missing = []
    for p in (folder, *folder.parents):
        if os.path.lexists(p):
            break
        missing.append(p)
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            os.mkdir(p, FOLDER_MODE)
            os.chmod(p, FOLDER_MODE)  # the umask may have taken bits the mode asked for
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "Not a folder", str(folder))
    return folder


def write_whole(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd`, retrying short writes; OSError if the disk takes no more."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # a full disk may report 0 bytes written rather than an error
            raise OSError(errno.ENOSPC, "No space left on device")
        view = view[n:]


def write_private(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` atomically, the file 0600 in a folder created 0700."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            write_whole(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_quietly(paths) -> None:
    """Remove files written by an export that is then refused (missing ones are fine)."""
    for p in paths:
        with contextlib.suppress(OSError):
            Path(p).unlink(missing_ok=True)
