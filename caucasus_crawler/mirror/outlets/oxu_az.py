"""oxu.az as the mirror renders it: an Azerbaijani news site, Azerbaijani section slugs.

Article pages follow the post-detail layout of a real oxu.az page (shared/data/real-pages/
oxu-az-alyaskada.trimmed.html; the words here are our own): ``div.post-detail`` holds the
image, the breadcrumb (``ol.breadcrumb``, the section is ``.breadcrumb-item.active``), the
meta line ``.post-detail-meta`` (a ``span`` with the date "08 fevral, 2025 / 09:22", one
with the views), the title ``div.post-detail-title h1``, the like and font buttons, then
``article.post-detail-content`` whose ``div.post-detail-content-inner`` holds only the
paragraphs. After the article: the tags, two advert slots, the share block ("Xəbər maraqlı
gəlib? Sosial şəbəkələrdə paylaşın", with the short link) and the mobile share bar. No
article:* meta and no dated JSON-LD (only a BreadcrumbList): the visible date is the only
one. Listings load more with ``a.more`` (``?page=N``), which is no rel=next link: the
sitemaps are what lead to every article. No feed.

Article URLs are /<section>/<slug> (the slug is the title in ASCII); each article also has
a short link /<id>, the number an article file is named by, which the share buttons carry.
That a short link answers 301 to the slug URL is a guess: the real page only shows that the
short link exists. The section slugs other than "dunya" (seen on the real page) are guesses.

Routes (words from sites/oxu.az/, markup from here):
  /<section>/<slug>                 article: articles/az-<id>.toml
  /<id>                             301 to the article's /<section>/<slug>
  /[?page=N]                        home: all news, newest first
  /<section>[?page=N]               section listing
  /sitemap.xml                      sitemap index (named in robots.txt)
  /sitemap-posts-<n>.xml            the posts, newest first, `sitemap_size` a file
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    XML,
    article_meta,
    esc,
    json_ld,
    page_head,
    paginate,
    sitemap_index,
    urlset,
)
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://oxu.az"


def _edition(site: Site) -> SiteEdition:
    return editions(site)["az"]


def category_url(slug: str) -> str:
    return f"{ORIGIN}/{slug}"


def short_id(a: Article) -> str:
    """The article's number, from its file name (articles/az-<id>.toml)."""
    return a.source.stem.split("-", 1)[1]


def short_url(a: Article) -> str:
    return f"{ORIGIN}/{short_id(a)}"


def meta_date(site: Site, moment: datetime) -> str:
    """The meta line's date: '08 fevral, 2025 / 09:22'."""
    month = _edition(site).month(moment)
    return f"{moment.day:02d} {month}, {moment.year} / {moment:%H:%M}"


def _page(
    site: Site, title: str, url: str, main: str, current: str | None = None, meta: str = ""
) -> str:
    labels = _edition(site).labels
    nav = "".join(
        f'<a class="nav-i{" nav-i_current" if slug == current else ""}" href="{category_url(slug)}">{esc(name)}</a>'
        for slug, name in _edition(site).categories.items()
    )
    head_start = page_head("az", title, url, "Oxu.az", doctype="<!doctype html>")
    return f"""{head_start}{meta}<link rel="stylesheet" href="https://cdn.oxu.az/assets/oxu/application-5c1e0a.css">
</head>
<body>
<div class="header"><a class="logo" href="{ORIGIN}"><img src="https://oxu.az/media/img/logo.svg?v=1" alt="Oxu.az"></a></div>
<div class="nav-container"><a class="nav-i{" nav-i_current" if current == "" else ""}" href="{ORIGIN}/">{esc(labels["all"])}</a>{nav}</div>
<div class="content">{main}</div>
<div class="footer"><p>&copy; 2014-2026 Oxu.az. {esc(labels["copyright"])}</p></div>
<script src="https://cdn.oxu.az/assets/oxu/application-5c1e0a.js"></script>
</body>
</html>
"""


def _share(site: Site, a: Article) -> str:
    """The share block after the article (the short link in every button) and the mobile
    share bar (the slug URL)."""
    labels = _edition(site).labels
    short = short_url(a)
    title = quote(a.title)
    return f"""<div class="social-block2 d-none d-md-flex justify-content-md-between mt-4 gap-2">
<div>
<p><b>{esc(labels["share_question"])}</b> {esc(labels["share"])}</p>
<ul>
<li><a href="https://www.facebook.com/sharer/sharer.php?u={short}">Facebook</a></li>
<li><a href="https://t.me/share?url={short}">Telegram</a></li>
<li><a href="https://x.com/intent/post?text={title}&amp;url={short}">X</a></li>
<li><span class="short-url"><button class="short-url-btn" data-short-link="{short}">{esc(labels["copy"])}</button><span>{short.removeprefix("https://")}</span></span></li>
</ul>
</div>
</div>
<div class="m-share-block d-md-none">
<div class="m-share-block-inner">
<div class="m-share-block-left rt-news-item" data-url="{a.url}">
<button class="like-btn rt-like-btn rt-skip-write rt-news-btn">{len(a.body) * 7}</button>
<button class="dislike-btn rt-dislike-btn rt-skip-write rt-news-btn d-none">{len(a.body)}</button>
</div>
<div class="m-share-block-right"><button class="share-btn-mobile"><span>{esc(labels["share_button"])}</span></button></div>
</div>
</div>"""


def article_page(site: Site, a: Article) -> str:
    ed = _edition(site)
    labels = ed.labels
    slug = a.categories[0]
    section = ed.categories[slug]
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": labels["home"], "item": ORIGIN},
            {"@type": "ListItem", "position": 2, "name": section, "item": category_url(slug)},
            {"@type": "ListItem", "position": 3, "name": a.title, "item": a.url},
        ],
    }
    meta = article_meta(a, "description og:type og:title og:description og:image")
    meta += f'<script type="application/ld+json">{json_ld(crumbs)}</script>\n'
    image = (
        f'<div class="post-detail-img"><img src="{a.image}" alt="{esc(a.title)}" width="1200" height="800"></div>\n'
        if a.image
        else ""
    )
    paragraphs = "\n".join(f"<p>{p}</p>" for p in a.body)
    tags = "".join(
        f'<div class="tag-item"><a href="/tag/{quote(t.lower())}">{esc(t)}</a></div>'
        for t in a.tags
    )
    advert = f'<div class="col-12 col-md-6"><div class="news-banner-custom">{esc(labels["ad"])}</div></div>'
    main = f"""<div class="post-detail" data-stats-collect="1">
<div class="post-detail-header">
{image}<div class="post-detail-header-inner">
<div class="breadcrumb-area">
<nav aria-label="breadcrumb">
<ol class="breadcrumb">
<li class="breadcrumb-item d-none d-md-block"><a href="{ORIGIN}"><span>{esc(labels["home"])}</span></a></li>
<li class="breadcrumb-item active d-md-block"><a href="{category_url(slug)}"><span>{esc(section)}</span></a></li>
<li class="breadcrumb-item d-none"><span>{esc(a.title)}</span></li>
</ol>
</nav>
</div>
<div class="post-detail-meta">
<span><i class="icon-calendar"></i> {meta_date(site, a.published)}</span>
<span><i class="icon-eye-outline"></i> <span>{len(a.body) * 811}</span></span>
</div>
</div>
<div class="post-detail-title">
<h1>{esc(a.title)}</h1>
</div>
<div class="post-detail-actions d-flex align-items-center justify-content-between">
<div class="c-btn-group d-none d-md-flex">
<button class="post-item-btn like-btn rt-like-btn rt-skip-write rt-news-btn">{len(a.body) * 7}</button>
<button class="post-item-btn dislike-btn rt-dislike-btn rt-skip-write rt-news-btn d-none">{len(a.body)}</button>
</div>
<div class="fonts-block"><button class="resize-minus">A-</button><button class="resize-plus">A+</button></div>
</div>
</div>
<article class="post-detail-content">
<div class="post-detail-content-inner resize-area">
{paragraphs}
</div>
</article>
<div class="tag-area tag-area-slide tag-area--slider mb-4">{tags}</div>
<div class="row mt-3">{advert}{advert}</div>
{_share(site, a)}
</div>"""
    return _page(site, f"{a.title} - Oxu.az", a.url, main, slug, meta)


def listing(
    site: Site, routes: OutletRoutes, base: str, heading: str, current: str, articles: list[Article]
) -> None:
    """A listing and its further pages (?page=N behind a.more), filed in `routes`."""
    ed = _edition(site)
    for page in listing_pages(site, articles, page_urls(base, "{first}?page={n}")):
        items = "".join(
            f'<div class="news-i"><a class="news-i-inner" href="{a.url}"><div class="title">{esc(a.title)}</div>'
            f'<div class="when-time">{a.published.day} {ed.month(a.published)}, {a.published:%H:%M}</div></a></div>'
            for a in page.articles
        )
        more = (
            f'<a class="more" href="{page.next_url}">{esc(ed.labels["more"])}</a>'
            if page.next_url
            else ""
        )
        main = f'<div class="news-list"><h1 class="news-list-title">{esc(heading)}</h1>{items}{more}</div>'
        html = _page(site, f"{heading} - Oxu.az", page.url, main, current)
        routes.file(page.url, html, "listing", page.articles)


def build(site: Site) -> OutletRoutes:
    ed = _edition(site)
    not_found = _page(
        site, "404 - Oxu.az", ORIGIN + "/404", f"<h1>404</h1><p>{esc(ed.labels['not_found'])}</p>"
    )
    routes = OutletRoutes(site, __name__, not_found, not_found_part="build")
    for a in site.articles:
        routes.article(a, article_page(site, a))
        routes.redirect(short_url(a), a.url, 301, routes.source("short link", a.source))
    listing(site, routes, ORIGIN + "/", ed.labels["latest"], "", site.select("az"))
    for slug, name in ed.categories.items():
        listing(site, routes, category_url(slug), name, slug, site.select("az", category=slug))
    index = []
    for n, chunk in enumerate(paginate(site.articles, site.setting("sitemap_size"))):
        url = f"{ORIGIN}/sitemap-posts-{n}.xml"
        routes.file(url, urlset((a.url, a.modified) for a in chunk), "sitemap", chunk, XML)
        index.append((url, max(a.modified for a in chunk)))
    routes.file(ORIGIN + "/sitemap.xml", sitemap_index(index), "sitemap_index", (), XML)
    return routes
