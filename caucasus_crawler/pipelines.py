"""Item pipelines: normalise -> deduplicate -> store. Items are read through itemadapter.

Every item ends in the archive: an Article as a new or updated article (or as a duplicate
page pointing at the article kept), a PageVisit as a row of `pages`. Deduplication and storing
happen together in ArchiveWriter, a batch per transaction, so that the checks see what the
batch itself stored; the store pipeline also keeps the crawl's row in `crawl_runs`.

A duplicate is found in three steps, cheapest first (see ArchiveWriter.find_duplicate): its
URLs (`url`), its normalised text (`exact`), then near copies through the archive's LSH band
index, verified on the real texts (`near`, see caucasus_crawler/dedup.py). Of a story's
copies the earliest published is kept and the others point to it; the first one seen is kept
until an earlier one arrives, which then takes its place (Archive.demote). So the archive does
not depend on the order pages were fetched in: a killed crawl run again, or two crawls at
once, end with the articles one uninterrupted crawl gives.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from caucasus_crawler import dedup, health
from caucasus_crawler.archive import Archive, write_failure_reason
from caucasus_crawler.items import Article, PageVisit
from caucasus_crawler.normalise import normalise_article, prepared_fingerprint
from caucasus_crawler.urls import canonical_url, url_key

logger = logging.getLogger(__name__)


class NormalisePipeline:
    def process_item(self, item):
        if not isinstance(item, Article) or prepared_fingerprint(item) is not None:
            return item  # prepared (normalised) in the extraction worker
        return normalise_article(item)


class ArchiveWriter:
    """Deduplicates items against the archive and stores them, one transaction per batch.

    The crawl's StorePipeline and `ingest` (items drained from Redis) both write through it,
    so an item becomes the same rows whichever way it arrived. Checks run inside the batch's
    transaction, so they see the batch's own earlier articles. Writing an item twice (a batch
    replayed after a crash) changes nothing: articles, pages and duplicates are keyed by URL.
    """

    # Near-duplicate candidates verified per article, those sharing most bands first: a cap
    # on the work a template shared by thousands of archived articles could cause.
    MAX_CANDIDATES = 20

    def __init__(self, archive: Archive, run_id: int | None = None):
        self.archive = archive
        self.run_id = run_id

    def write(self, items: Iterable[Article | PageVisit]) -> Counter:
        """Store a batch in one transaction; returns what happened (keys as in the crawl's
        stats: pages, articles_new, articles_updated, duplicates, failures). What the items
        say about their outlets' profiles is added to the run's health counts."""
        counts: Counter = Counter()
        metrics: dict[tuple[str, str], list] = {}
        with self.archive.transaction():
            for item in items:
                counts.update(self._write_one(item))
                if self.run_id is not None and item.site:
                    example = item.url if isinstance(item, PageVisit) else item.fetched_url
                    for metric, number in health.item_metrics(item):
                        if not number:
                            continue
                        entry = metrics.setdefault((item.site, metric), [0, None])
                        entry[0] += number
                        entry[1] = entry[1] or example or item.url
            if metrics:
                self.archive.add_health_metrics(
                    self.run_id, [(site, m, c, e) for (site, m), (c, e) in metrics.items()]
                )
        return counts

    def _write_one(self, item: Article | PageVisit) -> Counter:
        counts = Counter(pages=1)
        if isinstance(item, PageVisit):
            self.archive.record_page(item, self.run_id)
            if item.outcome == "failed":
                counts["failures"] += 1
            return counts
        fingerprint = self._check(item)
        if item.duplicate_of is not None and not self._precedes_kept(item):
            self.archive.record_duplicate(item, self.run_id)
            counts["duplicates"] += 1
            return counts
        if item.duplicate_of is not None:  # the original, stored after its copy: swap them
            copy_id, kind, similarity = item.duplicate_of, item.duplicate_kind, item.similarity
            adapter = ItemAdapter(item)
            adapter["duplicate_of"] = adapter["duplicate_kind"] = adapter["similarity"] = None
            result = self.archive.store_article(item, self.run_id, fingerprint=fingerprint)
            self.archive.demote(copy_id, result.article_id, kind, similarity, self.run_id)
            counts.update(duplicates=1)  # the copy, no longer an article: net, no new one
            return counts
        result = self.archive.store_article(item, self.run_id, fingerprint=fingerprint)
        if result.outcome in ("new", "updated"):
            counts[f"articles_{result.outcome}"] += 1
        return counts

    def _precedes_kept(self, article: Article) -> bool:
        """Whether a text copy was published before the article it copies (which then gives
        way to it). Unknown dates come last; equal ones go by URL, so the choice never
        depends on which was fetched first. A `url` duplicate is the same page: never."""
        if article.duplicate_kind == "url":
            return False
        kept = self.archive.published_and_url(article.duplicate_of)
        if kept is None:
            return False
        return _age_order(article.published, article.url) < _age_order(*kept)

    def find_duplicate(self, article: Article) -> None:
        """Marks an article the archive already holds (sets duplicate_of, duplicate_kind and
        similarity), or leaves it unmarked: new, or an update of the article its page was
        stored as (a re-crawl of the same page is never a duplicate)."""
        self._check(article)

    def _check(self, article: Article) -> dedup.Fingerprint | None:
        """find_duplicate; returns the body's fingerprint when it computed one, so that
        storing the article does not compute it again."""
        adapter = ItemAdapter(article)

        def mark(kept: int, kind: str, similarity: float = 1.0) -> None:
            adapter["duplicate_of"], adapter["duplicate_kind"] = kept, kind
            adapter["similarity"] = similarity

        url, text, language = adapter["url"], adapter["text"], adapter["language"]
        page = adapter["fetched_url"] or url  # as `pages.url` holds it
        # 1. URLs. The article's own URL: its page again (an update), or another page that
        # names it as canonical (an alias such as a shortlink, AMP or www page).
        kept = self.archive.article_id_for_url(url)
        if kept is not None:
            if canonical_url(page) != url and self.archive.article_stored_from(page) != kept:
                mark(kept, "url")
            return None
        # Its URL, aliases or fetched URL is known as an archived article's (www, http, ...)
        keys = map(url_key, [url, *adapter["aliases"], page])
        kept = self.archive.article_for_url_keys(keys)
        if kept is not None:
            mark(kept, "url")
            return None
        # 2. The same normalised text under another URL
        same_body = self.archive.article_with_hash(adapter["content_hash"], url)
        if same_body is not None:
            mark(same_body[0], "exact")
            return None
        # 3. A near copy: candidates from the band index, verified on the stored texts
        fingerprint = prepared_fingerprint(article) or dedup.fingerprint(text, language)
        candidates = self.archive.near_candidates(fingerprint.bands, self.MAX_CANDIDATES)
        bodies = self.archive.article_bodies(article_id for article_id, _ in candidates)
        best: tuple[float, int] | None = None
        for article_id, _shared in candidates:
            if article_id not in bodies:  # a band of an article since removed
                continue
            similarity = dedup.verify(fingerprint, bodies[article_id])
            if similarity is not None and (best is None or similarity > best[0]):
                best = (similarity, article_id)
        if best is not None:
            mark(best[1], "near", best[0])
        return fingerprint


def _age_order(published: str | None, url: str) -> tuple:
    """Sorts articles by publication (unknown or unreadable dates last), then by URL."""
    try:
        moment = datetime.fromisoformat(published).timestamp() if published else None
    except (ValueError, TypeError, OverflowError):
        moment = None
    return (moment is None, moment or 0.0, url)


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
        self.mode = settings.get("CRAWL_MODE", "live")
        self.shared_run_id = settings.getint("CRAWL_RUN_ID") or None
        self.batch_size = max(1, settings.getint("ARCHIVE_BATCH_SIZE", 100))
        self.batch_seconds = settings.getfloat("ARCHIVE_BATCH_SECONDS", 2.0)
        self.archive: Archive | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.batch: list[Article | PageVisit] = []
        self.batch_started = 0.0
        self.stopping = False

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
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.append(item)
        if (
            len(self.batch) >= self.batch_size
            or time.monotonic() - self.batch_started >= self.batch_seconds
        ):
            self.flush()
        return item

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
