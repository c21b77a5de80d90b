"""The answer index kept in the data folder, so that a fresh process (`vestnesis ask`, the
service after a restart) does not rebuild it: the title index, the stems and the plan's BM25
are built once per change of the calendar, the plan, the word tables or this code.

The file is `answer-index.pickle` beside the database: one line with the key (a SHA-256 of
everything the index is built from), then the pickled index. A file with another key, or one
that cannot be read, is rebuilt. The data folder is trusted like the database beside it
(pickle runs code on load: the folder must be writable by the service's user only, as the
database already requires)."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import secrets
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from vestnesis.answering.engine import Knowledge
from vestnesis.common.logs import fields

log = logging.getLogger("vestnesis.answer_index")
INDEX_FILE = "answer-index.pickle"
_FORMAT = b"vestnesis-answer-index-1"


def index_path(database_path: Path) -> Path:
    """Where the index of the database at `database_path` is kept."""
    return database_path.with_name(INDEX_FILE)


def index_key(parts: Iterable[bytes]) -> str:
    """The key of an index built from `parts` (the events' digest, the plan's text, the words
    file, the zone, the title translations), with the answering code's own source in it: a
    new version of the engine never reads an old index."""
    digest = hashlib.sha256(_FORMAT)
    for part in (*parts, *_code()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _code() -> list[bytes]:
    """The source of the answering engine and of the records it holds."""
    root = Path(__file__).resolve().parent
    files = sorted((root / "answering").glob("*.py"))
    files += [root.parent / "storage" / "records.py", Path(__file__).resolve()]
    found = []
    for file in files:
        try:
            found.append(file.read_bytes())
        except OSError:
            found.append(file.name.encode())
    return found


def read_index(path: Path, key: str) -> Knowledge | None:
    """The index kept at `path` if it was built for `key` (None otherwise, or unreadable)."""
    try:
        with path.open("rb") as file:
            if file.readline().rstrip(b"\n") != key.encode():
                return None
            found = pickle.load(file)  # noqa: S301 (our own file, in the trusted data folder)
    except FileNotFoundError:
        return None
    except Exception as error:  # a torn or foreign file is rebuilt, never fatal
        log.warning("answer index not read; rebuilding it", **fields(reason=repr(error)))
        return None
    return found if isinstance(found, Knowledge) else None


def _prepare(tables: object) -> None:
    """Work out every cached part of the word tables (the stemmed lexicons: about 0.2 s of
    CPU) so that it is kept in the file, not redone by every process that reads it."""
    for name, member in vars(type(tables)).items():
        if isinstance(member, cached_property):
            getattr(tables, name)


def write_index(path: Path, key: str, knowledge: Knowledge) -> None:
    """Keep `knowledge` at `path` for `key` (written beside it, then renamed into place, so
    that a reader sees the old file or the new one). A failure to write is logged: the index
    is only a cache."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    _prepare(knowledge.tables)
    try:
        with temporary.open("wb") as file:
            file.write(key.encode() + b"\n")
            pickle.dump(replace(knowledge, detector=None), file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError as error:
        log.warning("answer index not kept", **fields(reason=str(error)))
        temporary.unlink(missing_ok=True)
