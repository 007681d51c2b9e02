"""azatutyun.am as the mirror renders it: RFE/RL's Armenian service on Pangea, the CMS all
RFE/RL services share; Armenian only.

Article pages have Open Graph meta but no article:* meta and no JSON-LD in the mirror: the
date is ``<time pubdate datetime="...+04:00">`` with the visible "Մայիս 14, 2025" (no time
of day). The body is ``div.wsw``; inside it an embedded "Տես նաև" (see also) box,
``div.wsw__embed``, interrupts the text. Sections are ``/z/<id>``, further pages ``?p=N``
(counted from 0, as Pangea does: a guess), reached through a "load more" link that has no
``rel=next``. Feeds are ``/api/<code>``, listed at ``/rssfeeds``.
Real URLs have ``www.``; the mirror files the site under ``azatutyun.am`` (the server
ignores ``www.``) and its pages link without it.

Routes (words from sites/azatutyun.am/, markup from here):
  /a/<id>.html              article: articles/hy-<id>.toml
  /                         home: the newest articles, the sections
  /z/<id>[?p=N]             section listing
  /api/<code>               RSS 2.0: all news, or one section (site.toml: feeds)
  /rssfeeds                 the list of feeds
"""

# The templates keep the outlet's markup on long lines, as the site serves it.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import listing_pages, page_urls
from caucasus_crawler.mirror.markup import RSS, article_meta, esc, news_feed, rfc822, w3c
from caucasus_crawler.mirror.renderer import OutletRoutes, SiteEdition, editions

ORIGIN = "https://azatutyun.am"
SITE_NAME = "«Ազատ Եվրոպա/Ազատություն» ռադիոկայան"


def _edition(site: Site) -> SiteEdition:
    return editions(site)["hy"]


def sections(site: Site) -> dict[str, str]:
    """Section id -> name."""
    return _edition(site).categories


def visible_date(site: Site, when: datetime) -> str:
    return f"{_edition(site).month(when)} {when.day}, {when.year}"


def _page(site: Site, title: str, path: str, main: str, head: str = "") -> str:
    labels = _edition(site).labels
    menu = "".join(
        f'<li class="nav-menu__item"><a href="/z/{sid}">{esc(name)}</a></li>'
        for sid, name in sections(site).items()
    )
    feeds = site.setting("feeds")
    return f"""<!DOCTYPE html>
<html lang="hy" dir="ltr" class="no-js">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{esc(title)}</title>
<link rel="canonical" href="{ORIGIN}{path}" />
<meta property="og:site_name" content="{esc(SITE_NAME)}" />
<meta property="og:url" content="{ORIGIN}{path}" />
{head}<link rel="alternate" type="application/rss+xml" title="{esc(labels["all_news"])}" href="{ORIGIN}/api/{feeds["all"]}" />
<link rel="stylesheet" href="/Content/responsive/RFE/hy-AM/RFE-hy-AM.css?&amp;av=0.0.0.0&amp;cb=370" />
</head>
<body class="pg-article">
<div id="page"><header class="hdr"><div class="container">
<a class="header__logo" href="/" title="{esc(SITE_NAME)}"><img src="/Content/responsive/RFE/img/logo.svg" alt="{esc(SITE_NAME)}" /></a>
<nav class="nav-menu"><ul>{menu}</ul></nav>
</div></header>
<div class="container">{main}</div>
<footer class="footer"><div class="container">
<ul class="footer__links"><li><a href="/rssfeeds">RSS</a></li></ul>
<p class="copyright">&copy; 2026 RFE/RL, Inc. {esc(labels["copyright"])}</p>
</div></footer></div>
<script src="/Scripts/responsive/loader.js?cb=370"></script>
</body>
</html>
"""


def article_page(site: Site, a: Article) -> str:
    names = sections(site)
    labels = _edition(site).labels
    category = "".join(f'<a class="" href="/z/{c}">{esc(names[c])}</a>' for c in a.categories[:1])
    author = (
        f'<div class="links"><ul class="links__list"><li class="links__item">'
        f'<span class="links__item-link">{esc(a.author)}</span></li></ul></div>'
        if a.author
        else ""
    )
    paragraphs = [f"<p>{p}</p>" for p in a.body]
    related = site.related(a)
    if related:  # Pangea drops "see also" boxes between paragraphs
        items = "".join(
            f'<li class="col-xs-12"><div class="media-block"><a href="{r.path}" title="{esc(r.title)}">'
            f'<h4 class="media-block__title media-block__title--size-3" title="{esc(r.title)}">{esc(r.title)}</h4></a></div></li>'
            for r in related
        )
        embed = (
            f'<div class="wsw__embed"><div class="media-block-wrap"><h2 class="section-head">'
            f'{esc(labels["see_also"])}</h2><div class="row"><ul>{items}</ul></div></div></div>'
        )
        paragraphs.insert(min(2, len(paragraphs)), embed)
    image = (
        f'<div class="cover-media"><figure class="media-image"><div class="img-wrap"><img src="{a.image}" alt="" /></div></figure></div>'
        if a.image
        else ""
    )
    head = article_meta(
        a,
        "description og:type og:title og:description og:image twitter:card twitter:site",
        end=" />",
        values={"twitter:card": "summary_large_image", "twitter:site": "@azatutyun"},
    )
    head += f'<link rel="amphtml" href="{ORIGIN}/amp/{a.slug}.html" />\n'
    share = "".join(
        f'<li class="share__item"><a class="btn btn--link" href="{href}" target="_blank" title="{esc(n)}">{esc(n)}</a></li>'
        for n, href in (
            ("Facebook", f"https://facebook.com/sharer.php?u={a.url}"),
            ("X", f"https://x.com/intent/tweet?url={a.url}"),
        )
    )
    main = f"""<div class="row"><div class="col-title col-xs-12 col-md-10 pull-right">
<div class="category">{category}</div>
<h1 class="title pg-title">{esc(a.title)}</h1>
</div>
<div class="col-publishing-details col-xs-12 col-md-2 pull-left"><div class="publishing-details">
{author}<div class="published"><span class="date"><time pubdate="pubdate" datetime="{w3c(a.published)}">{visible_date(site, a.published)}</time></span></div>
</div></div>
<div class="col-xs-12 col-md-10 pull-right">{image}<div class="body-container"><div class="row"><div class="col-xs-12">
<div class="wsw" id="article-content">
{"".join(paragraphs)}
</div>
<div class="share--box"><span class="share__label">{esc(labels["share"])}</span><ul class="share__list">{share}</ul></div>
</div></div></div></div></div>"""
    return _page(site, a.title, a.path, main, head)


def _items(site: Site, articles: list[Article]) -> str:
    return "".join(
        f'<li class="col-xs-12 col-sm-6 col-md-12 mb-grid"><div class="media-block">'
        f'<a href="{a.path}" class="img-wrap img-wrap--t-spac img-wrap--size-2" title="{esc(a.title)}"><img src="{a.image or "/Content/responsive/img/player-spacer.png"}" alt="" /></a>'
        f'<div class="media-block__content"><span class="date">{visible_date(site, a.published)}</span>'
        f'<a href="{a.path}" title="{esc(a.title)}"><h4 class="media-block__title media-block__title--size-2">{esc(a.title)}</h4></a></div></div></li>'
        for a in articles
    )


def section(site: Site, routes: OutletRoutes, sid: str) -> None:
    name = sections(site)[sid]
    labels = _edition(site).labels
    path = f"/z/{sid}"
    # ?p=0 is the first page, served bare
    for page in listing_pages(
        site, site.select("hy", category=sid), page_urls(path, "{first}?p={index}")
    ):
        more = (
            f'<p class="buttons btn--load-more"><a class="btn link-showMore btn__text" data-ajax="true" '
            f'data-area-id="R1_1" href="{page.next_url}" title="{esc(labels["more"])}">{esc(labels["more"])}</a></p>'
            if page.next_url
            else ""
        )
        feed = site.setting("feeds").get(sid)
        head = '<meta property="og:type" content="website" />\n' + (
            f'<link rel="alternate" type="application/rss+xml" title="{esc(name)}" href="{ORIGIN}/api/{feed}" />\n'
            if feed
            else ""
        )
        main = (
            f'<h1 class="section-head">{esc(name)}</h1><div class="media-block-wrap" id="wrowblock-1">'
            f'<div class="row"><ul>{_items(site, page.articles)}</ul></div>{more}</div>'
        )
        routes.file(page.url, _page(site, name, page.url, main, head), "section", page.articles)


def feed(site: Site, title: str, link: str, articles: list[Article]) -> str:
    names = sections(site)
    items = [
        f"""<item>
<title>{esc(a.title)}</title>
<link>{a.url}</link>
<guid>{a.url}</guid>
<pubDate>{rfc822(a.published, utc=True)}</pubDate>
{"".join(f"<category>{esc(names[c])}</category>" for c in a.categories)}
<description>{esc(a.excerpt(30))}</description>
{f'<enclosure url="{a.image}" length="0" type="image/jpeg" />' if a.image else ""}
</item>"""
        for a in articles
    ]
    copyright = "Copyright (c) 2026. RFE/RL, Inc."
    return news_feed(items, f"{title} - {SITE_NAME}", link, title, "hy", copyright=copyright)


def rssfeeds(site: Site) -> str:
    labels = _edition(site).labels
    names = {"all": labels["all_news"], **sections(site)}
    items = "".join(
        f'<li class="rss-item"><a href="{ORIGIN}/api/{code}" class="rss-item__link">{esc(names[key])}</a></li>'
        for key, code in site.setting("feeds").items()
    )
    main = f'<h1 class="pg-title">RSS</h1><ul class="rss-list">{items}</ul>'
    return _page(site, "RSS", "/rssfeeds", main, '<meta property="og:type" content="website" />\n')


def home(site: Site) -> str:
    newest = site.select("hy")[: site.setting("per_page")]
    blocks = "".join(
        f'<div class="media-block-wrap"><h2 class="section-head"><a href="/z/{sid}">{esc(name)}</a></h2>'
        f'<div class="row"><ul>{_items(site, site.select("hy", category=sid)[:1])}</ul></div></div>'
        for sid, name in sections(site).items()
    )
    main = f'<div class="media-block-wrap"><div class="row"><ul>{_items(site, newest)}</ul></div></div>{blocks}'
    head = (
        '<meta property="og:type" content="website" />\n'
        f'<meta property="og:title" content="{esc(SITE_NAME)}" />\n'
    )
    return _page(site, SITE_NAME, "/", main, head)


def not_found_page(site: Site) -> str:
    main = '<div class="error-page"><h1 class="pg-title">404</h1><p>Էջը չի գտնվել</p></div>'
    return _page(site, "404", "/404", main)


def build(site: Site) -> OutletRoutes:
    routes = OutletRoutes(site, __name__, not_found_page(site), redirect_slash=False)
    for a in site.articles:
        routes.article(a, article_page(site, a))
    routes.file("/", home(site), "home", site.articles)
    routes.file("/rssfeeds", rssfeeds(site), "rssfeeds")
    labels = _edition(site).labels
    for key, code in site.setting("feeds").items():
        if key == "all":
            title, link, articles = labels["all_news"], f"{ORIGIN}/", site.newest("hy")
        else:
            title, link = sections(site)[key], f"{ORIGIN}/z/{key}"
            articles = site.newest("hy", category=key)
        routes.file(f"/api/{code}", feed(site, title, link, articles), "feed", articles, RSS)
    for sid in sections(site):
        section(site, routes, sid)
    return routes
