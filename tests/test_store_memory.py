"""The writer's memory bound: DuckDB's checkpoints must spill, not grow with the database.

(The peak itself is measured by `benchmarks/scale_sim.py`; here only that every
writable connection carries the bound, and that readers keep DuckDB's default.)
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.store import WRITER_MEMORY_LIMIT, open_store


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


def test_writer_connections_carry_the_memory_limit(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with duckdb.connect() as plain:
        default = _limit(plain)
        plain.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
        bounded = _limit(plain)
    assert bounded != default  # the bound must differ from what DuckDB picks by itself

    with open_store(db) as con:
        assert _limit(con) == bounded
    with open_store(db, read_only=True) as con:
        assert _limit(con) == default
