"""A redesigned outlet crawled with its stale profile (issue 16, "Drift in the mirror").

The mirror serves the outlet redesigned (mirror/redesign.py: new article and listing URLs,
moved feeds and sitemaps, renamed classes) while the crawler keeps the bundled profile, as
happens when a real site changes under a crawl left running. The crawl still archives at
least 90% of the outlet's articles, with the bodies the profile gives on the old site, and
`health` names the fields that drifted. (Before profiles stopped gating, this crawl archived
no article at all.)
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from caucasus_crawler.mirror import MirrorServer

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

# outlet -> (its mirror host, fields health must name): three kinds of site (WordPress with
# feeds; a custom CMS with its own feed and day archives; a Georgian WordPress with a
# donation appeal inside its bodies, which the profile strips by a class that is renamed)
OUTLETS = {
    "civil_ge": (
        "civil.ge",
        {
            "urls.article",
            "urls.listing",
            "start.feeds",
            "start.listings",
            "extract.body",
            "extract.date",
        },
    ),
    "news_am": ("news.am", {"urls.article", "start.feeds", "extract.body", "extract.date"}),
    "netgazeti_ge": ("netgazeti.ge", {"urls.article", "start.feeds", "extract.body"}),
}


def articles(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {
            url: (title, body)
            for url, title, body in conn.execute("SELECT url, title, body FROM articles")
        }


@pytest.mark.parametrize("name", OUTLETS)
def test_a_redesigned_outlet_is_crawled_with_its_stale_profile(name, tmp_path):
    host, drifted = OUTLETS[name]
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    with MirrorServer() as mirror:
        run_cli("crawl", name, "--mirror", mirror.address, "--db", str(before))
    with MirrorServer(redesigned=(host,)) as mirror:
        summary = run_cli("crawl", name, "--mirror", mirror.address, "--db", str(after)).stdout
        moved = mirror.url_map(host)
        served = set(mirror.article_urls(host))
    old, new = articles(before), articles(after)
    expected = {moved[url]: text for url, text in old.items()}  # the same articles, moved
    assert len(expected) >= 0.9 * len(served) >= 5
    kept = set(expected) & set(new)
    assert len(kept) >= 0.9 * len(expected), sorted(set(expected) - set(new))
    assert set(new) <= served  # nothing else became an article
    clean = [url for url in kept if new[url] == expected[url]]  # title and body alike
    assert len(clean) >= 0.9 * len(expected), sorted(kept - set(clean))

    # the summary warns, and health names what drifted, with evidence
    (warning,) = [line for line in summary.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f"warning: {name} drifted from its profile (")
    (entry,) = json.loads(run_cli("health", name, "--db", str(after), "--json").stdout)
    assert entry["verdict"] == "drifted"
    problems = {p["field"]: p for p in entry["problems"] if p["kind"] == "drift"}
    assert drifted <= set(problems), problems
    assert problems["urls.article"]["example"] in served
    assert problems["urls.article"]["count"] >= len(kept)
    assert "/syndication/" in problems["start.feeds"]["detail"]  # where the feeds went
    # and the outlet's right profile, on the old site, shows none of it
    (right,) = json.loads(run_cli("health", name, "--db", str(before), "--json").stdout)
    assert right["verdict"] == "ok"
