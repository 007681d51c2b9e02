"""A stand-in for the Wayback Machine on 127.0.0.1: its CDX index and `id_` replays of the
bundled mirror's pages, so that `crawl --wayback` is tested (and shown) offline.

    with MirrorServer() as mirror, WaybackServer(mirror) as wayback:
        crawl civil_ge --wayback --set WAYBACK_ENDPOINT=http://{wayback.address} ...

What it serves, as web.archive.org does (github.com/internetarchive/wayback, its CDX server's
README):

* `/cdx/search/cdx?url=HOST/&matchType=prefix&output=json&fl=...`: a JSON array, the field
  names first, then a row per capture sorted by SURT key and time, honouring `filter`
  (`[!]field:regex`), `collapse=urlkey`, `from`/`to` (partial timestamps), `limit`, and
  with `showResumeKey=true` an empty row and the key to pass as `resumeKey` for the rest.
* `/web/<timestamp>id_/<original>`: the page's bytes as captured, with its own content type.

The captures: every article of the mirror's sites, captured two days after it was published
and again a year later (collapse keeps the first); every third one recorded as the Wayback
Machine often does, `http://host:80/...`; and pages that are no articles: the home page, its
robots.txt (text/plain) and a page captured while it answered 404. `too_many_once` answers
the first replay 429 with a Retry-After; with `hold_after` N, replays after the first N
answered wait until `release()` (a backfill caught midway, to be killed). `requests` lists
what was asked, in order; `served` counts the captures replayed.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, unquote, urlsplit

from caucasus_crawler.mirror.server import LoopbackHTTPServer, MirrorServer

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_REPLAY = re.compile(r"^/web/(\d{1,14})id_/(.+)$")


@dataclass(frozen=True)
class Capture:
    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: str

    def row(self, fields: list[str]) -> list[str]:
        return [getattr(self, name) for name in fields]


def surt(url: str) -> str:
    """The SURT key the index sorts by: host reversed with commas, `www.` and port dropped,
    then the path and query, lower case (`ge,civil)/archives/626112`)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/")
    return (key + (f"?{parts.query}" if parts.query else "")).lower()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


class WaybackServer:
    """The CDX index and replays of a running MirrorServer's pages, in a daemon thread."""

    def __init__(
        self,
        mirror: MirrorServer,
        hosts: tuple[str, ...] | None = None,
        too_many_once: bool = True,
        hold_after: int | None = None,
    ):
        self.mirror = mirror
        self.too_many_left = 1 if too_many_once else 0
        self.hold_after = hold_after
        self.released = threading.Event()
        self.served = 0
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self.captures = sorted(
            (c for host in hosts or mirror.hosts for c in self._captures_of(host)),
            key=lambda c: (c.urlkey, c.timestamp),
        )

    def _captures_of(self, host: str) -> list[Capture]:
        captures = []
        for number, url in enumerate(self.mirror.article_urls(host)):
            published = self.mirror.published(url)
            if published is None:
                continue
            shown = url.replace("https://", "http://", 1).replace(host, f"{host}:80", 1)
            original = shown if number % 3 == 2 else url
            for later in (timedelta(days=2), timedelta(days=400)):
                captures.append(self._capture(original, published + later))
        first = datetime(2024, 1, 2, tzinfo=UTC)
        for path in ("/", "/robots.txt"):
            captures.append(self._capture(f"https://{host}{path}", first))
        gone = self._capture(f"https://{host}/no-such-page-2023", first)
        captures.append(Capture(**{**gone.__dict__, "statuscode": "404", "mimetype": "text/html"}))
        return captures

    def _capture(self, original: str, moment: datetime) -> Capture:
        resource = self._resource(original)
        mimetype = resource.content_type.split(";")[0].strip() if resource else "text/html"
        status = str(resource.status) if resource else "404"
        size = str(len(resource.body)) if resource else "0"
        digest = f"{abs(hash((original, moment))) % 10**12:032d}"
        return Capture(surt(original), timestamp(moment), original, mimetype, status, digest, size)

    def _resource(self, original: str):
        parts = urlsplit(original)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        resource, _ = self.mirror.resolve(parts.hostname or "", target)
        return resource

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> WaybackServer:
        if self._httpd is None:
            self._httpd = _Server(("127.0.0.1", 0), _Handler)
            self._httpd.wayback = self  # type: ignore[attr-defined]
            threading.Thread(target=self._httpd.serve_forever, name="wayback", daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> WaybackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def endpoint(self) -> str:
        """The value of the WAYBACK_ENDPOINT setting that points a crawl here."""
        return f"http://{self.address}"

    def index_requests(self) -> list[dict[str, str]]:
        """The CDX queries asked so far, as {parameter: value}."""
        with self._lock:
            asked = list(self.requests)
        return [
            {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            for url in asked
            if url.startswith("/cdx/")
        ]

    def replays(self) -> list[str]:
        """The original URLs whose captures were replayed (a 429 included), in order."""
        with self._lock:
            asked = list(self.requests)
        return [m.group(2) for url in asked if (m := _REPLAY.match(url))]

    # -- answers -------------------------------------------------------------------------------
    def index(self, query: dict[str, str]) -> tuple[int, bytes]:
        url = query.get("url", "")
        if not url:
            return 400, b"url is required"
        key = surt(url if "://" in url else f"http://{url}")
        if query.get("matchType", "exact") == "prefix":
            rows = [c for c in self.captures if c.urlkey.startswith(key)]
        else:
            rows = [c for c in self.captures if c.urlkey == key]
        for spec in [v for k, v in query.items() if k == "filter"]:
            negate, (name, _, pattern) = spec.startswith("!"), spec.lstrip("!").partition(":")
            rows = [c for c in rows if bool(re.fullmatch(pattern, getattr(c, name))) != negate]
        low, high = query.get("from", ""), query.get("to", "")
        rows = [c for c in rows if c.timestamp >= low.ljust(14, "0")]
        rows = [c for c in rows if not high or c.timestamp <= high.ljust(14, "9")]
        if query.get("collapse") == "urlkey":
            rows = [c for n, c in enumerate(rows) if n == 0 or rows[n - 1].urlkey != c.urlkey]
        resume = query.get("resumeKey")
        if resume:
            after = unquote(resume).rstrip("!").split(" ")
            rows = [c for c in rows if (c.urlkey, c.timestamp) > (after[0], after[1])]
        limit = int(query.get("limit") or 0) or len(rows)
        page, rest = rows[:limit], rows[limit:]
        fields = (query.get("fl") or ",".join(FIELDS)).split(",")
        answer: list[list[str]] = [fields, *(c.row(fields) for c in page)]
        if rest and query.get("showResumeKey") == "true":
            last = page[-1]
            answer += [[], [quote(f"{last.urlkey} {last.timestamp}!", safe="")]]
        return 200, json.dumps(answer).encode()

    def replay(self, moment: str, original: str) -> tuple[int, str, bytes, dict]:
        with self._lock:
            refuse = self.too_many_left > 0
            self.too_many_left -= refuse
        if refuse:
            return 429, "text/plain", b"Too Many Requests", {"Retry-After": "1"}
        known = any(c.original == original and c.timestamp == moment for c in self.captures)
        resource = self._resource(original) if known else None
        if resource is None or resource.status != 200:
            return 404, "text/html", b"<html><body>Not in the archive</body></html>", {}
        with self._lock:
            held = self.hold_after is not None and self.served >= self.hold_after
            self.served += not held
        if held:
            self.released.wait()
            return 503, "text/plain", b"Released", {}
        return 200, resource.content_type, resource.body, {}

    def release(self) -> None:
        """Answer the replays held back (503) and every next one."""
        self.hold_after = None
        self.released.set()


class _Server(LoopbackHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Quiet when a client goes away mid-answer (a backfill killed while held)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        wayback: WaybackServer = self.server.wayback  # type: ignore[attr-defined]
        with wayback._lock:
            wayback.requests.append(self.path)
        parts = urlsplit(self.path)
        headers: dict[str, str] = {}
        if parts.path == "/cdx/search/cdx":
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, body = wayback.index(query)
            content_type = "application/json" if status == 200 else "text/plain"
        elif match := _REPLAY.match(self.path):
            status, content_type, body, headers = wayback.replay(match.group(1), match.group(2))
        else:
            status, content_type, body = 404, "text/plain", b"not found"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
