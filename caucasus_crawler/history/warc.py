"""Reading WARC files (gzipped per record or not, a path or `-` for stdin) a record at a time.

Streaming: one record's payload is in memory at a time, and only for the records the caller
wants (a response of a host some profile owns, an HTML page); the others are skipped unread.
Each record comes with its offset in the file, where a later import can seek to resume.

A broken record (bad headers, a truncated or corrupt gzip member) is a `Broken` value with
the file's name and the offset, never an exception: reading goes on at the next record that
can be found (the next gzip member, or the next `WARC/1.` line), when the file can seek.

warcio, not FastWARC: measured in benchmarks/README.md (import_speed.py); reading is a small
part of an import, extraction the rest.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

# The payload read of a record, at most: a news page is far smaller; more is not a page.
MAX_PAYLOAD = 20_000_000
HEAD_BYTES = 1 << 20  # the part of a file whose digest, with its size, identifies it
_GZIP = b"\x1f\x8b\x08"
_WARC = b"WARC/1."
_SCAN = 1 << 16
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Record:
    """A `response` or `revisit` record (payload read only when wanted), or another type."""

    offset: int
    kind: str  # the WARC-Type: response, revisit, request, warcinfo, metadata...
    url: str
    date: str | None  # WARC-Date as ISO 8601 with an offset
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # the payload, transfer and content decoded; None: not read
    digest: str | None = None  # WARC-Payload-Digest
    refers_to: str | None = None  # a revisit's WARC-Refers-To-Target-URI
    too_large: bool = False

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def is_html(self) -> bool:
        """HTML by its Content-Type; a response without one is judged by its bytes later."""
        kind = self.content_type.split(";")[0].strip().lower()
        return kind in HTML_TYPES or kind == ""


@dataclass
class Broken:
    """A record that could not be read: where, and why (one line)."""

    offset: int
    reason: str

    def message(self, name: str) -> str:
        return f"{name}: offset {self.offset}: {self.reason}"


@dataclass(frozen=True)
class Identity:
    """What recognises a file imported before, whatever its path: size and head digest."""

    size: int
    head: str


def identity(path: Path) -> Identity:
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(HEAD_BYTES)).hexdigest()
    return Identity(path.stat().st_size, head)


def warc_time(value: str | None) -> str | None:
    """A WARC-Date (`2024-09-04T10:00:00Z`) as the archive's ISO form, or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def open_source(name: str) -> BinaryIO:
    """The file `name`, or stdin's bytes for `-`. OSError when it cannot be read."""
    if name == "-":
        return sys.stdin.buffer
    return open(name, "rb")  # noqa: SIM115 - the caller closes it


def _one_line(exc: BaseException) -> str:
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    text = text or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class _Records(ArchiveIterator):
    """warcio's iterator, minus its multi-line warnings on stderr (a record longer or shorter
    than its Content-Length): the record is read as warcio reads it, quietly."""

    INC_RECORD = ""


class _NotWarc(Exception):
    """warcio reads anything as ARC records; what holds no WARC record is not a WARC file."""


def read_records(
    source: BinaryIO,
    wanted: Callable[[str], bool] = lambda url: True,
    start: int = 0,
) -> Iterator[Record | Broken]:
    """The records of a WARC stream from offset `start`, in order. The payload of a response
    or revisit is read when `wanted(url)` and its Content-Type is HTML (or missing)."""
    seekable = _seekable(source)
    if start and seekable:
        source.seek(start)
    elif start:  # stdin: read up to it
        _discard(source, start)
    position = start
    while True:
        records = _Records(source, ensure_http_headers=False)
        try:
            for record in records:
                if record.format != "warc":
                    raise _NotWarc("not a WARC record (no WARC/1.0 or WARC/1.1 header)")
                yield _record(record, records, wanted)
            return
        except Exception as exc:  # warcio raises many kinds for a broken record
            offset = records.offset
            if offset is None or offset < position:
                offset = position
            yield Broken(offset, _one_line(exc))
            if not seekable:
                return
            found = _next_start(source, offset + 1)
            if found is None:
                return
            position = found
            source.seek(found)


def _record(record, records: ArchiveIterator, wanted: Callable[[str], bool]) -> Record:
    headers = record.rec_headers
    kind = record.rec_type or ""
    url = headers.get_header("WARC-Target-URI") or ""
    found = Record(
        offset=0,
        kind=kind,
        url=url.strip("<> "),
        date=warc_time(headers.get_header("WARC-Date")),
        digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To-Target-URI"),
    )
    if kind in ("response", "revisit") and record.http_headers is not None:
        found.status = _status(record.http_headers.get_statuscode())
        found.headers = {name: value for name, value in record.http_headers.headers}
        if kind == "response" and found.is_html and wanted(found.url):
            body = record.content_stream().read(MAX_PAYLOAD + 1)
            found.too_large = len(body) > MAX_PAYLOAD
            found.body = None if found.too_large else body
    found.offset = records.get_record_offset()  # reads the rest of the record
    return found


def _status(code: str | None) -> int | None:
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _seekable(source: BinaryIO) -> bool:
    try:
        return source.seekable() and source.tell() >= 0
    except (OSError, ValueError, AttributeError):
        return False


def _discard(source: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = source.read(min(count, _SCAN))
        if not chunk:
            return
        count -= len(chunk)


def _next_start(source: BinaryIO, offset: int) -> int | None:
    """Where the next record may begin after a broken one: the next gzip member in a gzipped
    file, the next `WARC/1.` at a line's start in a plain one; None at the end."""
    source.seek(0)
    magic = _GZIP if source.read(3) == _GZIP else b"\n" + _WARC
    source.seek(offset)
    carried = b""
    base = offset
    while True:
        chunk = source.read(_SCAN)
        if not chunk:
            return None
        data = carried + chunk
        at = data.find(magic)
        if at >= 0:
            return base + at + (1 if magic[0:1] == b"\n" else 0)
        keep = len(magic) - 1
        carried = data[-keep:]
        base += len(data) - len(carried)


def payload_of(path: str, offset: int) -> Record | None:
    """The record at `offset` of a file, its payload read (a revisit's original), or None."""
    try:
        with open(path, "rb") as handle:
            for found in read_records(handle, start=offset):
                if isinstance(found, Record) and found.offset == offset:
                    return found
                return None
    except OSError:
        return None
    return None
