"""ArchiveWriter: deduplicate items against the archive and store them, a batch per transaction.

The crawl's StorePipeline (pipelines.py), `ingest` (items drained from Redis) and `reextract`
all write through it, so an item becomes the same rows whichever way it arrived.

A duplicate is found in three steps, cheapest first (see ArchiveWriter.find_duplicate): its
URLs (`url`), its normalised text (`exact`), then near copies through the archive's LSH band
index, verified on the real texts (`near`, see caucasus_crawler/dedup.py). Of a story's
copies the earliest published is kept and the others point to it; the first one seen is kept
until an earlier one arrives, which then takes its place (Archive.demote). So the archive does
not depend on the order pages were fetched in: a killed crawl run again, or two crawls at
once, end with the articles one uninterrupted crawl gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from itemadapter import ItemAdapter

from caucasus_crawler import dedup, health
from caucasus_crawler.archive import Archive
from caucasus_crawler.items import Article, PageVisit
from caucasus_crawler.normalise import prepared_fingerprint
from caucasus_crawler.urls import canonical_url, url_key


class ArchiveWriter:
    """Deduplicates items against the archive and stores them, one transaction per batch.

    Checks run inside the batch's transaction, so they see the batch's own earlier articles.
    Writing an item twice (a batch replayed after a crash) changes nothing: articles, pages
    and duplicates are keyed by URL.
    """

    # Near-duplicate candidates verified per article, those sharing most bands first: a cap
    # on the work a template shared by thousands of archived articles could cause.
    MAX_CANDIDATES = 20

    def __init__(self, archive: Archive, run_id: int | None = None, count_health: bool = True):
        self.archive = archive
        self.run_id = run_id
        # An import of old pages says nothing of how the profile fits the site today
        self.count_health = count_health

    def write(self, items: Iterable[Article | PageVisit]) -> Counter:
        """Store a batch in one transaction; returns what happened (keys as in the crawl's
        stats: pages, articles_new, articles_updated, duplicates, failures). What the items
        say about their outlets' profiles is added to the run's health counts."""
        counts: Counter = Counter()
        metrics: dict[tuple[str, str], list] = {}
        with self.archive.transaction():
            for item in items:
                counts.update(self._write_one(item))
                if self.run_id is not None and self.count_health and item.site:
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
