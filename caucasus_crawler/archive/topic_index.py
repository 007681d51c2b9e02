"""Topics in the archive: the `topics` table (the taxonomy, topics.toml) and `article_topics`
(which article is filed under which topic), kept from the outlets' maps of their categories
(each profile's [topics] table; caucasus_crawler/topics.py).

An article's topics follow from its categories, so they are written where its categories are:
in the transaction that stores the article (Store.store_article), every time it is stored,
so that a changed category, or a changed map met again by a crawl or by `reextract`, leaves
them right. An archive older than the tables gets them filled from its categories by
migration 10, inside the migration's transaction (migrations.migrate): the map is data in
the profiles, read by Python, not SQL a migration script could hold.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from caucasus_crawler.archive.connection import Connected
from caucasus_crawler.profiles import Profile
from caucasus_crawler.topics import CategoryTopics, builtin_maps, maps_of, taxonomy, topics_of

TOPICS_STEP = 11  # the migration that made `topics` and `article_topics`


def topic_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """Every topic's id by name, the taxonomy's rows added or relabelled first if the table
    lags topics.toml (a newer package over an older archive). Ids never change: a topic
    dropped from the taxonomy keeps its row, and the articles filed under it."""
    rows = {name: (id_, label) for id_, name, label in conn.execute("SELECT * FROM topics")}
    stale = [t for t in taxonomy().values() if rows.get(t.name, (0, None))[1] != t.label]
    for topic in stale:
        conn.execute(
            "INSERT INTO topics (name, label) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET label = excluded.label",
            [topic.name, topic.label],
        )
    if stale:
        return dict(conn.execute("SELECT name, id FROM topics").fetchall())
    return {name: id_ for name, (id_, _) in rows.items()}


def fill_article_topics(
    conn: sqlite3.Connection, maps: dict[str, CategoryTopics] | None = None
) -> int:
    """File every archived article under the topics of its categories (`maps`: each outlet's
    map, the bundled profiles' by default); the caller's transaction. Only the categories
    (a few hundred) are read in Python; SQLite joins them to the articles. Returns the rows."""
    ids = topic_ids(conn)
    if conn.execute("SELECT 1 FROM categories LIMIT 1").fetchone() is None:
        return 0  # a new archive: nothing to file, no profile to read
    maps = builtin_maps() if maps is None else maps
    pairs = [
        (category_id, ids[topic])
        for category_id, site, name in conn.execute("SELECT id, site, name FROM categories")
        for topic in topics_of(maps.get(site, {}), [name])
    ]
    # one pass over article_categories in its key's order (article, category): the rows
    # go into article_topics' key in order too, not scattered a category at a time
    conn.execute("CREATE TEMP TABLE category_topic (category_id INTEGER, topic_id INTEGER)")
    conn.executemany("INSERT INTO temp.category_topic VALUES (?, ?)", pairs)
    before = conn.total_changes
    conn.execute(
        "INSERT OR IGNORE INTO article_topics (article_id, topic_id)"
        " SELECT ac.article_id, ct.topic_id FROM article_categories ac"
        " JOIN temp.category_topic ct ON ct.category_id = ac.category_id"
        " ORDER BY ac.article_id, ct.topic_id"
    )
    filed = conn.total_changes - before
    conn.execute("DROP TABLE temp.category_topic")
    return filed


class TopicIndex(Connected):
    """The Store's part: which map files an outlet's articles, and filing one article."""

    _topic_maps: dict[str, CategoryTopics] | None = None
    _topic_ids: dict[str, int] | None = None

    def map_topics(self, profiles: Iterable[Profile]) -> None:
        """File these outlets' articles by these profiles' maps (a user's own profile, say);
        an outlet no profile was given for is filed by its bundled profile's map."""
        self._topic_maps = {**self._maps(), **maps_of(profiles)}

    def _ensure_topics(self) -> None:
        """The `topics` rows as topics.toml has them (at open: a newer taxonomy's topics are
        there before anyone asks for them); no write when they already are."""
        rows = dict(self.db.execute("SELECT name, label FROM topics").fetchall())
        if any(rows.get(t.name) != t.label for t in taxonomy().values()):
            with self.transaction():
                self._topic_ids = topic_ids(self.db.conn)

    def _maps(self) -> dict[str, CategoryTopics]:
        if self._topic_maps is None:
            self._topic_maps = dict(builtin_maps())
        return self._topic_maps

    def _file_under_topics(
        self, article_id: int, site: str | None, categories: Iterable[str], fresh: bool
    ) -> None:
        """The article's `article_topics` rows, those of its categories; `fresh`: it has none
        yet. Rows already right are left alone (an unchanged article costs one read)."""
        conn = self.db.conn
        names = topics_of(self._maps().get(site or "", {}), categories)
        if self._topic_ids is None or any(name not in self._topic_ids for name in names):
            self._topic_ids = topic_ids(conn)
        wanted = {self._topic_ids[name] for name in names}
        if not fresh:
            held = {
                row[0]
                for row in conn.execute(
                    "SELECT topic_id FROM article_topics WHERE article_id = ?", [article_id]
                )
            }
            if held == wanted:
                return
            conn.executemany(
                "DELETE FROM article_topics WHERE article_id = ? AND topic_id = ?",
                [(article_id, topic_id) for topic_id in held - wanted],
            )
            wanted -= held
        conn.executemany(
            "INSERT OR IGNORE INTO article_topics (article_id, topic_id) VALUES (?, ?)",
            [(article_id, topic_id) for topic_id in sorted(wanted)],
        )
