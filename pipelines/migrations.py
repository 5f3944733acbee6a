"""The database schema as a forward-only list of migrations, applied when a store opens.

A database only ever moves forward: each migration runs once, in its own transaction,
together with the row in ``schema_version`` that records it. Never edit a migration that
has shipped; append a new one. Column meanings are documented in ``table_docs.py``.

Event identity (see ``event_keys.py``): one row of ``events`` per (type, year, province,
normalised bloc name) — plus the event date for reviews and other activities, which a
bloc holds several times a year — and ``event_sources`` keeps what each reporting
article said. ``events`` is recomputed from its sources whenever they change, so loading
order never matters.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import duckdb
import pyarrow as pa

from pipelines.rollups import FULL_BUILD, ROLLUP_TABLES


class PythonFunction(NamedTuple):
    """A scalar function a migration's SQL calls, written in Python (over Arrow arrays)."""

    name: str
    function: Callable[[pa.Array], pa.Array]
    parameters: list[str]
    returns: str


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str
    functions: tuple[PythonFunction, ...] = ()  # registered while its SQL runs


_ARTICLES = """
CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    source_id VARCHAR,
    canonical_url VARCHAR NOT NULL,
    url VARCHAR,
    site VARCHAR,
    source_province VARCHAR,
    title VARCHAR,
    author VARCHAR,
    published DATE,
    fetched_at TIMESTAMP,
    http_status INTEGER,
    content_hash VARCHAR,
    text VARCHAR,
    html_gz BLOB,
    relevant_hint BOOLEAN,
    relevant BOOLEAN,
    extractor_version VARCHAR,
    extracted_at TIMESTAMP,
    loaded_at TIMESTAMP
);
"""

_TABLES = (
    _ARTICLES
    + """
CREATE TABLE event_sources (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    event_key VARCHAR NOT NULL,
    url VARCHAR,
    source_rank VARCHAR NOT NULL,
    event_type VARCHAR,
    event_date DATE,
    published_date DATE,
    year INTEGER,
    province VARCHAR,
    province_2025 VARCHAR,
    bloc_name VARCHAR,
    bloc_name_normalized VARCHAR,
    bloc_kind VARCHAR,
    member_count INTEGER,
    leader_unit VARCHAR,
    leader_unit_normalized VARCHAR,
    extractor_version VARCHAR,
    extracted_at TIMESTAMP
);

CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY,
    event_key VARCHAR NOT NULL,
    event_type VARCHAR,
    event_date DATE,
    year INTEGER,
    province VARCHAR,
    province_2025 VARCHAR,
    bloc_name VARCHAR,
    bloc_name_normalized VARCHAR,
    bloc_kind VARCHAR,
    member_count INTEGER,
    leader_unit VARCHAR,
    leader_unit_normalized VARCHAR,
    source_count INTEGER,
    first_reported DATE,
    extractor_version VARCHAR,
    extracted_at TIMESTAMP
);

CREATE TABLE event_members (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    normalized VARCHAR
);

CREATE TABLE event_deputies (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    normalized VARCHAR
);

CREATE TABLE event_goals (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    goal VARCHAR NOT NULL,
    goal_normalized VARCHAR
);

CREATE TABLE evidence (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text VARCHAR
);

CREATE TABLE units (
    unit_key VARCHAR PRIMARY KEY,
    display_name VARCHAR NOT NULL,
    first_seen TIMESTAMP
);

CREATE TABLE unit_aliases (
    alias VARCHAR PRIMARY KEY,
    unit_key VARCHAR NOT NULL
);

CREATE TABLE crawl_runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    site VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    pages INTEGER,
    articles INTEGER,
    relevant_articles INTEGER,
    events INTEGER,
    errors INTEGER,
    errors_by_kind VARCHAR,
    details VARCHAR
);
"""
)

_VIEWS = """
CREATE VIEW v_signings_by_province_year AS
SELECT province, province_2025, year,
       count(*) AS signings,
       count(DISTINCT bloc_name_normalized) AS blocs,
       min(event_date) AS first_signing,
       max(event_date) AS last_signing
FROM events
WHERE event_type = 'signing'
GROUP BY province, province_2025, year;

CREATE VIEW v_bloc_leaders_by_year AS
WITH per_year AS (
    -- the year's leader as its signing names it, else as its earliest other event does
    -- (an integer sort key: cheap enough for a million bloc-years)
    SELECT province, bloc_name_normalized, year,
           min(bloc_name) AS bloc_name,
           arg_min(leader_unit, leader_rank) AS leader_unit,
           arg_min(leader_unit_normalized, leader_rank) AS leader_unit_normalized,
           count(*) AS reports
    FROM (
        SELECT *, (event_type <> 'signing')::INTEGER * 1000000
                  + coalesce(date_diff('day', DATE '2000-01-01', event_date), 999999)
                  AS leader_rank
        FROM events
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
FROM with_previous;

CREATE VIEW v_member_counts_over_time AS
SELECT province, bloc_name_normalized, year,
       min(bloc_name) AS bloc_name,
       max(member_count) AS member_count,
       count(*) AS events
FROM events
WHERE bloc_name_normalized IS NOT NULL AND year IS NOT NULL
GROUP BY province, bloc_name_normalized, year;

CREATE VIEW v_goals_by_frequency AS
SELECT g.goal_normalized,
       min(g.goal) AS example,
       count(DISTINCT g.event_id) AS events,
       count(DISTINCT e.province) AS provinces,
       min(e.year) AS first_year,
       max(e.year) AS last_year
FROM event_goals g JOIN events e USING (event_id)
WHERE g.goal_normalized IS NOT NULL AND g.goal_normalized <> ''
GROUP BY g.goal_normalized;
"""

# The leaders and goals views read rollups the loader maintains (see rollups.py): at a
# million events computing them per query took over a second each.
_ROLLUP_VIEWS = """
CREATE OR REPLACE VIEW v_bloc_leaders_by_year AS
SELECT province, bloc_name, bloc_name_normalized, year, leader_unit, leader_unit_normalized,
       reports, previous_leader_unit, previous_year, rotated
FROM rollup_bloc_leaders;

CREATE OR REPLACE VIEW v_goals_by_frequency AS
SELECT goal_normalized,
       min(example) AS example,
       count(*) AS events,
       count(DISTINCT province) AS provinces,
       min(year) AS first_year,
       max(year) AS last_year
FROM rollup_event_goals
GROUP BY goal_normalized;
"""

# `articles` again, each page column compressed by what it holds: the stored HTML is
# gzip already, so DuckDB's own string compression gains nothing on it but costs every
# checkpoint its analysis (about a third of a load's commit time); the text compresses
# far better and faster with zstd than with the default dictionary/FSST.
_ARTICLES_COMPRESSED = (
    _ARTICLES.replace("CREATE TABLE articles (", "CREATE TABLE articles_compressed (")
    .replace("    text VARCHAR,", "    text VARCHAR USING COMPRESSION zstd,")
    .replace("    html_gz BLOB,", "    html_gz BLOB USING COMPRESSION uncompressed,")
    + """
INSERT INTO articles_compressed SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_compressed RENAME TO articles;
"""
)


def _gunzip(blobs: pa.Array) -> pa.Array:
    """gzip bytes (the stored pages before migration 5) back to their UTF-8 text."""
    return pa.array(
        [gzip.decompress(b).decode("utf-8") if b else None for b in blobs.to_pylist()],
        pa.string(),
    )


# `articles` again, the raw page stored as text that DuckDB compresses with zstd (it
# was gzip made by the loader, page by page): a zstd frame spans many pages, so the
# site template they share is stored about once, and the file's HTML is about a third
# of the gzipped pages' size; analysts read `html` with SQL; and the loader no longer
# compresses each page on its critical path.
_ARTICLES_HTML_TEXT = (
    _ARTICLES.replace("CREATE TABLE articles (", "CREATE TABLE articles_html_text (")
    .replace("    text VARCHAR,", "    text VARCHAR USING COMPRESSION zstd,")
    .replace("    html_gz BLOB,", "    html VARCHAR USING COMPRESSION zstd,")
    + """
INSERT INTO articles_html_text SELECT * REPLACE (giaouoc_gunzip(html_gz) AS html_gz)
FROM articles;
DROP TABLE articles;
ALTER TABLE articles_html_text RENAME TO articles;
"""
)

MIGRATIONS: list[Migration] = [
    Migration(1, "tables: articles, events and their parts, units, crawl runs", _TABLES),
    Migration(2, "analyst views", _VIEWS),
    Migration(
        3,
        "rollups for the leaders and goals views, kept by the loader",
        ROLLUP_TABLES + FULL_BUILD + _ROLLUP_VIEWS,
    ),
    Migration(
        4, "articles: text compressed with zstd, gzipped HTML stored as it is", _ARTICLES_COMPRESSED
    ),
    Migration(
        5,
        "articles: the raw page as text (html), compressed by DuckDB with zstd",
        _ARTICLES_HTML_TEXT,
        (PythonFunction("giaouoc_gunzip", _gunzip, ["BLOB"], "VARCHAR"),),
    ),
]

LATEST_VERSION = MIGRATIONS[-1].version


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC, so readers in any time zone agree."""
    return datetime.now(UTC).replace(tzinfo=None)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer giaouoc; writing to it could corrupt it."""


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses new work while a result is unfinished.
    try:
        found = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    except duckdb.CatalogException:  # a new database: no schema_version table yet
        return 0
    return int(found or 0)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in one transaction; return the versions applied."""
    have = current_version(con)
    if have == LATEST_VERSION:  # the common case, checked with one query: every open
        return []
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    have = current_version(con)
    if have > LATEST_VERSION:
        raise SchemaTooNewError(
            f"schema version {have} is newer than this giaouoc knows ({LATEST_VERSION})"
        )
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version <= have:
            continue
        with _registered(con, migration.functions):
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(migration.sql)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, migration.description, utc_now()],
                )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        applied.append(migration.version)
    return applied


@contextmanager
def _registered(
    con: duckdb.DuckDBPyConnection, functions: tuple[PythonFunction, ...]
) -> Iterator[None]:
    """A migration's Python functions, on the connection only while its SQL runs."""
    for function in functions:
        con.create_function(
            function.name,
            function.function,
            function.parameters,  # type: ignore[arg-type]
            function.returns,  # type: ignore[arg-type]
            type="arrow",
        )
    try:
        yield
    finally:
        for function in functions:
            con.remove_function(function.name)
