"""`news`: the one generic spider, driven by ``data/sources.yaml``.

It only finds links and turns article pages into items; politeness, incremental state,
retries and storage are middlewares, pipelines and extensions switched on in
`crawler.settings`. Spider arguments (``-a``): ``sources`` (file), ``site`` (name, tag
or ``all``), ``since`` (YYYY-MM-DD: stop paging past older listings), ``base``
(``name=URL,...`` values for URL placeholders such as ``{sample}``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.errors import classify_failure
from crawler.middlewares import KIND, SOURCE
from crawler.prefilter import looks_relevant
from crawler.sources import Source, load_sources, placeholders_for, select_sources
from crawler.state import CrawlState
from extract.page import decode_html, parse_page

LISTED_DATE = "giaouoc_listed_date"
ITEM_TEXT_MAX = 600  # characters: a listing item (title, date, summary) is no longer
DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)")
ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")


def article_id(canonical_url: str) -> str:
    """Stable id of an article: a hash of its canonical URL."""
    return hashlib.sha1(canonicalize_url(canonical_url).encode()).hexdigest()[:20]


def parse_base(value: str | dict | None) -> dict[str, str]:
    if isinstance(value, dict):
        return value
    pairs = [p.split("=", 1) for p in (value or "").split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def _first_date(text: str) -> date | None:
    for m in DATE_IN_TEXT.finditer(text):
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            continue
    m = ISO_DATE.search(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        sources: str | None = None,
        site: str | None = None,
        since: str | date | None = None,
        base: str | dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        placeholders = placeholders_for(parse_base(base))
        chosen = select_sources(load_sources(sources), site)
        self.sources: list[Source] = [s.resolved(placeholders) for s in chosen]
        self.by_name = {s.name: s for s in self.sources}
        self.allowed_domains = sorted({d for s in self.sources for d in s.allowed_domains})
        self.since = date.fromisoformat(since) if isinstance(since, str) and since else since

    @property
    def state(self) -> CrawlState:
        return CrawlState.for_crawler(self.crawler)

    # -- requests ---------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for entry in source.start:
                yield self._request(entry.url, source, entry.type)

    def _request(self, url: str, source: Source, kind: str, **meta: Any) -> scrapy.Request:
        callback = {
            "sitemap": self.parse_sitemap,
            "feed": self.parse_feed,
            "article": self.parse_article,
        }.get(kind, self.parse_listing)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=10 if kind == "article" else 0,  # finish pages early
            meta={KIND: kind, SOURCE: source.name, **meta},
        )

    def _too_old(self, day: date | None) -> bool:
        return bool(self.since and day and day < self.since)

    # -- listings ---------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        source = self.by_name[response.meta[SOURCE]]
        dated: list[date] = []
        more: list[str] = []
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"].strip())
            if not url.startswith(("http://", "https://")):
                continue
            if source.matches(source.article_patterns, url):
                day = self._listed_date(link)
                if day:
                    dated.append(day)
                if self._too_old(day):
                    continue
                yield self._request(url, source, "article", **{LISTED_DATE: day})
            elif source.matches(source.listing_patterns, url):
                more.append(url)
        if self.since and dated and max(dated) < self.since:
            self.crawler.stats.inc_value("giaouoc/paging_stopped_since")
            return  # everything listed here is older: don't page further back
        for url in more:
            yield self._request(url, source, "listing")

    @staticmethod
    def _listed_date(link: Any) -> date | None:
        """The date printed beside a link in a listing (its item block)."""
        items = link.xpath("ancestor::*[self::li or self::article or self::tr or self::div]")
        for item in list(items)[::-1][:3]:  # nearest first (XPath returns document order)
            text = " ".join(item.xpath(".//text()").getall())
            if len(text) > ITEM_TEXT_MAX:  # a whole column, not this link's item
                return None
            day = _first_date(text)
            if day:
                return day
        return None

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.by_name[response.meta[SOURCE]]
        response.selector.remove_namespaces()
        for item in response.xpath("//item|//entry"):
            url = (item.xpath("link/text()").get() or item.xpath("link/@href").get() or "").strip()
            if not url or not source.matches(source.article_patterns, url):
                continue
            stamp = item.xpath("pubDate/text()|published/text()|updated/text()").get() or ""
            day = _feed_date(stamp.strip())
            if not self._too_old(day):
                yield self._request(response.urljoin(url), source, "article", **{LISTED_DATE: day})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.by_name[response.meta[SOURCE]]
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # noqa: BLE001 - a broken sitemap is an error of that page
            self._error(response.url, "bad_sitemap")
            return
        for entry in sitemap:
            url = response.urljoin(entry.get("loc", "").strip())
            day = _first_date(entry.get("lastmod", ""))
            if sitemap.type == "sitemapindex":
                if not self._too_old(day):
                    yield self._request(url, source, "sitemap")
            elif source.matches(source.article_patterns, url) and not self._too_old(day):
                yield self._request(url, source, "article", **{LISTED_DATE: day})
            elif source.matches(source.listing_patterns, url):
                yield self._request(url, source, "listing")

    # -- articles ---------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[dict]:
        source = self.by_name[response.meta[SOURCE]]
        header = response.headers.get("Content-Type", b"").decode("latin-1")
        charset = header.split("charset=")[-1].strip() if "charset=" in header else None
        html = decode_html(response.body, charset)
        try:
            page = parse_page(html, response.url, _selectors(source))
        except Exception:  # noqa: BLE001 - one odd page must not stop the crawl
            self.logger.exception("cannot parse %s", response.url)
            self._error(response.url, "parse")
            return
        if not page.text.strip():
            self._error(response.url, "empty_text")
            return
        if self._too_old(page.published):
            self.crawler.stats.inc_value("giaouoc/older_than_since")
            return
        canonical = page.canonical_url or response.url
        text = page.article_text
        yield {
            "id": article_id(canonical),
            "url": response.url,
            "canonical_url": canonical,
            "site": source.name,
            "source_province": source.province,
            "title": page.title,
            "author": page.author,
            "published": page.published,
            "fetched_at": datetime.now(UTC),
            "http_status": response.status,
            "content_hash": hashlib.sha1(text.encode("utf-8")).hexdigest(),
            "text": text,
            "html": html,
            "relevant_hint": looks_relevant(page.title, page.text),
            "_fetched_urls": sorted({response.url, response.request.url}),
            "_etag": _header(response, "ETag"),
            "_last_modified": _header(response, "Last-Modified"),
        }

    # -- errors -----------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = classify_failure(failure)
        if kind.startswith("skip:"):
            self.crawler.stats.inc_value(f"giaouoc/{kind.replace(':', '/')}")
            return
        url = request.url
        if failure.check(HttpError):
            url = failure.value.response.url
        self._error(url, kind, remember=request.meta.get(KIND) == "article")
        self.logger.info("error %s on %s", kind, url)

    def _error(self, url: str, kind: str, remember: bool = True) -> None:
        self.crawler.stats.inc_value(f"giaouoc/errors/{kind}")
        if remember:
            self.state.record_error(url, kind)


def _selectors(source: Source) -> dict:
    return dict(source.selectors)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _feed_date(stamp: str) -> date | None:
    if not stamp:
        return None
    try:
        return parsedate_to_datetime(stamp).date()
    except (TypeError, ValueError):
        return _first_date(stamp)
