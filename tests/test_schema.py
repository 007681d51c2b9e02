"""The schema declared once (caucasus_crawler/archive/schema.py) and what follows from it: new
archives, migrated ones, the README's schema table, datasette's descriptions, export's fields."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import REPO

from caucasus_crawler.archive import Archive, schema
from caucasus_crawler.archive.migrations import LATEST, MIGRATIONS, statements
from caucasus_crawler.export_fields import FIELDS, NOT_EXPORTED
from caucasus_crawler.serve import TABLES

DECLARED = {table.name: table.column_names for table in schema.TABLES} | {
    schema.SEARCH.name: list(schema.SEARCH.columns)
}


def readme_schema() -> dict[str, list[str]]:
    """{table: its columns} as the README's schema table (under "## The archive") lists them:
    the backquoted names of the columns cell, leaving out what parentheses say about a column
    and the `table.column` a foreign key points at."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text[text.index("\n## The archive\n") :]
    section = section[: section.index("\n## ", 1)]
    tables = {}
    for line in section.splitlines():
        row = re.fullmatch(r"\| `(\w+)` \|[^|]*\|(.*)\|", line)
        if row is None:
            continue
        columns = row.group(2)
        while re.search(r"\([^()]*\)", columns):  # innermost first
            columns = re.sub(r"\([^()]*\)", "", columns)
        tables[row.group(1)] = re.findall(r"`(\w+)`", columns)
    return tables


def test_the_readme_lists_exactly_the_declared_tables_and_columns():
    documented = readme_schema()
    assert documented.keys() == DECLARED.keys(), "README.md's schema table and schema.py differ"
    for name, columns in DECLARED.items():
        assert documented[name] == columns, f"{name}: README.md lists other columns"


def sql_shape(path: Path) -> dict[tuple[str, str], str]:
    """Every table, index and trigger of a database, its SQL compared without comments,
    case or spacing (ALTER TABLE and a CREATE TABLE spell one column alike then)."""

    def normal(sql: str) -> str:
        sql = " ".join(re.sub(r"--[^\n]*", "", sql).split())
        return re.sub(r"\s*([(),])\s*", r"\1", sql).lower()

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        return {(kind, name): normal(sql) for kind, name, sql in rows}


def build_with_migrations(path: Path, version: int) -> None:
    """An archive as the first `version` migrations left it, with one article in it."""
    with sqlite3.connect(path) as conn:
        for number, script in enumerate(MIGRATIONS[:version], start=1):
            for statement in statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute(
            "INSERT INTO sites (name, title, country, languages, home) VALUES"
            " ('civil_ge', 'Civil.ge', 'GE', '[\"en\"]', 'https://civil.ge/')"
        )
        conn.execute(
            "INSERT INTO articles (url, site, title, body, word_count, content_hash, first_seen,"
            " last_seen) VALUES ('https://civil.ge/archives/1', 'civil_ge', 'Kaladze speaks',"
            " 'The mayor spoke.', 3, 'x', '2026-01-01T00:00:00+00:00',"
            " '2026-01-01T00:00:00+00:00')"
        )


@pytest.fixture(scope="module")
def declared(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("declared") / "archive.db"
    Archive(path).close()  # a new archive: the declared schema at once
    return sql_shape(path)


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_an_archive_of_any_version_becomes_the_declared_schema(tmp_path, declared, version):
    path = tmp_path / "archive.db"
    build_with_migrations(path, version)
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        (article_id,) = archive.db.execute("SELECT id FROM articles").fetchone()
        assert archive.article(article_id)["title"] == "Kaladze speaks"
        hits = archive.search_hits("mayor")
        assert [hit["url"] for hit in hits] == ["https://civil.ge/archives/1"]
    shape = sql_shape(path)
    assert shape.keys() == declared.keys()
    for key, sql in declared.items():
        assert shape[key] == sql, f"{key}: the migrations and schema.py disagree"


def test_datasette_describes_every_declared_table_and_column():
    for table in schema.TABLES:
        assert TABLES[table.name]["description"] == table.description
        assert list(TABLES[table.name]["columns"]) == table.column_names
        assert all(TABLES[table.name]["columns"].values()), table.name


def test_export_fields_come_from_declared_columns_and_none_is_forgotten():
    declared = {f"{t.name}.{c.name}": c for t in schema.TABLES for c in t.columns}
    for field in FIELDS:
        assert field.source in declared, f"{field.name}: {field.source} is not declared"
        sql_type = declared[field.source].sql.split()[0]
        assert sql_type == ("INTEGER" if field.kind == "int" else "TEXT"), field.name
    sources = {field.source for field in FIELDS}
    for column in schema.BY_NAME["articles"].column_names:
        name = f"articles.{column}"
        assert (name in sources) != (name in NOT_EXPORTED), f"{name}: export it or say why not"
