"""Golden files: a feed document in, the exact normalised items out."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from feeds.language import LanguageDetector
from feeds.normalise import Context, normalise
from feeds.parse import parse_feed
from tests.conftest import NOW

GOLDEN = Path(__file__).parent / "golden"
DOCUMENTS = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".xml", ".rdf", ".atom"})
# Set VESTNESIS_UPDATE_GOLDEN=1 to rewrite the expectations after a deliberate change.
UPDATE = os.environ.get("VESTNESIS_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(["lv", "en", "lt"])


def normalised(document: Path, detector: LanguageDetector) -> dict:
    parsed = parse_feed(document.read_bytes(), base_url=f"https://feeds.example/{document.name}")
    context = Context(
        now=NOW, source_language=None, feed_language=parsed.language, detector=detector
    )
    items, skipped = normalise(parsed.entries, context)
    return {
        "error": parsed.error,
        "warning": parsed.warning,
        "skipped": skipped,
        "items": [
            {
                **asdict(item),
                "published": item.published.isoformat(),
                "categories": list(item.categories),
            }
            for item in items
        ],
    }


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_golden(document: Path, detector: LanguageDetector) -> None:
    expected_file = document.with_suffix(".json")
    actual = normalised(document, detector)
    if UPDATE or not expected_file.exists():
        expected_file.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if not UPDATE:
            pytest.fail(f"wrote new golden file {expected_file.name}; check it and commit it")
    assert actual == json.loads(expected_file.read_text("utf-8"))
