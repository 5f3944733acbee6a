"""Incremental crawling and polite retries, as Scrapy middlewares wired in settings.

* `SeenArticleFilter` (spider middleware) drops requests for article pages already
  finished in an earlier run (or this one, after a restart), so a periodic crawl asks
  only for new articles.
* `ConditionalRequests` (downloader middleware) sends If-None-Match /
  If-Modified-Since for listings, sitemaps and feeds it has a copy of; a 304 is turned
  back into the stored page so its links are still followed.
* `BackoffRetryMiddleware` is Scrapy's retry with an exponential pause before retrying.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.state import CrawlState, Validators

KIND = "giaouoc_kind"  # request meta: listing | search | sitemap | feed | article
SOURCE = "giaouoc_source"  # request meta: source name
VALIDATORS = "giaouoc_validators"  # request meta: Validators for a conditional request
LISTING_KINDS = {"listing", "search", "sitemap", "feed"}


class SeenArticleFilter(BaseSpiderMiddleware):
    """Drop article requests whose page is already finished (deltafetch, by URL)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.error_retry_hours = settings.getfloat("GIAOUOC_ERROR_RETRY_HOURS", 24.0)
        self.recheck: dict[str, float | None] = {}
        self.run_started = time.time()
        self.skipped: set[str] = set()
        crawler.signals.connect(self._opened, signal=signals.spider_opened)

    def _opened(self, spider: Any) -> None:
        self.recheck = {s.name: s.recheck_days for s in getattr(spider, "sources", [])}

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if request.meta.get(KIND) != "article":
            return request
        state = CrawlState.for_crawler(self.crawler)
        due, validators, finished_at = state.page_due(
            request.url, self.recheck.get(request.meta.get(SOURCE, "")), self.error_retry_hours
        )
        if not due:
            earlier = finished_at is not None and finished_at < self.run_started
            if earlier and request.url not in self.skipped:  # each URL once, not each link
                self.skipped.add(request.url)
                self.crawler.stats.inc_value("giaouoc/skipped_seen")
            return None
        if validators:
            request.meta[VALIDATORS] = validators
        return request


class ConditionalRequests:
    """Conditional GETs for pages we keep a copy of; 304 → the copy, for listings."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequests:
        return cls(crawler)

    @property
    def state(self) -> CrawlState:
        return CrawlState.for_crawler(self.crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        validators: Validators | None = request.meta.get(VALIDATORS)
        if validators is None and request.meta.get(KIND) in LISTING_KINDS:
            cached = self.state.cached_listing(request.url)
            validators = cached.validators if cached else None
        if validators:
            if validators.etag:
                request.headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                request.headers["If-Modified-Since"] = validators.last_modified
        return None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        kind = request.meta.get(KIND)
        stats = self.crawler.stats
        if response.status == 304:
            stats.inc_value("giaouoc/not_modified")
            if kind == "article":
                self.state.touch(request.url)
                raise IgnoreRequest(f"not modified: {request.url}")
            cached = self.state.cached_listing(request.url)
            if cached is None:
                return response
            headers = Headers({"Content-Type": cached.content_type})
            cls = responsetypes.from_args(headers=headers, url=request.url, body=cached.body)
            return cls(
                url=request.url,
                status=200,
                headers=headers,
                body=cached.body,
                request=request,
                flags=["not-modified"],
            )
        if kind in LISTING_KINDS and response.status == 200:
            validators = Validators(_header(response, "ETag"), _header(response, "Last-Modified"))
            if validators.etag or validators.last_modified:
                content_type = _header(response, "Content-Type") or "text/html"
                self.state.store_listing(request.url, validators, content_type, response.body)
        return response


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry like Scrapy, but wait RETRY_BACKOFF_BASE × 2ⁿ⁻¹ s (≤ RETRY_BACKOFF_MAX) first."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def process_exception(
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def _pause(self, retry: Request) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
        if delay > 0:
            from twisted.internet import reactor, task  # the reactor Scrapy installed

            await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))
