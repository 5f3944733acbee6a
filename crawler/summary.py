"""The record of one crawl run, shown at the end and staged for the `crawl_runs` table.

The crawl process writes it as ``run-<run_id>.json`` into the staging folder (atomically,
like the article batches), so the loader records it with the articles of the run.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

RUN_GLOB = "run-*.json"


class CrawlSummary(BaseModel):
    run_id: str
    started: datetime
    finished: datetime
    finish_reason: str = "finished"
    sources: list[str] = Field(default_factory=list)
    pages: int = 0  # HTTP responses received (listings, feeds, sitemaps, articles, robots)
    articles: int = 0  # new articles staged
    relevant: int = 0  # of which the keyword pre-filter flagged
    not_modified: int = 0  # 304 answers to conditional requests
    skipped_seen: int = 0  # article links not fetched: finished in an earlier run
    duplicates: int = 0  # fetched but already stored under another URL or id
    errors_by_kind: dict[str, int] = Field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())


def run_file(staging_dir: Path, run_id: str) -> Path:
    return staging_dir / f"run-{run_id}.json"


def write_summary(staging_dir: Path, summary: CrawlSummary) -> Path:
    staging_dir.mkdir(parents=True, exist_ok=True)
    final = run_file(staging_dir, summary.run_id)
    tmp = final.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps(summary.model_dump(mode="json"), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    os.replace(tmp, final)
    return final


def read_summary(path: Path) -> CrawlSummary:
    return CrawlSummary.model_validate_json(path.read_text(encoding="utf-8"))
