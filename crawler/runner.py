"""Run one crawl from Python: `run_crawl(...)` → `CrawlSummary`.

Twisted's reactor can start only once per process, and `giaouoc run` / `demo` / tests
may crawl several times, so the crawl runs in a child process (``python -m crawler``).
That also makes a crawl killable like any real one: the state store is built so a
SIGKILLed child can simply be started again.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from crawler.sources import DEFAULT_PLACEHOLDERS, load_sources, select_sources
from crawler.summary import CrawlSummary, read_summary, run_file
from pipelines.config import staging_dir_for

AUTO_SERVED = "sample"  # placeholder the bundled sample site fills when nobody else does


class CrawlError(RuntimeError):
    """The crawl process failed; the message says how, in one line."""


def new_run_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"


def crawl_command(
    *,
    db: Path,
    run_id: str,
    sources: Path | None = None,
    site: str | None = None,
    since: date | None = None,
    base_url_overrides: dict[str, str] | None = None,
    settings_overrides: dict | None = None,
    progress: bool = False,
) -> list[str]:
    """The child-process command line of one crawl (tests start it themselves to kill it)."""
    cmd = [sys.executable, "-m", "crawler", "--db", str(db), "--run-id", run_id]
    if sources:
        cmd += ["--sources", str(sources)]
    if site:
        cmd += ["--site", site]
    if since:
        cmd += ["--since", since.isoformat()]
    if base_url_overrides:
        cmd += ["--base", json.dumps(base_url_overrides)]
    if settings_overrides:
        cmd += ["--settings", json.dumps(settings_overrides)]
    if progress:
        cmd.append("--progress")
    return cmd


def _placeholders(sources: list) -> set[str]:
    found: set[str] = set()
    for s in sources:
        texts = [s.base_url, *s.allowed_domains, *(u.url for u in s.start)]
        found |= {m for t in texts for m in re.findall(r"\{([a-z_]+)\}", t)}
    return found


def _serve_sample() -> Any:
    """The bundled site on its usual port (URLs, hence crawl state, stay the same between
    runs), or on any free port when that one is taken."""
    from crawler.sample_site import serve

    port = urlparse(DEFAULT_PLACEHOLDERS[AUTO_SERVED]).port or 0
    try:
        socket.create_server(("127.0.0.1", port)).close()
    except OSError:
        port = 0
    return serve(port=port)


def run_crawl(
    *,
    sources: Path | None = None,
    site: str | None = None,
    db: Path,
    since: date | None = None,
    base_url_overrides: dict[str, str] | None = None,
    settings_overrides: dict | None = None,
    progress: bool = True,
    redis_url: str | None = None,
) -> CrawlSummary:
    """Crawl the chosen sources into the staging folder of `db`; return the run summary.

    With `redis_url` the crawl is one worker of a distributed crawl sharing its frontier
    through Redis (`crawler.distributed`).

    When the chosen sources point at the bundled sample site (``{sample}``) and no URL is
    given for it, the sample site is served on a free 127.0.0.1 port for the run.
    Raises `crawler.sources.SourcesError` for a bad sources file, `CrawlError` when the
    crawl process fails.
    """
    db = Path(db)
    chosen = select_sources(load_sources(sources), site)
    if redis_url:
        from crawler.distributed import redis_settings

        settings_overrides = {**redis_settings(redis_url), **(settings_overrides or {})}
    overrides = dict(base_url_overrides or {})
    run_id = new_run_id()
    with ExitStack() as stack:
        if AUTO_SERVED in _placeholders(chosen) and AUTO_SERVED not in overrides:
            overrides[AUTO_SERVED] = stack.enter_context(_serve_sample())
        cmd = crawl_command(
            db=db,
            run_id=run_id,
            sources=sources,
            site=site,
            since=since,
            base_url_overrides=overrides,
            settings_overrides=settings_overrides,
            progress=progress,
        )
        proc = subprocess.run(
            cmd,
            stdout=None if progress else subprocess.PIPE,
            stderr=None if progress else subprocess.PIPE,
            text=True,
        )
    summary_path = run_file(staging_dir_for(db), run_id)
    if proc.returncode != 0 or not summary_path.exists():
        tail = (proc.stderr or "").strip().splitlines()[-1:] if not progress else []
        raise CrawlError(
            f"crawl process exited with code {proc.returncode}" + (f": {tail[0]}" if tail else "")
        )
    return read_summary(summary_path)
