"""The loader's rollups and column-wise keys agree with their from-scratch definitions.

`v_bloc_leaders_by_year` and `v_goals_by_frequency` read rollups that the loader keeps
up to date batch by batch; whatever the loads, replacements and re-extractions, they
must answer exactly what the original views (migration 2) compute from `events`. The
event key and id are assembled column by column at load time (``rows.py``); they must
equal what ``event_keys`` computes record by record.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import duckdb

from extract.models import EventRecord, Normalized, ProvinceNames
from extract.units import normalize_unit
from pipelines.event_keys import event_id, event_key
from pipelines.loader import Loader
from pipelines.migrations import MIGRATIONS
from pipelines.rows import article_id_of
from pipelines.synthetic import BLOCS, UNITS, RecordedExtractor, synthetic_pairs

ROLLUP_VIEWS = ["v_bloc_leaders_by_year", "v_goals_by_frequency"]


def _original_view(name: str) -> str:
    """The view's query as migration 2 defined it (computed from `events` per query)."""
    match = re.search(rf"CREATE VIEW {name} AS(.*?);", MIGRATIONS[1].sql, re.S)
    assert match, name
    return match.group(1)


def _assert_views_match_their_definition(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        for view in ROLLUP_VIEWS:
            served = sorted(con.execute(f"SELECT * FROM {view}").fetchall(), key=repr)
            computed = sorted(con.execute(_original_view(view)).fetchall(), key=repr)
            assert served, view
            assert served == computed, view
    finally:
        con.close()


def test_rollups_follow_loads_replacements_and_reextraction(tmp_path: Path) -> None:
    db = tmp_path / "rollups.duckdb"
    pairs = list(synthetic_pairs(900, seed=21))
    articles = [a for a, _ in pairs]
    loader = Loader(db, RecordedExtractor({r.id: r for _, r in pairs}), "synthetic-1")
    for start in range(0, len(articles), 200):
        loader.load_articles(articles[start : start + 200])
    _assert_views_match_their_definition(db)

    # a new extractor: other leaders and goals, events dropped, events moved to other blocs
    rng = random.Random(5)
    changed = {}
    for _, record in pairs:
        roll = rng.random()
        if record.relevant and roll < 0.25:
            record = record.model_copy(
                update={"leader_unit": rng.choice(UNITS), "goals": record.goals[:1]}
            )
        elif record.relevant and roll < 0.35:
            record = record.model_copy(update={"bloc_name": rng.choice(BLOCS)})
        elif record.relevant and roll < 0.45:
            record = record.model_copy(update={"relevant": False})
        changed[record.id] = record
    again = Loader(db, RecordedExtractor(changed, "synthetic-2"), "synthetic-2")
    again.reextract(chunk_size=250)
    _assert_views_match_their_definition(db)

    # pages whose content changed since: reloaded in place
    edited = [
        a.model_copy(update={"text": f"{a.text} (cập nhật)", "content_hash": None})
        for a in articles[:300]
    ]
    again.load_articles(edited)
    _assert_views_match_their_definition(db)


def _record(article_id: str, **fields: object) -> EventRecord:
    base: dict[str, object] = {
        "relevant": True,
        "event_type": "signing",
        "year": 2024,
        "event_date": date(2024, 2, 20),
        "province": "Bắc Ninh",
        "bloc_name": "Khối thi đua các cơ quan Tổng hợp",
        "leader_unit": "Sở Tài chính",
        "members": ["Sở Tài chính", "Sở Y tế"],
    }
    base.update(fields)
    return EventRecord(id=article_id, **base)  # type: ignore[arg-type]


def test_event_keys_built_column_wise_equal_event_keys_module(tmp_path: Path) -> None:
    variants: list[dict[str, object]] = [
        {},
        {"event_type": "review"},
        {"event_type": "other", "event_date": None},
        {"event_type": None},
        {"year": None},
        {"year": None, "event_date": None},
        {"bloc_name": None},
        {"province": None},
        {"province": ""},
        {"normalized": Normalized(province=ProvinceNames(pre2025="Hà Bắc"), bloc_name="khối x")},
        {"normalized": Normalized(province=ProvinceNames(pre2025=""))},
        {"event_type": "launch", "year": 1999},
    ]
    pairs = []
    for index, fields in enumerate(variants):
        article, _ = next(iter(synthetic_pairs(1, seed=100 + index)))
        url = f"https://bao-tinh.example.vn/khoa-{index}.html"
        article = article.model_copy(
            update={"id": f"k{index}", "url": url, "canonical_url": url, "relevant_hint": True}
        )
        pairs.append((article, _record(article.id, **fields)))
    db = tmp_path / "keys.duckdb"
    Loader(db, RecordedExtractor({r.id: r for _, r in pairs}), "synthetic-1").load_articles(
        a for a, _ in pairs
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(
            (row[0], (row[1], row[2]))
            for row in con.execute(
                "SELECT article_id, event_key, event_id FROM event_sources"
            ).fetchall()
        )
    finally:
        con.close()
    expected = {}
    for article, record in pairs:
        key = event_key(record, article_id_of(article))
        expected[article_id_of(article)] = (key, event_id(key))
    assert len(expected) == len(variants)
    assert stored == expected


def test_member_names_normalised_as_given_only_when_given_whole(tmp_path: Path) -> None:
    """A record's own normalised member names are stored when it gives one per member,
    none empty; otherwise the loader folds the written names itself."""
    members = ["Sở TN&MT", "Sở Y tế"]
    ours = [normalize_unit(m) for m in members]
    variants = {
        "whole": (["tài nguyên", "y tế"], ["tài nguyên", "y tế"]),
        "one empty": (["tài nguyên", ""], ours),
        "too few": (["tài nguyên"], ours),
        "none": ([], ours),
    }
    pairs = []
    for index, (given, _) in enumerate(variants.values()):
        article = next(iter(synthetic_pairs(1, seed=200 + index)))[0]
        url = f"https://bao-tinh.example.vn/thanh-vien-{index}.html"
        article = article.model_copy(update={"id": f"m{index}", "url": url, "canonical_url": url})
        record = _record(article.id, members=members, normalized=Normalized(members=given))
        pairs.append((article, record))
    db = tmp_path / "members.duckdb"
    Loader(db, RecordedExtractor({r.id: r for _, r in pairs}), "synthetic-1").load_articles(
        a for a, _ in pairs
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT article_id, list(normalized ORDER BY position) FROM event_members GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    stored = dict(rows)
    for (article, _), (name, (_, expected)) in zip(pairs, variants.items(), strict=True):
        assert stored[article_id_of(article)] == expected, name
