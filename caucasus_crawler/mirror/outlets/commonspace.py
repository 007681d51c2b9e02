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

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import esc, json_ld, paginate, w3c
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://commonspace.eu"
NAME = "commonspace.eu"


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"commonspace.py:{renderer}", *files)


def _edition(site: Site) -> dict:
    return site.setting("editions")["en"]


def sections(site: Site) -> dict[str, str]:
    return dict(_edition(site)["categories"])


def visible_date(when: datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def _page(site: Site, title: str, path: str, main: str, head: str = "") -> str:
    labels = _edition(site)["labels"]
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
    labels = _edition(site)["labels"]
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
    head = (
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:description" content="{esc(a.excerpt(25))}">\n'
        + (f'<meta property="og:image" content="{a.image}">\n' if a.image else "")
        + f'<script type="application/ld+json">{json_ld(_schema(site, a))}</script>\n'
    )
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


def section_listing(site: Site, routes: Routes, slug: str) -> None:
    name = sections(site)[slug]
    path = f"/{slug}"
    pages = paginate(site.select("en", category=slug), site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):

        def href(i: int) -> str:
            return path if i == 1 else f"{path}?page={i}"

        links = [f'<a class="prev" href="{href(n - 1)}">Previous</a>' if n > 1 else ""]
        links.append(f'<span class="current">Page {n} of {len(pages)}</span>')
        links.append(f'<a class="next" href="{href(n + 1)}">Next</a>' if n < len(pages) else "")
        nav = f'<div class="pager">{"".join(links)}</div>' if len(pages) > 1 else ""
        url = href(n)
        main = f'<div class="content-left"><h1 class="section-title">{esc(name)}</h1><div class="list">{_items(chunk)}</div>{nav}</div>'
        routes.page(
            url,
            _page(
                site,
                f"{name} - {NAME}",
                url,
                main,
                f'<meta property="og:title" content="{esc(name)}">\n',
            ),
            _src(site, "section_listing", *(a.source for a in chunk)),
        )


def home(site: Site) -> str:
    blocks = "".join(
        f'<div class="home-block"><h2><a href="/{s}">{esc(n)}</a></h2>'
        f'<div class="list">{_items(site.select("en", category=s)[:2])}</div></div>'
        for s, n in sections(site).items()
    )
    return _page(
        site,
        f"{NAME} - {_edition(site)['labels']['tagline']}",
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


def build(site: Site) -> Routes:
    routes = Routes(
        site.host,
        redirect_slash=True,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    for a in site.articles:
        routes.page(
            a.url,
            article_page(site, a),
            _src(site, "article_page", a.source),
            last_modified=a.modified,
        )
    routes.page("/", home(site), _src(site, "home", *(a.source for a in site.articles)))
    for slug in sections(site):
        section_listing(site, routes, slug)
    return routes
