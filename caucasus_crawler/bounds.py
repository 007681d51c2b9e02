"""Crawler traps: bounds on what one outlet's crawl may request in one run.

A site can lead a crawler on forever: a listing of 300,000 links, 2,000 links that differ only
in a query parameter nobody needs (`?sort=1`, `?sort=2`...), a calendar without end. The
spider takes at most MAX_LINKS_PER_PAGE links from one page (spiders/news.py); this spider
middleware bounds the rest, for every request the spider makes, whoever made it:

* MAX_REQUESTS_PER_OUTLET requests per outlet per run. Past it the outlet's run is "capped":
  what it did not request is not lost, since a capped run counts as unfinished for the outlet
  (Archive.page_state, Archive.last_finished_run), so the next run polls its start points
  afresh and goes on where this one stopped.
* MAX_QUERY_VARIANTS spellings of one URL that differ only in query parameters the crawl
  has no reason to know. Known are the parameters the outlet's profile names (its patterns,
  start points and JSON templates), paging parameters and those that name an item (`id`,
  `p`, `article_id`...); `?sort=`, `?view=`, `?filter=` are not.

What each bound held back is counted (stats `bounds/*`), and the store pipeline adds it to
the run's health (`requests_capped`, `variants_capped`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from scrapy import Request

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from caucasus_crawler.profiles import Profile

logger = logging.getLogger(__name__)

_PAGING = frozenset({"page", "paged", "p", "pg", "offset", "start", "sf_paged", "from"})
# A parameter naming an item: `id`, `nid`, `news_id`, `articleId`, `post`, `story`...
_ITEM = re.compile(r"(?:^|[_-])(?:[a-z]*id|p|post|story|article|item|news|slug)$", re.I)
_NAMED = re.compile(r"[?&\\]([A-Za-z_][\w.-]*)=")


def known_parameters(profile: Profile) -> frozenset[str]:
    """The query parameters an outlet's profile names in its patterns and start points."""
    texts = [p.pattern for p in (*profile.article_urls, *profile.listing_urls)]
    texts += [*profile.feeds, *profile.sitemaps, *profile.listings, *profile.json_listings]
    texts += [profile.home, *profile.editions.values()]
    return frozenset(name.lower() for text in texts for name in _NAMED.findall(text))


def stem(url: str, known: frozenset[str]) -> str | None:
    """The URL without the query parameters the crawl has no reason to know, or None when
    it has none such (it is no variant of anything)."""
    parts = urlsplit(url)
    if not parts.query:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [
        (k, v) for k, v in pairs if k.lower() in known or k.lower() in _PAGING or _ITEM.search(k)
    ]
    if len(kept) == len(pairs):
        return None
    query = "&".join(f"{k}={v}" for k, v in sorted(kept))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


class CrawlBounds:
    """Spider middleware: the per-outlet bounds of the module's docstring."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.max_requests = settings.getint("MAX_REQUESTS_PER_OUTLET", 20_000)
        self.max_variants = settings.getint("MAX_QUERY_VARIANTS", 5)
        self.requests = 0
        self.variants: dict[str, set[str]] = {}
        self._known: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlBounds:
        return cls(crawler)

    @property
    def known(self) -> frozenset[str]:
        if self._known is None:
            profile = getattr(self.crawler.spider, "profile", None)
            self._known = known_parameters(profile) if profile is not None else frozenset()
        return self._known

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            if not isinstance(item, Request) or self.allowed(item):
                yield item

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if not isinstance(item, Request) or self.allowed(item):
                yield item

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            if not isinstance(item, Request) or self.allowed(item):
                yield item

    def allowed(self, request: Request) -> bool:
        stats = self.crawler.stats
        if request.dont_filter and request.meta.get("kind") is None:
            return True  # Scrapy's own requests (robots.txt): never held back
        key = stem(request.url, self.known)
        if key is not None:
            seen = self.variants.setdefault(key, set())
            if request.url not in seen and len(seen) >= self.max_variants:
                stats.inc_value("bounds/variants_dropped")
                return False
            seen.add(request.url)
        if self.requests >= self.max_requests:
            if not stats.get_value("bounds/requests_dropped"):
                logger.warning(
                    "%s: MAX_REQUESTS_PER_OUTLET (%d) reached; the next run goes on from here",
                    getattr(self.crawler.spider, "name", "?"),
                    self.max_requests,
                )
            stats.inc_value("bounds/requests_dropped")
            return False
        self.requests += 1
        return True
