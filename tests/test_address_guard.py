"""The private-address guard where the connection is made (issue 17, defect 3: DNS rebinding).

A name that answers a public address first and 127.0.0.1 afterwards must never be connected
to on 127.0.0.1, however many times it is resolved: the crawl runs in a subprocess whose
system resolver is such a rebinding name server (`socket.gethostbyname` and `getaddrinfo`
answer per call) and whose sockets cannot leave 127.0.0.1 (a connection to any other address
is refused before a packet is sent, and recorded), against a server on 127.0.0.1 that counts
its hits. The resolver's filter on its own, and the IPv6 spellings of IPv4 addresses, are
tested without a crawl.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from scrapy.resolver import HostResolution
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from caucasus_crawler.address_guard import PublicAddressResolver
from caucasus_crawler.archive import Archive
from caucasus_crawler.middlewares import address_problem, ip_problem
from caucasus_crawler.mirror.hostile import HostileServer

PUBLIC = "93.184.216.34"  # a public address: never connected to (the jail below refuses it)
NAME = "rebinding.example"

# The crawl, as a user runs it, under a rebinding resolver and in a jail of 127.0.0.1.
REBINDING_CRAWL = r"""
import errno, ipaddress, json, socket, sys

NAME, PUBLIC = sys.argv[1], sys.argv[2]
answers = []   # what NAME resolved to, call after call: PUBLIC once, then 127.0.0.1
attempts = []  # connections tried to addresses not on 127.0.0.1 (refused, never sent)


def answer():
    answers.append(PUBLIC if not answers else "127.0.0.1")
    return answers[-1]


real_getaddrinfo, real_gethostbyname = socket.getaddrinfo, socket.gethostbyname


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower().rstrip(".") == NAME:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer(), int(port or 0)))]
    return real_getaddrinfo(host, port, family, type, proto, flags)


def gethostbyname(host):
    return answer() if host.lower().rstrip(".") == NAME else real_gethostbyname(host)


def outside(sock, address):
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    try:
        return not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        return True


real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if outside(self, address):
        attempts.append(str(address[0]))
        raise ConnectionRefusedError(errno.ECONNREFUSED, "jailed: not 127.0.0.1")
    return real_connect(self, address)


def connect_ex(self, address):
    if outside(self, address):
        attempts.append(str(address[0]))
        return errno.ECONNREFUSED
    return real_connect_ex(self, address)


socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex

from caucasus_crawler.cli import main  # noqa: E402  (after the patches: Twisted's too)

code = main(sys.argv[3:])
print("REBINDING=" + json.dumps({"answers": answers, "attempts": attempts}), file=sys.stderr)
sys.exit(code)
"""

PROFILE = """\
name = "rebinding_news"
title = "Rebinding News"
country = "regional"
languages = ["en"]
home = "http://{host}/"
[urls]
article = ['/a/']
"""


@pytest.fixture(scope="module")
def server():
    with HostileServer(stall_seconds=5) as hostile:
        yield hostile


def rebinding_crawl(tmp_path: Path, server: HostileServer, *settings: str) -> dict:
    """Crawl http://rebinding.example:PORT/a/ok live (no mirror), PORT being the server's."""
    (tmp_path / "rebinding_news.toml").write_text(PROFILE.format(host=NAME), "utf-8")
    port = server.address.rsplit(":", 1)[1]
    url = f"http://{NAME}:{port}/a/ok"
    db = tmp_path / "archive.db"
    server.reset()
    result = subprocess.run(
        [sys.executable, "-c", REBINDING_CRAWL, NAME, PUBLIC,
         "--profiles", str(tmp_path), "crawl", "rebinding_news", "--db", str(db), "--url", url,
         "--set", "DOWNLOAD_TIMEOUT=3", "--set", "RETRY_TIMES=1",
         "--set", "RETRY_BACKOFF_BASE=0.1", "--set", "DOWNLOAD_DELAY=0",
         "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "EXTRACT_PROCESSES=0", *settings],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    seen = [line for line in result.stderr.splitlines() if line.startswith("REBINDING=")]
    assert result.returncode == 0 and seen, result.stdout + result.stderr[-3000:]
    with Archive(db) as archive:
        page = archive.db.execute(
            "SELECT outcome, reason FROM pages WHERE url = ?", (url,)
        ).fetchone()
    return {"page": page, "hits": server.hits(), **json.loads(seen[-1].split("=", 1)[1])}


# -- DNS rebinding: the addresses the connection uses are the ones checked -----------------------
@pytest.mark.slow
def test_a_name_that_rebinds_to_loopback_is_never_connected_to(tmp_path, server):
    """Every resolution gives the connection a fresh answer (DNSCACHE_ENABLED=False: a TTL of
    0, as a rebinding name server sets): the public first answer (robots.txt's connection, the
    jail refuses it), then 127.0.0.1 for the retry and the page, which the guard leaves out
    of what the connection may use: the server on 127.0.0.1 sees nothing."""
    crawl = rebinding_crawl(tmp_path, server, "--set", "DNSCACHE_ENABLED=False")
    assert crawl["hits"] == []
    assert "127.0.0.1" in crawl["answers"][1:]  # the loopback answers were given, and refused
    assert set(crawl["attempts"]) <= {PUBLIC}
    outcome, reason = crawl["page"]
    assert outcome == "skipped", crawl
    assert reason.startswith(f"refused: {NAME} resolves to 127.0.0.1, a loopback address; ")


@pytest.mark.slow
def test_with_scrapys_dns_cache_the_name_is_checked_at_each_connection_too(tmp_path, server):
    """Scrapy's DNS cache (on by default) keeps the first answer, the public one: every
    connection uses it (and the jail refuses it), none reaches 127.0.0.1."""
    crawl = rebinding_crawl(tmp_path, server)
    assert crawl["hits"] == []
    assert set(crawl["attempts"]) == {PUBLIC}
    outcome, reason = crawl["page"]
    assert outcome == "failed" and reason.startswith("connection refused"), crawl


# -- the resolver's filter, on its own ----------------------------------------------------------
@implementer(IHostnameResolver)
class RebindingResolver:
    """A name server that gives each resolution the next of its answers (the last one
    for ever after)."""

    def __init__(self, *answers: tuple[str, ...]):
        self.answers = answers
        self.calls = 0

    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None,
                        transportSemantics="TCP"):  # fmt: skip
        receiver.resolutionBegan(HostResolution(hostName))
        for host in self.answers[min(self.calls, len(self.answers) - 1)]:
            kind = IPv6Address if ":" in host else IPv4Address
            receiver.addressResolved(kind("TCP", host, portNumber))
        self.calls += 1
        receiver.resolutionComplete()
        return HostResolution(hostName)


class FakeReactor:
    def __init__(self, resolver):
        self.nameResolver = resolver

    def installNameResolver(self, resolver):
        self.nameResolver = resolver


@implementer(IResolutionReceiver)
class Connection:
    """What a connection (Twisted's HostnameEndpoint) is given to connect to."""

    def __init__(self):
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution):
        pass

    def addressResolved(self, address):
        self.addresses.append(address.host)

    def resolutionComplete(self):
        self.complete = True


def guarded(*answers: tuple[str, ...], **options) -> tuple[FakeReactor, RebindingResolver]:
    server = RebindingResolver(*answers)
    reactor = FakeReactor(server)
    PublicAddressResolver(reactor, **options).install_on_reactor()
    return reactor, server


def connect(reactor: FakeReactor, host: str = NAME) -> list[str]:
    connection = Connection()
    reactor.nameResolver.resolveHostName(connection, host, 80)
    assert connection.complete
    return connection.addresses


def test_every_resolution_is_filtered_not_only_the_first():
    """No verdict is kept: the public first answer is given, the loopback ones after it never
    are, and a public answer after them is given again."""
    reactor, server = guarded(
        (PUBLIC,), ("127.0.0.1",), ("::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe"), (PUBLIC,)
    )
    guard = reactor.nameResolver
    assert connect(reactor) == [PUBLIC] and guard.refusal(NAME) is None
    assert connect(reactor) == []
    assert guard.refusal(NAME) == f"{NAME} resolves to 127.0.0.1, a loopback address"
    assert connect(reactor) == []
    assert guard.refusal(NAME.upper() + ".") == (
        f"{NAME} resolves to ::ffff:127.0.0.1, 127.0.0.1 embedded in IPv6 (IPv4-mapped), "
        "a loopback address"
    )
    assert connect(reactor) == [PUBLIC] and guard.refusal(NAME) is None
    assert server.calls == 4  # each connection asked the name server itself


def test_a_name_with_public_and_private_addresses_is_connected_to_its_public_ones_only():
    reactor, _ = guarded((PUBLIC, "10.0.0.7", "2606:4700::1111", "fd00::1", "64:ff9b::a00:7"))
    assert connect(reactor) == [PUBLIC, "2606:4700::1111"]
    assert reactor.nameResolver.refusal(NAME) is None  # connected: nothing to say


def test_the_mirror_and_allow_private_addresses_pass_the_filter():
    reactor, _ = guarded(("127.0.0.1",), exempt=["127.0.0.1"])
    assert connect(reactor, "127.0.0.1") == ["127.0.0.1"]  # the replay's mirror
    assert connect(reactor) == []  # any other name is still filtered
    reactor, _ = guarded(("127.0.0.1",), allow_private=True)
    assert connect(reactor) == ["127.0.0.1"]


def test_an_ip_in_the_url_is_refused_with_its_spelling():
    reactor, _ = guarded(("127.0.0.1",))
    assert connect(reactor, "2130706433") == []
    assert reactor.nameResolver.refusal("2130706433") == (
        "2130706433 is 127.0.0.1, a loopback address"
    )


def test_the_handler_puts_the_guard_around_any_resolver_once():
    from scrapy.settings import Settings

    from caucasus_crawler.address_guard import guard_reactor

    server = RebindingResolver(("127.0.0.1",))
    reactor = FakeReactor(server)
    guard = guard_reactor(reactor, Settings({"MIRROR_ADDRESS": "127.0.0.1:8000"}))
    assert reactor.nameResolver is guard and guard.resolver is server
    assert guard_reactor(reactor, Settings()) is guard
    assert guard.exempt == {"127.0.0.1"}


# -- IPv4 addresses inside IPv6 -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("::7f00:1", "127.0.0.1 embedded in IPv6 (IPv4-compatible), a loopback address"),
        ("::127.0.0.1", "127.0.0.1 embedded in IPv6 (IPv4-compatible), a loopback address"),
        ("::a9fe:a9fe", "169.254.169.254 embedded in IPv6 (IPv4-compatible), a link-local"),
        ("::ffff:127.0.0.1", "127.0.0.1 embedded in IPv6 (IPv4-mapped), a loopback address"),
        ("::ffff:7f00:1", "127.0.0.1 embedded in IPv6 (IPv4-mapped), a loopback address"),
        ("::ffff:0:a00:1", "10.0.0.1 embedded in IPv6 (IPv4-translated), a private address"),
        ("64:ff9b::7f00:1", "127.0.0.1 embedded in IPv6 (NAT64), a loopback address"),
        ("64:ff9b::169.254.169.254", "169.254.169.254 embedded in IPv6 (NAT64), a link-local"),
        ("64:ff9b::c0a8:1", "192.168.0.1 embedded in IPv6 (NAT64), a private address"),
        ("64:ff9b:1::a00:1", "a local-use NAT64 address (64:ff9b:1::/48)"),
        ("64:ff9b:1::5db8:d822", "a local-use NAT64 address (64:ff9b:1::/48)"),
        ("2002:7f00:1::1", "127.0.0.1 embedded in IPv6 (6to4), a loopback address"),
        ("2002:c0a8:101::1", "192.168.1.1 embedded in IPv6 (6to4), a private address"),
        ("2002:a9fe:a9fe::", "169.254.169.254 embedded in IPv6 (6to4), a link-local"),
        # Teredo: the client's address, stored inverted in the last 32 bits
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1 embedded in IPv6 (Teredo), a loop"),
        ("2001:0:4136:e378:8000:63bf:a247:2ddd", "a Teredo tunnel address"),
        ("::5db8:d822", "a reserved address"),  # IPv4-compatible: deprecated, public or not
        ("::2", "0.0.0.2 embedded in IPv6 (IPv4-compatible), a private address"),
        ("::", "an unspecified address"),
        ("::1", "a loopback address"),
        ("fec0::1", "a site-local address"),
        ("fd12:3456::1", "a private address"),
        ("fe80::1%eth0", "a link-local address"),
        ("ff02::1", "a multicast address"),
        ("5f00::1", "a reserved address"),
        # public: an IPv4 that is public, reached through IPv6 (and plain IPv6)
        ("::ffff:93.184.216.34", None),
        ("64:ff9b::93.184.216.34", None),
        ("2002:5db8:d822::1", None),
        ("2606:4700::1111", None),
        ("2a00:1450:4001:81b::200e", None),
    ],
)
def test_ipv4_addresses_embedded_in_ipv6_are_judged_as_the_ipv4_they_reach(host, problem):
    said = address_problem(host)
    if problem is None:
        assert said is None
        assert ip_problem(ipaddress.ip_address(host)) is None
    else:
        assert said is not None and said.startswith(f"{host} is {problem}"), said
        assert ip_problem(ipaddress.ip_address(host.split("%")[0])) is not None


def test_an_embedded_address_is_refused_in_a_url_by_its_spelling():
    """As the middleware sees a URL: `[...]` stripped by urlsplit, the reason one line."""
    from scrapy import Request

    from caucasus_crawler.middlewares import PrivateAddressMiddleware, RefusedAddress

    with pytest.raises(RefusedAddress) as refused:
        PrivateAddressMiddleware().process_request(Request("http://[64:ff9b::7f00:1]:8080/a"))
    assert str(refused.value) == (
        "refused: 64:ff9b::7f00:1 is 127.0.0.1 embedded in IPv6 (NAT64), a loopback address; "
        "the crawler fetches public addresses only (ALLOW_PRIVATE_ADDRESSES=True allows others)"
    )
