"""commonspace.eu as the mirror renders it. Nothing of the real site's markup is confirmed
(sites.md): this is a plausible small custom CMS, in English, run from the Netherlands
(dates at Amsterdam's +01:00 / +02:00).

Sections are the categories and the first segment of article URLs: ``/news/<slug>``,
``/analysis/<slug>``, ``/opinion/<slug>``. Article pages carry a NewsArticle JSON-LD object
(the only machine-readable date) and a minimal Open Graph head without og:type; the visible
date is "14 May 2025". Inside ``div.article-body``: a "Follow us" box, and the credit line
"Source: commonspace.eu with agencies" that ends news items. No feed and no sitemap are known:
section listings paginate with ``?page=N`` and ``a.next``.

Routes (words from sites/commonspace.eu/, markup from here):
  /<section>/<slug>          article: articles/en-<slug>.toml
  /                          home: the newest articles of every section
  /<section>[?page=N]        section listing
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import article_meta, esc, json_ld, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://commonspace.eu"
NAME = "commonspace.eu"
# "Page n of N" between the arrows
PAGER = Pager(
    '<div class="pager">{links}</div>',
    current='<span class="current">Page {n} of {count}</span>',
    prev='<a class="prev" href="{href}">Previous</a>',
    next='<a class="next" href="{href}">Next</a>',
)


def _edition(site: Site) -> SiteEdition:
    return editions(site)["en"]


def sections(site: Site) -> dict[str, str]:
    return _edition(site).categories


def visible_date(when: datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def _page(site: Site, title: str, path: str, main: str, head: str = "") -> str:
    labels = _edition(site).labels
    menu = "".join(f'<li><a href="/{s}">{esc(n)}</a></li>' for s, n in sections(site).items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{ORIGIN}{path}">
{head}<link rel="stylesheet" href="/assets/css/site.min.css?v=3.2">
</head>
<body>
<div class="top-bar"><div class="wrapper"><a class="logo" href="/"><img src="/assets/img/commonspace-logo.png" alt="{NAME}"></a>
<ul class="nav">{menu}</ul></div></div>
<div class="wrapper page">{main}</div>
<div class="footer"><div class="wrapper"><p>{esc(labels["footer"])}</p><p>&copy; 2026 LINKS Europe</p></div></div>
<script src="/assets/js/site.min.js?v=3.2"></script>
</body>
</html>
"""


def _schema(site: Site, a: Article) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "url": a.url,
        "datePublished": w3c(a.published),
        "dateModified": w3c(a.modified),
        "articleSection": [sections(site)[c] for c in a.categories],
        "author": {"@type": "Organization", "name": NAME},
        "publisher": {
            "@type": "Organization",
            "name": "LINKS Europe",
            "url": "https://links-europe.eu",
        },
    }
    if a.image:
        data["image"] = a.image
    return data


def article_page(site: Site, a: Article) -> str:
    labels = _edition(site).labels
    names = sections(site)
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    follow = (
        f'<div class="follow-us"><strong>{esc(labels["follow"])}</strong> '
        '<a href="https://www.facebook.com/commonspace.eu" target="_blank">Facebook</a> '
        '<a href="https://x.com/commonspaceeu" target="_blank">X</a> '
        '<a href="https://t.me/commonspaceeu" target="_blank">Telegram</a></div>'
    )
    paragraphs.insert(min(2, len(paragraphs)), follow)
    if a.categories[0] == "news":
        paragraphs.append(f"<p>{esc(labels['credit'])}</p>")
    section = a.categories[0]
    image = (
        f'<div class="article-image"><img src="{a.image}" alt=""><span class="caption">{esc(labels["photo"])}</span></div>'
        if a.image
        else ""
    )
    tags = "".join(f"<span>{esc(t)}</span>" for t in a.tags)
    head = article_meta(a, "og:title og:description og:image")
    head += f'<script type="application/ld+json">{json_ld(_schema(site, a))}</script>\n'
    others = "".join(
        f'<li><a href="{r.path}">{esc(r.title)}</a></li>'
        for r in site.select("en", category=section)
        if r is not a
    )
    main = f"""<div class="content-left">
<div class="article">
<div class="article-section"><a href="/{section}">{esc(names[section])}</a></div>
<h1>{esc(a.title)}</h1>
<div class="article-date">{visible_date(a.published)}</div>
{image}<div class="article-body">
{"".join(paragraphs)}
</div>
{f'<div class="article-tags">{tags}</div>' if tags else ""}
<div class="share-bar">{esc(labels["share"])}: <a href="https://www.facebook.com/sharer/sharer.php?u={a.url}">Facebook</a> <a href="https://x.com/intent/tweet?url={a.url}">X</a></div>
</div>
</div>
<div class="content-right"><div class="box newsletter"><h3>{esc(labels["newsletter"])}</h3><p>{esc(labels["newsletter_text"])}</p></div>
<div class="box more-in-section"><h3>{esc(names[section])}</h3><ul>{others}</ul></div></div>"""
    return _page(site, f"{a.title} - {NAME}", a.path, main, head)


def _items(articles: list[Article]) -> str:
    return "".join(
        f'<div class="list-item"><a class="list-item-img" href="{a.path}"><img src="{a.image or "/assets/img/placeholder.jpg"}" alt=""></a>'
        f'<div class="list-item-text"><a class="list-item-title" href="{a.path}">{esc(a.title)}</a>'
        f'<div class="list-item-date">{visible_date(a.published)}</div><p>{esc(a.excerpt(30))}</p></div></div>'
        for a in articles
    )


def section_listing(site: Site, routes: OutletRoutes, slug: str) -> None:
    name = sections(site)[slug]
    path = f"/{slug}"
    articles = site.select("en", category=slug)
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={n}")):
        main = f'<div class="content-left"><h1 class="section-title">{esc(name)}</h1><div class="list">{_items(page.articles)}</div>{PAGER.render(page)}</div>'
        head = f'<meta property="og:title" content="{esc(name)}">\n'
        html = _page(site, f"{name} - {NAME}", page.url, main, head)
        routes.file(page.url, html, "section_listing", page.articles)


def home(site: Site) -> str:
    blocks = "".join(
        f'<div class="home-block"><h2><a href="/{s}">{esc(n)}</a></h2>'
        f'<div class="list">{_items(site.select("en", category=s)[:2])}</div></div>'
        for s, n in sections(site).items()
    )
    return _page(
        site,
        f"{NAME} - {_edition(site).labels['tagline']}",
        "/",
        f'<div class="content-left">{blocks}</div>',
    )


def not_found_page(site: Site) -> str:
    return _page(
        site,
        f"Page not found - {NAME}",
        "/404",
        '<div class="content-left"><h1>Page not found</h1></div>',
    )


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for a in site.articles:
        routes.article(a, article_page(site, a))
    routes.file("/", home(site), "home", site.articles)
    for slug in sections(site):
        section_listing(site, routes, slug)
    return routes
