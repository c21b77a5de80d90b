"""Conversations the bot holds open in a private chat (an announcement being written, an
event being added, a deletion to confirm), kept in python-telegram-bot's per-user data.

One flow at a time: starting one ends any other, /cancel ends it, and one left untouched
for TIMEOUT ends by itself, so words written much later are never taken as its answer.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any

ANNOUNCE = "announce"  # waiting for the announcement's text
SCHEDULE = "schedule"  # waiting for a send time (value: the announcement id)
EVENT = "event"  # /addevent or /editevent (value: the step and the draft)
EVENT_LIST = "event_list"  # the events /editevent offered (value: their uids)
FORGET = "forget"  # /forget asked for confirmation
FLOWS = (ANNOUNCE, SCHEDULE, EVENT, EVENT_LIST, FORGET)
TIMEOUT = timedelta(minutes=30)
_STARTED = "flow_started"
_PROMPT = "flow_prompt"  # (chat id, message id) of the message with the flow's buttons
# python-telegram-bot's user_data (None only for updates without a user, which hold no flow).
Data = MutableMapping[str, Any] | None


def begin(data: Data, flow: str, value: Any, now: datetime) -> None:
    """Open `flow` (ending any other)."""
    if data is None:
        return
    end(data)
    data[flow] = value
    data[_STARTED] = now


def touch(data: Data, flow: str, value: Any, now: datetime) -> None:
    """Move within the open conversation to `flow` (the clock starts again)."""
    if data is None:
        return
    for name in FLOWS:
        if name != flow and name != EVENT_LIST:
            data.pop(name, None)
    data[flow] = value
    data[_STARTED] = now


def current(data: Data) -> str | None:
    """The open flow's name, or None."""
    if data is None:
        return None
    return next((name for name in FLOWS if data.get(name) is not None), None)


def expired(data: Data, now: datetime) -> bool:
    """Whether the open flow has waited longer than TIMEOUT."""
    if data is None:
        return False
    started = data.get(_STARTED)
    return current(data) is not None and started is not None and now - started > TIMEOUT


def remember_prompt(data: Data, chat_id: int, message_id: int) -> None:
    """The message whose buttons belong to the open flow (they are removed when it ends)."""
    if data is None:
        return
    data[_PROMPT] = (chat_id, message_id)


def end(data: Data) -> tuple[str | None, tuple[int, int] | None]:
    """Close whatever is open; returns its name and the message with its buttons."""
    if data is None:
        return None, None
    name = current(data)
    for flow in FLOWS:
        data.pop(flow, None)
    data.pop(_STARTED, None)
    return name, data.pop(_PROMPT, None)


def value(data: Data, flow: str) -> Any:
    """The open flow's value (None when that flow is not open)."""
    return None if data is None else data.get(flow)
