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

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import RSS, esc, paginate, rfc822, rss
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://hetq.am"


@dataclass(frozen=True)
class Edition:
    code: str  # "hy", "en": the path segment and the language
    title: str
    months: tuple[str, ...]  # genitive in Armenian
    labels: dict[str, str]
    categories: dict[str, str]

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
        return f"{when.day} {self.months[when.month - 1]}, {when.year} {when:%H:%M}"


def editions(site: Site) -> dict[str, Edition]:
    return {
        code: Edition(
            code, ed["title"], tuple(ed["months"]), dict(ed["labels"]), dict(ed["categories"])
        )
        for code, ed in site.setting("editions").items()
    }


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"hetq_am.py:{renderer}", *files)


def _page(site: Site, ed: Edition, title: str, path: str, main: str, head: str = "") -> str:
    menu = "".join(
        f'<li><a href="{ed.category(s)}">{esc(n)}</a></li>' for s, n in ed.categories.items()
    )
    active = ' class="active"'
    langs = "".join(
        f'<li{active if o.code == ed.code else ""}><a href="{o.home}">{esc(o.labels["lang"])}</a></li>'
        for o in editions(site).values()
    )
    return f"""<!DOCTYPE html>
<html lang="{ed.code}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{ORIGIN}{path}">
<meta property="og:site_name" content="Hetq.am">
<meta property="og:url" content="{ORIGIN}{path}">
{head}<link rel="alternate" type="application/rss+xml" title="{esc(ed.title)}" href="{ORIGIN}{ed.feed}">
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
    head = (
        f'<meta name="description" content="{esc(a.excerpt(25))}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
    )
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
    site: Site, ed: Edition, routes: Routes, path: str, heading: str, articles: list[Article]
) -> None:
    pages = paginate(articles, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):

        def href(i: int) -> str:
            return path if i == 1 else f"{path}?page={i}"

        nav = ""
        if len(pages) > 1:
            items = [f'<li class="prev"><a href="{href(n - 1)}">&laquo;</a></li>' if n > 1 else ""]
            items += [
                f'<li class="active"><span>{i}</span></li>'
                if i == n
                else f'<li><a href="{href(i)}">{i}</a></li>'
                for i in range(1, len(pages) + 1)
            ]
            items.append(
                f'<li class="next"><a href="{href(n + 1)}">&raquo;</a></li>'
                if n < len(pages)
                else ""
            )
            nav = f'<ul class="pagination">{"".join(items)}</ul>'
        url = href(n)
        main = f'<h1 class="page-title">{esc(heading)}</h1><div class="news-list">{_items(ed, chunk)}</div>{nav}'
        routes.page(
            url,
            _page(
                site,
                ed,
                f"{heading} | Hetq.am",
                url,
                main,
                '<meta property="og:type" content="website">\n',
            ),
            _src(site, "listing", *(a.source for a in chunk)),
        )


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        f"""<item>
<title>{esc(a.title)}</title>
<link>{a.url}</link>
<description>{esc(a.excerpt(40))}</description>
<pubDate>{rfc822(a.published)}</pubDate>
<guid>{a.url}</guid>
</item>"""
        for a in articles
    ]
    channel = {
        "title": ed.title,
        "link": f"{ORIGIN}{ed.home}",
        "description": ed.title,
        "language": ed.code,
    }
    return rss(channel, items)


def not_found_page(site: Site) -> str:
    ed = editions(site)["hy"]
    main = '<div class="error-404"><h1>404</h1><p>Էջը չի գտնվել</p></div>'
    return _page(site, ed, "404 | Hetq.am", "/404", main)


def build(site: Site) -> Routes:
    eds = editions(site)
    routes = Routes(
        site.host,
        redirect_slash=False,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/hy", 302, _src(site, "build"))
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
        newest = articles[: site.setting("per_page")]
        main = (
            f'<div class="news-list">{_items(ed, newest)}</div>'
            f'<a class="more-news" href="{ed.news}">{esc(ed.labels["all"])}</a>'
        )
        routes.page(
            ed.home,
            _page(
                site, ed, ed.title, ed.home, main, '<meta property="og:type" content="website">\n'
            ),
            _src(site, "home", *(a.source for a in newest)),
        )
        listing(site, ed, routes, ed.news, ed.labels["all"], articles)
        for slug, name in ed.categories.items():
            listing(site, ed, routes, ed.category(slug), name, site.select(ed.code, category=slug))
        newest = site.newest(ed.code)
        routes.page(
            ed.feed, feed(site, ed, newest), _src(site, "feed", *(a.source for a in newest)), RSS
        )
    return routes
