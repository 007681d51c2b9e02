"""azernews.az as the mirror renders it: English only. The live site answers on
www.azernews.az; the mirror keeps the shorter host (it drops `www.` from Host anyway).

Article pages carry a JSON-LD NewsArticle (datePublished with +04:00, articleSection,
author) and the visible date "21 July 2025 14:01 (UTC+04:00)"; og:title ends in
" - AzerNews". The body ``div.article-content`` ends with the outlet's appeal ("Here we are
to serve you with news right now...") and "Follow us on Twitter @AzerNewsAz", and holds an
advert (``.ad-inline``) between the paragraphs. The latest news and the section listings
paginate with ``?page=N`` (``li.next a``).

Routes (words from sites/azernews.az/, markup from here):
  /<section>/<id>.html          article: articles/en-<id>.toml
  /                             home: the newest news, sections
  /latest/[?page=N]             all news, newest first
  /<section>/[?page=N]          section listing
  /rss/, /feed.php              RSS 2.0 (the same feed under both names)
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import RSS, esc, json_ld, paginate, rfc822, rss
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://azernews.az"
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def visible_date(when: datetime) -> str:
    """'21 July 2025 14:01 (UTC+04:00)'."""
    offset = f"{when:%z}"
    return f"{when.day} {MONTHS[when.month - 1]} {when.year} {when:%H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"azernews_az.py:{renderer}", *files)


def _sections(site: Site) -> dict[str, str]:
    return dict(site.setting("editions")["en"]["categories"])


def section_url(slug: str) -> str:
    return f"{ORIGIN}/{slug}/"


def _page(site: Site, title: str, url: str, main: str, meta: str = "") -> str:
    menu = f'<li><a href="{ORIGIN}/latest/">Latest</a></li>' + "".join(
        f'<li><a href="{section_url(s)}">{esc(n)}</a></li>' for s, n in _sections(site).items()
    )
    latest = "".join(
        f'<li><span class="time">{a.published:%H:%M}</span> <a href="{a.url}">{esc(a.title)}</a></li>'
        for a in site.newest("en")
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="AzerNews">
<meta property="og:url" content="{url}">
<meta name="twitter:site" content="@AzerNewsAz">
{meta}<link rel="alternate" type="application/rss+xml" title="AzerNews RSS" href="{ORIGIN}/rss/">
<link rel="stylesheet" href="{ORIGIN}/assets/css/style.css?v=2.7">
</head>
<body>
<header class="site-header"><div class="container">
<a class="logo" href="{ORIGIN}/"><img src="{ORIGIN}/assets/img/logo.png" alt="AzerNews"></a>
<nav class="main-nav"><ul>{menu}</ul></nav>
</div></header>
<div class="container"><div class="row">
<div class="col-md-8">{main}</div>
<div class="col-md-4"><div class="sidebar-block"><h3>Latest</h3><ul class="latest-list">{latest}</ul></div></div>
</div></div>
<footer class="site-footer"><div class="container"><p>&copy; 2026 AzerNews. {esc(site.setting("copyright"))}</p></div></footer>
<script src="{ORIGIN}/assets/js/app.js?v=2.7"></script>
</body>
</html>
"""


def article_page(site: Site, a: Article) -> str:
    sections = _sections(site)
    slug = a.categories[0]
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(
        2,
        '<div class="ad-inline"><span>Advertisement</span><ins class="adsbygoogle" data-ad-slot="7712"></ins></div>',
    )
    appeal = "".join(f"<p>{line}</p>" for line in site.setting("appeal"))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": a.url},
        "headline": a.title,
        "datePublished": a.published.isoformat(),
        "dateModified": a.modified.isoformat(),
        "articleSection": sections[slug],
        "author": {"@type": "Person", "name": a.author}
        if a.author
        else {"@type": "Organization", "name": "AzerNews"},
        "publisher": {
            "@type": "Organization",
            "name": "AzerNews",
            "logo": {"@type": "ImageObject", "url": f"{ORIGIN}/assets/img/logo.png"},
        },
    }
    if a.image:
        data["image"] = [a.image]
    meta = (
        f'<meta name="description" content="{esc(a.excerpt(25))}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(a.title)} - AzerNews">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
        + f'<script type="application/ld+json">{json_ld(data)}</script>\n'
    )
    author = (
        f'<div class="article-author">By <span>{esc(a.author)}</span></div>' if a.author else ""
    )
    image = f'<div class="article-photo"><img src="{a.image}" alt=""></div>' if a.image else ""
    main = f"""<div class="article-page">
<div class="article-meta"><a class="category" href="{section_url(slug)}">{esc(sections[slug])}</a> <span class="date">{visible_date(a.published)}</span></div>
<h1 class="article-title">{esc(a.title)}</h1>
{author}{image}<div class="article-content">{"".join(paragraphs)}{appeal}</div>
<div class="article-share"><a href="https://www.facebook.com/sharer/sharer.php?u={a.url}">Facebook</a> <a href="https://x.com/share?url={a.url}">X</a></div>
</div>"""
    return _page(site, f"{a.title} - AzerNews", a.url, main, meta)


def _items(articles: list[Article]) -> str:
    return "".join(
        f'<div class="news-item"><a class="news-title" href="{a.url}">{esc(a.title)}</a>'
        f'<span class="news-date">{visible_date(a.published)}</span><p>{esc(a.excerpt(20))}</p></div>'
        for a in articles
    )


def listing(site: Site, routes: Routes, base: str, heading: str, articles: list[Article]) -> None:
    """A section and its further pages (?page=N, li.next a), filed in `routes`."""
    pages = paginate(articles, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        nav = ""
        if len(pages) > 1:
            prev = (
                f'<li class="prev"><a href="{base if n == 2 else f"{base}?page={n - 1}"}">Previous</a></li>'
                if n > 1
                else ""
            )
            nxt = (
                f'<li class="next"><a href="{base}?page={n + 1}">Next</a></li>'
                if n < len(pages)
                else ""
            )
            nav = f'<ul class="pagination">{prev}<li class="active"><span>{n}</span></li>{nxt}</ul>'
        main = f'<div class="section-page"><h1 class="section-title">{esc(heading)}</h1>{_items(chunk)}{nav}</div>'
        url = base if n == 1 else f"{base}?page={n}"
        routes.page(
            url,
            _page(
                site,
                f"{heading} - AzerNews",
                url,
                main,
                '<meta property="og:type" content="website">\n',
            ),
            _src(site, "listing", *(a.source for a in chunk)),
        )


def feed(site: Site, articles: list[Article]) -> str:
    sections = _sections(site)
    items = [
        f"""<item>
<title>{esc(a.title)}</title>
<link>{a.url}</link>
<description>{esc(a.excerpt(30))}</description>
<category>{esc(sections[a.categories[0]])}</category>
<pubDate>{rfc822(a.published)}</pubDate>
<guid>{a.url}</guid>
</item>"""
        for a in articles
    ]
    channel = {
        "title": "AzerNews",
        "link": ORIGIN + "/",
        "description": "Azerbaijan news",
        "language": "en",
    }
    return rss(channel, items)


def build(site: Site) -> Routes:
    not_found = _page(
        site, "Page not found - AzerNews", ORIGIN + "/404", "<h1>404</h1><p>Page not found</p>"
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
    articles = site.select("en")
    newest = articles[: site.setting("per_page")]
    home = f'<div class="home-news">{_items(newest)}</div>'
    routes.page(
        ORIGIN + "/",
        _page(site, "AzerNews - Azerbaijan news", ORIGIN + "/", home),
        _src(site, "build", *(a.source for a in newest)),
    )
    listing(site, routes, ORIGIN + "/latest/", "Latest news", articles)
    for slug, name in _sections(site).items():
        listing(site, routes, section_url(slug), name, site.select("en", category=slug))
    items = site.newest("en")
    for path in ("/rss/", "/feed.php"):
        routes.page(
            ORIGIN + path, feed(site, items), _src(site, "feed", *(a.source for a in items)), RSS
        )
    return routes
