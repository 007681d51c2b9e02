"""The commands that crawl: `crawl` (alone, or as a worker on Redis), `ingest`, `schedule`.

They only check what the user asked for and choose settings; the crawl itself is
caucasus_crawler/crawling.py, the same that `crawl()`, `scrapy crawl` and Scrapyd run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli.options import (
    PROG,
    UserError,
    add_db,
    add_mirror,
    add_publication_window,
    add_settings,
    add_sites,
    assignments,
    check_outlets,
    check_writable,
    profiles,
    publication_window,
)
from caucasus_crawler.crawling import (
    CrawlError,
    CrawlPlan,
    CrawlStopped,
    mirror_for,
    run_crawl,
    run_worker,
)
from caucasus_crawler.profiles import MAX_MINUTES, load_profiles


# -- crawl ---------------------------------------------------------------------------------------
def add_crawl_command(commands) -> None:
    crawl = commands.add_parser("crawl", help="crawl outlets into the archive")
    add_sites(crawl, "outlets to crawl (default: all)")
    add_db(crawl)
    crawl.add_argument(
        "--demo",
        action="store_true",
        help="serve the bundled mirror on 127.0.0.1 and crawl it (works offline)",
    )
    add_mirror(crawl, "crawl a mirror already being served there")
    crawl.add_argument(
        "--url", action="append", metavar="URL", help="fetch just this article URL (repeatable)"
    )
    crawl.add_argument(
        "--force",
        action="store_true",
        help="poll every feed, listing and sitemap now, whatever the outlet's schedule says",
    )
    crawl.add_argument(
        "--backfill",
        action="store_true",
        help="walk the outlets' whole history: every listing page and sitemap",
    )
    crawl.add_argument(
        "--wayback",
        action="store_true",
        help="fill the archive from the outlets' captures in the Wayback Machine "
        "(endpoint: the WAYBACK_ENDPOINT setting)",
    )
    add_publication_window(crawl)
    add_settings(crawl, "a Scrapy setting for this crawl, e.g. --set DOWNLOAD_DELAY=2 (repeatable)")
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="be one worker of a crawl shared through this Redis (redis://host:6379/0); "
        "items go there for `ingest`, not into --db",
    )
    crawl.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="Scrapy's log level (default WARNING)",
    )
    crawl.set_defaults(func=cmd_crawl)


def cmd_crawl(args: argparse.Namespace) -> int:
    known = profiles(args)
    check_outlets(args.sites, known)
    names = args.sites or sorted(known)
    if args.url and len(names) != 1:
        raise UserError("--url needs exactly one outlet, e.g. `crawl civil_ge --url URL`")
    for url in args.url or []:
        if not known[names[0]].owns(url):
            domains = ", ".join(known[names[0]].domains)
            raise UserError(f"--url {url}: not on {names[0]}'s domains ({domains})")
    settings = assignments(args.set)
    window = publication_window(args)
    if args.wayback and (args.demo or args.mirror or args.url or args.redis):
        raise UserError(
            "--wayback reads the Wayback Machine (WAYBACK_ENDPOINT): it takes no --demo, "
            "--mirror, --url or --redis"
        )
    # checked before anything starts; a Scrapy job directory holds one spider's job
    if "JOBDIR" in settings and len(names) != 1:
        raise UserError(
            "--set JOBDIR=... keeps one outlet's crawl for Scrapy's pause and resume: name "
            "one outlet (queued requests wait on disk without it, see FRONTIER_ON_DISK)"
        )
    plan = CrawlPlan(
        names,
        args.db,
        list(args.profiles or []),
        urls=args.url,
        force=args.force,
        backfill=args.backfill,
        settings=settings,
        log_level=args.log_level,
        window=window,
        wayback=args.wayback,
    )
    if args.redis:  # one worker of a crawl shared through Redis: it stores nothing itself
        _redis(args.redis)
        with mirror_for(args.demo, args.mirror) as address:
            plan.mirror = address
            report = run_worker(plan, args.redis)
    else:
        check_writable(args.db)
        with mirror_for(args.demo, args.mirror) as address:
            plan.mirror = address
            try:
                report = run_crawl(plan)
            except CrawlStopped as exc:  # no run to report; the shell's code for the signal
                print(f"{PROG}: {exc}", file=sys.stderr)
                return 128 + exc.signum
            except CrawlError as exc:  # a setting the user gave that cannot be read
                raise UserError(str(exc)) from None
    print(report.summary())
    return 0


def _redis(url: str):
    """A client of the Redis at `url` (checked with a PING), or one line saying why not."""
    from caucasus_crawler.distributed import RedisUnavailable, connect

    try:
        return connect(url)
    except RedisUnavailable as exc:
        raise UserError(f"--redis {exc}") from None


# -- ingest (caucasus_crawler/distributed) -------------------------------------------------------
def add_ingest_command(commands) -> None:
    ingest = commands.add_parser(
        "ingest", help="store what crawl workers pushed to Redis in the archive, once each"
    )
    ingest.add_argument("--redis", required=True, metavar="URL", help="the workers' Redis")
    add_db(ingest)
    ingest.add_argument(
        "--follow",
        action="store_true",
        help="keep waiting for items after the crawl is done (until SIGTERM)",
    )
    ingest.add_argument(
        "--batch", type=int, default=200, metavar="N", help="items per transaction (200)"
    )
    ingest.set_defaults(func=cmd_ingest)


def cmd_ingest(args: argparse.Namespace) -> int:
    import signal

    from redis import RedisError

    from caucasus_crawler.distributed.ingest import Ingester, IngestError

    if args.batch < 1:
        raise UserError(f"--batch {args.batch}: give a number of items of 1 or more")
    known = profiles(args)
    server = _redis(args.redis)
    check_writable(args.db)
    started = time.monotonic()
    with Archive(args.db) as archive:
        ingester = Ingester(server, archive, known, batch_size=args.batch, follow=args.follow)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, ingester.stop)
        try:
            report = ingester.run()
        except IngestError as exc:
            raise UserError(str(exc)) from None
        except RedisError as exc:  # what was taken stays in Redis for the next ingest
            raise UserError(f"--redis {args.redis}: {exc}") from None
    print(report.summary(args.redis, args.db, time.monotonic() - started))
    return 0


# -- schedule ------------------------------------------------------------------------------------
def add_schedule_command(commands) -> None:
    every = commands.add_parser(
        "schedule", help="launch the crawls that are due, as a service (or --once, for cron)"
    )
    add_sites(every)
    add_db(every)
    every.add_argument("--log", type=Path, metavar="FILE", help="log file (default: stderr)")
    every.add_argument(
        "--once", action="store_true", help="launch what is due, wait for it, exit (for cron)"
    )
    every.add_argument(
        "--max-parallel", type=int, default=2, metavar="N", help="crawls at once (default 2)"
    )
    every.add_argument(
        "--scrapyd", metavar="URL", help="send the crawls to this Scrapyd server instead"
    )
    add_mirror(every, "crawls read this mirror")
    add_settings(every, "a Scrapy setting for every crawl (repeatable)")
    every.add_argument(
        "--every",
        action="append",
        metavar="SITE=MINUTES",
        help="crawl SITE every MINUTES, whatever its profile's [schedule] says (repeatable)",
    )
    every.add_argument(
        "--grace",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="on SIGTERM, how long running crawls may take to close (default 120)",
    )
    every.set_defaults(func=cmd_schedule)


def cmd_schedule(args: argparse.Namespace) -> int:
    known = profiles(args)
    check_outlets(args.sites, known)
    if args.max_parallel < 1:
        raise UserError(f"--max-parallel must be at least 1, not {args.max_parallel}")
    assignments(args.set)  # checked here, not in every crawl
    every = _every(args.every, known)
    if not every:
        return _schedule(args, known, list(args.profiles or []))
    # The intervals become profile changes that the crawls load too (their start points are
    # due by the same intervals). Beside the archive, where a Scrapyd job sees it as well.
    import tempfile

    from caucasus_crawler.schedule import write_every

    parent = args.db.resolve().parent
    try:
        directory = tempfile.TemporaryDirectory(prefix=f".{args.db.name}.every-", dir=parent)
    except OSError as exc:
        problem = f"cannot write beside the archive in {parent}: {exc.strerror}"
        raise UserError(f"--every: {problem}") from None
    with directory as path:
        write_every(Path(path), every, known)
        dirs = [*(args.profiles or []), path]
        return _schedule(args, load_profiles(dirs), dirs)


def _every(pairs: list[str] | None, known: dict) -> dict[str, int]:
    """`--every SITE=MINUTES` options as {site: minutes}, each checked."""
    every = {}
    for pair in pairs or []:
        site, _, minutes = pair.partition("=")
        check_outlets([site], known)
        if not (minutes.isdigit() and 1 <= int(minutes) <= MAX_MINUTES):
            raise UserError(
                f"--every {pair}: give SITE=MINUTES, minutes a whole number from 1 to "
                f"{MAX_MINUTES} (a year)"
            )
        every[site] = int(minutes)
    return every


def _schedule(args: argparse.Namespace, known: dict, profile_dirs: list[str]) -> int:
    from caucasus_crawler.schedule import ScheduleError, Scheduler, configure_logging

    scheduler = Scheduler(
        db=args.db,
        profiles=known,
        sites=args.sites or sorted(known),
        profile_dirs=profile_dirs,
        mirror=args.mirror,
        settings=args.set or [],
        max_parallel=args.max_parallel,
        scrapyd=args.scrapyd,
        grace=args.grace,
    )
    try:
        configure_logging(args.log)
        if args.scrapyd:
            scheduler.check_scrapyd()
        return scheduler.run_once() if args.once else scheduler.serve()
    except ScheduleError as exc:
        raise UserError(str(exc)) from None
