"""The dataset card of an export folder: README.md in the form Hugging Face datasets read (a YAML
header with a configuration, features and split size per export), then what each export in the
folder holds (its selection, counts per outlet and language, date range), the fields and the
sources.

One card describes every export in its folder: a second export into the folder adds itself to
the card instead of replacing the first one's description. What each export was is kept at the
card's end as JSON in an HTML comment (`STATE_MARK`), from which the whole card is written anew;
an export whose file is gone from the folder is dropped from it, and one written again under
the same name replaces its old entry.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from caucasus_crawler import __version__
from caucasus_crawler.export_fields import FIELDS, Field

if TYPE_CHECKING:
    from caucasus_crawler.archive import Archive
    from caucasus_crawler.export import Filters, Tally

# The card's first lines say it is ours: an export replaces only a README.md that has it.
CARD_MARK = "<!-- dataset card written by caucasus-crawler export -->"
STATE_MARK = "<!-- caucasus-crawler exports: "
# `datasets` reads a time as a UTC timestamp when the card declares it so (without the card,
# pyarrow parses an ISO 8601 time with an offset into a naive UTC time that reads as local).
TIME_DTYPE = "timestamp[ms, tz=UTC]"


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 news article`, `2 news articles`, `1,000 outlets`."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# -- what one export was -------------------------------------------------------------------------
def export_entry(
    archive: Archive,
    fmt: str,
    data_file: str,
    size: int,
    tally: Tally,
    filters: Filters,
    *,
    excel: bool = False,
) -> dict:
    """What the card says of one export, as JSON-able data (kept in the card for the next)."""
    sites = {s["name"]: s for s in archive.sites()}
    return {
        "file": data_file,
        "format": fmt,
        "excel": excel,
        "bytes": size,
        "articles": tally.articles,
        "sites": dict(sorted(tally.sites.items())),
        "languages": dict(sorted(tally.languages.items())),
        "first": tally.first,
        "last": tally.last,
        "selection": filters.describe(),
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "archive": archive.path.name,
        "version": __version__,
        "outlets": {
            name: {key: sites.get(name, {}).get(key) or "" for key in ("title", "home", "country")}
            for name in sorted(tally.sites)
        },
    }


def read_entries(card: str) -> list[dict]:
    """The exports a card of ours describes (none for a card written before it kept them)."""
    start = card.rfind(STATE_MARK)
    if start < 0:
        return []
    text = card[start + len(STATE_MARK) :]
    try:
        entries = json.loads(text[: text.index(" -->")])
    except ValueError:
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)]


def _state(entries: list[dict]) -> str:
    # ASCII JSON with every '-' escaped (only strings hold one): no `-->` can end the comment.
    text = json.dumps(entries, ensure_ascii=True, separators=(",", ":"))
    return STATE_MARK + text.replace("-", "\\u002d") + " -->"


# -- the card ------------------------------------------------------------------------------------
def _size_category(n: int) -> str:
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return label
    return "10M<n<100M"


def hf_features(fmt: str) -> list[dict]:
    """The export's fields as Hugging Face `dataset_info.features`: times as UTC timestamps in
    every format (JSON Lines and CSV hold them as ISO 8601 text with an offset, which
    `datasets` converts), lists as sequences except in CSV (JSON text there)."""
    features = []
    for f in FIELDS:
        if f.kind == "list" and fmt != "csv":
            features.append({"name": f.name, "sequence": "string"})
        elif f.kind == "int":
            features.append({"name": f.name, "dtype": "int64"})
        elif f.kind == "time":
            features.append({"name": f.name, "dtype": TIME_DTYPE})
        else:
            features.append({"name": f.name, "dtype": "string"})
    return features


def _field_note(f: Field, fmt: str) -> str:
    if f.kind == "time":
        return (
            "UTC timestamp"
            if fmt == "parquet"
            else "ISO 8601 text (articles: the outlet's UTC offset; crawl times: UTC), "
            "loaded by `datasets` as a UTC timestamp"
        )
    if f.kind == "list":
        return "JSON array of strings" if fmt == "csv" else "list of strings"
    return {"int": "integer", "str": "string"}[f.kind]


def _field_type(f: Field, formats: list[str]) -> str:
    """The field's type in the folder's formats: one note, or one per group of formats."""
    notes: dict[str, list[str]] = {}
    for fmt in formats:
        notes.setdefault(_field_note(f, fmt), []).append(fmt)
    if len(notes) == 1:
        return next(iter(notes))
    return "; ".join(f"{', '.join(fmts)}: {note}" for note, fmts in notes.items())


def config_names(entries: list[dict]) -> list[str]:
    """A configuration name per export: its file's name without the extension, or with it
    (dots as `_`) where two files share a stem."""
    stems = [re.sub(r"(\.gz)?$", "", e["file"]).rsplit(".", 1)[0] or e["file"] for e in entries]
    return [
        stem if stems.count(stem) == 1 else e["file"].replace(".", "_")
        for stem, e in zip(stems, entries, strict=True)
    ]


def card_text(entries: list[dict], folder: str) -> str:
    """The card of a folder holding these exports (`folder`: its name, for the load code)."""
    import yaml

    entries = sorted(entries, key=lambda e: e["file"])
    names = config_names(entries)
    languages = sorted({lang for e in entries for lang in e["languages"] if lang != "unknown"})
    infos = [
        {
            "config_name": name,
            "features": hf_features(e["format"]),
            "splits": [{"name": "train", "num_bytes": e["bytes"], "num_examples": e["articles"]}],
            "download_size": e["bytes"],
            "dataset_size": e["bytes"],
        }
        for name, e in zip(names, entries, strict=True)
    ]
    header = {
        "pretty_name": "South Caucasus news archive",
        "language": languages,
        "multilinguality": "multilingual" if len(languages) > 1 else "monolingual",
        "license": "other",
        "task_categories": ["text-generation", "text-classification"],
        "size_categories": [_size_category(max(e["articles"] for e in entries))],
        "source_datasets": ["original"],
        "tags": ["news", "south-caucasus", "georgia", "armenia", "azerbaijan"],
        "configs": [
            {"config_name": name, "data_files": [{"split": "train", "path": e["file"]}]}
            for name, e in zip(names, entries, strict=True)
        ],
        "dataset_info": infos[0] if len(infos) == 1 else infos,
    }
    formats = sorted({e["format"] for e in entries})
    lines = [
        "---",
        yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        "---",
        "",
        CARD_MARK,
        "",
        "# South Caucasus news archive",
        "",
        f"News articles from outlets of the South Caucasus, crawled by caucasus-crawler: "
        f"{plural(len(entries), 'export')} in this folder, each a configuration of the "
        "dataset. One record per article, stored once under its canonical URL.",
        "",
        "| configuration | file | articles | selection | published |",
        "|---|---|---:|---|---|",
    ]
    lines += [
        f"| {name} | `{e['file']}` ({_flavour(e)}) | {e['articles']:,} | {e['selection']} "
        f"| {_span(e)} |"
        for name, e in zip(names, entries, strict=True)
    ]
    lines += ["", *_load_it(names, entries, folder, formats)]
    for name, e in zip(names, entries, strict=True):
        lines += ["", *_export_section(name, e)]
    lines += [
        "",
        "## Fields",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {_field_type(f, formats)} | {f.description} |" for f in FIELDS]
    outlets: dict[str, dict] = {}
    for e in entries:
        outlets.update(e["outlets"])
    lines += [
        "",
        "## Sources",
        "",
        "The articles were fetched from the outlets' own sites (feeds, sitemaps and section "
        "listings), with robots.txt obeyed. Body text was extracted with trafilatura and "
        "outlet-specific cleanup; dates, authors, categories and tags come from each page's "
        "metadata.",
        "",
    ]
    lines += [
        f"- {info['title'] or name} ({info['country']}): {info['home']}"
        for name, info in sorted(outlets.items())
    ]
    lines += [
        "",
        "## License",
        "",
        "The texts belong to their outlets and are shared here for research (text and data "
        "mining). Check each outlet's terms before redistributing them; cite the article's "
        "`url`.",
        "",
        _state(entries),
        "",
    ]
    return "\n".join(lines)


def _flavour(e: dict) -> str:
    return "csv for spreadsheets" if e.get("excel") else e["format"]


def _span(e: dict) -> str:
    return f"{(e['first'] or '?')[:10]} to {(e['last'] or '?')[:10]}"


def _load_it(names: list[str], entries: list[dict], folder: str, formats: list[str]) -> list[str]:
    lines = [
        "## Load it",
        "",
        "With Hugging Face `datasets`, by its configuration name; the times load as UTC "
        "timestamps, as this card declares them:",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
    ]
    lines += [
        f'{_variable(name)} = load_dataset("{folder}", "{name}", split="train")' for name in names
    ]
    lines.append("```")
    if len(formats) > 1:
        lines += [
            "",
            f"This folder mixes formats ({', '.join(formats)}): `datasets` reads a folder's "
            "files with one reader, so keep one format per folder to load each by name.",
        ]
    return lines


def _variable(name: str) -> str:
    variable = re.sub(r"\W", "_", name)
    return variable if variable.isidentifier() else f"articles_{variable}"


def _export_section(name: str, e: dict) -> list[str]:
    known = [lang for lang in e["languages"] if lang != "unknown"]
    lines = [
        f"## {name}",
        "",
        f"{plural(e['articles'], 'news article')} from {plural(len(e['sites']), 'outlet')} "
        f"in {plural(len(known), 'language')}, exported on {e['exported'][:10]} as "
        f"`{e['file']}` ({_flavour(e)}, {plural(e['bytes'], 'byte')}).",
        "",
        f"- Selection: {e['selection']}",
        f"- Published: {_span(e)}",
        f"- Exported: {e['exported']} from `{e['archive']}` by caucasus-crawler {e['version']}",
    ]
    if e.get("excel"):
        lines.append(
            "- CSV for spreadsheets (`--excel`): the file begins with a UTF-8 byte order mark, "
            "and a text a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, "
            "`@`, a tab or a carriage return) has `'` put before it: drop that `'` to get "
            "the text as the archive holds it."
        )
    lines += [
        "",
        "| outlet | name | country | articles |",
        "|---|---|---|---:|",
    ]
    for site, n in e["sites"].items():
        info = e["outlets"].get(site, {})
        title = info.get("title") or site
        shown = f"[{title}]({info['home']})" if info.get("home") else title
        lines.append(f"| {site} | {shown} | {info.get('country', '')} | {n:,} |")
    lines += ["", "| language | articles |", "|---|---:|"]
    lines += [f"| {lang} | {n:,} |" for lang, n in e["languages"].items()]
    return lines
