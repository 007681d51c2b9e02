"""Scaling out on Redis: workers share the queue through a real redis-server, `ingest` stores
their items once each, and a worker killed midway loses nothing.

The server is Debian's redis-server (`.ci/run` installs it), started here on a free port in
a temporary directory, without persistence. Workers and ingesters are the real CLI in their
own processes; each demo worker serves its own mirror, which is fine since requests keep
the articles' real URLs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.items import (
    Article,
    Link,
    PageVisit,
    RawResponse,
    item_from_dict,
    item_to_dict,
)
from caucasus_crawler.urls import url_key

REDIS_SERVER = shutil.which("redis-server")
WORKER_TIMEOUT = 5  # seconds without a heartbeat before a worker counts as dead


def test_items_travel_as_json():
    article = Article(
        url="https://civil.ge/archives/626112",
        title="Mayor Kaladze",
        text="Body.\n\nSecond paragraph.",
        site="civil_ge",
        categories=[Link("Politics", "https://civil.ge/archives/category/politics")],
        tags=[Link("Kaladze")],
        translations={"ka": "https://civil.ge/ka/archives/626112"},
        raw=RawResponse(b"\xef\xbb\xbf<html>\xff\x00</html>", {"Content-Type": "text/html"}),
    )
    visit = PageVisit("https://civil.ge/feed/", "civil_ge", "feed", 200, etag='"abc"')
    for item in (article, visit):
        assert item_from_dict(json.loads(json.dumps(item_to_dict(item)))) == item
    data = item_to_dict(article)
    assert data["type"] == "Article" and data["categories"][0]["name"] == "Politics"
    with pytest.raises(ValueError, match="Article has no field colour"):
        item_from_dict({**data, "colour": "red"})
    with pytest.raises(ValueError, match="unknown item type 'Comment'"):
        item_from_dict({**data, "type": "Comment"})


# -- a real Redis ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    import redis

    port = _free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), *"--bind 127.0.0.1 --appendonly no".split()]
        + ["--save", ""],  # no persistence
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=10)


def _client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _until(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


def _start(args: list[str], log: Path) -> subprocess.Popen:
    """`caucasus-crawler ARGS` in a process group of its own (a killed worker takes its
    extraction processes with it, as a lost machine would)."""
    return subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", *args],
        cwd=REPO,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )


def _worker(url: str, tmp: Path, name: str, *sites: str) -> subprocess.Popen:
    timeout = f"REDIS_WORKER_TIMEOUT={WORKER_TIMEOUT}"
    nowhere = str(tmp / "not-here.db")  # no archive here: the worker starts from nothing
    args = ["crawl", *sites, "--demo", "--redis", url, "--db", nowhere, "--set", timeout]
    return _start(args, tmp / f"{name}.log")


def _urls(db: Path, sql: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(sql)]


def _stored(db: Path, site: str | None = None) -> tuple[list[str], list[str]]:
    """(article URLs, article and duplicate page URLs) of an archive, of one outlet or all."""
    where = f"AND site = '{site}'" if site else ""
    articles = _urls(db, f"SELECT url FROM articles WHERE 1 {where} ORDER BY url")
    both = _urls(
        db,
        f"SELECT url FROM articles WHERE 1 {where} UNION "
        f"SELECT url FROM pages WHERE outcome = 'duplicate' {where}",
    )
    return articles, sorted(both)


def _with_duplicates(db: Path) -> set[str]:
    """URLs of duplicate pages and of the articles they duplicate."""
    sql = (
        "SELECT url FROM pages WHERE outcome = 'duplicate' UNION "
        "SELECT a.url FROM pages p JOIN articles a ON a.id = p.article_id"
        " WHERE p.outcome = 'duplicate'"
    )
    return set(_urls(db, sql))


def _caucasus_keys(client) -> list[str]:
    return sorted(key.decode() for key in client.scan_iter("caucasus:*"))


# -- two workers, one killed ---------------------------------------------------------------------
@pytest.mark.slow
def test_two_workers_and_ingest_store_every_article_once_though_one_is_killed(
    redis_port, demo, tmp_path
):
    url = f"redis://127.0.0.1:{redis_port}/0"
    client = _client(url)
    db = tmp_path / "archive.db"
    a = _worker(url, tmp_path, "a")
    b = _worker(url, tmp_path, "b")
    try:
        _until(lambda: client.hlen("caucasus:workers") == 2, 60, "two workers")
        records = client.hgetall("caucasus:workers").items()
        a_id = next(key.decode() for key, record in records if json.loads(record)["pid"] == a.pid)
        ingest = _start(["ingest", "--redis", url, "--db", str(db)], tmp_path / "ingest.log")

        def a_in_flight() -> list[bytes]:
            return [
                entry
                for key in client.scan_iter(f"caucasus:*:inflight:{a_id}")
                for entry in client.hvals(key)
            ]

        # A has done some requests and holds some in flight: kill it, and all its processes.
        def a_busy() -> bool:
            done = int(client.hget("caucasus:run", f"worker:{a_id}") or 0)
            return done >= 150 and bool(a_in_flight())

        _until(a_busy, 120, "worker A to be busy")
        os.killpg(a.pid, signal.SIGKILL)
        a.wait(timeout=10)
        lost = a_in_flight()  # frozen now, until B finds A's heartbeat gone
        lost_urls = {json.loads(entry.split(b" ", 1)[1])["url"] for entry in lost}
        a_requests = int(client.hget("caucasus:run", f"worker:{a_id}"))

        assert b.wait(timeout=180) == 0, (tmp_path / "b.log").read_text()
        assert ingest.wait(timeout=60) == 0, (tmp_path / "ingest.log").read_text()
    finally:
        for process in (a, b):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    b_log = (tmp_path / "b.log").read_text()
    ingested = (tmp_path / "ingest.log").read_text()
    print(f"A ({a_id}): {a_requests} requests, {len(lost)} in flight when killed", b_log, ingested)

    # B took over what A held when it died.
    assert lost, "A held nothing in flight when killed"
    assert f"worker {a_id} stopped beating: requeued its {len(lost)} in-flight request(s)" in b_log

    # The archive is the one an uninterrupted crawl of the mirror gives: every article once.
    # (Of near-duplicates, the one kept is the one stored first, which depends on the order
    # pages arrive: articles that have none are compared, the others with their duplicates.)
    demo_db = demo[0]
    articles, both = _stored(db)
    demo_articles, demo_both = _stored(demo_db)
    assert both == demo_both
    alike = _with_duplicates(db) | _with_duplicates(demo_db)
    assert set(articles) - alike == set(demo_articles) - alike
    assert len(set(demo_articles) - alike) > 150
    assert sorted(_urls(db, "SELECT url FROM pages WHERE outcome = 'article'")) == articles
    pages = set(_urls(db, "SELECT url FROM pages"))
    # the same pages, whichever spelling of a page was met first (interpressnews links its
    # articles with and without the trailing slash: one 301s to the other, or is not
    # fetched at all when the other was fetched first)
    assert set(map(url_key, pages)) == set(map(url_key, _urls(demo_db, "SELECT url FROM pages")))
    # what A had in flight was fetched (by B) and recorded, under one spelling or the other
    assert set(map(url_key, lost_urls)) <= set(map(url_key, pages))
    with Archive(db) as archive:
        assert archive.db["article_revisions"].count == 0  # nothing was stored twice
        (run,) = archive.recent_runs()
    assert run["finished"] and run["mode"] == "demo" and len(run["sites"]) == 22
    assert f"requests       {run['requests']} by 2 worker(s)" in ingested
    assert run["articles_new"] == len(articles)

    # The crawl is complete: nothing is left in Redis, not even the duplicate filters (the
    # next crawl polls the feeds again).
    assert _caucasus_keys(client) == []


# -- an ingester that died halfway through a batch -------------------------------------------------
@pytest.mark.slow
def test_ingest_replays_a_half_done_batch_without_doubling_anything(redis_port, demo, tmp_path):
    from caucasus_crawler.archive.writer import ArchiveWriter
    from caucasus_crawler.profiles import load_profiles

    url = f"redis://127.0.0.1:{redis_port}/1"
    client = _client(url)
    worker = _worker(url, tmp_path, "worker", "civil_ge")
    assert worker.wait(timeout=120) == 0, (tmp_path / "worker.log").read_text()
    pushed = [item_from_dict(json.loads(raw)) for raw in client.lrange("caucasus:items", 0, -1)]
    assert len(pushed) > 20

    # An ingester took ten items, committed six of them, and died before removing the ten.
    for _ in range(10):
        client.lmove("caucasus:items", "caucasus:items:processing", "RIGHT", "LEFT")
    batch = [
        item_from_dict(json.loads(raw))
        for raw in reversed(client.lrange("caucasus:items:processing", 0, -1))
    ]
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.register_sites([load_profiles([])["civil_ge"]])
        ArchiveWriter(archive, archive.start_run("demo", ["civil_ge"])).write(batch[:6])
    committed = [item for item in batch[:6] if isinstance(item, Article)]

    result = run_cli("ingest", "--redis", url, "--db", str(db))
    assert "replayed         10 item(s)" in result.stdout
    assert _caucasus_keys(client) == []

    articles, both = _stored(db, "civil_ge")
    demo_articles, demo_both = _stored(demo[0], "civil_ge")
    assert both == demo_both
    alike = _with_duplicates(db) | _with_duplicates(demo[0])
    assert set(articles) - alike == set(demo_articles) - alike
    assert set(_urls(db, "SELECT url FROM pages")) == {item.url for item in pushed}
    with Archive(db) as archive:
        assert archive.db["article_revisions"].count == 0
        assert archive.db["pages"].count == len({item.url for item in pushed})
        ingest_run = archive.recent_runs()[0]
    # the six committed before are stored, unchanged, not new again
    stored = [a for a in articles if a in {item.url for item in committed}]
    assert len(stored) == len(committed)
    assert ingest_run["articles_new"] == len(articles) - len(committed)


# -- one-line errors -------------------------------------------------------------------------------
@pytest.mark.slow
def test_redis_errors_are_one_line(redis_port, tmp_path):
    closed = _free_port()
    result = run_cli("crawl", "civil_ge", "--redis", f"redis://127.0.0.1:{closed}/0", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach Redis" in result.stderr
    result = run_cli("ingest", "--redis", "http://127.0.0.1/", "--db", "x.db", check=False)
    assert result.returncode == 2 and "not a Redis URL" in result.stderr
    assert result.stderr.count("\n") == 1

    url = f"redis://127.0.0.1:{redis_port}/2"
    _client(url).set("caucasus:ingest", "elsewhere:42")
    result = run_cli("ingest", "--redis", url, "--db", str(tmp_path / "a.db"), check=False)
    assert result.returncode == 2
    assert "another ingester (elsewhere:42) is draining this Redis" in result.stderr
    _client(url).delete("caucasus:ingest")
    result = run_cli("ingest", "--redis", url, "--db", str(tmp_path / "a.db"))
    assert result.stdout.startswith("Nothing to ingest")

    # --follow waits until SIGTERM, then stops cleanly (and lets go of its lock)
    args = ["ingest", "--redis", url, "--db", str(tmp_path / "a.db"), "--follow"]
    follow = _start(args, tmp_path / "follow.log")
    _until(lambda: _client(url).get("caucasus:ingest"), 30, "the ingester's lock")
    follow.send_signal(signal.SIGTERM)
    assert follow.wait(timeout=10) == 0
    assert (tmp_path / "follow.log").read_text() == "Stopped; nothing was ingested.\n"
    assert _client(url).get("caucasus:ingest") is None


@pytest.mark.slow
def test_a_new_request_is_marked_seen_and_queued_in_one_step(redis_port):
    """A worker killed between marking a request seen and queueing it lost the request:
    another worker replaying the page that linked it found the link a duplicate. Both now
    happen in one script, and a request that cannot be queued is not marked seen."""
    import scrapy

    from caucasus_crawler.distributed.worker import ReliableQueue

    class Spider(scrapy.Spider):
        name = "one_step"

        def parse(self, response):
            pass

    client = _client(f"redis://127.0.0.1:{redis_port}/0")
    client.delete("one-step:queue", "one-step:seen")
    spider = Spider()
    queue = ReliableQueue(client, spider, "one-step:queue", "one-step:inflight")
    first = scrapy.Request("https://civil.ge/archives/1", callback=spider.parse)
    assert queue.push_new(first, "one-step:seen", "fp-1") is True
    assert queue.push_new(first.replace(), "one-step:seen", "fp-1") is False  # a duplicate
    assert client.zcard("one-step:queue") == 1
    assert client.smembers("one-step:seen") == {b"fp-1"}
    odd = scrapy.Request("https://civil.ge/archives/2", callback=spider.parse, meta={"x": object()})
    with pytest.raises(TypeError):
        queue.push_new(odd, "one-step:seen", "fp-2")
    assert client.smembers("one-step:seen") == {b"fp-1"}  # not seen: it may come again
    assert queue.pop_to_inflight("1").url == "https://civil.ge/archives/1"
