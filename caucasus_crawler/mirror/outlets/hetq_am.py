"""hetq.am as the mirror renders it: the investigative outlet's own CMS, editions /hy and /en.

Article pages have Open Graph meta (og:type article) but no article:* meta, no JSON-LD and
no ``<time>``: the date is only the visible ``.article-date``, in Armenian with the month in
the genitive, "17 դեկտեմբերի, 2025 14:32" ("17 December, 2025 14:32" in English). Inside the
body a "support Hetq" box interrupts the text and the typo notice ("If you found a typo…
Ctrl+Enter") ends it. Section listings (``/<ed>/category/<slug>``, a guess) paginate with
``?page=N`` and ``li.next``; the feeds ``/hy/rss`` and ``/en/rss`` carry teasers.

Routes (words from sites/hetq.am/, markup from here):
  /<ed>/article/<id>                  article: articles/<ed>-<id>.toml
  /<ed>                               edition home: the newest articles
  /<ed>/news[?page=N]                 all articles, newest first
  /<ed>/category/<slug>[?page=N]      section listing
  /<ed>/rss                           RSS 2.0 of the edition
  /                                   302 to /hy
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, news_feed, news_item, page_head
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://hetq.am"
PAGER = Pager(
    '<ul class="pagination">{links}</ul>',
    current='<li class="active"><span>{n}</span></li>',
    link='<li><a href="{href}">{n}</a></li>',
    prev='<li class="prev"><a href="{href}">&laquo;</a></li>',
    next='<li class="next"><a href="{href}">&raquo;</a></li>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code ("hy", "en") is the path segment and the language; its months
    are genitive in Armenian."""

    title: str

    @property
    def home(self) -> str:
        return f"/{self.code}"

    @property
    def news(self) -> str:
        return f"/{self.code}/news"

    @property
    def feed(self) -> str:
        return f"/{self.code}/rss"

    def category(self, slug: str) -> str:
        return f"/{self.code}/category/{slug}"

    def visible_date(self, when: datetime) -> str:
        return f"{when.day} {self.month(when)}, {when.year} {when:%H:%M}"


def _page(site: Site, ed: Edition, title: str, path: str, main: str, head: str = "") -> str:
    menu = "".join(
        f'<li><a href="{ed.category(s)}">{esc(n)}</a></li>' for s, n in ed.categories.items()
    )
    active = ' class="active"'
    langs = "".join(
        f'<li{active if o.code == ed.code else ""}><a href="{o.home}">{esc(o.labels["lang"])}</a></li>'
        for o in editions(site, Edition).values()
    )
    head_start = page_head(ed.code, title, ORIGIN + path, "Hetq.am", charset="UTF-8")
    return f"""{head_start}{head}<link rel="alternate" type="application/rss+xml" title="{esc(ed.title)}" href="{ORIGIN}{ed.feed}">
<link href="/css/app.css?id=b41a2f07" rel="stylesheet">
</head>
<body>
<header class="site-header"><div class="container">
<a class="logo" href="{ed.home}"><img src="/img/logo-{ed.code}.png" alt="Hetq"></a>
<ul class="main-menu"><li><a href="{ed.news}">{esc(ed.labels["all"])}</a></li>{menu}</ul>
<ul class="lang-menu">{langs}</ul>
</div></header>
<main class="site-main"><div class="container">{main}</div></main>
<footer class="site-footer"><div class="container">
<p>&copy; 2001-2026 {esc(ed.labels["copyright"])}</p>
<p><a href="{ed.feed}">RSS</a></p>
</div></footer>
<script src="/js/app.js?id=0c7d55e1"></script>
</body>
</html>
"""


def article_page(site: Site, ed: Edition, a: Article) -> str:
    cats = " ".join(f'<a href="{ed.category(c)}">{esc(ed.categories[c])}</a>' for c in a.categories)
    author = f'<span class="article-author">{esc(a.author)}</span>' if a.author else ""
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    support = (
        f'<div class="support-hetq"><p>{esc(ed.labels["support"])}</p>'
        f'<a class="btn-support" href="https://www.patreon.com/hetq" target="_blank">{esc(ed.labels["support_button"])}</a></div>'
    )
    paragraphs.insert(len(paragraphs) // 2, support)
    image = (
        f'<div class="article-image"><img src="{a.image}" alt="{esc(a.title)}"></div>'
        if a.image
        else ""
    )
    tags = "".join(f"<li>{esc(t)}</li>" for t in a.tags)
    tags = f'<ul class="article-tags">{tags}</ul>' if tags else ""
    head = article_meta(a, "description og:type og:title og:description og:image")
    more = "".join(
        f'<li><a href="{r.path}">{esc(r.title)}</a></li>'
        for r in site.select(ed.code)
        if r is not a
    )
    main = f"""<div class="row"><div class="col-md-8">
<div class="article-page">
<div class="article-header">
<div class="article-cat">{cats}</div>
<h1 class="article-title">{esc(a.title)}</h1>
<div class="article-meta">{author}<span class="article-date">{ed.visible_date(a.published)}</span></div>
</div>
{image}<div class="article-content">
{"".join(paragraphs)}
<p class="typo-note">{esc(ed.labels["typo"])}</p>
</div>
{tags}
</div>
</div>
<div class="col-md-4"><div class="sidebar-block"><h3>{esc(ed.labels["more"])}</h3><ul class="sidebar-list">{more}</ul></div></div></div>"""
    return _page(site, ed, f"{a.title} | Hetq.am", a.path, main, head)


def _items(ed: Edition, articles: list[Article]) -> str:
    return "".join(
        f'<div class="news-item"><a class="news-item-img" href="{a.path}"><img src="{a.image or "/img/noimage.jpg"}" alt=""></a>'
        f'<div class="news-item-body"><h3><a href="{a.path}">{esc(a.title)}</a></h3>'
        f'<span class="news-item-date">{ed.visible_date(a.published)}</span>'
        f"<p>{esc(a.excerpt(20))}</p></div></div>"
        for a in articles
    )


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, path: str, heading: str, articles: list[Article]
) -> None:
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={n}")):
        main = f'<h1 class="page-title">{esc(heading)}</h1><div class="news-list">{_items(ed, page.articles)}</div>{PAGER.render(page)}'
        head = '<meta property="og:type" content="website">\n'
        html = _page(site, ed, f"{heading} | Hetq.am", page.url, main, head)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [news_item(a, a.excerpt(40)) for a in articles]
    return news_feed(items, ed.title, f"{ORIGIN}{ed.home}", ed.title, ed.code)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["hy"]
    main = '<div class="error-404"><h1>404</h1><p>Էջը չի գտնվել</p></div>'
    return _page(site, ed, "404 | Hetq.am", "/404", main)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site), redirect_slash=False)
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/hy", 302, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        articles = site.select(ed.code)
        newest = articles[: site.setting("per_page")]
        main = (
            f'<div class="news-list">{_items(ed, newest)}</div>'
            f'<a class="more-news" href="{ed.news}">{esc(ed.labels["all"])}</a>'
        )
        head = '<meta property="og:type" content="website">\n'
        routes.file(ed.home, _page(site, ed, ed.title, ed.home, main, head), "home", newest)
        listing(site, ed, routes, ed.news, ed.labels["all"], articles)
        for slug, name in ed.categories.items():
            listing(site, ed, routes, ed.category(slug), name, site.select(ed.code, category=slug))
        newest = site.newest(ed.code)
        routes.file(ed.feed, feed(site, ed, newest), "feed", newest, RSS)
    return routes
