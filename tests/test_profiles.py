"""Outlet profiles: the built-in ones load, bad ones fail with the file and the field named."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import (
    ProfileError,
    Schedule,
    load_profile,
    load_profiles,
    profile_from_dict,
)

GOOD = """
name = "example_ge"
title = "Example News"
country = "GE"
languages = ["ka", "en"]
home = "https://example.ge/"
[editions]
ka = "https://example.ge/"
en = "https://example.ge/en/"
[start]
feeds = ["https://example.ge/feed/"]
[urls]
article = ['^https://example\\.ge/(?:en/)?news/\\d+$']
"""
GOOD_DICT = tomllib.loads(GOOD)


def test_built_in_profiles_cover_three_countries_and_five_languages():
    profiles = load_profiles()
    assert {"civil_ge", "news_am", "report_az"} <= set(profiles)
    assert {p.country for p in profiles.values()} >= {"GE", "AM", "AZ"}
    assert {lang for p in profiles.values() for lang in p.languages} >= {
        "en",
        "ka",
        "hy",
        "az",
        "ru",
    }
    civil = profiles["civil_ge"]
    assert civil.languages == ("en", "ka", "ru")
    assert civil.edition_language("https://civil.ge/ka/archives/123") == "ka"
    assert civil.edition_language("https://civil.ge/archives/123") == "en"
    assert civil.is_article_url("https://civil.ge/ru/archives/621487")
    assert not civil.is_article_url("https://civil.ge/archives/category/news")


@pytest.mark.slow
def test_a_user_profile_directory_adds_an_outlet(tmp_path):
    (tmp_path / "example_ge.toml").write_text(GOOD, "utf-8")
    profiles = load_profiles([tmp_path])
    assert profiles["example_ge"].edition_language("https://example.ge/en/news/5") == "en"
    listed = json.loads(run_cli("--profiles", str(tmp_path), "sites", "--json").stdout)
    assert {
        "name": "example_ge",
        "title": "Example News",
        "country": "GE",
        "languages": ["ka", "en"],
        "home": "https://example.ge/",
    } in listed


def test_a_small_file_changes_a_built_in_profile_without_copying_it(tmp_path):
    (tmp_path / "civil_often.toml").write_text(
        "# civil.ge's feeds every 5 minutes, two listing pages\n"
        'extends = "civil_ge"\n[schedule]\nfeeds = 5\n[urls]\nmax_listing_pages = 2\n',
        "utf-8",
    )
    built_in = load_profiles()["civil_ge"]
    changed = load_profiles([tmp_path])["civil_ge"]
    # the tables merged: only the fields the file names changed
    assert changed.schedule == Schedule(feeds=5, listings=120, sitemaps=1440)
    assert changed.max_listing_pages == 2
    assert changed.article_urls == built_in.article_urls and changed.feeds == built_in.feeds
    assert changed.extract == built_in.extract and changed.title == built_in.title
    assert changed.source == str(tmp_path / "civil_often.toml")
    assert changed.digest != built_in.digest  # `health` judges runs of the changed profile
    listed = run_cli("--profiles", str(tmp_path), "sites").stdout
    assert "civil_ge" in listed


def test_a_change_may_extend_a_user_profile_in_the_same_directory(tmp_path):
    (tmp_path / "a_changes.toml").write_text('extends = "example_ge"\ntitle = "Ex"\n', "utf-8")
    (tmp_path / "example_ge.toml").write_text(GOOD, "utf-8")  # sorted after its change
    profile = load_profiles([tmp_path])["example_ge"]
    assert profile.title == "Ex" and profile.languages == ("ka", "en")


def test_a_name_that_is_no_string_is_one_line_from_a_directory(tmp_path):
    (tmp_path / "odd.toml").write_text(GOOD.replace('"example_ge"', '["example_ge"]', 1), "utf-8")
    with pytest.raises(ProfileError, match="odd.toml: field 'name': must be lower-case"):
        load_profiles([tmp_path])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('extends = "nowhere_ge"\n', "field 'extends': 'nowhere_ge' is no profile loaded before"),
        ('extends = "civil_ge"\n[schedule]\nfeeds = 0\n', "field 'schedule.feeds': must be"),
        ('extends = "civil_ge"\ncolour = "red"\n', "field 'colour': unknown field"),
    ],
)
def test_a_bad_change_names_its_file_and_field(tmp_path, text, message):
    (tmp_path / "change.toml").write_text(text, "utf-8")
    with pytest.raises(ProfileError, match=re.escape(f"{tmp_path / 'change.toml'}: {message}")):
        load_profiles([tmp_path])
    with pytest.raises(ProfileError, match="field 'extends': a file that changes another"):
        load_profile(tmp_path / "change.toml")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('country = "GE"', 'country = "Georgia"'), "country"),
        (('languages = ["ka", "en"]', 'languages = ["ge"]'), "languages"),
        (('home = "https://example.ge/"', 'home = "example.ge"'), "home"),
        (("'^https://example", "'(^https://example"), "urls.article"),
        (('name = "example_ge"', 'name = "Example GE"'), "name"),
        (("[start]", "[start]\nfeed = 1"), "start.feed"),
        (("[start]", '[extract]\nbody = "div..body"\n[start]'), "extract.body"),
        (('en = "https://example.ge/en/"', 'ru = "https://example.ge/ru/"'), "editions.ru"),
    ],
)
def test_a_bad_profile_names_its_file_and_field(tmp_path, change, field):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change), "utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    message = str(error.value)
    assert message.startswith(f"{path}: field '{field}':")
    assert "\n" not in message


def test_any_iso_language_and_country_is_accepted(tmp_path):
    # the region's outlets also publish in Turkish and Persian (issue 16)
    turkish = GOOD.replace('country = "GE"', 'country = "TR"')
    turkish = turkish.replace('languages = ["ka", "en"]', 'languages = ["tr", "fa", "ka", "en"]')
    (tmp_path / "example_tr.toml").write_text(turkish, "utf-8")
    profile = load_profile(tmp_path / "example_tr.toml")
    assert (profile.country, profile.languages) == ("TR", ("tr", "fa", "ka", "en"))
    (tmp_path / "example_tr.toml").write_text(turkish.replace('"TR"', '"regional"'), "utf-8")
    assert load_profile(tmp_path / "example_tr.toml").country == "regional"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("languages = [", 'languages = ["xx", '), "'xx' is not an ISO 639-1 language code"),
        (
            ('country = "GE"', 'country = "XX"'),
            "'XX' is not an ISO 3166-1 alpha-2 country code or 'regional'",
        ),
        # only ISO's case: `ge` beside `GE` would count as another country
        (
            ('country = "GE"', 'country = "ge"'),
            "'ge' is not an ISO 3166-1 alpha-2 country code or 'regional' (ISO writes it 'GE')",
        ),
        (
            ("languages = [", 'languages = ["TR", '),
            "'TR' is not an ISO 639-1 language code (ISO writes it 'tr')",
        ),
    ],
)
def test_a_code_outside_iso_is_refused_in_one_line(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change), "utf-8")
    field = "country" if "country" in change[0] else "languages"
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value) == f"{path}: field '{field}': {message}"


@pytest.mark.slow
def test_a_broken_profile_gives_one_line_and_exit_2(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "x"\ncountry = [', "utf-8")
    result = run_cli("--profiles", str(tmp_path), "sites", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "broken.toml: not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_sites_json_lists_every_profile_with_its_public_fields():
    listed = json.loads(run_cli("sites", "--json").stdout)
    by_name = {site["name"]: site for site in listed}
    assert by_name["civil_ge"] == {
        "name": "civil_ge",
        "title": "Civil.ge",
        "country": "GE",
        "languages": ["en", "ka", "ru"],
        "home": "https://civil.ge/",
    }
    assert by_name["news_am"]["country"] == "AM"
    assert by_name["report_az"]["languages"] == ["az", "en", "ru"]


# -- hostile profiles (issue 17): patterns matched in bounded time, absurd values refused -------

# A URL that makes a backtracking engine try 2^n ways before it fails: `(a+)+$` against it never
# ends on Python's `re`, and a process stuck in one `re` call does not even run SIGTERM's handler.
HOSTILE_URL = "https://example.ge/" + "a" * 50_000 + "!"


def _matcher_in_a_subprocess(patterns: dict[str, list[str]]) -> list[str]:
    """[is_article_url, is_listing_url, is_ignored] for HOSTILE_URL under a profile with
    `patterns`, twice, then what was logged: in a process of its own with a generous timeout,
    so that a hang fails the test instead of hanging it."""
    script = f"""
import logging, sys
from caucasus_crawler.profiles import profile_from_dict
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(message)s")
base = {{"name": "hostile", "country": "GE", "languages": ["ka"], "home": "https://example.ge/"}}
profile = profile_from_dict({{**base, "urls": {patterns!r}}}, "hostile.toml")
url = "https://example.ge/" + "a" * 50_000 + "!"
for _ in range(2):
    print(profile.is_article_url(url), profile.is_listing_url(url), profile.is_ignored(url))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [*result.stdout.splitlines(), *result.stderr.splitlines()]


@pytest.mark.slow
def test_a_catastrophic_pattern_is_matched_in_bounded_time():
    patterns = {"article": ["(a+)+$"], "listing": [r"^https://(?:[\w./-]+)+!$"], "ignore": ["!$"]}
    assert _matcher_in_a_subprocess(patterns) == ["False True True"] * 2
    hostile = profile_from_dict({**GOOD_DICT, "urls": patterns}, "hostile.toml")
    # the linear-time engine runs them: not a faster machine, another algorithm
    assert [p.engine for p in hostile.article_urls + hostile.listing_urls] == ["re2", "re2"]


def test_every_built_in_pattern_runs_on_the_linear_time_engine():
    for profile in load_profiles().values():
        for pattern in (*profile.article_urls, *profile.listing_urls, *profile.ignore_urls):
            assert pattern.engine == "re2", (profile.name, pattern.pattern)


@pytest.mark.slow
def test_the_linear_time_engine_keeps_python_s_meaning_of_classes():
    """RE2's \\d, \\w and \\s are ASCII; Python's, which profiles are written in, are Unicode:
    a raw Georgian or Armenian link (`urljoin` keeps an href's letters) must match alike."""
    assigned = "".join(
        chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cn", "Cs")
    )
    for pattern in (r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", r"[\w%-]", r"[^\d/]", r"[\s\D]"):
        ours = profile_from_dict({**GOOD_DICT, "urls": {"article": [f"^{pattern}$"]}})
        assert ours.article_urls[0].engine == "re2", pattern
        python = re.compile(f"^{pattern}$")
        differ = [c for c in assigned if bool(python.search(c)) != ours.is_article_url(c)]
        assert not differ, (pattern, differ[:10])
    raw = profile_from_dict(
        {**GOOD_DICT, "urls": {"article": [r"^https://civilnet\.am/news/\d+/[\w%-]+/$"]}}
    )
    assert raw.is_article_url("https://civilnet.am/news/123/Հայաստան-Վրաստան/")
    assert not raw.is_article_url("https://civilnet.am/news/123/two words/")


@pytest.mark.slow
def test_a_pattern_only_python_can_run_is_bounded_by_a_time_limit():
    """Lookarounds and backreferences are beyond RE2: such a pattern (the drafts' guards are
    lookaheads) runs on the `regex` engine with a time limit; one that passes it is logged,
    once, and matches nothing for the rest of the process (profiles guide, never gate)."""
    guard = r"^https://example\.ge/(?!tag/)[a-z-]+/\d+$"
    hostile = r"(?!x)(a+)+$"
    lines = _matcher_in_a_subprocess({"article": [guard, hostile]})
    assert lines[:2] == ["False False False"] * 2
    assert lines[2:] == [
        f"hostile.toml: field 'urls.article': pattern {hostile!r} took over 1 s on "
        f"{HOSTILE_URL[:80]}…; it matches nothing more in this process: rewrite it without "
        "lookarounds or backreferences, so that the linear-time engine runs it"
    ]
    profile = profile_from_dict({**GOOD_DICT, "urls": {"article": [guard]}})
    assert profile.article_urls[0].engine == "regex"
    assert profile.is_article_url("https://example.ge/news/5")
    assert not profile.is_article_url("https://example.ge/tag/5")


@pytest.mark.parametrize(
    ("urls", "field", "problem"),
    [
        (
            {"max_listing_pages": 10**21},
            "urls.max_listing_pages",
            "must be a whole number from 1 to 1000",
        ),
        ({"max_listing_pages": True}, "urls.max_listing_pages", "must be a whole number from 1"),
        (
            {"article": ["(?:a{100}){11}"]},
            "urls.article",
            "pattern '(?:a{100}){11}' repeats more than 1000 times in all (counts multiply when "
            "nested), which the linear-time engine cannot take; repeat less",
        ),
        (  # the `regex` engine would spend gigabytes compiling it: refused before that
            {"ignore": [r"(?!x)((a{1000}){1000}){1000}"]},
            "urls.ignore",
            "repeats more than 1000 times in all",
        ),
        ({"article": ["x" * 2001]}, "urls.article", "is 2001 characters long; at most 2000"),
        ({"listing": ["a"] * 101}, "urls.listing", "has 101 entries; at most 100"),
        ({"next_page": "a" + " b" * 300}, "urls.next_page", "at most 500"),
    ],
)
def test_absurd_values_are_refused_in_one_line(urls, field, problem):
    with pytest.raises(ProfileError) as error:
        profile_from_dict({**GOOD_DICT, "urls": urls}, "absurd.toml")
    message = str(error.value)
    assert message.startswith(f"absurd.toml: field '{field}': ")
    assert problem in message and "\n" not in message and len(message) < 400


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("[start]", "[schedule]\nfeeds = 1000000000\n[start]"), "schedule.feeds", "at most"),
        (("[start]", "[extract]\ntimezone = '+99:00'\n[start]"), "extract.timezone", "+04:00"),
        (
            (
                'feeds = ["https://example.ge/feed/"]',
                "feeds = [{}]".format(
                    ", ".join(f'"https://example.ge/feed/{n}"' for n in range(100_000))
                ),
            ),
            "start.feeds",
            "has 100000 entries; at most 1000",
        ),
        (
            ("[start]", "[extract]\nremove = [{}]\n[start]".format('"p", ' * 101)),
            "extract.remove",
            "has 101 entries; at most 100",
        ),
        (
            ("[start]", "[extract]\nbody = '{}'\n[start]".format("div " * 200)),
            "extract.body",
            "at most 500",
        ),
        (
            ("[start]", "[extract]\ncut_at = ['{}']\n[start]".format("x" * 2001)),
            "extract.cut_at",
            "at most 2000",
        ),
        (('title = "Example News"', f'title = "{"x" * 201}"'), "title", "at most 200"),
    ],
)
def test_absurd_values_in_a_file_are_refused_in_one_line(tmp_path, change, field, problem):
    path = tmp_path / "absurd.toml"
    path.write_text(GOOD.replace(*change), "utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    message = str(error.value)
    assert message.startswith(f"{path}: field '{field}': ")
    assert problem in message and "\n" not in message and len(message) < 400


def test_a_huge_profile_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(GOOD + "# " + "x" * (11 * 2**20) + "\n", "utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value) == f"{path}: the profile is larger than 10 MB; profiles are small"


def _hostile_civil_ge(directory: Path) -> Path:
    """civil_ge as a user might rewrite it, with patterns that backtrack without end on its
    URLs: one RE2 takes, one only the `regex` engine can."""
    text = Path(load_profiles()["civil_ge"].source).read_text("utf-8")
    # never ending on Python's `re` (one RE2 runs), and on `regex` too (with a lookahead)
    slow, slower = r"^https://(?:[\w./-]+)+!$", r"(?!x)^https://(?:[\w./-]|[\w./-]{2}|[\w./-]{3})+~"
    hostile = f"ignore = ['/archives/tag/', '{slow}', '{slower}']"
    text = re.sub(r"(?m)^ignore = .*$", lambda _: hostile, text)
    directory.mkdir()
    (directory / "civil_ge.toml").write_text(text, "utf-8")
    return directory


def _crawl(profiles: Path, mirror: MirrorServer, db: Path) -> tuple[str, ...]:
    """The command line of a crawl of civil_ge with the profiles of `profiles`."""
    return ("--profiles", str(profiles), "crawl", "civil_ge", "--mirror", mirror.address,
            "--db", str(db))  # fmt: skip


@pytest.mark.slow
def test_a_crawl_with_a_hostile_user_profile_finishes(tmp_path):
    profiles = _hostile_civil_ge(tmp_path / "profiles")
    db = tmp_path / "archive.db"
    with MirrorServer() as mirror:
        result = run_cli(*_crawl(profiles, mirror, db), timeout=240)
    with sqlite3.connect(db) as connection:
        stored = connection.execute("select count(*) from articles").fetchone()[0]
    assert stored >= 10  # the crawl did its work, not merely stopped
    warnings = [line for line in result.stderr.splitlines() if "took over 1 s" in line]
    assert len(warnings) == 1 and "field 'urls.ignore'" in warnings[0], result.stderr


FEED_OR_LISTING = re.compile(
    r"Crawled \(200\) <GET https://civil\.ge/(?:ka/|ru/)?(?:feed|archives/c)"
)


@pytest.mark.slow
def test_sigterm_stops_a_crawl_with_a_hostile_user_profile(tmp_path):
    """The defect's second half: stuck in one `re` call, the crawl ignored SIGTERM."""
    profiles = _hostile_civil_ge(tmp_path / "profiles")
    log = tmp_path / "crawl.log"
    with MirrorServer() as mirror, log.open("w") as stderr:
        crawl = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "caucasus_crawler.cli",
                *_crawl(profiles, mirror, tmp_path / "a.db"),
                "--set",
                "DOWNLOAD_DELAY=0.5",
                "--log-level",
                "DEBUG",
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            cwd=REPO,
        )
        try:
            deadline = time.monotonic() + 120
            # a feed or a listing: where the hostile patterns meet the outlet's URLs
            while not FEED_OR_LISTING.search(log.read_text("utf-8", "replace")):
                assert crawl.poll() is None and time.monotonic() < deadline, "crawl never began"
                time.sleep(0.2)
            assert crawl.poll() is None, "the crawl ended before SIGTERM: nothing proved"
            crawl.send_signal(signal.SIGTERM)
            returncode = crawl.wait(timeout=120)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
                crawl.wait()
    text = log.read_text("utf-8", "replace")
    assert "Received SIGTERM, shutting down gracefully" in text
    assert returncode == 0, text[-2000:]
