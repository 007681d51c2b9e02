"""The request queue on disk (caucasus_crawler/request_queue.py): queued requests wait in a private
Scrapy job directory per crawler per run, which is gone when the crawl ends and is never
resumed; the archive stays what a crawl with the queue in memory gives."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import REFERENCE_TITLE, REPO, run_cli

from caucasus_crawler.archive import Archive

# robots.txt, sitemaps, feeds and listings (civil.ge); JSON listings (interpressnews.ge)
OUTLETS = ("civil_ge", "interpressnews_ge")
REFERENCE_URL = "https://civil.ge/archives/626112"


def crawl(db: Path, *outlets: str, options: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return run_cli("crawl", *outlets, "--demo", "--db", str(db), "--log-level", "INFO", *options)


def scheduler_stats(log: str) -> dict[str, list[int]]:
    """Scrapy's scheduler stats (and the request queue's, `frontier/*`) from the stats each
    crawler dumps at its end: one value per crawler that counted it."""
    stats = defaultdict(list)
    for name, value in re.findall(r"'((?:scheduler|frontier)/[\w/]+)': (\d+)", log):
        stats[name].append(int(value))
    return stats


def articles(db: Path) -> set[tuple[str, str, str]]:
    with Archive(db) as archive:
        return set(archive.db.execute("SELECT site, url, title FROM articles"))


def frontier_of(db: Path) -> Path:
    return db.with_name(db.name + ".frontier")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same two outlets crawled with the frontier on disk (the default) and in memory."""
    work = tmp_path_factory.mktemp("frontier")
    on_disk, in_memory = work / "disk.db", work / "memory.db"
    # every request to disk: none kept in memory first (FRONTIER_MEMORY_REQUESTS)
    disk_run = crawl(on_disk, *OUTLETS, options=("--set", "FRONTIER_MEMORY_REQUESTS=0"))
    memory_run = crawl(in_memory, *OUTLETS, options=("--set", "FRONTIER_ON_DISK=False"))
    return on_disk, disk_run, in_memory, memory_run


@pytest.mark.slow
def test_the_frontier_on_disk_stores_what_the_one_in_memory_does(both):
    on_disk, _, in_memory, _ = both
    stored = articles(on_disk)
    assert stored == articles(in_memory)
    assert ("civil_ge", REFERENCE_URL, REFERENCE_TITLE) in stored
    by_site = defaultdict(int)
    for site, *_ in stored:
        by_site[site] += 1
    assert by_site == {"civil_ge": 18, "interpressnews_ge": 18}


@pytest.mark.slow
def test_every_request_waits_on_disk_and_pickles(both):
    _, disk_run, _, memory_run = both
    stats = scheduler_stats(disk_run.stderr)
    assert len(stats["scheduler/enqueued/disk"]) == len(OUTLETS)  # each crawler's own queue
    assert all(count > 10 for count in stats["scheduler/enqueued/disk"])
    assert stats["scheduler/dequeued/disk"] == stats["scheduler/enqueued/disk"]
    # all pickled: through our queue (MemoryFirstQueue), but for the start requests (robots.txt,
    # sitemaps, feeds), which wait in Scrapy's own start queue, on disk too
    pairs = zip(stats["frontier/spilled"], stats["scheduler/enqueued/disk"], strict=True)
    assert all(10 < spilled < enqueued for spilled, enqueued in pairs)
    assert "scheduler/enqueued/memory" not in stats  # nothing kept back, unpicklable
    assert "scheduler/unserializable" not in stats
    in_memory = scheduler_stats(memory_run.stderr)
    assert "scheduler/enqueued/disk" not in in_memory
    assert "queued requests wait on disk" not in memory_run.stderr
    assert sum(in_memory["scheduler/enqueued/memory"]) == sum(stats["scheduler/enqueued/disk"])


@pytest.mark.slow
def test_the_job_directories_are_gone_after_the_crawl(both, demo):
    on_disk, disk_run, *_ = both
    used = re.findall(r"queued requests wait on disk in (\S+)", disk_run.stderr)
    assert sorted(Path(path).name.split("-")[1] for path in used) == sorted(OUTLETS)
    assert all(Path(path).parent == frontier_of(on_disk) for path in used)
    assert not any(Path(path).exists() for path in used)
    assert not frontier_of(on_disk).exists()
    db, *_ = demo  # 22 crawlers in one process, crawled twice
    assert not frontier_of(db).exists()


@pytest.mark.slow
def test_a_crawl_killed_leaves_directories_the_next_deletes_and_never_resumes(tmp_path, both):
    db = tmp_path / "archive.db"
    command = [sys.executable, "-m", "caucasus_crawler.cli", "crawl", *OUTLETS, "--demo"]
    # slow, to be killed midway; two requests at a time, so that the others wait on disk
    command += ["--db", str(db), "--set", "DOWNLOAD_DELAY=0.5", "--set", "CONCURRENT_REQUESTS=2"]
    command += ["--set", "FRONTIER_MEMORY_REQUESTS=0"]
    killed = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
    root = frontier_of(db)
    deadline = time.monotonic() + 60
    while not any(root.glob("frontier-*/requests.queue/*")):
        assert killed.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(2)  # a few pages fetched, more queued
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = sorted(root.iterdir())
    assert [path.name.split("-")[1:3] for path in left] == [
        [outlet, str(killed.pid)] for outlet in OUTLETS
    ]
    assert all((path / "requests.queue").is_dir() for path in left)
    with Archive(db) as archive:
        assert archive.db["articles"].count < 36

    rerun = crawl(db, *OUTLETS)
    assert f"removed 2 job directories of killed crawls in {root}" in rerun.stderr
    assert not root.exists()
    on_disk, *_ = both  # the archive ends as an uninterrupted crawl leaves it
    assert articles(db) == articles(on_disk)


@pytest.mark.slow
def test_a_jobdir_of_the_users_own_is_kept_for_scrapys_pause_and_resume(tmp_path):
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    crawl(db, "agenda_ge", options=("--set", f"JOBDIR={jobdir}"))
    assert (jobdir / "requests.seen").stat().st_size > 0
    assert (jobdir / "requests.queue" / "active.json").exists()
    assert not frontier_of(db).exists()
    refused = run_cli("crawl", *OUTLETS, "--demo", "--set", f"JOBDIR={jobdir}", check=False)
    assert refused.returncode != 0
    assert refused.stderr.count("\n") == 1
    assert "JOBDIR" in refused.stderr and "one outlet" in refused.stderr
