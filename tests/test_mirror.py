"""The bundled mirror, over real HTTP on 127.0.0.1: virtual hosting, the reference article,
feeds, sitemaps, listings and their pagination, redirects, 404s and the test overlay."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from conftest import REAL_PAGES, REFERENCE_TITLE, reference_paragraphs, shared_file
from lxml import html as lxml_html
from mirror_client import Page, fetch, follow

from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import SITES_DIR, load_sites
from caucasus_crawler.profiles import load_profiles

REFERENCE_URL = "https://civil.ge/archives/626112"
REFERENCE_PUBLISHED = "2024-09-04T13:27:41+04:00"
DEAD_LINK = "https://civil.ge/archives/600013"  # a removed post the "Most Read" widget links
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


@pytest.fixture()
def fresh_mirror():
    """A mirror of its own, for tests that change the overlay."""
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def sites():
    return {site.host: site for site in load_sites()}


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def feed_items(page: Page) -> list[ET.Element]:
    root = ET.fromstring(page.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.findall("./channel/item")


# -- the server --------------------------------------------------------------------------------


@pytest.mark.slow
def test_server_reports_its_address_and_hosts(mirror):
    assert {"civil.ge", "news.am", "report.az"} <= set(mirror.hosts)
    assert set(mirror.hosts) == {p.name for p in SITES_DIR.iterdir() if p.is_dir()}
    assert mirror.address == f"127.0.0.1:{mirror.port}" and mirror.port > 0


@pytest.mark.slow
def test_host_header_chooses_the_site(mirror):
    civil = fetch(mirror, "https://civil.ge/robots.txt")
    news = fetch(mirror, "https://news.am/robots.txt")
    assert civil.status == news.status == 200
    assert "Sitemap: https://civil.ge/sitemap-index-1.xml" in civil.text
    assert "Sitemap" not in news.text
    # port, case and www. do not matter
    for host in ("www.civil.ge", "CIVIL.GE", "civil.ge:443", "www.civil.ge:80"):
        assert fetch(mirror, "https://civil.ge/robots.txt", host=host).body == civil.body
    unknown = fetch(mirror, "https://example.org/robots.txt")
    assert unknown.status == 404 and "text/html" in unknown.content_type


@pytest.mark.slow
def test_browsing_by_path_keeps_links_on_the_mirror(mirror):
    local = f"127.0.0.1:{mirror.port}"
    index = fetch(mirror, f"http://{local}/")
    assert index.status == 200
    assert set(index.tree.xpath("//a/@href")) == {f"/{host}/" for host in mirror.hosts}

    page = fetch(mirror, f"http://{local}/civil.ge/archives/626112")
    assert page.status == 200
    assert page.tree.findtext(".//h1") == REFERENCE_TITLE
    assert page.tree.xpath('//link[@rel="canonical"]/@href') == [
        f"http://{local}/civil.ge/archives/626112"
    ]
    assert "https://civil.ge/" not in page.text  # every link to the site rewritten

    news = fetch(mirror, f"http://{local}/news.am/eng/news/912406.html")  # root-relative links
    assert news.status == 200
    assert "/news.am/eng/news/allregions/allthemes/" in news.tree.xpath("//a/@href")

    moved = fetch(mirror, f"http://{local}/civil.ge/?p=626112")
    assert moved.status == 301
    assert moved.headers["Location"] == f"http://{local}/civil.ge/archives/626112"
    assert fetch(mirror, f"http://{local}/nowhere.example/").status == 404


@pytest.mark.slow
def test_head_answers_headers_only(mirror):
    get = fetch(mirror, REFERENCE_URL)
    head = fetch(mirror, REFERENCE_URL, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert fetch(mirror, "https://civil.ge/no/such/page", method="HEAD").status == 404


@pytest.mark.slow
def test_conditional_get_answers_not_modified(mirror):
    page = fetch(mirror, REFERENCE_URL)
    assert page.headers["Last-Modified"] == "Wed, 04 Sep 2024 11:02:10 GMT"
    again = fetch(mirror, REFERENCE_URL, headers={"If-None-Match": page.headers["ETag"]})
    assert again.status == 304 and again.body == b""
    since = fetch(
        mirror, REFERENCE_URL, headers={"If-Modified-Since": page.headers["Last-Modified"]}
    )
    assert since.status == 304
    older = fetch(
        mirror, REFERENCE_URL, headers={"If-Modified-Since": "Mon, 02 Sep 2024 00:00:00 GMT"}
    )
    assert older.status == 200


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("https://civil.ge/robots.txt", "text/plain; charset=utf-8"),
        ("https://civil.ge/feed", "application/rss+xml; charset=UTF-8"),
        ("https://civil.ge/sitemap-index-1.xml", "application/xml; charset=utf-8"),
        ("https://civil.ge/sitemap-1.xml", "application/xml; charset=utf-8"),
        (REFERENCE_URL, "text/html; charset=utf-8"),
        ("https://news.am/eng/rss/", "application/rss+xml; charset=UTF-8"),
        ("https://report.az/en/", "text/html; charset=utf-8"),
    ],
)
def test_each_resource_has_its_content_type(mirror, url, content_type):
    page = fetch(mirror, url)
    assert page.status == 200
    assert page.content_type == content_type
    assert page.headers["X-Mirror-Source"]  # where the response came from


@pytest.mark.slow
def test_every_site_has_a_robots_txt(mirror, profiles):
    for profile in profiles.values():
        origin = profile.home.split("/", 3)[:3]
        url = "/".join(origin) + "/robots.txt"
        page = fetch(mirror, url)
        assert page.status == 200 and page.content_type.startswith("text/plain"), url
    robots = RobotFileParser("https://civil.ge/robots.txt")
    robots.parse(fetch(mirror, "https://civil.ge/robots.txt").text.splitlines())
    assert not robots.can_fetch("*", "https://civil.ge/wp-admin/options.php")
    assert robots.can_fetch("*", REFERENCE_URL)
    assert robots.site_maps() == ["https://civil.ge/sitemap-index-1.xml"]


def test_bundled_articles_are_distinct_dated_and_small(sites):
    """What the data files promise: distinct stories of 100-400 words, dated in the past (the
    outlets of Georgia, Armenia and Azerbaijan at the region's +04:00), the whole mirror small."""
    now = datetime.now(UTC)
    profiles = load_profiles().values()
    articles = [(host, a) for host, site in sites.items() for a in site.articles]
    assert len({a.body for _, a in articles}) == len(articles) >= 100
    for host, a in articles:
        assert 100 <= len(" ".join(a.paragraphs).split()) <= 400, a.source
        profile = next(p for p in profiles if p.owns(f"https://{host}/"))
        if profile.country != "regional":
            assert a.published.utcoffset() == timedelta(hours=4), a.source
        assert datetime(2024, 1, 1, tzinfo=UTC) < a.published <= a.modified < now, a.source
    size = sum(f.stat().st_size for f in SITES_DIR.rglob("*") if f.is_file())
    assert size < 3_000_000


# -- the reference article ---------------------------------------------------------------------


@pytest.mark.slow
def test_reference_article_holds_the_real_title_and_every_paragraph(mirror):
    paragraphs = reference_paragraphs()  # skips when ../shared/data is absent
    page = fetch(mirror, REFERENCE_URL)
    assert page.status == 200
    tree = page.tree
    assert tree.xpath("//html/@lang") == ["en-US"]
    assert tree.xpath("string(//h1[contains(@class, 'entry-title')])") == REFERENCE_TITLE
    categories = tree.xpath("//span[@class='post-cat-wrap']")[0]
    assert categories.xpath("string(span[@class='screen-reader-text'])") == "Categories"
    assert categories.xpath("a[@rel='category tag']/text()") == ["South Caucasus News"]
    assert categories.xpath("a/@href") == [
        "https://civil.ge/archives/category/news/south-caucasus-news"
    ]

    body = tree.xpath("//div[@class='entry-content entry clearfix']")[0]
    texts = [p.text_content() for p in body.xpath("p[contains(@class, 'wp-block-paragraph')]")]
    assert texts[: len(paragraphs)] == paragraphs  # every paragraph, exactly, in order
    assert texts[len(paragraphs)] == "Also Read:"  # the related links come after the body
    body_text = body.text_content()
    assert body_text.index("Listen to this article") < body_text.index(paragraphs[0])
    related = body.xpath("ul[@class='wp-block-list']/li")
    assert len(related) == 3
    assert all(re.match(r"\d\d/\d\d/2024 –\xa0\S", li.text_content()) for li in related)
    # the theme's boilerplate around the body
    assert body.xpath(".//div[contains(@class, 'post-bottom-meta')]//a[@rel='tag']")
    assert "URL Copied" in body.xpath("string(.//div[@class='post-shortlink'])")
    assert tree.xpath("string(//div[@id='read-next-block']/h2)") == "Read Next"
    assert tree.xpath("string(//div[@id='tie-popup-adblock']//h2)") == "Adblock Detected"


@pytest.mark.slow
def test_reference_article_date_is_the_same_everywhere(mirror):
    published = datetime.fromisoformat(REFERENCE_PUBLISHED)
    tree = fetch(mirror, REFERENCE_URL).tree
    assert tree.xpath("string(//article//span[@class='date meta-item tie-icon'])") == (
        "04/09/2024 - 13:27"
    )
    assert tree.xpath("//meta[@property='article:published_time']/@content") == [
        REFERENCE_PUBLISHED
    ]
    assert tree.xpath("//meta[@property='article:section']/@content") == ["South Caucasus News"]
    assert tree.xpath("//link[@rel='canonical']/@href") == [REFERENCE_URL]
    assert tree.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert tree.xpath("//meta[@property='og:url']/@content") == [REFERENCE_URL]
    graph = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])["@graph"]
    article = next(node for node in graph if node["@type"] == "NewsArticle")
    assert article["headline"] == REFERENCE_TITLE
    assert article["datePublished"] == REFERENCE_PUBLISHED
    assert article["articleSection"] == ["South Caucasus News"]
    assert article["author"]["name"] == "Civil.ge"
    crumbs = next(node for node in graph if node["@type"] == "BreadcrumbList")
    assert [c["name"] for c in crumbs["itemListElement"]] == [
        "Home",
        "News",
        "South Caucasus News",
        REFERENCE_TITLE,
    ]

    item = next(
        i
        for i in feed_items(fetch(mirror, "https://civil.ge/feed"))
        if i.findtext("link") == REFERENCE_URL
    )
    assert parsedate_to_datetime(item.findtext("pubDate")) == published
    assert item.findtext("title") == REFERENCE_TITLE
    assert "South Caucasus News" in [c.text for c in item.findall("category")]

    lastmods = {}
    for sitemap in ("https://civil.ge/sitemap-1.xml", "https://civil.ge/sitemap-2.xml"):
        root = ET.fromstring(fetch(mirror, sitemap).body)
        lastmods.update(
            {
                u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
                for u in root.findall("sm:url", NS)
            }
        )
    assert lastmods[REFERENCE_URL] == "2024-09-04T11:02:10Z"  # modified, in UTC


# -- feeds, sitemaps, listings -----------------------------------------------------------------


@pytest.mark.slow
def test_feeds_parse_and_list_articles_that_exist(mirror, profiles, sites):
    for profile in profiles.values():
        for feed_url in profile.feeds:
            page = fetch(mirror, feed_url)
            assert page.status == 200, feed_url
            items = feed_items(page)
            assert items, feed_url
            for item in items:
                link = item.findtext("link")
                article = sites[urlsplit(link).hostname.removeprefix("www.")].article(link)
                assert article is not None, link
                target = fetch(mirror, link)
                assert target.status == 200, link
                assert target.tree.xpath("//link[@rel='canonical']/@href") == [link]
                assert item.findtext("title") == article.title
                assert parsedate_to_datetime(item.findtext("pubDate")) == article.published


@pytest.mark.slow
def test_civil_ge_feed_carries_the_full_text_newest_first(mirror, sites):
    items = feed_items(fetch(mirror, "https://civil.ge/feed"))
    english = sites["civil.ge"].select("en")
    assert [i.findtext("link") for i in items] == [a.url for a in english[:3]]
    for item in items:
        article = sites["civil.ge"].article(item.findtext("link"))
        content = item.findtext("content:encoded", namespaces=NS)
        assert all(p in lxml_html.fromstring(content).text_content() for p in article.paragraphs)


@pytest.mark.slow
def test_sitemap_index_leads_to_pages_that_exist(mirror, sites):
    robots = RobotFileParser()
    robots.parse(fetch(mirror, "https://civil.ge/robots.txt").text.splitlines())
    [index_url] = robots.site_maps()
    index = ET.fromstring(fetch(mirror, index_url).body)
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    listed = []
    for entry in index.findall("sm:sitemap", NS):
        datetime.fromisoformat(entry.findtext("sm:lastmod", namespaces=NS))
        page = fetch(mirror, entry.findtext("sm:loc", namespaces=NS))
        assert page.status == 200
        listed += [
            u.findtext("sm:loc", namespaces=NS)
            for u in ET.fromstring(page.body).findall("sm:url", NS)
        ]
    assert REFERENCE_URL in listed and "https://civil.ge/about-us" in listed
    assert {a.url for a in sites["civil.ge"].select("en")} <= set(listed)
    for url in listed:
        assert fetch(mirror, url).status == 200, url


def listing_chain(mirror, url: str, next_xpath: str) -> list[list[str]]:
    """The article links of a listing and of each page after it, following its next link."""
    pages = []
    while url:
        page = fetch(mirror, url)
        assert page.status == 200, url
        tree = page.tree
        pages.append(
            [
                urljoin(url, h)
                for h in tree.xpath(
                    "//*[@id='posts-container' or contains(@class, 'news-list') or "
                    "contains(@class, 'news__list')]//a[contains(@class, 'title')]/@href | "
                    "//ul[@id='posts-container']//h2/a/@href"
                )
            ]
        )
        nxt = tree.xpath(next_xpath)
        url = urljoin(url, nxt[0]) if nxt else None
        assert len(pages) < 10
    return pages


@pytest.mark.slow
def test_civil_ge_listing_paginates_like_wordpress(mirror, sites):
    base = "https://civil.ge/archives/category/news"
    first = fetch(mirror, base).tree
    assert first.xpath("//link[@rel='next']/@href") == [f"{base}/page/2"]
    assert first.xpath("//a[@class='next page-numbers']/@href") == [f"{base}/page/2"]
    second = fetch(mirror, f"{base}/page/2").tree
    assert second.xpath("//link[@rel='prev']/@href") == [base]
    pages = listing_chain(mirror, base, "//a[@class='next page-numbers']/@href")
    assert [len(p) for p in pages] == [3, 3, 2]
    news = sites["civil.ge"].select("en", category="news")  # subcategories included
    assert [url for page in pages for url in page] == [a.url for a in news]
    assert fetch(mirror, f"{base}/page/4").status == 404
    assert fetch(mirror, f"{base}/page/1").headers["Location"] == base


@pytest.mark.slow
def test_oldest_georgian_and_russian_posts_are_only_on_page_2(mirror, sites):
    """In no feed and no sitemap: a crawler finds them only by paginating the listing."""
    in_feeds = {
        i.findtext("link")
        for feed in ("/feed", "/ka/feed", "/ru/feed")
        for i in feed_items(fetch(mirror, f"https://civil.ge{feed}"))
    }
    in_sitemaps = set()
    for n in (1, 2):
        root = ET.fromstring(fetch(mirror, f"https://civil.ge/sitemap-{n}.xml").body)
        in_sitemaps |= {u.findtext("sm:loc", namespaces=NS) for u in root.findall("sm:url", NS)}
    for edition, named in (
        ("ka", "https://civil.ge/ka/archives/603310"),
        ("ru", "https://civil.ge/ru/archives/624153"),
    ):
        base = f"https://civil.ge/{edition}/archives/category/news-{edition}"
        pages = listing_chain(mirror, base, "//a[@class='next page-numbers']/@href")
        oldest = sites["civil.ge"].select(edition)[-1].url
        assert len(pages) == 2 and pages[1][0] == named and pages[1][-1] == oldest
        for url in pages[1]:
            assert url not in pages[0] and url not in in_feeds and url not in in_sitemaps


@pytest.mark.slow
def test_news_am_listing_paginates_with_a_query_string(mirror, sites):
    base = "https://news.am/eng/news/allregions/allthemes/"
    pages = listing_chain(mirror, base, "//div[@class='pagination']/a[@class='next']/@href")
    english = [a.url for a in sites["news.am"].select("en")]
    assert pages == [english[i : i + 3] for i in range(0, len(english), 3)]
    page2 = fetch(mirror, f"{base}?page=2")
    # the listing's time[datetime] is malformed as on the real site: offset where T belongs
    assert page2.tree.xpath("//article//time/@datetime") == [
        "2026-03-02+0409:55:00",
        "2025-09-18+0414:30:00",
        "2025-05-14+0416:00:00",
    ]
    # the day archive of each shown day is linked, and lists that day's news
    day = urljoin(base, page2.tree.xpath("//div[@class='calendar']/a/@href")[0])
    assert day == f"{base}2026/03/02/"
    assert listing_chain(mirror, day, "//a[@class='next']/@href") == [[english[3]]]
    feed = {i.findtext("link") for i in feed_items(fetch(mirror, "https://news.am/eng/rss/"))}
    assert not feed & set(english[3:])  # page 2 holds what the feed does not
    assert fetch(mirror, f"{base}?page={len(pages) + 1}").status == 404
    assert fetch(mirror, f"{base}?utm_source=x").body == fetch(mirror, base).body


@pytest.mark.slow
def test_report_az_listing_paginates_with_rel_next(mirror, sites):
    for home, language in (("https://report.az/", "az"), ("https://report.az/en/", "en")):
        pages = listing_chain(mirror, home, "//a[@rel='next']/@href")
        articles = [a.url for a in sites["report.az"].select(language)]
        assert [u for p in pages for u in p] == articles and len(pages) == -(-len(articles) // 3)
    tree = fetch(mirror, "https://report.az/en/page/2").tree  # /<listing>/page/<n>, as real
    assert tree.xpath("//a[@rel='prev']/@href") == ["https://report.az/en/"]


@pytest.mark.slow
def test_article_pages_carry_each_outlets_date_signals(mirror):
    news = fetch(mirror, "https://news.am/eng/news/912406.html").tree
    assert news.xpath("//span[@class='time']/@content") == ["2026-10-28T17:25:00+04:00"]
    assert news.xpath("string(//span[@class='time'])") == "17:25, 28 October 2026"
    assert news.xpath("string(//h1[@class='article-title'])") == (
        "Yerevan metro to extend evening hours from November"
    )
    assert news.xpath("//div[@class='article-category']/a/text()") == ["Society"]
    assert not news.xpath("//script[@type='application/ld+json']")
    armenian = fetch(mirror, "https://news.am/arm/news/852877.html").tree
    assert armenian.xpath("string(//span[@class='time'])") == "16:20, 15 մայիսի 2025"

    report = fetch(
        mirror, "https://report.az/idman/bakida-bedii-gimnastika-uzre-dunya-kuboku-basa-catib"
    ).tree
    assert report.xpath("//div[@class='news-detail']//ul[@class='news__date']/li/text()") == [
        "16 noyabr, 2025",
        "14:00",
    ]
    assert report.xpath("//div[@class='news-detail__category']/a/text()") == ["İdman"]
    assert report.xpath("//div[@class='news-detail__desc']/p")
    assert not report.xpath("//meta[@property='article:published_time']")
    english = fetch(
        mirror,
        "https://report.az/en/sports/baku-to-host-international-chess-tournament-in-december",
    ).tree
    assert english.xpath("//div[@class='news-detail']//ul[@class='news__date']/li/text()") == [
        "16 November, 2025",
        "14:00",
    ]


@pytest.mark.slow
def test_translations_link_each_other_with_hreflang(mirror):
    versions = {
        "en": "https://civil.ge/archives/624150",
        "ka": "https://civil.ge/ka/archives/624152",
        "ru": "https://civil.ge/ru/archives/624153",
    }
    for language, url in versions.items():
        tree = fetch(mirror, url).tree
        assert tree.xpath("//html/@lang") == [
            {"en": "en-US", "ka": "ka-GE", "ru": "ru-RU"}[language]
        ]
        links = dict(
            zip(
                tree.xpath("//link[@hreflang]/@hreflang"),
                tree.xpath("//link[@hreflang]/@href"),
                strict=True,
            )
        )
        assert links == {**versions, "x-default": versions["en"]}


# -- redirects, 404s, the overlay --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("https://civil.ge/?p=626112", REFERENCE_URL),  # the WordPress shortlink
        ("https://civil.ge/archives/626112/", REFERENCE_URL),
        ("https://civil.ge/feed/", "https://civil.ge/feed"),
        ("https://news.am/", "https://news.am/arm/"),
        ("https://report.az/az/", "https://report.az/"),
        ("https://report.az/en/energy/", "https://report.az/en/energy"),
    ],
)
def test_redirects(mirror, url, location):
    page = fetch(mirror, url)
    assert page.status == 301
    assert page.headers["Location"] == location
    assert follow(mirror, url)[1].status == 200


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        DEAD_LINK,
        "https://civil.ge/archives/999999",
        "https://civil.ge/?p=999999",
        "https://news.am/eng/news/1.html",
        "https://news.am/eng/news/allregions/allthemes/?page=9",
        "https://report.az/en/energy/no-such-article-here/",
        "https://report.az/en/page/9",
    ],
)
def test_unknown_pages_are_404_in_the_sites_own_html(mirror, url):
    page = fetch(mirror, url)
    assert page.status == 404
    assert page.content_type == "text/html; charset=utf-8"
    assert page.tree.xpath("//title")


@pytest.mark.slow
def test_the_dead_link_is_in_a_listing(mirror):
    tree = fetch(mirror, "https://civil.ge/archives/category/news").tree
    assert DEAD_LINK in tree.xpath("//a/@href")


@pytest.mark.slow
def test_every_link_leads_somewhere_except_the_dead_one(mirror, profiles, sites):
    """Follow every <a href> on the three sites from their start points: each answers 200
    (after redirects) but the one deliberate dead link; every article is reachable."""
    hosts = set(mirror.hosts)
    queue = [u for p in profiles.values() for u in (*p.feeds, *p.listings, p.home)]
    seen, broken = set(queue), set()
    while queue:
        url = queue.pop()
        final, page = follow(mirror, url)
        if page.status != 200:
            broken.add(url)
            continue
        if "html" in page.content_type:
            hrefs = page.tree.xpath("//a/@href")
        elif "rss" in page.content_type:
            hrefs = [i.findtext("link") for i in feed_items(page)]
        else:
            continue
        for href in hrefs:
            link = urljoin(final, href).split("#")[0]
            parts = urlsplit(link)
            ignored = "/wp-admin/" in parts.path
            on_mirror = (parts.hostname or "").removeprefix("www.") in hosts  # www.trend.az
            if on_mirror and link not in seen and not ignored:
                seen.add(link)
                queue.append(link)
    assert broken == {DEAD_LINK}
    articles = {a.url for site in sites.values() for a in site.articles}
    assert articles <= seen


@pytest.mark.slow
def test_add_page_serves_a_real_page_at_its_real_url(fresh_mirror):
    body = shared_file(REAL_PAGES / "civil-ge-archives-743770.body.html").read_text("utf-8")
    url = "https://civil.ge/archives/743770"
    head = (
        '<head><meta charset="utf-8"><title>A real page</title>'
        f'<link rel="canonical" href="{url}"></head>'
    )
    assert fetch(fresh_mirror, url).status == 404
    fresh_mirror.add_page(
        url, f"<!DOCTYPE html><html lang='en-US'>{head}<body>{body}</body></html>"
    )
    page = fetch(fresh_mirror, url)
    assert page.status == 200 and page.content_type == "text/html; charset=utf-8"
    assert "Giorgi Bakhuashvili" in page.text
    fresh_mirror.add_page(
        "https://news.am/eng/status.json",
        b'{"ok": true}',
        content_type="application/json",
        status=202,
        headers={"X-Test": "yes"},
    )
    extra = fetch(fresh_mirror, "https://news.am/eng/status.json")
    assert (extra.status, extra.content_type, extra.headers["X-Test"]) == (
        202,
        "application/json",
        "yes",
    )


@pytest.mark.slow
def test_add_redirect_and_remove_page(fresh_mirror):
    fresh_mirror.add_redirect("https://civil.ge/go/reference", REFERENCE_URL, status=302)
    page = fetch(fresh_mirror, "https://civil.ge/go/reference")
    assert page.status == 302 and page.headers["Location"] == REFERENCE_URL
    # an overlay page replaces a bundled one: a changed article, then a deleted one
    fresh_mirror.add_page(REFERENCE_URL, "<html><body><h1>Changed</h1></body></html>")
    assert fetch(fresh_mirror, REFERENCE_URL).tree.findtext(".//h1") == "Changed"
    fresh_mirror.remove_page(REFERENCE_URL)
    assert fetch(fresh_mirror, REFERENCE_URL).status == 404
    with pytest.raises(ValueError):
        fresh_mirror.add_page("/archives/1", "no host")


@pytest.mark.slow
def test_module_entry_serves_until_stopped():
    process = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.mirror", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        address = re.search(r"http://(127\.0\.0\.1:\d+)/", line).group(1)
        connection = http.client.HTTPConnection(address, timeout=10)
        connection.request("GET", "/robots.txt", headers={"Host": "report.az"})
        response = connection.getresponse()
        assert response.status == 200 and b"Disallow: /search/" in response.read()
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stderr.read() == ""  # quiet: no line per request
