"""The files in deploy/ are what a server runs: systemd accepts the units as written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
INSTALLED = "/opt/vestnesis/.venv/bin/vestnesis"


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip(
            "systemd-analyze is not installed (Debian package: systemd; .ci/run installs it): "
            "the units in deploy/ were not verified"
        )
    # verify checks that ExecStart's program exists: point it at this checkout's vestnesis.
    program = Path(sys.executable).with_name("vestnesis")
    assert program.exists()
    units = []
    for unit in sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer")):
        text = unit.read_text("utf-8")
        assert INSTALLED in text or unit.suffix == ".timer"
        copy = tmp_path / unit.name
        copy.write_text(text.replace(INSTALLED, str(program)), "utf-8")
        units.append(str(copy))
    assert [Path(u).name for u in units] == [
        "vestnesis-backup.service",
        "vestnesis.service",
        "vestnesis-backup.timer",
    ]
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    # verify exits 0 even for unknown keys and bad values; it names the file when it objects.
    complaints = [
        line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line
    ]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


def test_the_service_unit_says_what_a_deployment_needs() -> None:
    unit = (DEPLOY / "vestnesis.service").read_text("utf-8")
    for line in (
        "User=vestnesis",
        "EnvironmentFile=/etc/vestnesis/secrets.env",
        "Restart=on-failure",
        f"ExecStart={INSTALLED} run",
        "StateDirectory=vestnesis",
    ):
        assert line in unit.splitlines()
    proxy = (DEPLOY / "nginx-vestnesis.conf").read_text("utf-8")
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    assert "proxy_pass http://127.0.0.1:8080;" in proxy
