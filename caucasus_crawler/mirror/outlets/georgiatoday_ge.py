"""georgiatoday.ge as the mirror renders it: WordPress with the JNews theme, English only.

The feed is broken, as on the real site: /feed/ answers HTTP 500 with WordPress's "critical
error" page, and the category feeds that the listings announce answer the category's HTML
page instead of RSS. Articles are found through Yoast's sitemaps (named in robots.txt), a
Google News sitemap and the category listings.

Article pages carry Open Graph and article:published_time meta (+04:00), no JSON-LD; the
visible date ``.jeg_meta_date`` is a bare day ("July 7, 2026"). JNews puts
``<article class="jeg_post">`` teasers (with their own ``.jeg_meta_date``) into the inline
"Read also" block inside the body and into the related posts below it, so the first
``<article>`` of a page is a teaser, not the post. Inside the body: the inline related posts,
a newsletter line, the tags.

Routes (words from sites/georgiatoday.ge/, markup from here):
  /<long-slug>/, /news/<id>/<Slug>        a post: articles/en-<slug>.toml
  /[page/N/]                              home: the newest posts
  /category/<slug>/[page/N/]              category listing
  /tag/<slug>/, /author/<slug>/           tag and author listings
  /feed/                                  HTTP 500, HTML (the broken feed)
  /category/<slug>/feed/                  200 with the category's HTML page, not RSS
  /sitemap_index.xml -> /post-sitemap.xml, /category-sitemap.xml   (Yoast)
  /news-sitemap.xml                       Google News sitemap: the newest posts
  anything else                           the theme's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import replace

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import HTML, Article, Resource, Site
from caucasus_crawler.mirror.listing import ListingPage, Pager, listing_pages
from caucasus_crawler.mirror.markup import XML, article_meta, esc, slugify, stable_id, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes

ORIGIN = "https://georgiatoday.ge"
NAME = "Georgia Today"
# JNews's pager: "Page n of N", then the links, each with its page number in data-id
PAGER = Pager(
    '<div class="jeg_navigation jeg_pagination jeg_pagenav_1 jeg_aligncenter no_navtext no_pageinfo"><span class="page_info">Page {page} of {count}</span>{links}</div>',
    current='<span class="page_number active">{n}</span>',
    link='<a class="page_number" data-id="{n}" href="{href}">{n}</a>',
    prev='<a class="page_nav prev" data-id="{n}" href="{href}"><span class="navtext">Prev</span></a>',
    next='<a class="page_nav next" data-id="{n}" href="{href}"><span class="navtext">Next</span></a>',
)


def post_id(post: Article) -> int:
    return stable_id(post.url, 200000, 100000)


def category_url(slug: str) -> str:
    return f"{ORIGIN}/category/{slug}/"


def visible_date(post: Article) -> str:
    return f"{post.published:%B} {post.published.day}, {post.published.year}"


def _categories(site: Site) -> dict[str, str]:
    return site.edition("en")["categories"]


def _page(site: Site, title: str, url: str, meta: str, body_class: str, main: str) -> str:
    menu = "".join(
        f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category"><a href="{category_url(s)}">{esc(n)}</a></li>'
        for s, n in _categories(site).items()
    )
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>{esc(title)}</title>
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1" />
<link rel="canonical" href="{esc(url)}" />
<meta property="og:locale" content="en_US" />
<meta property="og:site_name" content="{NAME}" />
<meta property="og:url" content="{esc(url)}" />
{meta}<link rel="alternate" type="application/rss+xml" title="Georgia Today &raquo; Feed" href="{ORIGIN}/feed/" />
<link rel='stylesheet' id='jnews-frontend-css' href='{ORIGIN}/wp-content/themes/jnews/assets/dist/frontend.min.css?ver=11.6.6' type='text/css' media='all' />
<meta name="generator" content="WordPress {site.setting("wordpress")}" />
</head>
<body class="{body_class} jeg_toggle_light jnews jsc_normal">
<div class="jeg_ad jeg_ad_top jnews_header_top_ads"><div class='ads-wrapper'></div></div>
<div class="jeg_viewport">
<div class="jeg_header_wrapper"><div class="jeg_header normal"><div class="jeg_midbar jeg_container normal"><div class="container"><div class="jeg_nav_row">
<div class="jeg_nav_col jeg_nav_left jeg_nav_grow"><div class="jeg_logo jeg_desktop_logo"><a href="{ORIGIN}/"><img class="jeg_logo_img" src="{ORIGIN}/wp-content/uploads/2021/05/georgia-today-logo.png" alt="Georgia Today"></a></div></div>
</div></div></div>
<div class="jeg_bottombar jeg_navbar jeg_container jeg_navbar_wrapper"><div class="container"><div class="jeg_nav_row"><div class="jeg_main_menu_wrapper"><div class="jeg_mainmenu_wrap"><ul class="jeg_menu jeg_main_menu jeg_menu_style_1"><li class="menu-item"><a href="{ORIGIN}/">Home</a></li>{menu}</ul></div></div></div></div></div>
</div></div>
<div class="jeg_main"><div class="jeg_container">
{main}
</div></div>
<div class="footer-holder" id="footer"><div class="jeg_footer jeg_footer_1 dark"><div class="jeg_footer_container jeg_container"><div class="jeg_footer_content"><div class="container"><p class="copyright">&copy; 2026 Georgia Today. All rights reserved.</p></div></div></div></div></div>
</div>
<script type='text/javascript' src='{ORIGIN}/wp-content/themes/jnews/assets/dist/frontend.min.js?ver=11.6.6' id='jnews-frontend-js'></script>
</body>
</html>
"""


def _teaser(site: Site, post: Article, size: str = "jeg_pl_md_box") -> str:
    """A JNews block item: an <article> with its own category label and date."""
    cats = _categories(site)
    first = post.categories[0]
    return (
        f'<article class="jeg_post {size} format-standard"><div class="jeg_thumb"><a href="{post.url}">'
        f'<div class="thumbnail-container"><img src="{post.image or ORIGIN + "/wp-content/themes/jnews/assets/img/jeg-empty.png"}" alt=""></div></a>'
        f'<div class="jeg_post_category"><span><a href="{category_url(first)}" class="category-{first}">{esc(cats[first])}</a></span></div></div>'
        f'<div class="jeg_postblock_content"><h3 class="jeg_post_title"><a href="{post.url}">{esc(post.title)}</a></h3>'
        f'<div class="jeg_post_meta"><div class="jeg_meta_date"><a href="{post.url}"><i class="fa fa-clock-o"></i> {visible_date(post)}</a></div></div></div></article>'
    )


def post_page(site: Site, post: Article) -> str:
    cats = _categories(site)
    meta = article_meta(
        post,
        "og:type og:title og:description og:image article:published_time article:modified_time author",
        words=30,
        end=" />",
        values={"author": post.author or NAME},
    )
    meta += f"<link rel='shortlink' href='{ORIGIN}/?p={post_id(post)}' />\n"
    first = post.categories[0]
    others = [p for p in site.articles if p is not post]
    inline = "".join(_teaser(site, p) for p in others[:2])
    related = "".join(_teaser(site, p, "jeg_pl_md_2") for p in others[2:5])
    paragraphs = [f"<p>{p}</p>" for p in post.body]
    if len(paragraphs) > 3:
        paragraphs.insert(
            2,
            '<div class="jnews_inline_related_post_wrapper"><div class="jnews_inline_related_post">'
            '<div class="jeg_postblock_22 jeg_postblock jeg_module_hook jeg_pagination_disable jeg_col_2o3">'
            '<div class="jeg_block_heading jeg_block_heading_6 jeg_subcat_right"><h3 class="jeg_block_title"><span>Read also</span></h3></div>'
            f'<div class="jeg_block_container"><div class="jeg_posts_wrap"><div class="jeg_posts jeg_load_more_flag">{inline}</div></div></div></div></div></div>',
        )
    tags = " ".join(
        f'<a href="{ORIGIN}/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in post.tags
    )
    author = post.author or NAME
    image = (
        f'<div class="jeg_featured featured_image"><div class="thumbnail-container animate-lazy" style="padding-bottom:50%"><img width="750" height="375" src="{post.image}" class="attachment-jnews-750x375 size-jnews-750x375 wp-post-image" alt=""></div></div>'
        if post.image
        else ""
    )
    main = f"""<div class="jeg_content jeg_singlepage"><div class="container"><div class="row">
<div class="jeg_main_content col-md-8"><div class="jeg_inner_content">
<div class="jeg_breadcrumbs jeg_breadcrumb_container"><div id="breadcrumbs"><span><a href="{ORIGIN}/">Home</a></span><i class="fa fa-angle-right"></i><span><a href="{category_url(first)}">{esc(cats[first])}</a></span><i class="fa fa-angle-right"></i><span class="breadcrumb_last_link"><a href="{post.url}">{esc(post.title)}</a></span></div></div>
<div class="entry-header">
<h1 class="jeg_post_title">{esc(post.title)}</h1>
<div class="jeg_meta_container"><div class="jeg_post_meta jeg_post_meta_1"><div class="meta_left">
<div class="jeg_meta_author"><span class="meta_text">by</span> <a href="{ORIGIN}/author/{slugify(author)}/">{esc(author)}</a></div>
<div class="jeg_meta_date"><a href="{post.url}">{visible_date(post)}</a></div>
<div class="jeg_meta_category"><span><span class="meta_text">in</span> {", ".join(f'<a href="{category_url(c)}" rel="category tag">{esc(cats[c])}</a>' for c in post.categories)}</span></div>
</div></div></div>
</div>
{image}<div class="jeg_share_top_container"><div class="jeg_share_button clearfix"><div class="jeg_sharelist"><a href="https://www.facebook.com/sharer.php?u={post.url}" class="jeg_btn-facebook expanded"><i class="fa fa-facebook-official"></i><span>Share on Facebook</span></a><a href="https://twitter.com/intent/tweet?url={post.url}" class="jeg_btn-twitter expanded"><i class="fa fa-twitter"></i><span>Share on Twitter</span></a></div></div></div>
<div class="entry-content no-share">
<div class="content-inner ">
{"".join(paragraphs)}
<div class="gt-subscribe"><p><strong>Subscribe to our newsletter</strong> and get the day’s top stories from Georgia Today in your inbox every morning.</p></div>
</div>
{f'<div class="jeg_post_tags"><span>Tags:</span> {tags}</div>' if tags else ""}
</div>
<div class="jnews_prev_next_container"></div>
<div class="jnews_related_post_container"><div class="jeg_postblock_9 jeg_postblock jeg_module_hook"><div class="jeg_block_heading jeg_block_heading_9"><h3 class="jeg_block_title"><span>Related Posts</span></h3></div><div class="jeg_block_container"><div class="jeg_posts_wrap"><div class="jeg_posts jeg_load_more_flag">{related}</div></div></div></div></div>
</div></div>
</div></div></div>"""
    return _page(
        site,
        f"{post.title} - {NAME}",
        post.url,
        meta,
        f"post-template-default single single-post postid-{post_id(post)}",
        main,
    )


def listing_page(site: Site, page: ListingPage, heading: str, feed: str | None) -> str:
    n, count = page.number, page.count
    meta = '<meta property="og:type" content="website" />\n' + (
        f'<link rel="alternate" type="application/rss+xml" title="Georgia Today &raquo; {esc(heading)} Category Feed" href="{feed}" />\n'
        if feed
        else ""
    )
    main = (
        f'<div class="jeg_content"><div class="jnews_category_header_top"><div class="jeg_cat_header jeg_cat_header_1"><h1 class="jeg_cat_title">{esc(heading)}</h1></div></div>'
        f'<div class="jnews_category_content_wrapper"><div class="jeg_postblock_4 jeg_postblock"><div class="jeg_posts jeg_block_container">'
        f"{''.join(_teaser(site, p, 'jeg_pl_lg_3') for p in page.articles)}</div>{PAGER.render(page)}</div></div></div>"
    )
    title = f"{heading} Archives - {NAME}" + (f" - Page {n} of {count}" if n > 1 else "")
    return _page(site, title, page.url, meta, "archive category", main)


def listing(
    site: Site,
    routes: OutletRoutes,
    base: str,
    heading: str,
    posts: list[Article],
    feed: str | None = None,
) -> None:
    for page in listing_pages(site, posts, wordpress.listing_urls(base)):
        routes.file(page.url, listing_page(site, page, heading, feed), "listing", page.articles)


def not_found_page(site: Site) -> str:
    main = '<div class="jeg_content"><div class="container"><div class="jnews_404_content_wrapper"><h1 class="jeg_archive_title">Page Not Found</h1><p>The page you are looking for doesn&#039;t exist.</p></div></div></div>'
    return _page(site, f"Page not found - {NAME}", f"{ORIGIN}/", "", "error404", main)


def critical_error_page() -> str:
    """What /feed/ answers: WordPress's fatal-error handler, HTTP 500."""
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n<meta name='robots' content='max-image-preview:large, noindex, follow' />\n"
        '<title>WordPress &rsaquo; Error</title>\n</head>\n<body id="error-page">\n'
        '<div class="wp-die-message"><p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p></div></body>\n</html>\n'
    )


def news_sitemap(site: Site, posts: list[Article]) -> str:
    entries = "".join(
        f"<url><loc>{esc(p.url)}</loc><news:news><news:publication><news:name>Georgia Today</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>{w3c(p.published)}"
        f"</news:publication_date><news:title>{esc(p.title)}</news:title></news:news></url>"
        for p in posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>\n'
    )


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for post in site.articles:
        routes.article(post, post_page(site, post), "post_page")
        routes.redirect(
            f"{ORIGIN}/?p={post_id(post)}", post.url, source=routes.source("build", post.source)
        )
    source = routes.source("critical_error_page")
    routes.add("/feed/", Resource(critical_error_page().encode(), HTML, 500, (), source))
    listing(site, routes, f"{ORIGIN}/", "Latest News", site.articles)
    for slug, name in _categories(site).items():
        base = category_url(slug)
        posts = site.select("en", slug)
        listing(site, routes, base, name, posts, f"{base}feed/")
        # the category feed answers the category's first page, as HTML
        first = replace(listing_pages(site, posts, wordpress.listing_urls(base))[0], count=1)
        routes.file(f"{base}feed/", listing_page(site, first, name, None), "listing_page")
    for tag in sorted({t for p in site.articles for t in p.tags}):
        listing(site, routes, f"{ORIGIN}/tag/{slugify(tag)}/", tag, site.select("en", tag=tag))
    for author in sorted({p.author or NAME for p in site.articles}):
        posts = [p for p in site.articles if (p.author or NAME) == author]
        listing(site, routes, f"{ORIGIN}/author/{slugify(author)}/", author, posts)
    posts = sorted(site.articles, key=lambda a: a.modified)
    newest = max(a.modified for a in posts)
    categories = [(category_url(s), newest) for s in _categories(site)]
    wordpress.yoast_sitemaps(routes, ORIGIN, posts, categories)
    recent = site.newest("en")
    routes.file(
        f"{ORIGIN}/news-sitemap.xml", news_sitemap(site, recent), "news_sitemap", recent, XML
    )
    return routes
