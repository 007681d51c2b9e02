"""`caucasus-crawler serve`: datasette over the archive, explaining itself.

`build_metadata` describes the archive to datasette (title, sources, every table and column,
full-text search, facets, newest first, canned queries); `build_datasette` opens the archive
read-only (SQLite `mode=ro`: a crawl may go on writing it) with our plugin
(caucasus_crawler/datasette_plugin.py) and templates; `serve` runs it with uvicorn on
127.0.0.1 unless told otherwise.

What one request may cost is bounded whoever asks: time (SETTINGS), the size of values, of an
answer and of SQLite's memory (the plugin's MAX_VALUE_BYTES, MAX_RESULT_BYTES, MAX_SQLITE_HEAP),
and functions with no place in a public archive are refused. Arbitrary SQL (`?sql=`, `_where=`)
is for a researcher's own machine: on by default on a loopback address, off on any other unless
`allow_sql` says so (`serve --allow-sql`); the tables, search, facets and canned queries stay.
"""

from __future__ import annotations

import ipaddress
import sys
from html import escape
from pathlib import Path

from caucasus_crawler import datasette_sql
from caucasus_crawler.archive import Archive, limit_sqlite_heap

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
PLUGIN_NAME = "caucasus_crawler"
SETTINGS = {
    "truncate_cells_html": 240,
    "default_facet_size": 15,
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 3000,  # any one query (each page of a CSV stream is one)
    "max_csv_mb": 50,  # a CSV stream of a table; `caucasus-crawler export` takes it all
}

TITLE = "South Caucasus news archive"
DESCRIPTION = (
    "News articles from outlets of Georgia, Armenia, Azerbaijan and regional media, in "
    "English, Georgian, Armenian, Azerbaijani and Russian, crawled by caucasus-crawler. Each "
    "article is stored once, under its canonical URL, with its date, authors, language, "
    "categories and tags. Search the articles table, or use the queries below. The texts "
    "belong to their outlets: follow each article's link to the original."
)

# Column descriptions: the schema as the README documents it.
TABLES: dict[str, dict] = {
    "articles": {
        "description": "One row per article, keyed by its canonical URL; newest first.",
        "columns": {
            "id": "The article's number in this archive",
            "url": "Canonical URL of the article on the outlet's site",
            "site": "The outlet (see sites)",
            "title": "Headline, without the outlet's name",
            "body": "Text of the article: paragraphs separated by a blank line",
            "published": "Publication time, ISO 8601 with the outlet's UTC offset",
            "modified": "Last modification time the outlet gives, ISO 8601",
            "authors": "Authors, a JSON array",
            "language": "ISO 639-1 code: en, ka (Georgian), hy (Armenian), az, ru",
            "description": "The outlet's summary of the article",
            "image": "URL of the article's main image",
            "word_count": "Words in the body",
            "content_hash": "SHA-256 of the case- and space-folded body (finds duplicates)",
            "first_seen": "When a crawl first stored it (UTC)",
            "last_seen": "When a crawl last saw it (UTC)",
            "run_id": "The crawl run that last changed it (see crawl_runs)",
        },
    },
    "sites": {
        "description": "The outlets crawled into this archive.",
        "columns": {
            "name": "The outlet's profile name (a Scrapy spider name)",
            "title": "The outlet's own name",
            "country": "GE, AM, AZ (ISO 3166) or regional",
            "languages": "Languages it publishes in, a JSON array of ISO 639-1 codes",
            "home": "Home page",
        },
    },
    "categories": {
        "description": "An outlet's categories (sections); articles link to them.",
        "columns": {
            "id": "The category's number",
            "site": "The outlet",
            "name": "The category's name, as the outlet prints it",
            "url": "The category's page on the outlet's site",
        },
    },
    "article_categories": {
        "description": "Which article is in which category.",
        "columns": {"article_id": "The article", "category_id": "The category"},
    },
    "tags": {
        "description": "An outlet's tags (people, places, topics).",
        "columns": {
            "id": "The tag's number",
            "site": "The outlet",
            "name": "The tag, as the outlet prints it",
            "url": "The tag's page on the outlet's site",
        },
    },
    "article_tags": {
        "description": "Which article has which tag.",
        "columns": {"article_id": "The article", "tag_id": "The tag"},
    },
    "translations": {
        "description": "Other language editions of an article, as the outlet links them.",
        "columns": {
            "article_id": "The article",
            "language": "The other edition's language",
            "url": "The other edition's URL (an article of this archive when crawled)",
        },
    },
    "article_revisions": {
        "description": "Earlier versions of articles their outlet changed, kept when a crawl "
        "updated the article.",
        "columns": {
            "id": "The revision's number",
            "article_id": "The article",
            "seen": "When a crawl saw this version (UTC)",
            "title": "The title of that version",
            "body": "The body of that version",
            "content_hash": "SHA-256 of that version's case- and space-folded body",
        },
    },
    "pages": {
        "description": "Every URL a crawl fetched and what became of it.",
        "columns": {
            "url": "The fetched URL",
            "site": "The outlet",
            "outcome": "article, duplicate, not_article, listing, feed, sitemap, robots, "
            "redirected, skipped or failed",
            "http_status": "HTTP status of the response",
            "reason": "Why, for duplicates, redirects, skipped and failed pages",
            "article_id": "The article the page holds, or duplicates",
            "fetched": "When it was fetched (UTC)",
            "run_id": "The crawl run (see crawl_runs)",
            "etag": "The response's ETag, for the next crawl's conditional request",
            "last_modified": "The response's Last-Modified, for the next conditional request",
        },
    },
    "responses": {
        "description": "Raw responses as received, kept for re-extraction and WARC export.",
        "columns": {
            "url": "The fetched URL, as in pages",
            "site": "The outlet",
            "fetched": "When it was fetched (UTC)",
            "http_status": "HTTP status",
            "headers": "Response headers, a JSON object",
            "body": "The body as received, compressed: a Zstandard frame (zlib in older archives)",
        },
    },
    "duplicates": {
        "description": "Pages whose article the archive already holds, each pointing at the "
        "article kept (the earliest published copy of the story).",
        "columns": {
            "id": "The row's number",
            "url": "The page: the URL fetched (url) or its canonical URL (exact, near)",
            "site": "The outlet of the page",
            "article_id": "The article kept",
            "kind": "url (the same page under another URL), exact (the same text) or near "
            "(a near copy)",
            "similarity": "Shingle Jaccard of the two texts; 1.0 for url and exact",
            "seen": "When it was last fetched (UTC)",
            "run_id": "The crawl run (see crawl_runs)",
        },
    },
    "article_urls": {
        "description": "Every URL known to be an article's (its own, its aliases, the URLs it "
        "was fetched under), as a key that folds www, http/https and trailing slashes.",
        "columns": {"url_key": "The URL's key (urls.url_key)", "article_id": "The article"},
    },
    "article_bands": {
        "description": "The near-duplicate index: LSH band hashes of each article's body.",
        "hidden": True,
        "columns": {
            "band": "A band of the body's MinHash, with its number and the language",
            "article_id": "The article",
        },
    },
    "dedup_index": {
        "description": "What the near-duplicate index was built with, and how far.",
        "hidden": True,
        "columns": {"name": "version or built_to", "value": "Its value"},
    },
    "site_health": {
        "description": "Each outlet's health in each run: whether its profile still fits its "
        "site (see `caucasus-crawler health`).",
        "columns": {
            "run_id": "The crawl run",
            "site": "The outlet",
            "verdict": "ok, drifted (the profile no longer fits the site), down (nothing "
            "answered) or unknown",
            "problems": "JSON array of {field, kind, detail, count, example}: the profile "
            "field to fix, drift or failure, what was seen, how often, an example URL",
            "profile": "Digest of the profile the run used",
            "judged": "When the verdict was drawn (UTC)",
        },
    },
    "site_health_metrics": {
        "description": "What each run's pages said about each outlet's profile: counts the "
        "health verdicts are drawn from (the metrics are listed in caucasus_crawler/health.py).",
        "columns": {
            "run_id": "The crawl run",
            "site": "The outlet",
            "metric": "What was counted, e.g. pattern_missed, body_miss, failed:HTTP 404",
            "count": "How many",
            "example": "A URL that counted",
        },
    },
    "crawl_runs": {
        "description": "One row per run of `caucasus-crawler crawl`.",
        "columns": {
            "id": "The run's number",
            "started": "Start (UTC)",
            "finished": "End (UTC); empty while running or if it was killed",
            "mode": "demo (the bundled mirror) or live",
            "sites": "Outlets crawled, a JSON array",
            "requests": "HTTP requests made",
            "pages": "Pages recorded",
            "articles_new": "Articles added",
            "articles_updated": "Articles whose text, title or dates changed",
            "duplicates": "Pages that duplicate an archived article",
            "failures": "Pages that failed",
            "failed": "Why the run stopped before its end (a full disk, say); empty otherwise",
        },
    },
}


def build_metadata(archive: Archive, database: str) -> dict:
    """Datasette metadata for the archive served under the name `database`."""
    sites = archive.sites()
    tables = {name: dict(spec) for name, spec in TABLES.items() if archive.has_table(name)}
    tables["articles"].update(
        {
            "sort_desc": "published",
            "label_column": "title",
            "fts_table": "articles_fts",
            "fts_pk": "id",
            "facets": [
                "site",
                "language",
                {"category": "category"},
                {"month": "published"},
            ],
            "size": 50,
        }
    )
    tables["sites"]["label_column"] = "title"
    tables["articles_fts"] = {"hidden": True}
    queries = {name: dict(query) for name, query in datasette_sql.CANNED_QUERIES.items()}
    if archive.has_table("site_health"):  # archives from before 2026-12-07 have none yet
        queries["latest_health"] = dict(datasette_sql.HEALTH_QUERY)
    outlets = ", ".join(
        f'<a href="{escape(s["home"])}">{escape(s["title"])}</a> ({escape(s["country"])})'
        for s in sorted(sites, key=lambda s: s["name"])
    )
    return {
        "title": TITLE,
        "description_html": f"<p>{escape(DESCRIPTION)}</p>"
        + (f"<p>Sources: {outlets}.</p>" if outlets else ""),
        "source": "caucasus-crawler crawls of " + ", ".join(s["title"] for s in sites)
        if sites
        else "caucasus-crawler",
        "databases": {database: {"tables": tables, "queries": queries}},
    }


def register_plugin() -> None:
    """Load our datasette plugin into datasette's plugin manager (once per process)."""
    from datasette.plugins import pm

    from caucasus_crawler import datasette_plugin

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(datasette_plugin, name=PLUGIN_NAME)


def is_loopback(host: str) -> bool:
    """Whether `host` is only this machine's: a loopback address or `localhost`."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another name may resolve to anything


def sql_allowed(host: str, allow_sql: bool | None = None) -> bool:
    """Arbitrary SQL: as `allow_sql` says, else only on a loopback address."""
    return is_loopback(host) if allow_sql is None else allow_sql


def build_datasette(db: Path, host: str = DEFAULT_HOST, allow_sql: bool | None = None):
    """A Datasette over the archive: read-only, with our metadata, plugin and templates;
    arbitrary SQL as `sql_allowed(host, allow_sql)` says."""
    from datasette.app import Datasette

    with Archive.open_read_only(db) as archive:  # migrates an old archive first
        metadata = build_metadata(archive, db.stem)
    register_plugin()
    return Datasette(
        files=[str(db)],  # mutable: datasette opens it with mode=ro
        metadata=metadata,
        template_dir=str(TEMPLATES),
        settings={**SETTINGS, "default_allow_sql": sql_allowed(host, allow_sql)},
    )


def serve(
    db: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, allow_sql: bool | None = None
) -> None:
    """Run datasette over the archive until interrupted."""
    import uvicorn

    ds = build_datasette(db, host, allow_sql)
    from caucasus_crawler.datasette_plugin import MAX_SQLITE_HEAP  # once datasette is loaded

    limit_sqlite_heap(MAX_SQLITE_HEAP)  # after the migration build_datasette may have run
    if ds.setting("default_allow_sql"):
        sql = "arbitrary SQL on" + ("" if is_loopback(host) else " for everyone (--allow-sql)")
    else:
        sql = "arbitrary SQL off" + ("" if allow_sql is False else "; --allow-sql turns it on")
    print(
        f"Serving {db} at http://{host}:{port}/{db.stem}/articles (read-only, {sql}; Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    # lifespan="on": datasette's startup (its plugins' hooks) runs as the server starts.
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
