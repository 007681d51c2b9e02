"""An Azerbaijani stemmer: small suffix rules over folded words (folding.fold).

Snowball's Turkish stemmer fits Azerbaijani badly: ə is no Turkish vowel, so the vowel
harmony it checks fails on most words (it leaves şəhərdə, şəhərin and prezidentə whole and
cuts Azərbaycan to azərbayca; tests/test_search_stemmers.py measures it). Azerbaijani stacks
endings after the stem: plural (-lar/-lər), possessive (-ı, -sı, -ları), case (genitive -ın,
-nın; dative -a, -ya, -na; locative -da, -nda; ablative -dan, -ndan; instrumental -la,
-yla), then the copula (-dır). Unlike Turkish, the locative and ablative are written -da/-dan
after any consonant. The rules take them off from the end, up to four
times, while the stem keeps three letters: Bakı, Bakıda, Bakının -> bak.
Folding has already made ı/i, ü/u, ö/o and ə/e one letter. A stem's last k or q is read as
the y or ğ it becomes before an ending (nazirlik, nazirliyi).
"""

from __future__ import annotations

from functools import lru_cache

_ENDINGS = [
    *"dir dur".split(),  # copula
    # case endings: genitive, dative, accusative, locative, ablative, instrumental
    *"nin nun in un".split(),
    *"na nə ya yə a ə".split(),
    *"ni nu yi yu i u".split(),
    *"nda ndə da də ndan ndən dan dən".split(),
    *"yla ylə la lə".split(),
    # possessive and plural
    *"si su miz muz imiz umuz niz iniz im um".split(),
    *"lari ləri lar lər".split(),
]
# folded: ə is e, ı is i, ü is u, ö is o
ENDINGS = tuple(sorted({e.replace("ə", "e") for e in _ENDINGS}, key=len, reverse=True))
VOWELS = set("aeiou")
# n, y and s join an ending to a stem ending in a vowel (Bakı-nın, Bakı-ya); an ending
# that begins with a vowel follows a consonant (Azərbaycan-ın).
BUFFERS = set("nys")
SHORTEST_STEM = 3
LAYERS = 4


@lru_cache(maxsize=100_000)
def stems_azerbaijani(folded: str) -> frozenset[str]:
    """The stems of a folded Azerbaijani word: baki, bakida, bakinin -> {bak}. Folding can
    leave two readings (azərbaycanin is azərbaycan-ın, or azərbayca-nın as Bakı-nın is):
    every reading's stem is kept, so that each form shares one with its nominative."""
    found: set[str] = set()
    _strip(folded, LAYERS, found)
    return frozenset(found)


def _strip(stem: str, layers: int, found: set[str]) -> None:
    """Take off the longest ending that fits, and when it begins with a buffer consonant also
    the reading without it (-nın or -ın, -nda or -da), then go on with what is left."""
    for ending in ENDINGS if layers else ():
        rest = stem[: -len(ending)]
        if stem.endswith(ending) and len(rest) >= SHORTEST_STEM and _joins(rest, ending):
            _strip(rest, layers - 1, found)
            shorter, other = ending[1:], stem[: 1 - len(ending)]
            if ending[0] in BUFFERS and shorter in ENDINGS and _joins(other, shorter):
                _strip(other, layers - 1, found)
            return
    found.add(_unmutated(stem))


def _unmutated(stem: str) -> str:
    """A stem's last consonant as it stands before a vowel: nazirlik and nazirliyi, ayaq and
    ayağı share nazirliy and ayag (k and q soften to y and ğ between vowels)."""
    if len(stem) > SHORTEST_STEM and stem[-2] in VOWELS and stem[-1] in "kq":
        return stem[:-1] + ("y" if stem[-1] == "k" else "g")
    return stem


def _joins(stem: str, ending: str) -> bool:
    """Whether the ending can follow this stem (buffer consonants after vowels only)."""
    if ending[0] in VOWELS:
        return stem[-1] not in VOWELS
    if ending[0] in BUFFERS and ending not in ("lar", "lər", "lari", "ləri"):
        return stem[-1] in VOWELS
    return True
