"""Load benchmark: giaouoc's loader against a plain DuckDB Arrow insert of the same rows,
then the analyst views on a large database.

    .venv/bin/python benchmarks/load_bench.py   # 100,000 records; views on 200,000 events
    .venv/bin/python benchmarks/load_bench.py --view-events 1000000

Part 1 loads N synthetic event records (members, deputies, goals, evidence; extraction
replaced by the known records, since extraction has its own benchmark) through
`Loader.load_batches` in batches of the crawler's staged size (50 articles), exactly as
`giaouoc load` merges staged batches (several batches per transaction, committed on
the loader's writer thread). It then reads every resulting table, the loader's
rollups included, into in-memory Arrow tables and, in the same run, inserts those same
rows into a fresh database with plain ``INSERT … SELECT`` from Arrow. After an untimed
warm-up turn of each, each is timed `--repeat` times (3), in turns, and the medians
are compared: on a shared machine a single timing of either side can be off by half.
Both rates are in records per second.
Goal: the loader ≥ 50 % of the plain rate.

Part 2 fills a database with M events (generated in SQL: provinces, blocs rotating
leaders over the years, ~8 members and ~4 goals each), builds the rollups the loader
would have kept up to date while loading them (timed, printed apart: load-time work,
not query time), and times each analyst view materialised in full. Goal: < 1 s each at
1,000,000 events.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from crawler.settings import GIAOUOC_BATCH_SIZE as STAGED_BATCH
from pipelines import rollups
from pipelines.loader import Loader
from pipelines.migrations import migrate
from pipelines.store import connect
from pipelines.synthetic import RecordedExtractor, synthetic_pairs
from pipelines.table_docs import TABLES

# Every table the loader writes: the documented ones and the rollups behind two views.
STORED_TABLES = [*TABLES, *rollups.ROLLUP_TABLE_NAMES]

VIEWS = [
    "v_signings_by_province_year",
    "v_bloc_leaders_by_year",
    "v_member_counts_over_time",
    "v_goals_by_frequency",
]


def _load(articles: list, extractor: RecordedExtractor, batch: int, db: Path) -> float:
    """One load of every article into a new database, timed; prints where the CPU went.
    The database is created with its tables before the clock starts, as the plain
    insert's is (`_plain_insert`): both time the rows going in, not the schema."""
    connect(db).close()
    loader = Loader(db, extractor, "bench")
    start, main_cpu, all_cpu = time.perf_counter(), time.thread_time(), time.process_time()
    loader.load_batches((i, articles[i : i + batch]) for i in range(0, len(articles), batch))
    seconds = time.perf_counter() - start
    main_cpu, all_cpu = time.thread_time() - main_cpu, time.process_time() - all_cpu
    print(
        f"  loader: {seconds:.2f} s; CPU {main_cpu:.2f} s on the main thread (checking pages"
        " against the store, building Arrow rows from the records),"
        f" {all_cpu - main_cpu:.2f} s on DuckDB's threads",
        flush=True,
    )
    return seconds


def _plain_insert(tables: dict[str, pa.Table], db: Path) -> float:
    """The same rows inserted from Arrow with plain DuckDB into a new database, timed."""
    plain = duckdb.connect(str(db))
    migrate(plain)  # the same tables, keys and indexes
    start, plain_cpu = time.perf_counter(), time.process_time()
    plain.execute("BEGIN TRANSACTION")
    for name, table in tables.items():
        plain.register("arrow_rows", table)
        plain.execute(f"INSERT INTO {name} SELECT * FROM arrow_rows")
        plain.unregister("arrow_rows")
    plain.execute("COMMIT")
    plain.execute("CHECKPOINT")
    seconds = time.perf_counter() - start
    print(
        f"  plain:  {seconds:.2f} s; CPU {time.process_time() - plain_cpu:.2f} s (DuckDB's"
        " threads)",
        flush=True,
    )
    plain.close()
    return seconds


def bench_loader(
    records: int, batch: int, repeat: int, folder: Path
) -> tuple[float, float, dict[str, int]]:
    """Median seconds of the loader and of the plain insert, timed in turns."""
    print(f"generating {records:,} synthetic articles with their records …", flush=True)
    pairs = list(synthetic_pairs(records, seed=1))
    extractor = RecordedExtractor(
        {r.id: r.model_copy(update={"extractor_version": "bench"}) for _, r in pairs}, "bench"
    )
    articles = [a for a, _ in pairs]
    del pairs

    # A warm-up turn of each, untimed: the first load in a process also pays for
    # growing its heap (about a second here, mostly page faults), which the plain
    # insert, always run after a load, would never pay.
    print("  warm-up (not timed):", flush=True)
    warm = folder / "warm-up.duckdb"
    _load(articles, extractor, batch, warm)
    con = duckdb.connect(str(warm), read_only=True)
    tables = {t: con.sql(f"SELECT * FROM {t}").to_arrow_table() for t in STORED_TABLES}
    con.close()
    warm.unlink()
    _plain_insert(tables, folder / "plain-warm-up.duckdb")

    loader_times, plain_times = [], []
    for turn in range(repeat):
        db = folder / f"loader-{turn}.duckdb"
        loader_times.append(_load(articles, extractor, batch, db))
        plain_times.append(_plain_insert(tables, folder / f"plain-{turn}.duckdb"))
        db.unlink()
    rows = {t: tables[t].num_rows for t in tables}
    return statistics.median(loader_times), statistics.median(plain_times), rows


_GENERATE_EVENTS = """
CREATE TEMP TABLE provinces AS
SELECT * FROM (VALUES ('An Giang'), ('Bắc Giang'), ('Bắc Ninh'), ('Cần Thơ'), ('Đà Nẵng'),
  ('Đồng Nai'), ('Hà Nội'), ('Hải Phòng'), ('Hưng Yên'), ('Khánh Hòa'), ('Lâm Đồng'),
  ('Nghệ An'), ('Phú Yên'), ('Quảng Ninh'), ('Sơn La'), ('Tây Ninh'), ('Thái Nguyên'),
  ('Thanh Hóa'), ('Hồ Chí Minh'), ('Vĩnh Long')) t(name);
CREATE TEMP TABLE unit_names AS
SELECT 'sở ' || n AS unit FROM (VALUES ('tài chính'), ('tư pháp'), ('y tế'), ('nội vụ'),
  ('xây dựng'), ('công thương'), ('tài nguyên môi trường'), ('kế hoạch đầu tư'),
  ('giáo dục đào tạo'), ('khoa học công nghệ'), ('thông tin truyền thông'),
  ('lao động thương binh xã hội'), ('văn hóa thể thao du lịch'), ('giao thông vận tải'),
  ('nông nghiệp phát triển nông thôn'), ('ngoại vụ')) t(n);
CREATE TEMP TABLE goal_names AS
SELECT * FROM (VALUES ('đẩy mạnh cải cách hành chính'), ('chuyển đổi số'),
  ('xây dựng cơ quan đạt chuẩn văn hóa'), ('thực hành tiết kiệm chống lãng phí'),
  ('hoàn thành xuất sắc nhiệm vụ'), ('cả nước chung tay vì người nghèo'),
  ('100 phần trăm cán bộ hoàn thành nhiệm vụ'), ('phòng chống tham nhũng'),
  ('bảo vệ môi trường'), ('an toàn giao thông')) t(goal);
INSERT INTO events
SELECT printf('%016x', i) AS event_id,
       'signing|' || (2015 + i % 11) || '|' || p.name || '|khối ' || (i // 11) AS event_key,
       CASE WHEN i % 5 = 0 THEN 'review' WHEN i % 7 = 0 THEN 'launch' ELSE 'signing' END,
       make_date(2015 + (i % 11)::INT, 1 + (i % 4)::INT, 1 + (i % 28)::INT),
       (2015 + i % 11)::INT,
       p.name, p.name,
       'Khối thi đua số ' || (i // 11), 'khối thi đua số ' || (i // 11), 'khối',
       (5 + i % 12)::INT,
       upper(u.unit[1]) || u.unit[2:], u.unit,
       1 + (i % 3)::INT, make_date(2015 + (i % 11)::INT, 2, 1), 'bench', now()::TIMESTAMP
FROM range(?) r(i)
JOIN (SELECT name, row_number() OVER () - 1 AS k FROM provinces) p
  ON p.k = (i // 11) % (SELECT count(*) FROM provinces)
JOIN (SELECT unit, row_number() OVER () - 1 AS k FROM unit_names) u
  ON u.k = (i // 11 + i % 11) % (SELECT count(*) FROM unit_names);
INSERT INTO event_members
SELECT e.event_id, 'a' || e.event_id, m.k::INT, upper(m.unit[1]) || m.unit[2:], m.unit
FROM events e
JOIN (SELECT unit, row_number() OVER () - 1 AS k FROM unit_names) m ON m.k < 8;
INSERT INTO event_goals
SELECT e.event_id, 'a' || e.event_id, g.k::INT, g.goal, g.goal
FROM events e
JOIN (SELECT goal, row_number() OVER () - 1 AS k FROM goal_names) g
  ON (g.k + hash(e.event_id)) % 10 < 4;
"""


def bench_views(events: int, folder: Path) -> tuple[float, dict[str, float]]:
    db = folder / "views.duckdb"
    con = duckdb.connect(str(db))
    migrate(con)
    print(f"generating {events:,} events for the view timings …", flush=True)
    for statement in _GENERATE_EVENTS.split(";"):
        if statement.strip():
            con.execute(statement, [events] if "range(?)" in statement else [])
    con.execute("CHECKPOINT")
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("events", "event_members", "event_goals")
    }
    print("  rows:", ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    start = time.perf_counter()
    rollups.rebuild(con)
    con.execute("CHECKPOINT")
    rollup_seconds = time.perf_counter() - start
    timings = {}
    for view in VIEWS:
        start = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TEMP TABLE materialised AS SELECT * FROM {view}")
        timings[view] = time.perf_counter() - start
    con.close()
    return rollup_seconds, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument(
        "--batch", type=int, default=STAGED_BATCH, help="articles per load batch (as staged)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timings of each, in turns (the median is kept)"
    )
    parser.add_argument("--view-events", type=int, default=200_000)
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pyarrow {pa.__version__}"
    )
    with tempfile.TemporaryDirectory(prefix="giaouoc-bench-") as tmp:
        folder = Path(tmp)
        loader_s, plain_s, rows = bench_loader(args.records, args.batch, args.repeat, folder)
        batches = -(-args.records // args.batch)
        print(f"  loader: {batches:,} batch(es) of up to {args.batch:,} articles")
        print("  rows:", ", ".join(f"{t} {n:,}" for t, n in rows.items() if n))
        loader_rate, plain_rate = args.records / loader_s, args.records / plain_s
        print(f"medians of {args.repeat} timing(s) each, taken in turns:")
        print(f"giaouoc loader     : {loader_s:8.2f} s  {loader_rate:12,.0f} records/s")
        print(f"plain Arrow insert : {plain_s:8.2f} s  {plain_rate:12,.0f} records/s")
        print(f"ratio              : {loader_rate / plain_rate:8.1%} of plain (goal ≥ 50%)")

        rollup_seconds, timings = bench_views(args.view_events, folder)
        print(
            f"rollups built in full (load-time work, kept per batch by the loader):"
            f" {rollup_seconds:.3f} s"
        )
        for view, seconds in timings.items():
            print(
                f"{view:30s}: {seconds:6.3f} s on {args.view_events:,} events (goal < 1 s"
                " at 1,000,000)"
            )


if __name__ == "__main__":
    main()
