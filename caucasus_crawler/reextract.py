"""Re-extraction: run today's extraction over the raw responses the archive kept.

When extraction or a profile improves, `caucasus-crawler reextract` brings every archived
article up to date without fetching anything: articles whose text or metadata changed are
updated, and pages that held no article before but do now are added. The duplicate index
follows: an article whose body changed gets its new bands (Archive.store_article), and a page
newly found to hold an article goes through the crawl's own duplicate check first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from caucasus_crawler.archive import Archive
from caucasus_crawler.archive.writer import ArchiveWriter
from caucasus_crawler.charsets import decode_page
from caucasus_crawler.extract import NotAnArticle, extract_judged
from caucasus_crawler.normalise import normalise_article
from caucasus_crawler.profiles import Profile
from caucasus_crawler.progress import Progress

logger = logging.getLogger(__name__)


@dataclass
class ReextractReport:
    pages: int = 0
    updated: int = 0
    new: int = 0
    unchanged: int = 0
    not_articles: int = 0
    duplicates: int = 0
    failed: int = 0
    no_profile: int = 0

    def summary(self) -> str:
        return (
            f"Re-extracted {self.pages} stored page(s): {self.updated} article(s) updated, "
            f"{self.new} new, {self.unchanged} unchanged, {self.not_articles} not articles, "
            f"{self.duplicates} duplicates, {self.failed} failed"
            + (f", {self.no_profile} of outlets with no profile" if self.no_profile else "")
        )


def reextract(
    db_path: str, profiles: dict[str, Profile], sites: Iterable[str] | None = None
) -> ReextractReport:
    report = ReextractReport()
    # Two connections: the reader's snapshot (WAL) is not disturbed by the writer's updates.
    with (
        Archive(db_path, create=False) as reader,
        Archive(db_path) as writer,
        Progress("re-extracting", unit="page") as progress,
    ):
        writer.map_topics(profiles.values())  # a changed map of topics reaches every article
        for response in reader.responses(sites):
            progress.update()
            report.pages += 1
            profile = profiles.get(response["site"])
            if profile is None:
                report.no_profile += 1
                continue
            try:
                # the charset the crawl read it with: the header's, unless the bytes disagree
                html = decode_page(response["body"], _content_type(response["headers"]))
                # judged as the crawl judges it (Profile.page_mode, extract_judged)
                article = extract_judged(
                    html,
                    response["url"],
                    profile,
                    profile.page_mode(response["url"]),
                    now=datetime.fromisoformat(response["fetched"]),
                )
            except NotAnArticle:
                report.not_articles += 1
                continue
            except Exception as exc:  # one bad page must not stop the rest
                logger.warning(
                    "%s: extraction failed: %s: %s", response["url"], type(exc).__name__, exc
                )
                report.failed += 1
                continue
            article.site = response["site"]
            article.fetched_url = response["url"]
            article.http_status = response["http_status"]
            article.fetched = response["fetched"]
            normalise_article(article)
            kept_id = response["article_id"]
            if kept_id is not None:
                article.url = writer.article(kept_id)["url"]  # the row it was stored as
                outcome = writer.store_article(article, record_page=False).outcome
            else:
                counts = ArchiveWriter(writer).write([article])
                if counts["duplicates"]:
                    report.duplicates += 1
                    continue
                outcome = "new" if counts["articles_new"] else "unchanged"
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _content_type(headers: dict[str, str]) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)
