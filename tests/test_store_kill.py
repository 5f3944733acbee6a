"""A load killed with SIGKILL leaves whole batches; rerunning ends where a clean run ends.

Runs the real `giaouoc load` (real extractor, real DuckDB file) in a subprocess,
committing every two batches, and kills it once it has committed its first
transaction, while later batches are still pending.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from store_checks import snapshot

from pipelines import staging
from pipelines.config import staging_dir_for
from pipelines.synthetic import synthetic_pairs

BATCHES = 8
PER_BATCH = 30
GIAOUOC = [sys.executable, "-m", "pipelines.cli"]


def _stage(db: Path) -> None:
    articles = [a for a, _ in synthetic_pairs(BATCHES * PER_BATCH, seed=11)]
    for start in range(0, len(articles), PER_BATCH):
        staging.write_batch(staging_dir_for(db), articles[start : start + PER_BATCH])


LOAD = [*GIAOUOC, "load", "--commit-every", str(2 * PER_BATCH)]


def _load(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LOAD, "--db", str(db)], capture_output=True, text=True, timeout=300)


def test_sigkill_during_load_then_rerun_equals_an_uninterrupted_load(tmp_path: Path) -> None:
    clean, killed = tmp_path / "clean" / "g.duckdb", tmp_path / "killed" / "g.duckdb"
    _stage(clean)
    shutil.copytree(staging_dir_for(clean), staging_dir_for(killed))

    done = _load(clean)
    assert done.returncode == 0, done.stderr
    assert staging.pending_batches(staging_dir_for(clean)) == []

    process = subprocess.Popen(
        [*LOAD, "--db", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while len(staging.pending_batches(staging_dir_for(killed))) == BATCHES:
            assert process.poll() is None, "load ended before it could be killed"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    left = len(staging.pending_batches(staging_dir_for(killed)))
    assert 0 < left < BATCHES

    # what the killed run left behind is whole batches: each article with its event
    con = duckdb.connect(str(killed))
    try:
        stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        orphans = con.execute(
            "SELECT count(*) FROM event_sources s"
            " WHERE s.article_id NOT IN (SELECT article_id FROM articles)"
            " OR s.event_id NOT IN (SELECT event_id FROM events)"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert stored % (2 * PER_BATCH) == 0 and stored >= PER_BATCH * (BATCHES - left)
    assert orphans == 0

    rerun = _load(killed)
    assert rerun.returncode == 0, rerun.stderr
    assert staging.pending_batches(staging_dir_for(killed)) == []
    assert snapshot(killed) == snapshot(clean)
