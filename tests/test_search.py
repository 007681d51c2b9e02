"""The archive from the terminal: `caucasus-crawler search` and `caucasus-crawler stats`,
over the archive of a real demo crawl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REFERENCE_TITLE, run_cli

from caucasus_crawler.archive import Archive

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

REFERENCE_URL = "https://civil.ge/archives/626112"
DEMO_OUTLETS = ("civil_ge", "news_am", "report_az")  # three outlets keep the crawl short


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("search") / "archive.db"
    run_cli("crawl", *DEMO_OUTLETS, "--demo", "--db", str(path))
    return path


def search(db: Path, *args: str) -> list[dict]:
    return json.loads(run_cli("search", *args, "--db", str(db), "--json").stdout)


def test_search_prints_outlet_date_title_and_a_highlighted_snippet(db):
    out = run_cli("search", "Kaladze", "--db", str(db)).stdout.splitlines()
    assert (
        out[0]
        == " 1. Mayor [Kaladze]: GD Welcomes Moscow’s Offer to Aid Ties with Occupied Territories"
    )
    assert out[1] == f"    civil_ge · 2024-09-04 · en · {REFERENCE_URL}"
    assert out[2].startswith("    Tbilisi Mayor and GD Secretary General Kakha [Kaladze] reported")
    assert "\x1b[" not in "\n".join(out)  # no colours when stdout is not a terminal


def test_search_json_is_ranked_by_bm25(db):
    hits = search(db, "Tskhinvali non-aggression")
    assert [hit["url"] for hit in hits] == [REFERENCE_URL]
    assert hits[0]["title"] == REFERENCE_TITLE
    assert "<mark>non-aggression</mark>" in hits[0]["snippet"]
    assert set(hits[0]) >= {"id", "url", "site", "language", "published", "title", "headline"}
    several = search(db, "Georgia")
    assert len(several) > 2
    ranks = [hit["rank"] for hit in several]
    assert ranks == sorted(ranks)  # bm25: lower is better
    with Archive.open_read_only(db) as archive:
        ranked = archive.search_hits("Georgia")
    assert [hit["url"] for hit in several] == [hit["url"] for hit in ranked]


def test_search_finds_georgian_armenian_and_russian_words(db):
    assert [hit["url"] for hit in search(db, "ღვინის")] == ["https://civil.ge/ka/archives/624152"]
    with Archive.open_read_only(db) as archive:
        hy = next(a for a in archive.export_records(languages=["hy"]))
        ru = next(a for a in archive.export_records(languages=["ru"]))
    for article in (hy, ru):
        word = max(article["title"].split(), key=len).strip("«»“”,.:")
        assert article["url"] in [hit["url"] for hit in search(db, word)]


def test_search_filters_by_outlet_language_and_date(db):
    everything = search(db, "the", "--limit", "100")
    assert len({hit["site"] for hit in everything}) == 3
    by_site = search(db, "the", "--site", "news_am", "--limit", "100")
    assert by_site and {hit["site"] for hit in by_site} == {"news_am"}
    assert len(by_site) == sum(1 for hit in everything if hit["site"] == "news_am")
    by_language = search(db, "the", "--language", "en", "--site", "civil_ge")
    assert by_language and {(h["site"], h["language"]) for h in by_language} == {("civil_ge", "en")}
    since = search(db, "the", "--since", "2025-06-01", "--limit", "100")
    assert since and all(hit["published"] >= "2025-06-01" for hit in since)
    assert len(since) == sum(1 for h in everything if (h["published"] or "") >= "2025-06-01")
    assert len(search(db, "the", "--limit", "2")) == 2


def test_search_without_a_hit_says_so(db):
    result = run_cli("search", "Zqxwvbn", "--db", str(db))
    assert result.stdout.strip() == "No article matches 'Zqxwvbn'."
    assert search(db, "Zqxwvbn") == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["   "], "give words to search for, e.g. `search Kaladze`"),
        (["x", "--site", "nowhere_ge"], "--site nowhere_ge: not in"),
        (["x", "--language", "de"], "--language de: not in"),
        (["x", "--since", "2024-13-01"], "--since '2024-13-01': give a day as YYYY-MM-DD"),
        (["x", "--limit", "0"], "--limit 0: give a number of hits of 1 or more"),
    ],
)
def test_search_mistakes_are_one_line(db, args, message):
    result = run_cli("search", *args, "--db", str(db), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_search_of_a_missing_archive(tmp_path):
    result = run_cli("search", "x", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"caucasus-crawler: {tmp_path / 'none.db'}: no such archive; run a crawl first"
    )


# -- stats ---------------------------------------------------------------------------------------
def test_stats_counts_per_outlet_language_and_month(db):
    out = run_cli("stats", "--db", str(db)).stdout
    with Archive.open_read_only(db) as archive:
        total = archive.count_articles()
        sites = archive.article_counts("site")
        languages = archive.article_counts("language")
        months = archive.article_counts("month")
    lines = out.splitlines()
    assert lines[0].startswith(f"{db}: {total:,} articles from 3 outlet(s), published 20")
    rows = {line.split()[0]: line.split() for line in lines[1:] if line.strip()}
    for site, n in sites.items():
        assert int(rows[site][-3]) == n
    for language, n in languages.items():
        assert rows[language][1] == str(n)
    for month, n in months.items():
        assert rows[month][1] == str(n) and rows[month][2].startswith("▇")
    stats = json.loads(run_cli("stats", "--db", str(db), "--json").stdout)
    assert stats["articles"] == total and stats["languages"] == languages
    assert stats["months"] == months
    assert {o["site"]: o["articles"] for o in stats["outlets"]} == sites


def test_stats_plots_articles_per_week_per_outlet_a_panel_per_country(db, tmp_path):
    chart = tmp_path / "per-day.png"
    result = run_cli("stats", "--db", str(db), "--plot", str(chart))
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # 12 inches wide; a title and 2.4 inches per country (GE, AM, AZ) high, at 100 dpi
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1200, 800)
    assert len(data) > 20_000
    # the demo's articles span years: weekly bins (what the chart holds: test_stats_chart.py)
    said = "Chart of articles per week per outlet, a panel per country (3 panel(s), "
    assert said in result.stderr and str(chart) in result.stderr
    bad = run_cli("stats", "--db", str(db), "--plot", str(tmp_path / "x.nope"), check=False)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_search_finds_other_forms_of_a_word_exact_forms_first(db):
    """Issue 20: a word in any form finds the articles with its other forms; articles with
    the form typed come first."""
    urls = {q: [hit["url"] for hit in search(db, q, "--limit", "100")] for q in ("ღვინო", "ღვინის")}
    assert "https://civil.ge/ka/archives/624152" in urls["ღვინო"]  # it says ღვინის
    assert urls["ღვინის"][0] == "https://civil.ge/ka/archives/624152"
    assert set(urls["ღვინო"]) == set(urls["ღვინის"])
    hits = search(db, "Bakıda", "--limit", "100")  # a form few articles have
    forms = {"bakı", "bakıda", "bakının", "bakıya", "bakıdan"}
    marked = {
        word.lower()
        for hit in hits
        for word in (hit["snippet"] + hit["headline"]).split("<mark>")[1:]
        for word in [word.split("</mark>")[0]]
    }
    assert len(marked & forms) >= 2
    # the form typed first; the other forms marked in the hits found through them
    exact = ["<mark>bakıda</mark>" in (hit["headline"] + hit["snippet"]).lower() for hit in hits]
    assert exact == sorted(exact, reverse=True) and True in exact and False in exact


def test_search_prefixes_and_folding(db):
    baki = {hit["url"] for hit in search(db, "baki*", "--limit", "100")}
    # (in Azerbaijani: its suffix rules read English "Baku" as a form of bak- too)
    bakida = {hit["url"] for hit in search(db, "Bakıda", "--limit", "100", "--language", "az")}
    assert baki >= bakida and len(bakida) >= 2
    assert search(db, "ღვინ*", "--limit", "100")
    assert {h["url"] for h in search(db, "baki", "--limit", "100")} == {
        h["url"] for h in search(db, "BAKI", "--limit", "100")
    }


@pytest.mark.parametrize("query", ['"', "(", "AND OR", "*", "-x", "NEAR(", "a:b", '"Bakı'])
def test_no_query_is_an_error(db, query):
    out = run_cli("search", "--db", str(db), "--json", "--", query).stdout
    assert isinstance(json.loads(out), list)


def test_word_forms_are_built_for_an_existing_archive(db, tmp_path):
    copy = tmp_path / "old.db"
    copy.write_bytes(db.read_bytes())
    terms = "SELECT stem, term, folded FROM search_terms"
    with Archive(copy) as archive:
        before = set(archive.db.execute(terms).fetchall())
        archive.db.execute("DELETE FROM search_terms")
        archive.db.execute("UPDATE search_index SET value = 'older rules' WHERE name = 'version'")
        archive.db.conn.commit()
    assert len(before) > 1000
    with Archive.open_read_only(copy) as archive:  # rebuilt on opening
        rebuilt = set(archive.db.execute(terms).fetchall())
        # the same, but for the words of articles no longer stored (a copy found later
        # demotes one): terms are never deleted on store
        assert rebuilt <= before and len(rebuilt) > 0.99 * len(before)
        assert archive.search_hits("Bakı") == Archive.open_read_only(db).search_hits("Bakı")


def test_a_very_common_phrase_or_prefix_gives_its_newest_matches_without_ranking(db):
    """Past `ranked` matches, bm25 would count a phrase's matches in the whole index (0.2 s
    for "of the" at a million articles): such a query lists its newest matches first."""
    with Archive.open_read_only(db) as archive:
        for query in ('"of the"', "th*"):
            everything = archive.search_hits(query, limit=1000)
            assert len(everything) > 6 and all(hit["rank"] < 0 for hit in everything)
            newest = archive.search_hits(query, limit=3, ranked=5)
            assert [hit["id"] for hit in newest] == sorted(
                (hit["id"] for hit in everything), reverse=True
            )[:3]
            assert all(hit["rank"] is None and "<mark>" in hit["snippet"] for hit in newest)
        # a plain word stays ranked by bm25 among its `ranked` newest matches
        ranked = archive.search_hits("the", limit=3, ranked=5)
        assert all(hit["rank"] < 0 for hit in ranked)
