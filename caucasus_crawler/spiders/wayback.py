"""The Wayback Machine spider: fills the archive with an outlet's captures in the Internet
Archive (`caucasus-crawler crawl SITE --wayback`, or any crawl with the WAYBACK setting).

For each host of the outlet's profile it reads the Wayback CDX index (`/cdx/search/cdx`,
`matchType=prefix`, 200s only, one capture per URL), a page of WAYBACK_CDX_LIMIT captures at a
time, paging on with the index's resumption key. Of the captures it keeps those whose
original URL is an article of the outlet, or looks like one (the tests the news spider gives
the links its listings hold); fetches each one's bytes as captured (`/web/<time>id_/<url>`);
and hands them to the same extraction and pipelines as a crawl, under the original URL, with
the capture's time as when it was fetched. Nothing else is followed: no live page is asked.

Resumable: the next page of the index is asked only once every capture of the page before
has been fetched (the spider is idle), and every index page asked is a row of `pages`. A
backfill killed midway starts again, in the next run, from the last index page its
unfinished run recorded; captures whose page the archive holds (an article, a duplicate, not
an article) are not fetched again. A run that finished starts the index from its beginning
(captures made since are new), still skipping what is archived.

--since and --until bound the index too: no capture before --since can hold an article
published after it, and captures up to WAYBACK_AFTER_UNTIL_DAYS after --until are asked (an
article is often captured days after it appeared); the publication window pipeline then keeps
what was published in the window.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from caucasus_crawler.items import PageVisit
from caucasus_crawler.spiders.news import NewsSpider
from caucasus_crawler.urls import canonical_url

logger = logging.getLogger(__name__)

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest")
# Outcomes of a page that hold its answer: its capture need not be fetched again.
_ARCHIVED = ("article", "duplicate", "not_article", "redirected")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def capture_time(timestamp: str) -> datetime:
    """A CDX timestamp (YYYYMMDDhhmmss, UTC) as a datetime."""
    return datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def original_url(original: str, secure: bool) -> str:
    """A capture's original URL as the archive keys the outlet's pages: without the default
    port the Wayback Machine often records (`http://civil.ge:80/...`), and on https when the
    outlet is served so now."""
    parts = urlsplit(original.strip())
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80, 443) else None
    scheme = "https" if secure else (parts.scheme or "http").lower()
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


class WaybackSpider(NewsSpider):
    """Bound to one outlet by ProfileSpiderLoader when the WAYBACK setting is on."""

    name = "wayback"
    allowed_domains = None  # it asks the Wayback Machine only, whatever the outlet's domains

    @classmethod
    def update_settings(cls, settings) -> None:
        """Polite by default: the Internet Archive asks for few requests at a time. The
        crawlers of one process (one per outlet) share WAYBACK_DOWNLOAD_DELAY between them;
        a setting the user gave (`--set`) wins."""
        super().update_settings(settings)
        crawlers = max(1, settings.getint("EXTRACT_POOL_CRAWLERS", 1))
        polite = {
            "CONCURRENT_REQUESTS_PER_DOMAIN": settings.getint("WAYBACK_CONCURRENT_REQUESTS", 2),
            "DOWNLOAD_DELAY": settings.getfloat("WAYBACK_DOWNLOAD_DELAY", 1.0) * crawlers,
        }
        for name, value in polite.items():
            settings.set(name, value, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> WaybackSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.endpoint = settings.get("WAYBACK_ENDPOINT", "https://web.archive.org").rstrip("/")
        spider.page_size = max(1, settings.getint("WAYBACK_CDX_LIMIT", 1000))
        spider.after_until = settings.getint("WAYBACK_AFTER_UNTIL_DAYS", 30)
        spider.secure = urlsplit(spider.profile.home).scheme == "https"
        spider.next_pages = {}  # host -> the request for its index's next page
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    # -- the index -----------------------------------------------------------------------------
    def hosts(self) -> list[str]:
        """The hosts to ask the index for: the profile's domains (the index folds `www.`)."""
        return list(dict.fromkeys(d.lower().removeprefix("www.") for d in self.profile.domains))

    def index_url(self, host: str, resume_key: str | None = None) -> str:
        params = {
            "url": f"{host}/",
            "matchType": "prefix",
            "output": "json",
            "fl": ",".join(CDX_FIELDS),
            "filter": "statuscode:200",
            "collapse": "urlkey",
        }
        if self.window.since:
            params["from"] = self.window.since.strftime("%Y%m%d")
        if self.window.until:
            last = min(self.window.until + timedelta(days=self.after_until), date.today())
            params["to"] = last.strftime("%Y%m%d")
        params.update(showResumeKey="true", limit=str(self.page_size))
        url = f"{self.endpoint}/cdx/search/cdx?{urlencode(params)}"
        # the key comes URL-encoded already, and goes back as it came
        return f"{url}&resumeKey={resume_key}" if resume_key else url

    def index_request(self, url: str, host: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_index,
            errback=self.failed,
            meta={"kind": "wayback_index", "host": host, "page": page},
            priority=10,
            dont_filter=True,  # a page asked again on resuming
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for host in self.hosts():
            first = self.index_url(host)
            url, page = self.archive.wayback_resume_point(self.name, first) or (first, 1)
            if page > 1:
                logger.info(
                    "%s: resuming the Wayback index of %s at page %d", self.name, host, page
                )
            yield self.index_request(url, host, page)

    def idle(self) -> None:
        """Every capture of the index pages read so far is fetched: ask the next pages."""
        if not self.next_pages:
            return
        requests, self.next_pages = list(self.next_pages.values()), {}
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def parse_index(self, response: Response) -> Iterator[Any]:
        host, page = response.meta["host"], response.meta["page"]
        try:
            rows = json.loads(response.body or b"[]")
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ValueError("not a list of rows")
        except ValueError as exc:
            yield from self.failed_visit(response, f"not a CDX answer: {exc}")
            return
        header, rows = (rows[0], rows[1:]) if rows else ([], [])
        resume_key = None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            rows, resume_key = rows[:-2], rows[-1][0]
        counts = dict.fromkeys(("captures", "fetched", "archived", "not_articles"), 0)
        for row in rows:
            if len(row) != len(header):
                continue
            capture = dict(zip(header, row, strict=True))
            counts["captures"] += 1
            request = self.capture_request(capture, counts)
            if request is not None:
                counts["fetched"] += 1
                yield request
        if resume_key:
            url = self.index_url(host, resume_key)
            self.next_pages[host] = self.index_request(url, host, page + 1)
        reason = (
            f"Wayback index of {host}, page {page}: {counts['captures']} capture(s), "
            f"{counts['fetched']} to fetch, {counts['archived']} archived already, "
            f"{counts['not_articles']} not article(s)"
        )
        self.crawler.stats.inc_value("wayback/captures", counts["captures"])
        self.crawler.stats.inc_value("wayback/not_articles", counts["not_articles"])
        self.crawler.stats.inc_value("wayback/archived", counts["archived"])
        yield self.visit(response, "listing", reason)

    def capture_request(self, capture: dict, counts: dict) -> scrapy.Request | None:
        """The request for a capture's bytes, unless it is no article or archived already."""
        original, timestamp = capture.get("original") or "", capture.get("timestamp") or ""
        if not original or not timestamp.isdigit():
            return None
        url = original_url(original, self.secure)
        mimetype = (capture.get("mimetype") or "").lower()
        if (
            capture.get("statuscode", "200") != "200"
            or (mimetype and mimetype not in _HTML_TYPES)
            or not self.is_article_capture(url)
        ):
            counts["not_articles"] += 1
            return None
        if self.archived(url):
            counts["archived"] += 1
            return None
        return scrapy.Request(
            f"{self.endpoint}/web/{timestamp}id_/{original}",
            callback=self.parse_capture,
            errback=self.failed,
            meta={"kind": "article", "original": url, "captured": timestamp},
        )

    def is_article_capture(self, url: str) -> bool:
        """An article of the outlet by its profile, or a URL that looks like one, as the news
        spider judges the links on a listing that no pattern matches."""
        if not self.profile.owns(url):
            return False
        kind = self.profile.link_kind(url)
        return kind == "article" or (kind == "unknown" and self.looks_like_article(url))

    def archived(self, url: str) -> bool:
        """Whether the archive holds this page's answer already, from any run (a killed
        backfill's included); a page skipped by bounds or failed is fetched again."""
        if self.archive.article_seen(canonical_url(url)) is not None:
            return True
        state = self.archive.page_state(url)
        return state is not None and state["outcome"] in _ARCHIVED

    # -- the captures --------------------------------------------------------------------------
    async def parse_capture(self, response: Response) -> AsyncIterator[Any]:
        """A capture's bytes, as the news spider reads an article page, at its original URL."""
        replay = response.url
        response = response.replace(url=response.meta["original"])
        async for item in self.parse_article(response):
            if isinstance(item, PageVisit) and item.outcome == "redirected":
                item.reason = f"{item.reason} (replaying {replay})"
            yield item

    def fetched_at(self, response: Response) -> str:
        captured = response.meta.get("captured")
        if not captured:  # an index page, a failure: now
            return super().fetched_at(response)
        return capture_time(captured).isoformat(timespec="seconds")

    def follow_links(self, response, health=None) -> Iterator[scrapy.Request]:
        """A capture that turns out a listing leads nowhere: the backfill reads the index."""
        return iter(())
