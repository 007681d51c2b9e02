"""The language of an article: the script of its text first, declarations second.

Georgian and Armenian have scripts of their own, Russian is the region's Cyrillic language
and Azerbaijani is the Latin-script language with ə, so the text decides whenever it is
long enough. Declarations (`<html lang>`, og:locale, the profile's edition) decide for short
texts and pick among Latin-script languages; they are often wrong (a Georgian page that
declares en-US), so they never overrule a decisive script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Letters needed before the text's script overrules what the page declares.
MIN_LETTERS = 100
_SCRIPTS = (
    ("ka", re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf\u2d00-\u2d2f]")),
    ("hy", re.compile(r"[\u0531-\u058f\ufb13-\ufb17]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("latin", re.compile(r"[A-Za-z\u00c0-\u024f]")),
)
_SCHWA = re.compile(r"[əƏ]")
_AZ_LETTERS = re.compile(r"[əƏğĞıİşŞçÇöÖüÜ]")
_SCRIPT_OF = {"ka": "ka", "hy": "hy", "ru": "ru", "uk": "ru", "be": "ru", "bg": "ru"}


def _code(declared: str | None) -> str | None:
    """`en-US`, `ka_GE`, `ru-RU` -> `en`, `ka`, `ru`."""
    if not declared:
        return None
    code = re.split(r"[-_]", declared.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def script_counts(text: str) -> dict[str, int]:
    return {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS}


def detect_language(text: str, declared: Iterable[str | None] = ()) -> str | None:
    """`en`, `ka`, `hy`, `az`, `ru` (or a declared code of another Latin-script language).

    `declared` lists the page's claims in order of trust (profile edition, `<html lang>`,
    og:locale).
    """
    claims = [c for c in map(_code, declared) if c]
    sample = text[:5000]
    counts = script_counts(sample)
    script, letters = max(counts.items(), key=lambda item: item[1])
    if script != "latin" and letters >= MIN_LETTERS // 5:
        # no other of our languages writes Georgian, Armenian or Cyrillic
        same_script = [c for c in claims if _SCRIPT_OF.get(c) == script]
        return same_script[0] if same_script else script
    if letters < MIN_LETTERS and claims:
        return claims[0]
    if letters == 0:
        return None
    if script != "latin":
        return script
    if len(_SCHWA.findall(sample)) >= 2:
        return "az"
    latin_claims = [c for c in claims if _SCRIPT_OF.get(c) is None]
    if latin_claims:
        claim = latin_claims[0]
        if claim == "az" and not _AZ_LETTERS.search(sample):
            return "en"
        return claim
    return "en"
