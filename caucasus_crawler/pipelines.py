"""Item pipelines: normalise -> keep the publication window -> deduplicate and store. Items
are read through itemadapter.

Every item ends in the archive: an Article as a new or updated article (or as a duplicate
page pointing at the article kept), a PageVisit as a row of `pages`. Deduplication and storing
happen together in ArchiveWriter (caucasus_crawler/archive/writer.py), a batch per
transaction, so that the checks see what the batch itself stored; the store pipeline gathers
the batches, keeps the crawl's row in `crawl_runs` and stops the crawl when a write fails.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from caucasus_crawler.archive import Archive, write_failure_reason
from caucasus_crawler.archive.writer import ArchiveWriter
from caucasus_crawler.items import Article, PageVisit, left_out
from caucasus_crawler.normalise import normalise_article, prepared_fingerprint
from caucasus_crawler.publication_window import PublicationWindow

logger = logging.getLogger(__name__)


class NormalisePipeline:
    def process_item(self, item):
        if not isinstance(item, Article) or prepared_fingerprint(item) is not None:
            return item  # prepared (normalised) in the extraction worker
        return normalise_article(item)


class PublicationWindowPipeline:
    """An article published outside the crawl's window (PUBLISHED_SINCE, PUBLISHED_UNTIL) is
    not kept: it becomes a `skipped` page saying why (counted, stats `window/out_of_window`),
    which a later run with other bounds fetches again, since only settled pages are not."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.window = PublicationWindow.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicationWindowPipeline:
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, Article) or self.window.admits(item.published):
            return item
        self.crawler.stats.inc_value("window/out_of_window")
        day = (item.published or "")[:10]
        why = f"published {day}" if day else "no publication date"
        return left_out(item, f"out of the window (--since/--until): {why}")


# Set when a write to the archive failed in this process (the disk is full, say): every
# crawler of the process stops, since none of them can store what it fetches.
_write_failure: str | None = None


class StorePipeline:
    """Deduplicates and stores items through an ArchiveWriter, ARCHIVE_BATCH_SIZE items (or
    ARCHIVE_BATCH_SECONDS) per transaction, and keeps the run's counts. A crash loses at most
    the open batch, whose pages are fetched again by the next run (nothing marks them seen).

    A batch that cannot be written (a full disk) stops the crawl: its transaction is rolled
    back, every crawler of the process closes (stats `archive/write_failed` says why), and
    the run is marked failed, not finished, so that nothing it saw counts as known: the
    next run polls every start point afresh and fetches every article not stored."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.archive_path = settings["ARCHIVE_PATH"]
        self.mode = "wayback" if settings.getbool("WAYBACK") else settings.get("CRAWL_MODE", "live")
        # MAX_ARTICLES: new articles this outlet's crawl stores before it stops (0: no bound)
        self.max_articles = max(0, settings.getint("MAX_ARTICLES", 0))
        self.shared_run_id = settings.getint("CRAWL_RUN_ID") or None
        self.batch_size = max(1, settings.getint("ARCHIVE_BATCH_SIZE", 100))
        self.batch_seconds = settings.getfloat("ARCHIVE_BATCH_SECONDS", 2.0)
        self.archive: Archive | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.batch: list[Article | PageVisit] = []
        self.batch_started = 0.0
        self.stopping = False
        self.stopping_at_max = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    @property
    def stats(self):
        return self.crawler.stats

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.archive = Archive(self.archive_path)
        self.archive.register_sites([spider.profile])
        self.run_id = self.shared_run_id or self.archive.start_run(self.mode, [spider.name])
        self.writer = ArchiveWriter(self.archive, self.run_id)

    def close_spider(self) -> None:
        self.flush()
        if _write_failure is not None:
            self.batch.clear()
            if not self.shared_run_id:  # the CLI marks a run its crawlers share
                _ignore_write_errors(self.archive.fail_run, self.run_id, _write_failure)
            _ignore_write_errors(self.archive.close)
            return
        get = self.stats.get_value
        spider = self.crawler.spider
        held_back = {  # crawler traps' bounds (bounds.py): a capped run is not settled
            "requests_capped": get("bounds/requests_dropped", 0),
            "variants_capped": get("bounds/variants_dropped", 0),
            # nor is one whose --since/--until/--max-articles left something out
            "window_left_out": sum(
                get(f"window/{name}", 0)
                for name in ("listed_out", "out_of_window", "over_max_articles")
            )
            + (1 if self.stopping_at_max else 0),
        }
        self.archive.add_health_metrics(
            self.run_id, [(spider.name, m, n, None) for m, n in held_back.items() if n]
        )
        self.archive.add_to_run(
            self.run_id,
            requests=get("downloader/request_count", 0),
            pages=get("archive/pages", 0),
            articles_new=get("archive/articles_new", 0),
            articles_updated=get("archive/articles_updated", 0),
            duplicates=get("archive/duplicates", 0),
            failures=get("archive/failures", 0),
        )
        if not self.shared_run_id:  # a crawl of its own (`scrapy crawl`, Scrapyd): judged here
            self.archive.finish_run(self.run_id)
            self.archive.judge_run(self.run_id, {spider.name: spider.profile.digest})
        self.archive.close()

    def process_item(self, item):
        if _write_failure is not None:  # nothing more is stored: the crawl is stopping
            self.stop(_write_failure)
            return item
        stored = item
        if isinstance(item, Article) and self.max_articles:
            stored = self.bounded(item)
            if stored is None:
                return item
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.append(stored)
        if (
            len(self.batch) >= self.batch_size
            or time.monotonic() - self.batch_started >= self.batch_seconds
        ):
            self.flush()
        return item

    def bounded(self, article: Article) -> PageVisit | None:
        """MAX_ARTICLES: each article is stored at once, so that the count of new ones is
        exact; once it is reached the crawl closes (reason "max_articles"), and articles
        still on their way become `skipped` pages (stats `window/over_max_articles`), the
        pages returned here to be stored instead. None: the article is stored."""
        if self.stats.get_value("archive/articles_new", 0) >= self.max_articles:
            self.stats.inc_value("window/over_max_articles")
            return left_out(article, f"over --max-articles {self.max_articles}")
        self.batch.append(article)
        self.flush()
        if self.stats.get_value("archive/articles_new", 0) >= self.max_articles:
            if not self.stopping_at_max:
                self.stopping_at_max = True
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_articles"))
        return None

    def flush(self) -> None:
        if not self.batch or _write_failure is not None:
            return
        batch, self.batch = self.batch, []
        try:
            counts = self.writer.write(batch)
        except (sqlite3.Error, OSError) as exc:  # rolled back: none of the batch is stored
            # `caucasus-crawler crawl` (a shared run) says so itself, on one line
            level = logging.INFO if self.shared_run_id else logging.ERROR
            reason = _writes_failed(write_failure_reason(exc, self.archive_path), level)
            self.stop(reason)
            return
        for key, value in counts.items():
            self.stats.inc_value(f"archive/{key}", value)

    def stop(self, reason: str) -> None:
        """Close this crawler (once): nothing it fetches can be stored."""
        if self.stopping:
            return
        self.stopping = True
        self.stats.set_value("archive/write_failed", reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_write_failed"))


def _writes_failed(reason: str, level: int) -> str:
    """Marks this process's archive writes failed (the first reason stays) and logs it."""
    global _write_failure
    if _write_failure is None:
        _write_failure = reason
        logger.log(level, "%s", reason)
    return _write_failure


def _ignore_write_errors(step, *args) -> None:
    """A last write (the run marked failed) that a full disk may refuse too: the run then
    stays unfinished, which the next crawl treats alike."""
    try:
        step(*args)
    except (sqlite3.Error, OSError):
        pass
