"""apa.az as the mirror renders it: Azerbaijani at /az, English at /en, Russian at /ru.

Laravel-style paths, without a trailing slash but for the Azerbaijani articles, which a
dataset of the real site cites with one (/az/<section>/<slug>-<id>/; other links cite them
without): the other spelling of any path answers 301. The Azerbaijani edition's all-news
listing is /az/butun-xeberler (?page=N), and /az/all-news, which scrapers of the real site
also read, answers 301 to it (a guess: both are seen, not how they relate). The root answers
301 to /az (a guess). The feeds are /rss (Azerbaijani: sites.md) and /ru/rss (a guess); /en/rss
answers HTML, the English home page, as an independent checker of the real site found
(which page it was is a guess); pages link only the feeds that are RSS. No JSON-LD
and no article:* meta: an article's date is only the visible ``span.date``, "14 noyabr 2025
16:23 (UTC +04:00)" (English "14 November 2025 ...", Russian genitive "14 ноября 2025 ..."),
and the feed's pubDate. Inside the body ``div.texts``: an advert (``.rek_banner``) and a
related-news box (``.links_block``) between the paragraphs. The category is the link in
``.breadcrumb_row h3``. Listings paginate with ``?page=N`` (``<link rel="next">`` in the
head, numbered ``.pagination`` links without rel).

Routes (words from sites/apa.az/, markup from here):
  /az/<category>/<slug>-<id>/           article: articles/az-<id>.toml
  /(en|ru)/<category>/<slug>-<id>       article: articles/<lang>-<id>.toml
  /az, /en, /ru [?page=N]               edition home: all news, newest first
  /az/butun-xeberler[?page=N]           all news of the Azerbaijani edition
  /az/all-news                          301 to /az/butun-xeberler
  /(az|en|ru)/<category>[?page=N]       category listing
  /rss, /ru/rss                         RSS 2.0 of the Azerbaijani and Russian editions
  /en/rss                               HTML: the English home page (no feed)
  /                                     301 to /az
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    article_meta,
    esc,
    hreflang_links,
    news_feed,
    news_item,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://apa.az"
# numbered links without rel (the head has link rel=prev/next)
PAGER = Pager(
    '<ul class="pagination">{links}</ul>',
    current='<li class="active"><span>{n}</span></li>',
    link='<li><a href="{href}">{n}</a></li>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code is the language ("az", "en", "ru"), its prefix "/az"."""

    origin = ORIGIN
    feed: str | None = None  # the path of the edition's RSS feed, if it has one

    @property
    def feed_url(self) -> str | None:
        return ORIGIN + self.feed if self.feed else None

    def category_url(self, slug: str) -> str:
        return self.url(f"/{slug}")

    def date(self, when: datetime) -> str:
        """'14 noyabr 2025 16:23 (UTC +04:00)', as span.date prints it."""
        offset = f"{when:%z}"
        return f"{when.day} {self.month(when)} {when.year} {when:%H:%M} (UTC {offset[:3]}:{offset[3:]})"

    def short_date(self, when: datetime) -> str:
        """The listings' '14 noyabr 2025, 16:23'."""
        return f"{when.day} {self.month(when)} {when.year}, {when:%H:%M}"


def _page(
    site: Site, ed: Edition, title: str, url: str, main: str, meta: str = "", side: bool = True
) -> str:
    eds = editions(site, Edition)
    menu = "".join(
        f'<li><a href="{ed.category_url(s)}">{esc(n)}</a></li>' for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<li class="{"active" if o.code == ed.code else ""}"><a href="{o.home}">{esc(o.labels["lang"])}</a></li>'
        for o in eds.values()
    )
    feed = (
        f'<link rel="alternate" type="application/rss+xml" title="APA" href="{ed.feed_url}">\n'
        if ed.feed
        else ""
    )
    latest = ""
    if side:
        items = "".join(
            f'<div class="item"><span class="time">{a.published:%H:%M}</span>'
            f'<a href="{a.url}">{esc(a.title)}</a></div>'
            for a in site.newest(ed.code)
        )
        latest = f'<div class="col-lg-4"><div class="last_news"><h2 class="block_title">{esc(ed.labels["latest"])}</h2>{items}</div></div>'
    return f"""<!DOCTYPE html>
<html lang="{ed.code}">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="APA">
<meta property="og:url" content="{url}">
<meta property="og:locale" content="{ed.labels["locale"]}">
{meta}{feed}<link rel="stylesheet" href="https://apa.az/site/assets/css/app.css?v=3.4.1">
<link rel="icon" href="https://apa.az/site/assets/images/favicon.ico">
</head>
<body>
<header><div class="container">
<a class="logo" href="{ed.home}"><img src="https://apa.az/site/assets/images/logo.svg" alt="APA"></a>
<ul class="lang_menu">{langs}</ul>
<nav class="main_menu"><ul><li><a href="{ed.home}">{esc(ed.labels["home"])}</a></li>{menu}</ul></nav>
</div></header>
<div class="container"><div class="row">
<div class="col-lg-8">{main}</div>
{latest}
</div></div>
<footer><div class="container"><p>{esc(ed.labels["copyright"])}</p><p>&copy; 1998-2026 APA</p></div></footer>
<script src="https://apa.az/site/assets/js/app.js?v=3.4.1"></script>
</body>
</html>
"""


def _links_block(site: Site, ed: Edition, a: Article) -> str:
    """The related-news box the CMS puts between two paragraphs: the category's other news."""
    others = [o for o in site.select(ed.code, a.categories[0]) if o is not a][:2]
    others = others or [o for o in site.newest(ed.code) if o is not a][:2]
    links = "".join(
        f'<a href="{o.url}"><span class="img"><img src="{o.image or "https://apa.az/site/assets/images/noimage.jpg"}" alt=""></span>'
        f'<span class="title">{esc(o.title)}</span></a>'
        for o in others
    )
    return f'<div class="links_block"><h4>{esc(ed.labels["related"])}</h4>{links}</div>'


def _rek_banner(ed: Edition) -> str:
    return (
        '<div class="rek_banner"><span class="rek_title">'
        f'{esc(ed.labels["ad"])}</span><div id="adfox_169" class="adfox"></div>'
        '<a href="https://ads.apa.az/click?bid=4411" rel="nofollow" target="_blank">'
        '<img src="https://ads.apa.az/banners/4411.jpg" alt=""></a></div>'
    )


def article_page(site: Site, ed: Edition, a: Article) -> str:
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    # the advert after the first paragraph, the related box after the middle one
    paragraphs.insert(1, _rek_banner(ed))
    paragraphs.insert(len(paragraphs) // 2 + 1, _links_block(site, ed, a))
    category = a.categories[0]
    image = (
        f'<div class="main_img"><img src="{a.image}" alt="{esc(a.title)}"></div>' if a.image else ""
    )
    meta = article_meta(a, "description og:type og:title og:description og:image")
    meta += hreflang_links(site.translations(a))
    main = f"""<div class="breadcrumb_row"><h3><a href="{ed.category_url(category)}">{esc(ed.categories[category])}</a></h3></div>
<div class="news_main">
<h1 class="title_news">{esc(a.title)}</h1>
<div class="content_main">
<div class="date_news"><div class="date"><span class="date">{ed.date(a.published)}</span></div><div class="views"><i class="icon-eye"></i><span>{len(a.title) * 37}</span></div></div>
{image}<div class="news_content"><div class="texts">{"".join(paragraphs)}</div></div>
<div class="share_block"><span>{esc(ed.labels["share"])}:</span><a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={a.url}"></a><a class="tw" href="https://x.com/intent/tweet?url={a.url}"></a><a class="tg" href="https://t.me/share/url?url={a.url}"></a></div>
</div>
</div>"""
    return _page(site, ed, f"{a.title} | APA.az", a.url, main, meta)


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, base: str, heading: str, articles: list[Article]
) -> None:
    """A listing and its further pages (?page=N), filed in `routes`."""
    for page in listing_pages(site, articles, page_urls(base, "{first}?page={n}")):
        items = "".join(
            f'<a class="item" href="{a.url}"><div class="img"><img src="{a.image or "https://apa.az/site/assets/images/noimage.jpg"}" alt=""></div>'
            f'<h2 class="title">{esc(a.title)}</h2><div class="date">{ed.short_date(a.published)}</div></a>'
            for a in page.articles
        )
        main = (
            f'<div class="news_block"><h1 class="block_title">{esc(heading)}</h1>'
            f'<div class="news">{items}</div>{PAGER.render(page)}</div>'
        )
        meta = '<meta property="og:type" content="website">\n' + page.rel_links()
        html = _page(site, ed, f"{heading} | APA.az", page.url, main, meta)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        news_item(a, a.excerpt(30), [ed.categories[a.categories[0]]], enclosure=True)
        for a in articles
    ]
    return news_feed(items, "APA", ed.home, ed.labels["latest"], ed.code)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["az"]
    main = '<div class="error_page"><h1>404</h1><p>Səhifə tapılmadı</p></div>'
    return _page(site, ed, "404 | APA.az", ORIGIN + "/404", main, side=False)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/", eds["az"].home, 301, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        listing(site, ed, routes, ed.home, ed.labels["latest"], site.select(ed.code))
        all_news = site.setting("all_news", {}).get(ed.code)
        if all_news:
            path = ORIGIN + all_news["path"]
            listing(site, ed, routes, path, ed.labels["all_news"], site.select(ed.code))
            for alias in all_news.get("aliases", []):
                routes.redirect(ORIGIN + alias, path, 301, routes.source("build"))
        for slug, name in ed.categories.items():
            listing(
                site, ed, routes, ed.category_url(slug), name, site.select(ed.code, category=slug)
            )
        newest = site.newest(ed.code)
        if ed.feed_url:
            routes.file(ed.feed_url, feed(site, ed, newest), "feed", newest, RSS)
    # the real /en/rss answers HTML, not RSS: here, the English home page
    home = routes.resolve("/en")
    assert home is not None
    routes.add("/en/rss", replace(home, source=routes.source("build, the English home at /en/rss")))
    return routes
