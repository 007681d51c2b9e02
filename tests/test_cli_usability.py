"""What users tripped over in the commands (issue 21): `--version`; `serve` on a port already
taken; `extract` without `--url` finding the outlet from the page; `runs`, `sites` and
`stats` readable with 22 outlets and long names; the demo's terminal kept to what needs the
user."""

from __future__ import annotations

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
        f"caucasus-crawler: --port {port}: taken on 127.0.0.1 (another server?); "
        "give another port"
    ], result.stderr
    assert "Serving" not in result.stderr and result.stdout == ""
