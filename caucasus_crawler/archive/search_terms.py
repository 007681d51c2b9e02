"""The word forms of the full-text index, by stem: what lets a search for one form of a word
find the others (caucasus_crawler/search/ holds the rules; this room their SQL).

`search_terms` holds each distinct word of the stored titles and bodies (as the index's
tokenizer splits them, lowercased) with its folded spelling and its stem(s). Storing an
article files its words in the same transaction (store.py); a process remembers the words it
filed (committed), so an article costs inserts only for the words new to it, a few once the
common ones are known. An archive made before the table, or with other stemming rules
(stemmers.STEMMER_VERSION), gets it built when it is opened from the full-text index's own
vocabulary (fts5vocab: each distinct word once, however many articles hold it), in short
transactions that a killed build resumes. Terms are never deleted: a term no article holds
any more only adds a word to a query that matches nothing.

The lookups take a plain sqlite3 connection, so that datasette's SQL functions (the plugin)
expand a query with the very same code as `search` and the API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from functools import lru_cache

from caucasus_crawler.archive.connection import Connected
from caucasus_crawler.archive.schema import SEARCH
from caucasus_crawler.search.folding import fold, words
from caucasus_crawler.search.query import (
    MAX_FORMS,
    Part,
    exact_match,
    expanded_match,
    folded_prefix_range,
    parse,
)
from caucasus_crawler.search.stemmers import STEMMER_VERSION, word_stems

# Words of the index's vocabulary filed per transaction when the table is built.
TERMS_BUILD_CHUNK = 20_000
# Words a process remembers having filed; past this many it forgets them all and starts again
# (the common words are back within a few articles).
TERMS_REMEMBERED = 500_000


def term_rows(terms: Iterable[str]) -> list[tuple[str, str, str]]:
    """(stem, term, folded) for each term, in key order (a B-tree written in one pass)."""
    return sorted(row for term in terms for row in _rows_of(term))


@lru_cache(maxsize=200_000)
def _rows_of(term: str) -> tuple[tuple[str, str, str], ...]:
    folded = fold(term)
    return tuple((stem, term, folded) for stem in word_stems(term))


def term_forms(conn: sqlite3.Connection, word: str) -> list[str]:
    """The index's forms sharing a stem with a query word (MAX_FORMS at most)."""
    stems = sorted(word_stems(word))
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


def match_expressions(conn: sqlite3.Connection, query: str | list[Part]) -> tuple[str, str]:
    """(every word in the form typed, every word in any form): the two FTS5 MATCH
    expressions of a query (or of its parts, query.parse), built of quoted terms only ('""',
    matching nothing, for a query without words). An archive without `search_terms` gets
    exact forms only."""
    parts = parse(query) if isinstance(query, str) else query

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
    _terms_filed: set[str] | None = None  # filed by this process, committed
    _terms_pending: set[str] | None = None  # filed in the open transaction

    def _file_terms(self, title: str, body: str) -> None:
        """Files an article's words (inside the caller's transaction)."""
        if self._terms_filed is None or len(self._terms_filed) > TERMS_REMEMBERED:
            self._terms_filed, self._terms_pending = set(), set()
        new = set(words(title)).union(words(body)) - self._terms_filed - self._terms_pending
        if new:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO search_terms (stem, term, folded) VALUES (?, ?, ?)",
                term_rows(new),
            )
            self._terms_pending |= new

    def _transaction_ended(self, committed: bool) -> None:
        if self._terms_pending:
            if committed:
                self._terms_filed |= self._terms_pending
            self._terms_pending = set()

    def _savepoint_rolled_back(self) -> None:
        if self._terms_pending:  # which of them the savepoint undid is unknown: none counts
            self._terms_pending = set()

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
        """Every word of the full-text index filed under the current rules."""
        if self.search_terms_ready():
            return
        with self.transaction():
            if self._terms_state()[0] != STEMMER_VERSION:
                self.db.conn.execute("DELETE FROM search_terms")
                self._set_terms_state(version=STEMMER_VERSION, built_to="")
        # the index's distinct words in order, each with the number of articles holding it
        # (which fts5vocab counts by reading the word's postings: the whole index once)
        self.db.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary"
            f" USING fts5vocab(main, {SEARCH.name}, row)"
        )
        while True:
            with self.transaction():
                built_to = self._terms_state()[1]
                if built_to == "done":
                    return
                terms = [
                    row[0]
                    for row in self.db.conn.execute(
                        "SELECT term FROM temp.search_vocabulary WHERE term > ?"
                        " ORDER BY term LIMIT ?",
                        [built_to, TERMS_BUILD_CHUNK],
                    )
                ]
                if not terms:
                    self._set_terms_state(built_to="done")
                    return
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO search_terms (stem, term, folded) VALUES (?, ?, ?)",
                    term_rows(terms),
                )
                self._set_terms_state(built_to=terms[-1])

    def search_expressions(self, query: str) -> tuple[str, str]:
        """The exact and the expanded MATCH expression of a query (match_expressions)."""
        return match_expressions(self.db.conn, query)
