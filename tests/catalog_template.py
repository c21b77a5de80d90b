"""Babel's own commands as the Makefile runs them (`make pot`, `make catalogs`,
`make catalogs-check`): extract the texts of the code into a template, check the catalogs
against it, compile them."""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import BaseError, CommandLineInterface
from babel.messages.pofile import read_po

# The options of the Makefile's EXTRACT and UPDATE (keep them in step).
EXTRACT = ["-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "--add-comments=Translators:"]
EXTRACT += ["--no-location", "--no-wrap", "--project=vestnesis"]
UPDATE = ["-D", "vestnesis", "--no-wrap", "--ignore-obsolete", "--ignore-pot-creation-date"]


def _pybabel(*arguments: str) -> None:
    logging.getLogger("babel").setLevel(logging.WARNING)
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def read_catalog(path: Path) -> Catalog:
    """A .pot or .po file as Babel reads it."""
    with path.open("rb") as source:
        return read_po(io.BytesIO(source.read()))


def extract_template(root: Path, output: Path | None = None) -> Catalog:
    """Run `pybabel extract` over the project (as `make pot` does) and read the template
    back; `output` keeps the .pot file, otherwise it goes to a temporary place."""
    with tempfile.TemporaryDirectory() as folder:
        target = output or Path(folder) / "vestnesis.pot"
        _pybabel("extract", "-F", str(root / "babel.cfg"), *EXTRACT, "-o", str(target), str(root))
        return read_catalog(target)


def catalogs_up_to_date(template: Path, locale_dir: Path) -> bool:
    """Whether `pybabel update --check` finds every catalog as `make catalogs` writes it."""
    try:
        _pybabel("update", "--check", "-i", str(template), "-d", str(locale_dir), *UPDATE)
    except BaseError:
        return False
    return True


def compile_catalogs(locale_dir: Path) -> None:
    """`pybabel compile` every catalog under `locale_dir` into its .mo file."""
    _pybabel("compile", "-d", str(locale_dir), "-D", "vestnesis")
