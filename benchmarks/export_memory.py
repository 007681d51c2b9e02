"""Export memory: peak RSS of `caucasus-crawler export` as the archive grows, beside peers.

Generates archives of synthetic articles (realistic sizes: ~2.5 kB bodies in Latin, Georgian,
Armenian and Cyrillic script, 1-2 categories and 0-4 tags each, dates over ten years, the
full-text index kept by the archive's own triggers) through `Archive` and sqlite-utils, then
exports each one in a fresh process per tool and measures its peak resident memory
(`ru_maxrss` of that child, from wait4). Streaming means the figure stays flat while the
archive grows a hundredfold. Peers measured in the same run, on the same archives:

- `sqlite-utils rows --nl`: the articles table as JSON lines (a streaming tool, but without
  categories and tags);
- "load, then write": every record read into a list, then written as Parquet with
  `pyarrow.Table.from_pylist` (what an export that does not stream costs). It grows with the
  archive, so on the largest one it runs only with `--naive-large`.

Run from the repository root:

    python benchmarks/export_memory.py                       # 10k, 100k and 1M articles
    python benchmarks/export_memory.py --sizes 2000,20000    # a quick look

Archives are kept in --dir (default /tmp/caucasus-export-bench) and reused by later runs.
The last line is machine-readable: `peak_rss_mb small=.. large=.. growth=..` for Parquet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it

from caucasus_crawler.archive import FTS_TOKENIZER, Archive  # noqa: E402
from caucasus_crawler.profiles import load_profiles  # noqa: E402

SCRIPTS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ka": "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    "hy": "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
}
SITE_LANGUAGES = {
    "civil_ge": ["en", "ka", "ru"],
    "news_am": ["en", "hy", "ru"],
    "report_az": ["en", "az", "ru"],
    "oc_media": ["en", "ru"],
    "apa_az": ["en", "az", "ru"],
    "armenpress_am": ["en", "hy", "ru"],
}
BATCH = 10_000
REGION = timezone(timedelta(hours=4))  # the outlets' offset, as the archive keeps it


# -- the archives ------------------------------------------------------------------------------
def paragraphs_of(language: str, rng: random.Random, count: int) -> list[str]:
    letters = SCRIPTS[language]
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(3000)
    ]
    out = []
    for _ in range(count):
        words = rng.choices(vocabulary, k=rng.randint(40, 110))
        out.append(" ".join(words).capitalize() + ".")
    return out


class LetterText:
    """Random letter strings in each language's script: this benchmark's text (only sizes
    matter to an export). archive_scale.py passes news_text.NewsText instead."""

    name = "archive"

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.paragraphs = {lang: paragraphs_of(lang, rng, 400) for lang in SCRIPTS}

    def language(self) -> str | None:
        return None  # every language of the site in turn

    def article(self, language: str) -> tuple[str, str]:
        body = "\n\n".join(self.rng.choices(self.paragraphs[language], k=self.rng.randint(3, 7)))
        return " ".join(body.split()[:9]), body


def make_archive(path: Path, articles: int, text=None, word_forms: bool = False) -> float:
    """An archive of `articles` synthetic articles at `path`, their title and body from `text`
    (LetterText by default), with the search's word forms filed when `word_forms` (the
    archive's own rebuild, as for an archive made before them: slow); the seconds it took."""
    started = time.monotonic()
    rng = random.Random(articles)
    text = text or LetterText(rng)
    path.unlink(missing_ok=True)
    profiles = load_profiles()
    archive = Archive(path)
    archive.register_sites(profiles[name] for name in SITE_LANGUAGES if name in profiles)
    db = archive.db
    # The full-text index is built once at the end, as Archive builds it (4x faster than
    # its triggers row by row); the archive is the same.
    db["articles"].disable_fts()
    sites = [name for name in SITE_LANGUAGES if name in profiles]
    sites_of = {lang: [site for site in sites if lang in SITE_LANGUAGES[site]] for lang in SCRIPTS}
    categories, tags = {}, {}
    with archive.transaction():
        for site in sites:
            categories[site] = [
                db["categories"].insert({"site": site, "name": f"Section {i}"}).last_pk
                for i in range(20)
            ]
            tags[site] = [
                db["tags"].insert({"site": site, "name": f"Topic {i}"}).last_pk for i in range(300)
            ]
    start = datetime(2016, 1, 1, tzinfo=UTC)
    seconds = 10 * 365 * 24 * 3600
    made = 0
    while made < articles:
        rows, in_category, tagged = [], [], []
        for number in range(made + 1, min(made + BATCH, articles) + 1):
            language = text.language()
            if language is None:
                site = sites[number % len(sites)]
                # every language of the site in turn (by `number` alone, one site got one)
                language = SITE_LANGUAGES[site][(number // len(sites)) % len(SITE_LANGUAGES[site])]
            else:
                site = sites_of[language][number % len(sites_of[language])]
            title, body = text.article(language)
            when = start + timedelta(seconds=rng.randrange(seconds))
            rows.append(
                {
                    "id": number,
                    "url": f"https://{site}.example/{language}/news/{number}",
                    "site": site,
                    "title": title,
                    "body": body,
                    "published": when.astimezone(REGION).isoformat(),
                    "modified": None,
                    "authors": json.dumps([f"Author {number % 97}"]),
                    "language": language,
                    "description": body[:200],
                    "image": f"https://{site}.example/images/{number}.jpg",
                    "word_count": len(body.split()),
                    "content_hash": hashlib.sha256(str(number).encode()).hexdigest(),
                    "first_seen": "2026-01-01T00:00:00+00:00",
                    "last_seen": "2026-01-01T00:00:00+00:00",
                    "run_id": None,
                }
            )
            for category in rng.sample(categories[site], rng.randint(1, 2)):
                in_category.append({"article_id": number, "category_id": category})
            for tag in rng.sample(tags[site], rng.randint(0, 4)):
                tagged.append({"article_id": number, "tag_id": tag})
        with archive.transaction():
            db["articles"].insert_all(rows, batch_size=1000)
            db["article_categories"].insert_all(in_category, batch_size=5000)
            db["article_tags"].insert_all(tagged, batch_size=5000)
        made += len(rows)
        print(f"  {path.name}: {made:,}/{articles:,} articles", end="\r", file=sys.stderr)
    print(file=sys.stderr)
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZER)
    if word_forms:  # rows inserted around store_article have no word forms filed yet
        print(f"  {path.name}: filing the search's word forms...", file=sys.stderr)
        archive.rebuild_search_terms()
    archive.close()
    return time.monotonic() - started


def archive_for(directory: Path, articles: int, text=None, word_forms: bool = False) -> Path:
    """A generated archive of that size (text from `text`, LetterText by default; its `name`
    names the file; make_archive's `word_forms`), reused when a previous run left it
    complete."""
    path = directory / f"{getattr(text, 'name', LetterText.name)}-{articles}.db"
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        Archive(path).close()  # any migration of a newer schema, before we measure
        return path
    print(f"Generating {path} ({articles:,} articles)...", file=sys.stderr)
    took = make_archive(path, articles, text, word_forms)
    done.write_text(f"{took:.0f} s\n")
    print(f"  generated in {took:.0f} s, {path.stat().st_size / 1e9:.2f} GB", file=sys.stderr)
    return path


# -- measuring ---------------------------------------------------------------------------------
# Linux records the memory a process had before exec in its peak RSS, and a child spawned
# from this (large) process starts with this process's memory: so a small launcher runs each
# measured command and reports that command's own peak (RUSAGE_CHILDREN, exact, no sampling).
LAUNCHER = """
import resource, subprocess, sys
result, stdout, stderr, *command = sys.argv[1:]
with open(stdout, "wb") as out, open(stderr, "wb") as err:
    code = subprocess.run(command, stdout=out, stderr=err).returncode
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(result, "w") as f:
    f.write(f"{code} {peak_kb}")
"""


def measure(command: list[str], stdout_path: Path, log: Path) -> tuple[float, float]:
    """Run `command` in a fresh process, its stdout to `stdout_path`: (its peak RSS in MB,
    seconds)."""
    result = log.with_suffix(".result")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(result), str(stdout_path), str(log), *command],
        env=_env(),
        check=True,
    )
    seconds = time.monotonic() - started
    code, peak_kb = map(int, result.read_text().split())
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{log.read_text()}")
    return peak_kb / 1024, seconds


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


NAIVE = """
import sys
import pyarrow as pa, pyarrow.parquet as pq
from caucasus_crawler.archive import Archive
from caucasus_crawler.export import arrow_schema, to_utc, NAMES
archive = Archive.open_read_only(sys.argv[1])
rows = [{k: (to_utc(r[k]) if k in ("published", "modified", "first_seen", "last_seen")
         else r[k]) for k in NAMES} for r in archive.export_records()]
pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), sys.argv[2])
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="articles per archive")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/caucasus-export-bench"))
    parser.add_argument("--formats", default="jsonl,csv,parquet")
    parser.add_argument(
        "--naive-large", action="store_true", help="run the load-then-write peer on every size"
    )
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    args.dir.mkdir(parents=True, exist_ok=True)
    out_dir = args.dir / "out"
    python = sys.executable
    sqlite_utils_cli = shutil.which("sqlite-utils")

    print(f"{'articles':>10} {'db':>8}  {'tool':<44} {'peak RSS':>9} {'time':>8} {'output':>9}")
    results: dict[tuple[int, str], float] = {}
    for size in sizes:
        db = archive_for(args.dir, size)
        db_size = f"{db.stat().st_size / 1e9:.2f} GB"
        runs: list[tuple[str, list[str], Path, bool]] = []
        for fmt in args.formats.split(","):
            target = out_dir / f"articles-{size}.{fmt}"
            command = [python, "-m", "caucasus_crawler.cli", "export", "--db", str(db)]
            command += ["-o", str(target), "--format", fmt]
            runs.append((f"caucasus-crawler export --format {fmt}", command, target, False))
        if sqlite_utils_cli:
            target = out_dir / f"sqlite-utils-{size}.jsonl"
            command = [sqlite_utils_cli, "rows", str(db), "articles", "--nl"]
            runs.append(("peer: sqlite-utils rows articles --nl", command, target, True))
        if args.naive_large or size < sizes[-1] or len(sizes) == 1:
            target = out_dir / f"naive-{size}.parquet"
            command = [python, "-c", NAIVE, str(db), str(target)]
            runs.append(("peer: load all, then write Parquet", command, target, False))
        for label, command, target, to_stdout in runs:
            out_dir.mkdir(exist_ok=True)
            stdout = target if to_stdout else out_dir / "stdout.log"
            rss, seconds = measure(command, stdout, out_dir / "stderr.log")
            results[(size, label)] = rss
            size_out = f"{target.stat().st_size / 1e9:.2f} GB"
            print(
                f"{size:>10,} {db_size:>8}  {label:<44} {rss:>6.0f} MB {seconds:>6.1f} s "
                f"{size_out:>9}",
                flush=True,
            )
            target.unlink(missing_ok=True)
            for card in out_dir.glob("*README.md"):
                card.unlink()
    label = "caucasus-crawler export --format parquet"
    if (sizes[0], label) in results and (sizes[-1], label) in results:
        small, large = results[(sizes[0], label)], results[(sizes[-1], label)]
        print(
            f"peak_rss_mb small={small:.0f} large={large:.0f} growth={large / small:.2f} "
            f"articles_small={sizes[0]} articles_large={sizes[-1]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
