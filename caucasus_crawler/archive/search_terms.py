"""The word forms of the full-text index, by stem: what lets a search for one form of a word
find the others (caucasus_crawler/search/ holds the rules; this room their SQL).

`search_terms` holds each distinct word of the stored titles and bodies (as the index's
tokenizer splits them, lowercased) with its folded spelling and its stem(s). Storing an
article files its words in the same transaction (store.py); an archive made before the
table, or with other stemming rules (stemmers.STEMMER_VERSION), gets it built when it is
opened, in short transactions that a killed build resumes. Terms are never deleted: a term
no article holds any more only adds a word to a query that matches nothing.

The lookups take a plain sqlite3 connection, so that datasette's SQL functions (the plugin)
expand a query with the very same code as `search` and the API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache

from caucasus_crawler.archive.connection import Connected
from caucasus_crawler.search.folding import fold, words
from caucasus_crawler.search.query import (
    MAX_FORMS,
    exact_match,
    expanded_match,
    folded_prefix_range,
    parse,
)
from caucasus_crawler.search.stemmers import STEMMER_VERSION, index_stems, query_stems

# Articles whose words are filed per transaction when the table is built for stored articles.
TERMS_BUILD_CHUNK = 500


def term_rows(title: str, body: str, language: str | None) -> set[tuple[str, str, str]]:
    """(stem, term, folded) for every distinct word of an article."""
    return {row for term in set(words(title) + words(body)) for row in _rows_of(term, language)}


@lru_cache(maxsize=200_000)
def _rows_of(term: str, language: str | None) -> tuple[tuple[str, str, str], ...]:
    folded = fold(term)
    return tuple((stem, term, folded) for stem in index_stems(term, language))


def term_forms(conn: sqlite3.Connection, word: str) -> list[str]:
    """The index's forms sharing a stem with a query word (MAX_FORMS at most)."""
    stems = sorted(query_stems(word))
    rows = conn.execute(
        "SELECT DISTINCT term FROM search_terms"
        f" WHERE stem IN ({', '.join('?' * len(stems))}) ORDER BY length(term), term LIMIT ?",
        [*stems, MAX_FORMS],
    )
    return [row[0] for row in rows]


def prefixed_forms(conn: sqlite3.Connection, prefix: str) -> list[str]:
    """The index's forms whose folded spelling begins with the folded prefix but which the
    index's own prefix match misses (`baki*`: bakı, bakıda), MAX_FORMS at most."""
    low, high = folded_prefix_range(prefix)
    native = prefix.lower()
    rows = conn.execute(
        "SELECT DISTINCT term FROM search_terms WHERE folded >= ? AND folded < ?"
        " AND substr(term, 1, ?) != ? ORDER BY folded, term LIMIT ?",
        [low, high, len(native), native, MAX_FORMS],
    )
    return [row[0] for row in rows]


def match_expressions(conn: sqlite3.Connection, query: str) -> tuple[str, str]:
    """(every word in the form typed, every word in any form): the two FTS5 MATCH
    expressions of a query, built of quoted terms only ('""', matching nothing, for a
    query without words). An archive without `search_terms` gets exact forms only."""
    parts = parse(query)

    def looked_up(lookup: Callable[[sqlite3.Connection, str], list[str]]):
        def forms(word: str) -> list[str]:
            try:
                return lookup(conn, word)
            except sqlite3.OperationalError:  # no such table: an archive not yet migrated
                return []

        return forms

    return exact_match(parts), expanded_match(
        parts, looked_up(term_forms), looked_up(prefixed_forms)
    )


class SearchTerms(Connected):
    def _file_terms(self, article_id: int, title: str, body: str, language: str | None) -> None:
        """Files an article's words (inside the caller's transaction)."""
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO search_terms (stem, term, folded) VALUES (?, ?, ?)",
            term_rows(title, body, language),
        )

    def _terms_state(self) -> tuple[str | None, str | None]:
        """(the STEMMER_VERSION the terms were filed with, how far the build got: the last
        article id done, or "done")."""
        state = dict(self.db.execute("SELECT name, value FROM search_index").fetchall())
        return state.get("version"), state.get("built_to")

    def _set_terms_state(self, **values: str) -> None:
        self.db.conn.executemany(
            "INSERT INTO search_index (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def search_terms_ready(self) -> bool:
        return self._terms_state() == (STEMMER_VERSION, "done")

    def rebuild_search_terms(self) -> None:
        """File every stored article's words again, as the migration does (after articles
        were loaded around store_article, e.g. in bulk by a benchmark)."""
        with self.transaction():
            self.db.conn.execute("DELETE FROM search_index")
        self._ensure_search_terms()

    def _ensure_search_terms(self) -> None:
        """Every stored article's words filed under the current rules."""
        if self.search_terms_ready():
            return
        with self.transaction():
            if self._terms_state()[0] != STEMMER_VERSION:
                self.db.conn.execute("DELETE FROM search_terms")
                self._set_terms_state(version=STEMMER_VERSION, built_to="0")
        while True:
            with self.transaction():
                built_to = self._terms_state()[1]
                if built_to == "done":
                    return
                rows = self.db.conn.execute(
                    "SELECT id, title, body, language FROM articles WHERE id > ?"
                    " ORDER BY id LIMIT ?",
                    [int(built_to), TERMS_BUILD_CHUNK],
                ).fetchall()
                if not rows:
                    self._set_terms_state(built_to="done")
                    return
                found: set[tuple[str, str, str]] = set()  # a chunk's common words once
                for _, title, body, language in rows:
                    found |= term_rows(title, body, language)
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO search_terms (stem, term, folded) VALUES (?, ?, ?)",
                    sorted(found),  # in key order: the B-tree is written in one pass
                )
                self._set_terms_state(built_to=str(rows[-1][0]))

    def search_expressions(self, query: str) -> tuple[str, str]:
        """The exact and the expanded MATCH expression of a query (match_expressions)."""
        return match_expressions(self.db.conn, query)
