"""Body text as paragraphs, and the boilerplate rules applied to them.

The body is a list of paragraphs (headings and list items count as paragraphs) joined by a
blank line; whitespace inside a paragraph is collapsed and the text is Unicode NFC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from lxml.etree import _Element

from .metadata import MAX_TITLE_CHARS
from .page import clean_text

# Elements that start a paragraph: HTML blocks and their trafilatura XML equivalents
# (head = heading, item = list item, quote, row = table row, lb = line break).
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tr",
        "thead",
        "tbody",
        "figcaption",
        "address",
        "details",
        "summary",
        "head",
        "item",
        "list",
        "quote",
        "row",
    }
)
_BREAKS = frozenset({"br", "lb", "hr"})
_CELLS = frozenset({"td", "th", "cell"})
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "form",
        "button",
        "select",
        "textarea",
        "input",
        "svg",
        "canvas",
        "video",
        "audio",
        "img",
        "picture",
        "graphic",
        "nav",
        "aside",
        "label",
        "figure",
    }
)


def normalise(text: str) -> str:
    """One paragraph: whitespace collapsed, invisible characters dropped, NFC."""
    return unicodedata.normalize("NFC", clean_text(text))


def paragraphs_of(root: _Element) -> list[str]:
    """The paragraphs under `root`, an HTML element or trafilatura's XML body."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            text = normalise("".join(buffer))
            if text:
                paragraphs.append(text)
            buffer.clear()

    def walk(element: _Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag in _BLOCKS or tag in _BREAKS:
            flush()
        elif tag in _CELLS and buffer and "".join(buffer).strip():
            buffer.append(" | ")
        if element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if tag in _BLOCKS:
            flush()

    walk(root)
    flush()
    return paragraphs


def _starts_with(paragraph: str, prefixes: Iterable[str]) -> bool:
    folded = paragraph.casefold()
    return any(folded.startswith(p.casefold()) for p in prefixes)


def _is_title(paragraph: str, title: str) -> bool:
    """Whether a paragraph is the title (`title` normalised and case-folded), or the whole
    of a title that metadata.cap_text cut to MAX_TITLE_CHARS (a hostile 1 MB <h1>): such a
    title ends in "…" and is long; the paragraph starts with the rest of it."""
    folded = paragraph.casefold()
    if folded == title:
        return True
    cut = title.endswith("…") and len(title) > MAX_TITLE_CHARS // 2
    return cut and len(folded) > len(title) and folded.startswith(title[:-1])


def apply_rules(
    paragraphs: Sequence[str],
    cut_at: Sequence[str] = (),
    drop_lines: Sequence[str] = (),
    title: str | None = None,
) -> list[str]:
    """Drop a repeated title, widget lines and repeated paragraphs; end the body at a cut
    marker.

    A cut marker in the first paragraph only drops that paragraph: a body is never emptied
    by its own first line. The title that a generic extraction keeps at the top (the page's
    `<h1>`) goes first, so that the paragraph after it (a dateline cut marker) is the first.
    """
    dropped = {normalise(line).casefold() for line in drop_lines}
    title = normalise(title).casefold() if title else None
    if title and paragraphs and _is_title(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    kept: list[str] = []
    for paragraph in paragraphs:
        if paragraph.casefold() in dropped:
            continue
        if cut_at and _starts_with(paragraph, cut_at):
            if kept:
                break
            continue
        if kept and paragraph == kept[-1]:
            continue
        kept.append(paragraph)
    if title and kept and _is_title(kept[0], title):
        kept.pop(0)  # the title after a dropped first line
    return kept
