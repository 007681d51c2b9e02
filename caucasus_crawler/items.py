"""What the spider yields and the pipelines read (through itemadapter).

Two kinds of item flow through the pipelines:

* ``Article``: a page that held an article, with its extracted fields.
* ``PageVisit``: any other fetched URL (a listing, a feed, a page that is not an
  article, a failure), so that every URL the crawl touched has a row in ``pages``.
"""

from __future__ import annotations

import base64
import binascii
import threading
import zlib
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import zstandard

if TYPE_CHECKING:
    from caucasus_crawler.normalise import Prepared


@dataclass
class Link:
    """A named link, e.g. a category or tag with the URL of its listing."""

    name: str
    url: str | None = None


# Raw pages are kept as Zstandard frames, level 3: five times faster than zlib for the same
# size (benchmarks/README.md). Archives written before kept zlib streams; decompress_body
# tells them apart by the frame's magic number, which no zlib stream starts with (a zlib
# header's first two bytes make a multiple of 31, and 0x28B5 is not one).
ZSTD_LEVEL = 3
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_zstd = threading.local()  # a compression context serves one thread at a time


def compress_body(body: bytes) -> bytes:
    """A raw body as the archive keeps it (`responses.body`): Zstandard, level 3."""
    compressor = getattr(_zstd, "compressor", None)
    if compressor is None:
        compressor = _zstd.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return compressor.compress(body)


def decompress_body(stored: bytes) -> bytes:
    """`responses.body` as received: a Zstandard frame, or zlib from an older archive."""
    if stored[:4] == _ZSTD_MAGIC:
        decompressor = getattr(_zstd, "decompressor", None)
        if decompressor is None:
            decompressor = _zstd.decompressor = zstandard.ZstdDecompressor()
        return decompressor.decompress(stored)
    return zlib.decompress(stored)


@dataclass
class RawResponse:
    """A response as received (body after transfer decoding), for re-extraction and WARC."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # compress_body(body), when the extraction worker made it (off the crawl's thread);
    # None: the archive compresses the body itself. Never sent to Redis.
    compressed: bytes | None = field(default=None, repr=False, compare=False)


@dataclass
class Article:
    """One article as extracted from one page. Dates are ISO 8601 strings with an offset."""

    url: str
    title: str
    text: str
    site: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[Link] = field(default_factory=list)
    tags: list[Link] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    image: str | None = None
    # Other language editions of the same article: language code -> URL (hreflang alternates,
    # translation links).
    translations: dict[str, str] = field(default_factory=dict)
    # Other URLs of this same article on its site (WordPress shortlink, AMP page, og:url, the
    # fetched URL when rel=canonical names another), canonicalised: a later fetch of any of
    # them is the same article.
    aliases: list[str] = field(default_factory=list)
    # Which of the profile's selectors found something: {"body": "hit" | "miss" | "fallback",
    # "date": "hit" | "miss", "categories": "hit" | "miss"}, for the selectors it has (health).
    checks: dict[str, str] = field(default_factory=dict)
    # Set by the spider: how the page was fetched.
    fetched_url: str | None = None  # the URL requested, before canonicalisation
    http_status: int | None = None
    fetched: str | None = None
    raw: RawResponse | None = None  # kept so that text can be re-extracted later
    # What this page says about the outlet's profile, counted in `site_health_metrics`
    # (health.py): e.g. {"pattern_missed": 1} when urls.article missed an article's URL.
    health: dict[str, int] = field(default_factory=dict)
    # Set by the normalise pipeline: a hash of the normalised body, for exact-duplicate checks.
    content_hash: str | None = None
    # Set by the dedupe pipeline: what the archive already holds of this article.
    duplicate_of: int | None = None
    duplicate_kind: str | None = None  # "url" (already archived), "exact" or "near" (body)
    similarity: float | None = None  # of the body to the kept one: 1.0 for url and exact

    def __post_init__(self) -> None:
        # Not a field, so never stored, exported or sent to Redis: the body's near-duplicate
        # fingerprint when the extraction worker made it (normalise.prepare_article). It comes
        # back pickled with the article, sparing the crawl's thread from making it again.
        self.prepared: Prepared | None = None

    def as_json(self) -> dict:
        """The public JSON shape used by `caucasus-crawler extract`."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published,
            "modified": self.modified,
            "authors": self.authors,
            "categories": [c.name for c in self.categories],
            "tags": [t.name for t in self.tags],
            "language": self.language,
            "site": self.site,
            "description": self.description,
            "image": self.image,
            "translations": self.translations,
        }


@dataclass
class PageVisit:
    """A fetched URL that did not become an article, and why."""

    url: str
    site: str
    outcome: str  # "listing", "feed", "sitemap", "not_article", "failed", "skipped"
    http_status: int | None = None
    reason: str | None = None
    fetched: str | None = None
    raw: RawResponse | None = None  # kept for HTML pages that might hold an article
    etag: str | None = None  # validators of feeds, sitemaps, listings: the next poll
    last_modified: str | None = None  # asks "changed since?" (a 304 costs nothing)
    # What the request was for ("robots", "sitemap", "feed", "json", "listing", "article"),
    # and what it says about the outlet's profile (health.py), e.g. {"feed_urls": 25}.
    kind: str | None = None
    health: dict[str, int] = field(default_factory=dict)


# -- items as JSON (workers push them to Redis, `ingest` reads them back; never pickle) -------
_ITEM_TYPES: dict[str, type] = {"Article": Article, "PageVisit": PageVisit}


def item_to_dict(item: Article | PageVisit) -> dict[str, Any]:
    """A JSON-ready dict of an item: its type under "type", links as {"name", "url"}, a raw
    response's bytes as base64. Every field is kept, so `item_from_dict` gives the item back
    equal, whatever fields the item classes gain later."""
    data: dict[str, Any] = {"type": type(item).__name__}
    for spec in fields(item):
        value = getattr(item, spec.name)
        if isinstance(value, RawResponse):
            value = {"body": base64.b64encode(value.body).decode("ascii"), "headers": value.headers}
        elif isinstance(value, list) and value and isinstance(value[0], Link):
            value = [{"name": link.name, "url": link.url} for link in value]
        data[spec.name] = value
    return data


def item_from_dict(data: dict[str, Any]) -> Article | PageVisit:
    """The item `item_to_dict` gave; ValueError saying what is wrong when `data` is not one
    (e.g. it came from a worker whose item classes have fields these do not)."""
    if not isinstance(data, dict):
        raise ValueError(f"an item is a JSON object, not {type(data).__name__}")
    kind = data.get("type")
    cls = _ITEM_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown item type {kind!r} (expected Article or PageVisit)")
    known = {spec.name: spec for spec in fields(cls)}
    unknown = sorted(set(data) - set(known) - {"type"})
    if unknown:
        raise ValueError(f"{kind} has no field {', '.join(unknown)}")
    values = {name: value for name, value in data.items() if name != "type"}
    try:
        raw = values.get("raw")
        if raw is not None:
            body = base64.b64decode(raw["body"], validate=True)
            values["raw"] = RawResponse(body, dict(raw.get("headers") or {}))
        for name, spec in known.items():
            if spec.type == "list[Link]" and values.get(name):
                values[name] = [Link(link["name"], link.get("url")) for link in values[name]]
        return cls(**values)
    except (TypeError, KeyError, AttributeError, binascii.Error) as exc:
        raise ValueError(f"not a valid {kind}: {exc}") from None


def left_out(article: Article, reason: str) -> PageVisit:
    """The `pages` row of an article the bounds of a crawl or an import did not keep."""
    return PageVisit(
        url=article.fetched_url or article.url,
        site=article.site,
        outcome="skipped",
        http_status=article.http_status,
        reason=reason,
        fetched=article.fetched,
        kind="article",
    )
