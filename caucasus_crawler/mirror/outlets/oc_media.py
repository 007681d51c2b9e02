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

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, json_ld, slugify, stable_id, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes

ORIGIN = "https://oc-media.org"
NAME = "OC Media"
PAGER = wordpress.page_links(
    '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links">{links}</div></nav>',
    "Previous",
    "Next",
)


def post_id(post: Article) -> int:
    """A stable WordPress post id for the shortlink and the feed's guid."""
    return stable_id(post.url, 100000, 300000)


def category_url(slug: str) -> str:
    return f"{ORIGIN}/category/{slug}/"


def author_url(name: str) -> str:
    return f"{ORIGIN}/authors/{slugify(name)}/"


def _categories(site: Site) -> dict[str, str]:
    return site.edition("en")["categories"]


# -- the theme's frame -------------------------------------------------------------------------


def _head(site: Site, title: str, url: str, og_type: str, description: str, extra: str = "") -> str:
    yoast = wordpress.yoast_meta(
        title,
        url,
        description,
        og_type=og_type,
        locale="en_GB",
        site_name=NAME,
        publisher="https://www.facebook.com/ocmediaorg",
        twitter="@OCMediaorg",
        extra=extra,
    )
    return f"""<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
{yoast}<link rel="alternate" type="application/rss+xml" title="OC Media &raquo; Feed" href="{ORIGIN}/feed/" />
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
    crumbs: list[tuple[str, str | None]] = [("Home", f"{ORIGIN}/")]
    if post.categories:
        crumbs.append((names[0], category_url(post.categories[0])))
    crumbs.append((post.title, None))
    graph = wordpress.yoast_graph(
        ORIGIN,
        NAME,
        post,
        language="en-GB",
        person=f"{ORIGIN}/#/schema/person/{slugify(author)}",
        sections=names,
        crumbs=crumbs,
    )
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
    meta = article_meta(
        post,
        "article:published_time article:modified_time author og:image",
        end=" />",
        values={"author": post.author or NAME},
    )
    meta += f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(_schema(site, post))}</script>\n'
    meta += f"<link rel='shortlink' href='{ORIGIN}/?p={post_id(post)}' />\n"
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
    routes: OutletRoutes,
    base: str,
    heading: str,
    posts: list[Article],
    feed: str | None,
    body_class: str,
) -> None:
    for page in listing_pages(site, posts, wordpress.listing_urls(base)):
        n, count = page.number, page.count
        title = (heading if n == 1 else f"{heading} - Page {n} of {count}") + f" - {NAME}"
        extra = page.rel_links(" />")
        if feed:
            extra += f'<link rel="alternate" type="application/rss+xml" title="OC Media &raquo; {esc(heading)} Feed" href="{feed}" />\n'
        head = _head(site, title, page.url, "website", title, extra)
        main = (
            f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>'
            f'<div class="post-grid">{"".join(_card(site, p) for p in page.articles)}</div>{PAGER.render(page)}'
        )
        routes.file(page.url, _page(site, head, body_class, main), "listing", page.articles)


def not_found_page(site: Site) -> str:
    head = _head(site, f"Page not found - {NAME}", f"{ORIGIN}/", "website", "Page not found")
    main = '<section class="error-404 not-found"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></section>'
    return _page(site, head, "error404", main)


# -- feeds and sitemaps ------------------------------------------------------------------------


def feed(site: Site, title: str, link: str, self_url: str, posts: list[Article]) -> str:
    cats = _categories(site)
    items = [
        wordpress.feed_item(
            p,
            f"{ORIGIN}/?p={post_id(p)}",
            p.author or NAME,
            [*(cats[c] for c in p.categories), *p.tags],
            excerpt=55,
            content=_content(site, p, widgets=False),
        )
        for p in posts
    ]
    return wordpress.feed(
        site,
        posts,
        items,
        title=title,
        link=link,
        language="en-GB",
        self_url=self_url,
        namespaces=("content", "dc", "atom", "sy"),
    )


# -- the route table ---------------------------------------------------------------------------


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for post in site.articles:
        routes.article(post, post_page(site, post), "post_page")
        routes.redirect(
            f"{ORIGIN}/?p={post_id(post)}", post.url, source=routes.source("build", post.source)
        )
    listing(site, routes, f"{ORIGIN}/", "Latest", site.articles, None, "home blog")
    newest = site.newest("en")
    feed_xml = feed(site, NAME, ORIGIN, f"{ORIGIN}/feed/", newest)
    routes.file(f"{ORIGIN}/feed/", feed_xml, "feed", newest, RSS)
    for slug, name in _categories(site).items():
        base = category_url(slug)
        listed = site.select("en", slug)
        body_class = f"archive category category-{slug}"
        listing(site, routes, base, name, listed, f"{base}feed/", body_class)
        shown = site.newest("en", slug)
        feed_xml = feed(site, f"{name} Archives - {NAME}", base, f"{base}feed/", shown)
        routes.file(f"{base}feed/", feed_xml, "feed", shown, RSS)
    for page in site.pages:
        routes.file(page.url, static_page(site, page), "static_page", [page])
    for tag in sorted({t for p in site.articles for t in p.tags}):
        posts = site.select("en", tag=tag)
        listing(site, routes, f"{ORIGIN}/tag/{slugify(tag)}/", tag, posts, None, "archive tag")
    for author in sorted({p.author or NAME for p in site.articles}):
        posts = [p for p in site.articles if (p.author or NAME) == author]
        listing(site, routes, author_url(author), author, posts, None, "archive author")
    posts = sorted(site.articles, key=lambda a: a.modified)
    newest = max(a.modified for a in posts)
    categories = [(category_url(slug), newest) for slug in _categories(site)]
    wordpress.yoast_sitemaps(routes, ORIGIN, posts, categories)
    return routes
