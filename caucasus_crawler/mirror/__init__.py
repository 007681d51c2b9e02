"""The bundled mirror: a replay of the outlets served over real HTTP on 127.0.0.1.

``MirrorServer`` serves it; ``replay`` routes Scrapy's downloads to it. How the content is
laid out and how to add a page or an outlet: README.md in this directory.
"""

from caucasus_crawler.mirror.server import MirrorServer

__all__ = ["MirrorServer"]
