"""The mirror's Armenian and regional outlets over real HTTP: armenpress.am, azatutyun.am,
hetq.am, civilnet.am, eurasianet.org, caucasuswatch.de and commonspace.eu.

For each outlet, its profile's start points (feeds, listings, robots.txt sitemaps) lead to
every one of its articles; every link answers; and each page carries the date signals,
categories and boilerplate its renderer promises, for the crawl test to hold it to.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from mirror_client import Page, fetch, follow

from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import SITES_DIR, load_site
from caucasus_crawler.profiles import load_profiles

# host -> (profile name, the time zone of its dates)
OUTLETS = {
    "armenpress.am": ("armenpress_am", "Asia/Yerevan"),
    "azatutyun.am": ("azatutyun_am", "Asia/Yerevan"),
    "hetq.am": ("hetq_am", "Asia/Yerevan"),
    "civilnet.am": ("civilnet_am", "Asia/Yerevan"),
    "eurasianet.org": ("eurasianet", "America/New_York"),
    "caucasuswatch.de": ("caucasuswatch", "Europe/Berlin"),
    "commonspace.eu": ("commonspace", "Europe/Amsterdam"),
}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FORBIDDEN_FEED = "https://eurasianet.org/region/caucasus/feed"


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def site_of(host: str):
    return load_site(SITES_DIR / host)


def feed_links(page: Page) -> list[str]:
    root = ET.fromstring(page.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return [item.findtext("link") for item in root.findall("./channel/item")]


def discover(mirror: MirrorServer, profile) -> tuple[set[str], set[str]]:
    """What the profile's start points lead to: (article URLs found, every URL visited).

    Follows robots.txt sitemaps, feeds (the profile's and those a page announces), listings
    and every link on the outlet's pages, as the spider does; fails on a link that does not
    answer 200 after redirects."""
    origins = {
        f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in (profile.home, *profile.feeds)
    }
    queue = [*profile.feeds, *profile.listings, *profile.sitemaps, profile.home]
    queue += [f"{origin}/robots.txt" for origin in origins]
    seen, articles = set(queue), set()
    while queue:
        url = queue.pop()
        final, page = follow(mirror, url)
        assert page.status == 200, f"{url} answered {page.status}"
        links: list[str] = []
        if url.endswith("/robots.txt"):
            robots = RobotFileParser()
            robots.parse(page.text.splitlines())
            links = robots.site_maps() or []
        elif "rss" in page.content_type:
            links = feed_links(page)
        elif "xml" in page.content_type:
            links = [loc.text for loc in ET.fromstring(page.body).iter(f"{SM}loc")]
        elif "html" in page.content_type:
            tree = page.tree
            links = tree.xpath("//a/@href")
            links += tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href")
            if profile.is_article_url(final):
                articles.add(final)
        for href in links:
            link = urljoin(final, href).split("#")[0]
            host = (urlsplit(link).hostname or "").removeprefix("www.")
            if host in mirror.hosts and profile.owns(link) and link not in seen:
                if link == FORBIDDEN_FEED or profile.is_ignored(link):
                    continue  # the 403 feed is tested below
                seen.add(link)
                queue.append(link)
    return articles, seen


# -- every outlet ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("host", OUTLETS)
def test_start_points_lead_to_every_article(mirror, profiles, host):
    profile = profiles[OUTLETS[host][0]]
    site = site_of(host)
    articles, _ = discover(mirror, profile)
    assert articles == {a.url for a in site.articles}
    for url in articles:  # the profile knows each as an article of one of its editions
        assert profile.is_article_url(url) and profile.owns(url)
        assert profile.edition_language(url) in (site.article(url).language, None)


@pytest.mark.parametrize("host", OUTLETS)
def test_each_edition_has_five_articles_in_two_categories(host):
    site = site_of(host)
    languages = {a.language for a in site.articles}
    assert languages == {
        site.settings["editions"][key].get("language", key) for key in site.settings["editions"]
    }
    for language in languages:
        articles = site.select(language)
        assert len(articles) >= 5, (host, language)
        assert len({c for a in articles for c in a.categories}) >= 2, (host, language)


@pytest.mark.parametrize("host", OUTLETS)
def test_articles_are_distinct_dated_in_local_time_and_small(host):
    site = site_of(host)
    try:
        zone = ZoneInfo(OUTLETS[host][1])
    except ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine")
    now = datetime.now(UTC)
    assert (
        len({a.body for a in site.articles})
        == len({a.title for a in site.articles})
        == len(site.articles)
    )
    for a in site.articles:
        assert 150 <= len(" ".join(a.paragraphs).split()) <= 300, a.source
        # the outlet's own clock: +04:00 in Armenia, New York, Berlin or Amsterdam time
        assert a.published.utcoffset() == a.published.astimezone(zone).utcoffset(), a.source
        assert datetime(2024, 1, 1, tzinfo=UTC) < a.published <= a.modified < now, a.source
    size = sum(f.stat().st_size for f in site.directory.rglob("*") if f.is_file())
    assert size < 150_000


@pytest.mark.slow
@pytest.mark.parametrize("host", OUTLETS)
def test_robots_txt_and_404_in_the_sites_own_html(mirror, profiles, host):
    profile = profiles[OUTLETS[host][0]]
    robots = fetch(mirror, f"https://{host}/robots.txt")
    assert robots.status == 200 and robots.content_type.startswith("text/plain")
    missing = fetch(mirror, f"https://{host}/no/such/page-at-all")
    assert missing.status == 404 and missing.content_type.startswith("text/html")
    assert missing.tree.xpath("//title")
    parser = RobotFileParser()
    parser.parse(robots.text.splitlines())
    for start in (*profile.feeds, *profile.listings):
        assert parser.can_fetch("caucasus-crawler", start), start


# -- armenpress.am --------------------------------------------------------------------------------


@pytest.mark.slow
def test_armenpress_dates_are_visible_only_with_genitive_months(mirror):
    expected = {
        "https://armenpress.am/en/article/1217402": "14:32, 14 May 2025",
        "https://armenpress.am/hy/article/1219387": "16:50, 12 հունիսի 2025",
        "https://armenpress.am/ru/article/1215448": "15:05, 27 мая 2025",
    }
    for url, visible in expected.items():
        tree = fetch(mirror, url).tree
        assert tree.xpath("string(//span[@class='article__date'])") == visible
        assert tree.xpath("//meta[@property='og:type']/@content") == ["article"]
        assert not tree.xpath("//script[@type='application/ld+json']")
        assert not tree.xpath("//meta[starts-with(@property, 'article:')]")
        assert not tree.xpath("//time")


@pytest.mark.slow
def test_armenpress_body_holds_toolbar_dateline_and_editor_line(mirror, profiles):
    tree = fetch(mirror, "https://armenpress.am/en/article/1217402").tree
    # the body where an independent crawler of the real site reads it (evidence/README.md)
    assert profiles["armenpress_am"].extract.body == "article div.prose"
    [body] = tree.cssselect("article div.prose")
    assert body.xpath("string(div[@class='article__actions'])").split() == ["Save", "Share"]
    dateline = body.xpath("p[@class='article__dateline']")[0]
    assert dateline.text_content() == "YEREVAN, MAY 14, ARMENPRESS."
    assert body.xpath("p")[-1].text_content() == "Edited and translated by Nare Avetisyan"
    russian = fetch(mirror, "https://armenpress.am/ru/article/1215448").tree
    assert russian.xpath("string(//p[@class='article__dateline'])") == "ЕРЕВАН, 27 МАЯ. АРМЕНПРЕСС."
    armenian = fetch(mirror, "https://armenpress.am/hy/article/1219387").tree
    assert armenian.xpath("string(//p[@class='article__dateline'])") == (
        "ԵՐԵՎԱՆ, 12 ՀՈՒՆԻՍԻ, ԱՐՄԵՆՊՐԵՍ։"
    )


@pytest.mark.slow
def test_armenpress_feeds_nest_their_categories_and_listings_paginate(mirror):
    root = ET.fromstring(fetch(mirror, "https://armenpress.am/en/rss/articles/economy").body)
    item = root.find("./channel/item")
    assert [c.text for c in item.findall("./categories/category")] == ["Economy"]
    assert item.find("category") is None  # not where RSS puts it
    base = "https://armenpress.am/en/articles/politics"
    first = fetch(mirror, base).tree
    assert first.xpath("//a[@rel='next']/@href") == ["/en/articles/politics?page=2"]
    second = fetch(mirror, f"{base}?page=2").tree
    assert second.xpath("//a[@rel='prev']/@href") == ["/en/articles/politics"]
    assert fetch(mirror, f"{base}?page=3").status == 404
    home = fetch(mirror, "https://armenpress.am/")
    assert home.status == 301 and home.headers["Location"] == "https://armenpress.am/hy"


# -- azatutyun.am ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_azatutyun_dates_are_time_pubdate_and_the_wsw_body_has_an_embed(mirror):
    tree = fetch(mirror, "https://azatutyun.am/a/33415093.html").tree
    time = tree.xpath("//div[@class='published']//time[@pubdate]")[0]
    assert time.get("datetime") == "2025-06-09T17:15:00+04:00"
    assert time.text == "Հունիս 9, 2025"
    assert not tree.xpath("//script[@type='application/ld+json']")
    assert tree.xpath("//div[@class='category']/a/text()") == ["Հասարակություն"]
    body = tree.xpath("//div[@class='wsw']")[0]
    embed = body.xpath("div[@class='wsw__embed']")[0]
    assert embed.xpath("string(.//h2)") == "Տես նաև"
    assert embed.xpath(".//a/@href") == ["/a/33388406.html"]
    assert body.index(embed) == 2  # between the second and the third paragraph


@pytest.mark.slow
def test_azatutyun_sections_load_more_and_rssfeeds_list_the_feeds(mirror):
    tree = fetch(mirror, "https://azatutyun.am/z/2033").tree
    assert tree.xpath("//a[contains(@class, 'link-showMore')]/@href") == ["/z/2033?p=1"]
    assert not tree.xpath("//a[@rel='next']")  # Pangea's "load more" has no rel=next
    assert fetch(mirror, "https://azatutyun.am/z/2033?p=1").status == 200
    assert fetch(mirror, "https://azatutyun.am/z/2033?p=2").status == 404
    feeds = fetch(mirror, "https://azatutyun.am/rssfeeds").tree.xpath(
        "//ul[@class='rss-list']//a/@href"
    )
    assert len(feeds) == 3 and all(urlsplit(f).path.startswith("/api/z") for f in feeds)
    for url in feeds:
        assert all(
            link.startswith("https://azatutyun.am/a/") for link in feed_links(fetch(mirror, url))
        )


# -- hetq.am --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_hetq_dates_are_only_visible_in_the_genitive(mirror):
    for url, visible in (
        ("https://hetq.am/hy/article/171204", "17 դեկտեմբերի, 2025 14:32"),
        ("https://hetq.am/en/article/171588", "27 January, 2026 11:15"),
    ):
        tree = fetch(mirror, url).tree
        assert tree.xpath("string(//span[@class='article-date'])") == visible
        assert not tree.xpath("//time | //script[@type='application/ld+json']")
        assert not tree.xpath("//meta[starts-with(@property, 'article:')]")
        assert tree.xpath("//meta[@property='og:type']/@content") == ["article"]


@pytest.mark.slow
def test_hetq_body_holds_the_support_box_and_ends_with_the_typo_notice(mirror):
    tree = fetch(mirror, "https://hetq.am/en/article/169921").tree
    body = tree.xpath("//div[@class='article-content']")[0]
    assert body.xpath("div[@class='support-hetq']")
    assert body.xpath("p")[-1].text_content().startswith("If you found a typo")
    hy = fetch(mirror, "https://hetq.am/hy/article/169880").tree
    assert (
        hy.xpath("//div[@class='article-content']/p")[-1]
        .text_content()
        .startswith("Եթե գտել եք վրիպակ")
    )
    page2 = fetch(mirror, "https://hetq.am/en/news?page=2").tree
    assert page2.xpath("//ul[@class='pagination']/li[@class='prev']/a/@href") == ["/en/news"]


# -- civilnet.am ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_civilnet_has_every_date_signal_and_translations_link_each_other(mirror):
    url = "https://civilnet.am/en/news/782316/yerevan-opens-its-first-public-bicycle-lanes-on-baghramyan-avenue/"
    tree = fetch(mirror, url).tree
    assert tree.xpath("//meta[@property='article:published_time']/@content") == [
        "2025-06-03T12:15:00+04:00"
    ]
    graph = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])["@graph"]
    article = next(node for node in graph if node["@type"] == "Article")
    assert article["datePublished"] == "2025-06-03T12:15:00+04:00"
    assert tree.xpath("//time[contains(@class, 'published')]/text()") == ["03.06.2025"]
    assert tree.xpath("//a[@rel='category tag']/text()") == ["Society"]
    hreflang = dict(
        zip(
            tree.xpath("//link[@hreflang]/@hreflang"),
            tree.xpath("//link[@hreflang]/@href"),
            strict=True,
        )
    )
    assert set(hreflang) == {"hy", "en"} and hreflang["en"] == url
    assert fetch(mirror, hreflang["hy"]).status == 200
    assert tree.xpath("string(//div[contains(@class, 'sharedaddy')]//h3)") == "Share this:"


@pytest.mark.slow
def test_civilnet_yoast_sitemaps_list_every_post_and_shortlinks_redirect(mirror):
    root = ET.fromstring(fetch(mirror, "https://civilnet.am/sitemap_index.xml").body)
    post_sitemap = [loc.text for loc in root.iter(f"{SM}loc") if "post-sitemap" in loc.text]
    listed = {
        loc.text for loc in ET.fromstring(fetch(mirror, post_sitemap[0]).body).iter(f"{SM}loc")
    }
    assert listed == {a.url for a in site_of("civilnet.am").articles}
    moved = fetch(mirror, "https://civilnet.am/?p=780577")
    assert moved.status == 301 and "/en/news/780577/" in moved.headers["Location"]
    related = fetch(mirror, moved.headers["Location"]).tree.xpath(
        "//div[@class='entry-content']/p"
    )[-1]
    assert related.text_content().startswith("Read also:")


# -- eurasianet.org -------------------------------------------------------------------------------


@pytest.mark.slow
def test_eurasianet_region_feed_answers_403(mirror):
    page = fetch(mirror, FORBIDDEN_FEED)
    assert page.status == 403 and page.content_type.startswith("text/html")
    announced = fetch(mirror, "https://eurasianet.org/region/caucasus").tree
    assert announced.xpath("//link[@type='application/rss+xml']/@href") == [FORBIDDEN_FEED]
    assert feed_links(fetch(mirror, "https://eurasianet.org/region/armenia/feed"))


@pytest.mark.slow
def test_eurasianet_dates_are_drupal_html_datetime_in_new_york_time(mirror):
    summer = fetch(
        mirror, "https://eurasianet.org/armenia-launches-electronic-visa-for-more-countries"
    ).tree
    assert summer.xpath("//meta[@property='article:published_time']/@content") == [
        "2025-05-20T11:05:00-0400"
    ]
    assert summer.xpath("string(//div[@class='node__meta']/div[@class='date'])") == "May 20, 2025"
    winter = fetch(
        mirror, "https://eurasianet.org/georgia-tbilisi-metro-extension-stalls-again"
    ).tree
    assert winter.xpath("//meta[@property='article:published_time']/@content") == [
        "2025-02-26T14:15:00-0500"
    ]
    assert not winter.xpath("//script[@type='application/ld+json']")
    assert winter.xpath("//div[contains(@class, 'field--name-field-region')]//a/text()") == [
        "Georgia"
    ]
    body = winter.xpath("//div[contains(@class, 'field--name-body')]")[0]
    assert "Subscribe" in body.xpath("string(div[@class='inline-newsletter'])")


@pytest.mark.slow
def test_eurasianet_pager_counts_from_zero(mirror):
    base = "https://eurasianet.org/region/caucasus"
    tree = fetch(mirror, base).tree
    assert tree.xpath("//li[contains(@class, 'pager__item--next')]/a/@href") == [
        "/region/caucasus?page=1"
    ]
    assert tree.xpath("//a[@rel='next']/@href") == ["/region/caucasus?page=1"]
    assert fetch(mirror, f"{base}?page=1").status == 200
    assert fetch(mirror, f"{base}?page=2").status == 404


# -- caucasuswatch.de -----------------------------------------------------------------------------


@pytest.mark.slow
def test_caucasuswatch_feed_is_at_feed_and_lists_paginate_with_tx_news(mirror, profiles):
    """/feed works, as an independent source lists it (evidence/README.md); it carries the
    newest articles only: the older ones are in the lists, which paginate with tx_news."""
    assert profiles["caucasuswatch"].feeds == ("https://caucasuswatch.de/feed",)
    feed = fetch(mirror, "https://caucasuswatch.de/feed")
    assert feed.status == 200 and "rss" in feed.content_type
    site = site_of("caucasuswatch.de")
    links = feed_links(feed)
    assert links == [a.url for a in site.newest("en")] and len(links) < len(site.articles)
    root = ET.fromstring(feed.body)
    for item in root.findall("./channel/item"):
        article = site.article(item.findtext("link"))
        assert parsedate_to_datetime(item.findtext("pubDate")) == article.published
        assert [c.text for c in item.findall("category")] == [
            n for n in site.category_names(article) if n != "News"
        ]
    robots = fetch(mirror, "https://caucasuswatch.de/robots.txt").text
    assert "Sitemap" not in robots
    for path in ("/rss.xml", "/en/rss.xml", "/sitemap.xml"):
        assert fetch(mirror, f"https://caucasuswatch.de{path}").status == 404
    tree = fetch(mirror, "https://caucasuswatch.de/en/news.html").tree
    assert tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href") == [
        "https://caucasuswatch.de/feed"
    ]
    [next_page] = tree.xpath("//ul[@class='f3-widget-paginator']/li[@class='next']/a/@href")
    assert next_page.startswith("/en/news.html?tx_news_pi1%5BcurrentPage%5D=2&cHash=")
    assert fetch(mirror, urljoin("https://caucasuswatch.de/", next_page)).status == 200


@pytest.mark.slow
def test_caucasuswatch_date_is_microdata_at_berlin_time(mirror):
    tree = fetch(
        mirror, "https://caucasuswatch.de/en/news/georgian-wine-exports-reach-record-high.html"
    ).tree
    time = tree.xpath("//div[contains(@class, 'news-single')]//time[@itemprop='datePublished']")[0]
    assert (time.get("datetime"), time.text) == ("2025-01-15T09:20:00+01:00", "15.01.2025")
    assert tree.xpath(
        "//div[contains(@class, 'news-single')]//span[@class='news-list-category']/text()"
    ) == ["Georgia"]
    assert tree.xpath("//ol[@class='breadcrumb']//a/text()") == ["Home", "News"]
    assert tree.xpath("//div[@itemprop='articleBody']/p[@class='bodytext']")
    assert tree.xpath("string(//div[@itemprop='articleBody']/div[@class='social-share']/p)") == (
        "Share this article"
    )


# -- commonspace.eu -------------------------------------------------------------------------------


@pytest.mark.slow
def test_commonspace_dates_are_json_ld_only_and_news_ends_with_a_credit(mirror):
    url = "https://commonspace.eu/news/georgia-and-armenia-launch-joint-tourism-route"
    tree = fetch(mirror, url).tree
    data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
    assert (data["@type"], data["datePublished"]) == ("NewsArticle", "2025-09-23T10:00:00+02:00")
    assert not tree.xpath("//meta[@property='og:type'] | //time")
    assert tree.xpath("string(//div[@class='article-date'])") == "23 September 2025"
    body = tree.xpath("//div[@class='article-body']")[0]
    assert body.xpath("p")[-1].text_content() == "Source: commonspace.eu with agencies"
    assert body.xpath("string(div[@class='follow-us']/strong)") == "Follow us on social media:"
    opinion = fetch(mirror, "https://commonspace.eu/opinion/peace-needs-more-than-a-signature").tree
    assert "Source:" not in opinion.xpath("string(//div[@class='article-body'])")


@pytest.mark.slow
def test_commonspace_sections_paginate_and_nothing_else_is_a_way_in(mirror):
    tree = fetch(mirror, "https://commonspace.eu/news").tree
    assert not tree.xpath("//link[@rel='alternate']")
    for path in ("/feed", "/rss", "/sitemap.xml"):
        assert fetch(mirror, f"https://commonspace.eu{path}").status == 404
    analysis = fetch(mirror, "https://commonspace.eu/analysis").tree
    assert analysis.xpath("//div[@class='pager']/a[@class='next']/@href") == []  # one page only
    news = site_of("commonspace.eu").select("en", category="news")
    pages = -(-len(news) // site_of("commonspace.eu").settings["per_page"])
    assert fetch(mirror, f"https://commonspace.eu/news?page={pages + 1}").status == 404


@pytest.mark.slow
def test_dates_in_the_mirror_keep_their_offsets(mirror):
    """A quick cross-check of the offsets the crawl test compares exactly."""
    eurasianet = site_of("eurasianet.org")
    offsets = {a.published.utcoffset() for a in eurasianet.articles}
    assert offsets == {timedelta(hours=-4), timedelta(hours=-5)}
    for host in ("armenpress.am", "azatutyun.am", "hetq.am", "civilnet.am"):
        assert {a.published.utcoffset() for a in site_of(host).articles} == {timedelta(hours=4)}
