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
