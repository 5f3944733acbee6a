"""Pages that would hurt a crawler are refused or bounded, recorded, and harm nothing stored.

The real Scrapy engine crawls `hostile_site` (a 20 MB page with and without a length,
a gzip bomb, a redirect loop, an endless redirect chain, a PDF behind an article URL,
endless pagination) into a database that already holds articles; the real loader then
merges what was staged. Counts come from the server's own log.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import FAST_CRAWL
from hostile_site import GOOD, LISTING, SOURCES_YAML, TRAPS, HostileSite
from store_checks import snapshot

from crawler.runner import run_crawl
from crawler.settings import REDIRECT_MAX_TIMES
from crawler.summary import CrawlSummary
from pipelines.config import crawl_state_dir_for, staging_dir_for
from pipelines.loader import LoadCounts, Loader
from pipelines.staging import pending_batches
from pipelines.synthetic import RecordedExtractor, synthetic_pairs

LISTING_LIMIT = 12  # this test's GIAOUOC_MAX_LISTING_PAGES (the default is far higher)
EXPECTED_ERRORS = {
    "too_large": 3,
    "not_html": 1,
    "redirect_loop": 1,
    "too_many_redirects": 1,
    "listing_limit": 1,
}


@dataclass
class HostileRun:
    db: Path
    before: dict
    after: dict
    summary: CrawlSummary
    loaded: LoadCounts
    hits: dict[str, int]
    listing_pages: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    root = tmp_path_factory.mktemp("limits")
    db = root / "g.duckdb"
    pairs = list(synthetic_pairs(40, seed=5))
    Loader(db, extractor=RecordedExtractor({a.id: r for a, r in pairs})).load_articles(
        a for a, _ in pairs
    )
    before = snapshot(db)
    sources = root / "sources.yaml"
    sources.write_text(SOURCES_YAML, encoding="utf-8")
    with HostileSite() as site:
        summary = run_crawl(
            sources=sources,
            site="hostile",
            db=db,
            base_url_overrides={"hostile": site.base_url},
            settings_overrides={**FAST_CRAWL, "GIAOUOC_MAX_LISTING_PAGES": LISTING_LIMIT},
            progress=False,
        )
        hits, listing_pages = dict(site.hits), site.listing_pages_served()
    loaded = Loader(db).load_staged(staging_dir_for(db))
    return HostileRun(db, before, snapshot(db), summary, loaded, hits, listing_pages)


def test_every_trap_is_a_recorded_error_of_its_kind(hostile: HostileRun) -> None:
    assert hostile.summary.finish_reason == "finished"
    assert hostile.summary.errors_by_kind == EXPECTED_ERRORS


def test_the_errors_reach_crawl_runs(hostile: HostileRun) -> None:
    con = duckdb.connect(str(hostile.db), read_only=True)
    try:
        rows = con.execute(
            "SELECT errors, errors_by_kind FROM crawl_runs WHERE kind = 'crawl'"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    errors, by_kind = rows[0]
    assert errors == sum(EXPECTED_ERRORS.values())
    assert json.loads(by_kind) == EXPECTED_ERRORS


def test_refused_article_pages_are_remembered_as_errors(hostile: HostileRun) -> None:
    state = sqlite3.connect(crawl_state_dir_for(hostile.db) / "state.sqlite")
    try:
        rows = dict(state.execute("SELECT url, error_kind FROM pages WHERE status = 'error'"))
    finally:
        state.close()
    by_path = {url.split(":", 2)[2].split("/", 1)[1]: kind for url, kind in rows.items()}
    assert by_path == {
        TRAPS["huge"][1:]: "too_large",
        TRAPS["huge_unsized"][1:]: "too_large",
        TRAPS["bomb"][1:]: "too_large",
        TRAPS["pdf"][1:]: "not_html",
        "tin/vong-2.html": "redirect_loop",  # the hop that points back
        f"tin/chuyen-{REDIRECT_MAX_TIMES + 1}.html": "too_many_redirects",
    }


def test_each_trap_is_asked_for_once_and_chains_are_cut(hostile: HostileRun) -> None:
    for key in ("huge", "huge_unsized", "bomb", "pdf"):
        assert hostile.hits[TRAPS[key]] == 1, key  # refused, never retried
    assert hostile.hits["/tin/vong-1.html"] == hostile.hits["/tin/vong-2.html"] == 1
    chain = [p for p in hostile.hits if p.startswith("/tin/chuyen-")]
    assert len(chain) == REDIRECT_MAX_TIMES + 1


def test_endless_pagination_stops_at_the_listing_limit(hostile: HostileRun) -> None:
    assert hostile.hits[LISTING] == 1
    # The start page is not a followed link; the links followed are capped.
    assert hostile.listing_pages == LISTING_LIMIT


def test_only_the_real_articles_are_stored(hostile: HostileRun) -> None:
    assert hostile.loaded.stored == len(GOOD)
    con = duckdb.connect(str(hostile.db), read_only=True)
    try:
        urls = [u for (u,) in con.execute("SELECT url FROM articles").fetchall()]
    finally:
        con.close()
    hostile_paths = sorted(u.split("/", 3)[3] for u in urls if u.startswith("http://127.0.0.1"))
    assert hostile_paths == sorted(p[1:] for p in GOOD)
    assert pending_batches(staging_dir_for(hostile.db)) == []


def test_nothing_already_stored_is_lost(hostile: HostileRun) -> None:
    assert hostile.before["articles"]
    for table, rows in hostile.before.items():
        kept = set(hostile.after[table])
        assert [r for r in rows if r not in kept] == [], table
