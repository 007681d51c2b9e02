"""The archive module: schema, upserts, full-text search in the region's scripts."""

from __future__ import annotations

import sqlite3
import zlib

import pytest
from conftest import article_at

from caucasus_crawler.archive import Archive, ArchiveError
from caucasus_crawler.items import Article, Link, PageVisit, RawResponse
from caucasus_crawler.normalise import content_hash
from caucasus_crawler.profiles import load_profiles


def article(url: str, title: str, text: str, site: str = "civil_ge", **fields) -> Article:
    return Article(
        url=url, title=title, text=text, site=site, content_hash=content_hash(text), **fields
    )


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        opened.register_sites(load_profiles().values())
        yield opened


def test_the_schema_is_the_documented_one(archive):
    tables = set(archive.db.table_names())
    assert {
        "sites",
        "articles",
        "categories",
        "article_categories",
        "tags",
        "article_tags",
        "pages",
        "crawl_runs",
        "articles_fts",
    } <= tables
    assert {
        "id",
        "url",
        "site",
        "title",
        "body",
        "published",
        "modified",
        "authors",
        "language",
        "word_count",
        "content_hash",
        "first_seen",
        "last_seen",
    } <= set(archive.db["articles"].columns_dict)
    assert {
        "started",
        "finished",
        "mode",
        "requests",
        "articles_new",
        "articles_updated",
        "duplicates",
        "failures",
    } <= set(archive.db["crawl_runs"].columns_dict)
    assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert archive.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    fks = {(fk.column, fk.other_table) for fk in archive.db["article_categories"].foreign_keys}
    assert fks == {("article_id", "articles"), ("category_id", "categories")}


def test_storing_the_same_article_twice_keeps_one_row(archive):
    first = article(
        "https://civil.ge/archives/1",
        "Title",
        "Body text here.",
        categories=[Link("News", "https://civil.ge/archives/category/news")],
        tags=[Link("Tbilisi")],
        authors=["Nino Beridze"],
        published="2024-09-04T13:27:00+04:00",
    )
    assert archive.store_article(first).outcome == "new"
    assert archive.store_article(first).outcome == "unchanged"
    assert archive.db["articles"].count == 1
    stored = article_at(archive, "https://civil.ge/archives/1")
    assert stored["categories"] == ["News"] and stored["tags"] == ["Tbilisi"]
    assert stored["authors"] == ["Nino Beridze"] and stored["word_count"] == 3
    changed = article("https://civil.ge/archives/1", "Title", "Body text here, corrected.")
    assert archive.store_article(changed).outcome == "updated"
    assert archive.db["articles"].count == 1
    assert (
        article_at(archive, "https://civil.ge/archives/1")["body"] == "Body text here, corrected."
    )


def test_raw_pages_are_kept_as_zstandard_and_older_zlib_ones_still_read(archive):
    page = "<html><body><p>თბილისის მერმა კახა კალაძემ განცხადება გააკეთა.</p></body></html>"
    raw = RawResponse(page.encode("utf-8") * 50, {"Content-Type": "text/html; charset=utf-8"})
    archive.store_article(article("https://civil.ge/archives/2", "Title", "Body.", raw=raw))
    stored = archive.db.execute("SELECT body FROM responses").fetchone()[0]
    assert stored[:4] == b"\x28\xb5\x2f\xfd" and len(stored) < len(raw.body) // 10
    # a row written by an older version: a zlib stream
    archive.db.execute(
        "UPDATE responses SET url = 'https://civil.ge/archives/1', body = ?",
        [zlib.compress(raw.body, 6)],
    )
    archive.store_article(article("https://civil.ge/archives/2", "Title", "Body.", raw=raw))
    bodies = {r["url"]: r["body"] for r in archive.responses()}
    assert bodies == {
        "https://civil.ge/archives/1": raw.body,
        "https://civil.ge/archives/2": raw.body,
    }


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("თბილისის მერმა კახა კალაძემ განცხადება გააკეთა.", "კალაძემ"),
        ("Երևանում կառավարությունը հաստատեց նոր բյուջեն։", "կառավարությունը"),
        ("Министр иностранных дел заявил, что переговоры продолжатся.", "переговоры"),
        ("Bakıda nazirlər kabineti yeni qərar qəbul edib.", "qərar"),
    ],
)
def test_full_text_search_splits_the_regions_scripts(archive, text, word):
    archive.store_article(article("https://civil.ge/ka/archives/2", "Headline", text))
    archive.store_article(
        article("https://civil.ge/archives/3", "Other", "Unrelated English text.")
    )
    hits = archive.search_hits(word)
    assert [hit["url"] for hit in hits] == ["https://civil.ge/ka/archives/2"]
    # a word inside a longer one is not a hit: words are split on their own boundaries
    # (a word's beginning may be another form of it, which search finds: issue 20)
    assert archive.search_hits(word[1:]) == []


def test_fts_follows_updates_and_search_input_is_not_syntax(archive):
    archive.store_article(article("https://civil.ge/archives/1", "Kaladze speaks", "First body."))
    archive.store_article(article("https://civil.ge/archives/1", "Kaladze speaks", "Second body."))
    assert [h["url"] for h in archive.search_hits("second")] == ["https://civil.ge/archives/1"]
    assert archive.search_hits("first") == []
    assert archive.search_hits('Kaladze" OR (') == []  # quoted, never an FTS5 syntax error


def test_pages_and_runs_record_what_became_of_each_url(archive):
    run = archive.start_run("demo", ["civil_ge"])
    archive.record_page(
        PageVisit("https://civil.ge/missing", "civil_ge", "failed", 404, "HTTP 404"), run
    )
    archive.add_to_run(run, requests=3, failures=1)
    archive.add_to_run(run, requests=2)
    finished = archive.finish_run(run)
    assert finished["requests"] == 5 and finished["failures"] == 1 and finished["finished"]
    outcomes = archive.db.execute(
        "SELECT outcome, count(*) FROM pages WHERE run_id = ? GROUP BY outcome", [run]
    )
    assert dict(outcomes.fetchall()) == {"failed": 1}
    with pytest.raises(sqlite3.IntegrityError):
        archive.db.execute("INSERT INTO crawl_runs (started, mode) VALUES ('x', 'sometimes')")


def test_a_file_that_is_not_an_archive_gives_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="notes.db: not a usable archive"):
        Archive(bogus)
    with pytest.raises(ArchiveError, match="no such archive"):
        Archive(tmp_path / "absent.db", create=False)
