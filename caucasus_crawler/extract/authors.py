"""The article's authors: people's names, one per item.

Sources in order of trust: JSON-LD `author`, author metas, `rel="author"` / `itemprop`
links, then elements classed as a byline. A byline is cleaned to names: no "By"/"Von"/"Par",
no dates, roles or e-mails, and "A and B" / "A, B" are two names.
A wire agency ("dpa", "Associated Press") is an author where its byline credits it, beside
the reporters it names or alone; a source that names only agencies gives way to a later one
that names people. The outlet's own name is an author only where the page credits nothing
else (a newsroom's unsigned piece, "DER SPIEGEL"): never beside a person or an agency.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from ..profiles import Profile
from .byline import month_number
from .metadata import key, site_names
from .page import Page, clean_text, element_text, jsonld_types

_REL_AUTHOR = XPath(
    ".//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')] | .//*[@itemprop='author']"
)
_CLASSED = XPath(
    ".//*[contains(translate(@class, 'AB', 'ab'), 'author')"
    " or contains(translate(@class, 'AB', 'ab'), 'byline')]"
    "[not(ancestor-or-self::*[contains(@class, 'comment') or contains(@id, 'comment')])]"
    "[not(ancestor::figure or ancestor::figcaption)]"
)
# A class naming the byline itself ("byline", "article-author", "authorName",
# "metainfo__item--author", "c-bylines-0-2"), not a photo credit, an author's box or bio, or
# a teaser's author in a list of other articles.
_AUTHOR_CLASS = re.compile(r"author|byline", re.IGNORECASE)
_NOT_BYLINE_CLASS = re.compile(
    r"image|photo|picture|caption|credit|avatar|bio|box|teaser|related|follow|social|share"
    r"|img|pic|thumb|about|description|comment",
    re.IGNORECASE,
)
_ORGANIZATIONS = frozenset({"organization", "newsmediaorganization", "corporation"})
_MAX_AUTHORS = 8  # a visible source naming more is not a byline (a list of staff, comments)
_MAX_DECLARED_AUTHORS = 20  # JSON-LD lists the authors on purpose: a team may sign
_MAX_AUTHOR_CHARS = 60  # nor is a longer "name" (a sentence, a job title with the name)

# "By", and its equivalents in the languages of the region and of the web at large; a
# separator must follow ("Byron Lee" keeps its name).
_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|reporting|reported|text|story|photos?|words)\s+by|by|from|authors?"
    r"|von|par|por|di|door|av|af|przez|автор(?:ы)?|текст|ავტორი|ავტორები|հեղինակ|müəllif)"
    r"(?:\s*[:\-–—]\s*|\s+)",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(
    r"\s+(?:and|und|et|y|e|en|och|og|и|და|և|ve|və)\s+|\s*[&;|/]\s*|\s*\n\s*", re.IGNORECASE
)
_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")  # "Elena Oberholzer (obe)"
_EMAIL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|ge|am|az|ru|info|de|be|is)\b", re.I)
_HAS_DIGIT = re.compile(r"\d")
_WORD_PARTS = re.compile(r"[^\W\d_]+")
# A newsroom, not a person: no name to credit.
_STAFF = frozenset(
    {
        "admin",
        "administrator",
        "staff",
        "editor",
        "editors",
        "editorial",
        "newsroom",
        "desk",
        "agency",
        "reporter",
        "correspondent",
        "author",
        "guest",
        "unknown",
        "anonymous",
        "redaction",
        "redaktion",
        "redacción",
        "rédaction",
        "redazione",
        "redactie",
        "redakcja",
        "редакция",
        "редактор",
        "რედაქცია",
        "խմբագրություն",
        "redaksiya",
        "news",
        "wire",
        "wires",
        "press release",
    }
)
# News agencies: the author of a wire story when no person is named beside them.
_AGENCIES = frozenset(
    {
        "reuters",
        "afp",
        "ap",
        "associated press",
        "agence france-presse",
        "dpa",
        "deutsche presse-agentur",
        "epd",
        "kna",
        "apa",
        "sda",
        "keystone-sda",
        "ansa",
        "efe",
        "europa press",
        "anp",
        "belga",
        "interfax",
        "tass",
        "ria novosti",
        "sputnik",
        "bloomberg",
        "anadolu",
        "anadolu ajansı",
        "anadolu agency",
        "xinhua",
        "kyodo",
        "yonhap",
        "pti",
        "ians",
        "armenpress",
        "trend",
        "report",
    }
)
# Words of a job title or an organisation, not of a person's name.
_ROLE_WORDS = frozenset(
    {
        "writer",
        "correspondent",
        "editor",
        "reporter",
        "contributor",
        "columnist",
        "staff",
        "press",
        "news",
        "agency",
        "desk",
        "media",
        "service",
        "bureau",
        "team",
        "office",
        "department",
        "ministry",
        "network",
        "television",
        "radio",
        "magazine",
        "newspaper",
        "redaktion",
        "redaction",
        "image",
        "images",
        "photo",
        "foto",
        "getty",
        "istock",
        "istockphoto",
        "shutterstock",
    }
)


def _jsonld_authors(page: Page) -> list[tuple[str, bool]]:
    """JSON-LD authors: (name, whether an organisation names itself there)."""
    article = page.jsonld_article or {}
    value = article.get("author") or article.get("creator")
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = page.jsonld_by_id.get(item["@id"], item)
        if isinstance(item, str):
            names.append((item, False))
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):  # a Person given as its parts
                parts = (item.get("givenName"), item.get("familyName"))
                name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
            if name:
                names.append((name, bool(jsonld_types(item) & _ORGANIZATIONS)))
    return names


def _is_staff(piece: str) -> bool:
    folded = piece.casefold()
    words = _WORD_PARTS.findall(folded)
    return folded in _STAFF or any(w in _ROLE_WORDS or w in _STAFF for w in words)


def byline_names(raw: str, outlet_keys: set[str]) -> tuple[list[str], list[str], list[str]]:
    """(people's names, agencies credited, the outlet's own names) in a byline: no "By",
    dates, roles, e-mails or URLs."""
    text = _PARENTHESES.sub("", clean_text(_EMAIL.sub(" ", raw)))
    text = _AUTHOR_PREFIX.sub("", text)
    people: list[str] = []
    agencies: list[str] = []
    outlet: list[str] = []
    for part in _AUTHOR_SPLIT.split(text):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and not all(len(p.split()) >= 2 for p in pieces):
            # "Jane Doe, Tbilisi": a name and a place, not two people ("Jane Doe, dpa": two)
            pieces = pieces[:1] + [p for p in pieces[1:] if p.casefold() in _AGENCIES]
        for piece in pieces:
            # dates and times ("04.09.2024", "13:27", "Jan 7, 2024") are not part of a name
            words = piece.split()
            piece = " ".join(w for w in words if not _HAS_DIGIT.search(w))
            if len(piece) < len(" ".join(words)):
                piece = " ".join(w for w in piece.split() if month_number(w) is None)
                # what a dated line leaves ("Veröffentlicht am 4.5. um 10:00 Uhr") is no name
                if any(w[:1].islower() for w in piece.split()):
                    continue
            piece = _AUTHOR_PREFIX.sub("", piece + " ").strip(" .,:;-–—()[]'\"")
            if not piece or _URLISH.search(piece):
                continue
            if len(piece) > _MAX_AUTHOR_CHARS or not 1 <= len(piece.split()) <= 5:
                continue
            piece_key = key(piece)
            if not piece_key:
                continue
            if any(k and (piece_key == k or (len(k) > 4 and k in piece_key)) for k in outlet_keys):
                outlet.append(piece)
            elif piece.casefold() in _AGENCIES:
                agencies.append(piece)
            elif not _is_staff(piece):
                people.append(piece)
    return people, agencies, outlet


def _is_byline_element(element: HtmlElement) -> bool:
    classes = element.get("class") or ""
    return any(_AUTHOR_CLASS.search(c) and not _NOT_BYLINE_CLASS.search(c) for c in classes.split())


def _byline_elements(root: HtmlElement) -> list[HtmlElement]:
    """Elements classed as a byline, innermost first: "By A | 4 May" holding "A" gives "A"."""
    found = [e for e in _CLASSED(root) if _is_byline_element(e)]
    inner = set()
    for element in found:
        inner.update(a for a in element.iterancestors())
    return [e for e in found if e not in inner]


def extract_authors(page: Page, profile: Profile | None = None) -> list[str]:
    """The article's authors, from the first source that names people (with the agencies it
    credits); the agencies of the first source crediting some when none names a person."""
    outlet_keys = {key(n) for n in site_names(page, profile)} - {""}
    scope = page.scope if page.scope is not None else page.tree

    def from_elements(elements: list[HtmlElement]) -> list[tuple[str, bool]]:
        return [
            ((e.get("content") or element_text(e)) if e.tag == "meta" else element_text(e), False)
            for e in elements[:6]
        ]

    sources = (
        (_MAX_DECLARED_AUTHORS, lambda: _jsonld_authors(page)),
        (
            _MAX_AUTHORS,
            lambda: [
                (raw, False)
                for name in ("author", "article:author", "dc.creator", "parsely-author")
                for raw in page.meta.get(name, [])
            ],
        ),
        (_MAX_AUTHORS, lambda: from_elements(_REL_AUTHOR(scope))),
        (_MAX_AUTHORS, lambda: from_elements(_byline_elements(scope))),
        # a byline above the body, outside what was taken for the article's element
        (
            _MAX_AUTHORS,
            lambda: from_elements(_byline_elements(page.tree)) if scope is not page.tree else [],
        ),
    )
    credited: list[str] = []  # the first source's agencies, when no source names a person
    corporate: list[str] = []  # the first source's outlet name, when none credits more
    for limit, source in sources:
        names: list[str] = []
        agencies: list[str] = []
        outlet: list[str] = []
        for raw, organisation in source():
            people, credits, itself = byline_names(raw, outlet_keys)
            # an organisation named as author is no person, whatever its name looks like
            found = ([] if organisation else people, credits, itself)
            for group, into in zip(found, (names, agencies, outlet), strict=True):
                into.extend(n for n in group if key(n) not in {key(m) for m in into})
        if 0 < len(names) <= limit:
            return names + [a for a in agencies if len(names) + len(agencies) <= limit]
        if agencies and not credited:
            credited = agencies[:_MAX_AUTHORS]
        if outlet and not corporate:
            corporate = outlet[:1]
    return credited or corporate
