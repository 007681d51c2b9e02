"""One parsed page and the machine-readable signals every reader needs.

The HTML is parsed once (with trafilatura's own loader, so the tree trafilatura sees is
the tree we read metadata from) and the `<meta>` tags and JSON-LD objects are indexed once;
the metadata, date and text readers all work from this one `Page`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit

from lxml.cssselect import CSSSelector
from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from ..charsets import decode_page
from ..controls import CONTROL_CHARS, CONTROLS
from ..profiles import ProfileError

_WS = re.compile(r"\s+")
# Invisible characters (soft hyphen, zero-width spaces and joiners, BOM) and the control
# characters of caucasus_crawler/controls.py: no field of an article keeps them.
_INVISIBLE = re.compile(f"[\u00ad\u200b\u200c\u200d\u2060\ufeff{CONTROL_CHARS}]")
# A numeric character reference, which HTML parsers read with or without its semicolon.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}))")
_TRAILING_COMMA = re.compile(r",\s*([\]}])")
# Where an article's header and body live, most specific first.
_ARTICLE_SCOPES = tuple(
    XPath(f"({path})[1]")
    for path in (
        "//article[.//h1]",
        "//*[@itemprop='articleBody']/..",
        "//article",
        "//main",
        "//*[@role='main']",
    )
)

# schema.org types of an article (a WebPage is not one, but carries dates on Yoast sites).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "techarticle",
        "scholarlyarticle",
        "satiricalarticle",
        "askpublicnewsarticle",
    }
)


def clean_text(text: str | None) -> str:
    """Whitespace collapsed, invisible and control characters dropped, trimmed."""
    if not text:
        return ""
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


_VISIBLE_TEXT = XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def element_text(element: HtmlElement) -> str:
    """The visible text of an element with its children's texts kept apart by a space.

    ``text_content()`` glues ``<li>16 noyabr, 2025</li><li>14:00</li>`` into one word, and
    includes the code of scripts.
    """
    if element.tag in ("script", "style", "noscript", "template"):
        return ""
    return clean_text(" ".join(_VISIBLE_TEXT(element)))


def decode_html(html: str | bytes) -> str:
    """Bytes to text: a BOM or the page's declared charset, else UTF-8, unless the bytes show
    the declaration is wrong (see charsets.decode_page)."""
    if isinstance(html, str):
        return html
    return decode_page(html)


def parse_html(html: str | bytes) -> HtmlElement | None:
    """An lxml tree of the page, or None when the input is not HTML."""
    return _parse_text(decode_html(html))


def _parse_text(text: str) -> HtmlElement | None:
    if not text.strip():
        return None
    head = text[:2000].lower()
    if not any(tag in head for tag in ("<html", "<!doctype", "<head", "<body")):
        # a fragment (e.g. a saved <body>): give the loader a document to parse
        text = f"<html><body>{text}</body></html>"
    try:
        tree = load_html(text)
    except (ParserError, ValueError, TypeError):
        return None
    if tree is not None and _refers_to_controls(text):
        _strip_controls(tree)
    return tree


def _refers_to_controls(text: str) -> bool:
    """Whether the HTML spells a control character as a reference (`&#8;`, `&#x1b;`).

    libxml2 drops such characters written raw (those XML forbids) but makes a reference into
    the character itself, and trafilatura, copying the text into elements of its own, then
    meets lxml's refusal ("All strings must be XML compatible") and discards the whole page:
    one `&#8;` in one paragraph lost the article. A few references a page: cheap to check.
    """
    for match in _REFERENCE.finditer(text):
        code = int(match[1], 16) if match[1] else int(match[2])
        if code < 0x110000 and CONTROLS.match(chr(code)):
            return True
    return False


def _strip_controls(tree: HtmlElement) -> None:
    """Drop control characters from every text, tail and attribute value of the tree, so
    that trafilatura can copy every text and no reader meets them. (Those XML allows, C1 and
    bidi controls written raw, stay in the tree when no reference calls for this pass:
    lxml takes them, and clean_text drops them from every field.)"""
    for element in tree.iter():
        if element.text and CONTROLS.search(element.text):
            element.text = CONTROLS.sub("", element.text)
        if element.tail and CONTROLS.search(element.tail):
            element.tail = CONTROLS.sub("", element.tail)
        if isinstance(element.tag, str):  # comments and processing instructions have none
            for name, value in element.attrib.items():
                if CONTROLS.search(value):
                    element.set(name, CONTROLS.sub("", value))


@lru_cache(maxsize=256)
def css(selector: str) -> CSSSelector:
    """A compiled CSS selector (profiles reuse a handful on every page)."""
    try:
        return CSSSelector(selector)
    except Exception as exc:  # cssselect raises several unrelated types
        raise ProfileError(f"invalid CSS selector {selector!r} in a profile: {exc}") from None


def same_site(url_a: str, url_b: str) -> bool:
    """Whether two URLs are on one site: hosts equal once `www.`/`m.`/`amp.` are dropped."""

    def host(url: str) -> str:
        try:
            name = (urlsplit(url).hostname or "").lower()
        except ValueError:  # "https://[not-an-address]/" in a hostile or broken page
            return ""
        for prefix in ("www.", "m.", "amp."):
            name = name.removeprefix(prefix)
        return name

    a, b = host(url_a), host(url_b)
    return bool(a) and a == b


def _parse_json(text: str) -> object | None:
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:  # the commonest hand-written JSON-LD fault
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        return None


def _walk_jsonld(value: object) -> Iterator[dict]:
    if isinstance(value, list):
        for item in value:
            yield from _walk_jsonld(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity"):
            nested = value.get(key)
            if isinstance(nested, list | dict):
                yield from _walk_jsonld(nested)


def jsonld_types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


class Page:
    """A parsed page: its tree, URL, `<meta>` index and JSON-LD objects."""

    def __init__(self, tree: HtmlElement, url: str, source: str | None = None):
        self.tree = tree
        self.url = url
        self.source = source  # the decoded HTML, when known: a cheap pre-check for rare markup
        self.memo: dict = {}  # readers' derived values shared across modules

    @classmethod
    def from_html(cls, html: str | bytes | HtmlElement, url: str) -> Page | None:
        if isinstance(html, HtmlElement):
            return cls(html, url)
        source = decode_html(html)
        tree = _parse_text(source)
        return None if tree is None else cls(tree, url, source)

    def note_check(self, selector: str, outcome: str) -> None:
        """Record what a profile selector (`body`, `date`, `categories`) found on this page:
        "hit", "miss" or "fallback"; `extract_article` hands them on as `Article.checks`,
        which `health` counts to tell when a profile no longer fits the site."""
        self.memo.setdefault("checks", {})[selector] = outcome

    def may_contain(self, word: str) -> bool:
        """False only when the page's HTML surely lacks `word` (saves whole-tree searches)."""
        return self.source is None or word in self.source

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """`<meta>` contents by lower-cased name, property or itemprop, in page order."""
        index: dict[str, list[str]] = {}
        for element in self.tree.iter("meta"):
            content = element.get("content")
            if content is None:
                continue
            content = clean_text(content)
            if not content:
                continue
            for attribute in ("property", "name", "itemprop", "http-equiv"):
                # itemprop may hold several names: "datePublished dateCreated"
                for key in (element.get(attribute) or "").lower().split():
                    index.setdefault(key, []).append(content)
        return index

    def meta_first(self, *keys: str) -> str | None:
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None

    @cached_property
    def jsonld(self) -> list[dict]:
        """Every JSON-LD object of the page, `@graph` members flattened."""
        objects: list[dict] = []
        for script in self.tree.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            if script.text and (data := _parse_json(script.text)) is not None:
                objects.extend(_walk_jsonld(data))
        return objects

    @cached_property
    def jsonld_by_id(self) -> dict[str, dict]:
        return {o["@id"]: o for o in self.jsonld if isinstance(o.get("@id"), str) and len(o) > 1}

    @cached_property
    def jsonld_article(self) -> dict | None:
        """The page's article object: the first of an article type, else a WebPage with dates."""
        for obj in self.jsonld:
            if jsonld_types(obj) & ARTICLE_TYPES:
                return obj
        return None

    @cached_property
    def jsonld_webpage(self) -> dict | None:
        for obj in self.jsonld:
            if "webpage" in jsonld_types(obj) or "itempage" in jsonld_types(obj):
                return obj
        return None

    @cached_property
    def scope(self) -> HtmlElement | None:
        """The element holding the article (with its header), when the markup says so."""
        for xpath in _ARTICLE_SCOPES:
            found = xpath(self.tree)
            if found:
                return found[0]
        return None

    @cached_property
    def html_lang(self) -> str | None:
        return self.tree.get("lang") or self.tree.get("xml:lang")

    def absolute(self, href: str | None) -> str | None:
        if not href or href.startswith(("javascript:", "mailto:", "#", "data:")):
            return None
        try:
            return urljoin(self.url, href.strip())
        except ValueError:
            return None

    def select(self, selector: str, root: HtmlElement | None = None) -> list[HtmlElement]:
        return css(selector)(self.tree if root is None else root)
