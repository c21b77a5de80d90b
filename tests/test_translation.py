"""Translation backends against local servers speaking their APIs, the cache, and fallbacks."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from feeds.translate import TranslationError, TranslationUnavailable
from feeds.translate.cached import CachedTranslator
from feeds.translate.deepl import FREE_API, PRO_API, DeepL
from feeds.translate.libretranslate import LibreTranslate
from storage import Database
from tests.translation_servers import ApiServer, DeepLBehaviour, LibreTranslateBehaviour
from vestnesis.digest.localise import localise
from vestnesis.digest.model import Digest, DigestEntry, DigestSection

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def no_sleep(_: float) -> None:
    return None


@pytest.fixture
def deepl_server():
    behaviour = DeepLBehaviour()
    server = ApiServer(behaviour)
    server.behaviour = behaviour
    yield server
    server.stop()


@pytest.fixture
def libre_server():
    behaviour = LibreTranslateBehaviour(api_key="libre-key")
    server = ApiServer(behaviour)
    server.behaviour = behaviour
    yield server
    server.stop()


@pytest.fixture
async def client():
    async with httpx.AsyncClient(timeout=5) as http:
        yield http


def deepl(client, server, **options) -> DeepL:
    return DeepL(
        client,
        "test-key:fx",
        endpoint=server.url,
        keep=("IFLA", "EBLIDA"),
        sleep=no_sleep,
        backoff=0.01,
        **options,
    )


async def test_deepl_translates_in_batches_and_keeps_names(client, deepl_server) -> None:
    texts = [f"IFLA news number {n} for libraries" for n in range(60)]
    result = await deepl(client, deepl_server).translate(texts, "en", "lv")
    assert result[0] == "IFLA ⟨LV:news number 0 for libraries⟩"
    assert len(result) == 60
    calls = deepl_server.calls("/v2/translate")
    assert [len(call.body["text"]) for call in calls] == [50, 10]
    assert calls[0].body["source_lang"] == "EN" and calls[0].body["tag_handling"] == "html"
    assert calls[0].headers["Authorization"] == "DeepL-Auth-Key test-key:fx"


async def test_deepl_english_target_uses_a_variant(client, deepl_server) -> None:
    result = await deepl(client, deepl_server).translate(["Sveiki, kolēģi"], "lv", "en")
    assert result == ["⟨EN-GB:Sveiki, kolēģi⟩"]


async def test_deepl_glossary_is_created_once_and_used(client, deepl_server) -> None:
    translator = deepl(client, deepl_server, glossaries={"en-lv": {"library": "bibliotēka"}})
    await translator.translate(["A library opens"], "en", "lv")
    await translator.translate(["Another library"], "en", "lv")
    created = [c for c in deepl_server.calls("/v2/glossaries") if c.method == "POST"]
    assert len(created) == 1
    assert created[0].body["entries"] == "library\tbibliotēka"
    assert created[0].body["entries_format"] == "tsv"
    assert all(c.body["glossary_id"] == "g-1" for c in deepl_server.calls("/v2/translate"))
    # A new process finds the glossary by name instead of creating another.
    fresh = deepl(client, deepl_server, glossaries={"en-lv": {"library": "bibliotēka"}})
    await fresh.translate(["Third library"], "en", "lv")
    assert len([c for c in deepl_server.calls("/v2/glossaries") if c.method == "POST"]) == 1


async def test_deepl_retries_429_and_5xx_then_succeeds(client, deepl_server) -> None:
    deepl_server.behaviour.fail_next = [429, 503]
    result = await deepl(client, deepl_server).translate(["Hello"], "en", "lt")
    assert result == ["⟨LT:Hello⟩"]
    assert len(deepl_server.calls("/v2/translate")) == 3


async def test_deepl_quota_and_bad_key_are_clear_errors(client, deepl_server) -> None:
    deepl_server.behaviour.fail_next = [456]
    with pytest.raises(TranslationError, match="quota"):
        await deepl(client, deepl_server).translate(["Hello"], "en", "lv")
    bad = DeepL(client, "wrong", endpoint=deepl_server.url, sleep=no_sleep)
    with pytest.raises(TranslationError, match="refused the key"):
        await bad.translate(["Hello"], "en", "lv")


def test_deepl_picks_the_free_or_pro_endpoint_from_the_key(client) -> None:
    assert DeepL(client, "abc:fx").endpoint == FREE_API
    assert DeepL(client, "abc").endpoint == PRO_API
    assert DeepL(client, "abc", endpoint="http://127.0.0.1:9").endpoint == "http://127.0.0.1:9"


async def test_libretranslate_sends_key_and_format_and_keeps_names(client, libre_server) -> None:
    translator = LibreTranslate(
        client,
        libre_server.url,
        api_key="libre-key",
        keep=("LBB",),
        glossaries={"lv-en": {"biedrība": "association"}},
        sleep=no_sleep,
    )
    result = await translator.translate(["LBB biedrība aicina uz semināru"], "lv", "en")
    assert result == ["LBB association ⟨EN:aicina uz semināru⟩"]
    call = libre_server.calls("/translate")[0]
    assert call.body["format"] == "html" and call.body["api_key"] == "libre-key"
    assert call.body["q"] == [
        '<span translate="no">LBB</span> <span translate="no">association</span> aicina uz semināru'
    ]


async def test_libretranslate_errors(client, libre_server) -> None:
    translator = LibreTranslate(
        client, libre_server.url, api_key="libre-key", sleep=no_sleep, backoff=0.01, retries=2
    )
    with pytest.raises(TranslationUnavailable, match="not supported"):
        await translator.translate(["Labas"], "lt", "de")
    libre_server.behaviour.always_fail = True
    with pytest.raises(TranslationError, match="HTTP 500: Cannot translate text"):
        await translator.translate(["Labas"], "lt", "lv")
    assert len(libre_server.calls("/translate")) == 1 + 3  # one refusal, then 1 try + 2 retries


async def test_cache_pays_for_each_text_once(client, libre_server, tmp_path) -> None:
    backend = LibreTranslate(client, libre_server.url, api_key="libre-key", sleep=no_sleep)
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        cached = CachedTranslator(backend, db.translations, lambda: NOW)
        first = await cached.translate(["one", "two", "one", ""], "en", "lv")
        again = await cached.translate(["two", "one"], "en", "lv")
        other_pair = await cached.translate(["one"], "en", "lt")
    assert first == ["⟨LV:one⟩", "⟨LV:two⟩", "⟨LV:one⟩", ""]
    assert again == ["⟨LV:two⟩", "⟨LV:one⟩"]
    assert other_pair == ["⟨LT:one⟩"]
    sent = [call.body["q"] for call in libre_server.calls("/translate")]
    assert sent == [["one", "two"], ["one"]]
    # The cache survives a restart: a new process sends nothing for known texts.
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        fresh = CachedTranslator(backend, db.translations, lambda: NOW)
        assert await fresh.translate(["one", "two"], "en", "lv") == ["⟨LV:one⟩", "⟨LV:two⟩"]
        assert fresh.sent == 0


def sample_digest() -> Digest:
    def entry(item_id: int, language: str, title: str) -> DigestEntry:
        return DigestEntry(
            item_id=item_id,
            source="S",
            title=title,
            summary=f"About {title}",
            url=f"https://x.org/{item_id}",
            language=language,
            published=NOW,
        )

    entries = (
        entry(1, "en", "IFLA congress"),
        entry(2, "lv", "Seminārs"),
        entry(3, "lt", "Kongresas"),
    )
    return Digest(NOW, NOW, (DigestSection("source", "S", entries),))


async def test_localise_translates_foreign_entries_only(client, libre_server) -> None:
    backend = LibreTranslate(client, libre_server.url, api_key="libre-key", keep=("IFLA",))
    localised = await localise(sample_digest(), "lv", backend)
    by_id = {entry.item_id: entry for entry in localised.entries}
    assert localised.language == "lv"
    assert by_id[1].title_translated == "IFLA ⟨LV:congress⟩"
    assert by_id[3].summary_translated == "⟨LV:About Kongresas⟩"
    assert by_id[2].title_translated is None and not by_id[2].translation_failed


async def test_a_failing_backend_never_blocks_the_digest(client, libre_server) -> None:
    libre_server.behaviour.always_fail = True
    backend = LibreTranslate(
        client, libre_server.url, api_key="libre-key", sleep=no_sleep, retries=1, backoff=0.01
    )
    localised = await localise(sample_digest(), "lv", backend)
    failed = [entry for entry in localised.entries if entry.translation_failed]
    assert [entry.item_id for entry in failed] == [1, 3]
    assert all(entry.title_translated is None for entry in localised.entries)


async def test_without_a_backend_originals_stay_and_are_marked() -> None:
    localised = await localise(sample_digest(), "lt", None)
    assert all(not e.is_translated and not e.translation_failed for e in localised.entries)
    assert [e.language for e in localised.entries] == ["en", "lv", "lt"]
