"""What a database holds, at a glance: table sizes, events by type, extractor versions,
recent runs and their errors, and batches still waiting in staging."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import staging
from pipelines.config import staging_dir_for
from pipelines.migrations import current_version
from pipelines.store import DEFAULT_LOCK_TIMEOUT, open_store
from pipelines.table_docs import TABLES


@dataclass
class Stats:
    db: Path
    schema_version: int
    rows: dict[str, int]
    events_by_type: list[tuple[Any, ...]]
    events_by_year: list[tuple[Any, ...]]
    extractor_versions: list[tuple[Any, ...]]
    last_runs: list[tuple[Any, ...]]
    pending_batches: int
    run_columns: list[str] = field(
        default_factory=lambda: ["run", "kind", "started", "finished", "articles", "errors"]
    )


def collect_stats(db: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Stats:
    with open_store(db, read_only=True, lock_timeout=lock_timeout) as con:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return con.execute(sql).fetchall()

        return Stats(
            db=db,
            schema_version=current_version(con),
            rows={t: int(rows(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES},
            events_by_type=rows(
                "SELECT event_type, count(*), sum(source_count) FROM events"
                " GROUP BY ALL ORDER BY 2 DESC"
            ),
            events_by_year=rows(
                "SELECT year, count(*) FROM events GROUP BY ALL ORDER BY year DESC NULLS LAST"
                " LIMIT 12"
            ),
            extractor_versions=rows(
                "SELECT extractor_version, count(*), count(*) FILTER (WHERE relevant)"
                " FROM articles GROUP BY ALL ORDER BY 1"
            ),
            last_runs=rows(
                "SELECT run_id, kind, started_at, finished_at, articles,"
                " coalesce(errors_by_kind, CAST(errors AS VARCHAR))"
                " FROM crawl_runs ORDER BY coalesce(started_at, finished_at) DESC NULLS LAST"
                " LIMIT 5"
            ),
            pending_batches=len(staging.pending_batches(staging_dir_for(db))),
        )
