"""Writing batches into the store, as SQL over Arrow tables in the caller's transaction.

A write transaction takes in one batch or several (see ``Loader.load_batches``):

- ``replace``: when some of a batch's articles are already stored, their old rows go
  first, and the events those rows fed are noted as touched;
- ``add``: the articles and the events they report (Arrow tables from ``rows.py``, one
  per table) go in with one plain ``INSERT … SELECT`` each;
- ``commit``: every touched event is recomputed from all its sources, then the
  rollups (``rollups.py``) and the units table follow, and the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from extract.models import Article, EventRecord
from pipelines.heap import collector_paused
from pipelines.rollups import REFRESH_AFTER_EVENTS, REFRESH_BEFORE_EVENTS
from pipelines.rows import BatchRows, batch_tables, concat_rows, page_chars

# Articles turned into Arrow rows at a time (Python's lists stay within the CPU caches),
# and handed to DuckDB at a time: DuckDB inserts a few large tables much faster than
# many small ones (100,000 articles in inserts of 5,000 cost it about 1 s more than in
# inserts of 25,000), so staged batches of 50 articles are gathered first; fewer when
# their pages are large (real pages run to 200 KB of HTML), so that what waits in
# memory stays bounded: one insert being built, one waiting (`loader.WRITER_JOBS`),
# one being inserted.
BUILD_ARTICLES = 2_500
BUILD_CHARS = 32 * 2**20  # of text and HTML waiting to be built
INSERT_ARTICLES = 25_000
INSERT_BYTES = 64 * 2**20  # of Arrow rows waiting to be inserted

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

_FINISH = [
    "CREATE OR REPLACE TEMP TABLE affected_events AS SELECT DISTINCT event_id FROM touched_events",
    REFRESH_BEFORE_EVENTS,
    "DELETE FROM events WHERE event_id IN (SELECT event_id FROM affected_events)",
    _RECOMPUTE_EVENTS,
    *REFRESH_AFTER_EVENTS,
    # units as written (whitespace folded); a unit's display name is its smallest
    # alias, so it never depends on load order
    """CREATE OR REPLACE TEMP TABLE named_units AS
    SELECT DISTINCT regexp_replace(trim(nfc_normalize(alias)), '\\s+', ' ', 'g') AS alias,
           unit_key
    FROM named_units_raw""",
    """INSERT INTO units
    SELECT unit_key, min(alias), $now FROM named_units GROUP BY unit_key
    ON CONFLICT (unit_key) DO UPDATE
    SET display_name = least(units.display_name, excluded.display_name)""",
    """INSERT INTO unit_aliases
    SELECT alias, min(unit_key) FROM named_units GROUP BY alias
    ON CONFLICT (alias) DO NOTHING""",
]


class BatchWriter:
    """The SQL of one write transaction, which may take in several batches: `replace`
    and `add` as often as needed, then `commit`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, now: datetime) -> None:
        self.con = con
        self.now = now
        # what the rows added name, noted for `commit`: events and (alias, unit key)
        # pairs, distinct within each chunk (a chunk names the same few hundred units
        # hundreds of thousands of times)
        self._events: list[pa.Table] = []
        self._units: list[pa.Table] = []
        self._begun = False

    def _begin(self) -> None:
        """Open the transaction with its first statement, not as a job of its own: on
        the writer thread's queue a job of its own would hold a place that the next
        rows could have taken while the previous transaction commits."""
        if self._begun:
            return
        self._begun = True
        con = self.con
        con.execute("BEGIN TRANSACTION")
        con.execute("SET preserve_insertion_order = false")
        con.execute("CREATE OR REPLACE TEMP TABLE touched_events (event_id VARCHAR)")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE named_units_raw (alias VARCHAR, unit_key VARCHAR)"
        )

    def replace(self, article_ids: pa.Array | pa.ChunkedArray) -> None:
        """Remove what these (stored) articles contributed, before they come in again."""
        self._begin()
        con = self.con
        con.register("batch_ids", pa.table({"article_id": article_ids}))
        try:
            con.execute(
                "INSERT INTO touched_events SELECT DISTINCT event_id FROM event_sources"
                " WHERE article_id IN (SELECT article_id FROM batch_ids)"
            )
            for name in ("articles", *_ARTICLE_PARTS):
                con.execute(
                    f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM batch_ids)"
                )
        finally:
            con.unregister("batch_ids")

    def add(self, rows: BatchRows) -> None:
        """Insert articles and the events they report (may be called several times)."""
        self._begin()
        con = self.con
        for name, table in rows._asdict().items():
            con.register(f"in_{name}", table)
        try:
            for name in rows._fields:
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM in_{name}")
        finally:
            for name in rows._fields:
                con.unregister(f"in_{name}")
        self._events.append(pa.table({"event_id": rows.event_sources["event_id"].unique()}))
        self._units.append(_units_named(rows))

    def commit(self, *, merge_row_groups: bool) -> int:
        """Recompute every event the transaction touched, then commit; return how many
        events that was. `merge_row_groups`: let the commit's checkpoint merge small
        row groups (see ``Loader.load_batches``)."""
        self._begin()
        con = self.con
        for name, parts in (("touched_events", self._events), ("named_units_raw", self._units)):
            if parts:
                con.register("noted", pa.concat_tables(parts))
                con.execute(f"INSERT INTO {name} SELECT * FROM noted")
                con.unregister("noted")
        for statement in _FINISH:
            con.execute(statement, {"now": self.now} if "$now" in statement else None)
        touched = int(con.execute("SELECT count(*) FROM affected_events").fetchall()[0][0])
        con.execute("RESET max_vacuum_tasks" if merge_row_groups else "SET max_vacuum_tasks = 0")
        con.execute("COMMIT")
        return touched


def _units_named(rows: BatchRows) -> pa.Table:
    """The distinct (alias, unit_key) pairs of the units these rows name."""
    named = pa.concat_tables(
        pa.table({"alias": table[alias], "unit_key": table[key]})
        for table, alias, key in (
            (rows.event_members, "name", "normalized"),
            (rows.event_deputies, "name", "normalized"),
            (rows.event_sources, "leader_unit", "leader_unit_normalized"),
        )
    )
    named = named.filter(pc.and_(pc.is_valid(named["alias"]), pc.is_valid(named["unit_key"])))
    return named.group_by(["alias", "unit_key"]).aggregate([])


Job = Callable[[], object]


class RowQueue:
    """The articles of a transaction on their way to the writer thread.

    Articles to write come in batch by batch (`add`); they are turned into Arrow rows
    `BUILD_ARTICLES` at a time, and the rows handed to `put` (the writer thread's
    queue, see ``overlap.Overlapped``) as one insert per `INSERT_ARTICLES`. Jobs run
    in the order they are handed over, so before stored articles are deleted
    (`replace`), everything queued before them is handed over first.
    """

    def __init__(self, writer: BatchWriter, put: Callable[[Job], None], version: str) -> None:
        self.writer = writer
        self.put = put
        self.version = version
        self.bytes = 0  # of Arrow rows built so far
        self._articles: list[tuple[Article, str, str | None]] = []  # article, id, hash
        self._records: dict[str, EventRecord] = {}
        self._chars = 0  # of the articles waiting to be built
        self._built: list[BatchRows] = []  # waiting to be inserted: articles, bytes
        self._built_articles = self._built_bytes = 0

    def add(
        self,
        articles: Sequence[Article],
        article_ids: Sequence[str],
        hashes: Sequence[str | None],
        records: dict[str, EventRecord],
    ) -> None:
        self._articles.extend(zip(articles, article_ids, hashes, strict=True))
        self._records.update(records)
        self._chars += sum(map(page_chars, articles))
        if len(self._articles) >= BUILD_ARTICLES or self._chars >= BUILD_CHARS:
            self._build()

    def replace(self, article_ids: Sequence[str]) -> None:
        """Delete what these stored articles contributed, after everything queued."""
        self.flush()
        self.put(partial(self.writer.replace, pa.array(article_ids, pa.string())))

    def flush(self) -> None:
        """Hand everything over."""
        self._build()
        self._insert()

    def _build(self) -> None:
        if not self._articles:
            return
        pending, records = self._articles, self._records
        self._articles, self._records, self._chars = [], {}, 0
        for start in range(0, len(pending), BUILD_ARTICLES):
            articles, ids, hashes = zip(*pending[start : start + BUILD_ARTICLES], strict=True)
            with collector_paused():
                rows = batch_tables(
                    articles,
                    ids,
                    hashes,
                    records,
                    extractor_version=self.version,
                    extracted_at=self.writer.now,
                    loaded_at=self.writer.now,
                )
            size = sum(table.nbytes for table in rows)
            self.bytes += size
            self._built.append(rows)
            self._built_articles += rows.articles.num_rows
            self._built_bytes += size
            if self._built_articles >= INSERT_ARTICLES or self._built_bytes >= INSERT_BYTES:
                self._insert()

    def _insert(self) -> None:
        if self._built:
            self.put(partial(self.writer.add, concat_rows(self._built)))
            self._built = []
            self._built_articles = self._built_bytes = 0
