"""The commands about outlets, their profiles and their pages: `sites`, `extract`, `draft`,
`health`, `reextract`."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli.options import (
    PROG,
    UserError,
    add_db,
    add_json,
    add_mirror,
    add_sites,
    check_outlets,
    profiles,
)
from caucasus_crawler.cli.output import column_width, json_text, printable
from caucasus_crawler.controls import for_terminal
from caucasus_crawler.health import HEALTH_RUNS
from caucasus_crawler.profiles import Profile, profile_for_url


# -- sites ---------------------------------------------------------------------------------------
def add_sites_command(commands) -> None:
    sites = commands.add_parser("sites", help="list the outlet profiles")
    add_json(sites, "a JSON array")
    sites.set_defaults(func=cmd_sites)


def cmd_sites(args: argparse.Namespace) -> int:
    known = profiles(args)
    if args.json:
        print(json.dumps([p.summary() for p in known.values()], ensure_ascii=False, indent=2))
        return 0
    rows = [(p.name, p.country, ",".join(p.languages), p.home) for p in known.values()]
    wide = [column_width([row[i] for row in rows], least) for i, least in enumerate((16, 8, 10))]
    for name, country, languages, home in rows:
        print(f"{name:<{wide[0]}} {country:<{wide[1]}} {languages:<{wide[2]}} {home}")
    return 0


# -- extract -------------------------------------------------------------------------------------
MAX_PAGE_BYTES = 50 * 1024 * 1024  # a saved page larger than this is not a news page


def add_extract_command(commands) -> None:
    extract = commands.add_parser("extract", help="extract articles from saved HTML pages")
    extract.add_argument("files", nargs="+", metavar="FILE", help="saved pages (.html or .html.gz)")
    extract.add_argument("--url", help="the page's URL (for one file)")
    which = extract.add_mutually_exclusive_group()
    which.add_argument("--site", help="the outlet profile to use (default: from the URL)")
    which.add_argument(
        "--generic",
        action="store_true",
        help="no outlet profile, even for an outlet's URL: the general extractor for any page",
    )
    extract.add_argument("--format", choices=["json", "text"], default="json")
    extract.add_argument(
        "--metadata-only",
        action="store_true",
        help="print title, dates, authors and language (JSON), even for a page that holds no "
        "article ('article' then says why)",
    )
    extract.set_defaults(func=cmd_extract)


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


def _profile_from_page(
    html: bytes, path: Path, known: dict[str, Profile]
) -> tuple[str, Profile | None, str]:
    """For a page given without --url, --site or --generic: the URL to read it as, its
    outlet's profile, and a note saying which (or that none) and why. The page's own URL
    (canonical link, else og:url) names the outlet; a page that gives none is read under its
    file's URL, with the general extractor."""
    from caucasus_crawler.extract import declared_url_of

    saved_at = path.resolve().as_uri()
    own = declared_url_of(html, saved_at)
    if own is None:
        none = "the page gives no URL of its own (--url or --site NAME chooses one)"
        return saved_at, None, f"read with no outlet profile: {none}"
    profile = profile_for_url(own, known.values())
    if profile is None:
        none = f"no profile owns the page's URL {own} (--site NAME chooses one)"
        return own, None, f"read with no outlet profile: {none}"
    return own, profile, f"read with the {profile.name} profile, for the page's URL {own}"


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract each saved page; a line on stderr per page that fails. When the user did not
    say which profile (no --url, --site or --generic), the profile comes from the page's own
    URL, and a note says which: its own line for one page (stdout holds one article), folded
    into the error line of a page that fails (one line per failed page, which scripts count);
    for a successful page among several, each JSON line's `site` says it."""
    from caucasus_crawler.extract import NotAnArticle, extract_article, extract_metadata

    known = profiles(args)
    check_outlets([args.site] if args.site else [], known)
    if args.url and len(args.files) > 1:
        raise UserError("--url names the page of one file; give one file with it")
    chosen = bool(args.url or args.site or args.generic)
    failures = 0
    for name in args.files:
        path = Path(name)
        note = None
        try:
            html = _read_page(path)
            if not chosen:
                url, profile, note = _profile_from_page(html, path, known)
            else:
                url = args.url or path.resolve().as_uri()
                if args.generic:
                    profile = None
                else:
                    profile = (
                        known[args.site] if args.site else profile_for_url(url, known.values())
                    )
            if args.metadata_only:
                one = len(args.files) == 1
                print(json_text(extract_metadata(html, url, profile), indent=2 if one else None))
            else:
                article = extract_article(html, url, profile)
        except UserError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            failures += 1
            continue
        except NotAnArticle as exc:
            folded = f" ({for_terminal(note)})" if note else ""
            print(
                f"{PROG}: {path}: no article found: {for_terminal(str(exc))}{folded}",
                file=sys.stderr,
            )
            failures += 1
            continue
        if note and len(args.files) == 1:
            print(f"{PROG}: {path}: {for_terminal(note)}", file=sys.stderr)
        if args.metadata_only:
            continue
        if args.format == "text":
            print(for_terminal(article.text))
        else:
            print(json_text(article.as_json(), indent=2 if len(args.files) == 1 else None))
    return 1 if failures else 0


# -- health --------------------------------------------------------------------------------------
def add_health_command(commands) -> None:
    checkup = commands.add_parser(
        "health", help="whether each outlet's profile still fits its site, from recent runs"
    )
    add_sites(checkup)
    add_db(checkup)
    checkup.add_argument(
        "--runs",
        type=int,
        default=HEALTH_RUNS,
        metavar="N",
        help=f"judge the last N runs made with the profile as it is (default {HEALTH_RUNS})",
    )
    add_json(checkup, "a JSON array")
    checkup.set_defaults(func=cmd_health)


def cmd_health(args: argparse.Namespace) -> int:
    from caucasus_crawler.health import assess

    known = profiles(args)
    check_outlets(args.sites, known)
    if args.runs < 1:
        raise UserError(f"--runs {args.runs}: give a number of runs, at least 1")
    report = []
    with Archive(args.db, create=False) as archive:
        for name in args.sites or sorted(known):
            runs, metrics, stale = archive.recent_health(name, known[name].digest, args.runs)
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
        print(json_text(report))
    else:
        _print_health(printable(report))
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


# -- draft ---------------------------------------------------------------------------------------
def add_draft_command(commands) -> None:
    draft = commands.add_parser(
        "draft", help="draft an outlet's profile from its home page, feeds, sitemaps, articles"
    )
    draft.add_argument("url", metavar="URL", help="the outlet's home page")
    draft.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the profile here (default: stdout)"
    )
    draft.add_argument("--force", action="store_true", help="replace FILE if it exists")
    draft.add_argument("--name", help="the profile's name (default: from the host, civil_ge)")
    add_mirror(draft, "read the site from a mirror served there")
    draft.set_defaults(func=cmd_draft)


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


# -- reextract -----------------------------------------------------------------------------------
def add_reextract_command(commands) -> None:
    again = commands.add_parser(
        "reextract", help="run the current extraction over the stored raw pages"
    )
    add_sites(again)
    add_db(again)
    again.set_defaults(func=cmd_reextract)


def cmd_reextract(args: argparse.Namespace) -> int:
    from caucasus_crawler.reextract import reextract

    known = profiles(args)
    check_outlets(args.sites, known)
    report = reextract(str(args.db), known, args.sites or None)
    print(report.summary())
    return 0
