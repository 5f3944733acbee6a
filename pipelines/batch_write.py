"""Writing one batch into the store, as SQL over Arrow tables in the caller's transaction.

A batch is written in three steps:

- ``begin``: when some of its articles are already stored, their old rows go first,
  and the events those rows fed are noted as touched;
- ``add``: the articles and the events they report (Arrow tables from ``rows.py``) go
  in with one ``INSERT … SELECT`` per table, the list columns fanned out with
  ``unnest`` into members, deputies, goals and evidence;
- ``finish``: every touched event is recomputed from all its sources, then the
  rollups (``rollups.py``) and the units table follow.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from pipelines.rollups import REFRESH_AFTER_EVENTS, REFRESH_BEFORE_EVENTS
from pipelines.rows import EVENT_ID_SQL, EVENT_KEY_SQL, SOURCE_KEPT_COLUMNS, SOURCE_RANK_SQL

_ARTICLE_PARTS = ("event_sources", "event_members", "event_deputies", "event_goals", "evidence")

# The batch's sources, copied out of Arrow once with their derived columns: the seven
# statements after it read DuckDB's own copy (one Arrow scan, not seven), and the event
# id is derived once per report rather than, next to `unnest`, once per list item.
_STAGE_SOURCES = f"""CREATE OR REPLACE TEMP TABLE batch_sources AS
SELECT {EVENT_ID_SQL} AS event_id, {EVENT_KEY_SQL} AS event_key,
       {SOURCE_RANK_SQL} AS source_rank, $now::TIMESTAMP AS extracted_at, *
FROM in_sources"""

_FAN_OUT = ";\n".join(
    [
        f"""INSERT INTO event_sources BY NAME
        SELECT event_id, event_key, source_rank, extracted_at, {", ".join(SOURCE_KEPT_COLUMNS)}
        FROM batch_sources""",
        *(
            f"""INSERT INTO {table} BY NAME
            SELECT event_id, article_id, generate_subscripts({names}, 1) - 1 AS position,
                   unnest({names}) AS {name}, unnest({names}_normalized) AS {normalized}
            FROM batch_sources"""
            for table, names, name, normalized in (
                ("event_members", "members", "name", "normalized"),
                ("event_deputies", "deputies", "name", "normalized"),
                ("event_goals", "goals", "goal", "goal_normalized"),
            )
        ),
        """INSERT INTO evidence BY NAME
        SELECT event_id, article_id, unnest(evidence_field) AS field,
               unnest(evidence_start) AS start_char, unnest(evidence_end) AS end_char,
               unnest(evidence_text) AS text
        FROM batch_sources""",
        "INSERT INTO touched_events SELECT DISTINCT event_id FROM batch_sources",
        # every unit the batch names, as written and as a key (distinct: a batch names
        # the same few hundred units thousands of times)
        """INSERT INTO named_units_raw
        SELECT DISTINCT alias, unit_key FROM (
            SELECT unnest(members) AS alias, unnest(members_normalized) AS unit_key
            FROM batch_sources
            UNION ALL
            SELECT unnest(deputies), unnest(deputies_normalized) FROM batch_sources
            UNION ALL
            SELECT leader_unit, leader_unit_normalized FROM batch_sources
        )
        WHERE unit_key IS NOT NULL AND alias IS NOT NULL""",
    ]
)

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
    """One batch's SQL, on a connection inside an open transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, now: datetime) -> None:
        self.con = con
        self.now = now

    def begin(self, article_ids: pa.Array | pa.ChunkedArray, *, replacing: bool) -> None:
        """Start the batch; `replacing` says some of its articles are already stored."""
        con = self.con
        con.execute("CREATE OR REPLACE TEMP TABLE touched_events (event_id VARCHAR)")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE named_units_raw (alias VARCHAR, unit_key VARCHAR)"
        )
        if not replacing:
            return
        con.register("batch_ids", pa.table({"article_id": article_ids}))
        con.execute(
            "INSERT INTO touched_events SELECT DISTINCT event_id FROM event_sources"
            " WHERE article_id IN (SELECT article_id FROM batch_ids)"
        )
        for name in ("articles", *_ARTICLE_PARTS):
            con.execute(
                f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM batch_ids)"
            )
        con.unregister("batch_ids")

    def add(self, articles: pa.Table, sources: pa.Table) -> None:
        """Insert articles and the events they report (may be called several times)."""
        con = self.con
        con.register("in_articles", articles)
        con.register("in_sources", sources)
        try:
            con.execute("INSERT INTO articles BY NAME SELECT * FROM in_articles")
            con.execute(_STAGE_SOURCES, {"now": self.now})
        finally:
            con.unregister("in_articles")
            con.unregister("in_sources")
        con.execute(_FAN_OUT)

    def finish(self) -> int:
        """Recompute what the batch touched; return how many events that was."""
        con = self.con
        for statement in _FINISH:
            con.execute(statement, {"now": self.now} if "$now" in statement else None)
        return int(con.execute("SELECT count(*) FROM affected_events").fetchall()[0][0])
