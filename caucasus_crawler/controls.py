"""Control characters: what a page may hold that never reaches the archive or a terminal.

A page can carry any character, spelled out or as a reference (`&#27;`): ESC opens terminal
escape sequences (a window title, a clear screen, an OSC 52 write to the clipboard), the C1
range holds their 8-bit forms (U+009B is CSI), a bidi override reverses what follows it on
screen, and lxml (hence trafilatura) refuses the characters XML forbids. Extraction drops
them from every field (caucasus_crawler/extract/page.py), normalising drops them again before
storing (normalise.py), and the commands drop them from what they print (cli.py), so an
archive filled before this existed prints safely too.

Kept: tab, line feed and carriage return (whitespace: the readers collapse it; the body's
paragraphs are separated by blank lines), and the bidi *marks* (U+200E, U+200F, U+061C),
which only settle the direction of neutral characters next to them and cannot reorder a run
of text. A module of its own, importing nothing, so that the commands that only print (such
as `search`) need not load the extraction.
"""

from __future__ import annotations

import re

# The body of a regex character class, for readers that fold it into their own classes:
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the explicit
# bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI), which hold
# for the rest of a line when not closed; lone surrogates (UTF-8 cannot encode them, SQLite
# refuses them); U+FFFE and U+FFFF, which are not characters (XML forbids them).
CONTROL_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
)
CONTROLS = re.compile(f"[{CONTROL_CHARS}]")
# For a terminal, a carriage return too: it sends the cursor back to overwrite the line.
_TERMINAL = re.compile(f"[\r{CONTROL_CHARS}]")


def strip_controls(text: str) -> str:
    """`text` without control characters (see CONTROL_CHARS); newlines and tabs kept."""
    return CONTROLS.sub("", text)


def for_terminal(text: str) -> str:
    """Text to print: without control characters or carriage returns. Stored text holds none
    (extraction drops them), but an archive written before it may, and so may a profile."""
    return _TERMINAL.sub("", text)


def json_for_terminal(text: str) -> str:
    """JSON text (`json.dumps(..., ensure_ascii=False)`) safe to print, the data unchanged:
    json.dumps escapes C0 controls itself but leaves DEL, C1, bidi controls and lone
    surrogates raw; they can only stand inside strings, where `\\uXXXX` is the same value."""
    return CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
