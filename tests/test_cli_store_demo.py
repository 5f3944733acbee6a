"""`giaouoc demo`, end to end: serve the sample site, crawl, extract, load — twice.

The real command in a subprocess (real Scrapy, real extractor, real DuckDB file); the
events it stores must be the ones the sample pages state (tests/sample_facts.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sample_facts import SAMPLE_FACTS
from store_checks import DATA_TABLES, row_counts

from crawler.sample_site import load_content
from extract.units import normalize_phrase, normalize_unit

GIAOUOC = [sys.executable, "-m", "pipelines.cli"]


def _demo(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GIAOUOC, "demo", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("demo") / "giaouoc.duckdb"
    first = _demo(db)
    assert first.returncode == 0, first.stderr[-2000:]
    counts_after_first = row_counts(db)
    second = _demo(db)
    assert second.returncode == 0, second.stderr[-2000:]
    return {"db": db, "first": first, "second": second, "counts": counts_after_first}


def test_demo_twice_leaves_identical_row_counts(demo_runs: dict[str, Any]) -> None:
    again = row_counts(demo_runs["db"])
    first = demo_runs["counts"]
    assert first["events"] > 0
    assert {t: again[t] for t in DATA_TABLES} == {t: first[t] for t in DATA_TABLES}
    assert again["crawl_runs"] > first["crawl_runs"]  # each run is recorded


def test_demo_prints_a_summary_and_the_events(demo_runs: dict[str, Any]) -> None:
    out = demo_runs["first"].stdout
    assert "events in" in out and "signing" in out
    assert "load" in out and "stored" in out


TITLES = {a.slug: a.title for a in load_content()}


def _event_of(con: duckdb.DuckDBPyConnection, slug: str) -> dict[str, Any] | None:
    """The event stored from the sample page `slug` (found by its URL or its title)."""
    cursor = con.execute(
        "SELECT e.*, s.article_id AS source_article FROM events e"
        " JOIN event_sources s USING (event_id) JOIN articles a USING (article_id)"
        " WHERE a.url LIKE ? OR trim(a.title) = ?",
        [f"%{slug}%", TITLES[slug].strip()],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def _listed(con: duckdb.DuckDBPyConnection, table: str, column: str, event: dict) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            f"SELECT {column} FROM {table} WHERE event_id = ? AND article_id = ? ORDER BY position",
            [event["event_id"], event["source_article"]],
        ).fetchall()
    ]


@pytest.mark.parametrize("slug", sorted(SAMPLE_FACTS))
def test_demo_stores_the_event_each_sample_page_states(
    demo_runs: dict[str, Any], slug: str
) -> None:
    fact = SAMPLE_FACTS[slug]
    con = duckdb.connect(str(demo_runs["db"]), read_only=True)
    try:
        event = _event_of(con, slug)
        assert event is not None, f"no event stored for {slug}"
        members = _listed(con, "event_members", "name", event)
        deputies = _listed(con, "event_deputies", "name", event)
        goals = _listed(con, "event_goals", "goal", event)
    finally:
        con.close()
    assert event["event_type"] == fact["event_type"]
    assert str(event["event_date"]) == str(fact["event_date"]) if fact["event_date"] else True
    assert event["year"] == fact["year"]
    assert event["province"] == fact["province"]
    assert event["member_count"] == fact["member_count"]
    assert event["bloc_kind"] == fact["bloc_kind"]
    if fact["bloc_name"]:
        assert normalize_unit(event["bloc_name"] or "") == normalize_unit(fact["bloc_name"])
    if fact["leader_unit"]:
        assert normalize_unit(event["leader_unit"] or "") == normalize_unit(fact["leader_unit"])
    assert sorted(map(normalize_unit, members)) == sorted(map(normalize_unit, fact["members"]))
    assert sorted(map(normalize_unit, deputies)) == sorted(
        map(normalize_unit, fact["deputy_units"])
    )
    stored_goals = [normalize_phrase(g) for g in goals]
    for goal in fact["goals"]:
        assert any(normalize_phrase(goal) in g for g in stored_goals), goal
