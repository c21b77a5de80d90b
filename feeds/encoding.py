"""A feed's bytes in its declared encoding, with only the bytes that break it replaced.

feedparser, given a document that does not decode in the charset it declares, tries other
charsets until one "works" — and one always does (windows-1252 decodes anything), so a single
stray byte in a UTF-8 feed turns every non-ASCII letter of every item into mojibake. A
document that is UTF-8 but for a few bytes is UTF-8: those bytes become U+FFFD and the rest
of the text stays as written.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

_XML_DECLARATION = re.compile(
    rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z0-9._:-]+)\2", re.IGNORECASE
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# A stray byte is a slip; a document where most non-ASCII text fails is in another charset.
_MOSTLY_VALID = 0.5


@dataclass(frozen=True)
class Repaired:
    """The document to parse, the headers to parse it with, and a warning when bytes were lost."""

    content: bytes
    headers: dict[str, str]
    warning: str | None = None


def repair(content: bytes, headers: Mapping[str, str]) -> Repaired:
    """Decode `content` in its declared charset, replacing only the invalid bytes.

    `headers` are the response headers, lower-case keys. When the document is valid (or
    declares a charset Python does not know, or is mostly not in the charset it declares,
    which feedparser's own detection handles better) it comes back unchanged. Otherwise it
    comes back re-encoded as UTF-8, its XML declaration and Content-Type saying so.
    """
    declared = declared_encoding(content, headers)
    if declared is None:
        return Repaired(content, dict(headers))
    body = _without_bom(content, declared)
    try:
        body.decode(declared)
        return Repaired(content, dict(headers))
    except UnicodeDecodeError:
        pass
    text = body.decode(declared, errors="replace")
    bad = _bad_sequences(text, body, declared)
    if declared == "utf-8" and not _mostly_utf8(body, bad):
        return Repaired(content, dict(headers))
    fixed = _declare_utf8(text.encode("utf-8"))
    out = {key: value for key, value in headers.items() if key != "content-type"}
    content_type = headers.get("content-type", "application/xml").split(";")[0]
    out["content-type"] = f"{content_type}; charset=utf-8"
    noun = "byte" if bad == 1 else "bytes"
    warning = f"{bad} invalid {noun} for its encoding {declared} replaced with U+FFFD"
    return Repaired(fixed, out, warning)


def declared_encoding(content: bytes, headers: Mapping[str, str]) -> str | None:
    """The charset a document declares (BOM, then HTTP, then XML declaration; XML's default
    is UTF-8), as a Python codec name; None when the name is unknown or a UTF-16/32 one."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    name = None
    match = _CHARSET.search(headers.get("content-type", ""))
    if match:
        name = match.group(1)
    else:
        declaration = _XML_DECLARATION.match(content[:512])
        name = declaration.group(3).decode("ascii") if declaration else "utf-8"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None
    return "utf-8" if codec == "utf-8-sig" else codec


def _without_bom(content: bytes, declared: str) -> bytes:
    if declared == "utf-8" and content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :]
    return content


def _bad_sequences(text: str, body: bytes, declared: str) -> int:
    """How many replacement characters decoding added (UTF-8 text may hold real ones)."""
    genuine = body.count(b"\xef\xbf\xbd") if declared == "utf-8" else 0
    return text.count("\ufffd") - genuine


def _mostly_utf8(body: bytes, bad: int) -> bool:
    """True when most non-ASCII sequences are valid UTF-8 (a slip, not another charset)."""
    valid = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", body))
    return valid > 0 and valid / (valid + bad) >= _MOSTLY_VALID


def _declare_utf8(content: bytes) -> bytes:
    if _XML_DECLARATION.match(content[:512]):
        return _XML_DECLARATION.sub(rb"\1\2utf-8\2", content, count=1)
    return content
