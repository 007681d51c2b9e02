"""eurasianet.org as the mirror renders it: Drupal (a guess that its markup bears out:
``node--type-article``, ``field--name-*``, the Drupal pager), English, New York time.

Article pages carry Open Graph meta and ``article:published_time`` in Drupal's
``html_datetime`` form, ``2025-05-14T10:30:00-0400`` (no colon in the offset, which is New
York's: -04:00 in summer, -05:00 in winter); the visible date ("May 14, 2025") has no time.
There is no JSON-LD. Regions (``/region/<x>``) are the categories. Inside the body field an
inline newsletter box ("Subscribe to Eurasianet's weekly newsletter…") breaks the text.
Listings paginate Drupal's way, ``?page=1`` being the second page, with ``a[rel=next]``.

Routes (words from sites/eurasianet.org/, markup from here):
  /<slug>                         article: articles/en-<slug>.toml
  /                               home: the newest articles
  /region/<x>[?page=N]            region listing (N from 1: the second page)
  /feed                           RSS 2.0 of the newest articles, teasers
  /region/<x>/feed                RSS 2.0 of a region; site.toml `forbidden_feeds` answer 403
  /sitemap.xml                    every article (simple_sitemap)
  /node/<nid>                     301 to the article (the shortlink)
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    XML,
    article_meta,
    esc,
    rfc822,
    rss,
    stable_id,
    urlset,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, editions

ORIGIN = "https://eurasianet.org"
NAME = "Eurasianet"
# Drupal's full pager: ?page=1 is the second page, rel=prev and rel=next on the arrows
PAGER = Pager(
    '<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><h4 id="pagination-heading" class="visually-hidden">Pagination</h4><ul class="pager__items js-pager__items">{links}</ul></nav>',
    current='<li class="pager__item is-active"><a href="{href}" title="Current page" aria-current="page"><span class="visually-hidden">Current page</span>{n}</a></li>',
    link='<li class="pager__item"><a href="{href}" title="Go to page {n}"><span class="visually-hidden">Page</span>{n}</a></li>',
    prev='<li class="pager__item pager__item--first"><a href="{first}" title="Go to first page"><span class="visually-hidden">First page</span><span aria-hidden="true">« First</span></a></li>'
    '<li class="pager__item pager__item--previous"><a href="{href}" title="Go to previous page" rel="prev"><span class="visually-hidden">Previous page</span><span aria-hidden="true">‹ Previous</span></a></li>',
    next='<li class="pager__item pager__item--next"><a href="{href}" title="Go to next page" rel="next"><span class="visually-hidden">Next page</span><span aria-hidden="true">Next ›</span></a></li>'
    '<li class="pager__item pager__item--last"><a href="{last}" title="Go to last page"><span class="visually-hidden">Last page</span><span aria-hidden="true">Last »</span></a></li>',
)


def regions(site: Site) -> dict[str, str]:
    """Category slug ("caucasus/armenia") -> name; the URL uses the last segment."""
    return editions(site)["en"].categories


def region_path(slug: str) -> str:
    return f"/region/{slug.rsplit('/', 1)[-1]}"


def html_datetime(when: datetime) -> str:
    """Drupal's html_datetime: 2025-05-14T10:30:00-0400."""
    return when.strftime("%Y-%m-%dT%H:%M:%S%z")


def nid(a: Article) -> int:
    return stable_id(a.slug, 130000, 9000)


def visible_date(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def _page(
    site: Site, title: str, path: str, main: str, head: str = "", body_class: str = ""
) -> str:
    menu = "".join(
        f'<li class="menu-item"><a href="{region_path(s)}" data-drupal-link-system-path="taxonomy/term/{100 + i}">{esc(n)}</a></li>'
        for i, (s, n) in enumerate(regions(site).items())
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  foaf: http://xmlns.com/foaf/0.1/  og: http://ogp.me/ns#  rdfs: http://www.w3.org/2000/01/rdf-schema#  schema: http://schema.org/  sioc: http://rdfs.org/sioc/ns#  sioct: http://rdfs.org/sioc/types#  skos: http://www.w3.org/2004/02/skos/core#  xsd: http://www.w3.org/2001/XMLSchema# ">
<head>
<meta charset="utf-8" />
<link rel="canonical" href="{ORIGIN}{path}" />
<meta property="og:site_name" content="{NAME}" />
<meta property="og:url" content="{ORIGIN}{path}" />
{head}<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{esc(title)}</title>
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Qm3Yt0rO5x1.css?delta=0&amp;language=en&amp;theme=eurasianet" />
</head>
<body class="{body_class}">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<header class="site-header" role="banner"><div class="container">
<a href="/" title="Home" rel="home" class="site-logo"><img src="/themes/custom/eurasianet/logo.svg" alt="Home" /></a>
<nav role="navigation" aria-labelledby="block-regions-menu" class="block-menu"><h2 class="visually-hidden" id="block-regions-menu">Regions</h2><ul class="menu">{menu}</ul></nav>
</div></header>
<main role="main" class="container"><a id="main-content" tabindex="-1"></a>
<div class="region region-content">{main}</div>
</main>
<footer class="site-footer" role="contentinfo"><div class="container">
<p>&copy; Eurasianet 2026. All rights reserved.</p>
<p><a href="/feed">RSS</a></p>
</div></footer>
</div>
<script src="/sites/default/files/js/js_c1y8GtyZx8.js?scope=footer&amp;delta=0&amp;language=en&amp;theme=eurasianet"></script>
</body>
</html>
"""


def article_page(site: Site, a: Article) -> str:
    names = regions(site)
    region_links = "".join(
        f'<div class="field__item"><a href="{region_path(c)}" hreflang="en">{esc(names[c])}</a></div>'
        for c in a.categories
    )
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    newsletter = (
        '<div class="inline-newsletter"><h3 class="inline-newsletter__title">Subscribe to Eurasianet\'s weekly newsletter</h3>'
        "<p>Get the week's best stories from the Caucasus and Central Asia, free, in your inbox every Friday.</p>"
        '<form class="inline-newsletter__form" action="https://eurasianet.us4.list-manage.com/subscribe/post" method="post">'
        '<input type="email" name="EMAIL" placeholder="Email address" /><input type="submit" value="Subscribe" /></form></div>'
    )
    paragraphs.insert(min(3, len(paragraphs) - 1), newsletter)
    tags = "".join(f'<div class="field__item">{esc(t)}</div>' for t in a.tags)
    tags = (
        f'<div class="field field--name-field-tags field--type-entity-reference field__items">{tags}</div>'
        if tags
        else ""
    )
    image = (
        f'<div class="field field--name-field-image field--type-image field__item"><img loading="lazy" src="{a.image}" width="1200" height="800" alt="" typeof="foaf:Image" /></div>'
        if a.image
        else ""
    )
    byline = f'<div class="byline">{esc(a.author)}</div>' if a.author else ""
    head = article_meta(
        a,
        "description og:type og:title og:description og:image article:published_time"
        " article:modified_time twitter:card twitter:site",
        end=" />",
        values={
            "article:published_time": html_datetime(a.published),
            "article:modified_time": html_datetime(a.modified),
            "twitter:card": "summary_large_image",
            "twitter:site": "@EurasiaNet",
        },
    )
    head += f'<link rel="shortlink" href="{ORIGIN}/node/{nid(a)}" />\n'
    main = f"""<div data-drupal-messages-fallback class="hidden"></div>
<nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2><ol><li><a href="/">Home</a></li></ol></nav>
<article role="article" about="{a.path}" class="node node--type-article node--promoted node--view-mode-full">
<div class="node__header">
<div class="field field--name-field-region field--type-entity-reference field--label-hidden field__items">{region_links}</div>
<h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{esc(a.title)}</span></h1>
<div class="node__meta">{byline}<div class="date">{visible_date(a.published)}</div></div>
</div>
{image}<div class="node__content">
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">{"".join(paragraphs)}</div>
{tags}
</div>
</article>"""
    return _page(
        site, f"{a.title} | {NAME}", a.path, main, head, "path-node page-node-type-article"
    )


def _teasers(articles: list[Article]) -> str:
    return "".join(
        f'<div class="views-row"><article role="article" about="{a.path}" class="node node--type-article node--view-mode-teaser">'
        f'<h2 class="node__title"><a href="{a.path}" rel="bookmark"><span>{esc(a.title)}</span></a></h2>'
        f'<div class="date">{visible_date(a.published)}</div>'
        f'<div class="field field--name-body field--type-text-with-summary"><p>{esc(a.excerpt(30))}</p></div></article></div>'
        for a in articles
    )


def region_listing(site: Site, routes: OutletRoutes, slug: str) -> None:
    name = regions(site)[slug]
    path = region_path(slug)
    articles = site.select("en", category=slug)
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={index}")):
        head = (
            '<meta property="og:type" content="website" />\n'
            f'<meta property="og:title" content="{esc(name)}" />\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(name)}" href="{ORIGIN}{path}/feed" />\n'
        )
        main = (
            f'<h1 class="page-title">{esc(name)}</h1><div class="views-element-container">'
            f'<div class="view view-region view-display-id-page_1">{_teasers(page.articles)}{PAGER.render(page)}</div></div>'
        )
        html = _page(site, f"{name} | {NAME}", page.url, main, head, "path-taxonomy")
        routes.file(page.url, html, "region_listing", page.articles)


def feed(site: Site, title: str, link: str, articles: list[Article]) -> str:
    items = [
        f"""<item>
  <title>{esc(a.title)}</title>
  <link>{a.url}</link>
  <description>{esc(a.excerpt(40))}</description>
  <pubDate>{rfc822(a.published)}</pubDate>
  <dc:creator>{esc(a.author or NAME)}</dc:creator>
  <guid isPermaLink="false">{nid(a)} at {ORIGIN}</guid>
</item>"""
        for a in articles
    ]
    channel = {"title": title, "link": link, "description": "", "language": "en"}
    return rss(channel, items, {"dc": "http://purl.org/dc/elements/1.1/"})


def forbidden() -> Resource:
    body = (
        "<!DOCTYPE html><html><head><title>Access denied</title></head><body>"
        "<h1>Access denied</h1><p>You do not have permission to access this resource.</p></body></html>"
    )
    return Resource(body.encode(), HTML, 403, (), "")


def not_found_page(site: Site) -> str:
    main = '<h1 class="page-title">Page not found</h1><p>The requested page could not be found.</p>'
    return _page(site, f"Page not found | {NAME}", "/404", main)


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site), redirect_slash=False)
    for a in site.articles:
        routes.article(a, article_page(site, a))
        routes.redirect(f"/node/{nid(a)}", a.url, 301, routes.source("build", a.source))
    newest = site.select("en")[: site.setting("per_page")]
    head = '<meta property="og:type" content="website" />\n<link rel="alternate" type="application/rss+xml" title="Eurasianet" href="https://eurasianet.org/feed" />\n'
    more = "".join(
        f'<li><a href="{region_path(s)}">{esc(n)}</a></li>' for s, n in regions(site).items()
    )
    main = f'<div class="view view-frontpage">{_teasers(newest)}</div><ul class="region-links">{more}</ul>'
    title = f"{NAME} | News and analysis from the Caucasus and Central Asia"
    routes.file("/", _page(site, title, "/", main, head, "path-frontpage"), "build", newest)
    in_feed = site.newest("en")
    routes.file("/feed", feed(site, NAME, f"{ORIGIN}/", in_feed), "feed", in_feed, RSS)
    forbidden_feeds = set(site.setting("forbidden_feeds", []))
    for slug, name in regions(site).items():
        region_listing(site, routes, slug)
        path = f"{region_path(slug)}/feed"
        if path in forbidden_feeds:  # behind the site's firewall: 403 to crawlers
            routes.add(path, replace(forbidden(), source=routes.source("forbidden")))
            continue
        articles = site.newest("en", category=slug)
        feed_xml = feed(site, name, f"{ORIGIN}{region_path(slug)}", articles)
        routes.file(path, feed_xml, "feed", articles, RSS)
    posts = sorted(site.articles, key=lambda a: a.published)
    routes.file("/sitemap.xml", urlset((a.url, a.modified) for a in posts), "sitemap", posts, XML)
    return routes
