"""trend.az as the mirror renders it: one host per language edition (az.trend.az,
www.trend.az for English, ru.trend.az), each a site directory of its own that this renderer
draws (the English one is sites/trend.az/: the mirror ignores `www.`).

Article pages follow the real English page (shared/data/real-pages/
trend-az-4204857.reconstructed.html; the words are our own): ``div.top-part`` holds the
title, the section (``span.category``), the genre and the visible date ``span.date-time``,
"7 July 2026 15:56 (UTC +04:00)" in English ("(UTC+04)" in Russian, and no year in
Azerbaijani: "14 Noyabr 17:57 (UTC+04)"); ``ul.social-sharing`` beside the text; then
``div.article-paddings`` blocks: the author's link (``/author/<slug>/``), the body
``div.article-content.article-paddings``, the tags (``.tags``) and the "Follow Trend on
Whatsapp Telegram" line. The dateline is inline, the bold start of the lead paragraph
(``<p><strong>BAKU, Azerbaijan, July 7.</strong> Uzbekistan presented...``): it is written in
the article files, as part of the text. Inside the body, a related-news box
(``.related-news``); the most-read box (``.most-read``) is in the side column. Pages also
carry ``article:published_time`` ("2025-11-14T17:57:00+04:00") and ``article:section``.
Breadcrumbs name the section and its subsection. Listings paginate with ``?page=N`` behind a
"more news" link (``a.next-page``). Only the English edition has the known feed.

Routes (words from sites/<edition directory>/, markup from here):
  /<section>/<sub>/<id>.html            article: articles/<lang>-<id>.toml
  /                                     edition home: the newest news, sections
  /latest/[?page=N]                     all news, newest first
  /<section>/[<sub>/][?page=N]          section and subsection listings
  /tags/<n>/                            a tag's news
  /author/<slug>/                       an author's news
  /feeds/index.rss                      RSS 2.0 (where site.toml names a feed)
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages, page_urls
from caucasus_crawler.mirror.markup import (
    RSS,
    article_meta,
    esc,
    meta_tags,
    news_feed,
    news_item,
    page_head,
)
from caucasus_crawler.mirror.renderer import OutletRoutes

_DATELINE = re.compile(r"^<strong>[^<]*</strong>\s*")
_LATIN = str.maketrans(
    {"ə": "e", "ı": "i", "ö": "o", "ü": "u", "ş": "sh", "ç": "ch", "ğ": "g", "İ": "i"}
    | dict(zip("абвгдеёзийклмнопрстуфхцыэ", "abvgdeeziyklmnoprstufhcye", strict=True))
    | {"ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya", "ъ": "", "ь": ""}
)


class Edition:
    """The one edition a subdomain serves."""

    def __init__(self, site: Site):
        self.site = site
        ((key, ed),) = site.setting("editions").items()
        self.code = ed.get("language", key)
        self.months = tuple(ed["months"])
        self.date_format = ed["date_format"]
        self.labels = dict(ed["labels"])
        self.categories = dict(ed["categories"])  # "business/energy" -> "Energy"
        self.feed = ed.get("feed")
        self.hosts = dict(site.setting("hosts"))  # language -> host (www.trend.az for "en")
        self.host = self.hosts[self.code]
        self.origin = f"https://{self.host}"
        tags = sorted({t for a in site.articles for t in a.tags})
        self.tag_ids = {t: 1001 + n for n, t in enumerate(tags)}

    def url(self, path: str) -> str:
        return self.origin + path

    def category_url(self, slug: str) -> str:
        return f"{self.origin}/{slug}/"

    def tag_url(self, tag: str) -> str:
        return f"{self.origin}/tags/{self.tag_ids[tag]}/"

    def date(self, when: datetime) -> str:
        return self.date_format.format(
            day=when.day, month=self.months[when.month - 1], year=when.year, time=f"{when:%H:%M}"
        )

    def author_url(self, name: str) -> str:
        """/author/<slug>/, the name in ASCII: /author/niljan-bakhshaliyeva/."""
        return f"/author/{re.sub(r'[^a-z0-9]+', '-', name.lower().translate(_LATIN)).strip('-')}/"

    def trail(self, slug: str) -> list[tuple[str, str]]:
        """The section, then the subsection: (name, url) pairs."""
        parts = slug.split("/")
        return [
            (self.categories[p], self.category_url(p))
            for p in ("/".join(parts[: n + 1]) for n in range(len(parts)))
        ]


def teaser(a: Article, words: int = 30) -> str:
    """The article's opening words without the dateline, as descriptions and feeds give them."""
    return replace(a, body=(_DATELINE.sub("", a.body[0]), *a.body[1:])).excerpt(words)


def _page(ed: Edition, title: str, url: str, main: str, meta: str = "", side: str = "") -> str:
    sections = [s for s in ed.categories if "/" not in s]
    menu = "".join(
        f'<li class="menu-item"><a href="{ed.category_url(s)}">{esc(ed.categories[s])}</a><ul class="submenu">'
        + "".join(
            f'<li><a href="{ed.category_url(sub)}">{esc(ed.categories[sub])}</a></li>'
            for sub in ed.categories
            if sub.startswith(s + "/")
        )
        + "</ul></li>"
        for s in sections
    )
    langs = "".join(
        f'<a class="lang{" active" if lang == ed.code else ""}" href="https://{host}/">{lang.upper()}</a>'
        for lang, host in ed.hosts.items()
    )
    feed = (
        f'<link rel="alternate" type="application/rss+xml" title="Trend" href="{ed.url(ed.feed)}">\n'
        if ed.feed
        else ""
    )
    head_start = page_head(ed.code, title, url, "Trend.Az")
    return f"""{head_start}{meta}{feed}<link rel="stylesheet" href="https://static.trend.az/media/css/style.min.css?v=1731">
<link rel="shortcut icon" href="https://static.trend.az/media/images/favicon.ico">
</head>
<body>
<div class="header"><div class="container">
<a class="logo" href="{ed.origin}/"><img src="https://static.trend.az/media/images/logo_{ed.code}.svg" alt="Trend"></a>
<div class="languages">{langs}</div>
<ul class="main-menu"><li class="menu-item"><a href="{ed.url("/latest/")}">{esc(ed.labels["latest"])}</a></li>{menu}</ul>
</div></div>
<div class="container page-content"><div class="row">
<div class="col-main">{main}</div>
<div class="col-side">{side}</div>
</div></div>
<div class="footer"><div class="container"><p>&copy; 2002-2026 Trend News Agency. {esc(ed.labels["copyright"])}</p></div></div>
<script src="https://static.trend.az/media/js/main.min.js?v=1731"></script>
</body>
</html>
"""


def _most_read(ed: Edition, a: Article) -> str:
    others = [o for o in ed.site.articles if o is not a][:3]
    items = "".join(f'<li><a href="{o.url}">{esc(o.title)}</a></li>' for o in others)
    return f'<div class="most-read"><div class="block-title">{esc(ed.labels["most_read"])}</div><ol>{items}</ol></div>'


def _related(ed: Edition, a: Article) -> str:
    section = a.categories[0].split("/")[0]
    others = [o for o in ed.site.select(ed.code, category=section) if o is not a][:2]
    others = others or [o for o in ed.site.articles if o is not a][:2]
    items = "".join(f'<li><a href="{o.url}">{esc(o.title)}</a></li>' for o in others)
    return f'<div class="related-news"><span class="title">{esc(ed.labels["related"])}</span><ul>{items}</ul></div>'


def article_page(ed: Edition, a: Article) -> str:
    slug = a.categories[0]
    crumbs = [(ed.labels["home"], ed.origin + "/"), *ed.trail(slug)]
    breadcrumbs = "".join(f'<li><a href="{u}">{esc(n)}</a></li>' for n, u in crumbs)
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    paragraphs.insert(2, _related(ed, a))
    tags = "".join(f'<a href="{ed.tag_url(t)}">{esc(t)}</a>' for t in a.tags)
    image = (
        f'<div class="article-image"><img src="{a.image}" alt="{esc(a.title)}"></div>'
        if a.image
        else ""
    )
    meta = article_meta(
        a,
        "description og:type og:title og:description og:image article:published_time"
        " article:modified_time article:section",
        values={
            "description": teaser(a, 25),
            "og:description": teaser(a, 25),
            "article:section": ed.categories[slug],
        },
    )
    meta += meta_tags(("article:tag", t) for t in a.tags)
    author = (
        f'<div class="article-paddings"><a href="{ed.author_url(a.author)}">{esc(a.author)}</a> {esc(ed.labels["author_more"])}</div>\n'
        if a.author
        else ""
    )
    share = "".join(
        f'<li><a href="{href}{a.url}" target="_blank">{esc(ed.labels["share_on"])} {name}</a></li>'
        for name, href in (
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?u="),
            ("X", "https://x.com/intent/post?url="),
        )
    )
    main = f"""<main class="news">
<ul class="breadcrumbs">{breadcrumbs}</ul>
<div class="article">
<div class="top-part">
<h1>{esc(a.title)}</h1>
<span class="category">{esc(ed.categories[slug])}</span>
<span class="genres">{esc(ed.labels["genre"])}</span>
<span class="date-time">{ed.date(a.published)}</span>
</div>
<div class="left-part"><ul class="social-sharing">{share}</ul></div>
<div class="right-part">
{image}{author}<div class="article-content article-paddings">{"".join(paragraphs)}</div>
<div class="tags article-paddings">{esc(ed.labels["tags"])}: {tags}</div>
<div class="article-paddings">{ed.labels["follow"]}</div>
</div>
</div>
</main>"""
    return _page(ed, f"{a.title} | Trend.Az", a.url, main, meta, _most_read(ed, a))


def _items(ed: Edition, articles: list[Article]) -> str:
    return "".join(
        f'<div class="news-item"><a href="{a.url}"><span class="news-date">{ed.date(a.published)}</span>'
        f'<span class="news-title">{esc(a.title)}</span></a></div>'
        for a in articles
    )


def listing(
    ed: Edition, routes: OutletRoutes, base: str, heading: str, articles: list[Article]
) -> None:
    """A listing and its further pages (?page=N, behind a.next-page), filed in `routes`."""
    for page in listing_pages(ed.site, articles, page_urls(base, "{first}?page={n}")):
        more = (
            f'<div class="more-news"><a class="next-page" href="{page.next_url}">{esc(ed.labels["more"])}</a></div>'
            if page.next_url
            else ""
        )
        main = f'<div class="news-list"><h1 class="page-title">{esc(heading)}</h1>{_items(ed, page.articles)}{more}</div>'
        head = '<meta property="og:type" content="website">\n'
        html = _page(ed, f"{heading} - Trend.Az", page.url, main, head)
        routes.file(page.url, html, "listing", page.articles)


def feed(ed: Edition, articles: list[Article]) -> str:
    items = [
        news_item(
            a,
            teaser(a),
            [ed.categories[a.categories[0]]],
            f'<guid isPermaLink="true">{a.url}</guid>',
        )
        for a in articles
    ]
    return news_feed(items, "Trend.Az", ed.origin + "/", ed.labels["latest"], ed.code)


def build(site: Site) -> OutletRoutes:
    ed = Edition(site)
    not_found = _page(
        ed, "404 - Trend.Az", ed.url("/404"), f"<h1>404</h1><p>{esc(ed.labels['not_found'])}</p>"
    )
    routes = OutletRoutes(site, __name__, not_found, not_found_part="build", host=ed.host)
    for a in site.articles:
        routes.article(a, article_page(ed, a))
    articles = site.select(ed.code)
    newest = articles[: site.setting("per_page")]
    home = (
        f'<div class="news-list">{_items(ed, newest)}'
        f'<div class="more-news"><a href="{ed.url("/latest/")}">{esc(ed.labels["latest"])}</a></div></div>'
    )
    routes.file(ed.origin + "/", _page(ed, "Trend.Az", ed.origin + "/", home), "build", newest)
    listing(ed, routes, ed.url("/latest/"), ed.labels["latest"], articles)
    for slug, name in ed.categories.items():
        listing(ed, routes, ed.category_url(slug), name, site.select(ed.code, category=slug))
    for tag in ed.tag_ids:
        tagged = site.select(ed.code, tag=tag)
        main = f'<div class="news-list"><h1 class="page-title">{esc(tag)}</h1>{_items(ed, tagged)}</div>'
        url = ed.tag_url(tag)
        routes.file(url, _page(ed, f"{tag} - Trend.Az", url, main), "tag", tagged)
    for name in sorted({a.author for a in site.articles if a.author}):
        by = [a for a in articles if a.author == name]
        listing(ed, routes, ed.url(ed.author_url(name)), name, by)
    if ed.feed:
        items = site.newest(ed.code)
        routes.file(ed.url(ed.feed), feed(ed, items), "feed", items, RSS)
    return routes
