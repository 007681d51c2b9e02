"""A Georgian stemmer: small suffix rules, as Snowball has none for Georgian.

A Georgian noun carries its case, and often a postposition, as endings: თბილისი (the city),
თბილისის (of), თბილისში (in), თბილისიდან (from), თბილისისთვის (for), and the plural -ებ-
before them: ქალაქებში (in the cities). The rules take off, once each and in this order, a
particle (-ც "also", -ვე "the same"), the longest case or postposition ending, the plural
-ებ-, and one final vowel (ეკონომიკა and ეკონომიკის share ეკონომიკ: -ა drops before -ის;
საქართველო and საქართველოს share საქართველ). A stem keeps at least two letters. Verbs and
the syncopated nouns (წყალი, წყლის) are left to exact matching and prefixes.
"""

from __future__ import annotations

PARTICLES = ("ვე", "ც")
# Case endings and postpositions, after a consonant stem (-ის, -ით, -იდან) or a vowel one
# (-ს, -თი, -დან); longest first, so that -იდან goes before -დან and -ან is never one.
_ENDINGS = [
    # postpositions on the genitive, instrumental, dative and adverbial
    *"ისთვის სთვის თვის ისკენ სკენ ისგან სგან".split(),
    *"იდან დან ამდე მდე ივით სავით ვით ში ზე თან ებთან".split(),
    # cases: ergative, dative/genitive, instrumental, adverbial, vocative
    *"მა ის ით ად თი ს მ დ ი ო".split(),
]
ENDINGS = tuple(sorted(set(_ENDINGS), key=len, reverse=True))
PLURAL = "ებ"
VOWELS = "აეიოუ"
SHORTEST_STEM = 2


def stem_georgian(word: str) -> str:
    """The stem of a (lowercase) Georgian word: თბილისში, თბილისის, თბილისიდან -> თბილის."""
    stem = _strip(word, PARTICLES)
    stem = _strip(stem, ENDINGS)
    stem = _strip(stem, (PLURAL,))
    if len(stem) > SHORTEST_STEM and stem[-1] in VOWELS:
        stem = stem[:-1]
    return stem


def _strip(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word
