"""One crawl, however it is started: `caucasus-crawler crawl`, `scrapy crawl` and a Scrapyd job
of an outlet of the mirror store exactly the same archive, and each of them extracts in the
pool with the response budget sized to it (settings.py's add-ons, not the CLI, set them up).

Real processes throughout: the CLI and `scrapy crawl` as subprocesses, a real Scrapyd (the
fixtures of test_scrapyd.py) running the project's egg, each crawling a mirror over HTTP.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO, run_cli
from test_scrapyd import PROJECT, _call, _wait_finished, egg, scrapyd  # noqa: F401 (fixtures)

from caucasus_crawler.archive import Archive
from caucasus_crawler.extract_pool import available_cores, response_budget
from caucasus_crawler.items import decompress_body
from caucasus_crawler.mirror import MirrorServer

OUTLET = "agenda_ge"  # a small outlet: 6 articles in 14 requests

# What an archive holds of a crawl, leaving out what differs with when and in which order it
# was written (row ids, times): (name, query).
CONTENTS = {
    "articles": "SELECT url, site, title, body, published, modified, authors, language,"
    " description, image, word_count, content_hash FROM articles ORDER BY url",
    "categories": "SELECT a.url, c.site, c.name, c.url FROM article_categories j"
    " JOIN articles a ON a.id = j.article_id JOIN categories c ON c.id = j.category_id"
    " ORDER BY a.url, c.name",
    "tags": "SELECT a.url, t.site, t.name, t.url FROM article_tags j"
    " JOIN articles a ON a.id = j.article_id JOIN tags t ON t.id = j.tag_id"
    " ORDER BY a.url, t.name",
    "article urls": "SELECT u.url_key, a.url FROM article_urls u"
    " JOIN articles a ON a.id = u.article_id ORDER BY u.url_key",
    "translations": "SELECT a.url, t.language, t.url FROM translations t"
    " JOIN articles a ON a.id = t.article_id ORDER BY a.url, t.language",
    "duplicates": "SELECT d.url, d.site, d.kind, d.similarity, a.url FROM duplicates d"
    " JOIN articles a ON a.id = d.article_id ORDER BY d.url",
    "pages": "SELECT url, site, outcome, http_status, reason, etag, last_modified FROM pages"
    " ORDER BY url",
    "responses": "SELECT url, site, http_status, body FROM responses ORDER BY url",
    "runs": "SELECT mode, sites, requests, pages, articles_new, articles_updated, duplicates,"
    " failures, failed, finished IS NOT NULL FROM crawl_runs ORDER BY id",
    "health": "SELECT site, verdict, profile FROM site_health ORDER BY site",
}


def archived(db) -> dict[str, list[tuple]]:
    with Archive(db) as archive:
        held = {name: archive.db.execute(sql).fetchall() for name, sql in CONTENTS.items()}
    # raw responses as received (compressed as the archive keeps them)
    held["responses"] = [(*row[:3], decompress_body(row[3])) for row in held["responses"]]
    return held


def pool_stats(log: str) -> dict[str, int]:
    """The extraction pool's stats in the stats Scrapy dumps into a crawl's log at its end."""
    return {name: int(value) for name, value in re.findall(r"'(extract_pool/\w+)': (\d+)", log)}


@pytest.fixture(scope="module")
def three_crawls(scrapyd, tmp_path_factory):  # noqa: F811 (the fixture imported above)
    """The outlet crawled the three ways, each from a mirror of its own: {way: (archive,
    the crawl's log)}."""
    url, _, home = scrapyd
    tmp = tmp_path_factory.mktemp("one-crawl")
    crawls = {}

    db = tmp / "cli.db"
    with MirrorServer() as mirror:
        done = run_cli(
            "crawl", OUTLET, "--mirror", mirror.address, "--db", str(db), "--log-level", "INFO"
        )
    crawls["caucasus-crawler crawl"] = db, done.stderr

    db = tmp / "scrapy.db"
    with MirrorServer() as mirror:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", OUTLET]
            + ["-s", f"ARCHIVE_PATH={db}", "-s", f"MIRROR_ADDRESS={mirror.address}"],
            cwd=REPO,  # scrapy.cfg names the settings
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    crawls["scrapy crawl"] = db, done.stderr

    db = tmp / "scrapyd.db"
    with MirrorServer() as mirror:
        job = _call(
            url + "schedule.json",
            [
                ("project", PROJECT),
                ("spider", OUTLET),
                ("setting", f"MIRROR_ADDRESS={mirror.address}"),
                ("setting", f"ARCHIVE_PATH={db}"),
            ],
        )["jobid"]
        _wait_finished(url, job)
    log = (home / "logs" / PROJECT / OUTLET / f"{job}.log").read_text("utf-8")
    crawls["Scrapyd job"] = db, log
    return crawls


@pytest.mark.slow
def test_the_cli_scrapy_crawl_and_scrapyd_store_exactly_the_same(three_crawls):
    held = {way: archived(db) for way, (db, _) in three_crawls.items()}
    cli = held.pop("caucasus-crawler crawl")
    assert len(cli["articles"]) >= 5 and len(cli["categories"]) >= 5
    assert cli["runs"][0][:2] == ("demo", f'["{OUTLET}"]') and cli["runs"][0][-1] == 1
    assert [verdict for _, verdict, _ in cli["health"]] == ["ok"]
    for way, other in held.items():
        for name in CONTENTS:
            assert other[name] == cli[name], f"{way} stored other {name} than the CLI"


@pytest.mark.slow
def test_every_way_extracts_in_the_pool_with_the_budget_sized_to_it(three_crawls):
    processes = available_cores()  # EXTRACT_PROCESSES by default
    for way, (db, log) in three_crawls.items():
        with Archive(db) as archive:
            articles = archive.db["articles"].count
        stats = pool_stats(log)
        assert stats.pop("extract_pool/pages") >= articles, way  # each extracted in a worker
        assert stats == {
            "extract_pool/processes": processes,
            # one crawler in the process: the whole budget (Scrapy's own is 5,000,000)
            "extract_pool/response_budget": response_budget(processes, 1),
        }, way
