"""What an outlet's article URLs look like, without a profile's say-so.

A profile's `urls.article` patterns are a guess that ages: outlets redesign. Two kinds of
knowledge let the crawl recognise article links its patterns miss:

* **Shapes learned from the outlet itself.** A URL's shape is its host and the kind of each
  path segment (a number, a headline slug, a slug ending in an id, a short word...), e.g.
  ``oxu.az /w/slug`` for ``https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var``.
  URLs that the outlet's own feeds and sitemaps list, and pages that turned out to hold
  articles, teach `ShapeLearner` which shapes are articles; a shape whose pages keep turning
  out not to be articles is dropped again.
* **Generic signals** (`looks_like_article_url`): a headline slug, an id of several digits at
  the end, a date in the path; and never a tag, author, search or pagination page.

`patterns_for` turns a set of article URLs into regular expressions for a profile
(`caucasus-crawler draft`). Everything here is a pure function of URLs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

# Segment kinds, most telling first.
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NUMBER = re.compile(r"^\d+$")
_NUMBER_EXT = re.compile(r"^\d+\.(?:html?|php|shtml|aspx?)$", re.IGNORECASE)
_SLUG_ID = re.compile(r"^.+[-_]\d{4,}(?:\.(?:html?|php|shtml|aspx?))?$", re.IGNORECASE)
_ID_SLUG = re.compile(r"^\d{4,}[-_].+$")
_EXT = re.compile(r"\.(?:html?|php|shtml|aspx?)$", re.IGNORECASE)
_WORDS = re.compile(r"[-_+]+|%20")
# A first segment this short is an edition (`en`, `ka`, `eng`, `rus`), kept as it is.
_EDITION = re.compile(r"^[a-z]{2,3}$")
# Path segments of pages that are never articles, in the languages of the region's sites'
# URLs (English words, mostly) and the usual CMS paths.
NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "category",
        "categories",
        "author",
        "authors",
        "page",
        "search",
        "login",
        "logout",
        "register",
        "signup",
        "account",
        "profile",
        "cart",
        "feed",
        "rss",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-json",
        "static",
        "assets",
        "cdn-cgi",
        "contact",
        "contacts",
        "about",
        "about-us",
        "privacy",
        "privacy-policy",
        "terms",
        "advertising",
        "subscribe",
        "archive",
        "archives-by-date",
        "bolme",
        "section",
        "sections",
        "rubric",
        "topics",
    }
)
_FILE_TYPES = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4|xml|json|css|js|ico|txt|docx?|xlsx?)$",
    re.IGNORECASE,
)
# Headline slugs have at least this many words; section names ("green-economy") fewer.
_SLUG_WORDS = 3
# Query parameters that page a listing or sort it: never an article's id.
_PAGING = frozenset({"page", "p", "paged", "sf_paged", "offset", "start", "sort", "order"})


def segment_kind(segment: str, position: int) -> str:
    """The kind of one path segment: `yyyy`, `n`, `n.ext`, `slug-n`, `n-slug`, `slug`, `w`
    (a word or two: a section name), or the segment itself for an edition prefix."""
    if position == 0 and _EDITION.match(segment):
        return segment
    if _YEAR.match(segment):
        return "yyyy"
    if _NUMBER.match(segment):
        return "n"
    if _NUMBER_EXT.match(segment):
        return "n.ext"
    if _SLUG_ID.match(segment):
        return "slug-n"
    if _ID_SLUG.match(segment):
        return "n-slug"
    words = [w for w in _WORDS.split(_EXT.sub("", segment)) if w]
    return "slug" if len(words) >= _SLUG_WORDS else "w"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _query_keys(query: str) -> tuple[str, ...]:
    return tuple(sorted({key.lower() for key, _ in parse_qsl(query, keep_blank_values=True)}))


def shape_of(url: str) -> str:
    """The URL's shape: its host, its segments' kinds, and its query's parameter names.

    >>> shape_of("https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var")
    'oxu.az /w/slug'
    >>> shape_of("https://www.trend.az/business/green-economy/4204857.html")
    'trend.az /w/w/n.ext'
    """
    parts = urlsplit(url)
    kinds = [segment_kind(s, i) for i, s in enumerate(_segments(parts.path))]
    keys = _query_keys(parts.query)
    return f"{_host(url)} /{'/'.join(kinds)}" + (f"?{'&'.join(keys)}" if keys else "")


def never_article(url: str) -> bool:
    """Whether a URL names a page that is never an article anywhere: a tag, author,
    category, search or pagination page, a file, the site's root."""
    parts = urlsplit(url)
    segments = [s.lower() for s in _segments(parts.path)]
    if not segments or _FILE_TYPES.search(parts.path):
        return True
    if any(s in NOT_ARTICLE_SEGMENTS for s in segments):
        return True
    return bool(set(_query_keys(parts.query)) & _PAGING)


def looks_like_article_url(url: str) -> bool:
    """Generic signals that a URL names an article on any news site: its last segment is a
    headline slug, or ends in an id of four digits or more (`/4204857.html`, `/slug-737745`,
    `/819865-slug`, `/a/33760132.html`), or the path holds a publication date before a slug
    (`/2024/08/12/slug`, not a day's archive `/2024/08/12/`); and no segment names a tag,
    author, search or listing page."""
    if never_article(url):
        return False
    segments = _segments(urlsplit(url).path)
    kinds = [segment_kind(s, i) for i, s in enumerate(segments)]
    last, last_kind = segments[-1], kinds[-1]
    if last_kind in ("slug", "slug-n", "n-slug", "n.ext") and (
        last_kind != "n.ext" or len(re.sub(r"\D", "", last)) >= 4
    ):
        return True
    if last_kind == "n" and len(last) >= 5 and len(segments) >= 2:
        return True
    return "yyyy" in kinds[:-1] and last_kind in ("slug", "w")


class ShapeLearner:
    """Which URL shapes are an outlet's articles, learned as a crawl goes.

    `listed` URLs come from the outlet's feeds, sitemaps and JSON endpoints; `judged` tells
    what a fetched page turned out to be. A shape is an article shape once a page of it held
    an article, or while two or more listed URLs have it and none has been judged; it stops
    being one when its pages are mostly not articles.
    """

    def __init__(self, article_urls: Iterable[str] = ()):
        self.listed: Counter[str] = Counter()
        self.articles: Counter[str] = Counter()
        self.others: Counter[str] = Counter()
        for url in article_urls:
            self.articles[shape_of(url)] += 1

    def listed_url(self, url: str) -> None:
        self.listed[shape_of(url)] += 1

    def judged(self, url: str, article: bool) -> None:
        (self.articles if article else self.others)[shape_of(url)] += 1

    def is_article_shape(self, url: str) -> bool:
        if never_article(url):  # `/page/4/` has the shape of `/news/812074/`
            return False
        shape = shape_of(url)
        articles, others = self.articles[shape], self.others[shape]
        if others > 2 * articles + 2:  # its pages are mostly something else
            return False
        return articles > 0 or (self.listed[shape] >= 2 and others == 0)

    def known_shapes(self) -> list[str]:
        """The article shapes learned so far, most articles first (for health's evidence)."""
        shapes = {s for s in [*self.articles, *self.listed]}
        return sorted(
            (s for s in shapes if self.articles[s] or self.listed[s] >= 2),
            key=lambda s: (-self.articles[s], -self.listed[s], s),
        )


# -- regular expressions for a profile (draft) -------------------------------------------------
_KIND_PATTERNS = {
    "yyyy": r"(?:19|20)\d\d",
    "n": r"\d+",
    "slug-n": r"[^/?#]+[-_]\d+",
    "n-slug": r"\d+[-_][^/?#]+",
    "slug": r"[^/?#]+-[^/?#]+-[^/?#]+",
    "w": r"[^/?#]+",
}


def _segment_pattern(kind: str, values: set[str]) -> str:
    if len(values) == 1 and kind not in ("n", "n.ext", "slug-n", "n-slug", "slug"):
        return re.escape(next(iter(values)))  # one section or edition: kept literally
    if kind == "n.ext":
        extensions = sorted({v.rsplit(".", 1)[1] for v in values})
        return r"\d+\." + (re.escape(extensions[0]) if len(extensions) == 1 else r"\w+")
    if kind in _KIND_PATTERNS:
        return _KIND_PATTERNS[kind]
    return re.escape(kind)  # an edition prefix (`en`)


def patterns_for(urls: Iterable[str], min_urls: int = 2) -> list[str]:
    """Regular expressions (profile `urls.article` style) covering `urls`: one per shape
    that at least `min_urls` of them share, most common first. Segments every URL of a shape
    shares are kept literally (an edition, a fixed `/news/`), the others by their kind; the
    trailing slash is optional, as outlets link both spellings."""
    groups: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        groups[shape_of(url)].append(url)
    patterns = []
    for _shape, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        if len(members) < min_urls:
            continue
        parts = [urlsplit(u) for u in members]
        hosts = sorted({(p.hostname or "").lower() for p in parts})
        bare = sorted({h.removeprefix("www.") for h in hosts})
        if len(bare) != 1:
            continue
        host = re.escape(bare[0])
        www = r"(?:www\.)?" if any(h.startswith("www.") for h in hosts) else ""
        columns = list(zip(*[_segments(p.path) for p in parts], strict=True))
        segment_patterns = [
            _segment_pattern(segment_kind(column[0], i), set(column))
            for i, column in enumerate(columns)
        ]
        keys = _query_keys(parts[0].query)
        query = (r"\?" + "&".join(f"{re.escape(k)}=[^&#]+" for k in keys)) if keys else ""
        scheme = "https?" if len({p.scheme for p in parts}) > 1 else re.escape(parts[0].scheme)
        path = "/".join(segment_patterns)
        patterns.append(f"^{scheme}://{www}{host}/{path}/?{query}$")
    return patterns


# -- listing pages (draft) ---------------------------------------------------------------------
_PAGE_PATH = re.compile(r"/page/\d+/?$")


def paging_of(url: str) -> tuple[str, str | None]:
    """(the listing URL without its page number, how it pages: `path` for `/page/2`, or the
    query key, e.g. `page` for `?page=2`), or (url, None) when it names no page."""
    parts = urlsplit(url)
    if _PAGE_PATH.search(parts.path):
        base = _PAGE_PATH.sub("", parts.path) or "/"
        return parts._replace(path=base, query="", fragment="").geturl(), "path"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in pairs:
        if key.lower() in ("page", "p", "paged", "sf_paged") and value.isdigit():
            rest = [(k, v) for k, v in pairs if k != key]
            query = "&".join(f"{k}={v}" for k, v in rest)
            return parts._replace(query=query, fragment="").geturl(), key
    return url, None


def listing_patterns_for(urls: Iterable[str]) -> list[str]:
    """Regular expressions (profile `urls.listing` style) for an outlet's listing pages:
    section pages and their pagination. Sections at one depth share a pattern, their names
    kept literally when there is one and generalised when there are several (the next
    section is then recognised too); an edition prefix (`/ka/`) may be any edition seen, as
    sections repeat across editions; numbers are digits. Every pattern accepts the page
    numbers the outlet was seen to use (`/page/2`, `?page=2`), since one paging style runs
    through a site."""
    bases: list[str] = []
    styles: set[str] = set()
    for url in urls:
        base, style = paging_of(url)
        bases.append(base)
        if style:
            styles.add(style)
    query_keys = sorted(s for s in styles if s != "path")

    in_path = r"(?:/page/\d+)?" if "path" in styles else ""

    def in_query(joiner: str) -> str:
        alternatives = [rf"{joiner}{re.escape(key)}=\d+" for key in query_keys]
        return f"(?:{'|'.join(alternatives)})?" if alternatives else ""

    groups: dict[tuple, list[tuple[str | None, list[str], str]]] = defaultdict(list)
    for base in dict.fromkeys(bases):
        parts = urlsplit(base)
        segments = _segments(parts.path)
        edition = segments[0] if segments and _EDITION.match(segments[0]) else None
        rest = segments[1:] if edition else segments
        kinds = tuple("n" if _NUMBER.match(s) else "w" for s in rest)
        key = (parts.scheme, parts.hostname or "", kinds, _query_keys(parts.query))
        groups[key].append((edition, rest, parts.query))
    # the sections of one edition are those of the others too (`/eng/news/...`, `/arm/news/...`)
    every_edition = sorted({e for members in groups.values() for e, _, _ in members if e})
    patterns = []
    for (scheme, host, kinds, _keys), members in groups.items():
        editions = every_edition if any(e for e, _, _ in members) else []
        bare = any(e is None for e, _, _ in members)
        columns = list(zip(*[rest for _, rest, _ in members], strict=True))
        segment_patterns = [
            r"\d+"
            if kind == "n"
            else (re.escape(column[0]) if len(set(column)) == 1 else r"[^/?#]+")
            for kind, column in zip(kinds, columns, strict=True)
        ]
        path = "/".join(segment_patterns)
        if editions:
            choice = editions[0] if len(editions) == 1 else f"(?:{'|'.join(editions)})"
            if not path:  # the editions' home pages
                path = f"(?:{'|'.join(editions)})" + ("?" if bare else "")
            else:
                path = (f"(?:{choice}/)?" if bare else f"{choice}/") + path
        queries = sorted({q for _, _, q in members})
        query = ""
        if len(queries) == 1 and queries[0]:
            query = rf"\?{re.escape(queries[0])}"
        elif len(queries) > 1:  # one parameter, several values: ?type=news, ?type=video
            query = r"\?" + "&".join(f"{re.escape(k)}=[^&#]+" for k in _keys)
        slash = "/?" if path else ""
        # the home page's own pages: /page/2, after no path segment of the sections'
        pages = in_path.replace("(?:/", "(?:/?") if not segment_patterns else in_path
        paged = in_query("&" if query else r"\?")
        patterns.append(
            f"^{re.escape(scheme)}://{re.escape(host)}/{path}{pages}{slash}{query}{paged}$"
        )
    return patterns
