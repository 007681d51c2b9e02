"""`caucasus-crawler import`: WARC records of the outlets into the archive, as a crawl stores
them; other hosts skipped; bounds; broken records; importing twice; revisits; stdin.

WARC files are written here from the mirror's pages (tests/warc_pages.py); extraction runs
in this process (`--processes 0`), the same function the pool runs."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import REPO
from warc_pages import Capture, articles, mirror_page, payload_digest, write_warc

from caucasus_crawler.cli import main

CIVIL = articles("civil.ge")
NEWS_AM = articles("news.am")


def foreign() -> list[Capture]:
    return [
        Capture("https://example.com/news/1", b"<html><title>Elsewhere</title><p>x</p></html>"),
        Capture("https://www.bbc.com/news/world-123", b"<html><title>BBC</title></html>"),
        Capture("https://civil.ge.example.org/archives/1", b"<html><title>Lookalike</title>"),
    ]


def import_(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", "--processes", "0", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def mixed(tmp_path):
    """A WARC of 6 civil.ge articles, civil.ge's home page (a listing) and feed, an image,
    3 pages of hosts no profile owns and 4 news.am articles."""
    captures = [mirror_page(a.url) for a in CIVIL[:6]]
    captures += [mirror_page("https://civil.ge/"), mirror_page("https://civil.ge/feed")]
    captures.append(Capture("https://civil.ge/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"))
    captures += foreign()
    captures += [mirror_page(a.url) for a in NEWS_AM[:4]]
    path = tmp_path / "mixed.warc.gz"
    write_warc(path, captures)
    return path


def test_import_stores_the_outlets_articles_and_skips_other_hosts(tmp_path, capsys, mixed):
    db = tmp_path / "archive.db"
    code, out, _ = import_(capsys, str(mixed), "--db", str(db))
    assert code == 0
    stored = dict(rows(db, "SELECT url, title FROM articles"))
    expected = {a.url: a.title for a in CIVIL[:6] + NEWS_AM[:4]}
    assert stored == expected
    # the fetch time is the record's WARC-Date; the raw response is kept
    assert {r[0] for r in rows(db, "SELECT fetched FROM pages")} == {"2026-11-02T10:00:00+00:00"}
    # the home page, judged no article by the extraction, is kept like the crawl keeps it
    assert rows(db, "SELECT url, reason FROM pages WHERE outcome = 'not_article'") == [
        ("https://civil.ge/", "a home page: https://civil.ge/")
    ]
    assert rows(db, "SELECT count(*) FROM responses")[0][0] == 11
    # hosts no profile owns are never stored, in any table
    for table in ("pages", "responses", "articles"):
        assert not rows(
            db,
            f"SELECT url FROM {table} WHERE url NOT LIKE '%civil.ge/%' AND url"
            " NOT LIKE '%news.am/%'",
        )
    run = rows(db, "SELECT mode, sites, articles_new, requests FROM crawl_runs")
    assert run == [("import", '["civil_ge", "news_am"]', 10, 17)]
    assert "records read     17" in out
    assert "articles stored  10 new, 0 updated" in out
    skipped = next(line for line in out.splitlines() if "skipped" in line)
    assert "3 other hosts" in skipped and "1 not responses" in skipped
    assert "not HTML" in skipped and "not articles" in skipped
    assert rows(
        db, "SELECT next_offset = size, finished IS NOT NULL, records FROM imported_files"
    ) == [(1, 1, 17)]


def test_importing_a_file_twice_adds_nothing_even_from_another_path(tmp_path, capsys, mixed):
    db = tmp_path / "archive.db"
    import_(capsys, str(mixed), "--db", str(db))
    before = rows(db, "SELECT url, last_seen FROM articles ORDER BY url")
    copy = tmp_path / "elsewhere.warc.gz"
    shutil.copy(mixed, copy)
    code, out, _ = import_(capsys, str(copy), "--db", str(db))
    assert code == 0
    assert "records read     0" in out
    assert "1 file(s) were imported before" in out
    assert rows(db, "SELECT url, last_seen FROM articles ORDER BY url") == before
    # the same records in another file: recognised by their pages, not extracted again
    other = tmp_path / "again.warc"
    write_warc(other, [mirror_page(a.url) for a in CIVIL[:6]], gzip=False)
    code, out, _ = import_(capsys, str(other), "--db", str(db))
    assert "6 already archived" in out
    assert "articles stored  0 new, 0 updated" in out


def test_site_limits_the_import_to_those_outlets(tmp_path, capsys, mixed):
    db = tmp_path / "archive.db"
    import_(capsys, str(mixed), "--db", str(db), "--site", "news_am")
    assert {r[0] for r in rows(db, "SELECT site FROM pages")} == {"news_am"}
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 4


def test_a_broken_record_is_reported_with_its_offset_and_the_rest_imported(tmp_path, capsys):
    path = tmp_path / "broken.warc.gz"
    offsets = write_warc(path, [mirror_page(a.url) for a in CIVIL[:5]])
    data = bytearray(path.read_bytes())
    # the third record's gzip member: its compressed bytes overwritten in the middle
    middle = (offsets[2] + offsets[3]) // 2
    data[middle : middle + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))
    db = tmp_path / "archive.db"
    code, out, err = import_(capsys, str(path), "--db", str(db))
    assert code == 0
    problems = [line for line in err.splitlines() if "offset" in line]
    assert problems and all(f"{path}: offset {offsets[2]}:" in line for line in problems[:1])
    assert all("\n" not in line and "Traceback" not in line for line in problems)
    stored = {r[0] for r in rows(db, "SELECT url FROM articles")}
    assert stored == {a.url for a in CIVIL[:5]} - {CIVIL[2].url}
    assert rows(
        db,
        "SELECT errors, last_error LIKE 'broken%' OR last_error LIKE ? FROM imported_files",
        f"{path}: offset {offsets[2]}:%",
    ) == [(1, 1)]
    assert "(1 broken record(s))" in out


def test_an_unreadable_file_is_one_line_and_the_others_are_imported(tmp_path, capsys):
    good = tmp_path / "good.warc.gz"
    write_warc(good, [mirror_page(CIVIL[0].url)])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is no WARC file\n" * 10)
    db = tmp_path / "archive.db"
    code, out, err = import_(capsys, str(junk), str(good), "--db", str(db))
    assert code == 0
    assert err.count("\n") == 1 and f"{junk}: offset 0:" in err
    assert rows(db, "SELECT url FROM articles") == [(CIVIL[0].url,)]


def test_bounds_hold_back_articles_that_a_later_unbounded_import_takes(tmp_path, capsys):
    # civil.ge's first six: 2026-06-30, 2026-04-28, 2026-03-10, 2025-11-12, 2025-10-02, 2025-01-22
    path = tmp_path / "civil.warc.gz"
    write_warc(path, [mirror_page(a.url) for a in CIVIL[:6]])
    db = tmp_path / "archive.db"
    code, out, _ = import_(
        capsys, str(path), "--db", str(db), "--since", "2025-10-01", "--until", "2026-04-30"
    )
    assert code == 0
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == {a.url for a in CIVIL[1:5]}
    assert "2 out of window" in out
    held = rows(db, "SELECT url, reason FROM pages WHERE outcome = 'skipped' ORDER BY url")
    assert [url for url, _ in held] == sorted([CIVIL[0].url, CIVIL[5].url])
    assert all(reason.startswith("out of window (published 20") for _, reason in held)
    # --max-articles: at most one new article per outlet, of those the window let through
    code, out, _ = import_(capsys, str(path), "--db", str(db), "--max-articles", "1")
    assert "articles stored  1 new" in out and "1 over --max-articles" in out
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 5
    # unbounded: the rest
    code, out, _ = import_(capsys, str(path), "--db", str(db))
    assert "articles stored  1 new" in out
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == {a.url for a in CIVIL[:6]}
    assert not rows(db, "SELECT url FROM pages WHERE outcome = 'skipped'")
    # now read to its end with nothing held back: not read again
    code, out, _ = import_(capsys, str(path), "--db", str(db))
    assert "records read     0" in out


def test_bad_bounds_are_one_line(tmp_path, capsys, mixed):
    db = tmp_path / "archive.db"
    for args, says in (
        (["--since", "2025-13-01"], "--since '2025-13-01' is not a day"),
        (["--since", "2026-01-02", "--until", "2026-01-01"], "is before --since"),
        (["--max-articles", "-1"], "--max-articles -1 is below 0"),
    ):
        code, _, err = import_(capsys, str(mixed), "--db", str(db), *args)
        assert code == 2 and says in err and err.count("\n") == 1
    code, _, err = import_(capsys, str(tmp_path / "nothing.warc"), "--db", str(db))
    assert code == 2 and "nothing.warc: does not exist" in err
    assert not db.exists()


def test_a_revisit_takes_its_payload_from_the_record_it_repeats(tmp_path, capsys):
    first = mirror_page(CIVIL[0].url, "2026-11-01T10:00:00Z")
    again = Capture(
        CIVIL[0].url,
        b"",
        date="2026-11-05T08:30:00Z",
        kind="revisit",
        digest=payload_digest(first.body),
    )
    lost = Capture(
        CIVIL[1].url, b"", date="2026-11-05T08:31:00Z", kind="revisit", digest="sha1:NOTHERE"
    )
    path = tmp_path / "revisits.warc.gz"
    write_warc(path, [first, again, lost])
    db = tmp_path / "archive.db"
    code, out, _ = import_(capsys, str(path), "--db", str(db))
    assert code == 0
    assert rows(db, "SELECT url, first_seen, last_seen FROM articles") == [
        (CIVIL[0].url, "2026-11-01T10:00:00+00:00", "2026-11-05T08:30:00+00:00")
    ]
    assert "1 revisits unresolved" in out
    # a revisit in a later file: the payload is the archive's stored response
    later = tmp_path / "later.warc.gz"
    write_warc(
        later,
        [
            Capture(
                CIVIL[0].url,
                b"",
                date="2026-11-09T00:00:00Z",
                kind="revisit",
                digest=payload_digest(first.body),
            )
        ],
    )
    import_(capsys, str(later), "--db", str(db))
    assert rows(db, "SELECT last_seen FROM articles") == [("2026-11-09T00:00:00+00:00",)]


def test_stdin_is_read_with_a_dash(tmp_path):
    path = tmp_path / "piped.warc.gz"
    write_warc(path, [mirror_page(a.url) for a in NEWS_AM[:2]] + foreign())
    db = tmp_path / "archive.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "caucasus_crawler.cli",
            "import",
            "-",
            "--db",
            str(db),
            "--processes",
            "0",
        ],
        input=path.read_bytes(),
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert b"3 other hosts" in result.stdout
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == {a.url for a in NEWS_AM[:2]}
    assert not rows(db, "SELECT * FROM imported_files")  # stdin: nothing to recognise later


def test_an_import_run_does_not_count_as_a_crawl_of_its_outlets(tmp_path, capsys, mixed):
    from caucasus_crawler.archive import Archive

    db = tmp_path / "archive.db"
    import_(capsys, str(mixed), "--db", str(db))
    with Archive(db) as archive:
        assert archive.last_finished_run("civil_ge") is None
        # nor says anything of the profile's health today
        assert not rows(db, "SELECT * FROM site_health_metrics")


# -- slow: a real crawl's archive, a killed import ------------------------------------------------
@pytest.mark.slow
def test_an_exported_archive_imported_into_a_fresh_one_gives_the_same_articles(tmp_path, demo):
    from conftest import run_cli

    db, *_ = demo
    warc = tmp_path / "demo.warc.gz"
    run_cli("export", "--db", str(db), "--format", "warc", "-o", str(warc))
    fresh = tmp_path / "fresh.db"
    result = run_cli("import", str(warc), "--db", str(fresh))
    articles_sql = "SELECT url, title, body, published, modified, language FROM articles"
    original = sorted(rows(db, articles_sql))
    assert len(original) > 200
    assert sorted(rows(fresh, articles_sql)) == original
    duplicates_sql = (
        "SELECT d.url, a.url, d.kind FROM duplicates d JOIN articles a ON a.id = d.article_id"
    )
    assert sorted(rows(fresh, duplicates_sql)) == sorted(rows(db, duplicates_sql))
    assert f"articles stored  {len(original)} new, 0 updated" in result.stdout


def every_mirror_article() -> list[Capture]:
    hosts = ("agenda.ge", "apa.az", "civil.ge", "news.am", "oc-media.org", "report.az", "trend.az")
    return [mirror_page(a.url) for host in hosts for a in articles(host)]


@pytest.mark.slow
def test_a_killed_import_resumes_where_it_stopped_and_stores_nothing_twice(tmp_path):
    import os
    import signal
    import time

    others = foreign()
    captures = []
    for number, page in enumerate(every_mirror_article()):  # one of another host after each
        captures += [page, others[number % len(others)]]
    warc = tmp_path / "big.warc.gz"
    write_warc(warc, captures)
    whole = tmp_path / "whole.db"
    command = [sys.executable, "-m", "caucasus_crawler.cli", "import", str(warc)]
    subprocess.run([*command, "--db", str(whole)], check=True, capture_output=True, cwd=REPO)

    killed = tmp_path / "killed.db"
    process = subprocess.Popen(
        [*command, "--db", str(killed), "--processes", "2", "--batch", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        start_new_session=True,
    )
    # killed once its first batch (of 5) is committed, long before its end (~200 more)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if killed.exists() and _committed(killed):
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    state = rows(killed, "SELECT next_offset, size, finished FROM imported_files")
    assert len(state) == 1 and 0 < state[0][0] < state[0][1] and state[0][2] is None
    read_before = rows(killed, "SELECT records FROM imported_files")[0][0]

    result = subprocess.run(
        [*command, "--db", str(killed)], capture_output=True, text=True, cwd=REPO, check=True
    )
    read_after = int(result.stdout.split("records read")[1].split()[0])
    assert read_before + read_after == len(captures) + 1  # + warcinfo: each read once
    for sql in (
        "SELECT url, title, body, published FROM articles ORDER BY url",
        "SELECT url, kind FROM duplicates ORDER BY url",
        "SELECT url, outcome, fetched FROM pages ORDER BY url",
        "SELECT url, fetched FROM responses ORDER BY url",
    ):
        assert rows(killed, sql) == rows(whole, sql)
    # each article counted new once across the killed run and the one that resumed it
    assert rows(killed, "SELECT sum(articles_new) FROM crawl_runs") == rows(
        killed, "SELECT count(*) FROM articles"
    )


def _committed(db) -> bool:
    try:
        return bool(rows(db, "SELECT 1 FROM imported_files WHERE next_offset > 0"))
    except sqlite3.Error:  # not created yet
        return False


def test_a_later_capture_out_of_the_window_leaves_the_stored_page_as_it_is(tmp_path, capsys):
    db = tmp_path / "archive.db"
    first = tmp_path / "first.warc.gz"
    write_warc(first, [mirror_page(CIVIL[0].url, "2026-11-01T00:00:00Z")])
    import_(capsys, str(first), "--db", str(db))
    later = tmp_path / "later.warc.gz"
    write_warc(later, [mirror_page(CIVIL[0].url, "2026-11-20T00:00:00Z")])
    code, out, _ = import_(capsys, str(later), "--db", str(db), "--since", "2026-07-01")
    assert "1 out of window" in out  # published 2026-06-30
    assert rows(db, "SELECT outcome, fetched, article_id IS NOT NULL FROM pages") == [
        ("article", "2026-11-01T00:00:00+00:00", 1)
    ]
