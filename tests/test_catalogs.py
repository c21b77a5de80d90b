"""The catalogs stay complete and correct: the template (vestnesis/locale/vestnesis.pot) is
what `pybabel extract` finds in the code, each catalog is what `pybabel update` makes of it,
every text in the code is translated into lv and lt, nothing is fuzzy, numbers go through
ngettext with the language's plural forms, Latvian and Lithuanian use their own quotation
marks, and the compiled catalogs say what the .po files say."""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from tests.catalog_template import (
    catalogs_up_to_date,
    compile_catalogs,
    extract_template,
    read_catalog,
)
from tests.conftest import ROOT
from vestnesis.i18n import LOCALE_DIR, Catalogs

TRANSLATED = ("lv", "lt")
LANGUAGES = ("en", *TRANSLATED)
SOURCES = ("vestnesis", "bot", "mailer", "feeds", "storage")

# Texts that show numbers but need no plural forms, each with the reason.
NUMBER_WITHOUT_PLURAL = {
    # Two counts in one line, each followed by a verb or a phrase, not a counted noun:
    # "Ziņu avoti: 3 darbojas, 1 ar kļūdām", "Naujienų šaltiniai: 3 veikia, 1 su klaidomis".
    "News sources: %(ok)d working, %(failing)d failing",
}
# Placeholder names that carry a count even when written with %(…)s.
COUNT_NAMES = {"n", "num", "count", "total", "number", "items", "days", "hours", "minutes"}
# How each language's catalog orders its plural forms, by CLDR category (integers only;
# Lithuanian "many" is for fractions, which Vēstnesis never counts).
PLURAL_ORDER = {
    "en": {"one": 0, "other": 1},
    "lv": {"zero": 0, "one": 1, "other": 2},
    "lt": {"one": 0, "few": 1, "many": 2, "other": 2},
}
# Opening and closing quotation marks of each language.
QUOTES = {"lv": ("„", "”"), "lt": ("„", "“")}
QUOTE_CHARACTERS = '„“”"‘’«»'


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "vestnesis.po").open("rb") as source:
        return read_po(source, locale=language)


def _entries(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _singular(message: Message) -> str:
    return str(message.id[0]) if isinstance(message.id, tuple | list) else str(message.id)


def _texts(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return [str(s or "") for s in strings]


TEMPLATE = LOCALE_DIR / "vestnesis.pot"


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The template kept in the repository (`make pot`)."""
    return read_catalog(TEMPLATE)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """What `pybabel extract -F babel.cfg` finds in the code and templates now."""
    return extract_template(ROOT)


def _described(catalog: Catalog) -> dict[object, tuple[object, ...]]:
    return {m.id: (sorted(m.flags), m.auto_comments, m.context) for m in _entries(catalog)}


def test_the_kept_template_is_what_the_code_holds(template: Catalog, extracted: Catalog) -> None:
    """vestnesis/locale/vestnesis.pot is behind the code otherwise: run `make catalogs`."""
    kept, found = _described(template), _described(extracted)
    assert [m.id for m in _entries(template)] == [m.id for m in _entries(extracted)], (
        f"vestnesis.pot is behind the code (run make catalogs): {set(kept) ^ set(found)}"
    )
    assert kept == found, "vestnesis.pot is behind the code (run make catalogs)"


def test_every_catalog_is_what_pybabel_update_makes_of_the_template() -> None:
    """`pybabel update --check` (as `make lint` runs it): an entry added or edited by hand
    out of the template's order, or a template entry missing, needs `make catalogs`."""
    assert catalogs_up_to_date(TEMPLATE, LOCALE_DIR), (
        "catalogs behind vestnesis.pot: run make catalogs"
    )


def test_no_text_is_translated_inside_an_f_string() -> None:
    """`pybabel extract` does not see a gettext call inside an f-string: its text would never
    reach the catalogs. Translate first, then format: `_("…%(name)s…") % {"name": …}`."""
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if not isinstance(inner, ast.Call):
                    continue
                func = inner.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"_", "gettext", "ngettext"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not offenders, "gettext inside an f-string:\n" + "\n".join(offenders)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {language: _catalog(language) for language in LANGUAGES}


def test_the_extraction_finds_the_code_s_texts(extracted: Catalog) -> None:
    ids = {_singular(m) for m in _entries(extracted)}
    # One from Python, one plural, one from a Jinja template, one from the bot.
    assert "%(name)s weekly digest, %(date)s" in ids
    assert "%(num)d news item" in ids
    assert "Subscribe to this archive in a feed reader" in ids
    assert "What I can do" in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_in_the_code_has_a_catalog_entry(
    template: Catalog, catalogs: dict[str, Catalog], language: str
) -> None:
    catalog = catalogs[language]
    missing = [_singular(m) for m in _entries(template) if catalog.get(m.id) is None]
    assert not missing, f"{language}: no entry for {missing}"
    wrong_kind = [
        _singular(m)
        for m in _entries(template)
        if isinstance(m.id, tuple) != isinstance(catalog.get(m.id).id, tuple)  # type: ignore[union-attr]
    ]
    assert not wrong_kind, f"{language}: plural in the code but not the catalog: {wrong_kind}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_entry_is_used_by_the_code(
    template: Catalog, catalogs: dict[str, Catalog], language: str
) -> None:
    """An entry the extraction does not find is obsolete, or its text is reached through a
    name `pybabel extract` does not know (use `_`, `gettext` or `ngettext`)."""
    used = {m.id for m in _entries(template)}
    unused = [_singular(m) for m in _entries(catalogs[language]) if m.id not in used]
    assert not unused, f"{language}: not found in the code: {unused}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated(catalogs: dict[str, Catalog], language: str) -> None:
    catalog = catalogs[language]
    untranslated = [_singular(m) for m in _entries(catalog) if not all(_texts(m))]
    assert not untranslated, f"{language}: untranslated {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(catalogs: dict[str, Catalog], language: str) -> None:
    fuzzy = [_singular(m) for m in _entries(catalogs[language]) if m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_plural_counts_agree(catalogs: dict[str, Catalog], language: str) -> None:
    """Babel's own checks: python-format placeholders and the number of plural forms."""
    problems = [
        f"{_singular(message)}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalogs[language].check()
    ]
    assert not problems, f"{language}: {problems}"


def test_all_catalogs_have_the_same_entries(catalogs: dict[str, Catalog]) -> None:
    english = {m.id for m in _entries(catalogs["en"])}
    for language in TRANSLATED:
        ids = {m.id for m in _entries(catalogs[language])}
        assert ids == english, f"{language} differs from en: {ids ^ english}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_latvian_and_lithuanian_use_their_own_quotation_marks(
    catalogs: dict[str, Catalog], language: str
) -> None:
    opening, closing = QUOTES[language]
    wrong = []
    for message in _entries(catalogs[language]):
        for text in _texts(message):
            marks = [c for c in text if c in QUOTE_CHARACTERS]
            expected = [opening, closing] * (len(marks) // 2)
            if marks != expected:
                wrong.append(text)
    assert not wrong, f"{language}: quotation marks other than {opening}…{closing}: {wrong}"


def _count_placeholders(text: str) -> list[str]:
    numbers = re.findall(r"%\((\w+)\)d|%d", text)
    named = [m for m in re.findall(r"%\((\w+)\)s", text) if m in COUNT_NAMES]
    return [n or "d" for n in numbers] + named


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_with_numbers_are_plural_entries(catalogs: dict[str, Catalog], language: str) -> None:
    single = [
        m.id
        for m in _entries(catalogs[language])
        if isinstance(m.id, str) and _count_placeholders(m.id) and m.id not in NUMBER_WITHOUT_PLURAL
    ]
    assert not single, f"{language}: numbers shown without ngettext: {single}"


def _python_files() -> list[Path]:
    return sorted(p for name in SOURCES for p in (ROOT / name).rglob("*.py"))


def test_code_formats_no_number_into_a_singular_text() -> None:
    """A gettext call (`_`, `gettext`) whose text holds a number is a plural waiting to go
    wrong ("1 … messages"); such texts go through `ngettext`."""
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name not in {"_", "gettext"} or not isinstance(first, ast.Constant):
                continue
            text = first.value
            if not isinstance(text, str) or text in NUMBER_WITHOUT_PLURAL:
                continue
            if _count_placeholders(text):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}")
    assert not offenders, "numbers without ngettext:\n" + "\n".join(offenders)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_cldr(language: str) -> None:
    """The loaded catalog's Plural-Forms picks the form CLDR names, for every number 0…1000."""
    catalog = Catalogs().get(language)
    rules = Locale.parse(language).plural_form
    order = PLURAL_ORDER[language]
    wrong = [n for n in range(1001) if catalog.plural(n) != order[rules(n)]]  # type: ignore[attr-defined]
    assert not wrong, f"{language}: wrong plural form for {wrong[:10]}"


def test_plural_forms_in_latvian_and_lithuanian() -> None:
    catalogs = Catalogs()
    lv, lt = catalogs.get("lv"), catalogs.get("lt")

    def items(catalog, n):  # type: ignore[no-untyped-def]
        return catalog.ngettext("%(num)d news item", "%(num)d news items", n) % {"num": n}

    assert [items(lv, n) for n in (0, 1, 2, 11, 21)] == [
        "0 ziņu",
        "1 ziņa",
        "2 ziņas",
        "11 ziņu",
        "21 ziņa",
    ]
    assert [items(lt, n) for n in (1, 2, 10, 11, 21, 22)] == [
        "1 naujiena",
        "2 naujienos",
        "10 naujienų",
        "11 naujienų",
        "21 naujiena",
        "22 naujienos",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_appears_twice(language: str) -> None:
    """Branches append entries at the end; a merge must not leave one msgid twice."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "vestnesis.po"
    ids = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")
    ]
    assert len(ids) == len(set(ids)), f"{language}: {sorted({i for i in ids if ids.count(i) > 1})}"


def test_the_compiled_catalogs_say_what_the_po_files_say(tmp_path: Path) -> None:
    """`pybabel compile` (the Makefile, the package build) gives .mo files that Vēstnesis
    reads, with every translation of the .po files."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    compile_catalogs(locale)
    loaded = Catalogs(locale)
    for language in LANGUAGES:
        assert (locale / language / "LC_MESSAGES" / "vestnesis.mo").is_file()
        catalog, translations = _catalog(language), loaded.get(language)
        for message in _entries(catalog):
            if isinstance(message.id, tuple | list):
                singular, plural = str(message.id[0]), str(message.id[1])
                forms = {translations.ngettext(singular, plural, n) for n in range(30)}
                wanted = [s for s in _texts(message) if s] or [singular, plural]
                assert forms == set(wanted), f"{language}: {singular}"
            else:
                text = _singular(message)
                assert translations.gettext(text) == (_texts(message)[0] or text)


def test_a_po_file_newer_than_its_compiled_catalog_is_read_instead(tmp_path: Path) -> None:
    """A catalog edited since `make catalogs` shows its new text, not the stale .mo's."""
    folder = tmp_path / "lv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = folder / "vestnesis.po"
    entry = 'msgid "Unsubscribe"\nmsgstr "{}"\n'
    header = 'msgid ""\nmsgstr "Language: lv\\nContent-Type: text/plain; charset=UTF-8\\n"\n\n'
    source.write_text(header + entry.format("Atteikties"), "utf-8")
    compile_catalogs(tmp_path)
    assert Catalogs(tmp_path).get("lv").gettext("Unsubscribe") == "Atteikties"
    source.write_text(header + entry.format("Atteikties no jaunumiem"), "utf-8")
    later = (folder / "vestnesis.mo").stat().st_mtime + 10
    os.utime(source, (later, later))
    assert Catalogs(tmp_path).get("lv").gettext("Unsubscribe") == "Atteikties no jaunumiem"
    (folder / "vestnesis.mo").unlink()
    source.unlink()
    assert Catalogs(tmp_path).get("lv").gettext("Unsubscribe") == "Unsubscribe"
