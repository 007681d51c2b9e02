"""Page -> Article, as a pure function of the HTML, its URL and the outlet's profile.

The spider, the `extract` command, re-extraction of stored pages, the tests and the
benchmarks all call `extract_article`; nothing here knows about Scrapy or the archive.

    article = extract_article(html, "https://civil.ge/archives/743770", profile)
    article.title, article.published, [c.name for c in article.categories]
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from ..items import Article
from ..profiles import Profile
from .authors import extract_authors
from .cleanup import apply_rules, paragraphs_of
from .dates import find_dates, parse_date, parse_iso
from .language import detect_language
from .metadata import (
    declared_url,
    extract_aliases,
    extract_canonical,
    extract_categories,
    extract_description,
    extract_image,
    extract_tags,
    extract_title,
)
from .page import Page, jsonld_types, parse_html
from .text import extract_paragraphs
from .translations import find_translations

__all__ = [
    "NotAnArticle",
    "apply_rules",
    "declared_url_of",
    "detect_language",
    "extract_article",
    "extract_judged",
    "extract_metadata",
    "find_dates",
    "is_candidate_article",
    "looks_like_article",
    "paragraphs_of",
    "parse_date",
    "parse_html",
    "parse_iso",
]

# Bodies shorter than this are not articles (a teaser, an empty template, an error page).
MIN_TEXT_CHARS = 100
# A page without any article signal is an article only with a body this long, in this many
# paragraphs at least (see is_candidate_article).
REAL_BODY_CHARS = 400
REAL_BODY_PARAGRAPHS = 2
# A page with this many <article> elements and no article signal is a listing.
_LISTING_ARTICLES = 3
_TEASER_CHARS = 500  # an <article> item with less text is a teaser (the mirror's reach 310)


_MICRODATA_ARTICLES = XPath(
    "//*[contains(@itemtype, 'schema.org/NewsArticle') or contains(@itemtype, 'schema.org/Article')"
    " or contains(@itemtype, 'schema.org/BlogPosting')]"
)
_ARTICLES = XPath("//article")
_ARTICLE_H1 = XPath("//article//h1")
_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})
# JSON-LD types of pages that are not articles, when no article type is beside them
_PAGE_TYPES = _LISTING_TYPES | {
    "webpage",
    "aboutpage",
    "contactpage",
    "profilepage",
    "faqpage",
    "qapage",
    "checkoutpage",
    "mediagallery",
    "imagegallery",
    "videogallery",
}


class NotAnArticle(ValueError):
    """The page holds no article; the message says why in one line."""


def _article_signals(page: Page, profile: Profile | None) -> bool:
    if (page.meta_first("og:type") or "").lower() == "article":
        return True
    if page.jsonld_article is not None:
        return True
    if page.meta_first("article:published_time"):
        return True
    if profile is not None and profile.is_article_url(page.url):
        return True
    return len(_MICRODATA_ARTICLES(page.tree)) == 1


def looks_like_article(
    html_or_tree: str | bytes | HtmlElement | Page, url: str, profile: Profile | None = None
) -> bool:
    """Whether the page says it is an article (og:type, JSON-LD, article:* meta, URL pattern).

    For URLs a profile does not classify: a listing page carries none of these signals.
    """
    page = html_or_tree if isinstance(html_or_tree, Page) else Page.from_html(html_or_tree, url)
    return page is not None and _article_signals(page, profile)


def _stated_kind(page: Page) -> bool | None:
    """What a page says it is, for a page its profile's patterns missed: True (a JSON-LD
    Article, `article:published_time`, a microdata Article), False (JSON-LD calls it another
    kind of page: a WordPress "About us" is a WebPage, though og:type says article), or None
    (og:type alone, or nothing). Read before the body extraction prunes the tree."""
    if page.jsonld_article is not None or page.meta_first("article:published_time"):
        return True
    if len(_MICRODATA_ARTICLES(page.tree)) == 1:
        return True
    if any(jsonld_types(o) & _PAGE_TYPES for o in page.jsonld):
        return False
    return None


def _real_body(article: Article) -> bool:
    """More than a teaser, a contact page or a caption: REAL_BODY_PARAGRAPHS paragraphs of
    REAL_BODY_CHARS characters in all."""
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    return len(paragraphs) >= REAL_BODY_PARAGRAPHS and len(article.text) >= REAL_BODY_CHARS


def is_candidate_article(
    html_or_page: str | bytes | HtmlElement | Page,
    url: str,
    article: Article,
    profile: Profile | None = None,
) -> bool:
    """Whether a page the profile's URL patterns missed (an outlet's feed, sitemap or link
    named it) holds an article, by its own signals (`_stated_kind`), or else by a real body.
    `html_or_page` must be the page as fetched, not one the extraction has pruned."""
    page = html_or_page if isinstance(html_or_page, Page) else Page.from_html(html_or_page, url)
    if page is None:
        return False
    stated = _stated_kind(page)
    return stated if stated is not None else _real_body(article)


def extract_judged(
    html: str | bytes,
    url: str,
    profile: Profile,
    mode: str = "article",
    *,
    now: datetime | None = None,
) -> Article:
    """`extract_article`, judged as the crawl judges a page (Profile.page_mode): a
    "candidate" (the outlet named it, its article pattern missed it) must hold an article by
    its own signals (`is_candidate_article`). So must an "article" whose URL the pattern
    matches but on which the profile's body selector finds nothing: the pattern alone vouches
    for a page only while the profile fits it (a redesign can make an old pattern match
    section pages). The page is parsed once. Raises NotAnArticle."""
    page = Page.from_html(html, url)
    if page is None:
        raise NotAnArticle(f"not an HTML page: {url}")
    stated = _stated_kind(page)  # before the extraction prunes the tree
    article = extract_article(page, url, profile, now=now)
    if mode == "article" and article.checks.get("body") in ("miss", "fallback"):
        mode = "candidate"
    if mode == "candidate" and not (stated if stated is not None else _real_body(article)):
        raise NotAnArticle(f"no article signals and no real body: {url}")
    return article


def _listing_reason(page: Page, profile: Profile | None, signals: bool) -> str | None:
    """Why a page without article signals is a listing (home, section, archive), if it is."""
    if signals:
        return None
    url = page.url.split("#", 1)[0]
    parts = urlsplit(url)
    if profile is not None:
        # a guess from the URL's shape, so only where the profile knows the site: a page
        # at "/" elsewhere may be a landing page with text (and "/?p=2895" is a WordPress
        # shortlink)
        if parts.path in ("", "/") and not parts.query:
            return "a home page"
        if url in (profile.home, *profile.editions.values(), *profile.listings):
            return "a listing page (the outlet's home or one of its start pages)"
        if profile.is_listing_url(url):
            return "a listing page (its URL is one of the profile's listings)"
    if any(jsonld_types(o) & _LISTING_TYPES for o in page.jsonld):
        return "a listing page (JSON-LD CollectionPage or ItemList)"
    return None


def _teasers_text_length(page: Page, signals: bool) -> int | None:
    """The length of the teasers' text on a page laid out as a listing (LISTING_ARTICLES
    or more <article> items, none holding the headline, every one a teaser's size, no article
    signals), else None. Such a page is a listing only if its body is no more than its
    teasers: a forum thread's posts, an article's related items or a page's own text beside
    small <article> boxes are pages with text."""
    if signals:
        return None
    items = _ARTICLES(page.tree)
    if len(items) < _LISTING_ARTICLES or _ARTICLE_H1(page.tree):
        return None
    lengths = [len(" ".join(item.text_content().split())) for item in items]
    return sum(lengths) if max(lengths) < _TEASER_CHARS else None


def _body_text(page: Page, profile: Profile | None, title: str, signals: bool) -> str:
    rules = profile.extract if profile is not None else None
    return "\n\n".join(extract_paragraphs(page, rules, title, signals))


def _refusal(text: str, teasers: int | None) -> str | None:
    """Why a body makes no article (`teasers`: see _teasers_text_length), if it does not."""
    if not text:
        return "no body text"
    if len(text) < MIN_TEXT_CHARS:
        return f"body text too short ({len(text)} characters)"
    if teasers is not None and len(text) <= teasers:
        return "a listing page (many <article> teasers, no article metadata)"
    return None


def _declared_languages(page: Page, profile: Profile | None, url: str) -> list[str | None]:
    return [
        profile.edition_language(url) if profile is not None else None,
        page.html_lang,
        page.meta_first("og:locale"),
        page.meta_first("content-language", "language", "dc.language"),
    ]


def extract_article(
    html: str | bytes | Page,
    url: str,
    profile: Profile | None = None,
    *,
    now: datetime | None = None,
) -> Article:
    """Extract the article of one page.

    `html` is the page as fetched (bytes are decoded by their declared charset, else UTF-8;
    or a `Page` parsed from it, which this consumes), `url` the URL it was fetched from,
    `profile` the outlet's profile (its extraction rules, languages and offset), `now` the
    moment relative dates and year-less dates count from.
    Raises `NotAnArticle` when the page holds no article.
    """
    page = html if isinstance(html, Page) else Page.from_html(html, url)
    if page is None:
        raise NotAnArticle(f"not an HTML page: {url}")

    # Every reader of the untouched tree runs before the body extraction, which prunes it.
    # A saved page may have lost its head and headline (a <body> capture): its text still counts.
    title = extract_title(page, profile) or ""
    signals = _article_signals(page, profile)
    listing = _listing_reason(page, profile, signals)
    if listing:
        raise NotAnArticle(f"{listing}: {url}")
    teasers = _teasers_text_length(page, signals)
    canonical = extract_canonical(page, profile)
    published, modified = find_dates(page, profile, now, title)
    authors = extract_authors(page, profile)
    categories = extract_categories(page, profile, title, canonical)
    tags = extract_tags(page)
    translations = find_translations(page, canonical)
    aliases = extract_aliases(page, profile, canonical)
    description = extract_description(page)
    image = extract_image(page)
    declared = _declared_languages(page, profile, url)

    text = _body_text(page, profile, title, signals)
    refused = _refusal(text, teasers)
    if refused:
        raise NotAnArticle(f"{refused}: {url}")

    return Article(
        url=canonical,
        title=title,
        text=text,
        site=profile.name if profile is not None else None,
        published=published,
        modified=modified,
        authors=authors,
        categories=categories,
        tags=tags,
        language=detect_language(f"{title}\n{text}", declared),
        description=description,
        image=image,
        translations=translations,
        aliases=aliases,
        checks=dict(page.memo.get("checks", {})),
    )


def declared_url_of(html: str | bytes, url: str) -> str | None:
    """The http(s) URL a page fetched from (or saved at) `url` gives for itself: its
    canonical link, else og:url; None when it gives none (see metadata.declared_url)."""
    page = Page.from_html(html, url)
    return None if page is None else declared_url(page)


def extract_metadata(
    html: str | bytes,
    url: str,
    profile: Profile | None = None,
    *,
    now: datetime | None = None,
) -> dict:
    """What any page says of itself, article or not: `url` (its canonical), `site`, `title`,
    `published`, `modified`, `authors`, `language`, `description`, `image`, and `article`
    (None, or why `extract_article` would refuse the page). The language is read from the
    body when there is one, else from the title and description."""
    page = Page.from_html(html, url)
    if page is None:
        raise NotAnArticle(f"not an HTML page: {url}")
    title = extract_title(page, profile) or ""
    signals = _article_signals(page, profile)
    refused = _listing_reason(page, profile, signals)
    teasers = _teasers_text_length(page, signals)
    canonical = extract_canonical(page, profile)
    published, modified = find_dates(page, profile, now, title)
    authors = extract_authors(page, profile)
    description = extract_description(page)
    image = extract_image(page)
    declared = _declared_languages(page, profile, url)
    text = _body_text(page, profile, title, signals)
    refused = refused or _refusal(text, teasers)
    return {
        "url": canonical,
        "site": profile.name if profile is not None else None,
        "title": title,
        "published": published,
        "modified": modified,
        "authors": authors,
        "language": detect_language(f"{title}\n{description or ''}\n{text}", declared),
        "description": description,
        "image": image,
        "article": refused,
    }
