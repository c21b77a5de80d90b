"""SQLite storage: schema, migrations, every SQL statement, typed records in and out."""

from storage.database import DATABASE_FILE, Database, SchemaTooNewError
from storage.records import FetchOutcome, Item, NewItem, Source, SourceSpec, StoreResult

__all__ = [
    "DATABASE_FILE",
    "Database",
    "FetchOutcome",
    "Item",
    "NewItem",
    "SchemaTooNewError",
    "Source",
    "SourceSpec",
    "StoreResult",
]
