"""Database faults: the storage errors callers see, each with one line for people saying what
happened, to which file, and what to do.

Callers never see a raw `sqlite3` error: every public coroutine of a store (see
`storage.store.Store`) and of `storage.Database` turns one into a `DatabaseError` (a subclass
per kind of fault) whose message is that line and whose `__cause__` is the SQLite error.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# SQLite's primary result codes (the low byte of an extended code).
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_READONLY = 8
_IOERR = 10
_CORRUPT = 11
_FULL = 13
_CANTOPEN = 14
_CONSTRAINT = 19
_NOTADB = 26


class StorageError(RuntimeError):
    """The database cannot do what was asked; the message says why and what to do."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer Vēstnesis than this one."""


class ForeignDatabaseError(StorageError):
    """The file is another program's SQLite database, not a Vēstnesis one; it is left as is."""


class MigrationError(StorageError):
    """A migration left rows whose foreign keys point nowhere; it was rolled back."""


# Also a ValueError: the record asked for clashes with one stored, which is the caller's input
# (a name, a period), not a fault of the database.
class ConflictError(StorageError, ValueError):
    """A record with that identity is already stored; the message names it."""


# Also a sqlite3.Error, so that code written before the wrapping (`except sqlite3.Error`)
# still catches it; new code catches StorageError (or a subclass below).
class DatabaseError(StorageError, sqlite3.Error):
    """SQLite failed: the message is one line naming the file, the fault and the remedy;
    `code` is SQLite's error name (e.g. "SQLITE_BUSY"), and `__cause__` the original error."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class DatabaseLocked(DatabaseError):
    """Another process held the write lock for longer than the patience allowed."""


class DatabaseReadOnly(DatabaseError):
    """The file, its folder or the connection may not be written."""


class DatabaseFull(DatabaseError):
    """The disk (or the database's page limit) is full; the change was rolled back."""


class DatabaseDamaged(DatabaseError):
    """The file is damaged or not an SQLite database at all."""


class ConstraintViolation(DatabaseError):
    """A change broke a rule of the schema (a unique key, a foreign key, a check); it was
    rolled back. The stores turn the conflicts they expect into their own errors, so this
    one reaching a caller is a bug to report."""


def is_busy(error: BaseException) -> bool:
    """True for "database is locked" (another connection holds the lock): worth waiting out."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY
    return "locked" in str(error) or "busy" in str(error)


def wrap(error: sqlite3.Error, path: Path) -> DatabaseError:
    """The storage error for an SQLite error met on the database at `path`."""
    kind = _kind(error, path)
    wrapped = kind(describe(error, path), getattr(error, "sqlite_errorname", None))
    wrapped.__cause__ = error
    return wrapped


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """Turn an SQLite error raised in the block into a `DatabaseError` about `path`;
    everything else (storage errors already wrapped included) passes unchanged."""
    try:
        yield
    except DatabaseError:
        raise
    except sqlite3.Error as error:
        raise wrap(error, path) from error


def _kind(error: sqlite3.Error, path: Path) -> type[DatabaseError]:
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error)
    if isinstance(error, sqlite3.IntegrityError) or code == _CONSTRAINT:
        return ConstraintViolation
    if code == _FULL or "disk is full" in text:
        return DatabaseFull
    if code == _READONLY or "readonly" in text or (code == _CANTOPEN and path.exists()):
        return DatabaseReadOnly
    if code in _BUSY or "locked" in text:
        return DatabaseLocked
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return DatabaseDamaged
    return DatabaseError


def describe(error: BaseException, path: Path) -> str:
    """One line naming the fault, the database file and the remedy (no traceback)."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error)
    folder = path.parent
    if isinstance(error, DatabaseError):  # already described, with its own file
        return text
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        return _os_fault(error, path)
    if not isinstance(error, sqlite3.Error):  # SchemaTooNewError and the like say it all
        return f"{path}: {text}"
    if isinstance(error, sqlite3.IntegrityError) or code == _CONSTRAINT:
        return (
            f"{path}: a change broke a rule of the database ({text}); it was rolled back and "
            "nothing stored was lost: please report this"
        )
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
