"""netgazeti.ge as the mirror renders it: WordPress, Georgian only, though the site declares
English everywhere (``<html lang="en-US">``, og:locale en_US, the feed's
``<language>en-US</language>``).

Permalinks are ``/%category%/%post_id%/``: news posts are /news/<id>/, opinion pieces
/opinion/<id>/ (the real feed carries both, evidence/README.md); a post's data file lists
that category first. The feed's items have no description and no content; ``<category>``
holds the sections (the permalink's first: "ახალი ამბები" or "მოსაზრებები") then the tags;
``guid`` is the ``?p=<id>`` shortlink; ``dc:creator`` is in Georgian. Article pages have no
JSON-LD and no article:* meta: the date is the theme's ``<time class="entry-date published"
datetime="…+04:00">`` with a Georgian visible date ("4 სექტემბერი, 2024"). Inside the body:
a "support Netgazeti" box and, at the end, a "ასევე წაიკითხეთ:" list of other posts.
WordPress core sitemaps (/wp-sitemap.xml).

Routes (words from sites/netgazeti.ge/, markup from here):
  /news/<id>/, /opinion/<id>/             a post: articles/ka-<id>.toml
  /?p=<id>                                301 to the post
  /[page/N/]                              home: the newest posts
  /category/<slug>/[page/N/]              category listing (news, politics, society, opinion)
  /feed/                                  RSS 2.0 (no description, no content)
  /wp-sitemap.xml -> /wp-sitemap-posts-post-1.xml, /wp-sitemap-taxonomies-category-1.xml
  anything else                           the theme's 404 page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from caucasus_crawler.mirror import wordpress
from caucasus_crawler.mirror.content import Article, MirrorDataError, Site
from caucasus_crawler.mirror.listing import listing_pages
from caucasus_crawler.mirror.markup import RSS, XML, article_meta, esc, page_head, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes

ORIGIN = "https://netgazeti.ge"
NAME = "Netgazeti"
PAGER = wordpress.page_links(
    '<nav class="navigation pagination"><div class="nav-links">{links}</div></nav>',
    "« წინა",
    "შემდეგი »",
)


def _categories(site: Site) -> dict[str, str]:
    return site.edition("ka")["categories"]


def category_url(slug: str) -> str:
    return f"{ORIGIN}/category/{slug}/"


def visible_date(site: Site, when: datetime) -> str:
    return f"{when.day} {site.setting('months')[when.month - 1]}, {when.year}"


def _page(site: Site, title: str, url: str, meta: str, body_class: str, main: str) -> str:
    menu = "".join(
        f'<li class="menu-item"><a href="{category_url(s)}">{esc(n)}</a></li>'
        for s, n in _categories(site).items()
    )
    popular = "".join(
        f'<li><a href="{p.url}">{esc(p.title)}</a> <span class="date">{visible_date(site, p.published)}</span></li>'
        for p in site.articles[:3]
    )
    head_start = page_head(
        "en-US", title, url, "ნეტგაზეთი", charset="UTF-8", locale="en_US", end=" />"
    )
    return f"""{head_start}{meta}<link rel="alternate" type="application/rss+xml" title="ნეტგაზეთი &raquo; Feed" href="{ORIGIN}/feed/" />
<link rel='stylesheet' id='netgazeti-style-css' href='{ORIGIN}/wp-content/themes/netgazeti/style.css?ver=5.2' media='all' />
<meta name="generator" content="WordPress {site.setting("wordpress")}" />
</head>
<body class="{body_class}">
<header class="site-header"><div class="container">
<a class="logo" href="{ORIGIN}/"><img src="{ORIGIN}/wp-content/themes/netgazeti/images/logo.svg" alt="ნეტგაზეთი"></a>
<nav class="main-nav"><ul class="menu">{menu}</ul></nav>
</div></header>
<div class="container site-main">
<main id="main" class="content-area">{main}</main>
<aside class="widget-area"><section class="widget widget-popular"><h3 class="widget-title">პოპულარული</h3><ul>{popular}</ul></section></aside>
</div>
<footer class="site-footer"><div class="container"><p>© ნეტგაზეთი 2010-2026. მასალების გამოყენება დასაშვებია მხოლოდ წყაროს მითითებით.</p></div></footer>
<script src="{ORIGIN}/wp-content/themes/netgazeti/js/main.js?ver=5.2" id="netgazeti-main-js"></script>
</body>
</html>
"""


def _content(site: Site, post: Article) -> str:
    parts = [f"<p>{p}</p>" for p in post.body]
    support = site.setting("support")
    parts.insert(
        min(3, len(parts)),
        f'<div class="ng-support"><p><strong>{esc(support["title"])}</strong> {esc(support["text"])}</p></div>',
    )
    others = site.related(post) or [p for p in site.articles if p is not post][:2]
    items = "".join(f'<li><a href="{o.url}">{esc(o.title)}</a></li>' for o in others)
    parts.append(f"<p><strong>{esc(site.setting('read_also'))}</strong></p><ul>{items}</ul>")
    return "\n".join(parts)


def post_page(site: Site, post: Article) -> str:
    cats = _categories(site)
    meta = article_meta(post, "og:type og:title og:description og:image", end=" />")
    meta += f"<link rel='shortlink' href='{ORIGIN}/?p={post.slug}' />\n"
    links = " ".join(
        f'<a href="{category_url(c)}" rel="category tag">{esc(cats[c])}</a>'
        for c in post.categories
    )
    tags = " ".join(esc(t) for t in post.tags)
    image = (
        f'<div class="post-thumbnail"><img src="{post.image}" alt=""></div>' if post.image else ""
    )
    main = f"""<article id="post-{post.slug}" class="post-{post.slug} post type-post status-publish format-standard">
<header class="entry-header">
<div class="cat-links">{links}</div>
<h1 class="entry-title">{esc(post.title)}</h1>
<div class="entry-meta"><span class="byline"><span class="author vcard">{esc(post.author or NAME)}</span></span>
<span class="posted-on"><time class="entry-date published" datetime="{w3c(post.published)}">{visible_date(site, post.published)}</time><time class="updated" datetime="{w3c(post.modified)}">{visible_date(site, post.modified)}</time></span></div>
</header>
{image}<div class="entry-content">
{_content(site, post)}
</div>
<footer class="entry-footer">{f'<span class="tags-links">{tags}</span>' if tags else ""}<div class="share"><span>გააზიარე</span> <a href="https://www.facebook.com/sharer/sharer.php?u={post.url}">Facebook</a></div></footer>
</article>"""
    return _page(
        site,
        f"{post.title} – ნეტგაზეთი",
        post.url,
        meta,
        f"post-template-default single single-post postid-{post.slug}",
        main,
    )


def listing(
    site: Site, routes: OutletRoutes, base: str, heading: str, posts: list[Article]
) -> None:
    for page in listing_pages(site, posts, wordpress.listing_urls(base)):
        items = "".join(
            f'<div class="news-item"><h2 class="entry-title"><a href="{p.url}" rel="bookmark">{esc(p.title)}</a></h2>'
            f'<span class="date">{p.published:%H:%M} | {visible_date(site, p.published)}</span></div>'
            for p in page.articles
        )
        extra = '<meta property="og:type" content="website" />\n'
        if page.next_url:
            extra += f'<link rel="next" href="{page.next_url}" />\n'
        main = f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header><div class="news-list">{items}</div>{PAGER.render(page)}'
        title = f"{heading} – ნეტგაზეთი" + (f" – გვერდი {page.number}" if page.number > 1 else "")
        html = _page(site, title, page.url, extra, "archive", main)
        routes.file(page.url, html, "listing", page.articles)


def not_found_page(site: Site) -> str:
    main = '<section class="error-404 not-found"><h1 class="page-title">გვერდი ვერ მოიძებნა</h1></section>'
    return _page(site, "გვერდი ვერ მოიძებნა – ნეტგაზეთი", f"{ORIGIN}/", "", "error404", main)


def feed(site: Site, posts: list[Article]) -> str:
    """The site's feed: the declared language is wrong, items carry no description."""
    cats = _categories(site)
    items = [
        wordpress.feed_item(
            p,
            f"{ORIGIN}/?p={p.slug}",
            p.author or NAME,
            [*(cats[c] for c in p.categories), *p.tags],
        )
        for p in posts
    ]
    return wordpress.feed(
        site,
        posts,
        items,
        title="ნეტგაზეთი",
        link=ORIGIN,
        description="",
        language="en-US",
        self_url=f"{ORIGIN}/feed/",
    )


def _wp_urlset(entries: list[tuple[str, datetime | None]]) -> str:
    """WordPress core's sitemap dialect (with its XSL stylesheet)."""
    urls = "".join(
        f"<url><loc>{esc(loc)}</loc>"
        + (f"<lastmod>{w3c(mod, utc=True)}</lastmod>" if mod else "")
        + "</url>"
        for loc, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="https://netgazeti.ge/wp-sitemap.xsl" ?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def sitemaps(site: Site, routes: OutletRoutes) -> None:
    posts = sorted(site.articles, key=lambda a: a.published)
    post_map = _wp_urlset([(a.url, a.modified) for a in posts])
    routes.file(f"{ORIGIN}/wp-sitemap-posts-post-1.xml", post_map, "sitemaps", posts, XML)
    category_map = _wp_urlset([(category_url(s), None) for s in _categories(site)])
    routes.file(f"{ORIGIN}/wp-sitemap-taxonomies-category-1.xml", category_map, "sitemaps", (), XML)
    index = "".join(
        f"<sitemap><loc>{ORIGIN}/{name}</loc></sitemap>"
        for name in ("wp-sitemap-posts-post-1.xml", "wp-sitemap-taxonomies-category-1.xml")
    )
    routes.file(
        f"{ORIGIN}/wp-sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="https://netgazeti.ge/wp-sitemap-index.xsl" ?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>\n',
        "sitemaps",
        (),
        XML,
    )


def check_permalink(post: Article) -> None:
    """A post's path is /<its first category>/<id>/, as the permalink structure makes it."""
    if not post.categories or post.path != f"/{post.categories[0]}/{post.slug}/":
        raise MirrorDataError(
            f"{post.source}: url {post.url!r} is not /<first category>/<id>/ of its categories"
        )


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site))
    for post in site.articles:
        check_permalink(post)
        routes.article(post, post_page(site, post), "post_page")
        routes.redirect(
            f"{ORIGIN}/?p={post.slug}", post.url, source=routes.source("build", post.source)
        )
    listing(site, routes, f"{ORIGIN}/", "ბოლო ამბები", site.articles)
    for slug, name in _categories(site).items():
        listing(site, routes, category_url(slug), name, site.select("ka", slug))
    newest = site.newest("ka")
    routes.file(f"{ORIGIN}/feed/", feed(site, newest), "feed", newest, RSS)
    sitemaps(site, routes)
    return routes
