"""`stats --plot`'s chart, by what it holds (panels, series, labels, colours, legends), with
the 22 built-in outlets and more; the drawing itself is matplotlib's."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from caucasus_crawler import stats
from caucasus_crawler.profiles import load_profiles

PROFILES = load_profiles()
COUNTRIES = {name: profile.country for name, profile in PROFILES.items()}


def _rows(sites, days: int, first: date = date(2025, 1, 6)) -> list[tuple[str, str, int]]:
    """(day, outlet, articles): outlet number i publishes i + 1 articles every other day."""
    return [
        ((first + timedelta(days=d)).isoformat(), site, i + 1)
        for d in range(0, days, 2)
        for i, site in enumerate(sites)
    ]


def _legend_labels(axis) -> list[str]:
    return [text.get_text() for text in axis.get_legend().get_texts()]


def test_22_outlets_over_a_year_are_weekly_panels_per_country_none_sharing_a_colour():
    sites = sorted(PROFILES)
    assert len(sites) == 22
    chart = stats.chart_data(_rows(sites, 400), COUNTRIES)

    assert chart.bin == "week" and chart.days >= 399  # day 0 to day 398
    assert all(b.weekday() == 0 for b in chart.bins)  # weeks from Monday
    assert all(b2 - b1 == timedelta(days=7) for b1, b2 in pairwise(chart.bins))
    assert [panel.country for panel in chart.panels] == ["GE", "AM", "AZ", "regional"]
    charted = [site for panel in chart.panels for series in panel.series for site in series.sites]
    assert sorted(charted) == sites  # each outlet once, in its country's panel
    for panel in chart.panels:
        assert {COUNTRIES[s] for series in panel.series for s in series.sites} == {panel.country}
        totals = [sum(series.counts) for series in panel.series]
        assert totals == sorted(totals, reverse=True)  # the biggest outlets first
    georgia = chart.panels[0]
    assert georgia.title.startswith("Georgia (GE): 7 outlet(s), ")
    # every article is in one bin: outlet i (by name) gave (i + 1) x 200
    assert sum(sum(s.counts) for s in georgia.series) == sum(
        (sites.index(s) + 1) * 200 for s in sites if COUNTRIES[s] == "GE"
    )

    fig = stats.figure(chart, "archive.db")
    fig.draw_without_rendering()  # lays it out, as saving does
    axes = fig.axes
    assert fig.get_suptitle() == "Articles per week per outlet, by country: archive.db"
    assert [axis.get_title(loc="left") for axis in axes] == [p.title for p in chart.panels]
    for axis, panel in zip(axes, chart.panels, strict=True):
        lines = axis.get_lines()
        assert [line.get_label() for line in lines] == [s.label for s in panel.series]
        assert _legend_labels(axis) == [s.label for s in panel.series]
        assert len({line.get_color() for line in lines}) == len(lines)  # no two alike
        assert axis.get_ylabel() == "per week"
        # the legend stands beside the data, inside the figure
        legend = axis.get_legend().get_window_extent()
        frame = axis.get_window_extent()
        assert legend.x0 >= frame.x1 and legend.x1 <= fig.bbox.x1
    assert all(axis.get_shared_x_axes().joined(axes[0], axis) for axis in axes)


def test_a_country_of_many_outlets_shows_its_top_ones_and_one_other():
    sites = [f"outlet{i:02}_tr" for i in range(12)]
    chart = stats.chart_data(_rows(sites, 30), dict.fromkeys(sites, "TR"))

    assert chart.bin == "day" and chart.bins[0] == date(2025, 1, 6) and len(chart.bins) == 29
    (panel,) = chart.panels
    assert panel.title.startswith("Türkiye (TR): 12 outlet(s), ")
    labels = [series.label for series in panel.series]
    assert len(labels) == stats.TOP_OUTLETS
    assert labels[0] == "outlet11_tr (180)"  # 12 articles on each of 15 days
    assert labels[-1] == "other: 5 outlets (225)" and sorted(panel.series[-1].sites) == sites[:5]
    fig = stats.figure(chart, "x.db")
    (axis,) = fig.axes
    assert _legend_labels(axis) == labels
    assert axis.get_lines()[-1].get_linestyle() == "--"  # "other" is told apart
    assert axis.get_ylabel() == "per day"


@pytest.mark.parametrize("days", [92, 93])
def test_daily_bins_up_to_three_months_weekly_beyond(days):
    chart = stats.chart_data(_rows(["civil_ge"], days) + [("2025-01-06", "civil_ge", 1)], {})
    assert chart.bin == ("day" if days <= stats.DAILY_DAYS else "week")


def test_an_outlet_without_a_country_and_no_dates_at_all():
    chart = stats.chart_data([("2025-01-06", "mine", 2), ("not a day", "mine", 5)], {})
    assert [(p.country, [s.label for s in p.series]) for p in chart.panels] == [
        ("unknown", ["mine (2)"])
    ]
    empty = stats.chart_data([], COUNTRIES)
    assert empty.panels == [] and empty.days == 0
    (axis,) = stats.figure(empty, "empty.db").axes
    assert [text.get_text() for text in axis.texts] == ["no dated articles"]
