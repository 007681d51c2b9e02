"""The options several commands share, declared once, and the checks of what they are given.

A value a user got wrong ends as a UserError: one line on stderr (see cli/__init__.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from caucasus_crawler.archive import DEFAULT_PATH, Archive
from caucasus_crawler.crawling import archive_path_problem
from caucasus_crawler.profiles import Profile, load_profiles
from caucasus_crawler.topics import topic_names, unknown_topics

if TYPE_CHECKING:
    from caucasus_crawler.export import Filters
    from caucasus_crawler.publication_window import PublicationWindow

PROG = "caucasus-crawler"


class UserError(Exception):
    """Something the user can fix; printed as one line."""


# -- declaring them ------------------------------------------------------------------------------
def add_db(parser: argparse.ArgumentParser, show_default: bool = False) -> None:
    """`--db FILE`, the archive (archive.db by default)."""
    help = f"archive file (default {DEFAULT_PATH})" if show_default else "archive file"
    parser.add_argument("--db", type=Path, default=Path(DEFAULT_PATH), help=help)


def add_sites(parser: argparse.ArgumentParser, help: str = "outlets (default: all)") -> None:
    """The outlets a command works on, by name: all of them when none is named."""
    parser.add_argument("sites", nargs="*", metavar="SITE", help=help)


def add_json(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"as {what}")


def add_mirror(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--mirror", metavar="HOST:PORT", help=help)


def add_settings(parser: argparse.ArgumentParser, help: str) -> None:
    """`--set NAME=VALUE`: a Scrapy setting, repeatable (read with `assignments`)."""
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", help=help)


def add_article_filters(
    parser: argparse.ArgumentParser, category: bool = False, until: bool = False
) -> None:
    """Which articles (`search`, `export`): read with `filters`."""
    parser.add_argument("--site", action="append", help="only this outlet (repeatable)")
    parser.add_argument("--language", action="append", help="only this language (repeatable)")
    if category:
        parser.add_argument("--category", action="append", help="only this category (repeatable)")
    parser.add_argument(
        "--topic", action="append", help="only this topic, e.g. economy (repeatable: any of them)"
    )
    parser.add_argument("--since", metavar="DATE", help="published on or after YYYY-MM-DD")
    if until:
        parser.add_argument("--until", metavar="DATE", help="published on or before YYYY-MM-DD")


def since_option(parser: argparse.ArgumentParser) -> None:
    """`--since DAY`: keep articles published on or after it (crawl, import)."""
    parser.add_argument(
        "--since", metavar="DAY", help="keep only articles published on or after YYYY-MM-DD"
    )


def until_option(parser: argparse.ArgumentParser) -> None:
    """`--until DAY`: keep articles published on or before it (crawl, import)."""
    parser.add_argument(
        "--until", metavar="DAY", help="keep only articles published on or before YYYY-MM-DD"
    )


def max_articles_option(parser: argparse.ArgumentParser) -> None:
    """`--max-articles N`: at most N new articles per outlet in this run (crawl, import)."""
    parser.add_argument(
        "--max-articles",
        type=int,
        default=0,
        metavar="N",
        help="store at most N new articles per outlet in this run; a later run takes the rest",
    )


def add_publication_window(parser: argparse.ArgumentParser) -> None:
    """`--since`, `--until` and `--max-articles`, read with `publication_window`."""
    since_option(parser)
    until_option(parser)
    max_articles_option(parser)


# -- reading them --------------------------------------------------------------------------------
def profiles(args: argparse.Namespace) -> dict[str, Profile]:
    """The outlet profiles: the bundled ones and those of `--profiles DIR`."""
    return load_profiles(args.profiles or [])


def check_outlets(names: Sequence[str], profiles: dict[str, Profile]) -> None:
    """Every outlet a user named has a profile, or one line saying which do not."""
    unknown = [name for name in names if name not in profiles]
    if unknown:
        raise UserError(f"no outlet named {', '.join(unknown)}; `{PROG} sites` lists them")


def assignments(pairs: list[str] | None) -> dict[str, str]:
    """`--set NAME=VALUE` options as a dict; a malformed one is the user's error."""
    settings = {}
    for pair in pairs or []:
        name, equals, value = pair.partition("=")
        if not name.strip() or not equals:
            raise UserError(f"--set takes NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def check_writable(db: Path) -> None:
    """One clear line, before a crawl starts, when the archive cannot be written there."""
    problem = archive_path_problem(db)
    if problem:
        raise UserError(f"--db {problem}")


def utf8_argument(value: str, option: str) -> None:
    """One line for a command-line value that is not UTF-8: Python hands its bytes over as
    lone surrogates, which neither SQLite nor a UTF-8 file can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise UserError(
            f"{option} '{shown}': not UTF-8 text; is the terminal's encoding (locale) UTF-8?"
        ) from None


def day(value: str | None, option: str):
    """A YYYY-MM-DD option as a date, or one line saying what is wrong."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: give a day as YYYY-MM-DD, e.g. 2024-09-04") from None


def filters(args: argparse.Namespace, archive: Archive) -> Filters:
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
    unknown = unknown_topics(args.topic or [])
    if unknown:
        known = ", ".join(topic_names())
        raise UserError(f"--topic {', '.join(unknown)}: no such topic; the topics are {known}")
    return Filters(
        sites=args.site,
        languages=args.language,
        categories=getattr(args, "category", None),
        since=day(args.since, "--since"),
        until=day(getattr(args, "until", None), "--until"),
        topics=args.topic,
    )


def publication_window(args: argparse.Namespace) -> PublicationWindow:
    """The bounds `--since`, `--until` and `--max-articles` ask for, each checked (one line
    naming the option when wrong)."""
    from caucasus_crawler.publication_window import PublicationWindow, WindowError, parse_day

    try:
        return PublicationWindow(
            parse_day(getattr(args, "since", None), "--since"),
            parse_day(getattr(args, "until", None), "--until"),
            getattr(args, "max_articles", 0) or 0,
        )
    except WindowError as exc:
        raise UserError(str(exc)) from None
