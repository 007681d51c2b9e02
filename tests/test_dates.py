"""Dates as the region's outlets print them, in the five languages, to ISO 8601 with an offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caucasus_crawler.extract.dates import find_dates, parse_date, parse_iso
from caucasus_crawler.extract.page import Page

# 2025-11-16 16:00 in Tbilisi, Yerevan and Baku.
NOW = datetime(2025, 11, 16, 12, 0, tzinfo=UTC)

CASES = [
    # English (civil.ge, azernews.az, generic)
    ("04/09/2024 - 13:27", ("en", "ka", "ru"), "2024-09-04T13:27:00+04:00"),
    ("21 July 2025 14:01 (UTC+04:00)", ("en",), "2025-07-21T14:01:00+04:00"),
    ("September 4, 2024", ("en",), "2024-09-04T00:00:00+04:00"),
    ("4 Sep 2024, 13:27", ("en",), "2024-09-04T13:27:00+04:00"),
    ("Published: 4 September 2024", ("en",), "2024-09-04T00:00:00+04:00"),
    ("Wed, 04 Sep 2024 09:27:00 GMT", ("en",), "2024-09-04T13:27:00+04:00"),
    ("2 hours ago", ("en",), "2025-11-16T14:00:00+04:00"),
    # Georgian: nominative, dative, genitive and abbreviated months, weekday, relative
    ("4 სექტემბერი, 2024", ("ka",), "2024-09-04T00:00:00+04:00"),
    ("4 სექტემბერს, 2024", ("ka",), "2024-09-04T00:00:00+04:00"),
    ("4 სექტემბრის 2024", ("ka",), "2024-09-04T00:00:00+04:00"),
    ("21 ივლისს 2025 14:01", ("ka",), "2025-07-21T14:01:00+04:00"),
    ("3 აგვისტოს 2023, 09:05", ("ka",), "2023-08-03T09:05:00+04:00"),
    ("ოთხშაბათი, 4 სექტემბერი 2024 13:27", ("ka",), "2024-09-04T13:27:00+04:00"),
    ("4 სექ. 2024", ("ka",), "2024-09-04T00:00:00+04:00"),
    ("1 საათის წინ", ("ka",), "2025-11-16T15:00:00+04:00"),
    # Armenian: genitive months (hetq.am), numeric (news.am), relative
    ("17 դեկտեմբերի, 2020", ("hy",), "2020-12-17T00:00:00+04:00"),
    ("17 դեկտեմբերի 2020, 10:15", ("hy",), "2020-12-17T10:15:00+04:00"),
    ("Դեկտեմբերի 17, 2020", ("hy",), "2020-12-17T00:00:00+04:00"),
    ("12:30, 01.09.2018", ("hy", "en", "ru"), "2018-09-01T12:30:00+04:00"),
    ("5 ժամ առաջ", ("hy",), "2025-11-16T11:00:00+04:00"),
    # Azerbaijani: report.az, apa.az, trend.az forms, suffixed months, relative
    ("16 noyabr, 2025 14:00", ("az", "en", "ru"), "2025-11-16T14:00:00+04:00"),
    ("14 noyabr 2025 16:23 (UTC +04:00)", ("az",), "2025-11-14T16:23:00+04:00"),
    ("16 Noyabr 2025, 09:05", ("az",), "2025-11-16T09:05:00+04:00"),
    ("20 dekabrda 2024", ("az",), "2024-12-20T00:00:00+04:00"),
    ("Dekabrın 20-si, 2024", ("az",), "2024-12-20T00:00:00+04:00"),
    ("2 saat əvvəl", ("az",), "2025-11-16T14:00:00+04:00"),
    # Russian: genitive months, "г.", time first, relative
    ("5 сентября 2024, 10:15", ("ru",), "2024-09-05T10:15:00+04:00"),
    ("5 сентября 2024 г., 10:15", ("ru",), "2024-09-05T10:15:00+04:00"),
    ("10:15, 5 сентября 2024", ("ru",), "2024-09-05T10:15:00+04:00"),
    ("вчера, 10:15", ("ru",), "2025-11-15T10:15:00+04:00"),
    ("3 дня назад", ("ru",), "2025-11-13T16:00:00+04:00"),
    # machine-readable forms, including news.am's offset where the T belongs
    ("2024-09-04T13:27:00+04:00", (), "2024-09-04T13:27:00+04:00"),
    ("2024-09-04T09:27:00Z", (), "2024-09-04T09:27:00+00:00"),
    ("2024-09-04T13:27:00.000+0400", (), "2024-09-04T13:27:00+04:00"),
    ("2018-09-01+0412:30:00", (), "2018-09-01T12:30:00+04:00"),
    ("2024-09-04 13:27", (), "2024-09-04T13:27:00+04:00"),
    ("2024-09-04", (), "2024-09-04T00:00:00+04:00"),
]


@pytest.mark.parametrize(("text", "languages", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_date(text, languages, expected):
    assert parse_date(text, languages, now=NOW) == expected


def test_table_covers_all_five_languages():
    languages = {lang for _, langs, _ in CASES for lang in langs}
    assert {"en", "ka", "hy", "az", "ru"} <= languages
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        ("15 Noyabr 10:31 (UTC+04)", ("az",), "2025-11-15T10:31:00+04:00"),  # trend.az
        ("15 ноября 10:31", ("ru",), "2025-11-15T10:31:00+04:00"),
        ("4 სექტემბერს", ("ka",), "2025-09-04T00:00:00+04:00"),
    ],
)
def test_no_year_takes_the_year_of_now(text, languages, expected):
    assert parse_date(text, languages, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        ("25 Dekabr 10:00", ("az",), "2024-12-25T10:00:00+04:00"),
        ("17 декабря", ("ru",), "2024-12-17T00:00:00+04:00"),
        ("31 დეკემბერს 23:00", ("ka",), "2024-12-31T23:00:00+04:00"),
        ("16 Noyabr 18:00", ("az",), "2024-11-16T18:00:00+04:00"),  # later today: last year
    ],
)
def test_no_year_is_never_in_the_future(text, languages, expected):
    result = parse_date(text, languages, now=NOW)
    assert result == expected
    assert datetime.fromisoformat(result) <= NOW


def test_no_year_takes_the_year_hint_of_the_url():
    assert parse_date("15 Noyabr 10:31", ("az",), now=NOW, year=2023) == "2023-11-15T10:31:00+04:00"
    # a hint that would put the date in the future falls back a year
    assert parse_date("25 Dekabr 10:00", ("az",), now=NOW, year=2025) == "2024-12-25T10:00:00+04:00"


def test_local_times_get_the_given_offset():
    result = parse_date("04/09/2024 - 13:27", ("en",), timezone="+03:00")
    assert result == "2024-09-04T13:27:00+03:00"
    assert parse_iso("2024-09-04T13:27:00", "+03:00").isoformat() == "2024-09-04T13:27:00+03:00"


def test_an_offset_printed_on_the_page_wins_over_the_profile():
    assert parse_date("21 July 2025 14:01 (UTC+03:00)", ("en",), timezone="+04:00") == (
        "2025-07-21T14:01:00+03:00"
    )


@pytest.mark.parametrize("text", ["", "   ", "no date here", "Share on Facebook", "2024-13-45"])
def test_not_a_date(text):
    assert parse_date(text, ("en",), now=NOW) is None


def _page(head: str, body: str = "", url: str = "https://example.ge/news/1") -> Page:
    return Page.from_html(f"<html><head>{head}</head><body>{body}</body></html>", url)


def test_find_dates_prefers_json_ld_then_meta_then_time():
    page = _page(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2024-09-04T13:27:00+04:00",'
        ' "dateModified": "2024-09-05T10:00:00+04:00"}'
        "</script>"
        '<meta property="article:published_time" content="2024-09-01T10:00:00+04:00">',
        '<article><time datetime="2024-08-01T10:00:00+04:00">1 Aug</time><h1>x</h1></article>',
    )
    assert find_dates(page, now=NOW) == ("2024-09-04T13:27:00+04:00", "2024-09-05T10:00:00+04:00")

    page = _page(
        '<meta property="article:published_time" content="2024-09-01T10:00:00+04:00">'
        '<meta property="og:updated_time" content="2024-09-02T10:00:00+04:00">',
        '<article><time datetime="2024-08-01T10:00:00+04:00">1 Aug</time><h1>x</h1></article>',
    )
    assert find_dates(page, now=NOW) == ("2024-09-01T10:00:00+04:00", "2024-09-02T10:00:00+04:00")


def test_find_dates_skips_dates_in_the_future():
    page = _page(
        '<meta property="article:published_time" content="2030-01-01T10:00:00+04:00">'
        '<meta name="pubdate" content="2024-09-01T10:00:00+04:00">'
    )
    assert find_dates(page, now=NOW)[0] == "2024-09-01T10:00:00+04:00"


def test_find_dates_a_bare_day_gives_way_to_a_time_on_that_day():
    page = _page(
        '<meta name="date" content="2024-09-01">',
        '<article><h1>x</h1><time datetime="2024-09-01T10:15:00+04:00">1 Sep</time></article>',
    )
    assert find_dates(page, now=NOW)[0] == "2024-09-01T10:15:00+04:00"
