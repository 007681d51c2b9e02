"""bm.ge (Business Media Georgia) as the mirror renders it: its own CMS, Georgian at /ka/ and
English at /en/.

What is known (sites.md, evidence/README.md): /rss answers 403 (the feed is closed to
crawlers); articles are /<ed>/article/<slug>/<id> and the BM TV pieces /<ed>/tv-inner/<slug>/<id>
(a Latin transliteration of the title, " - " written "---", and ids of their own); category
listings have no trailing slash (/en/category/economy); the "all news" listing is a date
range, /<ed>/all-news/DD.MM.YYYY-DD.MM.YYYY/<page>/; and the markup is utility classes
(Tailwind): nothing names the body, the date or the categories, so semantic selectors such
as ``div.article-text`` would find nothing.

Guessed: Georgian article slugs in Georgian script, percent-encoded (upper-case hex) in links
and in the canonical URL; the category pages' ``?page=N`` with ``a[rel=next]`` (Laravel's
paginator: the stylesheet is a Vite build); the other spelling of a trailing slash
answering 301. Article pages carry a JSON-LD NewsArticle (dates +04:00, the sections) and
Open Graph meta; the visible date is abbreviated ("07 ივლ. 2026 14:20"). Inside the text
block: an advertisement, a reprint notice at the end; after it, an "also interesting" list.
A TV piece has its video (an iframe) above the text.

Routes (words from sites/bm.ge/, markup from here):
  /<ed>/article/<slug>/<id>                   an article: articles/<ed>-<id>.toml
  /<ed>/tv-inner/<slug>/<id>                  a BM TV piece: articles/<ed>-tv-<id>.toml
  /<ed>/                                      the edition's home: the newest articles
  /<ed>/all-news/<from>-<to>/<page>/          all news of the range, newest first
  /<ed>/category/<slug>[?page=N]              a category's articles
  /rss                                        403
  /                                           302 to /ka/
  the other spelling of a trailing slash      301 to the page
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime
from functools import partial

from caucasus_crawler.mirror.content import HTML, Article, Resource, Site
from caucasus_crawler.mirror.listing import Pager, UrlOf, listing_pages
from caucasus_crawler.mirror.markup import article_meta, esc, json_ld, page_head, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://bm.ge"
NAME = "BM.GE"
# The utility classes of the text block: no class says "body".
TEXT_CLASSES = "text-lg leading-8 text-gray-800 [&>p]:mb-5"
# Laravel's Tailwind paginator: rel=prev / rel=next on the arrows
_LINK = "relative inline-flex items-center border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-700 hover:bg-gray-50"
PAGER = Pager(
    '<nav class="mt-8 flex justify-center" role="navigation" aria-label="Pagination Navigation"><span class="relative z-0 inline-flex rounded-md shadow-sm">{links}</span></nav>',
    current=f'<span aria-current="page"><span class="{_LINK} cursor-default bg-gray-100">{{n}}</span></span>',
    link=f'<a class="{_LINK}" href="{{href}}">{{n}}</a>',
    prev=f'<a class="{_LINK}" href="{{href}}" rel="prev">&lsaquo;</a>',
    next=f'<a class="{_LINK}" href="{{href}}" rel="next">&rsaquo;</a>',
)


class Edition(SiteEdition):
    """An edition ("ka", "en"); its months abbreviated, as the dates print them."""

    @property
    def home(self) -> str:
        return f"{ORIGIN}/{self.code}/"

    def category(self, slug: str, page: int = 1) -> str:
        return f"{ORIGIN}/{self.code}/category/{slug}" + (f"?page={page}" if page > 1 else "")

    def visible_date(self, when: datetime) -> str:
        return f"{when:%d} {self.month(when)} {when.year} {when:%H:%M}"


def is_tv(article: Article) -> bool:
    """A BM TV piece (/<ed>/tv-inner/...), rendered with its video."""
    return article.path.split("/")[2] == "tv-inner"


def all_news(site: Site, ed: Edition, page: int = 1) -> str:
    """The date-range listing: from the oldest to the newest article of the edition."""
    articles = site.select(ed.code)
    first, last = articles[-1].published, articles[0].published
    return f"{ORIGIN}/{ed.code}/all-news/{first:%d.%m.%Y}-{last:%d.%m.%Y}/{page}/"


def _page(site: Site, ed: Edition, title: str, url: str, meta: str, main: str) -> str:
    menu = "".join(
        f'<a class="whitespace-nowrap hover:text-blue-700" href="{ed.category(s)}">{esc(n)}</a>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<a class="rounded px-2 py-1{" bg-blue-700 text-white" if o is ed else " text-gray-500 hover:text-blue-700"}" href="{o.home}">{o.code.upper()}</a>'
        for o in editions(site, Edition).values()
    )
    head_start = page_head(ed.code, title, url, NAME)
    return f"""{head_start}{meta}<link rel="preload" as="style" href="{ORIGIN}/build/assets/app-4f1c9a2e.css"><link rel="stylesheet" href="{ORIGIN}/build/assets/app-4f1c9a2e.css">
<link rel="icon" href="{ORIGIN}/favicon.ico">
</head>
<body class="bg-white font-sans text-gray-900 antialiased">
<header class="sticky top-0 z-50 border-b border-gray-200 bg-white"><div class="mx-auto flex max-w-7xl items-center justify-between gap-6 px-4 py-3">
<a class="shrink-0" href="{ed.home}"><img class="h-8 w-auto" src="{ORIGIN}/images/logo.svg" alt="BM.GE"></a>
<nav class="hidden flex-1 items-center gap-6 text-sm font-medium lg:flex"><a class="whitespace-nowrap hover:text-blue-700" href="{all_news(site, ed)}">{esc(ed.labels["all_news"])}</a>{menu}</nav>
<div class="flex items-center gap-1 text-xs font-semibold uppercase">{langs}</div>
</div></header>
<main class="mx-auto max-w-7xl px-4 py-6">{main}</main>
<footer class="mt-12 bg-gray-900 py-8 text-sm text-gray-400"><div class="mx-auto max-w-7xl px-4"><p>&copy; 2026 Business Media Georgia. {esc(ed.labels["copyright"])}</p></div></footer>
<script type="module" src="{ORIGIN}/build/assets/app-8c1e45d0.js"></script>
</body>
</html>
"""


def _video_id(a: Article) -> str:
    """A made-up YouTube id for a TV piece's embed (eleven characters, as YouTube's are)."""
    return f"bmtv{a.slug}".ljust(11, "x")[:11]


def _schema(ed: Edition, a: Article) -> dict:
    schema = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": a.url},
        "headline": a.title,
        "image": [a.image] if a.image else [],
        "datePublished": w3c(a.published),
        "dateModified": w3c(a.modified),
        "articleSection": [ed.categories[c] for c in a.categories],
        "inLanguage": ed.code,
        "author": {"@type": "Organization", "name": NAME},
        "publisher": {
            "@type": "Organization",
            "name": "Business Media Georgia",
            "logo": {"@type": "ImageObject", "url": f"{ORIGIN}/images/logo.png"},
        },
    }
    if is_tv(a):
        schema["video"] = {
            "@type": "VideoObject",
            "name": a.title,
            "embedUrl": f"https://www.youtube.com/embed/{_video_id(a)}",
            "uploadDate": w3c(a.published),
        }
    return schema


def article_page(site: Site, ed: Edition, a: Article) -> str:
    meta = article_meta(a, "og:type og:title og:description og:image")
    meta += f'<script type="application/ld+json">{json_ld(_schema(ed, a))}</script>\n'
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(
        min(2, len(paragraphs)),
        '<div class="my-6 flex justify-center"><a href="https://track.adform.net/C/?bn=52810044" target="_blank" rel="nofollow sponsored">'
        f'<img class="h-auto max-w-full" src="{ORIGIN}/uploads/banners/bog-business-728x90.jpg" alt=""></a></div>',
    )
    paragraphs.append(f'<p class="text-sm italic text-gray-500">{esc(ed.labels["reprint"])}</p>')
    others = [o for o in site.select(ed.code) if o is not a][:3]
    interesting = "".join(
        f'<li><a class="font-medium hover:text-blue-700" href="{o.url}">{esc(o.title)}</a></li>'
        for o in others
    )
    cats = " ".join(
        f'<a class="font-semibold uppercase text-blue-700 hover:underline" href="{ed.category(c)}">{esc(ed.categories[c])}</a>'
        for c in a.categories
    )
    if is_tv(a):
        media = (
            '<div class="mb-6 aspect-video overflow-hidden rounded-lg bg-black">'
            f'<iframe class="h-full w-full" src="https://www.youtube.com/embed/{_video_id(a)}" title="{esc(a.title)}" allowfullscreen></iframe></div>'
        )
    elif a.image:
        media = f'<figure class="mb-6"><img class="w-full rounded-lg object-cover" src="{a.image}" alt="{esc(a.title)}"></figure>'
    else:
        media = ""
    latest = "".join(
        f'<li><a class="hover:text-blue-700" href="{o.url}">{esc(o.title)}</a></li>'
        for o in site.select(ed.code)[:4]
    )
    main = f"""<div class="grid grid-cols-1 gap-8 lg:grid-cols-12">
<article class="lg:col-span-8">
<div class="mb-3 flex flex-wrap items-center gap-3 text-sm text-gray-500">{cats} <span>{ed.visible_date(a.published)}</span></div>
<h1 class="mb-6 text-2xl font-bold leading-tight md:text-4xl">{esc(a.title)}</h1>
{media}<div class="{TEXT_CLASSES}">{"".join(paragraphs)}</div>
<div class="mt-6 flex items-center gap-3 border-t border-gray-200 pt-4 text-sm"><span class="font-medium">{esc(ed.labels["share"])}</span> <a class="text-blue-700" href="https://www.facebook.com/sharer/sharer.php?u={a.url}">Facebook</a> <a class="text-blue-700" href="https://www.linkedin.com/sharing/share-offsite/?url={a.url}">LinkedIn</a></div>
<section class="mt-10 border-t border-gray-200 pt-6"><h4 class="mb-4 text-lg font-bold">{esc(ed.labels["also"])}</h4><ul class="space-y-3">{interesting}</ul></section>
</article>
<aside class="lg:col-span-4"><div class="rounded-lg bg-gray-50 p-4"><h3 class="mb-3 font-bold">{esc(ed.labels["latest"])}</h3><ul class="space-y-2 text-sm">{latest}</ul></div></aside>
</div>"""
    return _page(site, ed, f"{a.title} | {NAME}", a.url, meta, main)


def _card(ed: Edition, a: Article) -> str:
    image = a.image or ORIGIN + "/images/placeholder.jpg"
    play = (
        '<span class="absolute inset-0 flex items-center justify-center text-4xl text-white">&#9654;</span>'
        if is_tv(a)
        else ""
    )
    return (
        f'<div class="flex gap-4 border-b border-gray-100 py-4"><a class="relative block w-40 shrink-0" href="{a.url}"><img class="aspect-video w-full rounded object-cover" src="{image}" alt="">{play}</a>'
        f'<div class="flex flex-col gap-1"><a class="text-base font-semibold leading-snug hover:text-blue-700" href="{a.url}">{esc(a.title)}</a>'
        f'<span class="text-xs text-gray-500">{ed.visible_date(a.published)}</span></div></div>'
    )


def listing(
    site: Site,
    ed: Edition,
    routes: OutletRoutes,
    url_of: UrlOf,
    heading: str,
    articles: list[Article],
) -> None:
    """A listing; `url_of(n)` is the URL of its page n."""
    for page in listing_pages(site, articles, url_of):
        items = "".join(_card(ed, a) for a in page.articles)
        main = f'<h1 class="mb-6 text-2xl font-bold">{esc(heading)}</h1><div class="divide-y divide-gray-100">{items}</div>{PAGER.render(page)}'
        meta = '<meta property="og:type" content="website">\n'
        html = _page(site, ed, f"{heading} | {NAME}", page.url, meta, main)
        routes.file(page.url, html, "listing", page.articles)


def forbidden() -> Resource:
    body = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    return Resource(body.encode(), HTML, 403, (), "the site's closed feed (bm_ge.py:forbidden)")


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["ka"]
    return _page(
        site,
        ed,
        f"404 | {NAME}",
        f"{ORIGIN}/ka/",
        "",
        '<div class="py-24 text-center"><h1 class="text-6xl font-bold">404</h1><p class="mt-4 text-gray-500">გვერდი ვერ მოიძებნა</p></div>',
    )


def home_page(site: Site, ed: Edition, newest: list[Article]) -> str:
    items = "".join(
        f'<div class="flex flex-col gap-1 border-b border-gray-100 py-3"><a class="text-lg font-semibold hover:text-blue-700" href="{a.url}">{esc(a.title)}</a><span class="text-xs text-gray-500">{ed.visible_date(a.published)}</span></div>'
        for a in newest
    )
    main = f'<section class="mx-auto max-w-3xl">{items}<a class="mt-6 inline-block rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white" href="{all_news(site, ed)}">{esc(ed.labels["all_news"])}</a></section>'
    meta = '<meta property="og:type" content="website">\n'
    return _page(site, ed, f"{NAME} | {ed.labels['tagline']}", ed.home, meta, main)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/ka/", 302, routes.source("build"))
    routes.add("/rss", forbidden())
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        articles = site.select(ed.code)
        newest = articles[: site.setting("per_page")]
        routes.file(ed.home, home_page(site, ed, newest), "home_page", newest)
        all_news_url = partial(all_news, site, ed)
        listing(site, ed, routes, all_news_url, ed.labels["all_news"], articles)
        for slug, name in ed.categories.items():
            listed = site.select(ed.code, slug)
            listing(site, ed, routes, partial(ed.category, slug), name, listed)
    return routes
