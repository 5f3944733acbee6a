"""``python -m crawler``: one crawl in this process (what `crawler.runner` starts)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.paths import staging_dir, state_dir
from crawler.sources import SourcesError, load_sources, select_sources
from crawler.spiders.news import NewsSpider
from crawler.summary import run_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--sources", type=Path)
    parser.add_argument("--site")
    parser.add_argument("--since")
    parser.add_argument("--base", default="{}", help="JSON {placeholder: URL}")
    parser.add_argument("--settings", default="{}", help="JSON Scrapy settings overrides")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)

    try:
        select_sources(load_sources(args.sources), args.site)
    except SourcesError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("GIAOUOC_DB", str(args.db), priority="cmdline")
    settings.set("GIAOUOC_RUN_ID", args.run_id, priority="cmdline")
    settings.set("GIAOUOC_PROGRESS", args.progress, priority="cmdline")
    log_dir = state_dir(settings)
    log_dir.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_dir / "crawl.log"), priority="cmdline")
    settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    settings.setdict(json.loads(args.settings), priority="cmdline")

    process = CrawlerProcess(settings)
    process.crawl(
        NewsSpider,
        sources=str(args.sources) if args.sources else None,
        site=args.site,
        since=args.since,
        base=json.loads(args.base),
    )
    process.start()
    if not run_file(staging_dir(settings), args.run_id).exists():
        print(
            f"error: the crawl stopped before finishing, see {log_dir / 'crawl.log'}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
