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

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    article_meta,
    esc,
    json_ld,
    news_feed,
    news_item,
    page_head,
)
from caucasus_crawler.mirror.renderer import OutletRoutes

ORIGIN = "https://azernews.az"
# the arrows around the page's number
PAGER = Pager(
    '<ul class="pagination">{links}</ul>',
    current='<li class="active"><span>{n}</span></li>',
    prev='<li class="prev"><a href="{href}">Previous</a></li>',
    next='<li class="next"><a href="{href}">Next</a></li>',
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def visible_date(when: datetime) -> str:
    """'21 July 2025 14:01 (UTC+04:00)'."""
    offset = f"{when:%z}"
    return f"{when.day} {MONTHS[when.month - 1]} {when.year} {when:%H:%M} (UTC{offset[:3]}:{offset[3:]})"


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
    head_start = page_head("en", title, url, "AzerNews", charset="UTF-8")
    return f"""{head_start}<meta name="twitter:site" content="@AzerNewsAz">
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
    meta = article_meta(
        a,
        "description og:type og:title og:description og:image",
        values={"og:title": f"{a.title} - AzerNews"},
    )
    meta += f'<script type="application/ld+json">{json_ld(data)}</script>\n'
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


def listing(
    site: Site, routes: OutletRoutes, base: str, heading: str, articles: list[Article]
) -> None:
    """A section and its further pages (?page=N, li.next a), filed in `routes`."""
    for page in listing_pages(site, articles, page_urls(base, "{first}?page={n}")):
        main = f'<div class="section-page"><h1 class="section-title">{esc(heading)}</h1>{_items(page.articles)}{PAGER.render(page)}</div>'
        head = '<meta property="og:type" content="website">\n'
        html = _page(site, f"{heading} - AzerNews", page.url, main, head)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, articles: list[Article]) -> str:
    sections = _sections(site)
    items = [news_item(a, a.excerpt(30), [sections[a.categories[0]]]) for a in articles]
    return news_feed(items, "AzerNews", ORIGIN + "/", "Azerbaijan news", "en")


def build(site: Site) -> OutletRoutes:
    not_found = _page(
        site, "Page not found - AzerNews", ORIGIN + "/404", "<h1>404</h1><p>Page not found</p>"
    )
    routes = OutletRoutes(site, __name__, not_found, not_found_part="build")
    for a in site.articles:
        routes.article(a, article_page(site, a))
    articles = site.select("en")
    newest = articles[: site.setting("per_page")]
    home = f'<div class="home-news">{_items(newest)}</div>'
    html = _page(site, "AzerNews - Azerbaijan news", ORIGIN + "/", home)
    routes.file(ORIGIN + "/", html, "build", newest)
    listing(site, routes, ORIGIN + "/latest/", "Latest news", articles)
    for slug, name in _sections(site).items():
        listing(site, routes, section_url(slug), name, site.select("en", category=slug))
    items = site.newest("en")
    for path in ("/rss/", "/feed.php"):
        routes.file(ORIGIN + path, feed(site, items), "feed", items, RSS)
    return routes
