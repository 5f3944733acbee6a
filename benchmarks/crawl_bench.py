"""Crawl speed: the giaouoc crawler on a ≥2,000-page sample site vs `scrapy bench`.

Renders a synthetic copy of the sample site (the real articles cycled under new slugs),
serves it on 127.0.0.1, crawls it with politeness off (no delays, no AutoThrottle, high
concurrency; robots.txt still read) including parsing and staging every article, then
runs `scrapy bench` — Scrapy's own bench server and link-following spider with the
command's settings, the server bound to 127.0.0.1 rather than every interface — and
prints both rates. The issue's goal: giaouoc ≥ 50 % of `scrapy bench`'s pages/s.

    .venv/bin/python benchmarks/crawl_bench.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.runner import run_crawl  # noqa: E402
from crawler.sample_server import SampleServer  # noqa: E402
from crawler.sample_site import load_content, render_site, synthetic_articles  # noqa: E402

POLITENESS_OFF = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "RETRY_BACKOFF_BASE": 0,
    "GIAOUOC_BATCH_SIZE": 500,
    "LOG_LEVEL": "INFO",
}


def bench_giaouoc(articles: int, workdir: Path) -> tuple[int, int, float]:
    site = workdir / "www"
    urls = render_site(site, articles=synthetic_articles(load_content(), articles))
    with SampleServer(site) as server:
        summary = run_crawl(
            db=workdir / "bench.duckdb",
            site="sample",
            progress=False,
            base_url_overrides={"sample": server.base_url},
            settings_overrides=POLITENESS_OFF,
        )
    seconds = (summary.finished - summary.started).total_seconds()
    print(
        f"sample site: {urls} URLs; crawled {summary.pages} pages, staged "
        f"{summary.articles} articles in {seconds:.1f} s; errors {summary.errors_by_kind}"
    )
    return summary.pages, summary.articles, seconds


def scrapy_bench_child(seconds: int) -> None:
    """`scrapy bench` in this process, its server on 127.0.0.1 (prints pages/s)."""
    from scrapy.commands.bench import Command, _BenchSpider
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.benchserver import Root
    from scrapy.utils.reactor import install_reactor
    from twisted.web.server import Site

    settings = {**Command.default_settings, "CLOSESPIDER_TIMEOUT": seconds, "LOG_LEVEL": "WARNING"}
    process = CrawlerProcess(settings)
    install_reactor(process.settings["TWISTED_REACTOR"])  # before anything imports one
    from twisted.internet import reactor

    port = reactor.listenTCP(0, Site(Root()), interface="127.0.0.1")
    spider = type(
        "LocalBench", (_BenchSpider,), {"baseurl": f"http://127.0.0.1:{port.getHost().port}"}
    )
    crawler = process.create_crawler(spider)
    process.crawl(crawler, total=100000)
    process.start()
    stats = crawler.stats.get_stats()
    print(stats.get("response_received_count", 0), stats.get("elapsed_time_seconds", 0.0))


def bench_scrapy(seconds: int) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--scrapy-bench-child", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[-2]), float(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--bench-seconds", type=int, default=10)
    parser.add_argument("--scrapy-bench-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scrapy_bench_child:
        scrapy_bench_child(args.scrapy_bench_child)
        return

    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        started = time.perf_counter()
        pages, _, seconds = bench_giaouoc(args.articles, Path(tmp))
        print(f"(rendering + crawl, wall: {time.perf_counter() - started:.1f} s)")
    ours = pages / seconds
    bench_pages, bench_seconds = bench_scrapy(args.bench_seconds)
    theirs = bench_pages / bench_seconds
    print(f"giaouoc crawl (parse + stage): {ours:8.1f} pages/s")
    print(f"scrapy bench (follow links):   {theirs:8.1f} pages/s ({bench_pages} pages)")
    print(f"ratio: {ours / theirs:.0%} of scrapy bench (goal ≥ 50%)")


if __name__ == "__main__":
    main()
