"""`reextract`: today's extraction over the raw pages the archive kept, without a crawl."""

from __future__ import annotations

import pytest
from conftest import REFERENCE_TITLE, article_at, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.profiles import PACKAGE_DIR

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

REFERENCE_URL = "https://civil.ge/archives/626112"


@pytest.fixture
def archive_path(tmp_path):
    db = tmp_path / "archive.db"
    run_cli("crawl", "civil_ge", "--demo", "--db", str(db))
    return db


def test_an_unchanged_extraction_changes_nothing(archive_path):
    """Every kept page comes out as it went in: civil.ge's articles unchanged, its re-post
    of a story (a labelled copy in the mirror) still a duplicate of the first post, and its
    "About Us" page (listed by its sitemap, og:type=article, a JSON-LD WebPage) still judged
    no article, as the crawl judged it."""
    with Archive(archive_path) as archive:
        articles, duplicates = archive.db["articles"].count, archive.db["duplicates"].count
        not_articles = archive.db["pages"].count_where(
            "outcome = 'not_article' AND url IN (SELECT url FROM responses)"
        )
    assert duplicates == 1 and not_articles == 1
    result = run_cli("reextract", "--db", str(archive_path))
    assert result.stdout.strip() == (
        f"Re-extracted {articles + duplicates + 1} stored page(s): 0 article(s) updated, 0 new,"
        f" {articles} unchanged, 1 not articles, {duplicates} duplicates, 0 failed"
    )


def test_text_from_an_older_extractor_is_brought_up_to_date(archive_path):
    with Archive(archive_path) as archive:
        good = article_at(archive, REFERENCE_URL)
        with archive.transaction():  # what an extractor that kept the widget line stored
            archive.db.execute(
                "UPDATE articles SET body = 'Listen to this article\n\n' || body WHERE url = ?",
                [REFERENCE_URL],
            )
    result = run_cli("reextract", "civil_ge", "--db", str(archive_path))
    assert "1 article(s) updated" in result.stdout
    with Archive(archive_path) as archive:
        assert article_at(archive, REFERENCE_URL)["body"] == good["body"]
        assert [hit["url"] for hit in archive.search_hits("Listen")] == []  # the index follows


def test_a_profile_change_reaches_the_archived_articles(archive_path, tmp_path):
    """A user cuts civil.ge bodies at a new marker: the one article holding it changes."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (PACKAGE_DIR / "civil_ge.toml").read_text("utf-8")
    changed = text.replace(
        'cut_at = ["Also Read:"', 'cut_at = ["Minister Lavrov’s statement", "Also Read:"'
    )
    assert changed != text
    (profiles / "civil_ge.toml").write_text(changed, "utf-8")
    result = run_cli("--profiles", str(profiles), "reextract", "--db", str(archive_path))
    assert "1 article(s) updated" in result.stdout
    with Archive(archive_path) as archive:
        article = article_at(archive, REFERENCE_URL)
        assert article["title"] == REFERENCE_TITLE
        assert len(article["body"].split("\n\n")) == 3
        assert "Lavrov’s statement also noted" not in article["body"]
        # every kept page is still an article, the one duplicate or the About Us page
        assert archive.db["articles"].count + 2 == archive.db["responses"].count
        assert archive.db["duplicates"].count == 1


def test_reextract_needs_an_existing_archive(tmp_path):
    result = run_cli("reextract", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"caucasus-crawler: {tmp_path / 'none.db'}: no such archive; run a crawl first"
    )


def test_reextract_reads_a_mislabelled_charset_as_the_crawl_did(tmp_path):
    """windows-1251 Russian declared as UTF-8: stored clean, and re-extraction keeps it so."""
    from caucasus_crawler.mirror import MirrorServer

    url = "https://civil.ge/ru/archives/799002"
    text = "Парламент Грузии одобрил поправки к бюджету на следующий год. " * 6
    page = (
        '<html lang="ru-RU"><head><meta charset="utf-8"><title>Поправки к бюджету</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-10-01T09:00:00+04:00">'
        '</head><body><article><h1>Поправки к бюджету</h1><div class="entry-content">'
        f"<p>{text}</p></div></article></body></html>"
    ).encode("cp1251")
    db = tmp_path / "archive.db"
    with MirrorServer() as mirror:
        mirror.add_page(url, page, content_type="text/html; charset=utf-8")
        run_cli("crawl", "civil_ge", "--mirror", mirror.address, "--db", str(db), "--url", url)
    with Archive(db) as archive:
        stored = article_at(archive, url)
    assert stored["title"] == "Поправки к бюджету" and stored["body"] == text.strip()
    result = run_cli("reextract", "--db", str(db))
    assert "0 article(s) updated" in result.stdout and "1 unchanged" in result.stdout
    with Archive(db) as archive:
        assert article_at(archive, url)["body"] == text.strip()
