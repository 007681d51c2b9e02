"""The duplicate index: each article's URL keys and the LSH band hashes of its body.

`article_urls` maps every URL known to be an article's (urls.url_key of its URL, aliases and
fetched URLs) to it; `article_bands` holds the band hashes of each body's MinHash (dedup.py),
so that a new article's near candidates are a few index lookups away at any archive size.
Storing an article files it here in the same transaction (store.py); an archive made before
the index, or with other fingerprint parameters (dedup.index_version()), gets it built when
it is opened, in short transactions that a killed build resumes.

The lookups of ArchiveWriter's duplicate check live here too, cheapest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from caucasus_crawler import dedup
from caucasus_crawler.archive.connection import Connected
from caucasus_crawler.items import Article
from caucasus_crawler.urls import url_key

# Articles fingerprinted per transaction when the index is built for stored articles: short
# transactions, so that a crawl writing the archive meanwhile waits seconds at most.
INDEX_BUILD_CHUNK = 2000


class DedupIndex(Connected):
    # -- building it ---------------------------------------------------------------------------
    def _index_state(self) -> tuple[str | None, str | None]:
        """(the dedup.index_version() the bands were made with, how far the build got: the
        last article id fingerprinted, or "done")."""
        state = dict(self.db.execute("SELECT name, value FROM dedup_index").fetchall())
        return state.get("version"), state.get("built_to")

    def _set_index_state(self, **values: str) -> None:
        self.db.conn.executemany(
            "INSERT INTO dedup_index (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def rebuild_dedup_index(self, progress: Callable[[int], None] | None = None) -> None:
        """Build the duplicate index again from the stored articles, as the migration does;
        `progress` is called with the number of articles done after each chunk."""
        with self.transaction():  # the write lock from the start
            self.db.conn.execute("DELETE FROM dedup_index")
        self._ensure_dedup_index(progress)

    def _ensure_dedup_index(self, progress: Callable[[int], None] | None = None) -> None:
        """URL keys and band hashes for every stored article (after migration 7, or when the
        fingerprint's parameters changed: bands made otherwise would never match). Built in
        short transactions of INDEX_BUILD_CHUNK articles, resumed where a killed build stopped;
        articles stored meanwhile index themselves (store_article)."""
        version = dedup.index_version()
        if self._index_state() == (version, "done"):
            return
        with self.transaction():  # the write lock from the start
            if self._index_state()[0] != version:
                self.db.conn.execute("DELETE FROM article_bands")
                self._set_index_state(version=version, built_to="0")
        done = 0
        while True:
            with self.transaction():  # the write lock from the start
                built_to = self._index_state()[1]
                if built_to == "done":
                    return
                indexed = self._index_chunk(int(built_to))
                if not indexed:
                    self._set_index_state(built_to="done")
                    return
            done += indexed
            if progress is not None:
                progress(done)

    def _index_chunk(self, after_id: int) -> int:
        """Index the next stored articles after `after_id`; how many (0: none were left)."""
        conn = self.db.conn
        rows = conn.execute(
            "SELECT id, url, body, language FROM articles WHERE id > ? ORDER BY id LIMIT ?",
            [after_id, INDEX_BUILD_CHUNK],
        ).fetchall()
        if not rows:
            return 0
        fingerprints = dedup.fingerprints((body, language) for _, _, body, language in rows)
        conn.executemany(
            "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
            [
                (band, article_id)
                for (article_id, *_), fp in zip(rows, fingerprints, strict=True)
                for band in fp.bands
            ],
        )
        # the URLs each article was fetched under count as its URLs too
        fetched = conn.execute(
            "SELECT url, article_id FROM pages WHERE outcome = 'article'"
            " AND article_id BETWEEN ? AND ?",
            [rows[0][0], rows[-1][0]],
        ).fetchall()
        conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
            [(url_key(url), article_id) for article_id, url, *_ in rows]
            + [(url_key(url), article_id) for url, article_id in fetched],
        )
        self._set_index_state(built_to=str(rows[-1][0]))
        return len(rows)

    # -- keeping it up to date (store.py calls these inside its transactions) ------------------
    def _index_article(
        self, article_id: int, article: Article, fingerprint: dedup.Fingerprint | None
    ) -> None:
        """Files the article's URL keys (its URL, aliases and the URL it was fetched under:
        the first article to claim a key keeps it) and, given a fingerprint, its bands."""
        urls = [article.url, *article.aliases]
        if article.fetched_url:
            urls.append(article.fetched_url)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in dict.fromkeys(map(url_key, urls))],
        )
        if fingerprint is not None:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
                [(band, article_id) for band in fingerprint.bands],
            )

    def _unindex_body(self, article_id: int, body: str, language: str | None) -> None:
        """Drops the bands an earlier body of the article gave (recomputed from that body:
        bands are a pure function of body and language, so no per-article list is kept)."""
        self.db.conn.executemany(
            "DELETE FROM article_bands WHERE band = ? AND article_id = ?",
            [(band, article_id) for band in dedup.fingerprint(body, language).bands],
        )

    # -- what the duplicate check asks (archive/writer.py), cheapest first ---------------------
    def article_for_url_keys(self, keys: Iterable[str]) -> int | None:
        """The first stored article one of these URL keys (urls.url_key) belongs to."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return None
        row = self.db.execute(
            "SELECT min(article_id) FROM article_urls"
            f" WHERE url_key IN ({', '.join('?' * len(keys))})",
            keys,
        ).fetchone()
        return row[0]

    def article_stored_from(self, page_url: str) -> int | None:
        """The article that this fetched URL's page was stored as (pages.outcome 'article')."""
        row = self.db.execute(
            "SELECT article_id FROM pages WHERE url = ? AND outcome = 'article'", [page_url]
        ).fetchone()
        return row[0] if row else None

    def article_with_hash(self, content_hash: str, other_than_url: str) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT id, url FROM articles WHERE content_hash = ? AND url != ? LIMIT 1",
            [content_hash, other_than_url],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def near_candidates(
        self, bands: Iterable[int], limit: int = 20, crowded: int = 100
    ) -> list[tuple[int, int]]:
        """(article id, bands shared) of the stored articles sharing a band hash with these,
        most shared first (the best estimate of similarity), then newest. A band that more
        than `crowded` stored articles share is left out: it comes from phrases common to
        many different stories (or a template), so it says nothing about any one of them,
        and its crowd would push the real copy out of the candidates verified. (Copies are
        never indexed, so a crowd is always of different articles.)"""
        bands = list(dict.fromkeys(bands))
        if not bands:
            return []
        bucket = "SELECT * FROM (SELECT band, article_id FROM article_bands WHERE band = ? LIMIT ?)"
        return self.db.execute(
            "SELECT article_id, count(*) AS shared FROM ("
            "  SELECT article_id, count(*) OVER (PARTITION BY band) AS crowd FROM ("
            + " UNION ALL ".join([bucket] * len(bands))
            + ")) WHERE crowd <= ? GROUP BY article_id"
            " ORDER BY shared DESC, article_id DESC LIMIT ?",
            [value for band in bands for value in (band, crowded + 1)] + [crowded, limit],
        ).fetchall()

    def article_bodies(self, article_ids: Iterable[int]) -> dict[int, str]:
        ids = list(article_ids)
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, body FROM articles WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
        return dict(rows.fetchall())

    def published_and_url(self, article_id: int) -> tuple[str | None, str] | None:
        row = self.db.execute(
            "SELECT published, url FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def kept_article_for(self, url: str) -> int | None:
        """The article a canonical URL ended at: its own (`articles.url`), or the one it is a
        duplicate of (`duplicates.url`); None when the archive holds neither."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE url = :url"
            " UNION ALL SELECT article_id FROM duplicates WHERE url = :url LIMIT 1",
            {"url": url},
        ).fetchone()
        return row[0] if row else None
