"""OPML subscription lists in and out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from feeds.clean import one_line


class OpmlError(ValueError):
    """The file is not an OPML subscription list."""


@dataclass(frozen=True)
class Outline:
    """One feed in an OPML list."""

    name: str
    url: str
    language: str | None = None


def read_opml(content: bytes) -> list[Outline]:
    """Every outline with an xmlUrl, at any depth (folders are flattened)."""
    try:
        root = ET.fromstring(content)  # noqa: S314 - expat refuses entity expansion attacks
    except ET.ParseError as error:
        raise OpmlError(f"not valid XML: {error}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML: the document is <{root.tag}>")
    outlines = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if not url:
            continue
        # A name is shown on one line (feeds list, logs, the board's reports).
        name = one_line(node.get("title") or node.get("text") or "")[:200] or one_line(url)
        outlines.append(Outline(name=name, url=url, language=node.get("language") or None))
    return outlines


def write_opml(title: str, outlines: Iterable[Outline], created: datetime) -> bytes:
    """An OPML 2.0 document listing the outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(created)
    body = ET.SubElement(root, "body")
    for outline in outlines:
        attributes = {"type": "rss", "text": outline.name, "title": outline.name}
        attributes["xmlUrl"] = outline.url
        if outline.language:
            attributes["language"] = outline.language
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
