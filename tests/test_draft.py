"""`caucasus-crawler draft`: a profile drafted from an outlet's own site.

The bundled mirror serves the outlets over real HTTP on 127.0.0.1. Each outlet's profile is
drafted from it as a user adding the outlet would (its built-in profile set aside: the draft
goes into a profiles directory of its own under the same name, which replaces the built-in
one), then the outlet is crawled twice into real SQLite archives, with the draft and with the
hand-written profile, and the archives are compared.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import tomllib
from pathlib import Path

import pytest
from conftest import run_cli

from caucasus_crawler.draft.extraction import recurring_lines
from caucasus_crawler.draft.learn import country_guess
from caucasus_crawler.draft.site import pick_child_sitemaps
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import Profile, load_profile
from caucasus_crawler.url_shapes import listing_patterns_for


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def _articles(db: Path) -> dict[str, tuple[str, str, str | None]]:
    """url -> (title, body, published) of every article in the archive."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select url, title, body, published from articles")
        return {url: (title, body, published) for url, title, body, published in rows}


def _draft_and_crawl(mirror: MirrorServer, tmp_path: Path, site: str, url: str, *, stdout: bool):
    """(the drafted profile, its TOML, the report on stderr, the hand-written profile's
    articles, the draft's articles)."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    path = profiles / f"{site}.toml"
    if stdout:  # the TOML on stdout, what was found on stderr
        drafted = run_cli("draft", url, "--mirror", mirror.address, "--name", site)
        path.write_text(drafted.stdout, encoding="utf-8")
    else:
        drafted = run_cli("draft", url, "--mirror", mirror.address, "--name", site, "-o", str(path))
        assert drafted.stdout == ""
    profile = load_profile(path)  # it loads, and validates
    for db, extra in (
        (tmp_path / "hand.db", ()),
        (tmp_path / "draft.db", ("--profiles", str(profiles))),
    ):
        run_cli(*extra, "crawl", site, "--mirror", mirror.address, "--db", str(db))
    hand, draft = _articles(tmp_path / "hand.db"), _articles(tmp_path / "draft.db")
    return profile, path.read_text("utf-8"), drafted.stderr, hand, draft


def _assert_crawls_as_well(profile: Profile, hand: dict, draft: dict) -> None:
    assert len(hand) >= 5, "the hand-written profile's crawl is the yardstick: it must find some"
    common = hand.keys() & draft.keys()
    print(f"{profile.name}: hand-written {len(hand)}, draft {len(draft)}, both {len(common)}")
    assert len(common) >= 0.9 * len(hand), sorted(hand.keys() - draft.keys())
    for url in common:  # the same titles, bodies and dates
        assert draft[url] == hand[url], url
    # found through the draft's own patterns, not through the spider's judgement of pages that
    # no pattern names
    missed = [url for url in common if not profile.is_article_url(url)]
    assert not missed


def _matches(patterns: list[str], url: str) -> bool:
    return any(re.search(p, url) for p in patterns)


@pytest.mark.slow
def test_civil_ge_drafted_from_its_site_crawls_as_its_own_profile(mirror, tmp_path):
    """WordPress, three editions (hreflang), a feed each, sitemaps named by robots.txt."""
    profile, text, report, hand, draft = _draft_and_crawl(
        mirror, tmp_path, "civil_ge", "https://civil.ge/", stdout=False
    )
    _assert_crawls_as_well(profile, hand, draft)

    assert (profile.title, profile.country, profile.home) == ("Civil.ge", "GE", "https://civil.ge/")
    assert set(profile.languages) == {"en", "ka", "ru"}
    assert profile.editions["ka"] == "https://civil.ge/ka/"
    assert "https://civil.ge/feed" in profile.feeds
    assert profile.sitemaps == ()  # robots.txt names them: every crawl reads them anyway
    articles = [p.pattern for p in profile.article_urls]
    for url in ("https://civil.ge/archives/626112", "https://civil.ge/ka/archives/727400"):
        assert _matches(articles, url)
    for url in (
        "https://civil.ge/",
        "https://civil.ge/ka/",
        "https://civil.ge/archives/category/news",
    ):
        assert not _matches(articles, url)
        assert profile.is_listing_url(url) or url == profile.home
    assert "https://civil.ge/archives/category/news" in profile.listings
    assert profile.extract.body == "div.entry-content"  # the hand-written profile's
    assert profile.extract.date is not None
    # the "Also Read:" lists and the translation links inside the bodies
    assert "Also Read:" in profile.extract.cut_at
    assert profile.extract.remove

    # every value says where it came from; the report has a line per field
    assert "# learned from" in text and "URLs of the feeds, the sitemaps" in text
    assert re.search(r"^  urls\.article +\^https://civil", report, re.M)
    assert re.search(r"^  extract\.body +div\.entry-content", report, re.M)
    assert tomllib.loads(text)["name"] == "civil_ge"


@pytest.mark.slow
def test_agenda_ge_drafted_from_its_listings_crawls_as_its_own_profile(mirror, tmp_path):
    """Drupal, one edition, no feed and no sitemap: its articles are found through listings."""
    profile, text, report, hand, draft = _draft_and_crawl(
        mirror, tmp_path, "agenda_ge", "https://agenda.ge/", stdout=True
    )
    _assert_crawls_as_well(profile, hand, draft)

    assert profile.home == "https://agenda.ge/en"  # where the root redirects
    assert profile.languages == ("en",) and profile.country == "GE"
    assert profile.feeds == () and profile.sitemaps == ()
    assert re.search(r"^  start\.feeds +left out: none announced", report, re.M)
    articles = [p.pattern for p in profile.article_urls]
    assert _matches(articles, "https://agenda.ge/en/news/2026/2841")
    for url in (
        "https://agenda.ge/en",
        "https://agenda.ge/en/news",
        "https://agenda.ge/en/news/politics",
    ):
        assert not _matches(articles, url)
    # Drupal's pager has no rel=next: its ?page=N links must be listings
    assert profile.is_listing_url("https://agenda.ge/en/news?page=1")
    assert "https://agenda.ge/en/news/politics" in profile.listings
    assert (profile.extract.body, profile.extract.date) == ("div.bodytext", "div.node-time")
    assert "learned from" in text


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_unreachable_or_wrong_urls_are_one_line_errors(mirror, tmp_path):
    nothing = f"127.0.0.1:{_closed_port()}"
    cases = [
        (("https://civil.ge/", "--mirror", nothing), "https://civil.ge/: no answer (connection"),
        (("https://civil.ge/feed", "--mirror", mirror.address), "not an HTML page"),
        (("https://civil.ge/no-such-page", "--mirror", mirror.address), "answered HTTP 404"),
        (("civil.ge",), "is not an http(s) URL"),
        (("https://civil.ge/", "--name", "Civil GE"), "--name Civil GE"),
    ]
    mirror.add_page("https://oxu.az/robots.txt", "User-agent: *\nDisallow: /\n")
    cases.append((("https://oxu.az/", "--mirror", mirror.address), "Forbidden by robots.txt"))
    existing = tmp_path / "civil_ge.toml"
    existing.write_text("# mine\n", encoding="utf-8")
    cases.append((("https://civil.ge/", "-o", str(existing)), "the file exists; --force"))
    for args, message in cases:
        result = run_cli("draft", *args, check=False, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert existing.read_text("utf-8") == "# mine\n"


# -- the pure parts: what is learned from what -----------------------------------------------------
def test_listing_patterns_cover_sections_editions_and_pages_but_not_articles():
    patterns = listing_patterns_for(
        [
            "https://civil.ge/",
            "https://civil.ge/ka/",
            "https://civil.ge/archives/category/news",
            "https://civil.ge/archives/category/analysis",
            "https://civil.ge/ka/archives/category/news-ka",
            "https://civil.ge/archives/category/news/page/2",
        ]
    )
    for url in (
        "https://civil.ge/archives/category/politics",  # another section
        "https://civil.ge/ka/archives/category/news-ka/page/3",
        "https://civil.ge/page/2",
        "https://civil.ge/ka",
    ):
        assert _matches(patterns, url), url
    assert not _matches(patterns, "https://civil.ge/archives/626112")
    drupal = listing_patterns_for(["https://agenda.ge/en/news", "https://agenda.ge/en/news?page=1"])
    assert _matches(drupal, "https://agenda.ge/en/news?page=7")


def test_recurring_lines_are_the_outlets_own_and_never_a_storys():
    appeal = "Support us: independent journalism costs money, and we do it without a paywall."

    def text(day: int) -> str:  # a story's own paragraph, longer than the outlet's lines
        return f"Story {day} reports what happened on March {day}. " * 6

    stories = [
        [f"Baku, March {day}, AZERTAC", text(day), appeal, "Read more:", f"Another headline {day}"]
        for day in (3, 4, 5, 6)
    ]
    update = ["Baku, March 6, AZERTAC", text(6), "An update.", appeal]
    drop, cut = recurring_lines([("en", lines) for lines in [*stories, update]])
    assert drop == [appeal]
    assert "Read more:" in cut  # followed by links that vary: the body ends there
    assert "Baku," in cut  # a dateline: its place, not its date
    # an update repeats its story's paragraphs: one story, so they are not the outlet's
    assert text(6) not in drop
    few = [("en", ["A line.", f"Text {n}."]) for n in range(2)]
    assert recurring_lines(few) == ([], [])  # two stories prove nothing


def test_country_from_the_domain_and_sitemaps_of_posts_first():
    assert country_guess("https://civil.ge/")[0] == "GE"
    assert country_guess("https://www.bbc.co.uk/")[0] == "GB"
    assert country_guess("https://jam-news.net/")[0] == "regional"
    assert country_guess("https://example.io/")[0] == "regional"  # used by sites of any country
    index = [
        ("https://x.ge/page-sitemap.xml", None),
        ("https://x.ge/image-sitemap.xml", None),
        ("https://x.ge/sitemaps/2025.xml", "2025-12-31"),
        ("https://x.ge/sitemaps/2026.xml", "2026-11-30"),
        ("https://x.ge/news-sitemap.xml", None),
    ]
    assert pick_child_sitemaps(index, 2) == [
        "https://x.ge/news-sitemap.xml",
        "https://x.ge/sitemaps/2026.xml",
    ]
