"""The `caucasus-crawler` command: crawl, list outlets, extract saved pages.

Errors a user can cause (a bad option, a missing file, a broken profile) end in one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from caucasus_crawler.archive import (
    DEFAULT_PATH,
    Archive,
    ArchiveError,
    is_write_failure,
    write_failure_reason,
)
from caucasus_crawler.controls import for_terminal, json_for_terminal
from caucasus_crawler.health import HEALTH_RUNS, drift_warnings
from caucasus_crawler.profiles import Profile, ProfileError, load_profiles, profile_for_url

PROG = "caucasus-crawler"


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _profiles(args: argparse.Namespace) -> dict[str, Profile]:
    return load_profiles(args.profiles or [])


def _check_outlets(names: Sequence[str], profiles: dict[str, Profile]) -> None:
    """Every outlet a user named has a profile, or one line saying which do not."""
    unknown = [name for name in names if name not in profiles]
    if unknown:
        raise UserError(f"no outlet named {', '.join(unknown)}; `{PROG} sites` lists them")


# What the commands print of the archive (titles, snippets, reasons, URLs: text from pages)
# goes through these, so that no page can send escape sequences to the user's terminal.
def _json(value: object, indent: int | None = 2) -> str:
    """JSON to print: control characters in strings escaped, the data unchanged."""
    return json_for_terminal(json.dumps(value, ensure_ascii=False, indent=indent))


def _printable(value: object) -> object:
    """Stored values to print as text: every string without control characters."""
    if isinstance(value, str):
        return for_terminal(value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    return value


# -- crawl ---------------------------------------------------------------------------------------
def cmd_crawl(args: argparse.Namespace) -> int:
    profiles = _profiles(args)
    _check_outlets(args.sites, profiles)
    names = args.sites or sorted(profiles)
    if args.url and len(names) != 1:
        raise UserError("--url needs exactly one outlet, e.g. `crawl civil_ge --url URL`")
    for url in args.url or []:
        if not profiles[names[0]].owns(url):
            domains = ", ".join(profiles[names[0]].domains)
            raise UserError(f"--url {url}: not on {names[0]}'s domains ({domains})")
    # checked before anything starts; a Scrapy job directory holds one spider's job
    if "JOBDIR" in _assignments(args.set) and len(names) != 1:
        raise UserError(
            "--set JOBDIR=... keeps one outlet's crawl for Scrapy's pause and resume: name "
            "one outlet (queued requests wait on disk without it, see FRONTIER_ON_DISK)"
        )
    if args.redis:
        return _crawl_on_redis(args, names)
    _check_writable(args.db)

    mirror, address = _mirror_for(args)
    mode = "demo" if address else "live"
    try:
        with Archive(args.db) as archive:
            archive.register_sites(profiles[name] for name in names)
            run_id = archive.start_run(mode, names)
        started = time.monotonic()
        crawlers = _run_spiders(names, args, run_id, address)
        failed = next(
            (r for c in crawlers if (r := c.stats.get_value("archive/write_failed"))), None
        )
        if failed:  # a full disk: the run stays unfinished, so nothing it saw counts as seen
            _mark_failed(args.db, run_id, failed)
            raise CrawlFailed(failed)
        with Archive(args.db) as archive:
            run = archive.finish_run(run_id)
            judged = archive.judge_run(run_id, {n: profiles[n].digest for n in names})
            refused = archive.refused_in_run(run_id) if not run["requests"] else None
            warnings = drift_warnings(archive, {n: profiles[n] for n in judged})
    finally:
        if mirror is not None:
            mirror.stop()
    _print_summary(run, args.db, time.monotonic() - started, refused)
    for line in warnings:
        print(line)
    return 0


class CrawlFailed(Exception):
    """The crawl stopped before its end (the archive could not be written); one line."""


def _mark_failed(db: Path, run_id: int, reason: str) -> None:
    """Record why the run stopped, if the disk still takes that much; an unfinished run is
    treated alike by the next crawl."""
    try:
        with Archive(db) as archive:
            archive.fail_run(run_id, reason)
    except (ArchiveError, sqlite3.Error, OSError):
        pass


def _check_writable(db: Path) -> None:
    """One clear line, before a crawl starts, when the archive cannot be written there."""
    if db.is_dir():
        raise UserError(f"--db {db}: is a directory; name the file, e.g. {db / 'archive.db'}")
    if db.exists():
        if not os.access(db, os.W_OK):
            raise UserError(f"--db {db}: the archive file is not writable")
        return
    parent = db.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise UserError(f"--db {db}: cannot create the archive: {parent} {what}")
    if not os.access(parent, os.W_OK):
        raise UserError(f"--db {db}: cannot create the archive: {parent} is not writable")


def _run_spiders(
    names: list[str],
    args: argparse.Namespace,
    run_id: int | None,
    address: str | None,
    extra: dict | None = None,
):
    # Imported here so that `sites` and `extract` start fast.
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("caucasus_crawler.settings", priority="project")
    settings.set("ARCHIVE_PATH", str(args.db), priority="cmdline")
    settings.set("PROFILES_DIRS", list(args.profiles or []), priority="cmdline")
    settings.set("CRAWL_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    if address:
        settings.set("MIRROR_ADDRESS", address, priority="cmdline")
    for name, value in {**(extra or {}), **_assignments(args.set)}.items():
        settings.set(name, value, priority="cmdline")
    _share_response_budget(settings, len(names))
    if settings.getint("EXTRACT_PROCESSES") > 0:
        # the extraction workers' imports run beside Scrapy's and the crawlers' set-up
        from caucasus_crawler.extract_pool import start_forkserver

        start_forkserver()
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    for name in names:
        process.crawl(name, urls=args.url, force=args.force, backfill=args.backfill)
    crawlers = list(process.crawlers)  # the process forgets them as they finish
    process.start()
    return crawlers


def _share_response_budget(settings, crawlers: int) -> None:
    """Scrapy stops fetching for a crawler while its responses still being processed pass
    SCRAPER_SLOT_MAX_ACTIVE_SIZE; article pages wait there for the extraction pool, which the
    process's crawlers share. Unless set, they share a budget sized to the pool."""
    from scrapy.settings import SETTINGS_PRIORITIES

    from caucasus_crawler.extract_pool import response_budget

    processes = settings.getint("EXTRACT_PROCESSES")
    user_set = settings.getpriority("SCRAPER_SLOT_MAX_ACTIVE_SIZE") > SETTINGS_PRIORITIES["default"]
    if processes <= 0 or user_set:
        return  # extraction in the crawl's thread, or the user's own setting
    settings.set(
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE", response_budget(processes, crawlers), priority="project"
    )


def _assignments(pairs: list[str] | None) -> dict[str, str]:
    """`--set NAME=VALUE` options as a dict; a malformed one is the user's error."""
    settings = {}
    for pair in pairs or []:
        name, equals, value = pair.partition("=")
        if not name.strip() or not equals:
            raise UserError(f"--set takes NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def _print_summary(run: dict, db: Path, seconds: float, refused: tuple | None = None) -> None:
    """The crawl's summary; `refused`: (pages refused or failed before any fetch, a reason,
    an example URL) when nothing was fetched, which says why."""
    lines = [
        f"Crawled {len(run['sites'])} outlet(s) ({run['mode']}) into {db} in {seconds:.1f} s",
        f"  outlets          {', '.join(run['sites'])}",
        f"  pages fetched    {run['requests']}",
        f"  articles stored  {run['articles_new']} new, {run['articles_updated']} updated",
        f"  duplicates       {run['duplicates']}",
        f"  failures         {run['failures']}"
        + ("  (see the `pages` table)" if run["failures"] else ""),
    ]
    if run["requests"] == 0 and refused:
        count, reason, url = refused
        lines.append(f"  nothing was fetched: {count} request(s) refused, e.g. {url}: {reason}")
    elif run["requests"] == 0:
        lines.append(
            "  nothing was due: outlets are polled on their profiles' schedules "
            "(`--force` polls now)"
        )
    print("\n".join(lines))


# -- crawl --redis, ingest (caucasus_crawler/distributed) ----------------------------------------
def _redis(url: str):
    from caucasus_crawler.distributed import RedisUnavailable, connect

    try:
        return connect(url)
    except RedisUnavailable as exc:
        raise UserError(f"--redis {exc}") from None


def _mirror_for(args: argparse.Namespace):
    """(the mirror this command started or None, the address to fetch from or None):
    `--demo` starts the bundled mirror unless `--mirror ADDRESS` names a running one."""
    if not args.demo or args.mirror:
        return None, args.mirror
    from caucasus_crawler.mirror import MirrorServer

    mirror = MirrorServer()
    mirror.start()
    return mirror, mirror.address


def _crawl_on_redis(args: argparse.Namespace, names: list[str]) -> int:
    """One worker of a crawl shared through Redis: it pushes items there, never writes the
    archive. Its frontier reads --db when that file exists (what is archived already is not
    fetched again), else it starts from nothing and the shared duplicate filter alone
    keeps the workers from fetching a page twice."""
    import tempfile

    from caucasus_crawler.distributed.worker import Worker

    _redis(args.redis)
    mirror, address = _mirror_for(args)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="caucasus-worker-") as scratch:
            known = args.db if args.db.is_file() else Path(scratch) / "nothing-archived.db"
            extra = {"REDIS_URL": args.redis, "ARCHIVE_PATH": str(known)}
            crawlers = _run_spiders(names, args, None, address, extra)
    finally:
        if mirror is not None:
            mirror.stop()
    stats = [crawler.stats.get_value for crawler in crawlers]
    taken = sum(get("scheduler/dequeued/redis", 0) for get in stats)
    fetched = sum(get("downloader/request_count", 0) for get in stats)
    pushed = sum(get("redis/items_pushed", 0) for get in stats)
    print(
        "\n".join(
            [
                f"Worker {Worker.last_id} crawled {len(names)} outlet(s) "
                f"({'demo' if address else 'live'}) through {args.redis} "
                f"in {time.monotonic() - started:.1f} s",
                f"  outlets          {', '.join(names)}",
                f"  requests         {taken} taken from the shared queue, {fetched} fetched",
                f"  items pushed     {pushed} (`{PROG} ingest --redis URL` stores them)",
            ]
        )
    )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    import signal

    from redis import RedisError

    from caucasus_crawler.distributed.ingest import Ingester, IngestError

    if args.batch < 1:
        raise UserError(f"--batch {args.batch}: give a number of items of 1 or more")
    profiles = _profiles(args)
    server = _redis(args.redis)
    _check_writable(args.db)
    started = time.monotonic()
    with Archive(args.db) as archive:
        ingester = Ingester(server, archive, profiles, batch_size=args.batch, follow=args.follow)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, ingester.stop)
        try:
            report = ingester.run()
        except IngestError as exc:
            raise UserError(str(exc)) from None
        except RedisError as exc:  # what was taken stays in Redis for the next ingest
            raise UserError(f"--redis {args.redis}: {exc}") from None
    seconds = time.monotonic() - started
    if not report.items and not report.runs and not report.replayed:
        if report.stopped:
            print("Stopped; nothing was ingested.")
        else:
            print(
                f"Nothing to ingest: no worker is running on {args.redis} and no item waits "
                f"(start the workers first, or wait for them with --follow)."
            )
        return 0
    lines = [f"Ingested {report.items} item(s) from {args.redis} into {args.db} in {seconds:.1f} s"]
    if report.replayed:
        lines.append(
            f"  replayed         {report.replayed} item(s) an earlier ingester had taken "
            "(stored once)"
        )
    for done in report.runs:
        run, workers = done.run, done.workers
        by = ", ".join(f"{worker} {count}" for worker, count in sorted(workers.items()))
        lines += [
            f"  run {run['id']} ({run['mode']}, finished): {len(run['sites'])} outlet(s)",
            f"    requests       {run['requests']}"
            + (f" by {len(workers)} worker(s): {by}" if workers else ""),
            f"    articles       {run['articles_new']} new, {run['articles_updated']} updated",
            f"    duplicates     {run['duplicates']}",
            f"    failures       {run['failures']}",
        ]
    for done in report.runs:
        lines += done.run.get("warnings", [])
    if report.open_run is not None:
        why = "stopped" if report.stopped else f"{report.waiting} request(s) wait for a worker"
        lines.append(f"  run {report.open_run} is not finished ({why}); ingest again later")
    if report.repeats:
        lines.append(
            f"  repeats          {report.repeats} item(s) of requests done twice, stored once"
        )
    if report.rejected:
        lines.append(f"  rejected         {report.rejected} (kept in Redis, see the messages)")
    print("\n".join(lines))
    return 0


# -- sites ---------------------------------------------------------------------------------------
def cmd_sites(args: argparse.Namespace) -> int:
    profiles = _profiles(args)
    if args.json:
        print(json.dumps([p.summary() for p in profiles.values()], ensure_ascii=False, indent=2))
        return 0
    for p in profiles.values():
        print(f"{p.name:<16} {p.country:<8} {','.join(p.languages):<10} {p.home}")
    return 0


# -- extract -------------------------------------------------------------------------------------
MAX_PAGE_BYTES = 50 * 1024 * 1024  # a saved page larger than this is not a news page


def _read_page(path: Path) -> bytes:
    """A saved page's bytes (gunzipped), refused when it is huge or binary."""
    too_big = f"{path}: over {MAX_PAGE_BYTES // 1024 // 1024} MB, too large for a saved page"
    try:
        with path.open("rb") as file:
            data = file.read(MAX_PAGE_BYTES + 1)
        if data[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as file:  # read up to the cap: a gzip bomb stops there
                data = file.read(MAX_PAGE_BYTES + 1)
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a saved page") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise UserError(f"{path}: broken gzip file: {exc}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_PAGE_BYTES:
        raise UserError(too_big + (" once gunzipped" if path.suffix == ".gz" else ""))
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{path}: binary data, not a saved HTML page")
    return data


def cmd_extract(args: argparse.Namespace) -> int:
    from caucasus_crawler.extract import NotAnArticle, extract_article

    profiles = _profiles(args)
    _check_outlets([args.site] if args.site else [], profiles)
    if args.url and len(args.files) > 1:
        raise UserError("--url names the page of one file; give one file with it")
    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            html = _read_page(path)
            url = args.url or path.resolve().as_uri()
            profile = profiles[args.site] if args.site else profile_for_url(url, profiles.values())
            article = extract_article(html, url, profile)
        except UserError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            failures += 1
            continue
        except NotAnArticle as exc:
            print(f"{PROG}: {path}: no article found: {exc}", file=sys.stderr)
            failures += 1
            continue
        if args.format == "text":
            print(for_terminal(article.text))
        else:
            print(_json(article.as_json(), indent=2 if len(args.files) == 1 else None))
    return 1 if failures else 0


# -- runs ---------------------------------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    with Archive(args.db, create=False) as archive:
        runs = archive.recent_runs(args.limit)
        failures = archive.failures_by_reason(run["id"] for run in runs)
    if args.json:
        print(
            _json(
                {
                    "runs": runs,
                    "failures": [
                        {"reason": reason, "urls": count, "example": url}
                        for reason, count, url in failures
                    ],
                }
            )
        )
        return 0
    runs, failures = _printable(runs), _printable(failures)
    if not runs:
        print(f"No crawl has run on {args.db} yet.")
        return 0
    print(
        f"{'run':>4}  {'started (UTC)':<19}  {'mode':<4}  {'requests':>8}  {'new':>5}  "
        f"{'updated':>7}  {'dups':>5}  {'failed':>6}  outlets"
    )
    for run in runs:
        started = run["started"][:19].replace("T", " ")
        state = "" if run["finished"] else "  (unfinished)"
        if run.get("failed"):
            state = f"  (failed: {run['failed']})"
        print(
            f"{run['id']:>4}  {started:<19}  {run['mode']:<4}  {run['requests']:>8}  "
            f"{run['articles_new']:>5}  {run['articles_updated']:>7}  {run['duplicates']:>5}  "
            f"{run['failures']:>6}  {', '.join(run['sites'])}{state}"
        )
    if failures:
        print("\nFailures in these runs, by reason:")
        for reason, count, url in failures:
            print(f"  {count:>5}  {reason}  (e.g. {url})")
    return 0


# -- health -------------------------------------------------------------------------------------
def cmd_health(args: argparse.Namespace) -> int:
    from caucasus_crawler.health import assess

    profiles = _profiles(args)
    _check_outlets(args.sites, profiles)
    if args.runs < 1:
        raise UserError(f"--runs {args.runs}: give a number of runs, at least 1")
    report = []
    with Archive(args.db, create=False) as archive:
        for name in args.sites or sorted(profiles):
            runs, metrics, stale = archive.recent_health(name, profiles[name].digest, args.runs)
            assessment = assess(metrics)
            entry = {
                "site": name,
                "verdict": assessment.verdict,
                "runs": runs,
                "problems": [p.as_json() for p in assessment.problems],
            }
            if stale:
                entry["note"] = "the profile changed since these runs: crawl again to check it"
            report.append(entry)
    if args.json:
        print(_json(report))
    else:
        _print_health(_printable(report))
    return 0


def _print_health(report: list[dict]) -> None:
    print(f"{'outlet':<20}  {'verdict':<8}  runs")
    for entry in report:
        runs = ", ".join(map(str, sorted(entry["runs"]))) or "none"
        print(f"{entry['site']:<20}  {entry['verdict']:<8}  {runs}")
        for problem in entry["problems"]:
            example = f"  (e.g. {problem['example']})" if problem["example"] else ""
            print(f"  {problem['field']:<20}  {problem['kind']:<7}  {problem['detail']}{example}")
        if entry.get("note"):
            print(f"  note: {entry['note']}")
    if any(entry["verdict"] == "drifted" for entry in report):
        print(
            "\nA drifted profile no longer fits its site: fix the fields named above in the "
            "outlet's profile (`caucasus-crawler draft URL` drafts a new one to compare with)."
        )


# -- draft --------------------------------------------------------------------------------------
def cmd_draft(args: argparse.Namespace) -> int:
    """Draft a profile from the outlet's own site (caucasus_crawler/draft/): what was
    found goes to stderr, a line per field; the TOML to stdout, or to -o FILE."""
    from urllib.parse import urlsplit

    from caucasus_crawler.draft import DraftError, draft_profile

    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"{args.url!r} is not an http(s) URL: give the outlet's home page, "
            "e.g. https://civil.ge/"
        )
    output: Path | None = args.output
    if output is not None:
        if output.is_dir():
            raise UserError(f"-o {output}: is a directory; name the file, e.g. {output}/x.toml")
        if output.exists() and not args.force:
            raise UserError(f"-o {output}: the file exists; --force replaces it")
        if not output.parent.is_dir():
            raise UserError(f"-o {output}: cannot write it: {output.parent} does not exist")
    try:
        draft = draft_profile(args.url, mirror=args.mirror, name=args.name)
    except DraftError as exc:
        raise UserError(str(exc)) from None
    print(f"Drafted {draft.name} from {args.url} ({draft.requests} requests):", file=sys.stderr)
    for key, found in draft.report:
        print(f"  {key:<16} {found}", file=sys.stderr)
    text = draft.toml()
    if output is None:
        print(text, end="")
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"-o {output}: cannot write: {exc.strerror or exc}") from None
    print(
        f"Wrote {output}: read it, then `{PROG} --profiles {output.parent} crawl {draft.name}`",
        file=sys.stderr,
    )
    return 0


# -- reextract ----------------------------------------------------------------------------------
def cmd_reextract(args: argparse.Namespace) -> int:
    from caucasus_crawler.reextract import reextract

    profiles = _profiles(args)
    _check_outlets(args.sites, profiles)
    report = reextract(str(args.db), profiles, args.sites or None)
    print(report.summary())
    return 0


# -- schedule ----------------------------------------------------------------------------------
def cmd_schedule(args: argparse.Namespace) -> int:
    from caucasus_crawler.schedule import ScheduleError, Scheduler, configure_logging

    profiles = _profiles(args)
    _check_outlets(args.sites, profiles)
    if args.max_parallel < 1:
        raise UserError(f"--max-parallel must be at least 1, not {args.max_parallel}")
    _assignments(args.set)  # checked here, not in every crawl
    scheduler = Scheduler(
        db=args.db,
        profiles=profiles,
        sites=args.sites or sorted(profiles),
        profile_dirs=args.profiles or [],
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


# -- search, export, stats, serve -----------------------------------------------------------------
def _day(value: str | None, option: str):
    """A YYYY-MM-DD option as a date, or one line saying what is wrong."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: give a day as YYYY-MM-DD, e.g. 2024-09-04") from None


def _filters(args: argparse.Namespace, archive: Archive):
    """The article filters of `search` and `export`, checked against what the archive holds."""
    from caucasus_crawler.export import Filters

    for option, asked, holding in (
        ("--site", args.site, archive.site_names),
        ("--language", args.language, archive.languages),  # a scan: only when asked
    ):
        held = holding() if asked else []
        unknown = [value for value in asked or [] if value not in held]
        if unknown:
            raise UserError(
                f"{option} {', '.join(unknown)}: not in {archive.path}, which has "
                f"{', '.join(held) or 'nothing yet'}"
            )
    return Filters(
        sites=args.site,
        languages=args.language,
        categories=getattr(args, "category", None),
        since=_day(args.since, "--since"),
        until=_day(getattr(args, "until", None), "--until"),
    )


# Search ranks at most the 10,000 newest matches (Archive.search_hits' `ranked`): no limit
# above that returns more, and SQLite takes no integer past 2**63 - 1.
SEARCH_MAX_HITS = 10_000
# Around the matched words, marks that no stored text holds (controls.py), turned into
# colours once the text around them has been made safe to print.
_MARKS = ("\x02", "\x03")
_COLOURS = ("\x1b[1;33m", "\x1b[0m")


def _highlighted(text: str | None, colour: bool) -> str:
    """A headline or snippet to print: its matched words in colour (between _MARKS) or in
    [brackets], no control character of its own."""
    if not colour:
        return for_terminal(text or "")
    # split on the marks before cleaning (which drops them); an archive written before
    # extraction dropped control characters may hold a mark: at worst a word in colour
    text = text or ""
    shown = _COLOURS[0].join(
        _COLOURS[1].join(for_terminal(part) for part in piece.split(_MARKS[1]))
        for piece in text.split(_MARKS[0])
    )
    return shown + (_COLOURS[1] if text.rfind(_MARKS[0]) > text.rfind(_MARKS[1]) else "")


def cmd_search(args: argparse.Namespace) -> int:
    if not args.query.split():
        raise UserError("give words to search for, e.g. `search Kaladze`")
    for option, values in (
        ("the query", [args.query]),
        ("--site", args.site),
        ("--language", args.language),
    ):
        for value in values or []:
            _utf8_argument(value, option)  # SQLite takes no surrogate-escaped bytes
    if args.limit < 1:
        raise UserError(f"--limit {args.limit}: give a number of hits of 1 or more")
    if args.limit > SEARCH_MAX_HITS:
        raise UserError(
            f"--limit {args.limit}: at most {SEARCH_MAX_HITS:,} (search ranks the "
            f"{SEARCH_MAX_HITS:,} newest matches)"
        )
    with Archive.open_read_only(args.db) as archive:
        filters = _filters(args, archive)
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        mark = ("<mark>", "</mark>") if args.json else _MARKS if colour else ("[", "]")
        hits = archive.search_hits(args.query, limit=args.limit, mark=mark, **filters.as_kwargs())
    if args.json:
        print(_json(hits))
        return 0
    if not hits:
        print(f"No article matches {args.query!r}.")
        return 0
    for number, hit in enumerate(hits, start=1):
        day, site, url = (for_terminal(hit[key] or "") for key in ("published", "site", "url"))
        language = for_terminal(hit["language"] or "?")
        print(f"{number:>2}. {_highlighted(hit['headline'], colour)}")
        print(f"    {site} · {day[:10] or 'undated'} · {language} · {url}")
        print(f"    {_highlighted(hit['snippet'], colour)}")
    return 0


EXPORT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet", ".warc": "warc"}


def _utf8_argument(value: str, option: str) -> None:
    """One line for a command-line value that is not UTF-8: Python hands its bytes over as
    lone surrogates, which neither SQLite nor a UTF-8 file can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise UserError(
            f"{option} '{shown}': not UTF-8 text; is the terminal's encoding (locale) UTF-8?"
        ) from None


def cmd_export(args: argparse.Namespace) -> int:
    from caucasus_crawler.export import ExportError, check_output, export, human_size

    fmt = args.format or EXPORT_SUFFIXES.get(Path(args.output.name.removesuffix(".gz")).suffix)
    if fmt is None:
        raise UserError(f"-o {args.output}: say which --format (jsonl, csv, parquet or warc)")
    if fmt == "warc" and (args.language or args.category or args.since or args.until):
        raise UserError("--format warc exports raw responses: it takes --site only")
    if args.excel and fmt != "csv":
        raise UserError("--excel is a flavour of CSV, for spreadsheets: give a .csv name")
    for option, values in (
        ("--site", args.site),
        ("--language", args.language),
        ("--category", args.category),
    ):
        for value in values or []:
            _utf8_argument(value, option)
    started = time.monotonic()
    try:
        check_output(args.output)  # a device, a FIFO, a link...: refused before any reading
        with Archive.open_read_only(args.db) as archive:
            filters = _filters(args, archive)
            result = export(archive, fmt, args.output, filters, excel=args.excel)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    unit = "response" if fmt == "warc" else "article"
    flavour = "csv for spreadsheets" if args.excel else fmt
    print(
        f"Exported {result.records:,} {unit}(s) to {result.path} ({flavour}, "
        f"{human_size(result.bytes)}) in {time.monotonic() - started:.1f} s"
    )
    if result.card is not None:
        print(f"  dataset card  {result.card}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from caucasus_crawler import stats

    with Archive.open_read_only(args.db) as archive:
        counts = stats.collect(archive)
        if args.plot:
            try:
                days = stats.plot(archive, args.plot)
            except (OSError, ValueError) as exc:
                raise UserError(f"--plot {args.plot}: cannot write the chart: {exc}") from None
    if args.json:
        print(_json(counts))
    else:
        print(for_terminal(stats.render(counts)))
    if args.plot:
        print(f"Chart of articles per day per outlet ({days} days): {args.plot}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from caucasus_crawler.serve import serve

    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: give a port from 1 to 65535")
    Archive.open_read_only(args.db).close()  # one clear line if it is missing or broken
    serve(args.db, host=args.host, port=args.port, allow_sql=args.allow_sql)
    return 0


# -- the parser ----------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments reported as one line (not usage + error)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="A crawl archive of South Caucasus news.")
    parser.add_argument(
        "--profiles",
        action="append",
        metavar="DIR",
        help="a directory of extra outlet profiles (*.toml); may be repeated",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="crawl outlets into the archive")
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="outlets to crawl (default: all)")
    crawl.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    crawl.add_argument(
        "--demo",
        action="store_true",
        help="serve the bundled mirror on 127.0.0.1 and crawl it (works offline)",
    )
    crawl.add_argument(
        "--mirror", metavar="HOST:PORT", help="crawl a mirror already being served there"
    )
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
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="a Scrapy setting for this crawl, e.g. --set DOWNLOAD_DELAY=2 (repeatable)",
    )
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

    ingest = commands.add_parser(
        "ingest", help="store what crawl workers pushed to Redis in the archive, once each"
    )
    ingest.add_argument("--redis", required=True, metavar="URL", help="the workers' Redis")
    ingest.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    ingest.add_argument(
        "--follow",
        action="store_true",
        help="keep waiting for items after the crawl is done (until SIGTERM)",
    )
    ingest.add_argument(
        "--batch", type=int, default=200, metavar="N", help="items per transaction (200)"
    )
    ingest.set_defaults(func=cmd_ingest)

    sites = commands.add_parser("sites", help="list the outlet profiles")
    sites.add_argument("--json", action="store_true", help="as a JSON array")
    sites.set_defaults(func=cmd_sites)

    runs = commands.add_parser("runs", help="recent crawl runs and their failures by reason")
    runs.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    runs.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")
    runs.add_argument("--json", action="store_true", help="as JSON")
    runs.set_defaults(func=cmd_runs)

    checkup = commands.add_parser(
        "health", help="whether each outlet's profile still fits its site, from recent runs"
    )
    checkup.add_argument("sites", nargs="*", metavar="SITE", help="outlets (default: all)")
    checkup.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    checkup.add_argument(
        "--runs",
        type=int,
        default=HEALTH_RUNS,
        metavar="N",
        help=f"judge the last N runs made with the profile as it is (default {HEALTH_RUNS})",
    )
    checkup.add_argument("--json", action="store_true", help="as a JSON array")
    checkup.set_defaults(func=cmd_health)

    draft = commands.add_parser(
        "draft", help="draft an outlet's profile from its home page, feeds, sitemaps, articles"
    )
    draft.add_argument("url", metavar="URL", help="the outlet's home page")
    draft.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the profile here (default: stdout)"
    )
    draft.add_argument("--force", action="store_true", help="replace FILE if it exists")
    draft.add_argument("--name", help="the profile's name (default: from the host, civil_ge)")
    draft.add_argument(
        "--mirror", metavar="HOST:PORT", help="read the site from a mirror served there"
    )
    draft.set_defaults(func=cmd_draft)

    again = commands.add_parser(
        "reextract", help="run the current extraction over the stored raw pages"
    )
    again.add_argument("sites", nargs="*", metavar="SITE", help="outlets (default: all)")
    again.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    again.set_defaults(func=cmd_reextract)

    every = commands.add_parser(
        "schedule", help="launch the crawls that are due, as a service (or --once, for cron)"
    )
    every.add_argument("sites", nargs="*", metavar="SITE", help="outlets (default: all)")
    every.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
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
    every.add_argument("--mirror", metavar="HOST:PORT", help="crawls read this mirror")
    every.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="a Scrapy setting for every crawl (repeatable)",
    )
    every.add_argument(
        "--grace",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="on SIGTERM, how long running crawls may take to close (default 120)",
    )
    every.set_defaults(func=cmd_schedule)

    extract = commands.add_parser("extract", help="extract articles from saved HTML pages")
    extract.add_argument("files", nargs="+", metavar="FILE", help="saved pages (.html or .html.gz)")
    extract.add_argument("--url", help="the page's URL (for one file)")
    extract.add_argument("--site", help="the outlet profile to use (default: from the URL)")
    extract.add_argument("--format", choices=["json", "text"], default="json")
    extract.set_defaults(func=cmd_extract)
    db_help = f"archive file (default {DEFAULT_PATH})"
    search = commands.add_parser("search", help="full-text search of the archive, best first")
    search.add_argument("query", metavar="QUERY", help="words to find (all of them)")
    search.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help=db_help)
    search.add_argument("--site", action="append", help="only this outlet (repeatable)")
    search.add_argument("--language", action="append", help="only this language (repeatable)")
    search.add_argument("--since", metavar="DATE", help="published on or after YYYY-MM-DD")
    search.add_argument(
        "--limit", type=int, default=20, help="hits to show (default 20, at most 10,000)"
    )
    search.add_argument("--json", action="store_true", help="as a JSON array")
    search.set_defaults(func=cmd_search)

    export = commands.add_parser("export", help="export articles as a dataset, or WARC")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet", "warc"])
    export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    export.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help=db_help)
    export.add_argument("--site", action="append", help="only this outlet (repeatable)")
    export.add_argument("--language", action="append", help="only this language (repeatable)")
    export.add_argument("--category", action="append", help="only this category (repeatable)")
    export.add_argument("--since", metavar="DATE", help="published on or after YYYY-MM-DD")
    export.add_argument("--until", metavar="DATE", help="published on or before YYYY-MM-DD")
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for spreadsheets: a BOM, and ' before text that would run as a formula",
    )
    export.set_defaults(func=cmd_export)

    stats = commands.add_parser("stats", help="articles per outlet, language and month")
    stats.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help=db_help)
    stats.add_argument("--plot", type=Path, metavar="FILE.png", help="chart articles per day")
    stats.add_argument("--json", action="store_true", help="as a JSON object")
    stats.set_defaults(func=cmd_stats)

    serve = commands.add_parser("serve", help="browse and search the archive in datasette")
    serve.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help=db_help)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    serve.add_argument(
        "--allow-sql",
        action=argparse.BooleanOptionalAction,
        help="let visitors run their own SQL (default: only when --host is a loopback address)",
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ProfileError, ArchiveError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except CrawlFailed as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # damage found past the checks made on opening
        db = getattr(args, "db", None) or "the archive"
        if is_write_failure(exc):  # a full disk is no damage (`ingest`, `reextract`...)
            print(f"{PROG}: {write_failure_reason(exc, db)}", file=sys.stderr)
            return 1
        print(
            f"{PROG}: {db}: the archive is damaged ({exc}); "
            f"`sqlite3 {db} .recover` saves what is left",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `caucasus-crawler search ... | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def run() -> None:
    """The `caucasus-crawler` command: main(), then an exit that skips the garbage collector's
    last passes over the objects a crawl leaves (150,000 after the demo crawl): they took 0.4
    of the 0.7 s between a crawl's summary and the end of the process. Nothing among them
    needs them: the archive is closed by then, and atexit handlers run as ever."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
