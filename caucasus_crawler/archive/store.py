"""Writes: articles (with their categories, tags, editions and earlier versions), raw
responses, pages, duplicates and outlets. Each write is one transaction, or a savepoint in the
caller's (ArchiveWriter stores a batch in one); articles keep the duplicate index and the
search's word forms (search_terms.py) in step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from caucasus_crawler import dedup
from caucasus_crawler.archive.connection import now_iso
from caucasus_crawler.archive.dedup_index import DedupIndex
from caucasus_crawler.archive.search_terms import SearchTerms
from caucasus_crawler.archive.topic_index import TopicIndex
from caucasus_crawler.items import Article, Link, PageVisit, RawResponse, compress_body
from caucasus_crawler.profiles import Profile
from caucasus_crawler.urls import canonical_url


@dataclass
class StoreResult:
    article_id: int
    outcome: str  # "new", "updated" or "unchanged"


class Store(DedupIndex, TopicIndex, SearchTerms):
    # -- outlets -------------------------------------------------------------------------------
    def register_sites(self, profiles: Iterable[Profile]) -> None:
        """The outlets' rows of `sites`; their articles are filed under topics by these
        profiles' maps from now on."""
        profiles = list(profiles)
        self.map_topics(profiles)
        rows = [{**p.summary(), "languages": json.dumps(list(p.languages))} for p in profiles]
        with self.transaction():
            self.db["sites"].upsert_all(rows, pk="name")

    # -- articles ------------------------------------------------------------------------------
    def store_article(
        self,
        article: Article,
        run_id: int | None = None,
        *,
        record_page: bool = True,
        fingerprint: dedup.Fingerprint | None = None,
    ) -> StoreResult:
        """Insert the article, or update the archived one with the same URL; one transaction.
        `record_page=False` leaves the fetch's `pages` row as it is (re-extraction). The
        duplicate index follows: a new article's URL keys and bands are filed, an update's
        bands replaced when its body changed (`fingerprint`, dedup.fingerprint of the body,
        saves computing it again when the caller has it)."""
        seen = article.fetched or now_iso()
        fields = {
            "site": article.site,
            "title": article.title,
            "body": article.text,
            "published": article.published,
            "modified": article.modified,
            "authors": json.dumps(article.authors, ensure_ascii=False),
            "language": article.language,
            "description": article.description,
            "image": article.image,
            "word_count": len(article.text.split()),
            "content_hash": article.content_hash,
        }
        with self.transaction():
            existing = self.db.execute(
                f"SELECT id, {', '.join(fields)} FROM articles WHERE url = ?", [article.url]
            ).fetchone()
            if existing is None:
                cursor = self.db.execute(
                    "INSERT INTO articles (url, first_seen, last_seen, run_id, "
                    + ", ".join(fields)
                    + ") VALUES (:url, :seen, :seen, :run_id, "
                    + ", ".join(f":{k}" for k in fields)
                    + ")",
                    {**fields, "url": article.url, "seen": seen, "run_id": run_id},
                )
                article_id, outcome = cursor.lastrowid, "new"
                # a page is an article or a duplicate, not both (its text may have changed)
                self.db.execute("DELETE FROM duplicates WHERE url = ?", [article.url])
                self._index_article(
                    article_id,
                    article,
                    fingerprint or dedup.fingerprint(article.text, article.language),
                )
                self._file_terms(article_id, article.title, article.text, article.language)
            else:
                article_id, new_body = existing[0], None
                changed = tuple(existing[1:]) != tuple(fields.values()) or self._links_of(
                    article_id
                ) != _links(article)
                if changed:
                    previous = dict(zip(fields, existing[1:], strict=True))
                    if (previous["title"], previous["content_hash"]) != (
                        fields["title"],
                        fields["content_hash"],
                    ):
                        self.db.execute(
                            "INSERT INTO article_revisions (article_id, seen, title, body,"
                            " content_hash) SELECT id, last_seen, title, body, content_hash"
                            " FROM articles WHERE id = ?",
                            [article_id],
                        )
                    if (previous["content_hash"], previous["language"]) != (
                        fields["content_hash"],
                        fields["language"],
                    ):
                        self._unindex_body(article_id, previous["body"], previous["language"])
                        new_body = fingerprint or dedup.fingerprint(article.text, article.language)
                    if (previous["title"], previous["body"], previous["language"]) != (
                        fields["title"],
                        fields["body"],
                        fields["language"],
                    ):
                        self._file_terms(article_id, article.title, article.text, article.language)
                    assignments = ", ".join(f"{k} = :{k}" for k in fields)
                    self.db.execute(
                        f"UPDATE articles SET {assignments}, last_seen = :seen, run_id = :run_id "
                        "WHERE id = :id",
                        {**fields, "seen": seen, "run_id": run_id, "id": article_id},
                    )
                    outcome = "updated"
                else:
                    self.db.execute(
                        "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                    )
                    outcome = "unchanged"
                self._index_article(article_id, article, new_body)  # and keys of new aliases
            if outcome != "unchanged":
                fresh = outcome == "new"  # no links of its own yet: nothing to replace
                self._link(
                    article_id, article.site, article.categories, "categories", "category", fresh
                )
                self._link(article_id, article.site, article.tags, "tags", "tag", fresh)
                self._set_translations(article_id, article.translations, fresh)
            # every time: the categories' map may have changed since it was last stored
            self._file_under_topics(
                article_id,
                article.site,
                [c.name for c in article.categories],
                fresh=outcome == "new",
            )
            if article.raw is not None:
                self._store_response(
                    article.fetched_url or article.url,
                    article.site,
                    seen,
                    article.http_status,
                    article.raw,
                )
            if record_page:
                self._record_page(
                    article.fetched_url or article.url,
                    article.site,
                    "article",
                    article.http_status,
                    None,
                    article_id,
                    seen,
                    run_id,
                )
        return StoreResult(article_id, outcome)

    def _links_of(self, article_id: int) -> tuple:
        """What `_links` gives for the article as archived."""
        names = [
            sorted(
                r[0]
                for r in self.db.execute(
                    f"SELECT t.name FROM {table} t JOIN article_{table} j ON j.{key}_id = t.id "
                    "WHERE j.article_id = ?",
                    [article_id],
                )
            )
            for table, key in (("categories", "category"), ("tags", "tag"))
        ]
        translations = dict(
            self.db.execute(
                "SELECT language, url FROM translations WHERE article_id = ?", [article_id]
            ).fetchall()
        )
        return (*names, translations)

    def _link(
        self,
        article_id: int,
        site: str | None,
        links: list[Link],
        table: str,
        key: str,
        fresh: bool = False,
    ) -> None:
        join = f"article_{table}"
        conn = self.db.conn  # the statements of every stored article: no wrapper in between
        if not fresh:
            conn.execute(f"DELETE FROM {join} WHERE article_id = ?", [article_id])
        for link in links:
            # RETURNING gives the row's id whether it was inserted or already there
            link_id = conn.execute(
                f"INSERT INTO {table} (site, name, url) VALUES (?, ?, ?) "
                f"ON CONFLICT (site, name) DO UPDATE SET url = coalesce({table}.url, excluded.url)"
                " RETURNING id",
                [site, link.name, link.url],
            ).fetchone()[0]
            conn.execute(
                f"INSERT OR IGNORE INTO {join} (article_id, {key}_id) VALUES (?, ?)",
                [article_id, link_id],
            )

    def _set_translations(
        self, article_id: int, translations: dict[str, str], fresh: bool = False
    ) -> None:
        if not fresh:
            self.db.execute("DELETE FROM translations WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO translations (article_id, language, url) VALUES (?, ?, ?)",
            [(article_id, language, url) for language, url in translations.items()],
        )

    # -- raw responses -------------------------------------------------------------------------
    def _store_response(
        self, url: str, site: str | None, fetched: str, status: int | None, raw: RawResponse
    ) -> None:
        body = raw.compressed if raw.compressed is not None else compress_body(raw.body)
        self.db.execute(
            "INSERT OR REPLACE INTO responses (url, site, fetched, http_status, headers, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [url, site, fetched, status, json.dumps(raw.headers), body],
        )

    # -- pages and duplicates ------------------------------------------------------------------
    def record_duplicate(self, article: Article, run_id: int | None = None) -> None:
        """A fetched page whose article the archive already holds: its `pages` row, and its
        `duplicates` row (by URL: the URL fetched for a `url` duplicate, the page's canonical
        URL for an `exact` or `near` one)."""
        seen = article.fetched or now_iso()
        kind = article.duplicate_kind
        page_url = article.fetched_url or article.url
        url = canonical_url(page_url) if kind == "url" else article.url
        similarity = 1.0 if article.similarity is None else article.similarity
        with self.transaction():
            if article.raw is not None:  # kept like any page: a later extractor may disagree
                self._store_response(page_url, article.site, seen, article.http_status, article.raw)
            self._record_page(
                page_url,
                article.site,
                "duplicate",
                article.http_status,
                f"{kind} duplicate" + (f" (similarity {similarity:.2f})" if kind == "near" else ""),
                article.duplicate_of,
                seen,
                run_id,
            )
            self.db.execute(
                "INSERT INTO duplicates (url, site, article_id, kind, similarity, seen, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " site = excluded.site, article_id = excluded.article_id,"
                " kind = excluded.kind, similarity = excluded.similarity,"
                " seen = excluded.seen, run_id = excluded.run_id",
                [url, article.site, article.duplicate_of, kind, similarity, seen, run_id],
            )

    def record_page(self, visit: PageVisit, run_id: int | None = None) -> None:
        with self.transaction():
            if visit.raw is not None:
                self._store_response(
                    visit.url, visit.site, visit.fetched or now_iso(), visit.http_status, visit.raw
                )
            self._record_page(
                visit.url,
                visit.site,
                visit.outcome,
                visit.http_status,
                visit.reason,
                None,
                visit.fetched or now_iso(),
                run_id,
                visit.etag,
                visit.last_modified,
            )

    def _record_page(
        self,
        url: str,
        site: str | None,
        outcome: str,
        status: int | None,
        reason: str | None,
        article_id: int | None,
        fetched: str,
        run_id: int | None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO pages (url, site, outcome, http_status, reason, article_id, fetched,"
            " run_id, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET site = excluded.site,"
            " outcome = excluded.outcome, http_status = excluded.http_status,"
            " reason = excluded.reason, article_id = excluded.article_id,"
            " fetched = excluded.fetched, run_id = excluded.run_id,"
            " etag = excluded.etag, last_modified = excluded.last_modified",
            [url, site, outcome, status, reason, article_id, fetched, run_id, etag, last_modified],
        )

    def demote(
        self, article_id: int, kept_id: int, kind: str, similarity: float, run_id: int | None
    ) -> None:
        """An archived article turns out to be a copy of `kept_id` (stored after it, but the
        earlier story): its URL becomes a row of `duplicates`, everything that pointed at it
        (duplicates, pages, URL keys) points at the kept article, and its row, bands and links
        go. Its raw response stays, so `reextract` can judge the page again."""
        reason = f"{kind} duplicate" + (f" (similarity {similarity:.2f})" if kind == "near" else "")
        with self.transaction():
            row = self.db.execute(
                "SELECT body, language FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if row is None:
                return
            self.db.execute(
                "INSERT INTO duplicates (url, site, article_id, kind, similarity, seen, run_id)"
                " SELECT url, site, :kept, :kind, :similarity, last_seen, :run_id FROM articles"
                " WHERE id = :id ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id,"
                " kind = excluded.kind, similarity = excluded.similarity, seen = excluded.seen,"
                " run_id = excluded.run_id",
                {
                    "kept": kept_id,
                    "kind": kind,
                    "similarity": similarity,
                    "run_id": run_id,
                    "id": article_id,
                },
            )
            self.db.execute(
                "UPDATE duplicates SET article_id = ? WHERE article_id = ?", [kept_id, article_id]
            )
            self.db.execute(
                "UPDATE pages SET outcome = 'duplicate', reason = ? WHERE article_id = ?"
                " AND outcome = 'article'",
                [reason, article_id],
            )
            self.db.execute(
                "UPDATE pages SET article_id = ? WHERE article_id = ?", [kept_id, article_id]
            )
            self.db.execute(
                "UPDATE OR IGNORE article_urls SET article_id = ? WHERE article_id = ?",
                [kept_id, article_id],
            )
            self.db.execute("DELETE FROM article_urls WHERE article_id = ?", [article_id])
            self._unindex_body(article_id, row[0], row[1])
            self.db.execute("DELETE FROM articles WHERE id = ?", [article_id])


def _links(article: Article) -> tuple:
    """An article's categories, tags and translations, in a comparable form."""
    return (
        sorted(c.name for c in article.categories),
        sorted(t.name for t in article.tags),
        dict(article.translations),
    )
