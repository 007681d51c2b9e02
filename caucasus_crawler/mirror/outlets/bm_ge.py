"""bm.ge (Business Media Georgia) as the mirror renders it: its own CMS, Georgian at /ka/ and
English at /en/.

/rss answers 403 (the feed is closed to crawlers). Articles are /<ed>/article/<slug>/<id>;
Georgian slugs are in Georgian script, percent-encoded (upper-case hex) in links and in the
canonical URL. The "all news" listing is a date range, /<ed>/all-news/DD.MM.YYYY-DD.MM.YYYY/<page>/,
the range running from the oldest to the newest article; categories are
/<ed>/category/<slug>/[<page>/]. Article pages carry a JSON-LD NewsArticle (dates +04:00)
and Open Graph meta; the visible date is abbreviated ("07 ივლ. 2026 14:20"). Inside the
body: an advertisement, a reprint notice and an "also interesting" block.

Routes (words from sites/bm.ge/, markup from here):
  /<ed>/article/<slug>/<id>                   an article: articles/<ed>-<id>.toml
  /<ed>/                                      the edition's home: the newest articles
  /<ed>/all-news/<from>-<to>/<page>/          all news of the range, newest first
  /<ed>/category/<slug>/[<page>/]             a category's articles
  /rss                                        403
  /                                           302 to /ka/
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import esc, json_ld, paginate, w3c
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://bm.ge"
NAME = "BM.GE"


@dataclass(frozen=True)
class Edition:
    code: str
    months: tuple[str, ...]  # abbreviated, as the dates print them
    labels: dict[str, str]
    categories: dict[str, str]

    @property
    def home(self) -> str:
        return f"{ORIGIN}/{self.code}/"

    def category(self, slug: str, page: int = 1) -> str:
        return f"{ORIGIN}/{self.code}/category/{slug}/" + (f"{page}/" if page > 1 else "")

    def visible_date(self, when: datetime) -> str:
        return f"{when:%d} {self.months[when.month - 1]} {when.year} {when:%H:%M}"


def editions(site: Site) -> dict[str, Edition]:
    return {
        code: Edition(code, tuple(ed["months"]), dict(ed["labels"]), dict(ed["categories"]))
        for code, ed in site.setting("editions").items()
    }


def all_news(site: Site, ed: Edition, page: int = 1) -> str:
    """The date-range listing: from the oldest to the newest article of the edition."""
    articles = site.select(ed.code)
    first, last = articles[-1].published, articles[0].published
    return f"{ORIGIN}/{ed.code}/all-news/{first:%d.%m.%Y}-{last:%d.%m.%Y}/{page}/"


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"bm_ge.py:{renderer}", *files)


def _page(site: Site, ed: Edition, title: str, url: str, meta: str, main: str) -> str:
    menu = "".join(
        f'<li class="nav-item"><a class="nav-link" href="{ed.category(s)}">{esc(n)}</a></li>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<a class="lang-link{" active" if o is ed else ""}" href="{o.home}">{o.code.upper()}</a>'
        for o in editions(site).values()
    )
    return f"""<!DOCTYPE html>
<html lang="{ed.code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<title>{esc(title)}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="BM.GE">
<meta property="og:url" content="{url}">
{meta}<link rel="stylesheet" href="{ORIGIN}/css/app.css?id=3f9a1c27">
<link rel="icon" href="{ORIGIN}/favicon.ico">
</head>
<body>
<header class="header"><div class="container d-flex">
<a class="logo" href="{ed.home}"><img src="{ORIGIN}/images/logo.svg" alt="BM.GE"></a>
<ul class="nav main-nav"><li class="nav-item"><a class="nav-link" href="{all_news(site, ed)}">{esc(ed.labels["all_news"])}</a></li>{menu}</ul>
<div class="langs">{langs}</div>
</div></header>
<main class="container main-content">{main}</main>
<footer class="footer"><div class="container"><p>&copy; 2026 Business Media Georgia. {esc(ed.labels["copyright"])}</p></div></footer>
<script src="{ORIGIN}/js/app.js?id=8c1e45d0"></script>
</body>
</html>
"""


def _schema(ed: Edition, a: Article) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": a.url},
        "headline": a.title,
        "image": [a.image] if a.image else [],
        "datePublished": w3c(a.published),
        "dateModified": w3c(a.modified),
        "articleSection": [ed.categories[c] for c in a.categories],
        "inLanguage": ed.code,
        "author": {"@type": "Organization", "name": NAME},
        "publisher": {
            "@type": "Organization",
            "name": "Business Media Georgia",
            "logo": {"@type": "ImageObject", "url": f"{ORIGIN}/images/logo.png"},
        },
    }


def article_page(site: Site, ed: Edition, a: Article) -> str:
    meta = (
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
        + f'<script type="application/ld+json">{json_ld(_schema(ed, a))}</script>\n'
    )
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(
        min(2, len(paragraphs)),
        '<div class="banner banner-in-article"><a href="https://track.adform.net/C/?bn=52810044" target="_blank" rel="nofollow sponsored">'
        f'<img src="{ORIGIN}/uploads/banners/bog-business-728x90.jpg" alt=""></a></div>',
    )
    paragraphs.append(f'<p class="reprint"><em>{esc(ed.labels["reprint"])}</em></p>')
    others = [o for o in site.select(ed.code) if o is not a][:3]
    interesting = "".join(f'<li><a href="{o.url}">{esc(o.title)}</a></li>' for o in others)
    paragraphs.append(
        f'<div class="also-interesting"><h4>{esc(ed.labels["also"])}</h4><ul>{interesting}</ul></div>'
    )
    cats = " ".join(
        f'<a class="article-category" href="{ed.category(c)}">{esc(ed.categories[c])}</a>'
        for c in a.categories
    )
    image = (
        f'<figure class="article-image"><img src="{a.image}" alt="{esc(a.title)}"></figure>'
        if a.image
        else ""
    )
    main = f"""<div class="row"><div class="col-lg-8">
<div class="article-page">
<div class="article-meta">{cats} <span class="article-date">{ed.visible_date(a.published)}</span></div>
<h1 class="article-title">{esc(a.title)}</h1>
{image}<div class="article-text">{"".join(paragraphs)}</div>
<div class="article-share"><span>{esc(ed.labels["share"])}</span> <a href="https://www.facebook.com/sharer/sharer.php?u={a.url}">Facebook</a> <a href="https://www.linkedin.com/sharing/share-offsite/?url={a.url}">LinkedIn</a></div>
</div></div>
<div class="col-lg-4"><div class="sidebar-news"><h3>{esc(ed.labels["latest"])}</h3><ul>{"".join(f'<li><a href="{o.url}">{esc(o.title)}</a></li>' for o in site.select(ed.code)[:4])}</ul></div></div></div>"""
    return _page(site, ed, f"{a.title} | {NAME}", a.url, meta, main)


def _pagination(href, page: int, count: int) -> str:
    if count < 2:
        return ""
    items = (
        [
            f'<li class="page-item"><a class="page-link" href="{href(page - 1)}" rel="prev">&lsaquo;</a></li>'
        ]
        if page > 1
        else []
    )
    items += [
        f'<li class="page-item active"><span class="page-link">{n}</span></li>'
        if n == page
        else f'<li class="page-item"><a class="page-link" href="{href(n)}">{n}</a></li>'
        for n in range(1, count + 1)
    ]
    if page < count:
        items.append(
            f'<li class="page-item"><a class="page-link" href="{href(page + 1)}" rel="next">&rsaquo;</a></li>'
        )
    return f'<nav><ul class="pagination">{"".join(items)}</ul></nav>'


def listing(
    site: Site, ed: Edition, routes: Routes, href, heading: str, articles: list[Article]
) -> None:
    """A listing; `href(n)` is the URL of its page n."""
    pages = paginate(articles, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        items = "".join(
            f'<div class="news-card"><a class="news-card__img" href="{a.url}"><img src="{a.image or ORIGIN + "/images/placeholder.jpg"}" alt=""></a>'
            f'<div class="news-card__body"><a class="news-card__title" href="{a.url}">{esc(a.title)}</a>'
            f'<span class="news-card__date">{ed.visible_date(a.published)}</span></div></div>'
            for a in chunk
        )
        main = f'<h1 class="page-title">{esc(heading)}</h1><div class="news-list">{items}</div>{_pagination(href, n, len(pages))}'
        meta = '<meta property="og:type" content="website">\n'
        routes.page(
            href(n),
            _page(site, ed, f"{heading} | {NAME}", href(n), meta, main),
            _src(site, "listing", *(a.source for a in chunk)),
        )


def forbidden() -> Resource:
    body = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    return Resource(body.encode(), HTML, 403, (), "the site's closed feed (bm_ge.py:forbidden)")


def not_found_page(site: Site) -> str:
    ed = editions(site)["ka"]
    return _page(
        site,
        ed,
        f"404 | {NAME}",
        f"{ORIGIN}/ka/",
        "",
        '<div class="error-page"><h1>404</h1><p>გვერდი ვერ მოიძებნა</p></div>',
    )


def build(site: Site) -> Routes:
    eds = editions(site)
    routes = Routes(
        site.host,
        redirect_slash=False,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/ka/", 302, _src(site, "build"))
    routes.add("/rss", forbidden())
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
        items = "".join(
            f'<div class="main-news"><a class="main-news__title" href="{a.url}">{esc(a.title)}</a><span class="main-news__date">{ed.visible_date(a.published)}</span></div>'
            for a in newest
        )
        main = f'<section class="home-news">{items}<a class="more" href="{all_news(site, ed)}">{esc(ed.labels["all_news"])}</a></section>'
        routes.page(
            ed.home,
            _page(
                site,
                ed,
                f"{NAME} | {ed.labels['tagline']}",
                ed.home,
                '<meta property="og:type" content="website">\n',
                main,
            ),
            _src(site, "build", *(a.source for a in newest)),
        )
        listing(
            site,
            ed,
            routes,
            lambda n, ed=ed: all_news(site, ed, n),
            ed.labels["all_news"],
            articles,
        )
        for slug, name in ed.categories.items():
            listing(
                site,
                ed,
                routes,
                lambda n, ed=ed, slug=slug: ed.category(slug, n),
                name,
                site.select(ed.code, slug),
            )
    return routes
