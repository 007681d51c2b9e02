"""Generated news text whose word frequencies follow real news in each language.

For each of en, ka, hy, az and ru, a `LanguageModel` is learnt from real text of that
language: the mirror's article texts (`caucasus_crawler/mirror/sites/*/articles/*.toml`) and
the real pages of `../shared/data` whose text is in that language (`extraction-dev` and
`metadata-fundus` bodies, `real-pages`, `dates-dev` through trafilatura; the language told by
script, Azerbaijani by its ə, English by its commonest words). An article drawn from it mixes:

- **the real words** (the "head"), as often as they occur in the real text: single words drawn
  by their counts, and runs of 2 to 5 consecutive words copied from the real sentences, so that
  common phrases ("of the", "prime minister") and inflected forms ("в Ереване", "თბილისში")
  occur as they do in news, and names (places, people) in their real share;
- **a Zipf tail** of made-up words beyond the real vocabulary, which a small sample of real
  text lacks and a million articles have: up to `TAIL_WORDS` word forms per language, the
  form of rank r drawn with probability proportional to 1/r (Zipf's law, continuing the real
  forms' ranks), made of a stem of letter groups of the real words (`FORMS_PER_STEM`
  neighbouring ranks share one, so a tail word has inflected forms too) and an ending of
  the language's real endings (as its stemmer splits the real words, by their counts); in
  scripts with case, a tail word is a capitalised name as often as names are in the real
  text. Its share of the words is the share of the real
  sample's words seen once (Good-Turing's estimate of the mass of the words it never saw);
- **topic words**: each article repeats a few tail stems of its own (its subject), so that a
  rare word is found in few articles, several times each, as in news.

Sentence lengths are drawn from the real sentences'. The language of an article is drawn
with `LANGUAGE_SHARES`, the shares of the demo archive (the bundled outlets' output).
Without `../shared/data` the models are learnt from the mirror alone (a message says so).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import Stemmer

REPO = Path(__file__).resolve().parents[1]
MIRROR_ARTICLES = REPO / "caucasus_crawler" / "mirror" / "sites"
SHARED_DATA = REPO.parent / "shared" / "data"
LANGUAGES = ("en", "ka", "hy", "az", "ru")
LANGUAGE_SHARES = {"en": 118, "ru": 51, "hy": 31, "az": 30, "ka": 25}  # the demo archive
TAIL_WORDS = 3_000_000  # word forms beyond the real ones, per language
FORMS_PER_STEM = 3
SPAN_RATE = 0.12  # of the words, the share that starts a run copied from a real sentence
TOPIC_SHARE = 0.03  # of the words, the share that repeats the article's own subjects
TOPIC_WORDS = 4
CORPUS_VERSION = 1  # of the cached corpus file: bump when the sources or their reading change

WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 splits words
SENTENCE_END = re.compile(r"(?<=[.!?։…])\s+|\n+")
EN_COMMON = frozenset("the of and to in a is that for on was with as by it said at from".split())
# Georgian script has no case, so its names are found by stem; Snowball has no Georgian.
KA_NAMES = (
    "თბილის ბათუმ ქუთაის საქართველო კობახიძ ივანიშვილ ზურაბიშვილ კალაძ რუსეთ აზერბაიჯან "
    "სომხეთ ევროკავშირ ამერიკ უკრაინ ქართული ოცნება"
).split()
KA_ENDINGS = sorted(
    "ებისთვის ისთვის ებიდან ებში ებზე ების ებმა ებით ებად ებს ები იდან ამდე ში ზე ის ით ად "
    "მა ს ი ო ა ე".split(),
    key=len,
    reverse=True,
)
SNOWBALL = {"en": "english", "hy": "armenian", "ru": "russian", "az": "turkish"}


# -- the real text -----------------------------------------------------------------------------
def language_of(text: str) -> str | None:
    """en, ka, hy, az or ru by the text's script and letters; None for any other language."""
    counts = Counter()
    for char in text:
        point = ord(char)
        if 0x10A0 <= point <= 0x10FF:
            counts["ka"] += 1
        elif 0x0530 <= point <= 0x058F:
            counts["hy"] += 1
        elif 0x0400 <= point <= 0x04FF:
            counts["cyrillic"] += 1
        elif char.isalpha() and point < 0x0250:
            counts["latin"] += 1
    if not counts:
        return None
    script, letters = counts.most_common(1)[0]
    if script in ("ka", "hy"):
        return script
    if script == "cyrillic":  # Ukrainian, Bulgarian... have letters Russian lacks
        return None if re.search("[іїєґўј]", text.lower()) else "ru"
    lowered = text.lower()
    if lowered.count("ə") > 0.01 * letters:
        return "az"
    words = WORD.findall(lowered)
    if words and sum(w in EN_COMMON for w in words) > 0.2 * len(words):
        return "en"
    return None


def _mirror_texts() -> Iterator[tuple[str | None, str]]:
    for path in sorted(MIRROR_ARTICLES.glob("*/articles/*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield data.get("language"), f"{data.get('title', '')}\n{data.get('body', '')}"


def _shared_texts(shared: Path) -> Iterator[str]:
    import trafilatura  # only when pages are read

    for name, field in (("extraction-dev", "articleBody"), ("metadata-fundus", "body")):
        truth = shared / name / "ground-truth.json"
        if truth.exists():
            for entry in json.loads(truth.read_text(encoding="utf-8")).values():
                yield f"{entry.get('title', '')}\n{entry.get(field) or ''}"
    for path in sorted((shared / "real-pages").glob("*")):
        if path.suffix == ".txt" and not path.name.startswith("LICENSE"):
            yield path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".html":
            yield trafilatura.extract(path.read_text(encoding="utf-8", errors="replace")) or ""
    for path in sorted((shared / "dates-dev" / "html").glob("*.html.gz")):
        yield trafilatura.extract(gzip.decompress(path.read_bytes())) or ""


def real_texts(shared: Path | None, cache: Path) -> dict[str, list[str]]:
    """Real texts by language (cached in `cache`, as reading the pages takes a minute)."""
    if cache.exists():
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept.get("version") == CORPUS_VERSION and kept.get("shared") == str(shared):
            return kept["texts"]
    texts: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for language, text in _mirror_texts():
        if language in texts:
            texts[language].append(text)
    if shared is None or not shared.is_dir():
        print(
            f"news_text: {shared or SHARED_DATA} not found: word frequencies learnt from the "
            "mirror's texts only",
            file=sys.stderr,
        )
        shared = None
    else:
        for text in _shared_texts(shared):
            language = language_of(text)
            if language in texts:
                texts[language].append(text)
    cache.write_text(
        json.dumps({"version": CORPUS_VERSION, "shared": str(shared), "texts": texts}),
        encoding="utf-8",
    )
    return texts


# -- a language's model ----------------------------------------------------------------------
def split_ending(language: str, word: str, stemmer) -> tuple[str, str]:
    """(stem, ending) of a lower-cased word: Snowball's stem where it is a prefix of the word,
    Georgian by a few common case endings."""
    if language == "ka":
        for ending in KA_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)], ending
        return word, ""
    stem = stemmer.stemWord(word)
    if word.startswith(stem):
        return stem, word[len(stem) :]
    return word, ""


class LanguageModel:
    """Word frequencies of one language (see the module's docstring) and articles drawn
    from them."""

    def __init__(self, language: str, texts: list[str]):
        self.language = language
        stemmer = Stemmer.Stemmer(SNOWBALL[language]) if language in SNOWBALL else None
        sentences = [WORD.findall(s) for t in texts for s in SENTENCE_END.split(t)]
        sentences = [s for s in sentences if len(s) >= 3]
        tokens = [w for s in sentences for w in s]
        counts = Counter(tokens)
        self.counts = Counter()  # of the lower-cased forms
        for word, count in counts.items():
            self.counts[word.lower()] += count
        self.vocabulary = np.array(list(counts), dtype=object)
        index = {word: i for i, word in enumerate(self.vocabulary)}
        self.flat = np.array([index[w] for w in tokens], dtype=np.int64)
        weights = np.array([counts[w] for w in self.vocabulary], dtype=np.float64)
        self.head_cdf = np.cumsum(weights / weights.sum())
        self.sentence_lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        self.tokens = len(tokens)
        self.pairs = Counter(  # two-word phrases, lower-cased
            (a.lower(), b.lower()) for s in sentences for a, b in zip(s, s[1:], strict=False)
        )

        # forms of a word (lower-cased, by stem) and the endings as they occur
        self.forms: dict[str, Counter] = {}
        endings: Counter = Counter()
        for word, count in counts.items():
            lowered = word.lower()
            if lowered.isdigit():
                continue
            stem, ending = split_ending(language, lowered, stemmer)
            self.forms.setdefault(stem, Counter())[lowered] += count
            endings[ending] += count
        self.endings = np.array(list(endings), dtype=object)
        ending_weights = np.array(list(endings.values()), dtype=np.float64)
        self.ending_cdf = np.cumsum(ending_weights / ending_weights.sum())

        # names: words capitalised inside a sentence and never written otherwise (cased
        # scripts), or the Georgian forms of known names
        lower_seen = {w for w in counts if w == w.lower()}
        names: Counter = Counter()
        for sentence in sentences:
            for word in sentence[1:]:
                if language == "ka":
                    if any(word.startswith(stem) for stem in KA_NAMES):
                        names[word] += 1
                elif word[0].isupper() and word.lower() not in lower_seen:
                    names[word] += 1
        self.names = names
        self.name_share = sum(names.values()) / max(1, self.tokens)

        # the tail: stems of letter groups of the real stems (a start, a middle and an end)
        letters = set("".join(w for w, c in counts.most_common(300)).lower())
        stems = [s for s in self.forms if len(s) >= 6 and set(s) <= letters]
        starts = [g for g, _ in Counter(s[:3] for s in stems).most_common(150)]
        middles = [g for g, _ in Counter(s[3:5] for s in stems).most_common(150)]
        ends = [g for g, _ in Counter(s[-2:] for s in stems).most_common(150)]
        self.starts = np.array(starts, dtype=object)
        self.middles = np.array(middles, dtype=object)
        self.ends = np.array(ends, dtype=object)
        self.codes = len(starts) * len(middles) * len(ends)
        self.tail_words = min(TAIL_WORDS, self.codes)
        self.head_stems = len(self.forms)
        # the mass of the words the sample never saw: Good-Turing's estimate, the share of its
        # words seen once
        self.tail_share = sum(1 for c in counts.values() if c == 1) / self.tokens

    # -- drawing -----------------------------------------------------------------------------
    def tail_ranks(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Tail words' ranks (0 = most common), P(r) ~ 1/(real forms + r): Zipf's law over
        word forms, continuing the real ones' ranks."""
        head, tail = len(self.vocabulary), self.tail_words
        ranks = head * np.power((head + tail) / head, rng.random(size)) - head
        return np.minimum(ranks.astype(np.int64), tail - 1)

    def tail_stem(self, stems: np.ndarray) -> np.ndarray:
        """The made-up stems of these numbers (spread over the letter groups, not in order)."""
        code = (stems * 1_000_003) % self.codes
        a, b = len(self.starts), len(self.middles)
        return self.starts[code % a] + self.middles[(code // a) % b] + self.ends[code // (a * b)]

    def tail_forms(self, ranks: np.ndarray) -> np.ndarray:
        """The tail's word forms of these ranks: FORMS_PER_STEM neighbouring ranks share a
        stem, each rank has its ending (drawn by the real endings' counts) and is a name
        (capitalised) or not, always the same."""
        spread = (ranks * 0.6180339887) % 1.0  # the same for a rank, uniform over ranks
        endings = self.endings[
            np.minimum(np.searchsorted(self.ending_cdf, spread), len(self.endings) - 1)
        ]
        words = self.tail_stem(ranks // FORMS_PER_STEM) + endings
        if self.language != "ka" and len(words):
            names = (ranks * 0.7548776662) % 1.0 < self.name_share
            words[names] = [self.capitalised(w) for w in words[names]]
        return words

    def words(self, rng: np.random.Generator, count: int, topics: np.ndarray) -> list[str]:
        """`count` words of running text."""
        ids = np.searchsorted(self.head_cdf, rng.random(count))
        ids = np.minimum(ids, len(self.vocabulary) - 1)
        spans = np.flatnonzero(rng.random(count) < SPAN_RATE)
        if len(spans):
            starts = rng.integers(0, len(self.flat) - 5, len(spans))
            lengths = rng.integers(2, 6, len(spans))
            for offset in range(5):
                keep = (lengths > offset) & (spans + offset < count)
                ids[spans[keep] + offset] = self.flat[starts[keep] + offset]
        words = self.vocabulary[ids]
        draw = rng.random(count)
        tail = np.flatnonzero(draw < self.tail_share)
        words[tail] = self.tail_forms(self.tail_ranks(rng, len(tail)))
        topical = np.flatnonzero(draw > 1 - TOPIC_SHARE)
        ranks = rng.choice(topics, len(topical))  # the topic's stem, in any of its forms
        ranks = ranks - ranks % FORMS_PER_STEM + rng.integers(0, FORMS_PER_STEM, len(ranks))
        words[topical] = self.tail_forms(ranks)
        return words.tolist()

    def article(self, rng: np.random.Generator) -> tuple[str, str]:
        """(title, body): a title of 5 to 14 words, a body of 250 to 650 words in paragraphs
        of 1 to 5 sentences."""
        topics = self.tail_ranks(rng, TOPIC_WORDS)
        title_words = self.words(rng, int(rng.integers(5, 15)), topics)
        title = " ".join(title_words)
        count = int(rng.integers(250, 651))
        words = self.words(rng, count, topics)
        lengths = rng.choice(self.sentence_lengths, size=count // 8 + 2)
        sentences, at = [], 0
        for length in lengths:
            if at >= count:
                break
            part = words[at : at + int(length)]
            at += int(length)
            text = " ".join(part)
            sentences.append(self.capitalised(text) + ".")
        paragraphs, at = [], 0
        while at < len(sentences):
            size = int(rng.integers(1, 6))
            paragraphs.append(" ".join(sentences[at : at + size]))
            at += size
        return self.capitalised(title), "\n\n".join(paragraphs)

    def capitalised(self, text: str) -> str:
        """Georgian has no capitals (Python would make Mtavruli letters, a word apart for
        FTS5)."""
        return text if self.language == "ka" else text[:1].upper() + text[1:]


class NewsText:
    """Articles in the five languages, each language's words as in its real news (the text
    source of export_memory.make_archive)."""

    name = "news"

    def __init__(self, cache_dir: Path, shared: Path | None = SHARED_DATA, seed: int = 1):
        cache_dir.mkdir(parents=True, exist_ok=True)
        texts = real_texts(shared, cache_dir / "news-corpus.json")
        for language, found in texts.items():
            if not found:
                raise SystemExit(f"news_text: no {language} text in {MIRROR_ARTICLES}")
        self.models = {language: LanguageModel(language, texts[language]) for language in texts}
        self.rng = np.random.default_rng(seed)
        languages = list(LANGUAGE_SHARES)
        shares = np.array([LANGUAGE_SHARES[lang] for lang in languages], dtype=np.float64)
        self._languages = languages
        self._language_cdf = np.cumsum(shares / shares.sum())

    def language(self) -> str:
        return self._languages[int(np.searchsorted(self._language_cdf, self.rng.random()))]

    def article(self, language: str) -> tuple[str, str]:
        return self.models[language].article(self.rng)

    def describe(self) -> list[str]:
        """A line per language: where its words come from."""
        lines = []
        for language, model in self.models.items():
            lines.append(
                f"  {language}: {model.tokens:,} real words, {len(model.vocabulary):,} forms of "
                f"{model.head_stems:,} stems, {len(model.endings)} endings, names "
                f"{model.name_share:.1%} of words; tail of {model.tail_words:,} made-up forms, "
                f"{model.tail_share:.0%} of single draws"
            )
        return lines


if __name__ == "__main__":  # a look at the text: python benchmarks/news_text.py [language]
    news = NewsText(Path("/tmp/caucasus-news-text"))
    print("\n".join(news.describe()))
    for lang in sys.argv[1:] or LANGUAGES:
        heading, text = news.article(lang)
        print(f"\n[{lang}] {heading}\n{text[:700]}")
