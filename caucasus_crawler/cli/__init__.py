"""The `caucasus-crawler` command: crawl, list outlets, extract saved pages, read the archive.

A module per group of commands: crawl.py (crawl, ingest, schedule), history.py (import),
outlets.py (sites, extract, draft, health, reextract), read.py (runs, search, export, stats,
serve); the options they share in options.py. Here: the parser and the exit codes.

Errors a user can cause (a bad option, a missing file, a broken profile) end in one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
from collections.abc import Sequence

from caucasus_crawler import __version__
from caucasus_crawler.archive import ArchiveError, is_write_failure, write_failure_reason
from caucasus_crawler.cli import crawl, history, outlets, read
from caucasus_crawler.cli.options import PROG, UserError
from caucasus_crawler.crawling import CrawlError, CrawlFailed
from caucasus_crawler.profiles import ProfileError

# The commands, in the order `--help` lists them.
COMMANDS = (
    crawl.add_crawl_command,
    crawl.add_ingest_command,
    history.add_import_command,
    outlets.add_sites_command,
    read.add_runs_command,
    outlets.add_health_command,
    outlets.add_draft_command,
    outlets.add_reextract_command,
    crawl.add_schedule_command,
    outlets.add_extract_command,
    read.add_search_command,
    read.add_export_command,
    read.add_stats_command,
    read.add_serve_command,
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments reported as one line (not usage + error)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="A crawl archive of South Caucasus news.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--profiles",
        action="append",
        metavar="DIR",
        help="a directory of extra outlet profiles (*.toml); may be repeated",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, CrawlError, ProfileError, ArchiveError) as exc:
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


__all__ = ["PROG", "UserError", "build_parser", "main", "run"]
