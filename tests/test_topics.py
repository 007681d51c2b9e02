"""Topics across outlets and languages: the taxonomy, the profiles' maps of their categories,
and what the archive makes of them (article_topics, --topic, stats, the API, datasette)."""

from __future__ import annotations

import tomllib

import pytest
from conftest import REPO, run_cli

from caucasus_crawler.mirror.content import SITES_DIR
from caucasus_crawler.profiles import ProfileError, load_profiles, profile_from_dict
from caucasus_crawler.topics import category_key, taxonomy, topics_of

MINIMAL = {
    "name": "example_ge",
    "country": "GE",
    "languages": ["ka", "en"],
    "home": "https://example.ge/",
}


def mirror_categories() -> dict[str, set[str]]:
    """Every category name each outlet's mirror prints, in every edition, by profile name."""
    names: dict[str, set[str]] = {}
    for path in SITES_DIR.glob("*/site.toml"):
        settings = tomllib.loads(path.read_text("utf-8"))
        for edition in settings.get("editions", {}).values():
            vocabulary = edition.get("categories", {}).values()
            names.setdefault(settings["outlet"], set()).update(vocabulary)
    return names


def test_the_taxonomy_names_what_users_type():
    topics = taxonomy()
    assert {
        "politics",
        "economy",
        "society",
        "conflict-and-security",
        "foreign-affairs",
        "culture",
        "sport",
        "health",
        "science-and-technology",
        "environment",
    } <= set(topics)
    for name, topic in topics.items():
        assert name == name.lower() and " " not in name, name
        assert topic.label and topic.kind in ("subject", "place", "form")


def test_every_category_of_every_mirrored_outlet_maps_to_a_topic():
    profiles = load_profiles()
    categories = mirror_categories()
    assert set(categories) <= set(profiles)
    unmapped = {
        (site, name)
        for site, names in categories.items()
        for name in names
        if not topics_of(profiles[site].topics, [name])
    }
    assert not unmapped
    # one subject, four languages, four outlets: one topic
    for site, name in [
        ("civil_ge", "Economy"),
        ("apa_az", "Экономика"),
        ("oxu_az", "İqtisadiyyat"),
        ("bm_ge", "ეკონომიკა"),
        ("news_am", "Տնտեսություն"),
    ]:
        assert "economy" in topics_of(profiles[site].topics, [name]), (site, name)


def test_real_sections_seen_in_public_sources_map_too():
    profiles = load_profiles()
    # oxu.az's breadcrumb and trend.az's category of real pages (../shared/data/real-pages)
    assert topics_of(profiles["oxu_az"].topics, ["Dünya"]) == ["world"]
    assert topics_of(profiles["trend_az"].topics, ["Green Economy"]) == [
        "economy",
        "environment",
    ]
    assert topics_of(profiles["report_az"].topics, ["Other countries"]) == ["world"]


def test_categories_match_whatever_their_case_and_spacing():
    mapping = load_profiles()["oxu_az"].topics
    assert topics_of(mapping, ["  İQTİSADİYYAT "]) == topics_of(mapping, ["İqtisadiyyat"])
    assert category_key("Oil  &\u00a0Gas") == category_key("oil & gas")
    assert topics_of(mapping, ["Nothing of the kind"]) == []


def test_a_users_profile_maps_its_own_categories():
    profile = profile_from_dict(
        {**MINIMAL, "topics": {"ეკონომიკა": ["economy"], "Sport": "sport"}}, "mine.toml"
    )
    assert topics_of(profile.topics, ["ეკონომიკა", "sport", "Blog"]) == ["economy", "sport"]


@pytest.mark.parametrize(
    "topics, message",
    [
        ({"Economy": ["econ"]}, "field 'topics.Economy': unknown topic 'econ'; the topics are"),
        ({"Economy": [1]}, "field 'topics.Economy': must be a list of topic names"),
        (
            {"Economy": ["economy"], " economy": ["economy"]},
            "field 'topics. economy': maps a category already mapped",
        ),
        (["economy"], "field 'topics': must be a table"),
    ],
)
def test_a_bad_topics_table_is_one_line_naming_the_profile(topics, message):
    with pytest.raises(ProfileError, match=f"^mine.toml: {message}"):
        profile_from_dict({**MINIMAL, "topics": topics}, "mine.toml")


def test_an_unknown_topic_in_a_users_profile_stops_the_command_in_one_line(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'extends = "civil_ge"\n[topics]\n"Blog" = ["opinions"]\n', "utf-8"
    )
    result = run_cli("--profiles", str(tmp_path), "sites", check=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "mine.toml: field 'topics.Blog': unknown topic 'opinions'" in lines[0]


def test_the_map_of_topics_leaves_the_profiles_digest_alone():
    base = profile_from_dict(MINIMAL, "a.toml")
    mapped = profile_from_dict({**MINIMAL, "topics": {"Economy": ["economy"]}}, "a.toml")
    assert base.digest == mapped.digest  # health judges crawls; topics change none


def test_the_readme_lists_the_taxonomy():
    readme = (REPO / "README.md").read_text("utf-8")
    for name, topic in taxonomy().items():
        assert f"| `{name}` | {topic.label} |" in readme, name
