"""interpressnews.ge as the mirror renders it: the agency's own CMS, editions /ka/, /en/, /ru/.

No RSS (/ka/rss answers 404). Listings mark each item with schema.org microdata
(``itemtype="https://schema.org/Article"``, ``a[itemprop=url]``, ``time[itemprop=datePublished]``
with a +04:00 datetime); a JSON endpoint, /<ed>/api/latest?page=N, lists the newest
articles with their URLs (an empty page after the last). Article pages have Open Graph meta
but no machine-readable date: only ``.articledate`` in the edition's language
("7 ივლისი 2026, 14:20", "7 июля 2026, 14:20"); ``.articlecatname`` names the category,
``h1.articletitle`` the title, ``.articlecontent_in`` holds the body, with an advertisement
block in the middle and a "follow us on Telegram" line at the end. The "latest news" column
beside every page is plain links (no microdata) without the trailing slash, which answer 301
to the article's own URL: real articles are cited in both spellings (evidence/README.md).
Links are root-relative.

Routes (words from sites/interpressnews.ge/, markup from here):
  /<ed>/article/<id>-<slug>/              an article: articles/<ed>-<id>.toml
  /<ed>/article/<id>-<slug>               301 to the article (the trailing-slash redirect)
  /<ed>/                                  the edition's home: newest articles (?page=N)
  /<ed>/category/<id>-<slug>/[?page=N]    a category's articles
  /<ed>/api/latest[?page=N]               JSON: the newest articles, per_page a page
  /                                       302 to /ka/
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

import json
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import article_meta, esc, page_head, paginate, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://interpressnews.ge"
JSON = "application/json"
# query-only links, rel=prev and rel=next on the arrows
PAGER = Pager(
    '<ul class="pagination">{links}</ul>',
    current='<li class="active"><span>{n}</span></li>',
    link='<li><a href="{href}">{n}</a></li>',
    prev='<li class="prev"><a href="{href}" rel="prev">&laquo;</a></li>',
    next='<li class="next"><a href="{href}" rel="next">&raquo;</a></li>',
)


class Edition(SiteEdition):
    """An edition ("ka", "en", "ru"); its categories' slugs carry an id: "1-politics"."""

    @property
    def home(self) -> str:
        return f"/{self.code}/"

    def category(self, slug: str) -> str:
        return f"/{self.code}/category/{slug}/"

    def visible_date(self, when: datetime) -> str:
        return f"{when.day} {self.month(when)} {when.year}, {when:%H:%M}"


def article_id(article: Article) -> int:
    return int(article.slug.split("-", 1)[0])


def _page(site: Site, ed: Edition, title: str, path: str, meta: str, main: str, side: str) -> str:
    menu = "".join(
        f'<li><a href="{ed.category(slug)}">{esc(name)}</a></li>'
        for slug, name in ed.categories.items()
    )
    langs = "".join(
        f'<a class="lang{" active" if o is ed else ""}" href="{o.home}">{o.code.upper()}</a>'
        for o in editions(site, Edition).values()
    )
    head_start = page_head(ed.code, title, ORIGIN + path, "Interpressnews")
    return f"""{head_start}{meta}<link rel="stylesheet" href="/static/css/style.min.css?v=4.12">
<link rel="icon" href="/static/img/favicon.png">
</head>
<body>
<header class="header"><div class="container">
<a class="logo" href="{ed.home}"><img src="/static/img/logo-{ed.code}.svg" alt="Interpressnews"></a>
<nav class="mainmenu"><ul>{menu}</ul></nav>
<div class="langs">{langs}</div>
</div></header>
<div class="container main"><div class="row">
<div class="col-md-8 content">{main}</div>
<div class="col-md-4 sidebar">{side}</div>
</div></div>
<footer class="footer"><div class="container"><p>&copy; Interpressnews 2026. {esc(ed.labels["copyright"])}</p></div></footer>
<script src="/static/js/main.min.js?v=4.12"></script>
</body>
</html>
"""


def _latest(site: Site, ed: Edition) -> str:
    """The "latest news" column beside every page: plain links, no microdata, and no trailing
    slash (the site's other spelling of an article's URL, redirected to its own)."""
    items = "".join(
        f'<li><span class="time">{a.published:%H:%M}</span> <a href="{a.path.rstrip("/")}">{esc(a.title)}</a></li>'
        for a in site.select(ed.code)[:4]
    )
    return f'<div class="latestnews"><h4 class="blocktitle">{esc(ed.labels["latest"])}</h4><ul>{items}</ul></div>'


def article_page(site: Site, ed: Edition, a: Article) -> str:
    meta = article_meta(a, "og:type og:title og:description og:image")
    cats = ", ".join(
        f'<a href="{ed.category(c)}">{esc(ed.categories[c])}</a>' for c in a.categories
    )
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(
        min(2, len(paragraphs)),
        f'<div class="inarticle_banner"><p class="adlabel">{esc(ed.labels["ad"])}</p>'
        '<a href="https://track.adform.net/C/?bn=41733017" rel="nofollow sponsored" target="_blank"><img src="/media/banners/in-article-640x120.jpg" alt=""></a></div>',
    )
    paragraphs.append(
        f'<p class="follow_tg">{esc(ed.labels["follow"])} <a href="https://t.me/interpressnews_{ed.code}" target="_blank">t.me/interpressnews_{ed.code}</a></p>'
    )
    image = f'<div class="articleimage"><img src="{a.image}" alt=""></div>' if a.image else ""
    main = f"""<div class="article_block">
<div class="articlecatname">{cats}</div>
<h1 class="articletitle">{esc(a.title)}</h1>
<div class="articledate">{ed.visible_date(a.published)}</div>
{image}<div class="articlecontent"><div class="articlecontent_in">{"".join(paragraphs)}</div></div>
<div class="article_share"><a href="https://www.facebook.com/sharer/sharer.php?u={ORIGIN}{a.path}" class="fb">Facebook</a> <a href="https://x.com/intent/tweet?url={ORIGIN}{a.path}" class="x">X</a></div>
</div>"""
    return _page(site, ed, f"{a.title} - Interpressnews", a.path, meta, main, _latest(site, ed))


def _item(a: Article) -> str:
    """A listing item with its schema.org microdata."""
    return (
        f'<div class="newsitem" itemscope itemtype="https://schema.org/Article">'
        f'<a itemprop="url" href="{a.path}"><img itemprop="image" src="{a.image or "/static/img/noimage.jpg"}" alt="">'
        f'<h3 itemprop="headline">{esc(a.title)}</h3></a>'
        f'<time itemprop="datePublished" datetime="{w3c(a.published)}">{a.published:%H:%M}</time></div>'
    )


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, path: str, heading: str, articles: list[Article]
) -> None:
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={n}")):
        nav = PAGER.render(page, page_urls(path, "?page={n}"))
        main = (
            f'<h1 class="pagetitle">{esc(heading)}</h1><div class="newslist">{"".join(_item(a) for a in page.articles)}</div>'
            f"{nav}"
        )
        meta = '<meta property="og:type" content="website">\n'
        html = _page(
            site, ed, f"{heading} - Interpressnews", page.url, meta, main, _latest(site, ed)
        )
        routes.file(page.url, html, "listing", page.articles)


def api_pages(site: Site, ed: Edition, routes: OutletRoutes) -> None:
    """/<ed>/api/latest?page=N: JSON pages of the newest articles, then one empty page."""
    path = f"/{ed.code}/api/latest"
    pages = [list(p) for p in paginate(site.select(ed.code), site.setting("per_page"))]
    pages.append([])
    for n, chunk in enumerate(pages, 1):
        data = {
            "count": len(site.select(ed.code)),
            "page": n,
            "next": f"{ORIGIN}{path}?page={n + 1}" if n < len(pages) - 1 else None,
            "results": [
                {
                    "id": article_id(a),
                    "title": a.title,
                    "url": f"{ORIGIN}{a.path}",
                    "published": w3c(a.published),
                    "category": [
                        {"name": ed.categories[c], "url": f"{ORIGIN}{ed.category(c)}"}
                        for c in a.categories
                    ],
                    "image": a.image,
                }
                for a in chunk
            ],
        }
        body = json.dumps(data, ensure_ascii=False)
        routes.file(f"{path}?page={n}", body, "api_pages", chunk, JSON)
        if n == 1:
            routes.file(path, body, "api_pages", chunk, JSON)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["ka"]
    main = '<div class="error404"><h1>404</h1><p>გვერდი ვერ მოიძებნა</p></div>'
    return _page(site, ed, "404 - Interpressnews", "/404/", "", main, "")


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/ka/", 302, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        listing(site, ed, routes, ed.home, ed.labels["latest"], site.select(ed.code))
        for slug, name in ed.categories.items():
            listing(site, ed, routes, ed.category(slug), name, site.select(ed.code, slug))
        api_pages(site, ed, routes)
    return routes
