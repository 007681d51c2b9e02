"""The article body: a profile's body element when it has one, else trafilatura on the page.

Both paths go through trafilatura, whose XML body keeps paragraph boundaries exactly; the
paragraphs are then read from it (not from its plain-text rendering, which joins lines).
"""

from __future__ import annotations

from copy import deepcopy

from lxml.html import HtmlElement, document_fromstring
from trafilatura import bare_extraction

from ..profiles import ExtractRules
from .cleanup import apply_rules, paragraphs_of
from .page import Page

# A body shorter than this is suspect: a profile's body element that held this little gives
# way to the generic path, and a precise generic extraction is retried in trafilatura's
# balanced mode, which adds its fallbacks (baseline, recall retry) for unusual markup.
_SHORT_CHARS = 250


def _trafilatura(tree: HtmlElement, url: str, precision: bool) -> list[str]:
    document = bare_extraction(
        tree, url=url, include_comments=False, favor_precision=precision, output_format="python"
    )
    if document is None or document.body is None:
        return []
    return paragraphs_of(document.body)


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _selected_body(page: Page, rules: ExtractRules) -> list[str]:
    """Paragraphs of the profile's body element (empty when it does not match)."""
    if not rules.body:
        return []
    matches = page.select(rules.body, page.scope) if page.scope is not None else []
    matches = matches or page.select(rules.body)
    if not matches:
        return []
    element = matches[0]
    document = document_fromstring("<html><body></body></html>")
    document.body.append(deepcopy(element))
    paragraphs = _trafilatura(document, page.url, precision=False)
    return paragraphs or paragraphs_of(element)


def extract_paragraphs(page: Page, rules: ExtractRules | None, title: str | None) -> list[str]:
    """The body's paragraphs after the profile's boilerplate rules.

    Consumes the page: the profile's `remove` selectors are dropped from its tree, so every
    other reader must have run before.
    """
    rules = rules or ExtractRules()
    for selector in rules.remove:
        for element in page.select(selector):
            if element.getparent() is not None:
                element.drop_tree()
    paragraphs = _selected_body(page, rules)
    if _chars(paragraphs) < _SHORT_CHARS:
        # no body element, or one that holds little (another template): the generic path
        generic = _trafilatura(page.tree, page.url, precision=True)
        if _chars(generic) < _SHORT_CHARS:
            balanced = _trafilatura(page.tree, page.url, precision=False)
            if _chars(balanced) > _chars(generic):
                generic = balanced
        if _chars(generic) > _chars(paragraphs):
            paragraphs = generic
    return apply_rules(paragraphs, rules.cut_at, rules.drop_lines, title)
