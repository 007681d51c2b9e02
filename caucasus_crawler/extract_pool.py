"""Extraction off the reactor: a pool of worker processes shared by a crawl process's spiders.

Extraction (lxml parsing, trafilatura, dateparser) costs far more CPU per page than anything
else a crawl does. Run in a callback, it would hold Scrapy's one thread and cap the crawl at
one core; so the spider sends each article page to `ExtractPool.extract`, which runs the pure
`extract_page` in a worker process (`concurrent.futures.ProcessPoolExecutor`) and awaits it
on the asyncio reactor. The same function runs in the crawl's own thread when
`EXTRACT_PROCESSES = 0`, so the outcomes are the same either way.

* One pool per crawl process, whatever the number of crawlers (outlets) in it (`SharedPools`):
  started when the first crawler's engine starts, shut down when the last one's stops.
  `EXTRACT_PROCESSES` workers (default: the cores this process may use).
* Workers are forked from a forkserver that has imported the extraction once: they start in
  milliseconds, share its memory (kept shared by `gc.freeze()`), and never inherit the
  reactor's threads and sockets.
* At most TASKS_PER_WORKER pages per worker are handed to the pool at once (the others wait
  here), so pickled pages do not pile up in its queue, and a worker that dies takes few pages
  with it.
* Workers run at a lower CPU priority than the crawl (WORKER_NICENESS): the crawl's thread is
  the stage every page passes through, and must not wait behind the workers it feeds.
* Workers end with the crawl: shut down when its engine stops, or on their own within a
  second when the crawl process is killed.
* A worker that dies (killed, out of memory, a crash in a C library) breaks the whole pool
  (`BrokenProcessPool`): the pages it held are answered as failed with a one-line reason
  (`WorkerDied`), a new pool is started and the crawl goes on. A failed page is fetched
  again by the next crawl.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from caucasus_crawler.items import compress_body

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from caucasus_crawler.items import Article
    from caucasus_crawler.profiles import Profile

logger = logging.getLogger(__name__)

# What a worker runs, imported by the forkserver once (every worker forked from it shares
# them) and by the crawl process only when it extracts itself (EXTRACT_PROCESSES = 0), which
# otherwise is spared their memory (benchmarks/README.md). (minhash imports datasketch's
# MinHash without its package __init__, and so without scipy.)
WORKER_IMPORTS = [
    "caucasus_crawler.extract",
    "caucasus_crawler.normalise",
    "caucasus_crawler.minhash",
]
# Pages in the pool at once, per worker: one running, the others queued, so that workers ride
# through the reactor's pauses (a batch of stores, a burst of responses) without running dry
# (measured: benchmarks/README.md). A worker that dies fails the pool's queued pages with it;
# they are fetched again.
TASKS_PER_WORKER = 6
WORKER_NICENESS = 10  # added to the crawl's; see _worker_started
# The pages a crawl process keeps waiting for its pool: two rounds of every slot, of pages up
# to this size. More is memory (a page waits as bytes and as decoded text), not speed.
PAGE_BYTES_BUDGETED = 200_000


def response_budget(processes: int, crawlers: int) -> int:
    """SCRAPER_SLOT_MAX_ACTIVE_SIZE for each of a process's `crawlers`, which share one pool
    of `processes` workers, where Scrapy's 5 MB each let hundreds of pages wait for the pool
    (benchmarks/README.md). At least 1 MB, so a large page still fits."""
    waiting = 2 * processes * TASKS_PER_WORKER * PAGE_BYTES_BUDGETED
    return max(1_000_000, waiting // max(1, crawlers))


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


# -- the work: a pure function of the page, run in a worker or in the crawl's thread ---------
def extract_page(
    html: str,
    url: str,
    profile: Profile,
    now: datetime,
    mode: str = "article",
    raw: bytes | None = None,
) -> tuple[str, Article | str | None, bytes | None]:
    """What a fetched page holds, as (outcome, value, compressed): ("article", Article),
    ("listing", None), ("not_article", why) or ("failed", "Type: message"); `compressed` is
    the page's `raw` bytes as the archive keeps them (items.compress_body) when the page is
    one whose raw response is kept (an article or not), else None.

    `mode` says what the crawl knows of the page: "article" (its URL is one of the profile's
    article URLs; judged as a candidate too when the profile's body selector misses on it),
    "page" (the profile has no article patterns: a page without article
    signals is a listing, whose links the crawl follows) or "candidate" (an outlet's feed,
    sitemap or link named it, but the profile's patterns missed it: an article only by the
    page's own signals, `extract.is_candidate_article`; never a listing to follow).

    Errors come back as values, one line each, so that any exception (even one that cannot
    be pickled) reaches the crawl as the same reason in a worker or in the crawl's thread."""
    from caucasus_crawler.extract import NotAnArticle, extract_judged, looks_like_article
    from caucasus_crawler.normalise import prepare_article

    try:
        if mode == "page" and not looks_like_article(html, url, profile):
            return "listing", None, None
        article = extract_judged(html, url, profile, mode, now=now)
        # normalised and fingerprinted here too: that work then runs beside the crawl
        outcome, value = "article", prepare_article(article)
    except NotAnArticle as exc:
        outcome, value = "not_article", str(exc)
    except Exception as exc:  # a bug, or a page extraction cannot take
        return "failed", f"{type(exc).__name__}: {exc}", None
    # compressed here too: the crawl's thread, which stores every page, is the busier
    return outcome, value, compress_body(raw) if raw is not None else None


def _worker_started(crawl: Connection, niceness: int = WORKER_NICENESS) -> None:
    # What the worker shares with the forkserver (the imports) stays shared only while nothing
    # writes to it; the garbage collector's full passes would, page by page, on every object.
    # Frozen, they never visit them.
    gc.freeze()
    # The crawl's one thread is the pipeline's serial stage: every page passes through it on
    # its way to a worker and back. At equal priority it waited for CPU behind the workers it
    # feeds, which then starved; niced, the workers take what the crawl leaves.
    try:
        os.nice(niceness)
    except OSError:  # not permitted here: run at the crawl's priority
        pass
    # Ctrl-C reaches the whole process group: the crawl stops gracefully and still needs its
    # workers for the pages in flight; it shuts them down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(crawl,), name="end-with-crawl", daemon=True).start()


def _end_with(crawl: Connection) -> None:
    """Ends this worker when the crawl process is gone. A crawl killed with SIGKILL cannot
    shut its pool down, and a worker waiting for work never notices (it holds both ends of
    its task queue): it would live on, orphaned. The crawl holds the other end of `crawl`
    and never writes to it, so this returns when the crawl is gone (or drops the pool)."""
    try:
        crawl.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(0)


def _start_workers(executor: ProcessPoolExecutor, processes: int, ready: Future) -> None:
    try:
        # a pool starts a worker per task it cannot hand to an idle one: one task each
        for _ in range(processes):
            executor.submit(os.getpid)
    except (RuntimeError, BrokenProcessPool):  # shut down or broken meanwhile: extract sees
        pass
    finally:
        ready.set_result(None)


def start_forkserver() -> multiprocessing.context.BaseContext:
    """The forkserver that workers are forked from, started now if it is not running: it
    imports the extraction once (a second or more, on a core of its own), and every worker
    forked from it has it. A crawl starts it first thing, beside its own start-up."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["caucasus_crawler.extract_pool", *WORKER_IMPORTS])
    multiprocessing.forkserver.ensure_running()
    return context


class WorkerDied(Exception):
    """The worker process that held a page died before it answered."""


class ExtractPool:
    """`await pool.extract(...)`: `extract_page` in a worker process (see the module doc)."""

    def __init__(self, processes: int, niceness: int = WORKER_NICENESS):
        self.processes = processes
        # added to the workers' priority: an import, whose own thread only reads and
        # stores, does not need its workers to give way to it (history/importer.py)
        self.niceness = niceness
        self._executor: ProcessPoolExecutor | None = None
        self._alive: Connection | None = None  # closed: the workers end
        self._slots: asyncio.Semaphore | None = None
        self._ready: Future = Future()  # done once `start` has started the workers
        self._ready.set_result(None)
        self.pools_started = 0
        self.workers_died = 0

    def start(self) -> None:
        """Starts the workers when the crawl starts, from a thread: the forkserver imports the
        extraction first (a second or more) and starting a worker waits for it. Started at
        the first article, on the reactor's thread, that stalled the whole crawl; now it
        overlaps the fetching of robots.txt, sitemaps and feeds."""
        if self._executor is None:
            executor = self._current()
            self._ready = Future()
            threading.Thread(
                target=_start_workers,
                args=(executor, self.processes, self._ready),
                name="extract-pool-start",
                daemon=True,
            ).start()

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            self._alive.close()

    # -- work --------------------------------------------------------------------------------
    def _current(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = start_forkserver()
            # workers watch one end of a pipe whose other end only this process holds
            watched, self._alive = context.Pipe(duplex=False)
            self._executor = ProcessPoolExecutor(
                self.processes,
                mp_context=context,
                initializer=_worker_started,
                initargs=(watched, self.niceness),
            )
            self.pools_started += 1
        return self._executor

    def _replace(self, broken: Executor) -> None:
        """A new pool in place of a broken one (once, however many pages saw it break)."""
        if self._executor is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            self._alive.close()  # any worker of it still running ends

    async def extract(
        self,
        html: str,
        url: str,
        profile: Profile,
        now: datetime,
        mode: str,
        raw: bytes | None = None,
    ) -> tuple[str, Article | str | None, bytes | None]:
        """`extract_page(...)` run in a worker. Raises WorkerDied when its worker died."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.processes * TASKS_PER_WORKER)
        if not self._ready.done():  # the workers are still starting: wait off the reactor
            await asyncio.wrap_future(self._ready)
        async with self._slots:
            executor = self._current()
            try:
                future = executor.submit(extract_page, html, url, profile, now, mode, raw)
            except BrokenProcessPool:  # it broke before this page reached it: a new pool
                self._replace(executor)
                executor = self._current()
                future = executor.submit(extract_page, html, url, profile, now, mode, raw)
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool as exc:
                if self._executor is executor:
                    self.workers_died += 1
                    logger.warning(
                        "an extraction worker process died (%s); starting a new pool", exc
                    )
                self._replace(executor)
                raise WorkerDied(
                    "the extraction worker process died before it answered "
                    "(killed, out of memory, or a crash); a new pool was started"
                ) from None


# -- one pool per process, shared by its crawlers --------------------------------------------
class SharedPools:
    """The extraction pools of a process, one per worker count, each shared by the crawlers
    that ask for it: started when the first of their engines starts, shut down when the last
    one's stops. A crawl of 22 outlets in one process runs one pool, not 22.

    Scrapy makes each crawler its own components and has no registry its crawlers share, so
    the process's pools are the module's `PROCESS_POOLS`, which the spider asks for its own
    (`PROCESS_POOLS.join(crawler)`); a test can make a SharedPools of its own."""

    def __init__(self) -> None:
        self.pools: dict[int, ExtractPool] = {}  # by worker count
        self.users: dict[int, int] = {}  # crawlers of each pool whose engine has not stopped

    def join(self, crawler: Crawler) -> ExtractPool | None:
        """The pool for this crawler, or None when EXTRACT_PROCESSES is 0 (extract in the
        crawl's own thread). The crawler leaves it when its engine stops."""
        from scrapy import signals

        processes = crawler.settings.getint("EXTRACT_PROCESSES", available_cores())
        if processes <= 0:
            return None
        pool = self.pools.get(processes)
        if pool is None:
            pool = self.pools[processes] = ExtractPool(processes)
        self.users[processes] = self.users.get(processes, 0) + 1

        def leave() -> None:
            self.leave(pool)

        crawler.signals.connect(pool.start, signal=signals.engine_started, weak=False)
        crawler.signals.connect(leave, signal=signals.engine_stopped, weak=False)
        return pool

    def leave(self, pool: ExtractPool) -> None:
        """One crawler less for `pool`; the last one shuts it down."""
        processes = pool.processes
        if self.pools.get(processes) is not pool:
            return
        self.users[processes] -= 1
        if self.users[processes] <= 0:
            del self.pools[processes], self.users[processes]
            pool.shutdown()


PROCESS_POOLS = SharedPools()
