"""The `extract` command on real pages of the Azerbaijani outlets, at their real URLs.

The mirror is our own writing; these pages (../shared/data/real-pages) are the outlets' own
markup, so a profile rule that only suits the mirror shows here. Each test runs the command
as a user would and asserts the strings the page holds.
"""

from __future__ import annotations

import json

import pytest
from conftest import REAL_PAGES, run_cli, shared_file

# crawls, servers or processes: not in the fast lane (`pytest -m "not slow"`)
pytestmark = pytest.mark.slow

TREND_URL = "https://www.trend.az/business/green-economy/4204857.html"
OXU_URL = "https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var"


def extract(name: str, url: str) -> dict:
    page = shared_file(REAL_PAGES / name)
    return json.loads(run_cli("extract", str(page), "--url", url).stdout)


def test_trend_keeps_the_lead_paragraph_with_its_inline_dateline():
    """The dateline is the bold start of the lead (<p><strong>BAKU, Azerbaijan, July 7.
    </strong> Uzbekistan presented...): the lead is kept whole, dateline included, as the
    page prints it. A profile can drop elements or whole paragraphs, not the start of one:
    removing the <strong> would also take the bold opening words of a lead that has no
    dateline. The body ends before the tags and the "Follow Trend" line."""
    article = extract("trend-az-4204857.reconstructed.html", TREND_URL)
    assert article["site"] == "trend_az"
    assert article["url"] == TREND_URL
    assert article["title"] == "Uzbekistan presents green energy experience in Tajikistan"
    assert article["published"] == "2026-07-07T15:56:00+04:00"
    assert article["language"] == "en"
    assert article["text"].split("\n\n") == [
        "BAKU, Azerbaijan, July 7. Uzbekistan presented its experience in renewable energy "
        "development and green transition at the IV International Scientific and Practical "
        "Conference on the Current State and Prospects for the Development of Renewable "
        "Energy, held in Dushanbe, Tajikistan.",
        "This was reflected in a statement by the Ministry of Energy of Uzbekistan.",
        "The conference brought together scientists, industry experts, government officials, "
        "researchers, university representatives, and international organizations to discuss "
        "the latest developments in clean energy technologies.",
        "The country's participation was organized under the regional Green Skills for a Green "
        "Economy in Central Asia project, implemented by the German Agency for International "
        "Cooperation.",
        "Participants discussed global trends in renewable energy development, deployment of "
        "innovative technologies, digitalization of power systems, use of artificial "
        "intelligence in electricity grid management, and the future of solar and wind energy.",
    ]
    assert "Follow Trend" not in article["text"] and "Tags:" not in article["text"]
    assert article["categories"] == ["Green Economy"]


def test_oxu_gets_its_title_date_and_four_paragraphs_without_the_share_line():
    article = extract("oxu-az-alyaskada.trimmed.html", OXU_URL)
    assert article["site"] == "oxu_az"
    assert article["url"] == OXU_URL
    assert article["title"] == "Alyaskada yoxa çıxan təyyarədən xəbər var"
    assert article["published"] == "2025-02-08T09:22:00+04:00"  # "08 fevral, 2025 / 09:22"
    assert article["language"] == "az"
    assert article["categories"] == ["Dünya"]
    assert article["text"].split("\n\n") == [
        "Dünən Alyaskada radarların ekranından itən və göyərtəsində 10 nəfərin olduğu "
        "təyyarədən xəbər var.",
        'Oxu.Az "Associated Press"ə istinadla xəbər verir ki, hava gəmisinin göyərtəsində '
        "olanların hamısı həlak olub.",
        "Xilasedicilər təyyarənin qalıqlarını Nom şəhərinin 54 km cənub-şərqində, sahildən "
        "19 km aralıda aşkarlayıblar. Sahil xidməti araşdırma işləri aparmaqdan ötrü iki "
        "xilasedici dalğıcı cəlb edib.",
        'Xatırladaq ki, "Cessna 208B Grand Caravan" bir mühərrikli təyyarə Alyaskada yoxa '
        "çıxmışdı. Onun göyərtəsində doqquz sərnişin və bir pilot olub.",
    ]
    for widget in ("Xəbər maraqlı gəlib", "paylaşın", "Paylaş", "oxu.az/1078092"):
        assert widget not in article["text"]
