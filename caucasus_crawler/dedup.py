"""Near-duplicate detection: pure functions over article bodies, no SQL, no Scrapy.

A body becomes a set of word shingles (runs of SHINGLE_WORDS words of the normalised text:
NFKD without combining marks, casefolded, punctuation dropped; `\\w` is Unicode-aware, so
Georgian, Armenian and Cyrillic words split like Latin ones). A MinHash of that set
(datasketch's, imported through minhash.py, which spares every process scipy; fed in one
vectorised `update_batch`) is cut into BANDS bands of ROWS values; each band is
hashed with its number and the article's language into one integer. Two articles that share a
band hash are *candidates*; the archive keeps the band hashes (archive/dedup_index.py) so a new
article's candidates are a few index lookups away at any archive size. Languages never share a
band: a translation is not a duplicate.

A candidate is only a duplicate when `compare` says so, on the real shingle sets (the body
read back from the archive), not on the MinHash estimate: texts that share a template
(daily rate roundups, agency items with the same boilerplate, live blogs) can share bands,
and what tells them apart is what they do *not* share, chiefly their numbers.

    fp = fingerprint(body, "en")
    fp.bands                                  # what the archive indexes
    compare(fp, shingles_of(other_body))      # the similarity, or None: not a duplicate
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from caucasus_crawler.minhash import LeanMinHash, MinHash

SHINGLE_WORDS = 4
NUM_PERM = 128
SEED = 1
# The Jaccard similarity the LSH bands aim at. Verification (compare) accepts pairs down to
# a Jaccard of 0.48: the shorter set only CONTAINMENT (c) inside the longer, the longer as
# much larger as NOVEL_SHARE (N) lets it be, x = (c (1 - N) + N) / (1 - N) times the shorter,
# gives J = c / (x + 1 - c) (a reprint that cuts a third of the text). So the bands aim well
# below it and lean to recall: with 42 bands of 3 rows, a pair at 0.48 becomes a candidate
# 99% of the time, 1 - (1 - 0.48^3)^42 (at 0.4 the optimiser gives 32x4: 83%). A missed pair
# is lost; a needless candidate only costs one verification.
LSH_THRESHOLD = 0.3
LSH_WEIGHTS = (0.3, 0.7)
# What datasketch's optimiser gives for LSH_THRESHOLD, NUM_PERM and LSH_WEIGHTS (test_dedup
# asks it again, so the two cannot drift apart): written out, so that no process needs its
# LSH class (and scipy) to know the bands.
BANDS, ROWS = 42, 3
# Below this many distinct shingles (about 50 words, a paragraph) a text is too short to call
# a near copy: one changed word moves its containment by 8% or more, and two short agency
# items that share their boilerplate would be "similar" while saying different things.
# (Exact copies of short texts are still found by content_hash.)
MIN_SHINGLES = 50
# A pair is the same story when the shorter text lies almost wholly in the longer
# (CONTAINMENT of its shingles: a reprint keeps the text, cut or extended by a line or a
# paragraph) and the longer adds little of its own (NOVEL_SHARE of the union at most: a
# follow-up that quotes the earlier story adds a story of its own). Containment separates
# the labelled set better than Jaccard: a reprint that cuts the last paragraph has a Jaccard
# as low as a roundup's (0.6), while its containment stays above 0.85 and theirs below 0.8.
CONTAINMENT = 0.8
NOVEL_SHARE = 0.4
# Copies keep the story's figures; a roundup or a template item differs in exactly those.
# When both texts have at least NUMBERS_MIN distinct numbers, they must share NUMBERS_SHARED
# of the smaller set.
NUMBERS_MIN = 3
NUMBERS_SHARED = 0.7

# Marks written inside words: Armenian emphasis, exclamation, question and abbreviation marks,
# soft hyphens and zero-width characters. Dropped, so that a word keeps being one word.
_IN_WORD = re.compile("[\u055b\u055c\u055e\u055f\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff]")
_WORD = re.compile(r"\w+")
# A number with its decimal and thousands separators ("7.2", "1,200", "1 200"), compared by its
# digits alone: reprints re-format numbers ("7,2" for "7.2") but keep them.
_NUMBER = re.compile(r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*")
_NOT_DIGIT = re.compile(r"\D")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BAND_BITS = 47  # band hashes fit SQLite's 6-byte integers


def normalise(text: str) -> str:
    """Text as compared: compatibility forms, no combining marks (Latin and Cyrillic accents;
    Georgian and Armenian have none), casefolded; Azerbaijani dotless ı folded with i so that
    "IŞIQ" and "işıq" agree."""
    text = unicodedata.normalize("NFKD", _IN_WORD.sub("", text or ""))
    return _COMBINING.sub("", text).casefold().replace("ı", "i")


def words(text: str) -> list[str]:
    """The words of a text, normalised, punctuation dropped."""
    return _WORD.findall(normalise(text))


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads structured values over all 64 bits."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xFF51AFD7ED558CCD)
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xC4CEB9FE1A85EC53)
        return values ^ (values >> np.uint64(33))


def _word_hashes(tokens: list[str]) -> np.ndarray:
    # crc32 and adler32 are C calls and stable across processes (unlike hash()); together
    # they make a 64-bit word hash with no collisions in practice.
    # (map over C functions: no Python frame per word, a quarter faster than generators)
    encoded = list(map(str.encode, tokens))  # UTF-8
    high = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=len(encoded))
    low = np.fromiter(map(zlib.adler32, encoded), dtype=np.uint64, count=len(encoded))
    return (high << np.uint64(32)) | low


@dataclass(frozen=True, eq=False)
class Shingles:
    """What compare() needs of a text: its shingle hashes (sorted, unique) and its numbers."""

    hashes: np.ndarray
    numbers: frozenset[str]

    def __len__(self) -> int:
        return len(self.hashes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shingles):
            return NotImplemented
        return self.numbers == other.numbers and np.array_equal(self.hashes, other.hashes)


def shingles_of(text: str, size: int = SHINGLE_WORDS) -> Shingles:
    """The set of `size`-word shingles of a text (hashed to 64 bits) and its numbers. A text
    shorter than `size` words is one shingle; an empty one has none."""
    return _shingles(normalise(text), numbers_of(text), size)


def _shingles(normalised: str, numbers: frozenset[str], size: int = SHINGLE_WORDS) -> Shingles:
    tokens = _WORD.findall(normalised)
    if not tokens:
        return Shingles(np.empty(0, dtype=np.uint64), numbers)
    hashes = _word_hashes(tokens)
    count = max(1, len(tokens) - size + 1)
    combined = hashes[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, min(size, len(tokens))):  # a rolling polynomial over the run
            combined = combined * _MULTIPLIER + hashes[offset : offset + count]
    return Shingles(np.unique(_fmix64(combined)), numbers)


def numbers_of(text: str) -> frozenset[str]:
    """The numbers of a text, by their digits ("7.2" and "7,2" are one number)."""
    return frozenset(_NOT_DIGIT.sub("", n) for n in _NUMBER.findall(text))


def _numbers_agree(a: frozenset[str], b: frozenset[str]) -> tuple[bool, float | None]:
    """Whether two texts' numbers allow them to be one story, and the share of the smaller
    set found in the other (None when either has too few numbers to tell)."""
    if min(len(a), len(b)) < NUMBERS_MIN:
        return True, None
    shared = len(a & b) / min(len(a), len(b))
    return shared >= NUMBERS_SHARED, shared


def lsh_parameters() -> tuple[int, int]:
    """(bands, rows per band) that minimise the weighted false positive and negative
    probabilities around LSH_THRESHOLD for NUM_PERM permutations: datasketch's own optimiser's
    answer (see BANDS)."""
    return BANDS, ROWS


def optimal_lsh_parameters() -> tuple[int, int]:
    """What datasketch's optimiser says today, read from a MinHashLSH built for that only."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


def index_version() -> str:
    """Names everything band hashes depend on; the archive rebuilds its index when it
    changes (a stored band made otherwise would never match a new one)."""
    bands, rows = lsh_parameters()
    return (
        f"shingles={SHINGLE_WORDS} min={MIN_SHINGLES} perm={NUM_PERM} seed={SEED}"
        f" bands={bands}x{rows} v1"
    )


def _minhash_input(shingles: Shingles) -> list[int]:
    # MinHash (affine32) takes 32-bit inputs: the high half of the already mixed shingle hash
    return (shingles.hashes >> np.uint64(32)).tolist()


def _identity(value: int) -> int:
    return value


def _minhash_args() -> dict:
    return {"num_perm": NUM_PERM, "seed": SEED, "hashfunc": _identity, "scheme": "affine32"}


@cache
def _empty_minhash() -> MinHash:
    from caucasus_crawler.minhash import MinHash  # datasketch's, without scipy

    return MinHash(**_minhash_args())  # draws the permutations: copies share them


def minhash(shingles: Shingles) -> LeanMinHash:
    """The MinHash of a shingle set (frozen: LeanMinHash keeps only seed and values)."""
    from caucasus_crawler.minhash import LeanMinHash

    sketch = _empty_minhash().copy()
    sketch.update_batch(_minhash_input(shingles))
    return LeanMinHash(sketch)


def _language_salt(language: str | None) -> np.uint64:
    return np.uint64(zlib.crc32((language or "").encode("utf-8")))


def band_hashes(sketch: MinHash | LeanMinHash, language: str | None) -> list[int]:
    """One integer per band of the sketch, mixing in the band's number and the language, so
    that one table holds every band and languages never meet."""
    bands, rows = lsh_parameters()
    values = np.asarray(sketch.hashvalues[: bands * rows], dtype=np.uint64).reshape(bands, rows)
    with np.errstate(over="ignore"):
        combined = np.arange(bands, dtype=np.uint64) + (_language_salt(language) << np.uint64(8))
        for column in range(rows):
            combined = combined * _MULTIPLIER + values[:, column]
    mixed = _fmix64(combined) >> np.uint64(64 - _BAND_BITS)
    return [int(v) for v in mixed]


@dataclass(frozen=True)
class Fingerprint:
    """A text's shingles and, when it is long enough to be compared, its band hashes."""

    shingles: Shingles
    bands: tuple[int, ...]


def fingerprint(text: str, language: str | None) -> Fingerprint:
    shingles = shingles_of(text)
    if len(shingles) < MIN_SHINGLES:
        return Fingerprint(shingles, ())
    return Fingerprint(shingles, tuple(band_hashes(minhash(shingles), language)))


def fingerprints(texts: Iterable[tuple[str, str | None]]) -> Iterator[Fingerprint]:
    """fingerprint() of many (text, language) pairs, through datasketch's bulk generator
    (one permutation set for all), for building an index over a whole archive."""
    pending: list[tuple[Shingles, str | None]] = []
    for text, language in texts:
        pending.append((shingles_of(text), language))
        if len(pending) >= 256:
            yield from _fingerprints_of(pending)
            pending.clear()
    yield from _fingerprints_of(pending)


def _fingerprints_of(pending: list[tuple[Shingles, str | None]]) -> Iterator[Fingerprint]:
    from caucasus_crawler.minhash import MinHash

    sketches = MinHash.generator(
        (_minhash_input(s) for s, _language in pending if len(s) >= MIN_SHINGLES),
        **_minhash_args(),
    )
    for shingles, language in pending:
        if len(shingles) < MIN_SHINGLES:
            yield Fingerprint(shingles, ())
        else:
            yield Fingerprint(shingles, tuple(band_hashes(next(sketches), language)))


@dataclass(frozen=True)
class Comparison:
    """How two shingle sets relate; `same` is the verdict."""

    jaccard: float
    containment: float  # of the smaller set in the larger
    novel_share: float  # share of the union only the larger text has
    numbers_shared: float | None  # of the smaller number set; None when too few to tell
    same: bool


def compare_sets(a: Shingles, b: Shingles) -> Comparison:
    small, large = sorted((a, b), key=len)
    shared = len(np.intersect1d(small.hashes, large.hashes, assume_unique=True))
    union = len(small) + len(large) - shared
    jaccard = shared / union if union else 0.0
    containment = shared / len(small) if len(small) else 0.0
    novel_share = (len(large) - shared) / union if union else 0.0
    numbers_agree, numbers_shared = _numbers_agree(a.numbers, b.numbers)
    same = (
        len(small) >= MIN_SHINGLES
        and containment >= CONTAINMENT
        and novel_share <= NOVEL_SHARE
        and numbers_agree
    )
    return Comparison(jaccard, containment, novel_share, numbers_shared, same)


def compare(new: Fingerprint | Shingles, kept: Shingles) -> float | None:
    """The similarity (shingle Jaccard) of a new text to a kept one when the new text is a
    near copy of it; None when it is not."""
    shingles = new.shingles if isinstance(new, Fingerprint) else new
    result = compare_sets(shingles, kept)
    return round(result.jaccard, 4) if result.same else None


def verify(new: Fingerprint, kept_text: str) -> float | None:
    """compare() of a new text with a candidate's text, cheapest test first: the numbers
    (a regular expression) turn away the template items that crowd a band, before the
    candidate is shingled."""
    numbers = numbers_of(kept_text)
    if not _numbers_agree(new.shingles.numbers, numbers)[0]:
        return None
    return compare(new, _shingles(normalise(kept_text), numbers))
