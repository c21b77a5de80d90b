"""Database faults in one line for people: what happened, to which file, and what to do."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

# SQLite's primary result codes (the low byte of an extended code).
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_READONLY = 8
_IOERR = 10
_CORRUPT = 11
_FULL = 13
_CANTOPEN = 14
_NOTADB = 26


def is_busy(error: BaseException) -> bool:
    """True for "database is locked" (another connection holds the lock): worth waiting out."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY
    return "locked" in str(error) or "busy" in str(error)


def describe(error: BaseException, path: Path) -> str:
    """One line naming the fault, the database file and the remedy (no traceback)."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error)
    folder = path.parent
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        return _os_fault(error, path)
    if not isinstance(error, sqlite3.Error):  # SchemaTooNewError and the like say it all
        return f"{path}: {text}"
    if code == _FULL or "disk is full" in text:
        return (
            f"{path}: the disk is full; free some space on it and run the command again "
            "(the change that did not fit was rolled back; nothing stored was lost)"
        )
    if code == _READONLY or "readonly" in text or (code == _CANTOPEN and path.exists()):
        return (
            f"{path}: the database is read-only; give the user running Vēstnesis write access "
            f"to the file and its folder {folder} (SQLite also writes -wal and -shm files there)"
        )
    if code in _BUSY or "locked" in text:
        return (
            f"{path}: the database is locked by another process (a long `vestnesis` command, "
            "a backup, or an SQLite tool holding a write); try again when it has finished"
        )
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return (
            f"{path}: the file is damaged or not a Vēstnesis database ({text}); it was left "
            "as it is: restore it from a backup (`vestnesis backup`), or move it aside and a "
            "new empty one is created"
        )
    if code == _CANTOPEN or "unable to open" in text:
        return (
            f"{path}: cannot open the database; check that the folder {folder} exists and "
            "that the user running Vēstnesis may write in it"
        )
    if code == _IOERR or "disk I/O" in text:
        return (
            f"{path}: the disk failed while reading or writing ({text}); check the disk and "
            "its free space, then run the command again"
        )
    return f"{path}: database error: {text}"


def _os_fault(error: OSError, path: Path) -> str:
    where = error.filename or path
    if error.errno == errno.ENOSPC:
        return f"{where}: the disk is full; free some space on it and run the command again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{where}: not allowed to write here ({error.strerror}); give the user running "
            "Vēstnesis write access to the data folder, or set association.data_dir elsewhere"
        )
    return f"{where}: {error.strerror or error}"
