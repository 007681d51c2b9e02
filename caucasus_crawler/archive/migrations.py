"""Migrations: how an archive of an older schema becomes one of the schema declared in schema.py.

Each step moves an archive from version N to N+1 (`PRAGMA user_version`); the steps are
history, never edited once released. A new archive gets the declared schema at once
(schema.create_statements) and the latest version; tests/test_schema.py checks that replaying
every step gives the same tables, columns, constraints and indexes. A schema change is an
edit to schema.py plus a new step at the end of MIGRATIONS.
"""

from __future__ import annotations

import sqlite3

from caucasus_crawler.archive.lean_sqlite_utils import sqlite_utils
from caucasus_crawler.archive.schema import SEARCH, create_statements
from caucasus_crawler.archive.topic_index import TOPICS_STEP, fill_article_topics

MIGRATIONS: list[str] = [
    # 1: outlets, runs, articles with their categories and tags, and every page fetched
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
    # checking one on every delete would scan the table. dedup_index.py fills both for
    # the articles already stored (and again whenever dedup.index_version() changes).
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
    # 10: runs that import WARC files or Wayback captures (issue 22). SQLite cannot alter a
    # CHECK, and rebuilding crawl_runs would cascade deletes to the tables that reference it,
    # so the constraint's text is edited in place (SQLite's documented writable_schema way:
    # every existing row satisfies the wider check); migrate() then bumps schema_version so
    # open connections read the new schema.
    """
    PRAGMA writable_schema=ON;
    UPDATE sqlite_master SET sql = replace(sql, 'CHECK (mode IN (''demo'', ''live''))',
        'CHECK (mode IN (''demo'', ''live'', ''import'', ''wayback''))')
        WHERE type = 'table' AND name = 'crawl_runs';
    PRAGMA writable_schema=OFF;
    """,
    # 11: topics across outlets and languages, and which article is filed under which; the
    # rows are filled from the archived categories by topic_index.fill_article_topics, in
    # this migration's transaction (the categories' map to topics is data in the profiles)
    """
    CREATE TABLE topics (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL
    );
    CREATE TABLE article_topics (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        topic_id INTEGER NOT NULL REFERENCES topics(id),
        PRIMARY KEY (article_id, topic_id)
    );
    CREATE INDEX article_topics_topic ON article_topics (topic_id);
    """,
    # 12: the word forms of the full-text index by stem, so that a search finds a word in any
    # of its forms; search_terms.py fills it for the articles already stored
    """
    CREATE TABLE search_terms (
        stem TEXT NOT NULL,
        term TEXT NOT NULL,
        folded TEXT NOT NULL,
        PRIMARY KEY (stem, term)
    ) WITHOUT ROWID;
    CREATE INDEX search_terms_folded ON search_terms (folded);
    CREATE TABLE search_index (
        name TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 13: WARC files imported, and how far
    """
    CREATE TABLE imported_files (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        head TEXT NOT NULL,
        next_offset INTEGER NOT NULL DEFAULT 0,
        retry_from INTEGER,
        records INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        finished TEXT,
        run_id INTEGER REFERENCES crawl_runs(id),
        UNIQUE (size, head)
    );
    """,
]
LATEST = len(MIGRATIONS)  # the version of the schema schema.py declares
_FTS_TRIGGERS = {"articles_ai", "articles_ad", "articles_au"}  # as sqlite-utils names them


def statements(script: str) -> list[str]:
    """The statements of a migration script (no `;` inside our schema's strings)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the archive to LATEST: a new one (version 0) gets the declared schema, an older
    one the steps after its version. One transaction, under the write lock: a peer that
    migrated meanwhile leaves nothing to do."""
    if version(conn) >= LATEST:
        return
    conn.execute("BEGIN IMMEDIATE")  # the write lock first, then look again
    try:
        current = version(conn)
        if current == 0:
            steps = create_statements()
        else:
            steps = [s for script in MIGRATIONS[current:] for s in statements(script)]
        for statement in steps:
            conn.execute(statement)
        if current < TOPICS_STEP:  # the topics, and the archived articles filed under them
            fill_article_topics(conn)
        if any("writable_schema" in statement for statement in steps):
            schema_cookie = conn.execute("PRAGMA schema_version").fetchone()[0]
            conn.execute(f"PRAGMA schema_version={schema_cookie + 1}")
        conn.execute(f"PRAGMA user_version={LATEST}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def ensure_search_index(db: sqlite_utils.Database) -> None:
    """The FTS5 index (schema.SEARCH) and its triggers (sqlite-utils), rebuilt if a crash or
    a peer left the table without its triggers."""
    table = db[SEARCH.table]
    if db[SEARCH.name].exists() and _FTS_TRIGGERS <= {t.name for t in table.triggers}:
        return
    try:
        table.enable_fts(
            list(SEARCH.columns), create_triggers=True, tokenize=SEARCH.tokenizer, replace=True
        )
        table.rebuild_fts()
    except sqlite3.OperationalError:
        if not db[SEARCH.name].exists():  # a peer made it meanwhile: fine
            raise
