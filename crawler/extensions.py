"""Run bookkeeping as Scrapy extensions: a live progress line and the end-of-run summary.

Both read the crawler's stats (the middlewares and pipeline count into
``giaouoc/...`` keys), so they see the same numbers the summary file records.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text
from scrapy import signals
from twisted.internet import task

from crawler.paths import staging_dir
from crawler.summary import CrawlSummary, write_summary

ERROR_PREFIX = "giaouoc/errors/"


def summary_from_stats(
    stats: dict, run_id: str, started: datetime, reason: str, sources: list[str]
) -> CrawlSummary:
    return CrawlSummary(
        run_id=run_id,
        started=started,
        finished=datetime.now(UTC),
        finish_reason=reason,
        sources=sources,
        pages=stats.get("downloader/response_count", 0),
        articles=stats.get("giaouoc/articles", 0),
        relevant=stats.get("giaouoc/relevant", 0),
        not_modified=stats.get("giaouoc/not_modified", 0),
        skipped_seen=stats.get("giaouoc/skipped_seen", 0),
        duplicates=stats.get("giaouoc/duplicates", 0),
        errors_by_kind={
            k[len(ERROR_PREFIX) :]: v
            for k, v in sorted(stats.items())
            if k.startswith(ERROR_PREFIX)
        },
    )


def summary_table(summary: CrawlSummary) -> Table:
    table = Table(title=f"Crawl {summary.run_id} — {summary.finish_reason}", show_header=False)
    seconds = (summary.finished - summary.started).total_seconds()
    rows = [
        ("sources", ", ".join(summary.sources)),
        ("pages fetched", f"{summary.pages} in {seconds:.1f} s"),
        ("new articles", str(summary.articles)),
        ("relevant (pre-filter)", str(summary.relevant)),
        ("unchanged (304)", str(summary.not_modified)),
        ("seen before, skipped", str(summary.skipped_seen)),
        ("duplicates dropped", str(summary.duplicates)),
        ("errors", ", ".join(f"{k}: {v}" for k, v in summary.errors_by_kind.items()) or "none"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


class CrawlReport:
    """Progress while crawling (GIAOUOC_PROGRESS) and ``run-<id>.json`` at the end."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.staging_dir = staging_dir(settings)
        self.run_id = settings.get("GIAOUOC_RUN_ID") or time.strftime("%Y%m%dT%H%M%S")
        self.show = settings.getbool("GIAOUOC_PROGRESS", False)
        self.interval = settings.getfloat("GIAOUOC_PROGRESS_INTERVAL", 0.5)
        self.console = Console(stderr=True)
        self.live: Live | None = None
        self.loop: task.LoopingCall | None = None
        self.started = datetime.now(UTC)
        self.t0 = time.monotonic()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlReport:
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        self.started = datetime.now(UTC)
        self.t0 = time.monotonic()
        if self.show:
            self.live = Live(self._line(), console=self.console, transient=True, auto_refresh=False)
            self.live.start()
            self.loop = task.LoopingCall(self._refresh)
            self.loop.start(self.interval, now=False)

    def _line(self) -> Text:
        s = self.crawler.stats.get_stats()
        elapsed = max(time.monotonic() - self.t0, 1e-6)
        pages = s.get("downloader/response_count", 0)
        queued = s.get("scheduler/enqueued", 0) - s.get("scheduler/dequeued", 0)
        errors = sum(v for k, v in s.items() if k.startswith(ERROR_PREFIX))
        staged = s.get("giaouoc/articles", 0)
        return Text(
            f"crawling: {pages} pages ({pages / elapsed:.1f}/s), {staged} articles staged, "
            f"{s.get('giaouoc/relevant', 0)} relevant, {errors} errors, {queued} queued"
        )

    def _refresh(self) -> None:
        if self.live:
            self.live.update(self._line(), refresh=True)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.live:
            self.live.stop()
        summary = summary_from_stats(
            self.crawler.stats.get_stats(),
            self.run_id,
            self.started,
            reason,
            [s.name for s in getattr(spider, "sources", [])],
        )
        write_summary(self.staging_dir, summary)
        if self.show:
            self.console.print(summary_table(summary))
