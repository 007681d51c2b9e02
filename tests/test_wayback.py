"""`crawl --wayback`: an outlet's captures in the Wayback Machine, from a stand-in CDX index and
replay server on 127.0.0.1 (caucasus_crawler/mirror/wayback.py) serving the bundled mirror's
pages; real HTTP through Scrapy's downloader, real SQLite, a real killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime

import pytest
from conftest import REPO, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.wayback import WaybackServer
from caucasus_crawler.spiders.wayback import capture_time, original_url

pytestmark = pytest.mark.slow

HOST = "civil.ge"


def fast(wayback: WaybackServer, limit: int = 4) -> list[str]:
    """The settings of a backfill from the stand-in: no politeness delays (our own server),
    pages of `limit` captures, a Retry-After of a second taken as it is."""
    settings = {
        "WAYBACK_ENDPOINT": wayback.endpoint,
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "false",
        "WAYBACK_CDX_LIMIT": str(limit),
    }
    return [arg for name, value in settings.items() for arg in ("--set", f"{name}={value}")]


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def crawled(mirror, tmp_path_factory):
    """civil.ge crawled from the mirror: the articles a backfill is compared with."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db))
    return articles(db)


def articles(db) -> dict[str, tuple]:
    """url -> (title, body, published) of every article archived."""
    with Archive(db) as archive:
        rows = archive.db.execute("SELECT url, title, body, published FROM articles").fetchall()
    return {url: (title, body, published) for url, title, body, published in rows}


def pages(db) -> dict[str, tuple[str, str]]:
    """url -> (outcome, fetched) of every page recorded."""
    with Archive(db) as archive:
        return {
            u: (o, f) for u, o, f in archive.db.execute("SELECT url, outcome, fetched FROM pages")
        }


def first_captures(wayback: WaybackServer) -> dict[str, str]:
    """The archive's URL of each capture -> the time of its first capture (what collapse
    keeps), as ISO 8601."""
    first: dict[str, str] = {}
    for capture in wayback.captures:  # sorted by key, then time
        url = original_url(capture.original, secure=True)
        first.setdefault(url, capture_time(capture.timestamp).isoformat(timespec="seconds"))
    return first


def test_a_backfill_stores_the_articles_under_their_urls_with_the_capture_times(
    mirror, crawled, tmp_path
):
    db = tmp_path / "wayback.db"
    with WaybackServer(mirror, hosts=(HOST,)) as wayback:
        done = run_cli("crawl", "civil_ge", "--wayback", "--db", str(db), *fast(wayback))
        asked, replayed = wayback.index_requests(), wayback.replays()
    # the same articles as a crawl of the site, under their own URLs, never the archive's
    assert articles(db) == crawled and len(crawled) >= 15
    seen = pages(db)
    first = first_captures(wayback)
    for url in crawled:
        assert seen[url][0] == "article"
        assert seen[url][1] == first[url]  # fetched: when it was captured, not now
    assert not any(url.startswith("http://civil.ge:80") for url in seen)
    # captures replayed as `id_` (original bytes); those that are no article never were
    originals = {original_url(url, secure=True) for url in replayed}
    assert {f"https://{HOST}/", f"https://{HOST}/robots.txt"}.isdisjoint(originals)
    assert not any("no-such-page" in url for url in replayed)
    assert len(replayed) == len(set(replayed)) + 1  # the one refused with a 429, asked again
    # the index, read page by page with its resumption keys, as the CDX API is asked
    assert len(asked) >= 5
    for query in asked:
        assert query["url"] == f"{HOST}/" and query["matchType"] == "prefix"
        assert query["filter"] == "statuscode:200" and query["collapse"] == "urlkey"
        assert query["output"] == "json" and query["limit"] == "4"
        assert "from" not in query and "to" not in query
    assert "resumeKey" not in asked[0] and all("resumeKey" in q for q in asked[1:])
    with Archive(db) as archive:
        (run,) = archive.recent_runs(1)
    assert run["mode"] == "wayback" and run["finished"]
    assert "(wayback)" in done.stdout and "wayback index" in done.stdout

    # a second backfill reads the index again (captures may be new) and fetches nothing
    with WaybackServer(mirror, hosts=(HOST,), too_many_once=False) as wayback:
        again = run_cli("crawl", "civil_ge", "--wayback", "--db", str(db), *fast(wayback))
        assert wayback.replays() == []
        assert "resumeKey" not in wayback.index_requests()[0]
    assert "articles stored  0 new, 0 updated" in again.stdout
    assert articles(db) == crawled

    # a backfill is no crawl of the site: the schedule and a crawl's revisits look past it,
    # and a crawl of the site after it finds every article archived
    with Archive(db) as archive:
        assert archive.last_finished_run("civil_ge") is None
    live = run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db))
    assert "articles stored  0 new, 0 updated" in live.stdout
    assert articles(db) == crawled


def test_since_and_until_bound_the_index_and_the_publication_days(mirror, crawled, tmp_path):
    db = tmp_path / "window.db"
    since, until = date(2024, 8, 1), date(2025, 1, 31)
    with WaybackServer(mirror, hosts=(HOST,)) as wayback:
        run_cli(
            "crawl", "civil_ge", "--wayback", "--db", str(db), *fast(wayback),
            "--since", since.isoformat(), "--until", until.isoformat(),
        )  # fmt: skip
        asked = wayback.index_requests()
        replayed = {original_url(url, secure=True) for url in wayback.replays()}
    # no capture before --since; captures up to 30 days after --until (WAYBACK_AFTER_UNTIL_DAYS)
    assert all(q["from"] == "20240801" and q["to"] == "20250302" for q in asked)
    published = {u: datetime.fromisoformat(a[2]).date() for u, a in crawled.items()}
    expected = {u: a for u, a in crawled.items() if since <= published[u] <= until}
    assert len(expected) >= 5
    assert articles(db) == expected
    # articles captured only outside those days were never fetched (those captured again
    # in them were, and left out by their publication day)
    in_range = {
        original_url(c.original, secure=True)
        for c in wayback.captures
        if "20240801" <= c.timestamp[:8] <= "20250302"
    }
    never = set(crawled) - in_range
    assert len(never) >= 3 and not never & replayed
    assert replayed - set(expected)  # some were fetched, and left out


def test_max_articles_bounds_a_backfill_too(mirror, crawled, tmp_path):
    db = tmp_path / "max.db"
    with WaybackServer(mirror, hosts=(HOST,)) as wayback:
        run_cli("crawl", "civil_ge", "--wayback", "--db", str(db), "--max-articles", "5",
                *fast(wayback))  # fmt: skip
        assert len(articles(db)) == 5
        run_cli("crawl", "civil_ge", "--wayback", "--db", str(db), *fast(wayback))
    assert articles(db) == crawled


def test_a_killed_backfill_resumes_where_it_stopped(mirror, crawled, tmp_path):
    """SIGKILL while captures are being fetched (the stand-in holds the replays after the
    tenth back, so the kill comes midway whatever the machine's speed): the next run asks the
    index from the last page the killed one recorded, and fetches no capture it stored."""
    db = tmp_path / "killed.db"
    with WaybackServer(mirror, hosts=(HOST,), too_many_once=False, hold_after=10) as wayback:
        args = ["crawl", "civil_ge", "--wayback", "--db", str(db), *fast(wayback, limit=3)]
        killed = subprocess.Popen(
            [sys.executable, "-m", "caucasus_crawler.cli", *args, "--set", "ARCHIVE_BATCH_SIZE=1"],
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while not _stored_what_was_served(db, wayback):
                assert killed.poll() is None, "the backfill ended before it could be killed"
                assert time.monotonic() < deadline, "the backfill never got midway"
                time.sleep(0.05)
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=30)
        finally:
            if killed.poll() is None:
                killed.kill()
        wayback.release()
        before_kill = pages(db)
        stored = {
            u for u, (outcome, _) in before_kill.items() if outcome in ("article", "duplicate")
        }
        with Archive(db) as archive:  # in the order they were recorded
            index_pages = [
                url
                for (url,) in archive.db.execute(
                    "SELECT url FROM pages WHERE url LIKE '%/cdx/search/cdx%' ORDER BY rowid"
                )
            ]
        assert len(stored) >= 8 and len(index_pages) >= 2
        asked_before = len(wayback.index_requests())
        replayed_before = len(wayback.replays())

        run_cli(*args)
        endpoint = wayback.endpoint
        resumed_index = [r for r in wayback.requests if r.startswith("/cdx/")][asked_before:]
        resumed_replays = {
            original_url(u, secure=True) for u in wayback.replays()[replayed_before:]
        }
    # the index resumed at the last page recorded: the pages before it were not asked again
    assert resumed_index[0] == index_pages[-1].removeprefix(endpoint)
    assert not set(index_pages[:-1]) & {endpoint + path for path in resumed_index}
    # no capture stored before the kill was fetched again, and the archive is complete
    assert not stored & resumed_replays
    assert articles(db) == crawled


def _stored_what_was_served(db, wayback: WaybackServer) -> bool:
    """Whether the backfill is held (every capture allowed has been served) and the archive
    holds each of them, with two index pages or more."""
    if wayback.served < (wayback.hold_after or 0) or not db.exists():
        return False
    try:
        with Archive.open_read_only(db) as archive:
            (done,) = archive.db.execute(
                "SELECT count(*) FROM pages WHERE outcome IN ('article', 'duplicate')"
            ).fetchone()
            (index,) = archive.db.execute(
                "SELECT count(*) FROM pages WHERE url LIKE '%/cdx/search/cdx%'"
            ).fetchone()
    except Exception:  # not created yet
        return False
    return done >= wayback.served and index >= 2
