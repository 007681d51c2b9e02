"""The generic news spider: discovers an outlet's articles and hands each page to extraction.

Discovery, in the order a polite crawler prefers: sitemaps named in robots.txt (indexes
followed, `lastmod` kept), RSS/Atom feeds (from the profile and autodiscovered through
`<link rel=alternate>`), then section listings with their pagination. What the outlet is
(start points, which URLs are articles) comes from its profile; nothing here is site-specific.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
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
from caucasus_crawler.extract_pool import ExtractPool, WorkerDied, extract_page
from caucasus_crawler.items import PageVisit, RawResponse
from caucasus_crawler.middlewares import RefusedAddress, failure_reason
from caucasus_crawler.profiles import Profile
from caucasus_crawler.spiders.frontier import Frontier
from caucasus_crawler.urls import canonical_url

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
BACKFILL_PAGES = 1000  # listing pages per listing with --backfill: the whole history, bounded
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

    frontier: Frontier
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
        spider.frontier = Frontier(
            spider.archive, spider.profile, force=spider.force, backfill=spider.backfill
        )
        spider.extract_pool = ExtractPool.for_crawler(crawler)
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
            if self.frontier.due(url, kind):
                yield self.request(url, callback, kind, **meta)

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
            headers = self.frontier.conditional_headers(url)
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
        self, url: str, counter: list[int] | None = None, changed: str | None = None
    ) -> Iterator[scrapy.Request]:
        """The request for an article link, unless the archive already holds it unchanged.
        `counter[0]` counts the links that are new to the archive (pagination goes on while
        pages keep giving new ones)."""
        url = canonical_url(url)
        fetch, new = self.frontier.article(url, changed)
        if counter is not None and new:
            counter[0] += 1
        if fetch:
            yield self.request(url, self.parse_article, kind="article")

    def wanted_article(self, url: str) -> bool:
        profile = self.profile
        if not profile.owns(url) or profile.is_ignored(url):
            return False
        return not profile.article_urls or profile.is_article_url(url)

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
            fetched=_now(),
            etag=etag.decode("latin-1") if isinstance(etag, bytes) else etag,
            last_modified=modified.decode("latin-1") if isinstance(modified, bytes) else modified,
        )

    def unchanged(self, response: Response) -> bool:
        return response.status == 304

    # -- discovery -----------------------------------------------------------------------------
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
                yield self.visit(response, "failed", "refused: sitemap over 50 MB once gunzipped")
                return
            except Exception as exc:  # BadGzipFile, zlib.error, EOFError, struct.error
                yield self.visit(response, "failed", f"broken gzip sitemap: {_one_line(exc)}")
                return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several kinds on garbage
            yield self.visit(response, "failed", f"not a sitemap: {_one_line(exc)}")
            return
        yield self.visit(response, "sitemap")
        for entry in sitemap:
            url = entry.get("loc")
            if not url:
                continue
            if sitemap.type == "sitemapindex":
                if self.profile.owns(url):
                    yield self.request(url, self.parse_sitemap, kind="sitemap")
            elif self.wanted_article(url):
                yield from self.article_requests(url, changed=entry.get("lastmod"))

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self.visit(response, "feed", "not modified")
            return
        feed = feedparser.parse(response.body)
        if not feed.entries:
            problem = feed.get("bozo_exception") or "no entries"
            yield self.visit(response, "failed", f"not a usable feed: {_one_line(problem)}")
            return
        problem = feed.get("bozo_exception") if feed.get("bozo") else None
        yield self.visit(response, "feed", _malformed(problem))
        for entry in feed.entries:
            url = entry.get("link")
            # Feeds list articles, so their links are taken even when no URL pattern matches.
            if url and self.profile.owns(url) and not self.profile.is_ignored(url):
                yield from self.article_requests(url, changed=_feed_date(entry))

    def parse_json(self, response: Response) -> Iterator[Any]:
        """A JSON listing endpoint (sites without feeds): every string in it that is an
        article URL of the outlet; the next page while pages keep giving new articles."""
        if self.unchanged(response):
            yield self.visit(response, "listing", "not modified")
            return
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            yield self.visit(response, "failed", f"not JSON: {_one_line(exc)}")
            return
        yield self.visit(response, "listing")
        new = [0]
        for value in _strings_in(data):
            url = response.urljoin(value.strip())
            if urlsplit(url).scheme in ("http", "https") and self.wanted_article(url):
                yield from self.article_requests(url, new)
        template, page = response.meta["template"], response.meta["page"]
        if new[0] and "{page}" in template and page < self.max_listing_pages:
            yield self.request(
                template.replace("{page}", str(page + 1)),
                self.parse_json,
                kind="json",
                template=template,
                page=page + 1,
            )

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self.visit(response, "listing", "not modified")
            return
        if not isinstance(response, TextResponse):
            yield self.visit(response, "failed", f"not an HTML page ({_content_type(response)})")
            return
        yield self.visit(response, "listing")
        yield from self.follow_links(response)

    def follow_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """Article links, feeds announced in the head, and, while the page gave articles new
        to the archive, the next page and the section listings it links to."""
        profile = self.profile
        for link in response.css('link[rel="alternate"]'):
            if (link.attrib.get("type") or "").lower() in _FEED_TYPES:
                url = response.urljoin(link.attrib.get("href", ""))
                if profile.owns(url):
                    yield self.request(url, self.parse_feed, kind="feed")
        new = [0]
        listings = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if urlsplit(url).scheme not in ("http", "https") or not profile.owns(url):
                continue
            if self.wanted_article(url) and profile.article_urls:
                yield from self.article_requests(url, new)
            elif profile.is_listing_url(url) and not profile.is_ignored(url):
                listings.append(canonical_url(url))
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
        kind = self.page_kind(response.url)
        if kind == "other":
            yield self.visit(response, "not_article", f"not an article URL of {self.name}")
            return
        if kind == "listing":
            outcome, value, compressed = "listing", None, None
        else:  # "page": its own signals tell whether it is an article, read in the pool too
            outcome, value, compressed = await self.extract(
                html, response.url, classify=kind == "page", raw=response.body
            )
        if outcome == "listing":
            yield self.visit(response, "listing")
            for request in self.follow_links(response):
                yield request
            return
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
            yield self.visit(response, "failed", reason)
            return
        article = value
        article.site = self.name
        article.fetched_url = response.url
        article.http_status = response.status
        article.fetched = _now()
        article.raw = raw
        yield article

    async def extract(
        self, html: str, url: str, classify: bool, raw: bytes | None = None
    ) -> tuple[str, Any, bytes | None]:
        """`extract_page` of this page: in the process's extraction pool (see
        caucasus_crawler/extract_pool.py), or here when EXTRACT_PROCESSES is 0."""
        now = datetime.now(UTC)  # relative and year-less dates count from the fetch
        if self.extract_pool is None:
            return extract_page(html, url, self.profile, now, classify, raw)
        try:
            return await self.extract_pool.extract(html, url, self.profile, now, classify, raw)
        except WorkerDied as exc:
            return "failed", str(exc), None

    def page_kind(self, url: str) -> str:
        """ "article", "listing" or "other" when the profile's URL patterns decide (WordPress
        marks pages such as "About us" og:type=article too); "page" when they cannot and the
        page's own signals must (read in `extract_page`)."""
        profile = self.profile
        if profile.article_urls:
            if profile.is_article_url(url):
                return "article"
            return "listing" if profile.is_listing_url(url) else "other"
        return "page"

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
        yield PageVisit(
            url=request.url,
            site=self.name,
            outcome=outcome,
            http_status=status,
            reason=reason,
            fetched=_now(),
        )


def _malformed(problem: object) -> str | None:
    return f"malformed, read anyway: {_one_line(problem)}" if problem else None


def _flag(value: bool | str) -> bool:
    """A spider argument given as `-a backfill=1` arrives as a string."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _feed_date(entry: Any) -> str | None:
    """A feed entry's last change (updated, else published) as ISO 8601 UTC."""
    parsed = entry.get("updated_parsed") or entry.get("published_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()


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
