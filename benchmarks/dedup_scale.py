"""Duplicate checks at scale: time per check of a new article against N archived ones, the
index's size on disk and its build rate, beside datasketch's in-memory MinHashLSH.

1. An archive of N generated articles (`--articles`, default 20,000) in a real archive file,
   written through `Archive` and sqlite-utils (the full-text index built once at the end):
   bodies of 4-8 paragraphs, 250-450 words, in Latin, Georgian, Armenian and Cyrillic script,
   drawn from a 40,000-word vocabulary per language with Zipf frequencies (so common words
   are shared as in news text); 3% are daily roundups filled into one of 12 fixed templates
   with their own figures (the near-but-different items that crowd an LSH index).
2. The duplicate index built for them by `Archive.rebuild_dedup_index`, the code that builds
   it for an archive migrating to schema 7: the build rate, then the index's size on disk
   (SQLite's dbstat: the pages of `article_bands` and `article_urls` with its index).
3. `--checks` new articles checked through `ArchiveWriter.find_duplicate`, the crawl's own
   code path (shingles, MinHash, URL, hash and band lookups, verification of candidates on
   bodies read back from the archive), a third of each: fresh articles (no duplicate),
   near copies of a random archived article (a line of attribution added, the last paragraph
   cut, one word in 30 changed: must be found), and new roundups (must not be called copies).
   Times are per check, wall clock, with the archive's pages in the OS cache as on a crawl
   server that keeps crawling.
4. The peer: datasketch's MinHashLSH (in memory, same MinHashes and bands) over the first
   `--peer-articles` articles: its build rate, its time per query (MinHash and query, no
   verification) and the memory it takes.

Run from the repository root:

    python benchmarks/dedup_scale.py                       # 20,000 articles, a minute or two
    python benchmarks/dedup_scale.py --articles 1000000    # the million (about an hour)

Archives are kept in --dir (default /tmp/caucasus-dedup-bench) and reused by later runs (the
index is rebuilt each run). The last line is machine-readable:
`articles <n> check_p50_ms <x> check_p95_ms <y> index_bytes_per_article <z> build_per_s <r>`.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it

from datasketch import MinHashLSH  # noqa: E402
from export_memory import SCRIPTS  # noqa: E402  (the five alphabets, one place)

from caucasus_crawler import dedup  # noqa: E402
from caucasus_crawler.archive import FTS_TOKENIZER, Archive  # noqa: E402
from caucasus_crawler.archive.writer import ArchiveWriter  # noqa: E402
from caucasus_crawler.items import Article  # noqa: E402
from caucasus_crawler.normalise import normalise_article  # noqa: E402
from caucasus_crawler.profiles import load_profiles  # noqa: E402

SITES = {"civil_ge": "ka", "news_am": "hy", "report_az": "az", "oc_media": "en", "apa_az": "ru"}
VOCABULARY = 40_000
ROUNDUP_SHARE = 0.03
TEMPLATES = 12
BATCH = 10_000


class Writer:
    """Generated news text: Zipf-distributed words of one script, and roundup templates."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words = {}
        self.weights = {}
        for language, letters in SCRIPTS.items():
            made = {
                "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 11)))
                for _ in range(VOCABULARY)
            }
            self.words[language] = sorted(made)
            self.rng.shuffle(self.words[language])
            self.weights[language] = list(
                itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(made)))
            )
        self.templates = [self._template(number) for number in range(TEMPLATES)]

    def paragraph(self, language: str, words: int) -> str:
        chosen = self.rng.choices(self.words[language], cum_weights=self.weights[language], k=words)
        for _ in range(self.rng.randint(0, 2)):  # figures, as news has them
            chosen[self.rng.randrange(words)] = str(self.rng.randint(2, 99_999))
        return " ".join(chosen).capitalize() + "."

    def article(self, language: str) -> str:
        return "\n\n".join(
            self.paragraph(language, self.rng.randint(40, 90))
            for _ in range(self.rng.randint(4, 8))
        )

    def _template(self, number: int) -> tuple[str, str]:
        language = list(SCRIPTS)[number % len(SCRIPTS)]
        text = self.article(language)
        words = text.split(" ")
        for _ in range(14):  # the slots a roundup fills with the day's figures
            words[self.rng.randrange(len(words))] = "{}"
        return language, " ".join(words)

    def roundup(self) -> tuple[str, str]:
        language, template = self.rng.choice(self.templates)
        figures = [f"{self.rng.randint(1, 999)}.{self.rng.randint(0, 9999):04d}" for _ in range(14)]
        return language, template.format(*figures)

    def copy_of(self, text: str) -> str:
        """A reprint: attribution added, the last paragraph cut, one word in 30 changed."""
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 2:
            paragraphs = paragraphs[:-1]
        words = "\n\n".join(paragraphs).split(" ")
        for _ in range(len(words) // 30):
            words[self.rng.randrange(len(words))] = "reworded"
        return "Reported by the agency, citing its sources.\n\n" + " ".join(words)


# -- the archive -------------------------------------------------------------------------------
def make_archive(path: Path, articles: int, writer: Writer) -> float:
    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    profiles = load_profiles()
    archive = Archive(path)
    archive.register_sites(profiles[name] for name in SITES)
    db = archive.db
    db["articles"].disable_fts()  # built once at the end, as the export benchmark does
    sites = list(SITES)
    made = 0
    while made < articles:
        rows = []
        for number in range(made + 1, min(made + BATCH, articles) + 1):
            site = sites[number % len(sites)]
            if writer.rng.random() < ROUNDUP_SHARE:
                language, body = writer.roundup()
            else:
                language = SITES[site] if number % 3 else "en"
                body = writer.article(language)
            rows.append(
                {
                    "id": number,
                    "url": f"https://{site}.example/{language}/news/{number}",
                    "site": site,
                    "title": " ".join(body.split()[:8]),
                    "body": body,
                    "published": "2026-01-01T10:00:00+04:00",
                    "authors": "[]",
                    "language": language,
                    "word_count": len(body.split()),
                    "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                    "first_seen": "2026-01-01T06:00:00+00:00",
                    "last_seen": "2026-01-01T06:00:00+00:00",
                }
            )
        with archive.transaction():
            db["articles"].insert_all(rows, batch_size=1000)
        made += len(rows)
        print(f"  {path.name}: {made:,}/{articles:,} articles", end="\r", file=sys.stderr)
    print(file=sys.stderr)
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZER)
    archive.close()
    return time.monotonic() - started


def archive_for(directory: Path, articles: int, writer: Writer) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"dedup-{articles}.db"
    done = path.with_suffix(".done")
    if not (path.exists() and done.exists()):
        print(f"Generating {path} ({articles:,} articles)...", file=sys.stderr)
        took = make_archive(path, articles, writer)
        done.write_text(f"{took:.0f} s\n")
    return path


def build_index(path: Path, reuse: bool) -> float:
    """Seconds to build the duplicate index for every stored article (with `reuse`, those
    the last build took, when the index it left is current)."""
    took = path.with_suffix(".index")
    if reuse and took.exists():
        with Archive(path) as archive:  # rebuilds only if the fingerprint changed since
            return float(took.read_text())
    with Archive(path) as archive:
        total = archive.db["articles"].count
        started = time.monotonic()

        def progress(done: int) -> None:
            rate = done / (time.monotonic() - started)
            print(f"  indexed {done:,}/{total:,} ({rate:,.0f}/s)", end="\r", file=sys.stderr)

        archive.rebuild_dedup_index(progress)
        print(file=sys.stderr)
        seconds = time.monotonic() - started
    took.write_text(f"{seconds:.1f}\n")
    return seconds


def index_size(path: Path) -> dict[str, int]:
    with Archive(path) as archive:
        rows = archive.db.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name IN"
            " ('article_bands', 'article_urls', 'article_urls_article') GROUP BY name"
        ).fetchall()
    return dict(rows)


# -- checks ------------------------------------------------------------------------------------
def new_articles(path: Path, checks: int, writer: Writer) -> list[tuple[str, Article, int | None]]:
    """(kind, article as the crawl hands it over, the archived article it copies)."""
    with Archive(path) as archive:
        total = archive.db["articles"].count
        sources = writer.rng.sample(range(1, total + 1), checks // 3)
        bodies = archive.article_bodies(sources)
        languages = dict(
            archive.db.execute(
                f"SELECT id, language FROM articles WHERE id IN ({','.join('?' * len(sources))})",
                sources,
            ).fetchall()
        )
    made = []
    for number in range(checks):
        kind = ("fresh", "copy", "roundup")[number % 3]
        expected = None
        if kind == "fresh":
            language = list(SCRIPTS)[number % len(SCRIPTS)]
            text = writer.article(language)
        elif kind == "copy":
            expected = sources[(number // 3) % len(sources)]
            language, text = languages[expected], writer.copy_of(bodies[expected])
        else:
            language, text = writer.roundup()
        article = Article(
            url=f"https://reprints.example/{kind}/{number}",
            title=f"{kind} {number}",
            text=text,
            site="oc_media",
            language=language,
        )
        made.append((kind, normalise_article(article), expected))
    return made


def run_checks(path: Path, articles: list) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"fresh": [], "copy": [], "roundup": []}
    wrong: dict[str, int] = {kind: 0 for kind in times}
    with Archive(path) as archive:
        writer = ArchiveWriter(archive)
        for _kind, article, _expected in articles[:30]:  # warm-up: imports, caches
            writer.find_duplicate(article)
            article.duplicate_of = article.duplicate_kind = article.similarity = None
        for kind, article, expected in articles:
            started = time.perf_counter()
            writer.find_duplicate(article)
            times[kind].append(time.perf_counter() - started)
            if article.duplicate_of != expected:
                wrong[kind] += 1
                explain(archive, article, expected)
    answers = ", ".join(f"{len(times[k]) - n}/{len(times[k])} {k}" for k, n in wrong.items())
    print(f"  answered right: {answers}")
    return times


def explain(archive: Archive, article: Article, expected: int | None) -> None:
    """Why a check answered wrong: the pair's real similarity and the bands they share."""
    fingerprint = dedup.fingerprint(article.text, article.language)
    print(f"  {article.url}: found {article.duplicate_of}, expected {expected}")
    for other in filter(None, (expected, article.duplicate_of)):
        body = archive.article_bodies([other])[other]
        kept = dedup.fingerprint(body, article.language)
        print(
            f"    vs {other}: {dedup.compare_sets(fingerprint.shingles, kept.shingles)};"
            f" bands shared {len(set(fingerprint.bands) & set(kept.bands))};"
            f" among candidates: {other in dict(archive.near_candidates(fingerprint.bands))}"
        )


def peer(path: Path, articles: int, queries: list) -> dict:
    """datasketch's MinHashLSH in memory over the first `articles` stored bodies."""
    bands, rows = dedup.lsh_parameters()
    process = psutil.Process()
    before = process.memory_info().rss
    lsh = MinHashLSH(num_perm=dedup.NUM_PERM, params=(bands, rows))
    started = time.monotonic()
    with Archive(path) as archive:
        cursor = archive.db.conn.execute(
            "SELECT id, body FROM articles ORDER BY id LIMIT ?", [articles]
        )
        with lsh.insertion_session() as session:
            for article_id, body in cursor:
                shingles = dedup.shingles_of(body)
                if len(shingles) >= dedup.MIN_SHINGLES:
                    session.insert(article_id, dedup.minhash(shingles), check_duplication=False)
    build = time.monotonic() - started
    memory = process.memory_info().rss - before
    times = []
    for _kind, article, _expected in queries:
        started = time.perf_counter()
        lsh.query(dedup.minhash(dedup.shingles_of(article.text)))
        times.append(time.perf_counter() - started)
    return {"articles": articles, "build": build, "memory": memory, "times": times}


def ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] * 1000 if len(values) > 1 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--checks", type=int, default=900)
    parser.add_argument("--peer-articles", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/caucasus-dedup-bench"))
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep the index a previous run built (and report that build's rate)",
    )
    args = parser.parse_args()
    writer = Writer(args.articles)
    path = archive_for(args.dir, args.articles, writer)
    writer.rng.seed(f"checks {args.articles}")  # new texts, not the archive's again
    build = build_index(path, args.reuse_index)
    sizes = index_size(path)
    index_bytes = sum(sizes.values())
    checks = new_articles(path, args.checks, writer)
    times = run_checks(path, checks)
    every = [t for kind in times.values() for t in kind]
    other = peer(path, min(args.articles, args.peer_articles), checks)

    bands, rows = dedup.lsh_parameters()
    print(f"Archive {path} ({path.stat().st_size / 1e9:.2f} GB), {args.articles:,} articles")
    print(
        f"LSH: {bands} bands of {rows} rows ({dedup.NUM_PERM} permutations), threshold "
        f"{dedup.LSH_THRESHOLD}; shingles of {dedup.SHINGLE_WORDS} words\n"
    )
    print(f"{'':<34}{'ours (SQLite)':>16}{'MinHashLSH (RAM)':>20}")
    print(f"{'articles indexed':<34}{args.articles:>16,}{other['articles']:>20,}")
    print(
        f"{'build, articles/s':<34}{args.articles / build:>16,.0f}"
        f"{other['articles'] / other['build']:>20,.0f}"
    )
    print(
        f"{'index, bytes/article (disk / RAM)':<34}{index_bytes / args.articles:>16,.0f}"
        f"{other['memory'] / other['articles']:>20,.0f}"
    )
    ours_ms = f"{ms(every, 0.5):.2f} / {ms(every, 0.95):.2f}"
    peer_ms = f"{ms(other['times'], 0.5):.2f} / {ms(other['times'], 0.95):.2f}"
    print(f"{'check p50 / p95, ms':<34}{ours_ms:>16}{peer_ms:>20}")
    print(
        "  (ours: URL, hash, bands and verification of candidates; the peer: the LSH query"
        " alone, no verification, in memory)"
    )
    print()
    for kind, values in times.items():
        print(
            f"  {kind:<8} checks {len(values):>5}  p50 {ms(values, 0.5):6.2f} ms"
            f"  p95 {ms(values, 0.95):6.2f} ms  max {max(values) * 1000:6.2f} ms"
        )
    print("  index on disk: " + json.dumps({k: f"{v / 1e6:.1f} MB" for k, v in sizes.items()}))
    print(
        f"\narticles {args.articles} check_p50_ms {ms(every, 0.5):.2f} check_p95_ms "
        f"{ms(every, 0.95):.2f} index_bytes_per_article {index_bytes / args.articles:.0f} "
        f"build_per_s {args.articles / build:.0f}"
    )


if __name__ == "__main__":
    main()
