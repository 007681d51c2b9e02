"""WARC files of the mirror's pages for the import tests: pages as the mirror answers them
(MirrorServer.resolve, no server started), written with warcio as a crawler writes them."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from caucasus_crawler.mirror import MirrorServer

MIRROR = MirrorServer()


@dataclass
class Capture:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    date: str = "2026-11-02T10:00:00Z"
    kind: str = "response"  # or "revisit": then `refers_to` names the original
    refers_to: str | None = None
    digest: str | None = None
    extra: dict = field(default_factory=dict)


def mirror_page(url: str, date: str = "2026-11-02T10:00:00Z") -> Capture:
    """The mirror's answer at `url`, as a capture made at `date`."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    resource, _ = MIRROR.resolve(parts.netloc, target)
    return Capture(url, resource.body, resource.content_type, resource.status, date)


def articles(host: str) -> list:
    """The mirror's articles of a host (url, title, published, ...), newest first."""
    return list(MIRROR._site_data[host].articles)


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of a payload, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def write_warc(path: Path, captures: Iterable[Capture], gzip: bool = True) -> list[int]:
    """Writes the captures (a warcinfo record first); returns each capture's offset."""
    offsets = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for capture in captures:
            offsets.append(out.tell())
            http = StatusAndHeaders(
                f"{capture.status} OK",
                [
                    ("Content-Type", capture.content_type),
                    ("Content-Length", str(len(capture.body))),
                ],
                protocol="HTTP/1.1",
            )
            headers = {"WARC-Date": capture.date, **capture.extra}
            if capture.kind == "revisit":
                record = writer.create_revisit_record(
                    capture.url,
                    capture.digest or payload_digest(capture.body),
                    capture.refers_to or capture.url,
                    "2026-11-01T10:00:00Z",
                    http_headers=http,
                    warc_headers_dict=headers,
                )
            else:
                record = writer.create_warc_record(
                    capture.url,
                    "response",
                    payload=io.BytesIO(capture.body),
                    length=len(capture.body),
                    http_headers=http,
                    warc_headers_dict=headers,
                )
            writer.write_record(record)
    return offsets
