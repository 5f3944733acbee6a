"""`giaouoc schedule` and the run lock: entries that cron / systemd accept, and a second
run that stops at once, with one line, while the first holds the database.

The scheduled command is executed for real (through ``sh``, as cron would) against a
database whose run lock a child process holds.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.runlock import RunLockedError, run_lock, run_lock_path
from pipelines.schedule import MARKER, ScheduleError, merged_crontab, on_calendar

GIAOUOC = [sys.executable, "-m", "pipelines.cli"]
HOLD_LOCK = (
    "import sys, time; from pathlib import Path; from pipelines.runlock import run_lock\n"
    "with run_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True); time.sleep(120)\n"
)


def giaouoc(
    *args: str, env: dict | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GIAOUOC, *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd
    )


@pytest.fixture
def held_lock(tmp_path: Path):
    """A child process holding the run lock of a database; yields (db, process)."""
    db = tmp_path / "data" / "g.duckdb"
    db.parent.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout and child.stdout.readline().strip() == "held"
    yield db, child
    child.kill()
    child.wait()


# -- cron ----------------------------------------------------------------------------
def test_cron_line_names_the_schedule_and_absolute_paths(tmp_path: Path) -> None:
    sources = tmp_path / "my sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    done = giaouoc(
        "schedule",
        "--every",
        "*/30 6-22 * * 1-5",
        "--db",
        "rel/g.duckdb",
        "--sources",
        str(sources),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("*/30 6-22 * * 1-5 cd ")
    assert f"run --db {tmp_path / 'rel' / 'g.duckdb'}" in line
    assert shlex.quote(str(sources)) in line
    assert f">> {tmp_path / 'rel' / 'g.duckdb.run.log'} 2>&1" in line


@pytest.mark.parametrize(
    "every, expected", [("hourly", "17 * * * *"), ("DAILY", "17 3 * * *"), ("weekly", "17 3 * * 1")]
)
def test_presets(every: str, expected: str, tmp_path: Path) -> None:
    done = giaouoc("schedule", "--every", every, "--db", str(tmp_path / "g.duckdb"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(expected + " cd ")


@pytest.mark.parametrize(
    "every, complaint",
    [
        ("sometimes", "not one of hourly, daily, weekly nor a cron expression"),
        ("61 * * * *", "minute 61 is outside 0-59"),
        ("0 5-2 * * *", "hour range 5-2 runs backwards"),
        ("0 0 * 13 *", "month 13 is outside 1-12"),
        ("*/0 * * * *", "minute step 0 never repeats"),
        ("0 0 L * *", "day of month 'L' is not a cron field"),
    ],
)
def test_bad_schedules_fail_with_one_line(every: str, complaint: str, tmp_path: Path) -> None:
    done = giaouoc("schedule", "--every", every, "--db", str(tmp_path / "g.duckdb"))
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: --every {every!r}: {complaint}")


def test_bad_format_name_and_sources_are_named(tmp_path: Path) -> None:
    for args, start in (
        (["--format", "at"], "error: --format 'at'"),
        (["--name", "../evil"], "error: --name '../evil'"),
        (["--sources", str(tmp_path / "none.yaml")], "error: --sources"),
    ):
        done = giaouoc("schedule", *args, "--db", str(tmp_path / "g.duckdb"))
        assert done.returncode == 2 and done.stderr.startswith(start), done.stderr


def test_cron_d_file_is_installed_into_the_target_dir(tmp_path: Path) -> None:
    target = tmp_path / "cron.d"
    args = [
        "schedule",
        "--every",
        "hourly",
        "--db",
        str(tmp_path / "g.duckdb"),
        "--install",
        "--target-dir",
        str(target),
        "--name",
        "giaouoc-nightly",
    ]
    done = giaouoc(*args)
    assert done.returncode == 0, done.stderr
    rows = (target / "giaouoc-nightly").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("#")
    assert rows[1].startswith(f"17 * * * * {getpass.getuser()} cd ")
    assert giaouoc(*args).returncode == 0  # installing again replaces, never duplicates
    assert (target / "giaouoc-nightly").read_text(encoding="utf-8").splitlines() == rows
    assert sorted(p.name for p in target.iterdir()) == ["giaouoc-nightly"]


def test_user_crontab_install_without_crontab_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no crontab on this PATH
    done = giaouoc("schedule", "--install", "--db", str(tmp_path / "g.duckdb"), env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: 'crontab' not found: install cron, or use --format "
        "systemd, or --target-dir to write a cron.d file"
    )


def test_merged_crontab_replaces_only_our_entry() -> None:
    mine = f"{MARKER}giaouoc-run"
    existing = f"MAILTO=ops\n0 1 * * * backup\n{mine}\n17 3 * * * old giaouoc\n5 5 * * * other\n"
    merged = merged_crontab(existing, "giaouoc-run", "17 * * * * new giaouoc")
    assert merged.splitlines() == [
        "MAILTO=ops",
        "0 1 * * * backup",
        "5 5 * * * other",
        mine,
        "17 * * * * new giaouoc",
    ]
    assert merged_crontab(merged, "giaouoc-run", "17 * * * * new giaouoc") == merged
    other = merged_crontab(merged, "second", "1 1 * * * x")
    assert other.startswith(merged) and other.endswith(f"{MARKER}second\n1 1 * * * x\n")


# -- systemd -------------------------------------------------------------------------
CALENDARS = [
    ("daily", "*-*-* 03:17:00"),
    ("hourly", "*-*-* *:17:00"),
    ("*/15 6-22 * * 1-5", "Mon..Fri *-*-* 06..22:0/15:00"),
    ("0 */2 1,15 * *", "*-*-01,15 0/2:00:00"),
    ("5 4 * * 0,6", "Sun,Sat *-*-* 04:05:00"),
    ("0 8-18/4 * * *", "*-*-* 08,12,16:00:00"),
]


@pytest.mark.parametrize("every, calendar", CALENDARS)
def test_on_calendar_translation(every: str, calendar: str) -> None:
    assert on_calendar(every) == calendar


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("every", [every for every, _ in CALENDARS])
def test_systemd_accepts_the_calendar(every: str) -> None:
    done = subprocess.run(
        ["systemd-analyze", "calendar", on_calendar(every)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Next elapse" in done.stdout


def test_day_of_month_and_week_together_cannot_be_a_timer() -> None:
    with pytest.raises(ScheduleError, match="day of month OR day of week"):
        on_calendar("0 4 1 * 1")


def test_systemd_units_are_installed_into_the_target_dir(tmp_path: Path) -> None:
    target = tmp_path / "units"
    db = tmp_path / "a dir" / "g.duckdb"
    done = giaouoc(
        "schedule",
        "--format",
        "systemd",
        "--every",
        "weekly",
        "--db",
        str(db),
        "--install",
        "--target-dir",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    assert "systemctl --user enable --now giaouoc-run.timer" in done.stdout
    service = (target / "giaouoc-run.service").read_text(encoding="utf-8")
    timer = (target / "giaouoc-run.timer").read_text(encoding="utf-8")
    assert f'run --db "{db}"' in service  # the space is quoted for systemd
    assert "Type=oneshot" in service
    assert "OnCalendar=Mon *-*-* 03:17:00" in timer
    assert "Unit=giaouoc-run.service" in timer


# -- the run lock --------------------------------------------------------------------
def test_second_lock_holder_is_refused_with_the_holders_pid(held_lock) -> None:
    db, child = held_lock
    with pytest.raises(RunLockedError) as refused, run_lock(db):
        pass
    message = str(refused.value)
    assert f"PID {child.pid}" in message and str(db) in message
    assert "\n" not in message


def test_a_killed_holder_leaves_no_stale_lock(held_lock) -> None:
    db, child = held_lock
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with run_lock(db) as path:
        assert path == run_lock_path(db)
        assert f"PID {os.getpid()}" in path.read_text(encoding="utf-8")
    assert path.exists()  # never deleted: deleting would race with the next opener


def test_waiting_for_the_lock_gets_it_when_the_holder_finishes(held_lock) -> None:
    db, child = held_lock
    killer = subprocess.Popen(
        [sys.executable, "-c", f"import os,time; time.sleep(0.5); os.kill({child.pid}, 9)"]
    )
    with run_lock(db, wait=60):
        pass
    killer.wait()


def test_scheduled_run_stops_at_once_while_another_run_holds_the_database(held_lock) -> None:
    """The cron entry, run through sh as cron runs it, exits non-zero with one line in
    the run log, and leaves the database and its staging folder untouched."""
    db, child = held_lock
    done = giaouoc("schedule", "--every", "hourly", "--db", str(db))
    assert done.returncode == 0, done.stderr
    command = done.stdout.strip().split(" ", 5)[5].replace(r"\%", "%")
    ran = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 3
    log = (db.parent / "g.duckdb.run.log").read_text(encoding="utf-8").strip().splitlines()
    assert len(log) == 1
    assert log[0].startswith(f"error: database {db} is busy: another giaouoc run holds")
    assert f"PID {child.pid}" in log[0]
    assert sorted(p.name for p in db.parent.iterdir()) == ["g.duckdb.run.lock", "g.duckdb.run.log"]
