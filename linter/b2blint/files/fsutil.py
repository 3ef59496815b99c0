"""Atomic file writes: nothing the user owns is ever half-written, replaced or taken over.

Every file b2blint writes for the user (``lint -o``, ``plan --out``, ``apply --report``,
``--fix``, ``import``/``export`` trees) goes through `atomic_write_bytes`, which writes a
temporary file next to the target and renames it over the target. What that means for the
targets that are not plain files (docs/security.md, "output files"):

* a **symlink** is written *through*: its target is replaced and the link itself is kept (a
  rename over the link would turn it into a copy and leave the real file stale);
* a **FIFO, character or block device, socket or directory** is refused before anything is
  written: a rename would replace the device node itself (``/dev/full`` became a regular
  file), and writing into it directly would block on a FIFO without a reader or lose the data.
  b2blint prints to stdout when no output file is given, so nothing needs ``-o /dev/stdout``;
* a **new** file gets mode 0666 minus the umask (0644 under umask 022), like any other tool's
  output; the temporary file is created with that mode, never 0600 then left so;
* an existing file keeps its **permission bits, owner and group** (root running b2blint on a
  ``nobody:0640`` file must not turn it into ``root:root``); when the owner cannot be kept
  (not root), the write is refused rather than silently taking the file over;
* SIGTERM, SIGHUP and SIGQUIT (when they would kill the process outright) are held back while
  the temporary file exists, so a kill leaves either the old or the new file and no temporary
  file; the signal is delivered, with its usual effect, right after.

`check_output_target` runs those checks, plus whether the file is read-only and whether its
directory is writable, *before* a command does its work, so a bad ``--report`` path fails
before apply's first Graph write rather than after it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from b2blint.errors import B2BLintError

# Signals whose default action kills the process without running any Python code: held back
# while a temporary file exists (see `_signals_held`). SIGINT raises KeyboardInterrupt,
# which the cleanup below already handles.
_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


class ChangedOnDisk(Exception):
    """The target changed between the caller's check and the rename; nothing was written."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in the words of ``ls``/``stat`` (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def write_target(path: Path | str) -> Path:
    """The file a write to ``path`` really replaces: a symlink's final target, else ``path``.

    ``os.path.realpath`` resolves every link in the chain (and in the directories above); a
    dangling link yields the missing target, which is then created, as a shell ``>`` would.
    """
    return Path(os.path.realpath(path))


def _existing(path: Path, shown: str) -> os.stat_result | None:
    """``stat`` of the write target, None when absent; refuse what must not be replaced."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:  # a symlink loop, a parent that is a file, no search permission
        raise B2BLintError(f"{shown}: cannot write: {error.strerror or error}") from None
    kind = _kind(status.st_mode)
    if kind is not None:
        raise B2BLintError(f"{shown}: cannot write: it is {kind}, not a regular file")
    return status


def check_output_target(path: Path | str) -> None:
    """Refuse, with one line naming ``path``, an output file that cannot be written safely.

    Checks, before anything is written: the target (through symlinks) is absent or a regular
    file, is not read-only (no write bit at all: root would otherwise override a ``0444``
    file), and its directory (or the nearest existing one, which `atomic_write_bytes` would
    create the rest under) accepts a new file. The last check creates and removes a temporary
    file, because permission bits do not tell about read-only mounts or ``/proc``.
    """
    shown = str(path)
    target = write_target(path)
    status = _existing(target, shown)
    if status is not None and (
        not status.st_mode & 0o222 or not os.access(target, os.W_OK, effective_ids=True)
    ):
        raise B2BLintError(f"{shown}: cannot write: the file is read-only")
    if status is not None and hasattr(os, "geteuid") and os.geteuid() not in (0, status.st_uid):
        raise B2BLintError(  # the replacement could not keep the owner (atomic_write_bytes)
            f"{shown}: cannot write: the file belongs to uid {status.st_uid} and a "
            "replacement could not keep that owner"
        )
    directory = target.parent if str(target.parent) else Path()
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    if not directory.is_dir():
        raise B2BLintError(f"{shown}: cannot write: {directory} is not a directory")
    with _signals_held():
        try:
            fd, probe = tempfile.mkstemp(prefix=".b2blint-probe.", suffix=".tmp", dir=directory)
        except OSError as error:
            raise B2BLintError(f"{shown}: cannot write: {error.strerror or error}") from None
        os.close(fd)
        Path(probe).unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back the killing signals (see `_HELD_SIGNALS`) for the duration of the block.

    Only signals left at their default action are held, and only in the main thread of a
    process (a signal handler installed by the program runs Python code and raises where
    the cleanup below sees it). A held signal is delivered when the block ends.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    held = {s for s in _HELD_SIGNALS if signal.getsignal(s) == signal.SIG_DFL}
    if not held:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def atomic_write_bytes(
    path: Path | str, data: bytes, *, unchanged_since: os.stat_result | None = None
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename.

    The rename is atomic on POSIX and Windows, so a reader (or a crash) sees either the old
    file or the new one. Symlinks are written through, non-regular files refused, and an
    existing file's mode, owner and group kept (module docstring). With ``unchanged_since``,
    the target's inode, size and modification time are compared again just before the rename
    and `ChangedOnDisk` is raised (nothing written) if an editor saved it meanwhile; that
    leaves a window of microseconds instead of the whole fix, as POSIX has no lock editors
    honour.
    """
    shown = str(path)
    target = write_target(path)
    directory = target.parent if str(target.parent) else Path()
    status = _existing(target, shown)
    if status is None:
        directory.mkdir(parents=True, exist_ok=True)
    with _signals_held():
        fd, tmp_name = _create_temp(directory, target.name)
        try:
            with os.fdopen(fd, "wb") as handle:
                if status is not None:
                    _keep_owner_and_mode(handle.fileno(), status, shown)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if unchanged_since is not None and not _same_file(target, unchanged_since):
                raise ChangedOnDisk(shown)
            Path(tmp_name).replace(target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise


# New files are created 0666 minus the umask (and any default ACL), as by any other tool:
# 0644 under umask 022, 0600 under 077. `tempfile.mkstemp` makes 0600 whatever the umask.
_NEW_FILE_MODE = 0o666
_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create_temp(directory: Path, name: str) -> tuple[int, str]:
    """A new temporary file beside ``name`` (``O_EXCL|O_NOFOLLOW``), mode 0666 & ~umask.

    The kernel applies the umask at creation, so it is never read or changed here: reading it
    means setting it (``os.umask``), which would open a window in which another thread's new
    files get the wrong mode.
    """
    for _ in range(100):
        path = directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(path, _TEMP_FLAGS, _NEW_FILE_MODE), str(path)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(directory))


def _keep_owner_and_mode(fd: int, status: os.stat_result, shown: str) -> None:
    """Give the new file the old one's owner, group and permission bits (owner first: a
    ``chown`` clears set-user-ID bits)."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid) and hasattr(os, "fchown"):
        try:
            os.fchown(fd, status.st_uid, status.st_gid)
        except PermissionError:
            raise B2BLintError(
                f"{shown}: cannot write: the file belongs to uid {status.st_uid} gid "
                f"{status.st_gid} and a replacement could not keep that owner"
            ) from None
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(status.st_mode))


def _same_file(target: Path, before: os.stat_result) -> bool:
    try:
        now = target.stat()
    except OSError:
        return False
    return (now.st_ino, now.st_size, now.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )


def atomic_write_text(path: Path | str, text: str) -> None:
    """UTF-8 text variant of `atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))
