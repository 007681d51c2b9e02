"""Duplicate detection quality: precision and recall on the mirror's labelled pairs.

Crawls the whole mirror into a fresh archive through the real CLI (`caucasus-crawler crawl
--demo --db <tmp>`), then reads, for every labelled pair of `caucasus_crawler/mirror/
duplicates.toml`, where each of its two URLs ended: at an article (`articles.url`) or at the
article a duplicate points to (`duplicates.url` -> `article_id`). The crawl predicts a pair
"same" iff both URLs end at one kept article. Pairs labelled same are positives.

Beside it, in the same run, on the mirror's own texts (the article files, no crawl):

- `exact hash`: same iff the case- and space-folded texts are equal (content_hash alone);
- `minhash lsh`: datasketch's MinHashLSH over the same shingles, threshold 0.5, no
  verification: what LSH alone calls a duplicate (the textbook near-duplicate detector).

Run from the repository root:

    python benchmarks/dedup_quality.py
    python benchmarks/dedup_quality.py --db /tmp/archive.db   # keep the crawled archive

The last line is machine-readable: `precision <p> recall <r> pairs <n>` (the crawl's).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it

from datasketch import MinHashLSH  # noqa: E402

from caucasus_crawler import dedup  # noqa: E402
from caucasus_crawler.archive import Archive  # noqa: E402
from caucasus_crawler.mirror.content import LabelledPair, labelled_pairs, load_sites  # noqa: E402
from caucasus_crawler.normalise import content_hash, normalise_text  # noqa: E402
from caucasus_crawler.urls import canonical_url  # noqa: E402


def crawl(db: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "caucasus_crawler.cli", "crawl", "--demo", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if result.returncode != 0:
        raise SystemExit(f"the demo crawl failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - started


def kept_articles(db: Path, urls: set[str]) -> dict[str, int | None]:
    """The kept article each URL ended at (None: the crawl stored nothing for it)."""
    with Archive.open_read_only(db) as archive:
        return {url: archive.kept_article_for(canonical_url(url)) for url in urls}


def score(pairs: list[LabelledPair], predicted: dict[tuple[str, str], bool]) -> dict:
    tp = sum(1 for p in pairs if p.same and predicted[p.url_a, p.url_b])
    fp = sum(1 for p in pairs if not p.same and predicted[p.url_a, p.url_b])
    fn = sum(1 for p in pairs if p.same and not predicted[p.url_a, p.url_b])
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def peers(pairs: list[LabelledPair]) -> dict[str, dict[tuple[str, str], bool]]:
    """What the exact hash and plain MinHash LSH say of each pair, on the mirror's texts."""
    texts = {
        article.url: (normalise_text("\n\n".join(article.paragraphs)), article.language)
        for site in load_sites()
        for article in site.articles
    }
    exact = {
        (p.url_a, p.url_b): content_hash(texts[p.url_a][0]) == content_hash(texts[p.url_b][0])
        for p in pairs
    }
    lsh = MinHashLSH(threshold=0.5, num_perm=dedup.NUM_PERM)
    sketches = {}
    for url, (text, language) in texts.items():
        shingles = dedup.shingles_of(text)
        if len(shingles):
            sketches[url] = (dedup.minhash(shingles), language)
            lsh.insert(url, sketches[url][0])
    found = {}
    for p in pairs:
        sketch_b, language_b = sketches[p.url_b]
        found[p.url_a, p.url_b] = (
            p.url_a in lsh.query(sketch_b) and sketches[p.url_a][1] == language_b
        )
    return {"exact hash": exact, "minhash lsh": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="crawl into this archive (default: a temp file)")
    args = parser.parse_args()
    pairs = labelled_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "archive.db"
        db.unlink(missing_ok=True)
        seconds = crawl(db)
        kept = kept_articles(db, {u for p in pairs for u in (p.url_a, p.url_b)})
    ours = {
        (p.url_a, p.url_b): kept[p.url_a] is not None and kept[p.url_a] == kept[p.url_b]
        for p in pairs
    }
    others = peers(pairs)
    tools = {"crawl (ours)": ours, **others}

    missing = sorted(url for url, article in kept.items() if article is None)
    print(f"Demo crawl of the mirror: {seconds:.1f} s; {len(pairs)} labelled pairs")
    if missing:
        print(f"  not in the archive ({len(missing)}): {', '.join(missing)}")
    by_kind: dict[tuple[bool, str], list[LabelledPair]] = defaultdict(list)
    for pair in pairs:
        by_kind[pair.same, pair.kind].append(pair)
    print()
    header = f"{'label':<6} {'kind':<12} {'pairs':>5}"
    print(header + "".join(f"  {name:>14}" for name in tools))
    for (same, kind), group in sorted(by_kind.items(), key=lambda kv: (not kv[0][0], kv[0][1])):
        row = f"{'same' if same else 'diff':<6} {kind:<12} {len(group):>5}"
        for predicted in tools.values():
            right = sum(1 for p in group if predicted[p.url_a, p.url_b] == p.same)
            row += f"  {f'{right}/{len(group)} right':>14}"
        print(row)
    print()
    print(f"{'':<25}" + "".join(f"  {name:>14}" for name in tools))
    scores = {name: score(pairs, predicted) for name, predicted in tools.items()}
    for key in ("precision", "recall"):
        print(f"{key:<25}" + "".join(f"  {s[key]:>14.3f}" for s in scores.values()))
    wrong = [p for p in pairs if ours[p.url_a, p.url_b] != p.same]
    if wrong:
        print("\nOur mistakes:")
        for p in wrong:
            print(f"  {'missed' if p.same else 'false'} {p.kind}: {p.url_a} / {p.url_b}")
    mine = scores["crawl (ours)"]
    print(f"\nprecision {mine['precision']:.3f} recall {mine['recall']:.3f} pairs {len(pairs)}")


if __name__ == "__main__":
    main()
