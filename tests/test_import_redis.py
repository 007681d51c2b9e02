"""`import --redis`: workers share a list of WARC files on a real redis-server, push the
items, and `ingest` stores them as a local import would."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run_cli
from test_import import foreign
from test_redis import redis_port  # noqa: F401 - the fixture: a real redis-server
from warc_pages import articles, mirror_page, write_warc

CIVIL = articles("civil.ge")
NEWS_AM = articles("news.am")
ARTICLES_SQL = "SELECT url, title, body, published, site FROM articles ORDER BY url"


def rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.slow
def test_import_workers_on_redis_and_ingest_store_what_a_local_import_stores(
    redis_port,  # noqa: F811
    tmp_path,
):
    url = f"redis://127.0.0.1:{redis_port}/5"
    first, second = tmp_path / "civil.warc.gz", tmp_path / "news_am.warc"
    write_warc(first, [mirror_page(a.url) for a in CIVIL[:8]] + foreign())
    write_warc(second, foreign() + [mirror_page(a.url) for a in NEWS_AM[:6]], gzip=False)
    local = tmp_path / "local.db"
    run_cli("import", str(first), str(second), "--db", str(local))

    # one worker queues both files; a second one joins with none of its own
    queued = run_cli("import", "--redis", url, str(first), str(second), "--processes", "1")
    assert "Pushed the items of 2 file(s)" in queued.stdout
    assert "6 other hosts" in queued.stdout
    joined = run_cli("import", "--redis", url, "--processes", "1")
    assert "Pushed the items of 0 file(s)" in joined.stdout

    shared = tmp_path / "shared.db"
    ingested = run_cli("ingest", "--redis", url, "--db", str(shared))
    assert "(import, finished)" in ingested.stdout
    stored = rows(local, ARTICLES_SQL)
    assert len(stored) == 13  # of 14 pages: one is a copy (the mirror's own duplicates)
    assert f"articles       {len(stored)} new, 0 updated" in ingested.stdout
    assert rows(shared, ARTICLES_SQL) == stored
    duplicates = "SELECT url, kind FROM duplicates ORDER BY url"
    assert rows(shared, duplicates) == rows(local, duplicates) != []
    assert rows(shared, "SELECT mode, requests FROM crawl_runs") == [("import", 2 + 2 * 3 + 14)]
    hosts = {row[0].split("/")[2] for row in rows(shared, "SELECT url FROM pages")}
    assert hosts == {"civil.ge", "news.am"}  # other hosts never stored

    # the same files again: nothing queued, nothing more to ingest
    again = run_cli("import", "--redis", url, str(first), str(second))
    assert "2 file(s) were imported before" in again.stdout
    nothing = run_cli("ingest", "--redis", url, "--db", str(shared))
    assert nothing.stdout.startswith("Nothing to ingest")
    assert len(rows(shared, "SELECT id FROM crawl_runs")) == 1


@pytest.mark.slow
def test_import_on_redis_refuses_what_it_cannot_do(redis_port, tmp_path):  # noqa: F811
    url = f"redis://127.0.0.1:{redis_port}/6"
    path = tmp_path / "one.warc.gz"
    write_warc(path, [mirror_page(CIVIL[0].url)])
    for args, says in (
        (["--max-articles", "3", str(path)], "--max-articles counts the archive's new articles"),
        (["-"], "name files, not - (stdin)"),
    ):
        result = run_cli("import", "--redis", url, *args, check=False)
        assert result.returncode == 2 and says in result.stderr
        assert result.stderr.count("\n") == 1
    down = run_cli("import", "--redis", "redis://127.0.0.1:1/0", str(path), check=False)
    assert down.returncode == 2 and "cannot reach Redis" in down.stderr


@pytest.mark.slow
def test_a_killed_import_worker_s_file_is_read_on_by_another_and_nothing_doubles(
    redis_port,  # noqa: F811
    tmp_path,
):
    import os
    import signal
    import subprocess
    import sys
    import time

    import redis
    from conftest import REPO
    from test_import import every_mirror_article

    url = f"redis://127.0.0.1:{redis_port}/7"
    client = redis.Redis.from_url(url)
    warc = tmp_path / "all.warc.gz"
    write_warc(warc, every_mirror_article())
    local = tmp_path / "local.db"
    run_cli("import", str(warc), "--db", str(local))

    command = [sys.executable, "-m", "caucasus_crawler.cli", "import", "--redis", url]
    doomed = subprocess.Popen(
        [*command, str(warc), "--batch", "2", "--processes", "1", "--worker-timeout", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not client.llen("caucasus:items"):
        time.sleep(0.005)
    os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its extraction process
    doomed.wait()
    pushed = client.llen("caucasus:items")
    assert 0 < pushed < len(rows(local, "SELECT url FROM pages"))  # killed mid-file
    assert client.hget(
        "caucasus:import:offsets", next(iter(client.hkeys("caucasus:import:offsets")))
    )

    time.sleep(2.5)  # its heartbeat expires
    rescuer = run_cli("import", "--redis", url, "--processes", "1")
    assert "Pushed the items of 1 file(s)" in rescuer.stdout
    shared = tmp_path / "shared.db"
    ingested = run_cli("ingest", "--redis", url, "--db", str(shared))
    assert "repeats" not in ingested.stdout  # nothing pushed twice
    for sql in (
        ARTICLES_SQL,
        "SELECT url, kind FROM duplicates ORDER BY url",
        "SELECT url, outcome, fetched FROM pages ORDER BY url",
    ):
        assert rows(shared, sql) == rows(local, sql)
    # every record counted once between the two workers
    assert rows(shared, "SELECT requests FROM crawl_runs") == [(len(every_mirror_article()) + 1,)]
