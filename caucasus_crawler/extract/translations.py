"""Other language editions of an article: hreflang alternates and translation links.

WordPress translation plugins (Polylang, WPML) and most CMSs announce an article's other
editions with `<link rel="alternate" hreflang="ka" href="...">` in the head, and often with
`<a hreflang="ka">` links in a "This post is also available in" block.
"""

from __future__ import annotations

from lxml.etree import XPath

from ..profiles import LANGUAGES
from .page import Page, same_site

_HREFLANG = XPath("//link[@hreflang][@href] | //a[@hreflang][@href]")


def find_translations(page: Page, own_url: str) -> dict[str, str]:
    """Language code -> URL of the same article in that language, on the same site."""
    found: dict[str, str] = {}
    for element in _HREFLANG(page.tree):
        rel = (element.get("rel") or "alternate").lower()
        if element.tag == "link" and "alternate" not in rel.split():
            continue
        language = element.get("hreflang", "").strip().lower().replace("_", "-").split("-")[0]
        url = page.absolute(element.get("href"))
        if language not in LANGUAGES or not url or url == own_url or language in found:
            continue
        if same_site(url, own_url):
            found[language] = url
    return found
