"""The extraction fields of a draft, learned from the articles it fetched.

`extract.body` is the smallest element, named by a stable class or id, that holds the text
the generic extraction finds; `extract.date` the element whose visible text is the
publication day; `remove`, `cut_at` and `drop_lines` the outlet's own blocks and lines that
extraction keeps inside its bodies (translation links, "Also Read:" lists, appeals, datelines).
Every rule is checked by extracting the articles again with it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from lxml.html import HtmlElement

from caucasus_crawler.draft.output import Draft
from caucasus_crawler.draft.site import Fetched, article_like, selectors_of
from caucasus_crawler.extract import NotAnArticle, extract_article, looks_like_article, parse_date
from caucasus_crawler.extract.page import Page, element_text
from caucasus_crawler.items import Article
from caucasus_crawler.profiles import ExtractRules, Profile

# An element holds a body when this share of the body's characters is in its text.
HOLDS = 0.9
# A body without any article signal (og:type, JSON-LD, article:* meta) is an article only when
# it is this long, in two paragraphs at least: more than a contact page or a caption.
REAL_BODY_CHARS = 400


# -- the articles fetched --------------------------------------------------------------------------
@dataclass
class Sample:
    """A fetched article candidate and what extraction made of it."""

    url: str  # where it was fetched from (after redirects)
    body: bytes
    article: Article | None
    reason: str = ""

    def page(self) -> Page:
        page = Page.from_html(self.body, self.url)
        assert page is not None  # only HTML answers become samples
        return page


def _most(n: int) -> int:
    """How many of `n` samples make "most": two thirds, and at least two."""
    return max(2, math.ceil(2 * n / 3))


def judge(answer: Fetched, profile: Profile) -> Sample | None:
    """What an article candidate turned out to be (None: not an HTML page)."""
    page = answer.page()
    if page is None:
        return None
    url = answer.final_url or answer.url
    try:
        article = extract_article(answer.body, url, profile)
    except NotAnArticle as exc:
        return Sample(url, answer.body, None, str(exc))
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    real = len(article.text) >= REAL_BODY_CHARS and len(paragraphs) >= 2
    if not real and not looks_like_article(page, url):
        return Sample(url, answer.body, None, "too little text for a page without article signals")
    return Sample(url, answer.body, article)


_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    """Text compared without its whitespace (inline elements split and join words freely)."""
    return _SPACE.sub("", unicodedata.normalize("NFC", text)).casefold()


@dataclass
class _Body:
    page: Page
    keys: list[str]  # the extracted paragraphs, as keys
    size: int

    def held(self, element: HtmlElement | None) -> float | None:
        """How much of the body the element holds relative to its size, or None when it
        holds less than HOLDS of it."""
        if element is None:
            return None
        text = _key(element_text(element))
        share = sum(len(k) for k in self.keys if k in text) / max(self.size, 1)
        return len(text) / max(self.size, 1) if share >= HOLDS else None


def _first(page: Page, selector: str) -> HtmlElement | None:
    """The element a profile's selector picks: the first match in the article's scope, else
    in the page (as extraction picks it)."""
    found = page.select(selector, page.scope) if page.scope is not None else []
    found = found or page.select(selector)
    return found[0] if found else None


def smallest_holder(body: _Body) -> HtmlElement | None:
    """The smallest element of the page holding the body's text."""
    best, best_size = None, math.inf
    for element in body.page.tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head"):
            continue
        ratio = body.held(element)
        if ratio is not None and ratio < best_size:
            best, best_size = element, ratio
    return best


def choose_body(articles: Sequence[Sample]) -> tuple[str, int] | None:
    """(selector, on how many articles it holds the text) of the smallest element, named by a
    stable tag and class or id, that holds the extracted text on most articles."""
    bodies = []
    for sample in articles:
        keys = [_key(p) for p in sample.article.text.split("\n\n") if p.strip()]
        bodies.append(_Body(sample.page(), keys, sum(map(len, keys))))
    candidates: dict[str, None] = {}
    for body in bodies:
        element = smallest_holder(body)
        while element is not None and element.tag not in ("body", "html"):
            candidates.update(dict.fromkeys(selectors_of(element)))
            element = element.getparent()
    scored = []
    for selector in candidates:
        ratios = [r for b in bodies if (r := b.held(_first(b.page, selector))) is not None]
        if len(ratios) >= _most(len(bodies)):
            # of names for one element, the one matching fewest others, then the longest
            # (`div.entry-content` rather than `div.entry`): the least likely to match a widget
            matches = sum(len(b.page.select(selector)) for b in bodies)
            size = round(sum(ratios) / len(ratios), 3)
            scored.append((-len(ratios), size, matches, -len(selector), selector))
    if not scored:
        return None
    held, *_, selector = min(scored)
    return selector, -held


def choose_date(articles: Sequence[Sample], profile: Profile) -> tuple[str, int] | None:
    """(selector, on how many articles) of the element whose visible text is the article's
    publication day, read first by the selector as extraction reads it, on most articles."""
    now = datetime.now(UTC)
    dated = [
        (s, datetime.fromisoformat(s.article.published)) for s in articles if s.article.published
    ]
    if len(dated) < 2:
        return None

    def shows(element: HtmlElement | None, published: datetime, language: str | None) -> bool:
        if element is None:
            return False
        text = element.get("datetime") or element.get("content") or element_text(element)
        if not (6 <= len(text) <= 80) or not re.search(r"\d", text):
            return False
        languages = [language] if language else list(profile.languages)
        value = parse_date(text, languages, profile.extract.timezone, now)
        return (
            value is not None
            and datetime.fromisoformat(value).astimezone(published.tzinfo).date()
            == published.date()
        )

    candidates: dict[str, None] = {}
    pages = {}
    for sample, published in dated:
        page = pages[sample.url] = sample.page()
        root = page.scope if page.scope is not None else page.tree
        for element in root.iter():
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            if len(element_text(element)) <= 80 and shows(
                element, published, sample.article.language
            ):
                candidates.update(dict.fromkeys(selectors_of(element)))
    scored = []
    for selector in candidates:
        hits = sum(
            shows(_first(pages[s.url], selector), published, s.article.language)
            for s, published in dated
        )
        if hits >= _most(len(dated)):
            scored.append((-hits, len(selector), selector))
    if not scored:
        return None
    hits, _, selector = min(scored)
    return selector, -hits


def learn_extraction(
    draft: Draft, articles: list[Sample], profile: Profile, article_patterns: list[str]
) -> None:
    """extract.body, the boilerplate inside it, and extract.date. The body's selector is kept
    only when extraction through it reads what the generic path read on most articles."""
    if len(articles) < 2:
        draft.missing("extract.body", f"{len(articles)} article(s) fetched: too few to compare")
        draft.missing("extract.date", "too few articles")
        return
    body = choose_body(articles)
    selector = None
    if body is None:
        draft.missing("extract.body", f"no one element holds the text on most of {len(articles)}")
    else:
        selector, held = body
        ruled = replace(profile, extract=replace(profile.extract, body=selector))
        same = sum(_extracted(s, ruled).text == s.article.text for s in articles)
        if same >= _most(len(articles)):
            draft.set(
                "extract.body",
                selector,
                f"holds the extracted text on {held} of {len(articles)} articles",
            )
        else:
            draft.missing(
                "extract.body",
                f"{selector} holds the text on {held} of {len(articles)} articles, but reading "
                f"it changes the text of {len(articles) - same}",
            )
            selector = None
    _learn_boilerplate(draft, articles, profile, selector, article_patterns)
    date = choose_date(articles, profile)
    dated = sum(1 for s in articles if s.article.published)
    if date is None:
        draft.missing("extract.date", f"no element shows the publication day on most of {dated}")
    else:
        selector, hits = date
        draft.set("extract.date", selector, f"shows the publication day on {hits} of {dated}")


# -- boilerplate inside the body -------------------------------------------------------------------
# A label introducing a list of links ("Also Read:", "ასევე წაიკითხეთ:") is this short.
_LABEL_CHARS = 40
_LABEL_WORDS = 5
# Share of a list item's text its article link must make for the list to be links.
_LINKED = 0.4
# A box of links: at most this share of the body's text, at least this share of it link titles.
_BOX_SHARE = 0.3
_BOX_LINKED = 0.6
# A learned rule may cut at most this share of an article's text.
_MAX_CUT = 0.4
# A dateline or a credit line ("Edited and translated by ...") is this short.
_EDGE_CHARS = 80
# After a recurring label, a list of links: at most this many lines of at most this length.
_TAIL_LINES = 5
_TAIL_CHARS = 200
# Words of a recurring line kept as its cut marker.
_MARKER_WORDS = 6
# A line is the outlet's when it recurs in this many stories at least (and two thirds of them);
# texts sharing this share of their paragraphs are one story.
_MIN_STORIES = 3
_SAME_STORY = 0.5


def _body_element(page: Page, sample: Sample, selector: str | None) -> HtmlElement | None:
    if selector:
        return _first(page, selector)
    keys = [_key(p) for p in sample.article.text.split("\n\n") if p.strip()]
    return smallest_holder(_Body(page, keys, sum(map(len, keys))))


def translation_switchers(body: HtmlElement) -> list[str]:
    """Selectors of the blocks inside the body that link only to the article's translations
    (`<a hreflang>`: "This post is also available in: ქართული Русский")."""
    found: list[str] = []
    for element in body.iter("p", "div", "ul", "section", "aside", "nav"):
        links = list(element.iter("a"))
        if not links or not all(a.get("hreflang") for a in links):
            continue
        if len(element_text(element)) > 200 or element is body:
            continue
        found += selectors_of(element)[:1]
    return found


def related_labels(
    page: Page,
    body: HtmlElement,
    is_article: Callable[[str], bool],
    boxes: Iterable[HtmlElement] = (),
) -> list[str]:
    """Labels ("Also Read:") of the lists of links to other articles inside the body (but
    in `boxes` removed whole): from the label on, the body is the outlet's, not the article's."""
    labels: list[str] = []
    boxes = set(boxes)
    for listing in body.iter("ul", "ol"):
        if boxes.intersection(listing.iterancestors()):
            continue
        items = [item for item in listing if item.tag == "li"]
        if not items or not all(_links_an_article(page, item, is_article) for item in items):
            continue
        label = listing.getprevious()
        while label is not None and not element_text(label):
            label = label.getprevious()
        if label is None or label.find(".//a") is not None or label.tag == "a":
            continue
        text = element_text(label)
        if len(text) <= _LABEL_CHARS and len(text.split()) <= _LABEL_WORDS:
            labels.append(text)
    return labels


def _links_an_article(page: Page, item: HtmlElement, is_article: Callable[[str], bool]) -> bool:
    text = len(element_text(item))
    linked = sum(
        len(element_text(a))
        for a in item.iter("a")
        if (url := page.absolute(a.get("href"))) and is_article(url)
    )
    return text > 0 and linked >= _LINKED * text


def link_blocks(
    page: Page, body: HtmlElement, is_article: Callable[[str], bool]
) -> dict[str, HtmlElement]:
    """The boxes of links to other articles set inside the body ("Other news", "Read also"
    boxes between its paragraphs), by selector: the outermost block with a stable class whose
    text is mostly the titles of two or more article links. Lists (`ul`) are left to
    related_labels: their classes are often the body's own (`wp-block-list`)."""
    found: dict[str, HtmlElement] = {}
    whole = len(element_text(body)) or 1
    for element in body.iter("div", "section", "aside"):
        if element is body or len(element_text(element)) > _BOX_SHARE * whole:
            continue
        if any(ancestor in found.values() for ancestor in element.iterancestors()):
            continue
        links = [
            a
            for a in element.iter("a")
            if (url := page.absolute(a.get("href"))) and is_article(url)
        ]
        linked = sum(len(element_text(a)) for a in links)
        names = [s for s in selectors_of(element) if ".wp-block" not in s and "#" not in s]
        if len(links) >= 2 and linked >= _BOX_LINKED * len(element_text(element)) and names:
            found.setdefault(names[0], element)
    return found


def recurring_lines(bodies: Sequence[tuple[str | None, list[str]]]) -> tuple[list[str], list[str]]:
    """(drop_lines, cut_at) from the paragraphs of articles, by language: the outlet's own
    lines recur in most stories of a language (an update or a follow-up repeating a story's
    paragraphs is the same story: _stories). A recurring line followed by a few short lines
    that vary (links to other articles) ends the body there; another recurring line is dropped
    wherever it stands; a short first or last line that begins alike in most stories (a
    dateline "Baku, March 5, AZERTAC", a credit "Edited and translated by ...") is cut by its
    beginning."""
    by_language: dict[str | None, list[list[str]]] = {}
    for language, paragraphs in bodies:
        by_language.setdefault(language, []).append(paragraphs)
    drop: list[str] = []
    cut: list[str] = []
    for texts in by_language.values():
        story = _stories(texts)
        stories = len(set(story))

        def recurs(
            indexes: Iterable[int], story: list[int] = story, stories: int = stories
        ) -> bool:
            found = len({story[i] for i in indexes})
            return found >= _MIN_STORIES and found >= 2 * stories / 3

        where: dict[str, list[int]] = {}
        for index, paragraphs in enumerate(texts):
            for paragraph in dict.fromkeys(paragraphs):
                where.setdefault(paragraph, []).append(index)
        repeated = [p for p, indexes in where.items() if recurs(indexes)]
        for line in repeated:
            tails = [texts[i][texts[i].index(line) + 1 :] for i in where[line]]
            if all(_varying_links(tail, repeated) for tail in tails):
                cut.append(" ".join(line.split()[:_MARKER_WORDS]))
            else:
                drop.append(line)
        for edge in (0, -1):
            groups: dict[str, list[int]] = {}
            for index, paragraphs in enumerate(texts):
                line = paragraphs[edge] if paragraphs else ""
                if line and len(line) <= _EDGE_CHARS and line not in repeated:
                    groups.setdefault(line.split()[0], []).append(index)
            for word, indexes in groups.items():
                lines = [texts[i][edge] for i in indexes]
                # a dateline's date varies: its place alone marks it
                prefix = word if any(re.search(r"\d", x) for x in lines) else _common_words(lines)
                if recurs(indexes) and len(prefix.split()) >= (1 if edge == 0 else 2):
                    cut.append(prefix)
    return list(dict.fromkeys(drop)), list(dict.fromkeys(cut))


def _stories(texts: list[list[str]]) -> list[int]:
    """The story of each text: texts sharing half of the shorter one's paragraphs (by
    characters) tell one story (an update, a repost, a follow-up)."""
    story = list(range(len(texts)))
    for i, a in enumerate(texts):
        for j in range(i):
            b = texts[j]
            shared = sum(len(p) for p in set(a) & set(b))
            shorter = min(sum(map(len, a)), sum(map(len, b))) or 1
            if shared >= _SAME_STORY * shorter:
                story[i] = story[j]
                break
    return story


def _varying_links(tail: list[str], repeated: list[str]) -> bool:
    """Whether the lines after a recurring one are a short list that varies: link titles."""
    return (
        0 < len(tail) <= _TAIL_LINES
        and all(len(p) <= _TAIL_CHARS for p in tail)
        and any(p not in repeated for p in tail)
    )


def _common_words(lines: list[str]) -> str:
    words = [line.split() for line in lines]
    common = []
    for column in zip(*words, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return " ".join(common)


def _learn_boilerplate(
    draft: Draft,
    articles: list[Sample],
    profile: Profile,
    selector: str | None,
    article_patterns: list[str],
) -> None:
    """extract.remove, cut_at and drop_lines: what the outlet leaves inside its bodies (see
    translation_switchers, link_blocks, related_labels, recurring_lines). Each rule is kept
    when it cuts no more than _MAX_CUT of any article's text."""

    def is_article(url: str) -> bool:
        return any(re.search(p, url) for p in article_patterns) or article_like(url)

    switchers: Counter[str] = Counter()
    boxes: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for sample in articles:
        page = sample.page()
        body = _body_element(page, sample, selector)
        if body is not None:
            switchers.update(set(translation_switchers(body)))
            found = link_blocks(page, body, is_article)
            boxes.update(set(found) - set(switchers))
            labels.update(set(related_labels(page, body, is_article, found.values())))
    rules = replace(profile.extract, body=selector)
    blocks = switchers + boxes
    remove = [s for s in blocks if _cuts_little(articles, profile, replace(rules, remove=(s,)))]
    cut_at = [t for t in labels if _cuts_little(articles, profile, replace(rules, cut_at=(t,)))]
    ruled = replace(profile, extract=replace(rules, remove=tuple(remove), cut_at=tuple(cut_at)))
    bodies = []
    for sample in articles:
        article = _extracted(sample, ruled)
        bodies.append((sample.article.language, article.text.split("\n\n")))
    drop, cut = recurring_lines(bodies)
    drop = [
        t for t in drop if _cuts_little(articles, ruled, replace(ruled.extract, drop_lines=(t,)))
    ]
    cut = [t for t in cut if _cuts_little(articles, ruled, replace(ruled.extract, cut_at=(t,)))]
    n = len(articles)
    if remove:
        kinds = [
            (switchers, "linking only to the article's translations"),
            (boxes, "of links to other articles"),
        ]
        notes = [
            f"blocks {what} ({', '.join(f'{s} on {found[s]}' for s in remove if s in found)} "
            f"of {n} articles)"
            for found, what in kinds
            if any(s in found for s in remove)
        ]
        draft.set("extract.remove", remove, "; ".join(notes))
    notes = []
    if cut_at:
        seen = ", ".join(f"{t!r} on {labels[t]}" for t in cut_at)
        notes.append(f"labels of lists of links to other articles ({seen} of {n} articles)")
    if cut:
        notes.append(f"lines beginning alike on most articles of a language: {', '.join(cut)}")
    if cut_at or cut:
        draft.set("extract.cut_at", [*cut_at, *cut], "; ".join(notes) + ": the body ends there")
    if drop:
        draft.set("extract.drop_lines", drop, "lines found on most articles of a language")
    if not (remove or cut_at or cut or drop):
        draft.missing(
            "extract.remove", "no translation links, related lists or recurring lines in the bodies"
        )


def _cuts_little(articles: list[Sample], profile: Profile, rules: ExtractRules) -> bool:
    ruled = replace(profile, extract=rules)
    for sample in articles:
        if len(_extracted(sample, ruled).text) < (1 - _MAX_CUT) * len(sample.article.text):
            return False
    return True


def _extracted(sample: Sample, profile: Profile) -> Article:
    try:
        return extract_article(sample.body, sample.url, profile)
    except NotAnArticle:
        return Article(url=sample.url, title="", text="")
