"""Is each outlet's profile still right? Counts from every crawl, and a verdict from them.

Outlets redesign their sites: URLs change shape, feeds move, class names change. The crawl
survives it (profiles guide, never gate: see spiders/news.py), and this module makes it
visible. Every item a crawl stores says what its page taught about the profile; `item_metrics`
turns it into counts per run and outlet (the archive's `site_health_metrics`), and `assess`
turns an outlet's counts into a verdict, `ok`, `drifted` or `down`, with the problems that led
to it, each naming the profile field to fix and the evidence. Pure functions: the archive
stores what they give (`Archive.add_health_metrics`, `Archive.judge_run`), `caucasus-crawler
health` and the crawl's summary print it.

The metrics (per run and outlet; an example URL is kept with each):

    robots, feeds, sitemaps, listings   documents fetched and read (a 304 included)
    feed_urls, sitemap_urls, json_urls  article candidates they listed
    feeds_discovered                    feeds read that the site announced, not the profile
    listings_read, listing_links        listing pages parsed, and links on them urls.listing matched
    unmatched_followed, links_capped    links no pattern matched, followed as candidates, and
                                        those the run's cap (UNMATCHED_LINKS_PER_RUN) held back
    article_pages, articles, not_articles   pages fetched as articles; of them, those that held
                                        an article (new, unchanged or a duplicate) and not
    pattern_missed                      articles at a URL urls.article did not match
    pattern_missed_known                archived articles listed again at such a URL (example:
                                        the feed or sitemap)
    unmatched_articles                  articles reached through links no pattern matched
    body_hit, body_miss, body_fallback  extract.body: used; matched nothing; held too little
    date_hit, date_miss                 extract.date found a date, or not
    categories_hit, categories_miss     extract.categories found a category, or not
    no_date, no_category, no_author     articles without one
    responses_ok, failed, failed:<why>  usable responses; failures, in all and by kind
    start_failed:<field>                a start point of the profile failed (start.feeds, ...)
    start_moved:<field>                 ... answering 404 or 410: it moved
    requests_capped, variants_capped    requests held back by MAX_REQUESTS_PER_OUTLET and
                                        MAX_QUERY_VARIANTS (bounds.py); a capped run is
                                        not settled: the next run goes on
    links_dropped                       pages with more links than MAX_LINKS_PER_PAGE
    window_left_out                     what --since/--until/--max-articles left out; a run
                                        that left something out is not settled either
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field

from caucasus_crawler.items import Article, PageVisit

VERDICTS = ("ok", "drifted", "down", "unknown")
# Runs an outlet is judged by (`health --runs`, the crawl summary's warnings): a run that
# fetched only what changed says little alone.
HEALTH_RUNS = 3
# A selector is drifted when it misses on this share of the pages it was tried on (and on at
# least two of them, unless it was tried once): one odd page (a video, a live blog) is not drift.
MISS_SHARE = 0.2
# Articles without categories are common (agencies' flashes); drift only when most lack them.
NO_CATEGORY_SHARE = 0.5
_DISCOVERY = {"robots": "robots", "feed": "feeds", "sitemap": "sitemaps", "listing": "listings"}
_STATUS = re.compile(r"^HTTP (\d{3})")


def failure_kind(reason: str | None) -> str:
    """A failure reason (pages.reason) without its particulars: "HTTP 404", "timed out",
    "connection refused", "not a usable feed", "extraction failed"..."""
    if not reason:
        return "unknown"
    match = _STATUS.match(reason)
    if match:
        return f"HTTP {match.group(1)}"
    head = re.split(r"[:(]", reason, maxsplit=1)[0].strip()
    return head[:60] or "unknown"


def item_metrics(item: Article | PageVisit) -> Iterator[tuple[str, int]]:
    """(metric, count) pairs an item adds to its outlet's counts in its run."""
    if isinstance(item, Article):
        yield from (("article_pages", 1), ("articles", 1), ("responses_ok", 1))
        if not item.published:
            yield "no_date", 1
        if not item.categories:
            yield "no_category", 1
        if not item.authors:
            yield "no_author", 1
        for selector, outcome in item.checks.items():
            yield f"{selector}_{outcome}", 1
    else:
        outcome = item.outcome
        if outcome in _DISCOVERY:
            yield _DISCOVERY[outcome], 1
            yield "responses_ok", 1
        elif outcome == "not_article":
            yield from (("article_pages", 1), ("not_articles", 1), ("responses_ok", 1))
        elif outcome == "failed":
            yield "failed", 1
            yield f"failed:{failure_kind(item.reason)}", 1
            if item.kind == "article":
                yield "article_pages", 1
        elif outcome == "skipped":
            yield "skipped", 1
    yield from item.health.items()


# -- the verdict -----------------------------------------------------------------------------
@dataclass
class Problem:
    field: str  # the profile field to fix (`urls.article`, `extract.body`...), or "failures"
    kind: str  # "drift": the profile no longer fits the site; "failure": the site failed
    detail: str
    count: int = 0
    example: str | None = None

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Assessment:
    verdict: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def drifted_fields(self) -> list[str]:
        return list(dict.fromkeys(p.field for p in self.problems if p.kind == "drift"))


class _Counts:
    """Metrics as {name: (count, example)}, read with defaults."""

    def __init__(self, metrics: Mapping[str, tuple[int, str | None]]):
        self.metrics = metrics

    def __getitem__(self, name: str) -> int:
        return self.metrics.get(name, (0, None))[0]

    def example(self, *names: str) -> str | None:
        for name in names:
            value = self.metrics.get(name, (0, None))
            if value[0] and value[1]:
                return value[1]
        return None

    def prefixed(self, prefix: str) -> list[tuple[str, int, str | None]]:
        """(the rest of the name, count, example) of the counted metrics named prefix...,
        most first."""
        found = [
            (name.removeprefix(prefix), count, example)
            for name, (count, example) in self.metrics.items()
            if count and name.startswith(prefix) and name != prefix
        ]
        return sorted(found, key=lambda item: (-item[1], item[0]))


def _selector_problem(counts: _Counts, selector: str, kinds: tuple[str, ...]) -> Problem | None:
    tried = sum(counts[f"{selector}_{k}"] for k in ("hit", *kinds))
    missed = sum(counts[f"{selector}_{k}"] for k in kinds)
    if not tried or not missed or missed / tried < MISS_SHARE or (missed < 2 < tried):
        return None
    how = " or held too little" if "fallback" in kinds else ""
    return Problem(
        f"extract.{selector}",
        "drift",
        f"the {selector} selector found nothing{how} on {missed} of {tried} article pages"
        + (" (the generic extraction took over)" if selector == "body" else ""),
        missed,
        counts.example(*(f"{selector}_{k}" for k in kinds)),
    )


def _lacking_problem(
    counts: _Counts, metric: str, selector: str, what: str, share: float
) -> Problem | None:
    articles, lacking = counts["articles"], counts[metric]
    if not articles or lacking / articles < share or (lacking < 2 < articles):
        return None
    return Problem(
        f"extract.{selector}",
        "drift",
        f"{lacking} of {articles} articles have no {what}",
        lacking,
        counts.example(metric),
    )


def assess(metrics: Mapping[str, tuple[int, str | None]]) -> Assessment:
    """The verdict on an outlet from its counts over one or more runs."""
    if not metrics:
        return Assessment("unknown")
    counts = _Counts(metrics)
    problems: list[Problem] = []

    # urls.article: articles the pattern missed (found through feeds, sitemaps or links),
    # fetched now or archived before and listed again
    missed = counts["pattern_missed"] + counts["pattern_missed_known"]
    if missed:
        detail = f"{missed} articles were at URLs urls.article does not match" + (
            f" ({counts['pattern_missed']} of the {counts['articles']} fetched in these runs)"
            if counts["pattern_missed_known"]
            else f" (of {counts['articles']} fetched)"
        )
        if counts["links_capped"]:
            detail += (
                f"; {counts['links_capped']} more links of article shapes were left for "
                "later runs (UNMATCHED_LINKS_PER_RUN)"
            )
        problems.append(
            Problem(
                "urls.article",
                "drift",
                detail,
                missed,
                counts.example("pattern_missed", "pattern_missed_known"),
            )
        )
    # urls.listing: listing pages (the home page at least) were read, and no link on them is
    # a listing by the profile: a home page links its sections
    if counts["listings_read"] and not counts["listing_links"]:
        problems.append(
            Problem(
                "urls.listing",
                "drift",
                f"no link on the {counts['listings_read']} listing page(s) read matched "
                "urls.listing",
                counts["listings_read"],
                counts.example("listings_read"),
            )
        )
    # start points that moved (404/410), and the feeds the site announces instead
    for name, number, example in counts.prefixed("start_moved:"):
        detail = f"{number} start point(s) answered 404 or 410: moved"
        if name in ("start.feeds", "start.sitemaps", "start.json") and counts["feeds_discovered"]:
            detail += (
                f"; the site announces {counts['feeds_discovered']} feed(s) the profile does "
                f"not list, e.g. {counts.example('feeds_discovered')}"
            )
        problems.append(Problem(name, "drift", detail, number, example))
    for selector, kinds in (("body", ("miss", "fallback")), ("date", ("miss",))):
        problem = _selector_problem(counts, selector, kinds)
        if problem:
            problems.append(problem)
    problem = _selector_problem(counts, "categories", ("miss",))
    if problem:
        problems.append(problem)
    drifted = {p.field for p in problems}
    if "extract.date" not in drifted:
        problem = _lacking_problem(counts, "no_date", "date", "date", MISS_SHARE)
        if problem:
            problems.append(problem)
    if "extract.categories" not in drifted:
        problem = _lacking_problem(
            counts, "no_category", "categories", "category", NO_CATEGORY_SHARE
        )
        if problem:
            problems.append(problem)

    # failures: the site's fault, not the profile's (a start point's named by its field)
    moved = {name for name, _, _ in counts.prefixed("start_moved:")}
    for name, number, example in counts.prefixed("start_failed:"):
        if name not in moved:
            problems.append(
                Problem(name, "failure", f"{number} start point(s) failed", number, example)
            )
    # crawler traps' bounds (bounds.py): what they held back waits for the next run
    for metric, setting in (
        ("requests_capped", "MAX_REQUESTS_PER_OUTLET"),
        ("variants_capped", "MAX_QUERY_VARIANTS"),
        ("links_dropped", "MAX_LINKS_PER_PAGE"),
    ):
        if counts[metric]:
            detail = f"{counts[metric]} held back by {setting}"
            if metric == "links_dropped":
                detail = f"{counts[metric]} page(s) had more links than {setting}"
            problems.append(
                Problem("bounds", "failure", detail, counts[metric], counts.example(metric))
            )
    for reason, number, example in counts.prefixed("failed:"):
        problems.append(Problem("failures", "failure", f"{number} × {reason}", number, example))

    if counts["failed"] and not counts["responses_ok"]:
        return Assessment("down", problems)
    if any(p.kind == "drift" for p in problems):
        return Assessment("drifted", problems)
    return Assessment("ok", problems)


def drift_warnings(archive, profiles: Mapping) -> list[str]:
    """The warning lines a crawl's summary ends with: one per outlet (of `profiles`, {name:
    Profile}) whose pages no longer fit its profile, judged as `health` judges (its last
    HEALTH_RUNS runs made with the profile as it is), so that a quiet run hides no drift.
    `archive` is an open Archive (it owns the SQL)."""
    lines = []
    for name, profile in sorted(profiles.items()):
        _, metrics, _ = archive.recent_health(name, profile.digest, HEALTH_RUNS)
        assessment = assess(metrics)
        if assessment.verdict == "drifted":
            lines.append(warning_line(name, assessment))
    return lines


def warning_line(site: str, assessment: Assessment) -> str:
    """The crawl summary's one line for a drifted outlet."""
    fields = ", ".join(assessment.drifted_fields)
    return (
        f"warning: {site} drifted from its profile ({fields}): "
        f"`caucasus-crawler health {site}` says what to fix"
    )
