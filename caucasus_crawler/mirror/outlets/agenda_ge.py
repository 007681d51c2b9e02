"""agenda.ge as the mirror renders it: Drupal 7, the English edition at /en.

The site has no working feed (/feed and /en/feed answer 404) and no sitemap: articles are
found through the section listings, whose Drupal pager (``?page=N``, counted from 0) has no
rel=next. Article pages carry only Open Graph meta and a visible date: ``div.node-time``
holds the section link and the date ("Politics, 15 September 2026 - 14:20"); the title is
``h1.node-title``, the body ``div.bodytext``. Inside the body: a photo caption paragraph
and, at the end, a "Related news" block. The canonical link is root-relative, as Drupal 7
writes it.

Routes (words from sites/agenda.ge/, markup from here):
  /en/news/YYYY/N                         an article: articles/en-YYYY-N.toml
  /en                                     the edition's home: the newest articles
  /en/news[?page=N]                       all news, newest first
  /en/news/<section>[?page=N]             a section's news
  /                                       302 to /en
  anything else (/feed, /en/feed...)      Drupal's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import article_meta, esc, stable_id
from caucasus_crawler.mirror.renderer import OutletRoutes

ORIGIN = "https://agenda.ge"
NAME = "Agenda.ge"
# Drupal 7's pager: ?page=N counted from 0, links without rel
PAGER = Pager(
    '<h2 class="element-invisible">Pages</h2><div class="item-list"><ul class="pager">{links}</ul></div>',
    current='<li class="pager-current">{n}</li>',
    link='<li class="pager-item"><a title="Go to page {n}" href="{href}">{n}</a></li>',
    prev='<li class="pager-first first"><a title="Go to first page" href="{first}">« first</a></li>'
    '<li class="pager-previous"><a title="Go to previous page" href="{href}">‹ previous</a></li>',
    next='<li class="pager-next"><a title="Go to next page" href="{href}">next ›</a></li>'
    '<li class="pager-last last"><a title="Go to last page" href="{last}">last »</a></li>',
)


def node_id(article: Article) -> int:
    """Drupal's node id behind the alias (the shortlink /node/<nid>)."""
    return stable_id(article.url, 60000, 30000)


def _sections(site: Site) -> dict[str, str]:
    return site.edition("en")["categories"]


def section_path(slug: str) -> str:
    return f"/en/news/{slug}"


def visible_date(article: Article) -> str:
    return f"{article.published:%d %B %Y - %H:%M}"


def _page(site: Site, title: str, path: str, head_extra: str, body_class: str, main: str) -> str:
    menu = "".join(
        f'<li class="leaf"><a href="{section_path(slug)}">{esc(name)}</a></li>'
        for slug, name in _sections(site).items()
    )
    latest = "".join(
        f'<li><span class="latest-time">{a.published:%H:%M}</span> <a href="{a.path}">{esc(a.title)}</a></li>'
        for a in site.articles[:4]
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN" "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" version="XHTML+RDFa 1.0" dir="ltr">
<head profile="http://www.w3.org/1999/xhtml/vocab">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<link rel="shortcut icon" href="{ORIGIN}/sites/all/themes/agenda/favicon.ico" type="image/vnd.microsoft.icon" />
<meta name="Generator" content="Drupal 7 (http://drupal.org)" />
<link rel="canonical" href="{path}" />
{head_extra}<title>{esc(title)}</title>
<link type="text/css" rel="stylesheet" href="{ORIGIN}/sites/default/files/css/css_agenda_main.css" media="all" />
<script type="text/javascript" src="{ORIGIN}/misc/jquery.js?v=1.4.4"></script>
</head>
<body class="html {body_class} i18n-en">
<div id="skip-link"><a href="#main-content" class="element-invisible element-focusable">Skip to main content</a></div>
<div id="page-wrapper"><div id="page">
<div id="header"><div class="section clearfix">
<a href="/en" title="Home" rel="home" id="logo"><img src="{ORIGIN}/sites/all/themes/agenda/logo.png" alt="Agenda.ge" /></a>
<div id="navigation"><ul class="menu"><li class="first leaf"><a href="/en/news">All news</a></li>{menu}</ul></div>
</div></div>
<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">
<div id="content" class="column"><div class="section"><a id="main-content"></a>
{main}
</div></div>
<div id="sidebar-second" class="column sidebar"><div class="section"><div class="block block-views"><h2>Latest news</h2><ul class="latest-news">{latest}</ul></div></div></div>
</div></div>
<div id="footer"><div class="section"><p>&copy; 2013-2026 Agenda.ge. All rights reserved. Reprinting materials without the editorial office&#039;s permission is prohibited.</p></div></div>
</div></div>
</body>
</html>
"""


def article_page(site: Site, article: Article) -> str:
    sections = _sections(site)
    section = article.categories[0]
    head = f'<link rel="shortlink" href="/node/{node_id(article)}" />\n' + article_meta(
        article,
        "og:site_name og:type og:url og:title og:description og:image",
        words=30,
        end=" />",
        values={"og:site_name": NAME, "og:url": ORIGIN + article.path},
    )
    caption = site.setting("captions", {}).get(article.url)
    image = (
        f'<div class="node-image"><img src="{article.image}" alt="" /></div>'
        if article.image
        else ""
    )
    body = "".join(f"<p>{p}</p>" for p in article.body)
    if caption:
        body = f'<p class="photo-credit">{esc(caption)}</p>' + body
    related = [a for a in site.select("en", section) if a is not article][:3]
    if related:
        items = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in related)
        body += f'<div class="related-articles"><h3>Related news</h3><ul>{items}</ul></div>'
    main = f"""<div id="node-{node_id(article)}" class="node node-news node-full clearfix">
<div class="node-time"><a href="{section_path(section)}">{esc(sections[section])}</a>, {visible_date(article)}</div>
<h1 class="node-title">{esc(article.title)}</h1>
{image}<div class="bodytext">{body}</div>
<div class="node-share"><span class="share-label">Share</span> <a href="https://www.facebook.com/sharer/sharer.php?u={ORIGIN}{article.path}" class="share-facebook">Facebook</a> <a href="https://twitter.com/intent/tweet?url={ORIGIN}{article.path}" class="share-twitter">Twitter</a></div>
</div>"""
    return _page(
        site,
        f"{article.title} | {NAME}",
        article.path,
        head,
        "not-front page-node node-type-news",
        main,
    )


def listing(
    site: Site, routes: OutletRoutes, path: str, heading: str, articles: list[Article]
) -> None:
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={index}")):
        rows = "".join(
            f'<div class="views-row"><div class="news-time">{a.published:%H:%M}, {a.published:%d %B %Y}</div>'
            f'<div class="news-title"><a href="{a.path}">{esc(a.title)}</a></div></div>'
            for a in page.articles
        )
        main = (
            f'<h1 class="title" id="page-title">{esc(heading)}</h1><div class="view view-news"><div class="view-content">'
            f"{rows}</div>{PAGER.render(page)}</div>"
        )
        head = '<meta property="og:site_name" content="Agenda.ge" />\n'
        html = _page(site, f"{heading} | {NAME}", page.url, head, "not-front page-news", main)
        routes.file(page.url, html, "listing", page.articles)


def not_found_page(site: Site) -> str:
    main = '<h1 class="title" id="page-title">Page not found</h1><div class="content">The requested page could not be found.</div>'
    return _page(site, f"Page not found | {NAME}", "/en", "", "not-front page-404", main)


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/en", 302, routes.source("build"))
    for article in site.articles:
        routes.article(article, article_page(site, article))
    newest = site.articles[: site.setting("per_page")]
    rows = "".join(
        f'<div class="front-news"><div class="news-time">{a.published:%H:%M}</div><h2><a href="{a.path}">{esc(a.title)}</a></h2><p>{esc(a.excerpt(25))}</p></div>'
        for a in newest
    )
    main = f'{rows}<p class="more-link"><a href="/en/news">All news</a></p>'
    head = '<meta property="og:site_name" content="Agenda.ge" />\n'
    home = _page(site, f"{NAME} | News from Georgia", "/en", head, "front", main)
    routes.file("/en", home, "build", newest)
    listing(site, routes, "/en/news", "News", site.select("en"))
    for slug, name in _sections(site).items():
        listing(site, routes, section_path(slug), name, site.select("en", slug))
    return routes
