"""What users tripped over in the commands (issue 21): `--version`; `serve` on a port already
taken; `extract` without `--url` finding the outlet from the page; `runs`, `sites` and
`stats` readable with 22 outlets and long names; the demo's terminal kept to what needs the
user."""

from __future__ import annotations

import json
import re
import socket
import tomllib

import pytest
from conftest import REPO, run_cli

from caucasus_crawler import __version__
from caucasus_crawler.archive import Archive
from caucasus_crawler.cli import main


# -- --version (item 10) ------------------------------------------------------------------------
def test_version_prints_the_packages_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"caucasus-crawler {__version__}\n"
    declared = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert __version__ == declared


# -- serve on a port taken (item 11) ------------------------------------------------------------
@pytest.mark.slow
def test_serve_on_a_taken_port_says_so_in_one_line_before_serving(tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--db", str(db), "--port", str(port), check=False, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"caucasus-crawler: --port {port}: taken on 127.0.0.1 (another server?); give another port"
    ], result.stderr
    assert "Serving" not in result.stderr and result.stdout == ""


# -- runs, sites, stats with 22 outlets and long names (item 15) --------------------------------
def test_a_row_names_the_first_few_outlets_and_how_many_more():
    from caucasus_crawler.cli.output import first_few

    names = [f"outlet_{n:02d}" for n in range(22)]
    assert first_few(names) == "outlet_00, outlet_01, outlet_02 +19 more"
    assert first_few(names[:4]) == "outlet_00, outlet_01, outlet_02, outlet_03"
    assert first_few([]) == ""


def test_sites_keeps_its_columns_with_a_long_outlet_name(capsys):
    assert main(["sites"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("interpressnews_ge ") for line in lines)
    assert len({line.index(" https://") for line in lines}) == 1, "\n".join(lines)


def test_stats_shows_empty_months_and_keeps_its_columns_with_a_long_outlet_name():
    from caucasus_crawler.stats import every_month, render

    assert every_month({"2024-11": 2, "2025-02": 1}) == {
        "2024-11": 2,
        "2024-12": 0,
        "2025-01": 0,
        "2025-02": 1,
    }
    assert every_month({}) == {}
    outlet = {"title": "Interpressnews", "first": "2024-11-01", "last": "2025-02-03"}
    stats = {
        "archive": "archive.db",
        "articles": 3,
        "first": "2024-11-01",
        "last": "2025-02-03",
        "outlets": [
            {**outlet, "site": "interpressnews_ge", "articles": 2},
            {**outlet, "site": "civil_ge", "title": "Civil.ge", "articles": 1},
        ],
        "languages": {"ka": 3},
        "months": {"2024-11": 2, "2025-02": 1},
    }
    lines = render(stats).splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("outlet"))
    name_column = lines[header].index("name")
    for row, title in zip(
        lines[header + 1 : header + 3], ("Interpressnews", "Civil.ge"), strict=True
    ):
        assert row.index(title) == name_column, "\n".join(lines[header : header + 3])
    months = lines[next(n for n, line in enumerate(lines) if line.startswith("month")) + 1 :]
    assert [row.split()[:2] for row in months] == [
        ["2024-11", "2"],
        ["2024-12", "0"],
        ["2025-01", "0"],
        ["2025-02", "1"],
    ]
    assert months[1].endswith(" 0") and months[0].endswith("▇" * 40)


@pytest.mark.slow
def test_runs_of_every_outlet_stay_one_short_line_each(demo):
    db = demo[0]
    lines = run_cli("runs", "--db", str(db)).stdout.splitlines()
    rows = [line for line in lines[1:] if line.strip() and not line.startswith("Failures")]
    rows = rows[: rows.index(next(r for r in rows if not r[:4].strip().isdigit()))]
    assert len(rows) == 2, lines
    for row in rows:
        assert re.search(r"  agenda_ge, apa_az, armenpress_am \+19 more$", row), row
        assert len(row) < 120, row


@pytest.mark.slow
def test_the_demo_prints_no_error_for_a_fault_its_summary_reports(demo):
    _, first, _, _ = demo
    assert "failures         7" in first.stdout
    assert "Gave up retrying" not in first.stderr
    assert " ERROR: " not in first.stderr, first.stderr
    # the spider's own warning still names the page and why
    assert "https://georgiatoday.ge/feed/: HTTP 500 (gave up after 2 retries" in first.stderr


# -- extract without --url: the outlet from the page (item 14) ----------------------------------
TEXT = (
    "The government announced on Tuesday that the new bridge over the river will open next "
    "spring. Construction took three years and was held up by a long dispute over its cost. "
    "The ministry said the bridge would join the two halves of the city for the first time."
)
CIVIL_URL = "https://civil.ge/archives/600001"


def saved_page(tmp_path, name: str, head: str = "", text: str = TEXT) -> str:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    path = tmp_path / name
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta property="og:type" content="article">{head}</head><body><article>'
        f"<h1>Bridge to open in spring</h1><div class='body'>{paragraphs}</div></article>"
        "</body></html>",
        "utf-8",
    )
    return str(path)


def extract(capsys, *args: str) -> tuple[int, str, list[str]]:
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


@pytest.mark.parametrize(
    "head",
    [
        f'<link rel="canonical" href="{CIVIL_URL}">',
        f'<meta property="og:url" content="{CIVIL_URL}">',
    ],
)
def test_extract_finds_the_outlet_from_the_pages_own_url_and_says_so(capsys, tmp_path, head):
    page = saved_page(tmp_path, "saved.html", head)
    code, out, err = extract(capsys, page)
    assert code == 0
    article = json.loads(out)
    assert article["site"] == "civil_ge" and article["url"] == CIVIL_URL
    assert err == [
        f"caucasus-crawler: {page}: read with the civil_ge profile, for the page's URL {CIVIL_URL}"
    ]


def test_extract_says_when_it_used_no_profile(capsys, tmp_path):
    page = saved_page(tmp_path, "saved.html")
    code, out, err = extract(capsys, page)
    assert code == 0 and json.loads(out)["site"] is None
    assert err == [
        f"caucasus-crawler: {page}: read with no outlet profile: the page gives no URL of its "
        "own (--url or --site NAME chooses one)"
    ]
    other = saved_page(
        tmp_path, "other.html", '<link rel="canonical" href="https://example.org/a">'
    )
    code, out, err = extract(capsys, other)
    assert code == 0 and json.loads(out)["url"] == "https://example.org/a"
    assert err == [
        f"caucasus-crawler: {other}: read with no outlet profile: no profile owns the page's "
        "URL https://example.org/a (--site NAME chooses one)"
    ]
    home = saved_page(tmp_path, "home.html", '<meta property="og:url" content="https://civil.ge/">')
    code, out, err = extract(capsys, home)  # a template's og:url: not the page's own
    assert code == 0 and json.loads(out)["site"] is None and "gives no URL" in err[0]


def test_extract_folds_the_note_into_a_failures_one_line(capsys, tmp_path):
    page = saved_page(tmp_path, "short.html", f'<link rel="canonical" href="{CIVIL_URL}">', "Hi")
    code, out, err = extract(capsys, page)
    assert code == 1 and out == ""
    assert len(err) == 1, err
    assert err[0].startswith(f"caucasus-crawler: {page}: no article found: ")
    assert err[0].endswith(f"(read with the civil_ge profile, for the page's URL {CIVIL_URL})")


def test_extract_prints_no_note_when_told_the_url_or_for_several_pages(capsys, tmp_path):
    civil = saved_page(tmp_path, "civil.html", f'<link rel="canonical" href="{CIVIL_URL}">')
    bare = saved_page(tmp_path, "bare.html")
    assert extract(capsys, civil, "--url", CIVIL_URL)[2] == []
    assert extract(capsys, bare, "--site", "civil_ge")[2] == []
    assert extract(capsys, civil, "--generic")[2] == []
    code, out, err = extract(capsys, civil, bare)
    assert code == 0 and err == []
    assert [json.loads(line)["site"] for line in out.splitlines()] == ["civil_ge", None]
