"""Topics across outlets and languages: the taxonomy (topics.toml) and the profiles' maps from
their categories to it.

An outlet files an article under categories of its own, in its own language. Its profile's
`[topics]` table maps each category name to one or more topics of the taxonomy:

    [topics]
    "Economy" = ["economy"]
    "İqtisadiyyat" = ["economy"]
    "Oil & Gas" = ["energy", "economy"]

A category matches its entry whatever its case and spacing ("ECONOMY ", "economy"): outlets
print one section's name in several ways (a menu in capitals, a breadcrumb not). The archive
stores each article's topics (`article_topics`, filled on store and by migration 10) from
these maps; nothing here speaks SQL.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from caucasus_crawler.search.folding import fold

if TYPE_CHECKING:
    from caucasus_crawler.profiles import Profile

TAXONOMY_FILE = "topics.toml"
KINDS = ("subject", "place", "form")
MAX_TOPICS_PER_CATEGORY = 10  # a category is about a few things, never the whole taxonomy
MAX_CATEGORIES = 2000  # entries of a [topics] table: an outlet in five languages has hundreds

# A profile's map: category key (category_key) -> the topic names it stands for.
CategoryTopics = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Topic:
    name: str  # what users type: `--topic economy`
    label: str  # what it means, as datasette and the README show it
    kind: str  # subject, place or form (topics.toml says what each is)


class TopicProblem(ValueError):
    """Why a profile's [topics] table cannot be used: `field` is the entry, `problem` why
    (profiles add the file)."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"field '{field}': {problem}")
        self.field = field
        self.problem = problem


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, Topic]:
    """The topics by name, in the order topics.toml lists them."""
    here = Path(__file__).parent / TAXONOMY_FILE
    text = (
        here.read_text("utf-8")
        if here.is_file()  # from a zipped egg (Scrapyd), through importlib.resources
        else resources.files("caucasus_crawler").joinpath(TAXONOMY_FILE).read_text("utf-8")
    )
    topics = {}
    for name, entry in tomllib.loads(text).items():
        if entry.get("kind") not in KINDS or not entry.get("label"):
            raise ValueError(f"{TAXONOMY_FILE}: topic {name!r} needs a label and a kind")
        topics[name] = Topic(name, entry["label"], entry["kind"])
    return topics


def topic_names() -> list[str]:
    return list(taxonomy())


def unknown_topics(names: Iterable[str]) -> list[str]:
    """The names that are no topic of the taxonomy, in the order given."""
    known = taxonomy()
    return [name for name in names if name not in known]


def category_key(name: str) -> str:
    """A category name as the maps match it: each word folded as search folds it (case, İ, I,
    ı and i alike: a menu in capitals, "İQTİSADİYYAT", is the breadcrumb's "İqtisadiyyat";
    Latin accents), spaces collapsed."""
    return " ".join(fold(word) for word in unicodedata.normalize("NFC", name).split())


def category_topics(table: object, longest: int) -> CategoryTopics:
    """A profile's [topics] table, checked: category name -> list of topic names (a single
    name may stand for a list of one). Raises TopicProblem naming the entry."""
    if not isinstance(table, dict):
        raise TopicProblem("topics", 'must be a table: "Category name" = ["topic", ...]')
    if len(table) > MAX_CATEGORIES:
        raise TopicProblem("topics", f"has {len(table)} entries; at most {MAX_CATEGORIES}")
    known = taxonomy()
    mapping: CategoryTopics = {}
    for category, topics in table.items():
        field = f"topics.{category}"
        if not category.strip() or len(category) > longest:
            raise TopicProblem(field, f"a category name of 1 to {longest} characters")
        if isinstance(topics, str):
            topics = [topics]
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise TopicProblem(field, 'must be a list of topic names, e.g. ["economy"]')
        if len(topics) > MAX_TOPICS_PER_CATEGORY:
            raise TopicProblem(
                field, f"names {len(topics)} topics; at most {MAX_TOPICS_PER_CATEGORY}"
            )
        unknown = [t for t in topics if t not in known]
        if unknown:
            raise TopicProblem(
                field, f"unknown topic {unknown[0]!r}; the topics are {', '.join(known)}"
            )
        # two spellings of one name: the later wins (a file that `extends` a profile
        # overrides its entry however it writes the name)
        key = category_key(category)
        mapping[key] = tuple(dict.fromkeys(topics))
    return mapping


def topics_of(mapping: CategoryTopics, categories: Iterable[str]) -> list[str]:
    """The topics an article of these categories is filed under, in the taxonomy's order."""
    found = {t for name in categories for t in mapping.get(category_key(name), ())}
    return [name for name in taxonomy() if name in found]


def maps_of(profiles: Iterable[Profile]) -> dict[str, CategoryTopics]:
    """Each outlet's map, by profile name."""
    return {profile.name: profile.topics for profile in profiles}


@lru_cache(maxsize=1)
def builtin_maps() -> dict[str, CategoryTopics]:
    """The bundled profiles' maps: what the archive uses for an outlet no crawl of this
    process registered (migration 10, re-extraction without a profile)."""
    from caucasus_crawler.profiles import load_profiles

    return maps_of(load_profiles().values())
