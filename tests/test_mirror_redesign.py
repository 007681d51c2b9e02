"""The mirror's redesigned sites (mirror/redesign.py), over real HTTP: the same articles under
other URLs and class names, so that a profile written for the old site no longer fits, while
nothing on the new site leads to a page that is gone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from mirror_client import Page, fetch
from protego import Protego

from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import SITES_DIR, MirrorDataError, load_sites, route_key
from caucasus_crawler.mirror.outlets import build_routes
from caucasus_crawler.mirror.redesign import redesign, rename_class
from caucasus_crawler.profiles import Profile, load_profiles, profile_for_url

HOSTS = sorted(p.name for p in SITES_DIR.iterdir() if (p / "site.toml").is_file())
REFERENCE_URL = "https://civil.ge/archives/626112"
FEED_TYPES = ("application/rss+xml", "application/atom+xml")


@pytest.fixture(scope="module")
def plain():
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def mirror():
    """Every site redesigned."""
    with MirrorServer(redesigned=HOSTS) as server:
        yield server


@pytest.fixture(scope="module")
def sites():
    return {site.host: site for site in load_sites()}


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def profile_of(profiles: dict[str, Profile], host: str) -> Profile:
    profile = profile_for_url(f"https://{host}/", profiles.values())
    assert profile is not None, f"no profile owns {host}"
    return profile


def same_site(url: str, host: str) -> bool:
    return (urlsplit(url).hostname or "").removeprefix("www.") == host


def home(mirror: MirrorServer, host: str) -> Page:
    page = fetch(mirror, f"https://{host}/", follow=True)
    assert page.status == 200, f"{host}'s home page answers {page.status}"
    return page


def visible_text(page: Page) -> str:
    """What a reader sees of the page body: its text outside scripts and styles."""
    texts = page.tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join(" ".join(texts).split())


def linked(page: Page, host: str) -> set[str]:
    """The URLs on `host` that the page's <a> and <link> elements lead to (no fragments)."""
    hrefs = page.tree.xpath("//a/@href | //link/@href")
    urls = {urljoin(page.url, h.strip()).partition("#")[0] for h in hrefs if h.strip()}
    return {u for u in urls if same_site(u, host)}


def feed_links(page: Page) -> list[str]:
    root = ET.fromstring(page.body)
    atom = "{http://www.w3.org/2005/Atom}"
    rss = [i.findtext("link") for i in root.iter("item")]
    entries = [e.find(f"{atom}link").get("href") for e in root.iter(f"{atom}entry")]
    return [u.strip() for u in [*rss, *entries] if u]


def sitemap_locs(mirror: MirrorServer, url: str, seen: set[str]) -> set[str]:
    """The page URLs a sitemap lists, through sitemap indexes; each sitemap must answer 200."""
    if url in seen:
        return set()
    seen.add(url)
    page = fetch(mirror, url)
    assert page.status == 200, f"sitemap {url} answers {page.status}"
    root = ET.fromstring(page.body)
    locs = {e.text.strip() for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    if root.tag.endswith("sitemapindex"):
        return set().union(*(sitemap_locs(mirror, loc, seen) for loc in locs))
    return locs


# -- every site, redesigned ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_old_urls_answer_404(mirror, plain, sites, profiles, host):
    moved = mirror.url_map(host)
    assert moved, f"nothing of {host} moved"
    profile = profile_of(profiles, host)
    starts = [*profile.feeds, *profile.listings, *profile.sitemaps]
    starts += [u.replace("{page}", "1") for u in profile.json_listings]
    robots = fetch(plain, f"https://{host}/robots.txt").text
    starts += re.findall(r"(?im)^sitemap:\s*(\S+)", robots)
    olds = {a.url for a in sites[host].articles} | set(moved)
    olds |= {u for u in starts if same_site(u, host) and urlsplit(u).path not in ("", "/")}
    for url in sorted(olds):
        assert fetch(mirror, url).status == 404, f"{url} still answers on redesigned {host}"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_articles_keep_their_words_at_new_urls(mirror, plain, sites, host):
    news = mirror.article_urls(host)
    olds = [a.url for a in sites[host].articles]
    assert len(news) == len(olds) == len(set(news))
    assert [mirror.redesigned_url(u) for u in olds] == news
    for old_url, new_url in zip(olds, news, strict=True):
        assert urlsplit(new_url).path != urlsplit(old_url).path
        old, new = fetch(plain, old_url), fetch(mirror, new_url)
        assert new.status == 200, f"{new_url} ({old_url}) answers {new.status}"
        for path in ("//title", "//h1"):
            assert [e.text_content() for e in new.tree.xpath(path)] == [
                e.text_content() for e in old.tree.xpath(path)
            ], f"{path} differs on {new_url}"
        assert visible_text(new) == visible_text(old), f"the text of {new_url} changed"
        assert new.headers["Last-Modified"] == old.headers["Last-Modified"]


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_the_old_profile_fits_no_more(mirror, plain, sites, profiles, host):
    profile = profile_of(profiles, host)
    every_pattern = [p for other in profiles.values() for p in other.article_urls]
    news = mirror.article_urls(host)
    for url in news:
        matching = [p.pattern for p in every_pattern if p.search(url)]
        assert not matching, f"{url} is still matched by {matching}"
    rules = profile.extract
    selectors = [s for s in (rules.body, rules.date, rules.categories) if s] + [*rules.remove]
    for url in news[:3] + news[-2:]:
        tree = fetch(mirror, url).tree
        for selector in selectors:
            assert not tree.cssselect(selector), f"{selector!r} still matches on {url}"
    if rules.body:  # the selector fitted the old site: its failing now is the redesign's doing
        assert fetch(plain, sites[host].articles[0].url).tree.cssselect(rules.body)
    if profile.next_page:
        listings = [u for u in mirror.url_map(host).values() if "/section" in u][:6]
        for url in [f"https://{host}/", *listings]:
            page = fetch(mirror, url, follow=True)
            assert not page.tree.cssselect(profile.next_page), f"next_page matches on {url}"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_home_page_announces_feeds_of_new_urls(mirror, plain, host):
    page = home(mirror, host)
    feeds = [
        urljoin(page.url, link.get("href"))
        for link in page.tree.xpath("//head/link[@rel='alternate']")
        if link.get("type") in FEED_TYPES
    ]
    assert feeds, f"{host}'s home page announces no feed"
    articles = set(mirror.article_urls(host))
    old_urls = {new: old for old, new in mirror.url_map(host).items()}
    listed: set[str] = set()
    for url in feeds:
        assert mirror.redesigned_url(url) == url  # a new URL, not an old one
        feed = fetch(mirror, url)
        if feed.status != 200:  # georgiatoday.ge's home announces its broken /feed/
            assert fetch(plain, old_urls[url]).status == feed.status, url
            continue
        links = feed_links(feed)
        moved = set(mirror.url_map(host))
        assert not [u for u in links if u in moved], f"{url} lists old URLs"
        listed |= set(links) & articles
    assert listed, f"no feed of {host} lists a new article URL"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_robots_txt_names_sitemaps_of_every_article(mirror, host):
    robots = fetch(mirror, f"https://{host}/robots.txt")
    assert robots.status == 200
    named = re.findall(r"(?im)^sitemap:\s*(\S+)", robots.text)
    assert named, f"{host}'s robots.txt names no sitemap"
    listed: set[str] = set()
    seen: set[str] = set()
    for url in named:
        listed |= sitemap_locs(mirror, url, seen)
    missing = set(mirror.article_urls(host)) - listed
    assert not missing, f"no sitemap of {host} lists {sorted(missing)[:3]}"
    assert not listed & set(mirror.url_map(host)), f"a sitemap of {host} lists old URLs"
    parser = Protego.parse(robots.text)  # Scrapy's robots.txt parser
    for url in [*mirror.article_urls(host), *named]:
        assert parser.can_fetch(url, "caucasus-crawler"), f"robots.txt forbids {url}"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_no_page_links_to_a_page_that_is_gone(mirror, plain, host):
    """Links of a few pages: a link that answers 404 did so before the redesign too (civil.ge
    links a deleted post, themes link assets the mirror does not serve)."""
    news = mirror.article_urls(host)
    listings = sorted(u for u in mirror.url_map(host).values() if "/section" in u)
    pages = [home(mirror, host)] + [fetch(mirror, u) for u in [news[0], news[-1], *listings[:1]]]
    moved = set(mirror.url_map(host))
    routes = {key for key, _ in mirror.redesign_of(host).routes}
    for page in pages:
        assert page.status == 200, f"{page.url} answers {page.status}"
        head = page.tree.find("head")
        assert any(link.get("type") in FEED_TYPES for link in head.iter("link")), page.url
        for url in sorted(linked(page, host)):
            assert url not in moved, f"{page.url} links the old {url}"
            if fetch(mirror, url, method="HEAD").status == 404:
                assert fetch(plain, url, method="HEAD").status == 404, f"{page.url} -> {url}"
            elif urlsplit(url).query:  # a query the site ignores would be an old one: ?page=2
                parts = urlsplit(url)
                assert route_key(parts.path, parts.query) in routes, f"{page.url} -> {url}"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_every_response_says_new_urls_only(mirror, sites, host):
    """No response of the site (page, feed, sitemap, JSON, robots.txt, header) names an old
    URL of the site or keeps a class name of the old one; feeds, sitemaps and JSON parse."""
    found = mirror.redesign_of(host)
    site_url = re.compile(
        rf"(?:https?:)?//(?:www\.)?{re.escape(host)}(/[^\s\"'<>\\\]]*)", re.IGNORECASE
    )
    for key, resource in found.routes:
        if resource.status == 200 and resource.body.startswith(b"<?xml"):
            ET.fromstring(resource.body)  # feeds and sitemaps still parse
        if "json" in resource.content_type:
            json.loads(resource.body)
        text = resource.body.decode("utf-8", "replace") + repr(resource.headers)
        for m in site_url.finditer(text):
            path = m.group(1).replace("&amp;", "&").partition("#")[0]
            assert route_key(*path.partition("?")[::2]) not in found.moved, (key, m.group(0))
        if resource.content_type.startswith("text/html"):
            classes = re.findall(r"""\sclass=["']([^"']*)["']""", text)
            assert all(c.startswith("rd-") for v in classes for c in v.split()), key


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_moved_pages_answer_as_before(mirror, sites, host):
    """Each moved URL's new URL answers what the old one did (a redirect: to the new URL of
    its old target), and listings link their further pages with rel=next."""
    rd = mirror.redesign_of(host)
    before = dict(build_routes(sites[host]))
    for old, new in rd.moved.items():
        was = before[old]
        now = rd.routes.resolve(*new.partition("?")[::2])
        assert now is not None and now.status == was.status, (old, new)
        if 300 <= was.status < 400:
            target = urljoin(f"https://{host}/", dict(was.headers)["Location"])
            assert dict(now.headers)["Location"] == mirror.redesigned_url(target)
    later = {
        rd.url(new)
        for new in rd.moved.values()
        if new.startswith("/section") and re.search(r"[?&]pg=([2-9]|\d\d)", new)
    }
    nexts = set()
    for key, resource in rd.routes:
        if resource.content_type.startswith("text/html") and resource.status == 200:
            tree = lxml_html.fromstring(resource.body)
            hrefs = tree.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href")
            nexts |= {urljoin(rd.url(key), h) for h in hrefs}
    assert later <= nexts, f"no page links {sorted(later - nexts)[:3]} as its next"


# -- the server's part ---------------------------------------------------------------------------


@pytest.mark.slow
def test_nothing_is_redesigned_unless_asked(plain):
    assert plain.redesigned == () and plain.url_map("civil.ge") == {}
    assert plain.redesigned_url(REFERENCE_URL) == REFERENCE_URL
    assert plain.article_urls("civil.ge")[-1].startswith("https://civil.ge/")
    assert fetch(plain, REFERENCE_URL).status == 200


@pytest.mark.slow
def test_one_site_redesigned_leaves_the_others_alone(plain):
    with MirrorServer(redesigned=("WWW.Civil.GE",)) as one:
        assert one.redesigned == ("civil.ge",)
        new = one.redesigned_url(REFERENCE_URL)
        assert new == "https://civil.ge/en/story/2024/09/04/626112"
        assert fetch(one, new).status == 200 and fetch(one, REFERENCE_URL).status == 404
        assert fetch(one, "https://civil.ge/?p=626112").status == 404  # the old shortlink too
        assert fetch(one, "https://civil.ge/?p=626112&utm_source=x").status == 404
        assert fetch(one, "https://civil.ge/?utm_source=x").status == 200  # the home stays
        other = "https://news.am/eng/news/912406.html"
        assert fetch(one, other).body == fetch(plain, other).body
        assert one.redesigned_url(other) == other


@pytest.mark.slow
def test_unknown_host_is_a_one_line_error():
    with pytest.raises(MirrorDataError, match=r"^cannot redesign 'nowhere\.example': [^\n]*$"):
        MirrorServer(redesigned=("civil.ge", "nowhere.example"))
    result = subprocess.run(
        [sys.executable, "-m", "caucasus_crawler.mirror", "--port", "0", "--redesign", "nope.ge"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: cannot redesign 'nope.ge': the mirror has no such site"
    ]


@pytest.mark.slow
def test_module_entry_serves_a_redesigned_site():
    process = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.mirror", "--port", "0", "--redesign", "oxu.az"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        address = re.search(r"http://([\d.]+:\d+)/", process.stdout.readline()).group(1)
        assert process.stdout.readline().strip() == "Redesigned: oxu.az"
        host, port = address.split(":")
        running = SimpleNamespace(host=host, port=int(port))  # what fetch needs of a mirror
        robots = fetch(running, "https://oxu.az/robots.txt")
        assert robots.status == 200 and "Sitemap: https://oxu.az/site-maps/" in robots.text
        assert fetch(running, "https://oxu.az/sitemap.xml").status == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_add_page_and_remove_page_on_a_redesigned_site():
    with MirrorServer(redesigned=("civil.ge",)) as server:
        new = server.redesigned_url(REFERENCE_URL)
        server.remove_page(REFERENCE_URL)  # the old URL names the page: both answer 404
        assert fetch(server, new).status == 404
        server.add_page(new, "<html><body><h1>Back</h1></body></html>")
        assert fetch(server, new).tree.findtext(".//h1") == "Back"
        server.add_page(REFERENCE_URL, "<html><body><h1>Old</h1></body></html>")
        assert fetch(server, REFERENCE_URL).tree.findtext(".//h1") == "Old"


@pytest.mark.slow
def test_classes_are_renamed_with_their_words_kept(mirror, plain):
    assert rename_class("news-related") == "rd-news-related__x"
    old = fetch(plain, "https://civil.ge/archives/626112").tree
    new = fetch(mirror, mirror.redesigned_url(REFERENCE_URL)).tree
    assert old.cssselect("div.entry-content") and not new.cssselect("div.entry-content")
    assert len(new.cssselect("div.rd-entry-content__x")) == 1
    assert len(new.xpath("//*[@id]")) == len(old.xpath("//*[@id]"))
    # semantic markup stays: rel, itemprop, <meta>, JSON-LD
    for path in ("//meta/@property", "//*/@rel", "//script[@type='application/ld+json']"):
        assert len(new.xpath(path)) >= len(old.xpath(path)) > 0, path


@pytest.mark.slow
def test_redesign_is_deterministic_and_quick(sites):
    site = sites["civil.ge"]  # the largest site
    routes = build_routes(site)
    started = time.perf_counter()
    first = redesign(site, routes)
    took = time.perf_counter() - started
    second = redesign(site, build_routes(site))
    assert first.moved == second.moved
    assert {k: r.body for k, r in first.routes} == {k: r.body for k, r in second.routes}
    assert took < 3, f"redesigning civil.ge took {took:.1f} s"
