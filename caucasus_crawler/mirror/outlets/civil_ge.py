"""civil.ge as the mirror renders it: WordPress 6 with the Jannah theme, WPML editions
(English at /, Georgian at /ka/, Russian at /ru/), a Yoast SEO head and Jetpack sitemaps.

Routes (words from sites/civil.ge/, markup from here):
  /[ka/|ru/]archives/<id>                 a post: articles/<lang>-<id>.toml
  /?p=<id>                                301 to the post (the WordPress shortlink)
  /[ka/|ru/]                              the edition's home: its newest posts
  /[ka/|ru/]archives/category/<slug>      category listing (subcategories' posts included);
                                          further pages at .../page/N
  /[ka/|ru/]feed, .../category/<slug>/feed  RSS 2.0 with the full text (content:encoded)
  /[ka/|ru/]archives/tag/<slug>           tag listing
  /sitemap-index-1.xml -> /sitemap-N.xml  English posts and pages, oldest first (Jetpack)
  /about-us                               pages/about-us.toml
  anything else                           the theme's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import Article, Site, url_path
from caucasus_crawler.mirror.listing import listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    XML,
    esc,
    hreflang_links,
    json_ld,
    meta_tags,
    paginate,
    sitemap_index,
    slugify,
    urlset,
    w3c,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://civil.ge"
_WPML_NAMES = {"en": "English", "ka": "ქართული (Georgian)", "ru": "Русский (Russian)"}
PAGER = wordpress.page_links(
    '<div class="pages-nav"><div class="pages-numbers pages-standard"><nav class="navigation pagination" aria-label="Posts"><div class="nav-links">{links}</div></nav></div></div>',
    "&laquo; Previous",
    "Next &raquo;",
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """One WPML language of the site: prefix "/", "/ka/"."""

    origin = ORIGIN
    locale: str  # "en-US"
    news: str  # slug of the edition's main category
    most_read: tuple[str, ...] = ()

    @property
    def feed(self) -> str:
        return self.url("feed")

    def category_url(self, slug: str) -> str:
        return self.url(f"archives/category/{slug}")

    def tag_url(self, name: str) -> str:
        # Georgian and Russian tags percent-encoded, as WordPress links them
        return ORIGIN + url_path(f"{self.prefix}archives/tag/{slugify(name)}")


def visible_date(when: datetime) -> str:
    return when.strftime("%d/%m/%Y - %H:%M")


# -- the theme's frame -------------------------------------------------------------------------


def _head(
    site: Site,
    ed: Edition,
    title: str,
    url: str,
    *,
    og_type: str,
    description: str,
    extra: str = "",
    graph: list | None = None,
    alternates: str = "",
) -> str:
    name = site.setting("name")
    feeds = (
        f'<link rel="alternate" type="application/rss+xml" title="{esc(name)} &raquo; Feed" '
        f'href="{ed.feed}" />\n'
    )
    schema = (
        f'<script type="application/ld+json" class="yoast-schema-graph">'
        f"{json_ld({'@context': 'https://schema.org', '@graph': graph})}</script>\n"
        if graph
        else ""
    )
    yoast = wordpress.yoast_meta(
        title,
        url,
        description,
        og_type=og_type,
        locale=ed.locale.replace("-", "_"),
        site_name=name,
        publisher="https://www.facebook.com/civil.ge",
        twitter="@civilge",
        extra=extra,
        indent="\t",
    )
    return f"""<head>
	<meta charset="UTF-8" />
	<link rel="profile" href="https://gmpg.org/xfn/11" />
	<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
{yoast}{schema}{feeds}{alternates}	<link rel='stylesheet' id='tie-css-base-css' href='https://civil.ge/wp-content/themes/jannah/assets/css/base.min.css?ver=7.3.0' type='text/css' media='all' />
	<script type="text/javascript" src="https://civil.ge/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
	<meta name="generator" content="WordPress {site.setting("wordpress")}" />
	<meta name="generator" content="WPML ver:4.6.13 stt:1,19,46;" />
</head>"""


def _menu(site: Site, ed: Edition) -> str:
    items = [f'<li class="menu-item menu-item-home"><a href="{ed.home}">Home</a></li>']
    for slug, name in ed.categories.items():
        if "/" not in slug:  # the menu shows the top-level sections
            items.append(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                f'<a href="{ed.category_url(slug)}">{esc(name)}</a></li>'
            )
    if ed.code == "en":
        items.append(f'<li class="menu-item"><a href="{ORIGIN}/about-us">About Us</a></li>')
    langs = "".join(
        f'<li class="wpml-ls-item wpml-ls-item-{o.code}"><a href="{o.home}" class="wpml-ls-link">'
        f'<span class="wpml-ls-native" lang="{o.code}">{o.code.upper()}</span></a></li>'
        for o in editions(site, Edition).values()
    )
    return (
        f'<ul id="menu-main-menu" class="menu">{"".join(items)}</ul>'
        f'<div class="wpml-ls-statics-shortcode_actions wpml-ls"><ul>{langs}</ul></div>'
    )


def _sidebar(site: Site, ed: Edition) -> str:
    removed = {r["url"]: r for r in site.setting("removed", [])}
    items = []
    for url in ed.most_read:
        post = site.article(url)
        title, when = (
            (post.title, post.published)
            if post
            else (removed[url]["title"], removed[url]["published"])
        )
        items.append(
            f'<li class="widget-single-post-item widget-post-list tie-standard">'
            f'<div class="post-widget-body"><a class="post-title the-subtitle" href="{url}">'
            f'{esc(title)}</a><div class="post-meta"><span class="date meta-item tie-icon">'
            f"{visible_date(when)}</span></div></div></li>"
        )
    return (
        '<aside class="sidebar tie-col-md-4 tie-col-xs-12 normal-side is-sticky" '
        'aria-label="Primary Sidebar"><div class="theiaStickySidebar">'
        '<div id="posts-list-widget-2" class="container-wrapper widget posts-list">'
        '<div class="widget-title the-global-title"><div class="the-subtitle">Most Read</div></div>'
        '<div class="widget-posts-list-wrapper"><ul class="posts-list-items widget-posts-wrapper">'
        f"{''.join(items)}</ul></div></div></div></aside>"
    )


def _page(
    site: Site, ed: Edition, head: str, body_class: str, main: str, after_main: str = ""
) -> str:
    year = "2026"
    return f"""<!DOCTYPE html>
<html lang="{ed.locale}" class="" data-skin="light">
{head}
<body id="tie-body" class="{body_class} wrapper-has-shadow block-head-1 magazine1 is-thumb-overlay-disabled is-desktop is-header-layout-3 sidebar-right has-sidebar">
<div class="background-overlay"><div id="tie-container" class="site tie-container"><div id="tie-wrapper">
<header id="theme-header" class="theme-header header-layout-3 main-nav-dark main-nav-default-dark main-nav-below no-stream-item has-normal-width-logo mobile-header-default">
<div class="container header-container"><div class="tie-row logo-row"><div class="logo-wrapper"><div class="tie-col-md-4 logo-container clearfix">
<div id="logo" class="image-logo"><a title="{esc(site.setting("name"))}" href="{ed.home}"><img src="https://civil.ge/wp-content/uploads/2021/03/civil-logo.png" alt="{esc(site.setting("name"))}" class="logo_normal" width="230" height="60"></a></div>
</div></div></div></div>
<div class="main-nav-wrapper"><nav id="main-nav" class="main-nav header-nav" aria-label="Primary Navigation"><div class="container"><div class="main-menu-wrapper"><div id="menu-components-wrap"><div class="main-menu main-menu-wrap tie-alignleft"><div id="main-nav-menu" class="main-menu header-menu">{_menu(site, ed)}</div></div></div></div></div></nav></div>
</header>
<div class="rainbow-line"></div>
<div id="content" class="site-content container"><div id="main-content-row" class="tie-row main-content-row">
<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">{main}</div>
{_sidebar(site, ed)}
</div></div>
{after_main}<footer id="footer" class="site-footer dark-skin dark-widgetized-area"><div id="site-info" class="site-info site-info-layout-2"><div class="container"><div class="tie-row"><div class="tie-col-md-12">
<div class="copyright-text copyright-text-first">&copy; Copyright {year}, All Rights Reserved &nbsp;|&nbsp; Civil.ge</div>
<div class="footer-menu"><ul id="menu-footer" class="menu"><li class="menu-item"><a href="{ORIGIN}/about-us">About Us</a></li><li class="menu-item"><a href="{ed.feed}">RSS</a></li></ul></div>
</div></div></div></div></footer>
<a id="go-to-top" class="go-to-top-button" href="#go-to-tie-body"><span class="tie-icon-angle-up"></span><span class="screen-reader-text">Back to top button</span></a>
</div></div></div>
<div id="reading-position-indicator"></div>
<div id="tie-popup-adblock" class="tie-popup is-fixed-popup"><div class="tie-popup-container"><div class="container-wrapper"><a href="#" class="tie-btn-close remove big-btn light-btn"><span class="screen-reader-text">Close</span></a><span class="tie-adblock-icon tie-icon-ban" aria-hidden="true"></span><h2>Adblock Detected</h2><div class="adblock-message">Please consider supporting us by disabling your ad blocker</div></div></div></div>
<script type="text/javascript" src="https://civil.ge/wp-content/themes/jannah/assets/js/scripts.min.js?ver=7.3.0" id="tie-scripts-js"></script>
</body>
</html>
"""


# -- posts -------------------------------------------------------------------------------------


def _hreflang(site: Site, post: Article) -> str:
    versions = site.translations(post)
    if not versions:
        return ""
    english = next((v for v in versions if v.language == "en"), versions[0])
    return hreflang_links(versions, " />") + (
        f'<link rel="alternate" hreflang="x-default" href="{english.url}" />\n'
    )


def _schema(site: Site, ed: Edition, post: Article) -> list:
    name = site.setting("name")
    crumbs: list[tuple[str, str | None]] = [("Home", ed.home)]
    path = ""
    for part in post.categories[0].split("/") if post.categories else ():
        path = f"{path}/{part}" if path else part
        crumbs.append((ed.categories[path], ed.category_url(path)))
    crumbs.append((post.title, None))
    graph = wordpress.yoast_graph(
        ORIGIN,
        name,
        post,
        language=ed.locale,
        person=f"{ORIGIN}/#/schema/person/{slugify(post.author or name)}",
        sections=[ed.categories[c] for c in post.categories],
        crumbs=crumbs,
        image=(780, 470),
        read_action=True,
        site_description=site.setting("description"),
        same_as=["https://www.facebook.com/civil.ge", "https://x.com/civilge"],
    )
    if post.kind == "page":
        graph = [g for g in graph if g["@type"] != "NewsArticle"]
    return graph


def _content(site: Site, ed: Edition, post: Article, *, widgets: bool) -> str:
    """The post's content as WordPress stores it (what the feed carries); with `widgets`, as
    the theme shows it, with the audio player, WPML notice, tags and shortlink."""
    parts = []
    if widgets and post.kind == "post" and ed.code in site.setting("audio_player", []):
        parts.append(
            f'<div class="tts-player" data-post-id="{post.slug}"><span class="tts-player__label">'
            f'Listen to this article</span><audio class="tts-player__audio" preload="none" '
            f'src="https://civil.ge/wp-content/uploads/tts/{post.slug}.mp3"></audio></div>'
        )
    parts += [f'<p class="wp-block-paragraph">{p}</p>' for p in post.body]
    others = [v for v in site.translations(post) if v is not post]
    if widgets and others:
        links = " ".join(
            f'<a href="{v.url}" hreflang="{v.language}">{_WPML_NAMES[v.language]}</a>'
            for v in others
        )
        parts.append(
            f'<p class="wpml-ls-statics-post_translations wpml-ls">'
            f"This post is also available in: {links}</p>"
        )
    related = site.related(post)
    if related:
        label = site.setting("also_read")[ed.code]
        items = "".join(
            f'<li><strong>{r.published:%d/%m/%Y} –&nbsp;<a href="{r.url}" target="_blank" '
            f'rel="noreferrer noopener">{esc(r.title)}</a></strong></li>'
            for r in related
        )
        parts.append(
            f'<p class="wp-block-paragraph"><strong>{esc(label)}</strong></p>'
            f'<ul class="wp-block-list">{items}</ul>'
        )
    if widgets and post.tags:
        tags = " ".join(f'<a href="{ed.tag_url(t)}" rel="tag">{esc(t)}</a>' for t in post.tags)
        parts.append(
            '<div class="post-bottom-meta post-bottom-tags post-tags-modern">'
            '<div class="post-bottom-meta-title"><span class="tie-icon-tags" '
            f'aria-hidden="true"></span> Tags</div><span class="tagcloud">{tags}</span>'
            "</div>"
        )
    if widgets and post.kind == "post":
        short = f"{ORIGIN}/?p={post.slug}"
        parts.append(
            f'<div class="post-shortlink"><input type="text" id="short-post-url" '
            f'value="civil.ge/?p={post.slug}" data-url="{short}"><button type="submit" '
            f'id="copy-post-url" aria-label="Copy Shortlink"><span class="tie-icon-copy">'
            f'</span></button><span id="copy-post-url-msg" style="display:none;">URL Copied'
            f"</span></div>"
        )
    return "\n".join(parts)


def post_page(site: Site, ed: Edition, post: Article) -> str:
    name = site.setting("name")
    sections = [ed.categories[c] for c in post.categories]
    tags: list[tuple[str, object]] = []
    if post.kind == "post":
        tags += [
            ("article:published_time", w3c(post.published)),
            ("article:modified_time", w3c(post.modified)),
            *(("article:section", s) for s in sections),
            *(("article:tag", t) for t in post.tags),
        ]
    if post.image:
        tags += [("og:image", post.image), ("og:image:width", 780), ("og:image:height", 470)]
    tags.append(("author", post.author or name))
    meta = meta_tags(tags, " />", "\t")
    alternates = _hreflang(site, post)
    if post.kind == "post":
        alternates += f"<link rel='shortlink' href='{ORIGIN}/?p={post.slug}' />\n"
    head = _head(
        site,
        ed,
        f"{post.title} - {name}",
        post.url,
        og_type="article",
        description=post.excerpt(25),
        extra=meta,
        graph=_schema(site, ed, post),
        alternates=alternates,
    )
    cats = "".join(
        f'<a class="post-cat tie-cat-{slugify(c)}" href="{ed.category_url(c)}" '
        f'rel="category tag">{esc(ed.categories[c])}</a>'
        for c in post.categories
    )
    cat_wrap = (
        (
            f'<span class="post-cat-wrap"><span class="screen-reader-text">Categories</span>'
            f"{cats}</span>"
        )
        if cats
        else ""
    )
    date = (
        (
            f'<div id="single-post-meta" class="post-meta clearfix"><span class="date meta-item '
            f'tie-icon">{visible_date(post.published)}</span></div>'
        )
        if post.kind == "post"
        else ""
    )
    image = (
        (
            f'<div class="featured-area"><div class="featured-area-inner"><figure '
            f'class="single-featured-image"><img width="780" height="470" src="{post.image}" '
            f'class="attachment-jannah-image-post size-jannah-image-post wp-post-image" alt="" '
            f'decoding="async" fetchpriority="high"></figure></div></div>'
        )
        if post.image
        else ""
    )
    main = f"""<article id="the-post" class="container-wrapper post-content tie-standard">
<header class="entry-header-outer"><div class="entry-header">{cat_wrap}
<h1 class="post-title entry-title">{esc(post.title)}</h1>
{date}</div></header>
{image}<div class="entry-content entry clearfix">
{_content(site, ed, post, widgets=True)}
</div><div id="post-extra-info"></div><div class="clearfix"></div>
</article>
<div class="post-components"><div id="read-next-block" class="container-wrapper read-next-slider-4"><h2 class="read-next-block-title">Read Next</h2><section id="tie-read-next" class="slider-area mag-box"><div class="slider-area-inner"></div></section></div></div>"""
    kind = "single single-post" if post.kind == "post" else "page-template-default page"
    return _page(site, ed, head, f"{kind} postid-{post.slug}", main)


# -- listings ----------------------------------------------------------------------------------


def _post_item(post: Article) -> str:
    return (
        f'<li class="post-item post-{post.slug} post type-post status-publish format-standard '
        f'tie-standard"><a aria-label="{esc(post.title)}" href="{post.url}" class="post-thumb">'
        f'<img width="390" height="220" src="{post.image or ""}" alt=""></a>'
        f'<div class="post-details"><div class="post-meta clearfix"><span class="date meta-item '
        f'tie-icon">{visible_date(post.published)}</span></div><h2 class="post-title"><a '
        f'href="{post.url}">{esc(post.title)}</a></h2><p class="post-excerpt">'
        f'{esc(post.excerpt(30))}</p><a class="more-link button" href="{post.url}">'
        f"Read More &raquo;</a></div></li>"
    )


def listing(
    site: Site,
    ed: Edition,
    routes: OutletRoutes,
    base: str,
    title: str,
    posts: list[Article],
    feed: str | None,
    body_class: str,
) -> None:
    """A listing and its further pages (/page/N), filed in `routes`."""
    name = site.setting("name")
    for page in listing_pages(site, posts, page_urls(base, "{first}/page/{n}")):
        n, url = page.number, page.url
        full = (
            f"{title} Archives - {name}"
            if n == 1
            else (f"{title} Archives - Page {n} of {page.count} - {name}")
        )
        links = page.rel_links(" />")
        if feed:
            links += (
                f'<link rel="alternate" type="application/rss+xml" title="{esc(name)} '
                f'&raquo; {esc(title)} Feed" href="{feed}" />\n'
            )
        graph = [
            {
                "@type": "CollectionPage",
                "@id": url,
                "url": url,
                "name": full,
                "isPartOf": {"@id": f"{ORIGIN}/#website"},
                "inLanguage": ed.locale,
            }
        ]
        head = _head(
            site, ed, full, url, og_type="website", description=full, graph=graph, alternates=links
        )
        items = "".join(_post_item(p) for p in page.articles)
        main = (
            f'<header class="entry-header-outer container-wrapper"><h1 class="page-title">'
            f'{esc(title)}</h1></header><div class="mag-box wide-post-box"><div '
            f'class="container-wrapper"><div class="mag-box-container clearfix"><ul '
            f'id="posts-container" class="posts-items">{items}</ul></div></div></div>'
            f"{PAGER.render(page)}"
        )
        routes.file(url, _page(site, ed, head, body_class, main), "listing", page.articles)
    routes.redirect(f"{base}/page/1", base, source=routes.source(None))


def home_page(site: Site, ed: Edition) -> str:
    name = site.setting("name")
    posts = site.select(ed.code)[: site.setting("per_page")]
    alternates = "".join(
        f'<link rel="alternate" hreflang="{o.code}" href="{o.home}" />\n'
        for o in editions(site, Edition).values()
    )
    graph = [
        {
            "@type": "WebSite",
            "@id": f"{ORIGIN}/#website",
            "url": f"{ORIGIN}/",
            "name": name,
            "description": site.setting("description"),
            "inLanguage": ed.locale,
        }
    ]
    head = _head(
        site,
        ed,
        f"{name} - {site.setting('description')}",
        ed.home,
        og_type="website",
        description=site.setting("description"),
        graph=graph,
        alternates=alternates,
    )
    main = (
        f'<div class="mag-box wide-post-box"><div class="container-wrapper"><div '
        f'class="mag-box-title the-global-title"><h3><a href="{ed.category_url(ed.news)}">'
        f'{esc(ed.categories[ed.news])}</a></h3></div><div class="mag-box-container">'
        f'<ul class="posts-items">{"".join(_post_item(p) for p in posts)}</ul></div>'
        f'<a class="block-more-button" href="{ed.category_url(ed.news)}">More</a></div></div>'
    )
    return _page(site, ed, head, "home page-template-default", main)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["en"]
    name = site.setting("name")
    head = _head(
        site,
        ed,
        f"Page not found - {name}",
        f"{ORIGIN}/",
        og_type="website",
        description=f"Page not found - {name}",
    )
    main = (
        '<div class="container-404"><h2>404 :(</h2><h3>Oops! That page can&rsquo;t be found.'
        "</h3><h4>It seems we can&rsquo;t find what you&rsquo;re looking for. Perhaps "
        "searching can help.</h4></div>"
    )
    return _page(site, ed, head, "error404", main)


# -- feeds and sitemaps ------------------------------------------------------------------------


def feed(
    site: Site, ed: Edition, title: str, link: str, self_url: str, posts: list[Article]
) -> str:
    """WordPress's RSS 2.0 feed of `posts`: dates in UTC, tags listed as categories too,
    the full text."""
    items = [
        wordpress.feed_item(
            p,
            f"{ORIGIN}/?p={p.slug}",
            p.author or site.setting("name"),
            [*(ed.categories[c] for c in p.categories), *p.tags],
            excerpt=55,
            content=_content(site, ed, p, widgets=False),
        )
        for p in posts
    ]
    return wordpress.feed(
        site,
        posts,
        items,
        title=title,
        link=link,
        language=ed.locale,
        self_url=self_url,
        namespaces=("content", "wfw", "dc", "atom", "sy", "slash"),
    )


def sitemaps(site: Site, routes: OutletRoutes) -> None:
    """Jetpack's sitemaps: an index of post sitemaps holding the English posts and pages,
    oldest first. The Georgian and Russian editions are in none (WPML leaves them out)."""
    entries = sorted([*site.select("en"), *site.pages], key=lambda a: a.published)
    chunks = paginate(entries, site.setting("sitemap_size"))
    index = []
    for n, chunk in enumerate(chunks, 1):
        loc = f"{ORIGIN}/sitemap-{n}.xml"
        routes.file(loc, urlset((a.url, a.modified) for a in chunk), "sitemaps", chunk, XML)
        index.append((loc, max(a.modified for a in chunk)))
    routes.file(f"{ORIGIN}/sitemap-index-1.xml", sitemap_index(index), None, (), XML)


# -- the route table ---------------------------------------------------------------------------


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site), not_found_part=None)
    for post in [*site.articles, *site.pages]:
        routes.article(post, post_page(site, eds[post.language], post), "post_page")
        if post.kind == "post":
            routes.redirect(
                f"{ORIGIN}/?p={post.slug}", post.url, source=routes.source(None, post.source)
            )
    for ed in eds.values():
        posts = site.select(ed.code)
        routes.file(ed.home, home_page(site, ed), None)
        newest = site.newest(ed.code)
        feed_xml = feed(site, ed, site.setting("name"), ed.home.rstrip("/"), ed.feed, newest)
        routes.file(ed.feed, feed_xml, "feed", newest, RSS)
        for slug, name in ed.categories.items():
            base = ed.category_url(slug)
            body_class = f"archive category category-{slug.rsplit('/', 1)[-1]}"
            listed = site.select(ed.code, category=slug)
            listing(site, ed, routes, base, name, listed, f"{base}/feed", body_class)
            shown = site.newest(ed.code, category=slug)
            title = f"{name} Archives - {site.setting('name')}"
            feed_xml = feed(site, ed, title, base, f"{base}/feed", shown)
            routes.file(f"{base}/feed", feed_xml, "feed", shown, RSS)
        for tag in sorted({t for p in posts for t in p.tags}):
            tagged = site.select(ed.code, tag=tag)
            body_class = f"archive tag tag-{slugify(tag)}"
            listing(site, ed, routes, ed.tag_url(tag), tag, tagged, None, body_class)
    sitemaps(site, routes)
    return routes
