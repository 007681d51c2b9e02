"""Topics across outlets and languages: the taxonomy, the profiles' maps of their categories,
and what the archive makes of them (article_topics, --topic, stats, the API, datasette)."""

from __future__ import annotations

import json
import sqlite3
import tomllib
import urllib.parse

import pytest
from conftest import REPO, run_cli
from test_schema import build_with_migrations
from test_serve import get_json, serving

from caucasus_crawler.archive import Archive
from caucasus_crawler.archive.topic_index import TOPICS_STEP
from caucasus_crawler.items import Article, Link
from caucasus_crawler.mirror.content import SITES_DIR
from caucasus_crawler.normalise import content_hash
from caucasus_crawler.profiles import PACKAGE_DIR as PROFILES
from caucasus_crawler.profiles import ProfileError, load_profiles, profile_from_dict
from caucasus_crawler.topics import category_key, taxonomy, topics_of

MINIMAL = {
    "name": "example_ge",
    "country": "GE",
    "languages": ["ka", "en"],
    "home": "https://example.ge/",
}


def mirror_categories() -> dict[str, set[str]]:
    """Every category name each outlet's mirror prints, in every edition, by profile name."""
    names: dict[str, set[str]] = {}
    for path in SITES_DIR.glob("*/site.toml"):
        settings = tomllib.loads(path.read_text("utf-8"))
        for edition in settings.get("editions", {}).values():
            vocabulary = edition.get("categories", {}).values()
            names.setdefault(settings["outlet"], set()).update(vocabulary)
    return names


def test_the_taxonomy_names_what_users_type():
    topics = taxonomy()
    assert {
        "politics",
        "economy",
        "society",
        "conflict-and-security",
        "foreign-affairs",
        "culture",
        "sport",
        "health",
        "science-and-technology",
        "environment",
    } <= set(topics)
    for name, topic in topics.items():
        assert name == name.lower() and " " not in name, name
        assert topic.label and topic.kind in ("subject", "place", "form")


def test_every_category_of_every_mirrored_outlet_maps_to_a_topic():
    profiles = load_profiles()
    categories = mirror_categories()
    assert set(categories) <= set(profiles)
    unmapped = {
        (site, name)
        for site, names in categories.items()
        for name in names
        if not topics_of(profiles[site].topics, [name])
    }
    assert not unmapped
    # one subject, four languages, four outlets: one topic
    for site, name in [
        ("civil_ge", "Economy"),
        ("apa_az", "Экономика"),
        ("oxu_az", "İqtisadiyyat"),
        ("bm_ge", "ეკონომიკა"),
        ("news_am", "Տնտեսություն"),
    ]:
        assert "economy" in topics_of(profiles[site].topics, [name]), (site, name)


def test_real_sections_seen_in_public_sources_map_too():
    profiles = load_profiles()
    # oxu.az's breadcrumb and trend.az's category of real pages (../shared/data/real-pages)
    assert topics_of(profiles["oxu_az"].topics, ["Dünya"]) == ["world"]
    assert topics_of(profiles["trend_az"].topics, ["Green Economy"]) == [
        "economy",
        "environment",
    ]
    assert topics_of(profiles["report_az"].topics, ["Other countries"]) == ["world"]


def test_categories_match_whatever_their_case_and_spacing():
    mapping = load_profiles()["oxu_az"].topics
    assert topics_of(mapping, ["  İQTİSADİYYAT "]) == topics_of(mapping, ["İqtisadiyyat"])
    assert category_key("Oil  &\u00a0Gas") == category_key("oil & gas")
    assert topics_of(mapping, ["Nothing of the kind"]) == []


def test_a_users_profile_maps_its_own_categories():
    profile = profile_from_dict(
        {**MINIMAL, "topics": {"ეკონომიკა": ["economy"], "Sport": "sport"}}, "mine.toml"
    )
    assert topics_of(profile.topics, ["ეკონომიკა", "sport", "Blog"]) == ["economy", "sport"]


@pytest.mark.parametrize(
    "topics, message",
    [
        ({"Economy": ["econ"]}, "field 'topics.Economy': unknown topic 'econ'; the topics are"),
        ({"Economy": [1]}, "field 'topics.Economy': must be a list of topic names"),
        (["economy"], "field 'topics': must be a table"),
    ],
)
def test_a_bad_topics_table_is_one_line_naming_the_profile(topics, message):
    with pytest.raises(ProfileError, match=f"^mine.toml: {message}"):
        profile_from_dict({**MINIMAL, "topics": topics}, "mine.toml")


def test_an_unknown_topic_in_a_users_profile_stops_the_command_in_one_line(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'extends = "civil_ge"\n[topics]\n"Blog" = ["opinions"]\n', "utf-8"
    )
    result = run_cli("--profiles", str(tmp_path), "sites", check=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "mine.toml: field 'topics.Blog': unknown topic 'opinions'" in lines[0]


def test_the_map_of_topics_leaves_the_profiles_digest_alone():
    base = profile_from_dict(MINIMAL, "a.toml")
    mapped = profile_from_dict({**MINIMAL, "topics": {"Economy": ["economy"]}}, "a.toml")
    assert base.digest == mapped.digest  # health judges crawls; topics change none


def test_the_readme_lists_the_taxonomy():
    readme = (REPO / "README.md").read_text("utf-8")
    for name, topic in taxonomy().items():
        assert f"| `{name}` | {topic.label} |" in readme, name


# -- the archive: article_topics filled by migration 10 and on store ----------------------------
def stored(url: str, categories: list[str], site: str = "civil_ge") -> Article:
    text = f"The government discussed the budget at {url}."
    return Article(
        url=url,
        title="Budget talks",
        text=text,
        site=site,
        language="en",
        categories=[Link(name) for name in categories],
        content_hash=content_hash(text),
    )


def topics_at(archive: Archive, url: str) -> list[str]:
    return archive.article(archive.article_id_for_url(url))["topics"]


def test_migration_10_files_the_articles_of_a_version_9_archive(tmp_path):
    path = tmp_path / "archive.db"
    build_with_migrations(path, TOPICS_STEP - 1)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO sites VALUES ('oxu_az', 'Oxu.az', 'AZ', '[\"az\"]', 'x')")
        conn.execute(
            "INSERT INTO articles (url, site, title, body, word_count, content_hash, first_seen,"
            " last_seen) VALUES ('https://oxu.az/1', 'oxu_az', 'Büdcə', 'Büdcə.', 1, 'y',"
            " '2026-01-01', '2026-01-01')"
        )
        for site, name in [
            ("civil_ge", "Occupied Regions"),
            ("civil_ge", "Economy"),
            ("civil_ge", "Weather"),  # no entry in civil_ge's map
            ("oxu_az", "İQTİSADİYYAT"),  # a menu's capitals
        ]:
            conn.execute("INSERT INTO categories (site, name) VALUES (?, ?)", [site, name])
        conn.execute(
            "INSERT INTO article_categories SELECT a.id, c.id FROM articles a"
            " JOIN categories c ON c.site = a.site"
        )
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] >= TOPICS_STEP
        assert topics_at(archive, "https://civil.ge/archives/1") == [
            "conflict-and-security",
            "economy",
        ]
        assert topics_at(archive, "https://oxu.az/1") == ["economy"]
        names = dict(archive.db.execute("SELECT name, label FROM topics").fetchall())
        assert names == {name: topic.label for name, topic in taxonomy().items()}


def test_an_articles_topics_follow_its_categories_when_stored_again(tmp_path):
    url = "https://civil.ge/archives/7"
    with Archive(tmp_path / "archive.db") as archive:
        archive.register_sites(load_profiles().values())
        assert archive.store_article(stored(url, ["Economy", "Politics"])).outcome == "new"
        assert topics_at(archive, url) == ["economy", "politics"]
        assert archive.store_article(stored(url, ["Society"])).outcome == "updated"
        assert topics_at(archive, url) == ["society"]
        assert archive.store_article(stored(url, ["Weather"])).outcome == "updated"
        assert topics_at(archive, url) == []
        # the article unchanged, the map changed (a user's profile): its topics follow
        changed = profile_from_dict(
            {
                **tomllib.loads((PROFILES / "civil_ge.toml").read_text("utf-8")),
                "topics": {"Weather": ["environment"]},
            },
            "mine.toml",
        )
        archive.map_topics([changed])
        assert archive.store_article(stored(url, ["Weather"])).outcome == "unchanged"
        assert topics_at(archive, url) == ["environment"]
        archive.db.execute("DELETE FROM pages")
        archive.db.execute("DELETE FROM articles")  # the rows go with their article
        assert archive.db.execute("SELECT count(*) FROM article_topics").fetchone()[0] == 0


def test_stats_lists_the_articles_no_topic_files(tmp_path, capsys):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.register_sites(load_profiles().values())
        archive.store_article(stored("https://civil.ge/archives/1", ["Weather"]))
        archive.store_article(stored("https://civil.ge/archives/2", ["Weather", "Horoscope"]))
        archive.store_article(stored("https://civil.ge/archives/3", []))
        archive.store_article(stored("https://civil.ge/archives/4", ["Economy", "Weather"]))
    stats = json.loads(run_cli("stats", "--db", str(path), "--json").stdout)
    assert stats["topics"] == {"economy": 1}
    assert stats["without_topic"]["articles"] == 3
    groups = {(g["site"], g["category"]): g for g in stats["without_topic"]["groups"]}
    assert {key: g["articles"] for key, g in groups.items()} == {
        ("civil_ge", "Weather"): 2,
        ("civil_ge", "Horoscope"): 1,
        ("civil_ge", None): 1,
    }
    assert [e["url"] for e in groups[("civil_ge", "Weather")]["examples"]] == [
        "https://civil.ge/archives/2",
        "https://civil.ge/archives/1",
    ]
    shown = run_cli("stats", "--db", str(path)).stdout
    assert "3 article(s) under no topic" in shown
    assert "  civil_ge 'Weather': 2, e.g.\n    https://civil.ge/archives/2\n" in shown
    assert "  civil_ge no category: 1, e.g.\n    https://civil.ge/archives/3" in shown


# -- the demo: topics across its outlets and languages ------------------------------------------
@pytest.mark.slow
def test_every_category_the_demo_stores_maps_and_its_articles_get_topics(demo):
    with Archive.open_read_only(demo[0]) as archive:
        profiles = load_profiles()
        categories = archive.db.execute("SELECT site, name FROM categories").fetchall()
        unmapped = [(s, n) for s, n in categories if not topics_of(profiles[s].topics, [n])]
        total = archive.count_articles()
        filed = archive.db.execute(
            "SELECT count(DISTINCT article_id) FROM article_topics"
        ).fetchone()[0]
        loose = archive.count_articles_without_topic()
    assert categories and not unmapped
    assert filed + loose == total and filed >= 0.95 * total, (filed, total)


@pytest.mark.slow
def test_export_topic_economy_gives_economic_news_in_every_language(demo, tmp_path):
    db = demo[0]
    out = tmp_path / "economy.jsonl"
    run_cli("export", "--db", str(db), "--topic", "economy", "-o", str(out))
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    with Archive.open_read_only(db) as archive:
        economic = archive.article_counts("language", topics=["economy"])
        assert len(records) == archive.count_articles(topics=["economy"])
    assert set(economic) == {"en", "ka", "hy", "az", "ru"}  # every language the demo holds
    assert {r["language"] for r in records} == {"en", "ka", "hy", "az", "ru"}
    assert all("economy" in r["topics"] for r in records)
    # four outlets' own names for it, one topic
    names = {c for r in records for c in r["categories"]}
    assert {"Economy", "Экономика", "İqtisadiyyat", "ეკონომიკა", "Տնտեսություն"} <= names
    # --topic twice: either of them
    both = tmp_path / "both.jsonl"
    run_cli("export", "--db", str(db), "--topic", "economy", "--topic", "sport", "-o", str(both))
    records = [json.loads(line) for line in both.read_text("utf-8").splitlines()]
    assert any("sport" in r["topics"] and "economy" not in r["topics"] for r in records)
    result = run_cli("export", "--db", str(db), "--topic", "econ", "-o", str(out), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("caucasus-crawler: --topic econ: no such topic; the topics")


@pytest.mark.slow
def test_search_keeps_the_hits_of_a_topic(demo):
    db = demo[0]
    every = json.loads(run_cli("search", "gas", "--db", str(db), "--json").stdout)
    energy = json.loads(
        run_cli("search", "gas", "--db", str(db), "--topic", "energy", "--json").stdout
    )
    with Archive.open_read_only(db) as archive:
        topics = {hit["id"]: archive.article(hit["id"])["topics"] for hit in every}
    assert energy and len(energy) < len(every)
    assert [h["id"] for h in energy] == [h["id"] for h in every if "energy" in topics[h["id"]]]


@pytest.mark.slow
def test_the_api_filters_by_topic_and_gives_each_records_topics(demo):
    from caucasus_crawler import open_archive

    with open_archive(demo[0]) as archive:
        sport = list(archive.articles(topic="sport"))
        assert sport and all("sport" in record["topics"] for record in sport)
        assert {r["language"] for r in sport} == {"en", "hy", "az", "ru"}
        either = list(archive.articles(topic=["sport", "culture"], language="ru"))
        assert {t for r in either for t in r["topics"]} >= {"sport", "culture"}
        hits = archive.search("gas", topic="energy", limit=100)
        assert hits and len(hits) < len(archive.search("gas", limit=100))
        queried = list(archive.articles(query="gas", topic="energy"))
        assert {r["id"] for r in queried} == {h["id"] for h in hits}
        with pytest.raises(ValueError, match="topic econ: no such topic; the topics are"):
            archive.articles(topic="econ")


@pytest.mark.slow
def test_a_users_profile_files_its_categories_under_its_own_topics(tmp_path):
    mine = tmp_path / "profiles"
    mine.mkdir()
    # civil.ge's catch-all News section, read by this user as political news
    (mine / "civil_news.toml").write_text(
        'extends = "civil_ge"\n[topics]\n"news" = ["politics", "news"]\n', "utf-8"
    )
    db = tmp_path / "archive.db"
    run_cli("--profiles", str(mine), "crawl", "civil_ge", "--demo", "--db", str(db))
    with Archive.open_read_only(db) as archive:
        in_news = archive.count_articles(categories=["News"])
        both = archive.count_articles(categories=["News"], topics=["politics"])
        economy = archive.count_articles(categories=["Экономика"], topics=["economy"])
    assert in_news and both == in_news
    assert economy  # the rest of civil_ge's map, as bundled


# -- datasette: the topic facet ---------------------------------------------------------------
@pytest.mark.slow
def test_the_topic_facet_selects_a_topics_articles_in_every_language(demo):
    db = demo[0]
    with serving(db) as (base, _):
        data = get_json(f"{base}/archive/articles.json?_size=0&_facet_size=max")
        topic = data["facet_results"]["topic"]
        economy = next(r for r in topic["results"] if r["value"] == "economy")
        parts = urllib.parse.urlsplit(economy["toggle_url"])
        query = dict(urllib.parse.parse_qsl(parts.query), _size="max", _shape="objects")
        path = parts.path.removesuffix(".json")
        rows = get_json(f"{base}{path}.json?{urllib.parse.urlencode(query)}")["rows"]
    assert topic["type"] == "via article_topics"
    assert urllib.parse.parse_qs(parts.query)["_topic"] == ["economy"]
    with Archive.open_read_only(db) as archive:
        assert {r["value"]: r["count"] for r in topic["results"]} == archive.article_counts("topic")
        assert economy["count"] == len(rows) == archive.count_articles(topics=["economy"])
        assert all("economy" in archive.article(row["id"])["topics"] for row in rows)
    assert {row["language"] for row in rows} == {"en", "ka", "ru", "hy", "az"}
    assert {"civil_ge", "news_am", "report_az", "bm_ge", "oxu_az"} <= {r["site"] for r in rows}
