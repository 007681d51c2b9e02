"""Which stemmer a word gets: by its script, and for Latin words by the article's language.

Georgian script -> georgian.py's rules; Armenian -> armenian.py's (Snowball armenian gives
one noun's forms different stems); Cyrillic -> Snowball russian; Latin -> Snowball english,
or azerbaijani.py's rules in an Azerbaijani article.
A query's language is unknown, so a Latin query word gets the stems of both. Words are
folded first (folding.fold). A word of digits, or of any other script, is its own stem.

STEMMER_VERSION names these rules: the archive rebuilds its `search_terms` when it changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from caucasus_crawler.search.armenian import stem_armenian
from caucasus_crawler.search.azerbaijani import stems_azerbaijani
from caucasus_crawler.search.folding import fold
from caucasus_crawler.search.georgian import stem_georgian

STEMMER_VERSION = (
    "2: ka rules 1, hy rules 1, az rules 1, ru nouns in -ан and genitive plurals, snowball ru/en"
)

_SNOWBALL = {name: Stemmer.Stemmer(name) for name in ("russian", "english")}


def script(word: str) -> str:
    """`georgian`, `armenian`, `cyrillic`, `latin` or `other`, by the word's first letter."""
    for char in word:
        code = ord(char)
        if char.isdigit():
            continue
        if 0x10A0 <= code <= 0x10FF or 0x1C90 <= code <= 0x1CBF or 0x2D00 <= code <= 0x2D2F:
            return "georgian"
        if 0x0530 <= code <= 0x058F or 0xFB13 <= code <= 0xFB17:
            return "armenian"
        if 0x0400 <= code <= 0x052F:
            return "cyrillic"
        if code < 0x0250 or 0x1E00 <= code < 0x1F00:
            return "latin"
        return "other"
    return "other"


@lru_cache(maxsize=200_000)
def index_stems(word: str, language: str | None) -> frozenset[str]:
    """The stems under which a word of an article in `language` is filed (usually one)."""
    folded = fold(word)
    kind = script(folded)
    if kind == "latin":
        if language == "az":
            return stems_azerbaijani(folded)
        return frozenset({_SNOWBALL["english"].stemWord(folded)})
    if kind == "cyrillic":
        return _russian_stems(folded)
    return frozenset({_stem_by_script(folded, kind)})


@lru_cache(maxsize=10_000)
def query_stems(word: str) -> frozenset[str]:
    """The stems a query word may have: a Latin word's under every Latin stemmer."""
    folded = fold(word)
    kind = script(folded)
    if kind == "latin":
        return stems_azerbaijani(folded) | {_SNOWBALL["english"].stemWord(folded)}
    if kind == "cyrillic":
        return _russian_stems(folded)
    return frozenset({_stem_by_script(folded, kind)})


def _stem_by_script(folded: str, kind: str) -> str:
    if kind == "georgian":
        return stem_georgian(folded)
    if kind == "armenian":
        return stem_armenian(folded)
    return folded


# A noun in -ан/-ян (Ереван, Пашинян, Азербайджан) and its case endings: Snowball reads some
# of its forms as verbs (Ереван -> ерева, Еревана -> ерева) and others as nouns (Ереване ->
# ереван), so the forms are filed under the noun reading too.
_NOUN_IN_AN = re.compile(r"^(.{2,}[ая]н)(?:а|у|е|ом|ы|ов|ам|ами|ах)?$")


def _russian_stems(folded: str) -> frozenset[str]:
    """Snowball russian's stem, and for a noun in -ан/-ян the noun's own (Ереван, Еревана,
    Ереване -> ереван); a word ending in a consonant also as a genitive plural."""
    stemmer = _SNOWBALL["russian"]
    stems = {stemmer.stemWord(folded)}
    noun = _NOUN_IN_AN.match(folded)
    if noun:
        stems.add(noun.group(1))
    if folded[-1:] in _CONSONANTS:
        # a bare stem is a feminine noun's genitive plural (систем, проблем), which Snowball
        # cuts shorter than the noun's other forms (сист, but система -> систем)
        stems.add(stemmer.stemWord(folded + "а"))
    return frozenset(stems)


_CONSONANTS = set("бвгджзклмнпрстфхцчшщ")
