"""Outlet profiles: what to crawl and how to read each outlet, as data.

A profile is a TOML file (one per outlet) in this package or in a directory the user
names (``--profiles DIR`` or the ``PROFILES_DIRS`` setting). Discovery and extraction are
generic; a profile only adds what the generic path cannot know: where to start, which URLs
are articles, and the boilerplate an outlet leaves inside its article bodies.

A profile may come from anyone, so what it asks is bounded: its URL patterns are matched in
time linear in the URL (RE2; see `UrlPattern`), and its numbers, lists and strings have upper
bounds far above any real outlet's (the MAX_ constants), each refused in one line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pycountry
import re2
import regex
from cssselect import GenericTranslator, SelectorError

from caucasus_crawler.topics import CategoryTopics, TopicProblem, category_topics

PACKAGE_DIR = Path(__file__).parent
# A profile's country is an ISO 3166-1 alpha-2 code, or this for an outlet of the whole region.
REGIONAL = "regional"
# The region's five languages, which extraction has rules of its own for (month names, scripts,
# boilerplate). A profile may name any ISO 639-1 language: outlets also publish in others.
LANGUAGES = ("en", "ka", "hy", "az", "ru")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_OFFSET = re.compile(r"^[+-]\d\d:\d\d$")
_CSS = GenericTranslator()
log = logging.getLogger(__name__)

# What a profile may ask, at most: far above any real outlet's needs (the built-in profiles use a
# few percent of each), low enough that a mistake or a hostile file cannot make a crawl endless.
MAX_FILE_BYTES = 10 * 2**20  # a profile file is read whole
MAX_ITEMS = 1000  # entries of a list: start URLs of each kind, domains, cut_at lines...
MAX_CHARS = 2000  # characters of one string: a URL, a line, a pattern
MAX_TITLE = 200
MAX_PATTERNS = 100  # patterns of each urls list: every link is matched against them all
MAX_SELECTORS = 100  # extract.remove: each one is run on every page
MAX_SELECTOR_CHARS = 500
MAX_LISTING_PAGES = 1000  # as many as `crawl --backfill` follows
MAX_MINUTES = 366 * 24 * 60  # schedule: a year between polls
MAX_REPEAT = 1000  # counted repetition ({m,n}), nested counts multiplied: RE2's own bound
# The time one match may take on the `regex` engine, which runs the patterns RE2 cannot. A URL
# pattern matches in microseconds; one that needs a second backtracks without end.
PATTERN_TIME_LIMIT = 1.0


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field."""


class UrlPattern:
    r"""One of a profile's URL patterns, written in Python's `re` syntax and meaning, matched in
    bounded time (`search` as `re.Pattern.search`; `pattern` is the text as written).

    A backtracking engine (Python's `re`) can take years on one URL for a pattern such as
    `(a+)+$`, inside one C call that not even SIGTERM interrupts. RE2 runs a pattern in time
    linear in the URL's length, whatever the pattern: `engine` "re2". RE2 has no lookarounds
    or backreferences (the guards of `draft`'s patterns are lookaheads) and reads a few things
    otherwise (`\b` is ASCII there); such a pattern runs on the `regex` engine, Python's
    semantics with a time limit per match (`engine` "regex"). One that passes the limit is
    logged once and matches nothing more in the process: a profile guides, never gates, so a
    URL it no longer matches is judged by its page, and the miss shows in `health`."""

    __slots__ = ("pattern", "where", "engine", "_compiled")

    def __init__(self, pattern: str, where: str = "<pattern>"):
        self.pattern = pattern
        self.where = where  # "file: field 'urls.article'", for the warning
        self.engine, self._compiled = _compile_pattern(pattern)  # PatternProblem

    def search(self, url: str) -> object | None:
        """The match of the pattern anywhere in `url`, or None."""
        if self.engine == "re2":
            try:
                return self._compiled.search(url)
            except UnicodeEncodeError:  # a lone surrogate, which UTF-8 (RE2's) cannot hold
                return self._compiled.search(url.encode("utf-8", "replace").decode("utf-8"))
        if self.pattern in _GAVE_UP:
            return None
        try:
            return self._compiled.search(url, timeout=PATTERN_TIME_LIMIT)
        except TimeoutError:
            _GAVE_UP.add(self.pattern)
            shown = url if len(url) <= 80 else url[:80] + "…"
            log.warning(
                "%s: pattern %r took over %g s on %s; it matches nothing more in this process: "
                "rewrite it without lookarounds or backreferences, so that the linear-time "
                "engine runs it",
                self.where,
                self.pattern,
                PATTERN_TIME_LIMIT,
                shown,
            )
            return None

    def __reduce__(self):  # to extraction's worker processes: compiled again there
        return (UrlPattern, (self.pattern, self.where))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"UrlPattern({self.pattern!r}, engine={self.engine!r})"


# Patterns that passed PATTERN_TIME_LIMIT in this process (each profile object, and each page's
# copy in an extraction worker, would otherwise spend the limit again).
_GAVE_UP: set[str] = set()


class PatternProblem(ValueError):
    """Why a pattern cannot be used (profile_from_dict adds the file and the field)."""


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # its errors become PatternProblems, not lines on stderr

# Python's classes are Unicode (`\w` holds Georgian letters), RE2's ASCII: Python's, as the
# members of an RE2 class. `\s` is str.isspace(): the C0 separators, NEL and Unicode's Z.
_CLASS_MEMBERS = {"d": r"\p{Nd}", "w": r"\p{L}\p{N}_", "s": r"\x09-\x0d\x1c-\x20\x85\p{Z}"}
_REPEAT = re.compile(r"\{([0-9]*)(,?)([0-9]*)\}")  # {m} {m,} {,n} {m,n} {,}, as Python reads them


def _short(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:60]) + "…"


@lru_cache(maxsize=4096)
def _compile_pattern(pattern: str) -> tuple[str, object]:
    """("re2" or "regex", the compiled pattern); PatternProblem if neither may run it."""
    try:
        re.compile(pattern)  # the syntax profiles are written in, checked as before
    except re.error as exc:
        raise PatternProblem(f"bad regular expression {_short(pattern)}: {exc}") from None
    translated, repeats = _re2_syntax(pattern)
    if repeats > MAX_REPEAT:
        raise PatternProblem(
            f"pattern {_short(pattern)} repeats more than {MAX_REPEAT} times in all (counts "
            "multiply when nested), which the linear-time engine cannot take; repeat less"
        )
    if translated is not None:
        try:
            return "re2", re2.compile(translated, _RE2_OPTIONS)
        except re2.error:
            pass  # a lookaround, a backreference, too large a program: the `regex` engine
    try:
        return "regex", regex.compile(pattern)
    except (regex.error, ValueError, OverflowError) as exc:
        raise PatternProblem(f"pattern {_short(pattern)} cannot be run: {exc}") from None


def _re2_syntax(pattern: str) -> tuple[str | None, int]:
    r"""(the pattern in RE2's syntax with Python's meaning, or None where RE2 would read it
    otherwise; the most it repeats, counts multiplied where nested: `(?:a{10}){20}` is 200).

    `pattern` is valid for Python's `re`. RE2 writes Python's `\d`, `\w`, `\s` otherwise (see
    _CLASS_MEMBERS), `\Z` as `\z`, `\u00e9` as `\x{00e9}`, and takes `{,n}` literally. `\b`
    is ASCII in RE2, `[[:alpha:]]` a POSIX class, and `[\W]` has no RE2 spelling: None."""
    out: list[str] = []
    exact = True
    groups = [[1, 1]]  # per open group: [the most repeated in it, the last atom's count]
    in_class = False
    i = 0
    while i < len(pattern):
        c, group = pattern[i], groups[-1]
        if c == "\\":
            if i + 1 == len(pattern):  # only in a verbose pattern's comment: not RE2's anyway
                return None, groups[0][0]
            e = pattern[i + 1]
            i += 2
            if e in "uU":  # \uXXXX, \UXXXXXXXX
                width = 4 if e == "u" else 8
                out.append("\\x{" + pattern[i : i + width] + "}")
                i += width
            elif e.lower() in _CLASS_MEMBERS and in_class:
                if e.isupper() and e != "D":
                    exact = False  # [\W] is "not a word character or ..."
                out.append(r"\P{Nd}" if e == "D" else _CLASS_MEMBERS.get(e, "\\" + e))
            elif e.lower() in _CLASS_MEMBERS:
                members = _CLASS_MEMBERS[e.lower()]
                out.append(f"[^{members}]" if e.isupper() else f"[{members}]")
            elif e == "b" and in_class:
                out.append(r"\x08")  # a backspace, inside a class
            elif e in "bB":
                exact = False
                out.append("\\" + e)
            elif e == "Z":
                out.append(r"\z")
            else:
                out.append("\\" + e)
            if not in_class:
                group[1] = 1
                group[0] = max(group[0], 1)
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[" and pattern.startswith(":", i + 1):
                exact = False  # RE2's [:alpha:]; a `[` and a `:` to Python
            out.append(c)
            i += 1
            continue
        repeat = _REPEAT.match(pattern, i) if c == "{" else None
        if repeat and (repeat[1] or repeat[2]):
            low, comma, high = repeat.groups()
            out.append("{" + (low or "0") + comma + high + "}")
            count = max(int(low or 0), int(high or 0), 1)
            group[1] *= count
            group[0] = max(group[0], group[1])
            i = repeat.end()
            continue
        if c == "[":  # a class: its first `]` (after a `^`) is a member
            in_class = True
            start = i + 1 + pattern.startswith("^", i + 1)
            end = start + pattern.startswith("]", start)
            out.append(pattern[i:end])
            i = end
            group[1] = 1
            group[0] = max(group[0], 1)
            continue
        if c == "(" and pattern.startswith("(?#", i):  # a comment: none in RE2
            end = pattern.find(")", i) + 1
            if not end:  # inside a verbose pattern's comment
                return None, groups[0][0]
            out.append(pattern[i:end])
            exact = False
            i = end
            continue
        if c == "(":
            groups.append([1, 1])
        elif c == ")" and len(groups) > 1:
            inner = groups.pop()[0]
            groups[-1][1] = inner
            groups[-1][0] = max(groups[-1][0], inner)
        elif c not in "*+?|":
            group[1] = 1
            group[0] = max(group[0], 1)
        out.append(c)
        i += 1
    return ("".join(out) if exact else None), groups[0][0]


@dataclass(frozen=True)
class ExtractRules:
    """Per-outlet hints for extraction. Every one is optional: extraction is generic."""

    body: str | None = None  # CSS selector of the article body, preferred when it matches
    remove: tuple[str, ...] = ()  # CSS selectors of boilerplate to drop before extraction
    cut_at: tuple[str, ...] = ()  # a paragraph starting with one of these ends the body
    drop_lines: tuple[str, ...] = ()  # exact lines (widget labels) removed from the body
    date: str | None = None  # CSS selector of the visible publication date
    categories: str | None = None  # CSS selector of category links, added to the generic ones
    timezone: str = "+04:00"  # offset of local times printed without one


@dataclass(frozen=True)
class Schedule:
    """How often each kind of start point is worth polling, in minutes."""

    feeds: int = 20
    listings: int = 120
    sitemaps: int = 1440

    @property
    def shortest(self) -> int:
        return min(self.feeds, self.listings, self.sitemaps)

    def every(self, minutes: int) -> Schedule:
        """This schedule for an outlet crawled every `minutes` (`schedule --every`): feeds and
        listings polled that often, sitemaps (an outlet's whole history) no more often."""
        return Schedule(feeds=minutes, listings=minutes, sitemaps=max(self.sitemaps, minutes))


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    country: str
    languages: tuple[str, ...]
    home: str
    domains: tuple[str, ...]
    editions: dict[str, str] = field(default_factory=dict)  # language -> URL prefix
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    json_listings: tuple[str, ...] = ()  # JSON endpoints listing articles; {page} = 1, 2, ...
    robots_sitemaps: bool = True  # read `Sitemap:` lines of robots.txt
    article_urls: tuple[UrlPattern, ...] = ()
    listing_urls: tuple[UrlPattern, ...] = ()
    ignore_urls: tuple[UrlPattern, ...] = ()
    max_listing_pages: int = 3
    next_page: str | None = None  # CSS selector of a listing's "next page" link, if unusual
    extract: ExtractRules = field(default_factory=ExtractRules)
    schedule: Schedule = field(default_factory=Schedule)
    # category key (topics.category_key) -> topics: the outlet's categories on the taxonomy
    topics: CategoryTopics = field(default_factory=dict)
    source: str = "<built-in>"
    # A digest of the profile's content: `health` judges an outlet by the runs made with the
    # profile as it is now (a fixed profile is not blamed for its old runs' problems).
    digest: str = ""

    def summary(self) -> dict:
        """The public description of the outlet (`sites --json`, the `sites` table)."""
        return {
            "name": self.name,
            "title": self.title,
            "country": self.country,
            "languages": list(self.languages),
            "home": self.home,
        }

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article_url(self, url: str) -> bool:
        return any(p.search(url) for p in self.article_urls)

    def page_mode(self, url: str) -> str:
        """How a fetched page's article is judged (extract_pool.extract_page): "article" when
        the article pattern matches its URL, "page" when the profile has none (the page's
        signals decide; a listing's links are followed), else "candidate": the outlet named
        it (a feed, a sitemap, a link), the pattern missed it, and the page's own signals
        decide. Profiles guide, never gate."""
        if not self.article_urls:
            return "page"
        return "article" if self.is_article_url(url) else "candidate"

    def is_listing_url(self, url: str) -> bool:
        return any(p.search(url) for p in self.listing_urls)

    def is_ignored(self, url: str) -> bool:
        return any(p.search(url) for p in self.ignore_urls)

    def link_kind(self, url: str) -> str:
        """An outlet's URL by the profile: ignored, article (or no pattern), listing, unknown."""
        if self.is_ignored(url):
            return "ignored"
        if not self.article_urls or self.is_article_url(url):
            return "article"
        return "listing" if self.is_listing_url(url) else "unknown"

    def edition_language(self, url: str) -> str | None:
        """The language of the edition whose URL prefix is the longest match, if any."""
        best: tuple[int, str | None] = (-1, None)
        for language, prefix in self.editions.items():
            if url.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), language)
        return best[1]


def _fail(source: str, field_name: str, problem: str) -> ProfileError:
    return ProfileError(f"{source}: field '{field_name}': {problem}")


@lru_cache(maxsize=1)
def _iso_codes() -> tuple[frozenset[str], frozenset[str]]:
    """ISO 639-1 language codes and ISO 3166-1 alpha-2 country codes, as ISO writes them
    (`tr`, `TR`); read once, pycountry's tables load on first use."""
    languages = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    countries = frozenset(country.alpha_2 for country in pycountry.countries)
    return languages, countries


def _iso_problem(code: object, known: frozenset[str], what: str) -> str | None:
    """Why `code` is not one of `known`, or None. Only ISO's case is accepted: codes are
    stored and listed as written, so `ge` beside `GE` would count as another country."""
    if isinstance(code, str) and code in known:
        return None
    problem = f"{code!r} is not an {what}"
    fixed = next((c for c in (str(code).upper(), str(code).lower()) if c in known), None)
    return f"{problem} (ISO writes it {fixed!r})" if fixed else problem


def _strings(
    data: dict,
    key: str,
    source: str,
    field_name: str | None = None,
    most: int = MAX_ITEMS,
    longest: int = MAX_CHARS,
) -> tuple[str, ...]:
    value = data.get(key, [])
    name = field_name or key
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, name, "must be a list of non-empty strings")
    if len(value) > most:
        raise _fail(source, name, f"has {len(value)} entries; at most {most}")
    for text in value:
        _check_length(text, longest, source, name)
    return tuple(value)


def _check_length(text: str, longest: int, source: str, field_name: str) -> None:
    if len(text) > longest:
        problem = f"{_short(text)} is {len(text)} characters long; at most {longest}"
        raise _fail(source, field_name, problem)


def _whole_number(value: object, least: int, most: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most


def _urls(data: dict, key: str, source: str, field_name: str) -> tuple[str, ...]:
    urls = _strings(data, key, source, field_name)
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise _fail(source, field_name, f"{url!r} is not an http(s) URL")
    return urls


def _patterns(data: dict, key: str, source: str, field_name: str) -> tuple[UrlPattern, ...]:
    compiled = []
    for pattern in _strings(data, key, source, field_name, most=MAX_PATTERNS):
        try:
            compiled.append(UrlPattern(pattern, f"{source}: field '{field_name}'"))
        except PatternProblem as exc:
            raise _fail(source, field_name, str(exc)) from None
    return tuple(compiled)


def _check_selector(selector: str, source: str, field_name: str) -> None:
    _check_length(selector, MAX_SELECTOR_CHARS, source, field_name)
    try:
        _CSS.css_to_xpath(selector)
    except SelectorError as exc:
        raise _fail(source, field_name, f"bad CSS selector {selector!r}: {exc}") from None


def _table(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(source, key, "must be a table")
    return value


_TOP_LEVEL = {
    "name",
    "title",
    "country",
    "languages",
    "home",
    "domains",
    "editions",
    "start",
    "urls",
    "extract",
    "schedule",
    "topics",
}
_EXTRACT_KEYS = {"body", "remove", "cut_at", "drop_lines", "date", "categories", "timezone"}


def profile_from_dict(data: dict, source: str = "<dict>") -> Profile:
    """Validate a profile's data; raise ProfileError naming `source` and the field."""
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise _fail(source, unknown[0], "unknown field")
    for required in ("name", "country", "languages", "home"):
        if required not in data:
            raise _fail(source, required, "is required")
    name = data["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(source, "name", "must be lower-case letters, digits and _ (e.g. civil_ge)")
    _check_length(name, MAX_TITLE, source, "name")
    title = data.get("title", name)
    if not isinstance(title, str):
        raise _fail(source, "title", "must be a string")
    _check_length(title, MAX_TITLE, source, "title")
    iso_languages, iso_countries = _iso_codes()
    country = data["country"]
    if country != REGIONAL:
        what = f"ISO 3166-1 alpha-2 country code or {REGIONAL!r}"
        problem = _iso_problem(country, iso_countries, what)
        if problem:
            raise _fail(source, "country", problem)
    languages = _strings(data, "languages", source)
    if not languages:
        raise _fail(source, "languages", "must name at least one language")
    for language in languages:
        problem = _iso_problem(language, iso_languages, "ISO 639-1 language code")
        if problem:
            raise _fail(source, "languages", problem)
    home = _urls(data, "home", source, "home")
    if len(home) != 1:
        raise _fail(source, "home", "must be one URL")
    domains = _strings(data, "domains", source) or (urlsplit(home[0]).hostname or "",)
    domains = tuple(d.lower().removeprefix("www.") for d in domains)

    editions = _table(data, "editions", source)
    for language in editions:
        if language not in languages:
            raise _fail(source, f"editions.{language}", "is not one of the profile's languages")
        _urls(editions, language, source, f"editions.{language}")

    start = _table(data, "start", source)
    unknown = sorted(set(start) - {"feeds", "sitemaps", "listings", "json", "robots_sitemaps"})
    if unknown:
        raise _fail(source, f"start.{unknown[0]}", "unknown field")
    robots_sitemaps = start.get("robots_sitemaps", True)
    if not isinstance(robots_sitemaps, bool):
        raise _fail(source, "start.robots_sitemaps", "must be true or false")

    urls = _table(data, "urls", source)
    unknown = sorted(set(urls) - {"article", "listing", "ignore", "max_listing_pages", "next_page"})
    if unknown:
        raise _fail(source, f"urls.{unknown[0]}", "unknown field")
    max_pages = urls.get("max_listing_pages", 3)
    if not _whole_number(max_pages, 1, MAX_LISTING_PAGES):
        problem = f"must be a whole number from 1 to {MAX_LISTING_PAGES} (what --backfill reads)"
        raise _fail(source, "urls.max_listing_pages", problem)

    next_page = urls.get("next_page")
    if next_page is not None:
        if not (isinstance(next_page, str) and next_page):
            raise _fail(source, "urls.next_page", "must be a CSS selector")
        _check_selector(next_page, source, "urls.next_page")

    rules = _table(data, "extract", source)
    unknown = sorted(set(rules) - _EXTRACT_KEYS)
    if unknown:
        raise _fail(source, f"extract.{unknown[0]}", "unknown field")
    for key in ("body", "date", "categories"):
        if key in rules and not (isinstance(rules[key], str) and rules[key]):
            raise _fail(source, f"extract.{key}", "must be a CSS selector")
        if key in rules:
            _check_selector(rules[key], source, f"extract.{key}")
    remove = _strings(rules, "remove", source, "extract.remove", most=MAX_SELECTORS)
    for selector in remove:
        _check_selector(selector, source, "extract.remove")
    timezone = rules.get("timezone", "+04:00")
    if (
        not isinstance(timezone, str)
        or not _OFFSET.match(timezone)
        or int(timezone[4:]) > 59
        or int(timezone[1:3]) * 60 + int(timezone[4:]) > 14 * 60  # the widest in use: +14:00
    ):
        raise _fail(source, "extract.timezone", "must be an offset like +04:00, at most 14 hours")

    every = _table(data, "schedule", source)
    unknown = sorted(set(every) - {"feeds", "listings", "sitemaps"})
    if unknown:
        raise _fail(source, f"schedule.{unknown[0]}", "unknown field")
    for key, value in every.items():
        if not _whole_number(value, 1, MAX_MINUTES):
            problem = f"must be a whole number of minutes, at least 1 and at most {MAX_MINUTES}"
            raise _fail(source, f"schedule.{key}", problem + " (a year)")

    try:
        topics = category_topics(data.get("topics", {}), MAX_TITLE)
    except TopicProblem as exc:
        raise _fail(source, exc.field, exc.problem) from None

    return Profile(
        name=name,
        title=title,
        country=country,
        languages=languages,
        home=home[0],
        domains=domains,
        editions=dict(editions),
        feeds=_urls(start, "feeds", source, "start.feeds"),
        sitemaps=_urls(start, "sitemaps", source, "start.sitemaps"),
        listings=_urls(start, "listings", source, "start.listings"),
        json_listings=_urls(start, "json", source, "start.json"),
        robots_sitemaps=robots_sitemaps,
        article_urls=_patterns(urls, "article", source, "urls.article"),
        listing_urls=_patterns(urls, "listing", source, "urls.listing"),
        ignore_urls=_patterns(urls, "ignore", source, "urls.ignore"),
        max_listing_pages=max_pages,
        next_page=next_page,
        extract=ExtractRules(
            body=rules.get("body"),
            remove=remove,
            cut_at=_strings(rules, "cut_at", source, "extract.cut_at"),
            drop_lines=_strings(rules, "drop_lines", source, "extract.drop_lines"),
            date=rules.get("date"),
            categories=rules.get("categories"),
            timezone=timezone,
        ),
        schedule=Schedule(**every),
        topics=topics,
        source=source,
        # what the crawl does: a map of categories to topics changes no page's fate
        digest=_digest({key: value for key, value in data.items() if key != "topics"}),
    )


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _read(path: Path) -> dict:
    """A profile file's TOML as a dict; ProfileError naming the file if it cannot be."""
    try:
        with path.open("rb") as file:  # no more than a profile may hold: it is read whole
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        size = f"{MAX_FILE_BYTES // 2**20} MB"
        raise ProfileError(f"{path}: the profile is larger than {size}; profiles are small")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None


def load_profile(path: Path) -> Profile:
    data = _read(path)
    if EXTENDS in data:
        problem = "a file that changes another profile is read with the others (load_profiles)"
        raise _fail(str(path), EXTENDS, problem)
    return profile_from_dict(data, str(path))


# A file with this field changes a profile loaded before it (see load_profiles).
EXTENDS = "extends"


def merged(base: dict, changes: dict) -> dict:
    """`base` with `changes` laid over it: a table merges into the table of that name, key by
    key; any other value (a string, a number, a list) replaces the one in `base`."""
    result = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Profile]:
    """The built-in profiles, then those in `extra_dirs` (a user's file replaces a built-in).

    A file with `extends = "NAME"` holds only changes to the profile NAME as loaded so far
    (built-in, or from an earlier directory or the same one): its tables merge into that
    profile's (`[schedule] feeds = 5` keeps `listings`), its other fields replace theirs.
    Its own `name`, if it gives one, makes the result another outlet."""
    profiles: dict[str, Profile] = {}
    data: dict[str, dict] = {}  # each profile's fields, for a file that extends it
    # From a zipped egg (a Scrapyd deployment) the built-in ones are read via importlib.resources.
    builtin = PACKAGE_DIR if PACKAGE_DIR.is_dir() else resources.files(__name__)
    for directory in [builtin, *map(Path, extra_dirs)]:
        if not directory.is_dir():
            raise ProfileError(f"{directory}: no such profile directory")
        files = sorted((p for p in directory.iterdir() if p.name.endswith(".toml")), key=str)
        read = [(path, _read(path)) for path in files]
        # whole profiles first, so that a change may come from the same directory
        for path, fields in sorted(read, key=lambda item: EXTENDS in item[1]):
            if EXTENDS in fields:
                fields = _extended(fields, data, str(path))
            else:
                name = fields.get("name")  # checked by profile_from_dict below
                previous = profiles.get(name) if isinstance(name, str) else None
                if previous is not None and Path(previous.source).parent == path.parent:
                    raise _fail(
                        str(path), "name", f"{previous.name!r} is also used by {previous.source}"
                    )
            profile = profile_from_dict(fields, str(path))
            profiles[profile.name] = profile
            data[profile.name] = fields
    return profiles


def _extended(changes: dict, data: dict[str, dict], source: str) -> dict:
    """The fields of the profile `changes` extends, with the changes laid over them."""
    name = changes[EXTENDS]
    if not isinstance(name, str) or name not in data:
        known = "; `caucasus-crawler sites` lists the outlets"
        raise _fail(source, EXTENDS, f"{name!r} is no profile loaded before this file{known}")
    rest = {key: value for key, value in changes.items() if key != EXTENDS}
    return merged(data[name], rest)


def profile_for_url(url: str, profiles: Iterable[Profile]) -> Profile | None:
    """The profile whose domains hold `url` (used by `extract` when no site is named)."""
    return next((p for p in profiles if p.owns(url)), None)
