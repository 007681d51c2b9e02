"""The old import path of the request queue add-on, now caucasus_crawler/request_queue.py.

Kept because a user's own ADDONS setting (a Scrapyd job's settings, a `--set ADDONS=...` that
lists ours beside theirs) may still name `caucasus_crawler.disk_frontier.DiskFrontier`.
"""

from caucasus_crawler.request_queue import RequestQueueOnDisk as DiskFrontier

__all__ = ["DiskFrontier"]
