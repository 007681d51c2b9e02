"""URL canonicalisation: one spelling per page, so that each article is archived once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that only say where a reader came from; they never change the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|yclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl"
    r"|ref_src|cmpid|share|from)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    percent-encoding made uniform. Paths keep their case and trailing slash, since sites
    treat those as different pages. Never raises: a string that is not a URL (a broken IPv6
    host, say) comes back as given, and canonical_url(canonical_url(u)) == canonical_url(u)."""
    url = url.strip()
    try:
        parts = urlsplit(safe_url_string(url))
    except ValueError:  # "http://[::1/": nothing sensible to canonicalise
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # out of range or not a number: kept as written
        port = parts.netloc.rpartition(":")[2]
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path or "/"
    if not netloc and path.startswith("//"):  # "https:////x" must not turn x into a host
        path = "/" + path.lstrip("/")
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ],
        doseq=True,
        safe=":/@!$'()*,;",
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def same_site(url: str, other: str) -> bool:
    """Whether two URLs belong to the same site (ignoring `www.`)."""

    def host(u: str) -> str:
        return (urlsplit(u).hostname or "").lower().removeprefix("www.")

    return host(url) == host(other)
