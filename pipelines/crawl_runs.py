"""Rows of ``crawl_runs`` from the summaries crawls and loads write, whatever their keys.

A crawl stages a ``run-*.json`` summary beside its batches; older crawls and other
tools name the same things differently (``started`` or ``start_time``, errors as a count
or by kind), so each summary is read into the table's columns by alias, and kept whole
in ``details``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pipelines.rows import to_utc_naive

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
