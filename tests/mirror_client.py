"""A small HTTP client for the mirror tests: requests as the crawler's replay sends them
(the real host in the Host header, the real path and query on the mirror's address)."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urljoin, urlsplit

from lxml import html as lxml_html

from caucasus_crawler.mirror import MirrorServer

_REDIRECTS = (301, 302, 307, 308)


class Page:
    def __init__(self, url: str, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def tree(self):
        return lxml_html.fromstring(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def hrefs(self) -> list[str]:
        return [urljoin(self.url, h.strip()) for h in self.tree.xpath("//a/@href")]


def fetch(
    mirror: MirrorServer,
    url: str,
    method: str = "GET",
    host: str | None = None,
    headers: dict[str, str] | None = None,
    follow: bool = False,
) -> Page:
    """One request (`follow`: and the redirects after it, the page's `url` the last one)."""
    for _ in range(6):
        parts = urlsplit(url)
        target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~") + (
            f"?{parts.query}" if parts.query else ""
        )
        connection = http.client.HTTPConnection(mirror.host, mirror.port, timeout=10)
        try:
            connection.request(
                method, target, headers={"Host": host or parts.netloc, **(headers or {})}
            )
            response = connection.getresponse()
            page = Page(url, response.status, response.headers, response.read())
        finally:
            connection.close()
        if not follow or page.status not in _REDIRECTS:
            return page
        url = urljoin(url, page.headers["Location"])
    raise AssertionError(f"too many redirects from {url}")


def follow(mirror: MirrorServer, url: str) -> tuple[str, Page]:
    """The page a URL leads to after its redirects, and its URL."""
    page = fetch(mirror, url, follow=True)
    return page.url, page
