"""The pure parts of search (caucasus_crawler/search/): folding, the stemmers on real
inflections, and the query parser, which no input makes an FTS5 syntax error."""

import sqlite3

import pytest
import Stemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from caucasus_crawler.search.armenian import stem_armenian
from caucasus_crawler.search.azerbaijani import stems_azerbaijani
from caucasus_crawler.search.folding import fold, words
from caucasus_crawler.search.georgian import stem_georgian
from caucasus_crawler.search.query import Part, exact_match, expanded_match, parse
from caucasus_crawler.search.stemmers import index_stems, query_stems


def shares_a_stem(forms: list[str], language: str) -> bool:
    """Whether every form is filed under a stem that the first form, as a query, looks up."""
    wanted = query_stems(forms[0])
    return all(index_stems(form, language) & wanted for form in forms)


@pytest.mark.parametrize(
    "forms, language",
    [
        (["თბილისი", "თბილისში", "თბილისის", "თბილისიდან", "თბილისისთვის", "თბილისზე"], "ka"),
        (["საქართველო", "საქართველოს", "საქართველოში", "საქართველოდან", "საქართველომ"], "ka"),
        (["ეკონომიკა", "ეკონომიკის", "ეკონომიკაში", "ეკონომიკით"], "ka"),
        (["ქალაქი", "ქალაქები", "ქალაქებში", "ქალაქების", "ქალაქებიდან"], "ka"),
        (["ღვინო", "ღვინის", "ღვინით", "ღვინოს"], "ka"),
        (["Ереван", "Ереване", "Еревана", "Ереваном"], "ru"),
        (["Ереване", "Еревана", "Ереван"], "ru"),
        (["Пашинян", "Пашиняна", "Пашиняну", "Пашиняном"], "ru"),
        (["выборы", "выборах", "выборов"], "ru"),
        (["система", "систем", "системы", "системой"], "ru"),
        (["Азербайджан", "Азербайджана", "Азербайджане"], "ru"),
        (["Երևան", "Երևանում", "Երևանի", "Երևանից", "Երեւան"], "hy"),
        (["նախարարություն", "նախարարությունը", "նախարարության", "նախարարությունից"], "hy"),
        (["քաղաք", "քաղաքի", "քաղաքում", "քաղաքը", "քաղաքներում"], "hy"),
        (["ծրագիր", "ծրագիրը", "ծրագրի", "ծրագրերի"], "hy"),
        (["nazirlik", "nazirliyi", "nazirliyinin", "nazirliyindən"], "az"),
        (["azerbaycan", "Azərbaycan", "Azərbaycanın"], "az"),
        (["Bakı", "Bakıda", "Bakının", "Bakıya", "Bakıdan", "baki"], "az"),
        (["İqtisadiyyat", "iqtisadiyyat", "iqtisadiyyatın", "iqtisadiyyatı"], "az"),
        (["Azərbaycan", "Azərbaycanın", "Azərbaycanda", "Azərbaycana", "Azərbaycanla"], "az"),
        (["şəhər", "şəhərdə", "şəhərin", "şəhərlər", "şəhərlərdə"], "az"),
        (["prezident", "prezidenti", "prezidentin", "prezidentə"], "az"),
        (["election", "elections", "Elections"], "en"),
    ],
)
def test_inflected_forms_share_a_stem(forms, language):
    assert shares_a_stem(forms, language)


def test_different_words_keep_different_stems():
    assert not index_stems("თბილისი", "ka") & query_stems("ბათუმი")
    assert not index_stems("Ереван", "ru") & query_stems("Баку")
    assert not index_stems("Bakı", "az") & query_stems("Gəncə")


def test_georgian_rules_keep_two_letters():
    assert stem_georgian("ომი") == "ომ"
    assert stem_georgian("ომში") == "ომ"
    assert stem_georgian("და") == "და"


def test_turkish_snowball_fits_azerbaijani_worse_than_our_rules():
    """Why azerbaijani.py exists: Turkish rules know no ə."""
    groups = [
        ["azərbaycan", "azərbaycanın", "azərbaycanda"],
        ["şəhər", "şəhərdə", "şəhərin"],
        ["prezident", "prezidenti", "prezidentə"],
        ["bakı", "bakıda", "bakının"],
    ]
    turkish = Stemmer.Stemmer("turkish")
    conflated_by_turkish = sum(len({turkish.stemWord(w) for w in g}) == 1 for g in groups)
    ours = sum(
        bool(frozenset.intersection(*(stems_azerbaijani(fold(w)) for w in g))) for g in groups
    )
    assert (conflated_by_turkish, ours) == (1, 4)


def test_snowball_armenian_fits_worse_than_our_rules():
    """Why armenian.py exists: Snowball gives one noun's forms different stems."""
    groups = [
        ["նախարարություն", "նախարարությունը", "նախարարության"],
        ["քաղաք", "քաղաքի", "քաղաքում"],
        ["ծրագիր", "ծրագիրը", "ծրագրի"],
        ["Երևան", "Երևանի", "Երևանում"],
    ]
    snowball = Stemmer.Stemmer("armenian")
    conflated_by_snowball = sum(len({snowball.stemWord(fold(w)) for w in g}) == 1 for g in groups)
    ours = sum(len({stem_armenian(fold(w)) for w in g}) == 1 for g in groups)
    assert (conflated_by_snowball, ours) == (1, 4)


def test_folding():
    assert fold("Bakı") == fold("BAKI") == fold("baki") == "baki"
    assert fold("İqtisadiyyat") == "iqtisadiyyat"
    assert fold("Ёлка") == "елка"
    assert fold("café") == "cafe"
    assert fold("Айдын") == "айдын"  # й is a letter of its own
    assert fold("Երևան") == fold("Երեւան")
    assert fold("Azərbaycan") == "azerbaycan"  # as typed on a Latin keyboard


def test_words_split_as_unicode61_does():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    text = "Bakı, Bakıda; İqtisadiyyat café_x l'état Երևան ღვინის 3.5% non-aggression Ёлка"
    conn.execute("INSERT INTO f VALUES (?)", [text])
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'row')")
    indexed = {row[0] for row in conn.execute("SELECT term FROM v")}
    # each word of ours is one term of the index (which drops Latin accents itself)
    for word in words(text):
        found = conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", [f'"{word}"']).fetchone()
        assert found == (1,), word
    assert len(set(words(text))) == len(indexed)


def test_parser_reads_words_prefixes_and_phrases():
    assert parse('Ереван "wine export" ღვინ*') == [
        Part(("ереван",)),
        Part(("wine", "export")),
        Part(("ღვინ",), prefix=True),
    ]
    assert parse("non-aggression") == [Part(("non", "aggression"))]
    assert parse('"unbalanced AND (x') == [Part(("unbalanced",)), Part(("and",)), Part(("x",))]
    assert parse('* ( ) "" -') == []
    assert exact_match(parse("ღვინ* a:b")) == '"ღვინ"* AND "a b"'
    assert exact_match([]) == '""'


FTS = sqlite3.connect(":memory:")
FTS.execute("CREATE VIRTUAL TABLE f USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
FTS.execute("INSERT INTO f VALUES ('Bakı Ереван თბილისში')")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_no_input_is_an_fts5_syntax_error(text):
    parts = parse(text)
    for expression in (
        exact_match(parts),
        expanded_match(parts, lambda w: [w + "x", "y"], lambda p: [p + "z"]),
    ):
        FTS.execute("SELECT count(*) FROM f WHERE f MATCH ?", [expression]).fetchone()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "*",
                "-",
                ":",
                "^",
                "AND",
                "OR",
                "NOT",
                "NEAR(",
                "a",
                "Bakı",
                " ",
                "+",
                "{",
                "}",
            ]
        ),
        max_size=12,
    )
)
def test_no_operator_soup_is_an_fts5_syntax_error(pieces):
    text = "".join(pieces)
    FTS.execute("SELECT count(*) FROM f WHERE f MATCH ?", [exact_match(parse(text))])
