"""The package build compiles the gettext catalogs first (`pybabel compile`: each
vestnesis/locale/*/LC_MESSAGES/vestnesis.po to its .mo), so an installed Vēstnesis carries
compiled catalogs; everything else about the package is in pyproject.toml."""

from setuptools import setup  # type: ignore[import-untyped]
from setuptools.command.build_py import build_py  # type: ignore[import-untyped]


class BuildWithCatalogs(build_py):  # type: ignore[misc]
    """`build_py` that runs Babel's compile step before copying the package files."""

    def run(self) -> None:
        from babel.messages.frontend import CommandLineInterface

        CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-d", "vestnesis/locale", "-D", "vestnesis"]
        )
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
