"""What a draft is: its fields with their provenance, and the TOML file they make."""

from __future__ import annotations

import textwrap
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Field:
    """One value of the profile, and where it came from (its comment in the TOML)."""

    key: str  # dotted: "start.feeds"
    value: object
    note: str


@dataclass
class Draft:
    """The profile drafted, with a line per field saying what was found."""

    url: str
    requests: int
    fields: list[Field] = field(default_factory=list)
    report: list[tuple[str, str]] = field(default_factory=list)

    def set(self, key: str, value: object, note: str, found: str | None = None) -> None:
        self.fields.append(Field(key, value, note))
        self.report.append((key, found or f"{shorten(value)}  ({note})"))

    def missing(self, key: str, why: str) -> None:
        self.report.append((key, f"left out: {why}"))

    def value(self, key: str) -> object:
        return next((f.value for f in self.fields if f.key == key), None)

    def data(self) -> dict:
        """The profile as `profile_from_dict` takes it."""
        data: dict = {}
        for item in self.fields:
            table, _, key = item.key.rpartition(".")
            (data.setdefault(table, {}) if table else data)[key] = item.value
        return data

    @property
    def name(self) -> str:
        return str(self.value("name"))

    def toml(self) -> str:
        return render_toml(self)


def shorten(value: object, limit: int = 70) -> str:
    if isinstance(value, dict):
        text = ", ".join(f"{k} {v}" for k, v in value.items())
    elif isinstance(value, list):
        text = ", ".join(map(str, value))
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the TOML --------------------------------------------------------------------------------------
_TABLES = ("editions", "start", "urls", "extract")
_WIDTH = 100


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # a literal string: regular expressions read as written
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        one_line = f"[{', '.join(items)}]"
        if len(one_line) <= 70:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _comment(note: str) -> str:
    return "\n".join(
        textwrap.wrap(
            note, _WIDTH - 4, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
        )
    )


def render_toml(draft: Draft) -> str:
    """The profile as a TOML file, every value under a comment saying where it came from."""
    lines = [
        f"# Drafted by `caucasus-crawler draft {draft.url}` on {datetime.now(UTC):%Y-%m-%d}",
        f"# after {draft.requests} requests to the site. Read it, adjust it, and check it with",
        "# `caucasus-crawler --profiles DIR sites` before crawling.",
    ]
    tables: dict[str, list[Field]] = {}
    for item in draft.fields:
        table, _, key = item.key.rpartition(".")
        if table:
            tables.setdefault(table, []).append(item)
        elif key == "editions":
            tables.setdefault("editions", [])
            lines.append("")
            lines.append("[editions]  # " + item.note)
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.value.items()]
        else:
            line = f"{key} = {_toml_value(item.value)}"
            if len(line) + len(item.note) + 4 <= _WIDTH and "\n" not in line:
                lines.append(f"{line}  # {item.note}")
            else:
                lines += [_comment(item.note), line]
    for table in _TABLES:
        if table == "editions" or table not in tables:
            continue
        lines += ["", f"[{table}]"]
        for item in tables[table]:
            lines.append(_comment(item.note))
            lines.append(f"{item.key.split('.', 1)[1]} = {_toml_value(item.value)}")
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text) != draft.data():  # a bug here, never the site's
        raise RuntimeError("the drafted TOML does not read back as the draft")
    return text
