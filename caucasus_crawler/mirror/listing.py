"""Listings the outlets page through: a listing cut into pages with their URLs
(`listing_pages`), and the page links a theme draws under it (`Pager`).

Page sizes are small on purpose (site.toml's `per_page`), so that listings have further
pages and some articles are reachable only through them.

    for page in listing_pages(site, articles, page_urls("/news", "{first}?page={n}")):
        routes.file(page.url, listing_page(page, PAGER.render(page)), "listing", page.articles)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.markup import paginate

UrlOf = Callable[[int], str]  # a page's number (from 1) -> its URL


def page_urls(first: str, further: str) -> UrlOf:
    """The URLs of a listing's pages: `first` for the first, `further` for the others, a
    template of {first}, {n} (the page's number, from 1) and {index} (from 0, as Drupal and
    Pangea count): "{first}?page={n}", "{first}page/{n}/", "{first}?page={index}"."""
    return lambda n: first if n == 1 else further.format(first=first, n=n, index=n - 1)


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: its articles, its number (from 1) of `count`, and the URLs of
    the listing's pages."""

    articles: Sequence[Article]
    number: int
    count: int
    url_of: UrlOf

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def prev_url(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.count else None

    def rel_links(self, end: str = ">") -> str:
        """The head's <link rel="prev"> and <link rel="next"> lines, where there are such
        pages."""
        return "".join(
            f'<link rel="{rel}" href="{url}"{end}\n'
            for rel, url in (("prev", self.prev_url), ("next", self.next_url))
            if url
        )


def listing_pages(site: Site, articles: Sequence[Article], url_of: UrlOf) -> list[ListingPage]:
    """A listing's pages, the site's `per_page` articles each; an empty listing still has
    its first."""
    chunks = paginate(articles, site.setting("per_page"))
    return [ListingPage(chunk, n, len(chunks), url_of) for n, chunk in enumerate(chunks, 1)]


@dataclass(frozen=True)
class Pager:
    """The page links a theme draws under a listing, as templates.

    `link` is another page's link and `current` this page's; without `link` only the current
    page is shown. `prev` and `next` are the arrows, `no_prev` and `no_next` what stands in
    their place on the first and the last page; `wrap` holds it all ({links}). In each: {n}
    and {href}, the number and link of the page it stands for (an arrow: the page it leads
    to); {first} and {last}, the first and last pages' links; {page} and {count}, this page's
    number and how many there are. A listing of one page has no pager: "".
    """

    wrap: str
    current: str
    link: str = ""
    prev: str = ""
    next: str = ""
    no_prev: str = ""
    no_next: str = ""

    def render(self, page: ListingPage, href: UrlOf | None = None) -> str:
        """The pager of `page`; `href` writes the links, where they are not the pages' URLs
        (query-only ``?page=2``)."""
        if page.count < 2:
            return ""
        href = href or page.url_of
        n, count = page.number, page.count

        def draw(template: str, other: int) -> str:
            return template.format(
                n=other, href=href(other), first=href(1), last=href(count), page=n, count=count
            )

        links = [draw(self.prev, n - 1) if n > 1 else self.no_prev]
        for other in range(1, count + 1) if self.link else (n,):
            links.append(draw(self.current if other == n else self.link, other))
        links.append(draw(self.next, n + 1) if n < count else self.no_next)
        return self.wrap.format(links="".join(links), page=n, count=count)
