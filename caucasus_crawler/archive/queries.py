"""What the commands and the crawl read: articles as users see them, search hits, export
records, counts for `stats`, the outlets and languages archived, the raw responses kept, and
what an incremental crawl asks about a URL.

`search`, `export`, `stats` and `serve` only read: they open the archive with
`Archive.open_read_only`, so a crawl may write to it meanwhile and a read-only file works.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from caucasus_crawler.archive.connection import Connected
from caucasus_crawler.archive.search_terms import match_expressions
from caucasus_crawler.items import decompress_body
from caucasus_crawler.search.query import parse


def fts_query(text: str) -> str:
    """Quote each word so that user input never reads as FTS5 syntax (exact forms only: the
    plain word matching that search_quality.py compares ours with)."""
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"' for w in words)


# The order of search hits, after `ORDER BY` (the FTS table in the query is articles_fts):
# those matching every word in the form typed (:exact) first, then by bm25, then newest.
# `{floor}` narrows the exact matches looked at to the ones ranked (Queries.search_hits).
def ranked_matches_sql(
    columns: str, where: str = "1", floor: str = "", excluded: str = "", newest_first: bool = False
) -> str:
    """The SQL of one pass of a search: `columns` of the articles matching :match (and
    `where`, over `articles a`), best first by FTS5's own `rank` (bm25), :limit of them.
    FTS5 sorts its matches by rank itself and hands them over best first, so highlight() and
    snippet() run for the rows returned only (an ORDER BY that FTS5 cannot take over, such
    as rank and then rowid, or a rowid IN list, made them for every match: seconds for a
    common word in a million articles). `floor` and `excluded` add rowid constraints, which
    FTS5 applies while it reads its doclists. `newest_first`: by rowid instead, which FTS5
    also hands over in order, with no ranking at all."""
    order = "articles_fts.rowid DESC" if newest_first else "articles_fts.rank"
    return (
        f"SELECT {columns} FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        f" WHERE articles_fts MATCH :match AND {where}{floor}{excluded}"
        f" ORDER BY {order} LIMIT :limit"
    )


class Queries(Connected):
    # -- articles ------------------------------------------------------------------------------
    def article_id_for_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def article(self, article_id: int) -> dict:
        """An article with its categories, tags and topics, as users see it."""
        row = dict(self.db["articles"].get(article_id))
        row["authors"] = json.loads(row["authors"])
        row["translations"] = dict(
            self.db.execute(
                "SELECT language, url FROM translations WHERE article_id = ? ORDER BY language",
                [article_id],
            ).fetchall()
        )
        for table, key in (("categories", "category"), ("tags", "tag"), ("topics", "topic")):
            row[table] = [
                r[0]
                for r in self.db.execute(
                    f"SELECT t.name FROM {table} t JOIN article_{table} j ON j.{key}_id = t.id "
                    "WHERE j.article_id = ? ORDER BY t.name",
                    [article_id],
                )
            ]
        return row

    # -- what a crawl asks (spiders/frontier.py, bounds.py, the spider) ------------------------
    def page_state(self, url: str) -> dict | None:
        """What the archive knows of a fetched URL: its last outcome and fetch time, whether
        the run that fetched it finished, and the validators of the response."""
        # a run settles what it saw when it finished and was not capped for the page's
        # outlet (bounds.py: what it left is the next run's), nor bounded by a publication
        # window that left something of it out (publication_window.py)
        row = self.db.execute(
            "SELECT p.outcome, p.fetched, r.finished IS NOT NULL AND NOT EXISTS ("
            "  SELECT 1 FROM site_health_metrics m WHERE m.site = p.site AND m.run_id = r.id"
            "  AND m.metric IN ('requests_capped', 'window_left_out')),"
            " p.etag, p.last_modified"
            " FROM pages p LEFT JOIN crawl_runs r ON r.id = p.run_id WHERE p.url = ?",
            [url],
        ).fetchone()
        if row is None:
            return None
        keys = ("outcome", "fetched", "run_finished", "etag", "last_modified")
        return dict(zip(keys, row, strict=True))

    def wayback_resume_point(self, site: str, first_page: str) -> tuple[str, int] | None:
        """Where a Wayback backfill of `site` that did not finish stopped reading the index
        whose first page is `first_page` (spiders/wayback.py): the last index page its run
        recorded and that page's number; None when the last run to read it finished."""
        prefix = first_page + "&resumeKey="
        row = self.db.execute(
            "SELECT p.url, p.reason, r.finished IS NOT NULL FROM pages p"
            " LEFT JOIN crawl_runs r ON r.id = p.run_id"
            " WHERE p.site = :site AND (p.url = :first OR substr(p.url, 1, :n) = :prefix)"
            " ORDER BY p.run_id DESC, p.rowid DESC LIMIT 1",
            {"site": site, "first": first_page, "n": len(prefix), "prefix": prefix},
        ).fetchone()
        if row is None or row[2]:
            return None
        number = re.search(r"\bpage (\d+)\b", row[1] or "")
        return row[0], int(number.group(1)) if number else 1

    def article_seen(self, url: str) -> tuple[str, str] | None:
        """(first_seen, last_seen) of the article archived at this canonical URL."""
        row = self.db.execute(
            "SELECT first_seen, last_seen FROM articles WHERE url = ?", [url]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def recent_article_urls(self, site: str, limit: int) -> list[str]:
        """The URLs of an outlet's most recently archived articles (their shapes teach the
        crawl what the outlet's article links look like)."""
        rows = self.db.execute(
            "SELECT url FROM articles WHERE site = ? ORDER BY published DESC LIMIT ?",
            [site, limit],
        )
        return [row[0] for row in rows]

    # -- raw responses (reextract, export --format warc) ---------------------------------------
    def responses(self, sites: Iterable[str] | None = None) -> Iterator[dict]:
        """Stored raw responses, one at a time (bodies decompressed), oldest fetch first:
        `{url, site, fetched, http_status, headers, body, article_id}`."""
        sql = (
            "SELECT r.url, r.site, r.fetched, r.http_status, r.headers, r.body, p.article_id "
            # only the page an article was stored from names it: a duplicate's page names the
            # article it copies, which its text must not overwrite
            "FROM responses r LEFT JOIN pages p ON p.url = r.url AND p.outcome = 'article'"
        )
        params: list = []
        if sites is not None:
            sites = list(sites)
            sql += f" WHERE r.site IN ({', '.join('?' * len(sites))})"
            params = sites
        for url, site, fetched, status, headers, body, article_id in self.db.execute(
            sql + " ORDER BY r.fetched, r.url", params
        ):
            yield {
                "url": url,
                "site": site,
                "fetched": fetched,
                "http_status": status,
                "headers": json.loads(headers),
                "body": decompress_body(body),
                "article_id": article_id,
            }

    def count_responses(self, sites: Iterable[str] | None = None) -> int:
        """Stored raw responses (of these outlets)."""
        where, params = self._article_filter(sites=sites)
        return self.db.execute(
            f"SELECT count(*) FROM responses a WHERE {where}", params
        ).fetchone()[0]

    # -- outlets and languages -----------------------------------------------------------------
    def site_names(self) -> list[str]:
        """Outlets that have a row in `sites` (crawled at least once)."""
        return [row[0] for row in self.db.execute("SELECT name FROM sites ORDER BY name")]

    def languages(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1"
        )
        return [row[0] for row in rows]

    def sites(self) -> list[dict]:
        """Every outlet in the archive, with its `languages` as a list."""
        rows = self.db.execute("SELECT name, title, country, languages, home FROM sites")
        return [
            {"name": n, "title": t, "country": c, "languages": json.loads(lang), "home": h}
            for n, t, c, lang, h in rows
        ]

    # -- search, export and stats: articles chosen by the filters users give -------------------
    @staticmethod
    def _article_filter(
        sites: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        topics: Iterable[str] | None = None,
        match: str | None = None,
    ) -> tuple[str, dict]:
        """A WHERE clause over `articles a` (named parameters) for the filters users give.
        `since` and `until` are days, both included, read from `published` as the outlet
        printed it (its local date); `match` an FTS5 expression of `search_expressions`."""
        clauses: list[str] = []
        params: dict = {}

        def any_of(column: str, values: Iterable[str] | None, key: str) -> None:
            values = list(values or [])
            if values:
                names = [f":{key}{i}" for i in range(len(values))]
                clauses.append(f"{column} IN ({', '.join(names)})")
                params.update({name[1:]: value for name, value in zip(names, values, strict=True)})

        any_of("a.site", sites, "site")
        any_of("a.language", languages, "language")
        categories = list(categories or [])
        if categories:
            names = [f":category{i}" for i in range(len(categories))]
            clauses.append(
                "a.id IN (SELECT ac.article_id FROM article_categories ac JOIN categories c"
                f" ON c.id = ac.category_id WHERE c.name IN ({', '.join(names)}))"
            )
            params.update({n[1:]: v for n, v in zip(names, categories, strict=True)})
        topics = list(topics or [])
        if topics:  # any of them
            names = [f":topic{i}" for i in range(len(topics))]
            clauses.append(
                "a.id IN (SELECT j.article_id FROM article_topics j JOIN topics t"
                f" ON t.id = j.topic_id WHERE t.name IN ({', '.join(names)}))"
            )
            params.update({n[1:]: v for n, v in zip(names, topics, strict=True)})
        if since is not None:
            clauses.append("a.published >= :since")
            params["since"] = since.isoformat()
        if until is not None:
            clauses.append("a.published < :until")
            params["until"] = (until + timedelta(days=1)).isoformat()
        if match is not None:
            clauses.append(
                "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :filter_match)"
            )
            params["filter_match"] = match
        return (" AND ".join(clauses) or "1"), params

    def search_hits(
        self,
        query: str,
        *,
        limit: int = 20,
        mark: tuple[str, str] = ("<mark>", "</mark>"),
        snippet_words: int = 24,
        ranked: int = 10_000,
        **filters,
    ) -> list[dict]:
        """Full-text hits, best first: each with the title highlighted (`headline`) and a
        `snippet` of the body around the matched words, both marked with `mark`.

        A query's words match in any of their forms (search/query.py), in two passes: the
        articles holding every word in the form typed first, then, if they are fewer than
        `limit`, those found through other forms; each pass best first by bm25 (the canned
        search of datasette runs the same two, datasette_sql.py). As bm25 costs microseconds
        a match, a pass that matches more than `ranked` articles (within the filters) ranks
        the `ranked` most recently archived of them: the id of the `ranked`-th newest match
        is found first, from rowids in FTS5's own order, no ranking, no article read unless
        a filter needs it. A query with a phrase or a prefix that matches more than that
        gives its newest matches first: bm25 would count a phrase's matches in the whole
        index ("of the": 0.2 s at a million articles), and a prefix merges the postings of
        every word it begins, in each statement that ranks."""
        where, params = self._article_filter(**filters)
        parts = parse(query)
        exact, expanded = match_expressions(self.db.conn, parts)
        costly = any(part.is_phrase or part.prefix for part in parts)
        passes = dict(ranked=ranked, mark=mark, snippet_words=snippet_words, costly=costly)
        hits = self._search_pass(exact, where, params, limit, **passes)
        if len(hits) < limit and expanded != exact:
            excluded = [hit["id"] for hit in hits]
            hits += self._search_pass(
                expanded, where, params, limit - len(hits), **passes, excluded=excluded
            )
        for hit in hits:  # a snippet may span paragraphs: one line reads better
            hit["snippet"] = " ".join((hit["snippet"] or "").split())
        return hits

    def _search_pass(
        self,
        match: str,
        where: str,
        params: dict,
        limit: int,
        *,
        ranked: int,
        mark: tuple[str, str],
        snippet_words: int,
        costly: bool,
        excluded: Iterable[int] = (),
    ) -> list[dict]:
        joined = "" if where == "1" else " JOIN articles a ON a.id = articles_fts.rowid"
        values = {**params, "match": match, "skip": max(0, ranked - 1)}
        floor = self.db.execute(
            f"SELECT articles_fts.rowid FROM articles_fts{joined}"
            f" WHERE articles_fts MATCH :match AND {where}"
            " ORDER BY articles_fts.rowid DESC LIMIT 1 OFFSET :skip",
            values,
        ).fetchone()
        excluded = [str(int(i)) for i in excluded]
        newest_first = bool(floor) and costly
        sql = ranked_matches_sql(
            "a.id, a.url, a.site, a.language, a.published, a.title,"
            " highlight(articles_fts, 0, :open, :close) AS headline,"
            " snippet(articles_fts, 1, :open, :close, '…', :words) AS snippet,"
            # no bm25 at all when newest first (a phrase's would count its matches)
            + (" NULL AS rank" if newest_first else " articles_fts.rank AS rank"),
            where,
            floor=" AND articles_fts.rowid >= :floor" if floor else "",
            excluded=f" AND articles_fts.rowid NOT IN ({', '.join(excluded)})" if excluded else "",
            newest_first=newest_first,
        )
        cursor = self.db.execute(
            sql,
            {
                **values,
                "floor": floor[0] if floor else None,
                "open": mark[0],
                "close": mark[1],
                "words": snippet_words,
                "limit": limit,
            },
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    def count_articles(self, **filters) -> int:
        where, params = self._article_filter(**filters)
        return self.db.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[
            0
        ]

    def export_records(self, **filters) -> Iterator[dict]:
        """One record per article, oldest id first, with its outlet, categories and tags;
        read from one cursor, a row at a time, so memory stays flat on any archive size."""
        where, params = self._article_filter(**filters)
        cursor = self.db.conn.execute(
            "SELECT a.id, a.url, a.site, s.title AS outlet, s.country, a.language, a.title,"
            " a.description, a.body AS text, a.published, a.modified, a.authors, a.image,"
            " a.word_count, a.content_hash, a.first_seen, a.last_seen,"
            " (SELECT json_group_array(name) FROM (SELECT c.name FROM article_categories ac"
            "   JOIN categories c ON c.id = ac.category_id WHERE ac.article_id = a.id"
            "   ORDER BY c.name)) AS categories,"
            " (SELECT json_group_array(name) FROM (SELECT t.name FROM article_tags j"
            "   JOIN tags t ON t.id = j.tag_id WHERE j.article_id = a.id ORDER BY t.name)) AS tags,"
            " (SELECT json_group_array(name) FROM (SELECT t.name FROM article_topics j"
            "   JOIN topics t ON t.id = j.topic_id WHERE j.article_id = a.id ORDER BY t.name))"
            " AS topics"
            f" FROM articles a LEFT JOIN sites s ON s.name = a.site WHERE {where}"
            " ORDER BY a.id",
            params,
        )
        columns = [d[0] for d in cursor.description]
        for row in cursor:
            record = dict(zip(columns, row, strict=True))
            for key in ("authors", "categories", "tags", "topics"):
                record[key] = json.loads(record[key] or "[]")
            yield record

    _COUNT_KEYS = {
        "site": "a.site",
        "language": "a.language",
        "month": "substr(a.published, 1, 7)",
        "day": "substr(a.published, 1, 10)",
    }

    def article_counts(self, by: str, **filters) -> dict[str, int]:
        """Articles per outlet (`site`), `language`, `month`, `day`, `category` (by name,
        across outlets) or `topic`, in key order; undated articles have no month or day."""
        where, params = self._article_filter(**filters)
        if by == "category":
            sql = (
                "SELECT c.name, count(DISTINCT ac.article_id) FROM article_categories ac"
                " JOIN categories c ON c.id = ac.category_id"
                f" JOIN articles a ON a.id = ac.article_id WHERE {where} GROUP BY c.name"
            )
        elif by == "topic":
            sql = (
                "SELECT t.name, count(*) FROM article_topics j JOIN topics t ON t.id = j.topic_id"
                f" JOIN articles a ON a.id = j.article_id WHERE {where} GROUP BY t.name"
            )
        else:
            key = self._COUNT_KEYS[by]
            sql = (
                f"SELECT {key} AS k, count(*) FROM articles a WHERE {where} AND k IS NOT NULL"
                " GROUP BY k"
            )
        return dict(sorted(self.db.execute(sql, params).fetchall()))

    def count_articles_without_topic(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM articles a"
            " WHERE NOT EXISTS (SELECT 1 FROM article_topics j WHERE j.article_id = a.id)"
        ).fetchone()[0]

    def articles_without_topic(self, examples: int = 3) -> list[dict]:
        """The articles no topic files, per outlet and category (a category its outlet's map
        lacks, or none at all: `category` None), most articles first: `{site, category,
        articles, examples: [{id, url, title}]}`, the newest `examples` of each."""
        rows = self.db.execute(
            "WITH loose AS (SELECT a.id, a.url, a.title, a.site, a.published FROM articles a"
            "   WHERE NOT EXISTS (SELECT 1 FROM article_topics j WHERE j.article_id = a.id)),"
            " filed AS (SELECT l.*, c.name AS category FROM loose l"
            "   LEFT JOIN article_categories ac ON ac.article_id = l.id"
            "   LEFT JOIN categories c ON c.id = ac.category_id),"
            " ranked AS (SELECT *, count(*) OVER w AS articles,"
            "   row_number() OVER (w ORDER BY published DESC, id DESC) AS n FROM filed"
            "   WINDOW w AS (PARTITION BY site, category))"
            " SELECT site, category, articles, id, url, title FROM ranked WHERE n <= ?"
            " ORDER BY articles DESC, site, category, n",
            [examples],
        )
        groups: dict[tuple, dict] = {}
        for site, category, articles, id_, url, title in rows:
            group = groups.setdefault(
                (site, category),
                {"site": site, "category": category, "articles": articles, "examples": []},
            )
            group["examples"].append({"id": id_, "url": url, "title": title})
        return list(groups.values())

    def articles_per_day(self, **filters) -> list[tuple[str, str, int]]:
        """(day, outlet, articles) for every day an outlet published, by day."""
        where, params = self._article_filter(**filters)
        rows = self.db.execute(
            "SELECT substr(a.published, 1, 10) AS day, a.site, count(*) FROM articles a"
            f" WHERE {where} AND day IS NOT NULL GROUP BY day, a.site ORDER BY day, a.site",
            params,
        )
        return rows.fetchall()

    def date_range(self, **filters) -> tuple[str | None, str | None]:
        """The first and last `published` of the articles (as the outlets printed them)."""
        where, params = self._article_filter(**filters)
        row = self.db.execute(
            f"SELECT min(a.published), max(a.published) FROM articles a WHERE {where}", params
        ).fetchone()
        return row[0], row[1]

    def site_summary(self) -> list[dict]:
        """Per outlet: its title, articles, first and last date."""
        rows = self.db.execute(
            "SELECT s.name, s.title, count(a.id), min(a.published), max(a.published)"
            " FROM sites s LEFT JOIN articles a ON a.site = s.name GROUP BY s.name ORDER BY s.name"
        )
        return [
            {"site": n, "title": t, "articles": c, "first": f, "last": la}
            for n, t, c, f, la in rows
        ]
