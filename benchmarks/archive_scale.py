"""Archive scale: a big archive's insert rate, size, full-text search latency and export.

Builds (or reuses) an archive of N generated articles whose words follow real news in each
language (`benchmarks/news_text.py`: en, ka, hy, az and ru in the demo archive's shares, the
vocabulary and its frequencies, phrases, inflected forms and names from the real pages of
`../shared/data` and the mirror's texts, a Zipf tail of rarer words beyond them;
bulk-loaded by `export_memory.py`'s builder, then its full-text index built once), then
measures:

- **insert rate**: articles per second through the archive's own insert path
  (`Archive.store_article`, a transaction per 100 articles as the crawl's store pipeline
  commits them, the full-text and duplicate indexes kept up to date), for `--insert` more
  articles of the same generator added to the big archive (0: none);
- **file size** of the archive, and the **index's size**: each table of the full-text search
  (`articles_fts` and its shadow tables, and the search's own tables, `search_*`), by
  SQLite's dbstat;
- **full-text search latency**: `Archive.search_hits` as `caucasus-crawler search` calls it
  (best 20 first, highlighted title and snippet), p50 and p95 for each kind of query and over
  all: `common` words (matching 10% of the archive or more), `mid` words (0.1% to 1%), `rare`
  words (50 articles in a million at most), `name`s of places and people, two-word
  `phrase`s in quotes (`"of the"`) and the same pairs unquoted (`two words`, both anywhere),
  `prefix`es (`stem*`) and `inflected` forms (a word's form other than its most used one);
  a few of each kind in each language, chosen once per archive by what their exact form
  matches and kept beside it (`<archive>.queries.json`), so that runs before and after a
  change of the search code time the same queries; every query three times, after one
  warm-up pass;
- **export**: `caucasus-crawler export --format jsonl` of the whole archive in a fresh
  process: articles per second and its peak RSS (as export_memory.py measures it).

Run from the repository root:

    python benchmarks/archive_scale.py                      # 20,000 articles: a quick look
    python benchmarks/archive_scale.py --articles 1000000   # the target: search p95 < 100 ms

Archives are kept in --dir (default /tmp/caucasus-scale) and reused by later runs. The
last line: `articles <n> insert_aps <a> size_gb <s> index_mb <i> fts_p50_ms <p>
fts_p95_ms <q> <kind>_p95_ms <k>... export_aps <e> export_peak_rss_mb <m>`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it
sys.path.insert(0, str(REPO / "benchmarks"))

from export_memory import (  # noqa: E402  (the builder of big archives, shared)
    SITE_LANGUAGES,
    archive_for,
    measure,
)
from news_text import SHARED_DATA, NewsText  # noqa: E402

from caucasus_crawler.archive import Archive  # noqa: E402
from caucasus_crawler.items import Article, Link  # noqa: E402
from caucasus_crawler.normalise import content_hash  # noqa: E402

QUERY_REPEATS = 3
KINDS = ("common", "mid", "rare", "name", "phrase", "two words", "prefix", "inflected")
INDEX_TABLES = ("articles_fts", "search")  # the full-text index's tables, by name prefix


# -- insert rate ---------------------------------------------------------------------------------
def insert_rate(db: Path, count: int, text: NewsText) -> tuple[float, int]:
    """Articles per second through Archive.store_article, `count` new generated articles in
    transactions of 100; (rate, articles in the archive after)."""
    text.rng = np.random.default_rng(time.time_ns())  # new articles, not the archive's again
    stamp = datetime.now(UTC)
    articles = []
    for number in range(count):
        language = text.language()
        sites = [site for site, languages in SITE_LANGUAGES.items() if language in languages]
        site = sites[number % len(sites)]
        title, body = text.article(language)
        url = f"https://{site}.example/{language}/insert/{stamp:%Y%m%d%H%M%S}-{number}"
        articles.append(
            Article(
                url=url,
                title=title,
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


# -- the queries -------------------------------------------------------------------------------
def matching(conn: sqlite3.Connection, query: str) -> int:
    """Articles the exact-form index matches for `query` (`word*` a prefix, `"a b"` a phrase,
    `a b` both words), whatever the search code in use does with it."""
    if query.startswith('"'):
        match = '"' + query.strip('"').replace('"', '""') + '"'
    else:
        match = " ".join('"' + w.rstrip("*").replace('"', '""') + '"' for w in query.split())
    match += "*" if query.endswith("*") else ""
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    return conn.execute(sql, [match]).fetchone()[0]


def choose_queries(db: Path, text: NewsText) -> list[dict]:
    """Queries of every kind in every language, each with the articles its exact form matches
    (`matches`): `common` words matching 10% of the archive or more, `mid` words (0.1% to 1%),
    `rare` ones (50 in a million at most), names, two-word phrases (quoted, and unquoted as
    `two words`), prefixes (`stem*`) and
    `inflected` forms (a form of a word other than its most used one). Drawn from the
    language models' real words and tail, kept by what they match in this archive."""
    rng = random.Random(20)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    bounds = {
        "common": (total // 10, total),
        "mid": (total // 1000, total // 100),
        "rare": (1, max(3, total // 20_000)),
    }
    chosen: list[dict] = []

    def keep(kind, language, candidates, wanted, within=(1, total)):
        found = 0
        for query in candidates:
            if found == wanted:
                return
            count = matching(conn, query)
            if within[0] <= count <= within[1]:
                chosen.append(
                    {"kind": kind, "language": language, "query": query, "matches": count}
                )
                found += 1
        print(
            f"  {language}: {found} of {wanted} {kind} queries found (matching "
            f"{within[0]:,} to {within[1]:,} articles)",
            file=sys.stderr,
        )

    for language, model in text.models.items():
        by_count = [w for w, _ in model.counts.most_common() if w.isalpha()]
        keep("common", language, by_count[:40], 2, bounds["common"])
        middle = by_count[40:]
        keep("mid", language, rng.sample(middle, min(400, len(middle))), 3, bounds["mid"])
        ranks = [int(r) for r in np.geomspace(1_000, model.tail_words - 1, 60)]
        rare = [str(w).lower() for w in model.tail_forms(np.array(ranks))]
        keep("rare", language, rare[::-1], 3, bounds["rare"])
        names = [n for n, _ in model.names.most_common(40)]
        keep("name", language, names[:1] + rng.sample(names[1:], len(names) - 1), 3)
        pairs = [" ".join(p) for p, c in model.pairs.most_common() if c >= 2]
        pairs = [p for p in pairs if all(w.isalpha() for w in p.split())]
        pairs = pairs[:1] + rng.sample(pairs[1:], min(50, len(pairs) - 1))
        keep("phrase", language, [f'"{pair}"' for pair in pairs], 3)
        keep("two words", language, pairs, 3)
        lexemes = sorted(
            (
                (sum(forms.values()), stem, forms)
                for stem, forms in model.forms.items()
                if len(forms) >= 2 and len(stem) >= 4 and stem.isalpha()
            ),
            reverse=True,
        )
        often = [lexeme for lexeme in lexemes if lexeme[0] >= 3]
        picked = lexemes[:1] + rng.sample(often[1:], min(50, len(often) - 1))
        keep("prefix", language, [stem + "*" for _, stem, _ in picked], 3)
        other_forms = [forms.most_common()[1][0] for _, _, forms in picked]
        keep("inflected", language, other_forms, 3)
    conn.close()
    return chosen


def queries_for(db: Path, text: NewsText) -> list[dict]:
    """The archive's queries, chosen once and kept beside it: the runs before and after a
    change of the search code time the same queries."""
    path = db.with_suffix(".queries.json")
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    queries = choose_queries(db, text)
    path.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    return queries


# -- search and the index's size -------------------------------------------------------------
def search_latency(db: Path, queries: list[dict]) -> list[tuple[dict, float, int]]:
    """(query, milliseconds, hits) for every run of every query, as `caucasus-crawler search`
    calls Archive.search_hits."""
    timings = []
    with Archive.open_read_only(db) as archive:
        for query in queries:  # warm-up: the pages a search reads, in the OS cache
            archive.search_hits(query["query"], limit=20, mark=("[", "]"))
        for _ in range(QUERY_REPEATS):
            for query in queries:
                started = time.perf_counter()
                hits = archive.search_hits(query["query"], limit=20, mark=("[", "]"))
                timings.append((query, (time.perf_counter() - started) * 1000, len(hits)))
    return timings


def index_sizes(db: Path) -> dict[str, int] | None:
    """Bytes of each table and index of the full-text search (the FTS5 table's shadow
    tables, the search's own tables), by SQLite's dbstat; None without dbstat."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE rootpage > 0")
            if name.startswith(INDEX_TABLES)
        ]
        # summed per page: dbstat's own aggregate overflows 32 bits past 2 GB (SQLite 3.40)
        sql = "SELECT sum(pgsize) FROM dbstat WHERE name = ?"
        return {name: conn.execute(sql, [name]).fetchone()[0] or 0 for name in names}
    except sqlite3.OperationalError:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
        return None
    finally:
        conn.close()


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


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
    parser.add_argument(
        "--shared", type=Path, default=SHARED_DATA, help="real pages (../shared/data)"
    )
    parser.add_argument("--no-export", action="store_true", help="skip the export measure")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    print(f"load average {load()} (2 cores shared: timings drift with it)")
    text = NewsText(args.dir, args.shared)
    print("text: each language's words as in real news (benchmarks/news_text.py)")
    print("\n".join(text.describe()))
    db = archive_for(args.dir, args.articles, text, word_forms=True)  # built once, reused
    done = db.with_suffix(".done").read_text().strip()
    print(f"archive {db}: {args.articles:,} generated articles (built in {done})", flush=True)
    Archive(db).close()  # its indexes made ready for this version, outside every measure
    print(f"  opened (indexes ready) in {time.monotonic() - started:.0f} s", flush=True)

    rate = 0.0
    if args.insert:
        rate, _ = insert_rate(db, args.insert, text)
        print(f"insert   {args.insert:,} articles through Archive.store_article: {rate:,.0f} /s")
    with Archive.open_read_only(db) as archive:
        total = archive.db["articles"].count
    size_gb = db.stat().st_size / 1e9
    print(f"size     {size_gb:.2f} GB for {total:,} articles")
    sizes = index_sizes(db)
    index_mb = sum(sizes.values()) / 1e6 if sizes else 0.0
    if sizes is None:
        print("index    (SQLite without dbstat: no size per table)")
    else:
        print(
            f"index    {index_mb:,.0f} MB: "
            + ", ".join(f"{name} {size / 1e6:,.1f} MB" for name, size in sizes.items())
        )

    queries = queries_for(db, text)
    timings = search_latency(db, queries)
    print(f"load average {load()} after the searches")
    ms = [t[1] for t in timings]
    print(
        f"search   {len(queries)} queries x {QUERY_REPEATS} (matches: articles the exact form "
        "matches; hits: returned, at most 20)"
    )
    print(
        f"{'kind':<10} {'lang':<4} {'query':<32} {'matches':>8} {'hits':>5} {'median ms':>10} "
        f"{'max ms':>8}"
    )
    by_query: dict[str, list[tuple[float, int]]] = {}
    for query, took, hits in timings:
        by_query.setdefault(query["query"] + query["kind"], []).append((took, hits))
    for query in queries:
        runs = by_query[query["query"] + query["kind"]]
        times = [t for t, _ in runs]
        print(
            f"{query['kind']:<10} {query['language']:<4} {query['query'][:32]:<32} "
            f"{query['matches']:>8} {runs[0][1]:>5} {statistics.median(times):>10.1f} "
            f"{max(times):>8.1f}"
        )
    per_kind = {}
    print(f"{'kind':<10} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in KINDS:
        times = [took for query, took, _ in timings if query["kind"] == kind]
        if times:
            per_kind[kind] = percentile(times, 0.95)
            print(
                f"{kind:<10} {len(times) // QUERY_REPEATS:>7} {percentile(times, 0.5):>8.1f} "
                f"{per_kind[kind]:>8.1f} {max(times):>8.1f}"
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
    kinds = " ".join(f"{kind.replace(' ', '_')}_p95_ms {p95:.1f}" for kind, p95 in per_kind.items())
    print(
        f"articles {total} insert_aps {rate:.0f} size_gb {size_gb:.2f} index_mb {index_mb:.0f} "
        f"fts_p50_ms {percentile(ms, 0.5):.1f} fts_p95_ms {percentile(ms, 0.95):.1f} {kinds} "
        f"export_aps {export_aps:.0f} export_peak_rss_mb {export_rss:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
