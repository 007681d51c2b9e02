"""The archive's tables and columns, declared once.

Everything that names the schema follows from this declaration: the CREATE statements of a
new archive (migrations.py), the descriptions datasette shows (serve.py), the check that
export's fields come from real columns (export_fields.py), and the test that the README's
schema table lists exactly these tables and columns (tests/test_schema.py).

The schema is a public interface (datasette users and exports depend on its names). Changing
it is one edit here plus a migration step in migrations.py that brings existing archives to
the same tables; tests/test_schema.py checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# FTS5's unicode61 treats every Unicode letter as part of a word, so Georgian, Armenian and
# Cyrillic words are split on spaces and punctuation like Latin ones; diacritics are folded
# for Latin/Cyrillic only ("remove_diacritics 2" keeps combined letters correct).
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # its definition after the name: type and column constraints
    description: str  # what it holds, as datasette shows it


@dataclass(frozen=True)
class Index:
    name: str
    columns: str  # as in CREATE INDEX: "site, published"


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()  # table constraints: PRIMARY KEY (...), UNIQUE (...)
    indexes: tuple[Index, ...] = ()
    without_rowid: bool = False
    hidden: bool = False  # datasette hides it: an index of ours, not data to browse

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def create_statements(self) -> list[str]:
        lines = [f"{c.name} {c.sql}" for c in self.columns] + list(self.constraints)
        table = f"CREATE TABLE {self.name} (\n    " + ",\n    ".join(lines) + "\n)"
        if self.without_rowid:
            table += " WITHOUT ROWID"
        return [table] + [
            f"CREATE INDEX {index.name} ON {self.name} ({index.columns})" for index in self.indexes
        ]


@dataclass(frozen=True)
class SearchIndex:
    """The FTS5 table over some of a table's columns (sqlite-utils makes it and its triggers)."""

    name: str
    table: str
    columns: tuple[str, ...]
    tokenizer: str


def _link_table(name: str, kind: str, description: str, what: str) -> Table:
    """An outlet's categories or tags: the same shape, a different vocabulary."""
    return Table(
        name,
        description,
        (
            Column("id", "INTEGER PRIMARY KEY", f"The {kind}'s number"),
            Column("site", "TEXT NOT NULL REFERENCES sites(name)", "The outlet"),
            Column("name", "TEXT NOT NULL", what),
            Column("url", "TEXT", f"The {kind}'s page on the outlet's site"),
        ),
        constraints=("UNIQUE (site, name)",),
    )


def _join_table(name: str, other: str, key: str, description: str, what: str) -> Table:
    """Which article has which category or tag."""
    return Table(
        name,
        description,
        (
            Column(
                "article_id",
                "INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE",
                "The article",
            ),
            Column(key, f"INTEGER NOT NULL REFERENCES {other}(id)", what),
        ),
        constraints=(f"PRIMARY KEY (article_id, {key})",),
        indexes=(Index(f"{name}_{key.removesuffix('_id')}", key),),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "articles",
        "One row per article, keyed by its canonical URL; newest first.",
        (
            Column("id", "INTEGER PRIMARY KEY", "The article's number in this archive"),
            Column(
                "url", "TEXT NOT NULL UNIQUE", "Canonical URL of the article on the outlet's site"
            ),
            Column("site", "TEXT NOT NULL REFERENCES sites(name)", "The outlet (see sites)"),
            Column("title", "TEXT NOT NULL", "Headline, without the outlet's name"),
            Column(
                "body", "TEXT NOT NULL", "Text of the article: paragraphs separated by a blank line"
            ),
            Column("published", "TEXT", "Publication time, ISO 8601 with the outlet's UTC offset"),
            Column("modified", "TEXT", "Last modification time the outlet gives, ISO 8601"),
            Column("authors", "TEXT NOT NULL DEFAULT '[]'", "Authors, a JSON array"),
            Column("language", "TEXT", "ISO 639-1 code: en, ka (Georgian), hy (Armenian), az, ru"),
            Column("description", "TEXT", "The outlet's summary of the article"),
            Column("image", "TEXT", "URL of the article's main image"),
            Column("word_count", "INTEGER NOT NULL", "Words in the body"),
            Column(
                "content_hash",
                "TEXT NOT NULL",
                "SHA-256 of the case- and space-folded body (finds duplicates)",
            ),
            Column("first_seen", "TEXT NOT NULL", "When a crawl first stored it (UTC)"),
            Column("last_seen", "TEXT NOT NULL", "When a crawl last saw it (UTC)"),
            Column(
                "run_id",
                "INTEGER REFERENCES crawl_runs(id)",
                "The crawl run that last changed it (see crawl_runs)",
            ),
        ),
        indexes=(
            Index("articles_site_published", "site, published"),
            Index("articles_content_hash", "content_hash"),
            # newest first across outlets (datasette's articles page, search and export
            # --since, stats' date range) without sorting the whole table
            Index("articles_published", "published"),
        ),
    ),
    Table(
        "sites",
        "The outlets crawled into this archive.",
        (
            Column("name", "TEXT PRIMARY KEY", "The outlet's profile name (a Scrapy spider name)"),
            Column("title", "TEXT NOT NULL", "The outlet's own name"),
            Column("country", "TEXT NOT NULL", "GE, AM, AZ (ISO 3166) or regional"),
            Column(
                "languages",
                "TEXT NOT NULL",
                "Languages it publishes in, a JSON array of ISO 639-1 codes",
            ),
            Column("home", "TEXT NOT NULL", "Home page"),
        ),
    ),
    _link_table(
        "categories",
        "category",
        "An outlet's categories (sections); articles link to them.",
        "The category's name, as the outlet prints it",
    ),
    _join_table(
        "article_categories",
        "categories",
        "category_id",
        "Which article is in which category.",
        "The category",
    ),
    _link_table(
        "tags",
        "tag",
        "An outlet's tags (people, places, topics).",
        "The tag, as the outlet prints it",
    ),
    _join_table("article_tags", "tags", "tag_id", "Which article has which tag.", "The tag"),
    Table(
        "topics",
        "Topics across outlets and languages (caucasus_crawler/topics.toml); each outlet's "
        "profile maps its categories to them.",
        (
            Column("id", "INTEGER PRIMARY KEY", "The topic's number"),
            Column("name", "TEXT NOT NULL UNIQUE", "The topic, as `--topic` takes it: economy"),
            Column("label", "TEXT NOT NULL", "What it covers"),
        ),
    ),
    _join_table(
        "article_topics",
        "topics",
        "topic_id",
        "Which article is filed under which topic: the topics of its categories.",
        "The topic",
    ),
    Table(
        "pages",
        "Every URL a crawl fetched and what became of it.",
        (
            Column("url", "TEXT PRIMARY KEY", "The fetched URL"),
            Column("site", "TEXT", "The outlet"),
            Column(
                "outcome",
                "TEXT NOT NULL",
                "article, duplicate, not_article, listing, feed, sitemap, robots, "
                "redirected, skipped or failed",
            ),
            Column("http_status", "INTEGER", "HTTP status of the response"),
            Column("reason", "TEXT", "Why, for duplicates, redirects, skipped and failed pages"),
            Column(
                "article_id",
                "INTEGER REFERENCES articles(id)",
                "The article the page holds, or duplicates",
            ),
            Column("fetched", "TEXT NOT NULL", "When it was fetched (UTC)"),
            Column("run_id", "INTEGER REFERENCES crawl_runs(id)", "The crawl run (see crawl_runs)"),
            Column("etag", "TEXT", "The response's ETag, for the next crawl's conditional request"),
            Column(
                "last_modified",
                "TEXT",
                "The response's Last-Modified, for the next conditional request",
            ),
        ),
        indexes=(Index("pages_outcome", "outcome"), Index("pages_article", "article_id")),
    ),
    Table(
        "translations",
        "Other language editions of an article, as the outlet links them.",
        (
            Column(
                "article_id",
                "INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE",
                "The article",
            ),
            Column("language", "TEXT NOT NULL", "The other edition's language"),
            Column(
                "url",
                "TEXT NOT NULL",
                "The other edition's URL (an article of this archive when crawled)",
            ),
        ),
        constraints=("PRIMARY KEY (article_id, language)",),
        indexes=(Index("translations_url", "url"),),
    ),
    Table(
        "article_revisions",
        "Earlier versions of articles their outlet changed, kept when a crawl updated the article.",
        (
            Column("id", "INTEGER PRIMARY KEY", "The revision's number"),
            Column(
                "article_id",
                "INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE",
                "The article",
            ),
            Column("seen", "TEXT NOT NULL", "When a crawl saw this version (UTC)"),
            Column("title", "TEXT NOT NULL", "The title of that version"),
            Column("body", "TEXT NOT NULL", "The body of that version"),
            Column(
                "content_hash",
                "TEXT NOT NULL",
                "SHA-256 of that version's case- and space-folded body",
            ),
        ),
        indexes=(Index("article_revisions_article", "article_id, seen"),),
    ),
    Table(
        "responses",
        "Raw responses as received, kept for re-extraction and WARC export.",
        (
            Column("url", "TEXT PRIMARY KEY", "The fetched URL, as in pages"),
            Column("site", "TEXT", "The outlet"),
            Column("fetched", "TEXT NOT NULL", "When it was fetched (UTC)"),
            Column("http_status", "INTEGER", "HTTP status"),
            Column("headers", "TEXT NOT NULL DEFAULT '{}'", "Response headers, a JSON object"),
            Column(
                "body",
                "BLOB NOT NULL",
                "The body as received, compressed: a Zstandard frame (zlib in older archives)",
            ),
        ),
        indexes=(Index("responses_site", "site"),),
    ),
    Table(
        "duplicates",
        "Pages whose article the archive already holds, each pointing at the article kept "
        "(the earliest published copy of the story).",
        (
            Column("id", "INTEGER PRIMARY KEY", "The row's number"),
            Column(
                "url",
                "TEXT NOT NULL UNIQUE",
                "The page: the URL fetched (url) or its canonical URL (exact, near)",
            ),
            Column("site", "TEXT", "The outlet of the page"),
            Column(
                "article_id",
                "INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE",
                "The article kept",
            ),
            Column(
                "kind",
                "TEXT NOT NULL CHECK (kind IN ('url', 'exact', 'near'))",
                "url (the same page under another URL), exact (the same text) or near "
                "(a near copy)",
            ),
            Column("similarity", "REAL", "Shingle Jaccard of the two texts; 1.0 for url and exact"),
            Column("seen", "TEXT NOT NULL", "When it was last fetched (UTC)"),
            Column("run_id", "INTEGER REFERENCES crawl_runs(id)", "The crawl run (see crawl_runs)"),
        ),
        indexes=(Index("duplicates_article", "article_id"),),
    ),
    # The duplicate index (dedup_index.py): each article's URL keys and the LSH band hashes
    # of its body. Bands carry no foreign key: a band of an article that is gone only yields
    # a candidate that verification drops, and checking one on every delete would scan them.
    Table(
        "article_urls",
        "Every URL known to be an article's (its own, its aliases, the URLs it was fetched "
        "under), as a key that folds www, http/https and trailing slashes.",
        (
            Column("url_key", "TEXT PRIMARY KEY", "The URL's key (urls.url_key)"),
            Column(
                "article_id",
                "INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE",
                "The article",
            ),
        ),
        indexes=(Index("article_urls_article", "article_id"),),
        without_rowid=True,
    ),
    Table(
        "article_bands",
        "The near-duplicate index: LSH band hashes of each article's body.",
        (
            Column(
                "band",
                "INTEGER NOT NULL",
                "A band of the body's MinHash, with its number and the language",
            ),
            Column("article_id", "INTEGER NOT NULL", "The article"),
        ),
        constraints=("PRIMARY KEY (band, article_id)",),
        without_rowid=True,
        hidden=True,
    ),
    Table(
        "dedup_index",
        "What the near-duplicate index was built with, and how far.",
        (
            Column("name", "TEXT PRIMARY KEY", "version or built_to"),
            Column("value", "TEXT", "Its value"),
        ),
        hidden=True,
    ),
    # The word forms of the full-text index by stem (search_terms.py): what lets one form
    # of a word find the others. No foreign key: a term outlives the articles that held it.
    Table(
        "search_terms",
        "Every word of the stored titles and bodies with its stem: a search for one form "
        "of a word looks up the others here.",
        (
            Column("stem", "TEXT NOT NULL", "The folded word's stem (search/stemmers.py)"),
            Column("term", "TEXT NOT NULL", "The word as the full-text index holds it"),
            Column(
                "folded",
                "TEXT NOT NULL",
                "The word folded: lowercase, ı/İ as i, Latin accents dropped, ё as е",
            ),
        ),
        constraints=("PRIMARY KEY (stem, term)",),
        indexes=(Index("search_terms_folded", "folded"),),
        without_rowid=True,
        hidden=True,
    ),
    Table(
        "search_index",
        "What the word forms of `search_terms` were filed with, and how far.",
        (
            Column("name", "TEXT PRIMARY KEY", "version or built_to"),
            Column("value", "TEXT", "Its value"),
        ),
        hidden=True,
    ),
    Table(
        "crawl_runs",
        "One row per run of `caucasus-crawler crawl`.",
        (
            Column("id", "INTEGER PRIMARY KEY", "The run's number"),
            Column("started", "TEXT NOT NULL", "Start (UTC)"),
            Column("finished", "TEXT", "End (UTC); empty while running or if it was killed"),
            Column(
                "mode",
                "TEXT NOT NULL CHECK (mode IN ('demo', 'live', 'import', 'wayback'))",
                "demo (the bundled mirror), live, import (WARC files) or wayback (captures of "
                "the Wayback Machine)",
            ),
            Column("sites", "TEXT NOT NULL DEFAULT '[]'", "Outlets crawled, a JSON array"),
            Column("requests", "INTEGER NOT NULL DEFAULT 0", "HTTP requests made"),
            Column("pages", "INTEGER NOT NULL DEFAULT 0", "Pages recorded"),
            Column("articles_new", "INTEGER NOT NULL DEFAULT 0", "Articles added"),
            Column(
                "articles_updated",
                "INTEGER NOT NULL DEFAULT 0",
                "Articles whose text, title or dates changed",
            ),
            Column(
                "duplicates",
                "INTEGER NOT NULL DEFAULT 0",
                "Pages that duplicate an archived article",
            ),
            Column("failures", "INTEGER NOT NULL DEFAULT 0", "Pages that failed"),
            Column(
                "failed",
                "TEXT",
                "Why the run stopped before its end (a full disk, say); empty otherwise",
            ),
        ),
    ),
    Table(
        "site_health",
        "Each outlet's health in each run: whether its profile still fits its site (see "
        "`caucasus-crawler health`).",
        (
            Column(
                "run_id",
                "INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE",
                "The crawl run",
            ),
            Column("site", "TEXT NOT NULL", "The outlet"),
            Column(
                "verdict",
                "TEXT NOT NULL CHECK (verdict IN ('ok', 'drifted', 'down', 'unknown'))",
                "ok, drifted (the profile no longer fits the site), down (nothing answered) "
                "or unknown",
            ),
            Column(
                "problems",
                "TEXT NOT NULL DEFAULT '[]'",
                "JSON array of {field, kind, detail, count, example}: the profile field to "
                "fix, drift or failure, what was seen, how often, an example URL",
            ),
            Column("profile", "TEXT", "Digest of the profile the run used"),
            Column("judged", "TEXT NOT NULL", "When the verdict was drawn (UTC)"),
        ),
        constraints=("PRIMARY KEY (site, run_id)",),
    ),
    Table(
        "site_health_metrics",
        "What each run's pages said about each outlet's profile: counts the health verdicts "
        "are drawn from (the metrics are listed in caucasus_crawler/health.py).",
        (
            Column(
                "run_id",
                "INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE",
                "The crawl run",
            ),
            Column("site", "TEXT NOT NULL", "The outlet"),
            Column(
                "metric",
                "TEXT NOT NULL",
                "What was counted, e.g. pattern_missed, body_miss, failed:HTTP 404",
            ),
            Column("count", "INTEGER NOT NULL DEFAULT 0", "How many"),
            Column("example", "TEXT", "A URL that counted"),
        ),
        constraints=("PRIMARY KEY (site, run_id, metric)",),
        without_rowid=True,
    ),
    Table(
        "imported_files",
        "WARC files `caucasus-crawler import` has read, and how far: a second import of a file "
        "adds nothing, a killed one resumes where it stopped.",
        (
            Column("id", "INTEGER PRIMARY KEY", "The file's number"),
            Column("name", "TEXT NOT NULL", "The path it was last imported from"),
            Column("size", "INTEGER NOT NULL", "Its size in bytes"),
            Column(
                "head", "TEXT NOT NULL", "SHA-256 of its first MiB (with its size: its identity)"
            ),
            Column(
                "next_offset",
                "INTEGER NOT NULL DEFAULT 0",
                "Where the first record not yet stored begins: a resumed import reads on there",
            ),
            Column(
                "retry_from",
                "INTEGER",
                "Where the first record held back (by --since, --until, --max-articles) or failed "
                "begins: the next import reads the file again from there",
            ),
            Column("records", "INTEGER NOT NULL DEFAULT 0", "Records read from it, in all"),
            Column("errors", "INTEGER NOT NULL DEFAULT 0", "Broken records met in it"),
            Column("last_error", "TEXT", "The last broken record: its offset and what was wrong"),
            Column("finished", "TEXT", "When it was read to its end (UTC); empty while unfinished"),
            Column("run_id", "INTEGER REFERENCES crawl_runs(id)", "The run that last read it"),
        ),
        constraints=("UNIQUE (size, head)",),
    ),
)
BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}

SEARCH = SearchIndex("articles_fts", "articles", ("title", "body"), FTS_TOKENIZER)


def create_statements() -> list[str]:
    """Every table and index of the latest schema (the FTS index is made apart, see
    migrations.ensure_search_index)."""
    return [statement for table in TABLES for statement in table.create_statements()]
