"""The article body: a profile's body element when it has one, else trafilatura on the page.

Both paths go through trafilatura, whose XML body keeps paragraph boundaries exactly; the
paragraphs are then read from it (not from its plain-text rendering, which joins lines).

On a whole page trafilatura runs with its second opinions (readability and jusText), in
precision mode on a page that declares itself an article (then in balanced mode where that
yields too little), in balanced mode on any other page. Then: a
body split into sibling chunks is taken whole, a trailing list of links to other articles is
dropped, the profile's rules apply, and the boilerplate lines of `boilerplate` go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy

from lxml.etree import XPath
from lxml.html import HtmlElement, document_fromstring
from trafilatura import bare_extraction

from ..profiles import ExtractRules
from .boilerplate import drop_boilerplate, is_boilerplate
from .cleanup import apply_rules, normalise, paragraphs_of
from .page import Page, same_site

# A body shorter than this is suspect: a profile's body element that held this little gives
# way to the generic path, and a precise generic extraction is retried in trafilatura's
# balanced mode, which adds its fallbacks (baseline, recall retry) for unusual markup.
_SHORT_CHARS = 250
_NON_WORD = re.compile(r"\W+")
_INLINE_CLASSED = XPath(
    "//p//*[self::span or self::a or self::strong or self::em or self::b or self::i]"
    "[contains(@class, 'link') or contains(@class, 'bottom')]"
)
_EMBEDDED_POSTS = XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')]"
)
_POPUPS = XPath(
    "//p//*[contains(@class, 'tooltip') or contains(@class, 'popover') or contains(@class, 'popup')"
    " or contains(@class, 'hovercard') or contains(@class, 'rollover')]"
)
_POPUP_CLASS = re.compile(
    r"tooltip|popover|popup|hovercard|(?:rollover|hover)[-_\w]*[-_](?:block|content|card|box"
    r"|inner|body|panel|container)\b",
    re.IGNORECASE,
)
# trafilatura's precision pruning: class token `link`, a token starting or ending in `bottom`
_PRUNED_CLASS = re.compile(r"(?:^|\s)link(?:\s|$)|(?:^|\s)bottom|bottom(?:\s|$)")
# Lists of links: titles (short, no sentence's end), two or more in a row.
_LINK_TITLE_CHARS = 120
_SENTENCE_END = frozenset('.!:;"”»')
_LINK_RUN = 2
# How far up a split body's chunks may share an ancestor.
_CHUNK_LEVELS = 3


def _trafilatura(tree: HtmlElement, url: str, precision: bool, fast: bool = True) -> list[str]:
    # fast: without trafilatura's second opinions (readability, jusText). A profile's body
    # element needs none; a whole page does: where trafilatura's own pick is a fragment (a
    # form, a teaser, one chunk of the text), they find the body (benchmarks/README.md)
    document = bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=precision,
        output_format="python",
        fast=fast,
    )
    if document is None or document.body is None:
        return []
    return paragraphs_of(document.body)


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _selected_body(page: Page, rules: ExtractRules) -> list[str] | None:
    """Paragraphs of the profile's body element (None when it matches nothing)."""
    if not rules.body:
        return None
    matches = page.select(rules.body, page.scope) if page.scope is not None else []
    matches = matches or page.select(rules.body)
    if not matches:
        return None
    element = matches[0]
    document = document_fromstring("<html><body></body></html>")
    document.body.append(deepcopy(element))
    # fast (no second opinions): the element is the body already, and on the mirror's 290
    # pages of the bundled outlets they changed no text while costing a quarter of the time
    paragraphs = _trafilatura(document, page.url, precision=False)
    return paragraphs or paragraphs_of(element)


def _paragraph_element(page: Page, paragraph: str) -> HtmlElement | None:
    """The `<p>` of the page whose text is `paragraph`."""
    probe = paragraph[:60]
    for element in page.tree.iter("p"):
        text = element.text_content()
        if probe[:20] in text and normalise(text).startswith(probe):
            return element
    return None


def _split_body(page: Page, paragraphs: list[str]) -> list[str]:
    """The article when its body is split into sibling containers of one class (a layout
    that interleaves body chunks with ads and asides): trafilatura keeps the first chunk.

    The container of the first extracted paragraph is looked up; when elements of its tag and
    class follow it nearby (under one ancestor a few levels up) and hold more prose, it and
    they are extracted together, in document order. (A chunk before it is not the body's:
    trafilatura passed it over, e.g. a quoted claim above a fact check.)
    """
    if not paragraphs or not page.may_contain("<p"):
        return paragraphs
    element = _paragraph_element(page, paragraphs[0])
    container = element.getparent() if element is not None else None
    if container is None or not container.get("class"):
        return paragraphs
    ancestor = container
    for _ in range(_CHUNK_LEVELS):
        ancestor = ancestor.getparent()
        if ancestor is None or ancestor.tag in ("body", "html"):
            return paragraphs
    chunks = [
        c
        for c in ancestor.iter(container.tag)
        if c.get("class") == container.get("class") and c.find("p") is not None
    ]
    # trafilatura takes the first chunk of a split body: the missing ones follow it
    chunks = chunks[chunks.index(container) :] if container in chunks else []
    if len(chunks) < 2:
        return paragraphs
    document = document_fromstring("<html><body><article></article></body></html>")
    for chunk in chunks:
        copied = deepcopy(chunk)
        copied.attrib.clear()  # one body: no chunk singled out by its class
        copied.tail = None
        document.body[0].append(copied)
    merged = _trafilatura(document, page.url, precision=True)
    return merged if _chars(merged) > _chars(paragraphs) * 1.1 else paragraphs


def _link_key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _is_link(key: str, links: set[str]) -> bool:
    """Whether a paragraph (by its key) is the text of one of the page's links, or one with
    a short label beside it ("Headline [VIDEO]")."""
    if key in links:
        return True
    return any(len(k) >= 0.7 * len(key) and key.startswith(k) for k in links if k)


def _own_links(page: Page) -> Iterator[HtmlElement]:
    """The page's links to its own site: relative ones, and absolute ones to its host."""
    for anchor in page.tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href.startswith(("http://", "https://", "//")):
            if same_site(href if not href.startswith("//") else "http:" + href, page.url):
                yield anchor
        elif href and not href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            yield anchor


def _drop_link_lists(page: Page, paragraphs: list[str]) -> list[str]:
    """Without lists of links to other articles: a run of short paragraphs that are each the
    whole text of a link to the same site, at the end of the body or after a "Related"/"Read
    more" line."""
    candidates = [
        i
        for i, p in enumerate(paragraphs)
        if len(p) <= _LINK_TITLE_CHARS and p[-1:] not in _SENTENCE_END
    ]
    if len(candidates) < _LINK_RUN:
        return paragraphs
    # links to the site's own pages: other articles (a deal's or a guide's links to other
    # sites are what it is about)
    links = {_link_key(a.text_content()) for a in _own_links(page)} - {""}
    linked = {i for i in candidates if _is_link(_link_key(paragraphs[i]), links)}
    drop: set[int] = set()
    index = 0
    while index < len(paragraphs):
        end = index
        while end in linked:
            end += 1
        if end - index >= _LINK_RUN:
            at_end = all(is_boilerplate(p) or len(p) < 60 for p in paragraphs[end:])
            after_marker = index > 0 and is_boilerplate(paragraphs[index - 1])
            if at_end or after_marker:
                drop.update(range(index, end))
        index = end + 1 if end > index else index + 1
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def _prepare_tree(page: Page) -> None:
    """Inside paragraphs: keep the words of inline elements that trafilatura's precision mode
    drops for their class (`link`, `bottom`: meant for blocks, they cut "reported that <span
    class=link><a>the NFL will fine Rudolph</a></span> for ..."), and drop the pop-ups a
    name or term opens (tooltips, hovercards: a photo and links to other articles). Posts
    the article embeds (a tweet it quotes) are its text, not a share widget."""
    if page.may_contain("twitter-tweet") or page.may_contain("instagram-media"):
        for post in _EMBEDDED_POSTS(page.tree):
            # a wrapper named "social..." is taken for share buttons and pruned with the post
            wrapper = post.getparent()
            for _ in range(3):
                if wrapper is None or wrapper.tag in ("article", "main", "body"):
                    break
                if "social" in (wrapper.get("class") or "").lower():
                    del wrapper.attrib["class"]
                wrapper = wrapper.getparent()
    if not page.may_contain("<p"):
        return
    for element in _INLINE_CLASSED(page.tree):
        if _PRUNED_CLASS.search(element.get("class", "")):
            del element.attrib["class"]
    for element in _POPUPS(page.tree):
        if _POPUP_CLASS.search(element.get("class", "")) and element.getparent() is not None:
            if element.find(".//a") is not None or element.find(".//img") is not None:
                element.drop_tree()


def extract_paragraphs(
    page: Page, rules: ExtractRules | None, title: str | None, declares_article: bool = True
) -> list[str]:
    """The body's paragraphs after the profile's boilerplate rules. `declares_article`: the
    page says it is an article (og:type, JSON-LD, article:* meta, a profile's URL pattern).

    Consumes the page: the profile's `remove` selectors are dropped from its tree, so every
    other reader must have run before.
    """
    rules = rules or ExtractRules()
    _prepare_tree(page)
    for selector in rules.remove:
        for element in page.select(selector):
            if element.getparent() is not None:
                element.drop_tree()
    selected = _selected_body(page, rules)
    paragraphs = selected or []
    check = "hit"
    if _chars(paragraphs) < _SHORT_CHARS:
        # no body element, or one that holds little (another template): the generic path.
        # A page that declares itself an article keeps its text in one container, beside
        # asides that precision mode prunes; any other page (a forum, a shop's page, a
        # landing page) has text spread out, which balanced mode keeps (benchmarks/README.md)
        precise = declares_article
        generic = _trafilatura(page.tree, page.url, precision=precise, fast=False)
        if precise and _chars(generic) < _SHORT_CHARS:
            balanced = _trafilatura(page.tree, page.url, precision=False, fast=False)
            if _chars(balanced) > _chars(generic):
                generic = balanced
        if _chars(generic) > _chars(paragraphs):
            paragraphs = _split_body(page, generic)
            check = "fallback"
    if rules.body:
        page.note_check("body", "miss" if selected is None else check)
    paragraphs = apply_rules(paragraphs, rules.cut_at, rules.drop_lines, title)
    return drop_boilerplate(_drop_link_lists(page, paragraphs))
