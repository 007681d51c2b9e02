"""URL shapes: what an outlet's article URLs look like, learned or generic (url_shapes.py)."""

from __future__ import annotations

import re

import pytest

from caucasus_crawler.url_shapes import (
    ShapeLearner,
    looks_like_article_url,
    patterns_for,
    shape_of,
)


@pytest.mark.parametrize(
    "url, shape",
    [
        ("https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var", "oxu.az /w/slug"),
        ("https://www.trend.az/business/green-economy/4204857.html", "trend.az /w/w/n.ext"),
        ("https://civil.ge/ka/archives/743770", "civil.ge /ka/w/n"),
        ("https://apa.az/az/avropa/ukrayna-bas-qerargahi-693848", "apa.az /az/w/slug-n"),
        ("https://www.interpressnews.ge/ka/article/819865-iust/", "interpressnews.ge /ka/w/n-slug"),
        ("https://agenda.ge/en/news/2017/1776", "agenda.ge /en/w/yyyy/n"),
        ("https://civil.ge/?p=2895", "civil.ge /?p"),
    ],
)
def test_shape_of(url, shape):
    assert shape_of(url) == shape


@pytest.mark.parametrize(
    "url",
    [
        "https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var",
        "https://www.trend.az/business/energy/4205809.html",
        "https://apa.az/az/avropa/ukrayna-bas-qerargahi-rusiya-15-minden-artiq-herbci-itirib-693848",
        "https://www.azatutyun.am/a/33760132.html",
        "https://hetq.am/en/article/84283",
        "https://netgazeti.ge/opinion/811988/",
        "https://example.org/2024/08/12/wine-exports-rise",
    ],
)
def test_article_urls_look_like_articles(url):
    assert looks_like_article_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://oxu.az/",
        "https://oxu.az/dunya",
        "https://report.az/daxili-siyaset/page/2",
        "https://civil.ge/archives/category/news/page/2",
        "https://civil.ge/archives/tag/parliament-of-georgia",
        "https://news.am/eng/news/allregions/allthemes/2016/11/15/",
        "https://apa.az/az/butun-xeberler?page=1",
        "https://civil.ge/about-us",
        "https://civil.ge/wp-content/uploads/2024/08/wine-exports-rise-780x470.jpg",
        "https://oc-media.org/authors/some-writer-name-here/",
    ],
)
def test_other_pages_do_not(url):
    assert not looks_like_article_url(url)


def test_a_shape_is_learned_from_listed_urls_and_dropped_when_its_pages_are_not_articles():
    learner = ShapeLearner()
    unseen = "https://oxu.az/siyaset/prezident-yeni-fermani-imzaladi"
    assert not learner.is_article_shape(unseen)
    learner.listed_url("https://oxu.az/dunya/alyaskada-yoxa-cixan-teyyareden-xeber-var")
    assert not learner.is_article_shape(unseen)  # one listed URL is not a shape yet
    learner.listed_url("https://oxu.az/idman/qarabag-avropa-liqasinda-qalib-geldi")
    assert learner.is_article_shape(unseen)
    assert not learner.is_article_shape("https://oxu.az/dunya")  # another shape
    for n in range(3):
        learner.judged(f"https://oxu.az/a/not-an-article-page-{n}x", article=False)
    assert not learner.is_article_shape(unseen)  # judged pages of the shape were not articles
    learner.judged("https://oxu.az/dunya/another-real-story-here", article=True)
    assert learner.is_article_shape(unseen)


def test_a_shape_is_known_from_archived_articles():
    learner = ShapeLearner(["https://civil.ge/archives/743770"])
    assert learner.is_article_shape("https://civil.ge/archives/812345")
    assert learner.known_shapes() == ["civil.ge /w/n"]


def test_patterns_for_article_urls():
    urls = [
        "https://www.trend.az/business/green-economy/4204857.html",
        "https://www.trend.az/business/energy/4205809.html",
        "https://www.trend.az/casia/kazakhstan/4229949.html",
        "https://netgazeti.ge/news/812074/",
        "https://netgazeti.ge/opinion/811988/",
        "https://oxu.az/1078092",  # alone of its shape: no pattern
    ]
    patterns = [re.compile(p) for p in patterns_for(urls)]
    assert len(patterns) == 2
    for url in urls[:5]:
        assert any(p.search(url) for p in patterns), url
    assert not any(p.search("https://www.trend.az/business/") for p in patterns)
    assert not any(p.search("https://netgazeti.ge/category/news/") for p in patterns)
    assert any(p.search("https://trend.az/business/energy/4300000.html") for p in patterns)
