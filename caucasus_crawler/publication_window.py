"""Bounds on what a crawl or an import keeps: a window of publication days and a number of
new articles per outlet (`--since DAY`, `--until DAY`, `--max-articles N`).

Pure functions over dates; the spider asks `could_list` before it fetches what a sitemap or a
feed lists, the store pipeline and the import ask `admits` of each extracted article. The
settings carry the window to every crawl however it is started (CLI, `scrapy crawl`, Scrapyd):
PUBLISHED_SINCE and PUBLISHED_UNTIL are ISO days, MAX_ARTICLES an integer (0: no bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class WindowError(ValueError):
    """A day that is not YYYY-MM-DD, or a window that ends before it begins; one line."""


def parse_day(text: str | date | None, name: str = "day") -> date | None:
    """An ISO day (YYYY-MM-DD) from a command line or a setting; None stays None."""
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text if not isinstance(text, datetime) else text.date()
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise WindowError(f"{name} {text!r} is not a day in the form YYYY-MM-DD") from None


def _day_of(value: str | date | None) -> date | None:
    """The day of an ISO date or datetime as the archive stores them (None when unreadable)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class PublicationWindow:
    """Publication days from `since` to `until`, both included; None: unbounded that side."""

    since: date | None = None
    until: date | None = None
    max_articles: int = 0  # new articles per outlet per run; 0: no bound

    def __post_init__(self):
        if self.since and self.until and self.until < self.since:
            raise WindowError(f"--until {self.until} is before --since {self.since}")
        if self.max_articles < 0:
            raise WindowError(f"--max-articles {self.max_articles} is below 0")

    @classmethod
    def from_settings(cls, settings) -> PublicationWindow:
        return cls(
            parse_day(settings.get("PUBLISHED_SINCE"), "PUBLISHED_SINCE"),
            parse_day(settings.get("PUBLISHED_UNTIL"), "PUBLISHED_UNTIL"),
            int(settings.get("MAX_ARTICLES") or 0),
        )

    def as_settings(self) -> dict:
        """The settings that carry this window to a crawl (only those that bound anything)."""
        values = {
            "PUBLISHED_SINCE": self.since.isoformat() if self.since else None,
            "PUBLISHED_UNTIL": self.until.isoformat() if self.until else None,
            "MAX_ARTICLES": self.max_articles or None,
        }
        return {name: value for name, value in values.items() if value is not None}

    @property
    def dated(self) -> bool:
        """Whether the window bounds publication days at all."""
        return self.since is not None or self.until is not None

    def admits(self, published: str | date | None) -> bool:
        """Whether an article published then is kept. An article with no readable date is
        kept only when the window is open both sides: a user who asked for a period gets
        nothing that cannot be shown to be in it."""
        if not self.dated:
            return True
        day = _day_of(published)
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def could_list(
        self, published: str | date | None = None, modified: str | date | None = None
    ) -> bool:
        """Whether a listed URL may hold an article of the window, from what the listing says
        before it is fetched: a feed's publication date, a sitemap's lastmod (a page last
        modified before `since` was published before it too; a lastmod says nothing about
        `until`). Unknown dates never prune."""
        day = _day_of(published)
        if day is not None:
            return self.admits(day)
        changed = _day_of(modified)
        return changed is None or self.since is None or changed >= self.since
