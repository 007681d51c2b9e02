"""Bad input to the `caucasus-crawler` command: one clear line on stderr and a non-zero exit,
never a traceback. Wrong arguments; a missing, unwritable, corrupt or damaged archive; a file
given to `extract` that is empty, binary, huge or a gzip bomb; a broken profile."""

from __future__ import annotations

import gzip
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli import main
from caucasus_crawler.cli.outlets import MAX_PAGE_BYTES

URL = "https://civil.ge/archives/743770"


def one_line_error(capsys, *args: str) -> str:
    """Run `caucasus-crawler ARGS` in this process: it must fail with one line on stderr."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse exits by itself
        code = exit_.code
    out, err = capsys.readouterr()
    assert code not in (0, None), f"exit {code} for {args}: {out}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"{args}:\n{err}"
    assert lines[0].startswith("caucasus-crawler"), lines[0]
    return lines[0]


# -- arguments ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "the following arguments are required: COMMAND"),
        (("crawl", "--bogus"), "unrecognized arguments: --bogus"),
        (("nosuchcommand",), "invalid choice: 'nosuchcommand'"),
        (("runs", "--limit", "abc"), "argument --limit: invalid int value: 'abc'"),
        (("crawl", "--log-level", "LOUD"), "argument --log-level: invalid choice"),
        (("extract",), "the following arguments are required: FILE"),
        (("crawl", "nosuchsite"), "no outlet named nosuchsite"),
        (("crawl", "--set", "DOWNLOAD_DELAY"), "--set takes NAME=VALUE"),
        (("crawl", "civil_ge", "news_am", "--url", URL), "--url needs exactly one outlet"),
        (("search", " "), "give words to search for"),
        (("serve", "--port", "0"), "give a port from 1 to 65535"),
    ],
)
def test_wrong_arguments(capsys, args, words):
    line = one_line_error(capsys, *args)
    assert words in line


@pytest.mark.slow
def test_a_wrong_argument_in_a_real_process_prints_no_usage_block():
    result = run_cli("crawl", "--bogus", check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "caucasus-crawler: unrecognized arguments: --bogus (see `caucasus-crawler --help`)"
    ]


# -- archives -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [("runs",), ("search", "Kaladze"), ("stats",), ("reextract",), ("export", "-o", "x.jsonl")],
)
def test_a_missing_archive(capsys, tmp_path, command):
    missing = tmp_path / "missing.db"
    args = [a if a != "x.jsonl" else str(tmp_path / a) for a in command]
    line = one_line_error(capsys, *args, "--db", str(missing))
    assert line == f"caucasus-crawler: {missing}: no such archive; run a crawl first"
    assert not missing.exists()


def test_an_archive_that_cannot_be_created_there(capsys, tmp_path):
    """Tests run as root, who may write anywhere a directory allows: a path under a regular
    file, a directory, and /proc (read-only to root too) stand for unwritable places."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a directory")
    crawl = ("crawl", "civil_ge", "--url", URL, "--db")
    line = one_line_error(capsys, *crawl, str(a_file / "archive.db"))
    assert f"cannot create the archive: {a_file} is not a directory" in line
    line = one_line_error(capsys, *crawl, str(tmp_path / "nowhere" / "archive.db"))
    assert "cannot create the archive" in line and "does not exist" in line
    line = one_line_error(capsys, *crawl, str(tmp_path))
    assert "is a directory; name the file" in line
    line = one_line_error(capsys, *crawl, "/proc/archive.db")
    assert "/proc/archive.db" in line


def test_a_file_that_is_not_an_archive(capsys, tmp_path):
    garbage = tmp_path / "archive.db"
    garbage.write_bytes(b"these are not the pages of a SQLite database\n" * 100)
    for command in (("runs",), ("search", "Kaladze"), ("crawl", "civil_ge", "--url", URL)):
        line = one_line_error(capsys, *command, "--db", str(garbage))
        assert line.endswith(f"{garbage}: not a usable archive (file is not a database)")


def damaged_archive(path: Path) -> Path:
    """A real archive whose `crawl_runs` table's page is overwritten: it opens fine, and the
    damage shows only when a query reads that page."""
    with Archive(path) as archive:
        run = archive.start_run("demo", ["civil_ge"])
        archive.finish_run(run)
        root = archive.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'crawl_runs'"
        ).fetchone()[0]
        page_size = archive.db.execute("PRAGMA page_size").fetchone()[0]
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_archive(capsys, tmp_path):
    db = damaged_archive(tmp_path / "archive.db")
    line = one_line_error(capsys, "runs", "--db", str(db))
    assert line.startswith(f"caucasus-crawler: {db}: the archive is damaged (")
    assert f"`sqlite3 {db} .recover`" in line


def test_a_truncated_archive(capsys, tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()
    db.write_bytes(db.read_bytes()[:6000])
    line = one_line_error(capsys, "runs", "--db", str(db))
    assert "not a usable archive" in line or "damaged" in line


# -- extract ------------------------------------------------------------------------------------
def test_extract_an_empty_file(capsys, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"")
    assert "no article found" in one_line_error(capsys, "extract", str(page), "--url", URL)


def test_extract_a_binary_file(capsys, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    line = one_line_error(capsys, "extract", str(page), "--url", URL)
    assert line == f"caucasus-crawler: {page}: binary data, not a saved HTML page"


def test_extract_a_huge_file_reads_no_more_than_the_cap(capsys, tmp_path):
    page = tmp_path / "page.html"
    with page.open("wb") as file:  # sparse: no disk is spent on it
        file.truncate(MAX_PAGE_BYTES + 1)
    line = one_line_error(capsys, "extract", str(page), "--url", URL)
    assert line == f"caucasus-crawler: {page}: over 50 MB, too large for a saved page"


def test_extract_a_gzip_bomb(capsys, tmp_path):
    page = tmp_path / "page.html.gz"
    member = gzip.compress(b"<p>" + b" " * (16 * 1024 * 1024), compresslevel=9)
    page.write_bytes(member * 4)  # 64 MB once expanded, 64 KB on disk
    line = one_line_error(capsys, "extract", str(page), "--url", URL)
    assert line.endswith("over 50 MB, too large for a saved page once gunzipped")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("broken.html.gz", b"\x1f\x8b\x08\x00garbage", "broken gzip file"),
        ("missing.html", None, "cannot read: No such file or directory"),
        ("folder", "dir", "is a directory, not a saved page"),
    ],
)
def test_extract_other_unreadable_files(capsys, tmp_path, name, content, words):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    assert words in one_line_error(capsys, "extract", str(path), "--url", URL)


# -- profiles -----------------------------------------------------------------------------------
GOOD = 'name = "{name}"\ntitle = "T"\ncountry = "GE"\nlanguages = ["en"]\nhome = "https://x.ge/"\n'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('name = "x"\ntitle = \n', "not valid TOML"),
        (b"\xff\xfe not UTF-8", "not valid TOML"),
        ('name = "x"\n', "field 'country': is required"),
        (GOOD.format(name="bad_re") + "[urls]\narticle = ['(x']\n", "bad regular expression"),
        (GOOD.format(name="bad_css") + '[extract]\nbody = "div[["\n', "bad CSS selector"),
        (GOOD.format(name="Bad Name"), "field 'name'"),
    ],
)
def test_a_broken_profile(capsys, tmp_path, text, words):
    (tmp_path / "broken.toml").write_bytes(text if isinstance(text, bytes) else text.encode())
    line = one_line_error(capsys, "--profiles", str(tmp_path), "sites")
    assert str(tmp_path / "broken.toml") in line and words in line


def test_a_missing_profiles_directory(capsys, tmp_path):
    line = one_line_error(capsys, "--profiles", str(tmp_path / "none"), "sites")
    assert "no such profile directory" in line


@pytest.mark.slow
def test_no_traceback_reaches_a_user_of_a_damaged_archive(tmp_path):
    """The same, in a real process: what a user sees."""
    db = damaged_archive(tmp_path / "archive.db")
    for command in (("runs",), ("runs", "--json")):
        result = run_cli(*command, "--db", str(db), check=False)
        assert result.returncode != 0, command
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_sqlite_itself_reports_the_damage_we_simulate(tmp_path):
    db = damaged_archive(tmp_path / "archive.db")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT * FROM crawl_runs").fetchall()


# -- issue 17, defect 11: the messages a user gets instead of a wrong one ----------------------
@pytest.mark.parametrize("command", [("crawl", "civil_ge"), ("search", "wine"), ("stats",)])
def test_an_archive_that_is_a_device_is_refused(capsys, tmp_path, command):
    """`--db /dev/null` (as root) left /dev/null-journal behind; any path that exists and is
    no regular file is refused, and nothing is written beside it."""
    fifo = tmp_path / "archive.db"
    os.mkfifo(fifo)
    for path in ("/dev/null", str(fifo)):
        line = one_line_error(capsys, *command, "--db", path)
        assert line == f"caucasus-crawler: {path}: not a regular file; name an archive file"
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]


def test_a_url_off_the_outlets_domains_is_refused(capsys, tmp_path):
    line = one_line_error(
        capsys, "crawl", "civil_ge", "--url", "https://example.com/x", "--db", str(tmp_path / "a")
    )
    assert (
        line
        == "caucasus-crawler: --url https://example.com/x: not on civil_ge's domains (civil.ge)"
    )
    assert not (tmp_path / "a").exists()


@pytest.mark.slow
def test_a_crawl_whose_every_request_is_refused_says_why(tmp_path):
    """Not "nothing was due": an outlet on a private address is refused, and the summary
    says so, with the reason."""
    (tmp_path / "lan_news.toml").write_text(
        'name = "lan_news"\ncountry = "regional"\nlanguages = ["en"]\n'
        'home = "http://10.0.0.1/"\n[urls]\narticle = ["/a/"]\n',
        "utf-8",
    )
    out = run_cli(
        "--profiles", str(tmp_path), "crawl", "lan_news", "--mirror", "127.0.0.1:9",
        "--db", str(tmp_path / "a.db"),
    ).stdout  # fmt: skip
    assert "nothing was due" not in out
    assert "nothing was fetched: 2 request(s) refused, e.g. http://10.0.0.1/" in out
    assert "10.0.0.1 is a private address" in out


# -- search: what the archive's SQL could not take -------------------------------------------
def test_search_with_a_limit_past_what_search_ranks(capsys, tmp_path):
    """Past SQLite's integers, the limit was an OverflowError and its traceback."""
    db = tmp_path / "archive.db"
    Archive(db).close()
    for limit in ("99999999999999999999", "10001"):
        line = one_line_error(capsys, "search", "wine", "--limit", limit, "--db", str(db))
        assert line == (
            f"caucasus-crawler: --limit {limit}: at most 10,000 (search ranks the 10,000 "
            "newest matches)"
        )
    assert main(["search", "wine", "--limit", "10000", "--db", str(db)]) == 0


@pytest.mark.slow
def test_search_for_bytes_that_are_not_utf8(tmp_path):
    """A query typed in another charset reaches Python surrogate-escaped (b"\\xff" is
    "\\udcff"), which SQLite cannot take: it was a UnicodeEncodeError and its traceback."""
    db = tmp_path / "archive.db"
    Archive(db).close()
    result = run_cli("search", "wine\udcff", "--db", str(db), check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "caucasus-crawler: the query 'wine\\xff': not UTF-8 text; is the terminal's encoding "
        "(locale) UTF-8?"
    ]
