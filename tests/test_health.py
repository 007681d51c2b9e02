"""Profiles guide, never gate; what a crawl sees of each profile is counted and judged
(`caucasus-crawler health`, the crawl summary's warnings, the `site_health` tables).

The drift tests crawl the mirror over real HTTP with a profile made stale on purpose (a
wrong article pattern, a moved feed and start listing, renamed selectors): the outlet's
articles are still archived, with the bodies the right profile gives, and `health` names
every field that drifted. tests/test_redesign.py does the same against a redesigned site.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.health import assess, failure_kind, item_metrics
from caucasus_crawler.items import Article, Link, PageVisit
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import PACKAGE_DIR, load_profiles

DRIFT_FIELDS = ("urls.", "extract.")


# -- the verdict, from counts -----------------------------------------------------------------
def counts(**metrics: int) -> dict[str, tuple[int, str]]:
    return {
        name.replace("__", ":").replace("_dot_", "."): (n, f"https://x.ge/{name}")
        for name, n in metrics.items()
    }


def fields(assessment, kind: str = "drift") -> set[str]:
    return {p.field for p in assessment.problems if p.kind == kind}


def test_no_runs_is_unknown():
    assert assess({}).verdict == "unknown"


def test_nothing_answered_is_down():
    verdict = assess(counts(failed=12, failed__HTTP_503=12))
    assert verdict.verdict == "down"
    assert any("12 × HTTP_503" in p.detail for p in verdict.problems)


def test_a_healthy_outlet_with_failures_is_ok():
    verdict = assess(
        counts(responses_ok=40, articles=20, body_hit=20, date_hit=20, failed=2, failed__HTTP_404=2)
    )
    assert verdict.verdict == "ok" and not fields(verdict)
    assert fields(verdict, "failure") == {"failures"}


def test_one_odd_page_is_not_drift_but_a_share_of_them_is():
    one = assess(counts(responses_ok=20, articles=10, body_hit=9, body_fallback=1))
    assert one.verdict == "ok"
    three = assess(counts(responses_ok=20, articles=10, body_hit=7, body_miss=3))
    assert three.verdict == "drifted" and fields(three) == {"extract.body"}
    problem = three.problems[0]
    assert problem.count == 3 and "3 of 10" in problem.detail
    assert problem.example == "https://x.ge/body_miss"


def test_each_drift_names_its_field():
    verdict = assess(
        counts(
            responses_ok=30,
            articles=10,
            pattern_missed=4,
            listings_read=5,
            date_miss=10,
            categories_hit=10,
            start_moved__start_dot_feeds=1,
            start_failed__start_dot_feeds=1,
            feeds_discovered=1,
        )
    )
    assert verdict.verdict == "drifted"
    assert fields(verdict) == {"urls.article", "urls.listing", "extract.date", "start.feeds"}
    moved = next(p for p in verdict.problems if p.field == "start.feeds")
    assert "the site announces 1 feed(s) the profile does not list, e.g. https://x.ge/feeds_" in (
        moved.detail
    )


def test_item_metrics():
    article = Article(
        url="https://civil.ge/archives/1",
        title="T",
        text="x",
        categories=[Link("News")],
        checks={"body": "fallback", "date": "hit"},
        health={"pattern_missed": 1},
    )
    assert dict(item_metrics(article)) == {
        "article_pages": 1,
        "articles": 1,
        "responses_ok": 1,
        "no_date": 1,
        "no_author": 1,
        "body_fallback": 1,
        "date_hit": 1,
        "pattern_missed": 1,
    }
    failed = PageVisit("https://civil.ge/feed", "civil_ge", "failed", 404, "HTTP 404", kind="feed")
    assert dict(item_metrics(failed)) == {"failed": 1, "failed:HTTP 404": 1}
    assert failure_kind("timed out: no complete answer in 30 s") == "timed out"
    assert failure_kind("not a usable feed: <unknown>:2:0: syntax error") == "not a usable feed"


# -- the demo: no false alarm -----------------------------------------------------------------
@pytest.mark.slow
def test_the_demo_mirror_shows_no_drift(demo):
    """Every bundled outlet is `ok` on the mirror: no urls.* or extract.* problem; the mirror's
    deliberate faults (a removed article, broken feeds) are failures, not drift."""
    db, first, second, _ = demo
    assert "warning:" not in first.stdout + second.stdout
    report = json.loads(run_cli("health", "--db", str(db), "--json").stdout)
    assert {entry["site"] for entry in report} == set(load_profiles())
    for entry in report:
        assert entry["verdict"] == "ok", entry
        drift = [p for p in entry["problems"] if p["field"].startswith(DRIFT_FIELDS)]
        assert not drift, entry
        assert entry["runs"], entry
    faults = {e["site"]: [p["detail"] for p in e["problems"]] for e in report}
    assert any("HTTP 404" in d for d in faults["civil_ge"])  # the removed article
    assert any("HTTP 500" in d for d in faults["georgiatoday_ge"])  # its broken feed
    with Archive(db) as archive:
        verdicts = archive.db.execute("SELECT DISTINCT verdict FROM site_health").fetchall()
        assert verdicts == [("ok",)]
        # no page of the outlets' own feeds or sitemaps was refused for its URL
        refused = archive.db.execute(
            "SELECT count(*) FROM pages WHERE reason LIKE 'not an article URL%'"
        ).fetchone()[0]
        assert refused == 0


@pytest.mark.slow
def test_health_of_an_outlet_never_crawled_is_unknown(demo, tmp_path):
    db, *_ = demo
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (PACKAGE_DIR / "civil_ge.toml").read_text("utf-8")
    (profiles / "civil_copy.toml").write_text(text.replace('"civil_ge"', '"civil_copy"'))
    out = run_cli("--profiles", str(profiles), "health", "civil_copy", "--db", str(db)).stdout
    assert re.search(r"^civil_copy\s+unknown\s+none$", out, re.M)


@pytest.mark.slow
def test_health_errors_are_one_line(tmp_path):
    missing = run_cli("health", "--db", str(tmp_path / "none.db"), check=False)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "none.db" in missing.stderr
    unknown = run_cli("health", "no_such_outlet", "--db", str(tmp_path / "x.db"), check=False)
    assert unknown.returncode != 0 and "no_such_outlet" in unknown.stderr


# -- a stale profile: the crawl survives, health names the drift -------------------------------
def stale_civil_ge(directory: Path) -> Path:
    """civil_ge's profile as if the site had changed under it: the article pattern, the
    English feed and start listing, and every extraction selector no longer fit."""
    text = (PACKAGE_DIR / "civil_ge.toml").read_text("utf-8")
    replacements = {
        r"archives/\d+/?$": r"news/\d+/$",
        '"https://civil.ge/feed"': '"https://civil.ge/rss/all.xml"',
        '"https://civil.ge/archives/category/news",': '"https://civil.ge/section/news",',
        'body = "div.entry-content"': 'body = "div.story__body"',
        'date = ".date.meta-item"': 'date = "span.story__date"',
        'categories = ".post-cat-wrap a"': 'categories = ".story__section a"',
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir(exist_ok=True)
    path = directory / "civil_ge.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def stale_crawl(tmp_path_factory):
    """civil_ge crawled from the mirror with its right profile and with the stale one."""
    base = tmp_path_factory.mktemp("stale")
    profiles = base / "profiles"
    stale_civil_ge(profiles)
    right, stale = base / "right.db", base / "stale.db"
    with MirrorServer() as mirror:
        run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(right))
        args = ("--profiles", str(profiles), "crawl", "civil_ge", "--mirror", mirror.address)
        first = run_cli(*args, "--db", str(stale))
        again = run_cli(*args, "--db", str(stale), "--force")
    return profiles, right, stale, first.stdout, again.stdout


def articles(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title, body FROM articles WHERE site = 'civil_ge'")
        return {url: (title, body) for url, title, body in rows}


@pytest.mark.slow
def test_a_stale_profile_still_archives_the_articles(stale_crawl):
    _, right, stale, *_ = stale_crawl
    expected, got = articles(right), articles(stale)
    assert len(expected) >= 15
    kept = set(expected) & set(got)
    assert len(kept) >= 0.9 * len(expected), sorted(set(expected) - set(got))
    assert set(got) <= set(expected)  # and nothing that is not an article
    same = [url for url in kept if got[url] == expected[url]]
    assert len(same) >= 0.9 * len(expected), sorted(kept - set(same))


@pytest.mark.slow
def test_a_stale_profile_is_reported(stale_crawl):
    profiles, _, stale, first, again = stale_crawl
    for summary in (first, again):  # a quiet second run does not hide the drift
        warning = [line for line in summary.splitlines() if line.startswith("warning:")]
        assert len(warning) == 1 and "civil_ge drifted" in warning[0]
        for field in ("urls.article", "start.feeds", "extract.body", "extract.date"):
            assert field in warning[0]
    report = json.loads(
        run_cli(
            "--profiles", str(profiles), "health", "civil_ge", "--db", str(stale), "--json"
        ).stdout
    )
    (entry,) = report
    assert entry["site"] == "civil_ge" and entry["verdict"] == "drifted"
    problems = {p["field"]: p for p in entry["problems"] if p["kind"] == "drift"}
    assert set(problems) == {
        "urls.article",
        "start.feeds",
        "start.listings",
        "extract.body",
        "extract.date",
        "extract.categories",
    }
    assert re.match(
        r"^https://civil\.ge/(ka/|ru/)?archives/\d+$", problems["urls.article"]["example"]
    )
    assert problems["start.feeds"]["example"] == "https://civil.ge/rss/all.xml"
    assert "the site announces" in problems["start.feeds"]["detail"]
    assert problems["start.listings"]["example"] == "https://civil.ge/section/news"
    assert problems["extract.body"]["count"] >= 15
    # the text output names the same fields, each with its evidence
    text = run_cli("--profiles", str(profiles), "health", "civil_ge", "--db", str(stale)).stdout
    assert re.search(r"^civil_ge\s+drifted\s+1, 2$", text, re.M)
    assert re.search(r"^  urls\.article\s+drift\s+\d+ articles were at URLs", text, re.M)


@pytest.mark.slow
def test_with_the_profile_fixed_health_judges_the_new_runs_only(stale_crawl, tmp_path):
    """The right profile (its digest differs) is not blamed for the stale one's runs: until
    a run with it, health says the runs it judges were made with another profile."""
    _, _, stale, *_ = stale_crawl
    copy = tmp_path / "copy.db"
    with sqlite3.connect(stale) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    before = json.loads(run_cli("health", "civil_ge", "--db", str(copy), "--json").stdout)[0]
    assert before["verdict"] == "drifted" and "profile changed" in before["note"]
    with MirrorServer() as mirror:
        run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(copy), "--force")
    after = json.loads(run_cli("health", "civil_ge", "--db", str(copy), "--json").stdout)[0]
    assert after["verdict"] == "ok" and "note" not in after and after["runs"] == [3]


@pytest.mark.slow
def test_urls_the_pattern_misses_are_judged_by_the_page_and_links_are_capped(tmp_path):
    """No URL the outlet's feeds or sitemaps list is refused for its URL: the pages that hold
    articles are archived (each miss counted), the others recorded as not articles. Links on
    listings that no pattern matches but that look like articles are followed, at most
    UNMATCHED_LINKS_PER_RUN of them; those held back are counted."""
    profiles = tmp_path / "profiles"
    stale_civil_ge(profiles)
    db = tmp_path / "a.db"
    with MirrorServer() as mirror:
        run_cli(
            "--profiles",
            str(profiles),
            "crawl",
            "civil_ge",
            "--mirror",
            mirror.address,
            "--db",
            str(db),
            "--set",
            "UNMATCHED_LINKS_PER_RUN=3",
        )
    with Archive(db) as archive:
        metric = dict(
            archive.db.execute("SELECT metric, sum(count) FROM site_health_metrics GROUP BY 1")
        )
        stored = archive.db["articles"].count
        assert metric["pattern_missed"] == metric["articles"] >= stored >= 10
        assert metric["unmatched_followed"] == 3 and metric["links_capped"] > 0
        assert metric.get("unmatched_articles", 0) <= 3
        # WordPress marks its pages og:type=article; JSON-LD says this one is a WebPage
        about = archive.page_state("https://civil.ge/about-us")
        assert about is not None and about["outcome"] == "not_article"


@pytest.mark.slow
def test_an_outlet_that_answers_nothing_is_down(tmp_path):
    """Every request refused (nothing listens where the outlet is served): `down`, with the
    failures as evidence, and no drift blamed on the profile."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    db = tmp_path / "a.db"
    run_cli(
        "crawl", "agenda_ge", "--mirror", closed, "--db", str(db),
        "--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=5",
    )  # fmt: skip
    (entry,) = json.loads(run_cli("health", "agenda_ge", "--db", str(db), "--json").stdout)
    assert entry["verdict"] == "down"
    assert {p["kind"] for p in entry["problems"]} == {"failure"}
    assert any("connection refused" in p["detail"] for p in entry["problems"])
