"""Bounds on a crawl: `--since DAY`, `--until DAY` (by publication day) and `--max-articles N`
(new articles per outlet), on the bundled mirror over real HTTP into real SQLite files; and
the unbounded crawl after them, which gets what they left out."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from conftest import run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer

pytestmark = pytest.mark.slow

OUTLETS = ("civil_ge", "jam_news")
SINCE, UNTIL = date(2024, 8, 12), date(2025, 1, 22)


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def unbounded(mirror, tmp_path_factory):
    """The two outlets crawled with no bounds: what a bounded crawl is compared with."""
    db = tmp_path_factory.mktemp("unbounded") / "archive.db"
    run_cli("crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db))
    return db


def articles(db) -> dict[str, tuple[str, date]]:
    """url -> (site, publication day) of every article archived."""
    with Archive(db) as archive:
        rows = archive.db.execute("SELECT url, site, published FROM articles").fetchall()
    return {url: (site, date.fromisoformat(published[:10])) for url, site, published in rows}


def pages(db, outcome: str | None = None) -> dict[str, str]:
    """url -> reason of the pages recorded (of one outcome)."""
    with Archive(db) as archive:
        rows = archive.db.execute(
            "SELECT url, coalesce(reason, '') FROM pages WHERE ? IS NULL OR outcome = ?",
            [outcome, outcome],
        ).fetchall()
    return dict(rows)


def mirror_page(mirror: MirrorServer, url: str) -> str:
    parts = urlsplit(url)
    request = Request(f"http://{mirror.address}{parts.path}", headers={"Host": parts.netloc})
    with urlopen(request) as response:
        return response.read().decode("utf-8")


def test_since_and_until_keep_exactly_the_articles_of_the_window(mirror, unbounded, tmp_path):
    db = tmp_path / "window.db"
    done = run_cli(
        "crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db),
        "--since", SINCE.isoformat(), "--until", UNTIL.isoformat(),
    )  # fmt: skip
    kept = articles(db)
    expected = {u: a for u, a in articles(unbounded).items() if SINCE <= a[1] <= UNTIL}
    assert len(expected) >= 8 and {site for site, _ in expected.values()} == set(OUTLETS)
    assert kept == expected
    assert all(SINCE <= day <= UNTIL for _, day in kept.values())
    assert min(day for _, day in kept.values()) == SINCE  # both ends are included
    assert max(day for _, day in kept.values()) == UNTIL
    # what was fetched and left out is a `skipped` page saying why, never an article
    skipped = pages(db, "skipped")
    assert skipped and all(r.startswith("out of the window") for r in skipped.values())
    assert not set(skipped) & set(kept)
    assert f"published {SINCE} to {UNTIL}" in done.stdout
    assert "fetched out of the window" in done.stdout

    # the next crawl, unbounded, takes what the window left: the archive an unbounded gives
    run_cli("crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db))
    assert articles(db) == articles(unbounded)
    assert not pages(db, "skipped")


def test_sitemaps_and_feeds_are_pruned_by_their_dates_before_fetching(mirror, tmp_path):
    """civil.ge found only through its sitemaps and feeds (a profile without listings): the
    entries dated before --since are not fetched at all."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "civil_ge.toml").write_text(
        'extends = "civil_ge"\nhome = "https://civil.ge/about-us"\n[start]\nlistings = []\n'
        "[urls]\nignore = ['/archives/category/', '/archives/tag/']\n"
    )
    common = ("--profiles", str(profiles), "crawl", "civil_ge", "--mirror", mirror.address)
    whole, pruned = tmp_path / "whole.db", tmp_path / "pruned.db"
    run_cli(*common, "--db", str(whole))
    done = run_cli(*common, "--db", str(pruned), "--since", "2025-01-01")
    assert all(day >= date(2025, 1, 1) for _, day in articles(pruned).values())
    assert articles(pruned) == {u: a for u, a in articles(whole).items() if a[1].year >= 2025}
    fetched, fetched_whole = pages(pruned), pages(whole)
    left = set(fetched_whole) - set(fetched)
    # the article pages of 2024 were not fetched: neither an article nor a skipped page
    # (but those the home, about-us here, links to)
    home = mirror_page(mirror, "https://civil.ge/about-us")
    old = {u for u, (_, day) in articles(whole).items() if day.year < 2025 and u not in home}
    assert len(old) >= 5 and old <= left
    assert len(fetched) <= len(fetched_whole) - len(old)
    assert "listed outside the window (not fetched)" in done.stdout
    listed_out = int(done.stdout.split("left out")[1].split()[0])
    assert listed_out >= len(old)
    # and a later crawl without bounds fetches them (the bounded run settled nothing)
    run_cli(*common, "--db", str(pruned))
    assert articles(pruned) == articles(whole)


def test_max_articles_stores_n_per_outlet_and_a_later_crawl_gets_the_rest(
    mirror, unbounded, tmp_path
):
    db = tmp_path / "max.db"
    done = run_cli(
        "crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db), "--max-articles", "4"
    )
    kept = articles(db)
    for outlet in OUTLETS:
        assert sum(site == outlet for site, _ in kept.values()) == 4
    assert set(kept) < set(articles(unbounded))
    assert "at most 4 new article(s) per outlet" in done.stdout
    assert "over --max-articles" in done.stdout
    with Archive(db) as archive:
        (run,) = archive.recent_runs(1)
    assert run["articles_new"] == 8
    over = pages(db, "skipped")  # articles fetched after the fourth: never stored
    assert all(r == "over --max-articles 4" for r in over.values())
    # what was left: those, and the requests still queued when the outlets stopped
    left = re.search(r"left out +(\d+) over --max-articles, (\d+) request\(s\) left", done.stdout)
    assert left and int(left.group(1)) == len(over)
    assert int(left.group(1)) + int(left.group(2)) >= 1

    run_cli("crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db), "--max-articles", "4")
    assert len(articles(db)) == 16  # four more of each
    run_cli("crawl", *OUTLETS, "--mirror", mirror.address, "--db", str(db))
    assert articles(db) == articles(unbounded)


def test_bad_bounds_are_one_line_errors(tmp_path):
    db = str(tmp_path / "a.db")
    for args, message in (
        (["--since", "2025-13-01"], "--since '2025-13-01' is not a day"),
        (["--since", "2025-02-01", "--until", "2025-01-01"], "is before --since"),
        (["--max-articles", "-1"], "--max-articles -1 is below 0"),
        (["--wayback", "--demo"], "--wayback reads the Wayback Machine"),
    ):
        result = run_cli("crawl", "civil_ge", "--db", db, *args, check=False)
        assert result.returncode != 0
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
