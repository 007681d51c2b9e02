"""`caucasus-crawler serve`: datasette over the archive, explaining itself.

`build_metadata` describes the archive to datasette (title, sources, every table and column,
full-text search, facets, newest first, canned queries); `build_datasette` opens the archive
read-only (SQLite `mode=ro`: a crawl may go on writing it) with our plugin
(caucasus_crawler/datasette_plugin.py) and templates; `serve` runs it with uvicorn on
127.0.0.1 unless told otherwise, on a socket it has bound first (`listening_socket`), so that
a port already taken is one line (a ServeError), never "Serving …" followed by uvicorn's error.

What one request may cost is bounded whoever asks: time (SETTINGS), the size of values, of an
answer and of SQLite's memory (the plugin's MAX_VALUE_BYTES, MAX_RESULT_BYTES, MAX_SQLITE_HEAP),
and functions with no place in a public archive are refused. Arbitrary SQL (`?sql=`, `_where=`)
is for a researcher's own machine: on by default on a loopback address, off on any other unless
`allow_sql` says so (`serve --allow-sql`); the tables, search, facets and canned queries stay.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
from html import escape
from pathlib import Path

from caucasus_crawler import datasette_sql
from caucasus_crawler.archive import Archive, limit_sqlite_heap, schema

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

# What datasette says of each table and column: the schema's own declaration.
TABLES: dict[str, dict] = {
    table.name: {
        "description": table.description,
        **({"hidden": True} if table.hidden else {}),
        "columns": {column.name: column.description for column in table.columns},
    }
    for table in schema.TABLES
}

# The order datasette lists the tables in (home and database pages): what the archive holds
# first, the crawl's bookkeeping after. A table not named here comes last.
READING_ORDER: tuple[str, ...] = (
    # the articles and what they link to
    "articles",
    "sites",
    "categories",
    "tags",
    "topics",
    "translations",
    "article_revisions",
    "duplicates",
    # which article has which category, tag and topic
    "article_categories",
    "article_tags",
    "article_topics",
    # the crawl's bookkeeping
    "crawl_runs",
    "pages",
    "site_health",
    "site_health_metrics",
    "responses",
    "article_urls",
    "article_bands",
    "dedup_index",
    "search_terms",
    "search_index",
)


def reading_rank(table: str) -> tuple[int, str]:
    """A table's place in READING_ORDER (a sort key); tables not named there after, by name."""
    try:
        return READING_ORDER.index(table), table
    except ValueError:
        return len(READING_ORDER), table


def build_metadata(archive: Archive, database: str) -> dict:
    """Datasette metadata for the archive served under the name `database`."""
    sites = archive.sites()
    tables = {name: dict(spec) for name, spec in TABLES.items() if archive.has_table(name)}
    tables["articles"].update(
        {
            "sort_desc": "published",
            "label_column": "title",
            "fts_table": schema.SEARCH.name,
            "fts_pk": "id",
            "facets": [
                "site",
                "language",
                {"category": "category"},
                {"topic": "topic"},
                {"array": "authors"},  # by name: no raw JSON, no bucket of `[]`
                {"month": "published"},
            ],
            "size": 50,
            "facet_size": 5,  # the rows on the first screen; "…" shows a facet's every value
        }
    )
    tables["sites"]["label_column"] = "title"
    tables[schema.SEARCH.name] = {"hidden": True}
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


class ServeError(Exception):
    """The server cannot listen where it was asked to; the message is one line for the user."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening, as uvicorn would make it (SO_REUSEADDR, so a
    port left in TIME_WAIT by a server just stopped is free); a ServeError when it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen()  # here, not in uvicorn: another program may hold the port unlistened
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = f"--port {port}: taken on {host} (another server?); give another port"
        elif exc.errno == errno.EACCES:
            reason = f"--port {port}: not allowed to listen on it here" + (
                " (ports below 1024 need privileges); give another port" if port < 1024 else ""
            )
        else:  # an address not of this machine, a name that does not resolve...
            reason = f"--host {host}: cannot listen there: {exc.strerror or exc}"
        raise ServeError(reason) from None
    return sock


def serve(
    db: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, allow_sql: bool | None = None
) -> None:
    """Run datasette over the archive until interrupted; a ServeError, before anything is
    printed, when host:port cannot be listened on."""
    import uvicorn

    with listening_socket(host, port) as sock:
        ds = build_datasette(db, host, allow_sql)
        from caucasus_crawler.datasette_plugin import MAX_SQLITE_HEAP  # once datasette is loaded

        limit_sqlite_heap(MAX_SQLITE_HEAP)  # after the migration build_datasette may have run
        if ds.setting("default_allow_sql"):
            sql = "arbitrary SQL on" + ("" if is_loopback(host) else " for everyone (--allow-sql)")
        else:
            sql = "arbitrary SQL off" + ("" if allow_sql is False else "; --allow-sql turns it on")
        print(
            f"Serving {db} at http://{host}:{port}/{db.stem}/articles "
            f"(read-only, {sql}; Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )
        # lifespan="on": datasette's startup (its plugins' hooks) runs as the server starts.
        config = uvicorn.Config(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
        uvicorn.Server(config).run(sockets=[sock])
