"""Scrapy settings of caucasus-crawler: polite defaults for live sites.

`scrapy crawl <site>` reads this module through scrapy.cfg; the `caucasus-crawler` command
loads it too and overrides only what its options say (archive path, mirror, log level).
"""

import os

from caucasus_crawler import __version__

BOT_NAME = "caucasus_crawler"
SPIDER_MODULES = ["caucasus_crawler.spiders"]
# Every outlet profile is a spider: `scrapy list` lists them, `scrapy crawl civil_ge` runs one.
SPIDER_LOADER_CLASS = "caucasus_crawler.spiders.loader.ProfileSpiderLoader"

# -- where things go ---------------------------------------------------------------------------
ARCHIVE_PATH = "archive.db"
PROFILES_DIRS: list[str] = []  # extra directories of user profiles (*.toml)
CRAWL_MODE = "live"  # "demo" when replaying the bundled mirror
CRAWL_RUN_ID = None  # set by the CLI when several outlets share one crawl_runs row
MIRROR_ADDRESS = None  # "127.0.0.1:PORT": fetch every URL from the mirror (see mirror.replay)
# Bounds on what a crawl keeps (publication_window.py; `crawl --since/--until/--max-articles`)
PUBLISHED_SINCE = None  # "YYYY-MM-DD": articles published before this day are not kept
PUBLISHED_UNTIL = None  # "YYYY-MM-DD": nor those published after this one
MAX_ARTICLES = 0  # new articles per outlet per run; 0: no bound
ADDONS = {
    "caucasus_crawler.mirror.replay.MirrorReplay": 0,
    "caucasus_crawler.distributed.worker.RedisCrawl": 0,
    "caucasus_crawler.request_queue.RequestQueueOnDisk": 0,
    "caucasus_crawler.extract_pool_addon.ExtractPoolAddon": 0,
}

# -- the Wayback Machine (spiders/wayback.py; `crawl --wayback`) -------------------------------
WAYBACK = False  # True: crawl the outlets' captures in the Wayback Machine, not the sites
WAYBACK_ENDPOINT = "https://web.archive.org"  # its CDX index and replays (tests: 127.0.0.1)
WAYBACK_CDX_LIMIT = 1000  # captures per page of the index; the resumption key pages on
# Captures up to this many days after --until are asked for: an article is often captured
# days after it appeared (the window pipeline keeps what was published in the window).
WAYBACK_AFTER_UNTIL_DAYS = 30
# Polite to the Internet Archive: requests at once, and the delay between them, which the
# outlets crawled in one process share (spiders/wayback.py). A 429 is retried after its
# Retry-After (middlewares.BackoffRetryMiddleware).
WAYBACK_CONCURRENT_REQUESTS = 2
WAYBACK_DOWNLOAD_DELAY = 1.0

# -- the request queue on disk (caucasus_crawler/request_queue.py) -----------------------------
# Requests waiting to be fetched are pickled into Scrapy's disk queues, in a job directory
# (JOBDIR) of each crawler's own, fresh for every run and removed when it ends; in memory a
# sitemap's 50,000 articles would be 50,000 queued requests of ~2.7 KB each. False: in memory.
# Off with REDIS_URL (the queue is in Redis) and when JOBDIR is set (Scrapy's pause and resume).
FRONTIER_ON_DISK = True
FRONTIER_DIR = None  # where the job directories go; None: "<ARCHIVE_PATH>.frontier"
# Queued requests a crawl process keeps in memory before the rest go to disk, sparing its
# thread the pickling; a few MB (benchmarks/README.md).
FRONTIER_MEMORY_REQUESTS = 5000

# -- scaling out (caucasus_crawler/distributed; README "Scaling out") ------------------------
# A Redis URL makes this crawl one worker of a shared crawl: scrapy-redis's scheduler and
# duplicate filter in Redis, items pushed to Redis (for `caucasus-crawler ingest`) instead of
# written to ARCHIVE_PATH, which is then only read, for what is already archived.
REDIS_URL = None  # e.g. "redis://127.0.0.1:6379/0"
REDIS_WORKER_TIMEOUT = 30  # seconds without a heartbeat before a worker's requests are requeued

# -- politeness (live sites) -------------------------------------------------------------------
USER_AGENT = (
    f"caucasus-crawler/{__version__} (+https://github.com/caucasus-crawler/caucasus-crawler;"
    " South Caucasus news archive)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# Scrapy's own "Gave up retrying" line is an ERROR by default; the spider already reports the
# page as failed (a warning with the reason and the retries) and the crawl's summary counts it
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # also the cap on a gzip-encoded body once expanded
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
COOKIES_ENABLED = False

# -- hostile sites (caucasus_crawler/middlewares.py; README "Reliability") ---------------------
DOWNLOADER_MIDDLEWARES = {
    "caucasus_crawler.middlewares.PrivateAddressMiddleware": 40,  # before robots.txt, offsite
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "caucasus_crawler.middlewares.BackoffRetryMiddleware": 550,
    "caucasus_crawler.middlewares.CharsetMiddleware": 570,  # after gzip decoding (590)
    "caucasus_crawler.middlewares.XmlEntityMiddleware": 575,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "caucasus_crawler.middlewares.LoopAwareRedirectMiddleware": 600,
}
ALLOW_PRIVATE_ADDRESSES = False  # True: fetch private, loopback and link-local addresses too
# Host names are checked where the connection resolves them, at every resolution (DNS
# rebinding): Scrapy's resolver and HTTP/1.1 handler, giving connections public addresses only
TWISTED_DNS_RESOLVER = "caucasus_crawler.address_guard.PublicAddressResolver"
DOWNLOAD_HANDLERS = {  # the mirror's replay has its own (mirror/replay.py)
    scheme: "caucasus_crawler.address_guard.PublicAddressDownloadHandler"
    for scheme in ("http", "https")
}
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each next one
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 120.0  # a longer Retry-After is cut to this (and noted in the page's reason)
TELNETCONSOLE_ENABLED = False

# -- extraction (caucasus_crawler/extract_pool.py) ---------------------------------------------
# Worker processes that extract articles, shared by the crawl process's spiders: by default
# one per core this process may use; 0 extracts in the crawl's own thread (one core).
EXTRACT_PROCESSES = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)
# The crawlers of one process sharing that pool: each gets its share of the pool's budget of
# responses awaiting extraction (extract_pool_addon.py). `caucasus-crawler crawl A B` sets 2.
EXTRACT_POOL_CRAWLERS = 1
# Items of one response handled at once. A page yields one or two items and the pipelines do
# not wait, while Scrapy starts this many asyncio tasks for every response (100 by default),
# on the reactor's thread (benchmarks/README.md).
CONCURRENT_ITEMS = 4

# -- discovery (caucasus_crawler/spiders/news.py) --------------------------------------------
# Links on listings that match none of the profile's URL patterns but look like the outlet's
# articles (the shapes its feeds and sitemaps list, or generic article-URL signals) are
# fetched as article candidates: at most this many per outlet and run, so that a site's
# navigation never becomes a crawl of everything. `health` counts the ones held back.
UNMATCHED_LINKS_PER_RUN = 300
# Crawler traps (caucasus_crawler/bounds.py): the links taken from one page; the requests
# one outlet makes in one run (past it the run is "capped" and the next one goes on); the
# spellings of one URL that differ only in query parameters the crawl has no reason to know.
MAX_LINKS_PER_PAGE = 1000
MAX_REQUESTS_PER_OUTLET = 20_000
MAX_QUERY_VARIANTS = 5
SPIDER_MIDDLEWARES = {"caucasus_crawler.bounds.CrawlBounds": 900}

# -- the pipeline: normalise -> deduplicate -> store ------------------------------------------
# A progress bar on a terminal; a line every PROGRESS_INTERVAL seconds in a log.
EXTENSIONS = {"caucasus_crawler.progress.CrawlProgress": 500}
PROGRESS_INTERVAL = 10

ITEM_PIPELINES = {
    "caucasus_crawler.pipelines.NormalisePipeline": 100,
    "caucasus_crawler.pipelines.PublicationWindowPipeline": 200,
    "caucasus_crawler.pipelines.StorePipeline": 300,
}

# The store pipeline deduplicates and writes a batch per transaction: this many items, or
# what arrived in this many seconds, whichever comes first. Small, because the batch is
# written on the crawl's thread, which meanwhile feeds no page to the extraction workers
# (benchmarks/README.md).
ARCHIVE_BATCH_SIZE = 20
ARCHIVE_BATCH_SECONDS = 2.0

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
