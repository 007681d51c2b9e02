"""The commands that read the archive: `runs`, `search`, `export`, `stats`, `serve`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli.options import (
    UserError,
    add_article_filters,
    add_db,
    add_json,
    filters,
    utf8_argument,
)
from caucasus_crawler.cli.output import first_few, json_text, printable
from caucasus_crawler.controls import for_terminal


# -- runs ----------------------------------------------------------------------------------------
def add_runs_command(commands) -> None:
    runs = commands.add_parser("runs", help="recent crawl runs and their failures by reason")
    add_db(runs)
    runs.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")
    add_json(runs, "JSON")
    runs.set_defaults(func=cmd_runs)


def cmd_runs(args: argparse.Namespace) -> int:
    with Archive(args.db, create=False) as archive:
        runs = archive.recent_runs(args.limit)
        failures = archive.failures_by_reason(run["id"] for run in runs)
    if args.json:
        print(
            json_text(
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
    runs, failures = printable(runs), printable(failures)
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
            f"{run['failures']:>6}  {first_few(run['sites'])}{state}"
        )
    if failures:
        print("\nFailures in these runs, by reason:")
        for reason, count, url in failures:
            print(f"  {count:>5}  {reason}  (e.g. {url})")
    return 0


# -- search --------------------------------------------------------------------------------------
# Search ranks at most the 10,000 newest matches (Archive.search_hits' `ranked`): no limit
# above that returns more, and SQLite takes no integer past 2**63 - 1.
SEARCH_MAX_HITS = 10_000
# Around the matched words, marks that no stored text holds (controls.py), turned into
# colours once the text around them has been made safe to print.
_MARKS = ("\x02", "\x03")
_COLOURS = ("\x1b[1;33m", "\x1b[0m")


def add_search_command(commands) -> None:
    search = commands.add_parser("search", help="full-text search of the archive, best first")
    search.add_argument(
        "query",
        metavar="QUERY",
        help="words to find (all of them, in any of their forms; word* for a beginning, "
        '"quotes" for an exact phrase)',
    )
    add_db(search, show_default=True)
    add_article_filters(search)
    search.add_argument(
        "--limit", type=int, default=20, help="hits to show (default 20, at most 10,000)"
    )
    add_json(search, "a JSON array")
    search.set_defaults(func=cmd_search)


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
        ("--topic", args.topic),
    ):
        for value in values or []:
            utf8_argument(value, option)  # SQLite takes no surrogate-escaped bytes
    if args.limit < 1:
        raise UserError(f"--limit {args.limit}: give a number of hits of 1 or more")
    if args.limit > SEARCH_MAX_HITS:
        raise UserError(
            f"--limit {args.limit}: at most {SEARCH_MAX_HITS:,} (search ranks the "
            f"{SEARCH_MAX_HITS:,} newest matches)"
        )
    with Archive.open_read_only(args.db) as archive:
        chosen = filters(args, archive)
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        mark = ("<mark>", "</mark>") if args.json else _MARKS if colour else ("[", "]")
        hits = archive.search_hits(args.query, limit=args.limit, mark=mark, **chosen.as_kwargs())
    if args.json:
        print(json_text(hits))
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


# -- export --------------------------------------------------------------------------------------
EXPORT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet", ".warc": "warc"}


def add_export_command(commands) -> None:
    export = commands.add_parser("export", help="export articles as a dataset, or WARC")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet", "warc"])
    export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    add_db(export, show_default=True)
    add_article_filters(export, category=True, until=True)
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for spreadsheets: a BOM, and ' before text that would run as a formula",
    )
    export.set_defaults(func=cmd_export)


@dataclass
class ExportReport:
    """What an export wrote: export.export's result, as the user asked for it."""

    result: object  # caucasus_crawler.export's result: path, records, bytes, card
    format: str
    excel: bool
    seconds: float

    def summary(self) -> str:
        from caucasus_crawler.export import human_size

        result = self.result
        unit = "response" if self.format == "warc" else "article"
        flavour = "csv for spreadsheets" if self.excel else self.format
        lines = [
            f"Exported {result.records:,} {unit}(s) to {result.path} ({flavour}, "
            f"{human_size(result.bytes)}) in {self.seconds:.1f} s"
        ]
        if result.card is not None:
            lines.append(f"  dataset card  {result.card}")
        return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from caucasus_crawler.export import ExportError, check_output, export

    fmt = args.format or EXPORT_SUFFIXES.get(Path(args.output.name.removesuffix(".gz")).suffix)
    if fmt is None:
        raise UserError(f"-o {args.output}: say which --format (jsonl, csv, parquet or warc)")
    if fmt == "warc" and (args.language or args.category or args.topic or args.since or args.until):
        raise UserError("--format warc exports raw responses: it takes --site only")
    if args.excel and fmt != "csv":
        raise UserError("--excel is a flavour of CSV, for spreadsheets: give a .csv name")
    for option, values in (
        ("--site", args.site),
        ("--language", args.language),
        ("--category", args.category),
        ("--topic", args.topic),
    ):
        for value in values or []:
            utf8_argument(value, option)
    started = time.monotonic()
    try:
        check_output(args.output)  # a device, a FIFO, a link...: refused before any reading
        with Archive.open_read_only(args.db) as archive:
            chosen = filters(args, archive)
            result = export(archive, fmt, args.output, chosen, excel=args.excel)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    print(ExportReport(result, fmt, args.excel, time.monotonic() - started).summary())
    return 0


# -- stats, serve --------------------------------------------------------------------------------
def add_stats_command(commands) -> None:
    stats = commands.add_parser("stats", help="articles per outlet, language and month")
    add_db(stats, show_default=True)
    stats.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="chart articles per day (per week over long ranges), a panel per country",
    )
    add_json(stats, "a JSON object")
    stats.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    from caucasus_crawler import stats

    with Archive.open_read_only(args.db) as archive:
        counts = stats.collect(archive)
        if args.plot:
            try:
                chart = stats.plot(archive, args.plot)
            except (OSError, ValueError) as exc:
                raise UserError(f"--plot {args.plot}: cannot write the chart: {exc}") from None
    if args.json:
        print(json_text(counts))
    else:
        print(for_terminal(stats.render(counts)))
    if args.plot:
        print(
            f"Chart of articles per {chart.bin} per outlet, a panel per country "
            f"({len(chart.panels)} panel(s), {chart.days} days): {args.plot}",
            file=sys.stderr,
        )
    return 0


def add_serve_command(commands) -> None:
    serve = commands.add_parser("serve", help="browse and search the archive in datasette")
    add_db(serve, show_default=True)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    serve.add_argument(
        "--allow-sql",
        action=argparse.BooleanOptionalAction,
        help="let visitors run their own SQL (default: only when --host is a loopback address)",
    )
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from caucasus_crawler.serve import ServeError, serve

    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: give a port from 1 to 65535")
    Archive.open_read_only(args.db).close()  # one clear line if it is missing or broken
    try:
        serve(args.db, host=args.host, port=args.port, allow_sql=args.allow_sql)
    except ServeError as exc:  # a port taken: said before "Serving …", not after
        raise UserError(str(exc)) from None
    return 0
