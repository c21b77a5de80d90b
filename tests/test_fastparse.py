"""The lxml reader (feeds.fastparse) against feedparser: every feed document gives the same
entries either way, the common ones are read by lxml (so that the fast path cannot silently
always fall back), and whatever it does not fully understand is left to feedparser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.encoding import repair
from feeds.fastparse import read_well_formed
from feeds.parse import ParsedFeed, parse_feed
from tests.feedgen import numbered_items, rss

TESTS = Path(__file__).parent
DOCUMENTS = sorted(
    [p for p in (TESTS / "golden").iterdir() if p.suffix in {".xml", ".rdf", ".atom"}]
    + list((TESTS / "fixtures" / "cases").glob("feed-*.xml"))
)
# How a document arrives: over HTTP with a feed's media type, with a text/* type, with no
# Content-Type at all, with a Content-Language; or read from a file.
ARRIVALS = [
    ("https://feeds.example/feed", {"Content-Type": "application/rss+xml; charset=utf-8"}),
    ("https://feeds.example/feed", {"Content-Type": "text/xml"}),
    ("https://feeds.example/dir/feed", {"Content-Type": "text/html; charset=UTF-8"}),
    ("https://feeds.example/feed", {}),
    ("https://feeds.example/feed", {"Content-Type": "application/xml", "Content-Language": "lv"}),
    ("feeds/local.xml", {}),
]
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="lv">
  <title type="text">Bibliotēku ziņas</title>
  <id>tag:lbb.example,2026:news</id>
  <link rel="self" href="https://lbb.example/atom.xml"/>
  <link rel="alternate" type="text/html" href="https://lbb.example/"/>
  <updated>2026-11-20T16:00:00Z</updated>
  <author><name>LBB</name><email>info@lbb.example</email></author>
  <entry>
    <id>tag:lbb.example,2026:news/1</id>
    <title type="html">Lasīšanas &amp;lt;b&amp;gt;maratons&amp;lt;/b&amp;gt;</title>
    <link href="/zinas/maratons"/>
    <link rel="enclosure" type="Application/PDF" length="123456" href="/files/plans.pdf"/>
    <published>2026-11-19T10:00:00+02:00</published>
    <updated>2026-11-20T10:00:00Z</updated>
    <author><name>Anna Bērziņa</name><email>anna@lbb.example</email><uri>/anna</uri></author>
    <category term="Lasīšana" label="Lasīšana"/>
    <category term="Bērni"/>
    <summary type="html">&lt;p&gt;Skolēni lasa visu nakti.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;Skolēni lasa visu nakti &amp;amp; no rīta stāsta.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>The &lt;aside&gt; element &amp; other news</title>
    <link rel="alternate" href="https://lbb.example/zinas/aside" type="text/html"/>
    <id>https://lbb.example/?p=2</id>
    <updated>2026-11-18T08:00:00Z</updated>
    <content>Plain text, not markup: a &lt; b.</content>
  </entry>
  <entry>
    <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
    <title/>
    <updated>2026-11-17T08:00:00Z</updated>
    <summary>Tikai kopsavilkums bez virsraksta, pietiekami garš, lai no tā veidotu virsrakstu.</summary>
  </entry>
</feed>
""".encode()
# The documents that must be read by lxml: the ordinary RSS 2.0 and Atom feeds.
COMMON = ["wordpress-lbb.xml", "long-summary.xml", "feed-shared-guid.xml", "feed-year-0001.xml"]


def both(document: bytes, base_url: str, headers: dict[str, str]) -> tuple[ParsedFeed, ParsedFeed]:
    fast = parse_feed(document, base_url=base_url, headers=headers)
    slow = parse_feed(document, base_url=base_url, headers=headers, fast=False)
    return fast, slow


def accepted(document: bytes, base_url: str, headers: dict[str, str]) -> bool:
    """Whether parse_feed reads `document` with lxml (the same steps as parse_feed)."""
    lower = {key.lower(): value for key, value in headers.items()}
    repaired = repair(document, lower)
    if base_url.startswith(("http://", "https://")):
        repaired.headers.setdefault("content-location", base_url)
    return read_well_formed(repaired.content, repaired.headers) is not None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
@pytest.mark.parametrize(("base_url", "headers"), ARRIVALS)
def test_every_feed_fixture_reads_the_same_by_both_paths(
    document: Path, base_url: str, headers: dict[str, str]
) -> None:
    fast, slow = both(document.read_bytes(), base_url, headers)
    assert fast == slow


@pytest.mark.parametrize("name", COMMON)
def test_the_common_feeds_are_read_by_lxml(name: str) -> None:
    path = next(p for p in DOCUMENTS if p.name == name)
    for base_url, headers in ARRIVALS:
        assert accepted(path.read_bytes(), base_url, headers), (name, headers)


@pytest.mark.parametrize(("base_url", "headers"), ARRIVALS)
def test_an_ordinary_atom_feed_is_read_by_lxml_with_the_same_entries(
    base_url: str, headers: dict[str, str]
) -> None:
    assert accepted(ATOM, base_url, headers)
    fast, slow = both(ATOM, base_url, headers)
    assert fast == slow
    assert len(fast.entries) == 3 and fast.language == "lv"
    first = fast.entries[0]
    assert first.author == "Anna Bērziņa (anna@lbb.example)"
    assert first.enclosure is None and first.categories == ("Lasīšana", "Bērni")


def test_generated_rss_is_read_by_lxml() -> None:
    document = rss(numbered_items(5))
    assert accepted(document, "https://feeds.example/feed", {})
    fast, slow = both(document, "https://feeds.example/feed", {})
    assert fast == slow and len(fast.entries) == 5


@pytest.mark.parametrize(
    "document",
    [
        # not well-formed: feedparser salvages what it can, with a warning
        b"<rss version='2.0'><channel><item><title>A & B</title></item></channel></rss>",
        b"<rss version='2.0'><channel><item><title>x&nbsp;y</title></item></channel></rss>",
        # a DOCTYPE (entities, RSS 0.91): never read with lxml
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel>'
        b"<item><title>&x;</title></item></channel></rss>",
        # xml:base, XHTML content, Media RSS, RDF
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/b/"><entry>'
        b'<id>1</id><link href="c"/></entry></feed>',
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><content type="xhtml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content></entry></feed>',
        b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        b"<media:title>M</media:title><title>T</title></item></channel></rss>",
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://a.example/1">'
        b"<title>R</title></item></rdf:RDF>",
        # a charset other than UTF-8 with text beyond ASCII
        '<?xml version="1.0" encoding="windows-1257"?><rss version="2.0"><channel><item>'
        "<title>Rīga</title></item></channel></rss>".encode("windows-1257"),
        # a known prefix bound to another namespace
        b'<rss version="2.0" xmlns:dc="urn:not-dublin-core"><channel><item><title>T</title>'
        b"<dc:creator>C</dc:creator></item></channel></rss>",
    ],
)
def test_what_lxml_does_not_fully_understand_is_left_to_feedparser(document: bytes) -> None:
    for base_url, headers in ARRIVALS:
        assert not accepted(document, base_url, headers)
        fast, slow = both(document, base_url, headers)
        assert fast == slow


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>'
    ).encode()
    assert read_well_formed(document, {}) is None
    parsed = parse_feed(document, base_url="https://feeds.example/feed")
    assert all("TOP-SECRET" not in entry.title for entry in parsed.entries)


# --- generated documents: both paths agree, whatever the mix of elements -------------------

TEXTS = [
    "Bibliotēku nedēļa",
    "AT&amp;T &amp;amp; co",
    "&lt;b&gt;Bold&lt;/b&gt; news",
    "the &lt;aside&gt; element",
    "<![CDATA[<p>In <b>CDATA</b></p>]]>",
    "  spaced   out  ",
    "",
    "Ã©tude",
    "&#128; price &#x9f;",
    "Ķēķis &amp; zāle",
    "a &lt; b &gt; c &amp;nbsp; d",
]
LINKS = [
    "https://site.example/a?x=1&amp;y=2",
    "/relative/path",
    "page.html",
    "",
    "  https://site.example/b  ",
    "https://site.example/a?x=1&amp;amp;y=2",
    "javascript:alert(1)",
]
DATES = [
    "Mon, 23 Nov 2026 10:00:00 +0000",
    "2026-11-23T10:00:00Z",
    "23. novembris 2026",
    "not a date",
    "",
    "Tue, 10 Jun 2003 04:00:00 GMT",
]
text = st.sampled_from(TEXTS)
link = st.sampled_from(LINKS)
date = st.sampled_from(DATES)
rss_parts = st.one_of(
    text.map(lambda t: f"<title>{t}</title>"),
    link.map(lambda u: f"<link>{u}</link>"),
    st.tuples(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']), link).map(
        lambda p: f"<guid{p[0]}>{p[1] or 'g-1'}</guid>"
    ),
    text.map(lambda t: f"<description>{t}</description>"),
    text.map(lambda t: f"<content:encoded>{t}</content:encoded>"),
    date.map(lambda d: f"<pubDate>{d}</pubDate>"),
    date.map(lambda d: f"<dc:date>{d}</dc:date>"),
    st.sampled_from(["Jānis", "jane@site.example (Jane)", ""]).map(
        lambda a: f"<dc:creator>{a}</dc:creator>"
    ),
    st.sampled_from(["jane@site.example (Jane Roe)", "Jānis Bērziņš"]).map(
        lambda a: f"<author>{a}</author>"
    ),
    st.tuples(st.sampled_from(["", ' domain="tags"']), text).map(
        lambda p: f"<category{p[0]}>{p[1]}</category>"
    ),
    st.tuples(link, st.sampled_from(["audio/MPEG", "application/pdf", ""])).map(
        lambda p: f'<enclosure url="{p[0]}" type="{p[1]}" length="2048"/>'
    ),
    st.sampled_from(["lv", "en-GB", "lv_LV", ""]).map(lambda c: f"<language>{c}</language>"),
    st.just("<comments>https://site.example/c</comments>"),
    st.just("<wfw:commentRss>/c/feed</wfw:commentRss><slash:comments>3</slash:comments>"),
    st.just('<post-id xmlns="com-wordpress:feed-additions:1">42</post-id>'),
    st.just('<atom:link rel="alternate" href="/alt"/>'),
    st.just("<source url='https://other.example/feed'>Other</source>"),
    st.sampled_from(
        [
            '<media:content url="/i.jpg" medium="image"/>',
            '<media:thumbnail url="https://site.example/t.jpg"/>',
            '<media:group><media:content url="/v.mp4" type="video/mp4"/></media:group>',
            '<media:content url="/i.jpg"><media:title>Picture</media:title></media:content>',
            "<media:description>About the picture</media:description>",
        ]
    ),
)
atom_parts = st.one_of(
    st.tuples(st.sampled_from(["", ' type="html"', ' type="text"']), text).map(
        lambda p: f"<title{p[0]}>{p[1]}</title>"
    ),
    st.tuples(
        st.sampled_from(["", ' rel="alternate"', ' rel="enclosure"', ' rel="self"']),
        st.sampled_from(["", ' type="text/html"', ' type="audio/mpeg"']),
        link,
    ).map(lambda p: f'<link{p[0]}{p[1]} href="{p[2]}"/>'),
    link.map(lambda u: f"<id>{u or 'tag:site.example,2026:1'}</id>"),
    date.map(lambda d: f"<updated>{d}</updated>"),
    date.map(lambda d: f"<published>{d}</published>"),
    st.sampled_from(
        [
            "<author><name>Anna</name></author>",
            "<author><name>Anna</name><email>a@site.example</email></author>",
            "<author><email>a@site.example</email><uri>/a</uri></author>",
            "<author><uri>/a</uri></author>",
        ]
    ),
    st.tuples(st.sampled_from(["", ' type="html"', ' type="text"']), text).map(
        lambda p: f"<summary{p[0]}>{p[1]}</summary>"
    ),
    st.tuples(st.sampled_from(["", ' type="html"', ' type="text"']), text).map(
        lambda p: f"<content{p[0]}>{p[1]}</content>"
    ),
    st.sampled_from(['<category term="Lasīšana"/>', '<category term="x" label="X" scheme="s"/>']),
)
RSS_NAMESPACES = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:media="http://search.yahoo.com/mrss/"'
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    lang = draw(st.sampled_from(["", ' xml:lang="lv"', ' xml:lang=""']))
    if draw(st.booleans()):
        head = draw(st.sampled_from(["", "<language>en</language>", "<title>F</title>"]))
        items = draw(st.lists(st.lists(rss_parts, max_size=8), max_size=3))
        body = "".join(f"<item>{''.join(parts)}</item>" for parts in items)
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {RSS_NAMESPACES}{lang}>'
            f"<channel><title>Ziņas</title><link>https://site.example/</link>{head}"
            f'<atom:link rel="self" href="https://site.example/feed"/>{body}</channel></rss>'
        ).encode()
    entries = draw(st.lists(st.lists(atom_parts, max_size=8), max_size=3))
    body = "".join(f"<entry>{''.join(parts)}</entry>" for parts in entries)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang}>'
        f'<title>Ziņas</title><id>tag:site.example,2026</id><link href="/"/>{body}</feed>'
    ).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(ARRIVALS))
def test_generated_feeds_read_the_same_by_both_paths(
    document: bytes, arrival: tuple[str, dict[str, str]]
) -> None:
    base_url, headers = arrival
    fast, slow = both(document, base_url, headers)
    assert fast == slow
