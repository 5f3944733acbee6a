"""Two crawl workers share one frontier through a real redis-server (scrapy-redis).

A real ``redis-server`` runs on a free 127.0.0.1 port; two real crawl processes (the
project's spider, Scrapy's engine) crawl the sample site through it. What the site saw
(its own request log) must be what one process alone makes it see — every page asked
for once in total — both workers must have fetched pages, a worker SIGKILLed mid-crawl
must cost no article (nor one that dies between any two of its Redis commands while
queueing a link), and the loaded database must equal a single-process crawl's.
Skipped when ``redis-server`` is not installed (``apt-get install redis-server``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import FAST_CRAWL
from scrapy import Request
from scrapy.utils.test import get_crawler
from store_checks import DATA_TABLES, VOLATILE_COLUMNS

from crawler.runner import crawl_command, run_crawl
from crawler.sample_server import SampleServer
from crawler.sample_site import copy_site
from crawler.summary import read_summary, run_file
from pipelines.config import crawl_state_dir_for, staging_dir_for
from pipelines.loader import Loader
from pipelines.staging import pending_batches, read_batch
from pipelines.table_docs import TABLES

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server not installed"
)
redis = pytest.importorskip("redis")
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402 - needs redis

from crawler.distributed import Frontier, LeasedScheduler, redis_settings  # noqa: E402
from crawler.spiders.news import NewsSpider  # noqa: E402

GIAOUOC = [sys.executable, "-m", "pipelines.cli"]
LEASE_SECONDS = 2.0  # how soon a killed worker's requests go back to the queue


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def frontier(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


# Two crawls fetch a page at different moments, and an article published under two URLs
# is fetched first under either (its canonical URL, hence its id, is the same).
UNSTABLE = VOLATILE_COLUMNS | {"fetched_at", "url"}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every data table's rows, leaving out the `UNSTABLE` columns."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in DATA_TABLES:
            columns = [c for c in TABLES[table].columns if c not in UNSTABLE]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


@dataclass
class Reference:
    fetches: Counter  # (path, status) → count, robots.txt left out
    snapshot: dict
    articles: set[str]  # ids of the articles staged
    port: int  # later crawls serve the site here too: URLs, hence article ids, match

    def serve(self, folder: Path) -> SampleServer:
        return SampleServer(copy_site(folder / "www"), port=self.port)


def fetches(server: SampleServer) -> Counter:
    return Counter(
        (r.path, r.status) for r in server.requests if r.method == "GET" and r.path != "/robots.txt"
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """One process, no Redis: what the site sees and what the database holds."""
    tmp = tmp_path_factory.mktemp("single")
    db = tmp / "g.duckdb"
    with SampleServer(copy_site(tmp / "www")) as server:
        summary = run_crawl(
            db=db,
            base_url_overrides={"sample": server.base_url},
            settings_overrides=FAST_CRAWL,
            progress=False,
        )
        seen = fetches(server)
        port = server.httpd.server_address[1]
    ids = set(staged_ids(db))
    assert len(ids) == summary.articles
    Loader(db).load_staged(staging_dir_for(db))
    return Reference(seen, snapshot(db), ids, port)


def worker(
    server: SampleServer,
    db: Path,
    run_id: str,
    url: str,
    *,
    via_cli: bool = False,
    **settings: object,
) -> subprocess.Popen:
    """A crawl worker process: `giaouoc crawl --redis URL` itself, or the crawl process
    `run_crawl(redis_url=...)` starts (whose run id the test then knows)."""
    overrides = {**FAST_CRAWL, "GIAOUOC_REDIS_LEASE_SECONDS": LEASE_SECONDS, **settings}
    if via_cli:
        command = [
            *GIAOUOC,
            "crawl",
            "--redis",
            url,
            "--db",
            str(db),
            "--no-progress",
            "--base",
            f"sample={server.base_url}",
            *[a for k, v in overrides.items() for a in ("--set", f"{k}={json.dumps(v)}")],
        ]
    else:
        command = crawl_command(
            db=db,
            run_id=run_id,
            base_url_overrides={"sample": server.base_url},
            settings_overrides={**redis_settings(url), **overrides},
        )
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=240)
    assert process.returncode == 0, err[-2000:]


def load_all(db: Path, workers: list[Path]) -> dict:
    """`giaouoc load` of every worker's batches (as if copied to the loader's machine)."""
    for worker_db in workers:
        for batch in pending_batches(staging_dir_for(worker_db)):
            target = staging_dir_for(db)
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(batch, target / batch.name)
    Loader(db).load_staged(staging_dir_for(db))
    return snapshot(db)


def leases_of(frontier: redis.Redis, pid: int) -> int:
    """Requests the worker process `pid` has taken from the queue and not finished."""
    owner = f"{socket.gethostname()}-{pid}-"
    return sum(v.decode().startswith(owner) for v in frontier.hvals("giaouoc:news:owners"))


def staged_ids(db: Path) -> list[str]:
    return [a.id for batch in pending_batches(staging_dir_for(db)) for a in read_batch(batch)]


def test_two_workers_fetch_every_page_once_in_total(
    tmp_path: Path, redis_url: str, frontier: redis.Redis, reference: Reference
) -> None:
    dbs = [tmp_path / "w1" / "g.duckdb", tmp_path / "w2" / "g.duckdb"]
    with reference.serve(tmp_path) as server:
        # Paced, so the crawl outlasts the seconds a worker takes to start: the
        # frontier must still hold pages when the second one joins.
        paced = {"DOWNLOAD_DELAY": 0.15}
        workers = [
            worker(server, dbs[0], "w1", redis_url, **paced),
            worker(server, dbs[1], "w2", redis_url, via_cli=True, **paced),
        ]
        for process in workers:
            finish(process)
        seen = fetches(server)

    assert seen == reference.fetches  # each page once in total (retries as one process)
    summaries = [
        read_summary(path) for db in dbs for path in staging_dir_for(db).glob("run-*.json")
    ]
    assert len(summaries) == 2
    assert all(s.pages > 0 for s in summaries), [s.pages for s in summaries]
    # The same article under two URLs may be staged by both workers (each knows only
    # its own pages); the loader keeps one, as the database comparison shows.
    assert set(staged_ids(dbs[0]) + staged_ids(dbs[1])) == reference.articles
    assert load_all(tmp_path / "merged.duckdb", dbs) == reference.snapshot
    assert frontier.keys("giaouoc:*") == []  # a complete frontier is cleared for next time


def test_killing_a_worker_mid_crawl_loses_no_article(
    tmp_path: Path, redis_url: str, frontier: redis.Redis, reference: Reference
) -> None:
    dbs = [tmp_path / "victim" / "g.duckdb", tmp_path / "survivor" / "g.duckdb"]
    slow = {
        "DOWNLOAD_DELAY": 0.2,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }
    with reference.serve(tmp_path) as server:
        victim = worker(server, dbs[0], "victim", redis_url, **slow)
        survivor = worker(server, dbs[1], "survivor", redis_url, **slow)
        deadline = time.monotonic() + 120
        while leases_of(frontier, victim.pid) < 2:  # it holds pages it has not staged
            assert time.monotonic() < deadline, "the victim never got going"
            assert victim.poll() is None, "the victim finished before it could be killed"
            time.sleep(0.02)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        finish(survivor)
        seen = fetches(server)

    assert not run_file(staging_dir_for(dbs[0]), "victim").exists()  # it really died
    log = (crawl_state_dir_for(dbs[1]) / "crawl.log").read_text(encoding="utf-8")
    assert "requeued" in log  # the survivor took over the victim's leases
    assert set(seen) == set(reference.fetches)  # every page was asked for
    assert set(staged_ids(dbs[0]) + staged_ids(dbs[1])) == reference.articles
    assert load_all(tmp_path / "merged.duckdb", dbs) == reference.snapshot
    assert frontier.keys("giaouoc:*") == []


def test_unreachable_redis_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run(
        [
            *GIAOUOC,
            "crawl",
            "--redis",
            f"redis://127.0.0.1:{port}/0",
            "--db",
            str(tmp_path / "g.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: --redis redis://127.0.0.1:{port}/0: no Redis answers there")
    assert not staging_dir_for(tmp_path / "g.duckdb").exists()


class DiesAfter(redis.Redis):
    """A Redis client whose worker dies (the connection drops) after `budget` commands."""

    budget: int | None = None

    def execute_command(self, *args: object, **options: object) -> object:
        if self.budget is not None:
            if self.budget == 0:
                raise redis.ConnectionError("worker killed")
            self.budget -= 1
        return super().execute_command(*args, **options)


def scheduler_for(client: redis.Redis, url: str) -> LeasedScheduler:
    """A worker's `LeasedScheduler`, opened on the real frontier through `client`."""
    settings = redis_settings(url)
    crawler = get_crawler(NewsSpider, settings)
    crawler.spider = crawler._create_spider()
    Frontier._by_crawler[crawler] = Frontier(client, "news", f"w{id(client)}", LEASE_SECONDS)
    scheduler = LeasedScheduler.from_settings(crawler.settings)
    scheduler.server = client
    scheduler.df = RFPDupeFilter(client, key="giaouoc:news:dupefilter")
    scheduler.open(crawler.spider)
    return scheduler


@pytest.mark.parametrize("budget", [0, 1, 2, 3])
def test_a_worker_dying_while_queueing_a_link_leaves_it_to_the_others(
    budget: int, redis_url: str, frontier: redis.Redis
) -> None:
    """Killed after any number of its Redis commands, a worker queueing a link leaves
    the frontier with the link either queued or not yet seen: another worker finding
    the same link then queues it, once."""
    link = "http://127.0.0.1:9/portal/web/guest/tin-tuc/-/asset_publisher/a/content/x"
    dying = DiesAfter.from_url(redis_url)
    victim = scheduler_for(dying, redis_url)
    dying.budget = budget
    with suppress(redis.ConnectionError):
        victim.enqueue_request(Request(link))
    dying.budget = None

    survivor = scheduler_for(redis.Redis.from_url(redis_url), redis_url)
    survivor.enqueue_request(Request(link))
    request = survivor.next_request()
    assert request is not None and request.url == link
    assert survivor.next_request() is None  # queued once
