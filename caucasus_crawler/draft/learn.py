"""From the evidence to a profile: name, country, languages, start points and URL patterns.

Each field is set with a note saying where it came from, or reported as left out with the
reason; the extraction fields are `extraction`'s. The profile loader itself is asked
whether it takes what was found (countries and languages it knows, a valid name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from caucasus_crawler.draft.explore import Evidence
from caucasus_crawler.draft.extraction import Sample, judge, learn_extraction
from caucasus_crawler.draft.output import Draft, shorten
from caucasus_crawler.draft.site import (
    MIN_SHAPE_URLS,
    DraftError,
    host_of,
    language_code,
    links_of,
    next_page,
    site_title,
)
from caucasus_crawler.profiles import Profile, ProfileError, profile_from_dict
from caucasus_crawler.url_shapes import (
    NOT_ARTICLE_SEGMENTS,
    listing_patterns_for,
    patterns_for,
    shape_of,
)


def _accepted(patch: dict) -> str | None:
    """Why the profile loader refuses these fields (None: it takes them). Asked of the loader
    itself, so that the draft follows whatever countries and languages it accepts."""
    base = {"name": "draft", "country": "regional", "languages": ["en"], "home": "https://x.org/"}
    try:
        profile_from_dict({**base, **patch})
    except ProfileError as exc:
        return str(exc).split(": ", 1)[-1]
    return None


def check_name(name: str) -> None:
    """DraftError unless the profile loader takes `name` (asked before anything is fetched)."""
    problem = _accepted({"name": name})
    if problem:
        raise DraftError(f"--name {name}: {problem}")


def outlet_name(url: str) -> str:
    """`civil_ge` for civil.ge: the host in lower-case letters, digits and _."""
    name = re.sub(r"[^a-z0-9]+", "_", host_of(url)).strip("_")
    return name if re.match(r"^[a-z]", name) else f"outlet_{name}"


# Country-code domains used worldwide, which say nothing of an outlet's country.
_VANITY_TLDS = frozenset({"io", "tv", "me", "co", "ai", "fm", "ly", "cc", "ws", "gg", "to", "nu"})


def country_guess(url: str) -> tuple[str, str]:
    """(country, why): a country-code domain's country (.ge -> GE; .uk -> GB), else regional."""
    tld = host_of(url).rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isalpha():
        return "regional", f"no country-code domain (.{tld})"
    if tld in _VANITY_TLDS or tld == "eu":
        return "regional", f".{tld} is used by sites of any country"
    code = "GB" if tld == "uk" else tld.upper()
    problem = _accepted({"country": code})
    if problem:
        return "regional", f".{tld}: {problem}"
    return code, f"guessed from the .{tld} domain"


def learn(ev: Evidence, name: str | None = None) -> Draft:
    """The profile that the evidence supports (see the module docstring)."""
    draft = Draft(url=ev.url, requests=len(ev.fetched))
    home = ev.home_url
    name = name or outlet_name(home)
    check_name(name)
    draft.set("name", name, "--name" if name != outlet_name(home) else f"from {host_of(home)}")
    title, source = site_title(ev.home_page)
    if title:
        draft.set("title", title, source)
    else:
        draft.missing("title", "no og:site_name and no <title> on the home page")
    country, why = country_guess(home)
    draft.set("country", country, why)

    languages, editions, language_note = _languages(ev)
    provisional = Profile(
        name=name,
        title=title or name,
        country="regional",
        languages=tuple(languages) or ("en",),
        home=home,
        domains=tuple(ev.hosts),
        editions=editions,
    )
    samples = [s for a in ev.samples if (s := judge(a, provisional)) is not None]
    articles = [s for s in samples if s.article is not None]
    for sample in articles:  # what extraction read on the articles counts too
        code = language_code(sample.article.language)
        if code and code not in languages and _accepted({"languages": [code]}) is None:
            languages.append(code)
            language_note += f"; {code}: an article's language"
    if not languages:
        languages = ["en"]
        language_note = "no language declared anywhere: en assumed, correct it"
    draft.set("languages", languages, language_note)
    draft.set("home", home, "the page given" if home == ev.url else f"where {ev.url} led")
    editions = {k: v for k, v in editions.items() if k in languages}
    domains = _domains([home, *editions.values()])
    if len(domains) > 1:
        draft.set("domains", domains, "the hosts of the home page and of its editions")
    if len(editions) > 1:
        draft.set("editions", editions, "where each language's home page is")
    elif editions:
        draft.set("editions", editions, "the home page's language")

    _learn_start(draft, ev)
    article_patterns = _learn_article_urls(draft, ev, samples)
    _learn_listings(draft, ev, article_patterns)
    profile = replace(provisional, languages=tuple(languages))
    learn_extraction(draft, articles, profile, article_patterns)
    problem = _accepted({k: v for k, v in draft.data().items() if k != "name"})
    if problem:  # a bug here, never the site's: the draft must load
        raise RuntimeError(f"the drafted profile does not load: {problem}")
    return draft


def _languages(ev: Evidence) -> tuple[list[str], dict[str, str], str]:
    """The languages the home pages declare (hreflang, <html lang>), the URL prefix of each
    language's edition, and a note saying where they were read."""
    home_language = language_code(ev.home_page.html_lang)
    found = Counter(code for code in ev.hreflang)
    switched: dict[str, str] = {}  # language -> an edition found by its switcher link
    for url, page in ev.edition_pages.items():
        if code := language_code(page.html_lang):
            found[code] += 1
            if url not in ev.hreflang.values() and code != home_language:
                switched.setdefault(code, url)
    if home_language:
        found[home_language] += 1
    ordered = sorted(found, key=lambda c: (c != home_language, -found[c], c))
    languages = [c for c in ordered if _accepted({"languages": [c]}) is None]
    editions: dict[str, str] = {}
    for code, url in [*ev.hreflang.items(), *switched.items()]:
        if code in languages and ev.owns(url):
            editions.setdefault(code, _prefix(url))
    if home_language and home_language not in editions:
        editions[home_language] = _prefix(ev.home_url)
    sources = []
    if ev.hreflang:
        sources.append("hreflang alternates of the home page")
    if switched:
        sources.append("<html lang> of the pages its language links lead to")
    if home_language:
        sources.append(f'<html lang="{ev.home_page.html_lang}"> of the home page')
    refused = sorted(set(found) - set(languages))
    if refused:
        sources.append(f"{', '.join(refused)} not accepted by the profile loader")
    return languages, editions, "; ".join(sources)


def _domains(urls: Iterable[str]) -> list[str]:
    """The hosts of the URLs, without those another one covers (`trend.az` covers
    `az.trend.az`)."""
    hosts = list(dict.fromkeys(host_of(u) for u in urls))
    return [h for h in hosts if not any(h.endswith("." + other) for other in hosts)]


def _prefix(url: str) -> str:
    """An edition's URL prefix: `https://agenda.ge/en/` for the page `https://agenda.ge/en`."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _learn_start(draft: Draft, ev: Evidence) -> None:
    feeds = [f for f in ev.announced if f in ev.feeds]
    if feeds:
        entries = sum(len(ev.feeds[f]) for f in feeds)
        draft.set(
            "start.feeds",
            feeds,
            f"announced by the home page{'s' if ev.edition_pages else ''} "
            f"(<link rel=alternate>); {entries} entries read",
            found=f"{len(feeds)} feed(s), {entries} entries: {shorten(feeds)}",
        )
    else:
        broken = [f for f in ev.announced if f not in ev.feeds]
        why = f"{len(broken)} announced, none usable" if broken else "none announced"
        draft.missing("start.feeds", why)
    read = f"{len(ev.sitemaps)} sitemap(s) read, {sum(map(len, ev.sitemaps.values()))} URLs"
    if ev.guessed_sitemaps:
        draft.set(
            "start.sitemaps",
            ev.guessed_sitemaps,
            "robots.txt names none; found at the usual address",
            found=f"{shorten(ev.guessed_sitemaps)} ({read})",
        )
    elif ev.robots_sitemaps:
        draft.report.append(
            (
                "start.sitemaps",
                f"none needed: robots.txt names {shorten(ev.robots_sitemaps)}, which crawls "
                f"read anyway ({read})",
            )
        )
    else:
        draft.missing("start.sitemaps", "robots.txt names none, none at the usual addresses")


def _learn_article_urls(draft: Draft, ev: Evidence, samples: list[Sample]) -> list[str]:
    """urls.article: patterns of the shapes whose fetched pages held articles."""
    verdicts: dict[str, list[int]] = {}
    for sample in samples:
        verdicts.setdefault(shape_of(sample.url), [0, 0])[sample.article is None] += 1
    shapes = {shape for shape, (yes, no) in verdicts.items() if yes and yes >= no}
    urls = [u for u in ev.candidates if shape_of(u) in shapes]
    urls += [s.url for s in samples if s.article is not None and s.url not in ev.candidates]
    links = {link for page in ev.html_pages() for link in links_of(page, ev.owns)}
    not_articles = {ev.home_url, *ev.edition_pages, *ev.listings}
    not_articles |= {s.url for s in samples if s.article is None}
    held = sum(1 for s in samples if s.article is not None)
    patterns = []
    for pattern in patterns_for(urls, min_urls=MIN_SHAPE_URLS):
        wrong = sorted(u for u in not_articles if re.search(pattern, u))
        right = sum(1 for s in samples if s.article is not None and re.search(pattern, s.url))
        if len(wrong) < right:  # a page or two of the shape are not articles: named, kept off
            patterns.append(_guarded(pattern, links, wrong))
    if not patterns:
        why = f"{held} of {len(samples)} fetched candidates held articles"
        draft.missing("urls.article", f"no URL shape shared by two article pages ({why})")
        return []
    matched = [u for u in urls if any(re.search(p, u) for p in patterns)]
    sources = Counter(ev.candidates.get(u, "link") for u in matched)
    names = [
        {"feed": "the feeds", "sitemap": "the sitemaps", "link": "the section pages"}[k]
        for k in ("feed", "sitemap", "link")
        if sources[k]
    ]
    named = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    draft.set(
        "urls.article",
        patterns,
        f"learned from {len(matched)} URLs of {named}; {held} of {len(samples)} fetched held "
        "articles",
    )
    return patterns


def _guarded(pattern: str, links: Iterable[str], pages: Sequence[str] = ()) -> str:
    """The pattern, kept off the tag, author or category pages that share an article's shape
    on this site (`/tag/some-long-name` beside `/dunya/a-headline-slug`), and off the `pages`
    of its shape that turned out not to be articles (`/become-a-member/`)."""
    regex = re.compile(pattern)
    words = sorted(
        {
            segment
            for link in links
            if regex.search(link)
            for segment in urlsplit(link).path.lower().split("/")
            if segment in NOT_ARTICLE_SEGMENTS
        }
    )
    paths = sorted({urlsplit(u).path.strip("/") for u in pages} - {""})
    guards = []
    if words:
        guards.append(f"(?!(?:[^?#]*/)?(?:{'|'.join(map(re.escape, words))})/)")
    if paths:
        guards.append(f"(?!(?:{'|'.join(map(re.escape, paths))})/?$)")
    at = pattern.index("/", pattern.index("://") + 3) + 1
    return pattern[:at] + "".join(guards) + pattern[at:]


def _learn_listings(draft: Draft, ev: Evidence, article_patterns: list[str]) -> None:
    """start.listings, urls.listing and urls.next_page from the section pages fetched."""

    def is_article(url: str) -> bool:
        return any(re.search(p, url) for p in article_patterns)

    pages = ev.html_pages()
    seen = Counter(u for page in pages for u in set(links_of(page, ev.owns)) if is_article(u))
    # article links on two thirds of all pages are a widget's ("Most read"), not a listing's
    widgets = {u for u, n in seen.items() if len(pages) >= 3 and n >= 2 * len(pages) / 3}
    candidates = {**{u: p for u, p in ev.edition_pages.items()}, **ev.listings}
    listings: list[str] = []
    paging: list[str] = []
    selectors: list[str] = []
    for url, page in candidates.items():
        articles = {u for u in links_of(page, ev.owns) if is_article(u)}
        next_url, selector = next_page(page, ev.owns)
        # its own articles, or a next page: a page of the sidebar's latest is a listing too
        if not article_patterns or len(articles) < 2 or not (articles - widgets or next_url):
            continue
        listings.append(url)
        if next_url:
            paging.append(next_url)
        if selector:
            selectors.append(selector)
    if not listings:
        why = (
            "no article patterns to judge them by" if not article_patterns else "none list articles"
        )
        draft.missing("start.listings", f"{len(candidates)} section page(s) fetched, {why}")
        return
    draft.set(
        "start.listings",
        listings,
        f"section pages linked from the home page{'s' if ev.edition_pages else ''}, "
        "each listing articles",
        found=f"{len(listings)} of {len(candidates)} fetched list articles: {shorten(listings)}",
    )
    draft.set(
        "urls.listing",
        listing_patterns_for([ev.home_url, *listings, *paging]),
        "the home page, the section pages above"
        + (" and their pagination" if paging else "")
        + "; sections at one depth share a pattern",
    )
    if selectors:
        selector, count = Counter(selectors).most_common(1)[0]
        draft.set(
            "urls.next_page",
            selector,
            f"the next-page link of {count} section page(s), which the usual links miss",
        )
