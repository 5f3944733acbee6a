"""`giaouoc schedule`: periodic `giaouoc run` as a cron line or a systemd service + timer.

Scheduling is left to the scheduler the machine already has (cron or systemd): it
survives reboots, logs, and is what an administrator knows how to inspect. This module
only writes the entries correctly — absolute paths, quoting each format's special
characters (``%`` in both), a start minute off the top of the hour so provincial
servers are not hit when every cron job on the internet fires — and installs them where
asked. Overlapping runs are not the scheduler's problem: `giaouoc run` takes the run
lock (`pipelines.runlock`), so a run that fires while the previous one is still going
exits with a one-line message.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from pipelines.config import resolve_db

# Named frequencies, as cron expressions (minute 17: see the module docstring).
PRESETS = {
    "hourly": "17 * * * *",
    "daily": "17 3 * * *",
    "weekly": "17 3 * * 1",
}
FORMATS = ("cron", "systemd")
DEFAULT_NAME = "giaouoc-run"
MARKER = "# giaouoc-schedule:"  # tags the line after it in a crontab as ours

# Cron field: name, lowest, highest value.
_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_ITEM = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")
_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")


class ScheduleError(ValueError):
    """A schedule that cannot be written or installed; the message names the input."""


@dataclass(frozen=True)
class CronItem:
    """One comma-separated item of a cron field: ``*``, ``N``, ``N-M``, each with ``/S``."""

    star: bool
    low: int | None
    high: int | None
    step: int | None


def parse_every(every: str) -> list[list[CronItem]]:
    """The five fields of a preset name or a cron expression; `ScheduleError` if invalid."""
    expression = PRESETS.get(every.strip().lower(), every.strip())
    fields = expression.split()
    if len(fields) != len(_FIELDS):
        raise ScheduleError(
            f"--every {every!r}: not one of {', '.join(PRESETS)} nor a cron expression "
            f"of 5 fields (minute hour day-of-month month day-of-week)"
        )
    parsed = []
    for text, (name, lowest, highest) in zip(fields, _FIELDS, strict=True):
        items = []
        for part in text.split(","):
            match = _ITEM.match(part)
            if not match:
                raise ScheduleError(
                    f"--every {every!r}: {name} {text!r} is not a cron field "
                    "(*, N, N-M, each optionally /STEP, comma-separated)"
                )
            star, low, high, step = match.groups()
            item = CronItem(bool(star), _int(low), _int(high), _int(step))
            for value in (item.low, item.high):
                if value is not None and not lowest <= value <= highest:
                    raise ScheduleError(
                        f"--every {every!r}: {name} {value} is outside {lowest}-{highest}"
                    )
            if item.low is not None and item.high is not None and item.low > item.high:
                raise ScheduleError(f"--every {every!r}: {name} range {part} runs backwards")
            if item.step == 0:
                raise ScheduleError(f"--every {every!r}: {name} step 0 never repeats")
            items.append(item)
        parsed.append(items)
    return parsed


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def cron_expression(every: str) -> str:
    """The validated cron expression of `every` (a preset name is expanded)."""
    parse_every(every)
    return PRESETS.get(every.strip().lower(), " ".join(every.split()))


def on_calendar(every: str) -> str:
    """`every` as a systemd ``OnCalendar=`` value (``DOW *-MONTH-DAY HOUR:MINUTE:00``)."""
    minute, hour, day, month, weekday = parse_every(every)
    if not _is_star(day) and not _is_star(weekday):
        raise ScheduleError(
            f"--every {every!r}: cron runs when day of month OR day of week "
            "matches, systemd when both do; give only one of them"
        )
    hours, minutes = _calendar_field(hour, 0, every), _calendar_field(minute, 0, every)
    date = f"*-{_calendar_field(month, 1, every)}-{_calendar_field(day, 1, every)}"
    value = f"{date} {hours}:{minutes}:00"
    if not _is_star(weekday):
        value = f"{_weekdays(weekday, every)} {value}"
    return value


def _is_star(items: list[CronItem]) -> bool:
    return len(items) == 1 and items[0].star and items[0].step is None


def _calendar_field(items: list[CronItem], first: int, every: str) -> str:
    out = []
    for item in items:
        if item.star:
            out.append("*" if item.step is None else f"{first}/{item.step}")
        elif item.high is None:
            out.append(f"{item.low:02d}" + (f"/{item.step}" if item.step else ""))
        elif item.step is None:
            out.append(f"{item.low:02d}..{item.high:02d}")
        else:  # systemd has ranges and repetitions but not both in one item
            out.append(",".join(f"{v:02d}" for v in range(item.low, item.high + 1, item.step)))
    if len(out) > 1 and any("*" in part for part in out):
        raise ScheduleError(
            f"--every {every!r}: '*' inside a list cannot be written for systemd; use --format cron"
        )
    return ",".join(out)


def _weekdays(items: list[CronItem], every: str) -> str:
    out = []
    for item in items:
        if item.star or item.step is not None:
            raise ScheduleError(
                f"--every {every!r}: a stepped day of week cannot be written "
                "for systemd; list the days instead"
            )
        if item.high is None:
            out.append(_WEEKDAYS[item.low or 0])
        else:
            out.append(f"{_WEEKDAYS[item.low or 0]}..{_WEEKDAYS[item.high]}")
    return ",".join(out)


# -- what is run --------------------------------------------------------------------------


def run_argv(
    db: Path, sources: Path | None = None, site: str | None = None, redis: str | None = None
) -> list[str]:
    """The command a scheduled run executes: this installation's giaouoc, absolute paths."""
    script = Path(sys.executable).with_name("giaouoc")
    argv = [str(script)] if script.is_file() else [sys.executable, "-m", "pipelines.cli"]
    argv += ["run", "--db", str(db.absolute())]
    if sources:
        argv += ["--sources", str(sources.absolute())]
    if site:
        argv += ["--site", site]
    if redis:
        argv += ["--redis", redis]
    return argv


def run_log_path(db: Path) -> Path:
    """Where cron appends a scheduled run's output (systemd keeps it in the journal)."""
    db = db.absolute()
    return db.parent / f"{db.name}.run.log"


def cron_line(
    every: str, argv: list[str], workdir: Path, log: Path, user: str | None = None
) -> str:
    """One crontab line (with `user`, the /etc/cron.d format)."""
    command = (
        f"cd {shlex.quote(str(workdir))} && LANG=C.UTF-8 {shlex.join(argv)} "
        f">> {shlex.quote(str(log))} 2>&1"
    )
    command = command.replace("%", r"\%")  # cron turns a bare % into a newline
    fields = [cron_expression(every), *([user] if user else []), command]
    return " ".join(fields)


def _systemd_quote(arg: str) -> str:
    arg = arg.replace("%", "%%")  # systemd expands %-specifiers
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(
    every: str, argv: list[str], workdir: Path, name: str, db: Path
) -> dict[str, str]:
    """``{file name: content}`` of the service and its timer."""
    calendar = on_calendar(every)
    service = f"""[Unit]
Description=giaouoc run: crawl, extract and load into {_systemd_quote(str(db.absolute()))}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={_systemd_quote(str(workdir))}
Environment=LANG=C.UTF-8
ExecStart={" ".join(_systemd_quote(a) for a in argv)}
Nice=10
"""
    timer = f"""[Unit]
Description=Periodic giaouoc run ({every})

[Timer]
OnCalendar={calendar}
Persistent=true
RandomizedDelaySec=120
Unit={name}.service

[Install]
WantedBy=timers.target
"""
    return {f"{name}.service": service, f"{name}.timer": timer}


# -- installing ---------------------------------------------------------------------------


def merged_crontab(existing: str, name: str, line: str) -> str:
    """`existing` crontab with our entry called `name` added or replaced, others kept."""
    marker = f"{MARKER}{name}"
    kept: list[str] = []
    skip_next = False
    for row in existing.splitlines():
        if skip_next:
            skip_next = False
            continue
        if row.strip() == marker:
            skip_next = True
            continue
        kept.append(row)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join([*kept, marker, line]) + "\n"


def install_user_crontab(name: str, line: str, crontab: str = "crontab") -> str:
    """Add or replace our entry in the user's crontab via ``crontab -``."""
    binary = shutil.which(crontab)
    if binary is None:
        raise ScheduleError(
            f"{crontab!r} not found: install cron, or use --format systemd, "
            "or --target-dir to write a cron.d file"
        )
    current = subprocess.run([binary, "-l"], capture_output=True, text=True)
    existing = current.stdout if current.returncode == 0 else ""  # 1: no crontab yet
    done = subprocess.run(
        [binary, "-"], input=merged_crontab(existing, name, line), capture_output=True, text=True
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise ScheduleError(f"crontab refused the entry: {reason}")
    return f"installed in the crontab of {getpass.getuser()} ({crontab} -l shows it)"


def write_files(target_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write each file atomically into `target_dir` (created if missing)."""
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScheduleError(
            f"--target-dir {target_dir}: cannot create it ({error.strerror})"
        ) from None
    written = []
    for file_name, content in files.items():
        final = target_dir / file_name
        tmp = final.with_name(final.name + ".tmp")
        try:
            tmp.write_text(content, encoding="utf-8")
            os.replace(tmp, final)
        except OSError as error:
            raise ScheduleError(
                f"--target-dir {target_dir}: cannot write {file_name} ({error.strerror})"
            ) from None
        written.append(final)
    return written


def user_systemd_dir() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


# -- the command --------------------------------------------------------------------------


def schedule(
    every: Annotated[
        str,
        typer.Option(
            "--every", help="hourly, daily, weekly, or a cron expression like '*/30 6-22 * * *'."
        ),
    ] = "daily",
    fmt: Annotated[str, typer.Option("--format", help="cron or systemd.")] = "cron",
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Database file (default: $GIAOUOC_DB or data/giaouoc.duckdb)."),
    ] = None,
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Sources file (default data/sources.yaml).")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Crawl only this source.")] = None,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis", help="Run as a worker of a distributed crawl (redis://HOST:PORT/DB)."
        ),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="Name of the entry (systemd unit / crontab tag).")
    ] = DEFAULT_NAME,
    install: Annotated[
        bool, typer.Option("--install", help="Install it instead of printing it.")
    ] = False,
    target_dir: Annotated[
        Path | None,
        typer.Option(
            "--target-dir",
            help="Install into this folder: systemd unit files, or a cron.d "
            "file for cron (default: ~/.config/systemd/user, or the user's crontab).",
        ),
    ] = None,
) -> None:
    """Print (or --install) a cron line or a systemd timer for a periodic `giaouoc run`."""
    try:
        if fmt not in FORMATS:
            raise ScheduleError(f"--format {fmt!r}: not one of {', '.join(FORMATS)}")
        if not _NAME.match(name):
            raise ScheduleError(f"--name {name!r}: use letters, digits, '-', '_', '.', '@'")
        if sources is not None and not sources.is_file():
            raise ScheduleError(f"--sources {sources}: no such file")
        path = resolve_db(db)
        argv = run_argv(path, sources, site, redis)
        workdir = Path.cwd()
        message = _schedule(fmt, every, argv, workdir, name, path, install, target_dir)
    except ScheduleError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(message)


def _schedule(
    fmt: str,
    every: str,
    argv: list[str],
    workdir: Path,
    name: str,
    db: Path,
    install: bool,
    target_dir: Path | None,
) -> str:
    log = run_log_path(db)
    if fmt == "cron":
        if not install:
            return cron_line(every, argv, workdir, log)
        if target_dir is None:
            return install_user_crontab(name, cron_line(every, argv, workdir, log))
        line = cron_line(every, argv, workdir, log, user=getpass.getuser())
        content = f"# {name}: periodic giaouoc run, written by `giaouoc schedule`\n{line}\n"
        (written,) = write_files(target_dir, {name: content})
        return f"wrote {written} (cron.d format)"
    units = systemd_units(every, argv, workdir, name, db)
    if not install:
        return "\n".join(f"# --- {file_name}\n{content}" for file_name, content in units.items())
    folder = target_dir or user_systemd_dir()
    written = write_files(folder, units)
    return "\n".join(
        [
            *(f"wrote {p}" for p in written),
            "enable it with: systemctl --user daemon-reload && "
            f"systemctl --user enable --now {name}.timer",
        ]
    )
