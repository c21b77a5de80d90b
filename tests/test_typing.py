"""The packages pass mypy with the project's settings ([tool.mypy] in pyproject.toml: strict).

`make lint` runs the same check; this test makes `make test` (and so CI) run it too.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_packages_have_no_type_errors() -> None:
    result = mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


def test_a_type_error_fails_the_check(tmp_path: Path) -> None:
    # An unannotated function and a wrong argument must both be reported, so a green run
    # above means the project's strict settings were read and the code was checked.
    module = tmp_path / "wrong.py"
    module.write_text(
        "def untyped(x):\n    return x\n\n\ndef length(text: str) -> int:\n    return len(text)\n\n\n"
        "length(3)\n",
        "utf-8",
    )
    result = mypy("--no-incremental", str(module))
    assert result.returncode == 1
    assert "[no-untyped-def]" in result.stdout
    assert '"length" has incompatible type "int"; expected "str"' in result.stdout
