"""The extraction pool: crawls extract in worker processes, and a worker's death costs only the
pages it held.

Real processes throughout: the pool's workers are killed with SIGKILL, in a bare pool and in
the middle of a crawl of the mirror over real HTTP.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import psutil
import pytest
from conftest import REPO
from mirror_client import fetch

from caucasus_crawler.archive import Archive
from caucasus_crawler.extract_pool import (
    TASKS_PER_WORKER,
    WORKER_NICENESS,
    ExtractPool,
    SharedPools,
    WorkerDied,
    extract_page,
    response_budget,
)
from caucasus_crawler.items import decompress_body
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import load_profiles

OUTLETS = ["civil_ge", "news_am", "report_az", "apa_az", "armenpress_am"]
WORKER_DIED = "extraction failed: the extraction worker process died"
ARTICLE_COLUMNS = "url, site, title, body, published, modified, authors, language, content_hash"


def articles_of(db, sites) -> dict[str, tuple]:
    marks = ", ".join("?" * len(sites))
    with Archive(db) as archive:
        rows = archive.db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE site IN ({marks})", list(sites)
        ).fetchall()
    return {row[0]: row for row in rows}


def article_pages(db, sites) -> set[str]:
    """The URLs of pages that held an article (stored, or a duplicate of one: which copy of
    a near-duplicate pair is kept depends on the order pages arrive)."""
    marks = ", ".join("?" * len(sites))
    with Archive(db) as archive:
        rows = archive.db.execute(
            f"SELECT url FROM pages WHERE outcome IN ('article', 'duplicate')"
            f" AND site IN ({marks})",
            list(sites),
        )
        return {row[0] for row in rows}


def same_articles(got: dict[str, tuple], expected: dict[str, tuple]) -> int:
    """Articles stored under the same URL in both are the same, field for field; how many."""
    both = got.keys() & expected.keys()
    assert all(got[url] == expected[url] for url in both)
    return len(both)


def workers_of(pid: int) -> list[psutil.Process]:
    """The pool's workers under a process: the children of its forkserver."""
    try:
        below = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in below if p.ppid() != pid]


# -- a bare pool -----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_worker_fails_its_page_and_a_new_pool_takes_the_next():
    profile = load_profiles()["civil_ge"]
    url = "https://civil.ge/archives/626112"
    with MirrorServer() as mirror:
        response = fetch(mirror, url)
    html, body = response.text, response.body
    now = datetime(2026, 11, 1, tzinfo=UTC)
    in_thread = extract_page(html, url, profile, now, False, body)

    async def scenario():
        pool = ExtractPool(1)
        try:
            first = await pool.extract(html, url, profile, now, False, body)
            (worker,) = workers_of(os.getpid())
            # it runs below this process's priority: the crawl's thread must not wait for it
            assert worker.nice() == min(19, os.nice(0) + WORKER_NICENESS)
            # no scipy in it: datasketch's __init__, which imports it, never ran (dedup.py)
            assert not [m.path for m in worker.memory_maps() if "/scipy" in m.path]
            worker.send_signal(signal.SIGSTOP)  # the next page waits in it...
            pending = asyncio.ensure_future(pool.extract(html, url, profile, now, False))
            await asyncio.sleep(0.3)
            worker.kill()  # ...when it dies
            with pytest.raises(WorkerDied, match="worker process died"):
                await pending
            after = await pool.extract(html, url, profile, now, False)
            return first, after, pool.pools_started, pool.workers_died
        finally:
            pool.shutdown()

    first, after, pools, deaths = asyncio.run(scenario())
    assert first[0] == after[0] == in_thread[0] == "article"
    assert first[1] == after[1] == in_thread[1]  # the same Article, field for field
    assert first[1].title.startswith("Mayor Kaladze")
    # the raw page comes back compressed as the archive keeps it, byte for byte the page
    assert decompress_body(first[2]) == body and first[2] == in_thread[2]
    assert after[2] is None  # not asked for
    assert (pools, deaths) == (2, 1)


@pytest.mark.slow
def test_the_crawlers_of_a_process_share_one_pool_shut_down_when_the_last_engine_stops():
    from scrapy import signals
    from scrapy.utils.test import get_crawler

    def crawler(processes: int):
        return get_crawler(settings_dict={"EXTRACT_PROCESSES": processes, "EXTENSIONS": {}})

    shared = SharedPools()
    crawlers = [crawler(1) for _ in range(3)]
    pools = [shared.join(one) for one in crawlers]
    pool = pools[0]
    assert pool is pools[1] is pools[2]
    assert shared.join(crawler(0)) is None
    try:
        for one in crawlers:  # the engines start: the pool's one worker starts with the first
            one.signals.send_catch_log(signals.engine_started)
        deadline = time.monotonic() + 60
        while not workers_of(os.getpid()):  # started from a thread, off the reactor
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.01)
        assert len(workers_of(os.getpid())) == 1
        for one in crawlers[:2]:
            one.signals.send_catch_log(signals.engine_stopped)
        assert len(workers_of(os.getpid())) == 1  # one crawler still needs it
        assert shared.pools == {1: pool}
        crawlers[2].signals.send_catch_log(signals.engine_stopped)
        assert shared.pools == {}
        assert not workers_of(os.getpid())  # the last one shut it down
        assert pool.pools_started == 1
        # a later crawler of the process gets a pool of its own
        assert shared.join(crawler(1)) is not pool
    finally:
        pool.shutdown()
        for leftover in shared.pools.values():
            leftover.shutdown()


def test_the_crawlers_of_a_process_share_a_response_budget_sized_to_the_pool():
    """The add-on settings.py enables sets the budget, however the crawl is started."""
    from scrapy.utils.test import get_crawler

    from caucasus_crawler import settings as project

    def budget(crawlers: int, **user) -> int:
        settings = {"ADDONS": project.ADDONS, "EXTRACT_PROCESSES": 2}
        settings.update(FRONTIER_ON_DISK=False, EXTRACT_POOL_CRAWLERS=crawlers, **user)
        crawler = get_crawler(settings_dict=settings)  # Scrapy's add-ons applied as in a crawl
        return crawler.settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE")

    # two workers with TASKS_PER_WORKER pages each, twice over, of 200 kB pages: one crawler
    # keeps about Scrapy's own 5 MB; five share it (1 MB at least each)
    assert budget(1) == response_budget(2, 1) == 2 * 2 * TASKS_PER_WORKER * 200_000
    assert budget(5) == max(1_000_000, budget(1) // 5)
    assert budget(5, SCRAPER_SLOT_MAX_ACTIVE_SIZE=123_456) == 123_456  # the user's own
    assert budget(5, EXTRACT_PROCESSES=0) == 5_000_000  # in the crawl's thread: Scrapy's


# -- in a crawl ------------------------------------------------------------------------------
def crawl(db, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", "crawl", *OUTLETS, "--demo"]
        + ["--db", str(db), "--set", "EXTRACT_PROCESSES=2", *options],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.slow
def test_a_worker_killed_during_a_crawl_fails_only_its_pages_and_the_crawl_goes_on(demo, tmp_path):
    expected = articles_of(demo[0], OUTLETS)
    profiles = load_profiles()
    db = tmp_path / "killed.db"

    def articles_served(mirror: MirrorServer) -> int:
        return sum(
            1 for url in mirror.requests() if any(profiles[o].is_article_url(url) for o in OUTLETS)
        )

    with MirrorServer() as mirror:
        process = crawl(db, "--mirror", mirror.address)
        # Hold every worker still as soon as it starts: article pages then wait in the pool.
        deadline = time.monotonic() + 60
        held: dict[int, psutil.Process] = {}
        while len(held) < 2:
            assert process.poll() is None and time.monotonic() < deadline, "no workers"
            for worker in workers_of(process.pid):
                if worker.pid not in held:
                    worker.send_signal(signal.SIGSTOP)
                    held[worker.pid] = worker
            time.sleep(0.01)
        # Let more article pages arrive than the pool takes at once (whatever the machine's
        # speed, none of them can be extracted meanwhile), and the crawl hand them over.
        wanted_served = articles_served(mirror) + 2 * TASKS_PER_WORKER + 2
        while articles_served(mirror) < wanted_served:
            assert process.poll() is None and time.monotonic() < deadline, "no articles came"
            time.sleep(0.05)
        time.sleep(2)
        victim, *others = held.values()
        victim.kill()  # for real: the pool breaks, the pages it held fail
        for worker in others:
            worker.send_signal(signal.SIGCONT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err

    def failed_pages() -> set[tuple[str, str]]:
        with Archive(db) as archive:
            return set(
                archive.db.execute(
                    "SELECT url, reason FROM pages WHERE outcome = 'failed' AND reason LIKE ?",
                    [WORKER_DIED + "%"],
                )
            )

    failed = failed_pages()
    failed_urls = {url for url, _ in failed}
    # the pages the pool held (at most TASKS_PER_WORKER per worker) failed, one line each...
    assert 1 <= len(failed) <= 2 * TASKS_PER_WORKER
    assert all("\n" not in reason and "new pool" in reason for _, reason in failed)
    assert "an extraction worker process died" in err
    # ...and every other page was extracted, as the demo extracted it
    wanted = article_pages(demo[0], OUTLETS)
    assert failed_urls <= wanted
    assert article_pages(db, OUTLETS) == wanted - failed_urls
    assert same_articles(articles_of(db, OUTLETS), expected) >= 60

    # A failed page is fetched again by a later crawl (--backfill: its sitemap is unchanged,
    # and a 304 lists no articles): the archive ends complete.
    again = crawl(db, "--backfill")
    again.communicate(timeout=120)
    assert again.returncode == 0
    assert not failed_pages()
    assert article_pages(db, OUTLETS) == wanted
    assert same_articles(articles_of(db, OUTLETS), expected) >= 60


@pytest.mark.slow
def test_extraction_in_the_crawl_thread_stores_what_the_pool_stores(demo, tmp_path):
    db = tmp_path / "in-thread.db"
    sites = OUTLETS[:3]
    process = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", "crawl", *sites, "--demo"]
        + ["--db", str(db), "--set", "EXTRACT_PROCESSES=0"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes = set()
    while process.poll() is None:
        processes.update(workers_of(process.pid))
        time.sleep(0.05)
    assert process.returncode == 0, process.stderr.read()
    assert not processes  # no worker ever ran
    assert article_pages(db, sites) == article_pages(demo[0], sites)
    assert same_articles(articles_of(db, sites), articles_of(demo[0], sites)) >= 30


@pytest.mark.slow
def test_a_crawl_killed_with_sigkill_leaves_no_worker_behind(tmp_path):
    process = crawl(tmp_path / "killed.db")
    deadline = time.monotonic() + 60
    while len(workers_of(process.pid)) < 1:
        assert time.monotonic() < deadline and process.poll() is None, "no worker started"
        time.sleep(0.01)
    below = psutil.Process(process.pid).children(recursive=True)
    process.kill()
    process.communicate()
    gone, alive = psutil.wait_procs(below, timeout=10)
    assert not alive, f"left running: {alive}"
