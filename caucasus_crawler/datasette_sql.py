"""The SQL that only datasette runs, for `caucasus-crawler serve`.

The canned queries (with the titles and descriptions serve.py gives them), the queries of an
article's page, and the SQL of the plugin's facets and `?_category=` filter
(datasette_plugin.py). `search_match()` and `search_exact()` in the search query are the
archive's own query expansion (archive.match_expressions) as SQL functions, which the plugin
registers on every connection, so that datasette finds what `search` finds, in its order.
The rest of the project's SQL is in caucasus_crawler/archive/.
"""

from __future__ import annotations

from caucasus_crawler.archive.queries import SEARCH_ORDER

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "latest_per_outlet": {
        "title": "Latest articles of each outlet",
        "description": "The ten newest articles of every outlet.",
        "sql": """
SELECT a.site, a.published, a.language, a.title, a.url, a.id
FROM sites s JOIN articles a ON a.id IN (
    SELECT b.id FROM articles b WHERE b.site = s.name
    ORDER BY b.published DESC LIMIT 10)
ORDER BY a.site, a.published DESC
""".strip(),
    },
    "articles_in_category": {
        "title": "Articles in a category",
        "description": "Articles in a category of that name (any outlet), newest first.",
        "sql": """
SELECT a.published, a.site, c.name AS category, a.language, a.title, a.url, a.id
FROM categories c
JOIN article_categories ac ON ac.category_id = c.id
JOIN articles a ON a.id = ac.article_id
WHERE c.name = :category
ORDER BY a.published DESC
""".strip(),
    },
    "search": {
        "title": "Search, with highlighted snippets",
        "description": "Words to find in titles and bodies (all of them, in any of their "
        'forms; word* for a beginning, "quotes" for an exact phrase), best match first: '
        "the hits of `caucasus-crawler search`.",
        "sql": f"""
SELECT a.published, a.site, a.language,
    highlight(articles_fts, 0, '<mark>', '</mark>') AS headline,
    snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet,
    a.url, a.id
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH search_match(:q)
ORDER BY {SEARCH_ORDER.format(floor="").replace(":exact", "search_exact(:q)")}
LIMIT 100
""".strip(),
    },
    "duplicates_of_article": {
        "title": "Duplicates of an article",
        "description": "Pages whose article the archive already held, for an article id or "
        "URL (empty: all of them).",
        "sql": """
SELECT p.url AS duplicate_url, p.reason, p.fetched, p.http_status,
    a.id AS article_id, a.title, a.url AS archived_url
FROM pages p JOIN articles a ON a.id = p.article_id
WHERE p.outcome = 'duplicate'
    AND (:article = '' OR a.id = :article OR a.url = :article)
ORDER BY p.fetched DESC
""".strip(),
    },
}

# Only on archives that have `site_health` (made from 2026-12-07 on, or migrated since):
# each outlet's verdict from its latest judged run (health.py), worst first.
HEALTH_QUERY: dict[str, str] = {
    "title": "Latest health of each outlet",
    "description": "Whether each outlet's profile still fits its site, from its latest run: "
    "ok, drifted (the problems name the profile field to fix) or down. `caucasus-crawler "
    "health` judges several runs.",
    "sql": """
SELECT h.site, h.verdict, h.run_id, r.started,
    (SELECT group_concat(json_extract(p.value, '$.field') || ' (' ||
        json_extract(p.value, '$.kind') || '): ' || json_extract(p.value, '$.detail')
        || coalesce(', e.g. ' || json_extract(p.value, '$.example'), ''), char(10))
     FROM json_each(h.problems) AS p) AS problems,
    (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
        AND m.site = h.site AND m.metric = 'article_pages') AS article_pages,
    (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
        AND m.site = h.site AND m.metric = 'articles') AS articles,
    (SELECT count FROM site_health_metrics AS m WHERE m.run_id = h.run_id
        AND m.site = h.site AND m.metric = 'failed') AS failed
FROM site_health AS h JOIN crawl_runs AS r ON r.id = h.run_id
WHERE h.run_id = (SELECT max(run_id) FROM site_health AS l WHERE l.site = h.site)
ORDER BY CASE h.verdict WHEN 'down' THEN 0 WHEN 'drifted' THEN 1 ELSE 2 END, h.site
""".strip(),
}

# Only once `article_revisions` exists (the plugin adds it when it does): earlier versions
# of an article.
REVISIONS_QUERY: dict[str, str] = {
    "title": "Revisions of an article",
    "description": "Earlier versions of an article (its id or URL), newest first.",
    "sql": """
SELECT r.*, a.url, a.title AS current_title
FROM article_revisions r JOIN articles a ON a.id = r.article_id
WHERE a.id = :article OR a.url = :article
ORDER BY r.rowid DESC
""".strip(),
}

# One article for its datasette page (templates/row.html): the row, then its categories,
# tags and other editions; an edition the archive holds comes with its article's id
# (`archived`), found by its URL or by any URL known to be that article's (article_urls).
ARTICLE = """
SELECT a.*, s.title AS outlet FROM articles a LEFT JOIN sites s ON s.name = a.site
WHERE a.id = :id
"""
ARTICLE_LINKS = """
SELECT 'categories' AS kind, c.name, c.url, NULL AS archived FROM article_categories j
    JOIN categories c ON c.id = j.category_id WHERE j.article_id = :id
UNION ALL
SELECT 'tags', t.name, t.url, NULL FROM article_tags j
    JOIN tags t ON t.id = j.tag_id WHERE j.article_id = :id
UNION ALL
SELECT 'translations', t.language, t.url,
    (SELECT b.id FROM articles b WHERE b.url = t.url) FROM translations t WHERE t.article_id = :id
ORDER BY 1, 2
"""
# The articles table's page (templates/_table.html): outlets by their own name, and the
# categories of the articles shown.
OUTLET_TITLES = "SELECT name, title FROM sites"


# The article a URL key (urls.url_key) belongs to, for an edition not found by its URL.
ARTICLE_BY_URL_KEY = "SELECT article_id FROM article_urls WHERE url_key = :key"


def category_facet(inner_sql: str, limit: int) -> str:
    """Articles per category name among the rows of a datasette table query."""
    return (
        "SELECT c.name AS value, count(DISTINCT ac.article_id) AS count"
        " FROM article_categories ac JOIN categories c ON c.id = ac.category_id"
        f" WHERE ac.article_id IN (SELECT id FROM ({inner_sql}))"
        f" GROUP BY c.name ORDER BY count DESC, value LIMIT {int(limit)}"
    )


def topic_facet(inner_sql: str, limit: int) -> str:
    """Articles per topic among the rows of a datasette table query."""
    return (
        "SELECT t.name AS value, count(*) AS count"
        " FROM article_topics j JOIN topics t ON t.id = j.topic_id"
        f" WHERE j.article_id IN (SELECT id FROM ({inner_sql}))"
        f" GROUP BY t.name ORDER BY count DESC, value LIMIT {int(limit)}"
    )


def month_facet(inner_sql: str, column: str, limit: int) -> str:
    """Rows per month (`YYYY-MM` of an ISO date column, given escaped), newest month first."""
    return (
        f"SELECT substr({column}, 1, 7) AS value, count(*) AS count FROM ({inner_sql})"
        f" WHERE {column} IS NOT NULL GROUP BY value ORDER BY value DESC LIMIT {int(limit)}"
    )


def category_filter(param: str) -> str:
    """The WHERE clause of datasette's `?_category=NAME` (articles in that category)."""
    return (
        "id IN (SELECT ac.article_id FROM article_categories ac JOIN categories c"
        f" ON c.id = ac.category_id WHERE c.name = :{param})"
    )


def topic_filter(param: str) -> str:
    """The WHERE clause of datasette's `?_topic=NAME` (articles filed under that topic)."""
    return (
        "id IN (SELECT j.article_id FROM article_topics j JOIN topics t"
        f" ON t.id = j.topic_id WHERE t.name = :{param})"
    )


def categories_of_articles(count: int) -> str:
    """The (article id, category name) pairs of `count` articles, given as `?` parameters."""
    marks = ", ".join("?" * count) or "NULL"
    return (
        "SELECT j.article_id, c.name FROM article_categories j"
        f" JOIN categories c ON c.id = j.category_id WHERE j.article_id IN ({marks})"
        " ORDER BY j.article_id, c.name"
    )
