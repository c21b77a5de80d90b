"""Soak: `vestnesis run` as a real process for a long time, as an association would run it.

Starts local feeds whose content keeps changing, a local SMTP server, and a web client
(pages, the archive feed with conditional requests, the calendar, sign-ups), imports the
members, and runs the service with `poll_feeds = "1m"` and the weekly digest due a few minutes
after the start. A monitoring loop calls `vestnesis outbox status` meanwhile. At the end it
stops the service with SIGTERM and prints:

- RSS and open file descriptors of the service, and their slopes after warm-up and over the
  last half (samples.csv in the data folder);
- poll punctuality: the interval between fetches of each source (median and p95 per
  source, summarised over all sources) against the configured one;
- web latency (p50, p95, max) and errors; 304s on the archive feed;
- digest copies per member (each must get exactly one), confirmation mails;
- shutdown time, exit status, errors and tracebacks in the log, database integrity.

    python bench/soak.py                 # 30 minutes, 200 feeds, 2,000 members
    python bench/soak.py --minutes 10
    python bench/soak.py --short         # 3 minutes, 20 feeds, 100 members (CI)

Exits 1 when a check fails (a member without exactly one digest, a traceback, a failed
shutdown, a damaged database), so CI can run the short mode.
"""

from __future__ import annotations

import argparse
import csv
import email
import hashlib
import itertools
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "soak-test-secret-soak-test-secret"
POLL = 60.0  # seconds: poll_feeds = "1m"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- feeds ---------------------------------------------------------------------------------


class Feeds:
    """Feeds /feed/N.xml: each gains a new item every `change_every` seconds (staggered), and
    answers If-None-Match with 304 in between. Every fetch is recorded with its time."""

    def __init__(self, count: int, change_every: float) -> None:
        self.count = count
        self.change_every = change_every
        self.started = time.monotonic()
        self.wall = datetime.now(UTC)
        self.hits: dict[int, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        self._bodies: dict[tuple[int, int], bytes] = {}
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                found = re.fullmatch(r"/feed/(\d+)\.xml", self.path)
                if not found or int(found.group(1)) >= feeds.count:
                    self._send(404, {}, b"not found")
                    return
                number = int(found.group(1))
                now = time.monotonic()
                with feeds.lock:
                    feeds.hits[number].append(now)
                version = feeds.version(number, now)
                etag = f'"{number}-{version}"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, {"ETag": etag}, b"")
                    return
                body = feeds.body(number, version)
                headers = {"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"}
                self._send(200, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed/{number}.xml"

    def version(self, number: int, now: float) -> int:
        offset = (number * 7.3) % self.change_every  # sources change at different moments
        return int((now - self.started + offset) // self.change_every)

    def body(self, number: int, version: int) -> bytes:
        with self.lock:
            cached = self._bodies.get((number, version))
        if cached is not None:
            return cached
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
            f"<title>Source {number}</title><link>https://source{number}.example/</link>",
            "<language>en</language>",
        ]
        for n in range(version + 1000, version + 985, -1):  # numbers stay distinct as text
            age = (n - 1000) * self.change_every
            published = self.wall + timedelta(seconds=age) - timedelta(hours=1)
            parts.append(
                f"<item><title>Source {number} news {n}: library week, seminar and study"
                f" trip</title><link>https://source{number}.example/news/{n}</link>"
                f"<guid>https://source{number}.example/?p={n}</guid>"
                f"<description>Report {n} of source {number} about libraries, reading and"
                f" the association's members.</description>"
                f"<pubDate>{format_datetime(published)}</pubDate></item>"
            )
        parts.append("</channel></rss>")
        body = "".join(parts).encode()
        with self.lock:
            self._bodies[(number, version)] = body
            if len(self._bodies) > 4 * self.count:  # keep this process small too
                for key in list(self._bodies)[: self.count]:
                    del self._bodies[key]
        return body


# --- mail ----------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd server counting, per recipient, digests and other mail."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.digests: Counter[str] = Counter()
        self.other: Counter[str] = Counter()
        self.confirm_links: list[str] = []
        self.lock = threading.Lock()
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                head = envelope.content.split(b"\r\n\r\n", 1)[0]
                is_digest = b"\nList-Unsubscribe:" in head
                with mailbox.lock:
                    for recipient in envelope.rcpt_tos:
                        (mailbox.digests if is_digest else mailbox.other)[recipient] += 1
                if not is_digest:
                    message = email.message_from_bytes(envelope.content, policy=policy.default)
                    body = message.get_body(("plain",))  # type: ignore[attr-defined]
                    text = body.get_content() if body is not None else ""
                    found = re.search(r"https?://\S+/confirm/\S+", text)
                    if found:
                        with mailbox.lock:
                            mailbox.confirm_links.append(found.group(0))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


# --- the service's process -------------------------------------------------------------------


@dataclass
class Samples:
    times: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    fds: list[int] = field(default_factory=list)


def sample_process(pid: int, samples: Samples, stop: threading.Event, every: float) -> None:
    started = time.monotonic()
    while not stop.is_set():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, AttributeError):
            break
        samples.times.append(time.monotonic() - started)
        samples.rss_mb.append(rss)
        samples.fds.append(fds)
        stop.wait(every)


def slope_per_hour(times: list[float], values: list[float]) -> float:
    if len(times) < 3:
        return float("nan")
    return statistics.linear_regression(times, values).slope * 3600


# --- web client ----------------------------------------------------------------------------


@dataclass
class WebStats:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    not_modified: int = 0
    feed_requests: int = 0
    signups: int = 0
    confirmed: int = 0


def web_client(
    base: str,
    rate: float,
    signup_every: float,
    stats: WebStats,
    mailbox: Mailbox,
    stop: threading.Event,
) -> None:
    paths = [
        "/subscribe?lang=lv",
        "/archive?lang=en",
        "/events.ics",
        "/healthz",
        "/archive/feed.xml?lang=lv",
    ]
    etag: str | None = None
    next_signup = time.monotonic() + 5
    count = 0
    confirmed_links: set[str] = set()
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            tick = time.monotonic()
            path = paths[count % len(paths)]
            count += 1
            headers = {"If-None-Match": etag} if path.startswith("/archive/feed") and etag else {}
            try:
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                stats.latencies.append(time.perf_counter() - started)
                if path.startswith("/archive/feed"):
                    stats.feed_requests += 1
                    if response.status_code == 304:
                        stats.not_modified += 1
                    elif response.status_code == 200:
                        etag = response.headers.get("etag")
                if response.status_code not in (200, 304):
                    stats.errors[f"{path} {response.status_code}"] += 1
                if tick >= next_signup:
                    next_signup = tick + signup_every
                    signup(client, stats)
                with mailbox.lock:
                    links = [link for link in mailbox.confirm_links if link not in confirmed_links]
                for link in links:
                    confirmed_links.add(link)
                    confirm(client, link, stats)
            except httpx.HTTPError as error:
                stats.errors[f"{path} {type(error).__name__}"] += 1
            stop.wait(max(0.0, 1 / rate - (time.monotonic() - tick)))


def signup(client: httpx.Client, stats: WebStats) -> None:
    form = client.get("/subscribe?lang=lv")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    fields = {"email": f"new{stats.signups}@soak.example", "name": "", "language": "lv"}
    if token:
        fields["csrf"] = token.group(1)
    started = time.perf_counter()
    response = client.post("/subscribe", data=fields)
    stats.latencies.append(time.perf_counter() - started)
    stats.signups += 1
    if response.status_code != 200:
        stats.errors[f"POST /subscribe {response.status_code}"] += 1


def confirm(client: httpx.Client, link: str, stats: WebStats) -> None:
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    response = client.post(path, data={"csrf": token.group(1)} if token else {})
    if response.status_code == 200:
        stats.confirmed += 1
    else:
        stats.errors[f"POST /confirm {response.status_code}"] += 1


# --- monitoring ----------------------------------------------------------------------------


def monitor(command: list[str], every: float, times: list[float], stop: threading.Event) -> None:
    """`vestnesis outbox status` in a loop, as an operator's monitoring would call it."""
    while not stop.wait(every):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            times.append(float("inf"))


# --- the run -------------------------------------------------------------------------------


def write_config(
    folder: Path, feeds: Feeds, mailbox: Mailbox, web_port: int, digest_at: datetime
) -> Path:
    lines = [
        "[association]",
        'name = "Soak test association"',
        'short_name = "SOAK"',
        'website = "https://soak.example"',
        'timezone = "UTC"',
        'languages = ["lv", "en", "lt"]',
        f'data_dir = "{folder / "data"}"',
        "[schedule]",
        'poll_feeds = "1m"',
        f'weekly_digest = "{digest_at.strftime("%a").lower()} {digest_at:%H:%M}"',
        "[email]",
        'from = "SOAK <info@soak.example>"',
        'smtp_host = "127.0.0.1"',
        f"smtp_port = {mailbox.port}",
        'security = "none"',
        "[web]",
        f'listen = "127.0.0.1:{web_port}"',
        f'public_url = "http://127.0.0.1:{web_port}"',
        "[[calendars]]",
        'name = "LBB"',
        f'path = "{ROOT / "examples" / "events.ics"}"',
    ]
    for number in range(feeds.count):
        lines += ["[[feeds]]", f'name = "source {number:03d}"', f'url = "{feeds.url(number)}"']
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, help="How long the service runs (default 30).")
    parser.add_argument("--short", action="store_true", help="3 minutes, 20 feeds, 100 members.")
    parser.add_argument("--feeds", type=int)
    parser.add_argument("--members", type=int)
    parser.add_argument("--rate", type=float, default=5.0, help="Web requests a second.")
    parser.add_argument(
        "--signup-every", type=float, default=30.0, help="Seconds between sign-ups."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the data folder.")
    args = parser.parse_args()
    minutes = args.minutes or (3.0 if args.short else 30.0)
    feed_count = args.feeds or (20 if args.short else 200)
    members = args.members or (100 if args.short else 2000)
    digest_after = timedelta(minutes=1.5 if args.short else min(10.0, minutes / 3))
    warm_up = 60.0 if args.short else min(300.0, minutes * 60 / 5)

    folder = Path(tempfile.mkdtemp(prefix="vestnesis-soak-"))
    feeds = Feeds(feed_count, change_every=600.0 if not args.short else 120.0)
    mailbox = Mailbox()
    web_port = free_port()
    # The digest's minute must come after start-up and be a whole minute.
    digest_at = (datetime.now(UTC) + digest_after).replace(second=0, microsecond=0) + timedelta(
        minutes=1
    )
    config = write_config(folder, feeds, mailbox, web_port, digest_at)
    members_csv = folder / "members.csv"
    with members_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["email", "name", "language"])
        for n in range(members):
            writer.writerow([f"member{n}@soak.example", f"Member {n}", ("lv", "en", "lt")[n % 3]])
    env = {**os.environ, "VESTNESIS_WEB_SECRET": SECRET}
    base = [sys.executable, "-m", "vestnesis", "--config", str(config)]
    subprocess.run(
        [*base, "subscribers", "import", str(members_csv), "--confirmed"],
        env=env,
        check=True,
        capture_output=True,
    )

    print(
        f"soak: {minutes:g} min, {feed_count} feeds (poll 1m, new items every {feeds.change_every / 60:g} min each),"
    )
    print(
        f"      {members} members, web {args.rate:g} req/s, a sign-up every {args.signup_every:g} s,"
    )
    print(f"      digest at {digest_at:%H:%M} UTC, data in {folder}")
    log_path = folder / "service.log"
    log = log_path.open("w", encoding="utf-8")
    service = subprocess.Popen([*base, "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
    stop = threading.Event()
    samples = Samples()
    stats = WebStats()
    status_times: list[float] = []
    threads = [
        threading.Thread(
            target=sample_process, args=(service.pid, samples, stop, 10.0), daemon=True
        ),
        threading.Thread(
            target=monitor,
            args=([*base, "outbox", "status"], 15.0, status_times, stop),
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    client = threading.Thread(
        target=web_client,
        args=(f"http://127.0.0.1:{web_port}", args.rate, args.signup_every, stats, mailbox, stop),
        daemon=True,
    )
    client.start()
    threads.append(client)
    started = time.monotonic()
    try:
        while time.monotonic() - started < minutes * 60:
            if service.poll() is not None:
                print(f"the service ended early with status {service.returncode}")
                break
            time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        stopping = time.monotonic()
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=120)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        shutdown = time.monotonic() - stopping
        log.close()
        mailbox.stop()
        feeds.server.shutdown()

    failed = report(
        folder,
        feeds,
        mailbox,
        samples,
        stats,
        status_times,
        warm_up,
        shutdown,
        service.returncode,
        members,
        log_path,
        digest_at,
    )
    if not args.keep and not failed:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if failed else 0)


def report(
    folder: Path,
    feeds: Feeds,
    mailbox: Mailbox,
    samples: Samples,
    stats: WebStats,
    status_times: list[float],
    warm_up: float,
    shutdown: float,
    returncode: int,
    members: int,
    log_path: Path,
    digest_at: datetime,
) -> list[str]:
    """Print the figures; the checks that failed."""
    failed: list[str] = []
    print()
    print(
        f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )

    # Memory and descriptors: after warm-up, and over the last half (the digest's send, a
    # one-off burst of work, is then behind: what is left is the steady state).
    with (folder / "samples.csv").open("w", encoding="utf-8") as out:
        out.write("seconds,rss_mb,fds\n")
        for when, rss, fds in zip(samples.times, samples.rss_mb, samples.fds, strict=True):
            out.write(f"{when:.1f},{rss:.2f},{fds}\n")
    if samples.rss_mb:
        end = samples.times[-1]
        windows = {"after warm-up": warm_up, "over the last half": end / 2}
        slopes = {}
        for label, since in windows.items():
            chosen = [i for i, t in enumerate(samples.times) if t >= since]
            slopes[label] = (
                slope_per_hour(
                    [samples.times[i] for i in chosen], [samples.rss_mb[i] for i in chosen]
                ),
                slope_per_hour(
                    [samples.times[i] for i in chosen], [float(samples.fds[i]) for i in chosen]
                ),
            )
        half = next(i for i, t in enumerate(samples.times) if t >= end / 2)
        warmed = next((i for i, t in enumerate(samples.times) if t >= warm_up), half)
        print(
            f"RSS: {samples.rss_mb[warmed]:.0f} MB after {warm_up / 60:g} min warm-up, "
            f"{samples.rss_mb[half]:.0f} MB at half time, {samples.rss_mb[-1]:.0f} MB at the end, "
            f"peak {max(samples.rss_mb):.0f} MB ({len(samples.times)} samples, every 10 s); slope "
            + ", ".join(f"{label} {rss:+.1f} MB/h" for label, (rss, _) in slopes.items())
        )
        print(
            f"open descriptors: {samples.fds[warmed]} after warm-up, {samples.fds[-1]} at the end, "
            f"max {max(samples.fds)}; slope "
            + ", ".join(f"{label} {fds:+.1f}/h" for label, (_, fds) in slopes.items())
        )

    # Poll punctuality.
    medians, p95s, every = [], [], []
    for number in range(feeds.count):
        hits = feeds.hits.get(number, [])
        gaps = [b - a for a, b in itertools.pairwise(hits)]
        if len(gaps) >= 2:
            medians.append(statistics.median(gaps))
            p95s.append(percentile(gaps, 0.95))
            every += gaps
    if medians:
        print(
            f"poll interval per source (configured {POLL:.0f} s, {len(every)} intervals over {len(medians)} sources): "
            f"median of medians {statistics.median(medians):.1f} s (sources from {min(medians):.1f} to {max(medians):.1f} s); "
            f"p95 median {statistics.median(p95s):.1f} s, worst {max(p95s):.1f} s; all intervals p50 {percentile(every, 0.5):.1f} / "
            f"p95 {percentile(every, 0.95):.1f} / max {max(every):.1f} s"
        )
        if abs(statistics.median(medians) - POLL) > 2:
            failed.append("median poll interval not within 60 ± 2 s")
    else:
        failed.append("no source was polled twice")

    # Web.
    latencies_ms = [x * 1000 for x in stats.latencies]
    print(
        f"web: {len(latencies_ms)} requests, p50 {percentile(latencies_ms, 0.5):.1f} ms, p95 {percentile(latencies_ms, 0.95):.1f} ms, "
        f"max {max(latencies_ms, default=float('nan')):.0f} ms; errors {sum(stats.errors.values())} {dict(stats.errors) or ''}; "
        f"archive feed {stats.not_modified}/{stats.feed_requests} answered 304; sign-ups {stats.signups}, confirmed {stats.confirmed}"
    )
    if stats.errors:
        failed.append("web errors")
    finite = [t for t in status_times if t != float("inf")]
    if status_times:
        print(
            f"`outbox status` every 15 s: {len(status_times)} calls, median {statistics.median(finite):.2f} s, failures {len(status_times) - len(finite)}"
        )
        if len(finite) != len(status_times):
            failed.append("outbox status failed")

    # Digest.
    copies = Counter(mailbox.digests[f"member{n}@soak.example"] for n in range(members))
    print(
        f"digest copies per member ({members} members, digest at {digest_at:%H:%M}): "
        + ", ".join(f"{count} copies: {number}" for count, number in sorted(copies.items()))
        + f"; other mail (confirmations): {sum(mailbox.other.values())}"
    )
    if set(copies) != {1}:
        failed.append("not every member got exactly one digest")

    # Shutdown and the log.
    text = log_path.read_text("utf-8", errors="replace")
    errors = sum(1 for line in text.splitlines() if " ERROR " in line or '"level": "ERROR"' in line)
    tracebacks = text.count("Traceback")
    print(
        f"shutdown after SIGTERM: {shutdown:.2f} s, exit status {returncode}; "
        f"log: {len(text.splitlines())} lines, {errors} errors, {tracebacks} tracebacks"
    )
    if returncode != 0 or tracebacks:
        failed.append("unclean shutdown or a traceback")
    database = folder / "data" / "vestnesis.sqlite3"
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        items = connection.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    digest = hashlib.sha256(database.read_bytes()).hexdigest()[:8]
    print(
        f"database: integrity {integrity}, {items} items, {database.stat().st_size / 1e6:.1f} MB ({digest})"
    )
    if integrity != "ok":
        failed.append("database damaged")
    if failed:
        print("FAILED: " + "; ".join(failed) + f" (data kept in {folder})")
    return failed


if __name__ == "__main__":
    main()
