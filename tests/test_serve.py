"""`caucasus-crawler serve`: a real datasette server on a free port over a demo crawl's archive,
read through its JSON API and rendered by a headless Chromium."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
from conftest import REFERENCE_TITLE, REPO, article_at, run_cli
from lxml import html as lxml_html

from caucasus_crawler.archive import Archive, schema
from caucasus_crawler.serve import READING_ORDER, TABLES, build_datasette

REFERENCE_URL = "https://civil.ge/archives/626112"
DEMO_OUTLETS = ("civil_ge", "news_am", "report_az")  # three outlets keep the crawl short
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium here: install Debian's (apt-get install chromium), as .ci/run does",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    run_cli("crawl", *DEMO_OUTLETS, "--demo", "--db", str(path))
    return path


@pytest.fixture(scope="module")
def server(db):
    """`caucasus-crawler serve --db DB --port P` in its own process; its base URL."""
    with serving(db) as (base, port):
        yield base, port


@contextlib.contextmanager
def serving(db: Path):
    """`caucasus-crawler serve --db DB --port P` in its own process, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "caucasus_crawler.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5):
                break
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read()
                raise AssertionError(f"serve exited {process.returncode}: {error}") from None
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.2)
    try:
        yield base, port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.mark.slow
def test_the_json_api_search_finds_the_reference_article(server):
    base, _ = server
    hits = get_json(f"{base}/archive/articles.json?_search=Kaladze&_shape=array")
    assert [hit["title"] for hit in hits] == [REFERENCE_TITLE]
    assert hits[0]["url"] == REFERENCE_URL and hits[0]["site"] == "civil_ge"


@pytest.mark.slow
def test_the_canned_search_ranks_and_highlights(server):
    base, _ = server
    hits = get_json(f"{base}/archive/search.json?q=Tskhinvali+non-aggression&_shape=array")
    assert [hit["url"] for hit in hits] == [REFERENCE_URL]
    assert "<mark>non-aggression</mark>" in hits[0]["snippet"]
    # what a visitor types is never read as FTS5 syntax: a stray quote, a star, a lone dash
    odd = get_json(f'{base}/archive/search.json?q="Kaladze+OR+Zqxwv&_shape=array')
    assert odd == []  # every word must match: OR is a word here, not an operator
    odd = get_json(f'{base}/archive/search.json?q="Kaladze+-+*&_shape=array')
    assert [hit["url"] for hit in odd] == [REFERENCE_URL]


@pytest.mark.slow
def test_facet_counts_match_the_archive(server, db):
    base, _ = server
    data = get_json(f"{base}/archive/articles.json?_size=0&_facet_size=max")
    facets = {
        name: {row["value"]: row["count"] for row in facet["results"]}
        for name, facet in data["facet_results"].items()
    }
    with Archive.open_read_only(db) as archive:
        expected = {
            by: archive.article_counts(by) for by in ("site", "language", "category", "topic")
        }
        expected["published"] = archive.article_counts("month")
        total = archive.count_articles()
        expected["authors"] = dict(
            archive.db.execute(
                "SELECT j.value, count(DISTINCT a.id) FROM articles a, json_each(a.authors) j"
                " GROUP BY j.value"
            ).fetchall()
        )
    assert set(facets) == {"site", "language", "category", "topic", "authors", "published"}
    assert facets == expected
    assert not any(facet["truncated"] for facet in data["facet_results"].values())
    assert data["filtered_table_rows_count"] == total
    assert sum(facets["site"].values()) == total


@pytest.mark.slow
def test_facet_links_filter_by_category_and_month(server, db):
    base, _ = server
    data = get_json(f"{base}/archive/articles.json?_size=0&_facet_size=max")
    facets = data["facet_results"]
    news = next(r for r in facets["category"]["results"] if r["value"] == "News")
    month = facets["published"]["results"][0]

    def followed(link: str) -> dict:
        """The JSON of a facet value's link, every row of it."""
        parts = urllib.parse.urlsplit(link)
        query = dict(urllib.parse.parse_qsl(parts.query), _size="max", _shape="objects")
        path = parts.path.removesuffix(".json")
        return get_json(f"{base}{path}.json?{urllib.parse.urlencode(query)}")

    by_category, by_month = followed(news["toggle_url"]), followed(month["toggle_url"])
    with Archive.open_read_only(db) as archive:
        in_news = archive.count_articles(categories=["News"])
        titles = {archive.article(row["id"])["title"] for row in by_category["rows"]}
        assert all(
            "News" in archive.article(row["id"])["categories"] for row in by_category["rows"]
        )
    assert by_category["filtered_table_rows_count"] == news["count"] == in_news == len(titles)
    assert by_month["filtered_table_rows_count"] == month["count"]
    assert all(row["published"].startswith(month["value"]) for row in by_month["rows"])
    # newest first, and the newest month is the first facet value
    rows = get_json(f"{base}/archive/articles.json?_shape=array")
    published = [row["published"] for row in rows]
    assert published == sorted(published, reverse=True) and published[0][:7] == month["value"]


@pytest.mark.slow
def test_the_metadata_describes_every_table_and_column(server, db):
    base, _ = server
    metadata = get_json(f"{base}/-/metadata.json")
    assert metadata["title"] == "South Caucasus news archive"
    assert "Civil.ge" in metadata["description_html"] and "civil.ge" in metadata["source"].lower()
    tables = metadata["databases"]["archive"]["tables"]
    with Archive.open_read_only(db) as archive:
        for name in TABLES:
            if not archive.has_table(name):
                continue
            columns = set(archive.db[name].columns_dict)
            described = set(tables[name]["columns"])
            assert tables[name]["description"]
            assert columns == described, f"{name}: describe {columns - described} in serve.py"
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert tables["articles"]["sort_desc"] == "published"


@pytest.mark.slow
def test_canned_queries(server, db):
    base, _ = server
    names = {q["name"] for q in get_json(f"{base}/archive.json")["queries"]}
    with Archive.open_read_only(db) as archive:
        sites = archive.article_counts("site")
        has_revisions = archive.has_table("article_revisions")
        duplicates = archive.db["pages"].count_where("outcome = 'duplicate'")
    assert {"latest_per_outlet", "articles_in_category", "search", "duplicates_of_article"} <= names
    assert ("revisions_of_article" in names) == has_revisions
    latest = get_json(f"{base}/archive/latest_per_outlet.json?_shape=array")
    assert {row["site"] for row in latest} == set(sites)
    for site, count in sites.items():
        assert sum(1 for row in latest if row["site"] == site) == min(count, 10)
    sports = get_json(f"{base}/archive/articles_in_category.json?category=Sports&_shape=array")
    assert sports and all(row["category"] == "Sports" for row in sports)
    dups = get_json(f"{base}/archive/duplicates_of_article.json?article=&_shape=array")
    assert len(dups) == duplicates
    if has_revisions:
        none = get_json(f"{base}/archive/revisions_of_article.json?article=18&_shape=array")
        assert none == []
    # each outlet's latest health: the three crawled outlets, none drifted
    assert "latest_health" in names
    health = get_json(f"{base}/archive/latest_health.json?_shape=array")
    assert sorted(row["site"] for row in health) == sorted(DEMO_OUTLETS)
    assert {row["verdict"] for row in health} == {"ok"}
    by_site = {row["site"]: row for row in health}
    assert by_site["civil_ge"]["articles"] >= sites["civil_ge"]  # duplicates count too
    assert "HTTP 404" in by_site["civil_ge"]["problems"]  # the mirror's removed article


@pytest.mark.slow
def test_the_revisions_query_needs_the_revisions_table(db, tmp_path):
    """Issue 5 adds `article_revisions`: its canned query is offered only where it exists."""
    copy = tmp_path / "older.db"
    shutil.copy(db, copy)
    store = sqlite_utils.Database(copy)
    if store["article_revisions"].exists():
        store["article_revisions"].drop()
    store.conn.close()
    ds = build_datasette(copy)

    async def names() -> set[str]:
        response = await ds.client.get("/older.json")
        return {q["name"] for q in response.json()["queries"]}

    found = asyncio.run(names())
    assert "search" in found and "revisions_of_article" not in found


@pytest.mark.slow
def test_visitors_cannot_write_and_it_listens_on_loopback_only(server, db):
    base, port = server
    with Archive.open_read_only(db) as archive:
        before = archive.count_articles()
    for sql in ("delete from articles", "update articles set title = 'x'"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql}), timeout=10
            )
        assert refused.value.code == 400
    with Archive.open_read_only(db) as archive:
        assert archive.count_articles() == before
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A"  # LISTEN
    ]
    assert f"0100007F:{port:04X}" in listening  # 127.0.0.1
    assert f"00000000:{port:04X}" not in listening  # not every address


@pytest.mark.slow
def test_serve_without_an_archive_says_so(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"caucasus-crawler: {tmp_path / 'none.db'}: no such archive; run a crawl first"
    ]


# -- what one request may cost (issue 17) -------------------------------------------------------
ANSWER_LIMIT = 64 * 1024  # a refusal is a few hundred bytes; the defect streamed 1.8 GB
ROWS_1000 = "with recursive n(i) AS (select 1 union all select i + 1 from n limit 1000)"
MB_20 = "printf('%.20000000c', 'x')"  # 20 MB of x


def fetch(base: str, path: str, **params: str) -> tuple[int, bytes]:
    """GET `path`: its status and no more than ANSWER_LIMIT + 1 bytes of its body."""
    url = f"{base}{path}?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read(ANSWER_LIMIT + 1)
    except urllib.error.HTTPError as error:
        return error.code, error.read(ANSWER_LIMIT + 1)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sql, error",
    [
        ("select zeroblob(300000000)", "not authorized to use function: zeroblob"),
        ("select randomblob(300000000)", "not authorized to use function: randomblob"),
        # a value over 24 MB, made without them
        (f"select {MB_20} || {MB_20}", "string or blob too big"),
        # values under 24 MB, but one row over the memory a request may take
        ("select " + ", ".join([MB_20] * 8), "more than 128 MB"),
        # rows under it, but together over what one answer may hold
        (f"{ROWS_1000} select i, printf('%.50000c', 'x') from n", "more than 32 MB"),
    ],
    ids=["zeroblob", "randomblob", "long-value", "wide-row", "many-rows"],
)
def test_a_query_cannot_take_gigabytes(server, sql, error):
    base, _ = server
    status, body = fetch(base, "/archive.json", sql=sql)
    assert len(body) <= ANSWER_LIMIT, f"{len(body)}+ bytes answered, status {status}"
    assert status == 400
    assert error in json.loads(body)["error"]


@pytest.mark.slow
def test_functions_with_no_place_in_a_public_archive_are_refused(server):
    base, _ = server
    for sql, name in (
        ("select hex(fts3_tokenizer('simple'))", "fts3_tokenizer"),  # a pointer, in hex
        ("select fts3_tokenizer('evil', x'4141414141414141')", "fts3_tokenizer"),
        ("select load_extension('/tmp/evil.so')", "load_extension"),
    ):
        status, body = fetch(base, "/archive.json", sql=sql)
        assert status == 400, body[:300]
        assert json.loads(body)["error"] == f"not authorized to use function: {name}"


@pytest.mark.slow
def test_a_query_that_would_run_for_hours_is_stopped(server):
    base, _ = server
    sql = "select count(*) from pages a, pages b, pages c, pages d, pages e"
    status, body = fetch(base, "/archive.json", sql=sql)
    assert status == 400 and "SQL query took too long" in json.loads(body)["error"]


@pytest.mark.slow
def test_a_csv_of_a_huge_result_stays_small(server):
    base, _ = server
    sql = f"{ROWS_1000} select i, printf('%.50000c', 'x') from n"  # 50 MB of CSV
    _, body = fetch(base, "/archive.csv", sql=sql, _stream="1", _size="max")
    assert len(body) <= ANSWER_LIMIT
    # a table's CSV streams page after page, each page bounded like this query, the whole
    # stream by max_csv_mb (asserted in the next test)


@pytest.mark.slow
def test_a_table_page_over_the_bound_is_refused_with_a_reason(db, tmp_path):
    """Not only ?sql=: a page of the archive's own rows may not hold more than 32 MB either."""
    copy = tmp_path / "bulky.db"
    shutil.copy(db, copy)
    store = sqlite_utils.Database(copy)
    count = store["responses"].count
    store.execute("UPDATE responses SET body = zeroblob(?)", [(40 << 20) // count])
    store.conn.commit()
    store.conn.close()
    ds = build_datasette(copy)

    async def get(path: str):
        return await ds.client.get(path)

    page = asyncio.run(get("/bulky/responses.json?_size=max"))
    assert page.status_code == 400 and len(page.content) < ANSWER_LIMIT
    assert "more than 32 MB" in page.json()["error"]
    assert asyncio.run(get("/bulky/responses.json?_size=5")).status_code == 200


@pytest.mark.slow
def test_arbitrary_sql_is_off_on_a_public_address_unless_asked_for(db):
    """`serve --host 0.0.0.0` (or any address but loopback) refuses ?sql=, unless --allow-sql;
    the tables, search, facets and canned queries stay open to everyone."""

    async def answers(ds) -> dict[str, int]:
        paths = (
            "/archive.json?sql=select+1",
            "/archive/articles.json?_where=1",
            "/archive/articles.json?_search=Kaladze&_facet=site",
            "/archive/search.json?q=Kaladze",
            "/archive/latest_health.json",
        )
        return {path: (await ds.client.get(path)).status_code for path in paths}

    def settings(**kwargs) -> tuple[dict, dict[str, int]]:
        ds = build_datasette(db, **kwargs)
        return ds.settings_dict(), asyncio.run(answers(ds))

    for host in ("0.0.0.0", "192.168.1.20", "::", "archive.example.org"):
        chosen, status = settings(host=host)
        assert chosen["default_allow_sql"] is False, host
        assert status == {
            "/archive.json?sql=select+1": 403,
            "/archive/articles.json?_where=1": 403,
            "/archive/articles.json?_search=Kaladze&_facet=site": 200,
            "/archive/search.json?q=Kaladze": 200,
            "/archive/latest_health.json": 200,
        }, host
    for kwargs in ({}, {"host": "127.0.0.1"}, {"host": "::1"}, {"host": "localhost"}):
        chosen, status = settings(**kwargs)
        assert chosen["default_allow_sql"] is True and set(status.values()) == {200}, kwargs
    chosen, status = settings(host="0.0.0.0", allow_sql=True)
    assert chosen["default_allow_sql"] is True and set(status.values()) == {200}
    chosen, status = settings(host="127.0.0.1", allow_sql=False)
    assert status["/archive.json?sql=select+1"] == 403
    # whoever may run SQL, the same bounds
    assert chosen["sql_time_limit_ms"] == 3000 and chosen["max_csv_mb"] == 50


# -- what a browser shows ------------------------------------------------------------------------
def chromium(url: str, *args: str) -> str:
    """Headless Chromium on `url`: its stdout (the DOM with --dump-dom)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return _chromium(url, profile, *args)


def _chromium(url: str, profile: str, *args: str) -> str:
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, name: str, size: str = "1280,1400", folder: Path = ARTIFACTS) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.unlink(missing_ok=True)
    chromium(url, f"--window-size={size}", f"--screenshot={path}")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == tuple(int(n) for n in size.split(","))
    return path


def text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_the_search_page_with_its_facets(server):
    base, _ = server
    # the search box leads to the ranked search (issue 20); sorted by date on purpose, a
    # search stays in the table view, with its facets
    ranked = lxml_html.fromstring(
        chromium(f"{base}/archive/articles?_search=Kaladze", "--dump-dom")
    )
    assert [text(td) for td in ranked.cssselect("td.col-headline")] == [REFERENCE_TITLE]
    url = f"{base}/archive/articles?_search=Kaladze&_sort_desc=published"
    page = lxml_html.fromstring(chromium(url, "--dump-dom"))
    assert 'search matches "Kaladze"' in text(page.cssselect("h3")[0])
    titles = [text(td) for td in page.cssselect("table.rows-and-columns td.col-title")]
    assert titles == [REFERENCE_TITLE]
    facets = {div.get("data-column"): div for div in page.cssselect(".facet-info")}
    assert set(facets) == {"site", "language", "category", "topic", "published"}  # no authors
    assert "South Caucasus News" in text(facets["category"])
    assert "south-caucasus" in text(facets["topic"])  # what civil.ge's category maps to
    assert "published (month)" in text(facets["published"])
    assert "2024-09" in text(facets["published"])
    assert "Civil.ge" in text(facets["site"])  # the outlet's name, from the sites table
    assert screenshot(url, "serve-search.png").stat().st_size > 20_000


@pytest.mark.slow
@needs_chromium
def test_chromium_shows_highlighted_snippets(server):
    base, _ = server
    page = lxml_html.fromstring(chromium(f"{base}/archive/search?q=Kaladze", "--dump-dom"))
    marks = [text(mark) for mark in page.cssselect("td.col-snippet mark")]
    assert marks and set(marks) == {"Kaladze"}
    first = page.cssselect("td.col-headline a")[0]
    assert text(first) == REFERENCE_TITLE and first.get("href").startswith("/archive/articles/")


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_an_article_as_paragraphs(server, db):
    base, _ = server
    with Archive.open_read_only(db) as archive:
        article = article_at(archive, REFERENCE_URL)
    url = f"{base}/archive/articles/{article['id']}"
    page = lxml_html.fromstring(chromium(url, "--dump-dom"))
    (shown,) = page.cssselect("article.cc-article")
    assert text(shown.cssselect("h2")[0]) == REFERENCE_TITLE
    paragraphs = [text(p) for p in shown.cssselect(".cc-body p")]
    assert paragraphs == [" ".join(p.split()) for p in article["body"].split("\n\n")]
    assert len(paragraphs) >= 5
    categories = [text(a) for a in shown.cssselect(".cc-categories a")]
    assert categories == article["categories"]
    links = [a.get("href") for a in shown.cssselect(".cc-categories a")]
    assert all(link.startswith("/archive/articles?_category=") for link in links)
    assert [text(a) for a in shown.cssselect(".cc-tags a, .cc-tags span")] == article["tags"]
    assert shown.cssselect("a.cc-original")[0].get("href") == REFERENCE_URL
    assert "2024-09-04" in text(shown.cssselect(".cc-meta")[0])
    assert screenshot(url, "serve-article.png").stat().st_size > 20_000


# -- what users trip over (issue 21) -------------------------------------------------------------
@pytest.mark.slow
@needs_chromium
def test_other_editions_link_to_the_archived_article(server, db, tmp_path):
    """An edition the archive holds links to its page in the archive, not to the outlet."""
    base, _ = server
    with Archive.open_read_only(db) as archive:
        editions = archive.db.execute(
            "SELECT t.article_id, t.language, b.id FROM translations t"
            " JOIN articles b ON b.url = t.url ORDER BY t.article_id, t.language"
        ).fetchall()
    assert editions, "the demo's civil.ge articles link their other editions"
    article_id = editions[0][0]
    url = f"{base}/archive/articles/{article_id}"
    page = lxml_html.fromstring(chromium(url, "--dump-dom"))
    links = {
        a.get("hreflang"): a.get("href")
        for a in page.cssselect("article.cc-article .cc-translations a")
    }
    expected = {
        lang: f"/archive/articles/{other}" for a, lang, other in editions if a == article_id
    }
    assert links == expected
    shot = screenshot(url, "serve-other-editions.png", folder=tmp_path)
    print(f"screenshot: {shot}")


@pytest.mark.slow
def test_an_edition_not_archived_links_to_its_outlet(db, tmp_path):
    """Found by URL key (http, www): the archived article; not archived at all: the outlet."""
    copy = tmp_path / "editions.db"
    shutil.copy(db, copy)
    store = sqlite_utils.Database(copy)
    article_id, other_id, other_url = store.execute(
        "SELECT t.article_id, b.id, b.url FROM translations t JOIN articles b ON b.url = t.url"
    ).fetchone()
    aliased = other_url.replace("https://", "http://www.")
    store.execute("DELETE FROM translations WHERE article_id = ?", [article_id])
    store["translations"].insert_all(
        [
            {"article_id": article_id, "language": "hy", "url": aliased},
            {"article_id": article_id, "language": "az", "url": "https://civil.ge/az/archives/1"},
        ]
    )
    store.conn.commit()
    store.conn.close()
    ds = build_datasette(copy)

    async def get(path: str) -> str:
        return (await ds.client.get(path)).text

    page = lxml_html.fromstring(asyncio.run(get(f"/editions/articles/{article_id}")))
    links = {a.get("hreflang"): a.get("href") for a in page.cssselect(".cc-translations a")}
    assert links == {
        "hy": f"/editions/articles/{other_id}",
        "az": "https://civil.ge/az/archives/1",
    }


@pytest.mark.slow
@needs_chromium
def test_the_home_and_database_pages_list_the_articles_first(server, db, tmp_path):
    """The archive's main tables first, the crawl's bookkeeping (pages, runs, responses) after."""
    base, _ = server
    assert {table.name for table in schema.TABLES} <= set(READING_ORDER)  # each has its place
    home = lxml_html.fromstring(chromium(f"{base}/", "--dump-dom"))
    first = [a.get("href") for a in home.cssselect("h2 + p + p a")]
    assert first[:5] == [f"/archive/{name}" for name in READING_ORDER[:5]]
    assert first[0] == "/archive/articles" and "/archive/pages" not in first
    database = lxml_html.fromstring(chromium(f"{base}/archive", "--dump-dom"))
    tables = [text(a) for a in database.cssselect("div.db-table h3 a")]
    with Archive.open_read_only(db) as archive:
        shown = {name for name, spec in TABLES.items() if archive.has_table(name)}
        shown -= {name for name, spec in TABLES.items() if spec.get("hidden")}
    assert set(tables) == shown
    assert tables == sorted(tables, key=READING_ORDER.index)
    assert tables.index("pages") > tables.index("article_tags") > tables.index("duplicates")
    shot = screenshot(f"{base}/", "serve-home.png", size="1280,800", folder=tmp_path)
    print(f"screenshot: {shot}")


@pytest.mark.slow
@needs_chromium
def test_authors_are_faceted_by_name_and_each_facet_shows_once(db, tmp_path):
    """The authors facet counts names, not JSON arrays (and has no `[]` bucket); asking for a
    facet already shown (`_facet=site`, `_facet=authors`) shows it once."""
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    store = sqlite_utils.Database(copy)
    store.execute("UPDATE articles SET authors = '[\"Ana Dumbadze\"]' WHERE id % 3 = 0")
    store.execute(
        'UPDATE articles SET authors = \'["Ana Dumbadze", "Giorgi Lomsadze"]\' WHERE id % 7 = 0'
    )
    ana = store.execute("SELECT count(*) FROM articles WHERE authors LIKE '%Ana%'").fetchone()[0]
    giorgi = store.execute("SELECT count(*) FROM articles WHERE authors LIKE '%Giorgi%'")
    giorgi = giorgi.fetchone()[0]
    store.conn.commit()
    store.conn.close()
    with serving(copy) as (base, _):
        data = get_json(f"{base}/archive/articles.json?_size=0&_facet=site&_facet=authors")
        facets = data["facet_results"]
        assert sorted(facets) == ["authors", "category", "language", "published", "site", "topic"]
        authors = {row["value"]: row["count"] for row in facets["authors"]["results"]}
        assert authors == {"Ana Dumbadze": ana, "Giorgi Lomsadze": giorgi}
        assert facets["authors"]["type"] == "array"
        link = next(row for row in facets["authors"]["results"] if row["value"] == "Ana Dumbadze")
        by_ana = get_json(link["toggle_url"].replace("/articles?", "/articles.json?"))
        assert by_ana["filtered_table_rows_count"] == ana
        # every way of asking for a facet again shows it once
        again = (
            "_facet=site&_facet=site&_facet_array=authors&_facet_month=published&_facet=title"
            "&_facet_topic=topic"
        )
        facets = get_json(f"{base}/archive/articles.json?_size=0&{again}")["facet_results"]
        assert sorted(facets) == [
            "authors",
            "category",
            "language",
            "published",
            "site",
            "title",
            "topic",
        ]
        url = f"{base}/archive/articles?_facet=site&_facet=authors"
        page = lxml_html.fromstring(chromium(url, "--dump-dom"))
        shown = [div.get("data-column") for div in page.cssselect(".facet-info")]
        assert sorted(shown) == ["authors", "category", "language", "published", "site", "topic"]
        (by_name,) = [
            div for div in page.cssselect(".facet-info") if div.get("data-column") == "authors"
        ]
        names = [text(a) for a in by_name.cssselect("li a")]
        assert names == ["Ana Dumbadze", "Giorgi Lomsadze"]
        assert "[" not in text(by_name)
        suggested = [text(a) for a in page.cssselect(".suggested-facets a")]
        assert not {"authors", "published", "site"} & set(suggested)
        shot = screenshot(url, "serve-authors-facet.png", folder=tmp_path)
        print(f"screenshot: {shot}")


@pytest.mark.slow
@needs_chromium
def test_the_articles_table_leads_with_what_a_reader_wants(db, tmp_path):
    """Title (linking to the article's page), outlet, published, language, categories, a
    snippet and the URL shortened and decoded; no hashes or bodies (the JSON keeps them), and
    the column descriptions folded away, so that the rows are on the first screen."""
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    store = sqlite_utils.Database(copy)
    newest = store.execute("SELECT id FROM articles ORDER BY published DESC LIMIT 1").fetchone()[0]
    georgian = (
        "https://www.interpressnews.ge/ka/article/%E1%83%90%E1%83%AE%E1%83%90%E1%83%9A%E1%83%98"
    )
    store.execute("UPDATE articles SET url = ? WHERE id = ?", [georgian, newest])
    store.conn.commit()
    store.conn.close()
    with Archive.open_read_only(copy) as archive:
        first = archive.article(newest)
    with serving(copy) as (base, _):
        url = f"{base}/archive/articles"
        page = lxml_html.fromstring(chromium(url, "--dump-dom"))
        (table,) = page.cssselect("table.rows-and-columns")
        headings = [text(th) for th in table.cssselect("thead th")]
        assert headings == [
            "title",
            "outlet",
            "published ▲",
            "language",
            "categories",
            "snippet",
            "original",
        ]
        row = table.cssselect("tbody tr")[0]
        cells = {td.get("class"): td for td in row.cssselect("td")}
        title = cells["col-title"].cssselect("a")[0]
        assert text(title) == first["title"]
        assert title.get("href") == f"/archive/articles/{newest}"
        outlet = cells["col-site"].cssselect("a")[0]
        assert text(outlet) == archive_title(copy, first["site"])  # its name, not its profile's
        assert outlet.get("href") == f"/archive/sites/{first['site']}"
        assert (
            text(cells["col-published"]) == f"{first['published'][:10]} {first['published'][11:16]}"
        )
        assert text(cells["col-language"]) == first["language"]
        assert [text(a) for a in cells["col-categories"].cssselect("a")] == sorted(
            first["categories"]
        )
        assert 0 < len(text(cells["col-snippet"])) <= 170
        original = cells["col-url"].cssselect("a")[0]
        assert original.get("href") == georgian  # the link as it is, the text decoded
        assert text(original) == "interpressnews.ge/ka/article/ახალი"
        for hidden in ("body", "content_hash", "authors", "first_seen", "run_id"):
            assert not table.cssselect(f"td.col-{hidden}"), hidden
        # the descriptions are there, folded; every column is a link away, and in the JSON
        (folded,) = page.cssselect("details.cc-column-descriptions")
        assert folded.get("open") is None and "SHA-256" in text(folded)
        every = page.cssselect("p.cc-columns-note a")[0].get("href")
        full = lxml_html.fromstring(chromium(f"{base}{every}", "--dump-dom"))
        assert full.cssselect("td.col-content_hash") and full.cssselect("td.col-body")
        rows = get_json(f"{base}/archive/articles.json?_shape=array&_size=1")
        assert {"body", "content_hash"} <= set(rows[0]) and rows[0]["url"] == georgian
        # decoded wherever datasette shows the URL: the row page's every column too
        row_page = lxml_html.fromstring(chromium(f"{base}/archive/articles/{newest}", "--dump-dom"))
        decoded = [text(a) for a in row_page.cssselect("td.col-url a")]
        assert decoded == ["https://www.interpressnews.ge/ka/article/ახალი"]
        shot = screenshot(url, "serve-articles-table.png", size="1280,900", folder=tmp_path)
        print(f"screenshot: {shot}")


def archive_title(db: Path, site: str) -> str:
    """An outlet's own name, as the archive's sites table gives it."""
    with Archive.open_read_only(db) as archive:
        return archive.db["sites"].get(site)["title"]


def test_one_facet_per_column_rewrites_what_would_show_twice():
    from caucasus_crawler.datasette_plugin import one_facet_per_column

    declared = ["site", {"array": "authors"}, {"month": "published"}]
    asked = [
        ("_facet", "site"),
        ("_facet", "authors"),
        ("_facet", "title"),
        ("_facet", "title"),
        ("_facet_month", "published"),
        ("_facet_size", "max"),
        ("_search", "Kaladze"),
    ]
    kept = one_facet_per_column("articles", asked, declared)
    assert kept == [("_facet", "title"), ("_facet_size", "max"), ("_search", "Kaladze")]
    # a JSON array column asked for by value is faceted by name
    assert one_facet_per_column("articles", [("_facet", "authors")], []) == [
        ("_facet_array", "authors")
    ]


def test_urls_are_shown_decoded_and_short():
    from caucasus_crawler.datasette_plugin import short_url, shown_url

    georgian = (
        "https://www.interpressnews.ge/ka/article/%E1%83%90%E1%83%AE%E1%83%90%E1%83%9A%E1%83%98"
    )
    assert shown_url(georgian) == "https://www.interpressnews.ge/ka/article/ახალი"
    assert short_url(georgian) == "interpressnews.ge/ka/article/ახალი"
    assert shown_url("https://a.ge/%FF%FE") == "https://a.ge/%FF%FE"  # not UTF-8: as it is
    long = "https://civil.ge/archives/" + "x" * 80
    assert len(short_url(long)) == 48 and short_url(long).endswith("…")
