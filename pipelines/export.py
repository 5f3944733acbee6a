"""Dataset exports: one file (or Parquet partition set) per table, plus a dataset card.

Analysts outside DuckDB get the same tables as Parquet (partitioned by year, raw HTML
kept), CSV or JSON Lines (text formats: the compressed raw HTML is left out). The
export is written to a scratch folder inside `--out` and moved into place only when
every table succeeded, so a failed export never leaves half a dataset behind.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb

from pipelines.migrations import current_version
from pipelines.store import DEFAULT_LOCK_TIMEOUT, open_store
from pipelines.table_docs import TABLES

FORMATS = ("parquet", "csv", "jsonl")
_EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl"}
_TEXT_ONLY_EXCLUDED = {"articles": ["html"]}

# The year each table is partitioned by (Parquet): its own, or its event's.
_EVENT_YEAR = "(SELECT e.year FROM events e WHERE e.event_id = t.event_id)"
PARTITION_YEAR: dict[str, str | None] = {
    "articles": "year(t.published)",
    "events": "t.year",
    "event_sources": "t.year",
    "event_members": _EVENT_YEAR,
    "event_deputies": _EVENT_YEAR,
    "event_goals": _EVENT_YEAR,
    "evidence": _EVENT_YEAR,
    "crawl_runs": "year(t.started_at)",
    "units": None,
    "unit_aliases": None,
}
EXPORT_TABLES = list(PARTITION_YEAR)


class ExportError(RuntimeError):
    pass


@dataclass(frozen=True)
class ExportFilter:
    year: int | None = None
    province: str | None = None

    @property
    def active(self) -> bool:
        return self.year is not None or bool(self.province)

    def describe(self) -> str:
        parts = []
        if self.year is not None:
            parts.append(f"year = {self.year}")
        if self.province:
            parts.append(f"province = {self.province} (pre-2025 or 2025 name)")
        return ", ".join(parts) or "none (the whole database)"


@dataclass
class ExportResult:
    out: Path
    format: str
    rows: dict[str, int] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    card: Path | None = None


def _selected_events(flt: ExportFilter) -> tuple[str, list[object]]:
    clauses, params = [], []
    if flt.year is not None:
        clauses.append("year = ?")
        params.append(flt.year)
    if flt.province:
        clauses.append("(lower(province) = lower(?) OR lower(province_2025) = lower(?))")
        params += [flt.province, flt.province]
    return f"SELECT event_id FROM events WHERE {' AND '.join(clauses)}", params


def table_query(
    table: str, flt: ExportFilter, columns: list[str], extra: str = ""
) -> tuple[str, list[object]]:
    """SELECT of a table's exported rows (all of them, or those of the filtered events).

    `extra` is appended to the select list (the partition year of Parquet exports).
    """
    cols = ", ".join([f"t.{c}" for c in columns] + ([extra] if extra else []))
    base = f"SELECT {cols} FROM {table} t"
    if not flt.active or table in ("crawl_runs",):
        return base, []
    events, params = _selected_events(flt)
    if table == "events" or "event_id" in _columns_of(table):
        return f"{base} WHERE t.event_id IN ({events})", params
    if table == "articles":
        return (
            f"{base} WHERE t.article_id IN"
            f" (SELECT article_id FROM event_sources WHERE event_id IN ({events}))",
            params,
        )
    # units / aliases: those named by the selected events
    unit_keys = (
        f"SELECT normalized FROM event_members WHERE event_id IN ({events})"
        f" UNION SELECT normalized FROM event_deputies WHERE event_id IN ({events})"
        f" UNION SELECT leader_unit_normalized FROM events WHERE event_id IN ({events})"
    )
    return f"{base} WHERE t.unit_key IN ({unit_keys})", params * 3


def _columns_of(table: str) -> list[str]:
    return list(TABLES[table].columns)


def _ordered(query: str) -> str:
    return f"{query} ORDER BY ALL"


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise ExportError(f"--out {out}: cannot write there ({reason})") from error


def export(
    db: Path,
    out: Path,
    fmt: str,
    flt: ExportFilter = ExportFilter(),  # noqa: B008 - immutable
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> ExportResult:
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: not one of {', '.join(FORMATS)}")
    _check_writable(out)
    result = ExportResult(out=out, format=fmt)
    scratch = Path(tempfile.mkdtemp(dir=out, prefix=".export-"))
    try:
        with open_store(db, read_only=True, lock_timeout=lock_timeout) as con:
            types: dict[str, list[tuple[str, str]]] = {}
            for table in EXPORT_TABLES:
                columns = [
                    c
                    for c in _columns_of(table)
                    if fmt == "parquet" or c not in _TEXT_ONLY_EXCLUDED.get(table, [])
                ]
                query, params = table_query(table, flt, columns)
                types[table] = _types(con, query, params)
                year = PARTITION_YEAR[table] if fmt == "parquet" else None
                if year and "year" not in columns:
                    query, params = table_query(table, flt, columns, f"{year} AS year")
                path, rows = _write_table(con, scratch, table, fmt, query, params)
                result.rows[table] = rows
                result.paths[table] = out / path.relative_to(scratch)
            card = scratch / "README.md"
            card.write_text(dataset_card(con, db, result, flt, types), encoding="utf-8")
        for item in scratch.iterdir():
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            item.rename(target)
        result.card = out / "README.md"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _types(
    con: duckdb.DuckDBPyConnection, query: str, params: list[object]
) -> list[tuple[str, str]]:
    cursor = con.execute(f"DESCRIBE {query}", params)
    return [(row[0], row[1]) for row in cursor.fetchall()]


def _count(con: duckdb.DuckDBPyConnection, query: str, params: list[object]) -> int:
    return int(con.execute(f"SELECT count(*) FROM ({query})", params).fetchall()[0][0])


def _write_table(
    con: duckdb.DuckDBPyConnection,
    scratch: Path,
    table: str,
    fmt: str,
    query: str,
    params: list[object],
) -> tuple[Path, int]:
    rows = _count(con, query, params)
    if fmt != "parquet":
        path = scratch / f"{table}{_EXTENSIONS[fmt]}"
        options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT json"
        con.execute(f"COPY ({_ordered(query)}) TO {_sql_path(path)} ({options})", params)
        return path, rows
    year = PARTITION_YEAR[table]
    if year is None:
        path = scratch / f"{table}.parquet"
        con.execute(f"COPY ({_ordered(query)}) TO {_sql_path(path)} (FORMAT parquet)", params)
        return path, rows
    path = scratch / table
    if rows == 0:  # keep the schema: one empty file instead of no partition at all
        path.mkdir()
        target = _sql_path(path / "data_0.parquet")
        con.execute(f"COPY ({query}) TO {target} (FORMAT parquet)", params)
        return path, rows
    con.execute(
        f"COPY ({_ordered(query)}) TO {_sql_path(path)} (FORMAT parquet, PARTITION_BY (year))",
        params,
    )
    return path, rows


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _version() -> str:
    try:
        return metadata.version("giaouoc")
    except metadata.PackageNotFoundError:
        return "unknown"


def dataset_card(
    con: duckdb.DuckDBPyConnection,
    db: Path,
    result: ExportResult,
    flt: ExportFilter,
    types: dict[str, list[tuple[str, str]]],
) -> str:
    """The export's README: provenance, then every table and column with its meaning."""
    extractors = con.execute(
        "SELECT coalesce(extractor_version, '?'), count(*) FROM articles GROUP BY ALL ORDER BY 1"
    ).fetchall()
    sites = con.execute(
        "SELECT coalesce(site, '?'), count(*) FROM articles GROUP BY ALL ORDER BY 1"
    ).fetchall()
    runs = con.execute(
        "SELECT count(*), min(started_at), max(coalesce(finished_at, started_at)) FROM crawl_runs"
    ).fetchall()[0]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        "# giaouoc dataset export",
        "",
        "Events of Vietnamese emulation blocs and clusters (khối / cụm thi đua): pledge",
        "signings, launches and reviews, extracted from provincial news articles, with the",
        "articles themselves and the text spans supporting every extracted field.",
        "",
        "## Provenance",
        "",
        f"- exported: {now} by giaouoc {_version()}",
        f"- database: `{db.resolve()}` (schema version {current_version(con)})",
        f"- format: {result.format}",
        f"- filter: {flt.describe()}",
        "- extractor versions (articles): "
        + (", ".join(f"{v} ({n})" for v, n in extractors) or "none"),
        "- sources (articles): " + (", ".join(f"{s} ({n})" for s, n in sites) or "none"),
        f"- runs recorded: {runs[0]}" + (f", from {runs[1]} to {runs[2]} UTC" if runs[0] else ""),
        "- provenance of a column: `crawler` = as the page gave it, `extractor` = read",
        "  from the text by NLP, `loader` = computed when stored, `merged` = taken from",
        "  the best-ranked of the event's source articles (see `event_sources`).",
        "",
    ]
    if result.format == "parquet":
        lines += [
            "Parquet tables with a year are folders partitioned Hive-style by `year`",
            "(`year=2024/…`; `year=__HIVE_DEFAULT_PARTITION__` when unknown). Tables",
            "without a `year` column of their own get one for partitioning: an article's",
            "publication year, an event part's event year, a run's start year. Read with",
            "`read_parquet('events/**/*.parquet', hive_partitioning = true)` in DuckDB, or",
            "`pyarrow.parquet.read_table('events', partitioning=pyarrow.dataset.partitioning(",
            "pyarrow.schema([('year', pyarrow.int32())]), flavor='hive'))` (naming the type",
            "keeps a folder whose years are all unknown readable).",
            "",
        ]
    else:
        lines += [
            "Text formats leave out `articles.html` (the raw page, about 100 KB a row);",
            "export as Parquet to get it.",
            "",
        ]
    lines += ["## Tables", ""]
    for table in EXPORT_TABLES:
        doc = TABLES[table]
        rel = str(result.paths[table].relative_to(result.out))
        if result.format == "parquet" and PARTITION_YEAR[table]:
            rel += "/"
        lines += [
            f"### `{table}`",
            "",
            doc.description,
            "",
            f"File: `{rel}` — {result.rows[table]} rows.",
            "",
            "| column | type | meaning | provenance |",
            "|---|---|---|---|",
        ]
        for column, kind in types[table]:
            col = doc.columns[column]
            lines.append(f"| `{column}` | {kind} | {col.meaning} | {col.provenance} |")
        if result.format == "parquet" and PARTITION_YEAR[table] and "year" not in doc.columns:
            lines.append("| `year` | INTEGER | partition column (see above) | loader |")
        lines.append("")
    return "\n".join(lines)
