"""Many crawl workers, one frontier: scrapy-redis's scheduler queue and duplicate filter,
plus leases so a worker killed mid-crawl loses nothing.

``giaouoc crawl --redis redis://HOST:PORT/DB`` overlays `redis_settings` on the crawler's
settings: scrapy-redis 0.9.1's `Scheduler` (a priority queue in Redis) and
`RFPDupeFilter` (request fingerprints in Redis), with the project's plain spider
(scrapy-redis's ``RedisSpider`` only has ``start_requests()``, which Scrapy ≥ 2.16 no
longer calls). Every worker yields the same start URLs; the shared filter lets one of
them through, and from there every link is queued once for all workers.

scrapy-redis marks a request seen and then queues it, in two steps: a worker killed
between them would leave a request nobody fetches, so here both are one Lua script.
It also pops a request from Redis and forgets it: a worker killed with requests in
flight (or articles in its unflushed staging batch) would lose them, while the shared
filter stops anyone else from asking again. So popping here is a lease (one Lua script:
pop + record who holds it), released only once the outcome is durable — a listing's
links are queued, an article's batch is on disk, or the worker went idle with nothing
in flight. Each worker refreshes a heartbeat key; a worker that goes idle puts the
leases of workers whose heartbeat expired back into the queue, and stays open while
other live workers hold leases (their pages may still add links). The last worker to
finish a complete frontier deletes it, so the next run starts afresh; a frontier left
by killed workers is resumed by the next run instead.

Workers never open DuckDB: each stages batches beside its own ``--db`` (`StagingPipeline`)
and the single loader (``giaouoc load``) merges them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from typing import Any
from weakref import WeakKeyDictionary

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import settings as project_settings
from crawler.middlewares import KIND
from crawler.runner import CrawlError
from crawler.state import url_key
from pipelines.items import StagingPipeline

logger = logging.getLogger(__name__)

KEY_PREFIX = "giaouoc:%(spider)s"
DEFAULT_LEASE_SECONDS = 30.0

_SEE_AND_QUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
_POP_AND_LEASE = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
local field = redis.sha1hex(top[1])
redis.call('HSET', KEYS[2], field, top[1])
redis.call('HSET', KEYS[3], field, ARGV[1] .. ' ' .. top[2])
return top[1]
"""
_RECLAIM = """
local owners = redis.call('HGETALL', KEYS[3])
local n = 0
for i = 1, #owners, 2 do
  local field, value = owners[i], owners[i + 1]
  local space = string.find(value, ' ', 1, true)
  local worker, score = string.sub(value, 1, space - 1), string.sub(value, space + 1)
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local data = redis.call('HGET', KEYS[2], field)
    if data then redis.call('ZADD', KEYS[1], score, data) end
    redis.call('HDEL', KEYS[2], field)
    redis.call('HDEL', KEYS[3], field)
    n = n + 1
  end
end
return n
"""


class RedisUnavailable(CrawlError):
    """The --redis URL is malformed or no Redis answers there."""


def check_redis(url: str, timeout: float = 5.0) -> None:
    """Fail before starting a worker, in one line, when Redis cannot be used."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        client.ping()
    except ValueError as error:
        raise RedisUnavailable(f"--redis {url!r}: not a Redis URL ({error})") from None
    except redis.RedisError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RedisUnavailable(f"--redis {url}: no Redis answers there ({reason})") from None


def redis_settings(url: str) -> dict[str, Any]:
    """The settings overlay of a distributed crawl sharing the frontier at `url`
    (checked first: see `check_redis`)."""
    check_redis(url)
    pipelines = {
        **project_settings.ITEM_PIPELINES,
        "pipelines.items.StagingPipeline": None,
        "crawler.distributed.LeasedStagingPipeline": 300,
    }
    return {
        "REDIS_URL": url,
        "SCHEDULER": "crawler.distributed.LeasedScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{KEY_PREFIX}:requests",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": f"{KEY_PREFIX}:dupefilter",
        "SCHEDULER_PERSIST": True,  # other workers still use it; the last one out clears it
        "ITEM_PIPELINES": pipelines,
        "SPIDER_MIDDLEWARES": {
            **project_settings.SPIDER_MIDDLEWARES,
            "crawler.distributed.ReleaseWhenDone": 10,
        },
        "EXTENSIONS": {**project_settings.EXTENSIONS, "crawler.distributed.FrontierKeeper": 510},
    }


class Frontier:
    """This worker's view of the shared frontier: queue, leases, heartbeats."""

    _by_crawler: WeakKeyDictionary[Any, Frontier] = WeakKeyDictionary()

    def __init__(self, server: Any, spider_name: str, worker: str, lease_seconds: float) -> None:
        prefix = KEY_PREFIX % {"spider": spider_name}
        self.server = server
        self.worker = worker
        self.lease_seconds = lease_seconds
        self.queue_key = f"{prefix}:requests"
        self.dupefilter_key = f"{prefix}:dupefilter"
        self.leases_key = f"{prefix}:leases"
        self.owners_key = f"{prefix}:owners"
        self.worker_prefix = f"{prefix}:worker:"
        self.held: dict[str, set[str]] = {}  # canonical URL → lease fields held here
        self._see_and_queue = server.register_script(_SEE_AND_QUEUE)
        self._pop = server.register_script(_POP_AND_LEASE)
        self._reclaim = server.register_script(_RECLAIM)

    @classmethod
    def for_crawler(cls, crawler: Any) -> Frontier:
        frontier = cls._by_crawler.get(crawler)
        if frontier is None:
            settings = crawler.settings
            worker = "-".join([socket.gethostname(), str(os.getpid()), uuid.uuid4().hex[:6]])
            frontier = cls(
                get_redis_from_settings(settings),
                crawler.spider.name,
                worker,
                settings.getfloat("GIAOUOC_REDIS_LEASE_SECONDS", DEFAULT_LEASE_SECONDS),
            )
            cls._by_crawler[crawler] = frontier
        return frontier

    # -- queue and leases ----------------------------------------------------------------
    def add(self, fingerprint: str, priority: int, data: bytes) -> bool:
        """Queue `data` unless its fingerprint was seen; both in one step, so a worker
        killed in between cannot leave a request marked seen that nobody will fetch."""
        return bool(
            self._see_and_queue(
                keys=[self.dupefilter_key, self.queue_key], args=[fingerprint, -priority, data]
            )
        )

    def pop(self) -> bytes | None:
        """The best-ranked queued request, leased to this worker (atomically)."""
        return self._pop(
            keys=[self.queue_key, self.leases_key, self.owners_key], args=[self.worker]
        )

    def hold(self, url: str, data: bytes) -> None:
        self.held.setdefault(url_key(url), set()).add(hashlib.sha1(data).hexdigest())

    def release(self, urls: list[str]) -> None:
        fields = [f for url in urls for f in self.held.pop(url_key(url), ())]
        self._release(fields)

    def release_all(self) -> None:
        """Nothing is in flight here (idle, or a clean finish): every lease is done."""
        fields = [f for fs in self.held.values() for f in fs]
        self.held.clear()
        self._release(fields)

    def _release(self, fields: list[str]) -> None:
        if fields:
            self.server.hdel(self.leases_key, *fields)
            self.server.hdel(self.owners_key, *fields)

    def reclaim(self) -> int:
        """Queue again the requests leased by workers whose heartbeat has expired."""
        return int(
            self._reclaim(
                keys=[self.queue_key, self.leases_key, self.owners_key], args=[self.worker_prefix]
            )
        )

    def others_busy(self) -> bool:
        """Requests queued, or leased by another worker (whose pages may add links)."""
        if self.server.zcard(self.queue_key):
            return True
        return any(
            not v.decode().startswith(self.worker + " ") for v in self.server.hvals(self.owners_key)
        )

    # -- workers ------------------------------------------------------------------------
    def beat(self) -> None:
        self.server.set(self.worker_prefix + self.worker, b"1", px=int(self.lease_seconds * 1000))

    def leave(self, finished: bool) -> None:
        """Stop the heartbeat; after a complete frontier, clear it for the next run."""
        self.server.delete(self.worker_prefix + self.worker)
        if (
            finished
            and not self.server.zcard(self.queue_key)
            and not self.server.hlen(self.owners_key)
        ):
            self.server.delete(
                self.queue_key, self.dupefilter_key, self.leases_key, self.owners_key
            )
            logger.info("frontier complete: cleared for the next run")


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler whose pops are leases (see the module docstring)."""

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.frontier = Frontier.for_crawler(spider.crawler)
        self.frontier.beat()
        reclaimed = self.frontier.reclaim()
        if reclaimed:
            logger.info("requeued %d requests leased by stopped workers", reclaimed)

    def enqueue_request(self, request: Any) -> bool:
        if request.dont_filter:
            return bool(super().enqueue_request(request))
        queued = self.frontier.add(
            self.df.request_fingerprint(request),
            request.priority,
            self.queue._encode_request(request),
        )
        if not queued:
            self.df.log(request, self.spider)
        elif self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return queued

    def next_request(self) -> Any:
        data = self.frontier.pop()
        if data is None:
            return None
        request = self.queue._decode_request(data)
        self.frontier.hold(request.url, data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request


class ReleaseWhenDone:
    """Spider middleware (outermost): a listing's lease ends once all its links are
    queued; an article page that gave no item (old, empty, a duplicate) ends there too.
    Articles with an item are released by `LeasedStagingPipeline` when staged."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReleaseWhenDone:
        return cls(crawler)

    async def process_spider_output_async(
        self, response: Any, result: Any, spider: Any = None
    ) -> Any:
        items = 0
        async for element in result:
            items += isinstance(element, dict)
            yield element
        self._done(response, items)

    def process_spider_output(self, response: Any, result: Any, spider: Any = None) -> Any:
        items = 0
        for element in result:
            items += isinstance(element, dict)
            yield element
        self._done(response, items)

    def _done(self, response: Any, items: int) -> None:
        if response.meta.get(KIND) != "article" or not items:
            Frontier.for_crawler(self.crawler).release([response.request.url, response.url])


class LeasedStagingPipeline(StagingPipeline):
    """The staging pipeline, releasing article leases once their batch is on disk."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeasedStagingPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.idle, signal=signals.spider_idle)
        return pipeline

    def flush(self) -> None:
        urls = [page.url for page in self.pages]
        super().flush()
        Frontier.for_crawler(self.crawler).release(urls)

    def idle(self, spider: Any = None) -> None:
        """Nothing in flight: stage what is buffered, and every lease held here is done."""
        self.flush()
        Frontier.for_crawler(self.crawler).release_all()


class FrontierKeeper:
    """Extension: heartbeat, adopting dead workers' leases, closing when all are done."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierKeeper:
        return cls(crawler)

    @property
    def frontier(self) -> Frontier:
        return Frontier.for_crawler(self.crawler)

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.frontier.beat)
        self.loop.start(max(self.frontier.lease_seconds / 3, 0.2), now=True)

    def idle(self, spider: Any) -> None:
        reclaimed = self.frontier.reclaim()
        if reclaimed:
            logger.info("requeued %d requests leased by stopped workers", reclaimed)
            self.crawler.stats.inc_value("giaouoc/redis/reclaimed", reclaimed)
        if reclaimed or self.frontier.others_busy():
            raise DontCloseSpider

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if reason == "finished":
            self.frontier.release_all()
        self.frontier.leave(finished=reason == "finished")
