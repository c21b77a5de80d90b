"""Well-formed RSS 2.0 and Atom 1.0 documents read with lxml into the very values feedparser
would store for them, several times faster (feedparser's SAX handlers were most of a poll
pass's processor time).

`read_well_formed` returns the feed's and its entries' raw values, under feedparser's keys,
for the keys `feeds.parse` reads (titles and their types and language, links, ids, dates,
summaries and content, authors, categories, enclosures, the feed's title, link and
language); `feeds.parse` then treats them exactly as it treats feedparser's. It reproduces
feedparser's own steps (relative links against the document's address, its guess that a
plain-text RSS title holds HTML, its mojibake repair, its windows-1252 mapping, its date
parser) by calling feedparser's own helpers where there is one.

It is conservative: it returns None, and feedparser reads the document, for anything it does
not fully understand: XML that is not well-formed, a DOCTYPE, XML 1.1, a charset other than
UTF-8 (or ASCII text), an element feedparser gives a meaning it does not reproduce (Media
RSS, iTunes, an RSS `<source>`, XHTML or base64 content, RSS 1.0/RDF, Atom 0.3), `xml:base`
anywhere, `xml:lang` below the root, a prefix bound to another known namespace, or an entry
element repeated where feedparser's outcome depends on the order.

Security: lxml reads the document with entities left unresolved, no network access and the
default tree limits (no external entities, no entity expansion, no huge trees); a document
with a DOCTYPE is never read here at all.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feedparser import encodings as _encodings
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

_MIXIN = _FeedParserMixin
# feedparser's prefix for each namespace it knows (lower-case URI → prefix, '' for the feed
# formats' own namespaces), and the prefixes themselves.
_PREFIXES: dict[str, str] = {uri.lower(): prefix for uri, prefix in _MIXIN.namespaces.items()}
_KNOWN_PREFIXES = frozenset(prefix.lower() for prefix in _MIXIN.namespaces.values() if prefix)
_ATOM = "http://www.w3.org/2005/atom"
# Namespaces that make feedparser call a document RSS 0.90 or 1.0 when declared first.
_VERSION_NAMESPACES = ("http://my.netscape.com/rdf/simple/0.9/", "http://purl.org/rss/1.0/")
_USERLAND = "backend.userland.com/rss"

# The keys feeds.parse reads from an entry or the feed (and feedparser's aliases of them):
# an element feedparser would store under one of these is never "harmless".
_USED_KEYS = frozenset(
    {
        "author",
        "author_detail",
        "authors",
        "content",
        "created",
        "created_parsed",
        "date",
        "date_parsed",
        "description",
        "guid",
        "id",
        "issued",
        "issued_parsed",
        "language",
        "link",
        "links",
        "modified",
        "modified_parsed",
        "published",
        "published_parsed",
        "summary",
        "summary_detail",
        "tags",
        "title",
        "title_detail",
        "updated",
        "updated_parsed",
    }
)
# feedparser's element names (prefix_local) → what they mean to it.
_TITLE = frozenset({"title", "dc_title"})
_ID = frozenset({"id", "guid"})
_DESCRIPTION = frozenset({"description", "dc_description"})
_DATES = {
    "pubdate": "published",
    "published": "published",
    "issued": "published",
    "dcterms_issued": "published",
    "updated": "updated",
    "modified": "updated",
    "lastbuilddate": "updated",
    "dc_date": "updated",
    "dcterms_modified": "updated",
    "created": "created",
    "dcterms_created": "created",
}
_CATEGORY = frozenset({"category", "dc_subject", "keywords"})
_AUTHOR = frozenset({"author", "dc_creator", "dc_author", "managingeditor"})
_AUTHOR_PARTS = {"name": "name", "email": "email", "uri": "href", "url": "href", "homepage": "href"}
_LANGUAGE = frozenset({"language", "dc_language"})
# Elements feedparser handles whose values go only to keys feeds.parse never reads (read
# here only when they hold text and no elements).
_ENTRY_IGNORED = frozenset(
    {"rights", "copyright", "dc_rights", "expirationdate", "webmaster", "dc_publisher"}
)
_FEED_IGNORED = _ENTRY_IGNORED | frozenset(
    {
        "description",
        "dc_description",
        "subtitle",
        "tagline",
        "generator",
        "cloud",
        "info",
        *_DATES,
        *_CATEGORY,
    }
)
# Media RSS elements feedparser keeps apart (media_content, media_thumbnail, …), read here
# only when they hold no elements; a media:group only when it holds nothing else.
_MEDIA_APART = frozenset(
    {
        "media_content",
        "media_thumbnail",
        "media_credit",
        "media_rating",
        "media_restriction",
        "media_license",
    }
)
_IMAGE_PARTS = frozenset({"title", "link", "url", "width", "height", "description"})
# Content types read as they are (feedparser neither decodes base64 nor rebuilds markup).
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ASCII_COMPATIBLE = re.compile(r"^(?:utf-8|ascii|latin-1|iso8859-\d+|cp125\d|koi8-[ru])$")
_APPLICATION_XML = (
    "application/xml",
    "application/xml-dtd",
    "application/xml-external-parsed-entity",
)
_C1 = re.compile("[\x80-\x9f]")
_QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")


class _Unsupported(Exception):
    """Something feedparser would read in a way this module does not reproduce."""


@dataclass(frozen=True)
class RawFeed:
    """A document's raw values under feedparser's keys: its version ("rss20", "atom10"),
    the feed's values and each entry's."""

    version: str
    feed: dict[str, Any]
    entries: list[dict[str, Any]]


def read_well_formed(content: bytes, headers: Mapping[str, str]) -> RawFeed | None:
    """The values feedparser would give for `content`, or None when feedparser must read it.

    `headers` are the response headers with lower-case names, as feedparser would be given
    them (Content-Type and its charset, Content-Location as the base of relative links,
    Content-Language)."""
    if not _decodes_alike(content, headers):
        return None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        load_dtd=False,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    info: Any = root.getroottree().docinfo
    if info.doctype or info.xml_version != "1.0":
        return None
    try:
        return _Reader(content, root, headers).read()
    except _Unsupported:
        return None


def _decodes_alike(content: bytes, headers: Mapping[str, str]) -> bool:
    """True when feedparser would decode `content` to the same text as lxml does: UTF-8 by
    both, or ASCII text in a charset that reads ASCII as ASCII."""
    data = content
    if data[:3] == codecs.BOM_UTF8:
        bom = "utf-8"
        data = data[3:]
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in data[:4]:
        return False  # UTF-16/32, EBCDIC: feedparser's detection, not ours
    else:
        bom = ""
    match = _encodings.RE_XML_PI_ENCODING.match(data)
    declared = match.group(1).decode("utf-8", "replace").lower() if match else ""
    media_type, charset = _encodings.parse_content_type(headers.get("content-type") or "")
    # feedparser's reading of RFC 3023 (feedparser.encodings.convert_to_utf8).
    if media_type in _APPLICATION_XML or (
        media_type.startswith("application/") and media_type.endswith("+xml")
    ):
        first = charset or declared or "utf-8"
    elif media_type.startswith("text/"):
        first = charset or "us-ascii"
    elif headers and "content-type" not in headers:
        first = declared or "iso-8859-1"
    else:
        first = declared or "utf-8"
    lxml_reads = _codec(declared or bom or "utf-8")
    if data.isascii():
        return bool(_ASCII_COMPATIBLE.match(_codec(first)) and _ASCII_COMPATIBLE.match(lxml_reads))
    if lxml_reads != "utf-8":
        return False
    if _codec(first) == "utf-8":
        return True
    # A text/* type without a charset says US-ASCII: feedparser then tries the declared
    # encoding, the BOM's, chardet's guess (when installed) and UTF-8, in that order.
    if _codec(first) == "ascii":
        return bool(declared or bom) or _encodings.lazy_chardet_encoding is None
    return False


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "?"


@functools.lru_cache(maxsize=512)
def _harmless(name: str) -> bool:
    """True when feedparser has no handler for an element named `name` and stores it under
    a key feeds.parse never reads."""
    return (
        name not in _USED_KEYS
        and not hasattr(_MIXIN, f"_start_{name}")
        and not hasattr(_MIXIN, f"_end_{name}")
    )


def _looks_like_html(text: str) -> bool:
    return bool(_MIXIN.looks_like_html(text))


class _Reader:
    """One document's walk, in document order, keeping the state feedparser keeps."""

    def __init__(self, content: bytes, root: etree._Element, headers: Mapping[str, str]) -> None:
        self.content = content
        self.root = root
        self.atom = False
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.declarations = self._declarations()
        location = headers.get("content-location", "")
        base = make_safe_absolute_uri("", location) or make_safe_absolute_uri(location) or ""
        self.base = self._next_base(base)
        if self._next_base(self.base) != self.base:
            raise _Unsupported("the base address changes with depth")
        self.lang: str | None = headers.get("content-language") or None
        if self.lang:
            self.feed["language"] = self.lang.replace("_", "-")

    # --- the document ------------------------------------------------------------------

    def read(self) -> RawFeed:
        root = self.root
        name = self._name(root)
        attrs = self._attrs(root, root=True)
        if name == "rss":
            version = self._rss_version(attrs)
            channels = [child for child in root if self._name(child) == "channel"]
            if len(channels) != 1:
                raise _Unsupported("not one channel")
            for child in root:
                if child is not channels[0]:
                    self._harmless_tree(child)
            self._cdf_attributes(self._attrs(channels[0]))
            self._feed_children(channels[0], entry_name="item")
        elif name == "feed" and self._uri(root) == _ATOM:
            if any(uri.lower() in _VERSION_NAMESPACES for uri in root.nsmap.values()):
                raise _Unsupported("an RSS 1.0 namespace on an Atom feed")
            version = "atom10"
            self.atom = True
            self._feed_children(root, entry_name="entry")
        else:
            raise _Unsupported("neither RSS 2.0 nor Atom 1.0")
        return RawFeed(version, self.feed, self.entries)

    def _rss_version(self, attrs: Mapping[str, str]) -> str:
        for uri in self.root.nsmap.values():
            if uri.lower() in _VERSION_NAMESPACES:
                raise _Unsupported("an RSS 1.0 namespace on an RSS 2.0 document")
        version = attrs.get("version", "")
        named = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
        return named.get(version) or ("rss20" if version.startswith("2.") else "rss")

    def _feed_children(self, parent: etree._Element, entry_name: str) -> None:
        titles = 0
        for child in parent:
            name = self._name(child)
            attrs = self._attrs(child)
            if name == entry_name:
                self._entry(child, attrs)
            elif name in _TITLE:
                titles += 1
                if titles > 1:
                    raise _Unsupported("two feed titles")
                self._leaf(child)
                self.feed["title"] = self._content_text(child, attrs, "title", "text/plain")[0]
            elif name == "link":
                self._link(child, attrs, self.feed, in_entry=False)
            elif name in _ID:
                self._id(child, attrs, self.feed)
            elif name in _LANGUAGE:
                self.feed["language"] = self._text(child)
            elif name in _FEED_IGNORED:
                self._leaf(child)
                if self._content_type(attrs, "text/plain") not in _TEXT_TYPES:
                    raise _Unsupported("feed text of another type")
            elif name in _AUTHOR:
                self._author_parts(child)
            elif name == "image":
                for part in child:
                    if self._name(part) not in _IMAGE_PARTS or len(part):
                        raise _Unsupported("an image element feedparser reads differently")
                    self._attrs(part)
            elif name in ("item", "entry"):
                raise _Unsupported("an entry of the other format")
            else:
                self._harmless_tree(child)

    # --- one entry -----------------------------------------------------------------------

    def _entry(self, element: etree._Element, attrs: Mapping[str, str]) -> None:
        entry: dict[str, Any] = {}
        self.entries.append(entry)
        self._cdf_attributes(attrs)
        about = attrs.get("rdf:about")
        if about:
            entry["id"] = about
        has_content = False
        title_locked = False
        authors = 0
        for child in element:
            name = self._name(child)
            attrs = self._attrs(child)
            if name in _TITLE:
                self._leaf(child)
                value, detail = self._content_text(child, attrs, "title", "text/plain")
                if not title_locked:
                    entry["title"] = value
                    entry["title_detail"] = detail
                title_locked = title_locked or bool(value)
            elif name == "link":
                self._link(child, attrs, entry, in_entry=True)
            elif name in _ID:
                self._id(child, attrs, entry)
            elif name in _DESCRIPTION or name == "summary":
                if "summary" in entry and not has_content:
                    raise _Unsupported("a second summary, which feedparser reads as content")
                self._leaf(child)
                default = "text/html" if name in _DESCRIPTION else "text/plain"
                value, detail = self._content_text(child, attrs, "summary", default)
                entry["summary"] = value
                entry["summary_detail"] = detail
            elif name == "content_encoded" or name == "content":
                if name == "content" and "src" in attrs:
                    raise _Unsupported("content elsewhere")
                has_content = True
                self._leaf(child)
                default = "text/html" if name == "content_encoded" else "text/plain"
                value, detail = self._content_text(child, attrs, "content", default)
                entry.setdefault("content", []).append(detail)
                entry.setdefault("summary", value)
            elif name in _DATES:
                key = _DATES[name]
                value = self._text(child)
                entry[key] = value
                entry[f"{key}_parsed"] = _parse_date(value)
            elif name in _CATEGORY:
                self._category(child, attrs, entry)
            elif name in _AUTHOR:
                authors += 1
                if authors > 1:
                    raise _Unsupported("several authors")
                entry["author"] = self._author_parts(child)
            elif name in _LANGUAGE:
                entry["language"] = self._text(child)
            elif name == "enclosure":
                self._leaf(child)
                link = dict(attrs)
                _enforce_href(link)
                link["rel"] = "enclosure"
                entry.setdefault("links", []).append(link)
            elif name in _ENTRY_IGNORED:
                self._leaf(child)
                if self._content_type(attrs, "text/plain") not in _TEXT_TYPES:
                    raise _Unsupported("entry text of another type")
            elif name in _MEDIA_APART or name == "media_group":
                self._media(child, name)
            else:
                self._harmless_tree(child)

    # --- elements feedparser gives a meaning -------------------------------------------

    def _media(self, element: etree._Element, name: str) -> None:
        """Media RSS elements feedparser keeps under keys of their own; a media:group's
        title or description would be the entry's, so a group may hold only those."""
        parts = list(element) if name == "media_group" else [element]
        for part in parts:
            if self._name(part) not in _MEDIA_APART or len(part):
                raise _Unsupported("a Media RSS element feedparser reads as the entry's")
            self._attrs(part)

    def _link(
        self,
        element: etree._Element,
        attrs: dict[str, str],
        context: dict[str, Any],
        in_entry: bool,
    ) -> None:
        """feedparser's _start_link and, for a link written as text, pop("link")."""
        self._leaf(element)
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        _enforce_href(attrs)
        if "href" in attrs:
            attrs["href"] = _urljoin(self.base, attrs["href"])
        links = context.setdefault("links", [])
        links.append(attrs)
        if "href" in attrs:
            if attrs.get("rel") == "alternate" and _map_type(attrs["type"]) in _HTML_TYPES:
                context["link"] = attrs["href"]
            return
        output = self._finish(element.text or "", "link")
        if in_entry:
            output = _QUERY_ENTITY.sub(r"&\g<1>", output.replace("&amp;", "&"))
            context["link"] = output
            if output:
                links[-1]["href"] = output
        else:
            output = _QUERY_ENTITY.sub(r"&\g<1>", output)
            context["link"] = output
            links[-1]["href"] = output

    def _id(
        self, element: etree._Element, attrs: Mapping[str, str], context: dict[str, Any]
    ) -> None:
        """feedparser's _start_guid and _end_guid: a permalink guid is the link when none is."""
        self._leaf(element)
        is_link = attrs.get("ispermalink", "true") == "true"
        value = self._finish(element.text or "", "id", resolve=is_link)
        context["id"] = value
        if is_link:
            context.setdefault("link", value)

    def _category(
        self, element: etree._Element, attrs: Mapping[str, str], context: dict[str, Any]
    ) -> None:
        """feedparser's _start_category and _end_category."""
        self._leaf(element)
        tags: list[dict[str, Any]] = context.setdefault("tags", [])
        _add_tag(
            tags, attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label")
        )
        value = self._finish(element.text or "", "category")
        if not value:
            return
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            _add_tag(tags, value, None, None)

    def _author_parts(self, element: etree._Element) -> str:
        """An author as feedparser words it: the text of an RSS author or dc:creator, or an
        Atom author's "name (email)", name or email."""
        if not len(element):
            return self._finish(element.text or "", "author")
        if (element.text or "").strip() or any((part.tail or "").strip() for part in element):
            raise _Unsupported("an author of text and elements")
        parts: dict[str, str] = {}
        for part in element:
            key = _AUTHOR_PARTS.get(self._name(part))
            if key is None or key in parts or len(part):
                raise _Unsupported("an author part feedparser reads differently")
            self._attrs(part)
            # feedparser keeps a name and an email as written (stripped), unrepaired.
            parts[key] = (part.text or "").strip()
        name, email = parts.get("name"), parts.get("email")
        if name and email:
            return f"{name} ({email})"
        return name or email or ""

    # --- text ------------------------------------------------------------------------------

    def _content_text(
        self, element: etree._Element, attrs: Mapping[str, str], key: str, default: str
    ) -> tuple[str, dict[str, Any]]:
        """A text construct as feedparser's push_content and pop give it: the value, and its
        detail (type, language, base, value)."""
        kind = self._content_type(attrs, default)
        if kind not in _TEXT_TYPES:
            raise _Unsupported("content that is neither text nor escaped HTML")
        language = self.lang.replace("_", "-") if self.lang else self.lang
        detail: dict[str, Any] = {"type": kind, "language": language, "base": self.base}
        value = self._finish(element.text or "", key, detail=detail)
        detail["value"] = value
        return value, detail

    def _content_type(self, attrs: Mapping[str, str], default: str) -> str:
        if "mode" in attrs:
            raise _Unsupported("an Atom 0.3 content mode")
        return _map_type(attrs.get("type", default))

    def _text(self, element: etree._Element) -> str:
        self._leaf(element)
        return self._finish(element.text or "", "")

    def _finish(
        self,
        text: str,
        element: str,
        *,
        resolve: bool = True,
        detail: dict[str, Any] | None = None,
    ) -> str:
        """feedparser's pop() for the strict parser, sanitising and link rewriting off."""
        output = text.strip()
        if element in ("link", "id") and output and resolve:
            output = _urljoin(self.base, output)
        if (
            not self.atom
            and detail is not None
            and detail["type"] == "text/plain"
            and _looks_like_html(output)
        ):
            detail["type"] = "text/html"
        if output.isascii():
            return output  # neither step below changes ASCII text
        # UTF-8 that was read as ISO-8859-1 and encoded again, as feedparser repairs it.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        # C1 controls as windows-1252 characters (found by a scan, mapped by feedparser's table).
        return output.translate(_cp1252) if _C1.search(output) else output

    # --- names, attributes and what is left alone -------------------------------------

    def _name(self, element: etree._Element) -> str:
        """The element's name as feedparser's handlers know it: "prefix_local", lower-case."""
        tag: Any = element.tag
        if not isinstance(tag, str):
            raise _Unsupported("an entity reference or other node")
        if tag[0] != "{":
            if ":" in tag:
                raise _Unsupported("a colon in a name")
            return tag.lower()
        uri, _, local = tag[1:].partition("}")
        local = local.lower()
        lower = uri.lower()
        if _USERLAND in lower:
            lower = "http://backend.userland.com/rss"
        prefix = _PREFIXES.get(lower)
        if prefix is not None:
            return f"{prefix.lower()}_{local}" if prefix else local
        # A namespace feedparser does not know: it names the element by a prefix the
        # document bound to it (any of them), or by its bare name.
        names = {local} | {f"{p.lower()}_{local}" for p in self.declarations.get(uri, ())}
        if any(not _harmless(name) for name in names):
            raise _Unsupported("an element of an unknown namespace with a known name")
        return f"?{local}"  # never one of the names handled above; harmless by the check

    def _uri(self, element: etree._Element) -> str:
        tag: Any = element.tag
        if isinstance(tag, str) and tag.startswith("{"):
            return tag[1:].partition("}")[0].lower()
        return ""

    def _attrs(self, element: etree._Element, *, root: bool = False) -> dict[str, str]:
        """The element's attributes as feedparser sees them: names lower-case, known
        namespaces by prefix ("xml:lang", "rdf:about"), others bare; rel and type lower-case.
        The language (root only) and base are checked here."""
        if not len(element.attrib):
            return {}
        attrs: dict[str, str] = {}
        for name, raw in element.attrib.items():
            key, value = str(name), str(raw)
            if key[0] == "{":
                uri, _, local = key[1:].partition("}")
                prefix = _PREFIXES.get(uri.lower(), "")
                key = f"{prefix}:{local}" if prefix else local
            key = key.lower()
            attrs[key] = value.lower() if key in ("rel", "type") and value else value
        if "xml:base" in attrs or "base" in attrs:
            raise _Unsupported("xml:base")
        if "xml:lang" in attrs or "lang" in attrs:
            if not root:
                raise _Unsupported("xml:lang below the root")
            lang = attrs.get("xml:lang", attrs.get("lang"))
            self.lang = None if lang == "" else lang
            if self.lang:
                self.feed["language"] = self.lang.replace("_", "-")
        return attrs

    def _cdf_attributes(self, attrs: Mapping[str, str]) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise _Unsupported("CDF attributes")

    def _leaf(self, element: etree._Element) -> None:
        if len(element):
            raise _Unsupported("markup where feedparser expects text")

    def _harmless_tree(self, element: etree._Element) -> None:
        """Accept an element feedparser stores under a key feeds.parse never reads, with
        all it holds; anything else is unsupported."""
        for node in element.iter():
            name = self._name(node)
            if not name.startswith("?") and not _harmless(name):
                raise _Unsupported(f"an element feedparser reads: {name}")
            self._attrs(node)

    def _declarations(self) -> dict[str, set[str]]:
        """Each namespace URI the document binds → the prefixes it binds it to; a prefix
        that feedparser knows bound to another namespace than feedparser's is unsupported."""
        found: list[tuple[str, str]] = [(p or "", u) for p, u in self.root.nsmap.items()]
        if self.content.count(b"xmlns") != len(found):
            found = [
                (prefix or "", uri)
                for _, (prefix, uri) in etree.iterwalk(self.root, events=("start-ns",))
            ]
        bound: dict[str, set[str]] = {}
        for prefix, uri in found:
            known = _PREFIXES.get(uri.lower())
            if prefix.lower() in _KNOWN_PREFIXES and known != prefix.lower():
                raise _Unsupported("a known prefix bound to another namespace")
            if prefix:
                bound.setdefault(uri, set()).add(prefix)
        return bound

    def _next_base(self, base: str) -> str:
        """feedparser's base address one element deeper (no xml:base)."""
        if base:
            return make_safe_absolute_uri(base, base) or base
        return str(_urljoin(base, base))


def _map_type(kind: str | None) -> str:
    return str(_MIXIN.map_content_type(kind or ""))


def _enforce_href(attrs: dict[str, str]) -> None:
    """feedparser's _enforce_href: url, uri or href, whichever comes first, as href."""
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href


def _add_tag(tags: list[dict[str, Any]], term: Any, scheme: Any, label: Any) -> None:
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)
