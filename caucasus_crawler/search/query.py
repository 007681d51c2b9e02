"""What a user typed, read as a search: our own small parser, so that no input is ever FTS5
syntax. The MATCH expressions built from it are made of quoted terms only.

- a word matches any form of it (`Ереван` finds "в Ереване"): every form the index holds
  that shares a stem with it (stemmers.py), looked up by the caller in `search_terms`;
- a trailing `*` makes the word a prefix (`ღვინ*`, `Азерб*`), matched on the exact index
  and, folded, on the index's forms (`baki*` finds Bakıda);
- "quoted words" are an exact phrase; so are words joined by punctuation (`non-aggression`,
  `a:b`): they match in that order, in the form typed (case and Latin accents aside);
- anything else (an unbalanced quote, brackets, AND/OR/NOT/NEAR, `-`, `:`, `^`) is read as
  plain words or dropped as punctuation.
Every part must match (AND). `exact_match` asks for every word in the form typed: its hits
rank above those found only through other forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from caucasus_crawler.search.folding import fold, words

# At most this many forms of one word or prefix go into a MATCH expression (a short prefix
# of a big archive has thousands): the most common spellings are the first looked up.
MAX_FORMS = 64
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Part:
    """One thing every hit must hold: a word, a prefix, or a phrase (several words)."""

    words: tuple[str, ...]
    prefix: bool = False  # its last word is a beginning (`word*`)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def parse(text: str) -> list[Part]:
    """The parts of a query, in the order typed; [] when it holds no word."""
    parts: list[Part] = []
    text = text or ""
    position = 0
    # balanced quotes are phrases; an unbalanced last quote is only punctuation
    for quoted in _QUOTED.finditer(text):
        parts += _loose(text[position : quoted.start()])
        inside = quoted.group(1).strip()
        found = tuple(words(inside))
        position = quoted.end()
        starred = text.startswith("*", position)  # "a b"*: the phrase's last word begins
        if found:
            parts.append(Part(found, prefix=inside.endswith("*") or starred))
        position += starred
    parts += _loose(text[position:])
    return list(dict.fromkeys(parts))  # a part typed twice asks nothing more


def _loose(text: str) -> list[Part]:
    parts = []
    for token in text.replace('"', " ").split():
        found = tuple(words(token))
        if found:
            parts.append(Part(found, prefix=token.endswith("*")))
    return parts


def quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _exact(part: Part) -> str:
    return quoted(" ".join(part.words)) + ("*" if part.prefix else "")


def exact_match(parts: Iterable[Part]) -> str:
    """The FTS5 expression for every part in the form typed ('""', matching nothing, for
    no part)."""
    return " AND ".join(_exact(part) for part in parts) or '""'


def expanded_match(
    parts: Iterable[Part],
    forms: Callable[[str], list[str]],
    prefixed: Callable[[str], list[str]],
) -> str:
    """The FTS5 expression for every part in any form: `forms(word)` gives the index's forms
    sharing a stem with a word, `prefixed(prefix)` the index's forms whose folded spelling
    begins with the folded prefix (both lists at most MAX_FORMS long)."""
    groups = []
    for part in parts:
        if part.is_phrase:
            groups.append(_exact(part))
            continue
        word = part.words[0]
        if part.prefix:
            native = word.lower()
            extra = [t for t in prefixed(word) if not t.startswith(native)]
            alternatives = [_exact(part)] + [quoted(t) for t in extra]
        else:
            alternatives = [quoted(word)] + [quoted(t) for t in forms(word) if t != word]
        alternatives = list(dict.fromkeys(alternatives))
        groups.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        )
    return " AND ".join(groups) or '""'


def folded_prefix_range(prefix: str) -> tuple[str, str]:
    """The `search_terms.folded` values that begin with a prefix: [low, high)."""
    low = fold(prefix)
    return low, low + "\U0010ffff"
