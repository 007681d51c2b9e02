"""The archive: one SQLite file, and the only code that speaks SQL to it.

Everything that reads or writes archive.db (pipelines, the CLI, export, serve) goes through
`Archive`, the front of this package's rooms:

    schema.py       the tables and their columns, declared once, with descriptions
    migrations.py   how an older archive becomes one of the declared schema; the FTS index
    connection.py   the open file: connections, transactions, what a failed write means
    dedup_index.py  the duplicate index (URL keys, LSH bands) and the duplicate check's lookups
    topic_index.py  the topics, and which article is filed under which (from its categories)
    search_terms.py the word forms of the full-text index by stem, and a query's expansion
    store.py        writes: articles, raw responses, pages, duplicates, outlets
    runs.py         crawl runs and the outlets' health
    queries.py      what the commands and the crawl read
    imports.py      what `import` asks: WARC files read and how far, records already stored
    writer.py       ArchiveWriter: deduplicate and store a batch of items (crawl, ingest,
                    reextract)

The SQL that only datasette runs is beside its plugin (caucasus_crawler/datasette_sql.py).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Self

from caucasus_crawler.archive.connection import (
    BUSY_TIMEOUT_SECONDS,
    DEFAULT_PATH,
    ArchiveError,
    check_place,
    is_write_failure,
    limit_sqlite_heap,
    now_iso,
    read_only_connection,
    retry_while_locked,
    writable_connection,
    write_failure_reason,
)
from caucasus_crawler.archive.imports import Imports
from caucasus_crawler.archive.lean_sqlite_utils import sqlite_utils
from caucasus_crawler.archive.migrations import (
    LATEST,
    MIGRATIONS,
    ensure_search_index,
    migrate,
    version,
)
from caucasus_crawler.archive.queries import Queries, fts_query
from caucasus_crawler.archive.runs import Runs
from caucasus_crawler.archive.schema import FTS_TOKENIZER, SEARCH
from caucasus_crawler.archive.search_terms import match_expressions
from caucasus_crawler.archive.store import Store, StoreResult
from caucasus_crawler.search.stemmers import STEMMER_VERSION

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "DEFAULT_PATH",
    "FTS_TOKENIZER",
    "MIGRATIONS",
    "Archive",
    "ArchiveError",
    "StoreResult",
    "fts_query",
    "match_expressions",
    "is_write_failure",
    "limit_sqlite_heap",
    "now_iso",
    "write_failure_reason",
]


class Archive(Store, Runs, Queries, Imports):
    """An open archive.db. Cheap to open; one per process or crawler.

    Each room (store, runs, queries, the duplicate index) is a base class working on the
    same connection; `Archive(path)` opens it for writing, migrating it first, and
    `Archive.open_read_only(path)` for reading."""

    def __init__(self, path: str | Path = DEFAULT_PATH, *, create: bool = True):
        self.path = Path(path)
        check_place(self.path, must_exist=not create)
        try:
            self.db = sqlite_utils.Database(writable_connection(self.path))
            retry_while_locked(self._prepare)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: not a usable archive ({exc})") from None

    def _prepare(self) -> None:
        """WAL mode, the migrations, the full-text index and its word forms, the duplicate
        index, the topics: safe when several processes open a new archive at once (each step
        re-checks under the write lock or tolerates a peer)."""
        self.db.execute("PRAGMA journal_mode=WAL")
        migrate(self.db.conn)
        ensure_search_index(self.db)
        self._ensure_search_terms()
        self._ensure_dedup_index()
        self._ensure_topics()

    @classmethod
    def open_read_only(cls, path: str | Path = DEFAULT_PATH) -> Self:
        """The archive opened for reading only (SQLite `mode=ro`, `query_only`). An archive of
        an older schema is migrated first by a normal open, once."""
        path = Path(path)
        check_place(path, must_exist=True)
        try:
            conn = read_only_connection(path)
            if version(conn) < LATEST:
                conn.close()
                cls(path).close()
                conn = read_only_connection(path)
            elif not _search_terms_ready(conn) and os.access(path, os.W_OK):
                conn.close()
                cls(path).close()  # the word forms filed under the current rules
                conn = read_only_connection(path)
            conn.execute(f"SELECT count(*) FROM {SEARCH.name} LIMIT 0")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: not a usable archive ({exc})") from None
        archive = cls.__new__(cls)
        archive.path = path
        archive.db = sqlite_utils.Database(conn)
        return archive


def _search_terms_ready(conn: sqlite3.Connection) -> bool:
    """Whether the word forms were filed, all of them, under the current stemming rules."""
    state = dict(conn.execute("SELECT name, value FROM search_index").fetchall())
    return (state.get("version"), state.get("built_to")) == (STEMMER_VERSION, "done")
