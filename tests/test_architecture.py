"""The layering of ARCHITECTURE.md holds: import-linter's contracts in `.importlinter` pass.

`make lint` runs the same check; this test makes `make test` (and so CI) run it too.
"""

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
    assert contracts >= 8  # none dropped (the delivery pipeline's is the eighth)
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
