"""armenpress.am as the mirror renders it: the state agency's 2024 redesign, editions /en,
/ru and /hy (the real site answers 403 to non-browser clients; the mirror does not).

Article pages carry Open Graph meta only: no JSON-LD, no article:* meta, no ``<time>``. The
date is the visible ``.article__date``, "14:32, 14 May 2025", with genitive months in the
other editions: "14:32, 14 մայիսի 2025", "14:32, 14 мая 2025". The body is ``article div.prose``
(Tailwind's typography class, where an independent crawler reads it: evidence/README.md);
it holds the agency's furniture, which a profile must strip: the
"Save Share" toolbar, the dateline ("YEREVAN, MAY 14, ARMENPRESS.") as its own line before the
text, and, in English, "Edited and translated by …" after it. Feeds exist per category only
and nest their categories (``<categories><category>``). Pagination is ``?page=N`` with
``a[rel=next]``; internal links are root-relative.

Routes (words from sites/armenpress.am/, markup from here):
  /<ed>/article/<id>                       article: articles/<ed>-<id>.toml
  /<ed>                                    edition home: the newest articles, the sections
  /<ed>/articles/<cat>[?page=N]            category listing
  /<ed>/rss/articles/<cat>                 RSS 2.0 of a category, teasers only
  /                                        301 to /hy
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, listing_pages, page_urls
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, page_head, rfc822
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://armenpress.am"
PAGER = Pager(
    '<nav class="pagination">{links}</nav>',
    current='<span class="pagination__current">{n}</span>',
    link='<a class="pagination__page" href="{href}">{n}</a>',
    prev='<a class="pagination__prev" rel="prev" href="{href}">&lsaquo;</a>',
    next='<a class="pagination__next" rel="next" href="{href}">&rsaquo;</a>',
)


@dataclass(frozen=True, kw_only=True)
class Edition(SiteEdition):
    """An edition: its code ("en") is the path segment and the language; its months are
    genitive in hy and ru."""

    title: str  # the site's name in this edition
    dateline: str  # "{city}, {MONTH} {day}, ARMENPRESS." with the edition's word order

    @property
    def home(self) -> str:
        return f"/{self.code}"

    def category(self, slug: str) -> str:
        return f"/{self.code}/articles/{slug}"

    def feed(self, slug: str) -> str:
        return f"/{self.code}/rss/articles/{slug}"

    def visible_date(self, when: datetime) -> str:
        return f"{when:%H:%M}, {when.day} {self.month(when)} {when.year}"

    def dateline_of(self, when: datetime) -> str:
        return self.dateline.format(day=when.day, MONTH=self.month(when).upper())


def _page(site: Site, ed: Edition, title: str, path: str, main: str, head: str = "") -> str:
    menu = "".join(
        f'<li class="nav__item"><a class="nav__link" href="{ed.category(s)}">{esc(n)}</a></li>'
        for s, n in ed.categories.items()
    )
    langs = "".join(
        f'<a class="lang-switch__item{" is-active" if o.code == ed.code else ""}" href="{o.home}">{o.code.upper()}</a>'
        for o in editions(site, Edition).values()
    )
    latest = "".join(
        f'<li class="latest__item"><span class="latest__time">{a.published:%H:%M}</span>'
        f'<a class="latest__link" href="{a.path}">{esc(a.title)}</a></li>'
        for a in site.newest(ed.code)
    )
    head_start = page_head(ed.code, title, ORIGIN + path, "ARMENPRESS")
    return f"""{head_start}{head}<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/_next/static/css/8d1f0c2a.css">
</head>
<body>
<div id="__next"><header class="header"><div class="container">
<a class="header__logo" href="{ed.home}"><img src="/images/logo-{ed.code}.svg" alt="ARMENPRESS"></a>
<nav class="nav"><ul class="nav__list">{menu}</ul></nav>
<div class="lang-switch">{langs}</div>
</div></header>
<main class="main"><div class="container main__grid">
<div class="main__content">{main}</div>
<aside class="latest"><h2 class="latest__title">{esc(ed.labels["latest"])}</h2><ul class="latest__list">{latest}</ul></aside>
</div></main>
<footer class="footer"><div class="container"><p>&copy; 1918-2026 ARMENPRESS. {esc(ed.labels["copyright"])}</p></div></footer>
</div>
<script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":{{}}}},"page":"{esc(path)}","locale":"{ed.code}"}}</script>
</body>
</html>
"""


def article_page(site: Site, ed: Edition, a: Article) -> str:
    cats = "".join(
        f'<a class="article__category" href="{ed.category(c)}">{esc(ed.categories[c])}</a>'
        for c in a.categories
    )
    image = (
        f'<figure class="article__figure"><img src="{a.image}" alt="{esc(a.title)}"></figure>'
        if a.image
        else ""
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in a.body)
    editor = (
        f'<p class="article__editor">{esc(ed.labels["edited"])} {esc(a.author)}</p>'
        if a.author and ed.labels.get("edited")
        else ""
    )
    tags = "".join(f'<li class="tags__item">#{esc(t)}</li>' for t in a.tags)
    tags = f'<ul class="article__tags tags">{tags}</ul>' if tags else ""
    related = "".join(
        f'<li><a href="{r.path}">{esc(r.title)}</a></li>'
        for r in [r for r in site.select(ed.code, category=a.categories[0]) if r is not a][:3]
    )
    head = article_meta(a, "og:type og:title og:description description og:image")
    main = f"""<article class="article">
<div class="article__head">
<div class="article__categories">{cats}</div>
<h1 class="article__title">{esc(a.title)}</h1>
<div class="article__meta"><span class="article__date">{ed.visible_date(a.published)}</span></div>
</div>
{image}<div class="prose prose-lg max-w-none">
<div class="article__actions"><button class="article__action article__action--save" type="button"><span>{esc(ed.labels["save"])}</span></button> <button class="article__action article__action--share" type="button"><span>{esc(ed.labels["share"])}</span></button></div>
<p class="article__dateline"><strong>{esc(ed.dateline_of(a.published))}</strong></p>
{paragraphs}
{editor}</div>
{tags}
</article>
<section class="related"><h2 class="related__title">{esc(ed.labels["related"])}</h2><ul class="related__list">{related}</ul></section>"""
    return _page(site, ed, f"{a.title} | ARMENPRESS", a.path, main, head)


def _items(ed: Edition, articles: list[Article]) -> str:
    return "".join(
        f'<div class="news-card"><a class="news-card__image" href="{a.path}"><img src="{a.image or "/images/placeholder.jpg"}" alt=""></a>'
        f'<div class="news-card__body"><a class="news-card__title" href="{a.path}">{esc(a.title)}</a>'
        f'<span class="news-card__date">{ed.visible_date(a.published)}</span></div></div>'
        for a in articles
    )


def listing(
    site: Site, ed: Edition, routes: OutletRoutes, slug: str, articles: list[Article]
) -> None:
    path, name = ed.category(slug), ed.categories[slug]
    for page in listing_pages(site, articles, page_urls(path, "{first}?page={n}")):
        head = (
            f'<meta property="og:type" content="website">\n'
            f'<meta property="og:title" content="{esc(name)}">\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(name)}" href="{ORIGIN}{ed.feed(slug)}">\n'
        )
        main = (
            f'<section class="category"><h1 class="category__title">{esc(name)}</h1>'
            f'<div class="news-list">{_items(ed, page.articles)}</div>{PAGER.render(page)}</section>'
        )
        html = _page(site, ed, f"{name} | ARMENPRESS", page.url, main, head)
        routes.file(page.url, html, "listing", page.articles)


def feed(site: Site, ed: Edition, slug: str, articles: list[Article]) -> str:
    items = "\n".join(
        f"""<item>
<title>{esc(a.title)}</title>
<link>{a.url}</link>
<description>{esc(a.excerpt(30))}</description>
<categories>{"".join(f"<category>{esc(ed.categories[c])}</category>" for c in a.categories)}</categories>
<pubDate>{rfc822(a.published)}</pubDate>
<guid isPermaLink="true">{a.url}</guid>
</item>"""
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{esc(ed.title)} - {esc(ed.categories[slug])}</title>\n"
        f"<link>{ORIGIN}{ed.category(slug)}</link>\n"
        f"<description>{esc(ed.categories[slug])}</description>\n"
        f"<language>{ed.code}</language>\n{items}\n</channel>\n</rss>\n"
    )


def home(site: Site, ed: Edition) -> str:
    newest = site.select(ed.code)[: site.setting("home_size")]
    sections = "".join(
        f'<section class="home-section"><h2 class="home-section__title"><a href="{ed.category(s)}">{esc(n)}</a></h2>'
        f'<div class="news-list">{_items(ed, site.select(ed.code, category=s)[:1])}</div></section>'
        for s, n in ed.categories.items()
    )
    main = f'<section class="top-news"><div class="news-list">{_items(ed, newest)}</div></section>{sections}'
    head = (
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:title" content="{esc(ed.title)}">\n'
    )
    return _page(site, ed, ed.title, ed.home, main, head)


def not_found_page(site: Site) -> str:
    ed = editions(site, Edition)["en"]
    main = '<section class="error"><h1>404</h1><p>Page not found</p></section>'
    return _page(site, ed, "404 | ARMENPRESS", "/404", main)


def build(site: Site) -> OutletRoutes:
    eds = editions(site, Edition)
    routes = OutletRoutes(site, __name__, not_found_page(site))
    routes.redirect(f"{ORIGIN}/", f"{ORIGIN}/hy", 301, routes.source("build"))
    for a in site.articles:
        routes.article(a, article_page(site, eds[a.language], a))
    for ed in eds.values():
        routes.file(ed.home, home(site, ed), "home", site.select(ed.code))
        for slug in ed.categories:
            articles = site.select(ed.code, category=slug)
            listing(site, ed, routes, slug, articles)
            newest = articles[: site.setting("feed_size")]
            routes.file(ed.feed(slug), feed(site, ed, slug, newest), "feed", newest, RSS)
    return routes
