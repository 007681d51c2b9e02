"""The archive: one SQLite file. This module owns its schema, migrations and queries.

Everything that reads or writes archive.db (pipelines, the CLI, export, serve) goes through
`Archive`, so the SQL lives here and nowhere else. The schema is a public interface
(datasette users and exports depend on its names): change it only with a new migration.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from caucasus_crawler import dedup, health
from caucasus_crawler.items import (
    Article,
    Link,
    PageVisit,
    RawResponse,
    compress_body,
    decompress_body,
)
from caucasus_crawler.profiles import Profile
from caucasus_crawler.urls import canonical_url, url_key

DEFAULT_PATH = "archive.db"
BUSY_TIMEOUT_SECONDS = 30
# FTS5's unicode61 treats every Unicode letter as part of a word, so Georgian, Armenian and
# Cyrillic words are split on spaces and punctuation like Latin ones; diacritics are folded
# for Latin/Cyrillic only ("remove_diacritics 2" keeps combined letters correct).
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
_FTS_TRIGGERS = {"articles_ai", "articles_ad", "articles_au"}  # as sqlite-utils names them

# Each migration moves the schema from version N to N+1 (PRAGMA user_version).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE sites (
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        country TEXT NOT NULL,
        languages TEXT NOT NULL,          -- JSON array of ISO 639-1 codes
        home TEXT NOT NULL
    );
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        mode TEXT NOT NULL CHECK (mode IN ('demo', 'live')),
        sites TEXT NOT NULL DEFAULT '[]', -- JSON array of outlet names
        requests INTEGER NOT NULL DEFAULT 0,
        pages INTEGER NOT NULL DEFAULT 0,
        articles_new INTEGER NOT NULL DEFAULT 0,
        articles_updated INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        site TEXT NOT NULL REFERENCES sites(name),
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        published TEXT,
        modified TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        language TEXT,
        description TEXT,
        image TEXT,
        word_count INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        run_id INTEGER REFERENCES crawl_runs(id)
    );
    CREATE INDEX articles_site_published ON articles (site, published);
    CREATE INDEX articles_content_hash ON articles (content_hash);
    CREATE TABLE categories (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL REFERENCES sites(name),
        name TEXT NOT NULL,
        url TEXT,
        UNIQUE (site, name)
    );
    CREATE TABLE article_categories (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        category_id INTEGER NOT NULL REFERENCES categories(id),
        PRIMARY KEY (article_id, category_id)
    );
    CREATE INDEX article_categories_category ON article_categories (category_id);
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL REFERENCES sites(name),
        name TEXT NOT NULL,
        url TEXT,
        UNIQUE (site, name)
    );
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id),
        PRIMARY KEY (article_id, tag_id)
    );
    CREATE INDEX article_tags_tag ON article_tags (tag_id);
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        site TEXT,
        outcome TEXT NOT NULL,            -- article, duplicate, not_article, listing, feed, ...
        http_status INTEGER,
        reason TEXT,
        article_id INTEGER REFERENCES articles(id),
        fetched TEXT NOT NULL,
        run_id INTEGER REFERENCES crawl_runs(id)
    );
    CREATE INDEX pages_outcome ON pages (outcome);
    """,
    # 2: raw responses, so that the text can be re-extracted when extraction improves
    """
    CREATE TABLE responses (
        url TEXT PRIMARY KEY,             -- the fetched URL, as in pages.url
        site TEXT,
        fetched TEXT NOT NULL,
        http_status INTEGER,
        headers TEXT NOT NULL DEFAULT '{}',  -- JSON object
        body BLOB NOT NULL                -- bytes as received, compressed (items.compress_body)
    );
    CREATE INDEX responses_site ON responses (site);
    """,
    # 3: language editions of an article (hreflang alternates, translation links)
    """
    CREATE TABLE translations (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        language TEXT NOT NULL,
        url TEXT NOT NULL,                -- the other edition's URL (join to articles.url)
        PRIMARY KEY (article_id, language)
    );
    CREATE INDEX translations_url ON translations (url);
    """,
    # 4: earlier versions of articles an outlet changed
    """
    CREATE TABLE article_revisions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        seen TEXT NOT NULL,               -- when this version was last seen
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    CREATE INDEX article_revisions_article ON article_revisions (article_id, seen);
    """,
    # 5: validators of feeds, sitemaps and listings, for conditional requests
    """
    ALTER TABLE pages ADD COLUMN etag TEXT;
    ALTER TABLE pages ADD COLUMN last_modified TEXT;
    """,
    # 6: newest first across outlets (datasette's articles page, search and export --since,
    # stats' date range) without sorting the whole table
    """
    CREATE INDEX articles_published ON articles (published);
    """,
    # 7: every article once. Pages whose article the archive already holds (under another URL,
    # with the same text, or as a near copy) are rows of `duplicates`, earlier ones included.
    # The index that finds them: each article's URL keys (urls.url_key of its URL, aliases and
    # fetched URLs) and the LSH band hashes of its body (dedup.py). Bands carry no foreign key:
    # a band of an article that is gone only yields a candidate that verification drops, and
    # checking one on every delete would scan the table. Archive._ensure_dedup_index fills both
    # for the articles already stored (and again whenever dedup.index_version() changes).
    """
    CREATE TABLE duplicates (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        site TEXT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('url', 'exact', 'near')),
        similarity REAL,
        seen TEXT NOT NULL,
        run_id INTEGER REFERENCES crawl_runs(id)
    );
    CREATE INDEX duplicates_article ON duplicates (article_id);
    CREATE INDEX pages_article ON pages (article_id);
    INSERT OR IGNORE INTO duplicates (url, site, article_id, kind, similarity, seen, run_id)
        SELECT url, site, article_id,
            CASE WHEN reason LIKE 'url%' THEN 'url' ELSE 'exact' END, 1.0, fetched, run_id
        FROM pages WHERE outcome = 'duplicate' AND article_id IN (SELECT id FROM articles);
    CREATE TABLE article_urls (
        url_key TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX article_urls_article ON article_urls (article_id);
    CREATE TABLE article_bands (
        band INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (band, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE dedup_index (
        name TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 8: is each outlet's profile still right? What each run's pages said about it (health.py
    # names the metrics), and the verdict drawn from them when the run finished.
    """
    CREATE TABLE site_health_metrics (
        run_id INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
        site TEXT NOT NULL,
        metric TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        example TEXT,                     -- a URL that counted
        PRIMARY KEY (site, run_id, metric)
    ) WITHOUT ROWID;
    CREATE TABLE site_health (
        run_id INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
        site TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'drifted', 'down', 'unknown')),
        problems TEXT NOT NULL DEFAULT '[]',  -- JSON array of {field, kind, detail, count, example}
        profile TEXT,                     -- the digest of the profile the run used
        judged TEXT NOT NULL,
        PRIMARY KEY (site, run_id)
    );
    """,
    # 9: a run stopped by a failed write (a full disk) says why; it is never `finished`, so
    # nothing it saw counts as known to the next run
    """
    ALTER TABLE crawl_runs ADD COLUMN failed TEXT;
    """,
]
# Articles fingerprinted per transaction when the dedup index is built for stored articles:
# short transactions, so that a crawl writing the archive meanwhile waits seconds at most.
INDEX_BUILD_CHUNK = 2000


def _statements(script: str) -> list[str]:
    """The statements of a migration script (no `;` inside our schema's strings)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def _retry_while_locked(step, attempts: int = 50) -> None:
    """Run `step`, retrying while SQLite answers "database is locked" at once (it does so
    instead of waiting when waiting could deadlock, e.g. two processes switching to WAL)."""
    for attempt in range(attempts):
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 + 0.01 * attempt)


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


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says which file and why."""


@dataclass
class StoreResult:
    article_id: int
    outcome: str  # "new", "updated" or "unchanged"


class Archive:
    """An open archive.db. Cheap to open; one per process or crawler."""

    def __init__(self, path: str | Path = DEFAULT_PATH, *, create: bool = True):
        self.path = Path(path)
        self._depth = 0
        if not create and not self.path.exists():
            raise ArchiveError(f"{self.path}: no such archive; run a crawl first")
        if self.path.exists() and not self.path.is_file():  # /dev/null, a FIFO, a directory
            raise ArchiveError(f"{self.path}: not a regular file; name an archive file")
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_SECONDS)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            _retry_while_locked(self._prepare)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: not a usable archive ({exc})") from None

    # -- schema -----------------------------------------------------------------------------
    def _prepare(self) -> None:
        """WAL mode, the migrations, the full-text index: safe when several processes open a
        new archive at once (each step re-checks under the write lock or tolerates a peer)."""
        self.db.execute("PRAGMA journal_mode=WAL")
        self._migrate()
        self._ensure_fts()
        self._ensure_dedup_index()

    def _migrate(self) -> None:
        conn = self.db.conn
        if conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
            return
        conn.execute("BEGIN IMMEDIATE")  # the write lock first, then look again
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def _ensure_fts(self) -> None:
        """The FTS5 index and its triggers (sqlite-utils), rebuilt if a crash or a peer left
        the table without its triggers."""
        triggers = {t.name for t in self.db["articles"].triggers}
        if self.db["articles_fts"].exists() and _FTS_TRIGGERS <= triggers:
            return
        try:
            self.db["articles"].enable_fts(
                ["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZER, replace=True
            )
            self.db["articles"].rebuild_fts()
        except sqlite3.OperationalError:
            if not self.db["articles_fts"].exists():  # a peer made it meanwhile: fine
                raise

    def _index_state(self) -> tuple[str | None, str | None]:
        """(the dedup.index_version() the bands were made with, how far the build got: the
        last article id fingerprinted, or "done")."""
        state = dict(self.db.execute("SELECT name, value FROM dedup_index").fetchall())
        return state.get("version"), state.get("built_to")

    def _set_index_state(self, **values: str) -> None:
        self.db.conn.executemany(
            "INSERT INTO dedup_index (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def rebuild_dedup_index(self, progress: Callable[[int], None] | None = None) -> None:
        """Build the duplicate index again from the stored articles, as the migration does;
        `progress` is called with the number of articles done after each chunk."""
        with self.transaction():  # the write lock from the start
            self.db.conn.execute("DELETE FROM dedup_index")
        self._ensure_dedup_index(progress)

    def _ensure_dedup_index(self, progress: Callable[[int], None] | None = None) -> None:
        """URL keys and band hashes for every stored article (after migration 7, or when the
        fingerprint's parameters changed: bands made otherwise would never match). Built in
        short transactions of INDEX_BUILD_CHUNK articles, resumed where a killed build stopped;
        articles stored meanwhile index themselves (store_article)."""
        version = dedup.index_version()
        if self._index_state() == (version, "done"):
            return
        with self.transaction():  # the write lock from the start
            if self._index_state()[0] != version:
                self.db.conn.execute("DELETE FROM article_bands")
                self._set_index_state(version=version, built_to="0")
        done = 0
        while True:
            with self.transaction():  # the write lock from the start
                built_to = self._index_state()[1]
                if built_to == "done":
                    return
                indexed = self._index_chunk(int(built_to))
                if not indexed:
                    self._set_index_state(built_to="done")
                    return
            done += indexed
            if progress is not None:
                progress(done)

    def _index_chunk(self, after_id: int) -> int:
        """Index the next stored articles after `after_id`; how many (0: none were left)."""
        conn = self.db.conn
        rows = conn.execute(
            "SELECT id, url, body, language FROM articles WHERE id > ? ORDER BY id LIMIT ?",
            [after_id, INDEX_BUILD_CHUNK],
        ).fetchall()
        if not rows:
            return 0
        fingerprints = dedup.fingerprints((body, language) for _, _, body, language in rows)
        conn.executemany(
            "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
            [
                (band, article_id)
                for (article_id, *_), fp in zip(rows, fingerprints, strict=True)
                for band in fp.bands
            ],
        )
        # the URLs each article was fetched under count as its URLs too
        fetched = conn.execute(
            "SELECT url, article_id FROM pages WHERE outcome = 'article'"
            " AND article_id BETWEEN ? AND ?",
            [rows[0][0], rows[-1][0]],
        ).fetchall()
        conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
            [(url_key(url), article_id) for article_id, url, *_ in rows]
            + [(url_key(url), article_id) for url, article_id in fetched],
        )
        self._set_index_state(built_to=str(rows[-1][0]))
        return len(rows)

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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
                    raise
                conn.commit()
                return
            name = f"nested{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    # -- sites --------------------------------------------------------------------------------
    def register_sites(self, profiles: Iterable[Profile]) -> None:
        rows = [{**p.summary(), "languages": json.dumps(list(p.languages))} for p in profiles]
        with self.transaction():
            self.db["sites"].upsert_all(rows, pk="name")

    # -- runs ---------------------------------------------------------------------------------
    def start_run(self, mode: str, sites: Iterable[str]) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (started, mode, sites) VALUES (?, ?, ?)",
                [now_iso(), mode, json.dumps(sorted(sites))],
            )
        return cursor.lastrowid

    def add_to_run(self, run_id: int, **counts: int) -> None:
        """Add a crawler's counts to its run (several crawlers may share one run)."""
        allowed = {
            "requests",
            "pages",
            "articles_new",
            "articles_updated",
            "duplicates",
            "failures",
        }
        if not counts:
            return
        if set(counts) - allowed:
            raise ValueError(f"unknown run counters: {sorted(set(counts) - allowed)}")
        assignments = ", ".join(f"{name} = {name} + :{name}" for name in counts)
        with self.transaction():
            self.db.execute(
                f"UPDATE crawl_runs SET {assignments} WHERE id = :id", {**counts, "id": run_id}
            )

    def add_run_sites(self, run_id: int, sites: Iterable[str]) -> None:
        """Add outlets to a run (`ingest` learns them as workers join a crawl on Redis)."""
        with self.transaction():
            (listed,) = self.db.execute(
                "SELECT sites FROM crawl_runs WHERE id = ?", [run_id]
            ).fetchone()
            merged = sorted(set(json.loads(listed)) | set(sites))
            self.db.execute(
                "UPDATE crawl_runs SET sites = ? WHERE id = ?", [json.dumps(merged), run_id]
            )

    def finish_run(self, run_id: int) -> dict:
        with self.transaction():
            self.db.execute("UPDATE crawl_runs SET finished = ? WHERE id = ?", [now_iso(), run_id])
        return self.run(run_id)

    def fail_run(self, run_id: int, reason: str) -> None:
        """Mark a run failed (and not finished): the next crawl takes nothing it saw as known."""
        with self.transaction():
            self.db.execute(
                "UPDATE crawl_runs SET failed = ?, finished = NULL WHERE id = ?", [reason, run_id]
            )

    def recent_runs(self, limit: int = 10) -> list[dict]:
        ids = [
            r[0]
            for r in self.db.execute("SELECT id FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit])
        ]
        return [self.run(run_id) for run_id in ids]

    def failures_by_reason(self, run_ids: Iterable[int]) -> list[tuple[str, int, str]]:
        """(reason, how many URLs, one example URL) of failed pages in these runs, most first."""
        ids = list(run_ids)
        if not ids:
            return []
        return self.db.execute(
            "SELECT coalesce(reason, 'unknown'), count(*), min(url) FROM pages "
            f"WHERE outcome = 'failed' AND run_id IN ({', '.join('?' * len(ids))}) "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            ids,
        ).fetchall()

    # -- health (health.py) ---------------------------------------------------------------
    def add_health_metrics(
        self, run_id: int, rows: Iterable[tuple[str, str, int, str | None]]
    ) -> None:
        """Add (site, metric, count, example URL) to a run's counts; the first example stays."""
        rows = list(rows)
        if not rows:
            return
        with self.transaction():  # a savepoint in the caller's, when it has one open
            self.db.conn.executemany(
                "INSERT INTO site_health_metrics (run_id, site, metric, count, example)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, run_id, metric) DO UPDATE SET"
                " count = count + excluded.count, example = coalesce(example, excluded.example)",
                [(run_id, site, metric, count, example) for site, metric, count, example in rows],
            )

    def health_metrics(self, site: str, run_ids: Iterable[int]) -> dict[str, tuple[int, str]]:
        """An outlet's counts summed over runs: {metric: (count, an example URL, the latest
        run's where it has one)}."""
        ids = list(run_ids)
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT metric, sum(count),"
            " (SELECT example FROM site_health_metrics AS m WHERE m.site = s.site"
            "  AND m.metric = s.metric AND m.run_id IN ({0}) AND m.example IS NOT NULL"
            "  AND m.count > 0 ORDER BY m.run_id DESC LIMIT 1)"
            " FROM site_health_metrics AS s WHERE site = ? AND run_id IN ({0})"
            " GROUP BY metric".format(", ".join("?" * len(ids))),
            [*ids, site, *ids],
        )
        return {metric: (count, example) for metric, count, example in rows}

    def health_runs(self, site: str, limit: int) -> list[dict]:
        """The latest runs that fetched anything of an outlet, newest first: {run_id,
        started, finished, profile (digest, when judged)}."""
        rows = self.db.execute(
            "SELECT r.id, r.started, r.finished, h.profile FROM crawl_runs AS r"
            " LEFT JOIN site_health AS h ON h.run_id = r.id AND h.site = :site"
            " WHERE r.id IN (SELECT run_id FROM site_health_metrics WHERE site = :site)"
            " ORDER BY r.id DESC LIMIT :limit",
            {"site": site, "limit": limit},
        )
        keys = ("run_id", "started", "finished", "profile")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def recent_health(
        self, site: str, digest: str, runs: int
    ) -> tuple[list[int], dict[str, tuple[int, str]], bool]:
        """What an outlet's last `runs` runs made with its profile as it is now (`digest`;
        runs not yet judged count too) counted: (their ids, oldest first, the summed metrics,
        False). With no such run, the last runs whatever their profile, and True."""
        recent = self.health_runs(site, 50)
        current = [r for r in recent if r["profile"] in (digest, None)][:runs]
        chosen = current or recent[:runs]
        ids = sorted(r["run_id"] for r in chosen)
        return ids, self.health_metrics(site, ids), bool(chosen) and not current

    def judge_run(self, run_id: int, profile_digests: dict[str, str]) -> dict:
        """Draw each outlet's verdict from what this run counted (health.assess) and keep it
        in `site_health`; returns {site: Assessment} for the outlets the run fetched."""
        sites = [
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT site FROM site_health_metrics WHERE run_id = ? ORDER BY site",
                [run_id],
            )
        ]
        verdicts = {site: health.assess(self.health_metrics(site, [run_id])) for site in sites}
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO site_health (run_id, site, verdict, problems, profile,"
                " judged) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        site,
                        verdict.verdict,
                        json.dumps([p.as_json() for p in verdict.problems], ensure_ascii=False),
                        profile_digests.get(site),
                        now_iso(),
                    )
                    for site, verdict in verdicts.items()
                ],
            )
        return verdicts

    def recent_article_urls(self, site: str, limit: int) -> list[str]:
        """The URLs of an outlet's most recently archived articles (their shapes teach the
        crawl what the outlet's article links look like)."""
        rows = self.db.execute(
            "SELECT url FROM articles WHERE site = ? ORDER BY published DESC LIMIT ?",
            [site, limit],
        )
        return [row[0] for row in rows]

    def revisions(self, article_id: int) -> list[dict]:
        """Earlier versions of an article, oldest first."""
        rows = self.db.execute(
            "SELECT seen, title, body, content_hash FROM article_revisions"
            " WHERE article_id = ? ORDER BY seen, id",
            [article_id],
        )
        return [dict(zip(("seen", "title", "body", "content_hash"), r, strict=True)) for r in rows]

    def last_finished_run(self, site: str) -> dict | None:
        """The most recent finished run that crawled `site` (None if it never finished one),
        and was not capped for it (bounds.py)."""
        row = self.db.execute(
            "SELECT crawl_runs.id FROM crawl_runs, json_each(crawl_runs.sites) "
            "WHERE json_each.value = :site AND finished IS NOT NULL AND NOT EXISTS ("
            "  SELECT 1 FROM site_health_metrics m WHERE m.site = :site"
            "  AND m.run_id = crawl_runs.id AND m.metric = 'requests_capped')"
            " ORDER BY finished DESC LIMIT 1",
            {"site": site},
        ).fetchone()
        return self.run(row[0]) if row else None

    def run(self, run_id: int) -> dict:
        row = self.db["crawl_runs"].get(run_id)
        return {**row, "sites": json.loads(row["sites"])}

    # -- articles -----------------------------------------------------------------------------
    def article_id_for_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def article_with_hash(self, content_hash: str, other_than_url: str) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT id, url FROM articles WHERE content_hash = ? AND url != ? LIMIT 1",
            [content_hash, other_than_url],
        ).fetchone()
        return (row[0], row[1]) if row else None

    # -- the duplicate index (issue 6) ------------------------------------------------------
    def article_for_url_keys(self, keys: Iterable[str]) -> int | None:
        """The first stored article one of these URL keys (urls.url_key) belongs to."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return None
        row = self.db.execute(
            "SELECT min(article_id) FROM article_urls"
            f" WHERE url_key IN ({', '.join('?' * len(keys))})",
            keys,
        ).fetchone()
        return row[0]

    def article_stored_from(self, page_url: str) -> int | None:
        """The article that this fetched URL's page was stored as (pages.outcome 'article')."""
        row = self.db.execute(
            "SELECT article_id FROM pages WHERE url = ? AND outcome = 'article'", [page_url]
        ).fetchone()
        return row[0] if row else None

    def near_candidates(
        self, bands: Iterable[int], limit: int = 20, crowded: int = 100
    ) -> list[tuple[int, int]]:
        """(article id, bands shared) of the stored articles sharing a band hash with these,
        most shared first (the best estimate of similarity), then newest. A band that more
        than `crowded` stored articles share is left out: it comes from phrases common to
        many different stories (or a template), so it says nothing about any one of them,
        and its crowd would push the real copy out of the candidates verified. (Copies are
        never indexed, so a crowd is always of different articles.)"""
        bands = list(dict.fromkeys(bands))
        if not bands:
            return []
        bucket = "SELECT * FROM (SELECT band, article_id FROM article_bands WHERE band = ? LIMIT ?)"
        return self.db.execute(
            "SELECT article_id, count(*) AS shared FROM ("
            "  SELECT article_id, count(*) OVER (PARTITION BY band) AS crowd FROM ("
            + " UNION ALL ".join([bucket] * len(bands))
            + ")) WHERE crowd <= ? GROUP BY article_id"
            " ORDER BY shared DESC, article_id DESC LIMIT ?",
            [value for band in bands for value in (band, crowded + 1)] + [crowded, limit],
        ).fetchall()

    def kept_article_for(self, url: str) -> int | None:
        """The article a canonical URL ended at: its own (`articles.url`), or the one it is a
        duplicate of (`duplicates.url`); None when the archive holds neither."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE url = :url"
            " UNION ALL SELECT article_id FROM duplicates WHERE url = :url LIMIT 1",
            {"url": url},
        ).fetchone()
        return row[0] if row else None

    def published_and_url(self, article_id: int) -> tuple[str | None, str] | None:
        row = self.db.execute(
            "SELECT published, url FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def demote(
        self, article_id: int, kept_id: int, kind: str, similarity: float, run_id: int | None
    ) -> None:
        """An archived article turns out to be a copy of `kept_id` (stored after it, but the
        earlier story): its URL becomes a row of `duplicates`, everything that pointed at it
        (duplicates, pages, URL keys) points at the kept article, and its row, bands and links
        go. Its raw response stays, so `reextract` can judge the page again."""
        reason = f"{kind} duplicate" + (f" (similarity {similarity:.2f})" if kind == "near" else "")
        with self.transaction():
            row = self.db.execute(
                "SELECT body, language FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if row is None:
                return
            self.db.execute(
                "INSERT INTO duplicates (url, site, article_id, kind, similarity, seen, run_id)"
                " SELECT url, site, :kept, :kind, :similarity, last_seen, :run_id FROM articles"
                " WHERE id = :id ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id,"
                " kind = excluded.kind, similarity = excluded.similarity, seen = excluded.seen,"
                " run_id = excluded.run_id",
                {
                    "kept": kept_id,
                    "kind": kind,
                    "similarity": similarity,
                    "run_id": run_id,
                    "id": article_id,
                },
            )
            self.db.execute(
                "UPDATE duplicates SET article_id = ? WHERE article_id = ?", [kept_id, article_id]
            )
            self.db.execute(
                "UPDATE pages SET outcome = 'duplicate', reason = ? WHERE article_id = ?"
                " AND outcome = 'article'",
                [reason, article_id],
            )
            self.db.execute(
                "UPDATE pages SET article_id = ? WHERE article_id = ?", [kept_id, article_id]
            )
            self.db.execute(
                "UPDATE OR IGNORE article_urls SET article_id = ? WHERE article_id = ?",
                [kept_id, article_id],
            )
            self.db.execute("DELETE FROM article_urls WHERE article_id = ?", [article_id])
            self._unindex_body(article_id, row[0], row[1])
            self.db.execute("DELETE FROM articles WHERE id = ?", [article_id])

    def article_bodies(self, article_ids: Iterable[int]) -> dict[int, str]:
        ids = list(article_ids)
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, body FROM articles WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
        return dict(rows.fetchall())

    def _index_article(
        self, article_id: int, article: Article, fingerprint: dedup.Fingerprint | None
    ) -> None:
        """Files the article's URL keys (its URL, aliases and the URL it was fetched under:
        the first article to claim a key keeps it) and, given a fingerprint, its bands."""
        urls = [article.url, *article.aliases]
        if article.fetched_url:
            urls.append(article.fetched_url)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in dict.fromkeys(map(url_key, urls))],
        )
        if fingerprint is not None:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
                [(band, article_id) for band in fingerprint.bands],
            )

    def _unindex_body(self, article_id: int, body: str, language: str | None) -> None:
        """Drops the bands an earlier body of the article gave (recomputed from that body:
        bands are a pure function of body and language, so no per-article list is kept)."""
        self.db.conn.executemany(
            "DELETE FROM article_bands WHERE band = ? AND article_id = ?",
            [(band, article_id) for band in dedup.fingerprint(body, language).bands],
        )

    def store_article(
        self,
        article: Article,
        run_id: int | None = None,
        *,
        record_page: bool = True,
        fingerprint: dedup.Fingerprint | None = None,
    ) -> StoreResult:
        """Insert the article, or update the archived one with the same URL; one transaction.
        `record_page=False` leaves the fetch's `pages` row as it is (re-extraction). The
        duplicate index follows: a new article's URL keys and bands are filed, an update's
        bands replaced when its body changed (`fingerprint`, dedup.fingerprint of the body,
        saves computing it again when the caller has it)."""
        seen = article.fetched or now_iso()
        fields = {
            "site": article.site,
            "title": article.title,
            "body": article.text,
            "published": article.published,
            "modified": article.modified,
            "authors": json.dumps(article.authors, ensure_ascii=False),
            "language": article.language,
            "description": article.description,
            "image": article.image,
            "word_count": len(article.text.split()),
            "content_hash": article.content_hash,
        }
        with self.transaction():
            existing = self.db.execute(
                f"SELECT id, {', '.join(fields)} FROM articles WHERE url = ?", [article.url]
            ).fetchone()
            if existing is None:
                cursor = self.db.execute(
                    "INSERT INTO articles (url, first_seen, last_seen, run_id, "
                    + ", ".join(fields)
                    + ") VALUES (:url, :seen, :seen, :run_id, "
                    + ", ".join(f":{k}" for k in fields)
                    + ")",
                    {**fields, "url": article.url, "seen": seen, "run_id": run_id},
                )
                article_id, outcome = cursor.lastrowid, "new"
                # a page is an article or a duplicate, not both (its text may have changed)
                self.db.execute("DELETE FROM duplicates WHERE url = ?", [article.url])
                self._index_article(
                    article_id,
                    article,
                    fingerprint or dedup.fingerprint(article.text, article.language),
                )
            else:
                article_id, new_body = existing[0], None
                changed = tuple(existing[1:]) != tuple(fields.values()) or self._links_of(
                    article_id
                ) != _links(article)
                if changed:
                    previous = dict(zip(fields, existing[1:], strict=True))
                    if (previous["title"], previous["content_hash"]) != (
                        fields["title"],
                        fields["content_hash"],
                    ):
                        self.db.execute(
                            "INSERT INTO article_revisions (article_id, seen, title, body,"
                            " content_hash) SELECT id, last_seen, title, body, content_hash"
                            " FROM articles WHERE id = ?",
                            [article_id],
                        )
                    if (previous["content_hash"], previous["language"]) != (
                        fields["content_hash"],
                        fields["language"],
                    ):
                        self._unindex_body(article_id, previous["body"], previous["language"])
                        new_body = fingerprint or dedup.fingerprint(article.text, article.language)
                    assignments = ", ".join(f"{k} = :{k}" for k in fields)
                    self.db.execute(
                        f"UPDATE articles SET {assignments}, last_seen = :seen, run_id = :run_id "
                        "WHERE id = :id",
                        {**fields, "seen": seen, "run_id": run_id, "id": article_id},
                    )
                    outcome = "updated"
                else:
                    self.db.execute(
                        "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                    )
                    outcome = "unchanged"
                self._index_article(article_id, article, new_body)  # and keys of new aliases
            if outcome != "unchanged":
                fresh = outcome == "new"  # no links of its own yet: nothing to replace
                self._link(
                    article_id, article.site, article.categories, "categories", "category", fresh
                )
                self._link(article_id, article.site, article.tags, "tags", "tag", fresh)
                self._set_translations(article_id, article.translations, fresh)
            if article.raw is not None:
                self._store_response(
                    article.fetched_url or article.url,
                    article.site,
                    seen,
                    article.http_status,
                    article.raw,
                )
            if record_page:
                self._record_page(
                    article.fetched_url or article.url,
                    article.site,
                    "article",
                    article.http_status,
                    None,
                    article_id,
                    seen,
                    run_id,
                )
        return StoreResult(article_id, outcome)

    def _links_of(self, article_id: int) -> tuple:
        """What `_links` gives for the article as archived."""
        names = [
            sorted(
                r[0]
                for r in self.db.execute(
                    f"SELECT t.name FROM {table} t JOIN article_{table} j ON j.{key}_id = t.id "
                    "WHERE j.article_id = ?",
                    [article_id],
                )
            )
            for table, key in (("categories", "category"), ("tags", "tag"))
        ]
        translations = dict(
            self.db.execute(
                "SELECT language, url FROM translations WHERE article_id = ?", [article_id]
            ).fetchall()
        )
        return (*names, translations)

    def _link(
        self,
        article_id: int,
        site: str | None,
        links: list[Link],
        table: str,
        key: str,
        fresh: bool = False,
    ) -> None:
        join = f"article_{table}"
        conn = self.db.conn  # the statements of every stored article: no wrapper in between
        if not fresh:
            conn.execute(f"DELETE FROM {join} WHERE article_id = ?", [article_id])
        for link in links:
            # RETURNING gives the row's id whether it was inserted or already there
            link_id = conn.execute(
                f"INSERT INTO {table} (site, name, url) VALUES (?, ?, ?) "
                f"ON CONFLICT (site, name) DO UPDATE SET url = coalesce({table}.url, excluded.url)"
                " RETURNING id",
                [site, link.name, link.url],
            ).fetchone()[0]
            conn.execute(
                f"INSERT OR IGNORE INTO {join} (article_id, {key}_id) VALUES (?, ?)",
                [article_id, link_id],
            )

    def _set_translations(
        self, article_id: int, translations: dict[str, str], fresh: bool = False
    ) -> None:
        if not fresh:
            self.db.execute("DELETE FROM translations WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO translations (article_id, language, url) VALUES (?, ?, ?)",
            [(article_id, language, url) for language, url in translations.items()],
        )

    def translations_of(self, article_id: int) -> dict[str, dict]:
        """The other editions of an article, by language: their URL and, where archived,
        their article id."""
        rows = self.db.execute(
            "SELECT t.language, t.url, a.id FROM translations t "
            "LEFT JOIN articles a ON a.url = t.url WHERE t.article_id = ? ORDER BY t.language",
            [article_id],
        )
        return {language: {"url": url, "article_id": other} for language, url, other in rows}

    # -- raw responses --------------------------------------------------------------------------
    def _store_response(
        self, url: str, site: str | None, fetched: str, status: int | None, raw: RawResponse
    ) -> None:
        body = raw.compressed if raw.compressed is not None else compress_body(raw.body)
        self.db.execute(
            "INSERT OR REPLACE INTO responses (url, site, fetched, http_status, headers, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [url, site, fetched, status, json.dumps(raw.headers), body],
        )

    def responses(self, sites: Iterable[str] | None = None) -> Iterator[dict]:
        """Stored raw responses, one at a time (bodies decompressed), oldest fetch first:
        `{url, site, fetched, http_status, headers, body, article_id}`."""
        sql = (
            "SELECT r.url, r.site, r.fetched, r.http_status, r.headers, r.body, p.article_id "
            # only the page an article was stored from names it: a duplicate's page names the
            # article it copies, which its text must not overwrite
            "FROM responses r LEFT JOIN pages p ON p.url = r.url AND p.outcome = 'article'"
        )
        params: list = []
        if sites is not None:
            sites = list(sites)
            sql += f" WHERE r.site IN ({', '.join('?' * len(sites))})"
            params = sites
        for url, site, fetched, status, headers, body, article_id in self.db.execute(
            sql + " ORDER BY r.fetched, r.url", params
        ):
            yield {
                "url": url,
                "site": site,
                "fetched": fetched,
                "http_status": status,
                "headers": json.loads(headers),
                "body": decompress_body(body),
                "article_id": article_id,
            }

    # -- pages --------------------------------------------------------------------------------
    def record_duplicate(self, article: Article, run_id: int | None = None) -> None:
        """A fetched page whose article the archive already holds: its `pages` row, and its
        `duplicates` row (by URL: the URL fetched for a `url` duplicate, the page's canonical
        URL for an `exact` or `near` one)."""
        seen = article.fetched or now_iso()
        kind = article.duplicate_kind
        page_url = article.fetched_url or article.url
        url = canonical_url(page_url) if kind == "url" else article.url
        similarity = 1.0 if article.similarity is None else article.similarity
        with self.transaction():
            if article.raw is not None:  # kept like any page: a later extractor may disagree
                self._store_response(page_url, article.site, seen, article.http_status, article.raw)
            self._record_page(
                page_url,
                article.site,
                "duplicate",
                article.http_status,
                f"{kind} duplicate" + (f" (similarity {similarity:.2f})" if kind == "near" else ""),
                article.duplicate_of,
                seen,
                run_id,
            )
            self.db.execute(
                "INSERT INTO duplicates (url, site, article_id, kind, similarity, seen, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " site = excluded.site, article_id = excluded.article_id,"
                " kind = excluded.kind, similarity = excluded.similarity,"
                " seen = excluded.seen, run_id = excluded.run_id",
                [url, article.site, article.duplicate_of, kind, similarity, seen, run_id],
            )

    def record_page(self, visit: PageVisit, run_id: int | None = None) -> None:
        with self.transaction():
            if visit.raw is not None:
                self._store_response(
                    visit.url, visit.site, visit.fetched or now_iso(), visit.http_status, visit.raw
                )
            self._record_page(
                visit.url,
                visit.site,
                visit.outcome,
                visit.http_status,
                visit.reason,
                None,
                visit.fetched or now_iso(),
                run_id,
                visit.etag,
                visit.last_modified,
            )

    def _record_page(
        self,
        url: str,
        site: str | None,
        outcome: str,
        status: int | None,
        reason: str | None,
        article_id: int | None,
        fetched: str,
        run_id: int | None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO pages (url, site, outcome, http_status, reason, article_id, fetched,"
            " run_id, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET site = excluded.site,"
            " outcome = excluded.outcome, http_status = excluded.http_status,"
            " reason = excluded.reason, article_id = excluded.article_id,"
            " fetched = excluded.fetched, run_id = excluded.run_id,"
            " etag = excluded.etag, last_modified = excluded.last_modified",
            [url, site, outcome, status, reason, article_id, fetched, run_id, etag, last_modified],
        )

    def page_state(self, url: str) -> dict | None:
        """What the archive knows of a fetched URL: its last outcome and fetch time, whether
        the run that fetched it finished, and the validators of the response."""
        # a run settles what it saw when it finished and was not capped for the page's
        # outlet (bounds.py: what it left is the next run's)
        row = self.db.execute(
            "SELECT p.outcome, p.fetched, r.finished IS NOT NULL AND NOT EXISTS ("
            "  SELECT 1 FROM site_health_metrics m WHERE m.site = p.site AND m.run_id = r.id"
            "  AND m.metric = 'requests_capped'), p.etag, p.last_modified"
            " FROM pages p LEFT JOIN crawl_runs r ON r.id = p.run_id WHERE p.url = ?",
            [url],
        ).fetchone()
        if row is None:
            return None
        keys = ("outcome", "fetched", "run_finished", "etag", "last_modified")
        return dict(zip(keys, row, strict=True))

    def article_seen(self, url: str) -> tuple[str, str] | None:
        """(first_seen, last_seen) of the article archived at this canonical URL."""
        row = self.db.execute(
            "SELECT first_seen, last_seen FROM articles WHERE url = ?", [url]
        ).fetchone()
        return (row[0], row[1]) if row else None

    # -- reading ------------------------------------------------------------------------------
    def count(self, table: str) -> int:
        return self.db[table].count

    def article(self, article_id: int) -> dict:
        """An article with its categories and tags, as users see it."""
        row = dict(self.db["articles"].get(article_id))
        row["authors"] = json.loads(row["authors"])
        row["translations"] = {
            language: other["url"] for language, other in self.translations_of(article_id).items()
        }
        for table, key in (("categories", "category"), ("tags", "tag")):
            row[table] = [
                r[0]
                for r in self.db.execute(
                    f"SELECT t.name FROM {table} t JOIN article_{table} j ON j.{key}_id = t.id "
                    "WHERE j.article_id = ? ORDER BY t.name",
                    [article_id],
                )
            ]
        return row

    def article_by_url(self, url: str) -> dict | None:
        article_id = self.article_id_for_url(url)
        return None if article_id is None else self.article(article_id)

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text search over title and body, best match first (bm25; see search_hits)."""
        fields = ("id", "url", "site", "title", "published")
        return [{key: hit[key] for key in fields} for hit in self.search_hits(query, limit=limit)]

    def refused_in_run(self, run_id: int) -> tuple[int, str, str] | None:
        """(how many pages, the commonest reason, an example URL) of a run's requests that
        were refused or failed without a fetch (`skipped`, or `failed` with no status)."""
        row = self.db.execute(
            "SELECT count(*) OVER (), reason, url FROM pages WHERE run_id = ?"
            " AND (outcome = 'skipped' OR (outcome = 'failed' AND http_status IS NULL))"
            " GROUP BY reason, url ORDER BY count(*) OVER (PARTITION BY reason) DESC LIMIT 1",
            [run_id],
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def outcome_counts(self, run_id: int) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT outcome, count(*) FROM pages WHERE run_id = ? GROUP BY outcome", [run_id]
        )
        return dict(rows.fetchall())

    # -- search, export and stats (issue 7) -----------------------------------------------------
    # `search`, `export`, `stats` and `serve` only read: they open the archive with
    # `open_read_only`, so a crawl may write to it meanwhile and a read-only file works.

    @classmethod
    def open_read_only(cls, path: str | Path = DEFAULT_PATH) -> Archive:
        """The archive opened for reading only (SQLite `mode=ro`, `query_only`). An archive of
        an older schema is migrated first by a normal open, once."""
        path = Path(path)
        if path.exists() and not path.is_file():
            raise ArchiveError(f"{path}: not a regular file; name an archive file")
        if not path.is_file():
            raise ArchiveError(f"{path}: no such archive; run a crawl first")
        try:
            conn = cls._read_only_connection(path)
            if conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
                conn.close()
                cls(path).close()
                conn = cls._read_only_connection(path)
            conn.execute("SELECT count(*) FROM articles_fts LIMIT 0")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: not a usable archive ({exc})") from None
        archive = cls.__new__(cls)
        archive.path = path
        archive.db = sqlite_utils.Database(conn)
        return archive

    @staticmethod
    def _read_only_connection(path: Path) -> sqlite3.Connection:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        conn.execute("PRAGMA query_only=1")
        return conn

    def has_table(self, name: str) -> bool:
        return self.db[name].exists()

    def site_names(self) -> list[str]:
        """Outlets that have a row in `sites` (crawled at least once)."""
        return [row[0] for row in self.db.execute("SELECT name FROM sites ORDER BY name")]

    def languages(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1"
        )
        return [row[0] for row in rows]

    def sites(self) -> list[dict]:
        """Every outlet in the archive, with its `languages` as a list."""
        rows = self.db.execute("SELECT name, title, country, languages, home FROM sites")
        return [
            {"name": n, "title": t, "country": c, "languages": json.loads(lang), "home": h}
            for n, t, c, lang, h in rows
        ]

    @staticmethod
    def _article_filter(
        sites: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> tuple[str, dict]:
        """A WHERE clause over `articles a` (named parameters) for the filters users give.
        `since` and `until` are days, both included, read from `published` as the outlet
        printed it (its local date)."""
        clauses: list[str] = []
        params: dict = {}

        def any_of(column: str, values: Iterable[str] | None, key: str) -> None:
            values = list(values or [])
            if values:
                names = [f":{key}{i}" for i in range(len(values))]
                clauses.append(f"{column} IN ({', '.join(names)})")
                params.update({name[1:]: value for name, value in zip(names, values, strict=True)})

        any_of("a.site", sites, "site")
        any_of("a.language", languages, "language")
        categories = list(categories or [])
        if categories:
            names = [f":category{i}" for i in range(len(categories))]
            clauses.append(
                "a.id IN (SELECT ac.article_id FROM article_categories ac JOIN categories c"
                f" ON c.id = ac.category_id WHERE c.name IN ({', '.join(names)}))"
            )
            params.update({n[1:]: v for n, v in zip(names, categories, strict=True)})
        if since is not None:
            clauses.append("a.published >= :since")
            params["since"] = since.isoformat()
        if until is not None:
            clauses.append("a.published < :until")
            params["until"] = (until + timedelta(days=1)).isoformat()
        return (" AND ".join(clauses) or "1"), params

    def search_hits(
        self,
        query: str,
        *,
        limit: int = 20,
        mark: tuple[str, str] = ("<mark>", "</mark>"),
        snippet_words: int = 24,
        ranked: int = 10_000,
        **filters,
    ) -> list[dict]:
        """Full-text hits, best first (bm25): each with the title highlighted (`headline`) and
        a `snippet` of the body around the matched words, both marked with `mark`.

        Fast on a big archive: FTS5 itself sorts the matches by rank (`ORDER BY
        articles_fts.rank`) and hands them over best first, so titles and snippets are made
        for the hits returned only, not for every match (sorting on bm25() in SQL made them for
        all: seconds for a common word in a million articles). And as bm25 costs microseconds
        a match, a query that matches more than `ranked` articles (within the filters) is
        ranked among the `ranked` most recently archived of them."""
        where, params = self._article_filter(**filters)
        match = _fts_query(query)
        values = {**params, "match": match, "skip": max(0, ranked - 1)}
        # The id of the `ranked`-th newest match (None when fewer match): rowids in FTS5's own
        # order, no ranking, no article read unless a filter needs it.
        floor = self.db.execute(
            "SELECT articles_fts.rowid FROM articles_fts"
            + ("" if where == "1" else " JOIN articles a ON a.id = articles_fts.rowid")
            + f" WHERE articles_fts MATCH :match AND {where}"
            " ORDER BY articles_fts.rowid DESC LIMIT 1 OFFSET :skip",
            values,
        ).fetchone()
        newest = "" if floor is None else " AND articles_fts.rowid >= :floor"
        cursor = self.db.execute(
            "SELECT a.id, a.url, a.site, a.language, a.published, a.title,"
            " highlight(articles_fts, 0, :open, :close) AS headline,"
            " snippet(articles_fts, 1, :open, :close, '…', :words) AS snippet,"
            " articles_fts.rank AS rank"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH :match AND {where}{newest}"
            " ORDER BY articles_fts.rank LIMIT :limit",
            {
                **values,
                "floor": floor[0] if floor else None,
                "open": mark[0],
                "close": mark[1],
                "words": snippet_words,
                "limit": limit,
            },
        )
        columns = [d[0] for d in cursor.description]
        hits = [dict(zip(columns, row, strict=True)) for row in cursor]
        for hit in hits:  # a snippet may span paragraphs: one line reads better
            hit["snippet"] = " ".join((hit["snippet"] or "").split())
        return hits

    def count_articles(self, **filters) -> int:
        where, params = self._article_filter(**filters)
        return self.db.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[
            0
        ]

    def export_records(self, **filters) -> Iterator[dict]:
        """One record per article, oldest id first, with its outlet, categories and tags;
        read from one cursor, a row at a time, so memory stays flat on any archive size."""
        where, params = self._article_filter(**filters)
        cursor = self.db.conn.execute(
            "SELECT a.id, a.url, a.site, s.title AS outlet, s.country, a.language, a.title,"
            " a.description, a.body AS text, a.published, a.modified, a.authors, a.image,"
            " a.word_count, a.content_hash, a.first_seen, a.last_seen,"
            " (SELECT json_group_array(name) FROM (SELECT c.name FROM article_categories ac"
            "   JOIN categories c ON c.id = ac.category_id WHERE ac.article_id = a.id"
            "   ORDER BY c.name)) AS categories,"
            " (SELECT json_group_array(name) FROM (SELECT t.name FROM article_tags j"
            "   JOIN tags t ON t.id = j.tag_id WHERE j.article_id = a.id ORDER BY t.name)) AS tags"
            f" FROM articles a LEFT JOIN sites s ON s.name = a.site WHERE {where}"
            " ORDER BY a.id",
            params,
        )
        columns = [d[0] for d in cursor.description]
        for row in cursor:
            record = dict(zip(columns, row, strict=True))
            for key in ("authors", "categories", "tags"):
                record[key] = json.loads(record[key] or "[]")
            yield record

    _COUNT_KEYS = {
        "site": "a.site",
        "language": "a.language",
        "month": "substr(a.published, 1, 7)",
        "day": "substr(a.published, 1, 10)",
    }

    def article_counts(self, by: str, **filters) -> dict[str, int]:
        """Articles per outlet (`site`), `language`, `month`, `day` or `category` (by name,
        across outlets), in key order; undated articles have no month or day."""
        where, params = self._article_filter(**filters)
        if by == "category":
            sql = (
                "SELECT c.name, count(DISTINCT ac.article_id) FROM article_categories ac"
                " JOIN categories c ON c.id = ac.category_id"
                f" JOIN articles a ON a.id = ac.article_id WHERE {where} GROUP BY c.name"
            )
        else:
            key = self._COUNT_KEYS[by]
            sql = (
                f"SELECT {key} AS k, count(*) FROM articles a WHERE {where} AND k IS NOT NULL"
                " GROUP BY k"
            )
        return dict(sorted(self.db.execute(sql, params).fetchall()))

    def articles_per_day(self, **filters) -> list[tuple[str, str, int]]:
        """(day, outlet, articles) for every day an outlet published, by day."""
        where, params = self._article_filter(**filters)
        rows = self.db.execute(
            "SELECT substr(a.published, 1, 10) AS day, a.site, count(*) FROM articles a"
            f" WHERE {where} AND day IS NOT NULL GROUP BY day, a.site ORDER BY day, a.site",
            params,
        )
        return rows.fetchall()

    def date_range(self, **filters) -> tuple[str | None, str | None]:
        """The first and last `published` of the articles (as the outlets printed them)."""
        where, params = self._article_filter(**filters)
        row = self.db.execute(
            f"SELECT min(a.published), max(a.published) FROM articles a WHERE {where}", params
        ).fetchone()
        return row[0], row[1]

    def count_responses(self, sites: Iterable[str] | None = None) -> int:
        """Stored raw responses (of these outlets)."""
        where, params = self._article_filter(sites=sites)
        return self.db.execute(
            f"SELECT count(*) FROM responses a WHERE {where}", params
        ).fetchone()[0]

    def site_summary(self) -> list[dict]:
        """Per outlet: its title, articles, first and last date."""
        rows = self.db.execute(
            "SELECT s.name, s.title, count(a.id), min(a.published), max(a.published)"
            " FROM sites s LEFT JOIN articles a ON a.site = s.name GROUP BY s.name ORDER BY s.name"
        )
        return [
            {"site": n, "title": t, "articles": c, "first": f, "last": la}
            for n, t, c, f, la in rows
        ]

    # The SQL that datasette runs for `caucasus-crawler serve` (see caucasus_crawler/serve.py
    # and datasette_plugin.py). `fts_words()` is `_fts_query` as an SQL function.
    DATASETTE_QUERIES: dict[str, str] = {
        "latest_per_outlet": """
            SELECT a.site, a.published, a.language, a.title, a.url, a.id
            FROM sites s JOIN articles a ON a.id IN (
                SELECT b.id FROM articles b WHERE b.site = s.name
                ORDER BY b.published DESC LIMIT 10)
            ORDER BY a.site, a.published DESC
        """,
        "articles_in_category": """
            SELECT a.published, a.site, c.name AS category, a.language, a.title, a.url, a.id
            FROM categories c
            JOIN article_categories ac ON ac.category_id = c.id
            JOIN articles a ON a.id = ac.article_id
            WHERE c.name = :category
            ORDER BY a.published DESC
        """,
        "search": """
            SELECT a.published, a.site, a.language,
                highlight(articles_fts, 0, '<mark>', '</mark>') AS headline,
                snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet,
                a.url, a.id
            FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
            WHERE articles_fts MATCH fts_words(:q)
            ORDER BY bm25(articles_fts) LIMIT 100
        """,
        "duplicates_of_article": """
            SELECT p.url AS duplicate_url, p.reason, p.fetched, p.http_status,
                a.id AS article_id, a.title, a.url AS archived_url
            FROM pages p JOIN articles a ON a.id = p.article_id
            WHERE p.outcome = 'duplicate'
                AND (:article = '' OR a.id = :article OR a.url = :article)
            ORDER BY p.fetched DESC
        """,
    }
    # Each outlet's verdict from its latest judged run (health.py), worst first.
    DATASETTE_HEALTH_QUERY = """
        SELECT h.site, h.verdict, h.run_id, r.started,
            (SELECT group_concat(json_extract(p.value, '$.field') || ' (' ||
                json_extract(p.value, '$.kind') || '): ' || json_extract(p.value, '$.detail')
                || coalesce(', e.g. ' || json_extract(p.value, '$.example'), ''), char(10))
             FROM json_each(h.problems) AS p) AS problems,
            (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
                AND m.site = h.site AND m.metric = 'article_pages') AS article_pages,
            (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
                AND m.site = h.site AND m.metric = 'articles') AS articles,
            (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
                AND m.site = h.site AND m.metric = 'failed') AS failed
        FROM site_health AS h JOIN crawl_runs AS r ON r.id = h.run_id
        WHERE h.run_id = (SELECT max(run_id) FROM site_health AS l WHERE l.site = h.site)
        ORDER BY CASE h.verdict WHEN 'down' THEN 0 WHEN 'drifted' THEN 1 ELSE 2 END, h.site
    """
    # Only once `article_revisions` exists (issue 5): earlier versions of an article.
    DATASETTE_REVISIONS_QUERY = """
        SELECT r.*, a.url, a.title AS current_title
        FROM article_revisions r JOIN articles a ON a.id = r.article_id
        WHERE a.id = :article OR a.url = :article
        ORDER BY r.rowid DESC
    """
    # One article for its datasette page: the row, then its categories, tags and editions.
    DATASETTE_ARTICLE = """
        SELECT a.*, s.title AS outlet FROM articles a LEFT JOIN sites s ON s.name = a.site
        WHERE a.id = :id
    """
    DATASETTE_ARTICLE_LINKS = """
        SELECT 'categories' AS kind, c.name, c.url FROM article_categories j
            JOIN categories c ON c.id = j.category_id WHERE j.article_id = :id
        UNION ALL
        SELECT 'tags', t.name, t.url FROM article_tags j
            JOIN tags t ON t.id = j.tag_id WHERE j.article_id = :id
        UNION ALL
        SELECT 'translations', t.language, t.url FROM translations t WHERE t.article_id = :id
        ORDER BY 1, 2
    """

    @staticmethod
    def datasette_category_facet(inner_sql: str, limit: int) -> str:
        """Articles per category name among the rows of a datasette table query."""
        return (
            "SELECT c.name AS value, count(DISTINCT ac.article_id) AS count"
            " FROM article_categories ac JOIN categories c ON c.id = ac.category_id"
            f" WHERE ac.article_id IN (SELECT id FROM ({inner_sql}))"
            f" GROUP BY c.name ORDER BY count DESC, value LIMIT {int(limit)}"
        )

    @staticmethod
    def datasette_month_facet(inner_sql: str, column: str, limit: int) -> str:
        """Rows per month (`YYYY-MM` of an ISO date column), newest month first."""
        return (
            f"SELECT substr({column}, 1, 7) AS value, count(*) AS count FROM ({inner_sql})"
            f" WHERE {column} IS NOT NULL GROUP BY value ORDER BY value DESC LIMIT {int(limit)}"
        )

    @staticmethod
    def datasette_category_filter(param: str) -> str:
        """The WHERE clause of datasette's `?_category=NAME` (articles in that category)."""
        return (
            "id IN (SELECT ac.article_id FROM article_categories ac JOIN categories c"
            f" ON c.id = ac.category_id WHERE c.name = :{param})"
        )


def _links(article: Article) -> tuple:
    """An article's categories, tags and translations, in a comparable form."""
    return (
        sorted(c.name for c in article.categories),
        sorted(t.name for t in article.tags),
        dict(article.translations),
    )


def _fts_query(text: str) -> str:
    """Quote each word so that user input never reads as FTS5 syntax."""
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"' for w in words)
