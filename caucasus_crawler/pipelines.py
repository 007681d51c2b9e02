"""Item pipelines: normalise -> deduplicate -> store. Items are read through itemadapter.

Every item ends in the archive: an Article as a new or updated article (or as a duplicate
page pointing at the article kept), a PageVisit as a row of `pages`. Deduplication and storing
happen together in ArchiveWriter, a batch per transaction, so that the checks see what the
batch itself stored; the store pipeline also keeps the crawl's row in `crawl_runs`.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from caucasus_crawler.archive import Archive
from caucasus_crawler.items import Article, Link, PageVisit
from caucasus_crawler.urls import canonical_url

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise_text(text: str) -> str:
    """NFC, single spaces inside lines, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text or "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str) -> str:
    """A hash that ignores case and spacing, so trivially re-rendered copies match."""
    words = normalise_text(text).casefold().split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def _clean_links(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    cleaned = []
    for link in links:
        name = normalise_text(link.name).replace("\n", " ")
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(Link(name, canonical_url(link.url) if link.url else None))
    return cleaned


def normalise_article(article: Article) -> Article:
    """Canonical URLs, NFC text with uniform spacing, unique authors and links, the body's
    hash. Shared by the crawl and `reextract`, so both store the same thing."""
    adapter = ItemAdapter(article)
    adapter["url"] = canonical_url(adapter["url"])
    adapter["title"] = normalise_text(adapter["title"]).replace("\n", " ")
    adapter["text"] = normalise_text(adapter["text"])
    adapter["authors"] = list(dict.fromkeys(normalise_text(a) for a in adapter["authors"] if a))
    adapter["categories"] = _clean_links(adapter["categories"])
    adapter["tags"] = _clean_links(adapter["tags"])
    adapter["translations"] = {
        language: canonical_url(url) for language, url in adapter["translations"].items()
    }
    adapter["content_hash"] = content_hash(adapter["text"])
    return article


class NormalisePipeline:
    def process_item(self, item):
        return normalise_article(item) if isinstance(item, Article) else item


class ArchiveWriter:
    """Deduplicates items against the archive and stores them, one transaction per batch.

    The crawl's StorePipeline and `ingest` (items drained from Redis) both write through it,
    so an item becomes the same rows whichever way it arrived. Checks run inside the batch's
    transaction, so they see the batch's own earlier articles. Writing an item twice (a batch
    replayed after a crash) changes nothing: articles and pages are keyed by URL.
    """

    def __init__(self, archive: Archive, run_id: int | None = None):
        self.archive = archive
        self.run_id = run_id
        self.urls_this_run: set[str] = set()

    def write(self, items: Iterable[Article | PageVisit]) -> Counter:
        """Store a batch in one transaction; returns what happened (keys as in the crawl's
        stats: pages, articles_new, articles_updated, duplicates, failures)."""
        counts: Counter = Counter()
        with self.archive.transaction():
            for item in items:
                counts.update(self._write_one(item))
        return counts

    def _write_one(self, item: Article | PageVisit) -> Counter:
        counts = Counter(pages=1)
        if isinstance(item, PageVisit):
            self.archive.record_page(item, self.run_id)
            if item.outcome == "failed":
                counts["failures"] += 1
            return counts
        self.find_duplicate(item)
        if item.duplicate_of is not None:
            self.archive.record_duplicate(item, self.run_id)
            counts["duplicates"] += 1
            return counts
        result = self.archive.store_article(item, self.run_id)
        if result.outcome in ("new", "updated"):
            counts[f"articles_{result.outcome}"] += 1
        return counts

    def find_duplicate(self, article: Article) -> None:
        """Marks an article the archive already holds under another URL, or that this
        writer already stored under the same URL (sets duplicate_of / duplicate_kind)."""
        adapter = ItemAdapter(article)
        url = adapter["url"]
        if url in self.urls_this_run:  # e.g. a redirect and its target, both listed
            kept = self.archive.article_id_for_url(url)
            if kept is not None:
                adapter["duplicate_of"], adapter["duplicate_kind"] = kept, "url"
                return
        self.urls_this_run.add(url)
        same_body = self.archive.article_with_hash(adapter["content_hash"], url)
        if same_body is not None:
            adapter["duplicate_of"], adapter["duplicate_kind"] = same_body[0], "exact"


class StorePipeline:
    """Deduplicates and stores items through an ArchiveWriter, ARCHIVE_BATCH_SIZE items (or
    ARCHIVE_BATCH_SECONDS) per transaction, and keeps the run's counts. A crash loses at most
    the open batch, whose pages are fetched again by the next run (nothing marks them seen)."""

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
        get = self.stats.get_value
        self.archive.add_to_run(
            self.run_id,
            requests=get("downloader/request_count", 0),
            pages=get("archive/pages", 0),
            articles_new=get("archive/articles_new", 0),
            articles_updated=get("archive/articles_updated", 0),
            duplicates=get("archive/duplicates", 0),
            failures=get("archive/failures", 0),
        )
        if not self.shared_run_id:
            self.archive.finish_run(self.run_id)
        self.archive.close()

    def process_item(self, item):
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
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        for key, value in self.writer.write(batch).items():
            self.stats.inc_value(f"archive/{key}", value)
