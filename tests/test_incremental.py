"""Crawls that run unattended: incremental re-runs, kept edits, backfill, resume after a kill,
and several crawls writing one archive at once. Real HTTP on 127.0.0.1, real SQLite."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from conftest import REFERENCE_TITLE, REPO, article_at, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

REFERENCE_URL = "https://civil.ge/archives/626112"


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def articles_of(db) -> dict[str, tuple]:
    """url -> what a reader sees of each article (title, body, date, categories, language)."""
    with Archive(db) as archive:
        return {
            row["url"]: (
                row["title"],
                row["body"],
                row["published"],
                tuple(row["categories"]),
                row["language"],
            )
            for row in (
                archive.article(i) for (i,) in archive.db.execute("SELECT id FROM articles")
            )
        }


def test_a_forced_rerun_asks_only_whether_anything_changed(tmp_path, mirror):
    db = tmp_path / "archive.db"
    run_cli("crawl", "civil_ge", "news_am", "--mirror", mirror.address, "--db", str(db))
    run_cli("crawl", "civil_ge", "news_am", "--mirror", mirror.address, "--db", str(db), "--force")
    with Archive(db) as archive:
        first, second = archive.recent_runs(2)[::-1]
        fetched_again = archive.db.execute(
            "SELECT outcome, http_status, count(*) FROM pages WHERE run_id = ? GROUP BY 1, 2",
            [second["id"]],
        ).fetchall()
    assert second["articles_new"] == second["articles_updated"] == 0
    assert 0 < second["requests"] < first["requests"] / 3
    # every feed, listing and robots.txt answered 304; no article page was fetched again
    assert {(outcome, status) for outcome, status, _ in fetched_again} <= {
        ("feed", 304),
        ("listing", 304),
        ("robots", 304),
        ("sitemap", 304),
    }


def test_an_edited_article_is_updated_and_its_earlier_version_kept(tmp_path, mirror):
    db = tmp_path / "archive.db"
    url = "https://civil.ge/archives/799001"
    page = (
        '<html lang="en-US"><head><title>{title} - Civil.ge</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-10-01T09:00:00+04:00">'
        '<meta property="article:section" content="News"></head><body><article id="the-post">'
        '<h1 class="entry-title">{title}</h1><div class="entry-content">{body}</div>'
        "</article></body></html>"
    )
    first = "<p>" + "The ministry announced the tender on Monday and named three bidders. " * 4
    second = first + "</p><p>Correction: the tender was announced on Tuesday, not Monday.</p>"
    mirror.add_page(url, page.format(title="Tender Announced", body=first + "</p>"))
    run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db), "--url", url)
    mirror.add_page(url, page.format(title="Tender Announced, Corrected", body=second))
    run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db), "--url", url)
    mirror.remove_page(url)
    with Archive(db) as archive:
        article = article_at(archive, url)
        revisions = list(
            archive.db["article_revisions"].rows_where(
                "article_id = ?", [article["id"]], order_by="seen, id"
            )
        )
        last_run = archive.recent_runs(1)[0]
    assert article["title"] == "Tender Announced, Corrected"
    assert article["body"].endswith("Correction: the tender was announced on Tuesday, not Monday.")
    assert [r["title"] for r in revisions] == ["Tender Announced"]
    assert "Correction" not in revisions[0]["body"]
    assert last_run["articles_updated"] == 1 and last_run["articles_new"] == 0


def test_backfill_walks_the_listings_a_normal_run_stops_early(tmp_path, mirror):
    """An article the archive lacks, listed only on page 2 of civil.ge's Georgian news (in no
    feed or sitemap): a forced run stops at the unchanged page 1; --backfill walks on."""
    db = tmp_path / "archive.db"
    only_on_page_2 = "https://civil.ge/ka/archives/603310"
    common = ("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db))
    run_cli(*common)
    with Archive(db) as archive, archive.transaction():
        for table in ("pages", "articles"):  # as if no run had ever seen it
            archive.db.execute(f"DELETE FROM {table} WHERE url = ?", [only_on_page_2])
    run_cli(*common, "--force")
    assert only_on_page_2 not in articles_of(db)
    run_cli(*common, "--backfill")
    assert only_on_page_2 in articles_of(db)


def test_a_killed_crawl_resumes_into_the_archive_an_uninterrupted_one_gives(tmp_path, mirror):
    whole = tmp_path / "whole.db"
    run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(whole))
    expected = articles_of(whole)

    killed = tmp_path / "killed.db"
    # slow, and small batches (items are committed a batch at a time), so the kill lands
    # between commits with some articles stored and more to come
    slow = (
        *("--set", "DOWNLOAD_DELAY=0.15", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
        *("--set", "ARCHIVE_BATCH_SIZE=3"),
    )
    crawl = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "caucasus_crawler.cli",
            "crawl",
            "civil_ge",
            "--mirror",
            mirror.address,
            "--db",
            str(killed),
            *slow,
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while stored < 4 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.05)
            if killed.exists():
                try:
                    with Archive.open_read_only(killed) as archive:  # as a reader would
                        stored = archive.db["articles"].count
                except Exception:  # the schema may be half made at the very start
                    stored = 0
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        crawl.send_signal(signal.SIGKILL)
    finally:
        crawl.wait(timeout=30)
    with Archive(killed) as archive:
        assert 4 <= archive.db["articles"].count < len(expected)
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert archive.recent_runs(1)[0]["finished"] is None

    run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(killed))
    assert articles_of(killed) == expected
    assert REFERENCE_TITLE in {title for title, *_ in expected.values()}


def test_two_crawls_write_one_archive_at_the_same_time(tmp_path, mirror):
    alone = {}
    for site in ("civil_ge", "news_am"):
        db = tmp_path / f"{site}.db"
        run_cli("crawl", site, "--mirror", mirror.address, "--db", str(db))
        alone.update(articles_of(db))
    shared = tmp_path / "shared.db"
    crawls = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "caucasus_crawler.cli",
                "crawl",
                site,
                "--mirror",
                mirror.address,
                "--db",
                str(shared),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for site in ("civil_ge", "news_am")
    ]
    outputs = [crawl.communicate(timeout=120) for crawl in crawls]
    assert [crawl.returncode for crawl in crawls] == [0, 0], outputs
    assert not any("locked" in err for _, err in outputs)
    assert articles_of(shared) == alone
    with Archive(shared) as archive:
        runs = archive.recent_runs(5)
    assert len(runs) == 2 and all(run["finished"] for run in runs)
    assert sum(run["articles_new"] for run in runs) == len(alone)
