"""Crawler traps (issue 17, defect 5): bounded links per page, requests per outlet and query
variants, and a prompt stop on SIGINT/SIGTERM.

The hostile server (caucasus_crawler/mirror/hostile.py) plays `hostile_traps`: a listing of
2,000 spellings of one article that differ only in `?sort=N`, and a 13 MB listing of 300,000
article links. Before the bounds, the first cost 2,000 fetches for one article and the second
queued for two minutes without a fetch and took 34 s to stop after Ctrl-C.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from caucasus_crawler.mirror.hostile import TRAP_LINKS, TRAP_PROFILE, HostileServer

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

FAST = ("--set", "DOWNLOAD_TIMEOUT=5", "--set", "RETRY_TIMES=0")


@pytest.fixture(scope="module")
def profiles(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("traps")
    (directory / "hostile_traps.toml").write_text(TRAP_PROFILE, encoding="utf-8")
    return directory


@pytest.fixture
def hostile():
    with HostileServer(stall_seconds=5) as server:
        yield server


def metrics(db: Path, run_id: int | None = None) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT metric, sum(count) FROM site_health_metrics"
            + (" WHERE run_id = ?" if run_id else "")
            + " GROUP BY metric",
            [run_id] if run_id else [],
        )
        return dict(rows.fetchall())


def test_a_page_of_traps_costs_bounded_requests(tmp_path, profiles, hostile):
    db = tmp_path / "archive.db"
    run_cli(
        "--profiles", str(profiles), "crawl", "hostile_traps", "--mirror", hostile.address,
        "--db", str(db), *FAST,
    )  # fmt: skip
    variants = [h for h in hostile.hits() if h.path.startswith("/t/story")]
    assert 1 <= len(variants) <= 5  # MAX_QUERY_VARIANTS spellings of one article
    items = [h for h in hostile.hits() if h.path.startswith("/t/item-")]
    assert 0 < len(items) <= 1000  # MAX_LINKS_PER_PAGE of the 300,000
    counted = metrics(db)
    assert counted["variants_capped"] > 0
    assert counted["links_dropped"] == 2  # the 2,000 variants and the 300,000 items
    with sqlite3.connect(db) as conn:
        stories = conn.execute("SELECT count(*) FROM articles WHERE url LIKE '%/t/story%'")
        assert stories.fetchone()[0] == 1  # one article; its spellings are duplicates
    (entry,) = json.loads(
        run_cli(
            "--profiles", str(profiles), "health", "hostile_traps", "--db", str(db), "--json"
        ).stdout
    )
    bounds = [p["detail"] for p in entry["problems"] if p["field"] == "bounds"]
    assert any("MAX_QUERY_VARIANTS" in d for d in bounds)
    assert any("MAX_LINKS_PER_PAGE" in d for d in bounds)


def test_a_capped_run_leaves_the_rest_to_the_next(tmp_path, profiles, hostile):
    """MAX_REQUESTS_PER_OUTLET: the run stops asking at the cap, and is not settled for the
    outlet: the next run polls its listings again (not due by the schedule otherwise) and
    fetches what the first did not."""
    db = tmp_path / "archive.db"
    common = ("--profiles", str(profiles), "crawl", "hostile_traps", "--mirror", hostile.address,
              "--db", str(db), *FAST)  # fmt: skip
    run_cli(*common, "--set", "MAX_REQUESTS_PER_OUTLET=40")
    first = len([h for h in hostile.hits() if h.path.startswith("/t/")])
    assert first <= 40
    assert metrics(db, 1)["requests_capped"] > 0
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    hostile.reset()
    run_cli(*common, "--set", "MAX_REQUESTS_PER_OUTLET=80")
    listings = [h for h in hostile.hits() if h.path.startswith("/traps/")]
    assert listings, "the capped run's listings were taken as polled"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > stored


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_crawl_in_a_trap_stops_promptly_on_a_signal(tmp_path, profiles, hostile, signum):
    db = tmp_path / "archive.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "caucasus_crawler.cli", "--profiles", str(profiles), "crawl",
         "hostile_traps", "--mirror", hostile.address, "--db", str(db), *FAST],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not any(h.path.startswith("/t/item-") for h in hostile.hits()):
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.05)
        process.send_signal(signum)
        process.communicate(timeout=20)  # promptly: well before the 30 s of a slow stop
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode is not None
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert TRAP_LINKS > 1000
