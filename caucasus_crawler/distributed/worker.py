"""A crawl worker on Redis: scrapy-redis's scheduler, made safe to kill, and the item pipeline.

`RedisCrawl` (an add-on, enabled in settings.py) switches a crawl to these parts when the
REDIS_URL setting is set (`caucasus-crawler crawl --redis URL`):

* `RedisScheduler`, scrapy-redis's `Scheduler` with its sorted-set queue and `RFPDupeFilter`,
  both shared by every worker and kept in Redis. Three changes:
  - requests travel as JSON (`JsonRequests`), not pickle: readable, and nobody who can write
    to Redis can make a worker run code;
  - no `spider=` argument to the stats (Scrapy 2.19 deprecates it, a later one refuses it);
  - nothing is lost when a worker dies. scrapy-redis pops a request and forgets it; here the
    pop moves it, in one Lua script, into the worker's in-flight hash
    (`caucasus:<spider>:inflight:<worker>`). It leaves that hash (is acknowledged) once
    Scrapy is done with it: its response or failure went through the callback, the item
    pipelines (its items are in Redis) and the scheduling of the requests it yielded; or its
    retry or redirect was queued in its place. Each worker refreshes a heartbeat key every
    second from a thread of its own (a busy reactor is not a dead worker); a live worker that
    finds another's heartbeat expired (REDIS_WORKER_TIMEOUT) puts that worker's in-flight
    requests back on the queue, so the others fetch them. A replayed request is harmless:
    its new links are duplicates, its items are stored idempotently.
* Idle is not done: a worker whose queue is empty stays while another worker still has
  requests in flight for the outlet (they may yield more), or has died with some.
* The duplicate filter lasts one crawl: the last worker to finish an outlet's crawl, with
  nothing left queued, deletes it, so that the next crawl polls the feeds again.
* `RedisItemPipeline` pushes each (normalised) item as JSON onto `caucasus:items` instead of
  writing archive.db; `caucasus-crawler ingest` stores them.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import sys
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from caucasus_crawler.distributed import (
    BEAT_SECONDS,
    ITEMS,
    RUN,
    RUN_SITES,
    WORKERS,
    announce_worker,
    connect,
    dupefilter_key,
    heartbeat_key,
    inflight_key,
    keep_beating,
    new_worker_id,
    queue_key,
    spider_workers_key,
    worker_record,
)
from caucasus_crawler.items import item_to_dict

logger = logging.getLogger(__name__)

TOKEN = "redis_inflight"  # request.meta: the request's field in its worker's in-flight hash


# -- requests as JSON --------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """`Request.to_dict()` as JSON types: bytes as {"$b64": ...}, a dict with non-text keys
    (headers) as {"$pairs": [[key, value], ...]}."""
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {"$pairs": [[_plain(key), _plain(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a {type(value).__name__} cannot be queued in Redis as JSON")


def _revive(value: dict) -> Any:
    if value.keys() == {"$b64"}:
        return base64.b64decode(value["$b64"])
    if value.keys() == {"$pairs"}:
        return {key: item for key, item in value["$pairs"]}
    return value


class JsonRequests:
    """The serializer scrapy-redis's queue takes (an object with `dumps` and `loads`)."""

    @staticmethod
    def dumps(request_dict: dict) -> str:
        return json.dumps(_plain(request_dict), ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def loads(text: bytes | str) -> dict:
        return json.loads(text, object_hook=_revive)


# -- the queue ---------------------------------------------------------------------------------
# Pop the best request and file it as in flight, in one step: "<score> <request>" under the
# worker's token for it.
_POP = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('HSET', KEYS[2], ARGV[1], best[2] .. ' ' .. best[1])
return best[1]
"""

# Put a worker's in-flight requests back on the queue (KEYS: in-flight hash, queue, the
# worker's heartbeat, the outlet's worker set). With ARGV[2] == "dead" only while its heartbeat
# is gone, so that a worker that was slow, not dead, is left alone. -1: it is alive.
_REQUEUE = """
if ARGV[2] == 'dead' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[1])
for _, entry in ipairs(entries) do
  local space = string.find(entry, ' ', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(entry, 1, space - 1), string.sub(entry, space + 1))
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], ARGV[1])
return #entries
"""


# Queue a request unless the duplicate filter knows it (KEYS: filter set, queue; ARGV:
# fingerprint, score, request): 1 queued, 0 a duplicate. One step, where scrapy-redis takes
# two (SADD, then ZADD): a worker killed between them left a request marked seen that no
# queue held, and the parent page, replayed by another worker, found its link a duplicate.
_PUSH_NEW = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop files the request in an in-flight hash, and
    whose push of a new request marks it seen in the same step."""

    def __init__(self, server: redis.Redis, spider, key: str, inflight: str):
        super().__init__(server, spider, key, serializer=JsonRequests)
        self.inflight = inflight
        self._pop = server.register_script(_POP)
        self._push_new = server.register_script(_PUSH_NEW)

    def push_new(self, request: Request, seen_key: str, fingerprint: str) -> bool:
        """Queue the request unless `fingerprint` is in the set `seen_key`; whether it was
        queued. A request that cannot be encoded (TypeError) is neither queued nor seen."""
        data = self._encode_request(request)
        return bool(
            self._push_new(keys=[seen_key, self.key], args=[fingerprint, -request.priority, data])
        )

    def pop_to_inflight(self, token: str) -> Request | None:
        data = self._pop(keys=[self.key, self.inflight], args=[token])
        if not data:
            return None
        try:
            return self._decode_request(data)
        except Exception as exc:  # a request no spider of ours wrote: say so, drop it, go on
            logger.error("%s: dropped an unreadable request: %s", self.key, exc)
            self.server.hdel(self.inflight, token)
            return None


def _requests_in_progress(crawler: Crawler) -> Iterable[Request]:
    """The requests the engine holds: from the scheduler's hand-over until the response (or
    failure) has been through the callback and the item pipelines and what it yielded is
    scheduled. Scrapy has no public "request done" signal, so its engine slot's `inprogress`
    set is read here, and only here."""
    slot = getattr(crawler.engine, "_slot", None)
    return slot.inprogress if slot is not None else ()


# -- the scheduler -----------------------------------------------------------------------------
class RedisScheduler(Scheduler):
    """scrapy-redis's Scheduler (shared queue and duplicate filter), made safe to kill."""

    def __init__(self, crawler: Crawler, worker: Worker):
        super().__init__(server=worker.server, persist=True, serializer=JsonRequests)
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker
        self.popped: set[str] = set()  # tokens of requests taken and not yet acknowledged
        self.tokens = itertools.count(1)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler = cls(crawler, Worker.of_process(crawler.settings))
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider) -> None:
        if not hasattr(getattr(self.crawler.engine, "_slot", None), "inprogress"):
            raise RuntimeError(
                "this Scrapy's engine keeps no `_slot.inprogress`: the Redis scheduler cannot "
                "tell when a request is done (it was written for Scrapy 2.13 to 2.19)"
            )
        self.spider = spider
        name = spider.name
        self.inflight = inflight_key(name, self.worker.id)
        self.queue = ReliableQueue(self.server, spider, queue_key(name), self.inflight)
        debug = self.crawler.settings.getbool("DUPEFILTER_DEBUG")
        self.df = RFPDupeFilter(self.server, key=dupefilter_key(name), debug=debug)
        self.worker.join(self)
        self.stats.set_value("redis/worker_id", self.worker.id)
        if len(self.queue):
            logger.info("%s: %d requests already queued in Redis", name, len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        # A retry or a redirect copies its request's meta, token included: once it is queued
        # (or found a duplicate) in its place, the original needs nothing more.
        replaces = request.meta.pop(TOKEN, None)
        try:
            if request.dont_filter:
                self.queue.push(request)
                queued = True
            else:
                fingerprint = self.df.request_fingerprint(request)
                queued = self.queue.push_new(request, self.df.key, fingerprint)
        except TypeError as exc:  # meta a middleware filled with something not JSON
            logger.error("%s: cannot be queued: %s", request.url, exc)
            return False
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.df.log(request, self.spider)
        if replaces is not None:
            self.acknowledge({replaces})
        return queued

    def next_request(self) -> Request | None:
        token = str(next(self.tokens))
        request = self.queue.pop_to_inflight(token)
        if request is None:
            return None
        request.meta[TOKEN] = token
        self.popped.add(token)
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def acknowledge(self, tokens: set[str]) -> None:
        if tokens:
            self.server.hdel(self.inflight, *tokens)
            self.popped -= tokens

    def reconcile(self) -> None:
        """Acknowledge every request taken that the engine no longer holds."""
        if self.popped:
            held = {request.meta.get(TOKEN) for request in _requests_in_progress(self.crawler)}
            self.acknowledge(self.popped - held)

    def spider_idle(self) -> None:
        self.reconcile()
        self.worker.requeue_dead()
        if len(self.queue) or self.worker.others_busy(self.spider.name):
            raise DontCloseSpider

    def close(self, reason: str) -> None:
        self.reconcile()
        self.worker.leave(self, finished=reason == "finished")


# -- the worker (one per process, shared by its outlets' schedulers) ---------------------------
class Worker:
    """This process as one worker of the shared crawl: its id, record and heartbeat."""

    # The process is one worker, whichever of its crawlers (outlets) asks first; its id is in
    # every crawler's stats (`redis/worker_id`).
    _current: Worker | None = None

    def __init__(self, server: redis.Redis, settings: BaseSettings):
        self.server = server
        self.id = new_worker_id()
        self.timeout = max(2, settings.getint("REDIS_WORKER_TIMEOUT", 30))
        self.mode = settings.get("CRAWL_MODE", "live")
        self.record = worker_record()
        self.progress_every = settings.getfloat("PROGRESS_INTERVAL", 10)
        self.schedulers: list[RedisScheduler] = []
        self.outlets: list[str] = []
        self.reported: dict[str, int] = {}  # outlet -> downloads added to the run
        self.last_progress = time.monotonic()
        self.tick = LoopingCall(self.on_tick)
        self.stopped = threading.Event()
        self.heart = threading.Thread(target=self.beat, name="redis-heartbeat", daemon=True)
        self._requeue = server.register_script(_REQUEUE)

    @classmethod
    def of_process(cls, settings: BaseSettings) -> Worker:
        if cls._current is None:
            cls._current = cls(connect(settings["REDIS_URL"]), settings)
        return cls._current

    def announce(self, client: redis.Redis) -> None:
        """The heartbeat key and the worker's record; its outlets' worker sets list it."""
        outlets = list(self.outlets)

        def listed(pipe) -> None:
            for name in outlets:
                pipe.sadd(spider_workers_key(name), self.id)

        record = {**self.record, "outlets": outlets}
        announce_worker(client, self.id, record, self.timeout, listed)

    def join(self, scheduler: RedisScheduler) -> None:
        name = scheduler.spider.name
        self.schedulers.append(scheduler)
        self.outlets.append(name)
        self.announce(self.server)
        with self.server.pipeline() as pipe:
            pipe.hset(RUN, "mode", self.mode)
            pipe.sadd(RUN_SITES, name)
            pipe.execute()
        if not self.heart.is_alive():
            self.heart.start()
            self.tick.start(BEAT_SECONDS, now=False)
        self.requeue_dead()

    def beat(self) -> None:
        """The heartbeat, every second in a thread of its own: it tells that the process is
        alive even while the reactor is busy (a page slow to parse must not get the worker's
        requests fetched twice). Each beat files the worker again, should a peer have taken
        it for dead."""
        keep_beating(
            self.server,
            self.stopped,
            self.announce,
            lambda exc: logger.warning("worker %s: Redis unreachable: %s", self.id, exc),
        )

    def on_tick(self) -> None:
        """Every second, on the reactor: acknowledgements, the run's request count, progress."""
        try:
            for scheduler in self.schedulers:
                scheduler.reconcile()
            self.report()
            if time.monotonic() - self.last_progress >= self.progress_every:
                self.last_progress = time.monotonic()
                self.print_progress()
        except redis.RedisError as exc:
            logger.warning("worker %s: Redis unreachable: %s", self.id, exc)

    def report(self) -> None:
        """Add the downloads made since the last report to the run's counts in Redis."""
        delta = 0
        for scheduler in self.schedulers:
            downloads = scheduler.stats.get_value("downloader/request_count", 0)
            delta += downloads - self.reported.get(scheduler.spider.name, 0)
            self.reported[scheduler.spider.name] = downloads
        if delta > 0:
            with self.server.pipeline() as pipe:
                pipe.hincrby(RUN, "requests", delta)
                pipe.hincrby(RUN, f"worker:{self.id}", delta)
                pipe.execute()

    def print_progress(self) -> None:
        get = [s.stats.get_value for s in self.schedulers]
        queued = sum(len(s.queue) for s in self.schedulers)
        print(
            f"{datetime.now():%Y-%m-%d %H:%M:%S} worker {self.id}: "
            f"{sum(g('downloader/request_count', 0) for g in get)} requests, "
            f"{sum(g('redis/items_pushed', 0) for g in get)} items pushed; "
            f"{queued} queued in Redis",
            file=sys.stderr,
            flush=True,
        )

    def requeue_dead(self) -> None:
        """Put back on the queues the in-flight requests of workers whose heartbeat expired."""
        for worker_id, record in self.server.hgetall(WORKERS).items():
            worker_id = worker_id.decode()
            if worker_id == self.id or self.server.exists(heartbeat_key(worker_id)):
                continue
            moved = 0
            for name in json.loads(record)["outlets"]:
                count = self.requeue(name, worker_id, dead=True)
                if count < 0:
                    break  # it beat again: slow, not dead
                moved += count
            else:
                if self.server.hdel(WORKERS, worker_id):
                    logger.warning(
                        "worker %s stopped beating: requeued its %d in-flight request(s)",
                        worker_id,
                        moved,
                    )

    def requeue(self, name: str, worker_id: str, dead: bool) -> int:
        keys = [
            inflight_key(name, worker_id),
            queue_key(name),
            heartbeat_key(worker_id),
            spider_workers_key(name),
        ]
        return self._requeue(keys=keys, args=[worker_id, "dead" if dead else "own"])

    def others_busy(self, name: str) -> bool:
        """Whether another worker (alive, or dead and not yet requeued) has requests of this
        outlet in flight: they may yield more."""
        return any(
            self.server.hlen(inflight_key(name, worker_id)) for worker_id in self._others(name)
        )

    def others_on(self, name: str) -> bool:
        """Whether another worker is alive with this outlet open, or died with some of its
        requests in flight."""
        return any(
            self.server.exists(heartbeat_key(worker_id))
            or self.server.hlen(inflight_key(name, worker_id))
            for worker_id in self._others(name)
        )

    def _others(self, name: str) -> list[str]:
        members = (m.decode() for m in self.server.smembers(spider_workers_key(name)))
        return [worker_id for worker_id in members if worker_id != self.id]

    def leave(self, scheduler: RedisScheduler, finished: bool) -> None:
        name = scheduler.spider.name
        self.outlets.remove(name)  # first, so that the heartbeat no longer files it
        self.report()
        left = self.requeue(name, self.id, dead=False)  # none once the engine is drained
        if left:
            logger.warning("%s: put %d unfinished request(s) back on the queue", name, left)
        if finished and not self.others_on(name) and not self.server.zcard(queue_key(name)):
            # the outlet's crawl is complete: the next one polls its feeds again
            self.server.delete(dupefilter_key(name))
        self.schedulers.remove(scheduler)
        if not self.schedulers:
            self.stop()

    def stop(self) -> None:
        if self.tick.running:
            self.tick.stop()
        self.stopped.set()
        if self.heart.is_alive():
            self.heart.join()
        with self.server.pipeline() as pipe:
            pipe.delete(heartbeat_key(self.id))
            pipe.hdel(WORKERS, self.id)
            pipe.execute()
        Worker._current = None


# -- items -------------------------------------------------------------------------------------
class RedisItemPipeline:
    """Pushes each item (normalised by NormalisePipeline before it) onto `caucasus:items`."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.server = Worker.of_process(crawler.settings).server

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisItemPipeline:
        return cls(crawler)

    def process_item(self, item):
        data = json.dumps(item_to_dict(item), ensure_ascii=False, separators=(",", ":"))
        self.server.lpush(ITEMS, data)
        self.crawler.stats.inc_value("redis/items_pushed")
        return item


# -- the switch --------------------------------------------------------------------------------
class RedisCrawl:
    """Scrapy add-on: with REDIS_URL set, the crawl is a worker of a shared crawl on Redis."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        pipelines["caucasus_crawler.pipelines.StorePipeline"] = None
        pipelines["caucasus_crawler.distributed.worker.RedisItemPipeline"] = 300
        worker = {
            "SCHEDULER": "caucasus_crawler.distributed.worker.RedisScheduler",
            "ITEM_PIPELINES": pipelines,
            "PROGRESS_ENABLED": False,  # it counts archive writes; workers print their own
        }
        for name, value in worker.items():
            # above settings.py (project), below the command line
            if (settings.getpriority(name) or 0) <= SETTINGS_PRIORITIES["project"]:
                settings.set(name, value, "project")
