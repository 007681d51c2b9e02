"""Outlet profiles: the built-in ones load, bad ones fail with the file and the field named."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from caucasus_crawler.profiles import ProfileError, load_profile, load_profiles

GOOD = """
name = "example_ge"
title = "Example News"
country = "GE"
languages = ["ka", "en"]
home = "https://example.ge/"
[editions]
ka = "https://example.ge/"
en = "https://example.ge/en/"
[start]
feeds = ["https://example.ge/feed/"]
[urls]
article = ['^https://example\\.ge/(?:en/)?news/\\d+$']
"""


def test_built_in_profiles_cover_three_countries_and_five_languages():
    profiles = load_profiles()
    assert {"civil_ge", "news_am", "report_az"} <= set(profiles)
    assert {p.country for p in profiles.values()} >= {"GE", "AM", "AZ"}
    assert {lang for p in profiles.values() for lang in p.languages} >= {
        "en",
        "ka",
        "hy",
        "az",
        "ru",
    }
    civil = profiles["civil_ge"]
    assert civil.languages == ("en", "ka", "ru")
    assert civil.edition_language("https://civil.ge/ka/archives/123") == "ka"
    assert civil.edition_language("https://civil.ge/archives/123") == "en"
    assert civil.is_article_url("https://civil.ge/ru/archives/621487")
    assert not civil.is_article_url("https://civil.ge/archives/category/news")


def test_a_user_profile_directory_adds_an_outlet(tmp_path):
    (tmp_path / "example_ge.toml").write_text(GOOD, "utf-8")
    profiles = load_profiles([tmp_path])
    assert profiles["example_ge"].edition_language("https://example.ge/en/news/5") == "en"
    listed = json.loads(run_cli("--profiles", str(tmp_path), "sites", "--json").stdout)
    assert {
        "name": "example_ge",
        "title": "Example News",
        "country": "GE",
        "languages": ["ka", "en"],
        "home": "https://example.ge/",
    } in listed


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('country = "GE"', 'country = "Georgia"'), "country"),
        (('languages = ["ka", "en"]', 'languages = ["ge"]'), "languages"),
        (('home = "https://example.ge/"', 'home = "example.ge"'), "home"),
        (("'^https://example", "'(^https://example"), "urls.article"),
        (('name = "example_ge"', 'name = "Example GE"'), "name"),
        (("[start]", "[start]\nfeed = 1"), "start.feed"),
        (("[start]", '[extract]\nbody = "div..body"\n[start]'), "extract.body"),
        (('en = "https://example.ge/en/"', 'ru = "https://example.ge/ru/"'), "editions.ru"),
    ],
)
def test_a_bad_profile_names_its_file_and_field(tmp_path, change, field):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change), "utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    message = str(error.value)
    assert message.startswith(f"{path}: field '{field}':")
    assert "\n" not in message


def test_any_iso_language_and_country_is_accepted(tmp_path):
    # the region's outlets also publish in Turkish and Persian (issue 16)
    turkish = GOOD.replace('country = "GE"', 'country = "TR"')
    turkish = turkish.replace('languages = ["ka", "en"]', 'languages = ["tr", "fa", "ka", "en"]')
    (tmp_path / "example_tr.toml").write_text(turkish, "utf-8")
    profile = load_profile(tmp_path / "example_tr.toml")
    assert (profile.country, profile.languages) == ("TR", ("tr", "fa", "ka", "en"))
    (tmp_path / "example_tr.toml").write_text(turkish.replace('"TR"', '"regional"'), "utf-8")
    assert load_profile(tmp_path / "example_tr.toml").country == "regional"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("languages = [", 'languages = ["xx", '), "'xx' is not an ISO 639-1 language code"),
        (
            ('country = "GE"', 'country = "XX"'),
            "'XX' is not an ISO 3166-1 alpha-2 country code or 'regional'",
        ),
        # only ISO's case: `ge` beside `GE` would count as another country
        (
            ('country = "GE"', 'country = "ge"'),
            "'ge' is not an ISO 3166-1 alpha-2 country code or 'regional' (ISO writes it 'GE')",
        ),
        (
            ("languages = [", 'languages = ["TR", '),
            "'TR' is not an ISO 639-1 language code (ISO writes it 'tr')",
        ),
    ],
)
def test_a_code_outside_iso_is_refused_in_one_line(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change), "utf-8")
    field = "country" if "country" in change[0] else "languages"
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value) == f"{path}: field '{field}': {message}"


def test_a_broken_profile_gives_one_line_and_exit_2(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "x"\ncountry = [', "utf-8")
    result = run_cli("--profiles", str(tmp_path), "sites", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "broken.toml: not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_sites_json_lists_every_profile_with_its_public_fields():
    listed = json.loads(run_cli("sites", "--json").stdout)
    by_name = {site["name"]: site for site in listed}
    assert by_name["civil_ge"] == {
        "name": "civil_ge",
        "title": "Civil.ge",
        "country": "GE",
        "languages": ["en", "ka", "ru"],
        "home": "https://civil.ge/",
    }
    assert by_name["news_am"]["country"] == "AM"
    assert by_name["report_az"]["languages"] == ["az", "en", "ru"]
