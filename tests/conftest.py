"""Shared fixtures: the real pages in ../shared/data, and running the `caucasus-crawler` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
REAL_PAGES = SHARED_DATA / "real-pages"
REFERENCE_TEXT = REAL_PAGES / "civil-ge-seed-article.txt"
REFERENCE_TITLE = "Mayor Kaladze: GD Welcomes Moscow’s Offer to Aid Ties with Occupied Territories"


def shared_file(path: Path) -> Path:
    """A file of ../shared/data, or a skip saying why (a user's clone has no ../shared)."""
    if not path.exists():
        pytest.skip(f"{path} is not here: the real pages live in ../shared/data beside the repo")
    return path


def reference_paragraphs() -> list[str]:
    """The reference article's body paragraphs: between the audio widget and "Also Read:"."""
    lines = [line.strip() for line in shared_file(REFERENCE_TEXT).read_text("utf-8").splitlines()]
    start = lines.index("Listen to this article") + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("Also Read"))
    return [line for line in lines[start:end] if line]


def article_at(archive, url: str) -> dict | None:
    """The article archived at a canonical URL, as Archive.article gives it; None if none."""
    article_id = archive.article_id_for_url(url)
    return None if article_id is None else archive.article(article_id)


def run_cli(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `caucasus-crawler ARGS` in a fresh process, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "caucasus_crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"caucasus-crawler {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """Two demo crawls of the whole mirror into one archive, right after each other, as the
    README's first command runs them: (archive path, first output, second output, number of
    articles after the first). Shared by the tests that only read the demo archive."""
    from caucasus_crawler.archive import Archive

    db = tmp_path_factory.mktemp("demo") / "archive.db"
    first = run_cli("crawl", "--demo", "--db", str(db))
    with Archive(db) as archive:
        articles_after_first = archive.db["articles"].count
    second = run_cli("crawl", "--demo", "--db", str(db))
    return db, first, second, articles_after_first
