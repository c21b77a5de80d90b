"""Values that may reach a message header: no control character ever does.

A header ends at CR LF (RFC 5322 2.2); a value that carries one, raw or folded, would let
whoever wrote it add headers or a body of their own. Every value is cleaned where it enters
(names from the web form, a CSV file, the bot or the command line) and again here, where the
headers are built, so a value that slipped past input still cannot break a header.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators (some clients break
# lines at U+2028/U+2029 and at NEL, U+0085, which is in C1).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
MAX_NAME = 100  # characters of a member's display name we keep


class HeaderValueError(ValueError):
    """An address that cannot go into a header as it is."""


def header_text(value: str) -> str:
    """`value` on one line: each run of control characters becomes one space, runs of space
    collapse, ends are trimmed. Safe for Subject, List-Id, From's display name and the like."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def clean_name(value: str | None) -> str | None:
    """A member's display name as stored: one line, at most MAX_NAME characters, or None when
    nothing printable is left."""
    if value is None:
        return None
    text = header_text(unicodedata.normalize("NFC", value))[:MAX_NAME].strip()
    return text or None


def checked_address(address: str) -> str:
    """`address` unchanged when it is one bare addr-spec; raises HeaderValueError when it holds
    a control character, a space, an angle bracket or a comma (each could add a recipient or a
    header)."""
    if not address or _CONTROL.search(address) or any(c in address for c in " <>,;\t"):
        raise HeaderValueError(f"not a single email address: {address!r}")
    if address.count("@") != 1:
        raise HeaderValueError(f"not a single email address: {address!r}")
    return address
