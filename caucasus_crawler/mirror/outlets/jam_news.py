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

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import RSS, cdata, esc, paginate, rfc822, rss, w3c
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://jam-news.net"
NAME = "JAMnews"


@dataclass(frozen=True)
class Edition:
    code: str  # "en", "ru", "am": the site.toml key
    language: str  # "en", "ru", "hy"
    prefix: str  # "/", "/ru/", "/am/"
    locale: str  # "en-US"
    feed: bool  # whether the edition has a feed
    months: tuple[str, ...]
    labels: dict[str, str]
    categories: dict[str, str]

    @property
    def home(self) -> str:
        return ORIGIN + self.prefix

    def category_url(self, slug: str) -> str:
        return f"{ORIGIN}{self.prefix}category/{slug}/"

    def visible_date(self, when: datetime) -> str:
        month = self.months[when.month - 1]
        if self.language == "en":
            return f"{month} {when.day}, {when.year} {when:%H:%M}"
        return f"{when.day} {month} {when.year}, {when:%H:%M}"


def editions(site: Site) -> dict[str, Edition]:
    return {
        code: Edition(
            code,
            ed.get("language", code),
            ed["prefix"],
            ed["locale"],
            ed.get("feed", False),
            tuple(ed["months"]),
            dict(ed["labels"]),
            dict(ed["categories"]),
        )
        for code, ed in site.setting("editions").items()
    }


def edition_of(eds: dict[str, Edition], post: Article) -> Edition:
    return next(ed for ed in eds.values() if ed.language == post.language)


def post_id(post: Article) -> int:
    """A stable WordPress post id for the shortlink and the feed's guid."""
    return 400000 + zlib.crc32(post.url.encode()) % 200000


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"jam_news.py:{renderer}", *files)


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
        for o in editions(site).values()
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
    return f"""<!DOCTYPE html>
<html lang="{ed.locale}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{esc(url)}" />
<meta property="og:locale" content="{ed.locale.replace("-", "_")}" />
<meta property="og:site_name" content="{NAME}" />
<meta property="og:url" content="{esc(url)}" />
{meta}{feed}<link rel="stylesheet" id="jamnews-style-css" href="{ORIGIN}/wp-content/themes/jamnews/assets/css/main.min.css?ver=2.8.4" media="all" />
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
    meta = (
        f'<meta property="og:type" content="article" />\n'
        f'<meta property="og:title" content="{esc(post.title)}" />\n'
        f'<meta property="og:description" content="{esc(post.excerpt(25))}" />\n'
        + (f'<meta property="og:image" content="{post.image}" />\n' if post.image else "")
        + f'<meta property="article:published_time" content="{w3c(post.published)}" />\n'
        f'<meta property="article:modified_time" content="{w3c(post.modified)}" />\n'
        f"<link rel='shortlink' href='{ed.home}?p={post_id(post)}' />\n"
    )
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


def _nav(ed: Edition, base: str, page: int, count: int) -> str:
    if count < 2:
        return ""

    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    links = (
        [f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo;</a>'] if page > 1 else []
    )
    links += [
        f'<span aria-current="page" class="page-numbers current">{n}</span>'
        if n == page
        else f'<a class="page-numbers" href="{href(n)}">{n}</a>'
        for n in range(1, count + 1)
    ]
    if page < count:
        links.append(
            f'<a class="next page-numbers" href="{href(page + 1)}">{esc(ed.labels["next"])} &raquo;</a>'
        )
    return f'<div class="pagination">{"".join(links)}</div>'


def listing(
    site: Site, ed: Edition, routes: Routes, base: str, heading: str, posts: list[Article]
) -> None:
    pages = paginate(posts, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        url = base if n == 1 else f"{base}page/{n}/"
        items = "".join(
            f'<div class="news-item"><a class="news-item__thumb" href="{p.url}"><img src="{p.image or ORIGIN + "/wp-content/themes/jamnews/assets/img/placeholder.jpg"}" alt=""></a>'
            f'<div class="news-item__body"><h3 class="news-item__title"><a href="{p.url}">{esc(p.title)}</a></h3>'
            f'<span class="news-item__date">{ed.visible_date(p.published)}</span></div></div>'
            for p in chunk
        )
        meta = '<meta property="og:type" content="website" />\n' + (
            f'<link rel="next" href="{base}page/{n + 1}/" />\n' if n < len(pages) else ""
        )
        title = f"{heading} - {NAME}" + (f" - {n}" if n > 1 else "")
        main = f'<h1 class="archive-title">{esc(heading)}</h1><div class="news-list">{items}</div>{_nav(ed, base, n, len(pages))}'
        routes.page(
            url,
            _page(site, ed, title, url, meta, "archive", main),
            _src(site, "listing", *(p.source for p in chunk)),
        )


def not_found_page(site: Site) -> str:
    ed = editions(site)["en"]
    main = '<div class="error-404"><h1>404</h1><p>Page not found</p></div>'
    return _page(site, ed, f"Page not found - {NAME}", f"{ORIGIN}/404/", "", "error404", main)


def feed(site: Site, ed: Edition, posts: list[Article]) -> str:
    items = []
    for p in posts:
        cats = "".join(
            f"\n\t\t<category>{cdata(ed.categories[c])}</category>" for c in p.categories
        )
        items.append(f"""	<item>
		<title>{esc(p.title)}</title>
		<link>{p.url}</link>
		<dc:creator>{cdata(p.author or NAME)}</dc:creator>
		<pubDate>{rfc822(p.published, utc=True)}</pubDate>{cats}
		<guid isPermaLink="false">{ed.home}?p={post_id(p)}</guid>
		<description>{cdata(esc(p.excerpt(40)).replace(" …", " [&#8230;]"))}</description>
	</item>""")
    built = max((p.modified for p in posts), default=datetime(2024, 1, 1, tzinfo=UTC))
    channel = {
        "title": f"{NAME} - {ed.labels['tagline']}",
        "link": ed.home.rstrip("/"),
        "description": ed.labels["tagline"],
        "lastBuildDate": rfc822(built, utc=True),
        "language": ed.locale,
    }
    extra = (
        f'\t<atom:link href="{ed.home}feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<generator>https://wordpress.org/?v={site.setting('wordpress')}</generator>\n"
    )
    namespaces = {"dc": "http://purl.org/dc/elements/1.1/", "atom": "http://www.w3.org/2005/Atom"}
    return rss(channel, items, namespaces, extra)


def build(site: Site) -> Routes:
    eds = editions(site)
    routes = Routes(
        site.host,
        redirect_slash=True,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    for post in site.articles:
        ed = edition_of(eds, post)
        routes.page(
            post.url,
            post_page(site, ed, post),
            _src(site, "post_page", post.source),
            last_modified=post.modified,
        )
        routes.redirect(
            f"{ed.home}?p={post_id(post)}", post.url, source=_src(site, "build", post.source)
        )
    for ed in eds.values():
        listing(site, ed, routes, ed.home, ed.labels["latest"], site.select(ed.language))
        for slug, name in ed.categories.items():
            listing(site, ed, routes, ed.category_url(slug), name, site.select(ed.language, slug))
        if ed.feed:
            newest = site.newest(ed.language)
            routes.page(
                f"{ed.home}feed/",
                feed(site, ed, newest),
                _src(site, "feed", *(p.source for p in newest)),
                RSS,
            )
    return routes
