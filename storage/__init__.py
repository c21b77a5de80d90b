"""SQLite storage: schema, migrations, every SQL statement, typed records in and out.

The names below load with their module on first use (PEP 562): a process that needs only
`storage.records` (a feed-parsing worker) does not import the database, aiosqlite and every
store with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.database import (
        APPLICATION_ID,
        DATABASE_FILE,
        Database,
        ForeignDatabaseError,
        MigrationError,
        SchemaTooNewError,
        StorageError,
    )
    from storage.faults import (
        ConflictError,
        ConstraintViolation,
        DatabaseDamaged,
        DatabaseError,
        DatabaseFull,
        DatabaseLocked,
        DatabaseReadOnly,
    )
    from storage.links import safe_link
    from storage.records import (
        Announcement,
        Delivery,
        DigestRecord,
        Event,
        FetchOutcome,
        Item,
        NewItem,
        OutboxMessage,
        Recipient,
        Source,
        SourceSpec,
        StoreResult,
        Subscriber,
        TelegramChat,
        TelegramMember,
    )

__all__ = [
    "APPLICATION_ID",
    "DATABASE_FILE",
    "Announcement",
    "ConflictError",
    "ConstraintViolation",
    "Database",
    "DatabaseDamaged",
    "DatabaseError",
    "DatabaseFull",
    "DatabaseLocked",
    "DatabaseReadOnly",
    "Delivery",
    "DigestRecord",
    "Event",
    "FetchOutcome",
    "ForeignDatabaseError",
    "Item",
    "MigrationError",
    "NewItem",
    "OutboxMessage",
    "Recipient",
    "SchemaTooNewError",
    "Source",
    "SourceSpec",
    "StorageError",
    "StoreResult",
    "Subscriber",
    "TelegramChat",
    "TelegramMember",
    "safe_link",
]

_HOMES = {
    **dict.fromkeys(
        (
            "APPLICATION_ID",
            "DATABASE_FILE",
            "Database",
            "ForeignDatabaseError",
            "MigrationError",
            "SchemaTooNewError",
            "StorageError",
        ),
        "storage.database",
    ),
    **dict.fromkeys(
        (
            "ConflictError",
            "ConstraintViolation",
            "DatabaseDamaged",
            "DatabaseError",
            "DatabaseFull",
            "DatabaseLocked",
            "DatabaseReadOnly",
        ),
        "storage.faults",
    ),
    "safe_link": "storage.links",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES.get(name, "storage.records")), name)
    globals()[name] = value
    return value
