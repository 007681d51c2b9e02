"""What to fetch again: from what the archive already knows, a re-run fetches only what is new
or changed. (The queue of requests waiting to be fetched is another thing:
caucasus_crawler/request_queue.py.)

* A start point (feed, listing, sitemap, JSON endpoint) is polled when it is due by the
  profile's schedule; `--force` polls every start point now, `--backfill` walks everything.
* Feeds, sitemaps and listings are asked "changed since?" (ETag / Last-Modified); a 304
  costs a request and no parsing.
* An article URL already archived is not fetched again unless its sitemap `lastmod` or feed
  date is newer than when we last saw it.
* Only what a *finished* run saw counts as known. A crawl killed midway leaves its start
  points due, its validators unused and its articles still "new" for pagination, so the next
  run resumes where it stopped and ends with the archive an uninterrupted crawl gives.
"""

from __future__ import annotations

from datetime import UTC, datetime

from caucasus_crawler.archive import Archive
from caucasus_crawler.profiles import Profile

# Outcomes of pages that need not be fetched again (the article they lead to is archived).
_SETTLED = ("not_article", "duplicate", "redirected")


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 / W3C datetime (a date alone, or no offset, is taken as UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RevisitPolicy:
    """A spider's answers to "fetch this again?" for one outlet, from the archive's record of
    its finished runs (see the module doc)."""

    def __init__(
        self, archive: Archive, profile: Profile, *, force: bool = False, backfill: bool = False
    ):
        self.archive = archive
        self.profile = profile
        self.force = force
        self.backfill = backfill
        last = archive.last_finished_run(profile.name)
        self.known_until = last["finished"] if last else None

    def _minutes(self, kind: str) -> int:
        every = self.profile.schedule
        return {"feed": every.feeds, "json": every.feeds, "listing": every.listings}.get(
            kind,
            every.sitemaps,  # sitemaps and robots.txt
        )

    def due(self, url: str, kind: str) -> bool:
        """Whether a start point is worth polling now."""
        if self.force or self.backfill:
            return True
        state = self.archive.page_state(url)
        if state is None or not state["run_finished"]:
            return True
        polled = parse_instant(state["fetched"])
        age = (datetime.now(UTC) - polled).total_seconds() / 60 if polled else float("inf")
        return age >= self._minutes(kind)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last finished run's response."""
        if self.backfill:
            return {}
        state = self.archive.page_state(url)
        if state is None or not state["run_finished"]:
            return {}
        headers = {}
        if state["etag"]:
            headers["If-None-Match"] = state["etag"]
        if state["last_modified"]:
            headers["If-Modified-Since"] = state["last_modified"]
        return headers

    def article(self, url: str, changed_hint: str | None = None) -> tuple[bool, bool]:
        """(fetch it?, is it new?) for a canonical article URL found in a feed, sitemap or
        listing. "New" (not known from a finished run) keeps a listing's pagination going."""
        seen = self.archive.article_seen(url)
        if seen is not None:
            first_seen, last_seen = seen
            known = self.known_until is not None and first_seen <= self.known_until
            hint, last = parse_instant(changed_hint), parse_instant(last_seen)
            if hint and last and hint > last:
                return True, True  # the outlet says it changed since we saw it
            return False, not known
        state = self.archive.page_state(url)
        if state is not None and state["outcome"] in _SETTLED:
            return False, not state["run_finished"]
        return True, True
