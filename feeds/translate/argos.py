"""Offline translation with installed Argos Translate packages (.argosmodel).

A package is a zip holding metadata.json (from_code, to_code), a CTranslate2 model in
model/ and sentencepiece.model. We run those two pieces ourselves rather than through the
argostranslate package, which would also download a sentence-splitting model at first use.
Needs the optional extra: pip install 'vestnesis[argos]'.
"""

from __future__ import annotations

import asyncio
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds.translate.base import TranslationError, TranslationUnavailable
from feeds.translate.protect import Protection, segments

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ0-9„“\"(])")
_PIVOT = "en"


@dataclass(frozen=True)
class Package:
    """An installed translation model for one language pair."""

    source: str
    target: str
    root: Path


class _Model:
    """A loaded model: CTranslate2 translator and its SentencePiece tokenizer."""

    def __init__(self, package: Package) -> None:
        import ctranslate2
        import sentencepiece

        self._translator = ctranslate2.Translator(str(package.root / "model"), device="cpu")
        self._pieces = sentencepiece.SentencePieceProcessor(
            model_file=str(package.root / "sentencepiece.model")
        )

    def translate(self, sentences: list[str]) -> list[str]:
        if not sentences:
            return []
        tokens = [self._pieces.encode(s, out_type=str) for s in sentences]
        results = self._translator.translate_batch(
            tokens, beam_size=2, max_decoding_length=256, max_batch_size=32
        )
        return [self._pieces.decode(result.hypotheses[0]) for result in results]


class ArgosTranslator:
    """Translates with the packages found in `models_dir`, pivoting through English."""

    name = "argos"

    def __init__(self, models_dir: Path, *, keep: Sequence[str] = ()) -> None:
        self._dir = models_dir
        self._keep = tuple(keep)
        self._packages: dict[tuple[str, str], Package] | None = None
        self._models: dict[tuple[str, str], _Model] = {}

    def installed(self) -> dict[tuple[str, str], Package]:
        """The language pairs installed, unpacking new .argosmodel files once."""
        if self._packages is None:
            self._packages = _scan(self._dir)
        return self._packages

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate on a worker thread (the model is CPU-bound)."""
        if source == target:
            return list(texts)
        route = self._route(source, target)
        return await asyncio.to_thread(self._run, list(texts), route)

    def _route(self, source: str, target: str) -> list[Package]:
        try:
            self._require_runtime()
            packages = self.installed()
        except OSError as error:
            raise TranslationError(f"cannot read Argos models in {self._dir}: {error}") from None
        if (source, target) in packages:
            return [packages[(source, target)]]
        if (source, _PIVOT) in packages and (_PIVOT, target) in packages:
            return [packages[(source, _PIVOT)], packages[(_PIVOT, target)]]
        have = ", ".join(f"{a}→{b}" for a, b in sorted(packages)) or "none"
        raise TranslationUnavailable(
            f"no Argos model for {source}→{target} in {self._dir} (installed: {have}); "
            f"put the translate-{source}_{target} .argosmodel package there"
        )

    def _run(self, texts: list[str], route: list[Package]) -> list[str]:
        protection = Protection(keep=self._keep)
        results = []
        for text in texts:
            parts = []
            for piece, translatable in segments(text, protection):
                if translatable and piece.strip():
                    lead = piece[: len(piece) - len(piece.lstrip())]
                    tail = piece[len(piece.rstrip()) :]
                    parts.append(lead + self._sentences(piece.strip(), route) + tail)
                else:
                    parts.append(piece)
            results.append("".join(parts))
        return results

    def _sentences(self, text: str, route: list[Package]) -> str:
        sentences = _SENTENCE.split(text)
        for package in route:
            key = (package.source, package.target)
            if key not in self._models:
                self._models[key] = _Model(package)
            sentences = self._models[key].translate(sentences)
        return " ".join(sentences)

    @staticmethod
    def _require_runtime() -> None:
        try:
            import ctranslate2  # noqa: F401
            import sentencepiece  # noqa: F401
        except ImportError:
            raise TranslationUnavailable(
                "the argos backend needs the optional extra: pip install 'vestnesis[argos]'"
            ) from None


def _scan(models_dir: Path) -> dict[tuple[str, str], Package]:
    found: dict[tuple[str, str], Package] = {}
    if not models_dir.is_dir():
        return found
    for archive in sorted(models_dir.glob("*.argosmodel")):
        target = models_dir / ".unpacked" / archive.stem
        if not target.exists():
            _unpack(archive, target)
    candidates = [*models_dir.iterdir(), *(models_dir / ".unpacked").glob("*")]
    for folder in candidates:
        for metadata in (*folder.glob("metadata.json"), *folder.glob("*/metadata.json")):
            package = _package(metadata)
            if package is not None:
                found.setdefault((package.source, package.target), package)
    return found


def _package(metadata: Path) -> Package | None:
    try:
        info: dict[str, Any] = json.loads(metadata.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    root = metadata.parent
    if not (root / "model").is_dir() or not (root / "sentencepiece.model").is_file():
        return None
    source, target = info.get("from_code"), info.get("to_code")
    if not isinstance(source, str) or not isinstance(target, str):
        return None
    return Package(source, target, root)


def _unpack(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as package:
        for member in package.namelist():
            # A package from elsewhere must not write outside its folder.
            resolved = (target / member).resolve()
            if not resolved.is_relative_to(target.resolve()):
                raise TranslationError(f"{archive.name}: unsafe path {member!r} in the package")
        target.mkdir(parents=True, exist_ok=True)
        package.extractall(target)
