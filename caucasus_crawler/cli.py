"""The `caucasus-crawler` command: crawl, list outlets, extract saved pages.

Errors a user can cause (a bad option, a missing file, a broken profile) end in one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from caucasus_crawler.archive import DEFAULT_PATH, Archive, ArchiveError
from caucasus_crawler.profiles import Profile, ProfileError, load_profiles, profile_for_url

PROG = "caucasus-crawler"


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _profiles(args: argparse.Namespace) -> dict[str, Profile]:
    return load_profiles(args.profiles or [])


# -- crawl ---------------------------------------------------------------------------------------
def cmd_crawl(args: argparse.Namespace) -> int:
    profiles = _profiles(args)
    unknown = [name for name in args.sites if name not in profiles]
    if unknown:
        raise UserError(f"no outlet named {', '.join(unknown)}; `{PROG} sites` lists them")
    names = args.sites or sorted(profiles)
    if args.url and len(names) != 1:
        raise UserError("--url needs exactly one outlet, e.g. `crawl civil_ge --url URL`")
    _assignments(args.set)  # checked before anything starts

    mirror = None
    address = args.mirror
    if args.demo and not address:
        from caucasus_crawler.mirror import MirrorServer

        mirror = MirrorServer()
        mirror.start()
        address = mirror.address
    mode = "demo" if address else "live"
    try:
        with Archive(args.db) as archive:
            archive.register_sites(profiles[name] for name in names)
            run_id = archive.start_run(mode, names)
        started = time.monotonic()
        _run_spiders(names, args, run_id, address)
        with Archive(args.db) as archive:
            run = archive.finish_run(run_id)
    finally:
        if mirror is not None:
            mirror.stop()
    _print_summary(run, args.db, time.monotonic() - started)
    return 0


def _run_spiders(names: list[str], args: argparse.Namespace, run_id: int, address: str | None):
    # Imported here so that `sites` and `extract` start fast.
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("caucasus_crawler.settings", priority="project")
    settings.set("ARCHIVE_PATH", str(args.db), priority="cmdline")
    settings.set("PROFILES_DIRS", list(args.profiles or []), priority="cmdline")
    settings.set("CRAWL_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    if address:
        settings.set("MIRROR_ADDRESS", address, priority="cmdline")
    for name, value in _assignments(args.set).items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    for name in names:
        process.crawl(name, urls=args.url, force=args.force, backfill=args.backfill)
    process.start()


def _assignments(pairs: list[str] | None) -> dict[str, str]:
    """`--set NAME=VALUE` options as a dict; a malformed one is the user's error."""
    settings = {}
    for pair in pairs or []:
        name, equals, value = pair.partition("=")
        if not name.strip() or not equals:
            raise UserError(f"--set takes NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def _print_summary(run: dict, db: Path, seconds: float) -> None:
    lines = [
        f"Crawled {len(run['sites'])} outlet(s) ({run['mode']}) into {db} in {seconds:.1f} s",
        f"  outlets          {', '.join(run['sites'])}",
        f"  pages fetched    {run['requests']}",
        f"  articles stored  {run['articles_new']} new, {run['articles_updated']} updated",
        f"  duplicates       {run['duplicates']}",
        f"  failures         {run['failures']}"
        + ("  (see the `pages` table)" if run["failures"] else ""),
    ]
    if run["requests"] == 0:
        lines.append(
            "  nothing was due: outlets are polled on their profiles' schedules "
            "(`--force` polls now)"
        )
    print("\n".join(lines))


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
def _read_page(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a saved page") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UserError(f"{path}: broken gzip file: {exc}") from None
    return data


def cmd_extract(args: argparse.Namespace) -> int:
    from caucasus_crawler.extract import NotAnArticle, extract_article

    profiles = _profiles(args)
    if args.site and args.site not in profiles:
        raise UserError(f"no outlet named {args.site}; `{PROG} sites` lists them")
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
            print(article.text)
        else:
            indent = 2 if len(args.files) == 1 else None
            print(json.dumps(article.as_json(), ensure_ascii=False, indent=indent))
    return 1 if failures else 0


# -- runs ---------------------------------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    with Archive(args.db, create=False) as archive:
        runs = archive.recent_runs(args.limit)
        failures = archive.failures_by_reason(run["id"] for run in runs)
    if args.json:
        print(json.dumps({"runs": runs, "failures": [
            {"reason": reason, "urls": count, "example": url} for reason, count, url in failures
        ]}, ensure_ascii=False, indent=2))
        return 0
    if not runs:
        print(f"No crawl has run on {args.db} yet.")
        return 0
    print(f"{'run':>4}  {'started (UTC)':<19}  {'mode':<4}  {'requests':>8}  {'new':>5}  "
          f"{'updated':>7}  {'dups':>5}  {'failed':>6}  outlets")
    for run in runs:
        started = run["started"][:19].replace("T", " ")
        state = "" if run["finished"] else "  (unfinished)"
        print(f"{run['id']:>4}  {started:<19}  {run['mode']:<4}  {run['requests']:>8}  "
              f"{run['articles_new']:>5}  {run['articles_updated']:>7}  {run['duplicates']:>5}  "
              f"{run['failures']:>6}  {', '.join(run['sites'])}{state}")
    if failures:
        print("\nFailures in these runs, by reason:")
        for reason, count, url in failures:
            print(f"  {count:>5}  {reason}  (e.g. {url})")
    return 0


# -- reextract ----------------------------------------------------------------------------------
def cmd_reextract(args: argparse.Namespace) -> int:
    from caucasus_crawler.reextract import reextract

    profiles = _profiles(args)
    unknown = [name for name in args.sites if name not in profiles]
    if unknown:
        raise UserError(f"no outlet named {', '.join(unknown)}; `{PROG} sites` lists them")
    report = reextract(str(args.db), profiles, args.sites or None)
    print(report.summary())
    return 0


# -- the parser ----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="A crawl archive of South Caucasus news."
    )
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
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="Scrapy's log level (default WARNING)",
    )
    crawl.set_defaults(func=cmd_crawl)

    sites = commands.add_parser("sites", help="list the outlet profiles")
    sites.add_argument("--json", action="store_true", help="as a JSON array")
    sites.set_defaults(func=cmd_sites)

    runs = commands.add_parser("runs", help="recent crawl runs and their failures by reason")
    runs.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    runs.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")
    runs.add_argument("--json", action="store_true", help="as JSON")
    runs.set_defaults(func=cmd_runs)

    again = commands.add_parser(
        "reextract", help="run the current extraction over the stored raw pages"
    )
    again.add_argument("sites", nargs="*", metavar="SITE", help="outlets (default: all)")
    again.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help="archive file")
    again.set_defaults(func=cmd_reextract)

    extract = commands.add_parser("extract", help="extract articles from saved HTML pages")
    extract.add_argument("files", nargs="+", metavar="FILE", help="saved pages (.html or .html.gz)")
    extract.add_argument("--url", help="the page's URL (for one file)")
    extract.add_argument("--site", help="the outlet profile to use (default: from the URL)")
    extract.add_argument("--format", choices=["json", "text"], default="json")
    extract.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ProfileError, ArchiveError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
