"""`caucasus-crawler import --redis URL [FILE...]`: an import shared by workers on Redis.

Like `crawl --redis`: each worker (on any machine that sees the files at the same paths)
takes WARC files from one shared list, extracts their records in its own process pool, and
pushes the items onto `caucasus:items`; `caucasus-crawler ingest` stores them in the archive
(one `crawl_runs` row, mode `import`). A worker queues the files it is given, then works
until the list is empty.

Resumable: a worker pushes each batch of items and the offset of the file's first record
not yet pushed in one MULTI transaction, so a worker killed mid-file loses nothing and
pushes nothing twice: the next worker puts the dead one's file back on the list (its
heartbeat expired) and reads it on from that offset. A file read to its end is remembered
by its identity (size and head digest), and not queued again unless records of it were held
back by --since/--until.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import redis

from caucasus_crawler.distributed import (
    IMPORT_DONE,
    IMPORT_FILES,
    IMPORT_OFFSETS,
    IMPORT_RETRY,
    ITEMS,
    RUN,
    RUN_SITES,
    WORKERS,
    announce_worker,
    heartbeat_key,
    import_inflight_key,
    keep_beating,
    new_worker_id,
    worker_record,
)
from caucasus_crawler.extract_pool import ExtractPool
from caucasus_crawler.history.importer import Importer, ImportReport, _File
from caucasus_crawler.history.warc import identity
from caucasus_crawler.items import item_to_dict
from caucasus_crawler.profiles import Profile


class RedisImportReport(ImportReport):
    def summary(self) -> str:
        lines = super().summary().splitlines()
        lines[0] = (
            f"Pushed the items of {self.files} file(s) to {self.db} in {self.seconds:.1f} s "
            "(`ingest` stores them)"
        )
        return "\n".join(line for line in lines if not line.startswith(("  articles", "  dup")))


class RedisImporter(Importer):
    def __init__(
        self, server: redis.Redis, profiles: dict[str, Profile], timeout: int = 30, **options
    ):
        super().__init__(profiles.values(), **options)
        self.server = server
        self.id = new_worker_id()
        self.record = worker_record(outlets=[])  # no outlet's request queue: files
        self.timeout = max(2, timeout)
        self.inflight = import_inflight_key(self.id)
        url = server.connection_pool.connection_kwargs
        self.report = RedisImportReport(
            db=f"redis://{url.get('host', '?')}:{url.get('port', '?')}/{url.get('db', 0)}"
        )
        self.report.run = {"sites": [], "failures": 0}
        self.stopped = threading.Event()
        self.current: Path | None = None

    # -- the shared list -----------------------------------------------------------------------
    def queue(self, paths: list[str]) -> None:
        """Queue files not imported yet (nor queued, nor being read)."""
        queued = {p.decode() for p in self.server.lrange(IMPORT_FILES, 0, -1)}
        for key in self.server.scan_iter(import_inflight_key("*")):
            queued |= {p.decode() for p in self.server.lrange(key, 0, -1)}
        for path in paths:
            if path in queued:
                continue
            key = _key(Path(path))
            retry = self.server.hget(IMPORT_RETRY, key)
            if retry is not None:  # read to its end, but with records held back: from there
                with self.server.pipeline() as pipe:
                    pipe.hset(IMPORT_OFFSETS, key, retry)
                    pipe.hdel(IMPORT_RETRY, key)
                    pipe.srem(IMPORT_DONE, key)
                    pipe.execute()
            elif self.server.sismember(IMPORT_DONE, key):
                self.report.files_done_before += 1
                continue
            self.server.lpush(IMPORT_FILES, path)
            queued.add(path)

    def requeue_dead(self) -> None:
        """Files taken by workers whose heartbeat expired go back on the list."""
        for key in self.server.scan_iter(import_inflight_key("*")):
            worker = key.decode().rsplit(":inflight:", 1)[1]
            if worker == self.id or self.server.exists(heartbeat_key(worker)):
                continue
            while self.server.lmove(key, IMPORT_FILES, "RIGHT", "RIGHT"):
                pass
            self.server.hdel(WORKERS, worker)

    # -- the worker ----------------------------------------------------------------------------
    def work(self) -> ImportReport:
        self.announce(self.server)
        heart = threading.Thread(target=self.beat, name="redis-heartbeat", daemon=True)
        heart.start()
        try:
            return self.import_files([])
        finally:
            self.stopped.set()
            heart.join()
            with self.server.pipeline() as pipe:
                pipe.delete(heartbeat_key(self.id))
                pipe.hdel(WORKERS, self.id)
                pipe.execute()

    async def _import_all(self, names: list[str]) -> None:
        pool = ExtractPool(self.processes, niceness=0) if self.processes > 0 else None
        try:
            while True:
                self.requeue_dead()
                taken = self.server.lmove(IMPORT_FILES, self.inflight, "RIGHT", "LEFT")
                if taken is None:
                    return
                await self.import_file(taken.decode(), pool)
                self.server.lrem(self.inflight, 0, taken)
        finally:
            if pool is not None:
                pool.shutdown()

    def announce(self, client: redis.Redis) -> None:
        record = {**self.record, "import": str(self.current) if self.current else None}
        announce_worker(client, self.id, record, self.timeout)

    def beat(self) -> None:
        keep_beating(self.server, self.stopped, self.announce)

    # -- a file --------------------------------------------------------------------------------
    def open_file(self, name: str) -> tuple[str, int] | None:
        path = Path(name)
        self.current = path
        key = _key(path)
        if self.server.sismember(IMPORT_DONE, key):
            return None
        return key, int(self.server.hget(IMPORT_OFFSETS, key) or 0)

    def store(self, state: _File, next_offset: int, finished: bool) -> None:
        batch, state.batch = state.batch, []
        key = state.file_id
        retry = state.retry_from
        if retry is not None:
            earlier = self.server.hget(IMPORT_RETRY, key)
            retry = min(retry, int(earlier)) if earlier is not None else retry
        sites = {item.site for _, item in batch}
        with self.server.pipeline() as pipe:  # MULTI: the items and the offset at once
            for _, item in batch:
                data = item_to_dict(item)
                pipe.lpush(ITEMS, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            pipe.hsetnx(RUN, "mode", "import")  # the run `ingest` records
            if sites:
                pipe.sadd(RUN_SITES, *sites)
            pipe.hincrby(RUN, "requests", state.records)
            pipe.hincrby(RUN, f"worker:{self.id}", state.records)
            if retry is not None:
                pipe.hset(IMPORT_RETRY, key, retry)
            if finished:
                pipe.sadd(IMPORT_DONE, key)
                pipe.hdel(IMPORT_OFFSETS, key)
            else:
                pipe.hset(IMPORT_OFFSETS, key, next_offset)
            pipe.execute()
        self.sites |= sites
        self.report.run["sites"] = sorted(self.sites)
        self.report.run["failures"] += state.errors + sum(
            1 for _, item in batch if getattr(item, "outcome", None) == "failed"
        )
        state.taken = state.records = state.errors = 0
        state.last_error, state.retry_from = None, None


def _key(path: Path) -> str:
    found = identity(path)
    return f"{found.size}:{found.head}"
