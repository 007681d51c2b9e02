"""URL canonicalisation: one spelling per page, so that each article is archived once.

Two functions, for two jobs:

* ``canonical_url(url)``: the spelling we fetch and store (``articles.url``). It only removes
  what never changes the page (case of scheme and host, default ports, fragments, tracking
  parameters, AMP variants, percent-encoding differences, query order) and keeps what does
  (path case, language prefixes and subdomains, ids in queries, the trailing slash).
* ``url_key(url)``: the identity used to decide that two URLs are one page. It is
  ``canonical_url`` plus what sites serve alike but we would not want to fetch blindly:
  http = https, no ``www.``, no trailing slash (except the root). Never stored as a link.

    >>> canonical_url("HTTPS://Civil.GE:443/ka/archives/626112/amp/?utm_source=fb#top")
    'https://civil.ge/ka/archives/626112/'
    >>> url_key("http://www.civil.ge/ka/archives/626112/")
    'https://civil.ge/ka/archives/626112'

Both never raise (a string that is not a URL comes back as given) and are idempotent.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say where a reader came from; they never change the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|yclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl"
    r"|ref_src|cmpid|share|from)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# ".../slug/amp/" and ".../slug/amp": the AMP rendering of ".../slug/" and ".../slug".
_AMP_SEGMENT = re.compile(r"/amp(/*)$")


def _is_amp_parameter(key: str, value: str) -> bool:
    """`?amp`, `?amp=1` (WordPress AMP plugins), `?outputType=amp` (Arc and others)."""
    key = key.casefold()
    return key == "amp" or (key == "outputtype" and value.casefold() == "amp")


def _drop_host_prefix(host: str, prefixes: tuple[str, ...]) -> str:
    """Drop leading labels such as `amp.`, while a registrable name is left (`amp.az` stays)."""
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            rest = host.removeprefix(prefix)
            if rest != host and "." in rest.strip("."):
                host, changed = rest, True
    return host


def _netloc(host: str, port: int | str | None, scheme: str) -> str:
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    return host if port in (None, "", _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"


def _port(parts) -> int | str | None:
    try:
        return parts.port
    except ValueError:  # out of range or not a number: kept as written
        return parts.netloc.rpartition(":")[2]


def canonical_url(url: str) -> str:
    """The fetchable canonical spelling of a page's URL.

    w3lib makes the URL safe, sorts the query (?b=2&a=1 == ?a=1&b=2), decodes unreserved
    characters and writes every other escape as upper-case %XX (so raw Georgian, %e1%83%90
    and %E1%83%90 are one spelling) and resolves dot segments; then the host is lower-cased
    without `amp.`, default ports, fragments, tracking and AMP parameters go, and a final
    `amp` path segment is dropped. Never raises: a string that is not a URL (a broken IPv6
    host, say) comes back as given.
    """
    url = url.strip()
    return _canonical(url) or url


# A pure function of its string, asked again and again for the same URLs (a page's own URL
# under several names, the sections and tags every page of an outlet links to).
@lru_cache(maxsize=8192)
def _canonical(url: str) -> str | None:
    """canonical_url, or None for a string that is not a URL."""
    try:
        parts = urlsplit(canonicalize_url(url))
        scheme = parts.scheme.lower()
        host = _drop_host_prefix((parts.hostname or "").lower().rstrip("."), ("amp.",))
        netloc = _netloc(host, _port(parts), scheme)
    except ValueError:  # "http://[::1/", a port out of range: nothing sensible to do
        return None
    path = parts.path or "/"
    if not netloc and path.startswith("//"):  # "https:////x" must not turn x into a host
        path = "/" + path.lstrip("/")
    while (shorter := _AMP_SEGMENT.sub(lambda m: "/" if m.group(1) else "", path)) != path:
        path = shorter or "/"
    # w3lib has encoded and sorted the pairs; dropping some keeps the rest as they are.
    kept = []
    for pair in parts.query.split("&") if parts.query else ():
        key, _, value = pair.partition("=")
        key, value = unquote_plus(key), unquote_plus(value)
        if not _TRACKING.match(key) and not _is_amp_parameter(key, value):
            kept.append(pair)
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


def url_key(url: str) -> str:
    """The identity of the page a URL names, for duplicate detection (never for fetching).

    canonical_url, then http and https alike (keyed as https), no `www.` (nor `amp.`), no
    trailing slash except the root's. url_key(canonical_url(u)) == url_key(u); idempotent;
    never raises.
    """
    key = _canonical(url.strip())
    if key is None:  # not a URL: its own key, as canonical_url gives it back
        return url.strip()
    # A dropped slash can expose more to canonicalise ("/x/;/" -> "/x/;" -> "/x/"): again,
    # until nothing changes (each pass only shortens the key).
    for _ in range(8):
        again = _canonical(_identity(key))
        if again is None or again == key:
            break
        key = again
    return _identity(key)


def _identity(canonical: str) -> str:
    """url_key's own step on a canonical URL."""
    try:
        parts = urlsplit(canonical)
        scheme = parts.scheme
        port = _port(parts)
        if scheme in _DEFAULT_PORTS:
            scheme = "https"
            if port in _DEFAULT_PORTS.values():  # http://x:443 and https://x:80: one page still
                port = None
        host = _drop_host_prefix((parts.hostname or "").lower(), ("www.", "amp."))
        netloc = _netloc(host, port, scheme)
    except ValueError:
        return canonical
    path = parts.path.rstrip("/") or "/"
    if not netloc and path.startswith("//"):
        path = "/" + path.lstrip("/")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def same_site(url: str, other: str) -> bool:
    """Whether two URLs belong to the same site (ignoring `www.`)."""

    def host(u: str) -> str:
        return (urlsplit(u).hostname or "").lower().removeprefix("www.")

    return host(url) == host(other)
