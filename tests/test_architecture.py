"""The layering of ARCHITECTURE.md holds: import-linter's contracts in `.importlinter` pass.

`make lint` runs the same check; this test makes `make test` (and so CI) run it too.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_import_contract_is_kept() -> None:
    result = lint_imports(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = (ROOT / ".importlinter").read_text("utf-8").count("[importlinter:contract:")
    assert contracts >= 9  # none dropped (the use cases' parts are the ninth)
    assert f"Contracts: {contracts} kept, 0 broken." in result.stdout


def test_a_broken_contract_fails_the_check(tmp_path: Path) -> None:
    # The command line imports storage; a contract forbidding it must break, so a green run
    # above means the imports were really read.
    config = tmp_path / "broken.ini"
    config.write_text(
        "[importlinter]\n"
        "root_packages =\n    vestnesis\n    storage\n"
        "[importlinter:contract:no-storage]\n"
        "name = the command line never touches storage\n"
        "type = forbidden\n"
        "source_modules =\n    vestnesis.cli\n"
        "forbidden_modules =\n    storage\n",
        "utf-8",
    )
    result = lint_imports(config)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "vestnesis.cli" in result.stdout


# The composition root: the only modules that may hold the whole App.
COMPOSITION_ROOT = (
    "vestnesis/app.py",
    "vestnesis/service/run.py",
    "vestnesis/cli/",
    "vestnesis/wiring/",
)


def app_parameters(source: str) -> list[str]:
    """The functions of a module that take a parameter annotated `App`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
                if argument.annotation is None:
                    continue
                # `App`, `App | None`, and the quoted "App" all name it.
                names = {n.id for n in ast.walk(argument.annotation) if isinstance(n, ast.Name)}
                names |= {ast.unparse(argument.annotation).strip("'\"")}
                if "App" in names:
                    found.append(f"{node.name}({argument.arg})")
    return found


def test_only_the_composition_root_takes_the_app() -> None:
    """Use cases take the parts they use (stores as Protocols, a clock, config sections),
    never the whole App; a function that asks for it outside the root fails here."""
    offenders = {}
    for path in sorted((ROOT / "vestnesis").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(COMPOSITION_ROOT):
            continue
        taking = app_parameters(path.read_text("utf-8"))
        if taking:
            offenders[name] = taking
    assert offenders == {}
    # The check can fail: a module of the root does take it.
    assert app_parameters((ROOT / "vestnesis" / "wiring" / "parts.py").read_text("utf-8"))
