"""`giaouoc run | demo | load | reextract | query | export | stats` — the store's commands.

Each command is a thin shell: resolve the database, call the stage, show progress on
stderr (so `query --format csv` output stays clean on stdout), and turn every expected
failure into one line naming the input and the problem, with a non-zero exit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from pipelines.config import resolve_db, staging_dir_for
from pipelines.export import FORMATS, ExportError, ExportFilter, export
from pipelines.loader import GROUP_ARTICLES, LoadCounts, Loader
from pipelines.migrations import SchemaTooNewError
from pipelines.query import QUERY_FORMATS, QueryError, as_csv, as_json, as_rich_table, run_query
from pipelines.runlock import run_lock
from pipelines.staging import pending_batches
from pipelines.stats import collect_stats
from pipelines.store import DEFAULT_LOCK_TIMEOUT, DatabaseLockedError, StoreError

out = Console()
err = Console(stderr=True)

# The demo crawls a server it started itself on 127.0.0.1: delays that protect real
# portals would only make the demo slow (robots.txt and retries stay on).
LOCAL_SITE_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}

EXIT_ERROR = 1
EXIT_LOCKED = 3

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file (default: $GIAOUOC_DB or data/giaouoc.duckdb)."),
]
WaitOption = Annotated[
    float,
    typer.Option("--wait", help="Seconds to wait while another process holds the database."),
]


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Expected failures become one line and an exit code, not a traceback."""
    try:
        yield
    except DatabaseLockedError as error:
        raise fail(str(error), EXIT_LOCKED) from None
    except (StoreError, QueryError, ExportError, SchemaTooNewError) as error:
        raise fail(str(error)) from None


def _waiting(message: str) -> None:
    err.print(f"[yellow]{message}[/]", highlight=False, soft_wrap=True)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        console=err,
        transient=False,
    )


def load_with_progress(loader: Loader, staging_dir: Path) -> LoadCounts:
    batches = len(pending_batches(staging_dir))
    with _progress() as progress:
        task = progress.add_task("load", total=batches, detail="")

        def on_batch(_path: Path, counts: LoadCounts, _pending: int) -> None:
            progress.update(
                task,
                advance=1,
                detail=f"{counts.stored} stored, {counts.relevant} relevant",
            )

        return loader.load_staged(staging_dir, on_batch=on_batch)


def _counts_table(title: str, counts: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    return table


def _summary_dict(summary: Any) -> dict[str, Any]:
    """A crawl summary (pydantic model, dataclass, dict, …) as a plain dict."""
    if summary is None:
        return {}
    if isinstance(summary, dict):
        return summary
    if hasattr(summary, "model_dump"):
        return summary.model_dump(mode="json")
    if hasattr(summary, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(summary)
    return dict(vars(summary))


def crawl_and_load(
    db: Path,
    *,
    kind: str,
    sources: Path | None = None,
    site: str | None = None,
    base_url_overrides: dict[str, str] | None = None,
    settings_overrides: dict[str, Any] | None = None,
    redis_url: str | None = None,
) -> tuple[dict[str, Any], LoadCounts]:
    """crawl → stage → extract → load, recorded as one row of `crawl_runs`.

    The crawl runs in a child process that shows its own progress and stages article
    batches; this process is the only one that opens the database.
    """
    from crawler.runner import CrawlError, run_crawl
    from crawler.sources import SourcesError

    started = time.time()
    try:
        summary = run_crawl(
            sources=sources,
            site=site,
            db=db,
            base_url_overrides=base_url_overrides,
            settings_overrides=settings_overrides,
            progress=True,
            redis_url=redis_url,
        )
    except (CrawlError, SourcesError) as error:
        raise fail(f"crawl of {site or 'the default sources'} failed: {error}") from None
    crawl = _summary_dict(summary)
    loader = Loader(db)
    counts = load_with_progress(loader, staging_dir_for(db))
    record = {k: v for k, v in crawl.items() if k not in ("started", "finished", "relevant")}
    record |= {
        "started_at": started,
        "finished_at": time.time(),
        "relevant_articles": counts.relevant,
        "events": counts.events_touched,
        "load": counts.as_dict(),
    }
    loader.record_run(f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}-{int(started)}", kind, record)
    return crawl, counts


def _print_run_summary(crawl: dict[str, Any], counts: LoadCounts) -> None:
    shown = {k: v for k, v in crawl.items() if isinstance(v, int) and not isinstance(v, bool)}
    shown |= {f"error: {k}": v for k, v in crawl.get("errors_by_kind", {}).items()}
    if shown:
        out.print(_counts_table("crawl", shown))
    out.print(_counts_table("load", counts.as_dict()))


# -- commands --------------------------------------------------------------------------


def run(
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Sources file (default data/sources.yaml).")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Crawl only this source.")] = None,
    db: DbOption = None,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis", help="Crawl as one worker of a distributed crawl (redis://HOST:PORT/DB)."
        ),
    ] = None,
) -> None:
    """Crawl the configured sources, extract events and load them, with a summary."""
    path = resolve_db(db)
    if sources is not None and not sources.is_file():
        raise fail(f"--sources {sources}: no such file")
    with clear_errors(), run_lock(path):  # overlapping (scheduled) runs: the second stops
        crawl, counts = crawl_and_load(
            path, kind="run", sources=sources, site=site, redis_url=redis
        )
    _print_run_summary(crawl, counts)


def demo(db: DbOption = None) -> None:
    """Serve the bundled sample site on 127.0.0.1, crawl, extract and load it, then
    show the events found. Works offline on a fresh machine."""
    from crawler.sample_site import serve

    path = resolve_db(db)
    with clear_errors(), serve(port=0) as base_url:
        crawl, counts = crawl_and_load(
            path,
            kind="demo",
            site="sample",
            base_url_overrides={"sample": base_url},
            settings_overrides=LOCAL_SITE_SETTINGS,
        )
    _print_run_summary(crawl, counts)
    with clear_errors():
        result = run_query(
            path,
            "SELECT event_type AS type, event_date AS date, province, bloc_name AS bloc,"
            " member_count AS members, leader_unit AS leader,"
            " (SELECT count(*) FROM event_goals g WHERE g.event_id = e.event_id) AS goals,"
            " source_count AS sources"
            " FROM events e ORDER BY event_date NULLS LAST, bloc_name",
        )
    out.print(as_rich_table(result, title=f"events in {path}"))


def load(
    db: DbOption = None,
    wait: WaitOption = DEFAULT_LOCK_TIMEOUT,
    commit_every: Annotated[
        int,
        typer.Option(
            min=1,
            help="Commit once this many articles are written (fewer: less work redone"
            " after a crash; more: faster loads).",
        ),
    ] = GROUP_ARTICLES,
) -> None:
    """Merge the staged article batches (extracting their events) into the database."""
    path = resolve_db(db)
    staging_dir = staging_dir_for(path)
    with clear_errors(), run_lock(path, wait=wait, what="load"):  # one loader per staging
        loader = Loader(path, lock_timeout=wait, group_articles=commit_every)
        counts = load_with_progress(loader, staging_dir)
        if counts.batches:
            loader.record_run(f"load-{time.strftime('%Y%m%dT%H%M%S')}", "load", counts.as_dict())
    out.print(_counts_table(f"loaded into {path}", counts.as_dict()))


def reextract(
    db: DbOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Re-extract every article, not only outdated ones.")
    ] = False,
    wait: WaitOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Re-run extraction on stored articles (no recrawl) and replace their events."""
    path = resolve_db(db)
    if not path.exists():
        raise fail(f"database {path} does not exist")
    with clear_errors(), _progress() as progress:
        loader = Loader(path, lock_timeout=wait)
        task = progress.add_task(f"re-extract ({loader.extractor_version})", total=None, detail="")

        def on_chunk(counts: LoadCounts, remaining: int) -> None:
            done = progress.tasks[0].completed + counts.articles
            progress.update(task, completed=done, total=done + remaining)

        counts = loader.reextract(everything=everything, on_chunk=on_chunk)
    out.print(_counts_table(f"re-extracted in {path}", counts.as_dict()))


def query(
    sql: Annotated[str, typer.Argument(help="SQL to run (read-only).")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    wait: WaitOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Run a read-only SQL query; waits (up to --wait s) while a load holds the file."""
    if fmt not in QUERY_FORMATS:
        raise fail(f"--format {fmt!r}: not one of {', '.join(QUERY_FORMATS)}")
    path = resolve_db(db)
    with clear_errors():
        result = run_query(path, sql, lock_timeout=wait, on_wait=_waiting)
    if fmt == "csv":
        print(as_csv(result), end="")
    elif fmt == "json":
        print(as_json(result))
    else:
        out.print(as_rich_table(result))


def export_command(
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the export to.")],
    db: DbOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Only events of this year.")] = None,
    province: Annotated[
        str | None, typer.Option("--province", help="Only events of this province.")
    ] = None,
    wait: WaitOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Export every table (Parquet partitioned by year, CSV or JSONL) with a dataset card."""
    if fmt not in FORMATS:
        raise fail(f"--format {fmt!r}: not one of {', '.join(FORMATS)}")
    path = resolve_db(db)
    with clear_errors():
        result = export(path, out_dir, fmt, ExportFilter(year, province), lock_timeout=wait)
    table = Table(title=f"exported to {out_dir} ({fmt})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("path")
    for name, rows in result.rows.items():
        table.add_row(name, str(rows), str(result.paths[name]))
    out.print(table)
    out.print(f"dataset card: {result.card}")


def stats(db: DbOption = None, wait: WaitOption = DEFAULT_LOCK_TIMEOUT) -> None:
    """Show what the database holds: tables, events, extractor versions, recent runs."""
    path = resolve_db(db)
    with clear_errors():
        s = collect_stats(path, lock_timeout=wait)
    out.print(f"[bold]{path}[/] (schema version {s.schema_version})")
    out.print(_counts_table("rows", s.rows))
    for title, columns, rows in (
        ("events by type", ["type", "events", "reports"], s.events_by_type),
        ("events by year", ["year", "events"], s.events_by_year),
        ("extractor versions", ["version", "articles", "relevant"], s.extractor_versions),
        ("last runs", s.run_columns, s.last_runs),
    ):
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*["" if v is None else str(v) for v in row])
        out.print(table)
    if s.pending_batches:
        out.print(f"{s.pending_batches} staged batch(es) waiting: run `giaouoc load`")
