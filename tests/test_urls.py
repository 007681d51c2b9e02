"""URL identity: canonical_url (the spelling we fetch and store) and url_key (the identity
duplicate detection compares), on a table of real outlets' URL pairs; property tests
(hypothesis) that both never raise and are idempotent; and the aliases extraction reads
from a page (WordPress shortlink, AMP page, og:url) for what no URL rule can know."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from caucasus_crawler.extract import extract_article
from caucasus_crawler.extract.metadata import extract_aliases, extract_canonical
from caucasus_crawler.extract.page import Page
from caucasus_crawler.profiles import load_profiles
from caucasus_crawler.urls import canonical_url, url_key

GE_SLUG = "ლარი-დოლარის-მიმართ-გამყარდა"  # bm.ge's Georgian article slugs
HY_SLUG = "ջրի-պակասը-գյուղերում"
RU_TAG = "батуми"


def lower_escapes(text: str) -> str:
    """Percent-encoded with lower-case hex, as WordPress writes its links."""
    return quote(text).lower()


# (a, b, same page?): url_key(a) == url_key(b) exactly when the third column says so.
PAIRS = [
    # scheme, host case, www, ports, trailing slash, fragment
    ("HTTPS://CIVIL.GE/archives/626112", "https://civil.ge/archives/626112", True),
    ("http://civil.ge/archives/626112", "https://civil.ge/archives/626112", True),
    (
        "https://www.oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
        True,
    ),
    ("https://news.am:443/eng/news/912530.html", "https://news.am/eng/news/912530.html", True),
    (
        "http://report.az:80/en/energy/caspian-well",
        "https://report.az/en/energy/caspian-well",
        True,
    ),
    ("https://jam-news.net/erevanum-nor-kamurj/", "https://jam-news.net/erevanum-nor-kamurj", True),
    ("https://netgazeti.ge/news/731204/", "https://netgazeti.ge/news/731204", True),
    ("https://netgazeti.ge/opinion/733050/", "https://netgazeti.ge/opinion/733050", True),
    # interpressnews.ge articles are cited with and without the slash (evidence/README.md)
    (
        "https://www.interpressnews.ge/ka/article/788195-btu-m-umsxvilesi-studenturi-ai-hackathon-chaatara",
        "https://interpressnews.ge/ka/article/788195-btu-m-umsxvilesi-studenturi-ai-hackathon-chaatara/",
        True,
    ),
    ("https://bm.ge/en/category/economy/", "https://bm.ge/en/category/economy", True),
    (
        "https://apa.az/en/sport/baku-to-host-european-youth-weightlifting-championship-910268"
        "#comments",
        "https://apa.az/en/sport/baku-to-host-european-youth-weightlifting-championship-910268",
        True,
    ),
    ("https://civil.ge./archives/626112", "https://civil.ge/archives/626112", True),
    ("https://news.am/eng/news/../news/912530.html", "https://news.am/eng/news/912530.html", True),
    # tracking parameters
    (
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/?utm_source=facebook"
        "&utm_medium=social&utm_campaign=daily",
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
        True,
    ),
    (
        "https://jam-news.net/erevanum-nor-kamurj/?fbclid=IwAR2xYz0_abc",
        "https://jam-news.net/erevanum-nor-kamurj/",
        True,
    ),
    (
        "https://www.trend.az/business/energy/4490356.html?gclid=Cj0KCQ&utm_source=tg#share",
        "https://www.trend.az/business/energy/4490356.html",
        True,
    ),
    (
        "https://civilnet.am/en/news/786410/?id=5&utm_content=x",
        "https://civilnet.am/en/news/786410/?id=5",
        True,
    ),
    # AMP variants
    (
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/amp/",
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
        True,
    ),
    ("https://civil.ge/archives/626112/amp", "https://civil.ge/archives/626112", True),
    (
        "https://jam-news.net/erevanum-nor-kamurj/?amp",
        "https://jam-news.net/erevanum-nor-kamurj/",
        True,
    ),
    (
        "https://georgiatoday.ge/new-program-to-support-tourism/?amp=1",
        "https://georgiatoday.ge/new-program-to-support-tourism/",
        True,
    ),
    (
        "https://eurasianet.org/armenia-azerbaijan-reopen-direct-trade-talks?outputType=amp",
        "https://eurasianet.org/armenia-azerbaijan-reopen-direct-trade-talks",
        True,
    ),
    (
        "https://amp.report.az/en/energy/caspian-well",
        "https://report.az/en/energy/caspian-well",
        True,
    ),
    # percent-encoding: raw Unicode, lower-case and upper-case escapes, unreserved characters
    (
        f"https://bm.ge/ka/article/{GE_SLUG}/187551",
        f"https://bm.ge/ka/article/{lower_escapes(GE_SLUG)}/187551",
        True,
    ),
    (
        f"https://bm.ge/ka/article/{lower_escapes(GE_SLUG)}/187551",
        f"https://bm.ge/ka/article/{quote(GE_SLUG)}/187551",
        True,
    ),
    (
        f"https://civilnet.am/hy/news/786410/{HY_SLUG}/",
        f"https://civilnet.am/hy/news/786410/{lower_escapes(HY_SLUG)}/",
        True,
    ),
    (
        f"https://civil.ge/ru/archives/tag/{RU_TAG}",
        f"https://civil.ge/ru/archives/tag/{lower_escapes(RU_TAG)}",
        True,
    ),
    (
        "https://apa.az/en/foreign-policy/azerbaijan%2Dgeorgia%5Ftalks-917012",
        "https://apa.az/en/foreign-policy/azerbaijan-georgia_talks-917012",
        True,
    ),
    ("https://oc-media.org/?s=border+bridge", "https://oc-media.org/?s=border%20bridge", True),
    # query order
    (
        "https://caucasuswatch.de/en/news.html?tx_news_pi1%5BcurrentPage%5D=2&cHash=16f1c8d2",
        "https://caucasuswatch.de/en/news.html?cHash=16f1c8d2&tx_news_pi1%5BcurrentPage%5D=2",
        True,
    ),
    ("https://azatutyun.am/z/2033?p=1&tab=news", "https://azatutyun.am/z/2033?tab=news&p=1", True),
    # all at once
    (
        "http://WWW.Civil.ge:80/ka/archives/626112/amp/?utm_source=fb&amp=1#respond",
        "https://civil.ge/ka/archives/626112",
        True,
    ),
    # language prefixes and language subdomains are other pages
    ("https://civil.ge/ka/archives/626112", "https://civil.ge/archives/626112", False),
    ("https://civil.ge/ka/archives/626112", "https://civil.ge/ru/archives/626112", False),
    ("https://civil.ge/ka/", "https://civil.ge/", False),
    ("https://hetq.am/en/article/171690", "https://hetq.am/hy/article/171690", False),
    ("https://news.am/eng/news/912530.html", "https://news.am/arm/news/912530.html", False),
    (
        "https://www.trend.az/business/energy/4490356.html",
        "https://az.trend.az/business/energy/4490356.html",
        False,
    ),
    ("https://ru.trend.az/latest/", "https://www.trend.az/latest/", False),
    # ids in queries
    ("https://civil.ge/?p=626112", "https://civil.ge/?p=626113", False),
    ("https://jam-news.net/am/?p=485606", "https://jam-news.net/?p=485606", False),
    ("https://civil.ge/?p=626112", "https://civil.ge/", False),
    (
        "https://interpressnews.ge/en/api/latest?page=2",
        "https://interpressnews.ge/en/api/latest?page=3",
        False,
    ),
    (
        "https://news.am/eng/news/allregions/allthemes/?page=2",
        "https://news.am/eng/news/allregions/allthemes/",
        False,
    ),
    ("https://civilnet.am/en/news/786410/?id=5", "https://civilnet.am/en/news/786410/?id=6", False),
    # a shortlink or node path and its permalink: only the page can tell (see aliases below)
    ("https://civil.ge/?p=626112", "https://civil.ge/archives/626112", False),
    ("https://agenda.ge/node/85831", "https://agenda.ge/en/news/2026/2841", False),
    # path case, reserved escapes, other hosts and ports, "amp" not as the last segment
    ("https://azatutyun.am/a/33415093.html", "https://azatutyun.am/A/33415093.html", False),
    ("https://oc-media.org/Features/border/", "https://oc-media.org/features/border/", False),
    ("https://oc-media.org/a%2Fb", "https://oc-media.org/a/b", False),
    ("https://civil.ge:8443/archives/626112", "https://civil.ge/archives/626112", False),
    ("https://news.am/eng/news/912530.html", "https://news.az/eng/news/912530.html", False),
    ("https://azatutyun.am/amp/33415093.html", "https://azatutyun.am/a/33415093.html", False),
    (
        "https://jam-news.net/amplified-voices/",
        "https://jam-news.net/amplified-voices/amp/x",
        False,
    ),
    ("https://amp.az/news/1", "https://az/news/1", False),
    (
        "https://eurasianet.org/armenia-trade?outputType=print",
        "https://eurasianet.org/armenia-trade",
        False,
    ),
]


def test_the_table_covers_enough_pairs():
    assert len(PAIRS) >= 40
    assert sum(same for *_, same in PAIRS) >= 20 and sum(not s for *_, s in PAIRS) >= 20


@pytest.mark.parametrize(("a", "b", "same"), PAIRS)
def test_url_key_says_whether_two_urls_are_one_page(a, b, same):
    assert (url_key(a) == url_key(b)) is same
    # the key is computed from the canonical spelling, and is a fixed point
    assert url_key(canonical_url(a)) == url_key(a)
    assert url_key(url_key(b)) == url_key(b)


# canonical_url: what we fetch and store, so only what never changes the page goes.
CANONICAL = [
    (
        "HTTPS://Civil.GE:443/ka/archives/626112?utm_source=fb&id=2#x",
        "https://civil.ge/ka/archives/626112?id=2",
    ),
    # www, http and the trailing slash are kept: they are the site's own spelling to fetch
    (
        "http://www.oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
        "http://www.oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
    ),
    (
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/amp/",
        "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/",
    ),
    ("https://civil.ge/archives/626112/amp", "https://civil.ge/archives/626112"),
    (
        "https://amp.report.az/en/energy/caspian-well?amp=1",
        "https://report.az/en/energy/caspian-well",
    ),
    ("https://civil.ge/?amp", "https://civil.ge/"),
    ("https://amp.az/news/1", "https://amp.az/news/1"),  # "az" is no site: the host stays
    (  # bm.ge's TV pieces: "---" (a transliterated " - ") is kept as it is
        "https://bm.ge/ka/tv-inner/tibisi-startaperis-partniori---sambrela/30183#video",
        "https://bm.ge/ka/tv-inner/tibisi-startaperis-partniori---sambrela/30183",
    ),
    (
        f"https://bm.ge/ka/article/{lower_escapes(GE_SLUG)}/187551",
        f"https://bm.ge/ka/article/{quote(GE_SLUG)}/187551",
    ),
    (
        f"https://civil.ge/ru/archives/tag/{RU_TAG}",
        "https://civil.ge/ru/archives/tag/%D0%B1%D0%B0%D1%82%D1%83%D0%BC%D0%B8",
    ),
    (
        "https://caucasuswatch.de/en/news.html?tx_news_pi1%5BcurrentPage%5D=2&cHash=16f1c8d2",
        "https://caucasuswatch.de/en/news.html?cHash=16f1c8d2&tx_news_pi1%5BcurrentPage%5D=2",
    ),
    ("https://civil.ge/?p=626112&utm_medium=social", "https://civil.ge/?p=626112"),
    (
        "https://az.trend.az/business/energy/4490356.html",
        "https://az.trend.az/business/energy/4490356.html",
    ),
    ("http://[::1]:8080/a?utm_source=x#top", "http://[::1]:8080/a"),
    ("https:////x", "https:///x"),  # an empty host: the path must not become one
    ("http://[::1/", "http://[::1/"),  # not a URL: back as given
]


@pytest.mark.parametrize(("url", "canonical"), CANONICAL)
def test_canonical_url_is_the_fetchable_spelling(url, canonical):
    assert canonical_url(url) == canonical


def test_url_key_spelling():
    assert url_key("http://www.civil.ge/ka/archives/626112/") == (
        "https://civil.ge/ka/archives/626112"
    )
    assert url_key("http://www.civil.ge/") == "https://civil.ge/"  # the root keeps its slash
    assert url_key("http://civil.ge:443/") == "https://civil.ge/"


# -- properties ---------------------------------------------------------------------------------
_piece = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_segment = st.one_of(
    _piece,
    st.sampled_from(
        [
            "amp",
            "AMP",
            "ka",
            "en",
            "ru",
            "archives",
            "626112",
            GE_SLUG,
            HY_SLUG,
            lower_escapes(GE_SLUG),
            quote(HY_SLUG),
            "%7E",
            "%2F",
            "%2f",
            ".",
            "..",
            "",
            "a%20b",
        ]
    ),
)
_host = st.one_of(
    _piece,
    st.sampled_from(
        [
            "civil.ge",
            "WWW.News.AM",
            "www.www.oc-media.org",
            "amp.report.az",
            "www.amp.apa.az",
            "amp.az",
            "en.trend.az",
            "xn--80ak6aa92e.com",
            "ქართული.გე",
            "report.az.",
            "www.",
        ]
    ),
    st.ip_addresses().map(lambda ip: f"[{ip}]" if ip.version == 6 else str(ip)),
)
_port = st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999", ":abc", ":-1"])
_key = st.sampled_from(
    ["utm_source", "id", "p", "fbclid", "q", "", "a b", "amp", "outputType", "page", "%41"]
)
_value = st.one_of(_piece, st.sampled_from(["amp", "1", "", "+", "%2B", "ბ", "%e1%83%91"]))
_query = st.lists(st.tuples(_key, _value), max_size=4).map(
    lambda pairs: "&".join(f"{k}={v}" if v or k else k for k, v in pairs)
)
URLS = st.one_of(
    st.text(),
    st.builds(
        lambda scheme, host, port, segments, slash, query, fragment: (
            f"{scheme}://{host}{port}/{'/'.join(segments)}{slash}?{query}#{fragment}"
        ),
        st.sampled_from(["http", "https", "HTTPS", "ftp", "", "javascript"]),
        _host,
        _port,
        st.lists(_segment, max_size=5),
        st.sampled_from(["", "/", "//"]),
        _query,
        _piece,
    ),
)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(URLS)
@example("http://[::1/")  # an unclosed IPv6 bracket: urlsplit raises
@example("https://civil.ge:99999/x")  # a port out of range: .port raises
@example("https:////x")  # an empty host: the path must not become one
@example("http://[::1]:8080/a?utm_source=x#top")
@example("http://www.amp.civil.ge:443/x/amp/amp//?amp&b=2&a=1")
@example("https://civil.ge/x/amp//")
def test_canonical_url_and_url_key_never_raise_and_are_idempotent(url):
    canonical = canonical_url(url)
    key = url_key(url)
    assert isinstance(canonical, str) and isinstance(key, str)
    assert canonical_url(canonical) == canonical
    assert url_key(key) == key
    assert url_key(canonical) == key


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["id", "p", "page", "lang", "tx_news[page]", "q"]), _piece),
        min_size=1,
        max_size=5,
        unique_by=lambda pair: pair[0],
    ),
    st.randoms(use_true_random=False),
)
def test_query_order_does_not_matter_but_values_do(pairs, rng: random.Random):
    def url(items):
        return "https://azatutyun.am/z/2033?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in items)

    shuffled = list(pairs)
    rng.shuffle(shuffled)
    assert canonical_url(url(pairs)) == canonical_url(url(shuffled))
    changed = [(k, v + "1") for k, v in pairs]
    assert url_key(url(pairs)) != url_key(url(changed))


@settings(max_examples=150, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0x10D0, max_codepoint=0x10FA), min_size=1, max_size=20)
    | st.text(st.characters(min_codepoint=0x0561, max_codepoint=0x0586), min_size=1, max_size=20)
)
def test_georgian_and_armenian_paths_have_one_spelling(slug):
    spellings = {
        canonical_url(f"https://civil.ge/ka/archives/tag/{form}")
        for form in (slug, quote(slug), lower_escapes(slug))
    }
    assert len(spellings) == 1


# -- rel=canonical and aliases read from the page -----------------------------------------------
BODY = "".join(
    f"<p>The new bridge over the Hrazdan river in Yerevan will open in spring, the city said. "
    f"Paragraph {n} of the report on its construction and the traffic it will carry.</p>"
    for n in range(4)
)


def page_html(head: str) -> str:
    return (
        f'<html lang="en"><head><meta property="og:type" content="article">{head}</head>'
        f"<body><article><h1>Bridge to open in spring</h1>{BODY}</article></body></html>"
    )


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


PERMALINK = "https://oc-media.org/azerbaijan-expands-alat-ferry-terminal/"


def test_a_wordpress_shortlink_is_an_alias_of_the_permalink(profiles):
    html = page_html(
        f'<link rel="canonical" href="{PERMALINK}">'
        "<link rel='shortlink' href='https://oc-media.org/?p=397632' />"
        f'<link rel="amphtml" href="{PERMALINK}amp/">'
        f'<meta property="og:url" content="{PERMALINK}">'
    )
    article = extract_article(html, PERMALINK, profiles["oc_media"])
    assert article.url == PERMALINK
    # the AMP page canonicalises to the permalink itself: no alias needed for it
    assert article.aliases == ["https://oc-media.org/?p=397632"]


def test_the_fetched_url_is_an_alias_when_rel_canonical_names_another(profiles):
    html = page_html(
        f'<link rel="canonical" href="{PERMALINK}">'
        "<link rel='shortlink' href='https://oc-media.org/?p=397632' />"
    )
    fetched = "https://oc-media.org/?p=397632&utm_source=telegram"
    article = extract_article(html, fetched, profiles["oc_media"])
    assert article.url == PERMALINK
    assert article.aliases == ["https://oc-media.org/?p=397632"]  # once, canonicalised
    # fetched at another spelling of the permalink: nothing to add
    other = extract_article(html, "http://www.oc-media.org/azerbaijan-expands-alat-ferry-terminal")
    assert other.aliases == ["https://oc-media.org/?p=397632"]


def test_amphtml_and_og_url_on_the_site_are_aliases(profiles):
    url = "https://www.azatutyun.am/a/33415093.html"
    html = page_html(
        f'<link rel="canonical" href="{url}">'
        '<link rel="amphtml" href="https://www.azatutyun.am/amp/33415093.html">'
        '<meta property="og:url" content="https://www.azatutyun.am/a/33415093.html?ref=og">'
    )
    page = Page.from_html(html, url)
    assert extract_aliases(page, profiles["azatutyun_am"], url) == [
        "https://www.azatutyun.am/amp/33415093.html",
        "https://www.azatutyun.am/a/33415093.html?ref=og",
    ]


def test_aliases_on_other_sites_or_on_home_and_listing_pages_are_ignored(profiles):
    url = "https://civil.ge/archives/626112"
    html = page_html(
        f'<link rel="canonical" href="{url}">'
        "<link rel='shortlink' href='https://wp.me/p9xYz-2Cq8' />"  # a shortener elsewhere
        '<link rel="amphtml" href="https://civil-ge.cdn.ampproject.org/c/s/civil.ge/archives/626112">'
        '<meta property="og:url" content="https://civil.ge.aggregator.example/archives/626112">'
        '<meta property="og:url" content="https://civil.ge/">'  # a template's home page
        '<meta property="og:url" content="https://civil.ge/archives/category/news">'  # a listing
        '<link rel="shortlink" href="javascript:void(0)">'
    )
    page = Page.from_html(html, url)
    assert extract_aliases(page, profiles["civil_ge"], url) == []
    assert extract_aliases(page, None, url) == ["https://civil.ge/archives/category/news"]


def test_aliases_on_another_host_of_the_same_outlet_are_kept(profiles):
    # Trend's hosts are one outlet: its profile owns them all. An old English link on
    # en.trend.az names the page's present host, www.trend.az, in og:url.
    url = "https://en.trend.az/business/energy/4490356.html"
    html = page_html(
        '<meta property="og:url" content="https://www.trend.az/business/energy/4490356.html">'
    )
    page = Page.from_html(html, url)
    assert extract_aliases(page, profiles["trend_az"], url) == [
        "https://www.trend.az/business/energy/4490356.html"
    ]
    assert extract_aliases(page, None, url) == []  # without the profile: another host


@pytest.mark.parametrize(
    ("href", "trusted"),
    [
        ("https://civil.ge/archives/626112", True),
        ("/archives/626112", True),
        ("https://www.civil.ge/archives/626112", True),
        ("https://civil.ge.example.com/archives/626112", False),  # a look-alike host
        ("https://aggregator.example.com/civil.ge/archives/626112", False),
        ("https://civil.ge/", False),  # the home page
        ("ftp://civil.ge/archives/626112", False),
    ],
)
def test_rel_canonical_is_trusted_only_on_the_same_site(href, trusted, profiles):
    fetched = "https://civil.ge/archives/626112?utm_source=rss"
    page = Page.from_html(page_html(f'<link rel="canonical" href="{href}">'), fetched)
    canonical = extract_canonical(page, profiles["civil_ge"])
    assert (canonical != fetched) is trusted
