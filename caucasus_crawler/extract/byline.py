"""The date a reader sees with the headline: the byline's or dateline's date.

Machine-readable dates say when a CMS stored the article, often on the server's clock (UTC),
sometimes the date of a re-publication or of a template; the date printed beside the
headline is the page's own clock and what its readers are told. `header_date` finds it: the
headline element (the `<h1>` that matches the page's title), then the first date in the short
texts that follow it (the byline, the dateline), before the body's first long paragraph;
failing that, the texts just before it (a date above the title). A date labelled as an update
("Updated", "Aktualisiert", "Обновлено", "განახლდა") gives way to one labelled as the
publication, or to any other.

Dates are read by regular expressions (numeric forms and month names in the languages of
dateparser's locales that news in and around the region is written in), not by dateparser,
which would take any number for a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lxml.etree import XPath
from lxml.html import HtmlElement

from .page import Page, clean_text

# Languages whose month names are recognised (dateparser's locale data), besides the stems
# of Georgian, Armenian and Azerbaijani inflected months.
_LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "ru",
    "uk",
    "az",
    "tr",
    "pl",
    "ka",
    "hy",
    "ro",
    "sv",
    "da",
    "nb",
    "fi",
    "cs",
    "id",
)
# Stems that every case form of a month name starts with (Georgian syncopates the
# genitive: სექტემბერი -> სექტემბრის, so the stem stops before the dropped vowel).
_KA_STEMS = (
    "იანვ",
    "თებერვ",
    "მარტ",
    "აპრილ",
    "მაის",
    "ივნის",
    "ივლის",
    "აგვისტ",
    "სექტემბ",
    "ოქტომბ",
    "ნოემბ",
    "დეკემბ",
)
_HY_STEMS = (
    "հունվար",
    "փետրվար",
    "մարտ",
    "ապրիլ",
    "մայիս",
    "հունիս",
    "հուլիս",
    "օգոստոս",
    "սեպտեմբեր",
    "հոկտեմբեր",
    "նոյեմբեր",
    "դեկտեմբեր",
)
_AZ_STEMS = (
    "yanvar",
    "fevral",
    "mart",
    "aprel",
    "may",
    "iyun",
    "iyul",
    "avqust",
    "sentyabr",
    "oktyabr",
    "noyabr",
    "dekabr",
)
_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

_YEAR = r"(?:19[89]\d|20[0-4]\d)"
_WORD = r"[^\W\d_]{3,}\.?"
_NUMERIC = re.compile(
    rf"(?<![\d.,/-])(?:(?P<y>{_YEAR})[-./](?P<m>\d{{1,2}})[-./](?P<d>\d{{1,2}})"
    rf"|(?P<d2>\d{{1,2}})\.\s?(?P<m2>\d{{1,2}})\.\s?(?P<y2>{_YEAR}|\d\d)"
    rf"|(?P<d3>\d{{1,2}})[/-](?P<m3>\d{{1,2}})[/-](?P<y3>{_YEAR})"
    rf"|(?P<y4>{_YEAR})\s?年\s?(?P<m4>\d{{1,2}})\s?月\s?(?P<d4>\d{{1,2}})\s?日)(?![\d/-]|[.,]\d)"
)
_TEXTUAL = re.compile(
    rf"(?<!\d)(?:(?P<d>\d{{1,2}})(?:\.|-?(?:st|nd|rd|th|ე|-?ci|-?cı|-?cu|-?cü))?\s*(?:de\s+|of\s+)?"
    rf"(?P<m>{_WORD}),?\s*(?:de\s+)?(?P<y>{_YEAR})"
    rf"|(?P<m2>{_WORD})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th|-?ci|-?si|-?sı)?,?\s+(?P<y2>{_YEAR}))"
    rf"(?!\d)",
)
# A year, or a numeric date with a two-digit year: what every date form below holds.
_MAY_HOLD_DATE = re.compile(r"(?:19[89]\d|20[0-4]\d)|\d\.\s?\d{1,2}\.\s?\d\d")
_CLOCK = re.compile(r"(?<![\d:])([01]?\d|2[0-3])[:.h]([0-5]\d)(?![\d])\s*([ap]\.?m\.?)?", re.I)
_UPDATED = re.compile(
    r"updated|modified|edited|revised|aktualisiert|geändert|mis à jour|actualizad|aggiornat"
    r"|atualizad|bijgewerkt|обновлен|изменен|განახლ|თარმაც|թարմաց|yenilən|güncellen",
    re.I,
)
_PUBLISHED = re.compile(
    r"publi|posted|created|erstellt|veröffentlicht|erschienen|опублик|გამოქვეყნ|հրապարակ"
    r"|dərc",
    re.I,
)
_ISO_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?")
# Dates of something else than the article: a member's registration, a birthday.
_NOT_ARTICLE = re.compile(
    r"regist|joined|member since|mitglied seit|beigetreten|inscrit|geboren|born|зарегистр",
    re.IGNORECASE,
)
_SKIP = frozenset({"script", "style", "noscript", "template", "button", "select", "option"})
_H1 = XPath("//h1")
_H2 = XPath("//h2")
_NON_WORD = re.compile(r"\W+")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_MAX_WORDS = 6  # words beside a date in a byline ("Berlin, 28.10.2021", "Le 19 février 2020")
# How far from the headline a date still belongs to it.
_AFTER_CHARS = 400
_BEFORE_CHARS = 200
_LONG_TEXT = 150  # a text this long is prose: the body's, or a standfirst above the byline
_LONG_TEXTS = 1  # prose passed before the byline (a standfirst); the next is the body


@dataclass(frozen=True)
class ShownDate:
    """A date printed on the page: its day, its clock time if shown, how it is labelled."""

    day: date
    clock: tuple[int, int] | None
    updated: bool
    published: bool


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    from dateparser.languages.loader import default_loader

    names: dict[str, int] = {}
    for locale in default_loader.get_locale_map(languages=list(_LANGUAGES)).values():
        for number, month_key in enumerate(_MONTH_KEYS, 1):
            for word in locale.info.get(month_key, []):
                word = word.casefold().rstrip(".")
                if len(word) >= 3 and not word.isdigit():
                    names.setdefault(word, number)
    return names


def month_number(word: str) -> int | None:
    """The month a name stands for in any of the languages (inflected forms included)."""
    word = word.replace("İ", "i").replace("I", "ı").casefold().rstrip(".")
    number = _months().get(word)
    if number is not None:
        return number
    for stems in (_KA_STEMS, _HY_STEMS):
        for index, stem in enumerate(stems):
            if word.startswith(stem):
                return index + 1
    for index, stem in enumerate(_AZ_STEMS):
        if word.startswith(stem) and len(word) - len(stem) <= 3:
            return index + 1
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def dates_in(text: str) -> Iterator[tuple[date, int, int]]:
    """The dates written in `text`, with their spans."""
    if not _MAY_HOLD_DATE.search(text):
        return
    for match in _NUMERIC.finditer(text):
        if match["y"]:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        elif match["y4"]:
            year, month, day = int(match["y4"]), int(match["m4"]), int(match["d4"])
        elif match["y2"]:
            year, month, day = _year(match["y2"]), int(match["m2"]), int(match["d2"])
        else:
            year, month, day = int(match["y3"]), int(match["m3"]), int(match["d3"])
            if month > 12 >= day:  # 11/25/2019: American order
                month, day = day, month
        try:
            yield date(year, month, day), match.start(), match.end()
        except ValueError:
            continue
    for match in _TEXTUAL.finditer(text):
        month = month_number(match["m"] or match["m2"])
        if month is None:
            continue
        try:
            yield (
                date(int(match["y"] or match["y2"]), month, int(match["d"] or match["d2"])),
                match.start(),
                match.end(),
            )
        except ValueError:
            continue


def _clock_near(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The time of day printed right beside a date (within a few characters)."""
    window = text[max(0, start - 12) : start] + " " * 3 + text[end : end + 16]
    match = _CLOCK.search(window)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    meridiem = (match[3] or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return hour, minute


def _shown(text: str, label: str) -> ShownDate | None:
    """The first date of a short text that is about it (a byline, a dateline), not of a
    sentence that mentions one ("the next meeting is on 5 February 2020 at the ...")."""
    found = sorted(dates_in(text), key=lambda item: item[1])
    if not found:
        return None
    day, start, end = found[0]
    if len(_WORDS.findall(text[:start] + " " + text[end:])) > _MAX_WORDS:
        return None
    context = label + " " + text[:start]
    if _NOT_ARTICLE.search(context):
        return None
    return ShownDate(
        day,
        _clock_near(text, start, end),
        bool(_UPDATED.search(context)),
        bool(_PUBLISHED.search(context)),
    )


def _machine(value: str, label: str) -> ShownDate | None:
    match = _ISO_DAY.match(value.strip())
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    clock = (int(match[4]), int(match[5])) if match[4] else None
    return ShownDate(day, clock, bool(_UPDATED.search(label)), bool(_PUBLISHED.search(label)))


def _key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def headline(page: Page, title: str | None) -> HtmlElement | None:
    """The element holding the article's headline: the `<h1>` (else `<h2>`) whose text is
    the title, or the page's only `<h1>`."""
    title_key = _key(title or "")
    h1s = _H1(page.tree)
    for candidates in (h1s, _H2(page.tree) if title_key else []):
        for element in candidates:
            text_key = _key(element.text_content())
            if (
                len(text_key) >= 8
                and title_key
                and (text_key in title_key or title_key in text_key)
            ):
                return element
    return h1s[0] if len(h1s) == 1 else None


def _texts_after(element: HtmlElement) -> Iterator[str]:
    """Texts in document order after `element` (its own text excluded)."""
    if element.tail:
        yield element.tail
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str):
                if sibling.tail:
                    yield sibling.tail
                continue
            for inner in sibling.iter():
                if isinstance(inner.tag, str) and inner.tag not in _SKIP and inner.text:
                    yield inner.text
                if inner.tag == "time" and inner.get("datetime"):
                    yield "\x00" + inner.get("datetime")
                if inner is not sibling and inner.tail:
                    yield inner.tail
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()
        if node is not None and node.tail:
            yield node.tail


def _texts_before(element: HtmlElement) -> Iterator[str]:
    """Texts before `element` inside its parent and grandparent, nearest first."""
    node = element
    for _ in range(2):
        parent = node.getparent()
        if parent is None:
            return
        for sibling in node.itersiblings(preceding=True):
            if isinstance(sibling.tag, str) and sibling.tag not in _SKIP:
                texts = [t for t in sibling.itertext() if t.strip()]
                yield from reversed(texts)
        node = parent


def header_date(page: Page, title: str | None) -> ShownDate | None:
    """The date shown with the article's headline, if the page shows one there."""
    element = headline(page, title)
    if element is None:
        return None
    found: list[ShownDate] = []
    seen = long_texts = 0
    label = ""
    for raw in _texts_after(element):
        if raw.startswith("\x00"):  # a <time datetime>: its machine-readable value
            shown = _machine(raw[1:], label)
            if shown is not None:
                found.append(shown)
                if shown.published or not shown.updated:
                    break
            continue
        text = clean_text(raw)
        if not text:
            continue
        if len(text) >= _LONG_TEXT:
            long_texts += 1
            if long_texts > _LONG_TEXTS:
                break
            label = ""
            continue
        shown = _shown(text, label)
        if shown is not None:
            found.append(shown)
            if shown.published or not shown.updated:
                break
        label = text[-40:]
        seen += len(text)
        if seen > _AFTER_CHARS:
            break
    if not found:
        seen = 0
        for raw in _texts_before(element):
            text = clean_text(raw)
            if not text:
                continue
            if len(text) >= _LONG_TEXT:
                break
            shown = _shown(text, "")
            if shown is not None:
                found.append(shown)
                break
            seen += len(text)
            if seen > _BEFORE_CHARS:
                break
    for shown in found:
        if shown.published or not shown.updated:
            return shown
    return found[0] if found else None


# "Published on 4 May 2020", "Veröffentlicht am 16.08.2019", "Erstellt am: 01.11.2023": a date
# the page labels as the publication's, wherever it stands (a podcast's notes, a footer).
_LABELS = re.compile(
    r"(?<![\w\"'])(?:published|publié|publicado|pubblicato|veröffentlicht|erstellt"
    r"|опубликовано|გამოქვეყნდა|հրապարակվել|dərc (?:olunub|edilib)|was posted"
    r"|this entry was posted)(?![\w\"'])",
    re.IGNORECASE,
)
_LABEL_STEMS = (
    "published",
    "publié",
    "publicado",
    "pubblicato",
    "veröffentlicht",
    "erstellt",
    "опубликовано",
    "გამოქვეყნდა",
    "հրապարակվել",
    "dərc ",
    "was posted",
)
# The German rendering of WordPress's "This entry was posted on ... at ...".
_LABEL_AFTER = re.compile(
    r"(?<!\w)wurde am\b(.{0,160}?)\b(?:gepostet|veröffentlicht)\b", re.IGNORECASE | re.DOTALL
)
_GAP = re.compile(r"^(?:\s|&nbsp;|<[^<>]{0,300}>|:|\b(?:am|on|le|el|il|em|at|den|der)\b|,)*")
_TAG = re.compile(r"<[^<>]*>")


def _in_code(source: str, position: int) -> bool:
    """Whether `position` of the HTML is inside a script, a style sheet or a comment."""
    for opening, closing in (("<script", "</script"), ("<style", "</style"), ("<!--", "-->")):
        if source.rfind(opening, 0, position) > source.rfind(closing, 0, position):
            return True
    return False


def _label_positions(source: str, stems: tuple[str, ...], limit: int) -> list[int]:
    """Where the page's HTML holds one of `stems` (case-insensitively), first `limit`."""
    lowered = source.lower()
    if len(lowered) != len(source):  # a character whose lower case is longer: no shortcut
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in source)
    found: list[int] = []
    for stem in stems:
        start = lowered.find(stem)
        while start >= 0 and len(found) < 4 * limit:
            found.append(start)
            start = lowered.find(stem, start + 1)
    return sorted(found)[:limit]


def _dated(text: str) -> ShownDate | None:
    text = clean_text(_TAG.sub(" ", text).replace("&nbsp;", " "))[:40]
    found = sorted(dates_in(text), key=lambda item: item[1])
    if found and found[0][1] == 0:
        day, start, end = found[0]
        return ShownDate(day, _clock_near(text, start, end), False, True)
    return None


def labelled_date(page: Page) -> ShownDate | None:
    """The first date the page labels as its publication's ("Published on ...")."""
    source = page.source
    if not source:
        return None
    for position in _label_positions(source, _LABEL_STEMS, 8):
        match = _LABELS.match(source, position)
        if match is None or _in_code(source, position):
            continue
        rest = source[match.end() : match.end() + 400]
        shown = _dated(rest[_GAP.match(rest).end() :])
        if shown is not None:
            return shown
    for position in _label_positions(source, ("wurde am",), 8):
        match = _LABEL_AFTER.match(source, position)
        if match is None or _in_code(source, position):
            continue
        shown = _dated(match[1])
        if shown is not None:
            return shown
    return None
