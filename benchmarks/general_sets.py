"""The two broad development sets of `extraction_quality.py`: pages of every kind with "with"
and "without" snippets (`extraction-snippets`), and 40 countries' news pages with title,
time, authors and body (`metadata-fundus`). Scored as each set's README says, for our
extraction (no profile: the generic path every outlet falls back to) and plain trafilatura,
on the whole set and on its two halves.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import fmean

from caucasus_crawler.extract import NotAnArticle, extract_article
from caucasus_crawler.spiders.revisits import parse_instant

_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
_NAME_SEPARATORS = re.compile(r"\s*[;,]\s*")


@dataclass
class Extracted:
    """What a tool gives for a page; all empty for a page it refuses."""

    title: str = ""
    text: str = ""
    published: str | None = None
    authors: list[str] = field(default_factory=list)


def ours(html: bytes, url: str) -> Extracted:
    try:
        article = extract_article(html, url)
    except NotAnArticle:
        return Extracted()
    return Extracted(article.title or "", article.text or "", article.published, article.authors)


def plain_trafilatura(html: bytes, url: str) -> Extracted:
    import trafilatura

    document = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True
    )
    if document is None:
        return Extracted()
    authors = [name for name in _NAME_SEPARATORS.split(document.author or "") if name]
    return Extracted(document.title or "", document.text or "", document.date, authors)


TOOLS: dict[str, Callable[[bytes, str], Extracted]] = {
    "ours": ours,
    "trafilatura": plain_trafilatura,
}


def pages(directory: Path, quick: bool, step: int) -> Iterator[tuple[int, str, dict, bytes]]:
    """(half, id, truth, html) of each page; half 0 or 1 alternately in sorted id order
    (`quick`: every `step`-th pair of pages, so both halves stay)."""
    truth_file = directory / "ground-truth.json"
    if not truth_file.exists():
        sys.exit(f"{truth_file} is absent: name the set's directory with --snippets/--metadata")
    ground = json.loads(truth_file.read_text(encoding="utf-8"))
    for index, page_id in enumerate(sorted(ground)):
        if quick and (index // 2) % step:
            continue
        path = directory / "html" / f"{page_id}.html.gz"
        if path.exists():
            yield index % 2, page_id, ground[page_id], gzip.decompress(path.read_bytes())


def _run(tool: Callable[[bytes, str], Extracted], html: bytes, url: str, name: str) -> Extracted:
    try:
        return tool(html, url)
    except Exception as exc:  # a tool failing on a page scores as refusing it
        print(f"  {name} failed on {url[:60]}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return Extracted()


# -- snippets ---------------------------------------------------------------------------------


@dataclass
class SnippetCounts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: SnippetCounts) -> None:
        self.tp, self.fn = self.tp + other.tp, self.fn + other.fn
        self.fp, self.tn = self.fp + other.fp, self.tn + other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippet_counts(output: str, truth: dict) -> SnippetCounts:
    """The set's convention: a `with` snippet found is a true positive, a `without` snippet
    found a false positive (whitespace-normalised substrings)."""
    flat = _flat(output)
    counts = SnippetCounts()
    for snippet in truth["with"]:
        if _flat(snippet) in flat:
            counts.tp += 1
        else:
            counts.fn += 1
    for snippet in truth["without"]:
        if _flat(snippet) in flat:
            counts.fp += 1
        else:
            counts.tn += 1
    return counts


def run_snippets(directory: Path, quick: bool) -> dict[str, SnippetCounts]:
    """Every tool's counts over the set: {"ours": ..., "ours/half0": ..., ...}; per-page
    misses of ours are printed for learning."""
    totals: dict[str, SnippetCounts] = {}
    refused = 0
    worst: list[tuple[int, str, str]] = []
    for half, page_id, truth, html in pages(directory, quick, 4):
        for name, tool in TOOLS.items():
            got = _run(tool, html, truth["url"], name)
            counts = snippet_counts(f"{got.title}\n{got.text}", truth)  # the title prepended
            for key in (name, f"{name}/half{half}"):
                totals.setdefault(key, SnippetCounts()).add(counts)
            if name == "ours":
                refused += not got.text
                worst.append((counts.fn + counts.fp, page_id, truth["url"]))
    print(f"{'tool':<18} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6}   F1 half 0 / half 1")
    for name in TOOLS:
        c = totals[name]
        halves = " / ".join(f"{totals[f'{name}/half{h}'].f1:.3f}" for h in (0, 1))
        print(
            f"{name:<18} {c.f1:6.3f} {c.precision:6.3f} {c.recall:6.3f} {c.accuracy:6.3f}   "
            f"{halves}"
        )
    print(f"({refused} pages gave no text of ours)")
    print("our most missed pages (misses, id, url):")
    for misses, page_id, url in sorted(worst, reverse=True)[:10]:
        print(f"  {misses:>2}  {page_id[:12]}  {url[:80]}")
    return totals


# -- metadata ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return _flat(text).casefold()


def authors_f1(got: list[str], want: list[str]) -> float:
    got_set, want_set = {_fold(n) for n in got if n.strip()}, {_fold(n) for n in want}
    common = len(got_set & want_set)
    if not common:
        return 0.0
    precision, recall = common / len(got_set), common / len(want_set)
    return 2 * precision * recall / (precision + recall)


def token_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the bags of lower-cased `\\w+` tokens (the sets' READMEs)."""
    got = Counter(_TOKEN.findall(predicted.lower()))
    want = Counter(_TOKEN.findall(truth.lower()))
    common = sum((got & want).values())
    if not got and not want:
        return 1.0, 1.0, 1.0
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


@dataclass
class MetadataScores:
    title: list[float] = field(default_factory=list)
    date: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    body: list[float] = field(default_factory=list)

    def mean(self, measure: str) -> float:
        values = getattr(self, measure)
        return fmean(values) if values else 0.0


MEASURES = ("title", "date", "authors", "body")


def score_metadata(got: Extracted, truth: dict) -> dict[str, float | None]:
    """Per page; None where the set has nothing to compare (no expected time or authors)."""
    scores: dict[str, float | None] = {
        "title": float(_fold(got.title) == _fold(truth["title"] or "")),
        "body": token_scores(got.text, truth["body"] or "")[2],
        "date": None,
        "authors": None,
    }
    # a time without an offset is UTC's, a day alone its midnight (the set's README)
    expected = parse_instant(truth.get("published"))
    if expected is not None:
        found = parse_instant(got.published)
        scores["date"] = float(found is not None and abs(found - expected) <= timedelta(hours=24))
    if truth.get("authors"):
        scores["authors"] = authors_f1(got.authors, truth["authors"])
    return scores


def run_metadata(directory: Path, quick: bool) -> dict[str, MetadataScores]:
    totals: dict[str, MetadataScores] = {}
    author_misses: list[tuple[str, list[str], list[str]]] = []
    for half, page_id, truth, html in pages(directory, quick, 4):
        for name, tool in TOOLS.items():
            got = _run(tool, html, truth["url"], name)
            page_scores = score_metadata(got, truth)
            for key in (name, f"{name}/half{half}"):
                result = totals.setdefault(key, MetadataScores())
                for measure, value in page_scores.items():
                    if value is not None:
                        getattr(result, measure).append(value)
            if name == "ours" and page_scores["authors"] is not None:
                if page_scores["authors"] < 1:
                    author_misses.append((page_id, got.authors, truth["authors"]))
    print(f"{'tool':<18} " + " ".join(f"{m:>8}" for m in MEASURES) + "   halves 0 / 1")
    for name in TOOLS:
        row = " ".join(f"{totals[name].mean(m):8.3f}" for m in MEASURES)
        halves = "  ".join(
            "/".join(f"{totals[f'{name}/half{h}'].mean(m):.2f}" for h in (0, 1)) for m in MEASURES
        )
        print(f"{name:<18} {row}   {halves}")
    print(f"our author misses ({len(author_misses)}): id, ours, expected")
    for page_id, got, want in author_misses[:12]:
        print(f"  {page_id[:28]:<28} {got!s:.60}  {want!s:.60}")
    return totals
