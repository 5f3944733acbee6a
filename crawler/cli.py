"""`giaouoc crawl` and `giaouoc serve-sample` (owned by the crawler stage)."""

from __future__ import annotations

import typer


def crawl() -> None:
    """Crawl the configured news sources (not built yet)."""
    raise typer.Exit(2)


def serve_sample() -> None:
    """Serve the bundled sample site on 127.0.0.1 (not built yet)."""
    raise typer.Exit(2)
