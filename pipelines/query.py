"""Ad-hoc SQL for analysts: read-only, and patient with a loader holding the file.

The database is opened read-only, so a query can never change stored data, and closed
right after, so it never blocks the next load batch for long.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from rich.table import Table

from pipelines.store import DEFAULT_LOCK_TIMEOUT, open_store

QUERY_FORMATS = ("table", "csv", "json")


class QueryError(RuntimeError):
    pass


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(
    db: Path,
    sql: str,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
) -> QueryResult:
    if not sql.strip():
        raise QueryError("the SQL is empty")
    with open_store(db, read_only=True, lock_timeout=lock_timeout, on_wait=on_wait) as con:
        try:
            cursor = con.execute(sql)
            if cursor.description is None:
                return QueryResult([], [])
            columns = [d[0] for d in cursor.description]
            return QueryResult(columns, cursor.fetchall())
        except duckdb.Error as error:
            first_line = str(error).strip().splitlines()[0]
            raise QueryError(f"SQL {_short(sql)!r} failed: {first_line}") from error


def _short(sql: str, limit: int = 60) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def as_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])
    return buffer.getvalue()


def as_json(result: QueryResult) -> str:
    records = [
        {c: _plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=2, default=str)


def as_rich_table(result: QueryResult, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*["∅" if v is None else str(_plain(v)) for v in row])
    table.caption = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    return table
