"""`caucasus-crawler schedule`: real processes crawling the mirror into real SQLite files."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import REFERENCE_TITLE, REPO, article_at, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import Schedule, load_profiles
from caucasus_crawler.schedule import Scheduler

REFERENCE_URL = "https://civil.ge/archives/626112"


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def _launches(log_text: str) -> list[tuple[str, int]]:
    return [(site, int(pid)) for site, pid in re.findall(r"launch (\w+) \(pid (\d+)\)", log_text)]


def _is_crawl_process(pid: int) -> bool:
    """True while `pid` is still one of our crawls (a reused pid is someone else)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return b"caucasus_crawler.cli" in command and "State:\tZ" not in status


def _count(db: Path, sql: str) -> int:
    """A count read without the Archive class (no migration, no write) while a crawl writes."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture(scope="module")
def once(tmp_path_factory, mirror):
    """`schedule --once` of two outlets on a new archive: the archive, the log, the command."""
    tmp = tmp_path_factory.mktemp("once")
    db, log = tmp / "archive.db", tmp / "schedule.log"
    command = ("schedule", "--once", "--db", str(db), "--log", str(log))
    command += ("--mirror", mirror.address, "civil_ge", "report_az")
    run_cli(*command, timeout=120)
    return db, log, command


@pytest.mark.slow
def test_once_launches_the_due_outlets_then_nothing_until_they_are_due(once):
    db, log, command = once

    with Archive(db) as archive:
        runs = list(archive.db["crawl_runs"].rows_where(order_by="id"))
        sites = dict(archive.db.execute("SELECT site, count(*) FROM articles GROUP BY site"))
        reference = article_at(archive, REFERENCE_URL)
    assert sorted(json.loads(run["sites"]) for run in runs) == [["civil_ge"], ["report_az"]]
    assert all(run["finished"] and run["mode"] == "demo" for run in runs)
    assert set(sites) == {"civil_ge", "report_az"} and all(n >= 8 for n in sites.values())
    assert reference["title"] == REFERENCE_TITLE

    first = log.read_text("utf-8")
    assert sorted(site for site, _ in _launches(first)) == ["civil_ge", "report_az"]
    for run in runs:
        (site,) = json.loads(run["sites"])
        assert re.search(
            rf"INFO finished {site} \(pid \d+\): exit 0 in [\d.]+ s; run {run['id']}:"
            rf" {run['requests']} requests, {run['articles_new']} new,",
            first,
        ), first
    assert not any(_is_crawl_process(pid) for _, pid in _launches(first))

    # Right after, nothing is due: the runs finished less than 20 minutes ago.
    run_cli(*command, timeout=60)
    second = log.read_text("utf-8")[len(first) :]
    assert "once: none due of 2 outlet(s)" in second and "launch" not in second
    with Archive(db) as archive:
        assert archive.db["crawl_runs"].count == 2


@pytest.mark.slow
def test_an_outlet_falls_due_after_its_profile_interval(once):
    db, *_ = once
    with Archive(db) as archive:
        finished = datetime.fromisoformat(archive.last_finished_run("report_az")["finished"])
        civil = datetime.fromisoformat(archive.last_finished_run("civil_ge")["finished"])
    assert abs(civil - finished) < timedelta(minutes=1)
    profiles = load_profiles()
    often = dataclasses.replace(profiles["report_az"], schedule=Schedule(feeds=5))
    scheduler = Scheduler(db, {**profiles, "report_az": often}, ["news_am", "report_az"])
    assert scheduler.due(now=finished + timedelta(minutes=2)) == ["news_am"]  # never crawled
    assert scheduler.due(now=finished + timedelta(minutes=6)) == ["news_am", "report_az"]
    default = Scheduler(db, profiles, ["report_az"])
    assert default.due(now=finished + timedelta(minutes=19)) == []
    assert default.due(now=finished + timedelta(minutes=21)) == ["report_az"]


@pytest.mark.slow
def test_the_service_runs_one_crawl_per_outlet_and_stops_cleanly_on_sigterm(tmp_path, mirror):
    """A slow crawl (DOWNLOAD_DELAY) is running when a cron-style `--once` on the same archive
    tries the same outlet, and when the service gets SIGTERM."""
    db, log = tmp_path / "archive.db", tmp_path / "service.log"
    common = ("--db", str(db), "--mirror", mirror.address, "--set", "DOWNLOAD_DELAY=0.2")
    common += ("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")  # one request at a time
    service = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", "schedule", *common]
        + ["--log", str(log), "--max-parallel", "1", "civil_ge", "report_az"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    launched: list[tuple[str, int]] = []
    try:
        deadline = time.monotonic() + 60
        while _count(db, "SELECT count(*) FROM pages") < 3:  # the crawl is fetching
            assert service.poll() is None, service.stdout.read().decode()
            assert time.monotonic() < deadline, "the crawl did not start"
            time.sleep(0.2)
        other_log = tmp_path / "cron.log"
        run_cli("schedule", "--once", *common, "--log", str(other_log), "civil_ge", timeout=60)

        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=60) == 0  # the crawl closed and the service exited
        text = log.read_text("utf-8")
        launched = _launches(text)
    finally:
        if service.poll() is None:
            service.kill()
            service.wait(10)
        for _, pid in _launches(log.read_text("utf-8") if log.exists() else ""):
            if _is_crawl_process(pid):
                os.kill(pid, signal.SIGKILL)
    assert "skip civil_ge: another process is crawling it" in other_log.read_text("utf-8")
    assert "launch" not in other_log.read_text("utf-8")

    lines = text.strip().splitlines()
    assert "INFO service started: 2 outlet(s) (civil_ge, report_az), at most 1" in lines[0]
    assert [site for site, _ in launched] == ["civil_ge"]  # once, and report_az waited
    (pid,) = [pid for _, pid in launched]
    assert "stopping on SIGTERM: no new crawls; 1 running crawl(s) asked to finish" in text
    assert re.search(rf"finished civil_ge \(pid {pid}\): exit 0 in [\d.]+ s; run 1: ", text)
    assert lines[-1].endswith("INFO stopped")
    assert not _is_crawl_process(pid)  # nothing left behind

    with Archive(db) as archive:
        runs = list(archive.db["crawl_runs"].rows)
    assert len(runs) == 1 and json.loads(runs[0]["sites"]) == ["civil_ge"]
    assert runs[0]["finished"] is not None  # Scrapy closed the run on the forwarded SIGTERM
    assert runs[0]["pages"] >= 3


@pytest.mark.slow
def test_schedule_user_errors_are_one_line(tmp_path):
    for args, message in (
        (("nowhere_am",), "no outlet named nowhere_am; `caucasus-crawler sites` lists them"),
        (("--max-parallel", "0"), "--max-parallel must be at least 1, not 0"),
        (("--set", "DOWNLOAD_DELAY"), "--set takes NAME=VALUE, not 'DOWNLOAD_DELAY'"),
        (("--log", str(tmp_path / "no" / "such" / "dir.log")), "cannot write the log"),
        (("--scrapyd", "http://127.0.0.1:9/"), "cannot reach Scrapyd at http://127.0.0.1:9/"),
    ):
        result = run_cli("schedule", "--once", "--db", str(tmp_path / "a.db"), *args, check=False)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def _service_moments():
    """When the service gets its SIGTERM: each a test of the archive's state, polled."""
    return {
        # the crawl processes were just spawned: they are still importing
        "launched": lambda db, log: len(_launches(log)) == 2,
        # both runs began, and Scrapy is still setting up (it installs no handler until its
        # reactor runs: a SIGTERM there used to kill the crawl and leave its run unfinished)
        "runs begun": lambda db, log: _count(db, "SELECT count(*) FROM crawl_runs") == 2,
        # pages are being fetched
        "fetching": lambda db, log: _count(db, "SELECT count(*) FROM pages") >= 2,
    }


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(_service_moments()))
def test_sigterm_at_any_moment_leaves_no_run_unfinished(tmp_path, mirror, moment):
    """The service launches two crawls and gets SIGTERM at `moment`: it exits 0 within its
    bound, no crawl process is left, and every run that began is finished."""
    db, log = tmp_path / "archive.db", tmp_path / "service.log"
    reached = _service_moments()[moment]
    service = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", "schedule", "--db", str(db)]
        + ["--mirror", mirror.address, "--set", "DOWNLOAD_DELAY=0.2", "--log", str(log)]
        + ["--max-parallel", "2", "civil_ge", "report_az"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    text = ""
    try:
        deadline = time.monotonic() + 60
        while not reached(db, log.read_text("utf-8") if log.exists() else ""):
            assert service.poll() is None, service.stdout.read().decode()
            assert time.monotonic() < deadline, f"the service never reached {moment!r}"
            time.sleep(0.02)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=90) == 0, service.stdout.read().decode()
        text = log.read_text("utf-8")
    finally:
        if service.poll() is None:
            service.kill()
            service.wait(10)
        for _, pid in _launches(log.read_text("utf-8") if log.exists() else ""):
            if _is_crawl_process(pid):
                os.kill(pid, signal.SIGKILL)

    launched = _launches(text)
    assert sorted(site for site, _ in launched) == ["civil_ge", "report_az"], text
    assert "stopping on SIGTERM: no new crawls; 2 running crawl(s) asked to finish" in text
    for site, pid in launched:
        assert re.search(rf"INFO finished {site} \(pid {pid}\): exit (0|-15|143) in ", text), text
        assert not _is_crawl_process(pid)
    assert " ERROR " not in text, text  # no crawl counted as failed, none killed
    assert text.strip().splitlines()[-1].endswith("INFO stopped")
    with Archive(db) as archive:
        runs = list(archive.db["crawl_runs"].rows)
    if moment != "launched":  # by then both runs had begun
        assert len(runs) == 2
    assert [run["id"] for run in runs if run["finished"] is None] == []  # none unfinished


def _ten_minutes_ago(source: Path, db: Path) -> None:
    """A copy of the archive `source` at `db`, its runs and fetches made 10 minutes earlier."""
    with sqlite3.connect(source) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    earlier = timedelta(minutes=10)
    with sqlite3.connect(db) as conn:
        for table, column in (("crawl_runs", "started"), ("crawl_runs", "finished")):
            for rowid, value in conn.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                moment = (datetime.fromisoformat(value) - earlier).isoformat()
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (moment, rowid))
        for rowid, value in conn.execute("SELECT rowid, fetched FROM pages").fetchall():
            moment = (datetime.fromisoformat(value) - earlier).isoformat()
            conn.execute("UPDATE pages SET fetched = ? WHERE rowid = ?", (moment, rowid))
    conn.close()


@pytest.mark.slow
def test_every_site_minutes_sets_when_an_outlet_is_crawled_and_what_its_crawl_polls(
    once, tmp_path, mirror
):
    """Both outlets were crawled 10 minutes ago; their profiles poll feeds every 20.
    `--every report_az=5` makes report_az due, and its crawl polls its feeds again (the crawl
    loads the interval too: with its profile's 20 minutes it would poll nothing)."""
    source, *_ = once
    db, log = tmp_path / "archive.db", tmp_path / "schedule.log"
    _ten_minutes_ago(source, db)
    run_cli(
        *("schedule", "--once", "--db", str(db), "--log", str(log), "--mirror", mirror.address),
        *("--every", "report_az=5", "civil_ge", "report_az"),
        timeout=120,
    )
    text = log.read_text("utf-8")
    assert "once: 1 due of 2 outlet(s) (report_az)" in text
    assert [site for site, _ in _launches(text)] == ["report_az"]
    with Archive(db) as archive:
        run = archive.last_finished_run("report_az")
        feeds = load_profiles()["report_az"].feeds
        polled = archive.db.execute(
            "SELECT count(*) FROM pages WHERE run_id = ? AND url IN "
            f"({', '.join('?' * len(feeds))})",
            [run["id"], *feeds],
        ).fetchone()[0]
    assert run["id"] == 3 and polled == len(feeds) >= 1
    assert not list(tmp_path.glob(".archive.db.every-*"))  # its profile changes are gone


def test_every_option_mistakes_are_one_line(tmp_path):
    for value, message in (
        ("nowhere_am=5", "no outlet named nowhere_am"),
        ("civil_ge", "--every civil_ge: give SITE=MINUTES"),
        ("civil_ge=0", "--every civil_ge=0: give SITE=MINUTES, minutes a whole number from 1"),
        ("civil_ge=5.5", "--every civil_ge=5.5: give SITE=MINUTES"),
    ):
        result = run_cli(
            "schedule", "--once", "--db", str(tmp_path / "a.db"), "--every", value, check=False
        )
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_every_is_the_feeds_and_listings_interval_and_never_shortens_sitemaps(tmp_path):
    from caucasus_crawler.schedule import write_every

    profiles = load_profiles()
    write_every(tmp_path, {"civil_ge": 5, "news_am": 2000}, profiles)
    changed = load_profiles([tmp_path])
    assert changed["civil_ge"].schedule == Schedule(feeds=5, listings=5, sitemaps=1440)
    assert changed["news_am"].schedule == Schedule(feeds=2000, listings=2000, sitemaps=2000)
    assert changed["civil_ge"].schedule.shortest == 5  # what `due` waits between crawls
    assert changed["report_az"] == profiles["report_az"]


def test_a_crawl_stopped_before_its_run_began_records_nothing(tmp_path):
    """The signal came while the crawl was loading its profiles: no run, one line."""
    from caucasus_crawler.crawl_stop import StopRequests
    from caucasus_crawler.crawling import CrawlPlan, CrawlStopped, _run_crawl

    db = tmp_path / "archive.db"
    stops = StopRequests()
    stops._record(signal.SIGTERM, None)  # as the handler does
    with pytest.raises(CrawlStopped) as stopped:
        _run_crawl(CrawlPlan(["civil_ge"], db), stops)
    assert str(stopped.value) == "stopped by SIGTERM before the crawl began; nothing was recorded"
    assert stopped.value.signum == signal.SIGTERM
    with Archive(db) as archive:
        assert archive.db["crawl_runs"].count == 0
