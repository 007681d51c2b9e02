"""Crawl speed: our end-to-end crawl beside trafilatura's crawler and plain extraction.

Generates a mirror of several outlets (each with robots.txt, a sitemap index and its
sitemaps, an RSS feed, a home page and its articles: article HTML as heavy as real pages,
with meta tags, Open Graph, JSON-LD, inline CSS and scripts, a mega menu, body paragraphs of
generated text in English, Georgian, Armenian, Azerbaijani or Russian, teasers, ad slots and
a footer), serves it on loopback
addresses (one per outlet: 127.R.0.2, 127.R.0.3, ...; port 80 when it can be had, as
trafilatura's crawler refuses an IP address with a port) from a separate process, then measures
in one run, with politeness off for both crawlers (no delays, no autothrottle, the same
number of requests at a time):

(a) ours: `caucasus-crawler --profiles DIR crawl OUTLET...` (a generated profile per outlet,
    with the article body's CSS selector as every bundled profile has; `--generic`: without)
    into a fresh archive: articles stored per second of the whole command, and the peak
    memory of its whole process tree (the crawl and its extraction workers), sampled every
    0.1 s with psutil: the sum of the processes' RSS (shared pages counted in each process,
    so an upper bound) and of their PSS (shared pages divided among the processes sharing
    them: the memory the tree really holds);
(b) trafilatura's own crawler: `trafilatura -i HOMES --sitemap --parallel N` with a config
    file setting SLEEP_TIME = 0 (no politeness) and SSRF_PROTECTION = off (loopback), over
    the same sitemaps, text to /dev/null: pages it extracted per second of the command;
(c) the limit: `trafilatura.extract(html, url=url)` of the same pages, in one process, one
    after another (pages already in memory): pages per second of one core;
(d) the floor under ours: Scrapy fetching the same article pages with a callback that does
    nothing: its CPU time per page is what any Scrapy crawl pays before doing anything.

Run from the repository root:

    python benchmarks/crawl_speed.py              # 5 outlets, 5,000 articles (a few minutes)
    python benchmarks/crawl_speed.py --quick      # 5 outlets, 300 articles (under a minute)
    python benchmarks/crawl_speed.py --memory 100000   # ours only: peak memory over 100k URLs
    python benchmarks/crawl_speed.py --rounds 3   # (a), (b), (c) three times in turn: medians

It first prints the generated pages' median size, elements, links and plain trafilatura time
beside those of the real pages in ../shared/data (when present), then a table (with the CPU
time per article of the crawl process and of its extraction workers), then as its last line:
`pages <n> ours_pps <a> trafilatura_pps <b> extract_1core_pps <c> peak_rss_mb <m>`.
The machine should be otherwise idle: `uptime` is printed first.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it
sys.path.insert(0, str(REPO / "benchmarks"))

from export_memory import paragraphs_of  # noqa: E402  (the archive benchmarks' text)

# imported before the run, so that a checkout changing under a long run cannot mix versions
from caucasus_crawler.archive import Archive  # noqa: E402
from caucasus_crawler.extract_pool import available_cores  # noqa: E402

REGION = timezone(timedelta(hours=4))
NEWEST = datetime(2026, 10, 1, 12, 0, tzinfo=REGION)
PER_SITEMAP = 1000
FEED_ITEMS = 50
HOME_ITEMS = 30

# Outlets: name, languages, country. Each is served on its own loopback address.
OUTLETS = [
    ("bench_ge", ("ka", "en", "ru"), "GE"),
    ("bench_am", ("hy", "en", "ru"), "AM"),
    ("bench_az", ("az", "en", "ru"), "AZ"),
    ("bench_ru", ("ru",), "regional"),
    ("bench_en", ("en",), "regional"),
]
SECTIONS = {
    "en": ["Politics", "Economy", "Society", "World", "Culture", "Sports", "Opinion"],
    "ka": ["პოლიტიკა", "ეკონომიკა", "საზოგადოება", "მსოფლიო", "კულტურა", "სპორტი"],
    "hy": ["Քաղաքականություն", "Տնտեսություն", "Հասարակություն", "Աշխարհ", "Մշակույթ"],
    "az": ["Siyasət", "İqtisadiyyat", "Cəmiyyət", "Dünya", "Mədəniyyət", "İdman"],
    "ru": ["Политика", "Экономика", "Общество", "В мире", "Культура", "Спорт"],
}
AUTHORS = {
    "en": ["John Miller", "Sarah Collins", "David Brown", "Emma Wilson"],
    "ka": ["გიორგი ბერიძე", "ნინო კაპანაძე", "დავით მაისურაძე", "ანა ლომიძე"],
    "hy": ["Անի Հակոբյան", "Արամ Պետրոսյան", "Լիլիթ Սարգսյան", "Դավիթ Գրիգորյան"],
    "az": ["Elvin Məmmədov", "Aysel Hüseynova", "Rəşad Əliyev", "Günay Quliyeva"],
    "ru": ["Ирина Петрова", "Алексей Смирнов", "Ольга Иванова", "Сергей Кузнецов"],
}
RELATED = {"en": "Related", "ka": "მსგავსი", "hy": "Առնչվող", "az": "Oxşar", "ru": "Похожие"}


# -- the generated outlets ---------------------------------------------------------------------
@dataclass
class Outlet:
    name: str
    languages: tuple[str, ...]
    country: str
    host: str  # 127.R.0.N
    port: int
    articles: int  # numbered 1..articles, 1 the newest

    @property
    def origin(self) -> str:
        return f"http://{self.host}" + ("" if self.port == 80 else f":{self.port}")

    def language_of(self, number: int) -> str:
        return self.languages[number % len(self.languages)]

    def article_url(self, number: int) -> str:
        return f"{self.origin}/{self.language_of(number)}/news/{number}/"

    def published(self, number: int) -> datetime:
        return NEWEST - timedelta(minutes=37 * number)


class Pages:
    """Every page of the generated outlets, made on request from a fixed seed: the server,
    and the extraction-only measure, get the same bytes for the same URL."""

    def __init__(self, outlets: list[Outlet]):
        self.outlets = {outlet.host: outlet for outlet in outlets}
        rng = random.Random(8)
        # Each article's paragraphs are drawn word by word from its language's vocabulary, so
        # that no two articles share a passage (shared ones would be near-duplicates).
        self.vocabulary = {
            lang: sorted(
                {w.strip(".").lower() for p in paragraphs_of(lang, rng, 40) for w in p.split()}
            )
            for lang in SECTIONS
        }
        # Page furniture that real pages carry and extraction must skip, in about the amounts
        # the real pages of ../shared/data hold (`calibration` prints both: elements and links
        # match, the generated pages are a little lighter in bytes and extraction time):
        # inline styles and scripts, icons, a mega menu, teasers, ad slots, a cookie notice,
        # a newsletter form.
        self.style = "\n".join(
            f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2713 % 0xFFFFFF:06x}}}"
            for i in range(260)
        )
        self.script = "\n".join(
            f"window.dataLayer.push({{event:'e{i}',value:{i * 31},label:'widget-{i}'}});"
            for i in range(160)
        )
        self.icons = {
            name: (
                f'<svg class="icon icon-{name}" viewBox="0 0 24 24" aria-hidden="true"><g>'
                + "".join(
                    f'<path d="M{i} {i * 3 % 24}c{i % 5} 2 4-{i % 3} 8 0s2-{i % 4} 4 0"/>'
                    for i in range(3)
                )
                + "</g></svg>"
            )
            for name in ("facebook", "x", "telegram", "whatsapp", "youtube", "search", "menu")
        }
        self._furniture: dict[tuple[str, str], tuple[str, str]] = {}

    def get(self, host: str, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        outlet = self.outlets.get(host.split(":")[0])
        if outlet is None:
            return 404, "text/plain", b"no such outlet"
        if path == "/robots.txt":
            text = f"User-agent: *\nAllow: /\n\nSitemap: {outlet.origin}/sitemap_index.xml\n"
            return 200, "text/plain; charset=utf-8", text.encode()
        if path == "/sitemap_index.xml":
            return 200, "application/xml", self.sitemap_index(outlet).encode()
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            number = path[len("/sitemap-") : -len(".xml")]
            if number.isdigit():
                return 200, "application/xml", self.sitemap(outlet, int(number)).encode()
        if path == "/feed.xml":
            return 200, "application/rss+xml; charset=utf-8", self.feed(outlet).encode()
        if path == "/":
            return 200, "text/html; charset=utf-8", self.home(outlet).encode()
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[1] == "news" and parts[2].isdigit():
            number = int(parts[2])
            if 1 <= number <= outlet.articles and outlet.language_of(number) == parts[0]:
                return 200, "text/html; charset=utf-8", self.article(outlet, number).encode()
        return 404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"

    def urls(self) -> list[tuple[Outlet, int]]:
        return [(o, n) for o in self.outlets.values() for n in range(1, o.articles + 1)]

    # -- discovery ---------------------------------------------------------------------------
    def sitemap_index(self, outlet: Outlet) -> str:
        count = -(-outlet.articles // PER_SITEMAP)
        entries = "".join(
            f"<sitemap><loc>{outlet.origin}/sitemap-{i}.xml</loc></sitemap>"
            for i in range(1, count + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
            "</sitemapindex>"
        )

    def sitemap(self, outlet: Outlet, number: int) -> str:
        first = (number - 1) * PER_SITEMAP + 1
        last = min(number * PER_SITEMAP, outlet.articles)
        entries = "".join(
            f"<url><loc>{outlet.article_url(n)}</loc>"
            f"<lastmod>{outlet.published(n).isoformat()}</lastmod></url>"
            for n in range(first, last + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )

    def feed(self, outlet: Outlet) -> str:
        items = []
        for n in range(1, min(FEED_ITEMS, outlet.articles) + 1):
            title = self.title_of(outlet, n)
            when = outlet.published(n).strftime("%a, %d %b %Y %H:%M:%S %z")
            items.append(
                f"<item><title>{xml_escape(title)}</title><link>{outlet.article_url(n)}</link>"
                f"<guid>{outlet.article_url(n)}</guid><pubDate>{when}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{outlet.name}</title><link>{outlet.origin}/</link>"
            f"<description>Latest news</description>{''.join(items)}</channel></rss>"
        )

    def home(self, outlet: Outlet) -> str:
        language = outlet.languages[0]
        teasers = []
        for n in range(1, min(HOME_ITEMS, outlet.articles) + 1):
            title = self.title_of(outlet, n)
            teasers.append(
                f'<div class="teaser"><a href="{outlet.article_url(n)}">{escape(title)}</a></div>'
            )
        return (
            f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{outlet.name}</title>"
            '<meta property="og:type" content="website">'
            f'<link rel="alternate" type="application/rss+xml" href="{outlet.origin}/feed.xml">'
            f"</head><body>{self.nav(outlet, language)}<main>{''.join(teasers)}</main>"
            f"{self.footer(outlet)}</body></html>"
        )

    # -- articles ----------------------------------------------------------------------------
    def title_of(self, outlet: Outlet, number: int) -> str:
        rng = random.Random(f"title:{outlet.name}:{number}")
        words = rng.choices(self.vocabulary[outlet.language_of(number)], k=rng.randint(6, 11))
        return " ".join(words).capitalize()

    def excerpt_of(self, outlet: Outlet, number: int) -> str:
        rng = random.Random(f"excerpt:{outlet.name}:{number}")
        words = rng.choices(self.vocabulary[outlet.language_of(number)], k=rng.randint(18, 30))
        return " ".join(words).capitalize() + "…"

    def text_of(self, outlet: Outlet, number: int) -> tuple[str, list[str], random.Random]:
        """An article's title, paragraphs, and the generator for the rest of its page."""
        rng = random.Random(f"{outlet.name}:{number}")
        vocabulary = self.vocabulary[outlet.language_of(number)]
        body = [
            " ".join(rng.choices(vocabulary, k=rng.randint(40, 110))).capitalize() + "."
            for _ in range(rng.randint(4, 10))
        ]
        return self.title_of(outlet, number), body, rng

    def nav(self, outlet: Outlet, language: str) -> str:
        """The site header: logo, a mega menu (sections and their subsections), search,
        social icons; the same on every page of an edition."""
        return self.furniture(outlet, language)[0]

    def footer(self, outlet: Outlet) -> str:
        return self.furniture(outlet, outlet.languages[0])[1]

    def furniture(self, outlet: Outlet, language: str) -> tuple[str, str]:
        """(header, footer) of an edition, made once."""
        key = (outlet.name, language)
        if key not in self._furniture:
            sections = SECTIONS[language]
            menu = "".join(
                f'<li class="menu-item has-children"><a href="{outlet.origin}/{language}/'
                f'section/{i}/">{escape(name)}</a><ul class="sub-menu">'
                + "".join(
                    f'<li class="menu-item"><a href="{outlet.origin}/{language}/section/{i}/'
                    f'{j}/">{escape(sections[(i + j) % len(sections)])} {j}</a></li>'
                    for j in range(1, 4)
                )
                + "</ul></li>"
                for i, name in enumerate(sections)
            )
            social = "".join(
                f'<li><a class="social-{n}" href="https://{n}.example/{outlet.name}">'
                f"{self.icons[n]}</a></li>"
                for n in ("facebook", "x", "telegram", "youtube")
            )
            header = (
                '<div class="cookie-notice" role="dialog"><div class="inner"><p>We use cookies'
                ' to improve your experience.</p><button class="accept">OK</button>'
                '<a href="/privacy/">Privacy</a></div></div>'
                '<div class="top-bar"><div class="container"><div class="row">'
                f'<div class="date-now"><span>{NEWEST:%d.%m.%Y}</span></div>'
                f'<ul class="social">{social}</ul><div class="languages">'
                + "".join(f'<a href="{outlet.origin}/{x}/">{x}</a>' for x in outlet.languages)
                + "</div></div></div></div>"
                f'<header class="site-header"><div class="container"><div class="row">'
                f'<div class="col logo"><a class="logo" href="{outlet.origin}/">'
                f'<img src="{outlet.origin}/logo.svg" alt="{outlet.name}"></a></div>'
                f'<div class="col"><button class="menu-toggle">{self.icons["menu"]}</button>'
                f'<nav class="main-menu"><ul class="menu">{menu}</ul></nav></div>'
                '<div class="col"><form class="search" action="/search"><input name="q">'
                f'<button type="submit">{self.icons["search"]}</button></form></div>'
                "</div></div></header>"
            )
            columns = "".join(
                f'<div class="footer-col"><h4>{escape(sections[c % len(sections)])}</h4><ul>'
                + "".join(
                    f'<li><a href="{outlet.origin}/page/{c * 8 + i}/">Page {c * 8 + i}</a></li>'
                    for i in range(8)
                )
                + "</ul></div>"
                for c in range(4)
            )
            footer = (
                '<div class="newsletter"><form action="/subscribe" method="post">'
                '<label for="email">Newsletter</label><input id="email" name="email"'
                ' type="email"><button type="submit">Subscribe</button></form></div>'
                f'<footer class="site-footer"><div class="container"><div class="row">{columns}'
                f'</div><ul class="social">{social}</ul>'
                f"<p>© 2026 {outlet.name}. All rights reserved. Reproduction only with a "
                "link.</p></div></footer>"
            )
            self._furniture[key] = (header, footer)
        return self._furniture[key]

    def teasers(self, outlet: Outlet, numbers: list[int], heading: str, css: str) -> str:
        """A list of other articles: thumbnail, time, title, excerpt."""
        items = "".join(
            f'<li class="teaser teaser--{css} teaser--with-image col-12 col-md-6 col-lg-4" '
            f'data-analytics="{{&quot;block&quot;:&quot;{css}&quot;,&quot;id&quot;:{n}}}">'
            f'<div class="card"><div class="card-inner">'
            f'<a href="{outlet.article_url(n)}"><div class="thumb ratio ratio-16x9">'
            f'<img src="{outlet.origin}/images/{n}-thumb.jpg" srcset="'
            + ", ".join(f"{outlet.origin}/images/{n}-{w}w.jpg {w}w" for w in (320, 640, 960))
            + f'" sizes="(max-width: 768px) 100vw, 33vw" alt="" loading="lazy"></div>'
            f'<div class="teaser-body"><span class="time">{outlet.published(n):%H:%M}</span>'
            f"<h4>{escape(self.title_of(outlet, n))}</h4>"
            f'<p class="excerpt">{escape(self.excerpt_of(outlet, n))}</p></div></a>'
            "</div></div></li>"
            for n in numbers
        )
        return f'<section class="widget {css}"><h3>{heading}</h3><ul>{items}</ul></section>'

    @staticmethod
    def ad_slot(number: int, place: str) -> str:
        return (
            f'<div class="ad-wrapper"><div class="ad ad-{place}" data-slot="{place}-{number}">'
            '<div class="ad-label">Advertisement</div><div class="ad-inner"></div></div></div>'
        )

    def article(self, outlet: Outlet, number: int) -> str:
        title, body, rng = self.text_of(outlet, number)
        language = outlet.language_of(number)
        url = outlet.article_url(number)
        when = outlet.published(number)
        section = rng.choice(SECTIONS[language])
        author = rng.choice(AUTHORS[language])
        description = " ".join(body[0].split()[:30])
        jsonld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": when.isoformat(),
                "dateModified": when.isoformat(),
                "author": [{"@type": "Person", "name": author}],
                "articleSection": section,
                "inLanguage": language,
                "mainEntityOfPage": url,
                "image": f"{outlet.origin}/images/{number}.jpg",
                "publisher": {"@type": "Organization", "name": outlet.name},
            },
            ensure_ascii=False,
        )
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body)
        others = range(1, outlet.articles + 1)
        related = self.teasers(
            outlet, rng.sample(others, min(6, outlet.articles)), RELATED[language], "related"
        )
        latest = [n for n in range(number + 1, number + 11) if n <= outlet.articles]
        ticker = "".join(  # a news feed column, as most of the region's outlets have
            f'<li class="feed-item"><span class="time">{outlet.published(n):%H:%M}</span>'
            f'<a href="{outlet.article_url(n)}">{escape(self.title_of(outlet, n))}</a></li>'
            for n in range(max(1, number - 20), number)
        )
        sidebar = (
            f'<section class="widget news-feed"><h3>News feed</h3><ul>{ticker}</ul></section>'
            + self.ad_slot(number, "sidebar-top")
            + self.teasers(outlet, latest, "Latest", "latest")
            + self.ad_slot(number, "sidebar-middle")
            + self.teasers(
                outlet, rng.sample(others, min(8, outlet.articles)), "Popular", "popular"
            )
            + self.ad_slot(number, "sidebar-bottom")
        )
        more = self.teasers(
            outlet, rng.sample(others, min(12, outlet.articles)), escape(section), "more"
        )
        header, footer = self.furniture(outlet, language)
        share = "".join(
            f'<a class="share-{n}" href="https://{n}.example/share?u={url}">{self.icons[n]}</a>'
            for n in ("facebook", "x", "telegram", "whatsapp")
        )
        tags = "".join(
            f'<a rel="tag" href="{outlet.origin}/{language}/tag/{t}/">{escape(w.strip(".,"))}</a> '
            for t, w in enumerate(rng.sample(body[-1].split(), 3))
        )
        return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {outlet.name}</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{outlet.origin}/images/{number}.jpg">
<meta property="og:site_name" content="{outlet.name}">
<meta property="article:published_time" content="{when.isoformat()}">
<meta property="article:section" content="{escape(section)}">
<meta name="author" content="{escape(author)}">
<link rel="alternate" type="application/rss+xml" href="{outlet.origin}/feed.xml">
<link rel="stylesheet" href="{outlet.origin}/assets/site.css">
<style>{self.style}</style>
<script type="application/ld+json">{jsonld}</script>
<script>window.dataLayer=window.dataLayer||[];{self.script}</script>
</head>
<body class="single-post">
{header}
{self.ad_slot(number, "top")}
<main class="content"><div class="container"><div class="row">
<div class="col-main">
<article class="post">
<div class="breadcrumbs"><a href="{outlet.origin}/">{outlet.name}</a> /
<a href="{outlet.origin}/{language}/section/0/">{escape(section)}</a></div>
<h1 class="entry-title">{escape(title)}</h1>
<div class="entry-meta"><time datetime="{when.isoformat()}">{when:%d.%m.%Y %H:%M}</time>
<span class="byline">{escape(author)}</span></div>
<div class="share share-top">{share}</div>
<figure><img src="{outlet.origin}/images/{number}.jpg" alt=""></figure>
<div class="entry-content">{paragraphs}</div>
<div class="tags">{tags}</div>
<div class="share share-bottom">{share}</div>
</article>
{self.ad_slot(number, "below-article")}
{related}
{more}
</div>
<aside class="col-side sidebar">{sidebar}</aside>
</div></div></main>
{footer}
<script src="{outlet.origin}/assets/app.js"></script>
</body>
</html>"""


# -- the server --------------------------------------------------------------------------------
class _Http(asyncio.Protocol):
    """Just enough HTTP/1.1 for crawlers: GET and HEAD, keep-alive, no request bodies."""

    def __init__(self, answer):
        self.answer = answer
        self.buffer = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            try:
                method, target, version = lines[0].split(b" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            path = target.decode("latin-1").split("?", 1)[0]
            if path.startswith("http"):  # an absolute target
                path = "/" + path.split("/", 3)[-1]
            status, content_type, body = self.answer(headers.get(b"host", b"").decode(), path)
            close = version == b"HTTP/1.0" or headers.get(b"connection", b"").lower() == b"close"
            reason = {200: "OK", 404: "Not Found"}[status]
            self.transport.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n".encode()
                + (b"" if method == b"HEAD" else body)
            )
            if close:
                self.transport.close()
                return


def _serve(outlets: list[Outlet], sockets: list[socket.socket], ready, cache_limit: int) -> None:
    pages = Pages(outlets)
    cache: dict[tuple[str, str], tuple[int, str, bytes]] = {}
    urls = pages.urls()
    if len(urls) <= cache_limit:  # made before the crawl, so serving costs next to nothing
        for outlet, number in urls:
            path = f"/{outlet.language_of(number)}/news/{number}/"
            cache[(outlet.host, path)] = pages.get(outlet.host, path)

    def answer(host: str, path: str) -> tuple[int, str, bytes]:
        found = cache.get((host.split(":")[0], path))
        return found if found is not None else pages.get(host, path)

    async def main():
        loop = asyncio.get_running_loop()
        for sock in sockets:
            await loop.create_server(lambda: _Http(answer), sock=sock, backlog=512)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


class Mirror:
    """The generated outlets served from a child process, one loopback address each."""

    def __init__(self, outlets: int, articles: int, cache_limit: int = 20_000):
        self.sockets, hosts, port = _bind(outlets)
        per_outlet = -(-articles // outlets)
        self.outlets = [
            Outlet(name, languages, country, host, port, per_outlet)
            for host, (name, languages, country) in zip(hosts, OUTLETS * 4, strict=False)
        ]
        for i, outlet in enumerate(self.outlets[len(OUTLETS) :], start=len(OUTLETS)):
            outlet.name = f"{outlet.name}{i}"
        import multiprocessing

        context = multiprocessing.get_context("fork")  # before this process has threads
        ready = context.Event()
        self.process = context.Process(
            target=_serve, args=(self.outlets, self.sockets, ready, cache_limit), daemon=True
        )
        self.process.start()
        if not ready.wait(600):
            raise SystemExit("the generated mirror did not start")

    @property
    def articles(self) -> int:
        return sum(o.articles for o in self.outlets)

    def cpu_seconds(self) -> float:
        """CPU the serving process has spent so far: it shares the cores with the crawlers."""
        import psutil

        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)
        for sock in self.sockets:
            sock.close()


def _bind(outlets: int) -> tuple[list[socket.socket], list[str], int]:
    """Listening sockets, one per outlet, on one port at loopback addresses 127.R.0.2,
    127.R.0.3, ... (R drawn at random, so that two runs on one machine do not meet). Port 80
    where it can be had: trafilatura's URL checks refuse an IP address with a port."""
    rng = random.Random()
    for attempt in range(100):
        prefix = f"127.{rng.randint(16, 250)}.0."
        hosts = [f"{prefix}{i + 2}" for i in range(outlets)]
        port = 80 if attempt < 50 else 0
        sockets: list[socket.socket] = []
        try:
            for host in hosts:
                sockets.append(socket.create_server((host, port), backlog=512))
                port = sockets[0].getsockname()[1]
            return sockets, hosts, port
        except OSError:
            for sock in sockets:
                sock.close()
    raise SystemExit("no free port on the loopback addresses 127.*.0.2...")


def write_profiles(outlets: list[Outlet], directory: Path, body: bool = True) -> None:
    """One profile per generated outlet, as README "Adding an outlet" describes: with the
    CSS selector of the article body, as every bundled profile has (`body=False`: without,
    so that extraction takes the generic path, trafilatura over the whole page)."""
    directory.mkdir(parents=True, exist_ok=True)
    for outlet in outlets:
        origin = outlet.origin.replace(".", r"\.")
        editions = "\n".join(f'{lang} = "{outlet.origin}/{lang}/"' for lang in outlet.languages)
        (directory / f"{outlet.name}.toml").write_text(
            f'name = "{outlet.name}"\n'
            f'title = "{outlet.name}"\n'
            f'country = "{outlet.country}"\n'
            f"languages = {json.dumps(list(outlet.languages))}\n"
            f'home = "{outlet.origin}/"\n\n'
            f"[editions]\n{editions}\n\n"
            f'[start]\nfeeds = ["{outlet.origin}/feed.xml"]\n\n'
            f"[urls]\narticle = ['^{origin}/(?:{'|'.join(outlet.languages)})/news/\\d+/$']\n"
            + ('\n[extract]\nbody = "div.entry-content"\n' if body else ""),
            encoding="utf-8",
        )


# -- measuring ---------------------------------------------------------------------------------
@dataclass
class Run:
    label: str
    pages: int
    seconds: float
    cpu_seconds: float | None = None
    peak_rss_mb: float | None = None
    peak_pss_mb: float | None = None
    note: str = ""

    @property
    def pps(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


class TreeMemory:
    """Peak memory of a process and all its descendants.

    The sampler shares the two cores with what it measures, so it keeps its own cost low:
    RSS every `interval` s (psutil's memory_info, /proc/PID/statm: 0.02 ms a process);
    PSS and the list of processes every `slow_interval` s, since smaps_rollup costs about
    5.5 ms a process here and the recursive children lookup 1.6 ms. Sampled every 0.1 s,
    they took a quarter of a core from a crawl of four processes."""

    def __init__(self, pid: int, interval: float = 0.1, slow_interval: float = 1.0):
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.slow_every = max(1, round(slow_interval / interval))
        self.peak_rss = self.peak_pss = 0
        self.peak_root_rss = 0  # the crawl's own process, without its workers
        self.peak_processes = 0
        # CPU seconds per process, last seen (a process's own count only grows): the crawl's
        # thread and its extraction workers apart, so the note can say which one limits
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        psutil = self.psutil
        tree: list = []
        for tick in itertools.count():
            if self._stop.is_set():
                break
            slow = tick % self.slow_every == 0
            if slow:
                try:
                    tree = [self.root, *self.root.children(recursive=True)]
                except psutil.Error:
                    break
            rss = pss = 0
            for process in tree:
                try:
                    info = process.memory_full_info() if slow else process.memory_info()
                    times = process.cpu_times()  # /proc/PID/stat, cheap
                    self.cpu[process.pid] = times.user + times.system
                except psutil.Error:  # ended meanwhile
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                if process.pid == self.root.pid:
                    self.peak_root_rss = max(self.peak_root_rss, info.rss)
            self.peak_rss = max(self.peak_rss, rss)
            if slow:
                self.peak_pss = max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(tree))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(
    command: list[str], log: Path, memory: bool, timeout: float, stderr: Path | None = None
) -> tuple[float, float, TreeMemory]:
    """Run a command (output to `log`, errors too unless `stderr` names a file): (wall
    seconds, CPU seconds of its process tree, the memory sampler). A command still running
    after `timeout` seconds is killed."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with open(log, "wb") as out, open(stderr or os.devnull, "wb") as err:
        errors = err if stderr else subprocess.STDOUT
        process = subprocess.Popen(command, stdout=out, stderr=errors, env=_env())
        sampler = TreeMemory(process.pid) if memory else None
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
            raise SystemExit(f"{' '.join(command)} did not finish in {timeout:.0f} s") from None
    seconds = time.monotonic() - started
    if sampler:
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if code != 0:
        tail = (stderr or log).read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(command)} exited {code}:\n{tail}")
    return seconds, cpu, sampler


def _env() -> dict:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}


def _patience(pages: int) -> float:
    """Seconds a crawler may take before it is taken to be stuck: 5 pages a second."""
    return 120 + pages / 5


def ours(
    mirror: Mirror,
    work: Path,
    concurrency: int,
    processes: int | None,
    profile: bool = False,
    generic: bool = False,
) -> Run:
    """(a) `caucasus-crawler crawl` of every generated outlet into a fresh archive."""
    profiles = work / "profiles"
    write_profiles(mirror.outlets, profiles, body=not generic)
    db = work / "ours.db"
    for stale in work.glob("ours.db*"):
        stale.unlink()
    per_crawler = max(1, -(-concurrency // len(mirror.outlets)))
    settings = {
        "ALLOW_PRIVATE_ADDRESSES": "True",  # the outlets are on loopback addresses
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        # every outlet is a crawler of its own: N requests at a time in all, as trafilatura
        "CONCURRENT_REQUESTS": str(per_crawler),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(per_crawler),
    }
    if processes is not None:
        settings["EXTRACT_PROCESSES"] = str(processes)
    command = [sys.executable, "-m", "caucasus_crawler.cli", "--profiles", str(profiles)]
    command += ["crawl", *(o.name for o in mirror.outlets), "--db", str(db)]
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    if profile:  # py-spy samples the crawl and its workers: collapsed stacks, per process
        out = work / "ours.py-spy.txt"
        command = ["py-spy", "record", "--subprocesses", "--format", "raw", "--rate", "50",
                   "--output", str(out), "--", *command]  # fmt: skip
    mirror_cpu = mirror.cpu_seconds()
    seconds, cpu, memory = run_measured(
        command, work / "ours.log", memory=True, timeout=_patience(mirror.articles)
    )
    mirror_cpu = mirror.cpu_seconds() - mirror_cpu
    with Archive(db) as archive:
        stored = archive.db["articles"].count
        failed = archive.db.execute("SELECT count(*) FROM pages WHERE outcome = 'failed'")
        failed = failed.fetchone()[0]
    note = f"{stored} stored, {failed} failed" + (
        "" if stored == mirror.articles else f" (of {mirror.articles}!)"
    )
    note += f"; crawl process alone {memory.peak_root_rss / 2**20:.0f} MB RSS"
    crawl_cpu = memory.cpu.get(memory.root.pid, 0.0)
    others_cpu = sum(memory.cpu.values()) - crawl_cpu
    if stored:
        note += (
            f"; CPU per article: crawl process {crawl_cpu / stored * 1000:.1f} ms, "
            f"workers {others_cpu / stored * 1000:.1f} ms, the mirror serving "
            f"{mirror_cpu / stored * 1000:.1f} ms"
        )
    return Run(
        f"ours: crawl, {_processes_label(processes)}" + (", generic" if generic else ""),
        stored,
        seconds,
        cpu,
        memory.peak_rss / 2**20,
        memory.peak_pss / 2**20,
        note,
    )


def _processes_label(processes: int | None) -> str:
    if processes == 0:
        return "EXTRACT_PROCESSES=0"
    return f"{processes or available_cores()} extraction processes"


def trafilatura_crawler(mirror: Mirror, work: Path, concurrency: int) -> Run:
    """(b) trafilatura's command-line crawler over the same sitemaps, not polite either."""
    from trafilatura.settings import use_config

    config = use_config()
    config["DEFAULT"]["SLEEP_TIME"] = "0"
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"  # the outlets are on loopback addresses
    config_file = work / "trafilatura.cfg"
    with open(config_file, "w") as f:
        config.write(f)
    homes = work / "homes.txt"
    homes.write_text("".join(f"{o.origin}/\n" for o in mirror.outlets))
    out = work / "trafilatura-out"
    shutil.rmtree(out, ignore_errors=True)
    executable = shutil.which("trafilatura") or "trafilatura"
    common = ["--parallel", str(concurrency), "--config-file", str(config_file)]
    # Two steps: with `--sitemap` alone, trafilatura keeps its URLs in courlan's compressed
    # UrlStore, whose get_url (courlan 1.4.0) never marks a URL visited: it fetches the first
    # one forever. So its sitemap search lists the URLs, then it fetches and extracts them.
    urls = work / "trafilatura-urls.txt"
    mirror_cpu = mirror.cpu_seconds()
    listing = [executable, "-i", str(homes), "--sitemap", "--list", *common]
    seconds, cpu, memory = run_measured(
        listing, urls, memory=True, timeout=_patience(mirror.articles), stderr=work / "t.log"
    )
    found = sum(1 for line in urls.read_text().splitlines() if line.strip())
    crawl = [executable, "-i", str(urls), *common, "-o", str(out)]
    more_seconds, more_cpu, more_memory = run_measured(
        crawl, work / "trafilatura.log", memory=True, timeout=_patience(mirror.articles)
    )
    extracted = sum(1 for _ in out.rglob("*.txt")) if out.exists() else 0
    mirror_cpu = mirror.cpu_seconds() - mirror_cpu
    return Run(
        f"trafilatura --sitemap --list; -i, --parallel {concurrency}",
        extracted,
        seconds + more_seconds,
        cpu + more_cpu,
        max(memory.peak_rss, more_memory.peak_rss) / 2**20,
        max(memory.peak_pss, more_memory.peak_pss) / 2**20,
        f"{found} URLs from the sitemaps in {seconds:.1f} s, {extracted} extracted; "
        f"CPU per page: the mirror serving {mirror_cpu / max(1, extracted) * 1000:.1f} ms",
    )


REAL_PAGES = REPO.parent / "shared" / "data" / "dates-dev" / "html"


def _page_shape(html: bytes) -> tuple[int, int, int, float]:
    """(bytes, elements, links, trafilatura.extract milliseconds) of one page."""
    import lxml.html
    import trafilatura

    tree = lxml.html.fromstring(html)
    started = time.process_time()
    trafilatura.extract(html)
    seconds = time.process_time() - started
    return len(html), sum(1 for _ in tree.iter()), len(tree.findall(".//a")), seconds * 1000


def calibration(mirror: Mirror, sample: int = 100) -> str:
    """The generated article pages beside the real ones of ../shared/data (when there):
    medians of size, elements, links and plain trafilatura's time, so a reader can tell
    whether the generated pages weigh what real ones do."""
    from statistics import median

    def spread(items: list) -> list:  # `sample` items from all over the list
        return items[:: max(1, len(items) // sample)][:sample]

    pages = Pages(mirror.outlets)
    urls = spread(pages.urls())
    generated = [_page_shape(pages.article(outlet, number).encode()) for outlet, number in urls]

    def line(name: str, shapes: list[tuple]) -> str:
        size, elements, links, ms = (median(column) for column in zip(*shapes, strict=True))
        return (
            f"{name}: median {size / 1000:.0f} kB, {elements:.0f} elements, {links:.0f} links, "
            f"trafilatura.extract {ms:.1f} ms ({len(shapes)} pages)"
        )

    lines = [line("generated pages", generated)]
    if REAL_PAGES.is_dir():
        import gzip

        files = spread(sorted(REAL_PAGES.glob("*.html.gz")))
        real = [_page_shape(gzip.decompress(f.read_bytes())) for f in files]
        lines.append(line("real pages (../shared/data/dates-dev)", real))
    else:
        lines.append("real pages: ../shared/data/dates-dev not here, no comparison")
    return "\n".join(lines)


def extract_one_core(mirror: Mirror) -> Run:
    """(c) trafilatura.extract of the same pages, one after another in this process."""
    pages = Pages(mirror.outlets)
    documents = []
    for outlet, number in pages.urls():
        path = f"/{outlet.language_of(number)}/news/{number}/"
        documents.append((outlet.article_url(number), pages.get(outlet.host, path)[2]))
    seconds, cpu_seconds, extracted = trafilatura_one_core(documents)
    return Run(
        "limit: trafilatura.extract, 1 process",
        len(documents),
        seconds,
        cpu_seconds,
        note=f"{extracted} extracted",
    )


def trafilatura_one_core(documents: list[tuple[str, bytes]]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, pages extracted) of trafilatura.extract over the pages,
    one after another in this process (import_speed.py measures the same)."""
    import trafilatura

    for url, html in documents[:3]:  # imports and caches warmed
        trafilatura.extract(html.decode("utf-8"), url=url)
    extracted = 0
    cpu_started = time.process_time()
    started = time.monotonic()
    for url, html in documents:
        # decoded here as the crawlers decode what they fetch
        if trafilatura.extract(html.decode("utf-8"), url=url):
            extracted += 1
    return time.monotonic() - started, time.process_time() - cpu_started, extracted


def scrapy_alone(mirror: Mirror, concurrency: int) -> Run:
    """(d) the floor under ours: Scrapy fetching the same article pages with a callback that
    does nothing (no robots.txt, no sitemaps: the URLs are given), in this process, last."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = [o.article_url(n) for o in mirror.outlets for n in range(1, o.articles + 1)]
    fetched = []

    class Nothing(scrapy.Spider):
        name = "nothing"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse)

        def parse(self, response):
            fetched.append(len(response.body))

    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "COOKIES_ENABLED": False,
        }
    )
    process.crawl(Nothing)
    cpu_started, started = time.process_time(), time.monotonic()
    process.start()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu_started
    return Run(
        "floor: Scrapy alone, a callback doing nothing",
        len(fetched),
        seconds,
        cpu,
        note=f"CPU per page {cpu / max(1, len(fetched)) * 1000:.1f} ms",
    )


# -- the run -----------------------------------------------------------------------------------
def median_run(runs: list[Run]) -> Run:
    """The run of median speed (the lower middle of an even count), with the highest peak
    memory of them all."""
    middle = sorted(runs, key=lambda run: run.pps)[(len(runs) - 1) // 2]
    peaks = [run.peak_rss_mb for run in runs if run.peak_rss_mb]
    pss = [run.peak_pss_mb for run in runs if run.peak_pss_mb]
    return replace(
        middle,
        peak_rss_mb=max(peaks) if peaks else None,
        peak_pss_mb=max(pss) if pss else None,
    )


def print_table(runs: list[Run]) -> None:
    print(
        f"{'tool':<52} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'cores':>6} "
        f"{'peak RSS':>9} {'peak PSS':>9}  note"
    )
    for run in runs:
        cores = f"{run.cpu_seconds / run.seconds:.2f}" if run.cpu_seconds else "-"
        rss = f"{run.peak_rss_mb:.0f} MB" if run.peak_rss_mb else "-"
        pss = f"{run.peak_pss_mb:.0f} MB" if run.peak_pss_mb else "-"
        print(
            f"{run.label:<52} {run.pages:>7} {run.seconds:>8.1f} {run.pps:>8.1f} {cores:>6} "
            f"{rss:>9} {pss:>9}  {run.note}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 articles: under a minute")
    parser.add_argument("--articles", type=int, default=5000, help="article pages in all")
    parser.add_argument("--outlets", type=int, default=len(OUTLETS), help="generated outlets")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="requests at a time, for both crawlers"
    )
    parser.add_argument(
        "--processes", type=int, help="EXTRACT_PROCESSES for ours (default: one per core)"
    )
    parser.add_argument(
        "--memory",
        type=int,
        metavar="URLS",
        help="only ours, over this many article URLs: its peak memory (e.g. 100000)",
    )
    parser.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure ours, trafilatura and plain extraction this many times, taking turns, "
        "and report each one's median: a machine whose speed drifts then favours none",
    )
    parser.add_argument(
        "--only",
        choices=["ours", "trafilatura", "extract", "scrapy"],
        help="run just this measure",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample our crawl with py-spy (collapsed stacks in the work directory)",
    )
    parser.add_argument(
        "--generic",
        action="store_true",
        help="ours without the profiles' body selector: trafilatura over the whole page",
    )
    args = parser.parse_args()
    articles = args.memory or (300 if args.quick else args.articles)
    if args.outlets < 1 or articles < args.outlets:
        parser.error("give at least one article per outlet")

    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores; {uptime}")
    work = args.dir or Path(tempfile.mkdtemp(prefix="caucasus-crawl-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    mirror = Mirror(args.outlets, articles, cache_limit=0 if args.memory else 20_000)
    print(
        f"mirror: {mirror.articles} article pages over {len(mirror.outlets)} outlets "
        f"({mirror.outlets[0].host}-{len(mirror.outlets) + 1}, port {mirror.outlets[0].port}), "
        f"made in {time.monotonic() - started:.1f} s; work directory {work}",
        flush=True,
    )
    if not args.memory and args.only is None:
        print(calibration(mirror), flush=True)
    measures: list[list[Run]] = []  # per measure, its run in each round
    try:
        for number in range(1, max(1, args.rounds) + 1):
            this_round = []
            if args.only in (None, "ours"):
                this_round.append(
                    ours(mirror, work, args.concurrency, args.processes, args.profile, args.generic)
                )
            if not args.memory and args.only in (None, "trafilatura"):
                this_round.append(trafilatura_crawler(mirror, work, args.concurrency))
            if not args.memory and args.only in (None, "extract"):
                this_round.append(extract_one_core(mirror))
            if not measures:
                measures = [[] for _ in this_round]
            for runs_of_measure, run in zip(measures, this_round, strict=True):
                runs_of_measure.append(run)
            if args.rounds > 1:
                print(f"round {number} of {args.rounds}:")
                print_table(this_round)
        if not args.memory and args.only in (None, "scrapy"):  # last: it runs the reactor here
            measures.append([scrapy_alone(mirror, args.concurrency)])
    finally:
        mirror.stop()
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    runs = [median_run(runs_of_measure) for runs_of_measure in measures]
    if args.rounds > 1:
        print(f"medians of {args.rounds} rounds (peak memory: the highest of any round):")
    print_table(runs)
    if args.only:
        return 0
    first = runs[0]
    if args.memory:
        print(
            f"urls {mirror.articles} ours_pps {first.pps:.1f} peak_rss_mb {first.peak_rss_mb:.0f}"
            f" peak_pss_mb {first.peak_pss_mb:.0f}"
        )
        return 0
    print(
        f"pages {mirror.articles} ours_pps {first.pps:.1f} trafilatura_pps {runs[1].pps:.1f} "
        f"extract_1core_pps {runs[2].pps:.1f} peak_rss_mb {first.peak_rss_mb:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
