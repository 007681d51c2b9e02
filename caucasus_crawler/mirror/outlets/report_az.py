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

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import RSS, esc, paginate, rfc822, rss
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://report.az"


@dataclass(frozen=True)
class Edition:
    code: str  # language: "az", "en", "ru"
    prefix: str  # "/", "/en/", "/ru/"
    feed: str | None  # path of the edition's RSS feed, if it has one
    months: tuple[str, ...]
    labels: dict[str, str]  # interface words: "latest", "read_more", "share", "home"
    categories: dict[str, str]  # slug -> name

    @property
    def home(self) -> str:
        return ORIGIN + self.prefix

    def category_url(self, slug: str) -> str:
        return f"{ORIGIN}{self.prefix}{slug}"

    def date_items(self, when: datetime) -> str:
        """The two items of ul.news__date: '16 noyabr, 2025' and '14:00'."""
        return (
            f"<li>{when.day} {self.months[when.month - 1]}, {when.year}</li><li>{when:%H:%M}</li>"
        )


def editions(site: Site) -> dict[str, Edition]:
    return {
        code: Edition(
            code,
            ed["prefix"],
            ed.get("feed"),
            tuple(ed["months"]),
            dict(ed["labels"]),
            dict(ed["categories"]),
        )
        for code, ed in site.setting("editions").items()
    }


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"report_az.py:{renderer}", *files)


def _page(site: Site, ed: Edition, title: str, url: str, main: str, meta: str = "") -> str:
    eds = editions(site)
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
    meta = (
        f'<meta name="description" content="{esc(a.excerpt(25))}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
    )
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


def _pagination(base: str, page: int, count: int) -> str:
    if count < 2:
        return ""

    def href(n: int) -> str:
        return page_url(base, n)

    items = [
        f'<li class="page-item"><a class="page-link" href="{href(page - 1)}" rel="prev" '
        f'aria-label="&laquo; Previous">&lsaquo;</a></li>'
        if page > 1
        else '<li class="page-item disabled" aria-disabled="true"><span class="page-link">'
        "&lsaquo;</span></li>"
    ]
    items += [
        f'<li class="page-item active" aria-current="page"><span class="page-link">{n}</span></li>'
        if n == page
        else f'<li class="page-item"><a class="page-link" href="{href(n)}">{n}</a></li>'
        for n in range(1, count + 1)
    ]
    items.append(
        f'<li class="page-item"><a class="page-link" href="{href(page + 1)}" rel="next" '
        f'aria-label="Next &raquo;">&rsaquo;</a></li>'
        if page < count
        else '<li class="page-item disabled" aria-disabled="true"><span class="page-link">'
        "&rsaquo;</span></li>"
    )
    return f'<nav><ul class="pagination">{"".join(items)}</ul></nav>'


def listing(
    site: Site,
    ed: Edition,
    routes: Routes,
    base: str,
    heading: str,
    articles: list[Article],
    title_tag: str,
) -> None:
    """A listing and its further pages (<listing>/page/<n>), filed in `routes`."""
    pages = paginate(articles, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        items = "".join(
            f'<div class="news__item"><a class="news__img" href="{a.url}"><img src="'
            f'{a.image or "https://report.az/static/img/placeholder.jpg"}" alt=""></a>'
            f'<div class="news__content"><a class="news__title" href="{a.url}">{esc(a.title)}'
            f'</a><ul class="news__date">{ed.date_items(a.published)}</ul></div></div>'
            for a in chunk
        )
        main = (
            f'<section class="news"><{title_tag} class="section-title">{esc(heading)}'
            f'</{title_tag}><div class="news__list">{items}</div>'
            f"{_pagination(base, n, len(pages))}</section>"
        )
        url = page_url(base, n)
        meta = '<meta property="og:type" content="website">\n'
        routes.page(
            url,
            _page(site, ed, f"{heading} | Report.az", url, main, meta),
            _src(site, "listing", *(a.source for a in chunk)),
        )


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        f"""<item>
<title>{esc(a.title)}</title>
<link>{a.url}</link>
<description>{esc(a.excerpt(30))}</description>
{"".join(f"<category>{esc(ed.categories[c])}</category>" for c in a.categories)}
<pubDate>{rfc822(a.published)}</pubDate>
<guid isPermaLink="true">{a.url}</guid>
{f'<enclosure url="{a.image}" type="image/jpeg" length="0"/>' if a.image else ""}
</item>"""
        for a in articles
    ]
    channel = {
        "title": "Report.az",
        "link": ed.home,
        "description": ed.labels["latest"],
        "language": ed.code,
    }
    return rss(channel, items)


def not_found_page(site: Site) -> str:
    ed = editions(site)["az"]
    main = '<section class="error-page"><h1 class="section-title">404</h1><p>Səhifə tapılmadı</p></section>'
    return _page(site, ed, "404 | Report.az", ORIGIN + "/404", main)


def build(site: Site) -> Routes:
    eds = editions(site)
    routes = Routes(
        site.host,
        redirect_slash=True,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    routes.redirect(f"{ORIGIN}/az/", f"{ORIGIN}/", 301, _src(site, "build"))
    for a in site.articles:
        ed = eds[a.language]
        routes.page(
            a.url,
            article_page(site, ed, a),
            _src(site, "article_page", a.source),
            last_modified=a.modified,
        )
    for ed in eds.values():
        articles = site.select(ed.code)
        listing(site, ed, routes, ed.home, ed.labels["latest"], articles, "h2")
        for slug, name in ed.categories.items():
            listing(
                site,
                ed,
                routes,
                ed.category_url(slug),
                name,
                site.select(ed.code, category=slug),
                "h1",
            )
        if ed.feed:
            routes.page(
                ORIGIN + ed.feed,
                feed(site, ed, site.newest(ed.code)),
                _src(site, "feed", *(a.source for a in site.newest(ed.code))),
                RSS,
            )
    return routes
