"""Every outlet of the mirror, crawled as the demo crawls it, against the mirror's own data.

The mirror's article files say what each page shows (title, date, categories, language,
paragraphs); a crawl of the whole mirror must store exactly that, once, for every story. The
labelled copies (mirror/duplicates.toml: agency items reprinted by other outlets, re-posts
and updates) are one story each: one of its articles is stored, whichever the crawl met
first, and every other is a row of `duplicates` that points to it.
"""

from __future__ import annotations

import pytest
from conftest import article_at

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror.content import copy_groups, labelled_pairs, load_sites
from caucasus_crawler.normalise import normalise_text
from caucasus_crawler.profiles import load_profiles

SITES = load_sites()
ARTICLES = [(site, article) for site in SITES for article in site.articles]
# The labelled copies, one set of URLs per story; every other article is a story of its own.
COPY_GROUPS = [sorted(group) for group in copy_groups(labelled_pairs(sites=SITES))]
IN_A_GROUP = {url for group in COPY_GROUPS for url in group}
SINGLES = [(site, article) for site, article in ARTICLES if article.url not in IN_A_GROUP]
BY_URL = {article.url: (site, article) for site, article in ARTICLES}
STORIES = len(ARTICLES) - sum(len(group) - 1 for group in COPY_GROUPS)
# Words of the outlets' widgets that must never reach a stored body.
BOILERPLATE = (
    "Listen to this article",
    "Also Read",
    "URL Copied",
    "Read Next",
    "Adblock",
    "Share",
    "Read also",
    "Follow us",
    "Subscribe",
    "This post is also available",
    "Կարդացեք նաև",
    "ასევე წაიკითხეთ",
    "Читайте также",
    "Daha ətraflı",
)


@pytest.fixture(scope="module")
def archive(demo):
    """The archive of the session's demo crawls (see conftest.py)."""
    with Archive(demo[0]) as opened:
        yield opened


def test_every_mirror_site_has_a_profile():
    profiles = load_profiles()
    hosts = {site.host for site in SITES}
    for host in hosts:
        assert any(p.owns(f"https://{host}/") for p in profiles.values()), host


def assert_stored_as_shown(archive: Archive, site, expected) -> dict:
    """The stored article of `expected`'s URL holds what its page shows; returns it."""
    stored = article_at(archive, expected.url)
    assert stored is not None, f"{expected.url} was not archived"
    assert stored["title"] == expected.title
    assert stored["published"] == expected.published.isoformat()
    assert stored["language"] == expected.language
    categories = set(stored["categories"])
    assert set(site.category_names(expected)) <= categories
    assert categories <= site.category_vocabulary(expected.language)
    body = stored["body"]
    for word in BOILERPLATE:
        if not any(word in paragraph for paragraph in expected.paragraphs):
            assert word not in body
    assert body.split("\n\n") == [normalise_text(p) for p in expected.paragraphs]
    return stored


@pytest.mark.parametrize(
    ("site", "expected"), SINGLES, ids=[a.url.split("://")[1] for _, a in SINGLES]
)
def test_each_article_is_stored_as_its_page_shows_it(archive, site, expected):
    assert_stored_as_shown(archive, site, expected)


@pytest.mark.parametrize(
    "group", COPY_GROUPS, ids=[min(g, key=lambda u: BY_URL[u][1].published) for g in COPY_GROUPS]
)
def test_each_labelled_copy_is_a_duplicate_of_the_one_stored_article(archive, group):
    stored = [url for url in group if archive.article_id_for_url(url) is not None]
    assert len(stored) == 1, f"stored as articles: {stored}"
    kept = assert_stored_as_shown(archive, *BY_URL[stored[0]])
    profiles = load_profiles().values()
    for url in group:
        if url == kept["url"]:
            continue
        rows = list(archive.db["duplicates"].rows_where("url = ?", [url]))
        assert len(rows) == 1, f"{url} has {len(rows)} duplicates rows"
        row = rows[0]
        assert row["article_id"] == kept["id"]
        assert row["kind"] in ("exact", "near", "url")
        if row["kind"] == "near":
            assert 0 < row["similarity"] <= 1
        assert row["site"] == next(p.name for p in profiles if p.owns(url))


def test_no_article_is_stored_twice(archive):
    titles = [row[0] for row in archive.db.execute("SELECT title FROM articles")]
    assert len(titles) == len(set(titles)) == STORIES
