"""The fields of an exported article record, each named after the archive column it comes from.

A record is one article with its outlet, categories, tags and topics (Archive.export_records). Each
field says its `source`, a column the archive's schema declares (archive/schema.py), and the
columns of `articles` that are not exported say why (NOT_EXPORTED): tests/test_schema.py
checks both, so a column added to the schema is exported or deliberately left out, never
forgotten. The descriptions speak of the record (a dataset outlives the archive it came from),
so some differ from the columns' own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # int, str, time, list
    source: str  # "table.column" in archive/schema.py (a list: the names of the linked rows)
    description: str


FIELDS: tuple[Field, ...] = (
    Field("id", "int", "articles.id", "The article's number in the archive it was exported from"),
    Field("url", "str", "articles.url", "Canonical URL of the article on the outlet's site"),
    Field("site", "str", "articles.site", "The outlet's profile name, e.g. civil_ge"),
    Field("outlet", "str", "sites.title", "The outlet's own name, e.g. Civil.ge"),
    Field(
        "country",
        "str",
        "sites.country",
        "The outlet's country: GE, AM, AZ (ISO 3166) or regional",
    ),
    Field(
        "language",
        "str",
        "articles.language",
        "ISO 639-1: en, ka (Georgian), hy (Armenian), az, ru",
    ),
    Field("title", "str", "articles.title", "Headline, without the outlet's name"),
    Field(
        "description", "str", "articles.description", "The outlet's summary of the article, if any"
    ),
    Field("text", "str", "articles.body", "Body text: paragraphs separated by a blank line"),
    Field("published", "time", "articles.published", "Publication time"),
    Field(
        "modified", "time", "articles.modified", "Last modification time the outlet gives, if any"
    ),
    Field("authors", "list", "articles.authors", "Authors"),
    Field(
        "categories",
        "list",
        "categories.name",
        "The outlet's categories (sections) of the article",
    ),
    Field("tags", "list", "tags.name", "The outlet's tags of the article"),
    Field(
        "topics",
        "list",
        "topics.name",
        "Topics across outlets and languages (economy, politics, ...), from the outlet's "
        "categories",
    ),
    Field("image", "str", "articles.image", "URL of the article's main image, if any"),
    Field("word_count", "int", "articles.word_count", "Words in the text"),
    Field(
        "content_hash", "str", "articles.content_hash", "SHA-256 of the case- and space-folded text"
    ),
    Field("first_seen", "time", "articles.first_seen", "When a crawl first stored the article"),
    Field("last_seen", "time", "articles.last_seen", "When a crawl last saw the article"),
)
NAMES = [f.name for f in FIELDS]

# Columns of `articles` a dataset leaves out, and why.
NOT_EXPORTED: dict[str, str] = {
    "articles.run_id": "the crawl run that last changed it means nothing outside its archive",
}
