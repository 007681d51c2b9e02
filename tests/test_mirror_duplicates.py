"""The labelled near-duplicate set (mirror/duplicates.toml): valid, served, and what it claims.

The set is what the duplicate detection is measured on (benchmarks/dedup_quality.py), so it
must hold what its labels say: copies that are copies (the same words in the same order,
mostly), different stories that look alike (shared template sentences), and translations.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

import pytest
from mirror_client import fetch

from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.content import (
    MirrorDataError,
    copy_groups,
    labelled_pairs,
    load_sites,
)

SITES = load_sites()
ARTICLES = {a.url: a for site in SITES for a in site.articles}
SITE_OF = {a.url: site.host for site in SITES for a in site.articles}
PAIRS = labelled_pairs(sites=SITES)
_SENTENCE_END = re.compile(r"(?<=[.!?։])\s+")


def words(url: str) -> list[str]:
    return re.findall(r"\w+", " ".join(ARTICLES[url].paragraphs).casefold())


def sentences(url: str) -> set[str]:
    return {s for p in ARTICLES[url].paragraphs for s in _SENTENCE_END.split(p) if len(s) > 40}


def in_order(a: list[str], b: list[str]) -> float:
    """The share of the longer text's words that the other has in the same order."""
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / max(len(a), len(b))


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def test_the_set_has_the_mix_the_benchmark_needs():
    kinds = Counter(pair.kind for pair in PAIRS)
    same = [pair for pair in PAIRS if pair.same]
    assert len(PAIRS) >= 60
    assert len(same) >= 32 and len(PAIRS) - len(same) >= 32
    assert kinds["repost"] + kinds["update"] >= 10  # copies within one outlet
    assert kinds["syndication"] >= 20  # across outlets
    for kind in ("roundup", "template", "live-blog", "follow-up", "translation", "same-topic"):
        assert kinds[kind] >= 2, kind
    assert len({SITE_OF[u] for pair in same for u in (pair.url_a, pair.url_b)}) >= 15


@pytest.mark.slow
def test_every_labelled_url_is_an_article_the_mirror_serves(mirror):
    urls = sorted({u for pair in PAIRS for u in (pair.url_a, pair.url_b)})
    for url in urls:
        page = fetch(mirror, url)
        assert page.status == 200, url
        assert ARTICLES[url].title in page.text.replace("&#x27;", "'").replace("&quot;", '"'), url


def test_copies_keep_most_words_in_order_and_come_later():
    for pair in PAIRS:
        if pair.same:
            a, b = ARTICLES[pair.url_a], ARTICLES[pair.url_b]
            assert a.published < b.published and a.language == b.language, pair.note
            assert in_order(words(a.url), words(b.url)) >= 0.75, pair.url_b
            assert a.paragraphs != b.paragraphs  # each copy has its edits
            assert (SITE_OF[a.url] == SITE_OF[b.url]) == (pair.kind != "syndication")


def test_look_alikes_share_template_sentences_but_not_the_story():
    """Roundups, same-template items, live blogs and follow-ups repeat whole sentences of each
    other (the hard cases), yet most of each text is its own."""
    for pair in PAIRS:
        if pair.kind in ("roundup", "template", "live-blog", "follow-up"):
            shared = sentences(pair.url_a) & sentences(pair.url_b)
            assert shared, pair.url_b
            assert words(pair.url_a) != words(pair.url_b)
            assert in_order(words(pair.url_a), words(pair.url_b)) < 0.95, pair.url_b


def test_translations_are_one_story_in_two_languages():
    for pair in PAIRS:
        if pair.kind == "translation":
            a, b = ARTICLES[pair.url_a], ARTICLES[pair.url_b]
            assert a.language != b.language
            if SITE_OF[a.url] == SITE_OF[b.url] and a.translation and b.translation:
                assert a.translation == b.translation


def test_copy_groups_join_copies_of_one_original():
    groups = copy_groups(PAIRS)
    assert sum(len(g) - 1 for g in groups) == len({p.url_b for p in PAIRS if p.same})
    # one APA item reprinted by two outlets: the two reprints are one story with it
    apa = "https://apa.az/az/iqtisadiyyat/merkezi-bank-ucot-derecesini-deyismez-saxlayib-908620/"
    assert {
        apa,
        "https://oxu.az/iqtisadiyyat/merkezi-bank-ucot-derecesi-ile-bagli-qerar-verib",
        "https://report.az/biznes/merkezi-bank-ucot-derecesini-evvelki-seviyyede-saxlayib",
    } in groups


def label(url_a: str, url_b: str, same: str, kind: str) -> str:
    return f'url_a = "{url_a}"\nurl_b = "{url_b}"\nsame = {same}\nkind = "{kind}"\nnote = ""'


CIVIL = "https://civil.ge/archives/"


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (f'url_a = "{CIVIL}1"', "needs exactly url_a, url_b, same, kind"),
        (
            label(f"{CIVIL}999999", f"{CIVIL}626112", "false", "template"),
            f"{CIVIL}999999 is no article of the mirror",
        ),
        (
            label(f"{CIVIL}622318", f"{CIVIL}626112", "true", "roundup"),
            "kind 'roundup' does not go with same = True",
        ),
        (
            label(f"{CIVIL}626112", f"{CIVIL}622318", "false", "template"),
            "url_a must be the earlier article",
        ),
        (
            label(f"{CIVIL}624150", "https://civil.ge/ka/archives/624152", "true", "repost"),
            "only a translation is in another language",
        ),
    ],
)
def test_a_bad_label_is_refused_naming_the_file_and_pair(tmp_path, entry, error):
    path = tmp_path / "duplicates.toml"
    path.write_text(f"[[pair]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(MirrorDataError) as raised:
        labelled_pairs(path, SITES)
    assert str(raised.value).startswith(f"{path}: pair 1")
    assert error in str(raised.value)


@pytest.mark.slow
def test_a_pair_labelled_both_ways_is_refused(tmp_path):
    """Copies of one original are copies of each other: no label may say otherwise."""
    apa = "https://apa.az/az/iqtisadiyyat/merkezi-bank-ucot-derecesini-deyismez-saxlayib-908620/"
    oxu, report = (
        "https://oxu.az/iqtisadiyyat/merkezi-bank-ucot-derecesi-ile-bagli-qerar-verib",
        "https://report.az/biznes/merkezi-bank-ucot-derecesini-evvelki-seviyyede-saxlayib",
    )
    path = tmp_path / "duplicates.toml"
    path.write_text(
        "".join(
            f"[[pair]]\n{label(a, b, same, kind)}\n"
            for a, b, same, kind in (
                (apa, oxu, "true", "syndication"),
                (apa, report, "true", "syndication"),
                (oxu, report, "false", "template"),
            )
        ),
        encoding="utf-8",
    )
    with pytest.raises(MirrorDataError, match="labelled both ways"):
        labelled_pairs(path, SITES)
