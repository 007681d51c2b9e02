"""Replay: crawl the bundled mirror while every page keeps its real URL.

When the MIRROR_ADDRESS setting is set, the `MirrorReplay` add-on routes http and https
through `MirrorDownloadHandler`: Scrapy's own HTTP/1.1 handler, sending each request to the
mirror on 127.0.0.1 with the real host in the Host header (as web-archive replay does). The
rest of Scrapy (robots.txt, redirects, retries, the dupefilter) sees only the real URLs.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

HANDLER = "caucasus_crawler.mirror.replay.MirrorDownloadHandler"


class MirrorReplay:
    """Scrapy add-on: when MIRROR_ADDRESS is set, fetch from the mirror, without politeness
    delays (it is our own server), and record the crawl as a demo run."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("MIRROR_ADDRESS"):
            return
        demo = {
            "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
            "CRAWL_MODE": "demo",
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        }
        for name, value in demo.items():
            # Add-ons rank below the project's settings.py, whose polite live defaults these
            # replace; a value given on the command line (`--set`, `-s`) still wins.
            if (settings.getpriority(name) or 0) <= SETTINGS_PRIORITIES["project"]:
                settings.set(name, value, "project")


class MirrorDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.address = crawler.settings["MIRROR_ADDRESS"]

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        mirror_url = urlunsplit(("http", self.address, parts.path or "/", parts.query, ""))
        headers = request.headers.copy()
        headers["Host"] = parts.netloc
        response = await super().download_request(request.replace(url=mirror_url, headers=headers))
        return response.replace(url=request.url)
