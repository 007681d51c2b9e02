"""`caucasus-crawler import`: WARC records into the archive, as a crawl would store them.

Each `response` record (or `revisit` whose payload an earlier record holds) of a host that a
profile owns goes through the crawl's own path: `extract_page` in the crawl's process pool
(extract_pool.py), then ArchiveWriter (deduplication, the raw response kept, `pages` rows).
Records of other hosts are counted and never stored; so are records that are no HTML page
or, by the profile's patterns, no article (listings, feeds, assets).

Bounded memory whatever the file's size: records are read one at a time (warc.py) and at
most `in_flight` wait for the pool; results are taken in the order records were read, so
that how far a file is stored is one offset (`imported_files.next_offset`), written in the
transaction of the batch it covers. A killed import resumes there, and stores nothing twice;
a finished file is not read again, unless records of it were held back by the bounds
(`--since`, `--until`, `--max-articles`) or failed: it is read again from the first of those
(`retry_from`), and what is already stored is recognised by its `pages` row and skipped.

The fetch time of an imported page is its record's WARC-Date.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from caucasus_crawler.archive import Archive
from caucasus_crawler.archive.writer import ArchiveWriter
from caucasus_crawler.charsets import decode_page, looks_binary
from caucasus_crawler.extract_pool import (
    TASKS_PER_WORKER,
    ExtractPool,
    WorkerDied,
    available_cores,
    extract_page,
)
from caucasus_crawler.history.warc import (
    Broken,
    Record,
    identity,
    open_source,
    payload_of,
    read_records,
)
from caucasus_crawler.items import Article, PageVisit, RawResponse, left_out
from caucasus_crawler.profiles import Profile, profile_for_url
from caucasus_crawler.publication_window import PublicationWindow

# Why records were not imported, in the order the summary lists them.
OTHER_HOSTS = "other hosts"
NOT_RESPONSES = "not responses"  # warcinfo, request, metadata records
NOT_OK = "not HTTP 200"
NOT_HTML = "not HTML"
NOT_ARTICLES = "not articles"
UNRESOLVED = "revisits unresolved"
ALREADY = "already archived"
OUT_OF_WINDOW = "out of window"
OVER_MAX = "over --max-articles"
REASONS = (
    OTHER_HOSTS,
    NOT_RESPONSES,
    NOT_OK,
    NOT_HTML,
    NOT_ARTICLES,
    UNRESOLVED,
    ALREADY,
    OUT_OF_WINDOW,
    OVER_MAX,
)
REMEMBERED_PAYLOADS = 100_000  # digests of owned responses a revisit may point back to


@dataclass
class ImportReport:
    """What an import did: its `crawl_runs` row and what its summary says besides."""

    db: Path | str
    run: dict | None = None
    seconds: float = 0.0
    files: int = 0
    files_done_before: int = 0  # read to their end by an earlier import: not read again
    records: int = 0
    skipped: Counter = field(default_factory=Counter)
    broken: int = 0
    errors: list[str] = field(default_factory=list)  # the files and records that failed

    def summary(self) -> str:
        run = self.run or {}
        lines = [
            f"Imported {self.files} file(s) into {self.db} in {self.seconds:.1f} s",
            f"  outlets          {', '.join(run.get('sites', [])) or 'none'}",
            f"  records read     {self.records}",
            f"  articles stored  {run.get('articles_new', 0)} new, "
            f"{run.get('articles_updated', 0)} updated",
            f"  duplicates       {run.get('duplicates', 0)}",
        ]
        skipped = [f"{self.skipped[r]} {r}" for r in REASONS if self.skipped[r]]
        lines.append(f"  skipped          {', '.join(skipped) or 'none'}")
        failures = run.get("failures", 0)
        lines.append(
            f"  failures         {failures}"
            + (f" ({self.broken} broken record(s))" if self.broken else "")
            + ("  (see the `pages` table)" if failures > self.broken else "")
        )
        if self.files_done_before:
            lines.append(
                f"  {self.files_done_before} file(s) were imported before, to their end: "
                "nothing more in them to import"
            )
        return "\n".join(lines)


@dataclass
class _Skip:
    reason: str
    retry: bool = False  # held back by the bounds: a later import takes it again


@dataclass
class _File:
    """One file being read: where its batch ends, and what to record of it."""

    name: str
    file_id: int | None  # None: stdin, which no later import can recognise
    batch: list[tuple[int, Article | PageVisit]] = field(default_factory=list)
    taken: int = 0  # items since the last store
    records: int = 0
    retry_from: int | None = None
    errors: int = 0
    last_error: str | None = None

    def hold(self, offset: int) -> None:
        self.retry_from = offset if self.retry_from is None else min(self.retry_from, offset)


class _OverMax(Exception):
    """Rolls back an article stored past --max-articles (a savepoint of the batch)."""


class Importer:
    """Imports WARC files into an archive (see the module doc). A subclass sends the items
    elsewhere (history/workers.py: to Redis) by overriding `open_file` and `store`."""

    def __init__(
        self,
        profiles: Iterable[Profile],
        window: PublicationWindow | None = None,
        processes: int | None = None,
        batch_size: int = 100,
        warn: Callable[[str], None] | None = None,
    ):
        self.profiles_owning = list(profiles)
        self.window = window or PublicationWindow()
        self.processes = available_cores() if processes is None else processes
        self.batch_size = batch_size
        self.warn = warn or (lambda line: print(line, file=sys.stderr, flush=True))
        # results wait here in the order read: two rounds of the pool's slots keep it busy
        self.in_flight = max(2, 2 * self.processes * TASKS_PER_WORKER)
        self.payloads: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self.report = ImportReport(db="")
        self.sites: set[str] = set()

    # -- what the subclasses differ in ---------------------------------------------------------
    def open_file(self, name: str) -> tuple[int | None, int] | None:
        """(the file's id for its progress, the offset to read from), or None to skip it."""
        return None, 0

    def take(self, state: _File, offset: int, item: Article | PageVisit) -> None:
        """An item of the record at `offset`, in the order records were read."""
        state.taken += 1
        state.batch.append((offset, item))

    def store(self, state: _File, next_offset: int, finished: bool) -> None:
        """Store the file's items taken since the last time, and how far the file is stored."""
        raise NotImplementedError

    def settled_fetch(self, url: str) -> str | None:
        return None

    def stored_response(self, url: str) -> tuple[int | None, dict, bytes] | None:
        return None

    # -- the run -------------------------------------------------------------------------------
    def import_files(self, names: list[str]) -> ImportReport:
        started = time.monotonic()
        asyncio.run(self._import_all(names))
        self.report.seconds = time.monotonic() - started
        return self.report

    async def _import_all(self, names: list[str]) -> None:
        # workers at the import's own priority: its thread is no reactor every page must
        # pass through in time, and niced workers gave way to any other work on the machine
        pool = ExtractPool(self.processes, niceness=0) if self.processes > 0 else None
        if pool is not None:
            pool.start()
        try:
            for name in names:
                await self.import_file(name, pool)
        finally:
            if pool is not None:
                pool.shutdown()

    async def import_file(self, name: str, pool: ExtractPool | None) -> None:
        try:
            source = open_source(name)
        except OSError as exc:
            self._error(f"{name}: cannot be read ({exc.strerror or exc})")
            return
        try:
            opened = self.open_file(name)
        except OSError as exc:
            source.close()
            self._error(f"{name}: cannot be read ({exc.strerror or exc})")
            return
        if opened is None:
            source.close()
            self.report.files_done_before += 1
            return
        file_id, start = opened
        self.report.files += 1
        state = _File(name, file_id)
        pending: deque[tuple[int, object]] = deque()
        with source:
            for found in read_records(source, self._wanted, start):
                if isinstance(found, Broken):
                    message = found.message(name)
                    self._error(message)
                    self.report.broken += 1
                    state.errors += 1
                    state.last_error = message
                    continue
                self.report.records += 1
                # stored a batch at a time; records that make no item move the offset too
                if state.taken >= self.batch_size or state.records >= 20 * self.batch_size:
                    self.store(state, pending[0][0] if pending else found.offset, False)
                pending.append((found.offset, self._begin(found, name, pool)))
                while len(pending) > self.in_flight:
                    await self._finish(*pending.popleft(), state)
            while pending:
                await self._finish(*pending.popleft(), state)
            end = source.tell() if name != "-" else 0
        self.store(state, end, True)

    def _error(self, line: str) -> None:
        self.warn(f"import: {line}")
        self.report.errors.append(line)

    def _wanted(self, url: str) -> bool:
        return self.owner(url) is not None

    def owner(self, url: str) -> Profile | None:
        return profile_for_url(url, self.profiles_owning)

    # -- a record's way -------------------------------------------------------------------------
    def _begin(self, record: Record, name: str, pool: ExtractPool | None):
        """What becomes of a record: a _Skip, or its extraction (a task, or its result)."""
        if record.kind not in ("response", "revisit"):
            return _Skip(NOT_RESPONSES)
        profile = self.owner(record.url)
        if profile is None:
            return _Skip(OTHER_HOSTS)
        if record.kind == "response" and record.digest and name != "-":
            self.payloads[record.digest] = (name, record.offset)
            if len(self.payloads) > REMEMBERED_PAYLOADS:
                self.payloads.popitem(last=False)
        if record.kind == "revisit" and not self._resolve(record):
            return _Skip(UNRESOLVED)
        if record.status is None or not 200 <= record.status < 300:
            return _Skip(NOT_OK)
        url = record.url
        if profile.link_kind(url) in ("ignored", "listing"):
            return _Skip(NOT_ARTICLES)
        if record.body is None or not record.is_html or looks_binary(record.body):
            return _Skip(NOT_HTML)
        settled = self.settled_fetch(url)
        if settled is not None and record.date is not None and settled >= record.date:
            return _Skip(ALREADY)
        html = decode_page(record.body, record.content_type or None)
        mode = profile.page_mode(url)
        now = datetime.fromisoformat(record.date) if record.date else datetime.now(UTC)
        job = (html, url, profile, now, mode, record.body)
        if pool is None:
            return record, profile, extract_page(*job)
        return record, profile, asyncio.ensure_future(pool.extract(*job))

    def _resolve(self, record: Record) -> bool:
        """Gives a revisit record the payload of the response it repeats: an earlier record
        of this run with the same payload digest, or the archive's stored response."""
        original = None
        where = self.payloads.get(record.digest or "")
        if where is not None:
            original = payload_of(*where)
        if original is not None and original.body is not None:
            record.body, record.headers = original.body, original.headers or record.headers
            record.status = record.status or original.status
            return True
        stored = self.stored_response(record.refers_to or record.url)
        if stored is None:
            return False
        status, headers, body = stored
        record.body, record.headers = body, record.headers or headers
        record.status = record.status or status
        return True

    async def _finish(self, offset: int, begun, state: _File) -> None:
        state.records += 1
        if isinstance(begun, _Skip):
            self.report.skipped[begun.reason] += 1
            return
        record, profile, extraction = begun
        if isinstance(extraction, asyncio.Future):
            try:
                extraction = await extraction
            except WorkerDied as exc:
                extraction = ("failed", str(exc), None)
        outcome, value, compressed = extraction
        raw = RawResponse(record.body, dict(record.headers), compressed)

        def visit(outcome: str, reason: str | None, raw: RawResponse | None = None) -> PageVisit:
            return PageVisit(
                record.url, profile.name, outcome, record.status, reason, record.date, raw
            )

        if outcome == "listing":
            self.report.skipped[NOT_ARTICLES] += 1
            return
        if outcome == "not_article":
            self.report.skipped[NOT_ARTICLES] += 1
            self.take(state, offset, visit("not_article", _short(value), raw))
            return
        if outcome == "failed":
            self._error(f"{state.name}: offset {offset}: {record.url}: extraction failed")
            state.hold(offset)
            self.take(state, offset, visit("failed", f"extraction failed: {_short(value)}"))
            return
        article: Article = value
        article.site = profile.name
        article.fetched_url = record.url
        article.http_status = record.status
        article.fetched = record.date
        if not self.window.admits(article.published):
            self.report.skipped[OUT_OF_WINDOW] += 1
            state.hold(offset)
            reason = f"out of window (published {article.published or 'unknown'})"
            self.take(state, offset, left_out(article, reason))
            return
        article.raw = raw
        self.take(state, offset, article)


def _held_back(item: Article | PageVisit) -> bool:
    return isinstance(item, PageVisit) and item.outcome == "skipped"


def _short(text: object, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class ArchiveImporter(Importer):
    """Imports into an archive: one `crawl_runs` row (mode `import`), batches stored through
    ArchiveWriter, each file's progress in `imported_files`."""

    def __init__(self, archive: Archive, profiles: dict[str, Profile], **options):
        super().__init__(profiles.values(), **options)
        self.archive = archive
        self.profiles = profiles
        self.report.db = archive.path
        self.run_id: int | None = None
        self.writer: ArchiveWriter | None = None
        self.new_by_site: Counter = Counter()
        self.counts: Counter = Counter()  # what the open batch wrote
        self.open_batch = None  # its transaction (a context manager entered by _batch)

    def import_files(self, names: list[str]) -> ImportReport:
        self.run_id = self.archive.start_run("import", [])
        self.writer = ArchiveWriter(self.archive, self.run_id, count_health=False)
        report = super().import_files(names)
        self.archive.add_to_run(self.run_id, requests=report.records)
        report.run = self.archive.finish_run(self.run_id)
        return report

    def open_file(self, name: str) -> tuple[int | None, int] | None:
        if name == "-":
            return None, 0
        found = identity(Path(name))
        known = self.archive.imported_file(found.size, found.head)
        if known is not None and known["finished"] and known["retry_from"] is None:
            return None
        return self.archive.start_import(name, found.size, found.head, self.run_id)

    def settled_fetch(self, url: str) -> str | None:
        return self.archive.settled_fetch(url)

    def stored_response(self, url: str) -> tuple[int | None, dict, bytes] | None:
        return self.archive.stored_response(url)

    def take(self, state: _File, offset: int, item: Article | PageVisit) -> None:
        """Writes the item at once, in the batch's open transaction: the writes of a batch
        spread between the results, instead of one long pause every batch during which the
        extraction workers would run dry."""
        state.taken += 1
        with self._batch():
            self._write(state, offset, item)

    def _write(self, state: _File, offset: int, item: Article | PageVisit) -> None:
        archive, limit = self.archive, self.window.max_articles
        if item.site not in self.sites:
            archive.register_sites([self.profiles[item.site]])
            archive.add_run_sites(self.run_id, [item.site])
            self.sites.add(item.site)
        if _held_back(item) and archive.settled_fetch(item.url) is not None:
            return  # a later capture of a page stored before: its row stays
        over = isinstance(item, Article) and limit and self.new_by_site[item.site] >= limit
        if not over:
            written = self.writer.write([item])
        else:
            try:
                with archive.transaction():  # a savepoint: undone if it was a new article
                    written = self.writer.write([item])
                    if written["articles_new"]:
                        raise _OverMax
            except _OverMax:
                self.report.skipped[OVER_MAX] += 1
                state.hold(offset)
                written = self.writer.write([left_out(item, "over --max-articles")])
        self.counts += written
        self.new_by_site[item.site] += written["articles_new"]

    def _batch(self):
        """The batch's transaction, opened by its first write and committed by `store`."""
        if self.open_batch is None:
            self.open_batch = self.archive.transaction()
            self.open_batch.__enter__()
        return _Guard(self)

    def store(self, state: _File, next_offset: int, finished: bool) -> None:
        counts, archive = self.counts, self.archive
        with self._batch():
            archive.add_to_run(
                self.run_id,
                pages=counts["pages"],
                articles_new=counts["articles_new"],
                articles_updated=counts["articles_updated"],
                duplicates=counts["duplicates"],
                failures=counts["failures"] + state.errors,
            )
            if state.file_id is not None:
                archive.advance_import(
                    state.file_id,
                    next_offset,
                    state.records,
                    state.retry_from,
                    state.last_error,
                    state.errors,
                    finished,
                )
        batch, self.open_batch = self.open_batch, None
        batch.__exit__(None, None, None)  # the commit
        self.counts = Counter()
        state.taken = state.records = state.errors = 0
        state.last_error, state.retry_from = None, None


class _Guard:
    """Rolls the open batch back when a write in it fails (then the import stops: the
    records since the last commit are read again by the next import)."""

    def __init__(self, importer: ArchiveImporter):
        self.importer = importer

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None and self.importer.open_batch is not None:
            batch, self.importer.open_batch = self.importer.open_batch, None
            batch.__exit__(kind, value, traceback)
