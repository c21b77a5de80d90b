"""Members' questions answered from the calendar and the plan, pure: no I/O, no clock, no
global state beyond read-only tables.

The public surface:

    knowledge = Knowledge.build(events, parse_plan(markdown), zone)
    found = answer("Kad ir nākamais seminārs?", knowledge, now, "lv")   # -> Answer
    text = answer_text(found, Wording(catalog, zone, now))              # -> str

`answer` never raises on a question; an Answer's `intent` is one of next_event,
events_in_period, event_by_name, plan, unknown. The built-in word tables are data files in
`data/` beside this package; an association adds its own words with `Words.load` (see
README, "Questions").
"""

from vestnesis.answering.engine import Answer, Knowledge, answer
from vestnesis.answering.plan import Plan, Section, parse_plan
from vestnesis.answering.text import Wording, answer_text, event_block
from vestnesis.answering.when import Span

__all__ = [
    "Answer",
    "Knowledge",
    "Plan",
    "Section",
    "Span",
    "Wording",
    "answer",
    "answer_text",
    "event_block",
    "parse_plan",
]
