"""The public Python API (README: "Python API") agrees with the commands: `.articles()` with
`export --format jsonl`, `.search()` with `search --json`, `.stats()` with `stats --json`,
`extract_article` with `extract`, each run as a user runs it, over the demo crawl's archive."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from mirror_client import fetch

import caucasus_crawler
from caucasus_crawler.mirror import MirrorServer

REFERENCE_URL = "https://civil.ge/archives/626112"
PROFILE = """\
name = "example_ge"
title = "Example News"
country = "GE"
languages = ["en"]
home = "https://example.ge/"

[start]
feeds = ["https://example.ge/feed/"]

[urls]
article = ['^https://example\\.ge/news/\\d+/$']
"""


@pytest.fixture(scope="module")
def db(demo) -> Path:
    return demo[0]


@pytest.fixture
def archive(db):
    with caucasus_crawler.open_archive(str(db)) as opened:
        yield opened


def exported(db: Path, tmp_path: Path, *options: str) -> list[dict]:
    """The records of `caucasus-crawler export --format jsonl OPTIONS`."""
    out = tmp_path / "export" / "articles.jsonl"
    run_cli("export", "--format", "jsonl", "-o", str(out), "--db", str(db), *options)
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def cli_json(*args: str) -> object:
    return json.loads(run_cli(*args).stdout)


# -- the package ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_importing_the_package_imports_neither_scrapy_nor_datasette_nor_pandas():
    code = "import caucasus_crawler, sys; print('scrapy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "False"
    heavy = ("scrapy", "datasette", "pandas", "trafilatura", "sqlite_utils")
    code = f"import caucasus_crawler, sys; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_public_names_are_the_five_functions():
    assert sorted(caucasus_crawler.__all__) == [
        "crawl",
        "extract_article",
        "load_profiles",
        "open_archive",
    ]
    for name in ("open_archive", "extract_article", "load_profiles"):
        assert callable(getattr(caucasus_crawler, name))
        assert name in dir(caucasus_crawler)
    with pytest.raises(AttributeError, match="no attribute 'Archive'"):
        caucasus_crawler.Archive  # noqa: B018 (internal: not exported)


# -- articles() is the export's records ---------------------------------------------------------
@pytest.mark.slow
def test_articles_are_the_records_of_export_jsonl_in_the_same_order(archive, db, tmp_path):
    records = exported(db, tmp_path)
    assert len(records) > 100
    assert list(archive.articles()) == records


@pytest.mark.slow
@pytest.mark.parametrize(
    ("filters", "options"),
    [
        ({"site": ["civil_ge", "news_am"]}, ["--site", "civil_ge", "--site", "news_am"]),
        ({"site": "report_az"}, ["--site", "report_az"]),
        ({"language": "ka"}, ["--language", "ka"]),
        (
            {"category": ["Politics", "Economy"], "language": ("en", "ru")},
            ["--category", "Politics", "--category", "Economy"]
            + ["--language", "en", "--language", "ru"],
        ),
        (
            {"since": date(2025, 1, 1), "until": "2025-12-31"},
            ["--since", "2025-01-01", "--until", "2025-12-31"],
        ),
        (
            {"since": datetime(2025, 6, 1, 23, 59, tzinfo=timezone(timedelta(hours=4)))},
            ["--since", "2025-06-01"],
        ),
    ],
)
def test_articles_filter_as_export_does(archive, db, tmp_path, filters, options):
    records = exported(db, tmp_path, *options)
    assert 0 < len(records) < archive._archive.db["articles"].count
    assert list(archive.articles(**filters)) == records


@pytest.mark.slow
def test_articles_limit_stops_after_that_many(archive, db, tmp_path):
    records = exported(db, tmp_path, "--language", "en")
    assert list(archive.articles(language="en", limit=5)) == records[:5]
    assert list(archive.articles(limit=0)) == []


@pytest.mark.slow
def test_articles_query_keeps_what_search_matches_in_export_order(archive, db, tmp_path):
    sites = ["--site", "civil_ge", "--site", "news_am"]
    hits = cli_json("search", "Georgia", *sites, "--limit", "10000", "--db", str(db), "--json")
    matching = {hit["id"] for hit in hits}
    records = exported(db, tmp_path, *sites)
    expected = [record for record in records if record["id"] in matching]
    assert 1 < len(expected) < len(records)
    found = list(archive.articles(site=["civil_ge", "news_am"], query="Georgia"))
    assert found == expected
    assert list(archive.articles(query="Zqxwvbn")) == []
    assert [a["url"] for a in archive.articles(query="Tskhinvali non-aggression")] == [
        REFERENCE_URL
    ]


@pytest.mark.slow
def test_articles_are_read_from_a_cursor_as_they_are_asked_for(archive):
    """The first record comes before the rest are read: SQLite has run a small part of the
    query's instructions then (counted by its progress handler), not the whole query."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    archive._archive.db.conn.set_progress_handler(tick, 100)
    try:
        records = archive.articles()
        assert steps == 0  # nothing is read before the first record is asked for
        first = next(records)
        after_first = steps
        rest = sum(1 for _ in records)
    finally:
        archive._archive.db.conn.set_progress_handler(None, 100)
    assert first["id"] == 1 and rest > 100
    assert 0 < after_first * 20 < steps


def test_articles_refuse_what_the_archive_cannot_answer(archive, db):
    with pytest.raises(ValueError, match=r"^site nowhere_ge: not in .*, which has agenda_ge, "):
        archive.articles(site=["civil_ge", "nowhere_ge"])
    with pytest.raises(ValueError, match=r"^language xx: not in .*, which has az, en, hy, "):
        archive.articles(language="xx")
    with pytest.raises(ValueError, match="since '2024-13-01': give a day as YYYY-MM-DD"):
        archive.articles(since="2024-13-01")
    with pytest.raises(ValueError, match="until 20240101: give a day as YYYY-MM-DD"):
        archive.articles(until=20240101)
    with pytest.raises(ValueError, match="query '  ': give words to search for"):
        archive.articles(query="  ")
    with pytest.raises(ValueError, match="limit -1: give a whole number of 0 or more"):
        archive.articles(limit=-1)


# -- search() and stats() are the commands' JSON ------------------------------------------------
@pytest.mark.slow
def test_search_is_search_json(archive, db):
    for args, kwargs in (
        (["Georgia", "--limit", "20"], {"limit": 20}),
        (
            ["the", "--site", "civil_ge", "--site", "news_am", "--language", "en"],
            {"site": ["civil_ge", "news_am"], "language": "en", "limit": 20},
        ),
        (["ღვინის"], {"limit": 20}),
    ):
        expected = cli_json("search", *args, "--db", str(db), "--json")
        assert expected
        assert archive.search(args[0], **kwargs) == expected
    assert len(archive.search("the")) == 10  # ten hits unless told otherwise
    assert archive.search("Zqxwvbn") == []


def test_search_refuses_as_the_command_does(archive):
    with pytest.raises(ValueError, match="limit 10001: at most 10,000"):
        archive.search("the", limit=10_001)
    with pytest.raises(ValueError, match="limit 0: give a whole number of 1 or more"):
        archive.search("the", limit=0)
    with pytest.raises(ValueError, match="query '': give words to search for"):
        archive.search("")
    with pytest.raises(ValueError, match="site nowhere_ge: not in "):
        archive.search("the", site="nowhere_ge")


@pytest.mark.slow
def test_stats_is_stats_json(archive, db):
    expected = cli_json("stats", "--db", str(db), "--json")
    assert expected["articles"] > 100
    assert archive.stats() == expected


# -- to_pandas() --------------------------------------------------------------------------------
def test_to_pandas_is_a_dataframe_of_the_records(archive):
    pytest.importorskip("pandas")
    records = list(archive.articles(site="civil_ge"))
    frame = archive.to_pandas(site="civil_ge")
    assert list(frame.columns) == list(records[0])
    assert len(frame) == len(records)
    for column in ("id", "url", "title", "text", "word_count", "categories", "authors"):
        assert frame[column].tolist() == [record[column] for record in records]


def test_to_pandas_without_pandas_says_how_to_install_it(archive, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"^to_pandas\(\) needs pandas, .*: pip install 'pandas"):
        archive.to_pandas()


# -- opening and closing ------------------------------------------------------------------------
def test_a_missing_archive_is_file_not_found_and_not_created(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(FileNotFoundError, match=r"missing\.db: no such archive; make one"):
        caucasus_crawler.open_archive(missing)
    assert not missing.exists()


def test_the_archive_closes_with_its_block(db):
    with caucasus_crawler.open_archive(db) as archive:
        assert archive.path == db and "(open)" in repr(archive)
    assert archive.closed and "(closed)" in repr(archive)
    with pytest.raises(ValueError, match="the archive is closed"):
        archive.stats()
    archive.close()  # a second time: nothing happens


# -- extract_article() and load_profiles() ------------------------------------------------------
@pytest.mark.slow
def test_extract_article_is_what_the_extract_command_prints(tmp_path):
    with MirrorServer() as mirror:
        page = fetch(mirror, REFERENCE_URL)
    assert page.status == 200
    saved = tmp_path / "page.html"
    saved.write_bytes(page.body)
    expected = cli_json("extract", str(saved), "--url", REFERENCE_URL)
    assert expected["site"] == "civil_ge" and expected["categories"]
    assert caucasus_crawler.extract_article(page.body, REFERENCE_URL) == expected
    assert caucasus_crawler.extract_article(page.text, REFERENCE_URL, "civil_ge") == expected
    civil = caucasus_crawler.load_profiles()["civil_ge"]
    assert caucasus_crawler.extract_article(page.body, REFERENCE_URL, civil) == expected

    # A host no profile owns: generic extraction, as `extract` does it.
    elsewhere = "https://elsewhere.example/news/1"
    generic = cli_json("extract", str(saved), "--url", elsewhere)
    assert caucasus_crawler.extract_article(page.body, elsewhere) == generic
    with pytest.raises(ValueError, match="profile 'nowhere_ge': no outlet of that name"):
        caucasus_crawler.extract_article(page.body, REFERENCE_URL, "nowhere_ge")


def test_extract_article_of_a_page_without_an_article_is_a_value_error():
    with pytest.raises(ValueError, match=r"^body text too short \(2 characters\): https://"):
        caucasus_crawler.extract_article("<html><body><p>Hi</p></body></html>", REFERENCE_URL)


def test_load_profiles_adds_a_users_directory(tmp_path):
    bundled = caucasus_crawler.load_profiles()
    assert {"civil_ge", "news_am", "report_az"} <= set(bundled)
    (tmp_path / "example_ge.toml").write_text(PROFILE, "utf-8")
    for dirs in (tmp_path, str(tmp_path), [tmp_path]):
        profiles = caucasus_crawler.load_profiles(dirs)
        assert set(profiles) == set(bundled) | {"example_ge"}
        assert profiles["example_ge"].summary() == {
            "name": "example_ge",
            "title": "Example News",
            "country": "GE",
            "languages": ["en"],
            "home": "https://example.ge/",
        }
    (tmp_path / "broken.toml").write_text('name = "x"\ncountry = [', "utf-8")
    with pytest.raises(ValueError, match=r"broken\.toml: not valid TOML"):
        caucasus_crawler.load_profiles(tmp_path)


# -- the README -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_readme_examples_run_and_say_what_they_give(tmp_path, monkeypatch):
    """The README's "Python API" examples, run as a notebook runs them, after the archive the
    first example crawls (made here by the command: `crawl()` has its own tests)."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme[readme.index("## Python API") : readme.index("## The archive")]
    first, *examples = re.findall(r"```python\n(.*?)```", section, re.S)
    assert 'caucasus_crawler.crawl("civil_ge", db="civil.db", demo=True)' in first
    run_cli("crawl", "civil_ge", "--demo", "--db", str(tmp_path / "civil.db"))
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    for example in examples:
        exec("import caucasus_crawler\n" + example, names)
    assert names["counts"]["archive"] == "civil.db"
    assert "Mayor <mark>Kaladze</mark>:" in names["hits"][0]["headline"]
    assert set(names["frame"]["site"]) == {"civil_ge"}
    assert names["profiles"]["civil_ge"].summary()["title"] == "Civil.ge"
    assert (names["article"]["title"], names["article"]["published"]) == (
        "Tbilisi opens a metro station",
        "2024-09-04T13:27:41+04:00",
    )
