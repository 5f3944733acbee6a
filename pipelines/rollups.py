"""Rollups the loader keeps beside `events`, so two analyst views stay fast at scale.

`v_bloc_leaders_by_year` (a group-by over every bloc-year, then a window over every
bloc) and `v_goals_by_frequency` (distinct events per goal across a join of all goals
with all events) cost a second or more at a million events when computed on every
query. Their answers only change when events change, and events only change in the
loader's batch transaction, so the loader maintains them there, incrementally:

- ``rollup_bloc_leaders`` holds the leaders view's rows. A batch recomputes the whole
  history of each bloc it touched (the rotation compares a year with the one before),
  from `events`, before and after the batch's events are replaced.
- ``rollup_event_goals`` holds one row per (event, normalised goal), the distinct
  pairs the goals view counts; a batch recomputes the rows of the events it touched.

Both are recomputed with the same SQL as a full build (migration 3 fills them from
the events already stored), only restricted to what the batch touched, so they never
drift from `events`. They read the temp table ``affected_events`` that
`batch_write.BatchWriter` builds.
"""

from __future__ import annotations

import duckdb

ROLLUP_TABLE_NAMES = ("rollup_bloc_leaders", "rollup_event_goals")

ROLLUP_TABLES = """
CREATE TABLE rollup_bloc_leaders (
    province VARCHAR,
    bloc_name VARCHAR,
    bloc_name_normalized VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    leader_unit VARCHAR,
    leader_unit_normalized VARCHAR,
    reports BIGINT,
    previous_leader_unit VARCHAR,
    previous_year INTEGER,
    rotated BOOLEAN
);

CREATE TABLE rollup_event_goals (
    event_id VARCHAR NOT NULL,
    goal_normalized VARCHAR NOT NULL,
    example VARCHAR,
    province VARCHAR,
    year INTEGER
);
"""

# The year's leader as its signing names it, else as its earliest other event does
# (an integer sort key), and whether the lead rotated since the bloc's previous year.
# `{events}` is the set of events whose blocs are computed: every event of each bloc.
_LEADERS = """
INSERT INTO rollup_bloc_leaders
WITH per_year AS (
    SELECT province, bloc_name_normalized, year,
           min(bloc_name) AS bloc_name,
           arg_min(leader_unit, leader_rank) AS leader_unit,
           arg_min(leader_unit_normalized, leader_rank) AS leader_unit_normalized,
           count(*) AS reports
    FROM (
        SELECT *, (event_type <> 'signing')::INTEGER * 1000000
                  + coalesce(date_diff('day', DATE '2000-01-01', event_date), 999999)
                  AS leader_rank
        FROM {events}
        WHERE bloc_name_normalized IS NOT NULL AND year IS NOT NULL
          AND leader_unit_normalized IS NOT NULL
    )
    GROUP BY province, bloc_name_normalized, year
), with_previous AS (
    SELECT *,
           lag(leader_unit) OVER w AS previous_leader_unit,
           lag(leader_unit_normalized) OVER w AS previous_leader_normalized,
           lag(year) OVER w AS previous_year
    FROM per_year
    WINDOW w AS (PARTITION BY province, bloc_name_normalized ORDER BY year)
)
SELECT province, bloc_name, bloc_name_normalized, year, leader_unit, leader_unit_normalized,
       reports, previous_leader_unit, previous_year,
       previous_year IS NOT NULL
           AND leader_unit_normalized IS DISTINCT FROM previous_leader_normalized AS rotated
FROM with_previous
"""

# One row per event and normalised goal (an event reported by several articles lists
# its goals several times), with what the goals view aggregates.
_EVENT_GOALS = """
INSERT INTO rollup_event_goals
SELECT g.event_id, g.goal_normalized, min(g.goal), e.province, e.year
FROM event_goals g JOIN events e USING (event_id)
WHERE g.goal_normalized IS NOT NULL AND g.goal_normalized <> '' {and_where}
GROUP BY g.event_id, g.goal_normalized, e.province, e.year
"""

FULL_BUILD = (
    "DELETE FROM rollup_bloc_leaders;\n"
    + _LEADERS.format(events="events")
    + ";\nDELETE FROM rollup_event_goals;\n"
    + _EVENT_GOALS.format(and_where="")
    + ";\n"
)

_TOUCHED_BLOCS = (
    "SELECT DISTINCT province, bloc_name_normalized FROM events"
    " WHERE event_id IN (SELECT event_id FROM affected_events)"
    " AND bloc_name_normalized IS NOT NULL"
)
_SAME_BLOC = (
    "{t}.province IS NOT DISTINCT FROM b.province"
    " AND {t}.bloc_name_normalized = b.bloc_name_normalized"
)

# Run before the batch deletes its affected events: the blocs they belonged to.
REFRESH_BEFORE_EVENTS = f"CREATE OR REPLACE TEMP TABLE affected_blocs AS {_TOUCHED_BLOCS}"

# Run after the affected events are recomputed.
REFRESH_AFTER_EVENTS = [
    f"INSERT INTO affected_blocs {_TOUCHED_BLOCS}",
    "DELETE FROM rollup_bloc_leaders r USING (SELECT DISTINCT * FROM affected_blocs) b"
    f" WHERE {_SAME_BLOC.format(t='r')}",
    _LEADERS.format(
        events="(SELECT e.* FROM events e SEMI JOIN affected_blocs b"
        f" ON {_SAME_BLOC.format(t='e')})"
    ),
    "DELETE FROM rollup_event_goals WHERE event_id IN (SELECT event_id FROM affected_events)",
    _EVENT_GOALS.format(and_where="AND g.event_id IN (SELECT event_id FROM affected_events)"),
]


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute both rollups from `events` (for events written outside the loader,
    e.g. the benchmark's generated million)."""
    con.execute(FULL_BUILD)
