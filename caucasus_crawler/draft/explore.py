"""Exploring a site for a draft: a few rounds of downloads through Scrapy's downloader.

`explore` decides what to fetch from what the previous round showed (home page, then robots.txt,
editions, feeds and sitemaps, then section pages and an index's sitemaps, then articles) and
keeps every answer in an `Evidence`. `fetch_evidence` runs it inside a CrawlerProcess with the
project's settings, so that robots.txt, the middlewares and `--mirror` apply as in crawls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import scrapy

from caucasus_crawler.draft.site import (
    DraftError,
    Fetch,
    Fetched,
    announced_feeds,
    article_like,
    base_domain,
    edition_links,
    feed_links,
    host_of,
    hreflang_editions,
    links_of,
    owned_by,
    pick_child_sitemaps,
    read_sitemap,
    sample_urls,
    section_links,
)
from caucasus_crawler.extract.page import Page

# How much is fetched: a draft is a few dozen requests, never a crawl.
MAX_EDITIONS = 4  # other editions' home pages
MAX_FEEDS = 6
MAX_CHILD_SITEMAPS = 2  # sitemaps read from an index
MAX_LISTINGS = 8  # section pages
MAX_ARTICLES = 10
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml")


# -- exploring the site ----------------------------------------------------------------------------
@dataclass
class Evidence:
    """What the site showed: every page a draft is learned from."""

    url: str  # as given
    home: Fetched
    home_page: Page
    robots_sitemaps: list[str] = field(default_factory=list)
    hreflang: dict[str, str] = field(default_factory=dict)
    switcher: list[str] = field(default_factory=list)  # language switcher links
    edition_pages: dict[str, Page] = field(default_factory=dict)  # URL -> an edition's home
    feeds: dict[str, list[str]] = field(default_factory=dict)  # usable feed -> its links
    announced: list[str] = field(default_factory=list)  # feeds the home pages announce
    sitemaps: dict[str, list[str]] = field(default_factory=dict)  # urlset -> its URLs
    indexes: dict[str, list[str]] = field(default_factory=dict)  # index -> its sitemaps
    guessed_sitemaps: list[str] = field(default_factory=list)  # found at a usual address
    listings: dict[str, Page] = field(default_factory=dict)  # section pages fetched
    samples: list[Fetched] = field(default_factory=list)  # article candidates fetched
    candidates: dict[str, str] = field(default_factory=dict)  # URL -> feed/sitemap/link
    fetched: dict[str, Fetched] = field(default_factory=dict)

    @property
    def home_url(self) -> str:
        return self.home.final_url or self.home.url

    @property
    def hosts(self) -> list[str]:
        """The outlet's hosts: the home page's, and those of editions on sibling hosts."""
        home = host_of(self.home_url)
        base = base_domain(home)
        others = {host_of(u) for u in [*self.hreflang.values(), *self.switcher]}
        return [home, *sorted(h for h in others - {home} if h.endswith(base) and h)]

    def owns(self, url: str) -> bool:
        return owned_by(self.hosts)(url)

    def html_pages(self) -> list[Page]:
        """Every HTML page fetched (parsed afresh)."""
        pages = [self.home_page, *self.edition_pages.values(), *self.listings.values()]
        return pages + [p for f in self.samples if (p := f.page()) is not None]


class Explorer:
    """Fetches in rounds, each URL once, and remembers every answer."""

    def __init__(self, fetch: Fetch):
        self._fetch = fetch
        self.fetched: dict[str, Fetched] = {}

    async def get(self, urls: Iterable[str]) -> list[Fetched]:
        wanted = list(dict.fromkeys(urls))
        new = [u for u in wanted if u not in self.fetched]
        if new:
            for answer in await self._fetch(new):
                self.fetched[answer.url] = answer
        return [self.fetched[u] for u in wanted]


async def explore(url: str, fetch: Fetch) -> Evidence:
    """Fetch what a draft is learned from (module docstring); DraftError when the home page
    cannot be read."""
    explorer = Explorer(fetch)
    (home,) = await explorer.get([url])
    if home.error and "robots.txt" in home.error:
        raise DraftError(f"{url}: {home.error}: the outlet keeps crawlers out of its home page")
    if home.error:
        raise DraftError(f"{url}: no answer ({home.error}): is the URL right, and the site up?")
    if not home.is_html:
        raise DraftError(f"{url}: {home.problem()}: give the outlet's home page")
    page = home.page()
    if page is None:
        raise DraftError(f"{url}: not an HTML page (nothing could be parsed)")
    ev = Evidence(url=url, home=home, home_page=page, fetched=explorer.fetched)
    ev.hreflang = hreflang_editions(page)
    ev.switcher = edition_links(page)
    home_key = ev.home_url.rstrip("/")
    editions = {}
    for edition in [*ev.hreflang.values(), *ev.switcher]:
        if ev.owns(edition) and edition.rstrip("/") != home_key:
            editions.setdefault(edition.rstrip("/"), edition)
    editions = list(editions.values())[:MAX_EDITIONS]
    origin = _origin(ev.home_url)
    origins = list(dict.fromkeys([origin, *map(_origin, editions)]))

    # robots.txt of each host, the other editions' home pages, the feeds the home page announces
    robots = [f"{o}/robots.txt" for o in origins]
    feeds = [f for f in announced_feeds(page) if ev.owns(f)]
    answers = await explorer.get([*robots, *editions, *feeds])
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    for answer in answers[: len(robots)]:
        if answer.ok:
            named = sitemap_urls_from_robots(answer.body, base_url=answer.final_url)
            ev.robots_sitemaps += [u for u in named if ev.owns(u)]
    ev.robots_sitemaps = list(dict.fromkeys(ev.robots_sitemaps))
    for answer in answers[len(robots) : len(robots) + len(editions)]:
        if (edition := answer.page()) is not None:
            ev.edition_pages[answer.url] = edition
            feeds += [f for f in announced_feeds(edition) if ev.owns(f)]
    ev.announced = list(dict.fromkeys(feeds))[:MAX_FEEDS]

    # the feeds, and the sitemaps (robots.txt's, else those at the usual addresses)
    sitemaps = ev.robots_sitemaps or [origin + path for path in USUAL_SITEMAPS]
    await explorer.get([*ev.announced, *sitemaps])
    for feed in ev.announced:
        links = feed_links(explorer.fetched[feed].body) if explorer.fetched[feed].ok else None
        if links is not None:
            ev.feeds[feed] = [u for u in links if ev.owns(u)]
    children = _read_sitemaps(ev, sitemaps)
    if not ev.robots_sitemaps:
        ev.guessed_sitemaps = [u for u in sitemaps if u in ev.sitemaps or u in ev.indexes]

    # one or two sitemaps of each index, and the section pages the home pages' menus link to
    home_pages = [page, *ev.edition_pages.values()]
    known = {ev.home_url, url, *ev.edition_pages}
    sections = [u for u in section_links(home_pages, ev.owns, MAX_LISTINGS + 4) if u not in known]
    sections = sections[:MAX_LISTINGS]
    await explorer.get([*children, *sections])
    _read_sitemaps(ev, children)
    for section in sections:
        if (listing := explorer.fetched[section].page()) is not None:
            ev.listings[section] = listing

    # a few articles: those the feeds and sitemaps name, else the links that look like them
    for links in ev.feeds.values():
        for link in links:
            ev.candidates.setdefault(link, "feed")
    for links in ev.sitemaps.values():
        for link in links:
            ev.candidates.setdefault(link, "sitemap")
    listed = [u for u in ev.candidates if u not in known]
    for listing_page in [*home_pages, *ev.listings.values()]:
        for link in links_of(listing_page, ev.owns):
            if article_like(link) and link not in known and link not in ev.listings:
                ev.candidates.setdefault(link, "link")
    ev.samples = await explorer.get(sample_urls(list(ev.candidates), MAX_ARTICLES, listed))
    return ev


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _read_sitemaps(ev: Evidence, urls: Iterable[str]) -> list[str]:
    """Read fetched sitemaps into `ev`; the sitemaps worth reading from the indexes found."""
    children: list[str] = []
    for url in urls:
        answer = ev.fetched.get(url)
        read = read_sitemap(answer.body) if answer is not None and answer.ok else None
        if read is None:
            continue
        kind, entries = read
        locs = [loc for loc, _ in entries if ev.owns(loc)]
        if kind == "sitemapindex":
            ev.indexes[url] = locs
            picked = pick_child_sitemaps([e for e in entries if ev.owns(e[0])], MAX_CHILD_SITEMAPS)
            children += [c for c in picked if c not in ev.fetched]
        else:
            ev.sitemaps[url] = locs
    return children[:MAX_CHILD_SITEMAPS]


# -- fetching through Scrapy -----------------------------------------------------------------------
def draft_settings(mirror: str | None):
    """The project's settings, with only what a draft must not do switched off: no archive
    (pipelines), no progress bar, no request queue on disk, no extraction pool, one retry."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("caucasus_crawler.settings", priority="project")
    overrides = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {},
        "FRONTIER_ON_DISK": False,
        "EXTRACT_PROCESSES": 0,
        "PROFILES_DIRS": [],  # a broken profile beside the one being drafted stops nothing
        "RETRY_TIMES": 1,  # a draft that waited minutes on a flaky page would not be better
        # what goes wrong is reported in one line by the command (Scrapy would log tracebacks)
        "LOG_LEVEL": "CRITICAL",
    }
    if mirror:
        overrides["MIRROR_ADDRESS"] = mirror
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


class DraftSpider(scrapy.Spider):
    """Explores one site from inside Scrapy: its start() awaits each round of downloads
    (`engine.download_async`: the downloader middlewares, robots.txt included, apply) and
    schedules nothing, so the crawl ends when the exploration does."""

    name = "draft"

    def __init__(self, home_url: str, **kwargs):
        super().__init__(**kwargs)
        self.home_url = home_url
        self.outcome: Evidence | Exception | None = None

    async def start(self):
        try:
            self.outcome = await explore(self.home_url, self.fetch)
        except Exception as exc:  # raised again by fetch_evidence, once the reactor stopped
            self.outcome = exc
        for request in ():  # nothing to schedule: every download was awaited above
            yield request

    async def fetch(self, urls: Sequence[str]) -> list[Fetched]:
        return list(await asyncio.gather(*(self._fetch(url) for url in urls)))

    async def _fetch(self, url: str) -> Fetched:
        from twisted.python.failure import Failure

        from caucasus_crawler.middlewares import failure_reason

        request = scrapy.Request(url, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # how Scrapy says a download failed: told in a few words
            failure = Failure(exc)
            failure.request = request  # type: ignore[attr-defined]
            maxsize = self.settings.getint("DOWNLOAD_MAXSIZE")
            return Fetched(url, error=failure_reason(failure, maxsize))
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        return Fetched(url, response.status, response.url, content_type, response.body)


def fetch_evidence(url: str, mirror: str | None = None) -> Evidence:
    """Explore the site through Scrapy's downloader (a CrawlerProcess running DraftSpider)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(draft_settings(mirror))
    crawler = process.create_crawler(DraftSpider)
    process.crawl(crawler, home_url=url)
    process.start()
    outcome = getattr(crawler.spider, "outcome", None)
    if isinstance(outcome, Exception):
        raise outcome
    if outcome is None:
        raise DraftError(f"{url}: the draft's crawl ended before it read the site")
    return outcome
