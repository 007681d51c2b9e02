"""What every outlet renderer (``outlets/<outlet>.py``) does alike: fill the route table of its
site, each response naming where it came from, and read the site's editions from site.toml.

The markup stays in the renderers (it is each outlet's own); this is the plumbing around it.

    routes = OutletRoutes(site, __name__, not_found_page(site))
    for a in site.articles:
        routes.article(a, article_page(site, a))           # X-Mirror-Source: its file
    routes.file("/feed", feed(site), "feed", newest, RSS)  # ... and the files it lists
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import ClassVar, TypeVar

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site


class OutletRoutes(Routes):
    """A renderer's route table. Every response carries X-Mirror-Source: the data files it
    shows and the renderer's part that drew it (``sites/civil.ge/articles/en-626112.toml via
    mirror/outlets/civil_ge.py:post_page``); anything not found answers the site's own 404.

    `renderer` is the renderer module's ``__name__``; `host` is the site's unless the
    renderer serves it under another (www.trend.az from sites/trend.az/).
    """

    def __init__(
        self,
        site: Site,
        renderer: str,
        not_found: str,
        *,
        redirect_slash: bool = True,
        not_found_part: str | None = "not_found_page",
        host: str | None = None,
    ):
        self.site = site
        self.renderer = renderer.rsplit(".", 1)[-1] + ".py"
        page = Resource(not_found.encode(), HTML, 404, (), self.source(not_found_part))
        super().__init__(host or site.host, redirect_slash, page)

    def source(self, part: str | None, *files: Path) -> str:
        """The X-Mirror-Source of a response drawn by `part` from `files` (site.toml when
        none)."""
        site = self.site
        names = [f"sites/{site.host}/{f.relative_to(site.directory)}" for f in files] or [
            f"sites/{site.host}/site.toml"
        ]
        renderer = f"{self.renderer}:{part}" if part else self.renderer
        return f"{', '.join(names)} via mirror/outlets/{renderer}"

    def article(self, article: Article, html: str, part: str = "article_page") -> None:
        """An article's page at its URL, Last-Modified its modification date."""
        source = self.source(part, article.source)
        self.page(article.url, html, source, last_modified=article.modified)

    def file(
        self,
        url: str,
        body: str,
        part: str | None,
        articles: Iterable[Article] = (),
        content_type: str = HTML,
    ) -> None:
        """`body` at `url`: a listing, feed or sitemap drawn by `part` from `articles`."""
        self.page(url, body, self.source(part, *(a.source for a in articles)), content_type)


@dataclass(frozen=True, kw_only=True)
class SiteEdition:
    """One edition of a site: a table ``[editions.<code>]`` of its site.toml.

    A renderer subclasses it (a frozen keyword-only dataclass) with the fields its outlet's
    tables have beyond these (``title``, ``feed``, ``locale``...) and with its URL scheme,
    setting `origin` where its links are absolute.
    """

    origin: ClassVar[str] = ""  # "https://civil.ge"; "" for root-relative links

    code: str  # the table's key: "en", or the site's own code ("eng", "am")
    language: str  # the table's `language`, else its key
    prefix: str = ""  # where the edition lives: "/", "/ka/", "/en"
    months: tuple[str, ...] = ()  # the month names its visible dates write
    labels: dict[str, str] = field(default_factory=dict)  # interface words
    categories: dict[str, str] = field(default_factory=dict)  # slug -> name

    @property
    def home(self) -> str:
        return self.url()

    def url(self, path: str = "") -> str:
        """A URL of the edition: the origin, the edition's prefix, then `path`."""
        return self.origin + self.prefix + path

    def month(self, when: datetime) -> str:
        return self.months[when.month - 1]


E = TypeVar("E", bound=SiteEdition)


def editions(site: Site, kind: type[E] = SiteEdition) -> dict[str, E]:
    """The site's editions by code, as `kind`: each field of `kind` is the table's value of
    the same name (lists as tuples, tables as dicts) or the field's default."""
    names = {f.name for f in fields(kind)}
    found = {}
    for code, table in site.setting("editions").items():
        values = {k: _frozen(v) for k, v in table.items() if k in names}
        found[code] = kind(**{"language": code, **values, "code": code})
    return found


def _frozen(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return dict(value)
    return value
