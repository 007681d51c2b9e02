"""Search quality: recall, precision and MRR of `caucasus-crawler search` on labelled
queries in five languages, beside plain FTS5 word matching, in one run.

The queries are benchmarks/search_queries.toml: words typed as a reader would (mostly the
dictionary form, where the articles inflect the word), each with the articles that hold one
of its forms, by URL. The demo is crawled into a fresh archive through the real CLI
(`caucasus-crawler crawl --demo --db <tmp>`), or `--db` names one already crawled. Each
query runs twice over it:

- `ours`: Archive.search_hits(query, limit=20), what `search`, the API and datasette show;
- `plain`: FTS5 as search matched before issue 20: each word quoted (archive.fts_query) on
  the unicode61 index, best bm25 first, 20 hits.

Per query: recall@20 = expected articles among the first 20 hits / min(expected, 20);
precision@20 = expected articles among the hits / hits (1 when there is no hit: nothing
wrong was shown); MRR = 1 / the rank of the first expected hit (0 if none). Reported per
language and overall, for the tuning queries and the held-out ones apart, then for all.

    python benchmarks/search_quality.py
    python benchmarks/search_quality.py --db /tmp/archive.db
    python benchmarks/search_quality.py --db /tmp/archive.db --check-labels

The last line is machine-readable: `queries <n> recall <r> plain_recall <p> mrr <m>` (ours,
over every query).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it

from dedup_quality import crawl as crawl_demo  # noqa: E402  (the demo into an archive)

from caucasus_crawler.archive import Archive, fts_query  # noqa: E402

QUERIES = Path(__file__).with_name("search_queries.toml")
DEPTH = 20
LANGUAGES = ("en", "ka", "hy", "az", "ru")


@dataclass(frozen=True)
class Query:
    language: str
    query: str
    forms: str
    held_out: bool
    expected: frozenset[str]


@dataclass(frozen=True)
class Scores:
    recall: float
    precision: float
    reciprocal_rank: float


def load_queries(path: Path = QUERIES) -> list[Query]:
    with path.open("rb") as file:
        return [
            Query(q["language"], q["query"], q["forms"], q["held_out"], frozenset(q["expected"]))
            for q in tomllib.load(file)["query"]
        ]


def ours(archive: Archive, query: str) -> list[str]:
    return [hit["url"] for hit in archive.search_hits(query, limit=DEPTH)]


def plain(archive: Archive, query: str) -> list[str]:
    rows = archive.db.execute(
        "SELECT a.url FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
        [fts_query(query), DEPTH],
    )
    return [row[0] for row in rows]


def score(hits: list[str], expected: frozenset[str]) -> Scores:
    found = [url in expected for url in hits[:DEPTH]]
    recall = sum(found) / min(len(expected), DEPTH)
    precision = sum(found) / len(found) if found else 1.0
    first = next((rank for rank, hit in enumerate(found, start=1) if hit), None)
    return Scores(recall, precision, 1 / first if first else 0.0)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def measure(archive: Archive, queries: list[Query]) -> list[tuple[Query, Scores, Scores]]:
    return [
        (q, score(ours(archive, q.query), q.expected), score(plain(archive, q.query), q.expected))
        for q in queries
    ]


def summary(rows: list[tuple[Query, Scores, Scores]]) -> dict[str, float]:
    return {
        "recall": mean([o.recall for _, o, _ in rows]),
        "precision": mean([o.precision for _, o, _ in rows]),
        "mrr": mean([o.reciprocal_rank for _, o, _ in rows]),
        "plain_recall": mean([p.recall for _, _, p in rows]),
        "plain_precision": mean([p.precision for _, _, p in rows]),
        "plain_mrr": mean([p.reciprocal_rank for _, _, p in rows]),
    }


def report(title: str, rows: list[tuple[Query, Scores, Scores]]) -> None:
    print(f"\n{title}")
    print(
        f"{'language':<10}{'queries':>8}  {'recall':>7} {'precision':>9} {'mrr':>6}  "
        f"{'plain recall':>12} {'precision':>9} {'mrr':>6}"
    )
    for language in (*LANGUAGES, "all"):
        chosen = [r for r in rows if language in ("all", r[0].language)]
        if not chosen:
            continue
        s = summary(chosen)
        print(
            f"{language:<10}{len(chosen):>8}  {s['recall']:>7.3f} {s['precision']:>9.3f}"
            f" {s['mrr']:>6.3f}  {s['plain_recall']:>12.3f} {s['plain_precision']:>9.3f}"
            f" {s['plain_mrr']:>6.3f}"
        )


def check_labels(archive: Archive, queries: list[Query]) -> int:
    """Where `expected` and the articles holding one of `forms` disagree; how many queries."""
    articles = archive.db.execute("SELECT url, title, body FROM articles").fetchall()
    disagree = 0
    for q in queries:
        pattern = re.compile(rf"(?<!\w)(?:{q.forms})(?!\w)", re.IGNORECASE)
        holding = {url for url, title, body in articles if pattern.search(f"{title}\n{body}")}
        if holding != q.expected:
            disagree += 1
            print(
                f"{q.language} {q.query!r}: missing {sorted(holding - q.expected)},"
                f" not holding {sorted(q.expected - holding)}"
            )
    return disagree


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a demo archive (default: crawl one)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument(
        "--check-labels",
        action="store_true",
        help="compare each query's expected articles with its forms",
    )
    parser.add_argument("--misses", action="store_true", help="list each query's misses")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "archive.db"
            crawl_demo(db)
        with Archive.open_read_only(db) as archive:
            if args.check_labels:
                raise SystemExit(1 if check_labels(archive, queries) else 0)
            rows = measure(archive, queries)
            if args.misses:
                for q, o, _ in rows:
                    if o.recall < 1 or o.precision < 1:
                        hits = ours(archive, q.query)
                        print(
                            f"{q.language} {q.query!r}: missed {sorted(q.expected - set(hits))}"
                            f" wrong {[h for h in hits if h not in q.expected]}"
                        )
    print(
        f"{len(queries)} labelled queries, {sum(q.held_out for q in queries)} held out;"
        f" the first {DEPTH} hits of each"
    )
    report("tuning queries", [r for r in rows if not r[0].held_out])
    report("held-out queries", [r for r in rows if r[0].held_out])
    report("all queries", rows)
    s = summary(rows)
    print(
        f"queries {len(rows)} recall {s['recall']:.3f} plain_recall {s['plain_recall']:.3f}"
        f" mrr {s['mrr']:.3f}"
    )


if __name__ == "__main__":
    main()
