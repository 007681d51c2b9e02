"""report.az as the mirror renders it: Azerbaijani at the root, English at /en/, Russian
at /ru/ (every edition of site.toml is rendered alike).

No JSON-LD, no article:* meta and no machine-readable date on article pages: the date is
only the visible ``ul.news__date`` pair ("16 noyabr, 2025" / "14:00"; "16 ноября, 2025" in
Russian), and the English feed's pubDate. Article and section URLs have no trailing slash
(as 2025-2026 links to the real site; older ones had it: the other spelling answers 301), and
a listing's further pages are /<listing>/page/<n> (/daxili-siyaset/page/2, as scrapers of the
real site read them), linked with ``a[rel=next]``. That the edition homes page the same way
(/en/page/2) is a guess. There are no sitemaps.

Routes (words from sites/report.az/, markup from here):
  /[en/|ru/]<category>/<slug>     article: articles/<lang>-<slug>.toml
  /, /en/, /ru/                   edition home: all news, newest first
  /[en/|ru/]page/<n>              its further pages
  /[en/|ru/]<category>[/page/<n>] category listing
  /en/rss/                        RSS 2.0 of the English edition (teasers)
  /az/                            301 to / (the Azerbaijani edition lives at the root)
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, news_feed, news_item
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://report.az"
# Laravel's Bootstrap paginator: the arrows greyed out at either end
PAGER = Pager(
    '<nav><ul class="pagination">{links}</ul></nav>',
    current='<li class="page-item active" aria-current="page"><span class="page-link">{n}</span></li>',
    link='<li class="page-item"><a class="page-link" href="{href}">{n}</a></li>',
    prev='<li class="page-item"><a class="page-link" href="{href}" rel="prev" aria-label="&laquo; Previous">&lsaquo;</a></li>',
    next='<li class="page-item"><a class="page-link" href="{href}" rel="next" aria-label="Next &raquo;">&rsaquo;</a></li>',
    no_prev='<li class="page-item disabled" aria-disabled="true"><span class="page-link">&lsaquo;</span></li>',
    no_next='<li class="page-item disabled" aria-disabled="true"><span class="page-link">&rsaquo;</span></li>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code is the language ("az", "en", "ru"), its prefix "/" or "/en/";
    labels "latest", "read_more", "share", "home"."""

    origin = ORIGIN
    feed: str | None = None  # path of the edition's RSS feed, if it has one

    def category_url(self, slug: str) -> str:
        return self.url(slug)

    def date_items(self, when: datetime) -> str:
        """The two items of ul.news__date: '16 noyabr, 2025' and '14:00'."""
        return f"<li>{when.day} {self.month(when)}, {when.year}</li><li>{when:%H:%M}</li>"


def _page(site: Site, ed: Edition, title: str, url: str, main: str, meta: str = "") -> str:
    eds = editions(site, Edition)
    menu = "".join(
        f'<li class="header__menu-item"><a href="{ed.category_url(s)}">{esc(n)}</a></li>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<a class="header__lang{" active" if o is ed else ""}" href="{o.home}">'
        f"{o.code.upper()}</a>"
        for o in eds.values()
    )
    feed = (
        (
            f'<link rel="alternate" type="application/rss+xml" title="Report.az" '
            f'href="{ORIGIN}{ed.feed}">\n'
        )
        if ed.feed
        else ""
    )
    latest = "".join(
        f'<div class="news__item news__item--small"><a class="news__title" href="{a.url}">'
        f'{esc(a.title)}</a><ul class="news__date">{ed.date_items(a.published)}</ul></div>'
        for a in site.newest(ed.code)
    )
    return f"""<!DOCTYPE html>
<html lang="{ed.code}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<meta name="robots" content="index, follow">
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="Report.az">
<meta property="og:title" content="{esc(title)}">
<meta property="og:url" content="{url}">
{meta}{feed}<link rel="stylesheet" href="https://report.az/static/css/app.css?id=5f1c2e">
</head>
<body>
<header class="header"><div class="container">
<a class="header__logo" href="{ed.home}"><img src="https://report.az/static/img/logo.svg" alt="Report"></a>
<nav class="header__menu"><ul><li class="header__menu-item"><a href="{ed.home}">{esc(ed.labels["home"])}</a></li>{menu}</ul></nav>
<div class="header__langs">{langs}</div>
</div></header>
<main class="main"><div class="container"><div class="row">
<div class="col-lg-8">{main}</div>
<div class="col-lg-4"><aside class="latest-news"><h2 class="section-title">{esc(ed.labels["latest"])}</h2>{latest}</aside></div>
</div></div></main>
<footer class="footer"><div class="container"><p>&copy; 2014-2026 Report.az. {esc(ed.labels["copyright"])}</p></div></footer>
<script src="https://report.az/static/js/app.js?id=8a41d0"></script>
</body>
</html>
"""


def article_page(site: Site, ed: Edition, a: Article) -> str:
    related = "".join(
        f'<p><strong>{esc(ed.labels["read_more"])}:</strong> <a href="{r.url}">{esc(r.title)}</a></p>'
        for r in site.related(a)
    )
    cats = "".join(
        f'<a href="{ed.category_url(c)}">{esc(ed.categories[c])}</a>' for c in a.categories
    )
    image = (
        f'<div class="news-detail__image"><img src="{a.image}" alt="{esc(a.title)}"></div>'
        if a.image
        else ""
    )
    meta = article_meta(a, "description og:type og:description og:image")
    body = "".join(f"<p>{p}</p>" for p in a.body)
    main = f"""<div class="news-detail">
<div class="news-detail__top"><div class="news-detail__category">{cats}</div>
<ul class="news__date">{ed.date_items(a.published)}</ul></div>
<h1 class="section-title">{esc(a.title)}</h1>
{image}<div class="news-detail__desc">{body}{related}</div>
<div class="news-detail__share"><span>{esc(ed.labels["share"])}:</span> <a href="https://www.facebook.com/sharer/sharer.php?u={a.url}">Facebook</a> <a href="https://x.com/intent/tweet?url={a.url}">X</a> <a href="https://t.me/share/url?url={a.url}">Telegram</a></div>
</div>"""
    return _page(site, ed, f"{a.title} | Report.az", a.url, main, meta)


def page_url(base: str, n: int) -> str:
    """A listing's page `n`: the listing itself, then <listing>/page/<n>."""
    return base if n == 1 else f"{base.rstrip('/')}/page/{n}"


def listing(
    site: Site,
    ed: Edition,
    routes: OutletRoutes,
    base: str,
    heading: str,
    articles: list[Article],
    title_tag: str,
) -> None:
    """A listing and its further pages (<listing>/page/<n>), filed in `routes`."""
    for page in listing_pages(site, articles, partial(page_url, base)):
        items = "".join(
            f'<div class="news__item"><a class="news__img" href="{a.url}"><img src="'
            f'{a.image or "https://report.az/static/img/placeholder.jpg"}" alt=""></a>'
            f'<div class="news__content"><a class="news__title" href="{a.url}">{esc(a.title)}'
            f'</a><ul class="news__date">{ed.date_items(a.published)}</ul></div></div>'
            for a in page.articles
        )
        main = (
            f'<section class="news"><{title_tag} class="section-title">{esc(heading)}'
            f'</{title_tag}><div class="news__list">{items}</div>'
            f"{PAGER.render(page)}</section>"
        )
        meta = '<meta property="og:type" content="website">\n'
        html = _page(site, ed, f"{heading} | Report.az", page.url, main, meta)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        news_item(
            a,
            a.excerpt(30),
            [ed.categories[c] for c in a.categories],
            f'<guid isPermaLink="true">{a.url}</guid>',
            enclosure=True,
        )
        for a in articles
    ]
    return news_feed(items, "Report.az", ed.home, ed.labels["latest"], ed.code)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["az"]
    main = '<section class="error-page"><h1 class="section-title">404</h1><p>Səhifə tapılmadı</p></section>'
    return _page(site, ed, "404 | Report.az", ORIGIN + "/404", main)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/az/", f"{ORIGIN}/", 301, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        articles = site.select(ed.code)
        listing(site, ed, routes, ed.home, ed.labels["latest"], articles, "h2")
        for slug, name in ed.categories.items():
            listed = site.select(ed.code, category=slug)
            listing(site, ed, routes, ed.category_url(slug), name, listed, "h1")
        if ed.feed:
            newest = site.newest(ed.code)
            routes.file(ORIGIN + ed.feed, feed(site, ed, newest), "feed", newest, RSS)
    return routes
