"""oc-media.org as the mirror renders it: WordPress with the outlet's own theme, English only,
a Yoast SEO head (JSON-LD graph, article:* meta) and Yoast sitemaps.

Quirks kept from the real site: titles that start "Live updates |" or "Podcast |" (part of
the title as the h1 shows it, so only the " - OC Media" suffix may be stripped); a donation
appeal ("Fierce, independent journalism… Let's be honest…") inside the post body and again
after it; podcast posts that start with a player and a "Listen on…" line; older features at
/features/<slug>/ beside the newer /<slug>/ posts.

Routes (words from sites/oc-media.org/, markup from here):
  /<slug>/, /features/<slug>/             a post: articles/en-<slug>.toml
  /?p=<id>                                301 to the post (the WordPress shortlink)
  /                                       home: the newest posts, further pages at /page/N/
  /category/<slug>/[page/N/]              category listing
  /authors/<slug>/[page/N/]               an author's posts
  /tag/<slug>/[page/N/]                   tag listing
  /about-us/, /become-a-member/           pages/*.toml
  /feed/, /category/<slug>/feed/          RSS 2.0, full text (content:encoded)
  /sitemap_index.xml -> /post-sitemap.xml, /category-sitemap.xml   (Yoast)
  anything else                           the theme's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

from caucasus_crawler.mirror.content import HTML, Article, Resource, Routes, Site
from caucasus_crawler.mirror.markup import (
    RSS,
    XML,
    cdata,
    esc,
    json_ld,
    paginate,
    rfc822,
    rss,
    sitemap_index,
    urlset,
    w3c,
)
from caucasus_crawler.mirror.outlets import source

ORIGIN = "https://oc-media.org"
NAME = "OC Media"


def post_id(post: Article) -> int:
    """A stable WordPress post id for the shortlink and the feed's guid."""
    return 100000 + zlib.crc32(post.url.encode()) % 300000


def slugify(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def category_url(slug: str) -> str:
    return f"{ORIGIN}/category/{slug}/"


def author_url(name: str) -> str:
    return f"{ORIGIN}/authors/{slugify(name)}/"


def _categories(site: Site) -> dict[str, str]:
    return site.edition("en")["categories"]


def _src(site: Site, renderer: str, *files) -> str:
    return source(site, f"oc_media.py:{renderer}", *files)


# -- the theme's frame -------------------------------------------------------------------------


def _head(site: Site, title: str, url: str, og_type: str, description: str, extra: str = "") -> str:
    return f"""<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
<title>{esc(title)}</title>
<meta name="description" content="{esc(description)}" />
<link rel="canonical" href="{esc(url)}" />
<meta property="og:locale" content="en_GB" />
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{esc(title)}" />
<meta property="og:description" content="{esc(description)}" />
<meta property="og:url" content="{esc(url)}" />
<meta property="og:site_name" content="{NAME}" />
<meta property="article:publisher" content="https://www.facebook.com/ocmediaorg" />
{extra}<meta name="twitter:card" content="summary_large_image" />
<meta name="twitter:site" content="@OCMediaorg" />
<link rel="alternate" type="application/rss+xml" title="OC Media &raquo; Feed" href="{ORIGIN}/feed/" />
<link rel='stylesheet' id='ocm-style-css' href='{ORIGIN}/wp-content/themes/ocmedia/style.css?ver=3.4.1' media='all' />
<meta name="generator" content="WordPress {site.setting("wordpress")}" />
</head>"""


def _page(site: Site, head: str, body_class: str, main: str) -> str:
    menu = "".join(
        f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category"><a href="{category_url(slug)}">{esc(name)}</a></li>'
        for slug, name in _categories(site).items()
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
{head}
<body class="{body_class}">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header">
<div class="site-branding"><a href="{ORIGIN}/" rel="home"><img src="{ORIGIN}/wp-content/themes/ocmedia/img/oc-media-logo.svg" alt="OC Media" width="180" height="48"></a></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}<li class="menu-item menu-donate"><a href="{ORIGIN}/become-a-member/">Become a member</a></li></ul></nav>
</header>
<div id="content" class="site-content"><main id="primary" class="site-main">
{main}
</main></div>
<footer id="colophon" class="site-footer"><div class="footer-menu"><a href="{ORIGIN}/about-us/">About us</a> <a href="{ORIGIN}/feed/">RSS</a></div>
<div class="site-info">&copy; OC Media 2026. All rights reserved.</div></footer>
</div>
<script src="{ORIGIN}/wp-content/themes/ocmedia/js/navigation.js?ver=3.4.1" id="ocm-navigation-js"></script>
</body>
</html>
"""


def _appeal(site: Site, where: str) -> str:
    """The donation appeal, as the theme puts it inside the body and after it."""
    words = site.setting("appeal")
    return (
        f'<div class="oc-member-appeal oc-member-appeal--{where}"><h3 class="oc-member-appeal__title">'
        f'{esc(words["title"])}</h3><p>{esc(words["text"])}</p><p><a class="button" '
        f'href="{ORIGIN}/become-a-member/">{esc(words["button"])}</a></p></div>'
    )


# -- posts -------------------------------------------------------------------------------------


def _schema(site: Site, post: Article) -> dict:
    names = [_categories(site)[c] for c in post.categories]
    author = post.author or NAME
    crumbs = [{"@type": "ListItem", "position": 1, "name": "Home", "item": f"{ORIGIN}/"}]
    if post.categories:
        crumbs.append(
            {
                "@type": "ListItem",
                "position": 2,
                "name": names[0],
                "item": category_url(post.categories[0]),
            }
        )
    crumbs.append({"@type": "ListItem", "position": len(crumbs) + 1, "name": post.title})
    graph = [
        {
            "@type": "NewsArticle",
            "@id": f"{post.url}#article",
            "isPartOf": {"@id": post.url},
            "author": {"name": author, "@id": f"{ORIGIN}/#/schema/person/{slugify(author)}"},
            "headline": post.title,
            "datePublished": w3c(post.published),
            "dateModified": w3c(post.modified),
            "mainEntityOfPage": {"@id": post.url},
            "wordCount": len(" ".join(post.paragraphs).split()),
            "publisher": {"@id": f"{ORIGIN}/#organization"},
            "keywords": list(post.tags),
            "articleSection": names,
            "inLanguage": "en-GB",
        },
        {
            "@type": "WebPage",
            "@id": post.url,
            "url": post.url,
            "name": f"{post.title} - {NAME}",
            "isPartOf": {"@id": f"{ORIGIN}/#website"},
            "datePublished": w3c(post.published),
            "dateModified": w3c(post.modified),
            "breadcrumb": {"@id": f"{post.url}#breadcrumb"},
            "inLanguage": "en-GB",
        },
        {"@type": "BreadcrumbList", "@id": f"{post.url}#breadcrumb", "itemListElement": crumbs},
        {
            "@type": "WebSite",
            "@id": f"{ORIGIN}/#website",
            "url": f"{ORIGIN}/",
            "name": NAME,
            "publisher": {"@id": f"{ORIGIN}/#organization"},
            "inLanguage": "en-GB",
        },
        {
            "@type": "Organization",
            "@id": f"{ORIGIN}/#organization",
            "name": NAME,
            "url": f"{ORIGIN}/",
        },
        {"@type": "Person", "@id": f"{ORIGIN}/#/schema/person/{slugify(author)}", "name": author},
    ]
    return {"@context": "https://schema.org", "@graph": graph}


def _content(site: Site, post: Article, *, widgets: bool) -> str:
    """The post's content as WordPress stores it (the feed's content:encoded); with
    `widgets`, as the theme shows it, with the donation appeal after the third paragraph."""
    parts = []
    podcast = "podcast" in post.categories
    if podcast:
        parts.append(
            f'<figure class="wp-block-embed is-type-rich is-provider-spotify"><div class="wp-block-embed__wrapper">'
            f'<iframe title="Spotify Embed" style="border-radius: 12px" width="100%" height="152" frameborder="0" '
            f'src="https://open.spotify.com/embed/episode/{post_id(post)}?utm_source=oembed"></iframe></div></figure>'
        )
        parts.append(f"<p>{site.setting('podcast_line')}</p>")
    for n, paragraph in enumerate(post.body, 1):
        parts.append(f"<p>{paragraph}</p>")
        if widgets and n == 3 and len(post.body) > 4:
            parts.append(_appeal(site, "inline"))
    return "\n".join(parts)


def post_page(site: Site, post: Article) -> str:
    cats = _categories(site)
    meta = (
        f'<meta property="article:published_time" content="{w3c(post.published)}" />\n'
        f'<meta property="article:modified_time" content="{w3c(post.modified)}" />\n'
        f'<meta name="author" content="{esc(post.author or NAME)}" />\n'
        + (f'<meta property="og:image" content="{post.image}" />\n' if post.image else "")
        + f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(_schema(site, post))}</script>\n'
        + f"<link rel='shortlink' href='{ORIGIN}/?p={post_id(post)}' />\n"
    )
    head = _head(site, f"{post.title} - {NAME}", post.url, "article", post.excerpt(25), meta)
    links = ", ".join(
        f'<a href="{category_url(c)}" rel="category tag">{esc(cats[c])}</a>'
        for c in post.categories
    )
    tags = " ".join(
        f'<a href="{ORIGIN}/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in post.tags
    )
    author = post.author or NAME
    image = (
        f'<figure class="post-thumbnail"><img width="1200" height="800" src="{post.image}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async">'
        f'<figcaption class="wp-caption-text">{esc(site.setting("photo_credit"))}</figcaption></figure>'
        if post.image
        else ""
    )
    classes = " ".join(f"category-{c}" for c in post.categories)
    main = f"""<article id="post-{post_id(post)}" class="post-{post_id(post)} post type-post status-publish format-standard has-post-thumbnail {classes}">
<header class="entry-header">
<div class="cat-links">{links}</div>
<h1 class="entry-title">{esc(post.title)}</h1>
<div class="entry-meta"><span class="byline">by <span class="author vcard"><a class="url fn n" href="{author_url(author)}">{esc(author)}</a></span></span> <span class="posted-on"><time class="entry-date published" datetime="{w3c(post.published)}">{post.published.day} {post.published:%B %Y}</time></span></div>
</header>
{image}<div class="entry-content">
{_content(site, post, widgets=True)}
</div>
<footer class="entry-footer">{f'<span class="tags-links">Tags: {tags}</span>' if tags else ""}</footer>
</article>
{_appeal(site, "footer")}
{_read_more(site, post)}"""
    return _page(
        site, head, f"post-template-default single single-post postid-{post_id(post)}", main
    )


def _read_more(site: Site, post: Article) -> str:
    """ "Read more" under the post: its related posts, else the newest others."""
    others = site.related(post) or [p for p in site.articles if p is not post][:3]
    items = "".join(f'<li><a href="{r.url}">{esc(r.title)}</a></li>' for r in others)
    return f'<section class="related-posts"><h2 class="related-posts__title">Read more</h2><ul>{items}</ul></section>'


def static_page(site: Site, page: Article) -> str:
    head = _head(site, f"{page.title} - {NAME}", page.url, "article", page.excerpt(25))
    body = "".join(f"<p>{p}</p>" for p in page.body)
    main = (
        f'<article class="page type-page status-publish"><header class="entry-header"><h1 class="entry-title">'
        f'{esc(page.title)}</h1></header><div class="entry-content">{body}</div></article>'
    )
    return _page(site, head, "page-template-default page", main)


# -- listings ----------------------------------------------------------------------------------


def _nav(base: str, page: int, count: int) -> str:
    if count < 2:
        return ""

    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    links = (
        [f'<a class="prev page-numbers" href="{href(page - 1)}">Previous</a>'] if page > 1 else []
    )
    links += [
        f'<span aria-current="page" class="page-numbers current">{n}</span>'
        if n == page
        else f'<a class="page-numbers" href="{href(n)}">{n}</a>'
        for n in range(1, count + 1)
    ]
    if page < count:
        links.append(f'<a class="next page-numbers" href="{href(page + 1)}">Next</a>')
    return f'<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links">{"".join(links)}</div></nav>'


def _card(site: Site, post: Article) -> str:
    cats = _categories(site)
    first = post.categories[0] if post.categories else None
    label = (
        f'<a class="post-card__cat" href="{category_url(first)}">{esc(cats[first])}</a>'
        if first
        else ""
    )
    return (
        f'<article class="post-card post-{post_id(post)}">{label}<h2 class="post-card__title">'
        f'<a href="{post.url}">{esc(post.title)}</a></h2><div class="post-card__meta">'
        f'<time datetime="{w3c(post.published)}">{post.published.day} {post.published:%B %Y}</time></div>'
        f'<p class="post-card__excerpt">{esc(post.excerpt(25))}</p></article>'
    )


def listing(
    site: Site,
    routes: Routes,
    base: str,
    heading: str,
    posts: list[Article],
    feed: str | None,
    body_class: str,
) -> None:
    pages = paginate(posts, site.setting("per_page"))
    for n, chunk in enumerate(pages, 1):
        url = base if n == 1 else f"{base}page/{n}/"
        title = (heading if n == 1 else f"{heading} - Page {n} of {len(pages)}") + f" - {NAME}"
        extra = ""
        if n > 1:
            extra += f'<link rel="prev" href="{base if n == 2 else f"{base}page/{n - 1}/"}" />\n'
        if n < len(pages):
            extra += f'<link rel="next" href="{base}page/{n + 1}/" />\n'
        if feed:
            extra += f'<link rel="alternate" type="application/rss+xml" title="OC Media &raquo; {esc(heading)} Feed" href="{feed}" />\n'
        head = _head(site, title, url, "website", title, extra)
        main = (
            f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>'
            f'<div class="post-grid">{"".join(_card(site, p) for p in chunk)}</div>{_nav(base, n, len(pages))}'
        )
        routes.page(
            url,
            _page(site, head, body_class, main),
            _src(site, "listing", *(p.source for p in chunk)),
        )


def not_found_page(site: Site) -> str:
    head = _head(site, f"Page not found - {NAME}", f"{ORIGIN}/", "website", "Page not found")
    main = '<section class="error-404 not-found"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></section>'
    return _page(site, head, "error404", main)


# -- feeds and sitemaps ------------------------------------------------------------------------


def feed(site: Site, title: str, link: str, self_url: str, posts: list[Article]) -> str:
    cats = _categories(site)
    items = []
    for p in posts:
        names = "".join(
            f"\n\t\t<category>{cdata(n)}</category>"
            for n in [*(cats[c] for c in p.categories), *p.tags]
        )
        items.append(f"""	<item>
		<title>{esc(p.title)}</title>
		<link>{p.url}</link>
		<dc:creator>{cdata(p.author or NAME)}</dc:creator>
		<pubDate>{rfc822(p.published, utc=True)}</pubDate>{names}
		<guid isPermaLink="false">{ORIGIN}/?p={post_id(p)}</guid>
		<description>{cdata(esc(p.excerpt(55)).replace(" …", " [&#8230;]"))}</description>
		<content:encoded>{cdata(_content(site, p, widgets=False))}</content:encoded>
	</item>""")
    built = max((p.modified for p in posts), default=datetime(2024, 1, 1, tzinfo=UTC))
    channel = {
        "title": title,
        "link": link,
        "description": site.setting("description"),
        "lastBuildDate": rfc822(built, utc=True),
        "language": "en-GB",
    }
    extra = (
        f'\t<atom:link href="{self_url}" rel="self" type="application/rss+xml" />\n'
        "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n\t<sy:updateFrequency>1</sy:updateFrequency>\n"
        f"\t<generator>https://wordpress.org/?v={site.setting('wordpress')}</generator>\n"
    )
    namespaces = {
        "content": "http://purl.org/rss/1.0/modules/content/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "atom": "http://www.w3.org/2005/Atom",
        "sy": "http://purl.org/rss/1.0/modules/syndication/",
    }
    return rss(channel, items, namespaces, extra)


def sitemaps(site: Site, routes: Routes) -> None:
    """Yoast: an index of the post sitemap (newest last) and the category sitemap."""
    posts = sorted(site.articles, key=lambda a: a.modified)
    routes.page(
        f"{ORIGIN}/post-sitemap.xml",
        urlset((a.url, a.modified) for a in posts),
        _src(site, "sitemaps", *(a.source for a in posts)),
        XML,
    )
    newest = max(a.modified for a in posts)
    categories = [(category_url(slug), newest) for slug in _categories(site)]
    routes.page(f"{ORIGIN}/category-sitemap.xml", urlset(categories), _src(site, "sitemaps"), XML)
    index = [(f"{ORIGIN}/post-sitemap.xml", newest), (f"{ORIGIN}/category-sitemap.xml", newest)]
    routes.page(f"{ORIGIN}/sitemap_index.xml", sitemap_index(index), _src(site, "sitemaps"), XML)


# -- the route table ---------------------------------------------------------------------------


def build(site: Site) -> Routes:
    routes = Routes(
        site.host,
        redirect_slash=True,
        not_found=Resource(
            not_found_page(site).encode(), HTML, 404, (), _src(site, "not_found_page")
        ),
    )
    for post in site.articles:
        routes.page(
            post.url,
            post_page(site, post),
            _src(site, "post_page", post.source),
            last_modified=post.modified,
        )
        routes.redirect(
            f"{ORIGIN}/?p={post_id(post)}", post.url, source=_src(site, "build", post.source)
        )
    listing(site, routes, f"{ORIGIN}/", "Latest", site.articles, None, "home blog")
    newest = site.newest("en")
    routes.page(
        f"{ORIGIN}/feed/",
        feed(site, NAME, ORIGIN, f"{ORIGIN}/feed/", newest),
        _src(site, "feed", *(p.source for p in newest)),
        RSS,
    )
    for slug, name in _categories(site).items():
        base = category_url(slug)
        listing(
            site,
            routes,
            base,
            name,
            site.select("en", slug),
            f"{base}feed/",
            f"archive category category-{slug}",
        )
        shown = site.newest("en", slug)
        routes.page(
            f"{base}feed/",
            feed(site, f"{name} Archives - {NAME}", base, f"{base}feed/", shown),
            _src(site, "feed", *(p.source for p in shown)),
            RSS,
        )
    for page in site.pages:
        routes.page(page.url, static_page(site, page), _src(site, "static_page", page.source))
    for tag in sorted({t for p in site.articles for t in p.tags}):
        posts = site.select("en", tag=tag)
        listing(site, routes, f"{ORIGIN}/tag/{slugify(tag)}/", tag, posts, None, "archive tag")
    for author in sorted({p.author or NAME for p in site.articles}):
        posts = [p for p in site.articles if (p.author or NAME) == author]
        listing(site, routes, author_url(author), author, posts, None, "archive author")
    sitemaps(site, routes)
    return routes
