"""A hostile web server on 127.0.0.1, for fault-injection tests: one fake outlet whose pages
fail in every way a real site can (or a malicious one would).

The crawler reaches it as it reaches the mirror: `caucasus-crawler crawl hostile --mirror
127.0.0.1:PORT` sends every URL (https://hostile.example/a/stall) to this server with the real
host in the ``Host`` header, and the server answers by path alone. `HOSTILE_PROFILE` is the
outlet's profile: its feeds, sitemaps and its listing `/news/` lead to every fault below.

Redirects point at private, loopback and link-local addresses (169.254.169.254, 10.0.0.1,
localhost); nothing ever connects there: under replay the request would come back here, with
that address in the Host header, and the crawler must refuse it before that (`hosts_seen`
lets a test check). Every slow answer is bounded: a stalled response gives up after
`stall_seconds` or as soon as the server stops.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import formatdate
from functools import cached_property
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from caucasus_crawler.mirror.server import LoopbackHTTPServer

HOST = "hostile.example"
ORIGIN = f"https://{HOST}"
HTML = "text/html; charset=utf-8"
MB = 1024 * 1024

HOSTILE_PROFILE = f"""\
# A fake outlet whose every page is a fault (caucasus_crawler/mirror/hostile.py).
name = "hostile"
title = "Hostile Example"
country = "regional"
languages = ["en", "ka", "ru"]
home = "{ORIGIN}/"

[start]
feeds = ["{ORIGIN}/feed", "{ORIGIN}/feed-entity-bomb", "{ORIGIN}/feed-malformed",
         "{ORIGIN}/feed-empty"]
sitemaps = ["{ORIGIN}/sitemap.xml", "{ORIGIN}/sitemap-entity-bomb.xml",
            "{ORIGIN}/sitemap-gzip-bomb.xml.gz"]
listings = ["{ORIGIN}/news/"]
robots_sitemaps = false

[urls]
article = ['^https://hostile\\.example/a/']
listing = ['^https://hostile\\.example/news/']
"""

# A second outlet on the same server: one sitemap of 50,000 article URLs.
BIG_SITEMAP_PROFILE = f"""\
name = "hostile_sitemap"
title = "Hostile Sitemap"
country = "regional"
languages = ["en"]
home = "{ORIGIN}/"

[start]
sitemaps = ["{ORIGIN}/sitemap-50k.xml"]
robots_sitemaps = false

[urls]
article = ['^https://hostile\\.example/a/many/\\d+$']
"""

# A third outlet on the same server: crawler traps (caucasus_crawler/bounds.py). Its home
# links a listing of 2,000 spellings of one article that differ only in `?sort=N`, and a
# listing of 300,000 article links (13 MB).
TRAP_PROFILE = f"""\
name = "hostile_traps"
title = "Hostile Traps"
country = "regional"
languages = ["en"]
home = "{ORIGIN}/traps/"

[start]
listings = ["{ORIGIN}/traps/variants", "{ORIGIN}/traps/huge"]
robots_sitemaps = false

[urls]
article = ['^https://hostile\\.example/t/']
listing = ['^https://hostile\\.example/traps/']
"""
TRAP_VARIANTS = 2_000
TRAP_LINKS = 300_000

_EN = (
    "The regional council met on Thursday to discuss the new water supply project for the "
    "villages along the river, and agreed to put the plan to a public hearing next month."
)
_KA = (
    "საკრებულომ ხუთშაბათს განიხილა სოფლების წყალმომარაგების ახალი პროექტი და "
    "გადაწყვიტა, რომ გეგმა მომავალ თვეში საჯარო განხილვაზე გაიტანოს."
)
_RU = (
    "Региональный совет в четверг обсудил новый проект водоснабжения сёл вдоль реки и "
    "решил вынести план на общественные слушания в следующем месяце."
)
TITLES = {
    "en": "Council Debates Water Supply Plan",
    "ka": "საკრებულომ წყალმომარაგების გეგმა განიხილა",
    "ru": "Совет обсудил план водоснабжения",
}
_TEXTS = {"en": _EN, "ka": _KA, "ru": _RU}


def article_html(
    title: str,
    language: str = "en",
    charset: str | None = "utf-8",
    paragraphs: int = 4,
    marker: str = "",
) -> str:
    """A small news article with the usual signals (og:type, article:published_time);
    `marker` ends the body, so that pages are not duplicates of each other."""
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{_TEXTS[language]}</p>" for _ in range(paragraphs))
    body += f"<p>{marker}</p>" if marker else ""
    return (
        f'<!DOCTYPE html><html lang="{language}"><head>{meta}<title>{title}</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-10-01T09:00:00+04:00">'
        f'</head><body><article><h1>{title}</h1><div class="entry-content">{body}</div>'
        "</article></body></html>"
    )


def _billion_laughs(root: str, inner: str) -> bytes:
    """An XML document whose internal DTD expands `&lol9;` to 10^9 "lol"s (3 GB)."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + "\n]>\n" + inner
    ).encode()


@dataclass(frozen=True)
class Fault:
    path: str
    what: str


# Every page of the fake outlet, with what it does; the listing /news/ links each /a/ page.
FAULTS = [
    Fault("/a/ok", "a plain article (the control)"),
    Fault("/a/server-error", "HTTP 500 every time, with an article-looking body"),
    Fault("/a/gone", "HTTP 404 with an article-looking body"),
    Fault("/a/retry-after", "HTTP 503 with Retry-After: 1, then the article"),
    Fault("/a/retry-after-date", "HTTP 429 with Retry-After as an HTTP date, then the article"),
    Fault("/a/retry-after-huge", "HTTP 503 with Retry-After: 86400 every time"),
    Fault("/a/overloaded", "HTTP 429 every time, no Retry-After"),
    Fault("/a/slow", "the article, sent in pieces over about a second"),
    Fault("/a/stall", "headers and a few bytes, then nothing"),
    Fault("/a/reset", "the connection reset (TCP RST) before any answer"),
    Fault("/a/truncated", "Content-Length 20,000, 2,000 bytes sent, connection closed"),
    Fault("/a/loop", "302 to /a/loop-back, which redirects back here"),
    Fault("/a/redirect-forever", "302 to ?n=N+1, without end"),
    Fault("/a/elsewhere", "301 to another site, https://other.example/a/moved"),
    Fault("/a/metadata", "302 to http://169.254.169.254/latest/meta-data/ (cloud metadata)"),
    Fault("/a/private", "302 to http://10.0.0.1/ (a private address)"),
    Fault("/a/localhost", "302 to http://localhost/"),
    Fault("/a/loopback", "302 to http://127.0.0.1/admin"),
    Fault("/a/ipv6-loopback", "302 to http://[::1]/"),
    Fault("/a/decimal-ip", "302 to http://2130706433/ (127.0.0.1 written as one number)"),
    Fault("/a/ru-wrong-charset", "Russian in windows-1251, declared UTF-8 (header and meta)"),
    Fault("/a/ru-no-charset", "Russian in windows-1251, no charset anywhere"),
    Fault("/a/ka-no-charset", "Georgian in UTF-8, no charset anywhere"),
    Fault("/a/ka-declared-latin1", "Georgian in UTF-8, declared ISO-8859-1"),
    Fault("/a/empty", "200 with an empty body"),
    Fault("/a/binary", "64 KB of random bytes served as text/html"),
    Fault("/a/huge", "a 50 MB page, chunked, no Content-Length"),
    Fault("/a/huge-declared", "a 50 MB page announced by Content-Length"),
    Fault("/a/gzip-bomb", "Content-Encoding: gzip, 1 MB that expands to 1 GB"),
    Fault("/a/nested", "an article inside 100,000 nested <div>s"),
    Fault("/a/control-chars", "terminal escapes in the title, &#8; and &#1; in the body"),
    Fault("/a/huge-fields", "a 1 MB title, 20,000 tags and sections, a javascript: image"),
    Fault("/feed", "a good RSS feed (leads to /a/from-feed)"),
    Fault("/feed-entity-bomb", "an RSS feed that is a billion-laughs XML entity bomb"),
    Fault("/feed-malformed", "a feed cut off in the middle, then garbage"),
    Fault("/feed-empty", "an empty body served as application/rss+xml"),
    Fault("/sitemap.xml", "a good sitemap (leads to /a/from-sitemap)"),
    Fault("/sitemap-entity-bomb.xml", "a sitemap that is a billion-laughs XML entity bomb"),
    Fault("/sitemap-gzip-bomb.xml.gz", "a gzipped sitemap of 1 MB that expands to 1 GB"),
    Fault("/sitemap-50k.xml", "a sitemap of 50,000 article URLs (/a/many/N), streamed"),
]
ARTICLE_FAULTS = [f.path for f in FAULTS if f.path.startswith("/a/")]


@dataclass(frozen=True)
class Hit:
    at: float  # time.monotonic()
    host: str  # the Host header, as sent
    path: str  # the request target


class HostileServer:
    """The fake outlet over HTTP on 127.0.0.1, in daemon threads.

    >>> with HostileServer() as server:          # doctest: +SKIP
    ...     run("caucasus-crawler", "--profiles", d, "crawl", "hostile", "--mirror", server.address)
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        retry_after: int = 1,
        stall_seconds: float = 30.0,
        huge_bytes: int = 50 * MB,
        bomb_bytes: int = 1024 * MB,
        sitemap_urls: int = 50_000,
    ):
        self.host = host
        self._requested_port = port
        self.retry_after = retry_after
        self.stall_seconds = stall_seconds
        self.huge_bytes = huge_bytes
        self.bomb_bytes = bomb_bytes
        self.sitemap_urls = sitemap_urls
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> HostileServer:
        if self._httpd is None:
            httpd = _Server((self.host, self._requested_port), _Handler)
            httpd.hostile = self  # type: ignore[attr-defined]
            self._httpd = httpd
            self._thread = threading.Thread(target=httpd.serve_forever, name="hostile", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()  # stalled answers give up now
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        """'127.0.0.1:PORT', the crawler's MIRROR_ADDRESS."""
        if self._httpd is None:
            raise RuntimeError("the hostile server is not started: call start() first")
        return f"{self.host}:{self._httpd.server_address[1]}"

    # -- what the crawler asked ----------------------------------------------------------------
    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests received (for `path` only, query string ignored, when given)."""
        with self._lock:
            hits = list(self._hits)
        return [h for h in hits if path is None or h.path.split("?", 1)[0] == path]

    def hosts_seen(self) -> set[str]:
        """Every Host header received: the hosts the crawler asked for."""
        return {h.host.rsplit(":", 1)[0] if h.host.count(":") == 1 else h.host for h in self.hits()}

    def reset(self) -> None:
        """Forget the requests and the per-page counters (a new crawl starts afresh)."""
        with self._lock:
            self._hits.clear()
            self._counts.clear()

    def _record(self, host: str, path: str) -> int:
        """Log a request; the number of earlier requests for the same path."""
        key = path.split("?", 1)[0]
        with self._lock:
            self._hits.append(Hit(time.monotonic(), host, path))
            count = self._counts.get(key, 0)
            self._counts[key] = count + 1
        return count

    # -- generated content ---------------------------------------------------------------------
    @cached_property
    def gzip_member(self) -> bytes:
        """16 MB of zeros, gzipped (16 KB). Members concatenate: N of them expand to N*16 MB."""
        return gzip.compress(bytes(16 * MB), compresslevel=9, mtime=0)

    def gzip_bomb(self) -> bytes:
        return self.gzip_member * max(1, self.bomb_bytes // (16 * MB))

    def big_sitemap(self) -> Iterator[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
        yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        batch = []
        for number in range(1, self.sitemap_urls + 1):
            batch.append(
                f"<url><loc>{ORIGIN}/a/many/{number}</loc>"
                f"<lastmod>2026-10-01T09:00:00+04:00</lastmod></url>\n"
            )
            if len(batch) == 1000:
                yield "".join(batch).encode()
                batch = []
        yield ("".join(batch) + "</urlset>\n").encode()

    def listing(self) -> str:
        links = "".join(f'<li><a href="{ORIGIN}{path}">{path}</a></li>' for path in ARTICLE_FAULTS)
        return (
            "<!DOCTYPE html><html><head><title>News - Hostile Example</title></head><body>"
            f"<h1>News</h1><ul>{links}</ul></body></html>"
        )


def _feed(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>{TITLES['en']}</title><link>{ORIGIN}{path}</link>"
        "<pubDate>Thu, 01 Oct 2026 05:00:00 GMT</pubDate></item>"
        for path in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Hostile Example</title><link>{ORIGIN}/</link>{entries}</channel></rss>"
    ).encode()


def _sitemap(paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{ORIGIN}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


class _Server(LoopbackHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a crawler hanging up on a hostile page is expected."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    @property
    def hostile(self) -> HostileServer:
        return self.server.hostile  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        count = self.hostile._record(self.headers.get("Host", ""), self.path)
        parts = urlsplit(self.path)
        route = _ROUTES.get(parts.path)
        if route is None and parts.path.startswith("/a/many/"):
            route = _Handler.many
        if route is None and parts.path.startswith("/t/"):
            route = _Handler.trap_article
        try:
            if route is None:
                self.send(404, b"<html><body><h1>Not Found</h1></body></html>")
            else:
                route(self, count, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the crawler gave up on us: fine

    # -- building blocks -----------------------------------------------------------------------
    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = HTML,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def article(self, title: str = TITLES["en"], status: int = 200, **headers: str) -> None:
        self.send(status, self.page(title).encode(), headers=headers)

    def page(self, title: str = TITLES["en"], language: str = "en", **options: Any) -> str:
        """The article, marked with its path (every page its own article)."""
        path = urlsplit(self.path).path
        return article_html(title, language, marker=f"Reference {path}.", **options)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    def chunked(self, content_type: str, chunks: Iterator[bytes]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            if self.hostile.stopping.is_set():
                break
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    # -- the pages -----------------------------------------------------------------------------
    def robots(self, count: int, query: dict) -> None:
        self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")

    def news(self, count: int, query: dict) -> None:
        self.send(200, self.hostile.listing().encode())

    def ok(self, count: int, query: dict) -> None:
        self.article()

    def server_error(self, count: int, query: dict) -> None:
        self.article(status=500)

    def gone(self, count: int, query: dict) -> None:
        self.article(status=404)

    def retry_after(self, count: int, query: dict) -> None:
        if count == 0:
            self.send(503, b"busy", "text/plain", {"Retry-After": str(self.hostile.retry_after)})
        else:
            self.article()

    def retry_after_date(self, count: int, query: dict) -> None:
        if count == 0:
            # an HTTP date has whole seconds: one more second keeps the wait at least 1 s
            when = formatdate(time.time() + self.hostile.retry_after + 1, usegmt=True)
            self.send(429, b"slow down", "text/plain", {"Retry-After": when})
        else:
            self.article()

    def retry_after_huge(self, count: int, query: dict) -> None:
        self.send(503, b"come back tomorrow", "text/plain", {"Retry-After": "86400"})

    def overloaded(self, count: int, query: dict) -> None:
        self.send(429, b"too many requests", "text/plain")

    def slow(self, count: int, query: dict) -> None:
        body = self.page().encode()
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        step = len(body) // 8 + 1
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if self.hostile.stopping.wait(0.12):
                return

    def stall(self, count: int, query: dict) -> None:
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", "5000")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><html><head>")
        self.wfile.flush()
        self.hostile.stopping.wait(self.hostile.stall_seconds)
        self.close_connection = True

    def reset(self, count: int, query: dict) -> None:
        # SO_LINGER with a zero timeout: close() sends a TCP RST, not a FIN
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def truncated(self, count: int, query: dict) -> None:
        body = self.page(paragraphs=60).encode()
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", "20000")
        self.end_headers()
        self.wfile.write(body[:2000])
        self.wfile.flush()
        self.close_connection = True

    def loop(self, count: int, query: dict) -> None:
        self.redirect(f"{ORIGIN}/a/loop-back")

    def loop_back(self, count: int, query: dict) -> None:
        self.redirect(f"{ORIGIN}/a/loop")

    def redirect_forever(self, count: int, query: dict) -> None:
        number = int((query.get("n") or ["0"])[0]) + 1
        self.redirect(f"{ORIGIN}/a/redirect-forever?n={number}")

    def elsewhere(self, count: int, query: dict) -> None:
        self.redirect("https://other.example/a/moved", 301)

    def metadata(self, count: int, query: dict) -> None:
        self.redirect("http://169.254.169.254/latest/meta-data/")

    def private(self, count: int, query: dict) -> None:
        self.redirect("http://10.0.0.1/")

    def localhost(self, count: int, query: dict) -> None:
        self.redirect("http://localhost/")

    def loopback(self, count: int, query: dict) -> None:
        self.redirect("http://127.0.0.1/admin")

    def ipv6_loopback(self, count: int, query: dict) -> None:
        self.redirect("http://[::1]/")

    def decimal_ip(self, count: int, query: dict) -> None:
        self.redirect("http://2130706433/")

    def ru_wrong_charset(self, count: int, query: dict) -> None:
        body = self.page(TITLES["ru"], "ru", charset="utf-8").encode("cp1251")
        self.send(200, body, "text/html; charset=utf-8")

    def ru_no_charset(self, count: int, query: dict) -> None:
        self.send(200, self.page(TITLES["ru"], "ru", charset=None).encode("cp1251"), "text/html")

    def ka_no_charset(self, count: int, query: dict) -> None:
        self.send(200, self.page(TITLES["ka"], "ka", charset=None).encode(), "text/html")

    def ka_declared_latin1(self, count: int, query: dict) -> None:
        body = self.page(TITLES["ka"], "ka", charset="iso-8859-1").encode()
        self.send(200, body, "text/html; charset=iso-8859-1")

    def empty(self, count: int, query: dict) -> None:
        self.send(200, b"")

    def binary(self, count: int, query: dict) -> None:
        self.send(200, random.Random(9).randbytes(64 * 1024))

    def huge(self, count: int, query: dict) -> None:
        head = self.page().encode()[: -len(b"</body></html>")]
        filler = b"<p>" + b"All work and no play makes a crawler a dull program. " * 1000 + b"</p>"

        def chunks() -> Iterator[bytes]:
            sent = len(head)
            yield head
            while sent < self.hostile.huge_bytes:
                yield filler
                sent += len(filler)
            yield b"</body></html>"

        self.chunked(HTML, chunks())

    def huge_declared(self, count: int, query: dict) -> None:
        size = self.hostile.huge_bytes
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b" " * 65536
        for _ in range(size // len(block)):  # the crawler hangs up long before the end
            if self.hostile.stopping.is_set():
                break
            self.wfile.write(block)

    def gzip_bomb(self, count: int, query: dict) -> None:
        self.send(200, self.hostile.gzip_bomb(), HTML, {"Content-Encoding": "gzip"})

    def nested(self, count: int, query: dict) -> None:
        depth = 100_000
        page = self.page()
        head, tail = page.split('<div class="entry-content">', 1)
        body = (
            head
            + '<div class="entry-content">'
            + "<div>" * depth
            + tail.split("</div>", 1)[0]
            + "</div>" * depth
            + "</div>"
            + tail.split("</div>", 1)[1]
        )
        self.send(200, body.encode())

    def control_chars(self, count: int, query: dict) -> None:
        # what the title asks of a terminal: a window title, the clipboard (OSC 52), a clear
        # screen; one `&#8;` in a paragraph made trafilatura discard the whole page
        title = f"{TITLES['en']}&#27;]0;pwned&#7;&#27;]52;c;cm0gLXJmIH4=&#7;&#27;[2J"
        marker = f"Reference&#8; {urlsplit(self.path).path}.&#1;"
        self.send(200, article_html(title, marker=marker).encode())

    def huge_fields(self, count: int, query: dict) -> None:
        meta = '<meta property="{}" content="{}">'.format
        head = meta("og:image", "JavaScript:alert(document.cookie)")
        head += meta("og:title", "Huge " * 200_000)  # 1 MB
        head += "".join(meta("article:tag", f"Tag {n}") for n in range(20_000))
        head += "".join(meta("article:section", f"Section {n}") for n in range(20_000))
        self.send(200, self.page().replace("</head>", f"{head}</head>").encode())

    def from_feed(self, count: int, query: dict) -> None:
        self.article("Feed Article")

    def from_sitemap(self, count: int, query: dict) -> None:
        self.article("Sitemap Article")

    def many(self, count: int, query: dict) -> None:
        number = self.path.rsplit("/", 1)[-1]
        self.article(f"Sitemap Article Number {number}")

    def feed(self, count: int, query: dict) -> None:
        self.send(200, _feed(["/a/from-feed"]), "application/rss+xml")

    def feed_entity_bomb(self, count: int, query: dict) -> None:
        inner = (
            '<rss version="2.0"><channel><title>&lol9;</title>'
            f"<item><title>&lol9;</title><link>{ORIGIN}/a/ok</link>"
            "<description>&lol9;</description></item></channel></rss>"
        )
        self.send(200, _billion_laughs("rss", inner), "application/rss+xml")

    def feed_malformed(self, count: int, query: dict) -> None:
        body = _feed(["/a/from-feed"])[:120] + b"\x00\xff<<item><<link>&&&" + bytes(range(32))
        self.send(200, body, "application/rss+xml")

    def feed_empty(self, count: int, query: dict) -> None:
        self.send(200, b"", "application/rss+xml")

    def sitemap(self, count: int, query: dict) -> None:
        self.send(200, _sitemap(["/a/from-sitemap"]), "application/xml")

    def sitemap_entity_bomb(self, count: int, query: dict) -> None:
        inner = (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{ORIGIN}/a/&lol9;</loc></url></urlset>"
        )
        self.send(200, _billion_laughs("urlset", inner), "application/xml")

    def sitemap_gzip_bomb(self, count: int, query: dict) -> None:
        self.send(200, self.hostile.gzip_bomb(), "application/x-gzip")

    def sitemap_50k(self, count: int, query: dict) -> None:
        self.chunked("application/xml", self.hostile.big_sitemap())

    # -- crawler traps (TRAP_PROFILE) ----------------------------------------------------------
    def traps(self, count: int, query: dict) -> None:
        links = (
            f'<a href="{ORIGIN}/traps/variants">Variants</a> <a href="{ORIGIN}/traps/huge">All</a>'
        )
        self.send(200, f"<html><body><h1>Traps</h1>{links}</body></html>".encode())

    def traps_variants(self, count: int, query: dict) -> None:
        links = "".join(
            f'<li><a href="{ORIGIN}/t/story?sort={n}">Story, sorted {n}</a></li>'
            for n in range(TRAP_VARIANTS)
        )
        self.send(200, f"<html><body><h1>Sorted</h1><ul>{links}</ul></body></html>".encode())

    def traps_huge(self, count: int, query: dict) -> None:
        def chunks() -> Iterator[bytes]:
            yield b"<html><body><h1>Everything</h1><ul>"
            for start in range(0, TRAP_LINKS, 1000):
                yield "".join(
                    f'<li><a href="/t/item-{n}">Item {n}</a></li>'  # 12 MB in all
                    for n in range(start, start + 1000)
                ).encode()
            yield b"</ul></body></html>"

        self.chunked(HTML, chunks())

    def trap_article(self, count: int, query: dict) -> None:
        self.article(f"Trap Article {urlsplit(self.path).path}")


_ROUTES: dict[str, Callable[[_Handler, int, dict], None]] = {
    "/robots.txt": _Handler.robots,
    "/": _Handler.news,
    "/news/": _Handler.news,
    "/a/loop-back": _Handler.loop_back,
    "/a/from-feed": _Handler.from_feed,
    "/a/from-sitemap": _Handler.from_sitemap,
    "/traps/": _Handler.traps,
    "/traps/variants": _Handler.traps_variants,
    "/traps/huge": _Handler.traps_huge,
    **{
        fault.path: getattr(
            _Handler,
            fault.path.strip("/").removeprefix("a/").split(".")[0].replace("-", "_"),
        )
        for fault in FAULTS
    },
}
