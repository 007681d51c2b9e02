"""Title, canonical URL, description, image, authors, categories and tags of a page.

Each reader prefers the stable machine-readable signals (Open Graph, `article:*` meta,
JSON-LD, `rel` links) and falls back on visible markup; a profile's selectors add to them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from ..items import Link
from ..profiles import Profile
from ..urls import canonical_url, url_key
from .page import Page, clean_text, element_text, jsonld_types, same_site

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " / ")
_NON_WORD = re.compile(r"\W+")

_REL_CATEGORY = XPath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
_REL_TAG = XPath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]")
# The first test (any attribute holding "readcrumb") only makes the scan cheaper: it halves
# the time libxml2 spends on a page of 700 elements.
_BREADCRUMB_LINKS = XPath(
    "//*[@*[contains(., 'readcrumb')]][contains(@class, 'breadcrumb')"
    " or contains(@id, 'breadcrumb') or translate(@aria-label, 'B', 'b') = 'breadcrumb']//a[@href]"
)

# Caps on what one page can make the archive store: a broken or hostile page may have a
# 1 MB <title> or 20,000 article:tag metas, and every copy, export and search result would
# carry them. Each cap is above the largest value of 1,103 real articles (the development
# sets, ../shared/data), so no real article is cut: titles reach 222 characters (500 is
# three long headlines), descriptions 4,387 (a whole lead pasted in), categories 30 (a
# section menu taken for them), tags 172 (one CMS's list of every town it covers), image
# URLs 582 characters. A page over a cap is still an article, stored with the field cut:
# a title or description to the cap at a word's end with "…", the first categories and
# tags in page order; an image URL over its cap is dropped (a cut URL points nowhere).
MAX_TITLE_CHARS = 500
MAX_DESCRIPTION_CHARS = 5_000
MAX_CATEGORIES = 50
MAX_TAGS = 200
MAX_IMAGE_URL_CHARS = 2_048
# Names of categories and tags longer than this are dropped (a sentence, not a label).
_MAX_LINK_NAME_CHARS = 80

# Breadcrumb and menu labels of the home page, in the five languages and the usual variants.
_HOME_WORDS = frozenset(
    {
        "home",
        "homepage",
        "home page",
        "main",
        "main page",
        "start",
        "front page",
        "news home",
        "главная",
        "главная страница",
        "головна",
        "მთავარი",
        "მთავარი გვერდი",
        "გვერდი",
        "գլխավոր",
        "գլխավոր էջ",
        "ana səhifə",
        "əsas səhifə",
        "əsas",
    }
)


def key(name: str) -> str:
    """A comparison key: letters and digits only, case-folded ("Civil.ge" == "civil ge")."""
    return _NON_WORD.sub("", name.casefold()).replace("_", "")


# -- site names and title ---------------------------------------------------------------------


def site_names(page: Page, profile: Profile | None = None) -> list[str]:
    """Names the outlet goes by: og:site_name, publisher, profile title, host name."""
    cache_key = ("site_names", profile.name if profile is not None else None)
    if cache_key not in page.memo:
        page.memo[cache_key] = _site_names(page, profile)
    return page.memo[cache_key]


def _site_names(page: Page, profile: Profile | None) -> list[str]:
    names: list[str] = []
    for meta_key in ("og:site_name", "application-name", "twitter:site"):
        names.extend(page.meta.get(meta_key, ()))
    article = page.jsonld_article or {}
    publisher = article.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        names.append(publisher["name"])
    for obj in page.jsonld:
        if jsonld_types(obj) & {"website", "organization", "newsmediaorganization"}:
            if isinstance(obj.get("name"), str):
                names.append(obj["name"])
    if profile is not None:
        names.append(profile.title)
    host = (urlsplit(page.url).hostname or "").lower().removeprefix("www.")
    if host:
        labels = host.split(".")
        names.extend((host, labels[-2] if len(labels) > 1 else host))
    return [clean_text(n).lstrip("@") for n in names if n and clean_text(n)]


def cap_text(text: str, limit: int) -> str:
    """`text`, or when longer than `limit` characters, its start cut at a word's end (unless
    that loses over half of it) and marked with "…": `limit` characters at most."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def strip_site_name(title: str, names: list[str]) -> str:
    """Drop a " | Outlet" / " - Outlet" suffix (or "Outlet | " prefix) naming the outlet."""
    keys = {key(n) for n in names if key(n)}
    changed = True
    while changed:
        changed = False
        for separator in _SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if found and head.strip() and key(tail) in keys:
                title, changed = head.strip(), True
                break
            head, found, tail = title.partition(separator)
            if found and tail.strip() and key(head) in keys:
                title, changed = tail.strip(), True
                break
    return title


def _h1(page: Page) -> str | None:
    scope = page.scope
    candidates = scope.findall(".//h1") if scope is not None else []
    if not candidates:
        candidates = list(page.tree.iter("h1"))
        if len(candidates) != 1:
            return None
    return element_text(candidates[0]) or None


def extract_title(page: Page, profile: Profile | None = None) -> str:
    """og:title, else the article's h1, JSON-LD headline, `<title>`; site name removed."""

    def capped(text: str | None) -> str | None:
        # before anything else: stripping " | Outlet" from a hostile title made of 50,000 of
        # them would take a pass over the whole title for each
        return cap_text(text, MAX_TITLE_CHARS) if text else None

    names = site_names(page, profile)
    h1 = capped(_h1(page))
    headline = (page.jsonld_article or {}).get("headline")
    title_tag = page.tree.find(".//title")
    candidates = [
        capped(page.meta_first("og:title", "twitter:title")),
        h1,
        capped(clean_text(headline)) if isinstance(headline, str) else None,
        capped(element_text(title_tag)) if title_tag is not None else None,
    ]
    outlet_keys = {key(n) for n in names}
    for candidate in candidates:
        if not candidate or key(candidate) in outlet_keys:
            continue  # absent, or only the outlet's name (a bare og:title "Civil.ge")
        title = strip_site_name(candidate, names)
        if h1 and title != h1 and title.startswith(h1):
            rest = title[len(h1) :]
            if any(rest.startswith(s) for s in _SEPARATORS):
                title = h1  # "Headline | Some Outlet" whose outlet name we do not know
        return title
    return ""


# -- canonical, description, image ---------------------------------------------------------


def _on_site(url: str, page: Page, profile: Profile | None) -> bool:
    """Whether a URL the page names for itself stays on the page's site (or on another host
    of the same outlet): another site's claim on the article is not trusted."""
    return same_site(url, page.url) or (
        profile is not None and profile.owns(url) and profile.owns(page.url)
    )


def extract_canonical(page: Page, profile: Profile | None = None) -> str:
    """`<link rel=canonical>` when it stays on the page's site (and is not its home page)."""
    for link in page.tree.iter("link"):
        if "canonical" not in (link.get("rel") or "").lower().split():
            continue
        canonical = page.absolute(link.get("href"))
        if not canonical or urlsplit(canonical).scheme not in ("http", "https"):
            return page.url
        on_site = _on_site(canonical, page, profile)
        to_home = urlsplit(canonical).path in ("", "/") and urlsplit(page.url).path not in ("", "/")
        return canonical if on_site and not to_home else page.url
    return page.url


def declared_url(page: Page) -> str | None:
    """The http(s) URL a page gives for itself, its `<link rel=canonical>` else its `og:url`,
    taken as it is (no on-site check: the page's own URL is what is unknown), but never a home
    page (a template's og:url may point there from every page); None when it gives none. What
    `extract` reads a saved page as when not told its URL."""
    hrefs = [
        link.get("href")
        for link in page.tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    for href in [*hrefs, *page.meta.get("og:url", ())]:
        url = page.absolute(href)
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.hostname and parts.path not in ("", "/"):
            return url
    return None


def extract_aliases(page: Page, profile: Profile | None, canonical: str) -> list[str]:
    """The page's other URLs of this same article: `rel=shortlink` (WordPress's `/?p=<id>`),
    `rel=amphtml`, `og:url`, and the fetched URL when rel=canonical names another. The URL
    alone cannot say that /?p=2895 is /2024/09/slug/; the page can, so a later fetch of an
    alias is known as this article. Only the page's own site, never a home or listing page
    (a template's og:url pointing there must not swallow it); canonicalised, each once (by
    url_key), without the canonical URL itself."""
    hrefs = [
        link.get("href")
        for link in page.tree.iter("link")
        if {"shortlink", "amphtml"} & set((link.get("rel") or "").lower().split())
    ]
    hrefs += [*page.meta.get("og:url", ()), page.url]
    starts = ()
    if profile is not None:
        starts = (profile.home, *profile.editions.values(), *profile.listings)
    seen = {url_key(canonical), *map(url_key, starts)}
    aliases = []
    for href in hrefs:
        absolute = page.absolute(href)
        if not absolute or urlsplit(absolute).scheme not in ("http", "https"):
            continue
        alias = canonical_url(absolute)
        parts = urlsplit(alias)
        if not _on_site(alias, page, profile) or (parts.path == "/" and not parts.query):
            continue
        if profile is not None and profile.is_listing_url(alias):
            continue
        if (key := url_key(alias)) not in seen:
            seen.add(key)
            aliases.append(alias)
    return aliases


def extract_description(page: Page) -> str | None:
    description = page.meta_first("og:description", "description", "twitter:description")
    if not description:
        value = (page.jsonld_article or {}).get("description")
        description = clean_text(value) if isinstance(value, str) else None
    return cap_text(description, MAX_DESCRIPTION_CHARS) if description else None


def extract_image(page: Page) -> str | None:
    """The article's image: an http(s) URL of at most MAX_IMAGE_URL_CHARS, else None. Any
    other scheme (`javascript:`, `file:`, `data:`) would be a link a user of the archive
    might open; none of them is an image an archive can point to."""
    image: object = page.meta_first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    if not image:
        image = (page.jsonld_article or {}).get("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            image = image.get("url") or image.get("contentUrl")
    url = page.absolute(image) if isinstance(image, str) else None
    if not url or len(url) > MAX_IMAGE_URL_CHARS:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


# -- categories and tags -------------------------------------------------------------------


class _Links:
    """An ordered set of named links, deduplicated by name; a URL fills in when one is known.
    Once it holds `limit` links it takes no more (MAX_CATEGORIES, MAX_TAGS)."""

    def __init__(self, page: Page, exclude: set[str], limit: int):
        self.page = page
        self.exclude = exclude
        self.limit = limit
        self.items: dict[str, Link] = {}

    def add(self, name: object, url: object = None) -> None:
        if not isinstance(name, str) or len(self.items) >= self.limit:
            return
        name = clean_text(name).lstrip("#")
        name_key = name.casefold()
        if name.startswith(("@", "_")):  # CMS-internal keywords ("@post-id:1", "_no-apple")
            return
        too_long = len(name) > _MAX_LINK_NAME_CHARS
        if not name or too_long or name_key in _HOME_WORDS or key(name) in self.exclude:
            return
        absolute = self.page.absolute(url) if isinstance(url, str) else None
        if absolute and urlsplit(absolute).scheme not in ("http", "https"):
            absolute = None
        known = self.items.get(name_key)
        if known is None:
            self.items[name_key] = Link(name, absolute)
        elif known.url is None and absolute:
            known.url = absolute

    def add_elements(self, elements: list[HtmlElement]) -> None:
        for element in elements:
            anchors = [element] if element.tag == "a" else element.findall(".//a")
            if not anchors:
                self.add(element_text(element))
            for anchor in anchors:
                self.add(element_text(anchor), anchor.get("href"))

    def result(self) -> list[Link]:
        return list(self.items.values())


def _scoped(page: Page, find) -> list[HtmlElement]:
    """Matches inside the article when it has any, else on the whole page."""
    if page.scope is not None:
        found = find(page.scope)
        if found:
            return found
    return find(page.tree)


def _is_home(page: Page, url: str | None, name: str) -> bool:
    if name.casefold() in _HOME_WORDS:
        return True
    absolute = page.absolute(url) if url else None
    return bool(absolute) and urlsplit(absolute).path in ("", "/") and same_site(absolute, page.url)


def _breadcrumbs(page: Page, title: str, canonical: str) -> list[tuple[str, str | None]]:
    """Breadcrumb trail without the home page and without the article itself."""
    trail: list[tuple[str, str | None]] = []
    for obj in page.jsonld:
        if "breadcrumblist" not in jsonld_types(obj):
            continue
        items = obj.get("itemListElement")
        items = [i for i in (items if isinstance(items, list) else [items]) if isinstance(i, dict)]
        items.sort(key=lambda i: i.get("position") if isinstance(i.get("position"), int) else 0)
        for item in items:
            target = item.get("item")
            name, url = item.get("name"), target
            if isinstance(target, dict):
                name = name or target.get("name")
                url = target.get("@id") or target.get("url")
            if isinstance(name, str):
                trail.append((clean_text(name), url if isinstance(url, str) else None))
        break
    if not trail and page.may_contain("readcrumb"):
        trail = [(element_text(a), a.get("href")) for a in _BREADCRUMB_LINKS(page.tree)]
    trail = [(n, u) for n, u in trail if n and not _is_home(page, u, n)]
    if trail:
        name, url = trail[-1]
        absolute = page.absolute(url) if url else None
        itself = {page.url.rstrip("/"), canonical.rstrip("/")}
        if key(name) == key(title) or (absolute and absolute.rstrip("/") in itself):
            trail.pop()
    return trail


def extract_categories(
    page: Page, profile: Profile | None, title: str, canonical: str
) -> list[Link]:
    """Sections the outlet files the article under, with their listing URLs when linked."""
    links = _Links(page, exclude={key(title)} - {""}, limit=MAX_CATEGORIES)
    if profile is not None and profile.extract.categories:
        selector = profile.extract.categories
        found = _scoped(page, lambda root: page.select(selector, root))
        links.add_elements(found)
        page.note_check("categories", "hit" if any(map(element_text, found)) else "miss")
    links.add_elements(
        [a for a in _scoped(page, _REL_CATEGORY) if "category" in (a.get("rel") or "").split()]
    )
    for section in page.meta.get("article:section", ()):
        links.add(section)
    section = (page.jsonld_article or {}).get("articleSection")
    for name in section if isinstance(section, list) else [section]:
        links.add(name)
    for name, url in _breadcrumbs(page, title, canonical):
        links.add(name, url)
    return links.result()


def extract_tags(page: Page) -> list[Link]:
    """Tags: `article:tag` meta, `rel=tag` links (not categories), JSON-LD keywords."""
    links = _Links(page, exclude=set(), limit=MAX_TAGS)
    for tag in page.meta.get("article:tag", ()):
        links.add(tag)
    for anchor in _scoped(page, _REL_TAG):
        rel = (anchor.get("rel") or "").split()
        if "tag" in rel and "category" not in rel:
            links.add(element_text(anchor), anchor.get("href"))
    keywords = (page.jsonld_article or {}).get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if isinstance(keywords, list):
        for keyword in keywords:
            links.add(keyword)
    return links.result()
