"""Property tests (hypothesis): date parsing never raises, whatever text a hostile page puts
in a date, and no article gets a date more than a day after the moment it was fetched.
(The URL properties live with the URL table in test_urls.py.)"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caucasus_crawler.extract.dates import find_dates, parse_date
from caucasus_crawler.extract.page import Page

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

# -- dates --------------------------------------------------------------------------------------
_MONTHS = ["September", "Sep", "სექტემბერს", "სექტემბრის", "սեպտեմբերի", "sentyabr", "сентября"]
DATES = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}( \d{1,2}:\d\d)?( UTC\+4)?", fullmatch=True),
    st.builds(
        lambda d, m, y: f"{d} {m} {y}",
        st.integers(0, 40),
        st.sampled_from(_MONTHS),
        st.integers(1900, 2100),
    ),
    st.builds(
        lambda d, m: f"{d} {m}",
        st.integers(1, 31),
        st.sampled_from(_MONTHS),  # no year
    ),
    st.builds(
        lambda n, unit: f"{n} {unit}",
        st.integers(-5, 10**6),
        st.sampled_from(["hours ago", "days ago", "საათის წინ", "saat əvvəl", "дня назад"]),
    ),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}T10:00:00+04:00",
        st.integers(1, 9999),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
)
LANGUAGES = st.lists(st.sampled_from(["en", "ka", "hy", "az", "ru"]), max_size=3)
NOWS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATES, LANGUAGES, NOWS)
def test_parse_date_never_raises(text, languages, now):
    parsed = parse_date(text, languages, now=now)
    assert parsed is None or datetime.fromisoformat(parsed).tzinfo is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATES, LANGUAGES, NOWS)
@example("2099-01-01", ["en"], datetime(2026, 1, 1, tzinfo=UTC))
def test_parse_date_gives_no_date_more_than_a_day_in_the_future(text, languages, now):
    parsed = parse_date(text, languages, now=now)
    assert parsed is None or datetime.fromisoformat(parsed) <= now + timedelta(days=1)


# htmldate, the last resort of find_dates, bounds its dates by the real clock: `now` from today.
_REAL_NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
PAGE_NOWS = st.datetimes(
    min_value=_REAL_NOW, max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATES, DATES, PAGE_NOWS)
@example("2099-01-01T10:00:00+04:00", "1 September 2099", datetime(2026, 1, 1, tzinfo=UTC))
def test_no_article_date_is_more_than_a_day_in_the_future(meta, shown, now):
    """Whatever dates a page states (meta, <time>, visible text), the article's published
    and modified dates are never more than a day after the moment it was fetched."""
    page = Page.from_html(
        "<html><head><title>Council meets</title>"
        f'<meta property="article:published_time" content="{html.escape(meta)}">'
        f'<meta property="article:modified_time" content="{html.escape(shown)}"></head>'
        f'<body><article><h1>Council meets</h1><time datetime="{html.escape(meta)}">'
        f"{html.escape(shown)}</time><p>{html.escape(shown)}: the council met.</p>"
        "</article></body></html>",
        "https://civil.ge/archives/1",
    )
    for found in find_dates(page, None, now, "Council meets"):
        assert found is None or datetime.fromisoformat(found) <= now + timedelta(days=1)
