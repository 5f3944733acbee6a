"""What the crawler remembers between runs: finished pages, validators, listing copies.

scrapy-deltafetch does not run on Scrapy ≥ 2.16, and Scrapy's JOBDIR is not enough on
its own: it appends to ``requests.seen`` as requests are *scheduled* but saves the
queue only on a clean stop, so after a SIGKILL the pending requests are remembered as
seen and lost. This store instead records a page as finished only once its outcome is
durable (the article's batch is on disk, or the error is recorded), in SQLite with a
commit per step, so a killed crawl restarts from its start URLs and skips exactly the
finished pages. Listing pages are kept with their ETag / Last-Modified and body, so an
unchanged listing costs a 304 and is still read for links.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from w3lib.url import canonicalize_url

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,          -- canonicalized URL as fetched
    status TEXT NOT NULL,          -- staged | duplicate | old | error
    error_kind TEXT,
    article_id TEXT,
    etag TEXT,
    last_modified TEXT,
    finished_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS listings (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    body BLOB,                     -- zlib-compressed, re-read on 304
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT,
    url TEXT,
    staged_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles(content_hash);
"""


def url_key(url: str) -> str:
    return canonicalize_url(url)


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FinishedPage:
    url: str
    status: str  # staged | duplicate | old
    article_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class CachedListing:
    validators: Validators
    content_type: str
    body: bytes


class CrawlState:
    """The SQLite file ``<state dir>/state.sqlite``; one instance per crawler."""

    _by_crawler: WeakKeyDictionary[Any, CrawlState] = WeakKeyDictionary()

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    @classmethod
    def for_crawler(cls, crawler: Any) -> CrawlState:
        """The crawler's shared state, opened from ``GIAOUOC_STATE_DIR`` on first use."""
        state = cls._by_crawler.get(crawler)
        if state is None:
            from crawler.paths import state_dir

            state = cls(state_dir(crawler.settings) / "state.sqlite")
            cls._by_crawler[crawler] = state
            from scrapy import signals

            crawler.signals.connect(state.close, signal=signals.engine_stopped)
        return state

    def close(self) -> None:
        self.db.close()

    # -- articles ---------------------------------------------------------------------
    def page_due(
        self, url: str, recheck_days: float | None, error_retry_hours: float
    ) -> tuple[bool, Validators | None, float | None]:
        """Should this article URL be fetched, with which validators? (+ when finished)"""
        row = self.db.execute(
            "SELECT status, etag, last_modified, finished_at FROM pages WHERE url = ?",
            (url_key(url),),
        ).fetchone()
        if row is None:
            return True, None, None
        status, etag, last_modified, finished_at = row
        age = time.time() - finished_at
        if status == "error":
            return age > error_retry_hours * 3600, None, finished_at
        if recheck_days is not None and age > recheck_days * 86400:
            return True, Validators(etag, last_modified), finished_at
        return False, None, finished_at

    def finish_pages(self, pages: Iterable[FinishedPage], articles: Iterable[tuple] = ()) -> None:
        """Record pages whose outcome is durable; one transaction."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO pages (url, status, error_kind, article_id, etag, "
                "last_modified, finished_at) VALUES (?, ?, NULL, ?, ?, ?, ?)",
                [
                    (url_key(p.url), p.status, p.article_id, p.etag, p.last_modified, now)
                    for p in pages
                ],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO articles (id, content_hash, url, staged_at) "
                "VALUES (?, ?, ?, ?)",
                [(*a, now) for a in articles],
            )

    def record_error(self, url: str, kind: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pages (url, status, error_kind, finished_at) "
            "VALUES (?, 'error', ?, ?)",
            (url_key(url), kind, time.time()),
        )

    def touch(self, url: str) -> None:
        """A rechecked article answered 304: restart its recheck clock."""
        self.db.execute(
            "UPDATE pages SET finished_at = ? WHERE url = ?", (time.time(), url_key(url))
        )

    def known_article(self, article_id: str, content_hash: str | None) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM articles WHERE id = ? OR (content_hash IS NOT NULL AND "
            "content_hash = ?) LIMIT 1",
            (article_id, content_hash),
        ).fetchone()
        return row is not None

    def errors(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT url, error_kind FROM pages WHERE status = 'error'"))

    # -- listings, sitemaps, feeds ----------------------------------------------------
    def cached_listing(self, url: str) -> CachedListing | None:
        row = self.db.execute(
            "SELECT etag, last_modified, content_type, body FROM listings WHERE url = ?",
            (url_key(url),),
        ).fetchone()
        if row is None or row[3] is None:
            return None
        return CachedListing(
            Validators(row[0], row[1]), row[2] or "text/html", zlib.decompress(row[3])
        )

    def store_listing(
        self, url: str, validators: Validators, content_type: str, body: bytes
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO listings (url, etag, last_modified, content_type, body, "
            "fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                url_key(url),
                validators.etag,
                validators.last_modified,
                content_type,
                zlib.compress(body),
                time.time(),
            ),
        )
