"""Small rendering helpers the outlets share: escaping, dates, RSS, sitemaps, pagination."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

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


def paginate(items: Sequence, per_page: int) -> list[Sequence]:
    """Pages of a listing; a listing with nothing in it still has its first page."""
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    return pages or [items[:0]]


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


def sitemap_index(sitemaps: Iterable[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<sitemap><loc>{esc(loc)}</loc><lastmod>{w3c(mod, utc=True)}</lastmod></sitemap>"
        for loc, mod in sitemaps
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
        f"{entries}</sitemapindex>\n"
    )


def urlset(urls: Iterable[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<url><loc>{esc(loc)}</loc><lastmod>{w3c(mod, utc=True)}</lastmod></url>"
        for loc, mod in urls
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{entries}</urlset>\n'
    )
