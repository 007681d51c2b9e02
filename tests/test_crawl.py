"""End to end: the demo crawl of the bundled mirror, over real HTTP, into a real archive."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import (
    REAL_PAGES,
    REFERENCE_TITLE,
    REPO,
    article_at,
    reference_paragraphs,
    run_cli,
    shared_file,
)

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import load_profiles

REFERENCE_URL = "https://civil.ge/archives/626112"


@pytest.mark.slow
def test_the_demo_stores_the_reference_article_once(demo):
    db, *_ = demo
    with Archive(db) as archive:
        rows = archive.db.execute(
            "SELECT id FROM articles WHERE title = ?", [REFERENCE_TITLE]
        ).fetchall()
        assert len(rows) == 1
        article = archive.article(rows[0][0])
    assert article["url"] == REFERENCE_URL
    assert article["site"] == "civil_ge"
    assert article["language"] == "en"
    assert article["published"] == "2024-09-04T13:27:41+04:00"
    assert "South Caucasus News" in article["categories"]
    body = article["body"]
    for boilerplate in ("Listen to this article", "Also Read", "URL Copied", "Read Next"):
        assert boilerplate not in body
    assert body.split("\n\n") == reference_paragraphs()


@pytest.mark.slow
def test_the_demo_covers_every_outlet_in_five_languages(demo):
    db, first, *_ = demo
    with Archive(db) as archive:
        by_site = dict(archive.db.execute("SELECT site, count(*) FROM articles GROUP BY site"))
        languages = {row[0] for row in archive.db.execute("SELECT DISTINCT language FROM articles")}
        undated = archive.db.execute("SELECT count(*) FROM articles WHERE published IS NULL")
        uncategorised = archive.db.execute(
            "SELECT count(*) FROM articles"
            " WHERE id NOT IN (SELECT article_id FROM article_categories)"
        )
        assert undated.fetchone()[0] == 0 and uncategorised.fetchone()[0] == 0
        report = article_at(
            archive,
            "https://report.az/en/sports/baku-to-host-international-chess-tournament-in-december",
        )
    assert set(by_site) == set(load_profiles())
    assert all(count >= 5 for count in by_site.values())
    assert languages == {"en", "ka", "ru", "hy", "az"}
    assert report["title"] == "Baku to host international chess tournament in December"
    assert report["published"] == "2025-11-16T14:00:00+04:00"
    assert report["categories"] == ["Sports"]
    assert f"Crawled {len(by_site)} outlet(s) (demo)" in first.stdout
    assert f"articles stored  {sum(by_site.values())} new, 0 updated" in first.stdout


@pytest.mark.slow
def test_a_second_crawl_adds_no_articles_and_a_second_run(demo):
    db, first, second, counts_after_first = demo
    with Archive(db) as archive:
        assert archive.db["articles"].count == counts_after_first
        runs = list(archive.db["crawl_runs"].rows_where(order_by="id"))
    assert len(runs) == 2
    assert [run["mode"] for run in runs] == ["demo", "demo"]
    assert runs[0]["articles_new"] == counts_after_first and runs[1]["articles_new"] == 0
    assert runs[1]["articles_updated"] == 0
    assert runs[0]["requests"] > counts_after_first and all(run["finished"] for run in runs)
    # right after the first run nothing is due by the outlets' schedules: no request at all
    assert runs[1]["requests"] == 0
    assert json.loads(runs[0]["sites"]) == sorted(load_profiles())
    assert "articles stored  0 new, 0 updated" in second.stdout
    assert "nothing was due" in second.stdout


@pytest.mark.slow
def test_every_fetched_url_has_a_page_row(demo):
    db, *_ = demo
    with Archive(db) as archive:
        pages = {row["url"]: row for row in archive.db["pages"].rows}
        stored = archive.db["articles"].count
    assert pages["https://civil.ge/robots.txt"]["outcome"] == "robots"
    assert pages["https://civil.ge/feed"]["outcome"] == "feed"
    assert pages["https://civil.ge/sitemap-index-1.xml"]["outcome"] == "sitemap"
    assert pages["https://civil.ge/archives/category/news"]["outcome"] == "listing"
    missing = pages["https://civil.ge/archives/600013"]
    assert (missing["outcome"], missing["http_status"], missing["reason"]) == (
        "failed",
        404,
        "HTTP 404",
    )
    assert sum(1 for row in pages.values() if row["outcome"] == "article") == stored
    assert pages[REFERENCE_URL]["article_id"] is not None


@pytest.mark.slow
def test_full_text_search_finds_the_reference_article(demo):
    db, *_ = demo
    with Archive(db) as archive:
        assert [hit["url"] for hit in archive.search_hits("Kaladze")][:1] == [REFERENCE_URL]
        assert [hit["url"] for hit in archive.search_hits("Tskhinvali non-aggression")] == [
            REFERENCE_URL
        ]
        georgian = archive.search_hits("ღვინის")
    assert "https://civil.ge/ka/archives/624152" in [hit["url"] for hit in georgian]


@pytest.mark.slow
def test_the_archive_opens_in_plain_sqlite_with_its_fts_intact(demo):
    db, *_ = demo
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    assert (
        conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    )
    conn.close()


REAL_URL = "https://civil.ge/archives/743770"
REAL_HEAD = """<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>Ivanishvili’s Former Bodyguard Appointed Deputy Head of SSSG - Civil.ge</title>
<link rel="canonical" href="https://civil.ge/archives/743770">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Civil.ge">
<meta property="og:title" content="Ivanishvili’s Former Bodyguard Appointed Deputy Head of SSSG">
<meta property="article:published_time" content="2026-07-07T12:41:09+00:00">
<meta property="article:section" content="News">
</head><body>"""


@pytest.mark.slow
def test_a_real_civil_ge_page_is_stored_with_all_its_paragraphs(tmp_path):
    from lxml import html as lxml_html

    body = shared_file(REAL_PAGES / "civil-ge-archives-743770.body.html").read_text("utf-8")
    paragraphs = [
        " ".join(p.text_content().split())
        for p in lxml_html.fromstring(body).cssselect("div.entry-content p.wp-block-paragraph")
    ]
    paragraphs = [p for p in paragraphs if p and p != "Also Read:"]
    db = tmp_path / "real.db"
    with MirrorServer() as mirror:
        mirror.add_page(REAL_URL, REAL_HEAD + body + "</body></html>")
        run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--url", REAL_URL, "--db", str(db))
    with Archive(db) as archive:
        assert archive.db["articles"].count == 1
        article = article_at(archive, REAL_URL)
    assert article["title"] == "Ivanishvili’s Former Bodyguard Appointed Deputy Head of SSSG"
    assert article["published"] == "2026-07-07T12:41:09+00:00"
    assert article["body"].split("\n\n") == paragraphs
    for unwanted in (
        "Also Read",
        "Roman Kartsivadze Moved",
        "Interior Ministry Undergoes",
        "SSSG\n",
        "Read Next",
        "Adblock",
        "ad blocker",
        "URL Copied",
    ):
        assert unwanted not in article["body"]
    assert article["tags"] == ["Giorgi Bakhuashvili", "SSSG"]


@pytest.mark.slow
def test_extract_prints_the_body_text_of_the_real_page():
    page = shared_file(REAL_PAGES / "civil-ge-archives-743770.body.html")
    result = run_cli("extract", str(page), "--url", REAL_URL, "--format", "text")
    assert result.stdout.startswith("Giorgi Bakhuashvili, who reportedly served as a personal")
    assert "inspecting the glass of water placed at the podium for Ivanishvili." in result.stdout
    assert "Also Read" not in result.stdout and "Adblock" not in result.stdout
    as_json = json.loads(run_cli("extract", str(page), "--url", REAL_URL).stdout)
    assert set(as_json) >= {
        "url",
        "title",
        "text",
        "published",
        "modified",
        "authors",
        "categories",
        "tags",
        "language",
    }
    assert as_json["url"] == REAL_URL and as_json["language"] == "en"


@pytest.mark.slow
def test_extract_of_several_files_prints_json_lines_and_flags_bad_ones(tmp_path):
    page = shared_file(REAL_PAGES / "civil-ge-archives-743770.body.html")
    empty = tmp_path / "empty.html"
    empty.write_text("", "utf-8")
    result = run_cli(
        "extract", str(page), str(page), str(empty), str(tmp_path / "absent.html"), check=False
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["text"] for line in lines)
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and "empty.html" in errors[0] and "absent.html" in errors[1]
    assert "Traceback" not in result.stderr and result.returncode == 1


@pytest.mark.slow
def test_scrapy_list_and_scrapy_crawl_work_from_the_repo_root(tmp_path):
    import subprocess
    import sys

    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert {"civil_ge", "news_am", "report_az"} <= set(listed.stdout.split())
    db = tmp_path / "scrapy.db"
    with MirrorServer() as mirror:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "report_az",
                "-s",
                f"ARCHIVE_PATH={db}",
                "-s",
                f"MIRROR_ADDRESS={mirror.address}",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    with Archive(db) as archive:
        sites = {row[0] for row in archive.db.execute("SELECT DISTINCT site FROM articles")}
        run = archive.run(1)
    assert sites == {"report_az"}
    assert run["mode"] == "demo" and run["articles_new"] >= 8 and run["finished"]


@pytest.mark.slow
def test_datasette_shows_and_searches_the_demo_archive(demo):
    """`datasette archive.db`, a real server on a free port, finds the reference article."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    db, *_ = demo
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", str(db), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/{db.stem}/articles.json?_search=Kaladze&_shape=array"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    hits = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert [hit["title"] for hit in hits] == [REFERENCE_TITLE]
    assert hits[0]["url"] == REFERENCE_URL


@pytest.mark.slow
def test_a_redirect_and_a_page_that_is_not_an_article_are_recorded(tmp_path):
    """A WordPress shortlink redirects to the permalink; "About us" is no article."""
    db = tmp_path / "urls.db"
    with MirrorServer() as mirror:
        address = mirror.address
        run_cli(
            "crawl",
            "civil_ge",
            "--mirror",
            address,
            "--db",
            str(db),
            "--url",
            "https://civil.ge/?p=626112",
            "--url",
            "https://civil.ge/about-us",
        )
    with Archive(db) as archive:
        pages = {row["url"]: row for row in archive.db["pages"].rows}
        assert archive.db["articles"].count == 1
        assert article_at(archive, REFERENCE_URL)["title"] == REFERENCE_TITLE
    assert pages["https://civil.ge/?p=626112"]["outcome"] == "redirected"
    assert pages["https://civil.ge/?p=626112"]["http_status"] == 301
    assert pages["https://civil.ge/?p=626112"]["reason"] == f"redirected to {REFERENCE_URL}"
    assert pages[REFERENCE_URL]["outcome"] == "article"
    assert pages["https://civil.ge/about-us"]["outcome"] == "not_article"


@pytest.mark.slow
def test_a_json_listing_endpoint_leads_to_articles(tmp_path):
    """An outlet without a feed lists its articles through a JSON endpoint, page by page."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "civil_json.toml").write_text(
        """
name = "civil_json"
country = "GE"
languages = ["en"]
home = "https://civil.ge/"
[start]
robots_sitemaps = false
json = ["https://civil.ge/api/latest?page={page}"]
[urls]
article = ['^https://civil\\.ge/archives/\\d+$']
max_listing_pages = 5
[extract]
body = "div.entry-content"
remove = [".post-bottom-meta", "#read-next-block", "#tie-popup-adblock"]
cut_at = ["Also Read:"]
drop_lines = ["Listen to this article", "URL Copied"]
""",
        "utf-8",
    )
    pages = {
        1: {"items": [{"link": "https://civil.ge/archives/626112", "title": "x"}]},
        2: {"data": {"posts": ["/archives/624150", "https://elsewhere.example/archives/1"]}},
        3: {"items": []},
    }
    db = tmp_path / "json.db"
    with MirrorServer() as mirror:
        mirror.add_page("https://civil.ge/", "<html><body><p>Home</p></body></html>")
        for number, payload in pages.items():
            mirror.add_page(
                f"https://civil.ge/api/latest?page={number}",
                json.dumps(payload),
                content_type="application/json",
            )
        run_cli(
            "--profiles",
            str(profiles),
            "crawl",
            "civil_json",
            "--mirror",
            mirror.address,
            "--db",
            str(db),
        )
    with Archive(db) as archive:
        urls = {row[0] for row in archive.db.execute("SELECT url FROM articles")}
        visited = {row[0] for row in archive.db.execute("SELECT url FROM pages")}
    assert urls == {REFERENCE_URL, "https://civil.ge/archives/624150"}
    assert "https://civil.ge/api/latest?page=3" in visited  # asked, empty: the last page
    assert "https://civil.ge/api/latest?page=4" not in visited


@pytest.mark.slow
def test_language_editions_of_an_article_are_linked(demo):
    db, *_ = demo
    with Archive(db) as archive:
        english = archive.article_id_for_url("https://civil.ge/archives/624150")
        georgian = archive.article_id_for_url("https://civil.ge/ka/archives/624152")
        editions = archive.article(english)["translations"]
        back = archive.article(georgian)["translations"]
        archived = {
            url: archive.article_id_for_url(url) for url in [*editions.values(), *back.values()]
        }
        reference = article_at(archive, REFERENCE_URL)
    assert editions["ka"] == "https://civil.ge/ka/archives/624152"
    assert archived[editions["ka"]] == georgian
    assert editions["ru"] == "https://civil.ge/ru/archives/624153"
    assert archived[editions["ru"]] is not None
    assert back["en"] == "https://civil.ge/archives/624150" and archived[back["en"]] == english
    assert reference["translations"] == {}


@pytest.mark.slow
def test_raw_responses_are_kept_for_every_article(demo):
    db, *_ = demo
    with Archive(db) as archive:
        kept = {r["url"]: r for r in archive.responses(["civil_ge"])}
        articles = archive.db.execute("SELECT count(*) FROM articles WHERE site = 'civil_ge'")
        assert len([r for r in kept.values() if r["article_id"]]) == articles.fetchone()[0]
    reference = kept[REFERENCE_URL]
    assert reference["http_status"] == 200
    assert reference["headers"]["Content-Type"].startswith("text/html")
    assert REFERENCE_TITLE.encode("utf-8") in reference["body"]
    assert b"Listen to this article" in reference["body"]  # as fetched, before cleanup
