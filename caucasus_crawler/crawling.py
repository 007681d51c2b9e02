"""One crawl of outlets into the archive, as `caucasus-crawler crawl` runs it, and `crawl()`,
the same from Python.

A crawl is Scrapy's, configured by settings.py and its add-ons alone (the extraction pool,
the request queue on disk, the mirror's replay, Redis), so `scrapy crawl civil_ge` and a Scrapyd
job run the very same crawl. What a `CrawlPlan` chooses is only settings (the archive, the
mirror, the log level, the user's own) and the spiders' arguments (`urls`, `force`,
`backfill`). `run_crawl` adds what a crawl of several outlets in one process needs around
Scrapy: one `crawl_runs` row they share, finished (or marked failed) and judged once they all
end, and the summary a user reads (`CrawlReport`).

`crawl()` runs `run_crawl` in a child process: Twisted's reactor cannot start twice in one
process, so a notebook could crawl only once otherwise.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caucasus_crawler.archive import Archive, ArchiveError, is_write_failure, write_failure_reason
from caucasus_crawler.crawl_stop import StopRequests
from caucasus_crawler.health import drift_warnings
from caucasus_crawler.profiles import ProfileError, load_profiles
from caucasus_crawler.publication_window import PublicationWindow, WindowError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from scrapy.crawler import Crawler
    from scrapy.settings import Settings


class CrawlError(Exception):
    """Something the caller can fix (an unknown outlet, an archive that cannot be written);
    the message is one line."""


class CrawlStopped(CrawlError):
    """A stop signal (SIGTERM, SIGINT) came before the crawl's run started: nothing was
    recorded. `signum` is the signal."""

    def __init__(self, signum: int):
        self.signum = signum
        name = signal.Signals(signum).name
        super().__init__(f"stopped by {name} before the crawl began; nothing was recorded")


class CrawlFailed(Exception):
    """The crawl stopped before its end (the archive could not be written); one line."""


# -- what to crawl ---------------------------------------------------------------------------
@dataclass
class CrawlPlan:
    """What a crawl is asked for. Everything else comes from settings.py and its add-ons."""

    sites: list[str]
    db: Path
    profile_dirs: list[str] = field(default_factory=list)  # extra directories of profiles
    mirror: str | None = None  # HOST:PORT of a mirror to fetch every URL from
    urls: list[str] | None = None  # fetch just these article URLs (one outlet)
    force: bool = False  # poll every start point now, whatever the schedule says
    backfill: bool = False  # walk the outlets' whole history
    settings: dict[str, Any] = field(default_factory=dict)  # Scrapy settings, as `-s` gives
    log_level: str = "WARNING"
    # what the crawl keeps: publication days and new articles per outlet (--since...)
    window: PublicationWindow = field(default_factory=PublicationWindow)
    wayback: bool = False  # the outlets' captures in the Wayback Machine (spiders/wayback.py)

    def __post_init__(self):
        # `--set WAYBACK=true` or crawl()'s settings ask for the same crawl as --wayback
        if str(self.settings.get("WAYBACK", "")).strip().lower() in ("1", "true", "yes", "on"):
            self.wayback = True

    @property
    def mode(self) -> str:
        """The run's mode: "wayback" for captures of the Wayback Machine, "demo" when it
        replays a mirror (as the MirrorReplay add-on sees it, a MIRROR_ADDRESS setting
        included), else "live"."""
        if self.wayback:
            return "wayback"
        return "demo" if self.mirror or self.settings.get("MIRROR_ADDRESS") else "live"

    def effective_window(self) -> PublicationWindow:
        """The window the crawl keeps: the plan's, unless settings the user gave (`--set
        PUBLISHED_SINCE=...`, crawl()'s `settings`) say otherwise, as they do to Scrapy."""
        try:
            return PublicationWindow.from_settings({**self.window.as_settings(), **self.settings})
        except (WindowError, ValueError) as exc:
            raise CrawlError(str(exc)) from None

    def scrapy_settings(self, run_id: int | None, extra: dict | None = None) -> Settings:
        """settings.py with this plan's choices on top, as `scrapy crawl -s NAME=VALUE` puts
        them: the archive, the profiles, the shared run, the mirror, the log level, then
        `extra` (a Redis worker's), then the user's own."""
        from scrapy.settings import Settings

        settings = Settings()
        settings.setmodule("caucasus_crawler.settings", priority="project")
        chosen = {
            "ARCHIVE_PATH": str(self.db),
            "PROFILES_DIRS": list(self.profile_dirs),
            "CRAWL_RUN_ID": run_id,
            "LOG_LEVEL": self.log_level,
            # the process's crawlers share one extraction pool (extract_pool_addon.py)
            "EXTRACT_POOL_CRAWLERS": len(self.sites),
        }
        if self.mirror:
            chosen["MIRROR_ADDRESS"] = self.mirror
        if self.wayback:
            chosen.update(WAYBACK=True, CRAWL_MODE="wayback")
        chosen.update(self.window.as_settings())
        for name, value in {**chosen, **(extra or {}), **self.settings}.items():
            settings.set(name, value, priority="cmdline")
        return settings


def archive_path_problem(db: Path) -> str | None:
    """Why the archive cannot be written at `db` (one line, starting with the path), or
    None; checked before a crawl starts."""
    if db.is_dir():
        return f"{db}: is a directory; name the file, e.g. {db / 'archive.db'}"
    if db.exists():
        return None if os.access(db, os.W_OK) else f"{db}: the archive file is not writable"
    parent = db.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        return f"{db}: cannot create the archive: {parent} {what}"
    if not os.access(parent, os.W_OK):
        return f"{db}: cannot create the archive: {parent} is not writable"
    return None


@contextmanager
def mirror_for(demo: bool, mirror: str | None) -> Iterator[str | None]:
    """The address to fetch from, or None for the live sites: `demo` serves the bundled
    mirror on 127.0.0.1 for as long as the block runs, unless `mirror` names a running one."""
    if not demo or mirror:
        yield mirror
        return
    from caucasus_crawler.mirror import MirrorServer

    server = MirrorServer()
    server.start()
    try:
        yield server.address
    finally:
        server.stop()


# -- running it ------------------------------------------------------------------------------
def run_spiders(
    plan: CrawlPlan,
    run_id: int | None,
    extra: dict | None = None,
    stops: StopRequests | None = None,
) -> list[Crawler]:
    """Scrapy's crawl of the plan's outlets in this process, until they all end; their
    crawlers (whose stats say what happened). With `stops`, its handlers stop the crawl
    (Scrapy's own are not installed), whenever the signal came."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(plan.scrapy_settings(run_id, extra))
    for name in plan.sites:
        process.crawl(name, urls=plan.urls, force=plan.force, backfill=plan.backfill)
    crawlers = list(process.crawlers)  # the process forgets them as they finish
    if stops is not None:
        stops.watch(process)
    process.start(install_signal_handlers=stops is None)
    return crawlers


@dataclass
class CrawlReport:
    """What a crawl did: its `crawl_runs` row and what its summary says besides."""

    run: dict  # the crawl_runs row (Archive.run)
    db: Path
    seconds: float
    # (requests refused or failed before any fetch, the commonest reason, an example URL),
    # looked up only when nothing was fetched: it says why
    refused: tuple[int, str, str] | None = None
    warnings: list[str] = field(default_factory=list)  # outlets that drifted from profiles
    window: PublicationWindow = field(default_factory=PublicationWindow)
    left_out: dict[str, int] = field(default_factory=dict)  # by the window (`left_out_by`)
    wayback: dict[str, int] | None = None  # what the Wayback index listed (`wayback_counts`)

    def summary(self) -> str:
        run = self.run
        lines = [
            f"Crawled {len(run['sites'])} outlet(s) ({run['mode']}) into {self.db} "
            f"in {self.seconds:.1f} s",
            f"  outlets          {', '.join(run['sites'])}",
            f"  pages fetched    {run['requests']}",
            f"  articles stored  {run['articles_new']} new, {run['articles_updated']} updated",
            f"  duplicates       {run['duplicates']}",
            f"  failures         {run['failures']}"
            + ("  (see the `pages` table)" if run["failures"] else ""),
        ]
        if self.wayback is not None:
            lines.append(
                f"  wayback index    {self.wayback['captures']} capture(s): "
                f"{self.wayback['not_articles']} no article, "
                f"{self.wayback['archived']} archived already"
            )
        lines += bounds_lines(self.window, self.left_out)
        if run["requests"] == 0 and self.refused:
            count, reason, url = self.refused
            lines.append(f"  nothing was fetched: {count} request(s) refused, e.g. {url}: {reason}")
        elif run["requests"] == 0:
            lines.append(
                "  nothing was due: outlets are polled on their profiles' schedules "
                "(`--force` polls now)"
            )
        return "\n".join(lines + self.warnings)

    def as_dict(self) -> dict:
        """The run's row, with the crawl's duration and drift warnings."""
        summary = {**self.run, "seconds": round(self.seconds, 1), "warnings": list(self.warnings)}
        return {**summary, "left_out": dict(self.left_out)} if self.left_out else summary


def left_out_by(window: PublicationWindow, crawlers: Iterable[Crawler]) -> dict[str, int]:
    """What the crawlers' bounds left out (their stats `window/*`), for the summary: URLs a
    feed or sitemap listed outside the window (not fetched), articles fetched out of it,
    articles over --max-articles, and requests an outlet stopped at --max-articles left."""
    if not window.dated and not window.max_articles:
        return {}
    left = dict.fromkeys(("listed_out", "out_of_window", "over_max_articles", "unfetched"), 0)
    for crawler in crawlers:
        get = crawler.stats.get_value
        for name in ("listed_out", "out_of_window", "over_max_articles"):
            left[name] += get(f"window/{name}", 0)
        if get("finish_reason") == "max_articles":
            left["unfetched"] += get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)
    return left


def wayback_counts(crawlers: Iterable[Crawler]) -> dict[str, int]:
    """What the Wayback index listed (spiders/wayback.py, stats `wayback/*`): captures, of
    which no articles, and articles the archive held already."""
    names = ("captures", "not_articles", "archived")
    return {n: sum(c.stats.get_value(f"wayback/{n}", 0) for c in crawlers) for n in names}


def bounds_lines(window: PublicationWindow, left: dict[str, int]) -> list[str]:
    """The summary's lines on the crawl's bounds and what they left out, if it had any."""
    if not window.dated and not window.max_articles:
        return []
    bounds = []
    if window.dated:
        since, until = window.since or "the start", window.until or "today"
        bounds.append(f"published {since} to {until}")
    if window.max_articles:
        bounds.append(f"at most {window.max_articles} new article(s) per outlet")
    parts = []
    if window.dated:
        parts += [
            f"{left.get('listed_out', 0)} listed outside the window (not fetched)",
            f"{left.get('out_of_window', 0)} fetched out of the window",
        ]
    if window.max_articles:
        over = left.get("over_max_articles", 0)
        parts.append(
            f"{over} over --max-articles, {left.get('unfetched', 0)} request(s) left unfetched"
        )
    return [
        f"  bounds           {', '.join(bounds)}",
        f"  left out         {'; '.join(parts)} (a later run takes them)",
    ]


def run_crawl(plan: CrawlPlan) -> CrawlReport:
    """Crawl the plan's outlets in this process into one run of the archive: register them,
    start the run, run the spiders, then finish and judge the run (or mark it failed and
    raise CrawlFailed when the archive could not be written). Twisted's reactor runs once
    per process: a second call in the same process fails (`crawl()` does not).

    SIGTERM or SIGINT, whenever it comes, stops the crawl gracefully and the run is finished
    all the same; before the run starts, it raises CrawlStopped (see crawl_stop.py)."""
    with StopRequests() as stops:
        return _run_crawl(plan, stops)


def _run_crawl(plan: CrawlPlan, stops: StopRequests) -> CrawlReport:
    profiles = load_profiles(plan.profile_dirs)
    plan.effective_window()  # a window that cannot be read stops the crawl before it starts
    with Archive(plan.db) as archive:
        archive.register_sites(profiles[name] for name in plan.sites)
        if stops.signum:
            raise CrawlStopped(stops.signum)
        run_id = archive.start_run(plan.mode, plan.sites)
    started = time.monotonic()
    crawlers = run_spiders(plan, run_id, stops=stops)
    failed = next((r for c in crawlers if (r := c.stats.get_value("archive/write_failed"))), None)
    if failed:  # a full disk: the run stays unfinished, so nothing it saw counts as seen
        _mark_failed(plan.db, run_id, failed)
        raise CrawlFailed(failed)
    with Archive(plan.db) as archive:
        run = archive.finish_run(run_id)
        judged = archive.judge_run(run_id, {n: profiles[n].digest for n in plan.sites})
        refused = archive.refused_in_run(run_id) if not run["requests"] else None
        warnings = drift_warnings(archive, {n: profiles[n] for n in judged})
    window = plan.effective_window()
    left = left_out_by(window, crawlers)
    seconds = time.monotonic() - started
    wayback = wayback_counts(crawlers) if plan.wayback else None
    return CrawlReport(run, plan.db, seconds, refused, warnings, window, left, wayback)


def _mark_failed(db: Path, run_id: int, reason: str) -> None:
    """Record why the run stopped, if the disk still takes that much; an unfinished run is
    treated alike by the next crawl."""
    try:
        with Archive(db) as archive:
            archive.fail_run(run_id, reason)
    except (ArchiveError, sqlite3.Error, OSError):
        pass


# -- one worker of a crawl shared through Redis (caucasus_crawler/distributed) -------------
@dataclass
class WorkerReport:
    """What one worker of a crawl on Redis did (it stores nothing: `ingest` does)."""

    worker: str | None  # its id in Redis (host:pid:random)
    sites: list[str]
    mode: str
    redis: str
    seconds: float
    taken: int  # requests taken from the shared queue
    fetched: int
    pushed: int  # items pushed to Redis

    def summary(self) -> str:
        return "\n".join(
            [
                f"Worker {self.worker} crawled {len(self.sites)} outlet(s) ({self.mode}) "
                f"through {self.redis} in {self.seconds:.1f} s",
                f"  outlets          {', '.join(self.sites)}",
                f"  requests         {self.taken} taken from the shared queue, "
                f"{self.fetched} fetched",
                f"  items pushed     {self.pushed} (`caucasus-crawler ingest --redis URL` "
                "stores them)",
            ]
        )


def run_worker(plan: CrawlPlan, redis: str) -> WorkerReport:
    """Crawl as one worker of a crawl shared through the Redis at `redis`: items go there,
    never into the archive. It reads the plan's archive when that file exists (what is
    archived already is not fetched again), else it starts from nothing and the shared
    duplicate filter alone keeps the workers from fetching a page twice."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="caucasus-worker-") as scratch:
        known = plan.db if plan.db.is_file() else Path(scratch) / "nothing-archived.db"
        crawlers = run_spiders(plan, None, {"REDIS_URL": redis, "ARCHIVE_PATH": str(known)})
    stats = [crawler.stats.get_value for crawler in crawlers]
    return WorkerReport(
        worker=next((w for get in stats if (w := get("redis/worker_id"))), None),
        sites=list(plan.sites),
        mode=plan.mode,
        redis=redis,
        seconds=time.monotonic() - started,
        taken=sum(get("scheduler/dequeued/redis", 0) for get in stats),
        fetched=sum(get("downloader/request_count", 0) for get in stats),
        pushed=sum(get("redis/items_pushed", 0) for get in stats),
    )


# -- crawl(): from Python ----------------------------------------------------------------------
def crawl(
    sites: str | Iterable[str] | None = None,
    db: str | os.PathLike = "archive.db",
    demo: bool = False,
    mirror: str | None = None,
    force: bool = False,
    backfill: bool = False,
    settings: dict[str, Any] | None = None,
) -> dict:
    """Crawl outlets into the archive `db`, as `caucasus-crawler crawl` does, and return the
    run's summary: the `crawl_runs` row's fields (id, mode, sites, requests, articles_new,
    articles_updated, duplicates, failures...), with `seconds` and drift `warnings`.

    `sites`: an outlet's name or a list of them (default: every outlet). `demo`: crawl the
    bundled mirror, served on 127.0.0.1 meanwhile; `mirror`: a mirror already served at
    HOST:PORT. `settings`: Scrapy settings, as `--set` gives them (PROFILES_DIRS adds
    directories of profiles).

    The crawl runs in a child process (Twisted's reactor cannot restart in a process, a
    notebook's included), so it can be called again and again. Raises CrawlError with one
    line when something must be fixed first, or the crawl's process ended without a report;
    CrawlFailed when the archive could not be written."""
    chosen = dict(settings or {})
    dirs = chosen.pop("PROFILES_DIRS", None) or []
    profile_dirs = [d for d in dirs.split(",") if d] if isinstance(dirs, str) else list(dirs)
    try:
        profiles = load_profiles(profile_dirs)
    except ProfileError as exc:
        raise CrawlError(str(exc)) from None
    names = [sites] if isinstance(sites, str) else list(sites or sorted(profiles))
    unknown = [name for name in names if name not in profiles]
    if unknown:
        raise CrawlError(f"no outlet named {', '.join(unknown)}; load_profiles() lists them")
    plan = CrawlPlan(
        names,
        Path(db),
        [str(d) for d in profile_dirs],
        mirror=mirror,
        force=force,
        backfill=backfill,
        settings=chosen,
    )
    problem = archive_path_problem(plan.db)
    if problem:
        raise CrawlError(problem)

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no reactor in it
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_crawl_in_child, args=(plan, demo, send), name="caucasus-crawl", daemon=False
    )
    child.start()
    send.close()  # the child holds the only writer now: its end closes when it ends
    try:
        outcome = receive.recv()
    except EOFError:  # it ended without a word (killed, out of memory)
        outcome = None
    except BaseException:  # interrupted (a notebook's interrupt reaches only this process):
        # Scrapy stops gracefully on SIGTERM and closes its run; one stopped twice (Ctrl-C in
        # a terminal reaches the child too) leaves the run unfinished, which the next crawl
        # takes as it takes an interrupted one
        child.terminate()
        raise
    finally:
        receive.close()
        child.join()
    if outcome is None:
        raise CrawlError(
            f"the crawl's process ended (exit code {child.exitcode}) before it reported"
        )
    kind, value = outcome
    if kind == "done":
        return value
    raise (CrawlFailed if kind == "failed" else CrawlError)(value)


def _crawl_in_child(plan: CrawlPlan, demo: bool, send: Connection) -> None:
    """`run_crawl` in crawl()'s child process; sends ("done", summary) or (kind, one line)."""
    try:
        with mirror_for(demo, plan.mirror) as address:
            plan.mirror = address
            outcome = ("done", run_crawl(plan).as_dict())
    except CrawlFailed as exc:
        outcome = ("failed", str(exc))
    except (CrawlError, ArchiveError, ProfileError) as exc:
        outcome = ("error", str(exc))
    except sqlite3.DatabaseError as exc:
        if is_write_failure(exc):
            outcome = ("failed", write_failure_reason(exc, plan.db))
        else:
            outcome = ("error", f"{plan.db}: the archive is damaged ({exc})")
    except Exception as exc:  # a bug: its type and message, on one line
        outcome = ("error", " ".join(f"{type(exc).__name__}: {exc}".split()))
    try:
        send.send(outcome)
    except OSError:  # the caller is gone
        pass
    send.close()
