"""oxu.az as the mirror renders it: an Azerbaijani news site, English category slugs.

No article:* meta and no dated JSON-LD (only a BreadcrumbList): an article's date is only
the visible ``.when`` block, split into ``.date-day``, ``.date-month`` (a capitalised month,
"Noyabr"), ``.date-year`` and ``.when-time``. The current category is
``.nav-i.nav-i_current`` in the menu. Inside the body ``.news-text``: an advert whose only
text is its label "Reklam", a related-news box (``.news-related``) and, last, the
"Oxu.az-ı Telegram-da izləyin" line. Listings load more with ``a.more`` (``?page=N``), which
is no rel=next link: the sitemaps are what lead to every article. No feed.

Routes (words from sites/oxu.az/, markup from here):
  /<category>/<id>                  article: articles/az-<id>.toml
  /[?page=N]                        home: all news, newest first
  /<category>[?page=N]              category listing
  /sitemap.xml                      sitemap index
  /sitemaps/news.xml                Google News sitemap (the newest articles)
  /sitemaps/<year>.xml              one sitemap per year
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import (
    SITEMAP_NS,
    XML,
    esc,
    json_ld,
    paginate,
    sitemap_index,
    urlset,
    w3c,
)
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://oxu.az"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"oxu_az.py:{renderer}", *files)


def _edition(site: Site) -> dict:
    return site.setting("editions")["az"]


def category_url(slug: str) -> str:
    return f"{ORIGIN}/{slug}"


def when(site: Site, moment: datetime) -> str:
    """The article's `.when` block: day, month, year and time in elements of their own."""
    month = _edition(site)["months"][moment.month - 1]
    return (
        f'<div class="when"><div class="when-date"><span class="date-day">{moment.day}</span>&nbsp;'
        f'<span class="date-month">{month}</span>&nbsp;<span class="date-year">{moment.year}</span></div>'
        f'<div class="when-time">{moment:%H:%M}</div></div>'
    )


def _page(
    site: Site, title: str, url: str, main: str, current: str | None = None, meta: str = ""
) -> str:
    labels = _edition(site)["labels"]
    nav = "".join(
        f'<a class="nav-i{" nav-i_current" if slug == current else ""}" href="{category_url(slug)}">{esc(name)}</a>'
        for slug, name in _edition(site)["categories"].items()
    )
    return f"""<!DOCTYPE html>
<html lang="az">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="Oxu.az">
<meta property="og:url" content="{url}">
{meta}<link rel="stylesheet" href="https://cdn.oxu.az/assets/oxu/application-5c1e0a.css">
</head>
<body>
<div class="header"><a class="logo" href="{ORIGIN}/"><img src="https://oxu.az/media/img/logo.svg?v=1" alt="Oxu.az"></a></div>
<div class="nav-container"><a class="nav-i{" nav-i_current" if current == "" else ""}" href="{ORIGIN}/">{esc(labels["all"])}</a>{nav}</div>
<div class="content">{main}</div>
<div class="footer"><p>&copy; 2014-2026 Oxu.az. {esc(labels["copyright"])}</p></div>
<script src="https://cdn.oxu.az/assets/oxu/application-5c1e0a.js"></script>
</body>
</html>
"""


def _related(site: Site, a: Article) -> str:
    labels = _edition(site)["labels"]
    others = [o for o in site.select("az", a.categories[0]) if o is not a][:2]
    others = others or [o for o in site.articles if o is not a][:2]
    links = "".join(f'<a class="news-related-i" href="{o.url}">{esc(o.title)}</a>' for o in others)
    return f'<div class="news-related"><div class="news-related-title">{esc(labels["related"])}</div>{links}</div>'


def article_page(site: Site, a: Article) -> str:
    ed = _edition(site)
    labels = ed["labels"]
    slug = a.categories[0]
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(
        2,
        f'<div class="adv-in-text"><div class="adv-label">{esc(labels["ad"])}</div><div id="adriver_oxu_{a.slug}"></div></div>',
    )
    paragraphs.insert(len(paragraphs) - 1, _related(site, a))
    paragraphs.append(
        f'<p><a href="https://t.me/oxuaz" target="_blank">{esc(labels["telegram"])}</a></p>'
    )
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": labels["home"], "item": f"{ORIGIN}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": ed["categories"][slug],
                "item": category_url(slug),
            },
            {"@type": "ListItem", "position": 3, "name": a.title, "item": a.url},
        ],
    }
    meta = (
        f'<meta name="description" content="{esc(a.excerpt(25))}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
        + f'<script type="application/ld+json">{json_ld(crumbs)}</script>\n'
    )
    image = f'<div class="news-img"><img src="{a.image}" alt=""></div>' if a.image else ""
    main = f"""<section class="news"><div class="news-inner">
<h1>{esc(a.title)}</h1>
{when(site, a.published)}
<div class="stats"><span class="stats-views">{len(a.body) * 811}</span></div>
{image}<div class="news-text">{"".join(paragraphs)}</div>
<div class="news-share"><a href="https://www.facebook.com/sharer/sharer.php?u={a.url}" class="share-fb"></a><a href="https://t.me/share/url?url={a.url}" class="share-tg"></a></div>
</div></section>"""
    return _page(site, f"{a.title} | Oxu.az", a.url, main, slug, meta)


def listing(
    site: Site, routes: Routes, base: str, heading: str, current: str, articles: list[Article]
) -> None:
    """A listing and its further pages (?page=N behind a.more), filed in `routes`."""
    ed = _edition(site)
    pages = paginate(articles, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        items = "".join(
            f'<div class="news-i"><a class="news-i-inner" href="{a.url}"><div class="title">{esc(a.title)}</div>'
            f'<div class="when-time">{a.published.day} {ed["months"][a.published.month - 1]}, {a.published:%H:%M}</div></a></div>'
            for a in chunk
        )
        more = (
            f'<a class="more" href="{base}?page={n + 1}">{esc(ed["labels"]["more"])}</a>'
            if n < len(pages)
            else ""
        )
        main = f'<div class="news-list"><h1 class="news-list-title">{esc(heading)}</h1>{items}{more}</div>'
        url = base if n == 1 else f"{base}?page={n}"
        routes.page(
            url,
            _page(site, f"{heading} | Oxu.az", url, main, current),
            _src(site, "listing", *(a.source for a in chunk)),
        )


def news_sitemap(site: Site, articles: list[Article]) -> str:
    """A Google News sitemap: each URL with its publication, date and title."""
    entries = "".join(
        f"<url><loc>{esc(a.url)}</loc><news:news><news:publication><news:name>Oxu.az</news:name>"
        f"<news:language>az</news:language></news:publication>"
        f"<news:publication_date>{w3c(a.published)}</news:publication_date>"
        f"<news:title>{esc(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">{entries}</urlset>\n'


def build(site: Site) -> Routes:
    ed = _edition(site)
    not_found = _page(
        site,
        "404 | Oxu.az",
        ORIGIN + "/404",
        f"<h1>404</h1><p>{esc(ed['labels']['not_found'])}</p>",
    )
    routes = Routes(
        site.host,
        redirect_slash=True,
        not_found=Resource(not_found.encode(), HTML, 404, (), _src(site, "build")),
    )
    for a in site.articles:
        routes.page(
            a.url,
            article_page(site, a),
            _src(site, "article_page", a.source),
            last_modified=a.modified,
        )
    listing(site, routes, ORIGIN + "/", ed["labels"]["latest"], "", site.select("az"))
    for slug, name in ed["categories"].items():
        listing(site, routes, category_url(slug), name, slug, site.select("az", category=slug))
    newest = site.newest("az")
    index = [(f"{ORIGIN}/sitemaps/news.xml", newest[0].modified)]
    routes.page(
        index[0][0],
        news_sitemap(site, newest),
        _src(site, "news_sitemap", *(a.source for a in newest)),
        XML,
    )
    for year in sorted({a.published.year for a in site.articles}, reverse=True):
        dated = [a for a in site.articles if a.published.year == year]
        url = f"{ORIGIN}/sitemaps/{year}.xml"
        routes.page(
            url,
            urlset((a.url, a.modified) for a in dated),
            _src(site, "sitemap", *(a.source for a in dated)),
            XML,
        )
        index.append((url, max(a.modified for a in dated)))
    routes.page(ORIGIN + "/sitemap.xml", sitemap_index(index), _src(site, "sitemap_index"), XML)
    return routes
