"""An Armenian stemmer: small suffix rules over folded words (folding.fold: և as եւ).

Snowball's Armenian stemmer gives one noun's forms different stems (նախարարություն ->
նախարարությ but նախարարությունը -> նախարար and նախարարության -> նախար; քաղաք -> քաղ but
քաղաքում -> քաղա): tests/test_search_stemmers.py measures it. An Armenian noun adds, in
this order, the plural (-եր, -ներ), a case (-ի, -ին, -ից, -ով, -ում) and the article (-ը,
or -ն after a vowel or before one). The rules take them off from the end, once each, while
the stem keeps three letters; the many forms of a noun in -ություն (-ության, -ությամբ,
-ությունները) share its stem up to -ությ; and ծրագիր, whose -իր drops its vowel before an
ending (ծրագրի), is filed as ծրագր.
"""

from __future__ import annotations

ABSTRACT = "ությ"  # -ություն, -ության, -ությամբ: the stem ends here
ARTICLES = ("ը", "նն")  # -ն after -ն: կառավարությունն
CASES = ("ներից", "ից", "ուց", "ով", "ում", "ին", "ի")
PLURALS = ("ներ", "եր")
SHORTEST_STEM = 3
VOWELS = "աեէըիոօու"


def stem_armenian(folded: str) -> str:
    """The stem of a folded Armenian word: Երևան, Երևանում, Երևանի -> երեւան."""
    at = folded.find(ABSTRACT)
    if at >= SHORTEST_STEM:
        return folded[: at + len(ABSTRACT)]
    stem = folded
    if stem.endswith("նն"):
        stem = stem[:-1]
    elif stem.endswith("ը") and len(stem) > SHORTEST_STEM:
        stem = stem[:-1]
    stem = _strip(stem, CASES)
    stem = _strip(stem, PLURALS)
    if stem.endswith("իր") and len(stem) > SHORTEST_STEM + 1 and stem[-3] not in VOWELS:
        stem = stem[:-2] + "ր"  # ծրագիր, ծրագրի: one stem
    return stem


def _strip(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word
