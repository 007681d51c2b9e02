"""news.am as the mirror renders it: the agency's own CMS, editions /eng/, /arm/, /rus/.

No JSON-LD and no article:* meta: dates come from the visible date, the `.time[content]`
microdata of the article page, and the (malformed) `time[datetime]` of the listings, e.g.
``2025-11-14+0416:20:00`` (the offset where the ``T`` belongs). Internal links are
root-relative (``/eng/news/912406.html``), pagination links query-only (``?page=2``).

Routes (words from sites/news.am/, markup from here):
  /<ed>/news/<id>.html                            article: articles/<ed>-<id>.toml
  /<ed>/                                          edition home: the newest articles
  /eng/rss/, /arm/news/rss/, /rus/rss/            RSS 2.0, teasers only (site.toml: feed)
  /<ed>/news/allregions/allthemes/[?page=N]       all news, newest first
  /<ed>/news/allregions/allthemes/YYYY/MM/DD/     one day's news
  /<ed>/news/allregions/<theme>/[?page=N]         one theme's news
  /                                               301 to /arm/
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, news_feed, news_item
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://news.am"
# query-only links; the first page is the bare path
PAGER = Pager(
    '<div class="pagination">{links}</div>',
    current='<span class="current">{n}</span>',
    link='<a href="{href}">{n}</a>',
    prev='<a class="prev" href="{href}">&laquo;</a>',
    next='<a class="next" href="{href}">&raquo;</a>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code ("eng") is the path segment, its categories are themes."""

    title: str  # "NEWS.am - English"
    feed: str  # path of the edition's RSS feed

    @property
    def home(self) -> str:
        return f"/{self.code}/"

    @property
    def all_news(self) -> str:
        return f"/{self.code}/news/allregions/allthemes/"

    def theme(self, slug: str) -> str:
        return f"/{self.code}/news/allregions/{slug}/"

    def day(self, when: date) -> str:
        return f"{self.all_news}{when:%Y/%m/%d}/"

    def visible_date(self, when: datetime) -> str:
        return f"{when:%H:%M}, {when.day} {self.month(when)} {when.year}"


def edition_of(eds: dict[str, Edition], article: Article) -> Edition:
    return eds[article.path.split("/")[1]]


def listing_time(when: datetime) -> str:
    """The listings' time[datetime], malformed as on the real site: 2018-09-01+0412:30:00."""
    offset = when.strftime("%z")[:3]  # "+04"
    return f"{when:%Y-%m-%d}{offset}{when:%H:%M:%S}"


def _page(
    site: Site, ed: Edition, title: str, url: str, main: str, side: str, meta: str = ""
) -> str:
    menu = "".join(
        f'<li><a href="{ed.theme(slug)}">{esc(name)}</a></li>'
        for slug, name in ed.categories.items()
    )
    langs = "".join(
        f'<li class="{"active" if o.code == ed.code else ""}"><a href="{o.home}">'
        f"{esc(o.labels['lang'])}</a></li>"
        for o in editions(site, Edition).values()
    )
    return f"""<!DOCTYPE html>
<html lang="{ed.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{ORIGIN}{url}">
<meta property="og:site_name" content="NEWS.am">
<meta property="og:title" content="{esc(title)}">
<meta property="og:url" content="{ORIGIN}{url}">
{meta}<link rel="alternate" type="application/rss+xml" title="{esc(ed.title)}" href="{ORIGIN}{ed.feed}">
<link rel="stylesheet" href="/css/main.css?v=20251103">
<link rel="icon" href="/favicon.ico">
</head>
<body class="{ed.code}">
<div class="header"><div class="wrap">
<a class="logo" href="{ed.home}"><img src="/img/logo.svg" alt="NEWS.am"></a>
<ul class="langs">{langs}</ul>
<ul class="menu"><li><a href="{ed.all_news}">{esc(ed.labels["all_news"])}</a></li>{menu}</ul>
</div></div>
<div class="content wrap"><div class="left-column">
{main}
</div>
<div class="right-column">{side}</div></div>
<div class="footer"><div class="wrap"><p>&copy; 2003-2026 NEWS.am. {esc(ed.labels["copyright"])}</p>
<p><a href="{ed.feed}">RSS</a></p></div></div>
<script src="/js/main.js?v=20251103"></script>
</body>
</html>
"""


def _stream(site: Site, ed: Edition) -> str:
    """The "News feed" column beside every page: the newest headlines."""
    items = "".join(
        f'<div class="news-item"><time datetime="{listing_time(a.published)}">'
        f'{a.published:%H:%M}</time><a href="{a.path}">{esc(a.title)}</a></div>'
        for a in site.newest(ed.language)
    )
    return (
        f'<div class="news-stream"><div class="title">{esc(ed.labels["news_feed"])}</div>'
        f"{items}</div>"
    )


def article_page(site: Site, ed: Edition, a: Article) -> str:
    related = "".join(
        f'<p><strong>{esc(ed.labels["read_also"])}:</strong> <a href="{r.path}">'
        f"{esc(r.title)}</a></p>"
        for r in site.related(a)
    )
    cats = " ".join(f'<a href="{ed.theme(c)}">{esc(ed.categories[c])}</a>' for c in a.categories)
    image = f'<div class="article-image"><img src="{a.image}" alt=""></div>' if a.image else ""
    meta = article_meta(a, "og:type og:description description og:image")
    body = "".join(f"<p>{p}</p>" for p in a.body)
    main = f"""<div class="article" itemscope itemtype="http://schema.org/NewsArticle">
<div class="article-info">
<div class="article-category">{cats}</div>
<span class="time" itemprop="datePublished" content="{a.published.isoformat()}">{ed.visible_date(a.published)}</span>
</div>
<h1 class="article-title" itemprop="headline">{esc(a.title)}</h1>
{image}<div class="article-text"><span class="article-body" itemprop="articleBody">{body}{related}</span></div>
<div class="article-share"><span>{esc(ed.labels["share"])}</span> <a class="fb" href="https://www.facebook.com/sharer.php?u={ORIGIN}{a.path}">Facebook</a> <a class="x" href="https://x.com/intent/tweet?url={ORIGIN}{a.path}">X</a></div>
</div>"""
    return _page(site, ed, f"{a.title} - NEWS.am", a.path, main, _stream(site, ed), meta)


def _list_items(ed: Edition, articles: list[Article]) -> str:
    return "".join(
        f'<article class="news-item"><a class="thumb" href="{a.path}"><img src="{a.image or "/img/no-image.jpg"}" alt=""></a>'
        f'<div class="news-text"><a class="title" href="{a.path}">{esc(a.title)}</a>'
        f'<time datetime="{listing_time(a.published)}">{ed.visible_date(a.published)}</time>'
        f'<p class="announce">{esc(a.excerpt(20))}</p></div></article>'
        for a in articles
    )


def listing(
    site: Site,
    ed: Edition,
    routes: OutletRoutes,
    path: str,
    heading: str,
    articles: list[Article],
    calendar: bool = False,
) -> None:
    """A listing and its further pages (?page=N), filed in `routes`."""
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={n}")):
        nav = PAGER.render(page, page_urls(path, "?page={n}"))
        days = ""
        if calendar:  # the date picker: the archive of each day shown on this page
            shown = sorted({a.published.date() for a in page.articles}, reverse=True)
            days = "".join(f'<a href="{ed.day(d)}">{d:%d.%m.%Y}</a>' for d in shown)
            days = f'<div class="calendar">{days}</div>'
        main = (
            f'<div class="articles-list"><h1 class="list-title">{esc(heading)}</h1>'
            f'<div class="news-list">{_list_items(ed, page.articles)}</div>{nav}{days}</div>'
        )
        html = _page(site, ed, f"{heading} - NEWS.am", page.url, main, _stream(site, ed))
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        news_item(a, a.excerpt(30), [ed.categories[c] for c in a.categories]) for a in articles
    ]
    return news_feed(items, ed.title, f"{ORIGIN}{ed.home}", ed.title, ed.language)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["eng"]
    main = '<div class="error-404"><h1>404</h1><p>Page not found</p></div>'
    return _page(site, ed, "Page not found - NEWS.am", "/404", main, "")


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site), redirect_slash=False)
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/arm/", 301, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, edition_of(eds, a), a))
    for ed in eds.values():
        articles = site.select(ed.language)
        in_feed = site.newest(ed.language)
        routes.file(f"{ORIGIN}{ed.feed}", feed(site, ed, in_feed), "feed", in_feed, RSS)
        newest = articles[: site.setting("per_page")]
        main = (
            f'<div class="articles-list"><div class="news-list">{_list_items(ed, newest)}'
            f'</div><a class="more" href="{ed.all_news}">{esc(ed.labels["all_news"])}</a></div>'
        )
        html = _page(site, ed, ed.title, ed.home, main, _stream(site, ed))
        routes.file(ed.home, html, "build", newest)
        listing(site, ed, routes, ed.all_news, ed.labels["all_news"], articles, calendar=True)
        for day in sorted({a.published.date() for a in articles}):
            on_day = [a for a in articles if a.published.date() == day]
            listing(
                site, ed, routes, ed.day(day), f"{ed.labels['all_news']} {day:%d.%m.%Y}", on_day
            )
        for slug, name in ed.categories.items():
            themed = [a for a in articles if slug in a.categories]
            listing(site, ed, routes, ed.theme(slug), name, themed)
    return routes
