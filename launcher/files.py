"""Writing a learner's files without ever losing a byte, and reading them without being stopped by one.

A file is only ever replaced whole: the new one is written to a temporary file beside it and renamed over
it. A copy set aside gets a name no file has yet, through a hard link, which never replaces a file. A file
that is not a regular file, or is too big, is never read (it may be a pipe that blocks, or never end)."""
import contextlib
import errno
import itertools
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

FOLDER_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def put_aside(path, work, data=None):
    """Copy a learner's file (or the bytes read from it) into work/old/ under a name no file has (the time,
    and a number if that is taken), so that no set-aside copy ever replaces another; return where it went."""
    data = read_file(path) if data is None else data
    folder = work / "old"
    folder.mkdir(exist_ok=True)
    if folder.is_symlink():  # made a link since the command checked: never write where it leads
        raise OSError(errno.ELOOP, f"{folder} is a link")
    temporary = _temporary(work, path.stem, data)  # in work/, so that old/ never holds a half-written file
    try:
        stamp = time.strftime("%Y-%m-%d %H%M%S")
        for number in itertools.count(1):
            target = folder / f"{path.stem} {stamp}{f' ({number})' if number > 1 else ''}{path.suffix}"
            try:
                _link(temporary, target)
            except FileExistsError:
                continue
            return target.relative_to(work.parent).as_posix()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def create(path, data):
    """Write a file that must not exist yet, whole or not at all: a temporary file beside it takes its name
    only once it is all on the disk, and never replaces a file (FileExistsError)."""
    temporary = _temporary(path.parent, path.stem, data)
    try:
        _link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _temporary(folder, stem, data):
    """A new hidden file in `folder` holding `data`, on the disk; removed again if it cannot be written whole."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write_all(handle, data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _link(temporary, path):
    """Give the whole temporary file the name `path`, which must be free (FileExistsError if it is not)."""
    try:
        os.link(temporary, path)  # a hard link never replaces a file
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network drives)
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        # On Windows a rename refuses a name that is taken; elsewhere a file made between the check above
        # and the rename would be replaced (a small race, on file systems without hard links only).
        os.rename(temporary, path)


def replace_whole(path, data):
    """Replace a file whole: write a temporary file beside it, then rename it over the old one, so that a
    full disk or a crash at any moment leaves either the old file or the new one, never half of one."""
    temporary = _temporary(path.parent, path.stem, data)
    try:
        with contextlib.suppress(OSError):
            shutil.copymode(path, temporary)  # the learner's file's permissions, where it has some
        _rename_over(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_all(handle, data):
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())  # on the disk before the rename makes it the learner's copy


def _rename_over(temporary, path):
    """os.replace; on Windows a file another program holds open a moment (a virus scanner) refuses it."""
    for attempt in range(10):
        try:
            return os.replace(temporary, path)
        except PermissionError:
            if os.name != "nt" or attempt == 9:
                raise
            time.sleep(0.3)


FILE_LIMIT = 50 * 2**20  # bytes read of any learner's file: a notebook is far smaller, an endless file never ends


class NotRead(Exception):
    """A learner's file that is not read: one that is not a regular file or is over FILE_LIMIT."""


def read_file(path, limit=None, follow=True, beneath=None):
    """The bytes of a regular file of at most `limit` bytes (FILE_LIMIT); NotRead for anything else. A pipe
    or a device is never read (it may block for ever or never end), nor opened where that could block.
    follow=False: a link is not read either (the gradebook: a learner's link may lead to another's file).
    beneath (POSIX): a folder that holds path, from which it is opened one folder at a time, following no
    link on the way (a learner may swap a folder of theirs for a link to another's at any moment)."""
    limit = limit or FILE_LIMIT
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    if beneath is not None:
        descriptor = _open_beneath(beneath, path, flags | os.O_NOFOLLOW)
    else:
        if not stat.S_ISREG((os.stat if follow else os.lstat)(path).st_mode):
            raise NotRead("is a link, not a regular file" if not follow and os.path.islink(path) else
                          "is not a file (a pipe, a device or a folder)")
        flags |= 0 if follow else getattr(os, "O_NOFOLLOW", 0)  # a link swapped in since the check: ELOOP
        descriptor = os.open(path, flags)
    with open(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for a pipe since the check
            raise NotRead("is not a file (a pipe, a device or a folder)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotRead(f"is over {limit // 2**20} MB")
    return data


def _open_beneath(folder, path, flags):
    """A descriptor of the file at path, opened from `folder` one name at a time, each without following a
    link (O_NOFOLLOW): the same check and open, so nothing swapped in between is followed."""
    names = Path(os.path.relpath(path, folder)).parts
    if not names or any(name in (os.curdir, os.pardir) for name in names):
        raise NotRead("is not inside its learner's folder")
    where = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for name in names[:-1]:
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=where)
            os.close(where)
            where = inner
        kind = os.stat(names[-1], dir_fd=where, follow_symlinks=False).st_mode
        if not stat.S_ISREG(kind):  # a device is never opened: opening one can do something
            raise NotRead("is a link, not a regular file" if stat.S_ISLNK(kind) else
                          "is not a file (a pipe, a device or a folder)")
        return os.open(names[-1], flags, dir_fd=where)
    except OSError as problem:
        if problem.errno in (errno.ELOOP, errno.ENOTDIR):  # a folder on the way is a link (or a file)
            raise NotRead("lies behind a link, not in its learner's own folders") from None
        raise
    finally:
        os.close(where)
