"""Outlet profiles: what to crawl and how to read each outlet, as data.

A profile is a TOML file (one per outlet) in this package or in a directory the user
names (``--profiles DIR`` or the ``PROFILES_DIRS`` setting). Discovery and extraction are
generic; a profile only adds what the generic path cannot know: where to start, which URLs
are articles, and the boilerplate an outlet leaves inside its article bodies.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pycountry
from cssselect import GenericTranslator, SelectorError

PACKAGE_DIR = Path(__file__).parent
# A profile's country is an ISO 3166-1 alpha-2 code, or this for an outlet of the whole region.
REGIONAL = "regional"
# The region's five languages, which extraction has rules of its own for (month names, scripts,
# boilerplate). A profile may name any ISO 639-1 language: outlets also publish in others.
LANGUAGES = ("en", "ka", "hy", "az", "ru")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_OFFSET = re.compile(r"^[+-]\d\d:\d\d$")
_CSS = GenericTranslator()


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field."""


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
    article_urls: tuple[re.Pattern, ...] = ()
    listing_urls: tuple[re.Pattern, ...] = ()
    ignore_urls: tuple[re.Pattern, ...] = ()
    max_listing_pages: int = 3
    next_page: str | None = None  # CSS selector of a listing's "next page" link, if unusual
    extract: ExtractRules = field(default_factory=ExtractRules)
    schedule: Schedule = field(default_factory=Schedule)
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


def _strings(data: dict, key: str, source: str, field_name: str | None = None) -> tuple[str, ...]:
    value = data.get(key, [])
    name = field_name or key
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, name, "must be a list of non-empty strings")
    return tuple(value)


def _urls(data: dict, key: str, source: str, field_name: str) -> tuple[str, ...]:
    urls = _strings(data, key, source, field_name)
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise _fail(source, field_name, f"{url!r} is not an http(s) URL")
    return urls


def _patterns(data: dict, key: str, source: str, field_name: str) -> tuple[re.Pattern, ...]:
    compiled = []
    for pattern in _strings(data, key, source, field_name):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise _fail(source, field_name, f"bad regular expression {pattern!r}: {exc}") from None
    return tuple(compiled)


def _check_selector(selector: str, source: str, field_name: str) -> None:
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
    if not isinstance(max_pages, int) or max_pages < 1:
        raise _fail(source, "urls.max_listing_pages", "must be a positive integer")

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
    for selector in _strings(rules, "remove", source, "extract.remove"):
        _check_selector(selector, source, "extract.remove")
    timezone = rules.get("timezone", "+04:00")
    if not isinstance(timezone, str) or not _OFFSET.match(timezone):
        raise _fail(source, "extract.timezone", "must be an offset like +04:00")

    every = _table(data, "schedule", source)
    unknown = sorted(set(every) - {"feeds", "listings", "sitemaps"})
    if unknown:
        raise _fail(source, f"schedule.{unknown[0]}", "unknown field")
    for key, value in every.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _fail(source, f"schedule.{key}", "must be a whole number of minutes, at least 1")

    return Profile(
        name=name,
        title=str(data.get("title", name)),
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
            remove=_strings(rules, "remove", source, "extract.remove"),
            cut_at=_strings(rules, "cut_at", source, "extract.cut_at"),
            drop_lines=_strings(rules, "drop_lines", source, "extract.drop_lines"),
            date=rules.get("date"),
            categories=rules.get("categories"),
            timezone=timezone,
        ),
        schedule=Schedule(**every),
        source=source,
        digest=_digest(data),
    )


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_profile(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    return profile_from_dict(data, str(path))


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Profile]:
    """The built-in profiles, then those in `extra_dirs` (a user's file replaces a built-in)."""
    profiles: dict[str, Profile] = {}
    # From a zipped egg (a Scrapyd deployment) the built-in ones are read via importlib.resources.
    builtin = PACKAGE_DIR if PACKAGE_DIR.is_dir() else resources.files(__name__)
    for directory in [builtin, *map(Path, extra_dirs)]:
        if not directory.is_dir():
            raise ProfileError(f"{directory}: no such profile directory")
        files = (p for p in directory.iterdir() if p.name.endswith(".toml"))
        for path in sorted(files, key=lambda p: p.name):
            profile = load_profile(path)
            previous = profiles.get(profile.name)
            if previous is not None and Path(previous.source).parent == path.parent:
                raise _fail(
                    str(path), "name", f"{profile.name!r} is also used by {previous.source}"
                )
            profiles[profile.name] = profile
    return profiles


def profile_for_url(url: str, profiles: Iterable[Profile]) -> Profile | None:
    """The profile whose domains hold `url` (used by `extract` when no site is named)."""
    return next((p for p in profiles if p.owns(url)), None)
