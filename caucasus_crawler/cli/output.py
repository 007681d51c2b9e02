"""Printing what the archive holds, safely.

Titles, snippets, reasons and URLs are text from pages: what the commands print of them goes
through these, so that no page can send escape sequences to the user's terminal.
"""

from __future__ import annotations

import json

from caucasus_crawler.controls import for_terminal, json_for_terminal


def json_text(value: object, indent: int | None = 2) -> str:
    """JSON to print: control characters in strings escaped, the data unchanged."""
    return json_for_terminal(json.dumps(value, ensure_ascii=False, indent=indent))


def printable(value: object) -> object:
    """Stored values to print as text: every string without control characters."""
    if isinstance(value, str):
        return for_terminal(value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable(item) for item in value)
    return value


def first_few(names: list[str], shown: int = 3) -> str:
    """Names for one cell of a table: all of them when few, else the first `shown` and how
    many more ("agenda_ge, apa_az, armenpress_am +19 more"), so that a row of a crawl of every
    outlet stays one line. `--json` gives them all."""
    if len(names) <= shown + 1:  # "+1 more" takes the room of the name it stands for
        return ", ".join(names)
    return f"{', '.join(names[:shown])} +{len(names) - shown} more"


def column_width(values: list[str], at_least: int) -> int:
    """The width of a text column: its longest value, and at least `at_least` (the heading's
    room), so that a long name (interpressnews_ge) moves the next column, not its own row."""
    return max([at_least, *map(len, values)])
