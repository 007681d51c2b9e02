"""The mirror's HTTP server: the bundled outlets, virtually hosted on 127.0.0.1.

The crawler sends each real URL (https://civil.ge/archives/626112) as a plain HTTP request
to the mirror with the real host in the ``Host`` header; the mirror answers as that site
would. With ``Host: 127.0.0.1`` (a browser) the first path segment names the site instead,
``http://127.0.0.1:8000/civil.ge/archives/626112``, and links in the pages are rewritten to
stay on the mirror.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from caucasus_crawler.mirror.content import (
    HTML,
    SITES_DIR,
    MirrorDataError,
    Resource,
    Routes,
    Site,
    load_sites,
    redirect,
    route_key,
)
from caucasus_crawler.mirror.outlets import build_routes
from caucasus_crawler.mirror.redesign import Redesign, redesign

_LOCAL_HOSTS = {"", "127.0.0.1", "localhost", "::1", "0.0.0.0"}
_TEXTUAL = ("text/", "application/xml", "application/rss+xml", "application/json")
_KEPT_ON_304 = ("ETag", "Last-Modified", "X-Mirror-Source")


@lru_cache(maxsize=4)
def _site_routes(sites_dir: Path) -> dict[str, tuple[Site, Routes]]:
    """Every site and its route table; rendered once per process (the content never changes)."""
    return {site.host: (site, build_routes(site)) for site in load_sites(sites_dir)}


@lru_cache(maxsize=64)
def _redesigned(sites_dir: Path, host: str) -> Redesign:
    """A site redesigned (mirror/redesign.py); made once per process, when first asked for."""
    return redesign(*_site_routes(sites_dir)[host])


def _not_found(what: str) -> Resource:
    body = (
        f"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>"
        f"<h1>Not Found</h1><p>{html.escape(what)} is not in the mirror.</p></body></html>"
    )
    return Resource(body.encode(), HTML, 404, (), "server: no such page")


def _host_of(value: str) -> str:
    """A Host header or URL authority as a site host: no port, lower case, no `www.`."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".").removeprefix("www.")


class MirrorServer:
    """The bundled outlets over HTTP, in a daemon thread.

    >>> with MirrorServer() as mirror:            # doctest: +SKIP
    ...     urlopen(Request(f"http://{mirror.address}/robots.txt", headers={"Host": "civil.ge"}))

    `add_page` and `add_redirect` put extra pages over the bundled ones (a test serving a
    real page at its real URL); `remove_page` makes a bundled URL answer 404 (a deleted
    article). The sites named in `redesigned` (hosts as sites/ names them) are served
    redesigned: other URLs and class names for the same articles (mirror/redesign.py).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        sites_dir: str | Path | None = None,
        redesigned: Iterable[str] = (),
    ):
        self.host = host
        self._requested_port = port
        directory = Path(sites_dir or SITES_DIR).resolve()
        loaded = _site_routes(directory)
        self._site_data = {h: site for h, (site, _) in loaded.items()}
        self._sites = {h: routes for h, (_, routes) in loaded.items()}
        if isinstance(redesigned, str):  # one host, not its letters
            redesigned = (redesigned,)
        self._redesigns: dict[str, Redesign] = {}
        for name in redesigned:
            site = _host_of(name)
            if site not in loaded:
                raise MirrorDataError(f"cannot redesign {name!r}: the mirror has no such site")
            self._redesigns[site] = _redesigned(directory, site)
            self._sites[site] = self._redesigns[site].routes
        self._overlay: dict[tuple[str, str], Resource | None] = {}
        self._served: list[str] = []  # the URLs asked for, in order (see `requests`)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> MirrorServer:
        if self._httpd is not None:
            return self
        httpd = LoopbackHTTPServer((self.host, self._requested_port), _Handler)
        httpd.mirror = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the mirror is not started: call start() first")
        return self._httpd.server_address[1]

    @property
    def address(self) -> str:
        """'127.0.0.1:PORT', the value of the crawler's MIRROR_ADDRESS setting."""
        return f"{self.host}:{self.port}"

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(sorted(self._sites))

    # -- redesigned sites ----------------------------------------------------------------------
    @property
    def redesigned(self) -> tuple[str, ...]:
        """The hosts served redesigned."""
        return tuple(sorted(self._redesigns))

    def redesign_of(self, host: str) -> Redesign:
        """The redesign of a site served redesigned (KeyError for any other)."""
        return self._redesigns[_host_of(host)]

    def redesigned_url(self, url: str) -> str:
        """Where `url` is now: its new URL if its site is redesigned and the URL moved, else
        `url` itself (a page that stayed, a site served as it was)."""
        found = self._redesigns.get(_host_of(urlsplit(url).netloc))
        return (found.new_url(url) if found else None) or url

    def url_map(self, host: str) -> dict[str, str]:
        """Old URL -> new URL of every page, feed, sitemap and redirect of a redesigned site
        that moved (empty for a site served as it was)."""
        found = self._redesigns.get(_host_of(host))
        return found.url_map() if found else {}

    def article_urls(self, host: str) -> list[str]:
        """A site's article URLs as this mirror serves them (new ones when redesigned),
        newest first."""
        host = _host_of(host)
        if host in self._redesigns:
            return list(self._redesigns[host].articles)
        return [a.url for a in self._site_data[host].articles]

    def published(self, url: str) -> datetime | None:
        """When the bundled article at `url` was published (None for any other page)."""
        site = self._site_data.get(_host_of(urlsplit(url).netloc))
        article = site.article(url) if site is not None else None
        return article.published if article is not None else None

    # -- overlay -------------------------------------------------------------------------------
    def _overlay_key(self, url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an absolute http(s) URL")
        return _host_of(parts.netloc), route_key(parts.path or "/", parts.query)

    def add_page(
        self,
        url: str,
        body: str | bytes,
        content_type: str = HTML,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` at `url` (e.g. https://civil.ge/archives/743770), over any bundled page."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        resource = Resource(
            data,
            content_type,
            status,
            tuple((headers or {}).items()),
            "added with MirrorServer.add_page",
        )
        with self._lock:
            self._overlay[self._overlay_key(url)] = resource

    def add_redirect(self, url: str, location: str, status: int = 301) -> None:
        with self._lock:
            self._overlay[self._overlay_key(url)] = redirect(
                location, status, "added with MirrorServer.add_redirect"
            )

    def remove_page(self, url: str) -> None:
        """Make `url` answer 404, as a deleted page does. On a redesigned site the old URL of
        a page names the page too: its new URL answers 404 as well."""
        keys = [self._overlay_key(url)]
        if self.redesigned_url(url) != url:
            keys.append(self._overlay_key(self.redesigned_url(url)))
        with self._lock:
            for key in keys:
                self._overlay[key] = None

    # -- answering -----------------------------------------------------------------------------
    def requests(self) -> list[str]:
        """The URLs asked for so far, in order, as `https://<Host header><path>` (tests
        watch a crawl's progress through it)."""
        with self._lock:
            return list(self._served)

    def resolve(self, host_header: str | None, target: str) -> tuple[Resource, str | None]:
        """The response to a request, and the site prefix when it was browsed by path
        (http://127.0.0.1:PORT/civil.ge/...), whose links must then stay on the mirror."""
        if target.startswith(("http://", "https://")):  # proxy-style absolute request line
            parts = urlsplit(target)
            host_header, target = (
                parts.netloc,
                (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            )
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
        host = _host_of(host_header or "")
        browse = None
        if host in _LOCAL_HOSTS or host == _host_of(self.host):
            segment, _, rest = path.lstrip("/").partition("/")
            host = _host_of(segment)
            if not host:
                return self._index(), ""
            if host not in self._sites:
                return _not_found(f"The site {segment!r}"), None
            browse, path = host, "/" + rest
        return self._lookup(host, path, query), browse

    def _lookup(self, host: str, path: str, query: str) -> Resource:
        key = (host, route_key(path, query))
        with self._lock:
            if key in self._overlay:
                return self._overlay[key] or self._site_not_found(host, path)
        routes = self._sites.get(host)
        if routes is None:
            return _not_found(f"The site {host!r}")
        return routes.resolve(path, query) or self._site_not_found(host, path)

    def _site_not_found(self, host: str, path: str) -> Resource:
        routes = self._sites.get(host)
        if routes is not None and routes.not_found is not None:
            return routes.not_found
        return _not_found(f"https://{host}{path}")

    def _index(self) -> Resource:
        items = "".join(
            f'<li><a href="/{h}/">{h}</a> ({len(self._sites[h])} pages)</li>' for h in self.hosts
        )
        body = (
            f"<!DOCTYPE html><html><head><title>caucasus-crawler mirror</title></head><body>"
            f"<h1>caucasus-crawler mirror</h1><ul>{items}</ul></body></html>"
        )
        return Resource(body.encode(), HTML, 200, (), "server: index of the mirror")

    def rewrite_for_browsing(self, text: str, site: str, local: str) -> str:
        """Links to any mirrored site, and root-relative links, made to stay on the mirror."""
        hosts = "|".join(re.escape(h) for h in self.hosts)
        text = re.sub(
            rf"https?://(?:www\.)?({hosts})(?=[/\"'<\s?#]|$)",
            lambda m: f"http://{local}/{m.group(1)}",
            text,
        )
        return re.sub(r'((?:href|src|action)=["\'])/(?!/)', rf"\1/{site}/", text)


class LoopbackHTTPServer(ThreadingHTTPServer):
    """The threads of the mirror and of the hostile server beside it."""

    # A crawl opens dozens of connections at once; the default backlog of 5 drops some, and
    # the crawler then retries pages that never failed.
    request_queue_size = 128
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "caucasus-crawler-mirror"

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(with_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the mirror prints no line per request."""

    def _respond(self, with_body: bool) -> None:
        mirror: MirrorServer = self.server.mirror  # type: ignore[attr-defined]
        with mirror._lock:
            mirror._served.append(f"https://{self.headers.get('Host') or ''}{self.path}")
        resource, browse = mirror.resolve(self.headers.get("Host"), self.path)
        status, headers, body = resource.status, resource.header_list(), resource.body
        if browse:  # a person browsing by path: keep their links on the mirror
            local = self.headers.get("Host") or mirror.address
            if resource.content_type.startswith(_TEXTUAL):
                body = mirror.rewrite_for_browsing(
                    body.decode("utf-8", "replace"), browse, local
                ).encode("utf-8")
            headers = [
                (k, mirror.rewrite_for_browsing(v, browse, local) if k == "Location" else v)
                for k, v in headers
                if k != "ETag"
            ]
        elif status == 200 and self._not_modified(resource):
            status, body = 304, b""
            headers = [(k, v) for k, v in headers if k in _KEPT_ON_304]
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and status != 304:
            self.wfile.write(body)

    def _not_modified(self, resource: Resource) -> bool:
        """Conditional GET, for incremental crawls: If-None-Match, then If-Modified-Since."""
        tags = self.headers.get("If-None-Match")
        if tags:
            return resource.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since and resource.last_modified is not None:
            try:
                return resource.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False
