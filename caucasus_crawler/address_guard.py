"""The private-address guard where connections are made: the addresses a connection uses are
the ones checked, at every resolution.

Checking a host name by resolving it beforehand is not enough: the connection resolves the
name again, and a name that answers a public address to the check and 127.0.0.1 to the
connection (DNS rebinding) reaches loopback. So the check sits in the resolver itself:

* `PublicAddressResolver` (the TWISTED_DNS_RESOLVER of settings.py) wraps Scrapy's own
  resolver (`scrapy.resolver.CachingThreadedResolver`: DNS_TIMEOUT, DNSCACHE_*) and passes on
  to Twisted only the public addresses of each answer, cached or not, every time a name is
  resolved: a connection (Twisted's HostnameEndpoint, `reactor.connectTCP`, a proxy's) can
  only ever be made to a public address. A name with no public address ends without one,
  and the resolver keeps why, for the download handler to say.
* `PublicAddressDownloadHandler` (settings.py's http and https handler) is Scrapy's HTTP/1.1
  handler that says why: a download whose name the resolver refused fails with
  `RefusedAddress` ("refused: NAME resolves to 127.0.0.1, a loopback address; ..."), which
  the spider records as `skipped`, and which is not retried. It also makes sure the resolver
  is in place (when TWISTED_DNS_RESOLVER was set to another resolver, or the crawl runs in a
  CrawlerRunner that installs none, it wraps whatever the reactor has).

`ALLOW_PRIVATE_ADDRESSES = True` leaves every address in. The replay of the mirror connects
to MIRROR_ADDRESS, on 127.0.0.1: that one host is let through (it is the crawler's own
server; the URLs' hosts are never resolved there, `PrivateAddressMiddleware` checks their
spelling).
"""

from __future__ import annotations

import ipaddress
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import CannotResolveHostError
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.misc import build_from_crawler
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from caucasus_crawler.middlewares import RefusedAddress, address_problem, ip_problem, literal_ip

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.internet.interfaces import IAddress, IHostResolution

logger = logging.getLogger(__name__)


def _host_key(host: str) -> str:
    """A host name as the URL spells it (ASCII, lower case): Twisted hands the resolver an
    internationalised name decoded, the URL has it IDNA-encoded."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@implementer(IHostnameResolver)
class PublicAddressResolver:
    """Twisted's name resolver, filtered: only public addresses reach a connection."""

    refusals_kept = 4096

    def __init__(
        self,
        reactor: Any,
        inner: Any = None,
        *,
        allow_private: bool = False,
        exempt: Iterable[str] = (),
    ):
        self.reactor = reactor
        self.inner = inner  # a Scrapy resolver to install first; None: the reactor's current
        self.resolver: IHostnameResolver = reactor.nameResolver
        self.allow_private = allow_private
        self.exempt = frozenset(_host_key(host) for host in exempt if host)
        self._refusals: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> PublicAddressResolver:
        """TWISTED_DNS_RESOLVER: Scrapy's default resolver, filtered. (Scrapy passes the
        CrawlerProcess here: its settings are the process's.)"""
        inner = build_from_crawler(CachingThreadedResolver, crawler, reactor=reactor)
        return cls(reactor, inner, **_options(crawler.settings))

    def install_on_reactor(self) -> None:
        if self.inner is not None:
            self.inner.install_on_reactor()
        self.resolver = self.reactor.nameResolver
        self.reactor.installNameResolver(self)

    # IHostnameResolver
    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        receiver = resolutionReceiver
        if not self.allow_private and _host_key(hostName) not in self.exempt:
            receiver = _PublicOnly(self, resolutionReceiver, hostName)
        return self.resolver.resolveHostName(
            receiver, hostName, portNumber, addressTypes, transportSemantics
        )

    # what the handler asks
    def refusal(self, host: str) -> str | None:
        """Why the last resolution of `host` gave no address, when the guard left all out."""
        return self._refusals.get(_host_key(host))

    def _resolved(self, host: str, refused: str | None) -> None:
        key = _host_key(host)
        self._refusals.pop(key, None)
        if refused is not None:
            self._refusals[key] = refused
            while len(self._refusals) > self.refusals_kept:
                self._refusals.popitem(last=False)


@implementer(IResolutionReceiver)
class _PublicOnly:
    """Passes a resolution on to the connection, less its addresses that are not public."""

    def __init__(self, guard: PublicAddressResolver, receiver: IResolutionReceiver, host: str):
        self.guard = guard
        self.receiver = receiver
        self.host = host
        self.passed = 0
        self.refused: list[tuple[str, str]] = []  # (address, problem)

    def resolutionBegan(self, resolutionInProgress: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolutionInProgress)

    def addressResolved(self, address: IAddress) -> None:
        text = str(getattr(address, "host", address))  # IPv4Address, IPv6Address
        try:
            problem = ip_problem(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            problem = "not an IP address"
        if problem is None:
            self.passed += 1
            self.receiver.addressResolved(address)
        else:
            self.refused.append((text, problem))

    def resolutionComplete(self) -> None:
        reason = None
        if self.refused:
            address, problem = self.refused[0]
            if literal_ip(self.host) is not None:  # an IP in the URL (the middleware's too)
                reason = address_problem(self.host) or f"{self.host} is {problem}"
            else:
                reason = f"{self.host} resolves to {address}, {problem}"
            if self.passed:
                logger.info("%s: left out of the addresses to connect to", reason)
        self.guard._resolved(self.host, None if self.passed else reason)
        self.receiver.resolutionComplete()


def _options(settings: BaseSettings) -> dict[str, Any]:
    mirror = settings.get("MIRROR_ADDRESS")
    return {
        "allow_private": settings.getbool("ALLOW_PRIVATE_ADDRESSES"),
        # the replay's one connection: to the mirror, the crawler's own server
        "exempt": [urlsplit(f"//{mirror}").hostname or ""] if mirror else [],
    }


def guard_reactor(reactor: Any, settings: BaseSettings) -> PublicAddressResolver:
    """The reactor's PublicAddressResolver; one around its current resolver if it has none."""
    current = reactor.nameResolver
    if isinstance(current, PublicAddressResolver):
        return current
    guard = PublicAddressResolver(reactor, **_options(settings))
    guard.install_on_reactor()
    logger.info("the private-address guard now filters %r's answers", current)
    return guard


class PublicAddressDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, whose connections the guard's resolver feeds; a download
    the resolver refused fails with RefusedAddress and the resolver's reason."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.allow_private = crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES")

    async def download_request(self, request: Request) -> Response:
        if self.allow_private:
            return await super().download_request(request)
        from twisted.internet import reactor

        guard = guard_reactor(reactor, self._crawler.settings)
        try:
            return await super().download_request(request)
        except CannotResolveHostError:
            proxy = request.meta.get("proxy")
            for url in (request.url, proxy) if proxy else (request.url,):
                reason = guard.refusal(urlsplit(url if "//" in url else f"//{url}").hostname or "")
                if reason:
                    raise RefusedAddress.because(reason) from None
            raise
