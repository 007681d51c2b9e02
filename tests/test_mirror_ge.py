"""The Georgian outlets of the mirror over real HTTP: each profile's start points (feeds,
sitemaps, listings, the JSON endpoint) lead to every one of its articles, the broken or
missing feeds answer as on the real sites, and each site keeps its real quirks."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urljoin, urlsplit

import mirror_client
import pytest
from conftest import article_at, run_cli
from lxml import html as lxml_html
from mirror_client import Page
from parsel import Selector

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import SITES_DIR, load_site
from caucasus_crawler.normalise import normalise_text
from caucasus_crawler.profiles import PACKAGE_DIR as PROFILES_DIR
from caucasus_crawler.profiles import load_profiles
from caucasus_crawler.spiders.news import NEXT_PAGE_LINKS

OUTLETS = {
    "oc_media": "oc-media.org",
    "jam_news": "jam-news.net",
    "agenda_ge": "agenda.ge",
    "georgiatoday_ge": "georgiatoday.ge",
    "interpressnews_ge": "interpressnews.ge",
    "netgazeti_ge": "netgazeti.ge",
    "bm_ge": "bm.ge",
}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def next_page(page: Page) -> list[str]:
    """The page's "next page" links, as the spider reads them."""
    return Selector(text=page.text).css(NEXT_PAGE_LINKS).getall()


FEED_TYPES = ("application/rss+xml", "application/atom+xml")


def fetch(mirror: MirrorServer, url: str, follow: bool = True) -> Page:
    """GET as the crawler's replay sends it; redirects followed unless told otherwise."""
    return mirror_client.fetch(mirror, url, follow=follow)


def feed_items(page: Page) -> list[ET.Element]:
    root = ET.fromstring(page.body)
    assert root.tag == "rss"
    return root.findall("./channel/item")


def sitemap_locs(page: Page) -> tuple[str, list[str]]:
    root = ET.fromstring(page.body)
    return root.tag.removeprefix(SM), [e.text for e in root.iter(f"{SM}loc")]


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def discover(mirror: MirrorServer, profile, kinds=("robots", "feeds", "listings", "json")):
    """The article URLs the profile's start points lead to, going as the spider goes:
    robots.txt sitemaps (indexes followed), feeds, listings (the listings they link to one
    level deep, next pages up to max_listing_pages, feeds they announce), JSON endpoints
    ({page} = 1, 2... while a page gives new articles)."""
    found: set[str] = set()
    fetched: dict[str, int] = {}

    def get(url: str) -> Page:
        page = fetch(mirror, url)
        fetched[url] = page.status
        return page

    def sitemap(url: str) -> None:
        page = get(url)
        if page.status != 200:
            return
        kind, locs = sitemap_locs(page)
        for loc in locs:
            if kind == "sitemapindex":
                sitemap(loc)
            elif profile.is_article_url(loc):
                found.add(loc)

    def feed(url: str) -> None:
        page = get(url)
        if page.status == 200 and "rss" in page.content_type:
            found.update(i.findtext("link") for i in feed_items(page))

    def listing(url: str, page_number: int, depth: int) -> None:
        page = get(url)
        if page.status != 200 or "html" not in page.content_type:
            return
        tree = page.tree
        if "feeds" in kinds:
            for link in tree.xpath('//link[@rel="alternate"]'):
                if (link.get("type") or "") in FEED_TYPES and link.get("href") not in fetched:
                    feed(urljoin(url, link.get("href")))
        deeper = []
        for href in page.hrefs():
            if profile.owns(href) and profile.is_article_url(href):
                found.add(href)
            elif profile.is_listing_url(href) and not profile.is_ignored(href):
                deeper.append(href)
        if page_number < profile.max_listing_pages:
            for href in next_page(page)[:1]:
                nxt = urljoin(url, href)
                if nxt not in fetched:
                    listing(nxt, page_number + 1, depth)
        if depth < 1:
            for href in deeper:
                if href not in fetched:
                    listing(href, 1, depth + 1)

    origins = {f"https://{urlsplit(u).netloc}" for u in (profile.home, *profile.editions.values())}
    if "robots" in kinds:
        for origin in sorted(origins):
            robots = get(f"{origin}/robots.txt")
            for line in robots.text.splitlines():
                if line.lower().startswith("sitemap:"):
                    sitemap(line.split(":", 1)[1].strip())
        for url in profile.sitemaps:
            sitemap(url)
    if "feeds" in kinds:
        for url in profile.feeds:
            feed(url)
    if "listings" in kinds:
        for url in dict.fromkeys([*profile.listings, profile.home]):
            listing(url, 1, 0)
    if "json" in kinds:
        for template in profile.json_listings:
            for n in range(1, profile.max_listing_pages + 1):
                page = get(template.replace("{page}", str(n)))
                assert page.status == 200 and page.content_type.startswith("application/json")
                new = {
                    s
                    for s in json_strings(json.loads(page.body))
                    if profile.owns(s) and profile.is_article_url(s)
                } - found
                found.update(new)
                if not new:
                    break
    return found, fetched


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A mirror of the Georgian outlets alone (their site directories, linked)."""
    sites_dir = tmp_path_factory.mktemp("sites-ge")
    for host in OUTLETS.values():
        (sites_dir / host).symlink_to(SITES_DIR / host, target_is_directory=True)
    with MirrorServer(sites_dir=sites_dir) as server:
        yield server


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def site_of(name: str):
    return load_site(SITES_DIR / OUTLETS[name])


def urls(name: str, language: str | None = None) -> set[str]:
    return {a.url for a in site_of(name).select(language)}


# -- every outlet ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_mirror_serves_the_georgian_outlets(mirror):
    assert set(mirror.hosts) == set(OUTLETS.values())


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTLETS)
def test_start_points_lead_to_every_article(mirror, profiles, name):
    profile = profiles[name]
    assert profile.owns(f"https://{OUTLETS[name]}/")
    found, fetched = discover(mirror, profile)
    assert urls(name) <= found, urls(name) - found
    # every article found answers 200 at its own URL, with itself as canonical; a link in the
    # site's other spelling (no trailing slash, interpressnews.ge) redirects to that URL
    for url in sorted(found):
        page = fetch(mirror, url, follow=False)
        if page.status == 301:
            location = page.headers["Location"]
            assert location == url + "/" and profile.is_article_url(location), url
            url, page = location, fetch(mirror, location, follow=False)
        assert page.status == 200, url
        assert page.tree.xpath("//link[@rel='canonical']/@href"), url
        canonical = urljoin(url, page.tree.xpath("//link[@rel='canonical']/@href")[0])
        assert canonical == url
        assert site_of(name).article(url) is not None, url


@pytest.mark.parametrize("name", OUTLETS)
def test_articles_are_distinct_dated_and_in_two_categories_per_language(name):
    site = site_of(name)
    now = datetime.now(UTC)
    for language in {a.language for a in site.articles}:
        articles = site.select(language)
        assert len(articles) >= 5, language
        assert len({c for a in articles for c in a.categories}) >= 2, language
        for a in articles:
            words = len(" ".join(a.paragraphs).split())
            assert 120 <= words <= 300, a.source
            assert a.published.utcoffset() == timedelta(hours=4), a.source
            assert datetime(2024, 1, 1, tzinfo=UTC) < a.published <= a.modified < now, a.source
            assert site.category_names(a), a.source
    assert len({a.body for a in site.articles}) == len(site.articles)
    assert len({a.title for a in site.articles}) == len(site.articles)
    size = sum(f.stat().st_size for f in site.directory.rglob("*") if f.is_file())
    assert size < 150_000


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTLETS)
def test_article_pages_show_their_title_and_paragraphs(mirror, name):
    for a in site_of(name).articles:
        page = fetch(mirror, a.url)
        assert page.status == 200
        assert page.tree.xpath("string(//h1)") == a.title
        text = page.tree.text_content()
        assert all(p in text for p in a.paragraphs), a.source


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTLETS)
def test_unknown_pages_are_404_in_the_sites_own_html(mirror, name):
    page = fetch(mirror, f"https://{OUTLETS[name]}/no/such/page/here")
    assert page.status == 404 and page.content_type.startswith("text/html")
    assert page.tree.xpath("//title")


# -- oc-media.org ------------------------------------------------------------------------------


@pytest.mark.slow
def test_oc_media_feed_has_the_full_text_and_the_titles_as_the_h1_shows_them(mirror):
    items = feed_items(fetch(mirror, "https://oc-media.org/feed/"))
    titles = [i.findtext("title") for i in items]
    assert any(t.startswith("Live updates | ") for t in titles)
    assert any(t.startswith("Podcast | ") for t in titles)
    site = site_of("oc_media")
    for item in items:
        article = site.article(item.findtext("link"))
        assert item.findtext("title") == article.title
        assert parsedate_to_datetime(item.findtext("pubDate")) == article.published
        content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
        assert all(p in lxml_html.fromstring(content).text_content() for p in article.paragraphs)
        assert "Fierce, independent journalism" not in content  # the theme adds the appeal
    live = fetch(
        mirror,
        "https://oc-media.org/live-updates-tbilisi-city-council-votes-on-public-transport-fares/",
    )
    assert live.tree.xpath("string(//h1)").startswith("Live updates | ")
    assert live.tree.xpath("//meta[@property='og:title']/@content")[0].endswith(" - OC Media")


@pytest.mark.slow
def test_oc_media_donation_appeal_is_inside_and_after_the_body(mirror):
    url = "https://oc-media.org/glacier-retreat-in-svaneti-worries-scientists/"
    tree = fetch(mirror, url).tree
    body = tree.xpath("//div[@class='entry-content']")[0]
    assert "Fierce, independent journalism" in body.text_content()
    assert "Let’s be honest" in body.text_content()
    after = tree.xpath("//article/following-sibling::div[contains(@class, 'oc-member-appeal')]")
    assert after and "Let’s be honest" in after[0].text_content()
    graph = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])["@graph"]
    article = next(n for n in graph if n["@type"] == "NewsArticle")
    assert article["datePublished"] == "2025-08-14T10:45:00+04:00"


@pytest.mark.slow
def test_oc_media_older_features_are_only_in_the_listings_and_sitemap(mirror, profiles):
    old = "https://oc-media.org/features/the-last-tea-factories-of-guria/"
    feed = {i.findtext("link") for i in feed_items(fetch(mirror, "https://oc-media.org/feed/"))}
    assert old not in feed
    _, locs = sitemap_locs(fetch(mirror, "https://oc-media.org/post-sitemap.xml"))
    assert old in locs
    assert old in fetch(mirror, "https://oc-media.org/category/features/").hrefs()
    assert profiles["oc_media"].is_article_url(old)
    for page in ("https://oc-media.org/about-us/", "https://oc-media.org/category/news/"):
        assert not profiles["oc_media"].is_article_url(page)


@pytest.mark.slow
def test_oc_media_shortlink_redirects_to_the_post(mirror):
    url = "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/"
    shortlink = fetch(mirror, url).tree.xpath("//link[@rel='shortlink']/@href")[0]
    moved = fetch(mirror, shortlink, follow=False)
    assert moved.status == 301 and moved.headers["Location"] == url


# -- jam-news.net ------------------------------------------------------------------------------


@pytest.mark.slow
def test_jam_news_feeds_are_english_and_russian_only(mirror):
    for feed, language in (
        ("https://jam-news.net/feed/", "en"),
        ("https://jam-news.net/ru/feed/", "ru"),
    ):
        items = feed_items(fetch(mirror, feed))
        assert {item.findtext("link") for item in items} <= urls("jam_news", language)
        assert all(item.findtext("guid").split("?p=")[1].isdigit() for item in items)
    assert fetch(mirror, "https://jam-news.net/am/feed/").status == 404


@pytest.mark.slow
def test_jam_news_armenian_posts_are_found_through_the_listings_alone(mirror, profiles):
    found, _ = discover(mirror, profiles["jam_news"], kinds=("listings",))
    armenian = urls("jam_news", "hy")
    assert armenian <= found
    page2 = fetch(mirror, "https://jam-news.net/am/page/2/")
    assert page2.status == 200 and set(page2.hrefs()) & armenian


@pytest.mark.slow
def test_jam_news_shortlinks_and_boilerplate(mirror):
    url = "https://jam-news.net/live-heavy-snowfall-disrupts-traffic-across-the-south-caucasus/"
    page = fetch(mirror, url)
    shortlink = page.tree.xpath("//link[@rel='shortlink']/@href")[0]
    assert re.fullmatch(r"https://jam-news\.net/\?p=\d+", shortlink)
    moved = fetch(mirror, shortlink, follow=False)
    assert moved.status == 301 and moved.headers["Location"] == url
    body = page.tree.xpath("//div[@class='post-content']")[0].text_content()
    assert body.index("1 new update") < body.index("Heavy snow")
    assert "Support JAMnews" in body
    russian = fetch(mirror, "https://jam-news.net/ru/v-erevane-podorozhal-proezd-v-metro/").tree
    assert russian.xpath("string(//span[@class='post-date'])") == "7 октября 2025, 13:30"
    assert russian.xpath("//meta[@property='article:published_time']/@content") == [
        "2025-10-07T13:30:00+04:00"
    ]
    armenian = fetch(
        mirror, "https://jam-news.net/am/azgayin-zhoghovy-qnnarkel-e-krtutyan-orenqi-nakhagitsy/"
    )
    assert armenian.tree.xpath("string(//span[@class='post-date'])") == "14 մայիսի 2025, 16:20"
    assert "Աջակցեք JAMnews-ին" in armenian.text


# -- agenda.ge ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_agenda_has_no_feed_and_no_sitemap(mirror, profiles):
    for url in ("https://agenda.ge/feed", "https://agenda.ge/en/feed", "https://agenda.ge/rss.xml"):
        assert fetch(mirror, url).status == 404
    assert "Sitemap" not in fetch(mirror, "https://agenda.ge/robots.txt").text
    assert not profiles["agenda_ge"].feeds
    found, _ = discover(mirror, profiles["agenda_ge"], kinds=("listings",))
    assert urls("agenda_ge") <= found


@pytest.mark.slow
def test_agenda_pager_counts_from_zero_without_rel_next(mirror):
    first = fetch(mirror, "https://agenda.ge/en/news")
    assert not first.tree.xpath('//*[@rel="next"]')  # Drupal 7: only li.pager-next
    assert next_page(first) == ["/en/news?page=1"]  # which the spider reads
    pager = first.tree.xpath("//ul[@class='pager']//a/@href")
    assert "/en/news?page=1" in pager
    second = fetch(mirror, "https://agenda.ge/en/news?page=1")
    assert second.status == 200
    every = set(first.hrefs()) | set(second.hrefs())
    assert urls("agenda_ge") <= every
    assert fetch(mirror, "https://agenda.ge/en/news?page=7").status == 404


@pytest.mark.slow
def test_agenda_article_date_is_only_visible(mirror):
    tree = fetch(mirror, "https://agenda.ge/en/news/2026/2841").tree
    assert tree.xpath("string(//div[@class='node-time'])") == "Politics, 15 September 2026 - 14:20"
    assert tree.xpath("//div[@class='node-time']/a/@href") == ["/en/news/politics"]
    assert tree.xpath("string(//h1[@class='node-title'])") == (
        "Georgia and Japan sign memorandum on customs cooperation"
    )
    assert tree.xpath("//div[@class='bodytext']/p")
    assert tree.xpath("//link[@rel='canonical']/@href") == ["/en/news/2026/2841"]
    assert not tree.xpath("//script[@type='application/ld+json']")
    assert not tree.xpath("//meta[contains(@property, 'published_time')]")
    assert not tree.xpath("//time")


# -- georgiatoday.ge ---------------------------------------------------------------------------


@pytest.mark.slow
def test_georgiatoday_feed_is_broken(mirror, profiles):
    feed = fetch(mirror, "https://georgiatoday.ge/feed/")
    assert feed.status == 500 and feed.content_type.startswith("text/html")
    assert "critical error" in feed.text
    category_feed = fetch(mirror, "https://georgiatoday.ge/category/business/feed/")
    assert category_feed.status == 200 and category_feed.content_type.startswith("text/html")
    assert category_feed.text.lstrip().lower().startswith("<!doctype html")
    assert not profiles["georgiatoday_ge"].feeds


@pytest.mark.slow
def test_georgiatoday_sitemaps_and_listings_each_lead_to_every_post(mirror, profiles):
    profile = profiles["georgiatoday_ge"]
    by_sitemap, _ = discover(mirror, profile, kinds=("robots",))
    by_listing, _ = discover(mirror, profile, kinds=("listings",))
    assert urls("georgiatoday_ge") <= by_sitemap
    assert urls("georgiatoday_ge") <= by_listing
    kind, locs = sitemap_locs(fetch(mirror, "https://georgiatoday.ge/news-sitemap.xml"))
    assert kind == "urlset" and len(locs) == 3


@pytest.mark.slow
def test_georgiatoday_post_markup(mirror):
    url = "https://georgiatoday.ge/government-announces-new-program-to-support-tourism-in-mountain-regions/"
    tree = fetch(mirror, url).tree
    assert tree.xpath("string(//div[@class='entry-header']//div[@class='jeg_meta_date'])") == (
        "July 7, 2026"
    )
    assert tree.xpath("string(//h1[@class='jeg_post_title'])").startswith("Government Announces")
    assert tree.xpath("//meta[@property='article:published_time']/@content") == [
        "2026-07-07T13:15:00+04:00"
    ]
    # the first <article> of the page is a teaser of the inline "Read also" block
    first = tree.xpath("(//article)[1]")[0]
    assert "jeg_post" in first.get("class") and not first.xpath(".//h1")
    assert tree.xpath(
        "//div[contains(@class, 'content-inner')]//div[@class='jnews_inline_related_post_wrapper']"
    )
    old = fetch(
        mirror,
        "https://georgiatoday.ge/news/18342/Kakheti-Harvest-Season-Begins-with-Rtveli-Festivities",
    )
    assert old.status == 200


# -- interpressnews.ge -------------------------------------------------------------------------


@pytest.mark.slow
def test_interpressnews_has_no_rss_but_a_json_endpoint(mirror, profiles):
    for edition in ("ka", "en", "ru"):
        assert fetch(mirror, f"https://interpressnews.ge/{edition}/rss/").status == 404
    profile = profiles["interpressnews_ge"]
    assert not profile.feeds and len(profile.json_listings) == 3
    found, fetched = discover(mirror, profile, kinds=("json",))
    assert urls("interpressnews_ge") <= found
    last = json.loads(fetch(mirror, "https://interpressnews.ge/en/api/latest?page=4").body)
    assert last["results"] == [] and last["next"] is None
    assert fetch(mirror, "https://interpressnews.ge/en/api/latest?page=9").status == 404


@pytest.mark.slow
def test_interpressnews_listings_carry_microdata_and_lead_to_every_article(mirror, profiles):
    found, _ = discover(mirror, profiles["interpressnews_ge"], kinds=("listings",))
    assert urls("interpressnews_ge") <= found
    tree = fetch(mirror, "https://interpressnews.ge/ka/").tree
    items = tree.xpath(
        "//*[substring(@itemtype, string-length(@itemtype) - 17) = 'schema.org/Article']"
    )
    assert len(items) == 3
    for item in items:
        assert item.xpath(".//a[@itemprop='url']/@href")[0].startswith("/ka/article/")
        assert item.xpath(".//time/@datetime")[0].endswith("+04:00")


@pytest.mark.slow
def test_interpressnews_links_articles_with_and_without_the_slash(mirror, profiles):
    """As real articles are cited: the listings link /<id>-<slug>/, the "latest news" column
    /<id>-<slug>; the profile takes both for articles, and the second redirects."""
    profile = profiles["interpressnews_ge"]
    page = fetch(mirror, "https://interpressnews.ge/en/")
    listed = page.tree.xpath("//div[@class='newslist']//a[@itemprop='url']/@href")
    latest = page.tree.xpath("//div[@class='latestnews']//a/@href")
    assert listed and all(href.endswith("/") for href in listed)
    assert latest and not any(href.endswith("/") for href in latest)
    for href in latest:
        url = urljoin("https://interpressnews.ge/", href)
        assert profile.is_article_url(url) and profile.is_article_url(url + "/")
        moved = fetch(mirror, url, follow=False)
        assert moved.status == 301 and moved.headers["Location"] == url + "/"
        assert site_of("interpressnews_ge").article(url + "/") is not None


@pytest.mark.slow
def test_interpressnews_article_dates_are_visible_only(mirror):
    tree = fetch(
        mirror,
        "https://interpressnews.ge/ka/article/812904-tbilisshi-eqvsi-akhali-sabavshvo-baghi-gaikhsneba/",
    ).tree
    assert tree.xpath("string(//div[@class='articledate'])") == "24 აგვისტო 2026, 12:40"
    assert tree.xpath("string(//div[@class='articlecatname'])") == "საზოგადოება"
    assert (
        tree.xpath("string(//h1[@class='articletitle'])")
        == "თბილისში ექვსი ახალი საბავშვო ბაღი გაიხსნება"
    )
    assert not tree.xpath(
        "//*[@itemprop='datePublished'] | //time | //script[@type='application/ld+json']"
    )
    russian = fetch(
        mirror,
        "https://interpressnews.ge/ru/article/803318-denezhnye-perevody-v-gruziyu-v-oktyabre-vyrosli/",
    )
    assert russian.tree.xpath("string(//div[@class='articledate'])") == "12 ноября 2025, 15:20"


# -- netgazeti.ge ------------------------------------------------------------------------------


@pytest.mark.slow
def test_netgazeti_feed_declares_english_and_has_no_descriptions(mirror):
    page = fetch(mirror, "https://netgazeti.ge/feed/")
    root = ET.fromstring(page.body)
    assert root.findtext("./channel/language") == "en-US"
    site = site_of("netgazeti_ge")
    sections = site.edition("ka")["categories"]
    links = [item.findtext("link") for item in root.findall("./channel/item")]
    # as in the real feed: news posts and opinion pieces, each under its own section's path
    assert {urlsplit(link).path.split("/")[1] for link in links} == {"news", "opinion"}
    for item in root.findall("./channel/item"):
        article = site.article(item.findtext("link"))
        assert item.find("description") is None
        categories = [c.text for c in item.findall("category")]
        assert categories[0] == sections[article.path.split("/")[1]]  # the permalink's section
        assert categories == [*site.category_names(article), *article.tags]
        assert item.findtext("guid") == f"https://netgazeti.ge/?p={article.slug}"
        creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        assert re.search("[\u10d0-\u10ff]", creator)
        assert parsedate_to_datetime(item.findtext("pubDate")) == article.published


@pytest.mark.slow
def test_netgazeti_pages_declare_english_but_are_georgian(mirror, profiles):
    url = "https://netgazeti.ge/news/724518/"
    tree = fetch(mirror, url).tree
    assert tree.get("lang") == "en-US"
    assert tree.xpath("//meta[@property='og:locale']/@content") == ["en_US"]
    assert tree.xpath("//time[contains(@class, 'published')]/@datetime") == [
        "2026-06-30T17:50:00+04:00"
    ]
    assert tree.xpath("string(//time[contains(@class, 'published')])") == "30 ივნისი, 2026"
    found, _ = discover(mirror, profiles["netgazeti_ge"], kinds=("listings",))
    assert urls("netgazeti_ge") <= found
    page2 = fetch(mirror, "https://netgazeti.ge/category/news/page/2/")
    assert page2.status == 200
    moved = fetch(mirror, "https://netgazeti.ge/category/news/page/2", follow=False)
    assert moved.status == 301


@pytest.mark.slow
def test_netgazeti_feed_leads_to_opinion_posts_the_crawl_archives(mirror, tmp_path):
    """A crawl of this module's mirror that starts from the feed alone (no listings, no
    sitemaps) archives the opinion pieces the feed carries as articles, with the text their
    pages show."""
    builtin = (PROFILES_DIR / "netgazeti_ge.toml").read_text(encoding="utf-8")
    start = re.search(r"^\[start\]\n(?:.+\n)+", builtin, re.MULTILINE)
    assert start, "the built-in profile has a [start] table"
    feed_only = '[start]\nfeeds = ["https://netgazeti.ge/feed/"]\nrobots_sitemaps = false\n'
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "netgazeti_ge.toml").write_text(
        builtin.replace(start.group(0), feed_only), encoding="utf-8"
    )
    db = tmp_path / "archive.db"
    profiles_dir = str(tmp_path / "profiles")
    run_cli(
        "--profiles",
        profiles_dir,
        "crawl",
        "netgazeti_ge",
        "--mirror",
        mirror.address,
        "--db",
        str(db),
    )
    site = site_of("netgazeti_ge")
    opinions = [a for a in site.newest("ka") if a.path.startswith("/opinion/")]
    assert opinions, "the feed carries opinion posts"
    with Archive(db) as archive:
        for article in opinions:
            stored = article_at(archive, article.url)
            assert stored is not None, f"{article.url} was not archived"
            assert stored["title"] == article.title
            assert stored["published"] == article.published.isoformat()
            assert stored["body"].split("\n\n") == [normalise_text(p) for p in article.paragraphs]
            page = archive.db.execute("SELECT outcome FROM pages WHERE url = ?", [article.url])
            assert page.fetchone()[0] == "article"


# -- bm.ge -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_bm_rss_is_forbidden_and_listings_are_date_ranges(mirror, profiles):
    assert fetch(mirror, "https://bm.ge/rss").status == 403
    home = fetch(mirror, "https://bm.ge/ka/")
    ranges = [h for h in home.hrefs() if "/all-news/" in h]
    assert ranges
    assert re.fullmatch(
        r"https://bm\.ge/ka/all-news/\d\d\.\d\d\.\d{4}-\d\d\.\d\d\.\d{4}/1/", ranges[0]
    )
    assert ranges[0] == "https://bm.ge/ka/all-news/05.03.2024-25.10.2026/1/"
    second = fetch(mirror, ranges[0].replace("/1/", "/2/"))
    assert second.status == 200
    found, _ = discover(mirror, profiles["bm_ge"], kinds=("listings",))
    assert urls("bm_ge") <= found


@pytest.mark.slow
def test_bm_category_listings_have_no_trailing_slash(mirror, profiles):
    """As the real site links them (/en/category/economy); pages go on with ?page=N."""
    profile = profiles["bm_ge"]
    home = fetch(mirror, "https://bm.ge/en/")
    categories = [h for h in home.hrefs() if "/category/" in h]
    assert "https://bm.ge/en/category/economy" in categories
    for url in categories:
        assert not url.endswith("/") and profile.is_listing_url(url), url
        assert not profile.is_article_url(url), url
    economy = fetch(mirror, "https://bm.ge/en/category/economy")
    assert economy.status == 200
    assert next_page(economy) == ["https://bm.ge/en/category/economy?page=2"]
    assert profile.is_listing_url(next_page(economy)[0])
    assert fetch(mirror, "https://bm.ge/en/category/economy?page=2").status == 200
    moved = fetch(mirror, "https://bm.ge/en/category/economy/", follow=False)
    assert moved.status == 301
    assert moved.headers["Location"] == "https://bm.ge/en/category/economy"


@pytest.mark.slow
def test_bm_tv_pieces_are_tv_inner_with_latin_slugs(mirror, profiles):
    """BM TV pieces: /<ed>/tv-inner/<transliterated slug>/<id>, listed with the articles;
    their video is an embed above the text."""
    site = site_of("bm_ge")
    tv = [a for a in site.articles if "/tv-inner/" in a.url]
    assert len(tv) >= 2
    listed = set(fetch(mirror, "https://bm.ge/ka/all-news/05.03.2024-25.10.2026/1/").hrefs())
    for article in tv:
        assert re.fullmatch(r"https://bm\.ge/ka/tv-inner/[a-z0-9-]+/\d+", article.url)
        assert profiles["bm_ge"].is_article_url(article.url)
        tree = fetch(mirror, article.url).tree
        assert tree.xpath("//article//iframe[contains(@src, 'youtube.com/embed/')]")
        schema = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
        assert schema["video"]["@type"] == "VideoObject"
    assert tv[0].url in listed  # the newest Georgian piece is on the first page
    assert "---" in tv[0].url  # " - " of the title, as the real links write it


@pytest.mark.slow
def test_bm_georgian_urls_are_percent_encoded_georgian(mirror):
    site = site_of("bm_ge")
    for article in site.select("ka"):
        if "/tv-inner/" in article.url:
            continue  # Latin slugs (above)
        slug = unquote(urlsplit(article.url).path.split("/")[3])
        assert re.search("[\u10d0-\u10ff]", slug) and "%E1%83" in article.url
        tree = fetch(mirror, article.url).tree
        assert tree.xpath("//link[@rel='canonical']/@href") == [article.url]
        schema = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
        assert schema["@type"] == "NewsArticle"
        assert schema["datePublished"] == article.published.isoformat()


@pytest.mark.slow
def test_bm_markup_is_utility_classes(mirror):
    """Tailwind: no class names the body, the date or the sections; the date and the
    sections are in the JSON-LD and as plain text and links above the title."""
    url = "https://bm.ge/en/article/remittances-to-georgia-decline-slightly-in-june/186004"
    tree = fetch(mirror, url).tree
    classes = {c for value in tree.xpath("//@class") for c in value.split()}
    assert {"flex", "text-gray-800", "lg:col-span-8"} <= classes
    assert not {c for c in classes if c.startswith(("article", "news", "post", "entry"))}
    meta = tree.xpath("//article/div[1]")[0]
    assert meta.xpath("string(span)") == "09 Jul 2026 12:10"
    assert [a.text for a in meta.xpath("a")] == ["Economy", "Finance"]
    schema = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
    assert schema["articleSection"] == ["Economy", "Finance"]
