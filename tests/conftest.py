"""Shared fixtures: the bundled sample site served from a temporary copy on 127.0.0.1.

Each server gets its own copy of ``data/sample_site/www`` (tests may re-render or
add articles to it) and a free port; `SampleServer.requests` is the server's own log
of every request, which crawl tests count fetches from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.sample_server import SampleServer
from crawler.sample_site import copy_site

# Politeness turned down for tests (the machinery stays on: robots.txt, AutoThrottle,
# per-domain concurrency, retries) so a crawl of the sample site takes seconds.
FAST_CRAWL = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.5,
    "RETRY_BACKOFF_BASE": 0.05,
    "RETRY_TIMES": 2,
}


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleServer]:
    """One served copy of the sample site for a whole test module."""
    root = copy_site(tmp_path_factory.mktemp("sample_site") / "www")
    with SampleServer(root) as server:
        yield server


@pytest.fixture
def fresh_sample_server(tmp_path: Path) -> Iterator[SampleServer]:
    """A served copy of the sample site that this test alone may change."""
    root = copy_site(tmp_path / "www")
    with SampleServer(root) as server:
        yield server
