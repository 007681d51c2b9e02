"""Every outlet of the mirror, crawled as the demo crawls it, against the mirror's own data.

The mirror's article files say what each page shows (title, date, categories, language,
paragraphs); a crawl of the whole mirror must store exactly that, once, for every article.
"""

from __future__ import annotations

import pytest

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror.content import load_sites
from caucasus_crawler.pipelines import normalise_text
from caucasus_crawler.profiles import load_profiles

SITES = load_sites()
ARTICLES = [(site, article) for site in SITES for article in site.articles]
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


@pytest.mark.parametrize(
    ("site", "expected"), ARTICLES, ids=[a.url.split("://")[1] for _, a in ARTICLES]
)
def test_each_article_is_stored_as_its_page_shows_it(archive, site, expected):
    stored = archive.article_by_url(expected.url)
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


def test_no_article_is_stored_twice(archive):
    titles = [row[0] for row in archive.db.execute("SELECT title FROM articles")]
    assert len(titles) == len(set(titles)) == len(ARTICLES)
