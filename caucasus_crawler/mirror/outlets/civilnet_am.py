"""civilnet.am as the mirror renders it: WordPress with a Yoast SEO head and WPML editions,
Armenian at the root and English at /en/. Nothing of its markup is confirmed (sites.md is
silent on CivilNet): the URL shapes, classes and boilerplate are a plausible WordPress site,
marked as guesses in sites/civilnet.am/site.toml.

Every machine-readable date signal is present: article:published_time, a Yoast JSON-LD graph
(Article, WebPage, BreadcrumbList) and ``time.entry-date.published``; the visible date is
"14.05.2025". Categories are ``rel="category tag"`` links. Inside ``div.entry-content``: a
donation box after the second paragraph, a "Read also:" / "Կարդացեք նաև՝" line of related posts
after the text, and the Jetpack sharing block ("Share this:").

Routes (words from sites/civilnet.am/, markup from here):
  /[en/]news/<id>/<slug>/                  a post: articles/<lang>-<id>.toml
  /[en/][page/N/]                          the edition's home: its posts, newest first
  /[en/]category/<slug>/[page/N/]          category listing
  /[en/]feed/                              RSS 2.0, full text (content:encoded)
  /sitemap_index.xml -> /post-sitemap.xml, /category-sitemap.xml   (Yoast)
  /?p=<id>                                 301 to the post (the WordPress shortlink)
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha1

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages
from caucasus_crawler.mirror.markup import (
    RSS,
    article_meta,
    cdata,
    esc,
    hreflang_links,
    json_ld,
    meta_tags,
    rfc822,
    rss,
    w3c,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://civilnet.am"
NAME = "CivilNet"
PAGER = wordpress.page_links(
    '<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">{links}</div></nav>',
    "&laquo;",
    "&raquo;",
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition ("hy", "en") of the WPML site: prefix "/", "/en/"."""

    origin = ORIGIN
    locale: str  # "hy-AM"

    @property
    def feed(self) -> str:
        return self.url("feed/")

    def category_url(self, slug: str) -> str:
        return self.url(f"category/{slug}/")


def post_id(a: Article) -> str:
    return a.path.strip("/").split("/")[-2]


def _head(ed: Edition, title: str, url: str, og_type: str, extra: str = "") -> str:
    return f"""<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
<title>{esc(title)}</title>
<link rel="canonical" href="{esc(url)}" />
<meta property="og:locale" content="{ed.locale.replace("-", "_")}" />
<meta property="og:type" content="{og_type}" />
<meta property="og:url" content="{esc(url)}" />
<meta property="og:site_name" content="{NAME}" />
{extra}<link rel="alternate" type="application/rss+xml" title="{NAME} &raquo; Feed" href="{ed.feed}" />
<link rel='stylesheet' id='civilnet-style-css' href='{ORIGIN}/wp-content/themes/civilnet/style.css?ver=2.4.1' media='all' />
<meta name="generator" content="WordPress 6.7.2" />
<meta name="generator" content="WPML ver:4.7.1 stt:1,8;" />
</head>"""


def _page(site: Site, ed: Edition, head: str, body_class: str, main: str) -> str:
    menu = "".join(
        f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category"><a href="{ed.category_url(s)}">{esc(n)}</a></li>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<li class="wpml-ls-item wpml-ls-item-{o.code}"><a href="{o.home}" class="wpml-ls-link"><span class="wpml-ls-native">{esc(o.labels["lang"])}</span></a></li>'
        for o in editions(site, Edition).values()
    )
    return f"""<!doctype html>
<html lang="{ed.locale}">
{head}
<body class="{body_class}">
<div id="page" class="site">
<header id="masthead" class="site-header"><div class="container">
<div class="site-branding"><a href="{ed.home}" rel="home"><img src="{ORIGIN}/wp-content/themes/civilnet/img/logo.svg" alt="{NAME}"></a></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav>
<div class="wpml-ls-statics-shortcode_actions wpml-ls"><ul>{langs}</ul></div>
</div></header>
<div id="content" class="site-content container">
<main id="primary" class="site-main">{main}</main>
</div>
<footer id="colophon" class="site-footer"><div class="container"><p>&copy; 2026 {NAME}. {esc(ed.labels["copyright"])}</p>
<p><a href="{ed.feed}">RSS</a></p></div></footer>
</div>
<script src="{ORIGIN}/wp-content/themes/civilnet/js/main.js?ver=2.4.1" id="civilnet-main-js"></script>
</body>
</html>
"""


def _schema(site: Site, ed: Edition, a: Article) -> dict:
    author = a.author or NAME
    graph = wordpress.yoast_graph(
        ORIGIN,
        NAME,
        a,
        language=ed.locale,
        person=f"{ORIGIN}/#/schema/person/{sha1(author.encode()).hexdigest()[:32]}",
        sections=[ed.categories[c] for c in a.categories],
        crumbs=[
            (ed.labels["home"], ed.home),
            (ed.categories[a.categories[0]], ed.category_url(a.categories[0])),
            (a.title, None),
        ],
        article_type="Article",
        word_count=False,
        keywords=False,
        same_as=["https://www.facebook.com/CivilNetTV", "https://x.com/CivilNetTV"],
    )
    return {"@context": "https://schema.org", "@graph": graph}


def _content(site: Site, ed: Edition, a: Article, widgets: bool) -> str:
    """The post content as stored (the feed's content:encoded); with `widgets`, as the theme
    shows it, with the donation box and the sharing block."""
    parts = [f"<p>{p}</p>" for p in a.body]
    if widgets:
        donate = (
            f'<div class="civilnet-donate"><h4>{esc(ed.labels["donate_title"])}</h4><p>{esc(ed.labels["donate"])}</p>'
            f'<a class="civilnet-donate__button" href="https://www.patreon.com/civilnet" target="_blank">{esc(ed.labels["donate_button"])}</a></div>'
        )
        parts.insert(min(2, len(parts)), donate)
    related = site.related(a)
    if related:
        links = ", ".join(f'<a href="{r.url}">{esc(r.title)}</a>' for r in related)
        parts.append(f"<p><strong>{esc(ed.labels['read_also'])}</strong> {links}</p>")
    if widgets:
        parts.append(
            f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
            f'<h3 class="sd-title">{esc(ed.labels["share"])}</h3><div class="sd-content"><ul>'
            f'<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button" href="https://www.facebook.com/sharer.php?u={a.url}" target="_blank"><span>Facebook</span></a></li>'
            f'<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button" href="https://x.com/intent/tweet?url={a.url}" target="_blank"><span>X</span></a></li>'
            f"</ul></div></div></div>"
        )
    return "\n".join(parts)


def post_page(site: Site, ed: Edition, a: Article) -> str:
    sections = [ed.categories[c] for c in a.categories]
    extra = article_meta(
        a,
        "og:title og:description description article:publisher article:published_time article:modified_time",
        end=" />",
        values={"article:publisher": "https://www.facebook.com/CivilNetTV"},
    )
    extra += meta_tags((("article:section", s) for s in sections), " />")
    extra += article_meta(a, "og:image author", end=" />", values={"author": a.author or NAME})
    extra += f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(_schema(site, ed, a))}</script>\n'
    extra += hreflang_links(site.translations(a), " />")
    extra += f"<link rel='shortlink' href='{ORIGIN}/?p={post_id(a)}' />\n"
    head = _head(ed, f"{a.title} - {NAME}", a.url, "article", extra)
    cats = "".join(
        f'<a href="{ed.category_url(c)}" rel="category tag">{esc(ed.categories[c])}</a>'
        for c in a.categories
    )
    byline = (
        f'<span class="byline"> <span class="author vcard">{esc(a.author)}</span></span>'
        if a.author
        else ""
    )
    image = (
        f'<div class="post-thumbnail"><img width="1200" height="675" src="{a.image}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" /></div>'
        if a.image
        else ""
    )
    classes = " ".join(f"category-{c}" for c in a.categories)
    main = f"""<article id="post-{post_id(a)}" class="post-{post_id(a)} post type-post status-publish format-standard hentry {classes}">
<header class="entry-header">
<div class="entry-cats">{cats}</div>
<h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{w3c(a.published)}">{a.published:%d.%m.%Y}</time><time class="updated" datetime="{w3c(a.modified)}">{a.modified:%d.%m.%Y}</time></span>{byline}</div>
</header>
{image}<div class="entry-content">
{_content(site, ed, a, widgets=True)}
</div>
</article>"""
    body_class = (
        f"post-template-default single single-post postid-{post_id(a)} single-format-standard"
    )
    return _page(site, ed, head, body_class, main)


def _items(ed: Edition, articles: list[Article]) -> str:
    return "".join(
        f'<article class="post-{post_id(a)} post type-post status-publish hentry"><div class="post-card">'
        f'<a class="post-card__thumb" href="{a.url}"><img src="{a.image or ORIGIN + "/wp-content/themes/civilnet/img/placeholder.png"}" alt=""></a>'
        f'<h2 class="entry-title post-card__title"><a href="{a.url}" rel="bookmark">{esc(a.title)}</a></h2>'
        f'<span class="post-card__date">{a.published:%d.%m.%Y}</span></div></article>'
        for a in articles
    )


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, base: str, heading: str, articles: list[Article]
) -> None:
    """A category listing and its /page/N/ pages, as WordPress paginates."""
    for page in listing_pages(site, articles, wordpress.listing_urls(base)):
        title = f"{heading} - {NAME}"
        extra = f'<meta property="og:title" content="{esc(title)}" />\n{page.rel_links(" />")}'
        head = _head(ed, title, page.url, "website", extra)
        main = (
            f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>'
            f'<div class="posts-grid">{_items(ed, page.articles)}</div>{PAGER.render(page)}'
        )
        html = _page(site, ed, head, "archive category", main)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, articles: list[Article]) -> str:
    items = [
        f"""<item>
		<title>{esc(a.title)}</title>
		<link>{a.url}</link>
		<dc:creator>{cdata(a.author or NAME)}</dc:creator>
		<pubDate>{rfc822(a.published, utc=True)}</pubDate>
		{"".join(f"<category>{cdata(ed.categories[c])}</category>" for c in a.categories)}
		<guid isPermaLink="false">{ORIGIN}/?p={post_id(a)}</guid>
		<description>{cdata(a.excerpt(40))}</description>
		<content:encoded>{cdata(_content(site, ed, a, widgets=False))}</content:encoded>
		</item>"""
        for a in articles
    ]
    channel = {
        "title": NAME,
        "link": ed.home,
        "description": ed.labels["tagline"],
        "language": ed.locale,
    }
    extra = f'\t<atom:link href="{ed.feed}" rel="self" type="application/rss+xml" />\n'
    namespaces = {
        "content": "http://purl.org/rss/1.0/modules/content/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "atom": "http://www.w3.org/2005/Atom",
    }
    return rss(channel, items, namespaces, extra)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["hy"]
    head = _head(ed, f"Էջը չի գտնվել - {NAME}", ORIGIN + "/404/", "website")
    main = '<section class="error-404 not-found"><h1 class="page-title">404</h1></section>'
    return _page(site, ed, head, "error404", main)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for a in site.articles:
        routes.article(a, post_page(site, eds[a.language], a), "post_page")
        routes.redirect(f"/?p={post_id(a)}", a.url, 301, routes.source("build", a.source))
    for ed in eds.values():
        listing(site, ed, routes, ed.home, ed.labels["latest"], site.select(ed.code))
        for slug, name in ed.categories.items():
            listing(
                site, ed, routes, ed.category_url(slug), name, site.select(ed.code, category=slug)
            )
        in_feed = site.newest(ed.code)
        routes.file(ed.feed, feed(site, ed, in_feed), "feed", in_feed, RSS)
    posts = sorted(site.articles, key=lambda a: a.published)
    categories = [
        (ed.category_url(slug), max(a.modified for a in site.select(ed.code, category=slug)))
        for ed in eds.values()
        for slug in ed.categories
        if site.select(ed.code, category=slug)
    ]
    wordpress.yoast_sitemaps(routes, ORIGIN, posts, categories)
    return routes
