"""The Scrapy item pipeline: validate items as `Article`s and stage them in batches.

The crawler never opens DuckDB (one writer per file). It writes finished articles as
atomic batches into the staging folder (`pipelines.staging.write_batch`) and only then
marks their pages finished in the crawl state — so a crawl killed at any moment either
has an article staged and remembered, or will fetch it again; never remembered and
lost. Duplicates (same canonical URL, or same text under another URL) are dropped, with
their pages marked finished too.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawler.paths import staging_dir
from crawler.state import CrawlState, FinishedPage
from extract.models import Article
from pipelines.staging import write_batch

logger = logging.getLogger(__name__)


class StagingPipeline:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.staging_dir = staging_dir(settings)
        self.batch_size = settings.getint("GIAOUOC_BATCH_SIZE", 100)
        self.articles: list[Article] = []
        self.pages: list[FinishedPage] = []
        self.ids_this_run: set[str] = set()
        self.hashes_this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StagingPipeline:
        return cls(crawler)

    @property
    def state(self) -> CrawlState:
        return CrawlState.for_crawler(self.crawler)

    def process_item(self, item: dict, spider: Any = None) -> Article:
        stats = self.crawler.stats
        try:
            article = Article.model_validate(item)
        except ValidationError as err:
            stats.inc_value("giaouoc/errors/invalid_item")
            first = err.errors()[0]
            raise DropItem(
                f"invalid article from {item.get('url')}: "
                f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
            ) from None
        urls = item.get("_fetched_urls") or [article.url]
        duplicate = (
            article.id in self.ids_this_run
            or (article.content_hash and article.content_hash in self.hashes_this_run)
            or self.state.known_article(article.id, article.content_hash)
        )
        status = "duplicate" if duplicate else "staged"
        self.pages += [
            FinishedPage(u, status, article.id, item.get("_etag"), item.get("_last_modified"))
            for u in urls
            if u
        ]
        if duplicate:
            stats.inc_value("giaouoc/duplicates")
            self._maybe_flush()
            raise DropItem(f"duplicate of {article.id}: {article.url}", log_level="DEBUG")
        self.ids_this_run.add(article.id)
        if article.content_hash:
            self.hashes_this_run.add(article.content_hash)
        self.articles.append(article)
        self._maybe_flush()
        return article

    def _maybe_flush(self) -> None:
        if len(self.articles) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the batch, then remember its pages (in that order, see module doc)."""
        if not self.articles and not self.pages:
            return
        write_batch(self.staging_dir, self.articles)
        self.state.finish_pages(
            self.pages, [(a.id, a.content_hash, a.canonical_url) for a in self.articles]
        )
        stats = self.crawler.stats
        stats.inc_value("giaouoc/articles", len(self.articles))
        stats.inc_value("giaouoc/relevant", sum(bool(a.relevant_hint) for a in self.articles))
        self.articles, self.pages = [], []

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
