"""azertag.az as the mirror renders it: the state news agency AZERTAC, Azerbaijani at the
root, English at /en, Russian at /ru.

No JSON-LD and no article:* meta: an article's date is the visible "14.11.2025 [16:23]"
inside ``<time datetime="2025-11-14 16:23">``, a local time without an offset. The body
``div.news-body`` opens with the dateline paragraph ("Baku, November 14, AZERTAC"), holds a
photo strip with captions (``.news-photos``) and ends with a share widget whose label
("Share the news") is a line of its own. Categories are in the breadcrumb; translations
link each other with hreflang. Listings paginate with ``?page=N`` (``.pagination a.next``).
Only the Azerbaijani feed is known; every edition is in the sitemaps.

Routes (words from sites/azertag.az/, markup from here):
  /[en/|ru/]xeber/<Slug>-<id>           article: articles/<lang>-<id>.toml
  /, /en, /ru                           edition home: the newest news
  /[en/|ru/]xeberler[?page=N]           all news, newest first
  /[en/|ru/]bolme/<section>[?page=N]    section listing (one set of slugs: /bolme/politics)
  /rss                                  RSS 2.0 of the Azerbaijani edition
  /sitemap.xml, /sitemap/<year>.xml     sitemap index, one sitemap per year
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    XML,
    article_meta,
    esc,
    hreflang_links,
    news_feed,
    news_item,
    page_head,
    sitemap_index,
    urlset,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://azertag.az"
# the arrows around the page's number
PAGER = Pager(
    '<div class="pagination">{links}</div>',
    current='<span class="current">{n}</span>',
    prev='<a class="prev" href="{href}">&laquo;</a>',
    next='<a class="next" href="{href}">&raquo;</a>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code is the language ("az", "en", "ru"), its prefix "", "/en"."""

    origin = ORIGIN
    dateline: str  # "Baku, {month} {day}, AZERTAC"

    @property
    def home(self) -> str:
        return self.url() if self.prefix else ORIGIN + "/"

    @property
    def all_news(self) -> str:
        return self.url("/xeberler")

    def category_url(self, slug: str) -> str:
        return self.url(f"/bolme/{slug}")

    def date_line(self, when: datetime) -> str:
        return self.dateline.format(day=when.day, month=self.month(when))


def visible_date(when: datetime) -> str:
    """'14.11.2025 [16:23]' inside a time element holding the local time, no offset."""
    return f'<time datetime="{when:%Y-%m-%d %H:%M}">{when:%d.%m.%Y} [{when:%H:%M}]</time>'


def _page(site: Site, ed: Edition, title: str, url: str, main: str, meta: str = "") -> str:
    eds = editions(site, Edition)
    menu = "".join(
        f'<li class="nav-item"><a class="nav-link" href="{ed.category_url(s)}">{esc(n)}</a></li>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<a class="{"active" if o.code == ed.code else ""}" href="{o.home}">{o.code.upper()}</a>'
        for o in eds.values()
    )
    feed = (
        f'<link rel="alternate" type="application/rss+xml" title="AZƏRTAC" href="{ORIGIN}/rss">\n'
        if ed.code == "az"
        else ""
    )
    latest = "".join(
        f'<li><span class="time">{a.published:%H:%M}</span> <a href="{a.url}">{esc(a.title)}</a></li>'
        for a in site.newest(ed.code)
    )
    head_start = page_head(ed.code, title, url, ed.labels["site"])
    return f"""{head_start}{meta}{feed}<link rel="stylesheet" href="https://azertag.az/assets/css/main.css?v=118">
</head>
<body>
<header class="header"><div class="container">
<a class="navbar-brand" href="{ed.home}"><img src="https://azertag.az/assets/img/logo_{ed.code}.png" alt="{esc(ed.labels["site"])}"></a>
<div class="lang-switch">{langs}</div>
<nav class="navbar"><ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="{ed.all_news}">{esc(ed.labels["all_news"])}</a></li>{menu}</ul></nav>
</div></header>
<main class="container"><div class="row">
<div class="col-lg-9">{main}</div>
<aside class="col-lg-3"><div class="news-feed"><h4>{esc(ed.labels["feed"])}</h4><ul>{latest}</ul></div></aside>
</div></main>
<footer class="footer"><div class="container"><p>&copy; 2026 {esc(ed.labels["site"])}. {esc(ed.labels["copyright"])}</p></div></footer>
<script src="https://azertag.az/assets/js/main.js?v=118"></script>
</body>
</html>
"""


def article_page(site: Site, ed: Edition, a: Article) -> str:
    slug = a.categories[0]
    crumbs = (
        f'<ol class="breadcrumb"><li class="breadcrumb-item"><a href="{ed.home}">{esc(ed.labels["home"])}</a></li>'
        f'<li class="breadcrumb-item"><a href="{ed.category_url(slug)}">{esc(ed.categories[slug])}</a></li></ol>'
    )
    paragraphs = [
        f"<p><strong>{esc(ed.date_line(a.published))}</strong></p>",
        *(f"<p>{p}</p>" for p in a.body),
    ]
    if a.image:
        photos = (
            f'<div class="news-photos"><figure><img src="{a.image}" alt=""><figcaption>{esc(a.title)}</figcaption></figure>'
            f'<span class="photo-count">{esc(ed.labels["photos"])}</span></div>'
        )
        paragraphs.insert(3, photos)
    share = (
        f'<div class="news-share"><div class="share-label">{esc(ed.labels["share"])}</div>'
        f'<a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={a.url}"><i class="icon-fb"></i></a>'
        f'<a class="x" href="https://x.com/intent/tweet?url={a.url}"><i class="icon-x"></i></a>'
        f'<a class="wa" href="https://wa.me/?text={a.url}"><i class="icon-wa"></i></a></div>'
    )
    meta = article_meta(a, "description og:type og:title og:description og:image")
    meta += hreflang_links(site.translations(a))
    main = f"""{crumbs}
<article class="news-detail">
<h1 class="news-title">{esc(a.title)}</h1>
<div class="news-date">{visible_date(a.published)}</div>
<div class="news-body">{"".join(paragraphs)}{share}</div>
</article>"""
    return _page(site, ed, f"{a.title} | {ed.labels['site']}", a.url, main, meta)


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, base: str, heading: str, articles: list[Article]
) -> None:
    """A listing and its further pages (?page=N, .pagination a.next), filed in `routes`."""
    for page in listing_pages(site, articles, page_urls(base, "{first}?page={n}")):
        items = "".join(
            f'<div class="news-item"><a class="news-item-title" href="{a.url}">{esc(a.title)}</a>'
            f'<span class="news-item-date">{a.published:%d.%m.%Y} [{a.published:%H:%M}]</span></div>'
            for a in page.articles
        )
        main = f'<div class="news-list"><h1 class="list-title">{esc(heading)}</h1>{items}{PAGER.render(page)}</div>'
        meta = '<meta property="og:type" content="website">\n'
        html = _page(site, ed, f"{heading} | {ed.labels['site']}", page.url, main, meta)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [news_item(a, a.excerpt(30)) for a in articles]
    return news_feed(items, ed.labels["site"], ed.home, ed.labels["feed"], ed.code)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    not_found = _page(
        site, eds["az"], "404", ORIGIN + "/404", "<h1>404</h1><p>Səhifə tapılmadı</p>"
    )
    routes = OutletRoutes(site, __name__, not_found, not_found_part="build")
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        articles = site.select(ed.code)
        newest = articles[: site.setting("per_page")]
        items = "".join(
            f'<div class="news-item"><a class="news-item-title" href="{a.url}">{esc(a.title)}</a></div>'
            for a in newest
        )
        home = f'<div class="news-list">{items}<a class="more" href="{ed.all_news}">{esc(ed.labels["all_news"])}</a></div>'
        routes.file(ed.home, _page(site, ed, ed.labels["site"], ed.home, home), "build", newest)
        listing(site, ed, routes, ed.all_news, ed.labels["all_news"], articles)
        for slug, name in ed.categories.items():
            listing(
                site, ed, routes, ed.category_url(slug), name, site.select(ed.code, category=slug)
            )
    items = site.newest("az")
    routes.file(ORIGIN + "/rss", feed(site, eds["az"], items), "feed", items, RSS)
    years = sorted({a.published.year for a in site.articles}, reverse=True)
    index = []
    for year in years:
        dated = [a for a in site.articles if a.published.year == year]
        url = f"{ORIGIN}/sitemap/{year}.xml"
        routes.file(url, urlset((a.url, a.modified) for a in dated), "sitemap", dated, XML)
        index.append((url, max(a.modified for a in dated)))
    routes.file(ORIGIN + "/sitemap.xml", sitemap_index(index), "sitemap_index", (), XML)
    return routes
