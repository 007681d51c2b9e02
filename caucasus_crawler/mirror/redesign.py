"""A site "redesigned": the same articles under another URL scheme and other markup.

Real outlets change their CMS or theme while a crawler's profile of them stays as it was:
article URLs take another shape, listings, feeds and sitemaps move, and the class names that
the profile's CSS selectors name are gone. `redesign` makes that happen to any site of the
mirror, as one generic transform of the route table its renderer made (it knows no outlet),
so that tests can crawl a drifted outlet with its stale profile.

What moves where (``/`` and the files beside site.toml, robots.txt, stay):

    article                 /<language>/story/<yyyy>/<mm>/<dd>/<slug or id>
    other HTML pages        /section/<old path>, further pages ?pg=N (was /page/N, ?page=N,
                            ?p=N, /N/...); the home page's further pages /section?pg=N
    RSS/Atom feeds          /syndication/<old path, flattened>.xml
    sitemaps                /site-maps/<old path, flattened>.xml
    JSON endpoints          /data/<old path>, further pages ?pg=N
    redirects (shortlinks)  /go/<old path and query, flattened>, to the new location

Every old URL of a moved route answers 404. Every URL on the site inside every response
(links, canonical, hreflang, JSON-LD, feeds, sitemaps, JSON, robots.txt, Location) is
rewritten to the new one. Classes and ids are renamed ``news-related`` ->
``rd-news-related__x``: no selector of the old profile matches, while the words that generic
boilerplate detection reads in class names stay. Each HTML page's head announces the site's
feeds, and a listing page links its next page with ``<link rel="next">``. A site without a
feed gets one (``/syndication/stories.xml``), and articles that the sitemaps named in
robots.txt leave out get a sitemap of their own (``/site-maps/stories.xml``), as a new CMS
would add.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from caucasus_crawler.mirror.content import Article, Resource, Routes, Site, route_key, url_path
from caucasus_crawler.mirror.markup import RSS, XML, esc, rfc822, rss, urlset

SOURCE = "redesigned by mirror/redesign.py"
_PAGE_PARAM = re.compile(r"(?i)^(?:p|pg|paged?)$|page")  # ?page=2, ?p=2, tx_news[currentPage]
_PAGE_PATH = re.compile(r"^(.*?)/page/(\d+)/?$")  # WordPress: /category/news/page/2/
_NUMBER_PATH = re.compile(r"^(.*/)(\d+)/?$")  # /category/economy/2/ (when page 1 exists)
_TAG = re.compile(r"""<[A-Za-z](?:[^<>"']|"[^"]*"|'[^']*')*>""")  # quoted values may hold ">"
_NAMES = re.compile(r"""(\s)(class|id|for)(\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_FRAGMENT = re.compile(r"""(\shref\s*=\s*["'])#([^"'\s]+)""", re.IGNORECASE)
_RELATIVE = re.compile(r"""(\s[\w:.-]+\s*=\s*)(["'])(/(?!/)[^"'<>\s]*)\2""")
# Links relative to the page (?page=2, page/2): only in attributes that hold URLs.
_PAGE_RELATIVE = re.compile(
    r"""(\s(?:href|src|action|data-[\w-]*(?:url|href))\s*=\s*)(["'])"""
    r"""((?![a-z][a-z0-9+.-]*:|/|#)[^"'<>\s]+)\2""",
    re.IGNORECASE,
)
_JSON_PATH = re.compile(r'"(/(?!/)[^"\s]*)"')
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_REL_NEXT = re.compile(r"""<(?:link|a)\b[^>]*\brel\s*=\s*["']?(?:[^"'>]*\s)?next\b""", re.I)
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_ROBOTS_SITEMAP = re.compile(r"(?im)^\s*sitemap:\s*(\S+)")
_TRAILING = ".,;:!?)"


def rename_class(name: str) -> str:
    """The redesign's class or id for an old one: its words kept, the name no longer equal."""
    return f"rd-{name}__x"


@dataclass
class Redesign:
    """A redesigned site: its route table, and where each old URL went."""

    host: str
    origin: str  # https://civil.ge: how the site's article URLs begin
    routes: RedesignedRoutes
    moved: dict[str, str]  # old route key -> new route key, for every route that moved
    articles: list[str]  # the new article URLs, newest first
    feeds: list[str]  # the new feed URLs every HTML page announces
    sitemaps: list[str]  # the sitemap URLs robots.txt names

    def url(self, key: str) -> str:
        """The absolute URL of a route key (path and query) on this site."""
        path, _, query = key.partition("?")
        return self.origin + url_path(path) + (f"?{query}" if query else "")

    def url_map(self) -> dict[str, str]:
        """Old absolute URL -> new absolute URL, for every route that moved."""
        return {self.url(old): self.url(new) for old, new in self.moved.items()}

    def new_url(self, url: str) -> str | None:
        """Where `url` (any spelling of a moved route's URL) went, or None if it did not move."""
        parts = urlsplit(url)
        new = self.moved.get(route_key(parts.path or "/", parts.query))
        return None if new is None else self.url(new)


class RedesignedRoutes(Routes):
    """A route table whose old URLs answer 404 (a redesign that broke the old links), even
    where the generic rules would have served them (/?page=2 would be the home page)."""

    def __init__(
        self, host: str, redirect_slash: bool, not_found: Resource | None, gone: Iterable[str]
    ):
        super().__init__(host, redirect_slash, not_found)
        self.gone = frozenset(gone)
        self._gone_params: dict[str, set[str]] = {}  # path -> parameters of its old URLs
        for key in self.gone:
            path, _, query = key.partition("?")
            names = {pair.partition("=")[0] for pair in query.split("&") if pair}
            self._gone_params.setdefault(path, set()).update(names)

    def resolve(self, path: str, query: str = "") -> Resource | None:
        if route_key(path, query) in self.gone:
            return None
        known = self._gone_params.get(route_key(path))
        if query and known:  # an old URL with a parameter added (/?page=2&utm_source=x)
            # as the route keys spell them: the pairs as sent, not decoded
            old = "&".join(p for p in query.split("&") if p.partition("=")[0] in known)
            if old and route_key(path, old) in self.gone:
                return None
        return super().resolve(path, query)


# -- where each route goes ---------------------------------------------------------------------


def _kind(resource: Resource) -> str:
    """What a route is, from what it serves: redirect, feed, sitemap, json or page."""
    if 300 <= resource.status < 400 and any(k == "Location" for k, _ in resource.headers):
        return "redirect"
    start = b"" if resource.content_type.startswith("text/html") else resource.body[:600]
    if b"<rss" in start or b"<feed" in start or b"<rdf:RDF" in start:
        return "feed"
    if b"<urlset" in start or b"<sitemapindex" in start:
        return "sitemap"
    if "json" in resource.content_type:
        return "json"
    return "page"


def _flat(key: str, drop_suffix: str = "") -> str:
    """A path and query as one file name: /archives/category/news/feed -> archives-category-
    news-feed."""
    name = key.strip("/")
    if drop_suffix and name.endswith(drop_suffix):
        name = name[: -len(drop_suffix)]
    return re.sub(r"[^\w.]+|\.+", "-", name).strip("-")


def _paging(keys: Iterable[str]) -> dict[str, tuple[str, int]]:
    """The pages of paginated listings: key -> (the listing's first-page path, page number).

    Three spellings: a page parameter (?page=2, ?p=2, tx_news_pi1[currentPage]=2), WordPress's
    /page/2, and a trailing number (/category/economy/2/), which counts only where the
    listing's first page exists too (news.am's /2026/10/29/ date archives are no pages).
    """
    keys = list(keys)
    plain = {k for k in keys if "?" not in k}
    found: dict[str, tuple[str, int]] = {}
    numbered: dict[str, list[tuple[str, int]]] = {}
    for key in keys:
        path, _, query = key.partition("?")
        numbers = [
            int(v)
            for k, v in parse_qsl(query, keep_blank_values=True)
            if _PAGE_PARAM.search(unquote(k)) and v.isdigit()
        ]
        if len(numbers) == 1:
            found[key] = (path, numbers[0])
        elif query:
            continue
        elif m := _PAGE_PATH.match(path):
            found[key] = (m.group(1) or "/", int(m.group(2)))
        elif (m := _NUMBER_PATH.match(path)) and m.group(1) != "/":
            numbered.setdefault(m.group(1), []).append((key, int(m.group(2))))
    for base, pages in numbered.items():
        if base in plain or base.rstrip("/") in plain or any(n == 1 for _, n in pages):
            found.update((key, (base, n)) for key, n in pages)
    return found


def _article_key(article: Article) -> str:
    when = article.published
    slug = unquote(article.slug) or "story"
    return f"/{article.language}/story/{when:%Y/%m/%d}/{slug}"


def _plan(site: Site, routes: Routes) -> tuple[dict[str, str], dict[str, str], dict]:
    """Old key -> new key for every route that moves, each route's kind, and the listings:
    new first-page path -> {page number: the new keys of that page (?page=1 and its base)}."""
    static = {route_key(p) for p in site.static_files()}
    articles = {}
    for a in site.articles:
        parts = urlsplit(a.url)
        articles[route_key(parts.path or "/", parts.query)] = a
    entries = list(routes)
    kinds = {key: "article" if key in articles else _kind(res) for key, res in entries}
    paging = _paging(k for k, kind in kinds.items() if kind in ("page", "json"))
    taken = set(kinds)  # no new URL may be an old one: the old ones answer 404
    moved: dict[str, str] = {}
    series: dict[str, dict[int, list[str]]] = {}

    def claim(path: str, query: str = "") -> str:
        """The new key for a path (and query), made unique with -2, -3... if it is taken."""
        n, candidate = 1, path
        while route_key(candidate, query) in taken:
            n += 1
            candidate = f"{path}-{n}"
        key = route_key(candidate, query)
        taken.add(key)
        return key

    for key, _ in entries:
        kind = kinds[key]
        path, _, query = key.partition("?")
        if key == "/" or key in static:
            continue
        if kind == "article":
            moved[key] = claim(_article_key(articles[key]))
        elif kind == "feed":
            moved[key] = claim(f"/syndication/{_flat(key) or 'feed'}.xml")
        elif kind == "sitemap":
            moved[key] = claim(f"/site-maps/{_flat(key, '.xml') or 'sitemap'}.xml")
        elif kind == "redirect":
            moved[key] = claim(f"/go/{_flat(key) or 'home'}")
        else:
            prefix = "/data" if kind == "json" else "/section"
            base, number = paging.get(key, (path, None))
            new_base = prefix + base.rstrip("/")
            moved[key] = claim(new_base, query if number is None else f"pg={number}")
            series.setdefault(new_base, {}).setdefault(number or 1, []).append(moved[key])
    if kinds.get("/") == "page":  # the home page is its listing's first page
        series.setdefault("/section", {}).setdefault(1, []).append("/")
    return moved, kinds, series


# -- rewriting what the pages say ---------------------------------------------------------------


class _Rewriter:
    """Rewrites the URLs of one site inside a response to their new form."""

    def __init__(self, host: str, moved: dict[str, str]):
        self.moved = moved
        bare = re.escape(host.removeprefix("www."))
        self.absolute = re.compile(
            rf"((?:https?:)?//(?:www\.)?{bare})(?![\w-]|\.[\w-])([/?#][^\s\"'<>\\\]]*)?",
            re.IGNORECASE,
        )

    def relative(self, text: str) -> str | None:
        """The new form of a root-relative URL (/path?query#fragment), or None if it stays."""
        stripped = text.rstrip(_TRAILING)
        for candidate in (text, stripped) if stripped != text else (text,):
            found = self._lookup(candidate)
            if found is not None:
                return found + text[len(candidate) :]
        return None

    def _lookup(self, text: str) -> str | None:
        escaped = "&amp;" in text
        rest, hash_, fragment = text.partition("#")
        parts = urlsplit(html.unescape(rest) if escaped else rest)
        path = parts.path or "/"
        new = self.moved.get(route_key(path, parts.query))
        if new is None and path != "/":  # the other spelling of the trailing slash
            other = path[:-1] if path.endswith("/") else path + "/"
            new = self.moved.get(route_key(other, parts.query))
        if new is None:
            return None
        new_path, _, query = new.partition("?")
        out = url_path(new_path) + (f"?{query}" if query else "") + hash_ + fragment
        return out.replace("&", "&amp;") if escaped else out

    def absolutes(self, text: str) -> str:
        def sub(m: re.Match) -> str:
            new = self.relative(m.group(2)) if m.group(2) else None
            return m.group(0) if new is None else m.group(1) + new

        return self.absolute.sub(sub, text)

    def attributes(self, text: str, page: str) -> str:
        """Root-relative URLs in HTML attributes (href="/en/news"), and those relative to the
        page at the old key `page` (href="?page=2")."""

        def sub(m: re.Match) -> str:
            new = self.relative(m.group(3))
            return m.group(0) if new is None else f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"

        def sub_page(m: re.Match) -> str:
            value = m.group(3)
            escaped = "&amp;" in value
            joined = urlsplit(urljoin(f"https://mirror{page}", html.unescape(value)))
            target = joined.path + (f"?{joined.query}" if joined.query else "")
            target += f"#{joined.fragment}" if joined.fragment else ""
            new = self.relative(target.replace("&", "&amp;") if escaped else target)
            return m.group(0) if new is None else f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"

        return _PAGE_RELATIVE.sub(sub_page, _RELATIVE.sub(sub, text))

    def json_paths(self, text: str) -> str:
        def sub(m: re.Match) -> str:
            new = self.relative(m.group(1))
            return m.group(0) if new is None else f'"{new}"'

        return _JSON_PATH.sub(sub, text)

    def header(self, name: str, value: str) -> str:
        if name == "Location" and value.startswith("/") and not value.startswith("//"):
            return self.relative(value) or value
        return self.absolutes(value) if name != "Content-Type" else value


def rename_classes(text: str) -> str:
    """Every class, id and in-page anchor of an HTML page renamed with `rename_class`."""

    def names(m: re.Match) -> str:
        value = m.group(4) if m.group(4) is not None else m.group(5)
        quote = '"' if m.group(4) is not None else "'"
        renamed = " ".join(rename_class(t) for t in value.split())
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{quote}{renamed}{quote}"

    def tag(m: re.Match) -> str:
        inside = _NAMES.sub(names, m.group(0))
        return _FRAGMENT.sub(lambda f: f"{f.group(1)}#{rename_class(f.group(2))}", inside)

    return _TAG.sub(tag, text)


def _insert_head(text: str, extra: str) -> str:
    m = _HEAD_END.search(text)
    return text if m is None or not extra else text[: m.start()] + extra + text[m.start() :]


# -- generated feed and sitemap ------------------------------------------------------------------


def _feed(site: Site, origin: str, links: dict[str, str], self_url: str) -> str:
    """The feed a redesign adds to a site that had none: its newest articles."""
    name = site.setting("name") or site.host
    newest = [a for a in site.articles if a.url in links][: int(site.setting("feed_size", 20))]
    items = [
        f"\t<item>\n\t\t<title>{esc(a.title)}</title>\n\t\t<link>{esc(links[a.url])}</link>\n"
        f'\t\t<guid isPermaLink="true">{esc(links[a.url])}</guid>\n'
        f"\t\t<pubDate>{rfc822(a.published)}</pubDate>\n"
        f"\t\t<description>{esc(a.excerpt(40))}</description>\n\t</item>"
        for a in newest
    ]
    channel = {"title": name, "link": f"{origin}/", "description": f"The latest from {name}"}
    extra = f'\t<atom:link href="{esc(self_url)}" rel="self" type="application/rss+xml" />\n'
    return rss(channel, items, {"atom": "http://www.w3.org/2005/Atom"}, extra)


def _sitemap_locs(routes: Routes, url: str, seen: set[str]) -> set[str]:
    """The page URLs a sitemap lists, through any sitemap index."""
    parts = urlsplit(url)
    key = route_key(parts.path or "/", parts.query)
    if key in seen:
        return set()
    seen.add(key)
    found = routes.resolve(parts.path or "/", parts.query)
    if found is None or found.status != 200:
        return set()
    text = found.body.decode("utf-8", "replace")
    locs = {html.unescape(loc) for loc in _LOC.findall(text)}
    if "<sitemapindex" not in text[:600]:
        return locs
    return set().union(*(_sitemap_locs(routes, loc, seen) for loc in locs))


def _key_of(url: str) -> str:
    parts = urlsplit(url)
    return route_key(parts.path or "/", parts.query)


# -- the transform ---------------------------------------------------------------------------


def redesign(site: Site, routes: Routes) -> Redesign:
    """`site`'s route table (as its renderer made it) redesigned; see the module docstring."""
    first = urlsplit(site.articles[0].url) if site.articles else None
    origin = f"{first.scheme}://{first.netloc}" if first else f"https://{site.host}"
    moved, kinds, series = _plan(site, routes)
    rewriter = _Rewriter(site.host, moved)

    def absolute(key: str) -> str:
        path, _, query = key.partition("?")
        return origin + url_path(path) + (f"?{query}" if query else "")

    feeds = [absolute(moved[k]) for k, res in routes if kinds[k] == "feed" and res.status == 200]
    next_page: dict[str, str] = {}
    for pages in series.values():
        for n, keys in pages.items():
            for key in keys if n + 1 in pages else ():
                next_page[key] = absolute(pages[n + 1][0])

    generated: list[tuple[str, Resource]] = []
    gen_source = f"sites/{site.host}/articles, {SOURCE}"
    # An article its renderer did not render (none does) has no page to move.
    links = {
        a.url: absolute(moved[_key_of(a.url)]) for a in site.articles if _key_of(a.url) in moved
    }
    if not feeds:  # a redesign that brings the site its first feed
        key = _free_key(moved, kinds, "/syndication/stories.xml")
        feed = _feed(site, origin, links, absolute(key))
        generated.append((key, Resource(feed.encode(), RSS, 200, (), gen_source)))
        feeds.append(absolute(key))

    def transform(key: str, resource: Resource, new_key: str) -> Resource:
        text = resource.body.decode("utf-8", "replace") if _textual(resource) else None
        if text is not None:
            text = rewriter.absolutes(text)
            if kinds.get(key) == "json":
                text = rewriter.json_paths(text)
            if resource.content_type.startswith("text/html"):
                text = rename_classes(rewriter.attributes(text, key or "/"))
                extra = "".join(
                    f'<link rel="alternate" type="application/rss+xml" title="RSS" '
                    f'href="{esc(url)}" />\n'
                    for url in feeds
                    if url not in text
                )
                if new_key in next_page and not _REL_NEXT.search(text):
                    extra += f'<link rel="next" href="{esc(next_page[new_key])}" />\n'
                text = _insert_head(text, extra)
        headers = tuple((k, rewriter.header(k, v)) for k, v in resource.headers)
        body = resource.body if text is None else text.encode("utf-8")
        source = f"{resource.source}, {SOURCE}" if resource.source else SOURCE
        return replace(resource, body=body, headers=headers, source=source)

    not_found = routes.not_found
    new_routes = RedesignedRoutes(
        site.host,
        routes.redirect_slash,
        None if not_found is None else transform("", not_found, ""),
        set(moved),
    )
    robots_key = route_key("/robots.txt")
    robots: Resource | None = None
    for key, resource in [*routes, *generated]:
        new_key = moved.get(key, key)
        resource = transform(key, resource, new_key) if key in kinds else resource
        if key == robots_key:
            robots = resource  # filed last: it may gain a Sitemap line
            continue
        path, _, query = new_key.partition("?")
        new_routes.add(path, resource, query)

    # The sitemaps robots.txt names must list every article: add one for those they leave out.
    text = robots.body.decode("utf-8", "replace") if robots is not None else "User-agent: *\n"
    sitemaps = _ROBOTS_SITEMAP.findall(text)
    listed: set[str] = set()
    seen: set[str] = set()
    for url in sitemaps:
        listed |= {_key_of(u) for u in _sitemap_locs(new_routes, url, seen)}
    missing = [a for a in site.articles if a.url in links and _key_of(links[a.url]) not in listed]
    if missing:
        key = _free_key(moved, kinds, "/site-maps/stories.xml")
        body = urlset((links[a.url], a.modified) for a in missing)
        new_routes.add(key, Resource(body.encode(), XML, 200, (), gen_source))
        sitemaps.append(absolute(key))
        text = text.rstrip("\n") + f"\n\nSitemap: {absolute(key)}\n"
        robots = Resource(text.encode(), "text/plain; charset=utf-8", 200, (), gen_source)
    if robots is not None:
        new_routes.add("/robots.txt", robots)
    return Redesign(
        site.host,
        origin,
        new_routes,
        moved,
        [links[a.url] for a in site.articles if a.url in links],
        feeds,
        sitemaps,
    )


def _textual(resource: Resource) -> bool:
    return resource.content_type.startswith(("text/", "application/"))


def _free_key(moved: dict[str, str], kinds: dict[str, str], key: str) -> str:
    """`key`, or key-2.xml, key-3.xml... when an old or a new route has it."""
    taken = set(kinds) | set(moved.values())
    stem, dot, ext = key.rpartition(".")
    n, candidate = 1, key
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    return candidate
