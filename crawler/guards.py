"""Bounds on what one page or one site may cost, each refusal recorded as a crawl error.

Scrapy already bounds sizes (DOWNLOAD_MAXSIZE, also while un-gzipping), redirects
(REDIRECT_MAX_TIMES) and depth (DEPTH_LIMIT), but it drops those requests quietly, or
under names that say nothing, and it happily hands a PDF behind an ``.html`` URL to the
article parser. A refused page must show in the run summary and in ``crawl_runs`` (an
analyst has to know a source was not fully read), and an article page refused must be
remembered as an error in the crawl state like any other failure (so it is retried
later, not forgotten). So each guard here counts ``giaouoc/errors/<kind>``, records
article pages in the state, and then drops the request with `Refused` — an
`IgnoreRequest`, which the spider's errback treats as already handled.

Kinds: ``too_large`` (body or unpacked body past DOWNLOAD_MAXSIZE), ``not_html`` (an
article URL answering with another content type; refused at the headers, before the
body is read), ``redirect_loop``, ``too_many_redirects``, ``listing_limit`` (more
listing pages from one source in one run than GIAOUOC_MAX_LISTING_PAGES: endless
pagination, calendar traps).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, StopDownload
from scrapy.http import Headers, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from w3lib.url import canonicalize_url

from crawler.middlewares import KIND, LISTING_KINDS, SOURCE
from crawler.state import CrawlState

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REFUSED = "giaouoc_refused"  # request meta: the kind a headers-time check refused
RECEIVED = "giaouoc_bytes_received"  # request meta: body bytes received so far
MAXSIZE_WORDS = "larger than download max size"  # Scrapy's message when it cancels


class Refused(IgnoreRequest):
    """A page refused by a guard; its error is already recorded."""


def refuse(crawler: Any, request: Request, kind: str, why: str) -> Refused:
    """Record the error (stats; crawl state for article pages) and return the exception."""
    crawler.stats.inc_value(f"giaouoc/errors/{kind}")
    if request.meta.get(KIND) == "article":
        CrawlState.for_crawler(crawler).record_error(request.url, kind)
    logger.warning("refused %s (%s): %s", request.url, kind, why)
    return Refused(f"refused {request.url} ({kind}): {why}")


def is_html(headers: Headers) -> bool:
    """HTML, or no Content-Type at all (then the parser decides)."""
    value = headers.get("Content-Type")
    if not value:
        return True
    media = value.decode("latin-1").split(";", 1)[0].strip().lower()
    return media in HTML_TYPES


class PageGuard:
    """Downloader middleware: content type of article pages, redirect loops and chains,
    and downloads cancelled for size. Sits outside RedirectMiddleware (600) so it sees
    each 3xx before it is followed."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE", 0)
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageGuard:
        return cls(crawler)

    def headers_received(
        self, headers: Headers, body_length: int, request: Request, spider: Any = None
    ) -> None:
        """Stop an article download whose headers say it is not a page (PDF, image...)."""
        if request.meta.get(KIND) == "article" and not is_html(headers):
            request.meta[REFUSED] = "not_html"
            raise StopDownload(fail=False)

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        """Count body bytes: a body of unknown length cut at DOWNLOAD_MAXSIZE comes back as
        a bare cancellation, and only this count tells it from a shutdown."""
        request.meta[RECEIVED] = request.meta.get(RECEIVED, 0) + len(data)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if request.meta.get(REFUSED) or (
            request.meta.get(KIND) == "article"
            and 200 <= response.status < 300
            and not is_html(response.headers)
        ):
            kind = request.meta.get(REFUSED) or "not_html"
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            raise refuse(self.crawler, request, kind, f"Content-Type {content_type!r}")
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = canonicalize_url(urljoin(request.url, location.decode("latin-1")))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in {canonicalize_url(u) for u in chain}:
                raise refuse(
                    self.crawler,
                    request,
                    "redirect_loop",
                    f"redirects back to {target} after {len(chain)} hop(s)",
                )
            if len(chain) > self.max_redirects:
                raise refuse(
                    self.crawler,
                    request,
                    "too_many_redirects",
                    f"more than {self.max_redirects} redirects",
                )
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if not isinstance(exception, DownloadCancelledError):
            return None
        max_size = request.meta.get("download_maxsize", self.max_size)
        received = request.meta.get(RECEIVED, 0)
        if MAXSIZE_WORDS in str(exception) or (max_size and received > max_size):
            why = str(exception) or f"{received} bytes received, more than {max_size}"
            raise refuse(self.crawler, request, "too_large", why) from exception
        return None


class BoundedDecompression(HttpCompressionMiddleware):
    """Scrapy's decompression (which already stops at DOWNLOAD_MAXSIZE, so a gzip bomb
    never fills memory), with that stop recorded as ``too_large``."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as error:
            if error.__cause__ is None or self.crawler is None:
                raise
            raise refuse(self.crawler, request, "too_large", str(error)) from error

    @classmethod
    def from_crawler(cls, crawler: Any) -> BoundedDecompression:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware


class ListingLimit(BaseSpiderMiddleware):
    """Spider middleware: at most GIAOUOC_MAX_LISTING_PAGES listing pages per source per
    run, so a pagination that never ends (``?page=N+1`` forever) ends anyway."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.limit = crawler.settings.getint("GIAOUOC_MAX_LISTING_PAGES", 1000)
        self.asked: dict[str, set[str]] = {}
        self.exceeded: set[str] = set()

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if response is None or request.meta.get(KIND) not in LISTING_KINDS or self.limit <= 0:
            return request
        source = request.meta.get(SOURCE, "")
        asked = self.asked.setdefault(source, set())
        url = canonicalize_url(request.url)
        if url in asked or len(asked) < self.limit:  # a menu links the same listings from
            asked.add(url)  # every page: each URL counts once
            return request
        if source not in self.exceeded:  # one error per source, not per link
            self.exceeded.add(source)
            self.crawler.stats.inc_value("giaouoc/errors/listing_limit")
            logger.warning(
                "source %s: more than %d listing pages this run; not following "
                "%s and further listing links",
                source,
                self.limit,
                request.url,
            )
        return None
