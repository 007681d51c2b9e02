"""The extraction pool's set-up, as a Scrapy add-on: the same for every crawl, however started.

`caucasus-crawler crawl`, `scrapy crawl civil_ge` and a Scrapyd job all read settings.py,
whose ADDONS enable `ExtractPoolAddon`. When EXTRACT_PROCESSES > 0 (extraction in a pool of
worker processes, caucasus_crawler/extract_pool.py) it:

* starts the pool's forkserver as the crawl process starts, before any crawler exists: the
  forkserver imports the extraction (a second or more) on a core of its own while Scrapy
  loads the profiles and sets the crawlers up;
* gives each crawler its share of a response budget sized to the pool
  (SCRAPER_SLOT_MAX_ACTIVE_SIZE, extract_pool.response_budget): Scrapy stops fetching for a
  crawler while the responses it is still processing pass that size, and article pages wait
  there for the pool, which all the process's crawlers (EXTRACT_POOL_CRAWLERS) share. A
  SCRAPER_SLOT_MAX_ACTIVE_SIZE the user set is left alone;
* records both in the crawler's stats (`extract_pool/processes`,
  `extract_pool/response_budget`), so that a crawl's log shows what it ran with.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

logger = logging.getLogger(__name__)


class ExtractPoolAddon:
    """Scrapy add-on: the extraction pool's forkserver and response budget (see the module
    doc)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPoolAddon:
        return cls(crawler)

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        # once per crawl process (Scrapy calls it as it creates the process's crawler runner)
        if settings.getint("EXTRACT_PROCESSES") > 0:
            from caucasus_crawler.extract_pool import start_forkserver

            start_forkserver()

    def update_settings(self, settings: BaseSettings) -> None:
        share_response_budget(settings)
        if settings.getint("EXTRACT_PROCESSES") > 0:
            self.crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    def engine_started(self) -> None:
        settings, stats = self.crawler.settings, self.crawler.stats
        stats.set_value("extract_pool/processes", settings.getint("EXTRACT_PROCESSES"))
        stats.set_value(
            "extract_pool/response_budget", settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE")
        )


def share_response_budget(settings: BaseSettings) -> None:
    """Sets SCRAPER_SLOT_MAX_ACTIVE_SIZE to this crawler's share of the budget of the pool
    that EXTRACT_POOL_CRAWLERS crawlers share, unless extraction runs in the crawl's thread
    (EXTRACT_PROCESSES = 0) or the user set it (settings.py, `-s`, `--set`)."""
    from caucasus_crawler.extract_pool import response_budget

    processes = settings.getint("EXTRACT_PROCESSES")
    priority = settings.getpriority("SCRAPER_SLOT_MAX_ACTIVE_SIZE") or 0
    user_set = priority > SETTINGS_PRIORITIES["default"]
    if processes <= 0 or user_set:
        return
    crawlers = max(1, settings.getint("EXTRACT_POOL_CRAWLERS", 1))
    budget = response_budget(processes, crawlers)
    settings.set("SCRAPER_SLOT_MAX_ACTIVE_SIZE", budget, priority="addon")
    logger.info(
        "responses awaiting extraction: at most %d bytes (a pool of %d processes shared by "
        "%d crawler(s))",
        budget,
        processes,
        crawlers,
    )
