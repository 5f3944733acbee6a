"""Exports read back with DuckDB and with pyarrow equal the tables in the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest

from extract.models import Article, EventRecord
from pipelines.export import EXPORT_TABLES, ExportError, ExportFilter, export
from pipelines.loader import Loader
from pipelines.synthetic import RecordedExtractor, synthetic_pairs
from pipelines.table_docs import TABLES

TEXT_EXCLUDED = {"articles": {"html"}}
# as the dataset card says to read the year-partitioned folders
YEAR_PARTITIONS = pads.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "g.duckdb"
    pairs = list(synthetic_pairs(120, seed=7))
    records = {r.id: r for _, r in pairs}
    # an undated article with an event of unknown year and bloc: NULL partitions
    odd = Article(id="odd", url="https://x.vn/odd", text="Phát động thi đua, chuyển đổi số.")
    records["odd"] = EventRecord(id="odd", relevant=True, event_type="launch", goals=["Số hóa"])
    loader = Loader(path, RecordedExtractor(records), "v1")
    loader.load_articles([a for a, _ in pairs] + [odd])
    loader.record_run("crawl-1", "crawl", {"pages": 3, "errors": {"http_404": 1}})
    return path


def _db_rows(db: Path, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
    finally:
        con.close()


def _rows(table: pa.Table, columns: list[str]) -> list[tuple[Any, ...]]:
    data = table.select(columns).to_pylist()
    return sorted((tuple(row[c] for c in columns) for row in data), key=repr)


def _db_arrow_schema(db: Path, table: str, columns: list[str]) -> pa.Schema:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(f"SELECT {', '.join(columns)} FROM {table} LIMIT 0").to_arrow_table().schema
    finally:
        con.close()


def _duckdb_read(expr: str, columns: list[str]) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        return sorted(con.execute(f"SELECT {', '.join(columns)} FROM {expr}").fetchall(), key=repr)
    finally:
        con.close()


def test_parquet_export_reads_back_equal_with_duckdb_and_pyarrow(db: Path, tmp_path: Path) -> None:
    result = export(db, tmp_path / "pq", "parquet")
    assert set(result.rows) == set(EXPORT_TABLES)
    assert (tmp_path / "pq" / "events" / "year=__HIVE_DEFAULT_PARTITION__").is_dir()
    for table in EXPORT_TABLES:
        columns = list(TABLES[table].columns)
        expected = _db_rows(db, table, columns)
        assert len(expected) == result.rows[table]
        path = result.paths[table]
        if path.is_dir():
            glob = str(path / "**" / "*.parquet")
            expr = f"read_parquet('{glob}', hive_partitioning = true)"
        else:
            expr = f"read_parquet('{path}')"
        assert _duckdb_read(expr, columns) == expected, f"{table} via duckdb"
        partitioning = YEAR_PARTITIONS if path.is_dir() else None
        arrow = pq.read_table(path, partitioning=partitioning)
        assert _rows(arrow, columns) == expected, f"{table} via pyarrow"


def test_csv_export_reads_back_equal_with_duckdb_and_pyarrow(db: Path, tmp_path: Path) -> None:
    result = export(db, tmp_path / "csv", "csv")
    for table in EXPORT_TABLES:
        columns = [c for c in TABLES[table].columns if c not in TEXT_EXCLUDED.get(table, set())]
        expected = _db_rows(db, table, columns)
        schema = _db_arrow_schema(db, table, columns)
        spec = "{" + ", ".join(f"'{c}': '{_duck_type(db, table, c)}'" for c in columns) + "}"
        expr = f"read_csv('{result.paths[table]}', header = true, columns = {spec})"
        assert _duckdb_read(expr, columns) == expected, f"{table} via duckdb"
        arrow = pacsv.read_csv(
            result.paths[table],
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )
        assert _rows(arrow, columns) == expected, f"{table} via pyarrow"


def _duck_type(db: Path, table: str, column: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
            [table, column],
        ).fetchall()[0][0]
    finally:
        con.close()


def test_jsonl_export_reads_back_equal_with_duckdb_and_pyarrow(db: Path, tmp_path: Path) -> None:
    result = export(db, tmp_path / "jsonl", "jsonl")
    for table in EXPORT_TABLES:
        columns = [c for c in TABLES[table].columns if c not in TEXT_EXCLUDED.get(table, set())]
        expected = _db_rows(db, table, columns)
        spec = "{" + ", ".join(f"'{c}': '{_duck_type(db, table, c)}'" for c in columns) + "}"
        expr = f"read_json('{result.paths[table]}', format = 'newline_delimited', columns = {spec})"
        assert _duckdb_read(expr, columns) == expected, f"{table} via duckdb"
        schema = _db_arrow_schema(db, table, columns)
        as_text = pa.schema([pa.field(f.name, _json_type(f.type)) for f in schema])
        arrow = pajson.read_json(
            result.paths[table],
            parse_options=pajson.ParseOptions(explicit_schema=as_text),
        ).cast(schema)
        assert _rows(arrow, columns) == expected, f"{table} via pyarrow"
        lines = result.paths[table].read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line) for line in lines) and len(lines) == len(expected)


def _json_type(kind: pa.DataType) -> pa.DataType:
    """JSON has no dates: pyarrow reads them as text, then casts to the table's type."""
    return pa.string() if pa.types.is_date(kind) else kind


def test_filtered_export_holds_only_that_year_and_province(db: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    province, year, events = con.execute(
        "SELECT province, year, count(*) FROM events WHERE year IS NOT NULL"
        " GROUP BY ALL ORDER BY 3 DESC, 1, 2 LIMIT 1"
    ).fetchall()[0]
    con.close()
    result = export(db, tmp_path / "f", "jsonl", ExportFilter(year=year, province=province.upper()))
    assert result.rows["events"] == events
    rows = [json.loads(x) for x in result.paths["events"].read_text().splitlines()]
    assert {(r["province"], r["year"]) for r in rows} == {(province, year)}
    sources = [json.loads(x) for x in result.paths["event_sources"].read_text().splitlines()]
    assert {s["event_id"] for s in sources} == {r["event_id"] for r in rows}
    assert result.rows["articles"] == len({s["article_id"] for s in sources})


def test_dataset_card_lists_every_column_and_the_provenance(db: Path, tmp_path: Path) -> None:
    result = export(db, tmp_path / "card", "parquet", ExportFilter(year=2016))
    card = (tmp_path / "card" / "README.md").read_text(encoding="utf-8")
    assert "filter: year = 2016" in card
    assert "extractor versions (articles): v1" in card
    assert "schema version" in card
    for table, doc in TABLES.items():
        assert f"### `{table}`" in card
        assert f"{result.rows[table]} rows" in card
        for column, col in doc.columns.items():
            assert f"| `{column}` |" in card and col.meaning in card, (table, column)


def test_unwritable_out_is_one_clear_error_and_nothing_written(db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match=r"--out .*a-file"):
        export(db, blocker / "out", "csv")
    with pytest.raises(ExportError, match="--format 'xlsx'"):
        export(db, tmp_path / "x", "xlsx")
    assert not (tmp_path / "x").exists()
