"""The answer index kept in the data folder, so that a fresh process (`vestnesis ask`, the
service after a restart) does not rebuild it: the title index, the stems and the plan's BM25
are built once per change of the calendar, the plan, the word tables or this code.

The file is `answer-index.pickle` beside the database: one line with the key (a SHA-256 of
everything the index is built from: the events' change token, the plan, the words file, the
answering code and its data files), then the pickled pair (`Kept`: the index without the parts
only some questions use, and the word tables; the pickle of those parts, read at their first
use). A file with another key, or one
that cannot be read, is rebuilt. The data folder is trusted like the database beside it
(pickle runs code on load: the folder must be writable by the service's user only, as the
database already requires); a file owned by another user, or one that others may write, is
never read, only rebuilt, and the index is written readable by its owner alone.

Loading is the cold `vestnesis ask`'s largest cost (issue 18), so the file is made cheap to
read: equal strings, dates and word sets are stored once and referred to after (a 10,000-event
index has about half as many objects to make), the collector is paused while it loads, and the
series are made only for a question that needs them."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import secrets
import types
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import structlog

from feeds.language import LanguageDetector
from storage import Event
from vestnesis.answering.engine import Knowledge
from vestnesis.answering.tables import Tables
from vestnesis.answering.titles import TitleIndex
from vestnesis.common.owned import ours_alone

T = TypeVar("T")
log = structlog.stdlib.get_logger("vestnesis.answer_index")
INDEX_FILE = "answer-index.pickle"
# The width of a packed series number is part of the format (a file from a machine whose C
# int differs is rebuilt, not misread).
_FORMAT = b"vestnesis-answer-index-4-%d" % array("I").itemsize
# The parts of the index that only some questions use ("what is on in Riga next week?" walks
# every series; "when is the next seminar in Liepāja?" does not): kept in a section of their
# own, read at the first use (a cold `ask` that never needs them does not make their ~60,000
# objects). A name the engine no longer has is left out; a new one stays in the first part.
_LATER_TITLES = ("series", "_title_tokens", "_kinds", "_numbers", "_live_until")
_LATER_KNOWLEDGE = ("_kind_series",)


@dataclass(frozen=True)
class Kept:
    """What the file holds: the index, and the word tables it was built with (the configured
    ones, before the calendar's own kinds are added), so that a process that finds the file
    parses no TOML and stems no lexicon."""

    knowledge: Knowledge
    tables: Tables

    def knowledge_with(self, detector: LanguageDetector | None) -> Knowledge:
        """The kept index with `detector` (set on the object read from the file, which
        nothing else holds: a dataclasses.replace would read the parts kept for later)."""
        object.__setattr__(self.knowledge, "detector", detector)
        return self.knowledge


def index_path(database_path: Path) -> Path:
    """Where the index of the database at `database_path` is kept."""
    return database_path.with_name(INDEX_FILE)


def index_key(parts: Iterable[bytes]) -> str:
    """The key of an index built from `parts` (the events' change token, the plan's text, the words
    file, the zone, the title translations), with the answering code's own source in it: a
    new version of the engine never reads an old index."""
    digest = hashlib.sha256(_FORMAT)
    for part in (*parts, *_code()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _code() -> list[bytes]:
    """The source of the answering engine and of the records it holds, and the built-in word
    tables (data/*.toml, calendar_names.json)."""
    root = Path(__file__).resolve().parent
    files = sorted((root / "answering").glob("*.py"))
    files += sorted(path for path in (root / "answering" / "data").glob("*") if path.is_file())
    files += [root.parent / "storage" / "records.py", Path(__file__).resolve()]
    found = []
    for file in files:
        try:
            found.append(file.read_bytes())
        except OSError:
            found.append(file.name.encode())
    return found


def read_index(path: Path, key: str) -> Kept | None:
    """The index kept at `path` if it was built for `key` (None otherwise, or unreadable, or
    not safe to load: owned by another user or writable by others)."""
    try:
        with path.open("rb") as file:
            if not ours_alone(os.fstat(file.fileno())):  # pickle runs code
                log.warning("answer index not ours alone; rebuilding it", file=str(path))
                return None
            if file.readline().rstrip(b"\n") != key.encode():
                return None
            found = _load(file.read())
    except FileNotFoundError:
        return None
    except Exception as error:  # a torn or foreign file is rebuilt, never fatal
        log.warning("answer index not read; rebuilding it", reason=repr(error))
        return None
    if not isinstance(found, tuple) or len(found) != 2:
        return None
    kept, later = found
    if not isinstance(kept, Kept) or not isinstance(later, bytes):
        return None
    _Later(later, kept.knowledge).attach()
    return kept


class _Later:
    """The section read at first use: its pickle, and the objects it completes. Its events
    are written as their place in `knowledge.events` (pickle's persistent IDs), so that they
    are the very objects the rest of the index holds."""

    def __init__(self, data: bytes, knowledge: Knowledge) -> None:
        self._data: bytes | None = data
        self._knowledge = knowledge

    def attach(self) -> None:
        for target in (self._knowledge, self._knowledge.titles):
            object.__setattr__(target, _LATER, self)

    def fill(self) -> None:
        """Read the section into the objects (once; equal values if two threads race)."""
        data = self._data
        if data is None:
            return
        events = self._knowledge.events
        unpickler = pickle.Unpickler(io.BytesIO(data))  # noqa: S301 (the same file, checked)
        unpickler.persistent_load = events.__getitem__  # type: ignore[method-assign]
        paused = gc.isenabled()
        gc.disable()
        try:
            parts = unpickler.load()
        finally:
            if paused:
                gc.enable()
        for target, values in ((self._knowledge, parts[0]), (self._knowledge.titles, parts[1])):
            vars(target).update(values)  # one step each: a reader sees all or nothing
            vars(target).pop(_LATER, None)
        self._data = None


_LATER = "_answer_index_later"


def _later(owner: object, name: str) -> object:
    """`owner.name` from the section read at first use (AttributeError if it has none)."""
    later = vars(owner).get(_LATER)
    if later is None:
        raise AttributeError(f"{type(owner).__name__!r} object has no attribute {name!r}")
    later.fill()
    return object.__getattribute__(owner, name)


class _PartKnowledge(Knowledge):
    """A kept Knowledge whose `_LATER_KNOWLEDGE` parts are read at first use."""

    def __getattr__(self, name: str) -> object:  # only for names not set on the object
        return _later(self, name)


class _PartTitles(TitleIndex):
    """A kept TitleIndex whose `_LATER_TITLES` parts are read at first use."""

    def __getattr__(self, name: str) -> object:
        return _later(self, name)


class _Postings(dict[str, "set[int] | bytes"]):
    """A kept title index's word → the numbers of the series it names, packed: each set as
    the bytes of an array of its numbers in the set's own order, made that set again (the
    same insertion order, as unpickling it would) at its first look-up. Reading the kept index
    then makes ~9,000 bytes objects, not ~9,000 sets of ~130,000 numbers (issue 18); a
    question looks up a few words."""

    def __getitem__(self, word: str) -> set[int]:
        value = dict.__getitem__(self, word)
        if type(value) is bytes:
            numbers = array("I")
            numbers.frombytes(value)
            value = set(numbers)
            dict.__setitem__(self, word, value)  # one assignment: a racing reader sees either
        assert isinstance(value, set)
        return value

    def get(self, word: str, default: object = None) -> object:  # type: ignore[override]
        return self[word] if word in self else default  # noqa: SIM401 (self.get is this)


def _packed(index: dict[str, set[int]]) -> _Postings:
    return _Postings({word: array("I", numbers).tobytes() for word, numbers in index.items()})


def _split(knowledge: Knowledge) -> tuple[Knowledge, bytes]:
    """`knowledge` without its later parts (as the classes above), and the later parts'
    pickle."""
    titles = knowledge.titles
    first_titles = object.__new__(_PartTitles)
    later_titles = {n: v for n, v in vars(titles).items() if n in _LATER_TITLES}
    vars(first_titles).update({n: v for n, v in vars(titles).items() if n not in later_titles})
    if isinstance(vars(titles).get("_index"), dict):
        vars(first_titles)["_index"] = _packed(vars(titles)["_index"])
    first = object.__new__(_PartKnowledge)
    later_knowledge = {n: v for n, v in vars(knowledge).items() if n in _LATER_KNOWLEDGE}
    vars(first).update(
        {n: v for n, v in vars(knowledge).items() if n not in later_knowledge},
        titles=first_titles,
    )
    places = {id(event): number for number, event in enumerate(knowledge.events)}

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            return places.get(id(obj)) if type(obj) is Event else None

    buffer = io.BytesIO()
    Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((later_knowledge, later_titles))
    return first, buffer.getvalue()


def _load(data: bytes) -> object:
    """Unpickle with the cyclic collector paused: the index is hundreds of thousands of new
    objects at once, none of them garbage, and each collection would walk them all again."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)  # noqa: S301 (our own file, in the trusted data folder)
    finally:
        if paused:
            gc.enable()


def _prepare(tables: object) -> None:
    """Work out every cached part of the word tables (the stemmed lexicons: about 0.2 s of
    CPU) so that it is kept in the file, not redone by every process that reads it."""
    for name, member in vars(type(tables)).items():
        if isinstance(member, cached_property):
            getattr(tables, name)


def write_index(path: Path, key: str, kept: Kept) -> None:
    """Keep `kept` at `path` for `key` (written beside it, readable by its owner only,
    then renamed into place, so that a reader sees the old file or the new one). A failure to
    write is logged: the index is only a cache."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    _prepare(kept.knowledge.tables)
    _prepare(kept.tables)
    kept = shared(Kept(replace(kept.knowledge, detector=None), kept.tables))
    first, later = _split(kept.knowledge)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.encode() + b"\n")
            pickle.dump((Kept(first, kept.tables), later), file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError as error:
        log.warning("answer index not kept", reason=str(error))
        temporary.unlink(missing_ok=True)


# Values equal exactly when interchangeable, one copy of each kept; dates and times also by
# their zone and fold (an instant in UTC equals the same instant in Riga, but does not print so).
_ATOMS = (str, bytes, datetime, date, time, timedelta)
_NUMBERS = (int, bool, float, type(None))
_NOT_WALKED = (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType)


def shared(root: T) -> T:
    """`root` with equal strings, dates and times made one object each, and then tuples and
    frozensets of the very same objects, in place (lists, dict values and objects' attributes
    get the shared copies; tuples and frozensets are remade; dict keys and set members are
    kept, and their equals elsewhere become them): pickle then writes each once and refers to
    it after, so loading makes far fewer objects. Nothing changes value or type; records
    (dataclasses) are never merged, only their attributes shared."""
    one: dict[object, object] = {}
    done: dict[int, object] = {}

    def atom(value: object) -> object:
        kind = type(value)
        key: tuple[object, ...] = (kind, value)
        if isinstance(value, (datetime, time)):
            key = (kind, value, repr(value.tzinfo), value.fold)
        return one.setdefault(key, value)

    def identity(item: object) -> object:
        # Items are shared already: the same object stands for the same value (numbers by
        # their type too, so that (1,) and (True,) stay apart).
        if type(item) is float:
            return (float, repr(item))  # 0.0 and -0.0 are equal, not interchangeable
        return (type(item), item) if type(item) in _NUMBERS else id(item)

    def walk(value: object) -> object:
        kind = type(value)
        if kind in _ATOMS:
            return atom(value)
        if kind in _NUMBERS:
            return value
        if id(value) in done:
            return done[id(value)]
        done[id(value)] = value
        if isinstance(value, (frozenset, tuple)) and kind in (frozenset, tuple):
            items = [walk(item) for item in value]
            marks = [identity(item) for item in items]
            key = (kind, frozenset(marks) if kind is frozenset else tuple(marks))
            remade = one.setdefault(key, kind(items))
            done[id(value)] = remade
            return remade
        # Each change below is one assignment (atomic under the GIL), never a clear-and-refill:
        # the index being kept may be read meanwhile (the service answers while it is written).
        if isinstance(value, list) and kind is list:
            value[:] = [walk(item) for item in value]
        elif isinstance(value, dict) and kind is dict:
            for key in list(value):
                walk(key)  # keys stay as they are; equal ones elsewhere become these
                value[key] = walk(value[key])
        elif isinstance(value, set) and kind is set:
            for item in list(value):
                walk(item)
        elif hasattr(value, "__dict__") and not isinstance(value, _NOT_WALKED):
            attributes = vars(value)
            for name in list(attributes):
                attributes[name] = walk(attributes[name])
        return value

    return walk(root)  # type: ignore[return-value]
