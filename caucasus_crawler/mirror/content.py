"""The mirror's content: each site's data files, loaded and checked, and the route table
an outlet renders them into.

A site is a directory ``sites/<host>/``:

    site.toml          settings: which renderer (``outlet``), page sizes, editions, categories
    robots.txt         any file here other than site.toml is served as is at /<name>
    articles/*.toml    one article per file (``url``, ``language``, ``title``, dates, ``body``)
    pages/*.toml       other pages of the site (an "About us"), same fields, when it has them

The renderer of the outlet (``outlets/<outlet>.py``) turns a `Site` into a `Routes` table:
every URL of the site with its response. Feeds, sitemaps and listings are rendered from the
same article list as the article pages, so they cannot drift apart.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from hashlib import sha1
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

SITES_DIR = Path(__file__).parent / "sites"
HTML = "text/html; charset=utf-8"
_STATIC_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".html": HTML,
}
_TAG = re.compile(r"<[^>]+>")


class MirrorDataError(ValueError):
    """A data file of the mirror that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Article:
    """One article (or, with kind "page", another page) of a site, as its data file says."""

    url: str
    language: str
    title: str
    published: datetime
    modified: datetime
    body: tuple[str, ...]  # paragraphs; inline HTML allowed
    categories: tuple[str, ...] = ()  # category slugs, as the site's settings name them
    tags: tuple[str, ...] = ()  # tag names
    author: str | None = None
    related: tuple[str, ...] = ()  # URLs of related articles ("Also Read", "Read also")
    translation: str | None = None  # a key shared by the translations of one story
    image: str | None = None
    kind: str = "post"
    source: Path = Path()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def slug(self) -> str:
        """The last segment of the path: the post id on civil.ge and news.am."""
        return self.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")

    @property
    def paragraphs(self) -> list[str]:
        """The body as plain text, one string per paragraph."""
        return [html.unescape(_TAG.sub("", p)) for p in self.body]

    def excerpt(self, words: int = 30) -> str:
        """The opening words of the body, as WordPress and the agencies cut their teasers."""
        text = " ".join(self.paragraphs).split()
        return " ".join(text[:words]) + (" …" if len(text) > words else "")


@dataclass
class Site:
    """A site's settings and content, newest article first."""

    host: str
    directory: Path
    settings: dict
    articles: list[Article]
    pages: list[Article] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.articles.sort(key=lambda a: a.published, reverse=True)
        self._by_url = {a.url: a for a in [*self.articles, *self.pages]}

    @property
    def outlet(self) -> str:
        return self.settings["outlet"]

    def setting(self, name: str, default=None):
        return self.settings.get(name, default)

    def article(self, url: str) -> Article | None:
        return self._by_url.get(url)

    def select(
        self, language: str | None = None, category: str | None = None, tag: str | None = None
    ) -> list[Article]:
        """Articles (newest first) in a language, a category (its subcategories included,
        as WordPress lists them) and with a tag; each filter only when given."""
        return [
            a
            for a in self.articles
            if (language is None or a.language == language)
            and (
                category is None
                or any(c == category or c.startswith(category + "/") for c in a.categories)
            )
            and (tag is None or tag in a.tags)
        ]

    def newest(self, language: str | None = None, category: str | None = None) -> list[Article]:
        """What a feed shows: the site's `feed_size` newest articles of a language/category."""
        return self.select(language, category)[: self.settings["feed_size"]]

    def translations(self, article: Article) -> list[Article]:
        """The article and its translations, ordered by the site's languages."""
        if article.translation is None:
            return []
        group = [a for a in self.articles if a.translation == article.translation]
        order = list(self.settings.get("editions", {}))
        return sorted(group, key=lambda a: order.index(a.language) if a.language in order else 99)

    def edition(self, language: str) -> dict:
        """The settings of the edition in `language` (editions are keyed by language or by
        the site's own edition code with a `language` field)."""
        for key, edition in self.settings.get("editions", {}).items():
            if edition.get("language", key) == language:
                return edition
        return {}

    def category_names(self, article: Article) -> list[str]:
        """The names the article's page shows for its categories: what a crawl must store."""
        names = self.edition(article.language).get("categories", {})
        return [names[slug] for slug in article.categories]

    def category_vocabulary(self, language: str) -> set[str]:
        """Every category name of an edition (parents included): the outlet's own names."""
        return set(self.edition(language).get("categories", {}).values())

    def related(self, article: Article) -> list[Article]:
        return [self._by_url[url] for url in article.related]

    def static_files(self) -> dict[str, Resource]:
        """Files served as they are (robots.txt...), by URL path."""
        return {
            f"/{p.name}": Resource(
                p.read_bytes(),
                _STATIC_TYPES.get(p.suffix, "application/octet-stream"),
                source=f"sites/{self.host}/{p.name}, served as it is",
            )
            for p in sorted(self.directory.iterdir())
            if p.is_file() and p.name != "site.toml" and not p.name.startswith(".")
        }


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MirrorDataError(f"{path}: cannot be read as TOML: {exc}") from None


def _paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs separated by blank lines; line breaks inside one are spaces."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return tuple(" ".join(line.strip() for line in b.splitlines()) for b in blocks if b.strip())


def load_article(path: Path, host: str, kind: str = "post") -> Article:
    data = _read_toml(path)
    fields = {
        "url",
        "language",
        "title",
        "published",
        "modified",
        "body",
        "categories",
        "tags",
        "author",
        "related",
        "translation",
        "image",
    }
    unknown = sorted(set(data) - fields)
    if unknown:
        raise MirrorDataError(f"{path}: unknown field {unknown[0]!r}")
    for name in ("url", "language", "title", "published", "body"):
        if name not in data:
            raise MirrorDataError(f"{path}: field {name!r} is required")
    # the server ignores `www.` (www.trend.az is served from sites/trend.az/), and so does this
    if (urlsplit(data["url"]).hostname or "").removeprefix("www.") != host:
        raise MirrorDataError(f"{path}: url {data['url']!r} is not on {host}")
    published = data["published"]
    modified = data.get("modified", published)
    for name, value in (("published", published), ("modified", modified)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise MirrorDataError(f"{path}: {name} must be a date-time with an offset")
    if modified < published:
        raise MirrorDataError(f"{path}: modified is before published")
    return Article(
        url=data["url"],
        language=data["language"],
        title=data["title"],
        published=published,
        modified=modified,
        body=_paragraphs(data["body"]),
        categories=tuple(data.get("categories", ())),
        tags=tuple(data.get("tags", ())),
        author=data.get("author"),
        related=tuple(data.get("related", ())),
        translation=data.get("translation"),
        image=data.get("image"),
        kind=kind,
        source=path,
    )


def load_site(directory: Path) -> Site:
    """Read and check one site directory."""
    settings = _read_toml(directory / "site.toml")
    if "outlet" not in settings:
        raise MirrorDataError(f"{directory / 'site.toml'}: field 'outlet' is required")
    host = directory.name
    articles = [load_article(p, host) for p in sorted((directory / "articles").glob("*.toml"))]
    pages = [load_article(p, host, "page") for p in sorted((directory / "pages").glob("*.toml"))]
    site = Site(host, directory, settings, articles, pages)
    categories = {
        slug for ed in settings.get("editions", {}).values() for slug in ed.get("categories", {})
    }
    seen: dict[str, Path] = {}
    for article in [*articles, *pages]:
        if article.url in seen:
            raise MirrorDataError(f"{article.source}: url also used by {seen[article.url]}")
        seen[article.url] = article.source
        for slug in article.categories:
            if slug not in categories:
                raise MirrorDataError(f"{article.source}: category {slug!r} is not in site.toml")
        for url in article.related:
            other = site.article(url)
            if other is None or other.published >= article.published:
                raise MirrorDataError(
                    f"{article.source}: related {url!r} is no earlier article of this site"
                )
    return site


def load_sites(sites_dir: Path = SITES_DIR) -> list[Site]:
    return [load_site(d) for d in sorted(sites_dir.iterdir()) if (d / "site.toml").is_file()]


# -- what the server answers -------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One response: status, body, type, and the data file and renderer it came from."""

    body: bytes
    content_type: str = HTML
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    source: str = ""
    last_modified: datetime | None = None

    @property
    def etag(self) -> str:
        return '"' + sha1(self.body).hexdigest()[:20] + '"'

    def header_list(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", self.content_type), *self.headers]
        if self.status == 200:
            headers.append(("ETag", self.etag))
            if self.last_modified is not None:
                when = self.last_modified.astimezone(UTC)
                headers.append(("Last-Modified", format_datetime(when, usegmt=True)))
        if self.source:
            headers.append(("X-Mirror-Source", self.source))
        return headers


def redirect(location: str, status: int = 301, source: str = "") -> Resource:
    body = f'<html><body>Moved to <a href="{html.escape(location)}">{html.escape(location)}</a>'
    return Resource(
        (body + "</body></html>").encode(), HTML, status, (("Location", location),), source
    )


def route_key(path: str, query: str = "") -> str:
    """How a route is filed: the path percent-decoded (so /%E1%83%90 and its Unicode spelling
    are one page), then ``?query`` with its pairs sorted (a site reads its parameters by name:
    ?a=1&b=2 and ?b=2&a=1 are one page, and the crawler asks with sorted ones)."""
    path = unquote(path or "/")
    return f"{path}?{'&'.join(sorted(query.split('&')))}" if query else path


def url_path(path: str) -> str:
    """A route path as it appears in a link: non-ASCII percent-encoded, lower-case hex as
    WordPress writes it."""
    return re.sub(
        r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(path, safe="/:@!$&'()*+,;=-._~")
    )


class Routes:
    """Every URL of one site and its response.

    With `redirect_slash`, the other spelling of a known path (with or without its trailing
    slash) answers 301 to the known one, as WordPress and most CMSs do; without, it is 404.
    """

    def __init__(self, host: str, redirect_slash: bool = True, not_found: Resource | None = None):
        self.host = host
        self.redirect_slash = redirect_slash
        self.not_found = not_found
        self._routes: dict[str, Resource] = {}
        self._query_keys: dict[str, set[str]] = {}  # path -> query parameters that matter

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self):
        return iter(self._routes.items())

    def add(self, path: str, resource: Resource, query: str = "") -> None:
        key = route_key(path, query)
        if key in self._routes:
            raise MirrorDataError(f"https://{self.host}{key} is rendered twice")
        self._routes[key] = resource
        if query:
            keys = self._query_keys.setdefault(route_key(path), set())
            keys.update(k for k, _ in parse_qsl(query, keep_blank_values=True))

    def page(
        self,
        url: str,
        body: str,
        source: str,
        content_type: str = HTML,
        last_modified: datetime | None = None,
    ) -> None:
        """File `body` under `url` (absolute, or a path on this host)."""
        parts = urlsplit(url)
        resource = Resource(body.encode("utf-8"), content_type, 200, (), source, last_modified)
        self.add(parts.path or "/", resource, parts.query)

    def redirect(self, url: str, location: str, status: int = 301, source: str = "") -> None:
        parts = urlsplit(url)
        self.add(parts.path or "/", redirect(location, status, source), parts.query)

    def resolve(self, path: str, query: str = "") -> Resource | None:
        """The response for a path and query, or None (not found).

        An unknown query parameter (utm_source...) is ignored, as real sites do; a known one
        with an unknown value (?page=99) is not found. The other spelling of a path with or
        without its trailing slash redirects when the site does so.
        """
        found = self._routes.get(route_key(path, query))
        if found is not None:
            return found
        plain = route_key(path)
        if query:
            asked = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
            if asked & self._query_keys.get(plain, set()):
                return None
            found = self._routes.get(plain)
            if found is not None:
                return found
        other = path[:-1] if path.endswith("/") else path + "/"
        if self.redirect_slash and path != "/" and route_key(other) in self._routes:
            location = f"https://{self.host}{other}" + (f"?{query}" if query else "")
            return redirect(location, 301, "the site's trailing-slash redirect (content.Routes)")
        return None


# -- the labelled near-duplicate set -----------------------------------------------------------

LABELS_FILE = Path(__file__).parent / "duplicates.toml"
# same = true: the later article is a copy of the earlier (by another outlet, or the same one)
SAME_KINDS = frozenset({"syndication", "repost", "update"})
# same = false: shared template text or subject, or one story in two languages
DIFFERENT_KINDS = frozenset(
    {"roundup", "template", "live-blog", "follow-up", "same-topic", "translation"}
)


@dataclass(frozen=True)
class LabelledPair:
    """Two mirror articles, url_a the earlier, and whether url_b is a copy of url_a."""

    url_a: str
    url_b: str
    same: bool
    kind: str
    note: str


def labelled_pairs(path: Path = LABELS_FILE, sites: list[Site] | None = None) -> list[LabelledPair]:
    """The labelled pairs of `duplicates.toml`, checked against the mirror's articles.

    Both URLs must be articles of the mirror, the earlier first; a copy is in the language of
    its source and a translation is not; a "repost" or "update" stays on its site and a
    "syndication" leaves it; and no pair labelled different may join two articles that the
    true pairs make one story (copies of copies are copies). Errors name the file and pair.
    """
    articles = {a.url: (site, a) for site in sites or load_sites() for a in site.articles}
    pairs: list[LabelledPair] = []
    seen: set[frozenset[str]] = set()
    for n, entry in enumerate(_read_toml(path).get("pair", []), 1):
        where = f"{path}: pair {n}"
        if set(entry) != {"url_a", "url_b", "same", "kind", "note"}:
            raise MirrorDataError(f"{where}: needs exactly url_a, url_b, same, kind and note")
        pair = LabelledPair(**entry)
        kinds = SAME_KINDS if pair.same is True else DIFFERENT_KINDS
        if not isinstance(pair.same, bool) or pair.kind not in kinds:
            raise MirrorDataError(
                f"{where}: kind {pair.kind!r} does not go with same = {pair.same}"
            )
        for url in (pair.url_a, pair.url_b):
            if url not in articles:
                raise MirrorDataError(f"{where}: {url} is no article of the mirror")
        (site_a, a), (site_b, b) = articles[pair.url_a], articles[pair.url_b]
        key = frozenset((a.url, b.url))
        if len(key) < 2 or key in seen:
            raise MirrorDataError(f"{where}: a pair of one article, or a pair given twice")
        seen.add(key)
        if not a.published < b.published:
            raise MirrorDataError(f"{where}: url_a must be the earlier article")
        if (a.language != b.language) != (pair.kind == "translation"):
            raise MirrorDataError(f"{where}: only a translation is in another language")
        if pair.same and (site_a is site_b) != (pair.kind != "syndication"):
            raise MirrorDataError(f"{where}: a syndication crosses sites, a repost or update not")
        pairs.append(pair)
    for pair in pairs:
        if not pair.same and any(
            pair.url_a in group and pair.url_b in group for group in copy_groups(pairs)
        ):
            raise MirrorDataError(f"{path}: {pair.url_a} and {pair.url_b} are labelled both ways")
    return pairs


def copy_groups(pairs: list[LabelledPair]) -> list[set[str]]:
    """The stories of the true pairs: each a set of URLs, the original and its copies."""
    groups: list[set[str]] = []
    for pair in pairs:
        if pair.same:
            joined = {pair.url_a, pair.url_b}
            for group in [g for g in groups if g & joined]:
                joined |= group
                groups.remove(group)
            groups.append(joined)
    return groups
