"""`caucasus-crawler schedule`: launch the crawls that are due, as a service or once (cron).

An outlet is due when the archive holds no finished run of it, or its last one finished more
than `profile.schedule.shortest` minutes ago; the crawl itself then decides which of its start
points (feeds, listings, sitemaps) are worth fetching again. Each crawl is its own process,
`caucasus-crawler crawl SITE --db PATH`, which records itself in `crawl_runs`; with a Scrapyd
URL each is a Scrapyd job instead (schedule.json), writing to the same archive file.

Never two crawls of one outlet at once: the service tracks its own crawls, and each local crawl
holds an exclusive lock on `<archive>.locks/<site>.lock` for as long as its process lives (the
locked file descriptor is inherited by the crawl), so a second scheduler on the same archive (a
cron `--once` while the service runs) skips that outlet. On Scrapyd, an outlet with a pending
or running job is not sent again.

Stopping (SIGTERM or SIGINT), at any moment: no new launches; every running crawl gets one
SIGTERM, on which it finishes the requests in flight and closes its run, or, if its run has
not begun yet, ends without one (crawl_stop.py: no run is left unfinished); the service waits
for them (at most `grace` seconds, then kills what is left) and exits 0. Crawls are started
in their own session, so a Ctrl-C in a terminal reaches them only through the service, once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import logging.handlers
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from caucasus_crawler.archive import Archive, ArchiveError
from caucasus_crawler.profiles import Profile

log = logging.getLogger("caucasus_crawler.schedule")

SCRAPYD_PROJECT = "caucasus_crawler"
TICK_SECONDS = 0.5  # how often the service looks at its running crawls
CHECK_SECONDS = 5.0  # how often it asks the archive what is due (and when a crawl ends)


class ScheduleError(Exception):
    """Something the user can fix (an unreachable Scrapyd, a log file that cannot be written)."""


# Errors the long-lived service logs and outlives (a busy archive, a Scrapyd restarting).
TRANSIENT = (ScheduleError, ArchiveError, sqlite3.Error, OSError)


def configure_logging(path: Path | None) -> logging.Handler:
    """Log lines of the scheduler go to `path` (appended) or, without one, to stderr."""
    try:
        handler: logging.Handler = (
            # Reopened when logrotate moves it away.
            logging.handlers.WatchedFileHandler(path, encoding="utf-8")
            if path
            else logging.StreamHandler()
        )
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot write the log: {exc.strerror}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


@dataclass
class Crawl:
    """One launched crawl of one outlet: a local process or a Scrapyd job."""

    site: str
    started: float  # time.monotonic() at launch
    previous_run: int | None  # the outlet's last finished run before this crawl
    process: subprocess.Popen | None = None
    output: IO[bytes] | None = None  # the process's stdout and stderr
    job: str | None = None  # Scrapyd job id
    signalled: int = 0  # SIGTERMs forwarded


@dataclass
class Scheduler:
    """Launches due crawls of `sites` into the archive `db`; `serve()` or `run_once()`."""

    db: Path
    profiles: dict[str, Profile]
    sites: list[str]
    profile_dirs: Sequence[str] = ()
    mirror: str | None = None  # HOST:PORT of a mirror, passed to every crawl
    settings: Sequence[str] = ()  # NAME=VALUE Scrapy settings, passed to every crawl
    max_parallel: int = 2
    scrapyd: str | None = None  # base URL of a Scrapyd server; None: local processes
    grace: float = 120.0  # seconds a stopping crawl may take before it is killed
    tick: float = TICK_SECONDS
    check_every: float = CHECK_SECONDS
    running: dict[str, Crawl] = field(default_factory=dict)
    stopping: int = 0  # the signal that asked us to stop, 0 while running
    failed: int = 0  # crawls that ended badly (non-zero exit)
    _launched_at: dict[str, float] = field(default_factory=dict)
    _busy_logged: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.db = Path(self.db).resolve()
        self.profile_dirs = [str(Path(d).resolve()) for d in self.profile_dirs]
        if self.scrapyd:
            self.scrapyd = self.scrapyd.rstrip("/") + "/"
            self.tick = max(self.tick, 2.0)  # each look at the jobs is an HTTP request

    # -- what is due ------------------------------------------------------------------------
    def due(self, now: datetime | None = None) -> list[str]:
        """The outlets whose last finished run is older than their shortest interval (or that
        never finished one), leaving out those being crawled by this scheduler or, on Scrapyd,
        pending or running there."""
        now = now or datetime.now(UTC)
        due = []
        with Archive(self.db) as archive:
            for site in self.sites:
                if site in self.running:
                    continue
                every = timedelta(minutes=self.profiles[site].schedule.shortest)
                # A crawl that ended without finishing its run is retried after one interval,
                # not on every tick.
                launched = self._launched_at.get(site)
                if launched is not None and time.monotonic() - launched < every.total_seconds():
                    continue
                last = archive.last_finished_run(site)
                if last is None or datetime.fromisoformat(last["finished"]) + every <= now:
                    due.append(site)
        if due and self.scrapyd:
            busy = self._scrapyd_busy()
            due = [site for site in due if site not in busy]
        return due

    # -- the two ways to run ----------------------------------------------------------------
    def run_once(self) -> int:
        """Launch what is due now (at most `max_parallel` at a time), wait for all, return 0
        (1 if a crawl failed)."""
        self._install_signal_handlers()
        queue = self.due()
        log.info(
            "once: %s due of %d outlet(s) (%s)",
            len(queue) or "none",
            len(self.sites),
            ", ".join(queue) or "nothing to do",
        )
        while (queue and not self.stopping) or self.running:
            self._reap()
            while queue and not self.stopping and len(self.running) < self.max_parallel:
                self._launch(queue.pop(0))
            if self.stopping:
                self._stop_running()
                break
            if self.running or queue:
                time.sleep(self.tick)
        self._log_stopped()
        return 0 if self.stopping else (1 if self.failed else 0)

    def serve(self) -> int:
        """Run until SIGTERM or SIGINT: launch due crawls as they fall due; return 0."""
        self._install_signal_handlers()
        where = f"Scrapyd {self.scrapyd}" if self.scrapyd else "local processes"
        log.info(
            "service started: %d outlet(s) (%s), at most %d at a time, archive %s, crawls as %s",
            len(self.sites),
            ", ".join(self.sites),
            self.max_parallel,
            self.db,
            where,
        )
        next_check = 0.0
        while not self.stopping:
            if self._reap():
                next_check = 0.0  # a slot is free: something may be waiting for it
            if len(self.running) < self.max_parallel and time.monotonic() >= next_check:
                next_check = time.monotonic() + self.check_every
                try:
                    for site in self.due()[: self.max_parallel - len(self.running)]:
                        if self.stopping:
                            break
                        self._launch(site)
                except TRANSIENT as exc:  # the service goes on; the next check may succeed
                    log.error("cannot launch the due crawls: %s", exc)
            time.sleep(self.tick)
        self._stop_running()
        self._log_stopped()
        return 0

    # -- signals ----------------------------------------------------------------------------
    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame) -> None:
        if not self.stopping:
            self.stopping = signum
        else:  # asked again: Scrapy stops at once on a second SIGTERM
            for crawl in self.running.values():
                self._terminate(crawl)

    def _stop_running(self) -> None:
        name = signal.Signals(self.stopping).name
        if self.scrapyd:
            log.info(
                "stopping on %s: no new crawls; %d job(s) left to Scrapyd",
                name,
                len(self.running),
            )
            self.running.clear()
            return
        log.info(
            "stopping on %s: no new crawls; %d running crawl(s) asked to finish (%s)",
            name,
            len(self.running),
            ", ".join(self.running) or "none",
        )
        for crawl in self.running.values():
            self._terminate(crawl)
        deadline = time.monotonic() + self.grace
        while self.running and time.monotonic() < deadline:
            time.sleep(min(self.tick, 0.2))
            self._reap()
        for crawl in list(self.running.values()):
            log.error(
                "killed %s (pid %d): still running %.0f s after SIGTERM",
                crawl.site,
                crawl.process.pid,
                self.grace,
            )
            crawl.process.kill()
            crawl.process.wait()
            self._finished(crawl, crawl.process.returncode)

    def _terminate(self, crawl: Crawl) -> None:
        if crawl.process is not None and crawl.process.poll() is None:
            crawl.process.send_signal(signal.SIGTERM)
            crawl.signalled += 1

    def _log_stopped(self) -> None:
        if self.stopping:
            log.info("stopped")

    # -- launching and reaping --------------------------------------------------------------
    def _launch(self, site: str) -> None:
        with Archive(self.db) as archive:
            previous = archive.last_finished_run(site)
        crawl = Crawl(site, time.monotonic(), previous["id"] if previous else None)
        started = self._start_scrapyd_job(crawl) if self.scrapyd else self._start_process(crawl)
        if started:
            self.running[site] = crawl
            self._launched_at[site] = crawl.started

    def crawl_command(self, site: str) -> list[str]:
        """The command line of one local crawl."""
        command = [sys.executable, "-m", "caucasus_crawler.cli"]
        for directory in self.profile_dirs:
            command += ["--profiles", directory]
        command += ["crawl", site, "--db", str(self.db)]
        if self.mirror:
            command += ["--mirror", self.mirror]
        for assignment in self.settings:
            command += ["--set", assignment]
        return command

    def _start_process(self, crawl: Crawl) -> bool:
        lock = self._lock(crawl.site)
        if lock is None:
            if crawl.site not in self._busy_logged:
                log.info("skip %s: another process is crawling it", crawl.site)
                self._busy_logged.add(crawl.site)
            return False
        self._busy_logged.discard(crawl.site)
        crawl.output = tempfile.TemporaryFile()
        try:
            crawl.process = subprocess.Popen(
                self.crawl_command(crawl.site),
                stdin=subprocess.DEVNULL,
                stdout=crawl.output,
                stderr=subprocess.STDOUT,
                pass_fds=(lock,),  # the crawl holds the outlet's lock while it lives
                start_new_session=True,  # signals reach it only through us
            )
        except OSError as exc:
            log.error("cannot start a crawl of %s: %s", crawl.site, exc)
            crawl.output.close()
            return False
        finally:
            os.close(lock)
        log.info("launch %s (pid %d)", crawl.site, crawl.process.pid)
        return True

    def _lock(self, site: str) -> int | None:
        """An open, exclusively locked descriptor of the outlet's lock file, or None when
        another process holds it."""
        directory = self.db.parent / f"{self.db.name}.locks"
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / f"{site}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        os.set_inheritable(fd, True)
        return fd

    def _reap(self) -> int:
        """Log the crawls that ended since the last look; how many did."""
        if self.scrapyd:
            return self._reap_scrapyd_jobs()
        ended = 0
        for crawl in list(self.running.values()):
            code = crawl.process.poll()
            if code is not None:
                self._finished(crawl, code)
                ended += 1
        return ended

    def _finished(self, crawl: Crawl, code: int | None) -> None:
        """Log the end of a crawl with its exit code and its run's counts from the archive."""
        del self.running[crawl.site]
        seconds = time.monotonic() - crawl.started
        how = f"pid {crawl.process.pid}" if crawl.process else f"Scrapyd job {crawl.job}"
        status = f"exit {code}" if code is not None else "done"
        try:
            with Archive(self.db) as archive:
                run = archive.last_finished_run(crawl.site)
        except TRANSIENT as exc:
            log.error("cannot read the run of %s from the archive: %s", crawl.site, exc)
            run = None
        recorded = run is not None and run["id"] != crawl.previous_run
        if recorded:
            counts = (
                f"run {run['id']}: {run['requests']} requests, {run['articles_new']} new,"
                f" {run['articles_updated']} updated, {run['duplicates']} duplicates,"
                f" {run['failures']} failures"
            )
        else:
            counts = "no finished run recorded"
            if crawl.job:
                counts += " (see the job's log on Scrapyd)"
        if code is None:  # a Scrapyd job: its run in the archive is all we know
            bad = not recorded
        else:  # stopped by our SIGTERM before its run began (or its handler) is no failure
            stopped = (-signal.SIGTERM, 128 + signal.SIGTERM)
            bad = code != 0 and not (crawl.signalled and code in stopped)
        if bad:
            self.failed += 1
        tail = _tail(crawl.output) if bad and crawl.output else ""
        log.log(
            logging.ERROR if bad else logging.INFO,
            "finished %s (%s): %s in %.1f s; %s%s",
            crawl.site,
            how,
            status,
            seconds,
            counts,
            f"; it said: {tail}" if tail else "",
        )
        if crawl.output:
            crawl.output.close()

    # -- Scrapyd ----------------------------------------------------------------------------
    def check_scrapyd(self) -> None:
        """Fail early, in one sentence, when the server is unreachable or lacks the project."""
        projects = self._scrapyd_get("listprojects.json").get("projects", [])
        if SCRAPYD_PROJECT not in projects:
            raise ScheduleError(
                f"Scrapyd at {self.scrapyd} has no project {SCRAPYD_PROJECT!r}; deploy it first"
                " with `scrapyd-deploy` from the repository root"
            )

    def _start_scrapyd_job(self, crawl: Crawl) -> bool:
        settings = [f"ARCHIVE_PATH={self.db}", *self.settings]
        if self.mirror:
            settings.append(f"MIRROR_ADDRESS={self.mirror}")
        if self.profile_dirs:
            settings.append(f"PROFILES_DIRS={','.join(self.profile_dirs)}")
        form = [("project", SCRAPYD_PROJECT), ("spider", crawl.site)]
        form += [("setting", s) for s in settings]
        try:
            reply = self._scrapyd_call("schedule.json", urllib.parse.urlencode(form).encode())
        except ScheduleError as exc:
            log.error("cannot send %s to Scrapyd: %s", crawl.site, exc)
            return False
        crawl.job = reply["jobid"]
        log.info("launch %s as Scrapyd job %s at %s", crawl.site, crawl.job, self.scrapyd)
        return True

    def _scrapyd_jobs(self) -> dict:
        return self._scrapyd_get(f"listjobs.json?project={SCRAPYD_PROJECT}")

    def _scrapyd_busy(self) -> set[str]:
        jobs = self._scrapyd_jobs()
        return {job["spider"] for key in ("pending", "running") for job in jobs.get(key, [])}

    def _reap_scrapyd_jobs(self) -> int:
        if not self.running:
            return 0
        try:
            jobs = self._scrapyd_jobs()
        except ScheduleError as exc:
            log.error("cannot list Scrapyd jobs: %s", exc)
            return 0
        active = {job["id"] for key in ("pending", "running") for job in jobs.get(key, [])}
        ended = [crawl for crawl in self.running.values() if crawl.job not in active]
        for crawl in ended:  # finished (or forgotten by a restarted server)
            self._finished(crawl, None)
        return len(ended)

    def _scrapyd_get(self, path: str) -> dict:
        return self._scrapyd_call(path, None)

    def _scrapyd_call(self, path: str, data: bytes | None) -> dict:
        url = urllib.parse.urljoin(self.scrapyd, path)
        try:
            with urllib.request.urlopen(url, data=data, timeout=30) as response:
                reply = json.load(response)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScheduleError(f"cannot reach Scrapyd at {self.scrapyd}: {reason}") from None
        if reply.get("status") != "ok":
            raise ScheduleError(f"Scrapyd {path.split('?')[0]}: {reply.get('message', reply)}")
        return reply


def write_every(directory: Path, every: dict[str, int], profiles: dict[str, Profile]) -> None:
    """`schedule --every SITE=MINUTES` as profile changes in `directory` (one file per outlet,
    `extends` its profile), which the scheduler and every crawl it launches load last."""
    for site, minutes in every.items():
        schedule = profiles[site].schedule.every(minutes)
        (directory / f"{site}.toml").write_text(
            f"# schedule --every {site}={minutes}\n"
            f'extends = "{site}"\n\n[schedule]\n'
            f"feeds = {schedule.feeds}\nlistings = {schedule.listings}\n"
            f"sitemaps = {schedule.sitemaps}\n",
            encoding="utf-8",
        )


def _tail(output: IO[bytes], lines: int = 1) -> str:
    """The last non-empty line(s) a crawl printed: its one-line error, when it failed."""
    output.seek(0)
    text = output.read().decode("utf-8", "replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:])
