"""Words as the full-text index sees them, and their folded form.

`words()` splits text where FTS5's unicode61 tokenizer does (runs of letters and digits,
combining marks inside a word; `_` and punctuation separate), lowercased as the index stores
them, so that each word found here is one term of `articles_fts`. `fold()` is what a word is
compared by before stemming: casefolded, Azerbaijani/Turkish dotted and dotless i made one,
Azerbaijani ə read as e, Latin diacritics dropped, Russian ё read as е, Armenian և as եւ.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A letter or digit (not `_`), with any combining marks after it.
_WORD = re.compile(r"(?:[^\W_][\u0300-\u036f\u0483-\u0489\u0591-\u05bd]*)+")
# ə as e too: Azerbaijani typed on a Latin keyboard (and in URLs) writes azerbaycan
_I_FORMS = str.maketrans({"ı": "i", "I": "i", "İ": "i", "ё": "е", "Ё": "е", "ə": "e", "Ə": "e"})


def words(text: str) -> list[str]:
    """The words of `text` in order, lowercased (one full-text index term each)."""
    text = unicodedata.normalize("NFC", text or "").replace("İ", "i")  # as unicode61 lowers it
    return _WORD.findall(text.lower())


@lru_cache(maxsize=500_000)  # a language's words recur: most are folded once
def fold(word: str) -> str:
    """A word reduced to what a reader would call the same spelling: `Bakı`, `BAKI` and
    `baki` fold alike, `İqtisadiyyat` as `iqtisadiyyat`, `café` as `cafe`, `Ёж` as `еж`
    (diacritics are dropped from Latin letters only: Cyrillic й stays й)."""
    word = word.translate(_I_FORMS).casefold()  # casefold: և -> եւ, ß -> ss
    if word.isascii():
        return word
    return "".join(_LATIN_BASE.get(c) or _latin_base(c) for c in word)


_LATIN_BASE: dict[str, str] = {}


def _latin_base(char: str) -> str:
    """A Latin letter without its diacritics (ş -> s, ğ -> g); any other character as it is."""
    if char.isascii() or not ("\u00c0" <= char < "\u0250" or "\u1e00" <= char < "\u1f00"):
        base = char
    else:
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
    if len(_LATIN_BASE) < 10_000:
        _LATIN_BASE[char] = base
    return base
