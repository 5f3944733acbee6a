"""`giaouoc crawl` and `giaouoc serve-sample` (owned by the crawler stage)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from crawler.extensions import summary_table
from crawler.sources import SourcesError


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    out = {}
    for value in values or []:
        if "=" not in value:
            typer.echo(f"error: {what} {value!r} is not NAME=VALUE", err=True)
            raise typer.Exit(2)
        key, _, val = value.partition("=")
        out[key.strip()] = val.strip()
    return out


def crawl(
    sources: Annotated[
        Path | None, typer.Option(help="Sources file (default data/sources.yaml).")
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(help="Source name, tag (sample, gov, newspaper) or 'all'. Default: sample."),
    ] = None,
    db: Annotated[
        Path | None, typer.Option(help="Database whose staging folder receives the articles.")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Stop paging past listings older than this date."),
    ] = None,
    base: Annotated[
        list[str] | None,
        typer.Option(help="Placeholder value, e.g. sample=http://127.0.0.1:8765 (repeatable)."),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="Scrapy setting override KEY=VALUE, value as JSON (repeatable)."
        ),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Live progress line while crawling.")] = True,
    redis: Annotated[
        str | None,
        typer.Option(
            help="Be one worker of a distributed crawl sharing its queue and duplicate filter "
            "through this Redis, e.g. redis://10.0.0.5:6379/0."
        ),
    ] = None,
) -> None:
    """Crawl news sources politely and incrementally into the staging folder of --db."""
    from crawler.runner import CrawlError, run_crawl
    from pipelines.config import resolve_db

    overrides: dict = {}
    for key, value in _pairs(setting, "--set").items():
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    try:
        summary = run_crawl(
            sources=sources,
            site=site,
            db=resolve_db(db),
            since=since.date() if since else None,
            base_url_overrides=_pairs(base, "--base"),
            settings_overrides=overrides,
            progress=progress,
            redis_url=redis,
        )
    except (SourcesError, CrawlError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    if not progress:  # with progress on, the crawl process printed the summary itself
        Console().print(summary_table(summary))


def serve_sample(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = any free port).")] = 8765,
    root: Annotated[
        Path | None, typer.Option(help="A rendered site folder to serve instead.")
    ] = None,
) -> None:
    """Serve the bundled sample site on 127.0.0.1 until Ctrl-C."""
    from crawler.sample_server import SampleServer
    from crawler.sample_site import WWW_DIR

    folder = root or WWW_DIR
    if not (folder / "_routes.json").is_file():
        typer.echo(f"error: {folder} is not a rendered sample site (no _routes.json)", err=True)
        raise typer.Exit(2)
    try:
        server = SampleServer(folder, port=port)
    except OSError as err:
        typer.echo(f"error: cannot listen on 127.0.0.1:{port} ({err.strerror})", err=True)
        raise typer.Exit(2) from None
    with server:
        typer.echo(f"Serving {folder} at {server.base_url}/ (Ctrl-C to stop)")
        typer.echo(f"Crawl it with: giaouoc crawl --base sample={server.base_url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopped")
