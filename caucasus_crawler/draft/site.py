"""Reading an outlet's pages for a draft: links, languages, feeds, sitemaps, menus, pagers.

Pure functions of fetched pages (`Fetched`, parsed as the extraction parses them: `Page`); what
to fetch and in which order is `explore`'s business, what to make of it `learn`'s.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from lxml.html import HtmlElement

from caucasus_crawler.extract.page import Page
from caucasus_crawler.url_shapes import (
    NOT_ARTICLE_SEGMENTS,
    looks_like_article_url,
    paging_of,
    segment_kind,
    shape_of,
)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's limit

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# A shape needs this many URLs to become a pattern (one URL says nothing about the others).
MIN_SHAPE_URLS = 2


class DraftError(Exception):
    """The site cannot be drafted (unreachable, not HTML); the message is one line."""


# -- what was fetched ------------------------------------------------------------------------------
@dataclass
class Fetched:
    """One answer (or the failure to get one); `final_url` is where redirects led."""

    url: str
    status: int | None = None
    final_url: str = ""
    content_type: str = ""
    body: bytes = b""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def is_html(self) -> bool:
        if not self.ok:
            return False
        if "html" in self.content_type:
            return True
        head = self.body[:1024].lstrip().lower()
        return not self.content_type and head.startswith((b"<!doctype html", b"<html"))

    def problem(self) -> str:
        """Why the page cannot be read, in a few words."""
        if self.error:
            return self.error
        if not self.ok:
            return f"the site answered HTTP {self.status}"
        return f"not an HTML page ({self.content_type or 'no content type'})"

    def page(self) -> Page | None:
        return Page.from_html(self.body, self.final_url or self.url) if self.is_html else None


Fetch = Callable[[Sequence[str]], Awaitable[list[Fetched]]]


# -- reading pages ---------------------------------------------------------------------------------
def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def base_domain(host: str) -> str:
    """`trend.az` for `en.trend.az`: editions on sibling hosts belong to the outlet too."""
    labels = host.split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in ("co", "com", "org", "net", "gov", "edu") else 2
    return ".".join(labels[-keep:])


def owned_by(hosts: Iterable[str]) -> Callable[[str], bool]:
    domains = tuple(hosts)

    def owns(url: str) -> bool:
        host = host_of(url)
        return urlsplit(url).scheme in ("http", "https") and any(
            host == d or host.endswith("." + d) for d in domains
        )

    return owns


def language_code(value: str | None) -> str | None:
    """`en` for `en-US`, `en_GB` or `EN`; None for `x-default` and what is no language."""
    code = re.split(r"[-_]", (value or "").strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def links_of(page: Page, owns: Callable[[str], bool]) -> list[str]:
    """The page's links to the outlet, absolute, without fragments, each once, in order."""
    found: dict[str, None] = {}
    for anchor in page.tree.iter("a"):
        url = page.absolute(anchor.get("href"))
        if url:
            url = urldefrag(url)[0]
            if owns(url):
                found.setdefault(url)
    return list(found)


def site_title(page: Page) -> tuple[str | None, str]:
    """(the outlet's name, where it was read): og:site_name, else the home page's <title>
    without its tagline ("Agenda.ge | News from Georgia")."""
    name = page.meta_first("og:site_name")
    if name:
        return name, "og:site_name of the home page"
    title = page.tree.findtext(".//title")
    if not title or not title.strip():
        return None, ""
    parts = [p.strip() for p in re.split(r"\s+[|\-–—:·]+\s+", title.strip()) if p.strip()]
    label = host_of(page.url).split(".")[0]
    named = [p for p in parts if label and label in p.lower().replace(" ", "")]
    return (named or parts)[0], "the home page's <title>"


def hreflang_editions(page: Page) -> dict[str, str]:
    """Language -> URL of the page in that language (`<link rel=alternate hreflang>`)."""
    editions: dict[str, str] = {}
    for link in page.tree.iter("link"):
        if "alternate" not in (link.get("rel") or "").lower().split():
            continue
        code = language_code(link.get("hreflang"))
        url = page.absolute(link.get("href"))
        if code and url:
            editions.setdefault(code, url)
    return editions


_EDITION_NAME = re.compile(r"^[a-z]{2,3}$")


def edition_links(page: Page) -> list[str]:
    """Links of a language switcher: to a one-word path on the same host (`/arm/`, `/en`),
    or to the root of a sibling host named like a language (`https://ru.trend.az/`). Whether
    each is an edition, its `<html lang>` tells once fetched."""
    home = host_of(page.url)
    base = base_domain(home)
    found: dict[str, None] = {}
    for anchor in page.tree.iter("a"):
        url = page.absolute(anchor.get("href"))
        if not url:
            continue
        url = urldefrag(url)[0]
        parts = urlsplit(url)
        host, segments = host_of(url), [s for s in parts.path.split("/") if s]
        if parts.query or url.rstrip("/") == page.url.rstrip("/"):
            continue
        if host == home and len(segments) == 1 and _EDITION_NAME.match(segments[0]):
            found.setdefault(url)
        elif host.endswith("." + base) and not segments:
            if host != home and _EDITION_NAME.match(host.split(".")[0]):
                found.setdefault(url)
    return list(found)


def announced_feeds(page: Page) -> list[str]:
    """Feeds the page announces in its head (`<link rel=alternate type=application/rss+xml>`)."""
    feeds: dict[str, None] = {}
    for link in page.tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower().strip() in FEED_TYPES:
            url = page.absolute(link.get("href"))
            if url:
                feeds.setdefault(url)
    return list(feeds)


def feed_links(body: bytes) -> list[str] | None:
    """The links of a feed's entries, or None when it is no usable feed."""
    import feedparser

    parsed = feedparser.parse(body)
    if not parsed.entries:
        return None
    return [entry["link"] for entry in parsed.entries if entry.get("link")]


def read_sitemap(body: bytes) -> tuple[str, list[tuple[str, str | None]]] | None:
    """(`urlset` or `sitemapindex`, its (loc, lastmod) entries), or None when unreadable."""
    from scrapy.utils.gz import gunzip
    from scrapy.utils.sitemap import Sitemap

    try:
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        sitemap = Sitemap(body)
    except Exception:  # gzip and lxml fail in many ways on what is no sitemap
        return None
    entries = [(e["loc"].strip(), e.get("lastmod")) for e in sitemap if e.get("loc")]
    return sitemap.type, entries


_NOT_POSTS = re.compile(
    r"image|video|tag|categor|author|taxonom|user|(?:^|[-_/])pages?(?:[-_.\d]|$)", re.I
)
_POSTS = re.compile(r"news|post|article", re.I)


def pick_child_sitemaps(entries: Sequence[tuple[str, str | None]], limit: int) -> list[str]:
    """The sitemaps of an index most likely to list recent articles: those named for news or
    posts first, then the most recently changed; never those of images, tags, authors or
    static pages."""
    ranked = [
        (not _POSTS.search(urlsplit(loc).path), _negated(lastmod), index, loc)
        for index, (loc, lastmod) in enumerate(entries)
        if not _NOT_POSTS.search(urlsplit(loc).path)
    ]
    return [loc for *_, loc in sorted(ranked)[:limit]]


def _negated(lastmod: str | None) -> str:
    """A sort key putting later `lastmod` values first (and missing ones last)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in lastmod) if lastmod else "\U0010ffff"


# Path segments of pages that are never section listings (the listing words are kept).
_NOT_LISTING = NOT_ARTICLE_SEGMENTS - {
    "category",
    "categories",
    "page",
    "archive",
    "section",
    "sections",
    "rubric",
    "topics",
    "bolme",
}
_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|xml|json|css|js|ico|txt|rss)$")
_ARTICLE_KINDS = ("n", "n.ext", "slug", "slug-n", "n-slug")


def article_like(url: str) -> bool:
    """Whether a link may name an article: generic signals, or a last segment that is an
    id or a headline slug (a bare `/2024/1290` has no other sign)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments or _FILE.search(segments[-1].lower()):
        return False
    if any(s.lower() in NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    return looks_like_article_url(url) or segment_kind(segments[-1], len(segments) - 1) in (
        _ARTICLE_KINDS
    )


def could_be_listing(url: str) -> bool:
    """Whether a link may name a section page: a path of words, no tag, author, search or
    static page, no file, no query, nothing that looks like an article."""
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments or parts.query or _FILE.search(segments[-1]) or paging_of(url)[1]:
        return False
    if any(s in _NOT_LISTING for s in segments):
        return False
    return not article_like(url)


def _in_menu(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("nav", "header"):
            return True
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if "menu" in names or "nav" in names:
            return True
    return False


def section_links(pages: Iterable[Page], owns: Callable[[str], bool], limit: int) -> list[str]:
    """Links that may lead to section pages, taken from each page in turn (every edition's
    menu gets its share): a page's menu links first, in order."""
    queues = []
    for page in pages:
        menus: dict[str, None] = {}
        others: dict[str, None] = {}
        for anchor in page.tree.iter("a"):
            url = page.absolute(anchor.get("href"))
            if url:
                url = urldefrag(url)[0]
                if owns(url) and could_be_listing(url):
                    (menus if _in_menu(anchor) else others).setdefault(url)
        queues.append(list(dict.fromkeys([*menus, *others])))
    picked: dict[str, None] = {}
    while len(picked) < limit and any(queues):
        for queue in queues:
            while queue and queue[0] in picked:
                queue.pop(0)
            if queue and len(picked) < limit:
                picked.setdefault(queue.pop(0))
    return list(picked)


def sample_urls(urls: Sequence[str], limit: int, listed: Iterable[str] = ()) -> list[str]:
    """Up to `limit` of the URLs, spread over their shapes (one of each in turn), so that
    every shape that may become a pattern gets a page fetched: first the shapes of URLs the
    outlet `listed` in its feeds and sitemaps, then the most common."""
    listed = set(listed)
    groups: dict[str, list[str]] = {}
    for url in urls:
        groups.setdefault(shape_of(url), []).append(url)
    queues = sorted(
        (members for members in groups.values() if len(members) >= MIN_SHAPE_URLS),
        key=lambda members: (not listed.intersection(members), -len(members)),
    )
    picked: list[str] = []
    while len(picked) < limit and any(queues):
        for queue in queues:
            if queue and len(picked) < limit:
                picked.append(queue.pop(0))
    return picked


def next_page(page: Page, owns: Callable[[str], bool]) -> tuple[str | None, str | None]:
    """(the listing's next page, a selector for its link when the spider's usual next-page
    links miss it)."""
    from caucasus_crawler.spiders.news import NEXT_PAGE_LINKS

    for element in page.select(NEXT_PAGE_LINKS.replace("::attr(href)", "")):
        url = page.absolute(element.get("href"))
        if url and owns(url):
            return url, None
    own = paging_of(page.url)[0].rstrip("/")
    for anchor in page.tree.iter("a"):
        url = page.absolute(anchor.get("href"))
        if not url or not owns(url):
            continue
        base, style = paging_of(url)
        if style and base.rstrip("/") == own:
            for selector in selectors_of(anchor):
                first = page.select(selector)
                if first and page.absolute(first[0].get("href")) == url:
                    return url, selector
            return url, None
    return None, None


# -- naming elements -------------------------------------------------------------------------------
_IDENT = re.compile(r"^[A-Za-z_][\w-]*$")
# Class and id tokens that change from page to page or with the page's state.
_VOLATILE = re.compile(r"\d{3,}|^(?:is|has|js)-|(?:^|-)(?:active|current|selected|open)$")


def selectors_of(element: HtmlElement) -> list[str]:
    """Selectors naming the element by its tag and a stable id or class (`div.entry-content`)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    found = []
    ident = element.get("id") or ""
    if _IDENT.match(ident) and not _VOLATILE.search(ident):
        found.append(f"{tag}#{ident}")
    for name in (element.get("class") or "").split():
        if _IDENT.match(name) and not _VOLATILE.search(name):
            found.append(f"{tag}.{name}")
    return found
