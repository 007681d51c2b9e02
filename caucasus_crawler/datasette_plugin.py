"""The datasette plugin behind `caucasus-crawler serve` (registered by caucasus_crawler.serve).

What it adds to datasette for an archive:
- facets by category (`_facet_category`) and by topic (`_facet_topic`; articles reach both
  through join tables) and by month (`_facet_month`), and the `?_category=NAME` and
  `?_topic=NAME` filters that their links use;
- one facet per column: `_facet=` of a column already faceted is dropped, and of a JSON
  array column (authors) is its array facet, by name (see one_facet_per_column);
- canned queries, `article_revisions` included only once that table exists;
- `search_match()` and `search_exact()`, the archive's own reading of a query (words in any
  form, `word*`, "phrases"; never FTS5 syntax) for the canned search, and `escape_fts()`,
  which datasette's `_search` calls, replaced by the same; the `articles` table's search box
  goes to the canned search, ranked by relevance (see search_goes_to_the_ranked_query);
- `<mark>` in search headlines and snippets shown as highlights, not as escaped text;
- the `articles` table's page led by what a reader wants (title linking to the article's
  page, outlet, published, language, categories, a snippet, the URL shortened; see
  templates/_table.html): hashes and bodies stay in the row page, the JSON and SQL, and
  `?_columns=all` (or `_col=`, `_nocol=`) shows datasette's table of every column;
- URLs shown percent-decoded (`%E1%83%90` as `ა`), linking to the URL as it is;
- an article's page as a readable article (see templates/row.html);
- no permission to write, whatever datasette version runs it;
- bounds on what one request may cost, whoever asks (see "What a request may cost" below).

Its SQL is beside it, in caucasus_crawler/datasette_sql.py.
"""

from __future__ import annotations

import sqlite3
import weakref
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from caucasus_crawler import datasette_sql
from caucasus_crawler.archive import fts_query, match_expressions
from caucasus_crawler.serve import reading_rank
from caucasus_crawler.urls import url_key

ARTICLES = "articles"
# Columns whose values are URLs, shown decoded (any column named *_url is one too).
URL_COLUMNS = {"url", "image", "home", "example"}
SHORT_URL_WIDTH = 48  # the URL column of the articles table: a link, not most of the width
SNIPPET_CHARACTERS = 160  # of the description, else of the body, in the articles table
# What lets a visitor choose the articles table's columns: datasette's own table then.
COLUMN_ARGS = ("_col", "_nocol", "_columns")
# Columns holding a JSON array of names, faceted by name (`_facet_array`), never as raw JSON.
JSON_ARRAY_COLUMNS = {ARTICLES: {"authors"}, "sites": {"languages"}, "crawl_runs": {"sites"}}
MARKED_COLUMNS = {"headline", "snippet"}
WRITE_ACTIONS = {
    "insert-row",
    "delete-row",
    "update-row",
    "create-table",
    "alter-table",
    "drop-table",
    "upsert-row",
}

# -- What a request may cost ---------------------------------------------------------------------
# `?sql=select zeroblob(300000000)` once took 71 s and 4.6 GB and streamed 1.8 GB (issue 17).
# datasette bounds a query's time (sql_time_limit_ms, set in serve.py) and its rows
# (max_returned_rows), not their size; these bound it on every connection it opens:
#
# Any one string, blob or row (SQLITE_LIMIT_LENGTH): above the largest value a crawl stores
# (a response body is at most DOWNLOAD_MAXSIZE, 20 MB), so the whole archive stays readable.
MAX_VALUE_BYTES = 24 * 2**20
# The text and blobs of one query's rows together (counted as they are fetched): a page of 1000
# articles holds a few MB.
MAX_RESULT_BYTES = 32 * 2**20
# SQLite's heap in the serving process (PRAGMA hard_heap_limit, set by serve.py): bounds a row
# of many long values, which the two limits above allow.
MAX_SQLITE_HEAP = 128 * 2**20
# Functions with no place in a public archive, refused when a statement is prepared:
REFUSED_FUNCTIONS = frozenset(
    {
        "zeroblob",  # any size in one step, where the time limit cannot look
        "randomblob",  # likewise
        "fts3_tokenizer",  # leaks a pointer; with two arguments, calls code at any address
        "load_extension",  # loads native code (Python's sqlite3 disables it; refused anyway)
        "readfile",  # the sqlite3 shell's file access, should an extension bring it
        "writefile",
        "edit",
    }
)


class ResultTooLarge(sqlite3.DataError):
    """A query's rows hold more text and blobs than one answer may (MAX_RESULT_BYTES)."""


def _authorize(action, arg1, arg2, database, trigger) -> int:
    """SQLite's authorizer: refuse REFUSED_FUNCTIONS ("not authorized to use function: X")."""
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _bounded_rows():
    """A row factory giving datasette its sqlite3.Row, which raises ResultTooLarge once a
    cursor's rows hold more than MAX_RESULT_BYTES of text and blobs."""
    spent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per cursor: a query

    def row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
        size = spent.get(cursor, 0)
        size += sum(len(value) for value in values if isinstance(value, (str, bytes)))
        if size > MAX_RESULT_BYTES:
            raise ResultTooLarge(
                f"the answer would hold more than {MAX_RESULT_BYTES // 2**20} MB of text and "
                "blobs, the most one answer may: ask for fewer rows or columns (LIMIT, ?_size=)"
            )
        spent[cursor] = size
        return sqlite3.Row(cursor, values)

    return row


def paragraphs(body: str | None) -> list[str]:
    """An article body's paragraphs (the archive separates them by a blank line)."""
    return [p.strip() for p in (body or "").split("\n\n") if p.strip()]


def _marked(value: str) -> Markup:
    """Escape a value but keep the <mark> tags that SQLite's highlight()/snippet() put in."""
    html = str(escape(value))
    return Markup(html.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


class CategoryFacet(Facet):
    """Articles per category name, across outlets (`_facet_category=category`); a value
    selects `?_category=NAME` (see filters_from_request)."""

    type = "category"
    label = "via article_categories"  # shown as "category (via article_categories)"
    arg = "_category"
    facet_sql = staticmethod(datasette_sql.category_facet)

    def _selected(self, value: str) -> bool:
        return (self.arg, value) in self.get_querystring_pairs()

    def _toggle(self, value: str) -> str:
        if self._selected(value):
            path = path_with_removed_args(self.request, {self.arg: value})
        else:
            path = path_with_added_args(self.request, {self.arg: value})
        return self.ds.absolute_url(self.request, self.ds.urls.path(path))

    async def facet_results(self):
        results, timed_out = [], []
        if self.table != ARTICLES:  # only articles have categories and topics
            return results, timed_out
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            try:
                rows = await self.ds.execute(
                    self.database,
                    self.facet_sql(self.sql, size + 1),
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            results.append(
                {
                    "name": self.type,
                    "type": self.label,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {f"_facet_{self.type}": column})
                    ),
                    "results": [
                        {
                            "value": row["value"],
                            "label": row["value"],
                            "count": row["count"],
                            "toggle_url": self._toggle(str(row["value"])),
                            "selected": self._selected(str(row["value"])),
                        }
                        for row in rows.rows[:size]
                    ],
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


class TopicFacet(CategoryFacet):
    """Articles per topic, across outlets and languages (`_facet_topic=topic`); a value
    selects `?_topic=NAME` (see filters_from_request)."""

    type = "topic"
    label = "via article_topics"
    arg = "_topic"
    facet_sql = staticmethod(datasette_sql.topic_facet)


class MonthFacet(Facet):
    """Rows per month of a date column (`_facet_month=published`), newest first; a value
    selects `?published__startswith=YYYY-MM`."""

    type = "month"

    async def facet_results(self):
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            arg = f"{column}__startswith"
            try:
                rows = await self.ds.execute(
                    self.database,
                    datasette_sql.month_facet(self.sql, escape_sqlite(column), size + 1),
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                selected = (arg, row["value"]) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                path = change(self.request, {arg: row["value"]})
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,  # shown as "published (month)"
                    "type": self.type,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_month": column})
                    ),
                    "results": values,
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


def _facet_key(config) -> tuple[str, str]:
    """(type, column) of a facet as metadata declares it: "site" or {"array": "authors"}."""
    if isinstance(config, str):
        return "column", config
    ((kind, column),) = config.items()
    return kind, column if isinstance(column, str) else column.get("column", "")


def one_facet_per_column(
    table: str, pairs: list[tuple[str, str]], declared: list
) -> list[tuple[str, str]]:
    """A table page's query pairs with each facet asked for once: `_facet=` of a JSON array
    column becomes `_facet_array=`, and a facet the table's metadata declares (`declared`)
    or that the query already asked for is dropped (datasette would show it twice)."""
    seen = {_facet_key(config) for config in declared}
    kept = []
    for key, value in pairs:
        if key == "_facet" or (key.startswith("_facet_") and key != "_facet_size"):
            kind = key.removeprefix("_facet_") if key != "_facet" else "column"
            if kind == "column" and value in JSON_ARRAY_COLUMNS.get(table, ()):
                key, kind = "_facet_array", "array"
            if not value.startswith("{"):  # a JSON config is passed on as it is
                if (kind, value) in seen:
                    continue
                seen.add((kind, value))
        kept.append((key, value))
    return kept


def search_goes_to_the_ranked_query(
    path: str, pairs: list[tuple[str, str]]
) -> tuple[str, str] | None:
    """Where the `articles` table page's search (`?_search=`) is sent: the canned search,
    which ranks by relevance as `search` does (the table view can only sort by a column).
    A search sorted by a column on purpose (`_sort_desc=published` in a link) stays in the
    table view with its facets; the search box's own form, which always sends the current
    sort, goes to the ranked search. (database, query string of the canned search), or
    None: the request stays where it is."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] != ARTICLES:
        return None
    args = dict(pairs)
    words = args.get("_search", "").strip()
    from_form = "_sort_by_desc" in args or "_filter_column" in args
    if not words or (("_sort" in args or "_sort_desc" in args) and not from_form):
        return None
    return parts[0], urlencode({"q": words})


@hookimpl
def asgi_wrapper(datasette):
    """Table pages (HTML, JSON, CSV) get their facets once each (one_facet_per_column); the
    articles page's search box leads to the ranked search (search_goes_to_the_ranked_query);
    `_searchmode=raw`, which would hand a visitor's text to FTS5 as syntax, is dropped."""

    def wrap(app):
        async def facets_once(scope, receive, send):
            query = scope.get("query_string", b"").decode("latin-1")
            if scope["type"] == "http" and "_search" in query:
                pairs = parse_qsl(query, keep_blank_values=True)
                kept = [(k, v) for k, v in pairs if k != "_searchmode"]
                target = search_goes_to_the_ranked_query(scope["path"], kept)
                if target is not None and target[0] in datasette.databases:
                    location = f"{datasette.urls.query(target[0], 'search')}?{target[1]}"
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 302,
                            "headers": [(b"location", location.encode("latin-1"))],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
                if kept != pairs:
                    query = urlencode(kept)
                    scope = {**scope, "query_string": query.encode("latin-1")}
            if scope["type"] == "http" and "_facet" in query:
                parts = scope["path"].strip("/").split("/")
                if len(parts) == 2 and parts[0] in datasette.databases:
                    table = parts[1].rsplit(".", 1)[0] if "." in parts[1] else parts[1]
                    declared = datasette.table_metadata(parts[0], table).get("facets", [])
                    pairs = parse_qsl(query, keep_blank_values=True)
                    kept = one_facet_per_column(table, pairs, declared)
                    if kept != pairs:
                        scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
            await app(scope, receive, send)

        return facets_once

    return wrap


@hookimpl(trylast=True)  # after datasette's own: outlet and language facets come first
def register_facet_classes():
    return [CategoryFacet, TopicFacet, MonthFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    """`?_category=NAME` and `?_topic=NAME` (repeatable: all of them) on the articles table."""
    if table != ARTICLES:
        return None
    clauses, params, human = [], {}, []
    for arg, clause, what in (
        ("_category", datasette_sql.category_filter, "in category"),
        ("_topic", datasette_sql.topic_filter, "under topic"),
    ):
        for i, name in enumerate(request.args.getlist(arg)):
            key = f"{arg}_{i}"
            clauses.append(clause(key))
            params[key] = name
            human.append(f'{what} "{name}"')
    return FilterArguments(clauses, params, human) if clauses else None


@hookimpl(trylast=True)  # after datasette's own: our escape_fts() replaces its
def prepare_connection(conn):
    conn.create_function("fts_words", 1, lambda text: fts_query(text or "") or '""')

    def expanded(text) -> str:
        return match_expressions(conn, str(text or ""))[1]

    conn.create_function("search_match", 1, expanded)
    conn.create_function(
        "search_exact", 1, lambda text: match_expressions(conn, str(text or ""))[0]
    )
    conn.create_function("escape_fts", 1, expanded)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(_authorize)
    conn.row_factory = _bounded_rows()  # datasette set sqlite3.Row just before


@hookimpl
def handle_exception(datasette, request, exception):
    """A bound above, met where datasette does not catch it (a table page, a CSV stream, SQLite
    out of its heap): the request's doing, said as a 400 rather than a server error."""
    if isinstance(exception, MemoryError):  # SQLite's heap at MAX_SQLITE_HEAP
        message = (
            f"the query needed more than {MAX_SQLITE_HEAP // 2**20} MB of memory, the most "
            "the server gives its queries: ask for fewer or shorter values"
        )
    elif isinstance(exception, sqlite3.DataError):  # ResultTooLarge, or a value too long
        message = str(exception)
    else:
        return None
    # imported here: datasette.handle_exception imports datasette.plugins, which registers it
    from datasette.handle_exception import handle_exception as datasette_handle_exception

    error = DatasetteError(message, title="Too large", status=400)
    return datasette_handle_exception(datasette, request, error)


def shown_url(url: str) -> str:
    """A URL as a reader reads it: percent-escapes decoded (invalid UTF-8 stays escaped)."""
    try:
        return unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url


def short_url(url: str, width: int = SHORT_URL_WIDTH) -> str:
    """A URL in a table cell: decoded, without scheme and `www.`, cut to `width` with "…"."""
    parts = urlsplit(shown_url(url))
    host = parts.netloc.removeprefix("www.")
    text = host + parts.path + (f"?{parts.query}" if parts.query else "") if host else url
    return text if len(text) <= width else text[: width - 1] + "…"


def _is_url_column(column: str) -> bool:
    return column in URL_COLUMNS or column.endswith("_url")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """URLs decoded (in tables and query results); in query results, highlights kept, and
    headlines and titles link to the article's page when the row has the article's `id`."""
    if not isinstance(value, str):
        return None
    if _is_url_column(column) and value.startswith(("http://", "https://")):
        return Markup(f'<a href="{escape(value)}">{escape(shown_url(value))}</a>')
    if table is not None:
        return None
    if column in MARKED_COLUMNS:
        html = _marked(value)
    elif column == "title":
        html = escape(value)
    else:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if column != "snippet" and "id" in keys and isinstance(row["id"], int):
        href = datasette.urls.row(database, ARTICLES, str(row["id"]))
        return Markup(f'<a href="{escape(href)}">{html}</a>')
    return html


@hookimpl
def canned_queries(datasette, database):
    async def queries() -> dict:
        db = datasette.get_database(database)
        if not await db.table_exists(ARTICLES):
            return {}
        found = {}
        if await db.table_exists("article_revisions"):
            if "article_id" in await db.table_columns("article_revisions"):
                found["revisions_of_article"] = dict(datasette_sql.REVISIONS_QUERY)
        return found

    return queries


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """On an article's page: the article, its categories, tags and other editions. On the
    home and database pages: the tables in reading order (serve.READING_ORDER)."""
    if view_name in ("index", "database"):
        return {"cc_in_reading_order": _in_reading_order(datasette, request)}
    if view_name == "table" and table == ARTICLES and request is not None:
        if any(arg in request.args for arg in COLUMN_ARGS):
            return {}
        every_column = path_with_added_args(request, {"_columns": "all"})
        return {
            "cc_reader_rows": _reader_rows(datasette, database),
            "cc_every_column_url": datasette.urls.path(every_column),
        }
    if view_name != "row" or table != ARTICLES or request is None:
        return {}

    async def article() -> dict:
        try:
            article_id = int(request.url_vars["pks"])
        except (KeyError, ValueError):
            return {}
        db = datasette.get_database(database)
        rows = (await db.execute(datasette_sql.ARTICLE, {"id": article_id})).rows
        if not rows:
            return {}
        row = dict(rows[0])
        links: dict[str, list[dict]] = {"categories": [], "tags": [], "translations": []}
        found = await db.execute(datasette_sql.ARTICLE_LINKS, {"id": article_id})
        for kind, name, url, archived in found.rows:
            links[kind].append({"name": name, "url": url, "archived": archived})
        table_url = datasette.urls.table(database, ARTICLES)
        for category in links["categories"]:
            category["archive_url"] = f"{table_url}?{urlencode({'_category': category['name']})}"
        for edition in links["translations"]:
            edition["archive_url"] = await _archived_url(datasette, database, edition)
        return {
            "cc_article": {
                **row,
                "paragraphs": paragraphs(row["body"]),
                **links,
            }
        }

    return article


def snippet(description: str | None, body: str | None) -> str:
    """A line or two of an article: its outlet's summary, else its body's beginning."""
    text = " ".join((description or body or "").split())
    if len(text) <= SNIPPET_CHARACTERS:
        return text
    return text[:SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " …"


def _reader_rows(datasette, database: str):
    """For templates/_table.html: the articles table's rows as a reader reads them."""

    async def reader_rows(display_rows) -> list[dict]:
        rows = [{cell["column"]: cell["raw"] for cell in row} for row in display_rows]
        for row in rows:
            row["id"] = int(row["id"])  # the key's cell holds the row's path, "42"
        ids = [row["id"] for row in rows]
        db = datasette.get_database(database)
        outlets = dict((await db.execute(datasette_sql.OUTLET_TITLES)).rows)
        categories: dict[int, list[str]] = {}
        found = await db.execute(datasette_sql.categories_of_articles(len(ids)), ids)
        for article_id, name in found.rows:
            categories.setdefault(article_id, []).append(name)
        table_url = datasette.urls.table(database, ARTICLES)
        shown = []
        for row in rows:
            site, url = row.get("site"), row.get("url") or ""
            shown.append(
                {
                    "href": datasette.urls.row(database, ARTICLES, str(row["id"])),
                    "title": row.get("title"),
                    "site": site,
                    "outlet": outlets.get(site, site),
                    "outlet_href": datasette.urls.row(database, "sites", str(site)),
                    "published": row.get("published") or "",
                    "language": row.get("language") or "",
                    "categories": [
                        {"name": name, "href": f"{table_url}?{urlencode({'_category': name})}"}
                        for name in categories.get(row["id"], [])
                    ],
                    "snippet": snippet(row.get("description"), row.get("body")),
                    "url": url,
                    "short_url": short_url(url),
                    "full_url": shown_url(url),
                }
            )
        return shown

    return reader_rows


def _in_reading_order(datasette, request):
    """For templates/index.html and database.html: datasette's list of a database's tables
    (the database page) or of its databases (the home page, whose first few tables are
    chosen again), in reading order."""

    async def first_tables(database: dict) -> list[dict]:
        """The home page's first tables of a database: datasette picks the largest."""
        db = datasette.get_database(database["name"])
        shown = database["tables_and_views_truncated"]
        names = set(await db.table_names()) - set(await db.hidden_table_names())
        counts = await db.table_counts(10) if database["show_table_row_counts"] else {}
        tables = []
        for name in sorted(names, key=reading_rank):
            visible, private = await datasette.check_visibility(
                request.actor, "view-table", (database["name"], name)
            )
            if visible:
                tables.append({"name": name, "count": counts.get(name), "private": private})
        views = [item for item in shown if item["name"] not in names]
        return (tables + views)[: len(shown)]

    async def in_reading_order(items: list[dict], kind: str = "tables") -> list[dict]:
        if kind == "tables":
            return sorted(items, key=lambda t: (t["hidden"], reading_rank(t["name"])))
        return [
            {**database, "tables_and_views_truncated": await first_tables(database)}
            for database in items
        ]

    return in_reading_order


async def _archived_url(datasette, database: str, edition: dict) -> str | None:
    """The page of the archive's copy of another edition of an article, if it holds one: by
    the edition's URL, else by its URL key (the same page under http, www or a slash)."""
    archived = edition["archived"]
    if archived is None:
        db = datasette.get_database(database)
        if await db.table_exists("article_urls"):  # archives from before it have none
            found = await db.execute(
                datasette_sql.ARTICLE_BY_URL_KEY, {"key": url_key(edition["url"])}
            )
            archived = found.rows[0][0] if found.rows else None
    return None if archived is None else datasette.urls.row(database, ARTICLES, str(archived))


@hookimpl
def permission_allowed(action):
    """Visitors read; nobody writes through the server."""
    if action in WRITE_ACTIONS:
        return False
    return None
