"""What the spider yields and the pipelines read (through itemadapter).

Two kinds of item flow through the pipelines:

* ``Article``: a page that held an article, with its extracted fields.
* ``PageVisit``: any other fetched URL (a listing, a feed, a page that is not an
  article, a failure), so that every URL the crawl touched has a row in ``pages``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Link:
    """A named link, e.g. a category or tag with the URL of its listing."""

    name: str
    url: str | None = None


@dataclass
class RawResponse:
    """A response as received (body after transfer decoding), for re-extraction and WARC."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


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
    # Set by the spider: how the page was fetched.
    fetched_url: str | None = None  # the URL requested, before canonicalisation
    http_status: int | None = None
    # Other URLs of this same article on its site (WordPress shortlink, AMP page, og:url, the
    # fetched URL when rel=canonical names another), canonicalised: a later fetch of any of
    # them is the same article.
    aliases: list[str] = field(default_factory=list)
    fetched: str | None = None
    raw: RawResponse | None = None  # kept so that text can be re-extracted later
    # Set by the normalise pipeline: a hash of the normalised body, for exact-duplicate checks.
    content_hash: str | None = None
    # Set by the dedupe pipeline: what the archive already holds of this article.
    duplicate_of: int | None = None
    duplicate_kind: str | None = None  # "url" (already archived) or "exact" (same body)

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
