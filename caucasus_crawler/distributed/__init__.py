"""Scaling out on Redis: many crawl workers, one archive.

SQLite has one writer, so the work is split in two:

* **Workers** (`caucasus-crawler crawl --redis URL`, on any machines) share the request queue
  and the duplicate filter through Redis (scrapy-redis's scheduler, see `worker.py`) and push
  each normalised item, as JSON, onto the `caucasus:items` list. They never write archive.db.
* **The ingester** (`caucasus-crawler ingest --redis URL`, next to archive.db, one at a time)
  drains that list into the archive through `ArchiveWriter`, exactly once (`ingest.py`).

Every key lives under `caucasus:`; give each crawl its own Redis database (`redis://host/1`)
to run two independent crawls on one server:

    caucasus:<spider>:requests              the outlet's request queue (sorted set, scrapy-redis)
    caucasus:<spider>:dupefilter            fingerprints of requests already queued (set)
    caucasus:<spider>:inflight:<worker>     requests a worker took and has not finished (hash)
    caucasus:<spider>:workers               workers that have the outlet open (set)
    caucasus:workers                        worker id -> its record (host, pid, outlets)
    caucasus:worker:<worker>                the worker's heartbeat (expires when it stops beating)
    caucasus:items                          items pushed by workers, oldest on the right (list)
    caucasus:items:processing               the batch the ingester is storing (list)
    caucasus:items:rejected                 items the ingester could not read or store, and why
    caucasus:run, caucasus:run:sites        the crawl's mode and request counts; its outlets
    caucasus:ingest                         the ingester's lock
    caucasus:import:files                   WARC files queued by `import --redis` (list)
    caucasus:import:inflight:<worker>       the file an import worker is reading (list)
    caucasus:import:offsets                 file identity -> offset of its first record not
                                            pushed yet (hash): a file taken again resumes
    caucasus:import:retry                   file identity -> first record held back by the
                                            window: the next import of it reads from there
    caucasus:import:done                    identities of files read to their end (set)
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import redis

BEAT_SECONDS = 1.0  # how often a worker's heartbeat key is refreshed

PREFIX = "caucasus"
ITEMS = f"{PREFIX}:items"
PROCESSING = f"{PREFIX}:items:processing"
REJECTED = f"{PREFIX}:items:rejected"
WORKERS = f"{PREFIX}:workers"
RUN = f"{PREFIX}:run"
RUN_SITES = f"{PREFIX}:run:sites"
INGEST_LOCK = f"{PREFIX}:ingest"
IMPORT_FILES = f"{PREFIX}:import:files"
IMPORT_OFFSETS = f"{PREFIX}:import:offsets"
IMPORT_RETRY = f"{PREFIX}:import:retry"
IMPORT_DONE = f"{PREFIX}:import:done"


def import_inflight_key(worker: str) -> str:
    return f"{PREFIX}:import:inflight:{worker}"


def import_files_waiting(server: redis.Redis) -> int:
    """WARC files queued, or taken by import workers that have not finished them."""
    taken = sum(server.llen(key) for key in server.scan_iter(import_inflight_key("*")))
    return server.llen(IMPORT_FILES) + taken


def queue_key(spider: str) -> str:
    return f"{PREFIX}:{spider}:requests"


def dupefilter_key(spider: str) -> str:
    return f"{PREFIX}:{spider}:dupefilter"


def inflight_key(spider: str, worker: str) -> str:
    return f"{PREFIX}:{spider}:inflight:{worker}"


def spider_workers_key(spider: str) -> str:
    return f"{PREFIX}:{spider}:workers"


def heartbeat_key(worker: str) -> str:
    return f"{PREFIX}:worker:{worker}"


def new_worker_id() -> str:
    """A worker's id: its host and process, and a tag (a pid comes round again)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


def worker_record(**extra) -> dict:
    """What `caucasus:workers` says of this process; `extra` adds what it works on."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": started, **extra}


def announce_worker(client: redis.Redis, worker: str, record: dict, timeout: int, *also) -> None:
    """The worker's heartbeat key (expiring after `timeout` s) and its record, in one
    transaction with `also`: functions adding commands of their own to the pipeline."""
    text = json.dumps(record)
    with client.pipeline() as pipe:
        pipe.set(heartbeat_key(worker), text, ex=timeout)
        pipe.hset(WORKERS, worker, text)
        for add in also:
            add(pipe)
        pipe.execute()


def keep_beating(
    server: redis.Redis,
    stopped: threading.Event,
    announce: Callable[[redis.Redis], None],
    unreachable: Callable[[redis.RedisError], None] = lambda exc: None,
) -> None:
    """The heartbeat, every BEAT_SECONDS until `stopped`, in a thread of its own, so that a
    busy worker still tells it is alive; each beat files the worker again (should a peer have
    taken it for dead). Redis being unreachable for a while stops nothing."""
    client = redis.Redis(connection_pool=server.connection_pool)  # the pool is shared
    while not stopped.wait(BEAT_SECONDS):
        try:
            announce(client)
        except redis.RedisError as exc:  # keep beating: Redis may come back
            unreachable(exc)


class RedisUnavailable(Exception):
    """The Redis server cannot be used; the message is one line for the user."""


def connect(url: str) -> redis.Redis:
    """A client of the Redis server at `url`, checked with a PING."""
    try:
        server = redis.Redis.from_url(
            url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True
        )
    except ValueError as exc:
        message = f"{url}: not a Redis URL ({exc}); e.g. redis://host:6379/0"
        raise RedisUnavailable(message) from None
    try:
        server.ping()
    except redis.RedisError as exc:
        message = f"{url}: cannot reach Redis ({exc}); is redis-server running there?"
        raise RedisUnavailable(message) from None
    return server
