"""Parsing in worker processes: the same items as in a thread, and a dead worker costs no feed."""

from __future__ import annotations

import multiprocessing
import os
import signal

from feeds.language import LanguageDetector
from feeds.workers import ParseJob, ParseWorkers, default_workers, parse_document
from tests.conftest import NOW, running
from tests.feedgen import numbered_items, rss
from tests.feedserver import Route

LATVIAN = (
    "Bibliotēkās visā Latvijā rudens programmas piesaistījušas rekordlielu apmeklētāju "
    "skaitu: lasītāju klubi, valodu kafejnīcas un digitālo prasmju kursi."
)
LITHUANIAN = (
    "Bibliotekos visoje Lietuvoje rudens programos sulaukė rekordinio lankytojų skaičiaus: "
    "skaitytojų klubai, kalbų kavinės ir skaitmeninių įgūdžių kursai."
)
LANGUAGES = ("lv", "lt", "en")


def _document(index: int) -> bytes:
    text = (LATVIAN, LITHUANIAN)[index % 2]
    items = numbered_items(4, prefix=f"feed{index}")
    for item in items:
        item["description"] = f"&lt;p&gt;{text}&lt;/p&gt;"
    # No <language>: the items' language is detected, in the worker as in the thread.
    return rss(items, title=f"Feed {index}", language=None)


def _jobs(count: int) -> list[ParseJob]:
    return [
        ParseJob(_document(n), f"https://site{n}.example/feed", {}, NOW, None) for n in range(count)
    ]


async def test_worker_processes_give_the_items_a_thread_gives():
    detector = LanguageDetector(LANGUAGES)
    workers = ParseWorkers(workers=2, languages=LANGUAGES, detector=detector, pool_from=1)
    jobs = _jobs(6)
    try:
        workers.prepare(len(jobs))
        in_workers = [await workers.parse(job) for job in jobs]
    finally:
        workers.close()
    in_thread = [parse_document(job, detector) for job in jobs]
    assert in_workers == in_thread
    assert [result.items[0].language for result in in_workers] == ["lv", "lt"] * 3
    assert all(len(result.items) == 4 for result in in_workers)


async def test_a_small_pass_parses_in_a_thread_without_starting_processes():
    workers = ParseWorkers(workers=2, languages=LANGUAGES, detector=None, pool_from=40)
    # Children of earlier tests' pools may still be exiting: only new ones would count.
    before = {child.pid for child in multiprocessing.active_children()}
    workers.prepare(3)
    result = await workers.parse(_jobs(1)[0])
    assert {child.pid for child in multiprocessing.active_children()} - before == set()
    assert len(result.items) == 4 and result.items[0].language is None  # no detector given


async def test_a_worker_killed_mid_pass_costs_no_document():
    workers = ParseWorkers(workers=1, languages=(), detector=None, pool_from=1)
    jobs = _jobs(3)
    try:
        workers.prepare(3)
        first = await workers.parse(jobs[0])
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)
        rest = [await workers.parse(job) for job in jobs[1:]]
    finally:
        workers.close()
    assert [r.error for r in (first, *rest)] == [None, None, None]
    assert [r.items[0].title for r in rest] == ["Feed1 number 0", "Feed2 number 0"]


async def test_a_pool_that_parsed_enough_documents_is_replaced_before_the_next_pass():
    workers = ParseWorkers(workers=1, languages=(), detector=None, pool_from=1, recycle_after=2)
    jobs = _jobs(3)
    try:
        workers.prepare(3)
        first_pass = [await workers.parse(job) for job in jobs]
        old = {child.pid for child in multiprocessing.active_children()}
        workers.prepare(3)  # the next pass: the pool parsed 3 ≥ 2 documents
        second_pass = [await workers.parse(job) for job in jobs]
        new = {child.pid for child in multiprocessing.active_children()} - old
    finally:
        workers.close()
    assert first_pass == second_pass and all(r.error is None for r in second_pass)
    assert new  # a fresh worker parsed the second pass


def test_by_default_at_most_four_workers():
    assert 1 <= default_workers() <= 4


async def test_a_large_pass_through_worker_processes_stores_every_item(server, make_config):
    count = 41  # past the pass size that starts the worker processes
    for n in range(count):
        server.routes[f"/feed/{n}"] = Route(body=_document(n))
    feeds = [{"name": f"feed-{n:02d}", "url": server.url(f"/feed/{n}")} for n in range(count)]
    config = make_config(
        feeds, fetch={"parse_workers": 2, "read_timeout": "5s", "total_timeout": "20s"}
    )
    async with running(config) as app:
        reports = await app.poller.poll(await app.database.sources.active())
        stored = await app.database.items.list()
    assert [r.status for r in reports] == ["new"] * count
    assert len(stored) == count * 4
    languages = {item.title.split()[0]: item.language for item in stored}
    assert languages["Feed0"] == "lv" and languages["Feed1"] == "lt"


async def test_ctrl_c_to_the_process_group_leaves_the_workers_to_the_parent():
    workers = ParseWorkers(workers=1, languages=(), detector=None, pool_from=1)
    jobs = _jobs(2)
    try:
        workers.prepare(2)
        await workers.parse(jobs[0])  # the worker is up, its handlers set
        before = {child.pid for child in multiprocessing.active_children()}
        for pid in before:
            os.kill(pid, signal.SIGINT)
            os.kill(pid, signal.SIGTERM)
        second = await workers.parse(jobs[1])
        after = {child.pid for child in multiprocessing.active_children()}
    finally:
        workers.close()
    assert second.error is None and len(second.items) == 4
    # No new worker: none died and no pool was rebuilt (an earlier test's children may exit).
    assert before and after - before == set()
