"""Normalising an article before it is stored: NFC text with uniform spacing, canonical
URLs, unique names, the body's hash, and (in `prepare_article`) its near-duplicate
fingerprint.

No Scrapy and no SQLite here: the extraction workers (caucasus_crawler/extract_pool.py)
import this module, and each import they skip is memory every worker saves.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from itemadapter import ItemAdapter

from caucasus_crawler import dedup
from caucasus_crawler.controls import strip_controls
from caucasus_crawler.items import Article, Link
from caucasus_crawler.urls import canonical_url

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise_text(text: str) -> str:
    """NFC, single spaces inside lines, paragraphs separated by one blank line, no control
    characters (extraction drops them already; this keeps them out of an article from any
    other source too: see caucasus_crawler/controls.py)."""
    text = unicodedata.normalize("NFC", strip_controls(text or ""))
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str) -> str:
    """A hash that ignores case and spacing, so trivially re-rendered copies match."""
    # split() drops all spacing, so of normalise_text only NFC matters here
    words = unicodedata.normalize("NFC", text or "").casefold().split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def _clean_links(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    cleaned = []
    for link in links:
        name = normalise_text(link.name).replace("\n", " ")
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(Link(name, canonical_url(link.url) if link.url else None))
    return cleaned


def normalise_article(article: Article) -> Article:
    """Canonical URLs, NFC text with uniform spacing, unique authors and links, the body's
    hash. Shared by the crawl and `reextract`, so both store the same thing."""
    adapter = ItemAdapter(article)
    adapter["url"] = canonical_url(adapter["url"])
    adapter["title"] = normalise_text(adapter["title"]).replace("\n", " ")
    adapter["text"] = normalise_text(adapter["text"])
    adapter["authors"] = list(dict.fromkeys(normalise_text(a) for a in adapter["authors"] if a))
    adapter["categories"] = _clean_links(adapter["categories"])
    adapter["tags"] = _clean_links(adapter["tags"])
    adapter["translations"] = {
        language: canonical_url(url) for language, url in adapter["translations"].items()
    }
    adapter["content_hash"] = content_hash(adapter["text"])
    return article


@dataclass(frozen=True)
class Prepared:
    """An article's near-duplicate fingerprint, with the text and language it was made from
    (as the content hash): it holds only while they are still the article's."""

    content_hash: str | None
    language: str | None
    fingerprint: dedup.Fingerprint

    def holds_for(self, article: Article) -> bool:
        return (self.content_hash, self.language) == (article.content_hash, article.language)


def prepare_article(article: Article) -> Article:
    """normalise_article, and the body's near-duplicate fingerprint kept with it in
    `article.prepared`: the costly part of storing an article, done where the article was
    extracted (an extraction worker), so that the crawl's own thread, which stores every
    article, does not have to."""
    normalise_article(article)
    article.prepared = Prepared(
        article.content_hash,
        article.language,
        dedup.fingerprint(article.text, article.language),
    )
    return article


def prepared_fingerprint(article: Article) -> dedup.Fingerprint | None:
    """The fingerprint `prepare_article` made, if the article's text and language are still
    the ones it was made from; else None."""
    prepared = article.prepared
    return prepared.fingerprint if prepared is not None and prepared.holds_for(article) else None
