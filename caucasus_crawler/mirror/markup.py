"""Small rendering helpers the outlets share: escaping, dates, ids, head meta, RSS, sitemaps,
pagination."""

from __future__ import annotations

import html
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from caucasus_crawler.mirror.content import Article

RSS = "application/rss+xml; charset=UTF-8"
XML = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def esc(text: object) -> str:
    """Text or an attribute value, escaped for HTML and XML."""
    return html.escape(str(text), quote=True)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rfc822(when: datetime, utc: bool = False) -> str:
    """An RSS date: 'Wed, 04 Sep 2024 09:27:41 +0000' (WordPress writes UTC)."""
    return format_datetime(when.astimezone(UTC) if utc else when)


def w3c(when: datetime, utc: bool = False) -> str:
    """An ISO 8601 date-time: the local offset kept, or UTC written with Z."""
    if utc:
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat()


def json_ld(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return text


def slugify(name: str) -> str:
    """WordPress's sanitize_title, near enough: lower case, words joined by hyphens."""
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def stable_id(key: str, first: int, span: int) -> int:
    """A CMS's number for a page the data files give no number (a WordPress post id, a
    Drupal node id): made up, in first..first+span, the same in every run."""
    return first + zlib.crc32(key.encode()) % span


def paginate(items: Sequence, per_page: int) -> list[Sequence]:
    """Pages of a listing; a listing with nothing in it still has its first page."""
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    return pages or [items[:0]]


# -- the head ----------------------------------------------------------------------------------


def page_head(
    lang: str,
    title: str,
    url: str,
    site_name: str,
    *,
    charset: str = "utf-8",
    doctype: str = "<!DOCTYPE html>",
    locale: str | None = None,
    end: str = ">",
) -> str:
    """How most themes open a page, up to the page's own head lines: the doctype, <html
    lang>, <head>, charset and viewport, the title, the canonical link (`url`, absolute),
    og:locale (when given), og:site_name and og:url; `end` closes the link and the meta."""
    return (
        f'{doctype}\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{esc(title)}</title>\n<link rel="canonical" href="{esc(url)}"{end}\n'
        + meta_tags([("og:locale", locale), ("og:site_name", site_name), ("og:url", url)], end)
    )


def meta_tags(tags: Iterable[tuple[str, object]], end: str = ">", indent: str = "") -> str:
    """<meta> lines, one per (name, content): ``property=`` for Open Graph's names (og:,
    article:), ``name=`` for the others; a tag without content (None) is left out."""
    return "".join(
        f"{indent}<meta {'property' if name.startswith(('og:', 'article:')) else 'name'}="
        f'"{name}" content="{esc(content)}"{end}\n'
        for name, content in tags
        if content is not None
    )


def article_meta(
    article: Article,
    names: str,
    *,
    words: int = 25,
    end: str = ">",
    indent: str = "",
    values: dict[str, object] | None = None,
) -> str:
    """An article page's <meta> lines, in the order `names` gives them (space-separated):
    description and og:description are its first `words`, og:title its title, og:image its
    image (left out without one), og:type "article", article:published_time and
    article:modified_time its dates; `values` gives these or any other name's content."""
    known = {
        "description": article.excerpt(words),
        "og:description": article.excerpt(words),
        "og:title": article.title,
        "og:type": "article",
        "og:image": article.image,
        "article:published_time": w3c(article.published),
        "article:modified_time": w3c(article.modified),
        **(values or {}),
    }
    return meta_tags(((name, known[name]) for name in names.split()), end, indent)


def hreflang_links(versions: Iterable[Article], end: str = ">") -> str:
    """<link rel="alternate" hreflang> lines: an article's editions in other languages."""
    return "".join(
        f'<link rel="alternate" hreflang="{v.language}" href="{v.url}"{end}\n' for v in versions
    )


# -- feeds and sitemaps ------------------------------------------------------------------------


def news_item(
    article: Article,
    description: str,
    categories: Iterable[str] | None = None,
    guid: str | None = None,
    enclosure: bool = False,
) -> str:
    """An RSS <item> as the agencies' CMSs write it, an element a line: title, link,
    description, the categories (their line only when given), pubDate, guid (the URL, or
    the element given), the image's enclosure (its line only when asked for)."""
    a = article
    lines = [f"<title>{esc(a.title)}</title>", f"<link>{a.url}</link>"]
    lines.append(f"<description>{esc(description)}</description>")
    if categories is not None:
        lines.append("".join(f"<category>{esc(c)}</category>" for c in categories))
    lines.append(f"<pubDate>{rfc822(a.published)}</pubDate>")
    lines.append(guid or f"<guid>{a.url}</guid>")
    if enclosure:
        lines.append(
            f'<enclosure url="{a.image}" type="image/jpeg" length="0"/>' if a.image else ""
        )
    return "<item>\n" + "\n".join(lines) + "\n</item>"


def rss(
    channel: dict[str, str],
    items: Iterable[str],
    namespaces: dict[str, str] | None = None,
    extra: str = "",
) -> str:
    """An RSS 2.0 document. `channel` holds title, link, description (and optionally
    language, lastBuildDate); `items` are rendered <item> elements; `extra` goes into the
    channel before the items (atom:link, generator...)."""
    ns = "".join(f'\n\txmlns:{k}="{v}"' for k, v in (namespaces or {}).items())
    head = "".join(f"\t<{k}>{esc(v)}</{k}>\n" for k, v in channel.items())
    body = "\n".join(items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"{ns}\n>\n\n<channel>\n'
        f"{head}{extra}{body}\n</channel>\n</rss>\n"
    )


def news_feed(
    items: Iterable[str], title: str, link: str, description: str, language: str, **more: str
) -> str:
    """An RSS 2.0 feed of rendered `items` whose channel has what every feed of the mirror
    has, title, link, description and language, then `more` (lastBuildDate, copyright)."""
    channel = {"title": title, "link": link, "description": description, "language": language}
    return rss(channel | more, items)


def sitemap_index(sitemaps: Iterable[tuple[str, datetime]]) -> str:
    """A sitemap index: each sitemap's URL and when it last changed."""
    return _sitemap_document("sitemapindex", "sitemap", sitemaps)


def urlset(urls: Iterable[tuple[str, datetime]]) -> str:
    """A sitemap: each page's URL and when it last changed."""
    return _sitemap_document("urlset", "url", urls)


def _sitemap_document(root: str, entry: str, pairs: Iterable[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<{entry}><loc>{esc(loc)}</loc><lastmod>{w3c(mod, utc=True)}</lastmod></{entry}>"
        for loc, mod in pairs
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{SITEMAP_NS}">{entries}</{root}>\n'
    )
