"""The store's commands as a user runs them: query, export, stats, load, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from store_checks import snapshot

from pipelines import staging
from pipelines.config import staging_dir_for
from pipelines.loader import Loader
from pipelines.store import WaitWatch
from pipelines.synthetic import RecordedExtractor, synthetic_pairs

GIAOUOC = [sys.executable, "-m", "pipelines.cli"]
HOLD_WRITE_LOCK = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


def giaouoc(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GIAOUOC, *args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "g.duckdb"
    pairs = list(synthetic_pairs(60, seed=2))
    Loader(path, RecordedExtractor({r.id: r for _, r in pairs}), "v1").load_articles(
        [a for a, _ in pairs]
    )
    return path


@pytest.fixture
def write_lock(db: Path):
    """Another process holding the database open for writing (as a loader does)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield holder
    if holder.poll() is None:
        holder.communicate("", timeout=30)


def test_query_formats(db: Path) -> None:
    sql = "SELECT province, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"
    as_csv = giaouoc("query", sql, "--db", str(db), "--format", "csv")
    as_json = giaouoc("query", sql, "--db", str(db), "--format", "json")
    as_table = giaouoc("query", sql, "--db", str(db))
    assert as_csv.returncode == as_json.returncode == as_table.returncode == 0
    lines = as_csv.stdout.splitlines()
    rows = json.loads(as_json.stdout)
    assert lines[0] == "province,n"
    assert [f"{r['province']},{r['n']}" for r in rows] == lines[1:]
    assert all(r["province"] in as_table.stdout for r in rows)


def test_query_waits_while_the_file_is_locked_then_answers(db: Path, write_lock) -> None:
    query = subprocess.Popen(
        [
            *GIAOUOC,
            "query",
            "SELECT count(*) AS n FROM events",
            "--db",
            str(db),
            "--format",
            "csv",
            "--wait",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert query.stderr is not None
    notice = query.stderr.readline()
    assert "is locked by PID" in notice and "waiting up to 120 s" in notice
    write_lock.communicate("", timeout=30)  # the loader finishes its batch
    stdout, _ = query.communicate(timeout=120)
    assert query.returncode == 0
    assert stdout.splitlines()[0] == "n" and int(stdout.splitlines()[1]) > 0


LONG_LOAD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from pipelines.loader import Loader\n"
    "from pipelines.synthetic import RecordedExtractor, synthetic_pairs\n"
    "pairs = list(synthetic_pairs(6000, seed=4))\n"
    "loader = Loader(Path(sys.argv[1]), RecordedExtractor({r.id: r for _, r in pairs}), 'v1')\n"
    "with loader.holding_file():\n"
    "    for start in range(0, len(pairs), 20):\n"
    "        loader.load_articles([a for a, _ in pairs[start : start + 20]])\n"
    "        if start == 0:\n"
    "            print('first batch stored', flush=True)\n"
)


def test_a_loader_holding_the_file_lets_a_waiting_query_in_between_batches(
    tmp_path: Path,
) -> None:
    """The loader keeps the file open from batch to batch, yet a query that finds it
    locked gets its answer while the load goes on, and the load then completes."""
    path = tmp_path / "busy.duckdb"
    loader = subprocess.Popen(
        [sys.executable, "-c", LONG_LOAD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert loader.stdout is not None
        assert loader.stdout.readline().strip() == "first batch stored"
        answer = giaouoc(
            "query",
            "SELECT count(*) FROM articles",
            "--db",
            str(path),
            "--format",
            "csv",
            "--wait",
            "120",
        )
        assert answer.returncode == 0, answer.stderr
        assert "is locked by PID" in answer.stderr  # it did find the loader holding the file
        assert loader.poll() is None, "the query only got in once the whole load was over"
        seen = int(answer.stdout.splitlines()[1])
        assert 0 < seen < 6000
        assert loader.wait(timeout=600) == 0
    finally:
        if loader.poll() is None:
            loader.kill()
    total = giaouoc("query", "SELECT count(*) FROM articles", "--db", str(path), "--format", "csv")
    assert int(total.stdout.splitlines()[1]) == 6000
    assert not list(tmp_path.glob("busy.duckdb.wait-*"))  # the request went with the wait


def test_a_loader_notices_a_waiting_process_at_its_next_look(tmp_path: Path) -> None:
    """A loader asks between every two batches whether someone waits for its file;
    it lists the directory at most every `interval`, and once someone waits it looks
    again each time, so it lets go while they still wait."""
    path = tmp_path / "watched.duckdb"
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        watch = WaitWatch(path, interval=3600)
        assert not watch()
        request = path.with_name(f"{path.name}.wait-{other.pid}")
        request.touch()
        assert not watch(), "looked again within the interval"
        eager = WaitWatch(path, interval=0)
        assert eager() and eager()
        request.unlink()
        assert not eager()
        request.touch()
        assert eager(), "a quiet answer was remembered past the interval"
    finally:
        other.kill()
        other.wait()
    assert not WaitWatch(path, interval=0)(), "a request left by a dead process counts"


def test_query_gives_up_on_a_lock_with_a_clear_error(db: Path, write_lock) -> None:
    result = giaouoc("query", "SELECT 1", "--db", str(db), "--wait", "1")
    assert result.returncode == 3
    assert "is locked by PID" in result.stderr and "still locked after 1 s" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "SELEC 1"], "SQL 'SELEC 1' failed: Parser Error"),
        (["query", "DELETE FROM events"], "read-only"),
        (["query", "SELECT * FROM no_such_table"], "no_such_table"),
        (["query", "SELECT 1", "--format", "xml"], "--format 'xml': not one of table, csv, json"),
        (["export", "--format", "xlsx", "--out", "x"], "--format 'xlsx': not one of parquet"),
        (["export", "--format", "csv", "--out", "/proc/no/such"], "--out /proc/no/such"),
    ],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(
    db: Path, args: list[str], expected: str
) -> None:
    before = snapshot(db)
    result = giaouoc(*args, "--db", str(db))
    assert result.returncode == 1
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db) == before


def test_missing_database_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    for command in (
        ["query", "SELECT 1"],
        ["stats"],
        ["export", "--format", "csv", "--out", str(tmp_path / "o")],
    ):
        result = giaouoc(*command, "--db", str(missing))
        assert result.returncode == 1
        assert f"database {missing} does not exist" in result.stderr
    assert not missing.exists()


def test_db_comes_from_the_environment_variable(db: Path, tmp_path: Path) -> None:
    result = giaouoc(
        "query",
        "SELECT count(*) FROM articles",
        "--format",
        "csv",
        env={**__import__("os").environ, "GIAOUOC_DB": str(db)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "60"


def test_stats_and_export_commands(db: Path, tmp_path: Path) -> None:
    stats = giaouoc("stats", "--db", str(db))
    assert stats.returncode == 0, stats.stderr
    assert "schema version" in stats.stdout and "events by type" in stats.stdout
    out = tmp_path / "export"
    result = giaouoc(
        "export", "--format", "parquet", "--out", str(out), "--db", str(db), "--year", "2016"
    )
    assert result.returncode == 0, result.stderr
    assert (out / "README.md").is_file() and (out / "events" / "year=2016").is_dir()
    assert not (out / "events" / "year=2017").exists()


def test_load_command_extracts_staged_batches_with_the_real_extractor(tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    articles = [a for a, _ in synthetic_pairs(20, seed=9)]
    staging.write_batch(staging_dir_for(db), articles[:10])
    staging.write_batch(staging_dir_for(db), articles[10:])
    result = giaouoc("load", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert staging.pending_batches(staging_dir_for(db)) == []
    answer = giaouoc(
        "query", "SELECT count(*) FROM articles WHERE relevant", "--db", str(db), "--format", "csv"
    )
    relevant = sum(1 for a in articles if a.relevant_hint)
    assert answer.stdout.splitlines()[1] == str(relevant)
    runs = giaouoc("query", "SELECT kind FROM crawl_runs", "--db", str(db), "--format", "csv")
    assert runs.stdout.splitlines()[1:] == ["load"]
