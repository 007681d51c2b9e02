"""Charsets: read a page's bytes as the text they are, whatever the page declares.

Outlets declare windows-1251 Russian as UTF-8, or serve Georgian UTF-8 with no declaration;
decoding such bytes as declared stores mojibake. The crawl's CharsetMiddleware and the
extraction of saved pages (`extract`, `reextract`) both decide here. No Scrapy in this module.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode

_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_REPLACEMENT = "\ufffd"


def looks_binary(body: bytes) -> bool:
    """Whether bytes are not text at all (NUL or many control bytes in the first 8 KB)."""
    head = body[:8192]
    if not head or head.startswith(_BOMS) or head.startswith(codecs.BOM_UTF32_LE):
        return False
    return b"\x00" in head or len(_CONTROL.findall(head)) > len(head) // 20


def _valid_utf8(body: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def better_encoding(body: bytes, encoding: str, valid_utf8: bool = False) -> str | None:
    """A better charset than `encoding` (the declared or guessed one) for `body`, if any.
    `valid_utf8`: the caller knows the body is valid UTF-8 (its UTF-8 text holds no
    undecodable character), which spares decoding it again to check: the crawl's one thread
    does this for every page."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    if name.startswith(("utf-16", "utf-32")):
        return None
    if name != "utf-8" and not body.isascii() and _valid_utf8(body):
        return "utf-8"  # valid UTF-8 is never an accident of another charset
    if name in ("utf-8", "") and not valid_utf8 and not _valid_utf8(body):
        text = body.decode("utf-8", "replace")
        non_ascii = sum(1 for char in text if char > "\x7f")
        if text.count(_REPLACEMENT) * 5 < non_ascii:
            return None  # UTF-8 with a few stray bytes: better than a wrong guess
        detected = detect_charset(body)
        if detected is not None and codecs.lookup(detected).name != "utf-8":
            return detected
    return None


def detect_charset(body: bytes) -> str | None:
    """charset_normalizer's guess. Among the guesses that read about as cleanly, the one that
    reads most as a language (short Russian text in windows-1251 is also "clean" ISO-8859-5,
    but gibberish), each unclean character costing twice its weight (MacCyrillic reads
    windows-1251 lower case alike, but its capitals come out wrong)."""
    matches = list(from_bytes(body))
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    close = [match for match in matches if match.chaos <= cleanest + 0.1]
    return max(close, key=lambda match: match.coherence - 2 * match.chaos).encoding


def undecodable(text: str, body: bytes) -> int:
    """Characters decoding could not read (U+FFFD not spelled out in the bytes)."""
    return max(0, text.count(_REPLACEMENT) - body.count(_REPLACEMENT.encode()))


def _utf8_or_cp1252(data: bytes) -> str:
    """For undeclared bytes: UTF-8 when they are valid UTF-8, else Windows-1252."""
    return "utf-8" if _valid_utf8(data) else "cp1252"


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """A page's text: the charset of the Content-Type header, a BOM or the page's own
    declaration, else UTF-8 — unless the bytes say that charset is wrong."""
    encoding, text = html_to_unicode(
        content_type, body, default_encoding="utf-8", auto_detect_fun=_utf8_or_cp1252
    )
    better = better_encoding(body, encoding)
    return body.decode(better, "replace") if better else text
