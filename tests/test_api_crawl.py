"""`crawl()` from Python: each call crawls in a child process of its own, so a notebook can
crawl again and again (Twisted's reactor cannot restart in a process); it returns the run's
`crawl_runs` row, and a failure in the child is one line in the caller.

Real crawls of the mirror over HTTP into a real archive, called twice from this one process.
"""

from __future__ import annotations

import time

import pytest

from caucasus_crawler.archive import Archive
from caucasus_crawler.crawling import CrawlError, crawl
from caucasus_crawler.mirror import MirrorServer

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow


def articles_by_site(db) -> dict[str, int]:
    with Archive(db) as archive:
        return dict(archive.db.execute("SELECT site, count(*) FROM articles GROUP BY site"))


def test_crawl_twice_in_one_process_returns_each_run(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer() as mirror:
        first = crawl("agenda_ge", db=db, mirror=mirror.address, settings={"LOG_LEVEL": "ERROR"})
    after_first = articles_by_site(db)
    # the bundled mirror this time; agenda_ge was just crawled: nothing of it is due
    second = crawl(["agenda_ge", "caucasuswatch"], db=str(db), demo=True)
    after_second = articles_by_site(db)

    assert after_first.keys() == {"agenda_ge"} and after_first["agenda_ge"] >= 5
    assert first["id"] == 1 and first["sites"] == ["agenda_ge"] and first["mode"] == "demo"
    assert first["finished"] and first["failed"] is None and first["requests"] > 0
    assert first["articles_new"] == after_first["agenda_ge"] and first["articles_updated"] == 0
    assert first["duplicates"] == first["failures"] == 0
    assert first["warnings"] == [] and first["seconds"] > 0

    assert second["id"] == 2 and second["sites"] == ["agenda_ge", "caucasuswatch"]
    assert second["finished"] and second["mode"] == "demo"
    assert after_second["agenda_ge"] == after_first["agenda_ge"]
    assert second["articles_new"] == after_second["caucasuswatch"] >= 5
    # the summary is the archive's row of the run, field for field
    with Archive(db) as archive:
        for summary in (first, second):
            row = archive.run(summary["id"])
            assert {k: v for k, v in summary.items() if k not in ("seconds", "warnings")} == row


def test_what_must_be_fixed_is_one_line_from_the_caller_or_the_child(tmp_path):
    with pytest.raises(CrawlError, match=r"^no outlet named nowhere_ge; load_profiles\(\)"):
        crawl(["agenda_ge", "nowhere_ge"], db=tmp_path / "archive.db")
    with pytest.raises(CrawlError, match="is a directory"):
        crawl("agenda_ge", db=tmp_path)

    # found by the crawl's own process: an archive that is no SQLite database
    db = tmp_path / "not-an-archive.db"
    db.write_bytes(b"this is not a database\n" * 100)
    started = time.monotonic()
    with pytest.raises(CrawlError) as raised:
        crawl("agenda_ge", db=db, mirror="127.0.0.1:9")
    message = str(raised.value)
    assert str(db) in message and "\n" not in message, message
    assert time.monotonic() - started < 120  # it returned, not hung
