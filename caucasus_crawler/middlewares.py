"""Downloader middlewares that keep a crawl safe on hostile sites (enabled in settings.py).

* `PrivateAddressMiddleware`: no request to a private, loopback or link-local address (a
  redirect to http://169.254.169.254/ would otherwise fetch a cloud's credentials into a
  public archive). IP literals in every form (IPv4 inside IPv6 too) and `localhost` names are
  refused by their spelling, before any connection. Host names are judged where the
  connection resolves them, every time: `address_guard.PublicAddressResolver` gives the
  connection only the public addresses of a name (a name that answered a public address to
  a check and 127.0.0.1 to the connection would otherwise reach loopback). The replay of the
  mirror connects to MIRROR_ADDRESS, not to the URL's host, so URL hosts are checked by their
  spelling there. `ALLOW_PRIVATE_ADDRESSES = True` turns both checks off.
* `BackoffRetryMiddleware`: Scrapy's retries, after a wait: the server's `Retry-After`
  (seconds or an HTTP date, capped by RETRY_AFTER_MAX), else an exponential back-off
  (RETRY_BACKOFF_BASE doubled per retry, capped by RETRY_BACKOFF_MAX).
* `LoopAwareRedirectMiddleware`: a redirect loop ends at once with a reason naming the loop
  (Scrapy's dupefilter would drop it silently, leaving no trace of the URL).
* `XmlEntityMiddleware`: an XML document that declares entities (a "billion laughs" bomb
  in a feed or sitemap) is refused before any parser sees it.
* `CharsetMiddleware`: an HTML page decoded with the wrong charset is decoded again (valid
  UTF-8 declared as a single-byte charset; a declared charset that leaves undecodable bytes
  is replaced by the one `charset_normalizer` detects); binary data served as HTML and text
  that stays undecodable are refused, so no article is stored with mojibake.

`failure_reason` turns what these (and Scrapy's downloader) raise into the one-line reason
the spider records in `pages`.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from scrapy.utils.url import url_is_from_any_domain

from caucasus_crawler.charsets import better_encoding, looks_binary, undecodable

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

# -- private addresses --------------------------------------------------------------------------
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")  # 127.1, 2130706433, 0x7f.0.0.1: IPv4 all the same
_METADATA = ipaddress.ip_address("169.254.169.254")
# IPv6 addresses that carry an IPv4 address in their last 32 bits (RFC 4291, 6052, 2765)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated; `::7f00:1` is 127.0.0.1
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # where the IPv4 sits is the operator's
_IPV4_HOLDERS = ((_IPV4_TRANSLATED, "IPv4-translated"), (_NAT64, "NAT64"))


class RefusedAddress(IgnoreRequest):
    """A request for a private, loopback or link-local address; never sent."""

    @classmethod
    def because(cls, problem: str) -> RefusedAddress:
        """The refusal of a request whose host (or what it resolves to) has `problem`."""
        return cls(
            f"refused: {problem}; the crawler fetches public addresses only "
            "(ALLOW_PRIVATE_ADDRESSES=True allows others)"
        )


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address stands for, and the form that embeds it: IPv4-mapped
    (`::ffff:127.0.0.1`), IPv4-compatible (`::7f00:1`), IPv4-translated, NAT64
    (`64:ff9b::/96`), 6to4 (`2002::/16`) or Teredo (`2001::/32`, the client's address)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    for network, form in _IPV4_HOLDERS:
        if ip in network:
            return low, form
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:  # `::` and `::1` are IPv6's own
        return low, "IPv4-compatible"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    return None


def ip_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes an address unfit to fetch from, or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            ipv4, form = embedded
            problem = ip_problem(ipv4)
            if problem:
                return f"{ipv4} embedded in IPv6 ({form}), {problem}"
            if form in ("IPv4-mapped", "NAT64"):
                return None  # the public IPv4 address it reaches decides
            if form == "Teredo":
                return "a Teredo tunnel address (not globally reachable)"
        if ip in _NAT64_LOCAL:
            return "a local-use NAT64 address (64:ff9b:1::/48)"
        if ip.is_site_local:
            return "a site-local address"
    if ip.is_loopback:
        return "a loopback address"
    if ip == _METADATA:
        return "a link-local address (where cloud servers publish their credentials)"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names by itself (any spelling a resolver accepts), or None."""
    host = host.strip("[]").split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0) names no other host
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def address_problem(host: str) -> str | None:
    """Why a URL's host must not be fetched, judged by its spelling alone (no DNS)."""
    host = (host or "").lower().rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} names this machine (a loopback address)"
    ip = literal_ip(host)
    if ip is not None:
        problem = ip_problem(ip)
        if problem:
            # an IPv4 address spelled oddly (2130706433) is named; an IPv6 one says enough
            plain = str(ip) == host or isinstance(ip, ipaddress.IPv6Address)
            return f"{host} is {problem}" if plain else f"{host} is {ip}, {problem}"
    return None


class PrivateAddressMiddleware:
    """Refuses requests whose URL's host is not public by its spelling (see the module's
    docstring); host names are checked where the connection resolves them
    (`address_guard`)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        if crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured("ALLOW_PRIVATE_ADDRESSES is set")
        return cls()

    def process_request(self, request: Request) -> None:
        problem = address_problem(urlsplit(request.url).hostname or "")
        if problem:
            raise RefusedAddress.because(problem)


# -- retries ------------------------------------------------------------------------------------
def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(min(int(text), 10**9))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before each retry: Retry-After, else exponential back-off.

    `request.meta["retry_note"]` keeps what the last wait was (e.g. a Retry-After capped), so
    that a page given up on says why in its reason."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    def wait_for(self, retry: Request, retry_after: bytes | None) -> tuple[float, str]:
        """Seconds to wait before `retry`, and a note saying why."""
        asked = retry_after_seconds(retry_after)
        if asked is not None:
            if asked > self.retry_after_max:
                return self.retry_after_max, (
                    f"Retry-After {asked:.0f} s capped to {self.retry_after_max:g} s"
                )
            return asked, f"waited {asked:.1f} s as Retry-After asked"
        times = retry.meta.get("retry_times", 1)
        wait = min(self.backoff_max, self.backoff_base * 2 ** (times - 1))
        return wait, f"backed off {wait:.1f} s"

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        wait, note = self.wait_for(retry, response.headers.get("Retry-After"))
        return await self._after(retry, wait, note)

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        wait, note = self.wait_for(retry, None)
        return await self._after(retry, wait, note)

    async def _after(self, retry: Request, wait: float, note: str) -> Request:
        retry.meta["retry_note"] = note
        if "capped" in note:
            logger.warning("%s: %s", retry.url, note)
        if wait > 0:
            await sleep(wait)
        return retry


# -- redirects ----------------------------------------------------------------------------------
class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that refuses, with a reason the spider records for the redirecting
    URL: redirect loops and endless chains, redirects to private addresses, and redirects off
    the outlet's domains (which Scrapy's offsite filter would drop without a trace)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.allow_private = settings.getbool("ALLOW_PRIVATE_ADDRESSES")

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        target = redirected.url
        problem = None if self.allow_private else address_problem(urlsplit(target).hostname or "")
        if problem:
            raise RefusedAddress(
                f"refused: redirected to {target}, and {problem}; the crawler fetches public "
                "addresses only"
            )
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        # (dont_filter does not count here: every retried request has it)
        offsite_ok = redirected.meta.get("allow_offsite")
        if domains and not offsite_ok and not url_is_from_any_domain(target, domains):
            raise IgnoreRequest(f"not followed: redirected to {target}, off the outlet's domains")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            loop = chain[chain.index(redirected.url) :] + [redirected.url]
            raise IgnoreRequest(f"redirect loop: {' -> '.join(loop)}")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            raise IgnoreRequest(
                f"too many redirects: more than {self.max_redirect_times} from {chain[0]}"
            ) from None


# -- XML entity bombs ---------------------------------------------------------------------------
_XML_TYPES = (b"xml", b"rss", b"atom")


class XmlEntityMiddleware:
    """Refuses XML documents (feeds, sitemaps) whose DOCTYPE declares entities: no feed or
    sitemap needs them, and a "billion laughs" declaration expands to gigabytes."""

    head_bytes = 64 * 1024

    def process_response(self, request: Request, response: Response) -> Response:
        content_type = (response.headers.get("Content-Type") or b"").lower()
        head = response.body[: self.head_bytes]
        xml = any(t in content_type for t in _XML_TYPES) or head.lstrip().startswith(b"<?xml")
        if xml and b"<!ENTITY" in head and b"<!DOCTYPE" in head:
            raise IgnoreRequest(
                "refused: the XML document declares entities (an entity bomb?); not parsed"
            )
        return response


class CharsetMiddleware:
    """Decodes HTML pages with the right charset; refuses binary and undecodable ones."""

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or not 200 <= response.status < 300:
            return response
        body = response.body
        if not body:
            return response
        content_type = (response.headers.get("Content-Type") or b"?").decode("latin-1")
        if looks_binary(body):
            raise IgnoreRequest(f"binary data served as {content_type}: not a page")
        # a page declared (or guessed) UTF-8 is decoded once: its text tells whether it is
        bad = undecodable(response.text, body) if response.encoding == "utf-8" else None
        encoding = better_encoding(body, response.encoding, valid_utf8=bad == 0)
        if encoding is not None:
            logger.info(
                "%s: decoded as %s, not %s as %s",
                response.url,
                encoding,
                response.encoding,
                "declared" if response._declared_encoding() else "guessed",
            )
            response = response.replace(encoding=encoding)
            bad = None
        if bad is None:
            bad = undecodable(response.text, body)
        if bad > 8 or bad * 1000 > len(response.text):
            raise IgnoreRequest(
                f"undecodable text: {bad} characters unreadable as {response.encoding} "
                "or any detected charset"
            )
        return response


# -- reasons ------------------------------------------------------------------------------------
def failure_reason(failure: Failure, maxsize: int | None = None) -> str:
    """One line saying why a request ended in the errback, for the `pages` table
    (`maxsize`: the crawl's DOWNLOAD_MAXSIZE, named when a body grew past it)."""
    request = failure.request  # type: ignore[attr-defined]
    exc = failure.value
    timeout = request.meta.get("download_timeout")
    if isinstance(exc, HttpError):
        reason = f"HTTP {exc.response.status}"
    elif isinstance(exc, IgnoreRequest):
        reason = str(exc) or "ignored"
        if "during decompression" in reason:  # HttpCompressionMiddleware met a gzip bomb
            reason = re.sub(r"^Ignored response <[^>]*> because its", "refused: the", reason)
        if reason.startswith("Filtered offsite request"):
            host = urlsplit(request.url).hostname
            reason = f"not followed: {host} is not one of the outlet's domains"
    elif isinstance(exc, DownloadTimeoutError):
        reason = "timed out: no complete answer" + (f" in {timeout:g} s" if timeout else "")
    elif isinstance(exc, ResponseDataLossError):
        reason = "truncated: the connection closed before the announced Content-Length arrived"
    elif isinstance(exc, DownloadCancelledError):
        detail = re.sub(r" in request <[^>]*>", "", str(exc)).rstrip(".")
        if not detail:  # Scrapy stops a body growing past the limit without a word
            limit = request.meta.get("download_maxsize") or maxsize
            detail = "the body grew past DOWNLOAD_MAXSIZE" + (f" ({limit} B)" if limit else "")
        reason = ("too large: " if re.search("max ?size", detail, re.I) else "stopped: ") + detail
    elif isinstance(exc, DownloadConnectionRefusedError):
        reason = "connection refused"
    elif isinstance(exc, DownloadFailedError):
        reason = f"connection failed: {_short(exc)}"
    else:
        reason = f"{type(exc).__name__}: {_short(exc)}"
    retries = request.meta.get("retry_times", 0)
    if retries:
        note = request.meta.get("retry_note")
        reason += f" (gave up after {retries} retr{'y' if retries == 1 else 'ies'}"
        reason += f"; {note})" if note else ")"
    return reason


def _short(exc: BaseException) -> str:
    """An exception's message without Twisted's failure wrappers."""
    text = str(exc)
    inner = re.findall(r"Failure ([\w.]+): ([^>\]]*)", text)
    if inner:
        name, message = inner[-1]
        text = f"{name.rsplit('.', 1)[-1]}: {message}".rstrip(": ")
    return " ".join(text.split()) or type(exc).__name__
