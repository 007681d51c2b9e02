"""The public Python API, for notebooks and scripts (README: "Python API").

    archive = caucasus_crawler.open_archive("archive.db")
    for article in archive.articles(site="civil_ge", since="2024-01-01"):
        ...

Everything here is made of what the commands already do, so that the API and the terminal
never disagree: `.articles()` yields the records of `export --format jsonl`, `.search()` the
hits of `search --json`, `.stats()` the object of `stats --json`, and `extract_article` the
object `extract` prints. `crawl()` lives in `caucasus_crawler.crawling`; the package exports
all five lazily (see `caucasus_crawler/__init__.py`). The rest of the package is internal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from caucasus_crawler import profiles as _profiles
from caucasus_crawler import selection
from caucasus_crawler.archive import DEFAULT_PATH, Archive, ArchiveError
from caucasus_crawler.export import NAMES
from caucasus_crawler.profiles import Profile
from caucasus_crawler.stats import collect as collect_stats

if TYPE_CHECKING:
    import pandas

__all__ = ["ArchiveReader", "extract_article", "load_profiles", "open_archive"]

OneOrMore = str | Iterable[str] | None
Day = date | str | None
PANDAS_MISSING = "to_pandas() needs pandas, an optional extra: pip install 'pandas>=2.0'"


def open_archive(path: str | os.PathLike = DEFAULT_PATH) -> ArchiveReader:
    """The archive at `path`, opened for reading only (a crawl may write to it meanwhile).

    Raises FileNotFoundError when there is no such file (nothing is created), and the
    archive's own error, naming the file and why, for a file that is no usable archive."""
    try:
        return ArchiveReader(Archive.open_read_only(path))
    except ArchiveError:
        if not Path(path).exists():
            raise FileNotFoundError(
                f"{path}: no such archive; make one with caucasus_crawler.crawl(db={str(path)!r})"
                f" or `caucasus-crawler crawl --db {path}`"
            ) from None
        raise


class ArchiveReader:
    """An archive opened by `open_archive`: its articles, search and counts. Close it (or use
    it in a `with` block) to let go of the file."""

    def __init__(self, archive: Archive):
        self._archive = archive
        self.path: Path = archive.path
        self.closed = False

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<caucasus_crawler archive {str(self.path)!r} ({state})>"

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the file; closing twice is harmless."""
        if not self.closed:
            self.closed = True
            self._archive.close()

    def _open(self) -> Archive:
        if self.closed:
            raise ValueError(f"{self.path}: the archive is closed; open_archive() it again")
        return self._archive

    # -- reading --------------------------------------------------------------------------------
    def articles(
        self,
        site: OneOrMore = None,
        language: OneOrMore = None,
        category: OneOrMore = None,
        since: Day = None,
        until: Day = None,
        query: str | None = None,
        limit: int | None = None,
        topic: OneOrMore = None,
    ) -> Iterator[dict]:
        """The articles, oldest archived first, each a dict with the fields (names and values)
        of `caucasus-crawler export --format jsonl`'s records.

        `site`, `language`, `category` and `topic` (a name of the taxonomy: economy,
        politics...) take a value or a list (any of them); `since` and
        `until` a day (date, datetime or 'YYYY-MM-DD'), both included; `query` keeps the
        articles that full-text search matches (every word, in any of its forms, in the
        title or the body: the hits of `search`, in the archive's order);
        `limit` stops after that many. The filters are checked now: an outlet or language
        the archive does not hold raises ValueError naming those it does.

        Records are read from one database cursor as you iterate, so memory stays flat on
        any archive, `query` included."""
        archive = self._open()
        filters = selection.choose(
            archive,
            site=site,
            language=language,
            category=category,
            since=since,
            until=until,
            topic=topic,
        )
        if query is not None:
            selection.check_query(query)
        if limit is not None:
            selection.check_limit(limit, "limit")
        records = self._records(archive, filters.as_kwargs(), query)
        return records if limit is None else islice(records, limit)

    @staticmethod
    @staticmethod
    def _records(archive: Archive, filters: dict, query: str | None) -> Iterator[dict]:
        if query is not None:
            filters = {**filters, "match": archive.search_expressions(query)[1]}
        for record in archive.export_records(**filters):
            yield {name: record[name] for name in NAMES}  # as write_jsonl writes them

    def search(
        self,
        query: str,
        site: OneOrMore = None,
        language: OneOrMore = None,
        limit: int = 10,
        topic: OneOrMore = None,
    ) -> list[dict]:
        """Full-text search, best match first (words in the form typed, then bm25): the hits
        `caucasus-crawler search --json` prints, `{id, url, site, language, published,
        title, headline, snippet, rank}`, with `<mark>…</mark>` around the matched words of
        `headline` and `snippet`. `limit` takes at most 10,000; `topic`, like `site` and
        `language`, a name or a list."""
        archive = self._open()
        selection.check_query(query)
        selection.check_limit(
            limit,
            "limit",
            least=1,
            most=selection.SEARCH_MAX_HITS,
            why=f"search ranks the {selection.SEARCH_MAX_HITS:,} newest matches",
        )
        filters = selection.choose(archive, site=site, language=language, topic=topic)
        return archive.search_hits(
            query, limit=limit, mark=("<mark>", "</mark>"), **filters.as_kwargs()
        )

    def stats(self) -> dict:
        """What the archive holds, as `caucasus-crawler stats --json` prints it: articles in
        all, first and last date, and counts per outlet, language and month."""
        return collect_stats(self._open())

    def to_pandas(self, **filters) -> pandas.DataFrame:
        """The articles as a pandas DataFrame, one row per record of `articles(**filters)`,
        its columns the record's fields. Needs pandas (the `pandas` extra): without it,
        ImportError says how to install it."""
        try:
            import pandas
        except ImportError:
            raise ImportError(PANDAS_MISSING) from None
        return pandas.DataFrame.from_records(self.articles(**filters), columns=NAMES)


# -- pages and profiles -------------------------------------------------------------------------
def load_profiles(
    dirs: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
) -> dict[str, Profile]:
    """The outlet profiles by name: the bundled ones, then those in `dirs` (a directory or a
    list of them, as `--profiles DIR`); a file of yours replaces a bundled one of its name.
    A broken profile raises ValueError naming the file and the field."""
    if dirs is None:
        dirs = []
    elif isinstance(dirs, str | os.PathLike):
        dirs = [dirs]
    return _profiles.load_profiles(dirs)


def extract_article(
    html: str | bytes,
    url: str,
    profile: str | Profile | None = None,
) -> dict:
    """The article of one page, as `caucasus-crawler extract` prints it: `url, title, text,
    published, modified, authors, categories, tags, language, site, description, image,
    translations`.

    `html` is the page as text or as fetched bytes (decoded by their declared charset, else
    UTF-8); `url` the address it came from. `profile` is an outlet's name, a Profile from
    `load_profiles()`, or None for the bundled profile that owns the URL's host (generic
    extraction when none does). Raises ValueError when the page holds no article."""
    from caucasus_crawler.extract import extract_article as extract

    if isinstance(html, bytearray | memoryview):
        html = bytes(html)
    if not isinstance(html, str | bytes):
        raise TypeError(f"html: give the page as str or bytes, not {type(html).__name__}")
    if isinstance(profile, str):
        known = load_profiles()
        if profile not in known:
            raise ValueError(
                f"profile {profile!r}: no outlet of that name; load_profiles() lists them"
            )
        profile = known[profile]
    elif profile is None:
        profile = _profiles.profile_for_url(url, load_profiles().values())
    elif not isinstance(profile, Profile):
        raise TypeError(
            f"profile: give an outlet's name, a Profile or None, not {type(profile).__name__}"
        )
    return extract(html, url, profile).as_json()
