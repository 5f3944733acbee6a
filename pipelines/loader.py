"""The single writer: merges article batches and their extracted events into the store.

Each batch is one write transaction: the batch's articles and event parts replace
whatever those articles contributed before, and every event they touch is recomputed
from all its sources. A process killed mid-batch leaves the previous state (DuckDB
rolls the open transaction back), the batch file is deleted only after the commit, so
rerunning loads it again; and since an unchanged article (same URL, same content,
same extractor version) is skipped, loading anything twice changes nothing.

The file is opened only for the short read before extraction and for the write after
it, so analysts can query between batches (DuckDB admits one writer per file).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from extract.models import Article, EventRecord
from pipelines import staging
from pipelines.migrations import utc_now
from pipelines.rows import (
    SOURCE_LIST_COLUMNS,
    BatchRows,
    article_id_of,
    content_hash_of,
    decompress_html,
    to_utc_naive,
)
from pipelines.store import DEFAULT_LOCK_TIMEOUT, open_store, write_transaction

RUN_SUMMARY_GLOB = "run-*.json"
_ARTICLE_PARTS = ("event_sources", "event_members", "event_deputies", "event_goals", "evidence")

# Every field of `events`, taken from the best-ranked source that states it.
_RECOMPUTE_EVENTS = """
INSERT INTO events
SELECT event_id,
       min(event_key),
       arg_min(event_type, source_rank),
       arg_min(event_date, source_rank) FILTER (WHERE event_date IS NOT NULL),
       arg_min(year, source_rank) FILTER (WHERE year IS NOT NULL),
       arg_min(province, source_rank) FILTER (WHERE province IS NOT NULL),
       arg_min(province_2025, source_rank) FILTER (WHERE province_2025 IS NOT NULL),
       arg_min(bloc_name, source_rank) FILTER (WHERE bloc_name IS NOT NULL),
       arg_min(bloc_name_normalized, source_rank) FILTER (WHERE bloc_name IS NOT NULL),
       arg_min(bloc_kind, source_rank) FILTER (WHERE bloc_kind IS NOT NULL),
       arg_min(member_count, source_rank) FILTER (WHERE member_count IS NOT NULL),
       arg_min(leader_unit, source_rank) FILTER (WHERE leader_unit IS NOT NULL),
       arg_min(leader_unit_normalized, source_rank) FILTER (WHERE leader_unit IS NOT NULL),
       count(*),
       min(published_date),
       arg_min(extractor_version, source_rank),
       max(extracted_at)
FROM event_sources
WHERE event_id IN (SELECT event_id FROM affected_events)
GROUP BY event_id
"""


# The list columns of a batch's sources, fanned out into the part tables.
_FAN_OUT = [
    f"""INSERT INTO {table} BY NAME
    SELECT event_id, article_id, generate_subscripts({names}, 1) - 1 AS position,
           unnest({names}) AS {name}, unnest({names}_normalized) AS {normalized}
    FROM in_sources"""
    for table, names, name, normalized in (
        ("event_members", "members", "name", "normalized"),
        ("event_deputies", "deputies", "name", "normalized"),
        ("event_goals", "goals", "goal", "goal_normalized"),
    )
] + [
    """INSERT INTO evidence BY NAME
    SELECT event_id, article_id, unnest(evidence_field) AS field,
           unnest(evidence_start) AS start_char, unnest(evidence_end) AS end_char,
           unnest(evidence_text) AS text
    FROM in_sources"""
]

# Every unit named in the batch, as written (whitespace folded) and as a key. Distinct
# pairs first: a batch names the same few hundred units thousands of times.
_NAMED_UNITS = """
CREATE OR REPLACE TEMP TABLE named_units AS
SELECT DISTINCT regexp_replace(trim(nfc_normalize(alias)), '\\s+', ' ', 'g') AS alias, unit_key
FROM (
    SELECT DISTINCT alias, unit_key FROM (
        SELECT unnest(members) AS alias, unnest(members_normalized) AS unit_key
        FROM in_sources
        UNION ALL
        SELECT unnest(deputies), unnest(deputies_normalized) FROM in_sources
        UNION ALL
        SELECT leader_unit, leader_unit_normalized FROM in_sources
    )
    WHERE unit_key IS NOT NULL AND alias IS NOT NULL
)
"""
# A unit's display name is its smallest alias, so it never depends on load order.
_UPSERT_UNITS = """
INSERT INTO units
SELECT unit_key, min(alias), ? FROM named_units GROUP BY unit_key
ON CONFLICT (unit_key) DO UPDATE
SET display_name = least(units.display_name, excluded.display_name)
"""
_UPSERT_ALIASES = """
INSERT INTO unit_aliases
SELECT alias, min(unit_key) FROM named_units GROUP BY alias
ON CONFLICT (alias) DO NOTHING
"""


class EventExtractor(Protocol):
    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]: ...


def default_extractor() -> tuple[EventExtractor, str]:
    """The project's extraction engine and its version (imported late: it loads models)."""
    from extract.pipeline import EXTRACTOR_VERSION, Extractor

    return Extractor(), EXTRACTOR_VERSION


@dataclass
class LoadCounts:
    """What a load did, for the progress display and the final summary."""

    batches: int = 0
    articles: int = 0  # articles read from batches / the store
    stored: int = 0  # new or changed articles written
    unchanged: int = 0  # already stored with the same content and extractor version
    duplicates: int = 0  # same content as another stored page
    relevant: int = 0
    events_touched: int = 0

    def add(self, other: LoadCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Loader:
    """Loads articles into one database file, extracting their events on the way."""

    def __init__(
        self,
        db: Path,
        extractor: EventExtractor | None = None,
        extractor_version: str | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.db = db
        self._extractor = extractor
        self._version = extractor_version
        self.lock_timeout = lock_timeout

    @property
    def extractor(self) -> EventExtractor:
        if self._extractor is None:
            self._extractor, version = default_extractor()
            self._version = self._version or version
        return self._extractor

    @property
    def extractor_version(self) -> str:
        if self._version is None:
            _ = self.extractor
        return self._version or ""

    def _open(self) -> Any:
        return open_store(self.db, lock_timeout=self.lock_timeout)

    # -- loading articles ------------------------------------------------------------

    def load_articles(self, articles: Iterable[Article]) -> LoadCounts:
        """Store new or changed articles with their events, in one transaction."""
        batch = _unique_by_page(articles)
        counts = LoadCounts(articles=len(batch.articles), duplicates=batch.duplicates)
        if not batch.articles:
            return counts
        ids = pa.table({"article_id": list(batch.articles), "content_hash": batch.hashes()})
        version = self.extractor_version
        with self._open() as con:
            con.register("incoming_ids", ids)
            stored = dict(
                con.execute(
                    "SELECT a.article_id, a.content_hash IS NOT DISTINCT FROM i.content_hash"
                    " AND a.extractor_version IS NOT DISTINCT FROM ?"
                    " FROM articles a JOIN incoming_ids i USING (article_id)",
                    [version],
                ).fetchall()
            )
            same_content = {
                row[0]
                for row in con.execute(
                    "SELECT i.article_id FROM incoming_ids i JOIN articles a"
                    " ON a.content_hash = i.content_hash AND a.article_id <> i.article_id"
                ).fetchall()
            }
        todo: list[Article] = []
        for article_id, article in batch.articles.items():
            if stored.get(article_id):
                counts.unchanged += 1
            elif article_id in same_content and article_id not in stored:
                counts.duplicates += 1
            else:
                todo.append(article)
        if not todo:
            return counts
        records = self._extract(todo)
        counts.add(self._write(todo, records, replacing=any(a in stored for a in ids_of(todo))))
        return counts

    def _extract(self, articles: list[Article]) -> dict[str, EventRecord]:
        """Records by article id; articles the crawler's pre-filter rejected are skipped."""
        wanted = [a for a in articles if a.relevant_hint is not False]
        if not wanted:
            return {}
        return {record.id: record for record in self.extractor.extract_many(wanted)}

    def _write(
        self, articles: list[Article], records: dict[str, EventRecord], *, replacing: bool
    ) -> LoadCounts:
        now = utc_now()
        rows = BatchRows()
        with _gc_paused():
            for article in articles:
                rows.add(
                    article,
                    records.get(article.id),
                    extractor_version=self.extractor_version,
                    extracted_at=now,
                    loaded_at=now,
                )
            article_table, source_table = rows.tables()
        with self._open() as con, write_transaction(con):
            touched = write_tables(con, article_table, source_table, replacing=replacing, now=now)
        return LoadCounts(
            stored=article_table.num_rows,
            relevant=source_table.num_rows,
            events_touched=touched,
        )

    # -- staged batches ----------------------------------------------------------------

    def load_staged(
        self,
        staging_dir: Path,
        on_batch: Callable[[Path, LoadCounts, int], None] | None = None,
    ) -> LoadCounts:
        """Merge every complete staged batch (oldest first), deleting each once stored.

        Crawl summaries (``run-*.json``) staged beside the batches go to `crawl_runs`.
        `on_batch(path, counts, pending)` is called after each batch.
        """
        total = LoadCounts()
        pending = staging.pending_batches(staging_dir)
        for index, path in enumerate(pending, start=1):
            counts = self.load_articles(staging.read_batch(path))
            counts.batches = 1
            path.unlink()
            total.add(counts)
            if on_batch:
                on_batch(path, counts, len(pending) - index)
        self.load_run_summaries(staging_dir)
        return total

    def load_run_summaries(self, staging_dir: Path) -> int:
        paths = sorted(staging_dir.glob(RUN_SUMMARY_GLOB)) if staging_dir.is_dir() else []
        for path in paths:
            summary = json.loads(path.read_text(encoding="utf-8"))
            self.record_run(path.stem, "crawl", summary)
            path.unlink()
        return len(paths)

    def record_run(self, run_id: str, kind: str, summary: dict[str, Any]) -> None:
        """One row of `crawl_runs` from a summary dict (unknown keys kept in `details`)."""
        row = run_row(run_id, kind, summary)
        with self._open() as con, write_transaction(con):
            con.execute("DELETE FROM crawl_runs WHERE run_id = ?", [run_id])
            con.execute(
                f"INSERT INTO crawl_runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )

    # -- re-extraction -----------------------------------------------------------------

    def reextract(
        self,
        *,
        everything: bool = False,
        chunk_size: int = 200,
        on_chunk: Callable[[LoadCounts, int], None] | None = None,
    ) -> LoadCounts:
        """Re-run extraction on stored articles whose extractor version is not current.

        Works from the stored text (or the stored HTML), never recrawls; each chunk's
        events are replaced in one transaction. `everything` re-extracts every article.
        """
        total = LoadCounts()
        version = self.extractor_version
        after = ""
        while True:
            with open_store(self.db, lock_timeout=self.lock_timeout) as con:
                remaining = con.execute(
                    "SELECT count(*) FROM articles WHERE article_id > ?"
                    + ("" if everything else " AND extractor_version IS DISTINCT FROM ?"),
                    [after] if everything else [after, version],
                ).fetchall()[0][0]
                if not remaining:
                    break
                cursor = con.execute(
                    "SELECT * FROM articles WHERE article_id > ?"
                    + ("" if everything else " AND extractor_version IS DISTINCT FROM ?")
                    + " ORDER BY article_id LIMIT ?",
                    ([after] if everything else [after, version]) + [chunk_size],
                )
                names = [d[0] for d in cursor.description]
                stored_rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            articles = [_article_from_row(r) for r in stored_rows]
            after = stored_rows[-1]["article_id"]
            counts = self._write(articles, self._extract(articles), replacing=True)
            counts.articles = len(articles)
            counts.batches = 1
            total.add(counts)
            if on_chunk:
                on_chunk(counts, remaining - len(articles))
        return total


def write_tables(
    con: duckdb.DuckDBPyConnection,
    articles: pa.Table,
    sources: pa.Table,
    *,
    replacing: bool,
    now: datetime,
) -> int:
    """Insert a batch (inside the caller's transaction); return the events it touched.

    `replacing` says some of the articles are already stored: their old rows go first.
    """
    con.register("in_articles", articles)
    con.register("in_sources", sources)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE affected_events AS SELECT DISTINCT event_id FROM in_sources"
    )
    if replacing:
        con.execute(
            "INSERT INTO affected_events SELECT DISTINCT event_id FROM event_sources"
            " WHERE article_id IN (SELECT article_id FROM in_articles)"
            " AND event_id NOT IN (SELECT event_id FROM affected_events)"
        )
        for name in ("articles", *_ARTICLE_PARTS):
            con.execute(
                f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM in_articles)"
            )
    con.execute("INSERT INTO articles BY NAME SELECT * FROM in_articles")
    scalar = ", ".join(n for n in sources.column_names if n not in SOURCE_LIST_COLUMNS)
    con.execute(f"INSERT INTO event_sources BY NAME SELECT {scalar} FROM in_sources")
    for statement in _FAN_OUT:
        con.execute(statement)
    con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM affected_events)")
    con.execute(_RECOMPUTE_EVENTS)
    con.execute(_NAMED_UNITS)
    con.execute(_UPSERT_UNITS, [now])
    con.execute(_UPSERT_ALIASES)
    touched = con.execute("SELECT count(*) FROM affected_events").fetchall()[0][0]
    con.unregister("in_articles")
    con.unregister("in_sources")
    return int(touched)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a batch allocates millions of small, acyclic objects (column values);
    the cycle collector would rescan the whole heap of loaded records many times over,
    which costs more than the building itself. Nothing here creates cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _UniqueBatch:
    articles: dict[str, Article]
    duplicates: int

    def hashes(self) -> list[str | None]:
        return [content_hash_of(a) for a in self.articles.values()]


def _unique_by_page(articles: Iterable[Article]) -> _UniqueBatch:
    """One article per canonical URL and per content hash within a batch (first wins)."""
    by_id: dict[str, Article] = {}
    seen_hashes: set[str] = set()
    duplicates = 0
    for article in articles:
        article_id = article_id_of(article)
        digest = content_hash_of(article)
        if article_id in by_id or (digest and digest in seen_hashes):
            duplicates += 1
            continue
        by_id[article_id] = article
        if digest:
            seen_hashes.add(digest)
    return _UniqueBatch(by_id, duplicates)


def ids_of(articles: Iterable[Article]) -> list[str]:
    return [article_id_of(a) for a in articles]


def _article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["source_id"] or row["article_id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        site=row["site"],
        source_province=row["source_province"],
        title=row["title"],
        author=row["author"],
        published=row["published"],
        fetched_at=row["fetched_at"],
        http_status=row["http_status"],
        content_hash=row["content_hash"],
        text=row["text"],
        html=decompress_html(row["html_gz"]),
        relevant_hint=row["relevant_hint"],
    )


_RUN_COLUMNS = (
    "started_at",
    "finished_at",
    "pages",
    "articles",
    "relevant_articles",
    "events",
    "errors",
    "site",
)
_RUN_KEY_ALIASES = {
    "relevant": "relevant_articles",
    "started": "started_at",
    "finished": "finished_at",
    "sources": "site",
    "start": "started_at",
    "end": "finished_at",
    "start_time": "started_at",
    "finish_time": "finished_at",
}


def _as_timestamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return to_utc_naive(value)
    if isinstance(value, int | float):
        return to_utc_naive(datetime.fromtimestamp(value, UTC))
    if isinstance(value, str):
        try:
            return to_utc_naive(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def run_row(run_id: str, kind: str, summary: dict[str, Any]) -> dict[str, Any]:
    """A `crawl_runs` row from a crawl/load summary whatever its exact key names."""
    flat = {_RUN_KEY_ALIASES.get(k, k): v for k, v in summary.items()}
    row: dict[str, Any] = {"run_id": run_id, "kind": kind}
    for column in _RUN_COLUMNS:
        value = flat.get(column)
        if column.endswith("_at"):
            value = _as_timestamp(value)
        elif isinstance(value, list) and column != "site":
            value = len(value)
        if column == "errors" and value is None and isinstance(flat.get("errors_by_kind"), dict):
            value = flat["errors_by_kind"]
        if column == "errors" and isinstance(value, dict):
            row["errors_by_kind"] = json.dumps(value, ensure_ascii=False, sort_keys=True)
            value = sum(v for v in value.values() if isinstance(v, int))
        elif column == "site" and isinstance(value, list | tuple):
            value = ",".join(map(str, value))
        row[column] = value
    if "errors_by_kind" not in row and isinstance(flat.get("errors_by_kind"), dict):
        row["errors_by_kind"] = json.dumps(flat["errors_by_kind"], ensure_ascii=False)
    row["details"] = json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str)
    return row
