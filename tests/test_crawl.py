"""The crawler against the bundled sample site: real Scrapy engine, real HTTP on 127.0.0.1.

Fetches are counted from the sample server's own request log, so "fetched exactly once"
means what the site saw, whatever the crawler believes it did.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import time
import unicodedata
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import FAST_CRAWL

from crawler.runner import crawl_command, run_crawl
from crawler.sample_server import RequestRecord, SampleServer
from crawler.sample_site import SampleArticle, article_urls, load_content, render_site
from crawler.summary import read_summary, run_file
from extract.models import Article
from pipelines.config import crawl_state_dir_for, staging_dir_for
from pipelines.staging import pending_batches, read_batch

CONTENT = load_content()
URLS = article_urls(CONTENT)
BY_SLUG = {a.slug: a for a in CONTENT}
STORED = {a.slug for a in CONTENT if not a.private and not a.truncated}


def path_of(url: str) -> str:
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def staged(db: Path) -> list[Article]:
    return [a for batch in pending_batches(staging_dir_for(db)) for a in read_batch(batch)]


def remembered_articles(db: Path) -> set[str]:
    """Ids of the articles the crawl state remembers as staged."""
    with closing(sqlite3.connect(crawl_state_dir_for(db) / "state.sqlite")) as state:
        return {article_id for (article_id,) in state.execute("SELECT id FROM articles")}


def slug_of(article: Article) -> str:
    """The sample article a staged one came from (by any of its URLs)."""
    path = path_of(article.url or "")
    return next(slug for slug, urls in URLS.items() if path in urls)


def crawl(server: SampleServer, db: Path, **settings: object):
    return run_crawl(
        db=db,
        base_url_overrides={"sample": server.base_url},
        settings_overrides={**FAST_CRAWL, **settings},
        progress=False,
    )


@dataclass
class FullCrawl:
    summary: object
    log: list[RequestRecord]
    articles: list[Article]
    db: Path

    def statuses(self, path: str) -> list[int]:
        return [r.status for r in self.log if r.path == path]


@pytest.fixture(scope="module")
def full(sample_server: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> FullCrawl:
    db = tmp_path_factory.mktemp("full") / "giaouoc.duckdb"
    summary = crawl(sample_server, db)
    return FullCrawl(summary, list(sample_server.requests), staged(db), db)


# -- a first crawl --------------------------------------------------------------------
def test_every_allowed_article_is_fetched_exactly_once(full: FullCrawl) -> None:
    for slug, urls in URLS.items():
        article = BY_SLUG[slug]
        if article.private:
            continue
        for url in urls:
            statuses = full.statuses(url)
            if article.flaky:
                assert statuses == [500, 200], url
            elif article.truncated:  # retried, as any broken download is
                assert statuses == [200] * (1 + FAST_CRAWL["RETRY_TIMES"]), url
            else:
                assert statuses == [200], url


def test_no_page_is_fetched_twice(full: FullCrawl) -> None:
    repeated = {p: n for p, n in Counter(r.path for r in full.log).items() if n > 1}
    allowed = {
        u
        for slug, urls in URLS.items()
        for u in urls
        if BY_SLUG[slug].flaky or BY_SLUG[slug].truncated
    }
    assert set(repeated) <= allowed


def test_disallowed_path_is_never_fetched(full: FullCrawl, sample_server: SampleServer) -> None:
    robots = (sample_server.root / "robots.txt").read_text(encoding="utf-8")
    disallowed = [
        line.split(":", 1)[1].strip()
        for line in robots.splitlines()
        if line.startswith("Disallow:")
    ]
    private = [u for slug, urls in URLS.items() if BY_SLUG[slug].private for u in urls]
    assert private and all(any(u.startswith(d) for d in disallowed) for u in private)
    assert not [r.path for r in full.log if any(r.path.startswith(d) for d in disallowed)]
    assert full.summary.errors_by_kind.get("robots") is None  # a skip, not an error


def test_each_article_is_stored_once_with_the_duplicate_under_its_canonical_url(
    full: FullCrawl,
) -> None:
    slugs = [slug_of(a) for a in full.articles]
    assert sorted(slugs) == sorted(STORED)
    assert len({a.id for a in full.articles}) == len(full.articles)
    dup = next(a for a in CONTENT if a.duplicate_url)
    stored = [a for a in full.articles if slug_of(a) == dup.slug]
    assert len(stored) == 1
    assert path_of(stored[0].canonical_url or "") == URLS[dup.slug][0]
    assert full.summary.duplicates == 1


def test_the_page_failing_once_is_recovered(full: FullCrawl) -> None:
    flaky = next(a for a in CONTENT if a.flaky)
    assert [a.http_status for a in full.articles if slug_of(a) == flaky.slug] == [200]


def test_404_and_truncated_page_are_errors_not_crashes(full: FullCrawl) -> None:
    assert full.summary.finish_reason == "finished"
    assert full.summary.errors_by_kind == {"http_404": 1, "truncated": 1}
    assert full.summary.articles == len(STORED)
    on_disk = read_summary(run_file(staging_dir_for(full.db), full.summary.run_id))
    assert on_disk == full.summary


def test_legacy_encoded_page_reads_as_correct_vietnamese(
    full: FullCrawl, sample_server: SampleServer
) -> None:
    legacy = next(a for a in CONTENT if a.legacy_encoding)
    raw = [(sample_server.root / r) for r in _files_of(sample_server, URLS[legacy.slug][0])][0]
    with pytest.raises(UnicodeDecodeError):
        raw.read_bytes().decode("utf-8")  # really not UTF-8, whatever the header says
    article = next(a for a in full.articles if slug_of(a) == legacy.slug)
    body = "\n\n".join(unicodedata.normalize("NFC", p) for p in legacy.paragraphs)
    assert article.text is not None
    assert article.text.startswith(f"{unicodedata.normalize('NFC', legacy.title)}\n\n{body}")
    assert "\ufffd" not in article.text


def test_articles_carry_text_dates_and_provenance(full: FullCrawl) -> None:
    for article in full.articles:
        source = BY_SLUG[slug_of(article)]
        paragraphs = [unicodedata.normalize("NFC", p) for p in source.paragraphs]
        assert article.title == source.title
        assert article.text == "\n\n".join([source.title, *paragraphs]) or article.text.startswith(
            "\n\n".join([source.title, *paragraphs]) + "\n\n"
        )
        assert article.published == source.published.date()  # never the "today" banner
        assert article.content_hash == hashlib.sha1(article.text.encode()).hexdigest()
        assert article.site and article.site.startswith("sample-")
        assert article.source_province and article.fetched_at and article.html
        if source.kind == "signing":
            assert article.relevant_hint


def _files_of(server: SampleServer, url: str) -> list[str]:
    route = server.route(url)
    return [route["file"]] if route else []


# -- a second crawl after one new article -----------------------------------------------
def test_second_crawl_fetches_only_the_new_article_and_listings(
    fresh_sample_server: SampleServer, tmp_path: Path
) -> None:
    db = tmp_path / "giaouoc.duckdb"
    crawl(fresh_sample_server, db)
    first = staged(db)

    newest = max(a.published for a in CONTENT)
    new = SampleArticle(
        slug="cum-thi-dua-cac-xa-ven-bien-ky-ket-giao-uoc-thi-dua",
        site="newspaper",
        title="Cụm thi đua các xã ven biển ký kết giao ước thi đua",
        category="thoi-su",
        published=newest,
        kind="signing",
        author="Hải Đăng",  # same "today" banner
        paragraphs=[
            "Sáng nay, Cụm thi đua các xã ven biển tổ chức hội nghị ký kết giao ước "
            "thi đua với năm xã thành viên.",
            "Các xã thống nhất lấy công tác bảo vệ nguồn lợi thủy sản làm trọng tâm.",
        ],
    )
    render_site(fresh_sample_server.root, articles=[*CONTENT, new])
    new_url = article_urls([*CONTENT, new])[new.slug][0]
    fresh_sample_server.clear_log()

    summary = crawl(fresh_sample_server, db)

    old_article_urls = {u for urls in URLS.values() for u in urls}
    fetched = [r.path for r in fresh_sample_server.requests]
    assert [p for p in fetched if p in old_article_urls] == []
    assert fetched.count(new_url) == 1
    others = [p for p in fetched if p != new_url]
    assert others and all(fresh_sample_server.route(p) for p in others)  # listings etc.
    assert summary.articles == 1 and summary.errors_by_kind == {}
    assert summary.not_modified > 0  # unchanged listings answered 304
    assert [a.title for a in staged(db)[len(first) :]] == [new.title]


# -- a crawl killed with SIGKILL, then restarted --------------------------------------------
def test_killed_crawl_resumes_without_refetching_finished_pages(
    fresh_sample_server: SampleServer, tmp_path: Path
) -> None:
    db = tmp_path / "giaouoc.duckdb"
    slow = {
        **FAST_CRAWL,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0.05,
        "DOWNLOAD_DELAY_JITTER": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "GIAOUOC_BATCH_SIZE": 3,
    }
    cmd = crawl_command(
        db=db,
        run_id="killed",
        settings_overrides=slow,
        base_url_overrides={"sample": fresh_sample_server.base_url},
    )
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while len(pending_batches(staging_dir_for(db))) < 2 and proc.poll() is None:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not run_file(staging_dir_for(db), "killed").exists()  # it did not finish
    # finished: staged and remembered as such; a batch written in the instant before the
    # kill, before its pages were remembered, is fetched (and staged) again
    remembered = remembered_articles(db)
    finished = [a for a in staged(db) if a.id in remembered]
    unremembered = [a for a in staged(db) if a.id not in remembered]
    assert 0 < len(finished) < len(STORED)
    fresh_sample_server.clear_log()

    summary = crawl(fresh_sample_server, db)

    everything = staged(db)
    assert Counter(map(slug_of, everything)) == Counter(STORED) + Counter(
        map(slug_of, unremembered)
    )
    refetched = {path_of(a.url or "") for a in finished} & set(fresh_sample_server.paths())
    assert refetched == set()
    assert summary.articles == len(STORED) - len(finished)


# -- --since -----------------------------------------------------------------------------
def test_since_skips_older_articles_listed_with_their_dates(
    fresh_sample_server: SampleServer, tmp_path: Path
) -> None:
    dates = sorted(a.published.date() for a in CONTENT)
    since = dates[len(dates) // 2]
    db = tmp_path / "giaouoc.duckdb"
    summary = run_crawl(
        db=db,
        since=since,
        base_url_overrides={"sample": fresh_sample_server.base_url},
        settings_overrides=FAST_CRAWL,
        progress=False,
    )

    articles = staged(db)
    assert articles and all(a.published and a.published >= since for a in articles)
    newer = {a.slug for a in CONTENT if a.published.date() >= since} & STORED
    assert {slug_of(a) for a in articles} == newer
    older_pages = {
        u
        for slug, urls in URLS.items()
        for u in urls
        if BY_SLUG[slug].published.date() < since and not BY_SLUG[slug].private
    }
    fetched_older = older_pages & set(fresh_sample_server.paths())
    assert len(fetched_older) < len(older_pages) / 2  # only undated sidebar links
    assert summary.finish_reason == "finished"
