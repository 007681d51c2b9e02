"""Draft an outlet's profile from its own site: `caucasus-crawler draft URL`.

A profile is a guess about a site. Writing the first guess by hand means reading the site's
markup, feeds and sitemaps; this reads them instead, so that adding an outlet (or fixing one
whose profile drifted, see `health`) starts from evidence rather than from a blank file.

It fetches a bounded handful of pages (a few dozen requests), through Scrapy's own downloader
with the project's settings (robots.txt and the middlewares apply, and `--mirror` replays
exactly as crawls do):

1. the home page: the outlet's name, languages, editions (hreflang, language links), the
   feeds it announces and the section links of its menus;
2. robots.txt, the other editions' home pages, the feeds they announce, the sitemaps
   (robots.txt's, else the usual addresses) and one or two sitemaps of an index;
3. a few section pages;
4. a few articles named by the feeds, sitemaps and section pages, spread over the URL shapes
   found.

Then `learn` makes a profile of what it saw: the URL patterns of the shapes whose pages held
articles (`url_shapes.patterns_for`), the section pages that list them, the element holding
the text extraction finds, the element showing the publication date, the outlet's own lines
inside its bodies. What it could not learn is left out (the generic path then applies), and
each value's comment in the TOML says where it came from.

    site.py        reading pages: links, languages, feeds, sitemaps, menus, pagers
    explore.py     what to fetch, round by round, through Scrapy (DraftSpider): Evidence
    learn.py       name, country, languages, editions, start points, URL patterns
    extraction.py  body and date selectors, boilerplate rules, each checked by extraction
    output.py      the Draft (fields and where they came from) and its TOML
"""

from __future__ import annotations

from caucasus_crawler.draft.explore import Evidence, explore, fetch_evidence
from caucasus_crawler.draft.learn import check_name, learn
from caucasus_crawler.draft.output import Draft
from caucasus_crawler.draft.site import DraftError, Fetched

__all__ = ["Draft", "DraftError", "Evidence", "Fetched", "draft_profile", "explore", "learn"]


def draft_profile(url: str, mirror: str | None = None, name: str | None = None) -> Draft:
    """Draft the profile of the outlet whose home page is `url`, reading it from the mirror
    at `mirror` (HOST:PORT) when given; DraftError says in one line why it cannot be."""
    if name is not None:
        check_name(name)
    return learn(fetch_evidence(url, mirror), name)
