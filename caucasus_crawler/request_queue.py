"""The request queue on disk: requests wait for their turn in files, not in the crawl's memory.
(What the archive already knows, and so which URLs are fetched again, is another thing:
caucasus_crawler/spiders/revisits.py.)

Scrapy's scheduler holds every queued request in memory (about 2.7 KB each) unless the
JOBDIR setting names a job directory; then it pickles them into disk queues
(SCHEDULER_DISK_QUEUE) and keeps in memory only what it is fetching. A sitemap lists tens of
thousands of articles at once, so on a big crawl that is most of the crawl's memory.

The `RequestQueueOnDisk` add-on (enabled in settings.py, FRONTIER_ON_DISK) gives each crawler a
job directory of its own for one run:

* A fresh directory per crawler per run, `frontier-<spider>-<pid>-<random>` under
  FRONTIER_DIR (default: `<archive>.frontier/` beside ARCHIVE_PATH, on the archive's disk: a
  /tmp in RAM would move the queue into memory again). It is removed when the crawler's
  engine stops, and at the latest when the process exits (a crawl that failed to start); the
  default FRONTIER_DIR goes too once empty.
* Never resumed. A restarted crawl resumes from the archive (it skips what archive.db holds);
  Scrapy's own resume (requests.seen, spider.state, the queues left behind) would skip or
  replay requests behind the archive's back, so no directory is ever used twice. One left by
  a crawl killed with SIGKILL (its process gone) is deleted by the next crawl that starts.
* Off when FRONTIER_ON_DISK is False, with REDIS_URL (the Redis scheduler keeps the queue in
  Redis), and when the user set JOBDIR: that is Scrapy's documented pause and resume, asked
  for on purpose, so their directory is used as given and never deleted.

Only the overflow is pickled. In such a job directory each queue (SCHEDULER_DISK_QUEUE,
`MemoryFirstQueue`) holds its newest requests in memory while the process's crawlers hold
fewer than FRONTIER_MEMORY_REQUESTS in all (counted by `RequestsInMemory`), and pickles the
older ones to Scrapy's LIFO disk queue: a daily crawl's few hundred new URLs per outlet never
touch the disk, a backfill's 50,000 wait there but for the last few thousand. The order is
exactly the disk queue's.

A request that cannot be pickled still works: it stays in memory (the spider's requests all
pickle).

What users see keeps the name "frontier": the FRONTIER_* settings, the `frontier-*`
directories, the `frontier/*` stats.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.settings import BaseSettings

if TYPE_CHECKING:
    from scrapy import Request

logger = logging.getLogger(__name__)

_owned: dict[Path, bool] = {}  # this process's directories (and whether their root goes too)
_NAME = re.compile(r"frontier-.+-(?P<pid>\d+)-[a-z0-9_]+")  # the suffix is mkdtemp's


def job_directories_root(settings: BaseSettings) -> tuple[Path, bool]:
    """(where the crawlers' job directories go, whether it is ours to remove once empty):
    FRONTIER_DIR, else `<archive>.frontier` beside the archive."""
    configured = settings.get("FRONTIER_DIR")
    if configured:
        return Path(configured), False
    archive = Path(settings.get("ARCHIVE_PATH") or "archive.db")
    return archive.with_name(archive.name + ".frontier"), True


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(root: Path) -> list[Path]:
    """Delete the directories under `root` whose crawl process is gone (killed: nothing ran
    its clean-up). Those of live processes, parallel crawls of other outlets, stay."""
    removed = []
    try:
        children = list(root.iterdir())
    except OSError:
        return removed
    for child in children:
        name = _NAME.fullmatch(child.name)
        if name and child.is_dir() and not _process_alive(int(name["pid"])):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    if removed:
        logger.info("removed %d job directories of killed crawls in %s", len(removed), root)
    return removed


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with_root = _owned.pop(path, False)
    if with_root:
        try:
            path.parent.rmdir()  # only once no other crawl uses it
        except OSError:
            pass


@atexit.register
def _remove_owned() -> None:
    for path in list(_owned):
        _remove(path)


class RequestQueueOnDisk:
    """Scrapy add-on: a private, fresh JOBDIR for this crawler's run (see the module doc)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestQueueOnDisk:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("FRONTIER_ON_DISK") or settings.get("REDIS_URL"):
            return
        if settings.get("JOBDIR"):
            logger.info("JOBDIR %s set: Scrapy's own pause and resume", settings["JOBDIR"])
            return
        root, ours = job_directories_root(settings)
        remove_stale(root)
        name = f"frontier-{self.crawler.spidercls.name}-{os.getpid()}-"
        self.path = _fresh_directory(root, name)
        _owned[self.path] = ours
        settings.set("JOBDIR", str(self.path), priority="addon")
        settings.set("SCHEDULER_DISK_QUEUE", MemoryFirstQueue, priority="addon")
        # A job directory never resumed needs none of the state Scrapy keeps in one for a
        # resume (the queues' state, the seen fingerprints, the spider's state): files that
        # only cost writes, and fail with tracebacks on a full disk.
        settings.set("SCHEDULER", NoResumeScheduler, priority="addon")
        settings.set("DUPEFILTER_CLASS", NoResumeDupeFilter, priority="addon")
        settings["EXTENSIONS"].set("scrapy.extensions.spiderstate.SpiderState", None, "addon")
        logger.info("queued requests wait on disk in %s", self.path)
        # after the scheduler has closed its queues and every extension has written its file
        self.crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    def engine_stopped(self) -> None:
        if self.path is not None:
            _remove(self.path)


class NoResumeScheduler(Scheduler):
    """Scrapy's scheduler in a job directory that is never resumed: no `active.json`."""

    def _write_dqs_state(self, dqdir: str, state: object) -> None:
        pass


class NoResumeDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, its fingerprints in memory only (no `requests.seen` file:
    the job directory is never resumed)."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs) -> None:
        super().__init__(None, debug, **kwargs)


class RequestsInMemory:
    """How many requests the MemoryFirstQueues sharing this object hold in memory, all told.

    FRONTIER_MEMORY_REQUESTS is a budget of the crawl process, not of each crawler, so that
    a crawl of 22 outlets holds no more in memory than a crawl of one. Scrapy makes each
    crawler its own queues and has no registry its crawlers share, so the process's count is
    the module's `PROCESS_REQUESTS_IN_MEMORY`, handed to every queue by `from_crawler`."""

    def __init__(self) -> None:
        self.count = 0


PROCESS_REQUESTS_IN_MEMORY = RequestsInMemory()


class MemoryFirstQueue:
    """A LIFO queue of requests: the newest in memory, the overflow pickled into Scrapy's
    disk queue (PickleLifoDiskQueue, created at the first overflow) once the queues sharing
    `in_memory` (those of this process) hold FRONTIER_MEMORY_REQUESTS in memory. Every
    request in memory is newer than every one on disk, so requests come out in exactly the
    disk queue's order.

    Pickling a request costs the crawl's thread more than fetching it in a crawl of few
    URLs (Scrapy looks the callback up among all the spider's attributes, and each pop
    truncates the queue file). Closed with requests in memory (a crawl stopped early), it
    drops them: RequestQueueOnDisk installs it only in job directories that are never resumed."""

    def __init__(self, crawler: Crawler, key: str, in_memory: RequestsInMemory):
        self.crawler = crawler
        self.key = key
        self.limit = crawler.settings.getint("FRONTIER_MEMORY_REQUESTS")
        self.in_memory = in_memory
        self.memory: deque[Request] = deque()
        self.disk = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str, *args, **kwargs) -> MemoryFirstQueue:
        return cls(crawler, key, PROCESS_REQUESTS_IN_MEMORY)

    def push(self, request: Request) -> None:
        self.memory.append(request)
        self.in_memory.count += 1
        if self.in_memory.count > self.limit:
            self._spill()

    def _spill(self) -> None:
        """The oldest request in memory to the top of the disk queue."""
        if self.disk is None:
            from scrapy.squeues import PickleLifoDiskQueue

            self.disk = PickleLifoDiskQueue.from_crawler(self.crawler, self.key)
        request = self.memory.popleft()
        try:
            self.disk.push(request)
            self.in_memory.count -= 1
        except ValueError:  # cannot be pickled: it waits in memory after all
            self.memory.appendleft(request)
            return
        except OSError as exc:  # a full disk: it waits in memory (the archive stops the crawl)
            self.memory.appendleft(request)
            if not self.crawler.stats.get_value("frontier/disk_failed"):
                logger.warning("the frontier cannot spill to disk (%s): queued in memory", exc)
            self.crawler.stats.set_value("frontier/disk_failed", str(exc))
            return
        self.crawler.stats.inc_value("frontier/spilled")

    def pop(self) -> Request | None:
        if self.memory:
            self.in_memory.count -= 1
            return self.memory.pop()
        return self.disk.pop() if self.disk is not None else None

    def peek(self) -> Request | None:
        if self.memory:
            return self.memory[-1]
        return self.disk.peek() if self.disk is not None else None

    def close(self) -> None:
        self.in_memory.count -= len(self.memory)
        self.memory.clear()
        if self.disk is not None:
            self.disk.close()

    def __len__(self) -> int:
        return len(self.memory) + (len(self.disk) if self.disk is not None else 0)


def _fresh_directory(root: Path, prefix: str) -> Path:
    for _ in range(3):  # another crawl may remove an empty root between these two steps
        root.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=root))
        except FileNotFoundError:
            continue
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))
