"""Which articles a reader asks for, checked before any query runs.

The Python API (`caucasus_crawler.api`) takes its filters in Python's terms (one value or a
list, a day as a date or a 'YYYY-MM-DD' string) and checks them here against what the archive
holds, with the rules the `search` and `export` commands apply to their options, so that a
mistyped outlet is one clear line naming what the archive has, not an empty result. Each
check takes the `label` to name in its message ("site" here, "--site" on the command line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from caucasus_crawler.archive import Archive
from caucasus_crawler.export import Filters
from caucasus_crawler.topics import topic_names, unknown_topics

# Search ranks at most the 10,000 newest matches (Archive.search_hits' `ranked`), so no limit
# above that returns more: such a limit is refused rather than quietly cut short.
SEARCH_MAX_HITS = 10_000


class SelectionError(ValueError):
    """A filter that cannot select anything as given: one line saying what to give instead."""


def as_values(value: str | Iterable[str] | None, label: str) -> list[str] | None:
    """One value or several as a list; None (or an empty list) for "any"."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    for item in values:
        if not isinstance(item, str):
            raise SelectionError(f"{label} {item!r}: give a name, or a list of names")
    return values or None


def as_day(value: date | str | None, label: str) -> date | None:
    """A day from a date, a datetime (its own day, as its offset reads it) or 'YYYY-MM-DD'."""
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SelectionError(f"{label} {value!r}: give a day as YYYY-MM-DD, e.g. 2024-09-04")


def check_held(
    archive: Archive,
    asked: list[str] | None,
    held: Callable[[], list[str]],
    label: str,
) -> None:
    """Refuse values the archive holds none of (`held` lists what it holds: it is called only
    when something is asked, as listing languages scans the articles)."""
    if not asked:
        return
    holding = held()
    unknown = [value for value in asked if value not in holding]
    if unknown:
        raise SelectionError(
            f"{label} {', '.join(unknown)}: not in {archive.path}, which has "
            f"{', '.join(holding) or 'nothing yet'}"
        )


def choose(
    archive: Archive,
    *,
    site: str | Iterable[str] | None = None,
    language: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    topic: str | Iterable[str] | None = None,
) -> Filters:
    """The archive's filters for what a reader asked, each checked (see the module)."""
    filters = Filters(
        sites=as_values(site, "site"),
        languages=as_values(language, "language"),
        categories=as_values(category, "category"),
        since=as_day(since, "since"),
        until=as_day(until, "until"),
        topics=as_values(topic, "topic"),
    )
    unknown = unknown_topics(filters.topics or [])
    if unknown:  # the taxonomy's, not the archive's: a topic no article has yet is no error
        raise SelectionError(
            f"topic {', '.join(unknown)}: no such topic; the topics are {', '.join(topic_names())}"
        )
    check_held(archive, filters.sites, archive.site_names, "site")
    check_held(archive, filters.languages, archive.languages, "language")
    return filters


def check_query(query: object) -> str:
    """A full-text query: words to find (all of them), never empty."""
    if not isinstance(query, str) or not query.split():
        raise SelectionError(f"query {query!r}: give words to search for, e.g. 'Kaladze'")
    return query


def check_limit(
    limit: object, label: str, *, least: int = 0, most: int | None = None, why: str = ""
) -> int:
    """A number of results from `least` to `most` (`why` says why no more; a bool is no
    number here)."""
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < least:
        raise SelectionError(f"{label} {limit!r}: give a whole number of {least} or more")
    if most is not None and limit > most:
        raise SelectionError(f"{label} {limit!r}: at most {most:,}{f' ({why})' if why else ''}")
    return limit
