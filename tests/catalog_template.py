"""What `pybabel extract -F babel.cfg` finds: the texts the code and templates show."""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po


def extract_template(root: Path, output: Path | None = None) -> Catalog:
    """Run Babel's own extract command over the project (as `make pot` does) and read the
    template back; `output` keeps the .pot file, otherwise it goes to a temporary place."""
    with tempfile.TemporaryDirectory() as folder:
        target = output or Path(folder) / "vestnesis.pot"
        arguments = ["pybabel", "-q", "extract", "-F", str(root / "babel.cfg")]
        arguments += ["-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "--no-location"]
        arguments += ["-o", str(target), str(root)]
        logging.getLogger("babel").setLevel(logging.WARNING)
        CommandLineInterface().run(arguments)
        with target.open("rb") as source:
            return read_po(io.BytesIO(source.read()))
