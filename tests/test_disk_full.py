"""A crawl that fills the disk (issue 17, defect 2): it stops cleanly, and loses nothing.

The archive lives on a small filesystem of its own: a 700 kB tmpfs (as root, which CI is),
else a 700 kB limit on the size of any file the crawl process writes (RLIMIT_FSIZE: writes
past it fail as on a full disk). The crawl must stop with one line saying the disk is full
and a non-zero exit, mark its run failed (or leave it unfinished), and count nothing it
could not store as seen: once there is space again, a plain re-run ends with every article
an uninterrupted crawl stores.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO

from caucasus_crawler.mirror import MirrorServer

OUTLETS = ("civil_ge", "news_am", "report_az")  # about 1 MB of archive in all
SIZE = 700_000
AGAIN = "free space, then run the crawl again"
LIMITED = (
    "import resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead\n"
    "limit = int(sys.argv.pop(1))\n"
    "if limit: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "from caucasus_crawler.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def crawl(db: Path, address: str, limit: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), "crawl", *OUTLETS, "--mirror", address,
         "--db", str(db)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip


@contextmanager
def small_disk(directory: Path):
    """A tmpfs of SIZE bytes mounted at `directory` (yields True), or nothing (yields False)
    when this user may not mount one."""
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(directory)],
        capture_output=True,
    ).returncode == 0  # fmt: skip
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(directory)], capture_output=True)


def articles(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM articles")}


@pytest.mark.slow
def test_a_crawl_that_fills_the_disk_stops_cleanly_and_loses_nothing(tmp_path):
    with MirrorServer() as mirror:
        reference = tmp_path / "reference.db"
        assert crawl(reference, mirror.address).returncode == 0
        expected = articles(reference)
        assert len(expected) > 50

        with small_disk(tmp_path / "disk") as mounted:
            db = tmp_path / "disk" / "archive.db"
            full = crawl(db, mirror.address, limit=0 if mounted else SIZE)
            # one line saying the disk is full, a non-zero exit, no traceback, no summary
            assert full.returncode == 1, full.stdout + full.stderr[-3000:]
            assert "Traceback" not in full.stderr and "Crawled" not in full.stdout
            last = full.stderr.strip().splitlines()[-1]
            if mounted:  # ENOSPC: SQLite says "database or disk is full"
                assert last == f"caucasus-crawler: {db}: the disk is full: {AGAIN}"
            else:  # EFBIG past the file size limit: SQLite says "disk I/O error"
                assert last.startswith(f"caucasus-crawler: {db}: the archive could not be")
            # the run is not finished: nothing it saw counts as known
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                runs = conn.execute("SELECT finished, failed FROM crawl_runs").fetchall()
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert len(runs) == 1 and runs[0][0] is None, runs
            stored_while_full = articles(db)
            assert len(stored_while_full) < len(expected)

            # space again (the disk grows; or the limit goes), and a plain re-run, neither
            # --force nor --backfill, ends with every article
            if mounted:
                grown = subprocess.run(
                    ["mount", "-o", "remount,size=64m", str(db.parent)], capture_output=True
                )
                assert grown.returncode == 0, grown.stderr
            again = crawl(db, mirror.address)
            assert again.returncode == 0, again.stderr[-3000:]
            assert articles(db) == expected
            with sqlite3.connect(db) as conn:
                runs = conn.execute("SELECT id, finished FROM crawl_runs ORDER BY id").fetchall()
            assert [finished is not None for _, finished in runs] == [False, True]


def test_a_write_failure_names_its_cause():
    from caucasus_crawler.archive import write_failure_reason

    full = sqlite3.OperationalError("database or disk is full")
    assert write_failure_reason(full, "a.db") == (
        "a.db: the disk is full: free space, then run the crawl again"
    )
    enospc = OSError(28, "No space left on device")
    assert "the disk is full" in write_failure_reason(enospc, "a.db")
    other = sqlite3.OperationalError("disk I/O error")
    assert write_failure_reason(other, "a.db").startswith("a.db: the archive could not be written")


@pytest.mark.slow
@pytest.mark.parametrize("status", ["finished", "failed"])
def test_runs_lists_a_failed_run(tmp_path, status):
    from conftest import run_cli

    from caucasus_crawler.archive import Archive

    db = tmp_path / "a.db"
    with Archive(db) as archive:
        run = archive.start_run("live", ["civil_ge"])
        if status == "failed":
            archive.fail_run(run, "a.db: the disk is full: free space, then run the crawl again")
        else:
            archive.finish_run(run)
    out = run_cli("runs", "--db", str(db)).stdout
    assert ("(failed: a.db: the disk is full" in out) == (status == "failed")
