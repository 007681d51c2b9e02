"""The generic news spider: discovers an outlet's articles and hands each page to extraction.

Discovery, in the order a polite crawler prefers: sitemaps named in robots.txt (indexes
followed, `lastmod` kept), RSS/Atom feeds (from the profile and autodiscovered through
`<link rel=alternate>`), then section listings with their pagination. What the outlet is
(start points, which URLs are articles) comes from its profile; nothing here is site-specific.

Profiles guide, never gate. Every URL the outlet's own feeds, sitemaps and JSON endpoints list
is fetched as an article candidate, even when the profile's article pattern misses it; the
page's own signals then decide (`extract_pool.extract_page`, mode "candidate") and the miss is
counted. Links on listings that match no pattern are followed when their shape is one the
outlet's articles have (url_shapes.ShapeLearner) or they look like article URLs anywhere, at
most UNMATCHED_LINKS_PER_RUN a run. A start point that answers 404 sends the crawl to the home
page for the feeds it announces. What each page says about the profile travels with its item
(`health`), for `caucasus-crawler health`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser
import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from caucasus_crawler.archive import Archive
from caucasus_crawler.extract_pool import (
    PROCESS_POOLS,
    ExtractPool,
    WorkerDied,
    extract_page,
)
from caucasus_crawler.items import PageVisit, RawResponse
from caucasus_crawler.middlewares import RefusedAddress, failure_reason
from caucasus_crawler.profiles import Profile
from caucasus_crawler.publication_window import PublicationWindow
from caucasus_crawler.spiders.revisits import RevisitPolicy
from caucasus_crawler.url_shapes import ShapeLearner, looks_like_article_url
from caucasus_crawler.urls import canonical_url

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
BACKFILL_PAGES = 1000  # listing pages per listing with --backfill: the whole history, bounded
# Archived article URLs of the outlet that teach the crawl its article URL shapes at start.
KNOWN_SHAPES_FROM = 1000
# A string of a JSON listing that is a link: an absolute URL or a path from the site's root.
_URL_LIKE = re.compile(r"^(?:https?://|/(?!/))\S*$", re.IGNORECASE)
# Start points that answer this have moved (a redesign): drift, not a passing failure.
MOVED_STATUSES = (404, 410)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# Links that lead to the next page of a listing, on the sites we know and most others.
NEXT_PAGE_LINKS = (
    'link[rel="next"]::attr(href), a[rel~="next"]::attr(href), a.next::attr(href), '
    "a.next-page::attr(href), .pagination a.next::attr(href), li.next a::attr(href), "
    "li.pager-next a::attr(href), .pager__item--next a::attr(href)"  # Drupal 7 and 8+
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class NewsSpider(scrapy.Spider):
    """Bound to one outlet by ProfileSpiderLoader (`profile` is a class attribute)."""

    name = "news"
    profile: Profile

    revisits: RevisitPolicy  # what to fetch again, from what the archive knows
    extract_pool: ExtractPool | None = None  # None: extract in the crawl's own thread

    def __init__(
        self,
        *args: Any,
        urls: str | Iterable[str] | None = None,
        force: bool | str = False,
        backfill: bool | str = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # `-a urls=U1,U2` (or a list from the CLI): fetch just these pages as articles.
        if isinstance(urls, str):
            urls = [u for u in urls.split(",") if u.strip()]
        self.only_urls = list(urls or [])
        self.force = _flag(force)
        self.backfill = _flag(backfill)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.archive = Archive(crawler.settings["ARCHIVE_PATH"])
        spider.revisits = RevisitPolicy(
            spider.archive, spider.profile, force=spider.force, backfill=spider.backfill
        )
        spider.extract_pool = PROCESS_POOLS.join(crawler)
        # what the outlet's article URLs look like, from what the archive holds of it
        spider.shapes = ShapeLearner(
            spider.archive.recent_article_urls(spider.profile.name, KNOWN_SHAPES_FROM)
        )
        spider.unmatched_left = crawler.settings.getint("UNMATCHED_LINKS_PER_RUN", 300)
        spider.max_links = crawler.settings.getint("MAX_LINKS_PER_PAGE", 1000)
        spider.window = PublicationWindow.from_settings(crawler.settings)
        return spider

    def closed(self, reason: str) -> None:
        self.archive.close()

    @property
    def max_listing_pages(self) -> int:
        return BACKFILL_PAGES if self.backfill else self.profile.max_listing_pages

    # -- start ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests_for_profile():
            yield request

    def start_requests_for_profile(self) -> Iterator[scrapy.Request]:
        if self.only_urls:
            for url in self.only_urls:
                yield self.request(canonical_url(url), self.parse_article, kind="article")
            return
        profile = self.profile
        starts: list[tuple[str, Any, str, dict]] = []
        if profile.robots_sitemaps:
            starts += [
                (f"{o}/robots.txt", self.parse_robots, "robots", {}) for o in self._origins()
            ]
        starts += [(url, self.parse_sitemap, "sitemap", {}) for url in profile.sitemaps]
        starts += [(url, self.parse_feed, "feed", {}) for url in profile.feeds]
        listings = [*profile.listings]
        if profile.home not in listings:
            listings.append(profile.home)
        starts += [
            (url, self.parse_listing, "listing", {"page": 1, "depth": 0}) for url in listings
        ]
        starts += [
            (t.replace("{page}", "1"), self.parse_json, "json", {"template": t, "page": 1})
            for t in profile.json_listings
        ]
        for url, callback, kind, meta in starts:
            if self.revisits.due(url, kind):
                yield self.request(url, callback, kind, start=self.start_field(url, kind), **meta)

    def start_field(self, url: str, kind: str) -> str | None:
        """The profile field that names this start point (`start.feeds`, ...), if one does."""
        profile = self.profile
        if kind == "feed" and url in profile.feeds:
            return "start.feeds"
        if kind == "sitemap" and url in profile.sitemaps:
            return "start.sitemaps"
        if kind == "listing" and url in profile.listings:
            return "start.listings"
        if kind == "listing" and url == profile.home:
            return "home"
        if kind == "json":
            return "start.json"
        return None

    def _origins(self) -> list[str]:
        urls = [self.profile.home, *self.profile.editions.values(), *self.profile.feeds]
        origins = []
        for url in urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
        return origins

    # -- requests ------------------------------------------------------------------------------
    def request(self, url: str, callback, kind: str, **meta: Any) -> scrapy.Request:
        headers = {}
        if kind != "article":
            headers = self.revisits.conditional_headers(url)
            meta["handle_httpstatus_list"] = [304]
            meta["validators"] = headers
            if kind == "sitemap":  # the protocol allows 50 MB
                meta["download_maxsize"] = MAX_SITEMAP_BYTES
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            headers=headers,
            meta={"kind": kind, **meta},
            priority=0 if kind == "article" else 10,  # discover first, then fetch articles
        )

    def article_requests(
        self,
        url: str,
        counter: list[int] | None = None,
        changed: str | None = None,
        via: str = "listing",
    ) -> Iterator[scrapy.Request]:
        """The request for an article link, unless the archive already holds it unchanged.
        `counter[0]` counts the links that are new to the archive (pagination goes on while
        pages keep giving new ones). `via` says where the link was found: "feed", "sitemap",
        "json", "listing" (a link the article pattern matched) or "link" (one it did not)."""
        url = canonical_url(url)
        fetch, new = self.revisits.article(url, changed)
        if counter is not None and new:
            counter[0] += 1
        if fetch:
            yield self.request(url, self.parse_article, kind="article", via=via)

    def candidate(self, url: str) -> bool:
        """Whether a URL an outlet's feed, sitemap or JSON endpoint lists is worth fetching as
        an article: the outlet's own, not ignored, and not one of its listings by the profile
        (a sitemap of sections). The article pattern is no gate: a miss is judged by the page."""
        profile = self.profile
        if not profile.owns(url) or profile.is_ignored(url):
            return False
        return profile.is_article_url(url) or not profile.is_listing_url(url)

    def listed(
        self,
        url: str,
        via: str,
        health: dict[str, int],
        counter: list[int] | None = None,
        changed: str | None = None,
    ) -> list[scrapy.Request]:
        """Requests for an article candidate that a feed, sitemap or JSON endpoint lists; its
        shape is learned as one of the outlet's article shapes. An article archived by an
        earlier run, listed again at a URL the article pattern misses, counts as a miss
        (`pattern_missed_known`), so that drift shows in every run, not only in those that
        fetch new articles."""
        self.shapes.listed_url(url)
        requests = list(self.article_requests(url, counter, changed, via))
        profile = self.profile
        if not requests and profile.article_urls and not profile.is_article_url(url):
            seen = self.archive.article_seen(canonical_url(url))
            known_until = self.revisits.known_until
            if seen is not None and known_until is not None and seen[0] <= known_until:
                health["pattern_missed_known"] = health.get("pattern_missed_known", 0) + 1
        return requests

    def in_window(self, published: str | None = None, modified: str | None = None) -> bool:
        """Whether a URL a feed or sitemap lists may hold an article of the crawl's window
        (--since, --until), by the dates listed with it; one that may not is not fetched,
        only counted (stats `window/listed_out`). A listed date may be UTC while the
        article's day is the outlet's: a day either side is given the benefit."""
        if any(
            self.window.could_list(_shifted(published, days), _shifted(modified, days))
            for days in (0, 1, -1)
        ):
            return True
        self.crawler.stats.inc_value("window/listed_out")
        return False

    def visit(self, response: Response, outcome: str, reason: str | None = None) -> PageVisit:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if response.status == 304:  # keep asking with the validators we sent
            sent = response.meta.get("validators", {})
            etag, modified = sent.get("If-None-Match"), sent.get("If-Modified-Since")
        elif outcome in ("article", "not_article", "failed"):
            etag = modified = None
        return PageVisit(
            url=response.url,
            site=self.name,
            outcome=outcome,
            http_status=response.status,
            reason=reason,
            fetched=self.fetched_at(response),
            etag=etag.decode("latin-1") if isinstance(etag, bytes) else etag,
            last_modified=modified.decode("latin-1") if isinstance(modified, bytes) else modified,
            kind=response.meta.get("kind"),
        )

    def fetched_at(self, response: Response) -> str:
        """When the page's content was fetched (ISO 8601 UTC): now (spiders/wayback.py: when
        the Wayback Machine captured it)."""
        return _now()

    def unchanged(self, response: Response) -> bool:
        return response.status == 304

    # -- discovery -----------------------------------------------------------------------------
    # Each parser yields its requests first and the page's own visit last, so that the visit
    # carries the counts its links gave (health) without holding a sitemap's requests in memory.
    def parse_robots(self, response: Response) -> Iterator[Any]:
        yield self.visit(response, "robots", "not modified" if self.unchanged(response) else None)
        if self.unchanged(response):
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if self.profile.owns(url):
                yield self.request(url, self.parse_sitemap, kind="sitemap")

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self.visit(response, "sitemap", "not modified")
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served as bytes
            try:  # expanded up to the sitemap protocol's limit only (a gzip bomb stops there)
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except ValueError:
                yield from self.failed_visit(response, "refused: sitemap over 50 MB once gunzipped")
                return
            except Exception as exc:  # BadGzipFile, zlib.error, EOFError, struct.error
                yield from self.failed_visit(response, f"broken gzip sitemap: {_one_line(exc)}")
                return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several kinds on garbage
            yield from self.failed_visit(response, f"not a sitemap: {_one_line(exc)}")
            return
        listed, health = 0, {}
        for entry in sitemap:
            url = entry.get("loc")
            if not url:
                continue
            if sitemap.type == "sitemapindex":
                if self.profile.owns(url):
                    yield self.request(url, self.parse_sitemap, kind="sitemap")
            elif self.candidate(url):
                listed += 1
                if self.in_window(modified=entry.get("lastmod")):
                    yield from self.listed(url, "sitemap", health, changed=entry.get("lastmod"))
        visit = self.visit(response, "sitemap")
        visit.health.update(health, sitemap_urls=listed)
        yield visit

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self.visit(response, "feed", "not modified")
            return
        feed = feedparser.parse(response.body)
        if not feed.entries:
            problem = feed.get("bozo_exception") or "no entries"
            yield from self.failed_visit(response, f"not a usable feed: {_one_line(problem)}")
            return
        problem = feed.get("bozo_exception") if feed.get("bozo") else None
        listed, health = 0, {}
        for entry in feed.entries:
            url = entry.get("link")
            if url and self.candidate(url):
                listed += 1
                if self.in_window(_feed_date(entry, "published"), _feed_date(entry, "updated")):
                    yield from self.listed(url, "feed", health, changed=_feed_date(entry))
        visit = self.visit(response, "feed", _malformed(problem))
        visit.health.update(health, feed_urls=listed)
        if response.meta.get("discovered"):  # announced by the site, not in the profile
            visit.health["feeds_discovered"] = 1
        yield visit

    def parse_json(self, response: Response) -> Iterator[Any]:
        """A JSON listing endpoint (sites without feeds): every string in it that is an
        article URL of the outlet; the next page while pages keep giving new articles."""
        if self.unchanged(response):
            yield self.visit(response, "listing", "not modified")
            return
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            yield from self.failed_visit(response, f"not JSON: {_one_line(exc)}")
            return
        new = [0]
        listed, health = 0, {}
        endpoint = urlsplit(response.url).path
        for value in _strings_in(data):
            if not _URL_LIKE.match(value.strip()):  # a title, a date, a section name
                continue
            url = response.urljoin(value.strip())
            if urlsplit(url).path == endpoint:  # the endpoint's own next page
                continue
            if urlsplit(url).scheme in ("http", "https") and self.candidate(url):
                listed += 1
                yield from self.listed(url, "json", health, new)
        template, page = response.meta["template"], response.meta["page"]
        if new[0] and "{page}" in template and page < self.max_listing_pages:
            yield self.request(
                template.replace("{page}", str(page + 1)),
                self.parse_json,
                kind="json",
                template=template,
                page=page + 1,
            )
        visit = self.visit(response, "listing")
        visit.health.update(health, json_urls=listed)
        yield visit

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self.visit(response, "listing", "not modified")
            return
        if not isinstance(response, TextResponse):
            yield from self.failed_visit(response, f"not an HTML page ({_content_type(response)})")
            return
        visit = self.visit(response, "listing")
        yield from self.follow_links(response, visit.health)
        yield visit

    def parse_home_feeds(self, response: Response) -> Iterator[Any]:
        """The home page, asked again because a start point moved: the feeds it announces
        now (`<link rel=alternate>`) take the place of the profile's."""
        if isinstance(response, TextResponse):
            yield from self.announced_feeds(response)

    def announced_feeds(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """The feeds a page announces in its head; those the profile does not list are marked
        `discovered` (health: where a moved feed may have gone)."""
        profile = self.profile
        for link in response.css('link[rel="alternate"]'):
            if (link.attrib.get("type") or "").lower() in _FEED_TYPES:
                url = response.urljoin(link.attrib.get("href", ""))
                if profile.owns(url):
                    discovered = url not in profile.feeds
                    yield self.request(url, self.parse_feed, kind="feed", discovered=discovered)

    def looks_like_article(self, url: str) -> bool:
        """A URL no pattern of the profile matches has the shape of the outlet's articles,
        or of articles anywhere."""
        return self.shapes.is_article_shape(url) or looks_like_article_url(url)

    def follow_links(
        self, response: TextResponse, health: dict[str, int] | None = None
    ) -> Iterator[scrapy.Request]:
        """Article links, feeds announced in the head, and, while the page gave articles new
        to the archive, the next page and the section listings it links to.

        A link no pattern of the profile matches is followed (as an article candidate) when
        the outlet's articles have its shape or it looks like an article URL anywhere, at
        most UNMATCHED_LINKS_PER_RUN a run; `health` counts the listing links the profile's
        patterns matched, the unmatched ones followed, and those the cap held back."""
        profile = self.profile
        health = {} if health is None else health
        yield from self.announced_feeds(response)
        new = [0]
        listings = []
        matched = followed = capped = 0
        hrefs = response.xpath(f"(//a/@href)[position() <= {self.max_links + 1}]").getall()
        if len(hrefs) > self.max_links:  # a crawler trap, or a page that is no listing
            health["links_dropped"] = 1
            hrefs = hrefs[: self.max_links]
        for href in hrefs:
            url = response.urljoin(href.strip())
            if urlsplit(url).scheme not in ("http", "https") or not profile.owns(url):
                continue
            kind = profile.link_kind(url)
            if kind == "article":
                yield from self.article_requests(url, new)
            elif kind == "listing":
                matched += 1
                listings.append(canonical_url(url))
            elif kind == "unknown" and self.looks_like_article(url):
                requests = list(self.article_requests(url, new, via="link"))
                if requests and self.unmatched_left <= 0:
                    capped += 1
                    continue
                self.unmatched_left -= len(requests)
                followed += len(requests)
                yield from requests
        if profile.listing_urls:  # health: links on listings that the profile knows
            health.update(listings_read=1, listing_links=matched)
        health.update(unmatched_followed=followed, links_capped=capped)
        if not new[0] and not self.backfill:
            return  # nothing new here: older pages hold nothing new either
        page = response.meta.get("page", 1)
        depth = response.meta.get("depth", 0)
        if page < self.max_listing_pages:
            own = profile.next_page and response.css(profile.next_page).xpath("@href").getall()
            for href in (own or response.css(NEXT_PAGE_LINKS).getall())[:1]:
                url = canonical_url(response.urljoin(href))
                if profile.owns(url):
                    yield self.request(
                        url, self.parse_listing, kind="listing", page=page + 1, depth=depth
                    )
        if depth < 1:
            for url in listings:
                yield self.request(url, self.parse_listing, kind="listing", page=1, depth=depth + 1)

    # -- articles ------------------------------------------------------------------------------
    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        reasons = response.meta.get("redirect_reasons", [])
        for number, url in enumerate(response.meta.get("redirect_urls", [])):
            status = reasons[number] if number < len(reasons) else None
            yield PageVisit(
                url=url,
                site=self.name,
                outcome="redirected",
                http_status=status if isinstance(status, int) else None,
                reason=f"redirected to {response.url}",
                fetched=_now(),
            )
        if not isinstance(response, TextResponse):
            yield self.visit(
                response, "not_article", f"not an HTML page ({_content_type(response)})"
            )
            return
        html = response.text
        mode = self.profile.page_mode(response.url)
        fetched = self.fetched_at(response)
        outcome, value, compressed = await self.extract(
            html, response.url, mode, raw=response.body, now=datetime.fromisoformat(fetched)
        )
        if outcome == "listing":
            visit = self.visit(response, "listing")
            for request in self.follow_links(response, visit.health):
                yield request
            yield visit
            return
        via = response.meta.get("via")
        if mode == "candidate" or via == "link":
            self.shapes.judged(response.url, outcome == "article")
        raw = RawResponse(response.body, _headers(response), compressed)
        if outcome == "not_article":
            # kept: a better extractor may find the article in it later (`reextract`)
            visit = self.visit(response, "not_article", _one_line(value))
            visit.raw = raw
            yield visit
            return
        if outcome == "failed":  # a bug or a page extraction cannot take: record it, go on
            reason = f"extraction failed: {_one_line(value)}"
            logger.warning("%s: %s", response.url, reason)
            for item in self.failed_visit(response, reason):
                yield item
            return
        article = value
        article.site = self.name
        article.fetched_url = response.url
        article.http_status = response.status
        article.fetched = fetched
        article.raw = raw
        if mode == "candidate":  # the article pattern missed an article of the outlet
            article.health["pattern_missed"] = 1
        if via == "link":
            article.health["unmatched_articles"] = 1
        yield article

    async def extract(
        self, html: str, url: str, mode: str, raw: bytes | None = None, now: datetime | None = None
    ) -> tuple[str, Any, bytes | None]:
        """`extract_page` of this page: in the process's extraction pool (see
        caucasus_crawler/extract_pool.py), or here when EXTRACT_PROCESSES is 0."""
        now = now or datetime.now(UTC)  # relative and year-less dates count from the fetch
        if self.extract_pool is None:
            return extract_page(html, url, self.profile, now, mode, raw)
        try:
            extracted = await self.extract_pool.extract(html, url, self.profile, now, mode, raw)
        except WorkerDied as exc:
            return "failed", str(exc), None
        self.crawler.stats.inc_value("extract_pool/pages")  # the log shows the pool worked
        return extracted

    def failed_visit(self, response: Response, reason: str) -> list[Any]:
        """A fetched page that could not be used (a feed that is no feed, a broken sitemap,
        an extraction that failed): its visit, a failure of its kind and of its start
        point's field, after the request that looks for the start point's replacement."""
        visit = self.visit(response, "failed", reason)
        return [*self.start_failed(visit, response.meta, response.status), visit]

    def start_failed(self, visit: PageVisit, meta: dict, status: int | None) -> list[Any]:
        """Marks a failed start point on its visit; one that answers 404 or 410 has moved
        (health: drift of its profile field). A failed feed, sitemap or JSON endpoint sends
        the crawl to the home page for the feeds it announces now: the requests for that."""
        field = meta.get("start")
        if not field:
            return []
        visit.health[f"start_failed:{field}"] = 1
        if status in MOVED_STATUSES:
            visit.health[f"start_moved:{field}"] = 1
        if field in ("start.feeds", "start.sitemaps", "start.json", "home"):
            return self.home_again()
        return []

    def home_again(self) -> list[scrapy.Request]:
        """The outlet's home page and its site's root (the home itself may have moved),
        asked for the feeds they announce. A page asked already in this run is filtered:
        its feeds are on their way."""
        parts = urlsplit(self.profile.home)
        pages = dict.fromkeys([self.profile.home, f"{parts.scheme}://{parts.netloc}/"])
        return [
            scrapy.Request(
                url,
                callback=self.parse_home_feeds,
                errback=self.failed,
                meta={"kind": "listing"},
                priority=10,
            )
            for url in pages
        ]

    def failed(self, failure: Failure) -> Iterator[PageVisit]:
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        reason = _one_line(failure_reason(failure, self.settings.getint("DOWNLOAD_MAXSIZE")))
        refused = failure.check(RefusedAddress) or "robots.txt" in reason
        outcome = "skipped" if refused else "failed"
        logger.warning("%s: %s", request.url, reason)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        codes = [*request.meta.get("redirect_reasons", []), None]
        for url, target, code in zip(chain, chain[1:], codes, strict=False):  # redirects to here
            code = code if isinstance(code, int) else None
            yield PageVisit(url, self.name, "redirected", code, f"redirected to {target}", _now())
        visit = PageVisit(
            url=request.url,
            site=self.name,
            outcome=outcome,
            http_status=status,
            reason=reason,
            fetched=_now(),
            kind=request.meta.get("kind"),
        )
        if request.callback == self.parse_home_feeds:
            yield visit
            return
        yield from self.start_failed(visit, request.meta, status)
        yield visit


def _malformed(problem: object) -> str | None:
    return f"malformed, read anyway: {_one_line(problem)}" if problem else None


def _flag(value: bool | str) -> bool:
    """A spider argument given as `-a backfill=1` arrives as a string."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _feed_date(entry: Any, which: str | None = None) -> str | None:
    """A feed entry's last change (updated, else published) as ISO 8601 UTC; with `which`
    ("published", "updated"), that date alone."""
    names = [which] if which else ["updated", "published"]
    parsed = next((p for name in names if (p := entry.get(f"{name}_parsed"))), None)
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()


def _shifted(value: str | None, days: int) -> date | None:
    """The day of an ISO date or datetime, `days` later (None when there is none)."""
    try:
        return date.fromisoformat(value.strip()[:10]) + timedelta(days=days) if value else None
    except ValueError:
        return None


def _strings_in(data: Any) -> Iterator[str]:
    """Every string value in a parsed JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings_in(value)


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"unknown type").decode("latin-1")
