"""The bundled profiles against the evidence of the real sites: every real URL of
../shared/evidence/real-urls.json (seen in other people's scrapers, fixtures, datasets and
citations) is owned by its outlet's profile and classified as what it is, article or listing.

The mirror is our own writing; these URLs are the outlets' own, so a profile that passes the
mirror's tests but misses one of them would miss the real site's pages in the same form.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO, shared_file

from caucasus_crawler.profiles import load_profiles

REAL_URLS = REPO.parent / "shared" / "evidence" / "real-urls.json"


def _rows() -> list[dict | None]:
    """The evidence rows; without ../shared one placeholder, whose test skips saying why."""
    if not REAL_URLS.exists():
        return [None]
    return json.loads(REAL_URLS.read_text(encoding="utf-8"))


def _id(row: dict | None) -> str:
    """A readable test id: the profile, the kind and the URL without its scheme."""
    if row is None:
        return "no-evidence"
    return f"{row['profile']}:{row['kind']}:{row['url'].split('://', 1)[1]}"


ROWS = _rows()


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


@pytest.mark.parametrize("row", ROWS, ids=[_id(row) for row in ROWS])
def test_a_real_url_is_classified_as_what_it_is(profiles, row):
    shared_file(REAL_URLS)  # skips, with the reason, on a clone without ../shared
    profile = profiles[row["profile"]]
    url = row["url"]
    assert profile.owns(url), f"{profile.name} does not own {url}"
    if row["kind"] == "article":
        assert profile.is_article_url(url), f"{url} is an article ({row['source']})"
    else:
        assert profile.is_listing_url(url), f"{url} is a listing ({row['source']})"
        assert not profile.is_article_url(url), f"{url} is a listing, not an article"
