"""SIGTERM and SIGINT in a crawl's process (`caucasus-crawler crawl`, `crawl()`, a crawl the
scheduler launched): a graceful stop at any moment, the first seconds included.

Scrapy installs its own handlers only once its reactor runs, and a stop it is asked for
while a spider's engine is still starting is lost (`Crawler.stop_async` does nothing to an
engine not yet running). Between the `crawl_runs` row being written and the reactor running
(the imports, the extraction pool, the spiders' set-up: seconds), a SIGTERM killed the
process and left its run unfinished. Here one handler covers the whole crawl: before the run
starts a stop means no run at all (`CrawlStopped`); after, every engine is stopped as soon as
it runs, so Scrapy closes the spiders and the run is finished as after any crawl. A second
signal stops the reactor at once, as Scrapy does.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import CrawlerProcess

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)
CHECK_SECONDS = 0.2  # how often the reactor looks for a stop the handler recorded


class StopRequests:
    """Records the stop signals a crawl's process receives, for as long as the `with` block
    runs (the previous handlers are put back after it). The handler only counts: it may run
    between any two bytecodes, before the reactor exists; the reactor acts on it (`watch`)."""

    def __init__(self) -> None:
        self.signum = 0  # the first stop signal received, 0 while none
        self.count = 0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopRequests:
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._record)
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _record(self, signum: int, frame) -> None:
        self.signum = self.signum or signum
        self.count += 1

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""

    def watch(self, process: CrawlerProcess) -> None:
        """Act on the recorded signals once `process`'s reactor runs: stop every engine as
        soon as it is running (gracefully: requests in flight finish, spiders close), and
        the reactor itself on a second signal. Call before `process.start(
        install_signal_handlers=False)`, which leaves this class's handlers in place."""
        from scrapy.utils.defer import deferred_from_coro
        from twisted.internet import reactor, task

        asked: set[int] = set()
        told = [0]  # signals logged (Scrapy's words; never from the handler itself)

        def check() -> None:
            if not self.signum:
                return
            if told[0] == 0:
                log.info("Received %s, shutting down gracefully. Send again to force", self.name)
                told[0] = 1
            if self.count > 1:
                if told[0] == 1:
                    log.info("Received %s twice, forcing unclean shutdown", self.name)
                    told[0] = 2
                with contextlib.suppress(RuntimeError):  # stopping already
                    reactor.stop()
                return
            for crawler in list(process.crawlers):  # the process drops them as they end
                if id(crawler) not in asked and crawler.crawling and _engine_runs(crawler):
                    asked.add(id(crawler))
                    deferred_from_coro(crawler.stop_async())

        looping = task.LoopingCall(check)
        reactor.callWhenRunning(looping.start, CHECK_SECONDS)


def _engine_runs(crawler) -> bool:
    """Whether the crawler's engine is running (a stop before then would be lost)."""
    try:
        return crawler.engine.running
    except RuntimeError:  # no engine yet
        return False
