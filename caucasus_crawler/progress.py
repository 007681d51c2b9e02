"""Progress of long work: a bar on a terminal, plain log lines when output is not a terminal.

- `Progress`: for loops of our own (export, stats): a tqdm bar when stderr is a terminal,
  otherwise a line every `interval` seconds, so that a cron log shows the work going on.
- `CrawlProgress`: the same for a crawl, as a Scrapy extension. Enable it with
  `EXTENSIONS = {"caucasus_crawler.progress.CrawlProgress": 500}`; settings
  `PROGRESS_ENABLED` (default True) and `PROGRESS_INTERVAL` (seconds between log lines when
  stderr is not a terminal, default 10). It reads the counters the pipelines keep in the
  crawler's stats, and shows one bar for all the spiders of a process (`ProgressBoard`).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TextIO

from tqdm import tqdm

DEFAULT_INTERVAL = 10.0


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


class Progress:
    """Count work done, shown as a bar on a terminal or as a periodic line otherwise."""

    def __init__(
        self,
        what: str,
        total: int | None = None,
        unit: str = "article",
        *,
        interval: float = DEFAULT_INTERVAL,
        stream: TextIO | None = None,
        tty: bool | None = None,
        leave: bool = True,
    ):
        self.what, self.total, self.unit, self.interval = what, total, unit, interval
        self.stream = stream or sys.stderr
        self.tty = _isatty(self.stream) if tty is None else tty
        self.done = 0
        self.started = self.last_line = time.monotonic()
        self.bar = (
            tqdm(
                total=total,
                unit=unit,
                desc=what,
                file=self.stream,
                dynamic_ncols=True,
                leave=leave,
            )
            if self.tty
            else None
        )

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last_line >= self.interval:
            self.last_line = now
            self._line()

    def _line(self) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        seconds = time.monotonic() - self.started
        print(
            f"{_stamp()} {self.what}: {self.done}{of} {self.unit}s, {seconds:.0f} s",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- the crawl ---------------------------------------------------------------------------------
class ProgressBoard:
    """The counts of every crawler that reports to it, shown as one bar or one line: opened
    by the first crawler's spider, closed (a last line) by the last one's.

    Scrapy makes each crawler its own extensions and has no registry its crawlers share, so
    the process's board is the module's `PROCESS_BOARD`, which every CrawlProgress is handed
    by `from_crawler`."""

    def __init__(self) -> None:
        self.crawlers: dict[int, object] = {}
        self.finished: dict[str, int] = {}
        self.names: list[str] = []
        self.bar: tqdm | None = None
        self.task = None
        self.started = 0.0

    def open(self, crawler, name: str, tty: bool, interval: float) -> None:
        from twisted.internet import task

        if not self.crawlers and self.task is None:
            self.started = time.monotonic()
            self.finished = {}
            self.names = []
            if tty:
                self.bar = tqdm(unit="req", desc="crawl", file=sys.stderr, dynamic_ncols=True)
            self.task = task.LoopingCall(self.show)
            self.task.start(0.5 if tty else interval, now=False)
        self.crawlers[id(crawler)] = crawler
        self.names.append(name)

    def close(self, crawler) -> None:
        counts = _counts(crawler)
        for key, value in counts.items():
            self.finished[key] = self.finished.get(key, 0) + value
        self.crawlers.pop(id(crawler), None)
        if self.crawlers:
            return
        self.show(final=True)
        if self.task is not None and self.task.running:
            self.task.stop()
        self.task = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def totals(self) -> dict[str, int]:
        totals = dict(self.finished)
        for crawler in self.crawlers.values():
            for key, value in _counts(crawler).items():
                totals[key] = totals.get(key, 0) + value
        return totals

    def show(self, final: bool = False) -> None:
        t = self.totals()
        stored = t.get("new", 0) + t.get("updated", 0)
        summary = (
            f"{stored} articles ({t.get('new', 0)} new), {t.get('duplicates', 0)} duplicates,"
            f" {t.get('failures', 0)} failed"
        )
        if self.bar is not None:
            self.bar.total = t.get("requests", 0) + t.get("queued", 0)
            self.bar.n = t.get("requests", 0)
            self.bar.set_postfix_str(summary, refresh=False)
            self.bar.refresh()
            return
        seconds = time.monotonic() - self.started
        state = "done" if final else f"{t.get('queued', 0)} queued"
        print(
            f"{_stamp()} crawl ({', '.join(self.names)}): {t.get('requests', 0)} requests,"
            f" {t.get('pages', 0)} pages, {summary}; {state}, {seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )


def _counts(crawler) -> dict[str, int]:
    get = crawler.stats.get_value
    return {
        "requests": get("downloader/request_count", 0),
        "pages": get("archive/pages", 0),
        "new": get("archive/articles_new", 0),
        "updated": get("archive/articles_updated", 0),
        "duplicates": get("archive/duplicates", 0),
        "failures": get("archive/failures", 0),
        "queued": max(0, get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)),
    }


PROCESS_BOARD = ProgressBoard()


class CrawlProgress:
    """Scrapy extension: the crawl's progress on stderr (a bar on a terminal, else a line
    every PROGRESS_INTERVAL seconds and one at the end)."""

    def __init__(self, crawler, interval: float, tty: bool, board: ProgressBoard):
        self.crawler, self.interval, self.tty, self.board = crawler, interval, tty, board

    @classmethod
    def from_crawler(cls, crawler) -> CrawlProgress:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not settings.getbool("PROGRESS_ENABLED", True):
            raise NotConfigured
        interval = settings.getfloat("PROGRESS_INTERVAL", DEFAULT_INTERVAL)
        extension = cls(crawler, interval, _isatty(sys.stderr), PROCESS_BOARD)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.board.open(self.crawler, spider.name, self.tty, self.interval)

    def spider_closed(self, spider) -> None:
        self.board.close(self.crawler)
