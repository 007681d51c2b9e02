"""Every article once: shingles and near-duplicate verdicts (dedup.py), then the archive's
duplicate index as the demo crawl, an alias fetch, a migration and `reextract` leave it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from conftest import run_cli
from mirror_client import fetch

from caucasus_crawler import dedup
from caucasus_crawler.archive import MIGRATIONS, Archive
from caucasus_crawler.archive.writer import ArchiveWriter
from caucasus_crawler.extract import extract_article
from caucasus_crawler.items import Article
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import copy_groups, labelled_pairs, load_sites
from caucasus_crawler.normalise import normalise_article, normalise_text
from caucasus_crawler.profiles import PACKAGE_DIR, load_profiles
from caucasus_crawler.urls import canonical_url, url_key

REFERENCE_URL = "https://civil.ge/archives/626112"
PAIRS = labelled_pairs()


def mirror_text(url: str) -> tuple[str, str]:
    """(body, language) of a mirror article, from its data file."""
    for site in load_sites():
        for article in site.articles:
            if article.url == url:
                return normalise_text("\n\n".join(article.paragraphs)), article.language
    raise KeyError(url)


def first_pair(kind: str):
    return next(p for p in PAIRS if p.kind == kind)


# -- pure functions ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Georgia's wine exports rose 7.2% in 2024.", "georgia s wine exports rose 7 2 in 2024"),
        (
            "ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝᲡ ღვინის ექსპორტი გაიზარდა, 7.2%-ით!",
            "საქართველოს ღვინის ექსპორტი გაიზარდა 7 2 ით",
        ),
        ("Ինչո՞ւ է Երևանը՝ մայրաքաղաքը։", "ինչու է երեւանը մայրաքաղաքը"),
        ("İLHAM Əliyev Bakıda: işıq", "ilham əliyev bakida isiq"),
        ("Ёлка в Тбилиси — зажглась! «Мой город»", "елка в тбилиси зажглась мои город"),
    ],
    ids=["en", "ka", "hy", "az", "ru"],
)
def test_words_are_split_and_folded_in_every_script(text, expected):
    assert dedup.words(text) == expected.split()


def test_shingles_ignore_case_spacing_and_punctuation():
    a = dedup.shingles_of("The National Bank of Georgia kept its rate at 8%, the bank said.")
    b = dedup.shingles_of("the national bank of georgia  KEPT its rate at 8 % -- the bank said")
    assert list(a.hashes) == list(b.hashes) and len(a) == 13 - 4 + 1
    assert a.numbers == b.numbers == {"8"}


def test_a_copy_is_a_near_duplicate_and_a_roundup_is_not():
    copy = first_pair("syndication")
    original, _ = mirror_text(copy.url_a)
    reprint, _ = mirror_text(copy.url_b)
    assert original != reprint
    similarity = dedup.compare(dedup.shingles_of(reprint), dedup.shingles_of(original))
    assert similarity is not None and 0.6 < similarity < 1

    roundup = first_pair("roundup")  # yesterday's exchange rates and today's: one template
    yesterday, _ = mirror_text(roundup.url_a)
    today, _ = mirror_text(roundup.url_b)
    verdict = dedup.compare_sets(dedup.shingles_of(today), dedup.shingles_of(yesterday))
    assert verdict.jaccard > 0.5  # most of the text is the template...
    assert verdict.numbers_shared is not None and verdict.numbers_shared < 0.5  # ...not the rates
    assert not verdict.same


def test_copies_share_bands_and_translations_never_do():
    copy = first_pair("syndication")
    (a, language_a), (b, language_b) = mirror_text(copy.url_a), mirror_text(copy.url_b)
    assert language_a == language_b
    assert set(dedup.fingerprint(a, language_a).bands) & set(dedup.fingerprint(b, language_b).bands)
    # the same text said to be in another language: no band in common
    assert not set(dedup.fingerprint(a, "en").bands) & set(dedup.fingerprint(a, "ru").bands)
    bands, rows = dedup.lsh_parameters()
    assert len(dedup.fingerprint(a, "en").bands) == bands and bands * rows <= dedup.NUM_PERM


@pytest.mark.slow
def test_the_written_out_bands_are_what_datasketchs_optimiser_gives():
    # written out so that no crawl process imports datasketch's LSH (and scipy) to know them
    assert dedup.lsh_parameters() == dedup.optimal_lsh_parameters() == (42, 3)


def test_short_texts_are_left_to_the_exact_check():
    short = "Tbilisi, 5 May. The session of the parliament will start at 12:00."
    fingerprint = dedup.fingerprint(short, "en")
    assert fingerprint.bands == () and len(fingerprint.shingles) < dedup.MIN_SHINGLES
    assert dedup.compare(fingerprint, dedup.shingles_of(short)) is None


@pytest.mark.slow
def test_fingerprints_in_bulk_equal_one_at_a_time():
    texts = [mirror_text(p.url_a) for p in PAIRS[:12]] + [("too short", "en")]
    assert list(dedup.fingerprints(texts)) == [dedup.fingerprint(t, lang) for t, lang in texts]


# -- the demo archive --------------------------------------------------------------------------
def kept(archive: Archive, url: str) -> int | None:
    return archive.kept_article_for(canonical_url(url))


@pytest.mark.slow
def test_the_demo_archive_lists_near_duplicates(demo):
    db, first, *_ = demo
    with Archive(db) as archive:
        rows = list(archive.db["duplicates"].rows_where("kind = 'near'"))
        assert len(rows) >= 30
        for row in rows:
            assert 0.5 < row["similarity"] <= 1  # 1: the same words, other punctuation
            assert archive.article_id_for_url(row["url"]) is None  # not stored twice
            assert archive.db["articles"].get(row["article_id"])  # points at a kept article
        duplicate_pages = archive.db["pages"].count_where("outcome = 'duplicate'")
    assert f"duplicates       {duplicate_pages}" in first.stdout


@pytest.mark.slow
def test_every_labelled_pair_ends_as_labelled(demo):
    db, *_ = demo
    with Archive(db) as archive:
        for pair in PAIRS:
            a, b = kept(archive, pair.url_a), kept(archive, pair.url_b)
            assert a is not None and b is not None, pair
            assert (a == b) is pair.same, f"{pair.kind}: {pair.url_a} / {pair.url_b}"
        # a story and all its copies: one article
        for group in copy_groups(PAIRS):
            assert len({kept(archive, url) for url in group}) == 1


@pytest.mark.slow
def test_the_index_is_in_the_archive_and_answers_after_reopening(demo):
    db, *_ = demo
    copy = first_pair("syndication")
    with Archive(db) as archive:
        original = kept(archive, copy.url_a)
        assert archive.db["article_bands"].count == dedup.lsh_parameters()[0] * sum(
            1
            for body, language in archive.db.execute("SELECT body, language FROM articles")
            if len(dedup.shingles_of(body)) >= dedup.MIN_SHINGLES
        )
        text, language = mirror_text(copy.url_b)
        article = normalise_article(
            Article(
                url="https://example.org/reprint",
                title="A reprint",
                text=text,
                site="report_az",
                language=language,
            )
        )
        ArchiveWriter(archive).find_duplicate(article)
    assert (article.duplicate_of, article.duplicate_kind) == (original, "near")
    assert 0.6 < article.similarity < 1


# -- writing -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_www_fetch_and_an_exact_copy_are_duplicates_of_the_article(tmp_path):
    """The article is stored once; fetched again under www and as an exact copy under another
    URL, it stays one article with two duplicates; fetched again as itself, it is an update."""
    db = tmp_path / "aliases.db"
    url = "https://azernews.az/business/254118.html"
    www, copy_url = url.replace("://", "://www."), url.replace("254118", "999001")
    with MirrorServer() as mirror:
        html = fetch(mirror, url).text
        crawl = ("crawl", "azernews_az", "--mirror", mirror.address, "--db", str(db), "--url")
        run_cli(*crawl, url)
        mirror.add_page(copy_url, html.replace("254118", "999001"))  # itself everywhere
        run_cli(*crawl, url, "--url", www, "--url", copy_url)
    with Archive(db) as archive:
        assert archive.db["articles"].count == 1
        article_id = archive.article_id_for_url(url)
        duplicates = {
            row["url"]: (row["kind"], row["article_id"], row["similarity"])
            for row in archive.db["duplicates"].rows
        }
        pages = {row["url"]: row for row in archive.db["pages"].rows}
        runs = list(archive.db["crawl_runs"].rows_where(order_by="id"))
    assert duplicates == {www: ("url", article_id, 1.0), copy_url: ("exact", article_id, 1.0)}
    assert pages[url]["outcome"] == "article"
    assert [pages[u]["reason"] for u in (www, copy_url)] == ["url duplicate", "exact duplicate"]
    assert (runs[1]["articles_new"], runs[1]["duplicates"]) == (0, 2)


@pytest.mark.slow
def test_a_page_fetched_under_an_alias_is_a_url_duplicate(demo, tmp_path):
    """civil.ge names each article's shortlink (rel=shortlink); a later fetch of the shortlink
    that serves the page without its rel=canonical is still that article."""
    db, *_ = demo
    copy = tmp_path / "archive.db"
    _copy(db, copy)
    shortlink = "https://civil.ge/?p=626112"
    with MirrorServer() as mirror:
        html = fetch(mirror, REFERENCE_URL).text
    without_canonical = html.replace(f'<link rel="canonical" href="{REFERENCE_URL}" />', "")
    assert without_canonical != html
    profile = load_profiles()["civil_ge"]
    article = normalise_article(extract_article(without_canonical, shortlink, profile))
    article.site, article.fetched_url = "civil_ge", shortlink
    assert article.url == shortlink  # nothing on the page says otherwise but its shortlink
    with Archive(copy) as archive:
        counts = ArchiveWriter(archive).write([article])
        kept_id = archive.article_id_for_url(REFERENCE_URL)
        row = next(archive.db["duplicates"].rows_where("url = ?", [shortlink]))
    assert counts["duplicates"] == 1
    assert (row["kind"], row["article_id"]) == ("url", kept_id)


def _copy(db, target) -> None:
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


@pytest.mark.slow
def test_an_archive_of_schema_6_gets_its_index_on_migration(demo, tmp_path):
    db, *_ = demo
    old = tmp_path / "old.db"
    _copy(db, old)
    with Archive(db) as archive:
        bands = set(archive.db.execute("SELECT band, article_id FROM article_bands").fetchall())
        keys = set(archive.db.execute("SELECT url_key, article_id FROM article_urls").fetchall())
        duplicate_pages = archive.db["pages"].count_where("outcome = 'duplicate'")
    with sqlite3.connect(old) as conn:  # as a crawl before migration 7 left it
        tables = ("duplicates", "article_urls", "article_bands", "dedup_index")
        for table in (*tables, "site_health", "site_health_metrics"):  # and migration 8
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX pages_article")
        conn.execute("ALTER TABLE crawl_runs DROP COLUMN failed")  # and migration 9
        # and migrations 11 to 13 (10 widened a CHECK: nothing to undo)
        for table in ("article_topics", "topics", "search_terms", "search_index"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP TABLE imported_files")
        conn.execute("PRAGMA user_version = 6")
    with Archive(old) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        rebuilt = set(archive.db.execute("SELECT band, article_id FROM article_bands").fetchall())
        assert rebuilt == bands and len(bands) > 1000
        rebuilt_keys = archive.db.execute("SELECT url_key, article_id FROM article_urls")
        assert set(rebuilt_keys.fetchall()) <= keys  # aliases come with the next fetch
        for url, article_id in archive.db.execute("SELECT url, id FROM articles"):
            assert archive.article_for_url_keys([url_key(url)]) == article_id
        # the duplicate pages of the old archive are rows of `duplicates`
        assert archive.db["duplicates"].count == duplicate_pages


@pytest.mark.slow
def test_reextract_keeps_the_index_right(demo, tmp_path):
    """A profile change cuts the reference article: its bands become those of the new body."""
    db, *_ = demo
    copy = tmp_path / "archive.db"
    _copy(db, copy)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (PACKAGE_DIR / "civil_ge.toml").read_text("utf-8")
    changed = text.replace(
        'cut_at = ["Also Read:"', 'cut_at = ["Minister Lavrov’s statement", "Also Read:"'
    )
    (profiles / "civil_ge.toml").write_text(changed, "utf-8")

    def bands_of(archive, article_id):
        rows = archive.db.execute(
            "SELECT band FROM article_bands WHERE article_id = ?", [article_id]
        )
        return {row[0] for row in rows}

    with Archive(copy) as archive:
        article_id = archive.article_id_for_url(REFERENCE_URL)
        before = archive.article(article_id)
        assert bands_of(archive, article_id) == set(
            dedup.fingerprint(before["body"], before["language"]).bands
        )
    result = run_cli("--profiles", str(profiles), "reextract", "civil_ge", "--db", str(copy))
    assert "1 article(s) updated" in result.stdout
    with Archive(copy) as archive:
        after = archive.article(article_id)
        assert len(after["body"]) < len(before["body"])
        expected = set(dedup.fingerprint(after["body"], after["language"]).bands)
        assert bands_of(archive, article_id) == expected
        assert expected != set(dedup.fingerprint(before["body"], before["language"]).bands)


def test_the_earliest_published_copy_is_kept_whatever_the_order(tmp_path):
    """A reprint fetched before its original gives way to it when the original comes."""
    pair = first_pair("syndication")
    sites = {a.url: (site, a) for site in load_sites() for a in site.articles}
    articles = {}
    for url in (pair.url_a, pair.url_b):
        _site, data = sites[url]
        text, language = mirror_text(url)
        articles[url] = normalise_article(
            Article(
                url=url,
                title=data.title,
                text=text,
                site=next(p.name for p in load_profiles().values() if p.owns(url)),
                language=language,
                published=data.published.isoformat(),
            )
        )
    with Archive(tmp_path / "archive.db") as archive:
        archive.register_sites(load_profiles().values())
        writer = ArchiveWriter(archive)
        first = writer.write([articles[pair.url_b]])  # the reprint, seen first
        second = writer.write([articles[pair.url_a]])  # then its original
        assert (first["articles_new"], second["articles_new"], second["duplicates"]) == (1, 0, 1)
        original = archive.article_id_for_url(pair.url_a)
        assert archive.article_id_for_url(pair.url_b) is None
        assert archive.kept_article_for(pair.url_b) == original
        assert archive.db["articles"].count == 1
        assert {
            row["outcome"] for row in archive.db["pages"].rows_where("url = ?", [pair.url_b])
        } == {"duplicate"}


def test_a_crowded_band_does_not_crowd_out_the_copy(tmp_path):
    """A band 150 different articles share (a common phrase, a template) counts for none of
    them; the candidates are those sharing the telling bands, most shared first."""
    with Archive(tmp_path / "archive.db") as archive:
        with archive.transaction():
            archive.db.conn.executemany(
                "INSERT INTO article_bands (band, article_id) VALUES (?, ?)",
                [(7, n) for n in range(1, 151)] + [(8, 500), (9, 500), (8, 600), (7, 500)],
            )
        assert archive.near_candidates([7, 8, 9]) == [(500, 2), (600, 1)]
        crowded_too = archive.near_candidates([7, 8, 9], crowded=200)
        assert crowded_too[0] == (500, 3) and len(crowded_too) == 20


@pytest.mark.slow
def test_a_fingerprint_needs_no_scipy_and_datasketch_stays_whole():
    """dedup imports datasketch's MinHash without the package's __init__ (and so without
    scipy, 59 MB in every extraction process); the rest of datasketch is there when asked."""
    code = (
        "import sys\n"
        "from caucasus_crawler import dedup\n"
        "bands = dedup.fingerprint(' '.join(f'word{i}' for i in range(300)), 'en').bands\n"
        "assert len(bands) == dedup.BANDS, bands\n"
        "assert 'scipy' not in sys.modules\n"
        "from datasketch import MinHash, MinHashLSH\n"
        "assert 'scipy' in sys.modules\n"
        "assert MinHash is sys.modules['datasketch.minhash'].MinHash\n"
        "print(MinHashLSH.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "MinHashLSH"
