"""Hostile text in pages: control characters never cost an article, never reach a field of
one, and never reach the user's terminal; no field of an article grows without bound.

The oracle here is this file's own list of what a terminal obeys or a display reorders
(`HAZARDS`), not the one the code uses (caucasus_crawler/controls.py).
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from caucasus_crawler.archive import Archive
from caucasus_crawler.cli import main
from caucasus_crawler.controls import for_terminal, json_for_terminal
from caucasus_crawler.extract import extract_article
from caucasus_crawler.extract.metadata import (
    MAX_CATEGORIES,
    MAX_DESCRIPTION_CHARS,
    MAX_TAGS,
    MAX_TITLE_CHARS,
)
from caucasus_crawler.items import Article, Link, PageVisit
from caucasus_crawler.normalise import content_hash, normalise_article
from caucasus_crawler.profiles import load_profiles

URL = "https://civil.ge/archives/900001"
TITLE = "Council Debates Water Supply Plan"
FIRST = (
    "The regional council met on Thursday to discuss the new water supply project for the "
    "villages along the river, which have had running water for only a few hours a day."
)
SECOND = (
    "It agreed to put the plan to a public hearing next month, the chairman said, and to ask "
    "the ministry for the rest of the money before the end of the year."
)
# C0 controls but tab, line feed and carriage return; DEL; C1 (U+009B is an 8-bit CSI);
# bidi embeddings, overrides and isolates.
HAZARDS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What a title can send a terminal: a window title, a clipboard write (OSC 52), a clear screen.
ESCAPES = "&#27;]0;pwned&#7;&#27;]52;c;cm0gLXJmIH4=&#7;&#x1b;[2J"


def page(title: str = TITLE, paragraphs: tuple[str, ...] = (FIRST, SECOND), head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-10-01T09:00:00+04:00">'
        f"{head}</head><body><article><h1>{title}</h1><div class='entry-content'>{body}</div>"
        "</article></body></html>"
    )


def strings_of(article: Article) -> list[str]:
    links = [link.name for link in (*article.categories, *article.tags)]
    return [article.title, article.text, article.description or "", *article.authors, *links]


# -- one control character never costs the article (defect 7) ------------------------------
@pytest.mark.parametrize(
    "reference", ["&#8;", "&#27;", "&#1;", "&#x1b;", "&#x1B", "&#0000000027;", "&#127;", "&#xfffe;"]
)
def test_a_control_character_in_a_paragraph_is_dropped_and_the_article_kept(reference):
    """libxml2 makes `&#8;` a backspace in the tree, trafilatura's lxml then refuses to copy
    the paragraph and discards the page: it was `not_article: no body text`."""
    spoilt = FIRST.replace("council met", f"council{reference} met")
    article = extract_article(page(paragraphs=(spoilt, SECOND)), URL)
    assert article.text == f"{FIRST}\n\n{SECOND}"


def test_control_characters_anywhere_are_dropped_for_every_reader():
    head = (
        f'<meta property="og:description" content="Water{ESCAPES} for all">'
        '<meta name="author" content="Nino Beridze&#27;\u009b">'
        '<meta property="article:tag" content="Tbilisi&#27;]0;x&#7;">'
        '<meta property="article:section" content="Politics&#8;">'
    )
    spoilt = (f"Before{ESCAPES} after {FIRST}", f"\u009b2J{SECOND}\u202e")
    article = extract_article(page(title=f"{TITLE}{ESCAPES}", paragraphs=spoilt, head=head), URL)
    assert [HAZARDS.findall(s) for s in strings_of(article) if HAZARDS.search(s)] == []
    assert article.title == f"{TITLE}]0;pwned]52;c;cm0gLXJmIH4=[2J"  # harmless once inert
    assert article.authors == ["Nino Beridze"]
    assert [t.name for t in article.tags] == ["Tbilisi]0;x"]
    assert [c.name for c in article.categories] == ["Politics"]
    assert article.text.split("\n\n")[1] == f"2J{SECOND}"


def test_escapes_in_json_ld_are_dropped_too():
    """JSON's own escapes (`\\u001b`) are decoded by json.loads, after the tree is clean."""
    data = {
        "@type": "NewsArticle",
        "headline": "Head\u001b]0;pwned\u0007line",
        "author": {"@type": "Person", "name": "Giorgi\u202e Tsikhelashvili"},
        "keywords": ["wine\u009b", "export\u0008s"],
        "articleSection": "Econ\u001bomy",
    }
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    article = extract_article(page(title="", head=script), URL)
    assert article.title == "Head]0;pwnedline"
    assert article.authors == ["Giorgi Tsikhelashvili"]
    assert [t.name for t in article.tags] == ["wine", "exports"]
    assert [c.name for c in article.categories] == ["Economy"]


def test_paragraph_breaks_and_ordinary_whitespace_and_bidi_marks_are_kept():
    text = f"Tab\tseparated {FIRST}"
    article = extract_article(page(title=f"{TITLE}\u200f", paragraphs=(text, SECOND)), URL)
    assert article.text == f"Tab separated {FIRST}\n\n{SECOND}"  # whitespace collapsed as ever
    assert article.title == f"{TITLE}\u200f"  # a right-to-left mark reorders nothing


def test_normalising_drops_them_from_articles_of_any_source():
    article = Article(
        url=URL,
        title="Wine\x1b]0;pwned\x07 exports",
        text="First\x08 paragraph.\n\nSecond\u202e paragraph.",
        authors=["Nino\u009b Beridze"],
        tags=[Link("Tbilisi\x1b[2J")],
        categories=[Link("Econ\x7fomy")],
    )
    normalise_article(article)
    assert article.title == "Wine]0;pwned exports"
    assert article.text == "First paragraph.\n\nSecond paragraph."
    assert article.authors == ["Nino Beridze"]
    assert [t.name for t in article.tags] == ["Tbilisi[2J"]
    assert [c.name for c in article.categories] == ["Economy"]


# -- caps on the fields (defect 11) ---------------------------------------------------------
def test_a_huge_title_is_cut_and_the_article_kept():
    huge = "Headline " * 120_000  # 1 MB, in <title> and <h1>
    article = extract_article(page(title=huge), URL)
    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("Headline…")
    assert article.text == f"{FIRST}\n\n{SECOND}"  # the <h1> is still not taken for the body
    og = f'<meta property="og:title" content="{huge}">'
    assert len(extract_article(page(head=og), URL).title) <= MAX_TITLE_CHARS


@pytest.mark.slow
def test_tags_and_categories_per_article_are_capped_in_page_order():
    tags = "".join(f'<meta property="article:tag" content="Tag {n}">' for n in range(20_000))
    sections = "".join(
        f'<meta property="article:section" content="Section {n}">' for n in range(20_000)
    )
    article = extract_article(page(head=tags + sections), URL)
    assert [t.name for t in article.tags] == [f"Tag {n}" for n in range(MAX_TAGS)]
    assert [c.name for c in article.categories] == [f"Section {n}" for n in range(MAX_CATEGORIES)]


def test_a_huge_description_is_cut():
    head = f'<meta property="og:description" content="{"Lead. " * 200_000}">'
    description = extract_article(page(head=head), URL).description
    assert len(description) <= MAX_DESCRIPTION_CHARS and description.endswith("Lead.…")


@pytest.mark.parametrize(
    ("image", "stored"),
    [
        ("javascript:alert(document.cookie)", None),
        ("JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),  # browsers and urlsplit drop the tab: javascript:
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("data:image/png;base64,iVBORw0KGgo=", None),
        ("ftp://civil.ge/photo.jpg", None),
        pytest.param(f"https://civil.ge/{'x' * 3000}.jpg", None, id="a-3000-character-url"),
        ("/wp-content/uploads/photo.jpg", "https://civil.ge/wp-content/uploads/photo.jpg"),
        ("HTTPS://cdn.civil.ge/photo.jpg", "https://cdn.civil.ge/photo.jpg"),
    ],
)
def test_only_http_images_are_stored(image, stored):
    data = {"@type": "NewsArticle", "image": image}  # JSON-LD: the tab reaches the reader
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert extract_article(page(head=script), URL).image == stored
    if "\t" not in image:  # a <meta> content's tab is a space: "java script:" is a path
        og = f'<meta property="og:image" content="{image}">'
        assert extract_article(page(head=og), URL).image == stored


# -- printing the archive (defect 6) --------------------------------------------------------
def test_terminal_text_keeps_lines_and_json_keeps_the_data():
    # lone surrogates apart: JSON cannot tell "\ud800\udc00" from the pair it spells
    every = "".join(map(chr, range(0x3000))) + "\ud800 \udcff\ufffe\uffff"
    printable = for_terminal(every)
    assert not HAZARDS.search(printable) and "\r" not in printable
    assert "\n" in printable and "\t" in printable and "\u200f" in printable
    dumped = json_for_terminal(json.dumps({"title": every}, ensure_ascii=False))
    assert not HAZARDS.search(dumped) and json.loads(dumped) == {"title": every}
    dumped.encode("utf-8")  # no lone surrogate left to fail on printing


@pytest.fixture
def old_archive(tmp_path):
    """An archive holding hostile text, as one filled before extraction dropped it would:
    in a title and body, a failure's reason and URL, a health example, a language."""
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.register_sites([load_profiles()["civil_ge"]])
        run = archive.start_run("demo", ["civil_ge"])
        text = (
            "Georgia exported more wine\x1b]52;c;cm0gLXJmIH4=\x07 this year.\n\n"
            "A second\u202e paragraph about wine and \u009b2J grapes."
        )
        archive.store_article(
            Article(
                url=URL,
                title="Wine\x1b]0;pwned\x07 exports \x1b[2Jrise\x02",
                text=text,
                site="civil_ge",
                language="en\x1b[2J",
                published="2026-10-01T05:00:00+00:00",
                authors=["Nino\x1b[2J Beridze"],
                content_hash=content_hash(text),
            ),
            run,
        )
        archive.record_page(
            PageVisit(
                url="https://civil.ge/\x1b]0;pwned\x07",
                site="civil_ge",
                outcome="failed",
                http_status=500,
                reason="HTTP 500 \x1b[2J\u009b2J",
            ),
            run,
        )
        archive.add_to_run(run, failures=1)
        archive.add_health_metrics(
            run,
            [
                ("civil_ge", "responses_ok", 1, None),
                ("civil_ge", "failed", 1, None),
                ("civil_ge", "failed:\x1b]0;pwned\x07", 1, "https://civil.ge/\x1b[2J\u202e"),
            ],
        )
        archive.finish_run(run)
    return db


def printed(capsys, *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


# The commands that print what the archive holds.
PRINTING = [("search", "wine"), ("runs",), ("stats",), ("health", "civil_ge")]


@pytest.mark.parametrize("command", PRINTING)
def test_commands_print_stored_text_without_control_characters(capsys, old_archive, command):
    out = printed(capsys, *command, "--db", str(old_archive))
    assert HAZARDS.findall(out) == [] and "\r" not in out
    assert "pwned" in out or command[0] == "stats"  # the text is shown, made inert


@pytest.mark.parametrize("command", PRINTING)
def test_json_output_escapes_control_characters_and_keeps_the_data(capsys, old_archive, command):
    out = printed(capsys, *command, "--db", str(old_archive), "--json")
    assert HAZARDS.findall(out) == []
    json.loads(out)
    if command[0] == "search":
        assert json.loads(out)[0]["title"] == "Wine\x1b]0;pwned\x07 exports \x1b[2Jrise\x02"


def test_search_in_colour_sends_only_its_own_colours(capsys, monkeypatch, old_archive):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = printed(capsys, "search", "wine", "--db", str(old_archive))
    assert "\x1b[1;33mWine\x1b[0m" in out
    ours = out.replace("\x1b[1;33m", "").replace("\x1b[0m", "")
    assert HAZARDS.findall(ours) == []
    # the stray \x02 the old title ends with opened a colour: it is closed on the same line
    title_line = out.splitlines()[0]
    assert title_line.endswith("\x1b[0m")


def test_extract_prints_a_hostile_page_as_plain_text(capsys, tmp_path):
    saved = tmp_path / "page.html"
    spoilt = f"Before{ESCAPES} after {FIRST}"
    saved.write_text(page(title=f"{TITLE}{ESCAPES}", paragraphs=(spoilt, SECOND)), "utf-8")
    out = printed(capsys, "extract", str(saved), "--url", URL, "--format", "text")
    assert HAZARDS.findall(out) == []
    assert out == f"Before]0;pwned]52;c;cm0gLXJmIH4=[2J after {FIRST}\n\n{SECOND}\n"
