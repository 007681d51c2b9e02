"""`caucasus-crawler export`: the archive as a dataset (JSON Lines, CSV, Parquet) or as WARC.

A dataset export is one record per article (its fields: export_fields.py), read from one
database cursor and written as it comes (Parquet in row groups of `BATCH_ROWS`), so memory
stays flat whatever the archive's size (benchmarks/export_memory.py measures it). Beside it
goes the folder's dataset card, README.md in the form Hugging Face datasets read, describing
every export in the folder (export_card.py).

`--format warc` writes the stored raw responses as WARC response records (warcio) for
web-archive tools (pywb, warcio, the Wayback Machine's tools).

An export never replaces what it should not: each file (the data, then the card) is written
under a private name beside its place (`tempfile.mkstemp`: O_EXCL, never through a link) and
renamed into place only once both are whole, so a failed export (a full disk, Ctrl-C) leaves
what was there before, and two exports to one path never share a file. A place that exists
and is not a regular file (a device, a FIFO, a socket, a directory, a symbolic link) is
refused before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from caucasus_crawler import __version__
from caucasus_crawler.archive import Archive
from caucasus_crawler.export_card import CARD_MARK, card_text, export_entry, read_entries
from caucasus_crawler.export_fields import FIELDS, NAMES
from caucasus_crawler.progress import Progress

FORMATS = ("jsonl", "csv", "parquet", "warc")
BATCH_ROWS = 5_000  # Parquet row group: at most this many articles...
BATCH_BYTES = 32 * 1024 * 1024  # ...or this much text, whichever comes first
DICTIONARY_COLUMNS = ["site", "outlet", "country", "language"]  # few values: worth a dictionary
REGION_OFFSET = timezone(timedelta(hours=4))  # a time printed without offset (README)
# A spreadsheet runs a cell that begins with one of these as a formula (OWASP's list, and the
# full-width forms some spreadsheets read alike); the Excel flavour of CSV puts ' before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportError(Exception):
    """An output export refuses, or could not write: one line for the user. Nothing of the
    export is left behind, and nothing that was there is replaced."""


@dataclass
class Filters:
    """What the user asked for; the keyword arguments of the Archive's article queries."""

    sites: list[str] | None = None
    languages: list[str] | None = None
    categories: list[str] | None = None
    since: object = None  # datetime.date
    until: object = None
    topics: list[str] | None = None

    def as_kwargs(self) -> dict:
        kwargs = {k: v for k, v in self.__dict__.items() if v}
        if kwargs.get("until") == date.max:
            # The archive bounds `until` by the next day, which 9999-12-31 has not. Every
            # dated article is published by then, and an undated one is never selected by a
            # date: "dated at all" is `since` the first day there is.
            del kwargs["until"]
            kwargs.setdefault("since", date.min)
        return kwargs

    def describe(self) -> str:
        parts = []
        for label, values in (
            ("outlet", self.sites),
            ("language", self.languages),
            ("category", self.categories),
            ("topic", self.topics),
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
    excel: bool = False,
    progress: Callable[..., Progress] = Progress,
) -> Result:
    """Write the export to `path` and, for datasets, the card beside it; `excel` makes the CSV
    the spreadsheet flavour (see `write_excel_csv`).

    Both files are written whole under private names first and renamed into place at the
    end: an export that fails leaves neither, and whatever was at their places stays as it
    was. Raises ExportError, before writing anything, for a place that is not a regular file
    and for a selection that no article (no stored response, for WARC) matches."""
    filters = filters or Filters()
    check_output(path)
    card = None if fmt == "warc" else card_place(path)
    if fmt == "warc":
        total = archive.count_responses(sites=filters.sites)
    else:
        total = archive.count_articles(**filters.as_kwargs())
    if not total:  # an empty file and a card of "0 articles" would look like a result
        unit = "stored response" if fmt == "warc" else "article"
        raise ExportError(
            f"no {unit} matches the selection ({filters.describe()}); nothing was written"
        )
    created = _make_directory(path.parent)
    data = staged_card = None
    try:
        data = Staged(path)
        if fmt == "warc":
            with progress("export", total=total, unit="response") as bar:
                records = write_warc(
                    archive.responses(sites=filters.sites), data.file, path.name, bar.update
                )
            size = data.finish()
            data.commit()
            return Result(path, records, size, None)
        writer = write_excel_csv if excel else WRITERS[fmt]
        tally = Tally()
        with progress("export", total=total, unit="article") as bar:

            def counted() -> Iterator[dict]:
                for record in archive.export_records(**filters.as_kwargs()):
                    tally.add(record)
                    yield record
                    bar.update()

            writer(counted(), data.file)
        size = data.finish()
        staged_card = Staged(card)
        entry = export_entry(archive, fmt, path.name, size, tally, filters, excel=excel)
        text = card_text([*other_exports(card, path.name), entry], path.parent.resolve().name)
        staged_card.file.write(text.encode("utf-8"))
        staged_card.finish()
        data.commit()
        staged_card.commit()
    except OSError as exc:
        failed = staged_card or data
        place = show(failed.dest if failed else path)
        if data is not None and data.committed:  # only a rename can fail there
            raise ExportError(
                f"{place}: cannot put the dataset card in place: {exc.strerror or exc}; "
                f"{show(path)} is written"
            ) from None
        raise ExportError(
            f"{place}: cannot write: {exc.strerror or exc}; nothing was written or replaced"
        ) from None
    finally:
        for staged in (data, staged_card):
            if staged is not None:
                staged.discard()
        if data is None or not data.committed:
            _remove_directories(created)
    return Result(path, tally.articles, size, card, tally)


# -- writing without replacing what is not ours to replace --------------------------------------
def show(path: Path) -> str:
    """A path as text for a message, a byte that is not UTF-8 as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _lstat(path: Path) -> os.stat_result | None:
    """What is at `path` itself (a link is a link); None when nothing is."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _what(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_output(path: Path, card: bool = False) -> None:
    """Refuse, in one line, a place for an export file (or, `card`, for its dataset card) that
    exists and is not a regular file, or a name that is not UTF-8 (the card and the summary
    name the file)."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        raise ExportError(
            f"{show(path)}: the name is not UTF-8 (the dataset card and the summary name the "
            "file); give a UTF-8 name"
        ) from None
    found = _lstat(path)
    if found is None or stat.S_ISREG(found.st_mode):
        return
    what = _what(found.st_mode)
    if stat.S_ISLNK(found.st_mode):
        what += f" (to {show(Path(os.readlink(path)))}); export never writes through a link"
    else:
        what += ", not a regular file; export writes regular files only"
    if card:
        raise ExportError(
            f"{show(path)}: the dataset card's place is {what}: move it, or export elsewhere"
        )
    if stat.S_ISDIR(found.st_mode):
        raise ExportError(
            f"{show(path)}: is a directory; name the file to write, e.g. "
            f"{show(path / 'articles.jsonl')}"
        )
    raise ExportError(f"{show(path)}: is {what}: name a file")


def card_place(path: Path) -> Path:
    """Where the dataset card of an export to `path` goes: README.md beside it, unless a
    README.md that is not a card of ours is there, in which case `<export name>.README.md`
    (and the other file is left alone). Refused like the export's own place."""
    readme = path.parent / "README.md"
    found = _lstat(readme)
    if readme == path or (
        found is not None and not (stat.S_ISREG(found.st_mode) and _is_our_card(readme))
    ):
        readme = path.parent / f"{path.name}.README.md"
    check_output(readme, card=True)
    return readme


def _is_our_card(readme: Path) -> bool:
    """Whether a regular file is a card we wrote: its first 64 kB hold our mark."""
    return CARD_MARK.encode() in _read_regular(readme, 65536)


def _read_regular(path: Path, limit: int = -1) -> bytes:
    """A regular file's first `limit` bytes (all: -1), opened without following a link and
    without waiting, in case it changed since it was seen; b"" for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as f:
        return f.read(limit) if stat.S_ISREG(os.fstat(fd).st_mode) else b""


def other_exports(card: Path, data_file: str) -> list[dict]:
    """The other exports the folder's card describes whose files are still beside it: the new
    card describes them too (an export written again under its name replaces its entry)."""
    text = _read_regular(card).decode("utf-8", "replace")
    if CARD_MARK not in text:
        return []
    return [
        entry
        for entry in read_entries(text)
        if entry["file"] != data_file
        and "/" not in entry["file"]
        and (found := _lstat(card.parent / entry["file"])) is not None
        and stat.S_ISREG(found.st_mode)
    ]


def _make_directory(directory: Path) -> list[Path]:
    """Make `directory` and its missing parents; those made, deepest first."""
    missing = []
    ancestor = directory
    while _lstat(ancestor) is None and ancestor != ancestor.parent:
        missing.append(ancestor)
        ancestor = ancestor.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{show(directory)}: cannot make the directory: {exc.strerror or exc}"
        ) from None
    return missing


def _remove_directories(made: list[Path]) -> None:
    for directory in made:
        try:
            directory.rmdir()
        except OSError:
            return


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


class Staged:
    """A file written under a private name beside `dest` (mkstemp: created with O_EXCL, mode
    0600, never through a link; `.<name>.XXXXXXXX.partial`), then renamed over `dest`, which
    a rename replaces as a name: nothing behind a link planted there is written."""

    def __init__(self, dest: Path):
        self.dest = dest
        fd, name = tempfile.mkstemp(
            prefix=f".{dest.name[:40]}.", suffix=".partial", dir=dest.parent
        )
        self.path = Path(name)
        self.file: BinaryIO = os.fdopen(fd, "wb")
        self.committed = False

    def finish(self) -> int:
        """Flush the file to the disk (a full disk may say so only now); its size. It gets
        the mode of the file it replaces, or of a new file."""
        self.file.flush()
        os.fsync(self.file.fileno())
        size = os.fstat(self.file.fileno()).st_size
        self.file.close()
        found = _lstat(self.dest)
        mode = stat.S_IMODE(found.st_mode) if found else 0o666 & ~_umask()
        os.chmod(self.path, mode)
        return size

    def commit(self) -> None:
        os.replace(self.path, self.dest)
        self.committed = True

    def discard(self) -> None:
        """Remove the private file if it was not put in place."""
        try:
            self.file.close()
        except OSError:
            pass  # its last bytes could not be written either
        if not self.committed:
            self.path.unlink(missing_ok=True)


def write_jsonl(records: Iterable[dict], out: BinaryIO) -> None:
    for record in records:
        line = json.dumps({k: record[k] for k in NAMES}, ensure_ascii=False)
        out.write(line.encode("utf-8") + b"\n")


def write_csv(records: Iterable[dict], out: BinaryIO) -> None:
    """RFC 4180 CSV with a header; lists (authors, categories, tags) as JSON arrays. Every
    value is written as the archive holds it: this CSV is data for programs (pandas, pyarrow,
    `datasets`), and a title that begins with `=` stays so."""
    _write_csv(records, out, "utf-8", lambda value: value)


def write_excel_csv(records: Iterable[dict], out: BinaryIO) -> None:
    """CSV for spreadsheets (`--excel`): a UTF-8 byte order mark, without which Excel reads
    UTF-8 as the local code page, and ' before every text a spreadsheet would run as a
    formula (`=HYPERLINK(...)` in a title: OWASP's "CSV injection"; see `defused`)."""
    _write_csv(records, out, "utf-8-sig", defused)


def _write_csv(
    records: Iterable[dict], out: BinaryIO, encoding: str, cell: Callable[[object], object]
) -> None:
    text = io.TextIOWrapper(out, encoding=encoding, newline="")
    writer = csv.writer(text)
    writer.writerow(NAMES)
    lists = {f.name for f in FIELDS if f.kind == "list"}
    for record in records:
        writer.writerow(
            cell(json.dumps(record[k], ensure_ascii=False) if k in lists else record[k])
            for k in NAMES
        )
    text.flush()
    text.detach()  # `out` stays open: the caller flushes it to the disk


def defused(value: object) -> object:
    """A text that begins (after blanks) like a formula, or with a tab or a carriage return,
    with ' before it: spreadsheets then show it as text. Anything else as it is."""
    if isinstance(value, str) and (
        value.lstrip(" \t\r\n").startswith(FORMULA_STARTS) or value.startswith(("\t", "\r"))
    ):
        return "'" + value
    return value


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


def write_parquet(records: Iterable[dict], out: BinaryIO) -> None:
    """Parquet with an explicit schema, written in row groups: memory holds one batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    times = [f.name for f in FIELDS if f.kind == "time"]
    columns: dict[str, list] = {name: [] for name in NAMES}
    rows = size = 0

    with pq.ParquetWriter(
        out, schema, compression="zstd", use_dictionary=DICTIONARY_COLUMNS
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


WRITERS: dict[str, Callable[[Iterable[dict], BinaryIO], None]] = {
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
    responses: Iterable[dict],
    out: BinaryIO,
    file_name: str,
    tick: Callable[[], None] = lambda: None,
) -> int:
    """Write each stored response as a WARC/1.1 `response` record (gzip per record when
    `file_name` ends in .gz), after a `warcinfo` record; the number of responses written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count = 0
    writer = WARCWriter(out, gzip=file_name.endswith(".gz"), warc_version="1.1")  # 1.0 otherwise
    writer.write_record(
        writer.create_warcinfo_record(
            file_name,
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
        http_headers = StatusAndHeaders(f"{status} {phrase}".strip(), headers, protocol="HTTP/1.1")
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


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
