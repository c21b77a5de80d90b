"""Members' data that once wedged delivery: internationalised addresses, a broken row."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.smtpserver import MailServer
from tests.test_mail_cli import SEND, config_for, run

CASES = Path(__file__).parent / "fixtures" / "cases"
IDN = "anna@bērziņš.lv"
IDN_ASCII = "anna@xn--brzi-bva32apg.lv"


def statuses(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "data" / "vestnesis.sqlite3") as raw:
        rows = raw.execute("SELECT recipient, status FROM deliveries").fetchall()
    return dict(rows)


def import_and_send(tmp_path: Path, server: MailServer):
    config = config_for(tmp_path, server)
    members = tmp_path / "members-idn.csv"
    shutil.copy(CASES / "members-idn.csv", members)
    imported = run(config, "subscribers", "import", str(members), "--confirmed")
    assert "Imported 3 new members (confirmed); 0 already listed; 0 rows rejected." in (
        imported.stdout
    )
    run(config, "feeds", "poll")
    sent = run(config, "digest", "send", "--now", SEND)
    return config, sent


def test_an_idn_domain_goes_in_idna_to_a_relay_without_smtputf8(tmp_path) -> None:
    server = MailServer().start()
    try:
        _, sent = import_and_send(tmp_path, server)
        assert sent.exit_code == 0 and "Sent 3; 0 to retry later; 0 failed." in sent.stdout
        envelopes = sorted(r.recipients[0] for r in server.received)
        assert envelopes == sorted(["alda@example.org", IDN_ASCII, "zane@example.org"])
        to_anna = next(r for r in server.received if r.recipients == (IDN_ASCII,))
        assert IDN_ASCII in to_anna.message["To"]
        assert set(statuses(tmp_path).values()) == {"sent"}
    finally:
        server.stop()


def test_an_idn_domain_goes_as_written_to_a_relay_with_smtputf8(tmp_path) -> None:
    server = MailServer(smtputf8=True).start()
    try:
        _, sent = import_and_send(tmp_path, server)
        assert "Sent 3; 0 to retry later; 0 failed." in sent.stdout
        to_anna = next(r for r in server.received if r.recipients == (IDN,))
        assert IDN in to_anna.message["To"]
    finally:
        server.stop()


def test_a_non_ascii_mailbox_name_is_refused_at_import_with_its_line(tmp_path) -> None:
    server = MailServer().start()
    try:
        config = config_for(tmp_path, server)
        table = tmp_path / "members.csv"
        table.write_text("email,name,language\njānis@example.lv,J,lv\nok@example.lv,O,lv\n")
        result = run(config, "subscribers", "import", str(table), "--confirmed")
        assert "Imported 1 new members (confirmed); 0 already listed; 1 rows rejected." in (
            result.stdout
        )
        assert "line 2: jānis@example.lv: letters outside ASCII before the @" in result.stderr
        added = run(config, "subscribers", "add", "jānis@example.lv", "--confirmed")
        assert added.exit_code == 2 and "letters outside ASCII" in added.output
    finally:
        server.stop()


def test_one_undeliverable_row_never_blocks_the_others(tmp_path) -> None:
    """A stored non-ASCII mailbox (from before the import refused them) and a damaged stored
    message each fail on their own delivery; everything else goes out and nothing stays
    'sending', and later sends and `subscribers add` keep working."""
    server = MailServer().start()
    try:
        config = config_for(tmp_path, server)
        for address in ("a@example.lv", "b@example.lv"):
            run(config, "subscribers", "add", address, "--confirmed")
        database = tmp_path / "data" / "vestnesis.sqlite3"
        with sqlite3.connect(database) as raw:
            raw.execute(
                "INSERT INTO subscribers (email, language, status, source, created_at) "
                "VALUES ('jānis@example.lv', 'lv', 'confirmed', 'cli', '2026-11-01T00:00:00Z')"
            )
            raw.execute(
                "INSERT INTO messages (kind, key, channel, language, subject, body, created_at) "
                "VALUES ('notice', 'x', 'email', 'lv', 'S', X'00', '2026-11-01T00:00:00Z')"
            )
            raw.execute(
                "INSERT INTO deliveries (message_id, channel, recipient, subscriber_id, "
                "next_attempt) VALUES (1, 'email', 'a@example.lv', 1, '2026-11-01T00:00:00Z')"
            )
        run(config, "feeds", "poll")
        sent = run(config, "digest", "send", "--now", SEND)
        assert sent.exit_code == 0, sent.output
        assert "Sent 2; 0 to retry later; 2 failed." in sent.stdout
        assert sorted(r.recipients[0] for r in server.received) == ["a@example.lv", "b@example.lv"]
        with sqlite3.connect(database) as raw:
            rows = raw.execute(
                "SELECT recipient, status, last_error FROM deliveries ORDER BY id"
            ).fetchall()
        assert [row[1] for row in rows] == ["failed", "sent", "sent", "failed"]
        # Recorded on that delivery, with why (a damaged stored message cannot be built).
        assert rows[0][2].startswith(("internal error: ValueError", "message not built:"))
        assert "SMTPUTF8" in rows[3][2]
        later = run(config, "subscribers", "add", "c@example.lv", "--confirmed")
        assert later.exit_code == 0
        status = run(config, "outbox", "status", "--json").stdout.splitlines()
        assert all(json.loads(line)["status"] != "sending" for line in status)
    finally:
        server.stop()


# --- CSV import ----------------------------------------------------------------------------


def imported(tmp_path: Path, data: bytes, *extra: str):
    server = MailServer().start()
    try:
        config = config_for(tmp_path, server)
        table = tmp_path / "members.csv"
        table.write_bytes(data)
        result = run(config, "subscribers", "import", str(table), "--confirmed", *extra)
        listed = run(config, "subscribers", "list", "--json").stdout.splitlines()
        return result, {json.loads(line)["email"]: json.loads(line) for line in listed}
    finally:
        server.stop()


def test_a_spreadsheet_csv_in_windows_1257_with_semicolons_is_imported(tmp_path) -> None:
    result, members = imported(tmp_path, (CASES / "members-excel-windows-1257.csv").read_bytes())
    assert result.exit_code == 0, result.output
    assert "Imported 2 new members (confirmed); 0 already listed; 0 rows rejected." in (
        result.stdout
    )
    assert members["dace@example.org"]["name"] == "Dace Bērziņa"
    assert members["eva@example.org"]["name"] == "Eva Ūdre"


def test_latin_1_lithuanian_and_tab_separated_lists_are_read(tmp_path) -> None:
    from vestnesis.cli.member_csv import read_members

    latin = "email;name;language\r\nhans@example.de;Hans Müller;en\r\n".encode("latin-1")
    table = read_members(latin, ["lv", "en", "lt"])
    assert [(r.email, r.name) for r in table.rows] == [("hans@example.de", "Hans Müller")]
    baltic = "E-mail\tName\tLanguage\nruta@example.lt\tRūta Žemaitė\tlt\n"
    table = read_members(baltic.replace("E-mail", "email").encode("cp1257"), ["lt", "en"])
    assert table.separator == "\t" and table.rows[0].name == "Rūta Žemaitė"
    utf16 = "email,name\nona@example.lt,Ona Šimkienė\n".encode("utf-16")
    assert read_members(utf16).rows[0].name == "Ona Šimkienė"


def test_an_unclosed_quote_costs_its_own_row_only(tmp_path) -> None:
    data = (
        "email,name,language\n"
        'a@example.lv,"Anna Ozola,lv\n'
        "b@example.lv,Baiba,lv\n"
        'c@example.lv,"Cilda\nCālīte",lv\n'
        'd@example.lv,"Dace,lv\n'
    ).encode()
    result, members = imported(tmp_path, data)
    assert set(members) == {"b@example.lv", "c@example.lv"}
    assert members["c@example.lv"]["name"] == "Cilda Cālīte"
    assert "Imported 2 new members (confirmed); 0 already listed; 2 rows rejected." in (
        result.stdout
    )
    assert "line 2: a quotation mark is not closed" in result.stderr
    assert "line 6: a quotation mark is not closed" in result.stderr


def test_unreadable_member_files_get_one_clear_line(tmp_path) -> None:
    for data, expected in (
        (b"", "the file is empty"),
        (b"\x00\x01\x02\xff\xfe\x00", "the first line must name the columns"),
        (b"a@example.lv,Anna,lv\n", "the first line must name the columns"),
    ):
        result, members = imported(tmp_path, data)
        assert result.exit_code == 1 and expected in result.output, result.output
        assert "Traceback" not in result.output and members == {}


# --- resuming ------------------------------------------------------------------------------


def test_every_sending_command_resumes_deliveries_left_pending(tmp_path) -> None:
    """A send killed after queueing leaves rows pending or 'sending'; the next `digest send`
    finishes them even when it has nothing new to queue, and so do `subscribers add`/`import`."""
    server = MailServer().start()
    try:
        config = config_for(tmp_path, server)
        for n in range(3):
            run(config, "subscribers", "add", f"m{n}@example.lv", "--confirmed")
        run(config, "feeds", "poll")
        assert "Sent 3;" in run(config, "digest", "send", "--now", SEND).stdout
        database = tmp_path / "data" / "vestnesis.sqlite3"

        def leave_unsent(status: str) -> None:
            with sqlite3.connect(database) as raw:
                raw.execute(f"UPDATE deliveries SET status = '{status}'")
            server.handler.received.clear()

        leave_unsent("sending")  # as a kill -9 mid-send leaves them
        later = run(config, "digest", "send", "--now", "2026-11-30T09:00")
        assert "Nothing new for the week" in later.stdout
        assert "Sent 3; 0 to retry later; 0 failed." in later.stdout
        assert len(server.received) == 3
        leave_unsent("pending")
        run(config, "subscribers", "add", "new@example.lv", "--confirmed")
        assert len(server.received) == 3
        leave_unsent("pending")
        table = tmp_path / "none.csv"
        table.write_text("email,name,language\n", "utf-8")
        run(config, "subscribers", "import", str(table), "--confirmed")
        assert len(server.received) == 3
        assert set(statuses(tmp_path).values()) == {"sent"}
    finally:
        server.stop()
