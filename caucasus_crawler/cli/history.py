"""`caucasus-crawler import`: fill the archive from WARC files (caucasus_crawler/history/).

Alone it stores into --db; with `--redis URL` it is one worker of an import shared through
Redis (like `crawl --redis`): the files it names are queued there, every worker takes files
from that list and pushes items, and `ingest` stores them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli.options import (
    UserError,
    add_db,
    add_publication_window,
    check_outlets,
    check_writable,
    profiles,
    publication_window,
)


def add_import_command(commands) -> None:
    command = commands.add_parser(
        "import",
        help="import outlets' pages from WARC files (CC-NEWS, web archives, `export --format "
        "warc`)",
    )
    command.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="WARC files, gzipped or not; - reads stdin (with --redis: files to queue)",
    )
    add_db(command)
    command.add_argument(
        "--site", action="append", metavar="NAME", help="only this outlet's pages (repeatable)"
    )
    add_publication_window(command)
    command.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="extraction processes (default: one per core; 0 extracts in this process)",
    )
    command.add_argument(
        "--batch", type=int, default=100, metavar="N", help="items per transaction (100)"
    )
    command.add_argument(
        "--redis",
        metavar="URL",
        help="be one worker of an import shared through this Redis: FILEs are queued there, "
        "workers take files from it and push items for `ingest`, not into --db",
    )
    command.add_argument(
        "--worker-timeout",
        type=int,
        default=30,
        metavar="SECONDS",
        help="with --redis: a worker silent this long is taken for dead, and its file is read "
        "on by another (30)",
    )
    command.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    known = profiles(args)
    check_outlets(args.site or [], known)
    chosen = {name: known[name] for name in (args.site or sorted(known))}
    window = publication_window(args)
    if args.processes is not None and args.processes < 0:
        raise UserError(f"--processes {args.processes}: give 0 or more")
    if args.batch < 1:
        raise UserError(f"--batch {args.batch}: give a number of items of 1 or more")
    if not args.files and not args.redis:
        raise UserError("name the WARC files to import (or - for stdin)")
    if args.files.count("-") > 1:
        raise UserError("- (stdin) can be named once")
    for name in args.files:
        if name != "-" and not Path(name).is_file():
            what = "is not a file" if Path(name).exists() else "does not exist"
            raise UserError(f"{name}: {what}")
    if args.redis:
        return _import_on_redis(args, chosen, window)
    from caucasus_crawler.history.importer import ArchiveImporter

    check_writable(args.db)
    with Archive(args.db) as archive:
        importer = ArchiveImporter(
            archive, chosen, window=window, processes=args.processes, batch_size=args.batch
        )
        report = importer.import_files(list(args.files))
    print(report.summary())
    return 0


def _import_on_redis(args: argparse.Namespace, chosen: dict, window) -> int:
    from caucasus_crawler.cli.crawl import _redis
    from caucasus_crawler.history.workers import RedisImporter

    if args.worker_timeout < 2:
        raise UserError(f"--worker-timeout {args.worker_timeout}: give 2 seconds or more")
    if "-" in args.files:
        raise UserError("--redis shares files between workers: name files, not - (stdin)")
    if window.max_articles:
        raise UserError(
            "--max-articles counts the archive's new articles, which a Redis worker cannot "
            "see: import without --redis, or bound by --since/--until"
        )
    server = _redis(args.redis)
    importer = RedisImporter(
        server,
        chosen,
        timeout=args.worker_timeout,
        window=window,
        processes=args.processes,
        batch_size=args.batch,
    )
    importer.queue([str(Path(name).resolve()) for name in args.files])
    report = importer.work()
    print(report.summary())
    return 0
