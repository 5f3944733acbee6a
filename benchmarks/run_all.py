"""Run every benchmark and write ``benchmarks/RESULTS.md``: each figure beside its baseline.

A figure alone says little (machines differ); next to its side-by-side baseline, run
on the same machine in the same session, it says how much giaouoc adds. So each
benchmark runs as its own process (a crash or a missing script is recorded, not fatal;
peak memory figures stay per-process), its printed figures are read back, and the
results file gets the machine description and, per figure, value, baseline, ratio and
the goal from the issue:

* extraction time vs bare underthesea segmentation of the same texts (``extract_bench``);
* crawl pages/s vs ``scrapy bench`` (``crawl_bench``);
* loader records/s vs a plain DuckDB Arrow insert of the same rows, view times
  (``load_bench``);
* peak memory loading 1,000,000 synthetic articles and each analyst view's time on
  that database (``scale_sim``), against the goals (2 GB, 1 s).

    .venv/bin/python benchmarks/run_all.py            # full sizes (about an hour)
    .venv/bin/python benchmarks/run_all.py --quick    # small sizes, RESULTS-quick.md
    .venv/bin/python benchmarks/run_all.py --only load_bench --only scale_sim
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = [
    "giaouoc",
    "scrapy",
    "scrapy-redis",
    "redis",
    "duckdb",
    "pyarrow",
    "underthesea",
    "spacy",
    "trafilatura",
    "pydantic",
    "lxml",
]


@dataclass
class Figure:
    """One measured number; `ratio` is value / baseline (or value / goal without one)."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Outcome:
    bench: str
    command: list[str]
    status: str  # ok | failed (exit N) | missing | timed out
    seconds: float
    output: str
    figures: list[Figure] = field(default_factory=list)


# -- reading each benchmark's printed figures -----------------------------------------


def _number(pattern: str, text: str, group: int = 1) -> float | None:
    match = re.search(pattern, text, re.M)
    return float(match.group(group).replace(",", "")) if match else None


def _missing(name: str, unit: str) -> Figure:
    return Figure(name, None, unit, note="not found in the output")


def parse_extract(out: str) -> list[Figure]:
    bare = _number(r"underthesea sent_tokenize \+ word_tokenize:\s+([\d.]+) s", out)
    full = _number(r"giaouoc extraction \(extract_many\):\s+([\d.]+) s", out)
    peak = _number(r"peak RSS ([\d,.]+) MB", out)
    figures = []
    if bare is None or full is None:
        figures.append(_missing("extraction time", "s"))
    else:
        figures.append(
            Figure(
                "extraction time (extract_many)",
                full,
                "s",
                bare,
                "bare underthesea sent+word tokenize",
                "ratio ≤ 1.5",
                full / bare <= 1.5,
            )
        )
    figures.append(
        _missing("extraction peak RSS (streaming)", "MB")
        if peak is None
        else Figure(
            "extraction peak RSS (streaming)",
            peak,
            "MB",
            500,
            "goal 500 MB",
            "< 500 MB",
            peak < 500,
        )
    )
    return figures


def parse_crawl(out: str) -> list[Figure]:
    ours = _number(r"giaouoc crawl \(parse \+ stage\):\s+([\d.]+) pages/s", out)
    theirs = _number(r"scrapy bench \(follow links\):\s+([\d.]+) pages/s", out)
    if ours is None or theirs is None:
        return [_missing("crawl rate", "pages/s")]
    return [
        Figure(
            "crawl rate (parse + stage)",
            ours,
            "pages/s",
            theirs,
            "scrapy bench",
            "ratio ≥ 0.5",
            ours / theirs >= 0.5,
        )
    ]


def parse_load(out: str) -> list[Figure]:
    ours = _number(r"giaouoc loader\s*:\s+[\d.]+ s\s+([\d,]+) records/s", out)
    plain = _number(r"plain Arrow insert\s*:\s+[\d.]+ s\s+([\d,]+) records/s", out)
    figures = [
        _missing("load rate", "records/s")
        if ours is None or plain is None
        else Figure(
            "load rate",
            ours,
            "records/s",
            plain,
            "plain DuckDB Arrow insert",
            "ratio ≥ 0.5",
            ours / plain >= 0.5,
        )
    ]
    for view, seconds, events in re.findall(
        r"^(v_\w+)\s*:\s+([\d.]+) s on ([\d,]+) events", out, re.M
    ):
        figures.append(
            Figure(
                f"{view} on {events} events",
                float(seconds),
                "s",
                1.0,
                "goal 1 s",
                "< 1 s",
                float(seconds) < 1.0,
            )
        )
    return figures


def parse_scale(out: str) -> list[Figure]:
    line = next((row for row in reversed(out.splitlines()) if row.startswith("RESULT ")), None)
    if line is None:
        return [_missing("scale simulation", "")]
    result = json.loads(line[len("RESULT ") :])
    n = f"{result['n']:,}"
    figures = [
        Figure(
            f"peak RSS loading {n} articles",
            result["peak_rss_mb"],
            "MB",
            result["goal_peak_mb"],
            "goal 2 GB",
            "< 2048 MB",
            result["peak_rss_mb"] < result["goal_peak_mb"],
        ),
        Figure(
            f"load rate, {n} articles",
            result["articles"] / result["load_seconds"],
            "articles/s",
            note=f"database {result['db_mb']:,.0f} MB; "
            + ", ".join(f"{t} {c:,}" for t, c in result["tables"].items()),
        ),
    ]
    for view, seconds in result["views"].items():
        figures.append(
            Figure(
                f"{view} on {result['tables']['events']:,} events",
                seconds,
                "s",
                result["goal_view_seconds"],
                "goal 1 s",
                "< 1 s",
                seconds < result["goal_view_seconds"],
            )
        )
    return figures


@dataclass(frozen=True)
class Bench:
    name: str
    full: list[str]
    quick: list[str]
    parse: Callable[[str], list[Figure]]
    timeout: int  # seconds, full size


BENCHES = [
    Bench("extract_bench", [], ["--articles", "100", "--stream", "300"], parse_extract, 3600),
    Bench("crawl_bench", [], ["--articles", "200", "--bench-seconds", "3"], parse_crawl, 1800),
    Bench(
        "load_bench",
        ["--view-events", "1000000"],  # the view goal is stated at 1M events
        ["--records", "5000", "--batch", "1000", "--view-events", "20000"],
        parse_load,
        3600,
    ),
    Bench("scale_sim", [], ["--n", "20000", "--batch", "5000"], parse_scale, 5400),
]


def run_bench(bench: Bench, quick: bool, folder: Path = HERE) -> Outcome:
    script = folder / f"{bench.name}.py"
    command = [sys.executable, str(script), *(bench.quick if quick else bench.full)]
    if not script.is_file():
        return Outcome(bench.name, command, "missing", 0.0, "")
    print(f"== {bench.name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600 if quick else bench.timeout,
        )
    except subprocess.TimeoutExpired as expired:
        output = (
            (expired.stdout or b"").decode()
            if isinstance(expired.stdout, bytes)
            else (expired.stdout or "")
        )
        return Outcome(bench.name, command, "timed out", time.perf_counter() - started, output)
    seconds = time.perf_counter() - started
    output = done.stdout + (f"\n[stderr]\n{done.stderr.strip()}" if done.returncode else "")
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return Outcome(
            bench.name, command, f"failed (exit {done.returncode}): {tail}", seconds, output
        )
    try:
        figures = bench.parse(done.stdout)
    except (ValueError, KeyError) as error:  # a changed output format is a result too
        figures = [Figure("figures", None, "", note=f"could not read the output: {error}")]
    print(done.stdout.rstrip(), flush=True)
    return Outcome(bench.name, command, "ok", seconds, output, figures)


# -- the machine -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M).group(1)  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    ram = "unknown"
    try:
        kib = int(
            re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.M).group(1)
        )  # type: ignore[union-attr]
        ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    commit = (
        subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        or "unknown"
    )
    return {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(versions),
        "commit": commit,
    }


# -- the report --------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = (
        f"{value:,.3f}"
        if abs(value) < 10
        else f"{value:,.0f}"
        if abs(value) >= 1000
        else f"{value:,.1f}"
    )
    return f"{text} {unit}".strip()


def render(outcomes: list[Outcome], info: dict[str, str], quick: bool) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/run_all.py{' --quick' if quick else ''}` on {stamp}"
        + (" — **quick mode: small sizes, smoke use only**" if quick else "")
        + ".",
        "Ratios are value / baseline on the same machine in the same run (for a goal "
        "without a baseline: value / goal). Timings are this machine's; compare ratios.",
        "",
        "## Machine",
        "",
        *[f"- **{key}**: {value}" for key, value in info.items()],
        "",
        "## Figures",
        "",
        "| benchmark | figure | value | baseline | ratio | goal | met |",
        "| --- | --- | ---: | --- | ---: | --- | --- |",
    ]
    for outcome in outcomes:
        if outcome.status != "ok":
            lines.append(f"| {outcome.bench} | — | — | — | — | — | **{outcome.status}** |")
            continue
        for f in outcome.figures:
            baseline = (
                "—"
                if not f.baseline_name
                else f.baseline_name
                if f.baseline_name.startswith("goal")
                else f"{f.baseline_name}: {_fmt(f.baseline, f.unit)}"
            )
            met = {True: "yes", False: "**no**", None: "—"}[f.met]
            value = _fmt(f.value, f.unit) + (f" ({f.note})" if f.note else "")
            ratio = "—" if f.ratio is None else f"{f.ratio:.2f}"
            lines.append(
                f"| {outcome.bench} | {f.name} | {value} | {baseline} | {ratio} "
                f"| {f.goal or '—'} | {met} |"
            )
    lines += ["", "## Runs", ""]
    for outcome in outcomes:
        command = " ".join(Path(c).name if i < 2 else c for i, c in enumerate(outcome.command))
        lines += [
            f"### {outcome.bench}",
            "",
            f"`{command}` — {outcome.status}, {outcome.seconds:.0f} s wall",
            "",
        ]
        if outcome.output.strip():
            lines += ["```", outcome.output.strip()[-6000:], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke use)")
    parser.add_argument(
        "--only",
        action="append",
        choices=[b.name for b in BENCHES],
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results file (default benchmarks/RESULTS.md, or RESULTS-quick.md with --quick)",
    )
    args = parser.parse_args()
    out = args.out or HERE / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    outcomes = [run_bench(bench, args.quick) for bench in chosen]
    out.write_text(render(outcomes, machine(), args.quick), encoding="utf-8")
    print(f"wrote {out}")
    for outcome in outcomes:
        if outcome.status != "ok":
            print(f"{outcome.bench}: {outcome.status}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
