"""Item pipelines: normalise -> deduplicate -> store. Items are read through itemadapter.

Every item ends in the archive: an Article as a new or updated article (or as a duplicate
page pointing at the article kept), a PageVisit as a row of `pages`. The store pipeline also
keeps the crawl's row in `crawl_runs`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

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


class DeduplicatePipeline:
    """Marks an article the archive already holds under another URL, or that this crawl
    already stored under the same URL; the store pipeline records it as a duplicate page."""

    def __init__(self, archive_path: str):
        self.archive_path = archive_path
        self.archive: Archive | None = None
        self.urls_this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeduplicatePipeline:
        return cls(crawler.settings["ARCHIVE_PATH"])

    def open_spider(self) -> None:
        self.archive = Archive(self.archive_path)

    def close_spider(self) -> None:
        if self.archive:
            self.archive.close()

    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        adapter = ItemAdapter(item)
        url = adapter["url"]
        if url in self.urls_this_run:  # e.g. a redirect and its target, both listed
            kept = self.archive.article_id_for_url(url)
            if kept is not None:
                adapter["duplicate_of"], adapter["duplicate_kind"] = kept, "url"
                return item
        self.urls_this_run.add(url)
        same_body = self.archive.article_with_hash(adapter["content_hash"], url)
        if same_body is not None:
            adapter["duplicate_of"], adapter["duplicate_kind"] = same_body[0], "exact"
        return item


class StorePipeline:
    """Writes items to the archive, one short transaction each, and keeps the run's counts."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.archive_path = settings["ARCHIVE_PATH"]
        self.mode = settings.get("CRAWL_MODE", "live")
        self.shared_run_id = settings.getint("CRAWL_RUN_ID") or None
        self.archive: Archive | None = None
        self.run_id: int | None = None

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

    def close_spider(self) -> None:
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
        self.stats.inc_value("archive/pages")
        if isinstance(item, PageVisit):
            self.archive.record_page(item, self.run_id)
            if item.outcome == "failed":
                self.stats.inc_value("archive/failures")
            return item
        if item.duplicate_of is not None:
            self.archive.record_duplicate(item, self.run_id)
            self.stats.inc_value("archive/duplicates")
            return item
        result = self.archive.store_article(item, self.run_id)
        if result.outcome in ("new", "updated"):
            self.stats.inc_value(f"archive/articles_{result.outcome}")
        return item
