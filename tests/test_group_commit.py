"""Group commit: a write transaction takes in several batches, and keeps all or none.

The loader commits once per `GROUP_ARTICLES` written articles rather than once per
staged batch. These tests hold it to the promises that go with it: a batch file is
deleted only once the transaction holding it has committed, a failure anywhere in a
transaction leaves neither its rows nor a missing file, and a page that comes twice
within one transaction is counted and stored as if its batches had been loaded apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pytest
from store_checks import row_counts, snapshot

from extract.models import Article, EventRecord
from pipelines import loader as loader_module
from pipelines import lookahead, staging
from pipelines.loader import LoadCounts, Loader
from pipelines.rows import article_id_of, content_hash_of
from pipelines.store_view import StoreView
from pipelines.synthetic import RecordedExtractor, synthetic_pairs

PAIRS = list(synthetic_pairs(60, seed=5))
RECORDS = {r.id: r for _, r in PAIRS}
BATCHES = [(start, [a for a, _ in PAIRS[start : start + 10]]) for start in range(0, 60, 10)]


class BrokenExtractor(RecordedExtractor):
    """The recorded extractor, except that it fails on one article."""

    def __init__(self, records: dict[str, EventRecord], fails_on: str) -> None:
        super().__init__(records)
        self.fails_on = fails_on

    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]:
        articles = list(articles)
        if any(a.id == self.fails_on for a in articles):
            raise RuntimeError(f"extractor failed on {self.fails_on}")
        return super().extract_many(articles)


def test_batches_share_a_transaction_until_it_is_full(
    tmp_path: Path,
) -> None:
    together: list[list[int]] = []
    Loader(tmp_path / "one.duckdb", RecordedExtractor(RECORDS), "v1").load_batches(
        BATCHES, on_commit=together.append
    )
    assert together == [[0, 10, 20, 30, 40, 50]]

    apart: list[list[int]] = []
    Loader(
        tmp_path / "three.duckdb", RecordedExtractor(RECORDS), "v1", group_articles=20
    ).load_batches(BATCHES, on_commit=apart.append)
    assert apart == [[0, 10], [20, 30], [40, 50]]
    assert snapshot(tmp_path / "three.duckdb") == snapshot(tmp_path / "one.duckdb")


def test_a_page_twice_in_one_transaction_is_stored_as_if_loaded_apart(
    tmp_path: Path,
) -> None:
    first = [a for a, _ in PAIRS[:10]]
    # the next batch brings the first page again unchanged and the second page edited
    edited = first[1].model_copy(
        update={"text": f"{first[1].text} Cập nhật.", "content_hash": None}  # hashed anew
    )
    batches = [("first", first), ("again", [first[0], edited, *(a for a, _ in PAIRS[10:12])])]

    grouped = Loader(tmp_path / "grouped.duckdb", RecordedExtractor(RECORDS), "v1")
    commits: list[list[str]] = []
    together = grouped.load_batches(batches, on_commit=commits.append)
    assert commits == [["first", "again"]]

    apart = Loader(
        tmp_path / "apart.duckdb", RecordedExtractor(RECORDS), "v1", group_articles=1
    ).load_batches(batches)
    assert (together.stored, together.unchanged) == (apart.stored, apart.unchanged) == (13, 1)
    assert snapshot(tmp_path / "grouped.duckdb") == snapshot(tmp_path / "apart.duckdb")
    assert row_counts(tmp_path / "grouped.duckdb")["articles"] == 12


def test_small_batches_read_ahead_are_checked_as_if_loaded_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staged batches are small; the store is asked about many upcoming ones at once
    (here 12 articles' worth) while the open transaction writes on its own thread.
    Pages that come back within the same look-ahead or a later one, unchanged,
    edited, or under another URL with the same text, must still be told apart
    exactly as when every batch is its own transaction."""
    monkeypatch.setattr(lookahead, "LOOKUP_ARTICLES", 12)
    pages = [a for a, _ in PAIRS[:40]]
    edited = pages[3].model_copy(update={"text": f"{pages[3].text} Sửa lại.", "content_hash": None})
    copied = pages[5].model_copy(
        update={"url": "https://other.example/copy", "canonical_url": None}
    )
    new = [a for a, _ in PAIRS[40:]]
    # back again: unchanged, edited, copied, then the old text of the edited page
    comeback = [pages[0], edited, copied, *new[:10], pages[3], *new[10:]]
    stream = [*pages, *comeback, pages[3]]
    batches = [(i, stream[i : i + 5]) for i in range(0, len(stream), 5)]

    together = Loader(tmp_path / "one.duckdb", RecordedExtractor(RECORDS), "v1")
    commits: list[list[int]] = []
    counts = together.load_batches(batches, on_commit=commits.append)
    assert len(commits) == 1

    # a transaction per batch, each committing while the next is checked against
    # answers fetched before that commit
    apart = Loader(
        tmp_path / "apart.duckdb", RecordedExtractor(RECORDS), "v1", group_articles=1
    ).load_batches(batches)
    # a load per batch, each reading the store as the last one left it
    separate = LoadCounts()
    one_by_one = Loader(tmp_path / "separate.duckdb", RecordedExtractor(RECORDS), "v1")
    for _, batch in batches:
        separate.add(one_by_one.load_articles(batch))
    assert (
        counts.as_dict() | {"events_touched": 0}
        == apart.as_dict() | {"events_touched": 0}
        == separate.as_dict() | {"events_touched": 0}
    )
    # the copy is a duplicate; the edit and the old text back again are both stored
    assert (counts.stored, counts.unchanged, counts.duplicates) == (62, 2, 1)
    assert (
        snapshot(tmp_path / "one.duckdb")
        == snapshot(tmp_path / "apart.duckdb")
        == snapshot(tmp_path / "separate.duckdb")
    )


@pytest.mark.parametrize("bounded", [True, False])
def test_large_pages_are_not_read_far_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bounded: bool
) -> None:
    """Reading ahead is bounded by the size of the pages as well as by their number:
    with 4 MB of look-ahead, no more than four 1 MB pages wait beyond the batch in hand
    (unbounded, all twenty are read before the first is loaded)."""
    if bounded:
        monkeypatch.setattr(lookahead, "LOOKUP_CHARS", 4 * 2**20)
    filler = f"<!-- {'x' * 2**20} -->"
    pages = [a.model_copy(update={"html": f"{a.html}{filler}"}) for a, _ in PAIRS[:20]]
    read: list[int] = []

    def staged() -> Iterator[tuple[int, list[Article]]]:
        for number, page in enumerate(pages):
            read.append(number)
            yield number, [page]

    waiting: list[int] = []  # batches read beyond each one as it is loaded
    counts = Loader(tmp_path / "big.duckdb", RecordedExtractor(RECORDS), "v1").load_batches(
        staged(), on_batch=lambda number, _: waiting.append(len(read) - number - 1)
    )
    assert counts.stored == 20
    if bounded:
        assert max(waiting) <= 4
    else:
        assert waiting[0] == 19


def test_a_failed_transaction_keeps_no_rows_and_every_batch_file(
    tmp_path: Path,
) -> None:
    db = tmp_path / "broken.duckdb"
    folder = tmp_path / "staged"
    for _, articles in BATCHES[:3]:
        staging.write_batch(folder, articles)
    files = staging.pending_batches(folder)
    broken = BrokenExtractor(RECORDS, fails_on=BATCHES[2][1][4].id)

    # one transaction for all three batches: the failure in the third undoes all
    with pytest.raises(RuntimeError, match="extractor failed"):
        Loader(db, broken, "v1").load_staged(folder)
    assert staging.pending_batches(folder) == files
    assert row_counts(db)["articles"] == 0

    # a transaction per batch: the first two are kept, their files deleted
    with pytest.raises(RuntimeError, match="extractor failed"):
        Loader(db, broken, "v1", group_articles=10).load_staged(folder)
    assert staging.pending_batches(folder) == files[2:]
    assert row_counts(db)["articles"] == 20

    # rerun with a working extractor: the same database as one clean load
    Loader(db, RecordedExtractor(RECORDS), "v1").load_staged(folder)
    assert staging.pending_batches(folder) == []
    clean = tmp_path / "clean.duckdb"
    Loader(clean, RecordedExtractor(RECORDS), "v1").load_batches(BATCHES[:3])
    assert snapshot(db) == snapshot(clean)


def row_group_sizes(db: Path) -> list[int]:
    """Articles in each row group of `articles`, as stored."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [n for (n,) in con.execute(loader_module._ROW_GROUP_SIZES).fetchall()]


def test_small_row_groups_are_merged_once_there_are_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each load leaves a small row group per table; they are left alone (merging
    them at every commit would recompress every row once per doubling) until there
    are `MAX_SMALL_ROW_GROUPS` of them, or a row group's worth of articles in them."""
    monkeypatch.setattr(loader_module, "MAX_SMALL_ROW_GROUPS", 4)
    db = tmp_path / "groups.duckdb"
    loader = Loader(db, RecordedExtractor(RECORDS), "v1")
    sizes = []
    for _, batch in BATCHES:
        loader.load_articles(batch)
        sizes.append(sorted(row_group_sizes(db)))
    assert sizes == [[10], [10, 10], [10, 10, 10], [40], [10, 40], [10, 10, 40]]

    # three small row groups of 60 articles, and a load that brings the small ones
    # to a (here) row group's worth
    monkeypatch.setattr(loader_module, "MAX_SMALL_ROW_GROUPS", 32)
    monkeypatch.setattr(loader_module, "ROW_GROUP_ARTICLES", 70)
    loader.load_articles([a for a, _ in synthetic_pairs(15, seed=6)])
    assert row_counts(db)["articles"] >= 70
    assert row_group_sizes(db) == [row_counts(db)["articles"]]


def test_the_store_view_keeps_only_what_upcoming_pages_need(tmp_path: Path) -> None:
    """A load of a million articles must not remember the stored state of each: after
    a commit the view forgets every answer no upcoming page needs, and a forgotten
    page met again is fetched again, with the same answer as before."""
    db = tmp_path / "view.duckdb"
    Loader(db, RecordedExtractor(RECORDS), "v1").load_articles([a for a, _ in PAIRS[:30]])
    pages = {article_id_of(a): content_hash_of(a) for a, _ in PAIRS[:40]}  # 30 stored
    upcoming = dict(list(pages.items())[25:35])  # 5 stored, 5 new
    with StoreView(duckdb.connect(str(db), read_only=True), "v1") as view:
        view.fetch([pages])
        answers = view.lookup(pages)
        assert len(answers[0]) == 30 and view.knows(pages)

        view.forget([upcoming])
        assert view.knows(upcoming) and not view.knows(pages)
        assert view.lookup(upcoming)[0] == {i: answers[0][i] for i in upcoming if i in answers[0]}
        view.fetch([pages])
        assert view.lookup(pages) == answers


def test_a_rewritten_page_no_longer_holds_its_old_text_once_forgotten(tmp_path: Path) -> None:
    """The view answers a page this load wrote from what it wrote, and forgets the
    write once committed if no upcoming page needs it. The page's old text, fetched
    before the rewrite, must not come back with it: a later page with that text is
    new, not a duplicate."""
    db = tmp_path / "view.duckdb"
    Loader(db, RecordedExtractor(RECORDS), "v1").load_articles([PAIRS[0][0]])
    page, old_text = article_id_of(PAIRS[0][0]), content_hash_of(PAIRS[0][0])
    other = article_id_of(PAIRS[1][0])
    assert old_text is not None
    new_text = "f" * 40
    con = duckdb.connect(str(db))
    with StoreView(con.cursor(), "v1") as view:
        view.fetch([{page: new_text}, {other: old_text}])
        assert view.lookup({other: old_text}) == ({}, {other})  # the stored page's text
        view.begin()
        view.wrote({page: new_text})
        assert view.lookup({other: old_text}) == ({}, set())
        # the rewrite is committed; only the other page is upcoming
        con.execute("UPDATE articles SET content_hash = ? WHERE article_id = ?", [new_text, page])
        view.committed()
        view.forget([{other: old_text}])
        assert view.knows({other: old_text}) and not view.knows({page: new_text})
        assert view.lookup({other: old_text}) == ({}, set())
        view.fetch([{page: new_text}])
        assert view.lookup({page: new_text, other: old_text}) == ({page: True}, set())
    con.close()
