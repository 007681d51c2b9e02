"""`caucasus-crawler ingest`: store the items workers pushed to Redis in archive.db, once each.

Exactly once, by moving before removing:

1. Up to `batch_size` items move, in one Lua script, from `caucasus:items` to
   `caucasus:items:processing` (a worker's push and this move are atomic; nothing is in
   between).
2. The batch is written through `ArchiveWriter` in one SQLite transaction, with the run's
   counts.
3. Only after the commit is the processing list deleted.

An ingester that dies between 2 and 3 leaves its batch in the processing list; the next one
stores that first. The batch may then be written twice, which changes nothing: articles and
pages are keyed by URL. One ingester at a time (a lock key), since SQLite has one writer.

The crawl is recorded as one `crawl_runs` row per crawl: it starts with the first item (or
at the end, if the workers found nothing due), takes its mode and outlets from what the
workers announced, and its request count from theirs. It is finished when the crawl is: no
worker beats any more, no item is waiting and no request is left queued. An ingester stopped
before then (SIGTERM) leaves it unfinished, like an interrupted crawl, so the next crawl does
not take its pages as settled.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from caucasus_crawler.archive import Archive
from caucasus_crawler.archive.writer import ArchiveWriter
from caucasus_crawler.distributed import (
    INGEST_LOCK,
    ITEMS,
    PROCESSING,
    REJECTED,
    RUN,
    RUN_SITES,
    WORKERS,
    dupefilter_key,
    heartbeat_key,
    import_files_waiting,
    inflight_key,
    queue_key,
    spider_workers_key,
)
from caucasus_crawler.health import drift_warnings
from caucasus_crawler.items import Article, PageVisit, item_from_dict
from caucasus_crawler.profiles import Profile

RUN_COUNTERS = ("pages", "articles_new", "articles_updated", "duplicates", "failures")
# What a bad item (not the archive, not the disk) raises when written: it alone is rejected.
BAD_ITEM = (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError, TypeError)
LOCK_SECONDS = 60

# Move up to ARGV[1] items from the workers' list to the processing list; returns how many.
_TAKE = """
local moved = 0
for i = 1, tonumber(ARGV[1]) do
  if not redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') then break end
  moved = moved + 1
end
return moved
"""
_KEEP_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class IngestError(Exception):
    """Ingest cannot go on; the message is one line for the user."""


@dataclass
class RunReport:
    run: dict
    workers: dict[str, int]  # worker id -> requests it made


@dataclass
class IngestReport:
    items: int = 0
    replayed: int = 0  # items an earlier ingester had taken and not finished
    rejected: int = 0
    repeats: int = 0  # items of a request done twice (its worker died after doing it)
    runs: list[RunReport] = field(default_factory=list)
    open_run: int | None = None  # a run left unfinished
    waiting: int = 0  # requests still queued in Redis with no worker to take them
    stopped: bool = False  # by a signal

    def summary(self, redis_url: str, db: object, seconds: float) -> str:
        """What `ingest` prints: what it stored from `redis_url` into `db`, run by run."""
        if not self.items and not self.runs and not self.replayed:
            if self.stopped:
                return "Stopped; nothing was ingested."
            return (
                f"Nothing to ingest: no worker is running on {redis_url} and no item waits "
                f"(start the workers first, or wait for them with --follow)."
            )
        lines = [f"Ingested {self.items} item(s) from {redis_url} into {db} in {seconds:.1f} s"]
        if self.replayed:
            lines.append(
                f"  replayed         {self.replayed} item(s) an earlier ingester had taken "
                "(stored once)"
            )
        for done in self.runs:
            run, workers = done.run, done.workers
            by = ", ".join(f"{worker} {count}" for worker, count in sorted(workers.items()))
            lines += [
                f"  run {run['id']} ({run['mode']}, finished): {len(run['sites'])} outlet(s)",
                f"    requests       {run['requests']}"
                + (f" by {len(workers)} worker(s): {by}" if workers else ""),
                f"    articles       {run['articles_new']} new, {run['articles_updated']} updated",
                f"    duplicates     {run['duplicates']}",
                f"    failures       {run['failures']}",
            ]
        for done in self.runs:
            lines += done.run.get("warnings", [])
        if self.open_run is not None:
            why = "stopped" if self.stopped else f"{self.waiting} request(s) wait for a worker"
            lines.append(f"  run {self.open_run} is not finished ({why}); ingest again later")
        if self.repeats:
            lines.append(
                f"  repeats          {self.repeats} item(s) of requests done twice, stored once"
            )
        if self.rejected:
            lines.append(f"  rejected         {self.rejected} (kept in Redis, see the messages)")
        return "\n".join(lines)


class Ingester:
    def __init__(
        self,
        server: redis.Redis,
        archive: Archive,
        profiles: dict[str, Profile],
        *,
        batch_size: int = 200,
        follow: bool = False,
        wait_seconds: int = 1,
        warn: Callable[[str], None] | None = None,
    ):
        self.server = server
        self.archive = archive
        self.profiles = profiles
        self.batch_size = batch_size
        self.follow = follow
        self.wait_seconds = wait_seconds
        self.warn = warn or (lambda line: print(line, file=sys.stderr, flush=True))
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        self.report = IngestReport()
        self.run_id: int | None = None
        self.run_sites: set[str] = set()
        self.writer: ArchiveWriter | None = None
        self.seen: set[tuple] = set()  # what this run stored (see store_batch)
        self._take = server.register_script(_TAKE)
        self._keep_lock = server.register_script(_KEEP_LOCK)

    def stop(self, *_args) -> None:
        """Finish the batch at hand, then return (a SIGTERM handler)."""
        self.stopping = True

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> IngestReport:
        if not self.server.set(INGEST_LOCK, self.id, nx=True, ex=LOCK_SECONDS):
            holder = (self.server.get(INGEST_LOCK) or b"?").decode()
            raise IngestError(
                f"another ingester ({holder}) is draining this Redis; one at a time, since "
                "the archive has one writer"
            )
        try:
            self.report.replayed = self.server.llen(PROCESSING)
            while not self.stopping:
                self._keep_lock(keys=[INGEST_LOCK], args=[self.id, LOCK_SECONDS])
                if self.server.llen(PROCESSING) or self._take(
                    keys=[ITEMS, PROCESSING], args=[self.batch_size]
                ):
                    self.store_batch()
                    continue
                state = self.crawl_state()
                if state == "done":
                    self.finish_run()
                if state != "active" and not self.follow:
                    break
                # wait for the next item (a second at most, so that a signal is seen)
                if self.server.blmove(ITEMS, PROCESSING, self.wait_seconds, "RIGHT", "LEFT"):
                    self._take(keys=[ITEMS, PROCESSING], args=[self.batch_size - 1])
            self.report.stopped = self.stopping
            self.report.open_run = self.run_id
            return self.report
        finally:
            if self.server.get(INGEST_LOCK) == self.id.encode():
                self.server.delete(INGEST_LOCK)

    def store_batch(self) -> None:
        """Store the processing list in one transaction, then (only then) delete it."""
        raws = self.server.lrange(PROCESSING, 0, -1)[::-1]  # oldest first, as pushed
        items: list[tuple[bytes, Article | PageVisit]] = []
        for raw in raws:
            try:
                item = item_from_dict(json.loads(raw))
            except ValueError as exc:  # JSONDecodeError is one
                self.reject(raw, f"not an item: {exc}")
                continue
            if item.site not in self.profiles:
                self.reject(raw, f"no profile for outlet {item.site!r} here (give --profiles)")
                continue
            # A request requeued after its worker died may have been done twice: its items
            # would change no row, but would count twice in the run.
            key = (type(item).__name__, item.url, getattr(item, "fetched_url", None))
            if key in self.seen:
                self.report.repeats += 1
                continue
            self.seen.add(key)
            items.append((raw, item))
        if items:
            self.ensure_run({item.site for _, item in items})
            try:
                self.write([item for _, item in items])
            except BAD_ITEM:
                self.write_one_by_one(items)  # find the item that cannot be stored
            self.report.items += len(items)
        self.server.delete(PROCESSING)

    def write(self, items: list[Article | PageVisit]) -> Counter:
        with self.archive.transaction():
            counts = self.writer.write(items)
            self.archive.add_to_run(self.run_id, **{k: counts[k] for k in RUN_COUNTERS})
        return counts

    def write_one_by_one(self, items: list[tuple[bytes, Article | PageVisit]]) -> Counter:
        counts: Counter = Counter()
        with self.archive.transaction():
            for raw, item in items:
                try:
                    counts += self.writer.write([item])  # a savepoint each
                except BAD_ITEM as exc:
                    self.reject(raw, f"cannot be stored: {exc}")
            self.archive.add_to_run(self.run_id, **{k: counts[k] for k in RUN_COUNTERS})
        return counts

    def reject(self, raw: bytes, reason: str) -> None:
        """Keep an item that cannot be stored in `caucasus:items:rejected`, with the reason."""
        try:
            url = json.loads(raw).get("url")
        except (ValueError, AttributeError):
            url = None
        kept = {"reason": reason, "item": raw.decode("utf-8", "replace")}
        self.server.lpush(REJECTED, json.dumps(kept, ensure_ascii=False))
        self.report.rejected += 1
        self.warn(f"ingest: {url or 'an item'}: {reason} (kept in {REJECTED})")

    # -- the crawl's run ---------------------------------------------------------------------
    def ensure_run(self, sites: set[str], mode: str | None = None) -> None:
        if self.run_id is None:
            announced = {s.decode() for s in self.server.smembers(RUN_SITES)}
            mode = mode or (self.server.hget(RUN, "mode") or b"live").decode()
            sites = sites | {s for s in announced if s in self.profiles}
            self.archive.register_sites(self.profiles[name] for name in sorted(sites))
            mode = mode if mode in ("demo", "live", "import") else "live"
            self.run_id = self.archive.start_run(mode, sites)
            self.run_sites = set(sites)
            # old pages imported from WARC files say nothing of the profiles' fit today
            self.writer = ArchiveWriter(self.archive, self.run_id, count_health=mode != "import")
        new = sites - self.run_sites
        if new:
            self.archive.register_sites(self.profiles[name] for name in sorted(new))
            self.archive.add_run_sites(self.run_id, new)
            self.run_sites |= new

    def crawl_state(self) -> str:
        """ "active" (a worker beats, or items wait), "paused" (no worker, but requests are
        left queued or in flight) or "done"."""
        workers = {w.decode(): json.loads(r) for w, r in self.server.hgetall(WORKERS).items()}
        if any(self.server.exists(heartbeat_key(w)) for w in workers):
            return "active"
        if self.server.llen(ITEMS) or self.server.llen(PROCESSING):
            return "active"  # pushed by workers that have just finished
        waiting = sum(self.server.zcard(queue_key(name)) for name in self.profiles)
        waiting += sum(
            self.server.hlen(inflight_key(name, w))
            for w, record in workers.items()
            for name in record.get("outlets", [])
        )
        waiting += import_files_waiting(self.server)  # `import --redis` (history/workers.py)
        self.report.waiting = waiting
        return "paused" if waiting else "done"

    def forget_finished_crawl(self, outlets: set[str]) -> None:
        """The crawl is over (no worker beats, nothing queued or in flight): its outlets'
        duplicate filters and worker sets go, so the next crawl polls the feeds again. The
        workers do this themselves when they finish last, but a worker that finishes while a
        dead peer's heartbeat has not yet expired cannot tell it is the last one."""
        dead = [
            w
            for w in self.server.hkeys(WORKERS)
            if not self.server.exists(heartbeat_key(w.decode()))
        ]
        with self.server.pipeline() as pipe:
            for name in outlets:
                pipe.delete(dupefilter_key(name), spider_workers_key(name))
            if dead:
                pipe.hdel(WORKERS, *dead)
            pipe.execute()

    def finish_run(self) -> None:
        """Record the finished crawl: its requests (as the workers counted them), its outlets."""
        with self.server.pipeline() as pipe:  # MULTI: read and clear at once
            pipe.hgetall(RUN)
            pipe.smembers(RUN_SITES)
            pipe.delete(RUN, RUN_SITES)
            counts, announced, _ = pipe.execute()
        if self.run_id is None and not counts:
            return  # nothing was crawled since the last run
        counts = {key.decode(): value.decode() for key, value in counts.items()}
        announced = {name.decode() for name in announced}
        self.forget_finished_crawl(announced)
        self.ensure_run({name for name in announced if name in self.profiles}, counts.get("mode"))
        self.archive.add_to_run(self.run_id, requests=int(counts.get("requests", 0)))
        run = self.archive.finish_run(self.run_id)
        judged = self.archive.judge_run(
            self.run_id, {name: profile.digest for name, profile in self.profiles.items()}
        )
        run["warnings"] = drift_warnings(self.archive, {n: self.profiles[n] for n in judged})
        workers = {
            key.removeprefix("worker:"): int(value)
            for key, value in counts.items()
            if key.startswith("worker:")
        }
        self.report.runs.append(RunReport(run, workers))
        self.run_id, self.run_sites, self.writer, self.seen = None, set(), None, set()
