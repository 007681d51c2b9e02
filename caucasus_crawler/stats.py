"""`caucasus-crawler stats`: what the archive holds, per outlet, language and month, and a
chart of articles per day (or week) per outlet, a panel per country (matplotlib, Agg: no
display needed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.progress import Progress

BAR = "▇"
BAR_WIDTH = 40


def collect(archive: Archive, progress: type[Progress] = Progress) -> dict:
    """The counts `stats` prints (and `--json` gives): articles per outlet, language, topic and
    month, and the articles no topic files (per outlet and category, with a few examples:
    what a profile's [topics] table lacks)."""
    with progress("stats", total=6, unit="step", leave=False) as bar:
        outlets = archive.site_summary()
        bar.update()
        languages = archive.article_counts("language")
        bar.update()
        months = archive.article_counts("month")
        bar.update()
        first, last = archive.date_range()
        bar.update()
        topics = archive.article_counts("topic")
        bar.update()
        loose = archive.articles_without_topic()
        bar.update()
    return {
        "archive": str(archive.path),
        "articles": sum(o["articles"] for o in outlets),
        "first": first,
        "last": last,
        "outlets": outlets,
        "languages": languages,
        "topics": topics,
        "months": months,
        "without_topic": {
            # an article of several unmapped categories is in each of their groups
            "articles": archive.count_articles_without_topic(),
            "groups": loose,
        },
    }


def render(stats: dict) -> str:
    """The terminal report: three tables, months with a bar each (every month from the first
    to the last, those without an article at 0: a gap in the archive shows as one). The first
    column is as wide as its longest name."""
    outlets = [o for o in stats["outlets"] if o["articles"]]
    months = every_month(stats["months"])
    span = f", published {stats['first'][:10]} to {stats['last'][:10]}" if stats["first"] else ""
    keys = [o["site"] for o in stats["outlets"]] + [*stats["languages"], *months]
    keys += list(stats.get("topics") or {})
    first = max([16, *map(len, keys)])
    lines = [
        f"{stats['archive']}: {stats['articles']:,} articles from {len(outlets)} outlet(s){span}",
        "",
        f"{'outlet':<{first}} {'name':<24} {'articles':>9}  {'first':<10}  {'last':<10}",
    ]
    for o in stats["outlets"]:
        lines.append(
            f"{o['site']:<{first}} {(o['title'] or '')[:24]:<24} {o['articles']:>9,}  "
            f"{(o['first'] or '')[:10]:<10}  {(o['last'] or '')[:10]:<10}"
        )
    lines += ["", f"{'language':<{first}} {'articles':>9}"]
    lines += [f"{lang:<{first}} {n:>9,}" for lang, n in stats["languages"].items()]
    if stats.get("topics"):
        lines += ["", f"{'topic':<{first}} {'articles':>9}"]
        lines += [f"{name:<{first}} {n:>9,}" for name, n in stats["topics"].items()]
    lines += ["", f"{'month':<{first}} {'articles':>9}"]
    most = max(months.values(), default=0)
    for month, n in months.items():
        width = max(1, round(BAR_WIDTH * n / most)) if n else 0
        lines.append(f"{month:<{first}} {n:>9,}  {BAR * width}")
    loose = stats.get("without_topic") or {}
    if loose.get("articles"):
        lines += [
            "",
            f"{loose['articles']:,} article(s) under no topic: their categories are in no "
            "[topics] table of their outlet's profile",
        ]
        for group in loose["groups"]:
            category = "no category" if group["category"] is None else repr(group["category"])
            lines.append(f"  {group['site']} {category}: {group['articles']:,}, e.g.")
            lines += [f"    {example['url']}" for example in group["examples"]]
    return "\n".join(line.rstrip() for line in lines)


def every_month(months: dict[str, int]) -> dict[str, int]:
    """Articles per month ("YYYY-MM" keys, in order) with the months between that have none
    added at 0; as given if a key is not a month (nothing to count between)."""
    try:
        held = [(int(key[:4]), int(key[5:7])) for key in months if len(key) == 7 and key[4] == "-"]
    except ValueError:
        return months
    if len(held) != len(months) or not held:
        return months
    (year, month), last = min(held), max(held)
    every = {}
    while (year, month) <= last:
        key = f"{year:04d}-{month:02d}"
        every[key] = months.get(key, 0)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return every


# The chart (`stats --plot`): one panel per country, stacked over one time axis, so that 22
# outlets never share a panel, a colour or a legend box with the data. Up to TOP_OUTLETS
# series a panel (the outlets with most articles, then one "other"), which tab10's ten
# colours tell apart; daily bins up to DAILY_DAYS, weekly ones beyond (a line per day over a
# year is noise).
TOP_OUTLETS = 8
DAILY_DAYS = 92
PANEL_INCHES = 2.4
OTHER_COLOUR = "0.55"
_FIRST_COUNTRIES = ("GE", "AM", "AZ")  # the region's three, in this order; then the others


@dataclass
class Series:
    label: str  # "civil_ge (16)", or "other: 3 outlets (12)"
    counts: list[int]  # articles per bin
    sites: list[str]  # the outlets it sums: one, or those of "other"
    other: bool = False  # the smaller outlets of a crowded country, summed


@dataclass
class Panel:
    country: str  # a code as profiles write it (GE, regional)
    title: str  # "Georgia (GE): 7 outlet(s), 120 articles"
    series: list[Series]


@dataclass
class Chart:
    """What `stats --plot` draws: `bins` (a day or the Monday of a week each), per panel."""

    bin: str  # "day" or "week"
    bins: list[date]
    panels: list[Panel] = field(default_factory=list)

    @property
    def days(self) -> int:
        if not self.bins:
            return 0
        return (self.bins[-1] - self.bins[0]).days + (1 if self.bin == "day" else 7)


def chart_data(rows: Iterable[tuple[str, str, int]], countries: dict[str, str]) -> Chart:
    """The chart of (day, outlet, articles) rows (`Archive.articles_per_day`); `countries`
    gives each outlet's country (an outlet it lacks is charted under "unknown")."""
    days: dict[str, dict[date, int]] = {}
    for day, site, n in rows:
        try:
            when = date.fromisoformat(day)
        except ValueError:  # a date the outlet printed oddly: not on a time axis
            continue
        days.setdefault(site, {})[when] = days.get(site, {}).get(when, 0) + n
    if not days:
        return Chart("day", [])
    first = min(min(d) for d in days.values())
    last = max(max(d) for d in days.values())
    if (last - first).days + 1 <= DAILY_DAYS:
        bin, start, step = "day", first, 1
    else:  # weeks from Monday
        bin, start, step = "week", first - timedelta(days=first.weekday()), 7
    bins = [start + timedelta(days=i) for i in range(0, (last - start).days + 1, step)]
    chart = Chart(bin, bins)
    per_country: dict[str, list[str]] = {}
    for site in days:
        per_country.setdefault(countries.get(site) or "unknown", []).append(site)
    for country in sorted(per_country, key=_country_order):
        counted = {
            site: _binned(days[site], start, step, len(bins)) for site in per_country[country]
        }
        ranked = sorted(counted, key=lambda site: (-sum(counted[site]), site))
        if len(ranked) > TOP_OUTLETS:  # room for the top ones and one "other"
            shown, rest = ranked[: TOP_OUTLETS - 1], ranked[TOP_OUTLETS - 1 :]
        else:
            shown, rest = ranked, []
        series = [
            Series(f"{site} ({sum(counted[site]):,})", counted[site], [site]) for site in shown
        ]
        if rest:
            summed = [sum(counted[site][i] for site in rest) for i in range(len(bins))]
            label = f"other: {len(rest)} outlets ({sum(summed):,})"
            series.append(Series(label, summed, rest, other=True))
        total = sum(sum(c) for c in counted.values())
        title = f"{_country_name(country)}: {len(ranked)} outlet(s), {total:,} articles"
        chart.panels.append(Panel(country, title, series))
    return chart


def _binned(counts: dict[date, int], start: date, step: int, size: int) -> list[int]:
    binned = [0] * size
    for day, n in counts.items():
        binned[(day - start).days // step] += n
    return binned


def _country_order(country: str) -> tuple[int, str]:
    if country in _FIRST_COUNTRIES:
        return (_FIRST_COUNTRIES.index(country), "")
    return (len(_FIRST_COUNTRIES) + (country in ("regional", "unknown")), country)


def _country_name(code: str) -> str:
    if code in ("regional", "unknown"):
        return code.capitalize()
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return f"{country.name} ({code})" if country else code


def figure(chart: Chart, title: str):
    """The matplotlib Figure of `chart`: a panel per country over one shared time axis, each
    with its legend to the right of its data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    rows = max(1, len(chart.panels))
    fig = Figure(figsize=(12, 0.8 + PANEL_INCHES * rows), dpi=100, layout="constrained")
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(f"Articles per {chart.bin} per outlet, by country: {title}")
    if not chart.panels:
        axes[0].text(0.5, 0.5, "no dated articles", ha="center", va="center")
    colours = matplotlib.colormaps["tab10"].colors
    # each bin a step from its first day to the next bin's, the last one closed too
    step = timedelta(days=7 if chart.bin == "week" else 1)
    edges = [*chart.bins, chart.bins[-1] + step] if chart.bins else []
    for axis, panel in zip(axes, chart.panels, strict=False):
        for i, series in enumerate(panel.series):
            other = series.other
            axis.plot(
                edges,
                [*series.counts, series.counts[-1]],
                drawstyle="steps-post",
                linewidth=1.6 if other else 1.2,
                linestyle="--" if other else "-",
                color=OTHER_COLOUR if other else colours[i % len(colours)],
                label=series.label,
            )
        axis.set_title(panel.title, loc="left", fontsize="medium")
        axis.set_ylabel(f"per {chart.bin}")
        axis.set_ylim(bottom=0)
        axis.yaxis.get_major_locator().set_params(integer=True)
        axis.grid(True, alpha=0.3)
        # beside the data, never over it
        axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    if chart.panels:
        locator = mdates.AutoDateLocator()
        axes[-1].xaxis.set_major_locator(locator)
        axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return fig


def plot(archive: Archive, path: Path) -> Chart:
    """Save the chart of the archive's articles per day (or week) per outlet, a panel per
    country, to `path` (PNG, SVG or PDF by its suffix); what it holds."""
    countries = {site["name"]: site["country"] for site in archive.sites()}
    chart = chart_data(archive.articles_per_day(), countries)
    figure(chart, archive.path.name).savefig(path)
    return chart
