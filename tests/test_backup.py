"""`vestnesis backup` to a file or a folder, and `restore` with the same checks."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from tests.conftest import sample_config
from vestnesis.cli.main import cli


def run(config, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--config", str(config), *args], input=input)


def test_backup_to_a_folder_and_restore_it(tmp_path) -> None:
    config = sample_config(tmp_path)
    assert run(config, "feeds", "poll").exit_code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    made = run(config, "backup", str(folder))
    assert made.exit_code == 0, made.output
    [copy] = folder.glob("vestnesis-*.sqlite3")
    assert f"Backed up the database to {copy}: schema " in made.output
    assert "4 sources, 14 items" in made.output and "integrity ok" in made.output
    again = run(config, "backup", str(copy))
    assert again.exit_code == 1 and "exists; choose a new file name" in again.output

    database = tmp_path / "data" / "vestnesis.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM items")
    refused = run(config, "restore", str(copy), input="n\n")
    assert refused.exit_code == 1 and "Replace the database" in refused.output
    restored = run(config, "restore", str(copy), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "The database it replaced is kept at" in restored.output
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 14
    [kept] = (tmp_path / "data").glob("vestnesis.sqlite3.before-restore-*")
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0


def test_restore_refuses_what_is_not_a_vestnesis_backup(tmp_path) -> None:
    config = sample_config(tmp_path)
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database", "utf-8")
    result = run(config, "restore", str(text), "--yes")
    assert result.exit_code == 1 and "not an SQLite database" in result.output
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    result = run(config, "restore", str(other), "--yes")
    assert result.exit_code == 1 and "not a Vēstnesis database (no sources" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data" / "vestnesis.sqlite3").exists()  # nothing was replaced


def test_restore_refuses_a_copy_another_program_marked(tmp_path) -> None:
    config = sample_config(tmp_path)
    assert run(config, "feeds", "poll").exit_code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    assert run(config, "backup", str(folder)).exit_code == 0
    [copy] = folder.glob("vestnesis-*.sqlite3")
    # Our tables, but the file says it belongs to another program (application id 1234).
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA application_id = 1234")
    result = run(config, "restore", str(copy), "--yes")
    assert result.exit_code == 1, result.output
    assert "another program's SQLite file (application id 0x4d2)" in result.output
    assert not list((tmp_path / "data").glob("vestnesis.sqlite3.before-restore-*"))
