"""Publication and modification dates: machine-readable first, visible text through dateparser.

All results are ISO 8601 strings with an offset (``2024-09-04T13:27:00+04:00``), kept on
the page's own clock: an offset the page states is kept, a local time without one gets the
profile's offset (the whole region is UTC+4, no DST); without a profile, the offset the page's
other dates state, else UTC's (the day the page shows stays its day).

`find_dates` takes the machine-readable dates first and checks them against what the page
shows a reader (the day in its URL, the date beside its headline, a date labelled
"Published"): a server's UTC time goes on the page's clock, a weak or misplaced source gives
way (see `byline` for how the shown dates are found).

dateparser reads the five languages but misses some forms these outlets print: Georgian
and Armenian month names in inflected cases ("სექტემბერს", "სექტემბრის"), Azerbaijani
suffixed months and "(UTC +04:00)" suffixes. `parse_date` rewrites those to forms dateparser
knows (English month names, an offset it applies itself) instead of parsing them by hand.

A profile may name any ISO 639-1 language. Those dateparser has no locale for are left out of
its languages (visible dates are then read in the others and English); markup dates do not need
one. Persian and Arabic digits are read as digits; a year before 1995 or a bare year is no
publication date (a Solar Hijri "۱۴۰۵/۰۹/۱۶" is not 16 September 1405, nor this year's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from dateparser.data import language_order
from dateparser.date import DateDataParser
from lxml.etree import XPath

from ..profiles import Profile
from .byline import (  # month names, one place
    _AZ_STEMS,
    _HY_STEMS,
    _KA_STEMS,
    ShownDate,
    header_date,
    labelled_date,
)
from .page import Page, clean_text, element_text

DEFAULT_TIMEZONE = "+04:00"
_DATEPARSER_LANGUAGES = frozenset(language_order)  # the languages it has a locale for
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_KA_ABBREVIATIONS = (
    "იან",
    "თებ",
    "მარ",
    "აპრ",
    "მაი",
    "ივნ",
    "ივლ",
    "აგვ",
    "სექ",
    "ოქტ",
    "ნოე",
    "დეკ",
)
_AZ_SUFFIXES = ("", "da", "də", "dan", "dən", "ın", "in", "un", "ün", "a", "ə", "ı", "i", "u", "ü")
_AZ_UNITS = {
    "saniyə": "seconds",
    "dəqiqə": "minutes",
    "saat": "hours",
    "gün": "days",
    "həftə": "weeks",
    "ay": "months",
    "il": "years",
}
_AZ_RELATIVE = re.compile(r"(\d+)\s*(saniyə|dəqiqə|saat|gün|həftə|ay|il)\s+(?:əvvəl|öncə)", re.I)
_AZ_ORDINAL = re.compile(r"(\d)-(?:ci|cı|cu|cü|si|sı|su|sü|nci|ncı|ncu|ncü|inci|ıncı|uncu|üncü)\b")
_GEORGIAN_WORD = re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]+")
_ARMENIAN_WORD = re.compile(r"[\u0531-\u0587]+")
_LATIN_WORD = re.compile(r"[A-Za-zƏəİıĞğŞşÇçÖöÜü]+")
_UTC_SUFFIX = re.compile(
    r"\(?\s*(?:UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d\d))?\s*\)?", re.IGNORECASE
)
_ISO = re.compile(
    r"^(\d{4})[-/.](\d\d?)[-/.](\d\d?)(?:[T ]+(\d\d?):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?$",
    re.IGNORECASE,
)
# news.am: "2018-09-01+0412:30:00", the offset where the T belongs.
_ISO_MISPLACED_OFFSET = re.compile(
    r"^(\d{4}-\d\d-\d\d)([+-]\d\d(?::?\d\d)?)(\d{1,2}:\d\d(?::\d\d)?)$"
)
_HAS_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d\d(?!\d)")
_RELATIVE = re.compile(
    r"\b(?:ago|today|yesterday|now|just|hour|minute|назад|сегодня|вчера|только|час|минут)"
    r"|წინ|დღეს|გუშინ|ახლახან|առաջ|այսօր|երեկ|əvvəl|öncə|bugün|dünən|indi"
    r"|önce|\bdün\b|şimdi|پیش|امروز|دیروز|اکنون",  # Turkish, Persian
    re.IGNORECASE,
)
_ISO_TIME = re.compile(r"\d[T ]?\d{1,2}:\d\d|T\d\d")
_DIGIT = re.compile(r"\d")
_CLOCK = re.compile(r"\d{1,2}[:.]\d\d(?![.\d])|\d{1,2}:\d\d")
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?:[/-]|$)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})(?:/|$)|(?<![\d-])((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d])"
)
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/", re.IGNORECASE)
_RFC2822_OFFSET = re.compile(r"\d\d:\d\d(?::\d\d)?\s+[+-](?!0000)\d{4}$")
_HAS_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d|UTC|GMT)$", re.IGNORECASE)
_MIN_YEAR = 1995
# A site's clock may run a little ahead of ours: a date this close to now is not "future".
_CLOCK_SKEW = timedelta(minutes=15)

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "og:published_time",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "date",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "release_date",
    "originalpublicationdate",
)
# Generic names that hold a publication date on some sites and a modification or page date on
# others: they give way to the URL's day or the byline's.
_WEAK_META = frozenset({"date", "dc.date", "dcterms.date"})
_MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "datemodified",
    "og:updated_time",
    "article:updated_time",
    "dc.date.modified",
    "dcterms.modified",
    "modified_time",
    "last-modified",
    "lastmod",
)
_TIME_PUBLISHED = XPath(
    ".//*[@itemprop='datePublished'][@datetime or @content]"
    " | .//time[@datetime][contains(@class, 'publish') or @pubdate]"
)
_TIME_ANY = XPath("(.//time[@datetime])[1]")
_TIME_MODIFIED = XPath(".//*[@itemprop='dateModified'][@datetime or @content]")


def offset_tz(offset: str) -> dt_timezone:
    """`+04:00` (or `+0400`, `+04`, `Z`) as a fixed-offset tzinfo."""
    offset = offset.strip().replace("−", "-")
    if offset.upper() in ("Z", "UTC", "GMT", ""):
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset.lstrip("+-").replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return dt_timezone(sign * timedelta(hours=hours, minutes=minutes))


def aware(moment: datetime | None) -> datetime:
    """`moment` (a naive one is taken as UTC), or the current time."""
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _format(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_iso(value: str, timezone: str = DEFAULT_TIMEZONE) -> datetime | None:
    """A machine-readable date (ISO 8601 and its common faults), or None if it is not one."""
    value = value.strip()
    repaired = _ISO_MISPLACED_OFFSET.match(value)
    if repaired:
        day, offset, clock = repaired.groups()
        value = f"{day}T{clock}{offset}"
    match = _ISO.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        tz = offset_tz(offset) if offset else offset_tz(timezone)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _translate_months(text: str, languages: Sequence[str]) -> str:
    """Inflected Georgian/Armenian/Azerbaijani month names -> English month names, and the
    Azerbaijani forms dateparser lacks -> English."""

    def georgian(match: re.Match) -> str:
        word = match.group(0)
        for number, stem in enumerate(_KA_STEMS):
            if word.startswith(stem):
                return _MONTHS[number]
        if word in _KA_ABBREVIATIONS:
            return _MONTHS[_KA_ABBREVIATIONS.index(word)]
        return word

    def armenian(match: re.Match) -> str:
        word = match.group(0).lower()
        for number, stem in enumerate(_HY_STEMS):
            if word.startswith(stem):
                return _MONTHS[number]
        return match.group(0)

    def azerbaijani(match: re.Match) -> str:
        word = match.group(0).replace("İ", "i").replace("I", "ı").lower()
        for number, stem in enumerate(_AZ_STEMS):
            if word.startswith(stem) and word[len(stem) :] in _AZ_SUFFIXES:
                return _MONTHS[number]
        return match.group(0)

    text = _GEORGIAN_WORD.sub(georgian, text)
    text = _ARMENIAN_WORD.sub(armenian, text)
    if "az" in languages or not languages:
        # "2 saat əvvəl" (dateparser knows only "öncə"), "20-si", "bugün"
        text = _AZ_RELATIVE.sub(lambda m: f"{m[1]} {_AZ_UNITS[m[2].lower()]} ago", text)
        text = _AZ_ORDINAL.sub(r"\1", text)
        text = re.sub(r"\bbugün\b", "today", text, flags=re.IGNORECASE)
        text = _LATIN_WORD.sub(azerbaijani, text)
    return text


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...], base: datetime | None) -> DateDataParser:
    """A configured parser per language set and relative base (reused across pages: making
    one costs tens of milliseconds). No TIMEZONE: dateparser would move a time stated in
    another zone ("18:02 CDT") onto it; a stated zone is kept, and a local time comes back
    naive for the caller's offset."""
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_LOCALE_DATE_ORDER": False,
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
    }
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=list(languages), settings=settings)


def _dateparser(text: str, languages: tuple[str, ...], base: datetime | None):
    try:
        found = _parser(languages, base).get_date_data(text)
    except (ValueError, TypeError, OverflowError, AttributeError):
        return None
    # a bare year ("2026", or what is left of "آذر ۱۴۰۵") comes back as a day of this month
    return None if found.period == "year" else found.date_obj


def _ascii_digits(text: str) -> str:
    """Persian, Arabic and other decimal digits as ASCII ones, which the patterns here expect."""
    return text if text.isascii() else re.sub(r"\d", lambda m: str(int(m[0])), text)


def parse_date(
    text: str,
    languages: Sequence[str] = (),
    timezone: str = DEFAULT_TIMEZONE,
    now: datetime | None = None,
    *,
    year: int | None = None,
) -> str | None:
    """A date as printed on a page, in one of `languages`, to ISO 8601 with an offset.

    A time without an offset is taken to be in `timezone`. A date without a year gets
    `year` (e.g. from the article URL) or the year of `now`, and is moved a year back if that
    puts it in the future. Relative dates ("2 hours ago", "1 საათის წინ") count back from `now`.
    """
    text = _ascii_digits(clean_text(text))
    if not text:
        return None
    iso = parse_iso(text, timezone)
    if iso is not None:
        return None if _in_the_future(iso, now) or iso.year < _MIN_YEAR else _format(iso)

    stated = _UTC_SUFFIX.search(text)
    if stated:
        sign, hours, minutes = stated.groups()
        timezone = f"{'-' if sign in '-−' else '+'}{int(hours):02d}:{minutes or '00'}"
        text = clean_text(text[: stated.start()] + " " + text[stated.end() :])
    tz = offset_tz(timezone)
    timezone = _format(datetime(2000, 1, 1, tzinfo=tz))[-6:]
    reference = aware(now).astimezone(tz)
    # relative dates count from now on the page's clock (to the minute: parsers are reused);
    # other dates need no base, and share one parser per language set
    relative = _RELATIVE.search(text) or _AZ_RELATIVE.search(text)
    base = reference.replace(tzinfo=None, second=0, microsecond=0) if relative else None

    codes = tuple(dict.fromkeys([*(lang.split("-")[0].lower() for lang in languages), "en"]))
    normalised = _translate_months(text, codes if languages else ())
    # dateparser refuses the whole list for one language it has no locale for (Abkhaz, Kurdish)
    codes = tuple(code for code in codes if code in _DATEPARSER_LANGUAGES)
    moment = _dateparser(normalised, codes, base)
    if moment is None:
        # "Published: 4 September 2024": retry from the first digit
        first_digit = re.search(r"\d", normalised)
        if first_digit and first_digit.start() > 0:
            moment = _dateparser(normalised[first_digit.start() :], codes, base)
    if moment is None or moment.year < _MIN_YEAR:  # a Hijri year read as a Gregorian one
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)

    if not _HAS_YEAR.search(text) and not _RELATIVE.search(text):
        moment = _with_year(moment, year or reference.year, reference)
    return None if _in_the_future(moment, now) else _format(moment)


def _in_the_future(moment: datetime, now: datetime | None) -> bool:
    """A publication date more than a day after `now` (the fetch) is a typo or a trap."""
    return moment > aware(now) + timedelta(days=1)


def _with_year(moment: datetime, year: int, reference: datetime) -> datetime:
    """`moment` in `year`, or the year before when that would be after `reference`."""
    for candidate in (year, year - 1):
        try:
            dated = moment.replace(year=candidate)
        except ValueError:  # 29 February
            continue
        if dated <= reference + _CLOCK_SKEW:
            return dated
    return moment


# -- finding a page's dates ------------------------------------------------------------------


def url_year(url: str) -> int | None:
    """The year in an article URL like `/2024/09/04/slug`, if any."""
    match = _URL_YEAR.search(url)
    return int(match.group(1)) if match else None


def _rfc2822(value: str) -> datetime | None:
    """An e-mail style date with a local offset ("Sat, 19 Oct 2019 00:04:00 +0200"), kept on
    that clock (a UTC one is left to `parse_date`, which puts it on the outlet's)."""
    if not _RFC2822_OFFSET.search(value):
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.utcoffset() else None


class _Dater:
    """Parses candidate values in order and keeps the first plausible one."""

    def __init__(self, languages: Sequence[str], timezone: str, now: datetime | None, url: str):
        self.languages = languages
        self.timezone = timezone
        self.now = now
        self.latest = aware(now) + timedelta(days=1)
        self.year = url_year(url)

    def parse(self, value: object) -> tuple[datetime, bool] | None:
        """The date of `value` and whether it had a time of day."""
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            return None
        moment = parse_iso(value, self.timezone) or _rfc2822(value)
        if moment is not None:
            timed = bool(_ISO_TIME.search(value)) or bool(_CLOCK.search(value))
        else:
            text = parse_date(value, self.languages, self.timezone, self.now, year=self.year)
            moment = datetime.fromisoformat(text) if text else None
            timed = bool(_CLOCK.search(value)) or bool(_RELATIVE.search(value))
        if moment is None or moment.year < _MIN_YEAR or moment > self.latest:
            return None
        return moment, timed

    def first(self, values: Iterable[object]) -> str | None:
        """The first plausible date; a bare day gives way to a later source's time that day."""
        day_only: datetime | None = None
        for value in values:
            parsed = self.parse(value)
            if parsed is None:
                continue
            moment, timed = parsed
            if day_only is None and timed:
                return _format(moment)
            if day_only is None:
                day_only = moment
            elif timed and moment.date() == day_only.date():
                return _format(moment)
        return _format(day_only) if day_only is not None else None


def _attribute_dates(elements) -> list[str]:
    return [e.get("datetime") or e.get("content") or "" for e in elements]


def _visible_dates(page: Page, profile: Profile | None) -> list[str]:
    if profile is None or not profile.extract.date:
        return []
    selector = profile.extract.date
    found = page.select(selector, page.scope) if page.scope is not None else []
    values = []
    for element in (found or page.select(selector))[:3]:
        machine = element.get("datetime") or element.get("content")
        if machine:
            values.append(machine)
        values.append(element_text(element))
    return values


def _htmldate(page: Page) -> str | None:
    from htmldate import find_date  # imported late: only pages without any date need it

    try:
        return find_date(page.tree, extensive_search=True, original_date=True, url=page.url)
    except Exception:  # htmldate fails in many small ways on odd markup
        return None


def url_date(url: str) -> date | None:
    """The day in an article URL like `/2024/09/04/slug` or `/2024-09-04-slug`, if any (of an
    archived copy, the original URL's)."""
    match = _URL_DATE.search(_WAYBACK.sub("", url))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups() if g is not None)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _localised(
    moment: datetime, day: date, clock: tuple[int, int] | None, others: Sequence[datetime]
) -> datetime | None:
    """`moment`, a UTC time, on the clock of a page that shows it on `day`: the offset of
    another source's rendering of the same instant, else the one the shown time of day
    implies, else the nearest whole-hour offset that puts it on `day`."""
    utc = moment.astimezone(UTC)
    for other in others:
        if other.utcoffset() and other == utc and other.date() == day:
            return other
    naive = utc.replace(tzinfo=None)
    if clock is not None:
        shown = datetime.combine(day, datetime.min.time()).replace(hour=clock[0], minute=clock[1])
        offset = shown - naive.replace(second=0)
        quarter = timedelta(minutes=15)
        if abs(offset) <= timedelta(hours=14) and offset % quarter == timedelta(0):
            return utc.astimezone(dt_timezone(offset))
    for hours in range(1, 15):
        for offset in (timedelta(hours=hours), timedelta(hours=-hours)):
            if (naive + offset).date() == day and hours <= (12 if offset < timedelta(0) else 14):
                return utc.astimezone(dt_timezone(offset))
    return None


def _naive_offsets(moment: datetime, values: Iterable[object]) -> list[datetime]:
    """Renderings of `moment` by sources that print the local time without an offset
    ("2023-11-08 18:09:55" beside "2023-11-09T01:09:55Z"): the offset is their difference."""
    found = []
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    for value in values:
        if not isinstance(value, str):
            continue
        parsed = parse_iso(value, "+00:00")
        if parsed is None or not _ISO_TIME.search(value) or _HAS_OFFSET.search(value.strip()):
            continue
        offset = parsed.replace(tzinfo=None) - utc
        if timedelta(0) < abs(offset) <= timedelta(hours=14) and not offset % timedelta(minutes=15):
            found.append(moment.astimezone(dt_timezone(offset)))
    return found


def find_dates(
    page: Page,
    profile: Profile | None = None,
    now: datetime | None = None,
    title: str | None = None,
) -> tuple[str | None, str | None]:
    """(published, modified) of the page.

    The published date is the first machine-readable one (JSON-LD, `article:*` and other
    meta, `<time>` markup; a profile's visible date), checked against what the page shows:
    the day in its URL and the date beside its headline (`title` helps to find it). A UTC
    time the page shows on another day is put on the page's clock; a date from a weak source
    (a bare `date` meta, the first `<time>` of the page) that neither the URL nor the
    byline confirms gives way to them. htmldate has the last word when nothing is found.
    """
    # a page of no profile's outlet is on no known clock: its own stated offset, else UTC
    timezone = profile.extract.timezone if profile is not None else _stated_offset(page)
    # a page of no profile's outlet: visible dates in the language it declares (and English)
    declared = (page.html_lang or "").split("-")[0].lower()
    languages = profile.languages if profile is not None else ((declared,) if declared else ())
    if profile is not None and profile.extract.date:
        # a date shows digits: an element without any is another element, not the date
        found = any(_DIGIT.search(v) for v in _visible_dates(page, profile))
        page.note_check("date", "hit" if found else "miss")
    dater = _Dater(languages, timezone, now, page.url)
    article = page.jsonld_article or {}
    webpage = page.jsonld_webpage or {}
    scope = page.scope

    def strong_candidates():
        yield article.get("datePublished")
        yield article.get("dateCreated")
        yield webpage.get("datePublished")
        for name in _PUBLISHED_META:
            if name not in _WEAK_META:
                yield from page.meta.get(name, ())
        yield from _attribute_dates(_TIME_PUBLISHED(page.tree))
        yield from _visible_dates(page, profile)

    def weak_candidates():
        for name in _WEAK_META:
            yield from page.meta.get(name, ())

    def modified_candidates():
        yield article.get("dateModified")
        yield webpage.get("dateModified")
        for name in _MODIFIED_META:
            yield from page.meta.get(name, ())
        yield from _attribute_dates(_TIME_MODIFIED(page.tree))

    modified = dater.first(modified_candidates())
    strong = dater.first(strong_candidates())
    medium = strong or dater.first(_attribute_dates(_TIME_ANY(scope)) if scope is not None else [])
    published = medium or dater.first(weak_candidates())

    def plausible(shown: ShownDate | None) -> ShownDate | None:
        if shown is None or shown.day > dater.latest.date() or shown.day.year < _MIN_YEAR:
            return None
        return shown

    # What the page shows, most telling first: the day in its URL (it overrules any source it
    # does not confirm), a date labelled as the publication's (it overrules the first <time>
    # and weak meta), the date beside the headline (it overrules weak meta only).
    in_url = url_date(page.url)
    shown = plausible(header_date(page, title))
    labelled = None
    if in_url is None and (shown is None or strong is None):
        labelled = plausible(labelled_date(page))
        if labelled is not None:
            shown = labelled
    evidence = in_url or (shown.day if shown is not None else None)
    if published is None:
        if evidence is not None:
            return _on_day(evidence, shown, timezone), modified
        return dater.first([_htmldate(page)]), modified

    moment = datetime.fromisoformat(published)
    if evidence is None or moment.date() == evidence:
        return published, modified
    values = _all_values(
        strong_candidates(),
        weak_candidates(),
        _attribute_dates(_TIME_ANY(scope)) if scope is not None else [],
    )
    clock = shown.clock if shown is not None and shown.day == evidence else None
    off_by_one = abs(moment.date() - evidence) == timedelta(days=1)
    if off_by_one and moment.utcoffset() == timedelta(0) and _timed(published):
        # a UTC time that the page shows on the day before or after: its clock is another
        others = [c[0] for c in map(dater.parse, values) if c is not None]
        local = _localised(moment, evidence, clock, others + _naive_offsets(moment, values))
        if local is not None:
            return _format(local), modified
    # another source confirming the day the page shows (a bare day does not overrule a time)
    precise = strong is not None and _timed(strong)
    for value in values:
        parsed = dater.parse(value)
        if parsed is not None and parsed[0].date() == evidence and (parsed[1] or not precise):
            return _format(parsed[0]), modified
    if in_url is not None or medium is None or (labelled is not None and strong is None):
        return _on_day(evidence, shown, timezone), modified
    return published, modified


def _stated_offset(page: Page) -> str:
    """The UTC offset the page's machine-readable dates state (the first that states one),
    else UTC's: a local time on a page of unknown whereabouts keeps its day."""
    article = page.jsonld_article or {}
    values = [article.get("datePublished"), article.get("dateModified")]
    values += [v for name in (*_PUBLISHED_META, *_MODIFIED_META) for v in page.meta.get(name, ())]
    values += _attribute_dates(_TIME_ANY(page.tree))[:5]
    for value in values:
        if isinstance(value, str) and _ISO_TIME.search(value) and _HAS_OFFSET.search(value):
            moment = parse_iso(value.strip(), "+00:00")
            if moment is not None and moment.utcoffset() is not None:
                return _format(datetime(2000, 1, 1, tzinfo=moment.tzinfo))[-6:]
    return "+00:00"


def _all_values(*groups: Iterable[object]) -> list[object]:
    return [value for group in groups for value in group]


def _timed(value: str) -> bool:
    return bool(_ISO_TIME.search(value)) and not value.endswith("T00:00:00+00:00")


def _on_day(day: date, shown: ShownDate | None, timezone: str) -> str:
    """The day the page shows, at the time shown beside it (midnight if none), on its clock."""
    hour, minute = shown.clock if shown is not None and shown.day == day and shown.clock else (0, 0)
    return _format(datetime(day.year, day.month, day.day, hour, minute, tzinfo=offset_tz(timezone)))
