"""Benchmark: question answering over a calendar of 10,000 events and the example plan.

Runs the members' question set (tests/fixtures/questions.toml) against the fixture calendars
plus generated events (two more years of seminars, courses, meetings… in three languages,
placed after the question set's dates so its expected answers still hold), and prints accuracy
per language and intent, and latency p50/p99/max per question.

    python bench/answers.py [--events 10000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import Event  # noqa: E402
from tests.question_set import NOW, knowledge, problems, questions  # noqa: E402
from vestnesis.answering import kinds  # noqa: E402
from vestnesis.answering.engine import answer  # noqa: E402

TOPICS = (
    "digitālā pratība",
    "krājuma komplektēšana",
    "bērnu lasīšanas veicināšana",
    "atvērtā zinātne",
    "skaitmeninis raštingumas",
    "vaikų skaitymo skatinimas",
    "fondų komplektavimas",
    "open science",
    "library marketing",
    "information literacy",
    "senjoru digitālās prasmes",
    "autortiesības bibliotēkās",
)
PATTERNS = (
    "Seminārs: {topic}",
    "Kursi “{topic}”",
    "Seminaras „{topic}“",
    "Mokymai: {topic}",
    "Workshop: {topic}",
    "Webinar on {topic}",
    "Reģionālā sanāksme ({place})",
    "Regioninis susitikimas ({place})",
    "Lekcija: {topic}",
)
PLACES = ("Rīga", "Liepāja", "Daugavpils", "Cēsis", "Kaunas", "Klaipėda", "Šiauliai", "Tartu")


def generated(count: int, seed: int = 7) -> list[Event]:
    """`count` events from 2028 on, a few a day, with recurring-looking titles."""
    rng = random.Random(seed)
    start = NOW.replace(year=2028, month=1, day=1, hour=10, minute=0)
    events = []
    for number in range(count):
        pattern = rng.choice(PATTERNS)
        title = pattern.format(topic=rng.choice(TOPICS), place=rng.choice(PLACES))
        begin = start + timedelta(hours=5 * number)
        events.append(
            Event(
                uid=f"generated-{number}@bench.example",
                title=f"{title} {number}",
                start=begin,
                end=begin + timedelta(hours=2),
                place=rng.choice(PLACES),
                kind=kinds.classify(title),
                status="cancelled" if rng.random() < 0.03 else "confirmed",
                calendar="bench",
            )
        )
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    base = len(knowledge().events)
    tracemalloc.start()
    began = time.perf_counter()
    indexed = knowledge(generated(args.events - base))
    build = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    asked = questions()
    began = time.perf_counter()
    answer(asked[0].text, indexed, NOW)
    cold = (time.perf_counter() - began) * 1000
    for question in asked:  # the language detector loads each language's model once
        answer(question.text, indexed, NOW)

    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    wrong: list[str] = []
    timings: list[float] = []
    for question in asked:
        for _ in range(args.repeat):
            began = time.perf_counter()
            found = answer(question.text, indexed, NOW)
            timings.append((time.perf_counter() - began) * 1000)
        issues = problems(question, found)
        right[(question.language, question.intent)].append(not issues)
        if issues:
            wrong.append(f"  {question.language} {question.text!r}: {'; '.join(issues)}")

    print(
        f"calendar: {len(indexed.events):,} events; index built in {build:.2f} s, "
        f"peak {peak / 1e6:.0f} MB (tracemalloc)"
    )
    print(
        f"questions: {len(asked)}, each asked {args.repeat} times after one warm-up pass; "
        f"the very first answer took {cold:.0f} ms (language models loading)"
    )
    print("\naccuracy by language")
    for language in ("lv", "en", "lt"):
        marks = [m for (lang, _), ms in right.items() if lang == language for m in ms]
        print(f"  {language}: {sum(marks)}/{len(marks)} = {100 * sum(marks) / len(marks):.1f}%")
    print("accuracy by intent")
    for intent in ("next_event", "events_in_period", "event_by_name", "plan", "unknown"):
        marks = [m for (_, i), ms in right.items() if i == intent for m in ms]
        print(f"  {intent:17} {sum(marks)}/{len(marks)} = {100 * sum(marks) / len(marks):.1f}%")
    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"\nlatency per question: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms "
        f"({len(ordered):,} answers)"
    )
    if wrong:
        print("\nwrong answers:")
        print("\n".join(wrong))


if __name__ == "__main__":
    main()
