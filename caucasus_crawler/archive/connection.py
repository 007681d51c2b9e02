"""The open archive file: its connection, transactions, and what a failed write means.

`Connected` is the base of every room of the archive (store, runs, queries, the duplicate
index): it holds the sqlite-utils database `db` and `transaction()`, which is all they share.
"""

from __future__ import annotations

import errno
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self, TypeVar

from caucasus_crawler.archive.lean_sqlite_utils import sqlite_utils

DEFAULT_PATH = "archive.db"
BUSY_TIMEOUT_SECONDS = 30

T = TypeVar("T")


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says which file and why."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_write_failure(exc: BaseException) -> bool:
    """Whether SQLite (or the OS) failed to write: a full disk, a quota, a file size limit,
    an I/O error; not damage found on reading."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return (
        name == "SQLITE_FULL"
        or name.startswith("SQLITE_IOERR")
        or "disk is full" in str(exc)
        or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
    )


def write_failure_reason(exc: BaseException, path: str | Path) -> str:
    """One line saying why the archive at `path` could not be written."""
    full = getattr(exc, "sqlite_errorname", None) == "SQLITE_FULL" or getattr(
        exc, "errno", None
    ) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    if full or "disk is full" in str(exc):
        return f"{path}: the disk is full: free space, then run the crawl again"
    return f"{path}: the archive could not be written ({exc}): run the crawl again once fixed"


def limit_sqlite_heap(limit: int) -> None:
    """Cap SQLite's heap in this process (PRAGMA hard_heap_limit: every connection's)."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(f"PRAGMA hard_heap_limit = {int(limit)}")


def retry_while_locked(step: Callable[[], T], attempts: int = 50) -> T:
    """Run `step`, retrying while SQLite answers "database is locked" at once (it does so
    instead of waiting when waiting could deadlock, e.g. two processes switching to WAL)."""
    for attempt in range(attempts - 1):
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05 + 0.01 * attempt)
    return step()  # the last attempt: its error is the caller's


def check_place(path: Path, *, must_exist: bool) -> None:
    """Refuse, in one line, a path that is not a regular file (or, `must_exist`, is absent)."""
    if path.exists() and not path.is_file():  # /dev/null, a FIFO, a directory
        raise ArchiveError(f"{path}: not a regular file; name an archive file")
    if must_exist and not path.exists():
        raise ArchiveError(f"{path}: no such archive; run a crawl first")


def writable_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def read_only_connection(path: Path) -> sqlite3.Connection:
    """SQLite `mode=ro` and `query_only`: a crawl may write meanwhile, a read-only file works."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA query_only=1")
    return conn


class Connected:
    """An open archive: its path, its database (sqlite-utils over one sqlite3 connection)."""

    path: Path
    db: sqlite_utils.Database
    _depth: int = 0  # transactions open, the outermost one included

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # What a room that keeps state beside the database (search_terms.py) hears of its fate.
    def _transaction_ended(self, committed: bool) -> None:
        pass

    def _savepoint_rolled_back(self) -> None:
        pass

    def has_table(self, name: str) -> bool:
        return self.db[name].exists()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested calls are savepoints inside it, so a batch of writes
        commits once, and a write that fails inside a batch undoes only its own part."""
        conn = self.db.conn
        self._depth += 1
        try:
            if self._depth == 1:
                # the write lock first (waiting up to the busy timeout): a transaction that
                # reads (dedupe checks) before it writes would otherwise fail at once with
                # "database is locked" when another process wrote in between
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    conn.rollback()
                    self._transaction_ended(committed=False)
                    raise
                conn.commit()
                self._transaction_ended(committed=True)
                return
            name = f"nested{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                self._savepoint_rolled_back()
                raise
            conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1
