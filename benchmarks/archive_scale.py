"""Archive scale: a big archive's insert rate, size, full-text search latency and export.

Builds (or reuses) an archive of N generated articles with the generator of
`benchmarks/export_memory.py` (its text in Latin, Georgian, Armenian and Cyrillic script,
categories, tags and dates; bulk-loaded, then its full-text index built once), then measures:

- **insert rate**: articles per second through the archive's own insert path
  (`Archive.store_article`, a transaction per 100 articles as the crawl's store pipeline
  commits them, the full-text and duplicate indexes kept up to date), for `--insert` more
  articles of the same generator added to the big archive;
- **file size** of the archive;
- **full-text search latency**: `Archive.search_hits` as `caucasus-crawler search` calls it
  (best 20 first, highlighted title and snippet), p50 and p95 over a set of queries made of
  the archive's own text in each script (single words, which match tens of thousands of
  articles in a big archive, and two-word phrases) and of names and places in the five
  languages; every query three times, after one warm-up pass;
- **export**: `caucasus-crawler export --format jsonl` of the whole archive in a fresh
  process: articles per second and its peak RSS (as export_memory.py measures it).

Run from the repository root:

    python benchmarks/archive_scale.py                      # 20,000 articles: a quick look
    python benchmarks/archive_scale.py --articles 1000000   # the target: FTS p95 < 100 ms

Archives are kept in --dir (default /tmp/caucasus-scale) and reused by later runs. The
last line: `articles <n> insert_aps <a> size_gb <s> fts_p50_ms <p> fts_p95_ms <q>
export_aps <e> export_peak_rss_mb <m>`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it
sys.path.insert(0, str(REPO / "benchmarks"))

from export_memory import (  # noqa: E402  (the generator of big archives, shared)
    SITE_LANGUAGES,
    archive_for,
    measure,
    paragraphs_of,
)

from caucasus_crawler.archive import Archive  # noqa: E402
from caucasus_crawler.items import Article, Link  # noqa: E402
from caucasus_crawler.normalise import content_hash  # noqa: E402

# Names and places as people search them, in each language's script.
NAMES = {
    "en": ["Tbilisi", "Kaladze", "Pashinyan", "South Caucasus", "Nagorno-Karabakh"],
    "ka": ["თბილისი", "კალაძე", "ბათუმი"],
    "hy": ["Երևան", "Փաշինյան", "Գյումրի"],
    "az": ["Bakı", "Əliyev", "Gəncə"],
    "ru": ["Тбилиси", "Пашинян", "Баку"],
}
QUERY_REPEATS = 3


# -- insert rate ---------------------------------------------------------------------------------
def insert_rate(db: Path, count: int) -> tuple[float, int]:
    """Articles per second through Archive.store_article, `count` new generated articles in
    transactions of 100; (rate, articles in the archive after)."""
    rng = random.Random(time.time_ns())
    paragraphs = {lang: paragraphs_of(lang, rng, 200) for lang in NAMES}
    stamp = datetime.now(UTC)
    sites = list(SITE_LANGUAGES)
    articles = []
    for number in range(count):
        site = sites[number % len(sites)]
        language = SITE_LANGUAGES[site][number % len(SITE_LANGUAGES[site])]
        body = "\n\n".join(rng.choices(paragraphs[language], k=rng.randint(3, 7)))
        url = f"https://{site}.example/{language}/insert/{stamp:%Y%m%d%H%M%S}-{number}"
        articles.append(
            Article(
                url=url,
                title=" ".join(body.split()[:9]),
                text=body,
                site=site,
                published=stamp.isoformat(timespec="seconds"),
                authors=[f"Author {number % 97}"],
                categories=[Link(f"Section {number % 20}")],
                tags=[Link(f"Topic {number % 300}")],
                language=language,
                description=body[:200],
                content_hash=content_hash(body),
                fetched=stamp.isoformat(timespec="seconds"),
            )
        )
    archive = Archive(db)  # opened (and its indexes made ready) before the clock starts
    try:
        started = time.monotonic()
        for first in range(0, count, 100):
            with archive.transaction():
                for article in articles[first : first + 100]:
                    archive.store_article(article)
        seconds = time.monotonic() - started
        total = archive.db["articles"].count
    finally:
        archive.close()
    return count / seconds, total


# -- search ----------------------------------------------------------------------------------
def queries_of(db: Path, per_language: int = 3) -> list[tuple[str, str]]:
    """(kind, query): words and two-word phrases of the archive's own text in each language,
    and names and places."""
    rng = random.Random(5)
    queries: list[tuple[str, str]] = []
    with Archive.open_read_only(db) as archive:
        for language in NAMES:
            bodies = []
            for record in archive.export_records(languages=[language]):
                bodies.append(record["text"])
                if len(bodies) >= 20:
                    break
            if not bodies:
                continue
            words = [w.strip(".,").lower() for body in bodies for w in body.split()]
            counts = Counter(w for w in words if len(w) > 3)
            common = [w for w, _ in counts.most_common(50)]
            queries += [(f"word {language}", w) for w in rng.sample(common, per_language)]
            for _ in range(per_language):
                body_words = [w.strip(".,") for w in rng.choice(bodies).split()]
                at = rng.randrange(len(body_words) - 1)
                queries.append((f"phrase {language}", " ".join(body_words[at : at + 2])))
            queries += [(f"name {language}", name) for name in NAMES[language]]
    return queries


def search_latency(db: Path, queries: list[tuple[str, str]]) -> list[tuple[str, str, float, int]]:
    """(kind, query, milliseconds, hits) for every run of every query."""
    timings = []
    with Archive.open_read_only(db) as archive:
        for _, query in queries:  # warm-up: the pages a search reads, in the OS cache
            archive.search_hits(query, limit=20, mark=("[", "]"))
        for _ in range(QUERY_REPEATS):
            for kind, query in queries:
                started = time.perf_counter()
                hits = archive.search_hits(query, limit=20, mark=("[", "]"))
                timings.append((kind, query, (time.perf_counter() - started) * 1000, len(hits)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# -- the run ---------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles in the archive")
    parser.add_argument(
        "--insert", type=int, default=2000, help="articles added through Archive.store_article"
    )
    parser.add_argument("--dir", type=Path, default=Path("/tmp/caucasus-scale"))
    parser.add_argument("--no-export", action="store_true", help="skip the export measure")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    db = archive_for(args.dir, args.articles)  # built once, then reused
    done = db.with_suffix(".done").read_text().strip()
    print(f"archive {db}: {args.articles:,} generated articles (built in {done})", flush=True)
    Archive(db).close()  # its indexes made ready for this version, outside every measure
    print(f"  opened (indexes ready) in {time.monotonic() - started:.0f} s", flush=True)

    rate, total = insert_rate(db, args.insert)
    size_gb = db.stat().st_size / 1e9
    print(f"insert   {args.insert:,} articles through Archive.store_article: {rate:,.0f} /s")
    print(f"size     {size_gb:.2f} GB for {total:,} articles")

    queries = queries_of(db)
    timings = search_latency(db, queries)
    ms = [t[2] for t in timings]
    print(f"search   {len(queries)} queries x {QUERY_REPEATS}: p50 {percentile(ms, 0.5):.1f} ms")
    print(f"{'kind':<10} {'query':<34} {'hits':>5} {'median ms':>10} {'max ms':>8}")
    by_query: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for kind, query, took, hits in timings:
        by_query.setdefault((kind, query), []).append((took, hits))
    for (kind, query), runs in by_query.items():
        times = [t for t, _ in runs]
        print(
            f"{kind:<10} {query[:34]:<34} {runs[0][1]:>5} {statistics.median(times):>10.1f} "
            f"{max(times):>8.1f}"
        )

    export_aps = export_rss = 0.0
    if not args.no_export:
        out = args.dir / "out"
        out.mkdir(exist_ok=True)
        target = out / f"scale-{args.articles}.jsonl"
        command = [sys.executable, "-m", "caucasus_crawler.cli", "export", "--db", str(db)]
        command += ["-o", str(target), "--format", "jsonl"]
        export_rss, seconds = measure(command, out / "stdout.log", out / "stderr.log")
        export_aps = total / seconds
        print(
            f"export   jsonl: {total:,} articles in {seconds:.1f} s ({export_aps:,.0f} /s), "
            f"peak RSS {export_rss:.0f} MB, {target.stat().st_size / 1e9:.2f} GB"
        )
        target.unlink(missing_ok=True)
        for card in out.glob("*README.md"):
            card.unlink()
    print(
        f"articles {total} insert_aps {rate:.0f} size_gb {size_gb:.2f} "
        f"fts_p50_ms {percentile(ms, 0.5):.1f} fts_p95_ms {percentile(ms, 0.95):.1f} "
        f"export_aps {export_aps:.0f} export_peak_rss_mb {export_rss:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
