"""Extraction quality: our `extract_article` beside plain trafilatura and other extractors.

Scores every development set in one run, all tools on the same machine:
- article text (token F1) on `../shared/data/extraction-dev`;
- publication days on `../shared/data/dates-dev`;
- "with" / "without" snippets on `../shared/data/extraction-snippets` (trafilatura's own
  evaluation pages: news, blogs, forums, shops...);
- title, time, authors and body on `../shared/data/metadata-fundus` (40 countries' publishers).
Each set's figures are also given for its two halves (pages in sorted id order, alternately):
a rule tuned on one half that does not hold on the other has learned pages, not news.
It prints the pages where we differ most from trafilatura (to learn from) and the date misses.
The last line is machine-readable:

    ours F1 0.981 trafilatura F1 0.963 ratio_ms 1.234 dates 0.950 htmldate_dates 0.908 \
    snippets_ours 0.921 snippets_trafilatura 0.921 authors_ours 0.860 authors_trafilatura 0.813

Run from the repository root: `python benchmarks/extraction_quality.py [--quick]`.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from statistics import fmean

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a clone without installing it

import general_sets  # noqa: E402  (beside this file)
from general_sets import token_scores  # noqa: E402

from caucasus_crawler.extract import NotAnArticle, extract_article  # noqa: E402
from caucasus_crawler.extract.dates import find_dates  # noqa: E402
from caucasus_crawler.extract.page import Page, decode_html  # noqa: E402

DEFAULT_TEXT = REPO.parent / "shared" / "data" / "extraction-dev"
DEFAULT_DATES = REPO.parent / "shared" / "data" / "dates-dev"
DEFAULT_SNIPPETS = REPO.parent / "shared" / "data" / "extraction-snippets"
DEFAULT_METADATA = REPO.parent / "shared" / "data" / "metadata-fundus"
_TOKEN = re.compile(r"\w+")
Extractor = Callable[[bytes, str], str]
_WARM_UP = 3  # pages each tool sees before the timed run


# -- scoring ----------------------------------------------------------------------------------


def shingle_counts(predicted: str, truth: str, n: int = 4) -> tuple[float, float]:
    """Per-page (precision, recall) of case-sensitive 4-token shingles: the benchmark's own
    convention (its F1 is the harmonic mean of the mean precision and the mean recall)."""

    def shingles(text: str) -> Counter:
        tokens = _TOKEN.findall(text)
        return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))

    got, want = shingles(predicted), shingles(truth)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall


def hmean(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


# -- the tools --------------------------------------------------------------------------------


def ours(html: bytes, url: str) -> str:
    try:
        return extract_article(html, url).text
    except NotAnArticle:
        return ""


def plain_trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def readability_lxml(html: bytes, url: str) -> str:
    from lxml.html import fromstring
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return " ".join(fromstring(summary).itertext()) if summary.strip() else ""


def newspaper4k(html: bytes, url: str) -> str:
    import newspaper

    article = newspaper.Article(url, fetch_images=False)
    article.download(input_html=decode_html(html))
    article.parse()
    return article.text or ""


def available_tools() -> tuple[dict[str, Extractor], list[str]]:
    """Our extractor and plain trafilatura always; the peers that are installed."""
    tools: dict[str, Extractor] = {"ours": ours, "trafilatura": plain_trafilatura}
    notes = []
    for name, module, package, function in (
        ("readability-lxml", "readability", "readability-lxml", readability_lxml),
        ("newspaper4k", "newspaper", "newspaper4k", newspaper4k),
    ):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                __import__(module)
            version(package)
        except (ImportError, PackageNotFoundError):
            notes.append(f"{name} is not installed: skipped (pip install -e '.[bench]')")
            continue
        tools[name] = function
    return tools, notes


def tool_versions(names: list[str]) -> str:
    packages = {
        "trafilatura": "trafilatura",
        "readability-lxml": "readability-lxml",
        "newspaper4k": "newspaper4k",
        "htmldate": "htmldate",
    }
    found = []
    for name in names:
        if name in packages:
            try:
                found.append(f"{name} {version(packages[name])}")
            except PackageNotFoundError:
                pass
    return ", ".join(found)


# -- the data sets ----------------------------------------------------------------------------


@dataclass
class Sample:
    id: str
    url: str
    html: bytes
    truth: str


def load(directory: Path, truth_key: str, quick: bool, step: int) -> list[Sample]:
    truth_file = directory / "ground-truth.json"
    if not truth_file.exists():
        sys.exit(f"{truth_file} is absent: name the data set's directory with --data/--dates")
    ground = json.loads(truth_file.read_text(encoding="utf-8"))
    ids = sorted(ground)
    if quick:
        ids = ids[::step]
    samples = []
    for page_id in ids:
        path = directory / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        samples.append(
            Sample(
                page_id,
                ground[page_id]["url"],
                gzip.decompress(path.read_bytes()),
                ground[page_id][truth_key],
            )
        )
    return samples


# -- text ------------------------------------------------------------------------------------


@dataclass
class Scores:
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    shingle_p: list[float] = field(default_factory=list)
    shingle_r: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def run_text(samples: list[Sample], tools: dict[str, Extractor]) -> dict[str, Scores]:
    scores = {name: Scores() for name in tools}
    names = list(tools)
    for name in names:  # warm up: imports and one-time set-ups are not a page's time
        for sample in samples[:_WARM_UP]:
            try:
                tools[name](sample.html, sample.url)
            except Exception:
                pass
    for index, sample in enumerate(samples):
        # rotate the order so that no tool always runs right after another's allocations
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            gc.collect()
            start = time.perf_counter()
            try:
                text = tools[name](sample.html, sample.url)
            except Exception as exc:  # a peer failing on a page scores 0 on it
                print(
                    f"  {name} failed on {sample.id[:12]}: {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )
                text = ""
            elapsed = time.perf_counter() - start
            precision, recall, f1 = token_scores(text, sample.truth)
            shingle_p, shingle_r = shingle_counts(text, sample.truth)
            result = scores[name]
            result.precision.append(precision)
            result.recall.append(recall)
            result.f1.append(f1)
            result.shingle_p.append(shingle_p)
            result.shingle_r.append(shingle_r)
            result.seconds.append(elapsed)
    return scores


def report_text(samples: list[Sample], scores: dict[str, Scores], show: int) -> None:
    print(f"{'tool':<18} {'F1':>6} {'P':>6} {'R':>6} {'shingleF1':>9} {'ms/page':>8}")
    for name, s in scores.items():
        shingle = hmean(fmean(s.shingle_p), fmean(s.shingle_r))
        print(
            f"{name:<18} {fmean(s.f1):6.3f} {fmean(s.precision):6.3f} {fmean(s.recall):6.3f}"
            f" {shingle:9.3f} {1000 * fmean(s.seconds):8.1f}"
        )
    a, b = scores["ours"], scores["trafilatura"]
    diffs = sorted(
        (a.f1[i] - b.f1[i], i) for i in range(len(samples)) if abs(a.f1[i] - b.f1[i]) > 0.001
    )
    better = sum(1 for d, _ in diffs if d > 0)
    print(
        f"\nper page, ours - trafilatura: {better} better, {len(diffs) - better} worse, "
        f"{len(samples) - len(diffs)} equal; worst first (F1 P/R):"
    )
    for diff, i in diffs[:show]:
        print(
            f"  {diff:+.3f}  {samples[i].id[:12]}  ours {a.f1[i]:.3f} "
            f"{a.precision[i]:.2f}/{a.recall[i]:.2f}  trafilatura {b.f1[i]:.3f} "
            f"{b.precision[i]:.2f}/{b.recall[i]:.2f}  {samples[i].url[:70]}"
        )
    if len(diffs) > show:
        print(f"  ... {len(diffs) - show} more")
    low = sorted((a.f1[i], i) for i in range(len(samples)))[:show]
    print("\nour lowest pages (F1 P/R):")
    for f1, i in low:
        print(
            f"  {f1:.3f}  {samples[i].id[:12]}  {a.precision[i]:.2f}/{a.recall[i]:.2f}  "
            f"{samples[i].url[:80]}"
        )


# -- dates -----------------------------------------------------------------------------------


def our_date(html: bytes, url: str) -> tuple[str | None, bool]:
    """Our published date (and whether the page was judged not an article, its date then
    read by the same date finder on its own)."""
    try:
        return extract_article(html, url).published, False
    except NotAnArticle:
        page = Page.from_html(html, url)
        return (find_dates(page)[0] if page is not None else None), True


def htmldate_date(html: bytes, url: str) -> str | None:
    from htmldate import find_date

    return find_date(html, extensive_search=True, original_date=True)


def trafilatura_date(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract_metadata(html).date


def run_dates(samples: list[Sample], show: int) -> dict[str, float]:
    logging_quiet()
    hits = Counter()
    not_articles = 0
    misses = []
    for sample in samples:
        answers = {}
        try:
            mine, fallback = our_date(sample.html, sample.url)
        except Exception as exc:
            print(f"  ours failed on {sample.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            mine, fallback = None, False
        not_articles += fallback
        answers["ours"] = mine
        for name, tool in (("htmldate", htmldate_date), ("trafilatura", trafilatura_date)):
            try:
                answers[name] = tool(sample.html, sample.url)
            except Exception:
                answers[name] = None
        for name, answer in answers.items():
            hits[name] += bool(answer) and answer[:10] == sample.truth
        if not (answers["ours"] and answers["ours"][:10] == sample.truth):
            misses.append((sample, answers))
    total = len(samples)
    accuracy = {name: hits[name] / total for name in ("ours", "htmldate", "trafilatura")}
    print(f"{'tool':<18} {'accuracy':>8}")
    for name, value in accuracy.items():
        print(f"{name:<18} {value:8.3f}")
    print(f"({not_articles} pages judged not articles: their date read by find_dates alone)")
    print(f"\nour date misses ({len(misses)}): id, truth, ours, htmldate")
    for sample, answers in misses[:show]:
        print(
            f"  {sample.id[:15]:<15} {sample.truth}  ours {str(answers['ours'])[:25]:<25} "
            f"htmldate {answers['htmldate']}  {sample.url[:60]}"
        )
    if len(misses) > show:
        print(f"  ... {len(misses) - show} more")
    return accuracy


def logging_quiet() -> None:
    import logging

    for name in ("htmldate", "trafilatura", "readability", "newspaper", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_TEXT,
        help="extraction set: ground-truth.json and html/<id>.html.gz",
    )
    parser.add_argument(
        "--dates",
        type=Path,
        default=DEFAULT_DATES,
        help="date set: ground-truth.json and html/<id>.html.gz",
    )
    parser.add_argument(
        "--snippets",
        type=Path,
        default=DEFAULT_SNIPPETS,
        help="snippet set: ground-truth.json ({id: url, with, without}) and html/<id>.html.gz",
    )
    parser.add_argument(
        "--metadata",
        type=Path,
        default=DEFAULT_METADATA,
        help="metadata set: ground-truth.json ({id: url, title, ...}) and html/<id>.html.gz",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every 4th page of the text, snippet and metadata sets, every 8th date page",
    )
    parser.add_argument("--show", type=int, default=25, help="per-page lines to print")
    args = parser.parse_args(argv)
    logging_quiet()
    warnings.filterwarnings("ignore")

    tools, notes = available_tools()
    samples = load(args.data, "articleBody", args.quick, 4)
    print(f"extraction: {len(samples)} pages of {args.data}")
    print(f"tools: ours, {tool_versions(list(tools))}")
    for note in notes:
        print(note)
    scores = run_text(samples, tools)
    report_text(samples, scores, args.show)

    date_samples = load(args.dates, "date", args.quick, 8)
    print(
        f"\ndates: {len(date_samples)} pages of {args.dates} "
        f"(htmldate {version('htmldate')}: find_date(html, extensive_search=True, "
        "original_date=True))"
    )
    accuracy = run_dates(date_samples, args.show)

    print(f"\nsnippets: pages of {args.snippets} (title + text; tp: a `with` snippet found)")
    snippets = general_sets.run_snippets(args.snippets, args.quick)
    print(f"\nmetadata: pages of {args.metadata} (title, date within 24 h, authors F1, body F1)")
    metadata = general_sets.run_metadata(args.metadata, args.quick)

    ours_f1 = fmean(scores["ours"].f1)
    trafilatura_f1 = fmean(scores["trafilatura"].f1)
    ratio = fmean(scores["ours"].seconds) / fmean(scores["trafilatura"].seconds)
    print(
        f"\nours F1 {ours_f1:.3f} trafilatura F1 {trafilatura_f1:.3f} ratio_ms {ratio:.3f} "
        f"dates {accuracy['ours']:.3f} htmldate_dates {accuracy['htmldate']:.3f} "
        f"snippets_ours {snippets['ours'].f1:.3f} "
        f"snippets_trafilatura {snippets['trafilatura'].f1:.3f} "
        f"authors_ours {metadata['ours'].mean('authors'):.3f} "
        f"authors_trafilatura {metadata['trafilatura'].mean('authors'):.3f}"
    )


if __name__ == "__main__":
    main()
