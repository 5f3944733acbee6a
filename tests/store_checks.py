"""Helpers shared by the store tests: comparable snapshots of a database's contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.table_docs import TABLES

# When something happened differs between two runs; what was stored must not.
VOLATILE_COLUMNS = {"loaded_at", "extracted_at", "first_seen"}
DATA_TABLES = [t for t in TABLES if t != "crawl_runs"]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every data table's rows (sorted, volatile timestamps left out)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in DATA_TABLES:
            columns = [c for c in TABLES[table].columns if c not in VOLATILE_COLUMNS]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def row_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
    finally:
        con.close()
