"""caucasuswatch.de as the mirror renders it: TYPO3 with the news extension (tx_news), in
English. That it is TYPO3 is a guess (sites.md); the markup is tx_news's default templates.

An independent source lists /feed as a working feed (evidence/README.md): here RSS 2.0 of the
newest news, with a teaser (tx_news's RSS template: its shape is a guess), announced by every
page's ``<link rel="alternate">``. No sitemap is known. Older articles are found through the
news list and the country pages, which paginate with tx_news's query
(``?tx_news_pi1[currentPage]=2&cHash=…``, brackets percent-encoded) and ``li.next``. Article pages have Open Graph meta (og:type
article) and schema.org microdata: ``time[itemprop=datePublished]`` with a full ISO date at
Berlin's offset (+01:00 / +02:00); the visible date is "14.05.2025". The category is a
plain ``span.news-list-category`` (no link); the breadcrumb (Home › News) names the news page.
Paragraphs are TYPO3's ``p.bodytext``. Around the text: a social-share block inside the body,
"Related news" and the "Back" link after it.

Routes (words from sites/caucasuswatch.de/, markup from here):
  /en/news/<slug>.html                article: articles/en-<slug>.toml
  /en/news.html[?tx_news_pi1…]        all news, newest first
  /en/<category>.html[?tx_news_pi1…]  one country's news
  /en/ , /                            the start page (/ redirects to /en/)
  /feed                               RSS 2.0: the feed_size newest articles
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from hashlib import md5

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, news_feed, news_item, rfc822, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://caucasuswatch.de"
NAME = "Caucasus Watch"
# tx_news's paginator (Fluid's f:widget.paginate)
PAGER = Pager(
    '<div class="page-navigation"><p>Page {page} of {count}.</p><ul class="f3-widget-paginator">{links}</ul></div>',
    current='<li class="current">{n}</li>',
    link='<li><a href="{href}">{n}</a></li>',
    prev='<li class="previous"><a href="{href}" title="previous">previous</a></li>',
    next='<li class="next"><a href="{href}" title="next">next</a></li>',
)


def _edition(site: Site) -> SiteEdition:
    return editions(site)["en"]


def categories(site: Site) -> dict[str, str]:
    return _edition(site).categories


def page_path(slug: str) -> str:
    """The TYPO3 page of a category: "news" -> /en/news.html, "news/armenia" -> /en/armenia.html."""
    return f"/en/{slug.rsplit('/', 1)[-1]}.html"


def page_query(path: str, page: int) -> str:
    """tx_news's pagination query with its cHash, brackets encoded as browsers send them."""
    chash = md5(f"{path}:{page}".encode()).hexdigest()
    return f"tx_news_pi1%5BcurrentPage%5D={page}&cHash={chash}"


def _page(site: Site, title: str, path: str, main: str, head: str = "", crumbs: str = "") -> str:
    labels = _edition(site).labels
    menu = "".join(
        f'<li class="nav-item"><a class="nav-link" href="{page_path(s)}" title="{esc(n)}">{esc(n)}</a></li>'
        for s, n in categories(site).items()
    )
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="en-GB">
<head>

<meta charset="utf-8">
<!--
	This website is powered by TYPO3 - inspiring people to share!
	TYPO3 is a free open source Content Management Framework initially created by Kasper Skaarhoj and licensed under GNU/GPL.
	TYPO3 is copyright 1998-2026 of Kasper Skaarhoj. Extensions are copyright of their respective owners.
	Information and contribution at https://typo3.org/
-->

<title>{esc(title)}</title>
<meta name="generator" content="TYPO3 CMS">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="{NAME}">
{head}<link rel="alternate" type="application/rss+xml" title="{NAME}" href="{ORIGIN}/feed">
<link rel="stylesheet" href="/typo3temp/assets/compressed/merged-6b0f2c1e7d-2f1e8a0c.css?1735000000" media="all">
<link rel="canonical" href="{ORIGIN}{path}"/>
</head>
<body id="p{abs(len(path)) % 97 + 1}">
<header class="header"><div class="container">
<a class="navbar-brand" href="/en/" title="{NAME}"><img src="/fileadmin/templates/img/logo.png" alt="{NAME}"></a>
<nav class="navbar"><ul class="navbar-nav">{menu}</ul></nav>
</div></header>
<div class="container">{crumbs}</div>
<div id="content" class="container">
<!--TYPO3SEARCH_begin-->
{main}
<!--TYPO3SEARCH_end-->
</div>
<footer class="footer"><div class="container"><p>&copy; 2026 {NAME} &middot; {esc(labels["footer"])}</p></div></footer>
<script src="/typo3temp/assets/compressed/merged-d41d8cd98f-7a1c0b9e.js?1735000000"></script>
</body>
</html>"""


def _breadcrumb(site: Site, *trail: tuple[str, str | None]) -> str:
    labels = _edition(site).labels
    items = [
        f'<li class="breadcrumb-item"><a href="/en/" title="{esc(labels["home"])}">{esc(labels["home"])}</a></li>'
    ]
    for name, href in trail:
        items.append(
            f'<li class="breadcrumb-item"><a href="{href}" title="{esc(name)}">{esc(name)}</a></li>'
            if href
            else f'<li class="breadcrumb-item active" aria-current="page">{esc(name)}</li>'
        )
    return f'<nav aria-label="breadcrumb"><ol class="breadcrumb">{"".join(items)}</ol></nav>'


def article_page(site: Site, a: Article) -> str:
    names = categories(site)
    labels = _edition(site).labels
    shown = [c for c in a.categories if "/" in c]  # the country; "news" is the page itself
    cats = "".join(f'<span class="news-list-category">{esc(names[c])}</span>' for c in shown)
    author = (
        f'<span class="news-list-author" itemprop="author" itemscope="itemscope" itemtype="http://schema.org/Person">'
        f'{esc(labels["by"])} <span itemprop="name">{esc(a.author)}</span></span>'
        if a.author
        else ""
    )
    image = (
        f'<div class="news-img-wrap"><div class="outer"><div class="mediaelement mediaelement-image">'
        f'<img itemprop="image" class="img-fluid" src="{a.image}" width="750" height="500" alt="" /></div></div></div>'
        if a.image
        else ""
    )
    paragraphs = "".join(f'<p class="bodytext">{p}</p>' for p in a.body)
    share = (
        f'<div class="social-share"><p class="social-share__label">{esc(labels["share"])}</p><ul>'
        f'<li><a href="https://www.facebook.com/sharer/sharer.php?u={a.url}" target="_blank" rel="noopener">Facebook</a></li>'
        f'<li><a href="https://x.com/intent/tweet?url={a.url}" target="_blank" rel="noopener">X</a></li>'
        f'<li><a href="https://www.linkedin.com/sharing/share-offsite/?url={a.url}" target="_blank" rel="noopener">LinkedIn</a></li></ul></div>'
    )
    related = [r for r in site.select("en") if r is not a and set(r.categories) & set(shown)][:3]
    related_html = (
        f'<div class="news-related-wrap"><div class="news-related news-related-news"><h4>{esc(labels["related"])}</h4><ul>'
        + "".join(
            f'<li><span class="news-related-news-date">{r.published:%d.%m.%Y}</span> <a href="{r.path}" title="{esc(r.title)}">{esc(r.title)}</a></li>'
            for r in related
        )
        + "</ul></div></div>"
        if related
        else ""
    )
    head = article_meta(a, "og:type og:title og:description description og:image")
    main = f"""<div class="news news-single">
<div class="article" itemscope="itemscope" itemtype="http://schema.org/Article">
<div class="header"><h1 itemprop="headline">{esc(a.title)}</h1></div>
<div class="footer"><p>
<span class="news-list-date"><time itemprop="datePublished" datetime="{w3c(a.published)}">{a.published:%d.%m.%Y}</time></span>
{cats}
{author}
</p></div>
{image}<div class="news-text-wrap" itemprop="articleBody">
{paragraphs}
{share}
</div>
{related_html}
<div class="news-backlink-wrap"><a href="/en/news.html">{esc(labels["back"])}</a></div>
</div>
</div>"""
    crumbs = _breadcrumb(site, (names["news"], "/en/news.html"), (a.title, None))
    return _page(site, f"{a.title} | {NAME}", a.path, main, head, crumbs)


def _list_items(site: Site, articles: list[Article]) -> str:
    names = categories(site)
    return "".join(
        f'<div class="article articletype-0" itemscope="itemscope" itemtype="http://schema.org/Article">'
        f'<div class="header"><h3><a title="{esc(a.title)}" href="{a.path}"><span itemprop="headline">{esc(a.title)}</span></a></h3></div>'
        f'<div class="teaser-text"><div itemprop="description"><p>{esc(a.excerpt(25))}</p></div>'
        f'<a class="more" title="{esc(a.title)}" href="{a.path}">Read more</a></div>'
        f'<div class="footer"><p><span class="news-list-date"><time datetime="{a.published:%Y-%m-%d}">{a.published:%d.%m.%Y}</time></span>'
        + "".join(
            f'<span class="news-list-category">{esc(names[c])}</span>'
            for c in a.categories
            if "/" in c
        )
        + "</p></div></div>"
        for a in articles
    )


def listing(site: Site, routes: OutletRoutes, slug: str) -> None:
    name = categories(site)[slug]
    path = page_path(slug)

    def url_of(n: int) -> str:
        return path if n == 1 else f"{path}?{page_query(path, n)}"

    for page in listing_pages(site, site.select("en", category=slug), url_of):
        main = (
            f'<h1>{esc(name)}</h1><div class="news"><div class="news-list-view" id="news-container-{len(path)}">'
            f"{_list_items(site, page.articles)}{PAGER.render(page)}</div></div>"
        )
        head = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{esc(name)}">\n'
        crumbs = _breadcrumb(site, (name, None))
        html = _page(site, f"{name} | {NAME}", path, main, head, crumbs)
        routes.file(page.url, html, "listing", page.articles)


def start_page(site: Site) -> str:
    labels = _edition(site).labels
    newest = site.select("en")[: site.setting("per_page")]
    main = (
        f'<div class="intro"><p>{esc(labels["intro"])}</p></div>'
        f'<div class="news"><div class="news-list-view">{_list_items(site, newest)}</div></div>'
        f'<p><a class="btn" href="/en/news.html">{esc(labels["all_news"])}</a></p>'
    )
    head = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{NAME}">\n'
    return _page(site, NAME, "/en/", main, head)


def feed(site: Site, articles: list[Article]) -> str:
    """/feed: the newest articles with their teaser and country, dated at Berlin's offset."""
    names = categories(site)
    items = [
        news_item(
            a,
            a.excerpt(25),
            [names[c] for c in a.categories if "/" in c],
            f'<guid isPermaLink="false">news-{a.slug}</guid>',
        )
        for a in articles
    ]
    built = {"lastBuildDate": rfc822(max(a.modified for a in articles))} if articles else {}
    footer = _edition(site).labels["footer"]
    return news_feed(items, NAME, f"{ORIGIN}/en/", footer, "en-GB", **built)


def not_found_page(site: Site) -> str:
    main = "<h1>Page not found</h1><p>The page you requested does not exist.</p>"
    return _page(site, f"Page not found | {NAME}", "/en/404.html", main)


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site), redirect_slash=False)
    routes.redirect("/", f"{ORIGIN}/en/", 307, routes.source("build"))
    routes.file("/en/", start_page(site), "start_page")
    for a in site.articles:
        routes.article(a, article_page(site, a))
    for slug in categories(site):
        listing(site, routes, slug)
    newest = site.newest("en")
    routes.file("/feed", feed(site, newest), "feed", newest, RSS)
    return routes
