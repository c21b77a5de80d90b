"""The base of the stores: the shared connection, the serialising transactions, and SQLite
errors turned into storage errors at every public method."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

from storage.faults import translated
from storage.transaction import Transactions

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class Store:
    """A group of tables behind typed methods. Reads use the shared connection (`_db`);
    every write goes through `_tx` (one statement with `_tx.execute`, or a block in
    `async with _tx.begin()`), so no write ever lands inside another coroutine's transaction.

    Each public coroutine of a subclass raises a `storage.faults.DatabaseError` (never a raw
    sqlite3 error) when SQLite fails; the wrapping is added here, once, for every subclass.
    """

    def __init__(self, connection: aiosqlite.Connection, transactions: Transactions) -> None:
        self._db = connection
        self._tx = transactions

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.iscoroutinefunction(member):
                setattr(cls, name, _translating(member))


def _translating(method: F) -> F:
    @functools.wraps(method)
    async def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with translated(self._tx.path):
            return await method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
