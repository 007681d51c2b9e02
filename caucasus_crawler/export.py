"""`caucasus-crawler export`: the archive as a dataset (JSON Lines, CSV, Parquet) or as WARC.

A dataset export is one record per article, read from one database cursor and written as it
comes (Parquet in row groups of `BATCH_ROWS`), so memory stays flat whatever the archive's
size (benchmarks/export_memory.py measures it). Beside it goes a dataset card, README.md in
the form Hugging Face datasets read: a YAML header (features, split sizes, data files),
counts per outlet and language, the date range, field descriptions and sources.

`--format warc` writes the stored raw responses as WARC response records (warcio) for
web-archive tools (pywb, warcio, the Wayback Machine's tools).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path

from caucasus_crawler import __version__
from caucasus_crawler.archive import Archive
from caucasus_crawler.progress import Progress

FORMATS = ("jsonl", "csv", "parquet", "warc")
BATCH_ROWS = 5_000  # Parquet row group: at most this many articles...
BATCH_BYTES = 32 * 1024 * 1024  # ...or this much text, whichever comes first
DICTIONARY_COLUMNS = ["site", "outlet", "country", "language"]  # few values: worth a dictionary
CARD_MARK = "<!-- dataset card written by caucasus-crawler export -->"
REGION_OFFSET = timezone(timedelta(hours=4))  # a time printed without offset (README)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # int, str, time, list
    description: str


FIELDS: tuple[Field, ...] = (
    Field("id", "int", "The article's number in the archive it was exported from"),
    Field("url", "str", "Canonical URL of the article on the outlet's site"),
    Field("site", "str", "The outlet's profile name, e.g. civil_ge"),
    Field("outlet", "str", "The outlet's own name, e.g. Civil.ge"),
    Field("country", "str", "The outlet's country: GE, AM, AZ (ISO 3166) or regional"),
    Field("language", "str", "ISO 639-1: en, ka (Georgian), hy (Armenian), az, ru"),
    Field("title", "str", "Headline, without the outlet's name"),
    Field("description", "str", "The outlet's summary of the article, if any"),
    Field("text", "str", "Body text: paragraphs separated by a blank line"),
    Field("published", "time", "Publication time"),
    Field("modified", "time", "Last modification time the outlet gives, if any"),
    Field("authors", "list", "Authors"),
    Field("categories", "list", "The outlet's categories (sections) of the article"),
    Field("tags", "list", "The outlet's tags of the article"),
    Field("image", "str", "URL of the article's main image, if any"),
    Field("word_count", "int", "Words in the text"),
    Field("content_hash", "str", "SHA-256 of the case- and space-folded text"),
    Field("first_seen", "time", "When a crawl first stored the article"),
    Field("last_seen", "time", "When a crawl last saw the article"),
)
NAMES = [f.name for f in FIELDS]


@dataclass
class Filters:
    """What the user asked for; the keyword arguments of the Archive's article queries."""

    sites: list[str] | None = None
    languages: list[str] | None = None
    categories: list[str] | None = None
    since: object = None  # datetime.date
    until: object = None

    def as_kwargs(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}

    def describe(self) -> str:
        parts = []
        for label, values in (
            ("outlet", self.sites),
            ("language", self.languages),
            ("category", self.categories),
        ):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        if self.since:
            parts.append(f"published since {self.since}")
        if self.until:
            parts.append(f"published until {self.until}")
        return "; ".join(parts) or "every article"


@dataclass
class Tally:
    """What went into an export, for its summary and dataset card (a few counters only)."""

    articles: int = 0
    sites: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add(self, record: dict) -> None:
        self.articles += 1
        self.sites[record["site"]] += 1
        self.languages[record["language"] or "unknown"] += 1
        published = record["published"]
        if published:
            if self.first is None or published < self.first:
                self.first = published
            if self.last is None or published > self.last:
                self.last = published


@dataclass
class Result:
    path: Path
    records: int
    bytes: int
    card: Path | None
    tally: Tally | None = None


# -- dataset exports ---------------------------------------------------------------------------
def export(
    archive: Archive,
    fmt: str,
    path: Path,
    filters: Filters | None = None,
    *,
    progress: Callable[..., Progress] = Progress,
) -> Result:
    """Write the export to `path` (through a `.partial` file: an interrupted export leaves
    nothing that looks complete) and, for datasets, the card beside it."""
    filters = filters or Filters()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if fmt == "warc":
            total = archive.count_responses(sites=filters.sites)
            with progress("export", total=total, unit="response") as bar:
                records = write_warc(archive.responses(sites=filters.sites), partial, bar.update)
            os.replace(partial, path)
            return Result(path, records, path.stat().st_size, None)
        writer = WRITERS[fmt]
        tally = Tally()
        total = archive.count_articles(**filters.as_kwargs())
        with progress("export", total=total, unit="article") as bar:

            def counted() -> Iterator[dict]:
                for record in archive.export_records(**filters.as_kwargs()):
                    tally.add(record)
                    yield record
                    bar.update()

            writer(counted(), partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    size = path.stat().st_size
    card = write_card(archive, fmt, path, size, tally, filters)
    return Result(path, tally.articles, size, card, tally)


def write_jsonl(records: Iterable[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps({k: record[k] for k in NAMES}, ensure_ascii=False))
            out.write("\n")


def write_csv(records: Iterable[dict], path: Path) -> None:
    """RFC 4180 CSV with a header; lists (authors, categories, tags) as JSON arrays."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(NAMES)
        lists = {f.name for f in FIELDS if f.kind == "list"}
        for record in records:
            writer.writerow(
                json.dumps(record[k], ensure_ascii=False) if k in lists else record[k]
                for k in NAMES
            )


def arrow_schema():
    """The Parquet export's schema: times as UTC timestamps, lists as lists of strings."""
    import pyarrow as pa

    kinds = {
        "int": pa.int64(),
        "str": pa.string(),
        "time": pa.timestamp("ms", tz="UTC"),
        "list": pa.list_(pa.string()),
    }
    return pa.schema(
        [
            pa.field(
                f.name, kinds[f.kind], nullable=f.name not in ("id", "url", "site", "text")
            ).with_metadata({"description": f.description})
            for f in FIELDS
        ],
        metadata={"generator": f"caucasus-crawler {__version__}"},
    )


def to_utc(value: str | None) -> datetime | None:
    """An archive time (ISO 8601) as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=REGION_OFFSET)
    return moment.astimezone(UTC)


def write_parquet(records: Iterable[dict], path: Path) -> None:
    """Parquet with an explicit schema, written in row groups: memory holds one batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    times = [f.name for f in FIELDS if f.kind == "time"]
    columns: dict[str, list] = {name: [] for name in NAMES}
    rows = size = 0

    with pq.ParquetWriter(
        path, schema, compression="zstd", use_dictionary=DICTIONARY_COLUMNS
    ) as writer:

        def flush() -> None:
            nonlocal rows, size
            if rows:
                batch = pa.RecordBatch.from_pydict(columns, schema=schema)
                writer.write_batch(batch, row_group_size=rows)
                for values in columns.values():
                    values.clear()
                rows = size = 0
                pa.default_memory_pool().release_unused()  # keep the peak at one batch

        for record in records:
            for name in NAMES:
                value = record[name]
                columns[name].append(to_utc(value) if name in times else value)
            rows += 1
            size += len(record["text"]) + len(record["title"])
            if rows >= BATCH_ROWS or size >= BATCH_BYTES:
                flush()
        flush()


WRITERS: dict[str, Callable[[Iterable[dict], Path], None]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
}


# -- WARC --------------------------------------------------------------------------------------
# Bodies are stored after content decoding: these headers would describe other bytes.
DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def warc_date(value: str | None) -> str:
    moment = to_utc(value) or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(
    responses: Iterable[dict], path: Path, tick: Callable[[], None] = lambda: None
) -> int:
    """Write each stored response as a WARC/1.1 `response` record (gzip per record when the
    name ends in .gz), after a `warcinfo` record; the number of responses written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.removesuffix(".partial").endswith(".gz"))
        writer.write_record(
            writer.create_warcinfo_record(
                path.name.removesuffix(".partial"),
                {
                    "software": f"caucasus-crawler/{__version__}",
                    "format": "WARC File Format 1.1",
                    "description": "Raw responses kept by caucasus-crawler, exported",
                },
            )
        )
        for response in responses:
            body: bytes = response["body"]
            status = response["http_status"] or 200
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            headers = [
                (name, str(value))
                for name, value in (response["headers"] or {}).items()
                if name.lower() not in DROPPED_HEADERS
            ]
            headers.append(("Content-Length", str(len(body))))
            http_headers = StatusAndHeaders(
                f"{status} {phrase}".strip(), headers, protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                response["url"],
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date(response["fetched"])},
            )
            writer.write_record(record)
            count += 1
            tick()
    return count


# -- the dataset card --------------------------------------------------------------------------
def _size_category(n: int) -> str:
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return label
    return "10M<n<100M"


def hf_features(fmt: str) -> list[dict]:
    """The export's fields as Hugging Face `dataset_info.features`."""
    features = []
    for f in FIELDS:
        if f.kind == "list" and fmt != "csv":
            features.append({"name": f.name, "sequence": "string"})
        elif f.kind == "int":
            features.append({"name": f.name, "dtype": "int64"})
        elif f.kind == "time" and fmt == "parquet":
            features.append({"name": f.name, "dtype": "timestamp[ms, tz=UTC]"})
        else:
            features.append({"name": f.name, "dtype": "string"})
    return features


def _field_note(f: Field, fmt: str) -> str:
    if f.kind == "time":
        return (
            "UTC timestamp"
            if fmt == "parquet"
            else "ISO 8601 string (articles: with the outlet's UTC offset; crawl times: UTC)"
        )
    if f.kind == "list":
        return "JSON array of strings" if fmt == "csv" else "list of strings"
    return {"int": "integer", "str": "string"}[f.kind]


def card_text(
    archive: Archive, fmt: str, data_file: str, size: int, tally: Tally, filters: Filters
) -> str:
    import yaml

    sites = {s["name"]: s for s in archive.sites()}
    languages = sorted(k for k in tally.languages if k != "unknown")
    header = {
        "pretty_name": "South Caucasus news archive",
        "language": languages,
        "multilinguality": "multilingual" if len(languages) > 1 else "monolingual",
        "license": "other",
        "task_categories": ["text-generation", "text-classification"],
        "size_categories": [_size_category(tally.articles)],
        "source_datasets": ["original"],
        "tags": ["news", "south-caucasus", "georgia", "armenia", "azerbaijan"],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": data_file}],
            }
        ],
        "dataset_info": {
            "features": hf_features(fmt),
            "splits": [{"name": "train", "num_bytes": size, "num_examples": tally.articles}],
            "download_size": size,
            "dataset_size": size,
        },
    }
    exported = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        "---",
        yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        "---",
        "",
        CARD_MARK,
        "",
        "# South Caucasus news archive",
        "",
        f"{tally.articles:,} news articles from {len(tally.sites)} outlet(s) of the South "
        f"Caucasus in {len(languages)} language(s), crawled by "
        f"[caucasus-crawler](https://github.com/caucasus-crawler/caucasus-crawler) and "
        f"exported on {exported[:10]} as `{data_file}` ({fmt}). One record per article, "
        "stored once under its canonical URL.",
        "",
        f"- Selection: {filters.describe()}",
        f"- Published: {(tally.first or '?')[:10]} to {(tally.last or '?')[:10]}",
        f"- Exported: {exported} from `{archive.path.name}` by caucasus-crawler {__version__}",
        "",
        "## Articles per outlet",
        "",
        "| outlet | name | country | articles |",
        "|---|---|---|---:|",
    ]
    for site, n in sorted(tally.sites.items()):
        info = sites.get(site, {})
        lines.append(
            f"| {site} | [{info.get('title', site)}]({info.get('home', '')}) "
            f"| {info.get('country', '')} | {n:,} |"
        )
    lines += ["", "## Articles per language", "", "| language | articles |", "|---|---:|"]
    lines += [f"| {lang} | {n:,} |" for lang, n in sorted(tally.languages.items())]
    lines += [
        "",
        "## Fields",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {_field_note(f, fmt)} | {f.description} |" for f in FIELDS]
    lines += [
        "",
        "## Load it",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'articles = load_dataset("{_loader(fmt)}", data_files="{data_file}", split="train")',
        "```",
        "",
        "## Sources",
        "",
        "The articles were fetched from the outlets' own sites (feeds, sitemaps and section "
        "listings), with robots.txt obeyed. Body text was extracted with trafilatura and "
        "outlet-specific cleanup; dates, authors, categories and tags come from each page's "
        "metadata.",
        "",
    ]
    lines += [
        f"- {info['title']} ({info['country']}): {info['home']}"
        for name, info in sorted(sites.items())
        if name in tally.sites
    ]
    lines += [
        "",
        "## License",
        "",
        "The texts belong to their outlets and are shared here for research (text and data "
        "mining). Check each outlet's terms before redistributing them; cite the article's "
        "`url`.",
        "",
    ]
    return "\n".join(lines)


def _loader(fmt: str) -> str:
    return {"jsonl": "json", "csv": "csv", "parquet": "parquet"}[fmt]


def write_card(
    archive: Archive, fmt: str, path: Path, size: int, tally: Tally, filters: Filters
) -> Path:
    """README.md beside the export; if a README.md that is not a card of ours is there, the
    card goes to `<export name>.README.md` instead, and the other file is left alone."""
    card = path.parent / "README.md"
    if card.exists() and CARD_MARK not in card.read_text("utf-8", errors="replace"):
        card = path.parent / f"{path.name}.README.md"
    card.write_text(card_text(archive, fmt, path.name, size, tally, filters), "utf-8")
    return card


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
