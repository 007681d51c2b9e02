"""`caucasus-crawler stats`: what the archive holds, per outlet, language and month, and a
chart of articles per day per outlet (matplotlib, Agg: no display needed)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.progress import Progress

BAR = "▇"
BAR_WIDTH = 40


def collect(archive: Archive, progress: type[Progress] = Progress) -> dict:
    """The counts `stats` prints (and `--json` gives): articles per outlet, language, month."""
    with progress("stats", total=4, unit="step", leave=False) as bar:
        outlets = archive.site_summary()
        bar.update()
        languages = archive.article_counts("language")
        bar.update()
        months = archive.article_counts("month")
        bar.update()
        first, last = archive.date_range()
        bar.update()
    return {
        "archive": str(archive.path),
        "articles": sum(o["articles"] for o in outlets),
        "first": first,
        "last": last,
        "outlets": outlets,
        "languages": languages,
        "months": months,
    }


def render(stats: dict) -> str:
    """The terminal report: three tables, months with a bar each (every month from the first
    to the last, those without an article at 0: a gap in the archive shows as one). The first
    column is as wide as its longest name."""
    outlets = [o for o in stats["outlets"] if o["articles"]]
    months = every_month(stats["months"])
    span = f", published {stats['first'][:10]} to {stats['last'][:10]}" if stats["first"] else ""
    keys = [o["site"] for o in stats["outlets"]] + [*stats["languages"], *months]
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
    lines += ["", f"{'month':<{first}} {'articles':>9}"]
    most = max(months.values(), default=0)
    for month, n in months.items():
        width = max(1, round(BAR_WIDTH * n / most)) if n else 0
        lines.append(f"{month:<{first}} {n:>9,}  {BAR * width}")
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


def plot(archive: Archive, path: Path) -> int:
    """Save a chart of articles per day per outlet to `path` (PNG, SVG or PDF by its
    suffix); the number of days it spans."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    rows = archive.articles_per_day()
    days: dict[str, dict[date, int]] = {}
    for day, site, n in rows:
        try:
            days.setdefault(site, {})[date.fromisoformat(day)] = n
        except ValueError:
            continue
    figure, axes = plt.subplots(figsize=(12, 5), dpi=100, layout="constrained")
    span = 0
    if days:
        first = min(min(d) for d in days.values())
        last = max(max(d) for d in days.values())
        span = (last - first).days + 1
        axis = [first + timedelta(days=i) for i in range(span)]
        for site in sorted(days):
            counts = [days[site].get(day, 0) for day in axis]
            total = sum(counts)
            axes.plot(axis, counts, drawstyle="steps-mid", linewidth=1, label=f"{site} ({total})")
        axes.xaxis.set_major_locator(mdates.AutoDateLocator())
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes.xaxis.get_major_locator()))
        axes.legend(loc="upper left", fontsize="small", title="outlet (articles)")
    else:
        axes.text(0.5, 0.5, "no dated articles", ha="center", va="center")
    axes.set_title(f"Articles per day per outlet: {archive.path.name}")
    axes.set_ylabel("articles per day")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(True, alpha=0.3)
    figure.savefig(path)
    plt.close(figure)
    return span
