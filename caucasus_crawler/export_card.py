"""The dataset card an export writes beside its data: README.md in the form Hugging Face
datasets read (a YAML header with the features, split sizes and data files), then counts per
outlet and language, the date range, the fields and the sources.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from caucasus_crawler import __version__
from caucasus_crawler.export_fields import FIELDS, Field

if TYPE_CHECKING:
    from caucasus_crawler.archive import Archive
    from caucasus_crawler.export import Filters, Tally

# The card's first lines say it is ours: an export replaces only a README.md that has it.
CARD_MARK = "<!-- dataset card written by caucasus-crawler export -->"


# -- the dataset card --------------------------------------------------------------------------
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
    """The export's fields as Hugging Face `dataset_info.features`."""
    features = []
    for f in FIELDS:
        if f.kind == "list" and fmt != "csv":
            features.append({"name": f.name, "sequence": "string"})
        elif f.kind == "int":
            features.append({"name": f.name, "dtype": "int64"})
        elif f.kind == "time" and fmt == "parquet":
            features.append({"name": f.name, "dtype": "timestamp[ms, tz=UTC]"})
        else:
            features.append({"name": f.name, "dtype": "string"})
    return features


def _field_note(f: Field, fmt: str) -> str:
    if f.kind == "time":
        return (
            "UTC timestamp"
            if fmt == "parquet"
            else "ISO 8601 string (articles: with the outlet's UTC offset; crawl times: UTC)"
        )
    if f.kind == "list":
        return "JSON array of strings" if fmt == "csv" else "list of strings"
    return {"int": "integer", "str": "string"}[f.kind]


def card_text(
    archive: Archive,
    fmt: str,
    data_file: str,
    size: int,
    tally: Tally,
    filters: Filters,
    *,
    excel: bool = False,
) -> str:
    import yaml

    sites = {s["name"]: s for s in archive.sites()}
    languages = sorted(k for k in tally.languages if k != "unknown")
    header = {
        "pretty_name": "South Caucasus news archive",
        "language": languages,
        "multilinguality": "multilingual" if len(languages) > 1 else "monolingual",
        "license": "other",
        "task_categories": ["text-generation", "text-classification"],
        "size_categories": [_size_category(tally.articles)],
        "source_datasets": ["original"],
        "tags": ["news", "south-caucasus", "georgia", "armenia", "azerbaijan"],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": data_file}],
            }
        ],
        "dataset_info": {
            "features": hf_features(fmt),
            "splits": [{"name": "train", "num_bytes": size, "num_examples": tally.articles}],
            "download_size": size,
            "dataset_size": size,
        },
    }
    exported = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        "---",
        yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        "---",
        "",
        CARD_MARK,
        "",
        "# South Caucasus news archive",
        "",
        f"{tally.articles:,} news articles from {len(tally.sites)} outlet(s) of the South "
        f"Caucasus in {len(languages)} language(s), crawled by "
        f"[caucasus-crawler](https://github.com/caucasus-crawler/caucasus-crawler) and "
        f"exported on {exported[:10]} as `{data_file}` ({fmt}). One record per article, "
        "stored once under its canonical URL.",
        "",
        f"- Selection: {filters.describe()}",
        f"- Published: {(tally.first or '?')[:10]} to {(tally.last or '?')[:10]}",
        f"- Exported: {exported} from `{archive.path.name}` by caucasus-crawler {__version__}",
    ]
    if excel:
        lines.append(
            "- CSV for spreadsheets (`--excel`): the file begins with a UTF-8 byte order mark, "
            "and a text a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, "
            "`@`, a tab or a carriage return) has `'` put before it: drop that `'` to get "
            "the text as the archive holds it."
        )
    lines += [
        "",
        "## Articles per outlet",
        "",
        "| outlet | name | country | articles |",
        "|---|---|---|---:|",
    ]
    for site, n in sorted(tally.sites.items()):
        info = sites.get(site, {})
        lines.append(
            f"| {site} | [{info.get('title', site)}]({info.get('home', '')}) "
            f"| {info.get('country', '')} | {n:,} |"
        )
    lines += ["", "## Articles per language", "", "| language | articles |", "|---|---:|"]
    lines += [f"| {lang} | {n:,} |" for lang, n in sorted(tally.languages.items())]
    lines += [
        "",
        "## Fields",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {_field_note(f, fmt)} | {f.description} |" for f in FIELDS]
    lines += [
        "",
        "## Load it",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'articles = load_dataset("{_loader(fmt)}", data_files="{data_file}", split="train")',
        "```",
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
        f"- {info['title']} ({info['country']}): {info['home']}"
        for name, info in sorted(sites.items())
        if name in tally.sites
    ]
    lines += [
        "",
        "## License",
        "",
        "The texts belong to their outlets and are shared here for research (text and data "
        "mining). Check each outlet's terms before redistributing them; cite the article's "
        "`url`.",
        "",
    ]
    return "\n".join(lines)


def _loader(fmt: str) -> str:
    return {"jsonl": "json", "csv": "csv", "parquet": "parquet"}[fmt]
