"""`caucasus-crawler export`: datasets (JSON Lines, CSV, Parquet) with their dataset card, and
WARC, from the archive of a real demo crawl; and the progress shown on long work."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REFERENCE_TITLE, REPO, run_cli

from caucasus_crawler import export as export_module
from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.progress import Progress

REFERENCE_URL = "https://civil.ge/archives/626112"
DEMO_OUTLETS = ("civil_ge", "news_am", "report_az")  # three outlets keep the crawl short


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "archive.db"
    run_cli("crawl", *DEMO_OUTLETS, "--demo", "--db", str(path))
    return path


@pytest.fixture(scope="module")
def archived(db) -> dict[str, dict]:
    """Every archived article as `Archive.article` gives it, by URL."""
    with Archive.open_read_only(db) as archive:
        ids = [row[0] for row in archive.db.execute("SELECT id FROM articles")]
        return {a["url"]: a for a in (archive.article(i) for i in ids)}


def exported(db: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("export", "--db", str(db), "-o", str(out), *args)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def read_card(path: Path) -> tuple[dict, str]:
    _, header, body = path.read_text("utf-8").split("---\n", 2)
    return yaml.safe_load(header), body


def test_jsonl_has_one_record_per_article_with_its_links(db, archived, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = exported(db, out)
    records = read_jsonl(out)
    assert len(records) == len(archived) and len({r["url"] for r in records}) == len(records)
    assert f"Exported {len(records):,} article(s) to {out} (jsonl" in result.stdout
    assert [list(r) for r in records[:1]] == [export_module.NAMES]
    for record in records:
        article = archived[record["url"]]
        assert record["title"] == article["title"] and record["text"] == article["body"]
        assert record["categories"] == article["categories"] and record["tags"] == article["tags"]
        assert record["authors"] == article["authors"]
        assert record["published"] == article["published"]
        assert record["language"] == article["language"]
    reference = next(r for r in records if r["url"] == REFERENCE_URL)
    assert reference["title"] == REFERENCE_TITLE
    assert (reference["outlet"], reference["country"]) == ("Civil.ge", "GE")
    assert "South Caucasus News" in reference["categories"]
    assert "ღვინის" in out.read_text("utf-8")  # Georgian as it is, not \\u escapes


def test_csv_reads_back_with_its_types(db, archived, tmp_path):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out = tmp_path / "articles.csv"
    exported(db, out, "--format", "csv")
    table = pacsv.read_csv(out)
    assert table.num_rows == len(archived) and table.column_names == export_module.NAMES
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("word_count").type == pa.int64()
    assert pa.types.is_timestamp(table.schema.field("published").type)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # bodies keep their paragraphs; lists are JSON arrays
        article = archived[row["url"]]
        assert row["text"] == article["body"] and "\n\n" in row["text"]
        assert json.loads(row["categories"]) == article["categories"]
        assert int(row["word_count"]) == article["word_count"]


def test_parquet_has_the_explicit_schema_and_reads_back(db, archived, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "articles.parquet"
    exported(db, out)  # the format from the name
    table = pq.read_table(out)
    assert table.schema.equals(export_module.arrow_schema(), check_metadata=False)
    assert table.num_rows == len(archived)
    assert table.schema.field("categories").type == pa.list_(pa.string())
    rows = {r["url"]: r for r in table.to_pylist()}
    reference = rows[REFERENCE_URL]
    assert reference["published"].isoformat() == "2024-09-04T09:27:41+00:00"  # 13:27:41+04:00
    assert reference["categories"] == archived[REFERENCE_URL]["categories"]
    assert reference["text"] == archived[REFERENCE_URL]["body"]
    assert all(rows[url]["tags"] == a["tags"] for url, a in archived.items())


def test_parquet_is_written_in_row_groups(db, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.setattr(export_module, "BATCH_ROWS", 7)
    out = tmp_path / "groups.parquet"
    with Archive.open_read_only(db) as archive:
        result = export_module.export(archive, "parquet", out, progress=_quiet)
    groups = pq.ParquetFile(out).metadata.num_row_groups
    assert groups == math.ceil(result.records / 7) and groups > 1
    assert pq.read_table(out).num_rows == result.records


def _quiet(*args, **kwargs) -> Progress:
    return Progress(*args, stream=io.StringIO(), **kwargs)


@pytest.mark.parametrize(
    "args, filters",
    [
        (["--site", "civil_ge"], {"sites": ["civil_ge"]}),
        (["--site", "news_am", "--site", "report_az"], {"sites": ["news_am", "report_az"]}),
        (["--language", "en", "--site", "civil_ge"], {"languages": ["en"], "sites": ["civil_ge"]}),
        (["--category", "Economy"], {"categories": ["Economy"]}),
        (["--since", "2025-01-01", "--until", "2025-12-31"], {}),
    ],
)
def test_filters_select_the_articles_the_archive_counts(db, archived, tmp_path, args, filters):
    from datetime import date

    out = tmp_path / "part.jsonl"
    exported(db, out, *args)
    records = read_jsonl(out)
    if "--since" in args:
        filters = {"since": date(2025, 1, 1), "until": date(2025, 12, 31)}
        assert all("2025-01-01" <= r["published"][:10] <= "2025-12-31" for r in records)
    with Archive.open_read_only(db) as archive:
        assert len(records) == archive.count_articles(**filters) > 0
    for record in records:
        assert record["site"] in filters.get("sites", [record["site"]])
        assert record["language"] in filters.get("languages", [record["language"]])
        for category in filters.get("categories", []):
            assert category in record["categories"]


def test_the_dataset_card_describes_the_export(db, archived, tmp_path):
    out = tmp_path / "data" / "articles.parquet"
    result = exported(db, out, "--site", "civil_ge", "--site", "news_am")
    card = out.parent / "README.md"
    assert f"dataset card  {card}" in result.stdout
    header, body = read_card(card)
    by_site = {"civil_ge": 0, "news_am": 0}
    languages: dict[str, int] = {}
    for article in archived.values():
        if article["site"] in by_site:
            by_site[article["site"]] += 1
            languages[article["language"]] = languages.get(article["language"], 0) + 1
    total = sum(by_site.values())
    info = header["dataset_info"]
    assert info["splits"] == [
        {"name": "train", "num_bytes": out.stat().st_size, "num_examples": total}
    ]
    assert [f["name"] for f in info["features"]] == export_module.NAMES
    assert {"name": "published", "dtype": "timestamp[ms, tz=UTC]"} in info["features"]
    assert {"name": "categories", "sequence": "string"} in info["features"]
    assert header["configs"][0]["data_files"] == [{"split": "train", "path": "articles.parquet"}]
    assert header["language"] == sorted(languages)
    assert header["size_categories"] == ["n<1K"]
    for site, n in by_site.items():
        assert f"| {site} |" in body and f"| {n:,} |" in body
    for language, n in languages.items():
        assert f"| {language} | {n:,} |" in body
    assert "- Selection: outlet civil_ge, news_am" in body
    dates = sorted(a["published"][:10] for a in archived.values() if a["site"] in by_site)
    assert f"- Published: {dates[0]} to {dates[-1]}" in body
    for name in export_module.NAMES:
        assert f"| `{name}` |" in body
    assert "https://civil.ge/" in body and "https://news.am/" in body
    assert "report.az" not in body


def test_the_card_never_replaces_a_readme_of_someone_else(db, tmp_path):
    mine = tmp_path / "README.md"
    mine.write_text("# My project\n", "utf-8")
    result = exported(db, tmp_path / "articles.jsonl")
    assert mine.read_text("utf-8") == "# My project\n"
    card = tmp_path / "articles.jsonl.README.md"
    assert f"dataset card  {card}" in result.stdout
    header, _ = read_card(card)
    assert {"name": "categories", "sequence": "string"} in header["dataset_info"]["features"]
    # a card of ours is replaced by the next export's
    exported(db, tmp_path / "sub" / "a.csv")
    exported(db, tmp_path / "sub" / "b.jsonl")
    header, _ = read_card(tmp_path / "sub" / "README.md")
    assert header["configs"][0]["data_files"][0]["path"] == "b.jsonl"


def test_warc_holds_the_stored_raw_responses(db, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "raw.warc.gz"
    result = exported(db, out, "--format", "warc", "--site", "civil_ge")
    with Archive.open_read_only(db) as archive:
        stored = {r["url"]: r for r in archive.responses(sites=["civil_ge"])}
    assert stored and f"Exported {len(stored):,} response(s)" in result.stdout
    records = {}
    with out.open("rb") as f:
        for record in ArchiveIterator(f, check_digests=True):
            if record.rec_type == "warcinfo":
                continue
            assert record.rec_type == "response"
            url = record.rec_headers.get_header("WARC-Target-URI")
            records[url] = (record.http_headers, record.content_stream().read())
            assert record.rec_headers.get_header("WARC-Date").endswith("Z")
    assert set(records) == set(stored) and REFERENCE_URL in records
    http, body = records[REFERENCE_URL]
    assert body == stored[REFERENCE_URL]["body"]
    assert http.get_statuscode() == "200"
    assert http.get_header("Content-Length") == str(len(body))
    assert REFERENCE_TITLE.encode() in body or b"Kaladze" in body
    assert not (tmp_path / "README.md").exists()  # WARC is no dataset: no card


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "x.jsonl", "--site", "nowhere_ge"], "--site nowhere_ge: not in"),
        (["-o", "x.json"], "say which --format (jsonl, csv, parquet or warc)"),
        (["-o", "x.warc.gz", "--language", "en"], "--format warc exports raw responses"),
        (["-o", "x.csv", "--until", "yesterday"], "--until 'yesterday': give a day"),
    ],
)
def test_export_mistakes_are_one_line(db, tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run_cli("export", "--db", str(db), *args, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written


# -- progress ------------------------------------------------------------------------------------
def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    lines = io.StringIO()
    with Progress("export", total=3, interval=0, stream=lines, tty=False) as progress:
        for _ in range(3):
            progress.update()
    assert [line.split(" ", 2)[2] for line in lines.getvalue().splitlines()] == [
        "export: 1/3 articles, 0 s",
        "export: 2/3 articles, 0 s",
        "export: 3/3 articles, 0 s",
    ]
    bar = io.StringIO()
    with Progress("export", total=3, stream=bar, tty=True) as progress:
        progress.update(3)
    assert "export: 100%" in bar.getvalue() and "3/3" in bar.getvalue()
    quiet = io.StringIO()
    with Progress("export", total=3, stream=quiet, tty=False) as progress:
        progress.update(3)  # within the interval: no line
    assert quiet.getvalue() == ""


def test_the_crawl_progress_extension_logs_lines_when_not_on_a_terminal(tmp_path):
    db = tmp_path / "progress.db"
    with MirrorServer() as mirror:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "report_az"]
            + ["-s", f"ARCHIVE_PATH={db}", "-s", f"MIRROR_ADDRESS={mirror.address}"]
            + ["-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS_INTERVAL=0.2"]
            + ["-s", 'EXTENSIONS={"caucasus_crawler.progress.CrawlProgress": 500}'],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if " crawl (report_az): " in line]
    with Archive.open_read_only(db) as archive:
        run = archive.run(1)
    assert lines and lines[-1].endswith(" s") and "; done, " in lines[-1]
    assert (
        f"{run['requests']} requests, {run['pages']} pages, {run['articles_new']} articles"
        in lines[-1]
    )
