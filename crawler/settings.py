"""Scrapy settings of the giaouoc crawler: politeness first, everything switchable.

Defaults are for real provincial sites (slow, polite, identifiable); tests and the
benchmark turn delays down through settings overrides, never by editing code.
Run as ``scrapy crawl news -a site=NAME`` (``scrapy.cfg`` points here) or through
``giaouoc crawl``. Files go beside the database: ``GIAOUOC_DB`` (setting or environment
variable) → staging folder and crawl-state folder, see `pipelines.config`.
"""

BOT_NAME = "giaouoc"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- politeness -------------------------------------------------------------------------
USER_AGENT = (
    "giaouoc/0.1 (research crawler for provincial emulation news; "
    "+https://github.com/giaouoc/giaouoc)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # an article page is never this big
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True  # a body shorter than its Content-Length is an error
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time
RETRY_BACKOFF_MAX = 60.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DEPTH_LIMIT = 200  # listing pages deep; --since usually stops paging long before
REDIRECT_MAX_TIMES = 5  # http→https→www→canonical is 3; more is a trap (crawler.guards)

# -- components -------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ConditionalRequests": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.guards.BoundedDecompression": 590,  # records a gzip bomb as too_large
    "crawler.guards.PageGuard": 650,  # non-HTML articles, redirect loops, oversized pages
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.SeenArticleFilter": 950,
    "crawler.guards.ListingLimit": 940,
}
ITEM_PIPELINES = {
    "pipelines.items.StagingPipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlReport": 500,
}

# -- giaouoc ----------------------------------------------------------------------------
GIAOUOC_DB = None  # None → $GIAOUOC_DB → data/giaouoc.duckdb
GIAOUOC_BATCH_SIZE = 50  # articles per staged batch (also the most a SIGKILL can lose)
GIAOUOC_MAX_LISTING_PAGES = 1000  # per source and run: endless pagination ends here
GIAOUOC_ERROR_RETRY_HOURS = 24.0  # failed article pages are tried again after this
GIAOUOC_PROGRESS = False  # live progress line on stderr (giaouoc crawl turns it on)
GIAOUOC_RUN_ID = None

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
