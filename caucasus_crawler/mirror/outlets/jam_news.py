"""jam-news.net as the mirror renders it: WordPress with the JAMnews theme; English at the root,
Russian at /ru/, Armenian at /am/ (each edition its own WordPress site of a multisite).

Signals: Open Graph and article:published_time meta (local time, +04:00); no JSON-LD. The
visible date is in the edition's language ("14 мая 2025, 16:20"). Feeds carry teasers only,
and only the English and Russian editions have one: Armenian posts are found through the
listings. Boilerplate inside the post body: the live-blog bar ("1 new update") at the top of
live posts and the "Support JAMnews…" banner at the end of every post.

Routes (words from sites/jam-news.net/, markup from here):
  /[ru/|am/]<slug>/                       a post: articles/<edition>-<slug>.toml
  /[ru/|am/]?p=<id>                       301 to the post (the WordPress shortlink)
  /[ru/|am/]                              the edition's home: newest posts, /page/N/ beyond
  /[ru/|am/]category/<slug>/[page/N/]     category listing
  /feed/, /ru/feed/                       RSS 2.0, teasers (no feed for /am/)
  anything else                           the theme's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, page_head, stable_id
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://jam-news.net"
NAME = "JAMnews"


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition of the multisite: code "en", "ru", "am" (language "hy"), prefix "/ru/"."""

    origin = ORIGIN
    locale: str  # "en-US"
    feed: bool = False  # whether the edition has a feed

    def category_url(self, slug: str) -> str:
        return self.url(f"category/{slug}/")

    def visible_date(self, when: datetime) -> str:
        month = self.month(when)
        if self.language == "en":
            return f"{month} {when.day}, {when.year} {when:%H:%M}"
        return f"{when.day} {month} {when.year}, {when:%H:%M}"


def edition_of(eds: dict[str, Edition], post: Article) -> Edition:
    return next(ed for ed in eds.values() if ed.language == post.language)


def post_id(post: Article) -> int:
    """A stable WordPress post id for the shortlink and the feed's guid."""
    return stable_id(post.url, 400000, 200000)


# -- the theme's frame -------------------------------------------------------------------------


def _page(
    site: Site, ed: Edition, title: str, url: str, meta: str, body_class: str, main: str
) -> str:
    menu = "".join(
        f'<li class="menu-item"><a href="{ed.category_url(slug)}">{esc(name)}</a></li>'
        for slug, name in ed.categories.items()
    )
    langs = "".join(
        f'<li class="lang-item lang-item-{o.code}{" current-lang" if o is ed else ""}"><a lang="{o.locale}" hreflang="{o.locale}" href="{o.home}">{esc(o.labels["lang"])}</a></li>'
        for o in editions(site, Edition).values()
    )
    feed = (
        f'<link rel="alternate" type="application/rss+xml" title="JAMnews &raquo; Feed" href="{ed.home}feed/" />\n'
        if ed.feed
        else ""
    )
    latest = "".join(
        f'<li><a href="{p.url}">{esc(p.title)}</a><span class="latest-date">{p.published:%H:%M}</span></li>'
        for p in site.select(ed.language)[:3]
    )
    head_start = page_head(
        ed.locale, title, url, NAME, charset="UTF-8", locale=ed.locale.replace("-", "_"), end=" />"
    )
    return f"""{head_start}{meta}{feed}<link rel="stylesheet" id="jamnews-style-css" href="{ORIGIN}/wp-content/themes/jamnews/assets/css/main.min.css?ver=2.8.4" media="all" />
<meta name="generator" content="WordPress {site.setting("wordpress")}" />
</head>
<body class="{body_class}">
<header class="site-header"><div class="container">
<a class="site-logo" href="{ed.home}"><img src="{ORIGIN}/wp-content/themes/jamnews/assets/img/logo.svg" alt="JAMnews"></a>
<nav class="main-menu"><ul>{menu}</ul></nav>
<ul class="lang-switcher">{langs}</ul>
</div></header>
<div class="site-content container"><div class="row">
<main class="col-main">{main}</main>
<aside class="col-side"><div class="widget latest-news"><h4 class="widget-title">{esc(ed.labels["latest"])}</h4><ul>{latest}</ul></div></aside>
</div></div>
<footer class="site-footer"><div class="container"><p>&copy; 2026 JAMnews. {esc(ed.labels["copyright"])}</p></div></footer>
<script src="{ORIGIN}/wp-content/themes/jamnews/assets/js/main.min.js?ver=2.8.4"></script>
</body>
</html>
"""


# -- posts -------------------------------------------------------------------------------------


def _content(site: Site, ed: Edition, post: Article) -> str:
    """The post body as the theme shows it: the live bar on live posts, the paragraphs, the
    support banner."""
    parts = []
    if post.url in site.setting("live", []):
        parts.append(
            f'<div class="jn-live"><span class="jn-live__dot"></span>'
            f'<p class="jn-live__updates" data-target="#live-updates">{esc(ed.labels["new_update"])}</p></div>'
        )
    parts += [f"<p>{p}</p>" for p in post.body]
    parts.append(
        f'<div class="jn-cta"><p><strong>{esc(ed.labels["support"])}</strong> '
        f'<a href="{site.setting("donate")}" target="_blank" rel="noopener">{esc(ed.labels["donate"])}</a></p></div>'
    )
    return "\n".join(parts)


def post_page(site: Site, ed: Edition, post: Article) -> str:
    meta = article_meta(
        post,
        "og:type og:title og:description og:image article:published_time article:modified_time",
        end=" />",
    )
    meta += f"<link rel='shortlink' href='{ed.home}?p={post_id(post)}' />\n"
    cats = "".join(
        f'<a href="{ed.category_url(c)}" rel="category tag">{esc(ed.categories[c])}</a>'
        for c in post.categories
    )
    image = (
        f'<div class="post-thumb"><img src="{post.image}" alt="{esc(post.title)}" width="1140" height="641"></div>'
        if post.image
        else ""
    )
    author = post.author or NAME
    main = f"""<article class="post-single post-{post_id(post)}">
<div class="post-header">
<div class="post-cats">{cats}</div>
<h1 class="post-title">{esc(post.title)}</h1>
<div class="post-meta"><span class="post-author">{esc(author)}</span> <span class="post-date">{ed.visible_date(post.published)}</span></div>
</div>
{image}<div class="post-content">
{_content(site, ed, post)}
</div>
<div class="post-share"><span>{esc(ed.labels["share"])}</span> <a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={post.url}">Facebook</a> <a class="share-tg" href="https://t.me/share/url?url={post.url}">Telegram</a></div>
</article>"""
    return _page(
        site,
        ed,
        f"{post.title} - {NAME}",
        post.url,
        meta,
        f"post-template-default single single-post postid-{post_id(post)}",
        main,
    )


# -- listings ----------------------------------------------------------------------------------


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, base: str, heading: str, posts: list[Article]
) -> None:
    pager = wordpress.page_links(
        '<div class="pagination">{links}</div>', "&laquo;", f"{esc(ed.labels['next'])} &raquo;"
    )
    for page in listing_pages(site, posts, wordpress.listing_urls(base)):
        items = "".join(
            f'<div class="news-item"><a class="news-item__thumb" href="{p.url}"><img src="{p.image or ORIGIN + "/wp-content/themes/jamnews/assets/img/placeholder.jpg"}" alt=""></a>'
            f'<div class="news-item__body"><h3 class="news-item__title"><a href="{p.url}">{esc(p.title)}</a></h3>'
            f'<span class="news-item__date">{ed.visible_date(p.published)}</span></div></div>'
            for p in page.articles
        )
        meta = '<meta property="og:type" content="website" />\n' + (
            f'<link rel="next" href="{page.next_url}" />\n' if page.next_url else ""
        )
        title = f"{heading} - {NAME}" + (f" - {page.number}" if page.number > 1 else "")
        main = f'<h1 class="archive-title">{esc(heading)}</h1><div class="news-list">{items}</div>{pager.render(page)}'
        html = _page(site, ed, title, page.url, meta, "archive", main)
        routes.file(page.url, html, "listing", page.articles)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["en"]
    main = '<div class="error-404"><h1>404</h1><p>Page not found</p></div>'
    return _page(site, ed, f"Page not found - {NAME}", f"{ORIGIN}/404/", "", "error404", main)


def feed(site: Site, ed: Edition, posts: list[Article]) -> str:
    items = [
        wordpress.feed_item(
            p,
            f"{ed.home}?p={post_id(p)}",
            p.author or NAME,
            [ed.categories[c] for c in p.categories],
            excerpt=40,
        )
        for p in posts
    ]
    return wordpress.feed(
        site,
        posts,
        items,
        title=f"{NAME} - {ed.labels['tagline']}",
        link=ed.home.rstrip("/"),
        description=ed.labels["tagline"],
        language=ed.locale,
        self_url=f"{ed.home}feed/",
    )


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for post in site.articles:
        ed = edition_of(eds, post)
        routes.article(post, post_page(site, ed, post), "post_page")
        routes.redirect(
            f"{ed.home}?p={post_id(post)}", post.url, source=routes.source("build", post.source)
        )
    for ed in eds.values():
        listing(site, ed, routes, ed.home, ed.labels["latest"], site.select(ed.language))
        for slug, name in ed.categories.items():
            listing(site, ed, routes, ed.category_url(slug), name, site.select(ed.language, slug))
        if ed.feed:
            newest = site.newest(ed.language)
            routes.file(f"{ed.home}feed/", feed(site, ed, newest), "feed", newest, RSS)
    return routes
