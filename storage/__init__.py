"""SQLite storage: schema, migrations, every SQL statement, typed records in and out."""

from storage.database import DATABASE_FILE, Database, SchemaTooNewError
from storage.records import (
    Digest,
    DigestEntry,
    DigestRecord,
    DigestSection,
    DigestView,
    EntryView,
    FetchOutcome,
    Gettext,
    Item,
    NewItem,
    Presentation,
    SectionView,
    Source,
    SourceSpec,
    StoreResult,
)

__all__ = [
    "DATABASE_FILE",
    "Database",
    "Digest",
    "DigestEntry",
    "DigestRecord",
    "DigestSection",
    "DigestView",
    "EntryView",
    "FetchOutcome",
    "Gettext",
    "Item",
    "NewItem",
    "Presentation",
    "SchemaTooNewError",
    "SectionView",
    "Source",
    "SourceSpec",
    "StoreResult",
]
