"""Member lists as people save them: any spreadsheet's encoding and separator, damaged rows.

`read_members` takes the file's bytes and gives every row that could be read, with its line
number, and one line per row that could not — never an exception for any input.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from charset_normalizer import from_bytes

COLUMNS = ("email", "name", "language")
# Letters of the languages lists are written in; a decoding that yields them is the right one.
_ALPHABETS = {
    "lv": "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ",
    "lt": "ąčęėįšųūžĄČĘĖĮŠŲŪŽ",
    "et": "äöõüšžÄÖÕÜŠŽ",
    "de": "äöüßÄÖÜ",
    "pl": "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ",
    "fi": "äöåÄÖÅ",
}
# What spreadsheets in the region save CSV as, most likely first, after UTF-8.
_LEGACY = ("cp1257", "iso-8859-13", "cp1252", "cp1250", "iso-8859-4", "cp1251", "latin-1")
_SEPARATORS = (",", ";", "\t", "|")
_ROW_START = re.compile(r'^\s*"?[^\s@,;|"]+@[^\s@,;|"]+"?\s*[,;\t|]')


class MemberFileError(ValueError):
    """The file cannot be read as a member list at all; the message says why, in one line."""


@dataclass(frozen=True)
class MemberRow:
    """One row as written: `line` is its first line in the file (the header is line 1)."""

    line: int
    email: str
    name: str
    language: str


@dataclass(frozen=True)
class MemberFile:
    """What a member list holds: readable rows, one line per unreadable row, and how it was
    read (the encoding and separator detected)."""

    rows: tuple[MemberRow, ...]
    problems: tuple[str, ...]
    encoding: str
    separator: str


def read_members(data: bytes, languages: Sequence[str] = ("lv", "lt", "en")) -> MemberFile:
    """Read a CSV of members (columns email, name, language, in any order, named in the first
    line), detecting its encoding and separator. Raises MemberFileError when there is no
    header naming an email column."""
    text, encoding = decode(data, languages)
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise MemberFileError("the file is empty; the first line must name the columns")
    header_line = lines[0]
    separator = _separator(header_line)
    header = [cell.strip().lower() for cell in next(csv.reader([header_line], delimiter=separator))]
    if "email" not in header:
        raise MemberFileError(
            "the first line must name the columns, e.g. email,name,language "
            f"(found: {header_line.strip()[:80]!r})"
        )
    rows: list[MemberRow] = []
    problems: list[str] = []
    for line, cells, problem in _records(lines, 1, separator):
        if problem:
            problems.append(f"line {line}: {problem}")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(header, cells, strict=False))
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            problems.append(
                f"line {line}: {len(cells)} fields where the header names {len(header)} "
                f"(a {_name(separator)} inside a name needs quotes)"
            )
            continue
        rows.append(
            MemberRow(
                line=line,
                email=(values.get("email") or "").strip(),
                # A name is one line: a quoted line break (or any control) is a space.
                name=" ".join((values.get("name") or "").split()),
                language=(values.get("language") or "").strip().lower(),
            )
        )
    return MemberFile(tuple(rows), tuple(problems), encoding, separator)


def decode(data: bytes, languages: Sequence[str] = ("lv", "lt", "en")) -> tuple[str, str]:
    """The text of a file and the encoding it was read in: UTF-8 (with or without BOM) or
    UTF-16 by their marks, else the legacy encoding whose letters fit `languages` best."""
    for mark, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(mark):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    wanted = "".join(_ALPHABETS.get(code, "") for code in languages)
    candidates = list(_LEGACY)
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    best: tuple[float, str, str] | None = None
    for position, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _score(text, wanted) - position * 1e-3  # ties go to the likelier encoding
        if best is None or score > best[0]:
            best = (score, text, name)
    if best is None:  # latin-1 decodes anything; kept for a codec table without it
        return data.decode("utf-8", errors="replace"), "utf-8"
    return best[1], best[2]


def _score(text: str, wanted: str) -> float:
    score = 0.0
    for char in text:
        if char.isascii():
            continue
        if char in wanted:
            score += 2
        elif unicodedata.category(char).startswith("L"):
            score += 1
        else:
            score -= 2  # symbols and controls amid names: a wrong decoding
    return score


def _separator(header: str) -> str:
    for separator in _SEPARATORS:
        cells = [cell.strip().lower() for cell in header.split(separator)]
        if "email" in cells:
            return separator
    counts = {separator: header.count(separator) for separator in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _name(separator: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[separator]


def _records(
    lines: list[str], start: int, separator: str
) -> Iterator[tuple[int, list[str], str | None]]:
    """(first line number, cells, problem) per record after the header at lines[0]. A quote
    left open never takes the rows after it: its row is reported and reading goes on from
    the next line."""
    index = start
    while index < len(lines):
        reader = csv.reader(iter(lines[index:]), delimiter=separator, strict=True)
        consumed = 0
        try:
            for cells in reader:
                first = index + consumed
                used = reader.line_num - consumed
                consumed = reader.line_num
                if used > 1 and any(
                    _ROW_START.match(line) for line in lines[first + 1 : first + used]
                ):
                    yield first + 1, [], _UNCLOSED
                    index = first + 1
                    break
                yield first + 1, cells, None
            else:
                return
        except csv.Error:
            first = index + consumed
            yield first + 1, [], _UNCLOSED
            index = first + 1


_UNCLOSED = "a quotation mark is not closed; this row was skipped, the rows after it were read"
