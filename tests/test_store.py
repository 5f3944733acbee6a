"""The DuckDB store: migrations on open, idempotent loads, event merging, re-extraction."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from store_checks import row_counts, snapshot

from extract.models import Article, EventRecord
from pipelines import staging
from pipelines.config import staging_dir_for
from pipelines.loader import Loader
from pipelines.migrations import LATEST_VERSION, MIGRATIONS, SchemaTooNewError
from pipelines.store import open_store
from pipelines.synthetic import RecordedExtractor, synthetic_pairs
from pipelines.table_docs import TABLES

VIEWS = [
    "v_signings_by_province_year",
    "v_bloc_leaders_by_year",
    "v_member_counts_over_time",
    "v_goals_by_frequency",
]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]


def test_fresh_database_gets_every_table_view_and_version(tmp_path: Path) -> None:
    db = tmp_path / "fresh.duckdb"
    with open_store(db) as con:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()]
        assert versions == [m.version for m in MIGRATIONS]
        for table, doc in TABLES.items():
            assert _columns(con, table) == list(doc.columns), table
        for view in VIEWS:
            assert con.execute(f"SELECT count(*) FROM {view}").fetchall() == [(0,)]


def test_old_database_is_migrated_forward_keeping_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR,"
        " applied_at TIMESTAMP)"
    )
    con.execute(MIGRATIONS[0].sql)
    con.execute("INSERT INTO schema_version VALUES (1, 'tables', now()::TIMESTAMP)")
    con.execute(
        "INSERT INTO events (event_id, event_key, event_type, year, province)"
        " VALUES ('e1', 'signing|2024|Bắc Ninh|khối x', 'signing', 2024, 'Bắc Ninh')"
    )
    html = "<html><body><p>Ký kết giao ước thi đua năm 2024.</p></body></html>"
    page = ("a1", "https://example.vn/a1", "Ký kết giao ước thi đua năm 2024.")
    empty = ("a2", "https://example.vn/a2", "")
    pages = [(*page, gzip.compress(html.encode("utf-8"))), (*empty, None)]
    con.executemany(
        "INSERT INTO articles (article_id, canonical_url, text, html_gz) VALUES (?, ?, ?, ?)",
        pages,
    )
    con.close()

    with open_store(db) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [
            (LATEST_VERSION,)
        ]
        assert con.execute(
            "SELECT province, year, signings FROM v_signings_by_province_year"
        ).fetchall() == [("Bắc Ninh", 2024, 1)]
        # migrations 4 and 5 rebuilt `articles`: the gzipped pages are text again, and
        # both page columns are compressed with zstd
        assert con.execute(
            "SELECT article_id, canonical_url, text, html FROM articles ORDER BY article_id"
        ).fetchall() == [(*page, html), (*empty, None)]
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'articles'")
        assert ddl.fetchall()[0][0].count("USING COMPRESSION ZSTD") == 2
        assert _columns(con, "articles") == list(TABLES["articles"].columns)
    with open_store(db) as con:  # nothing left to apply, nothing applied twice
        assert con.execute("SELECT count(*) FROM schema_version").fetchall() == [(len(MIGRATIONS),)]


def test_database_from_a_newer_giaouoc_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.duckdb"
    with open_store(db) as con:
        con.execute(
            "INSERT INTO schema_version VALUES (?, 'from the future', NULL)", [LATEST_VERSION + 1]
        )
    before = snapshot(db)
    with pytest.raises(SchemaTooNewError, match=str(LATEST_VERSION + 1)), open_store(db):
        pass
    assert snapshot(db) == before


def _stage(db: Path, pairs: list[tuple[Article, EventRecord]], per_batch: int) -> None:
    for start in range(0, len(pairs), per_batch):
        staging.write_batch(staging_dir_for(db), [a for a, _ in pairs[start : start + per_batch]])


def test_loading_the_same_batches_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "twice.duckdb"
    pairs = list(synthetic_pairs(240, seed=3))
    loader = Loader(db, RecordedExtractor({r.id: r for _, r in pairs}), "synthetic-1")

    _stage(db, pairs, per_batch=80)
    first = loader.load_staged(staging_dir_for(db))
    assert (first.batches, first.stored) == (3, 240)
    assert staging.pending_batches(staging_dir_for(db)) == []
    once = snapshot(db)
    assert len(once["articles"]) == 240
    assert len(once["events"]) < len(once["event_sources"])  # some events have several reports

    _stage(db, pairs, per_batch=80)
    second = loader.load_staged(staging_dir_for(db))
    assert (second.stored, second.unchanged) == (0, 240)
    assert snapshot(db) == once


def _signing(article_id: str, **fields: object) -> EventRecord:
    base: dict[str, object] = {
        "relevant": True,
        "event_type": "signing",
        "year": 2024,
        "province": "Bắc Ninh",
        "bloc_name": "Khối thi đua các cơ quan Tổng hợp",
        "bloc_kind": "khối",
    }
    return EventRecord(id=article_id, **{**base, **fields})


def _article(article_id: str, text: str, published: date) -> Article:
    url = f"https://example.vn/{article_id}.html"
    return Article(
        id=article_id, url=url, canonical_url=url, text=text, published=published, site="test"
    )


REPORTS = {
    # the most complete report: its values win where reports disagree
    "portal": _signing(
        "portal",
        event_date=date(2024, 3, 1),
        member_count=9,
        leader_unit="Sở TN&MT",
        members=["Sở TN&MT", "Sở Tài chính", "Cục Thuế tỉnh"],
        goals=["Đẩy mạnh cải cách hành chính"],
    ),
    "paper": _signing(
        "paper",
        bloc_name="khối thi đua các cơ quan tổng hợp",
        leader_unit="Sở Tài nguyên và Môi trường tỉnh Bắc Ninh",
        member_count=8,
    ),
    "agency": _signing("agency", event_date=date(2024, 3, 2), goals=["Chuyển đổi số"]),
    # a review of the same bloc and year is another event
    "review": _signing("review", event_type="review", event_date=date(2024, 7, 15)),
    "weather": EventRecord(id="weather"),
}
ARTICLES = [
    _article("portal", "Khối ký kết giao ước.", date(2024, 3, 2)),
    _article("paper", "Các đơn vị ký giao ước thi đua.", date(2024, 3, 1)),
    _article("agency", "Sở ký kết.", date(2024, 3, 5)),
    _article("review", "Sơ kết 6 tháng.", date(2024, 7, 16)),
    _article("weather", "Trời nắng.", date(2024, 3, 3)),
]


def test_reports_of_one_event_merge_into_one_event_whatever_the_order(tmp_path: Path) -> None:
    db = tmp_path / "merge.duckdb"
    Loader(db, RecordedExtractor(REPORTS), "v1").load_articles(ARTICLES)
    with open_store(db, read_only=True) as con:
        events = con.execute(
            "SELECT event_type, event_date, member_count, leader_unit, leader_unit_normalized,"
            " source_count FROM events ORDER BY event_type"
        ).fetchall()
        members = con.execute("SELECT count(DISTINCT normalized) FROM event_members").fetchall()
        goals = con.execute(
            "SELECT goal_normalized FROM v_goals_by_frequency ORDER BY 1"
        ).fetchall()
    assert events == [
        ("review", date(2024, 7, 15), None, None, None, 1),
        ("signing", date(2024, 3, 1), 9, "Sở TN&MT", "sở tài nguyên môi trường", 3),
    ]
    assert members == [(3,)]
    assert goals == [("chuyển đổi số",), ("đẩy mạnh cải cách hành chính",)]

    reversed_db = tmp_path / "reversed.duckdb"
    loader = Loader(reversed_db, RecordedExtractor(REPORTS), "v1")
    for article in reversed(ARTICLES):
        loader.load_articles([article])
    assert snapshot(reversed_db) == snapshot(db)


def test_changed_page_replaces_its_event_and_duplicate_page_is_skipped(tmp_path: Path) -> None:
    db = tmp_path / "changed.duckdb"
    records = dict(REPORTS)
    loader = Loader(db, RecordedExtractor(records), "v1")
    loader.load_articles(ARTICLES)

    # the review page is edited: now it reports a launch; its review event disappears
    records["review"] = _signing("review", event_type="launch", event_date=date(2024, 7, 16))
    edited = ARTICLES[3].model_copy(update={"text": "Phát động thi đua."})
    copy = ARTICLES[0].model_copy(
        update={
            "id": "mirror",
            "url": "https://mirror.vn/a",
            "canonical_url": "https://mirror.vn/a",
        }
    )
    counts = Loader(db, RecordedExtractor(records), "v1").load_articles([edited, copy])
    assert (counts.stored, counts.duplicates) == (1, 1)
    with open_store(db, read_only=True) as con:
        types = con.execute("SELECT event_type FROM events ORDER BY 1").fetchall()
        mirror = con.execute(
            "SELECT count(*) FROM articles WHERE url = 'https://mirror.vn/a'"
        ).fetchall()
    assert types == [("launch",), ("signing",)]
    assert mirror == [(0,)]


def test_reextract_with_a_new_version_equals_a_fresh_load(tmp_path: Path) -> None:
    pairs = list(synthetic_pairs(150, seed=5))
    old = {r.id: r for _, r in pairs}
    # the new extractor reads every fifth article differently, and drops every seventh
    new = {
        rid: (
            EventRecord(id=rid)
            if n % 7 == 0
            else r.model_copy(update={"leader_unit": "Sở Nội vụ"})
            if n % 5 == 0
            else r
        )
        for n, (rid, r) in enumerate(old.items())
    }
    articles = [a for a, _ in pairs]

    db = tmp_path / "re.duckdb"
    Loader(db, RecordedExtractor(old, "v1"), "v1").load_articles(articles)
    before = row_counts(db)
    counts = Loader(db, RecordedExtractor(new, "v2"), "v2").reextract(chunk_size=40)
    assert counts.articles == 150 and counts.batches == 4

    fresh = tmp_path / "fresh.duckdb"
    Loader(fresh, RecordedExtractor(new, "v2"), "v2").load_articles(articles)
    assert snapshot(db) == snapshot(fresh)
    assert row_counts(db)["event_sources"] < before["event_sources"]
    # up to date now: a second reextract has nothing to do
    assert Loader(db, RecordedExtractor(new, "v2"), "v2").reextract().articles == 0


def test_crawl_summaries_staged_beside_batches_become_runs(tmp_path: Path) -> None:
    db = tmp_path / "runs.duckdb"
    folder = staging_dir_for(db)
    folder.mkdir(parents=True)
    (folder / "run-20250101T000000-1.json").write_text(
        json.dumps(
            {
                "started_at": "2025-01-01T07:00:00+07:00",
                "finished_at": "2025-01-01T07:05:00+07:00",
                "pages": 12,
                "articles": 10,
                "errors": {"http_404": 1, "truncated": 2},
                "site": ["sample"],
            }
        ),
        encoding="utf-8",
    )
    Loader(db, RecordedExtractor({}), "v1").load_staged(folder)
    with open_store(db, read_only=True) as con:
        row = con.execute(
            "SELECT kind, site, started_at::VARCHAR, pages, articles, errors, errors_by_kind"
            " FROM crawl_runs"
        ).fetchall()
    assert row == [
        ("crawl", "sample", "2025-01-01 00:00:00", 12, 10, 3, '{"http_404": 1, "truncated": 2}')
    ]
    assert list(folder.iterdir()) == []


def test_articles_made_every_way_are_stored_field_for_field(tmp_path: Path) -> None:
    """Rows are built from the models' fields column by column (``rows._columns``);
    articles validated from data in any key order, copied with updates and
    constructed without validation, mixed in one batch, must each land with their
    own values in the right columns."""
    fields = {
        "id": "p1",
        "url": "https://a.vn/tin/1",
        "canonical_url": "https://a.vn/tin-1",
        "site": "a.vn",
        "source_province": "Nghệ An",
        "title": "Ký kết giao ước thi đua",
        "author": "Lan Anh",
        "published": date(2025, 3, 4),
        "http_status": 200,
        "text": "Sáng 4/3, Khối thi đua số 2 ký kết giao ước thi đua năm 2025.",
        "html": "<p>Khối thi đua số 2</p>",
        "relevant_hint": True,
    }
    validated = Article.model_validate(dict(reversed(list(fields.items()))))
    copied = validated.model_copy(
        update={
            "title": "Tổng kết phong trào",
            "url": "https://b.vn/2",
            "id": "p2",
            "canonical_url": None,
            "text": "Tổng kết công tác thi đua năm 2025.",
            "author": None,
            "site": "b.vn",
        }
    )
    constructed = Article.model_construct(
        **{"text": "Cụm thi đua số 5 sơ kết.", "id": "p3", "url": "https://c.vn/3"}
    )
    articles = [copied, constructed, validated]
    db = tmp_path / "fields.duckdb"
    Loader(db, RecordedExtractor({}), "v1").load_articles(articles)
    names = ["source_id", "url", "canonical_url", "site", "source_province", "title"]
    names += ["author", "published", "http_status", "text", "html", "relevant_hint"]
    with open_store(db, read_only=True) as con:
        stored = con.execute(f"SELECT {', '.join(names)} FROM articles ORDER BY source_id")
        rows = stored.fetchall()
    expected = [
        (
            a.id,
            a.url,
            a.canonical_url or a.url,
            a.site,
            a.source_province,
            a.title,
            a.author,
            a.published,
            a.http_status,
            a.text,
            a.html,
            a.relevant_hint,
        )
        for a in sorted(articles, key=lambda a: a.id)
    ]
    assert rows == expected
