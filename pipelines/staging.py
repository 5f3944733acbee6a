"""Staged batches: the hand-off between crawl workers and the single DuckDB writer.

DuckDB allows one writer per file, and several crawl processes (or machines) may run at
once, so crawlers never open the database. They append finished articles to a staging
folder as gzip'd JSONL batches, each written to a temporary name and renamed when
complete; the loader (`giaouoc load`, or the run's own loader) merges whole batches and
then deletes them. A batch is therefore either absent, complete, or already loaded:
a crawl killed mid-write leaves only a ``*.tmp`` file, which readers ignore.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from extract.models import Article

BATCH_GLOB = "batch-*.jsonl.gz"


def _batch_name(prefix: str = "batch") -> str:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{socket.gethostname()}-{os.getpid()}-{time.monotonic_ns()}.jsonl.gz"


def write_batch(staging_dir: Path, articles: Iterable[Article]) -> Path | None:
    """Write articles as one batch, atomically; return its path (None when empty)."""
    rows = [a.model_dump(mode="json") for a in articles]
    if not rows:
        return None
    staging_dir.mkdir(parents=True, exist_ok=True)
    final = staging_dir / _batch_name()
    tmp = final.with_suffix(final.suffix + ".tmp")
    payload = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    with open(tmp, "wb") as raw:
        raw.write(gzip.compress(payload.encode("utf-8")))
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, final)
    return final


def pending_batches(staging_dir: Path) -> list[Path]:
    """Complete batches waiting to be loaded, oldest first."""
    if not staging_dir.is_dir():
        return []
    return sorted(staging_dir.glob(BATCH_GLOB))


def read_batch(path: Path) -> Iterator[Article]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield Article.model_validate_json(line)
