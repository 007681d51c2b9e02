"""What the suffix rules of several languages share (georgian.py, armenian.py)."""

from __future__ import annotations


def strip_ending(word: str, endings: tuple[str, ...], shortest: int) -> str:
    """`word` without the first of `endings` it ends with, if at least `shortest` letters
    stay (a short word is more likely a stem than a stem and its ending); else `word`.
    `endings` are tried in order: longer ones first where one ends another."""
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            return word[: -len(ending)]
    return word
