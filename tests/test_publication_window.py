"""The publication window: which articles a bounded crawl or import keeps, and which listed
URLs it may skip before fetching them."""

from datetime import date

import pytest

from caucasus_crawler.publication_window import PublicationWindow, WindowError, parse_day

YEAR_2024 = PublicationWindow(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("published", "kept"),
    [
        ("2024-01-01", True),
        ("2024-12-31T23:59:00+04:00", True),  # the archive's own form: the day counts
        ("2023-12-31T23:59:00+04:00", False),
        ("2025-01-01", False),
        (None, False),  # undated: cannot be shown to be in the period
        ("not a date", False),
    ],
)
def test_a_window_admits_the_days_it_spans(published, kept):
    assert YEAR_2024.admits(published) is kept


def test_an_open_window_admits_everything_even_undated_articles():
    assert PublicationWindow().admits(None)
    assert PublicationWindow(max_articles=5).admits("1999-01-01")
    assert PublicationWindow(since=date(2024, 1, 1)).admits("2030-01-01")


def test_listings_prune_by_feed_dates_and_by_lastmod_before_since_only():
    assert not YEAR_2024.could_list(published="2025-03-01")  # a feed entry after the window
    assert not YEAR_2024.could_list(modified="2023-06-01")  # unchanged since before it began
    assert YEAR_2024.could_list(modified="2026-06-01")  # may be an old article, edited late
    assert YEAR_2024.could_list()  # nothing known: fetch it


def test_bad_bounds_are_one_line_errors_naming_what_was_given():
    with pytest.raises(WindowError, match="--since 'yesterday' is not a day"):
        parse_day("yesterday", "--since")
    with pytest.raises(WindowError, match="before --since"):
        PublicationWindow(date(2024, 2, 1), date(2024, 1, 1))


def test_the_window_travels_as_settings():
    window = PublicationWindow(date(2024, 1, 1), None, 50)
    settings = window.as_settings()
    assert settings == {"PUBLISHED_SINCE": "2024-01-01", "MAX_ARTICLES": 50}
    assert PublicationWindow.from_settings(settings) == window
