"""caucasus-crawler: a crawl archive of South Caucasus news."""

__version__ = "0.1.0"
