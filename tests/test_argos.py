"""The offline Argos backend, on a tiny random-weight package built by the tests."""

from __future__ import annotations

import pytest

from feeds.translate import TranslationError, TranslationUnavailable

ctranslate2 = pytest.importorskip("ctranslate2", reason="the argos extra is not installed")


@pytest.fixture(scope="module")
def argos_models(tmp_path_factory):
    from tests.argos_model import build_package

    folder = tmp_path_factory.mktemp("models")
    build_package(folder, "en", "lv", zipped=True)
    build_package(folder, "lt", "en", zipped=False)
    return folder


async def test_argos_runs_an_installed_package_and_keeps_names(argos_models) -> None:
    from feeds.translate.argos import ArgosTranslator

    translator = ArgosTranslator(argos_models, keep=("IFLA",))
    assert set(translator.installed()) == {("en", "lv"), ("lt", "en")}
    [result] = await translator.translate(
        ["IFLA publishes the Library Map of the World."], "en", "lv"
    )
    assert result.startswith("IFLA ")  # passed through; the random model invents the rest
    assert result != "IFLA publishes the Library Map of the World."
    # lt→lv has no direct model: it pivots through English.
    [pivoted] = await translator.translate(["Bibliotekų savaitė"], "lt", "lv")
    assert pivoted and pivoted != "Bibliotekų savaitė"


async def test_argos_missing_pair_is_a_clear_message(argos_models, tmp_path) -> None:
    from feeds.translate.argos import ArgosTranslator

    with pytest.raises(
        TranslationUnavailable, match=r"no Argos model for lv→lt .*installed: en→lv"
    ):
        await ArgosTranslator(argos_models).translate(["Sveiki"], "lv", "lt")
    with pytest.raises(TranslationUnavailable, match="installed: none"):
        await ArgosTranslator(tmp_path / "empty").translate(["Sveiki"], "lv", "en")


async def test_argos_refuses_a_package_that_escapes_its_folder(tmp_path) -> None:
    import zipfile

    from feeds.translate.argos import ArgosTranslator

    with zipfile.ZipFile(tmp_path / "evil.argosmodel", "w") as archive:
        archive.writestr("../../outside.txt", "x")
    with pytest.raises(TranslationError, match="unsafe path"):
        await ArgosTranslator(tmp_path).translate(["x"], "en", "lv")
    assert not (tmp_path.parent / "outside.txt").exists()
