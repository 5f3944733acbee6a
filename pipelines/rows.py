"""A batch of articles and their extracted events as the Arrow rows of each table.

The loader never inserts row by row, and it does not build rows in Python either: a
batch becomes one typed Arrow table per table it adds to (`articles`,
`event_sources`, `event_members`, `event_deputies`, `event_goals`, `evidence`), made
column by column (one pass over the pydantic models per column, no per-row objects);
list items are laid flat once and their event and article ids repeated by Arrow's
``take``. Each table then goes into DuckDB with one plain ``INSERT … SELECT`` (see
``batch_write.BatchWriter``), the same work as inserting finished Arrow tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from extract.models import Article, EventRecord
from extract.units import normalize_phrase, normalize_unit
from pipelines.event_keys import DATED_TYPES, short_hash

_str, _int, _bool, _date, _ts = pa.string(), pa.int32(), pa.bool_(), pa.date32(), pa.timestamp("us")
SLICE_ROWS = 4096

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", _str),
        ("source_id", _str),
        ("canonical_url", _str),
        ("url", _str),
        ("site", _str),
        ("source_province", _str),
        ("title", _str),
        ("author", _str),
        ("published", _date),
        ("fetched_at", _ts),
        ("http_status", _int),
        ("content_hash", _str),
        ("text", _str),
        ("html", _str),
        ("relevant_hint", _bool),
        ("relevant", _bool),
        ("extractor_version", _str),
        ("extracted_at", _ts),
        ("loaded_at", _ts),
    ]
)

# One row per relevant article's event: the `event_sources` rows, then one row per
# list item of those events, in the tables DuckDB stores them in.
SOURCE_SCHEMA = pa.schema(
    [
        ("event_id", _str),
        ("article_id", _str),
        ("event_key", _str),
        ("url", _str),
        ("source_rank", _str),
        ("event_type", _str),
        ("event_date", _date),
        ("published_date", _date),
        ("year", _int),
        ("province", _str),
        ("province_2025", _str),
        ("bloc_name", _str),
        ("bloc_name_normalized", _str),
        ("bloc_kind", _str),
        ("member_count", _int),
        ("leader_unit", _str),
        ("leader_unit_normalized", _str),
        ("extractor_version", _str),
        ("extracted_at", _ts),
    ]
)
_PART_KEYS = [("event_id", _str), ("article_id", _str)]
UNIT_PART_SCHEMA = pa.schema(
    [*_PART_KEYS, ("position", _int), ("name", _str), ("normalized", _str)]
)
GOAL_SCHEMA = pa.schema(
    [*_PART_KEYS, ("position", _int), ("goal", _str), ("goal_normalized", _str)]
)
EVIDENCE_SCHEMA = pa.schema(
    [*_PART_KEYS, ("field", _str), ("start_char", _int), ("end_char", _int), ("text", _str)]
)
_LAST_DAY = date(9999, 12, 31)
# a span as Arrow reads it straight from the model's field dict
_SPAN = pa.struct([("start", _int), ("end", _int), ("text", _str)])


class BatchRows(NamedTuple):
    """A batch as the rows of each table it adds to (`articles` … `evidence`)."""

    articles: pa.Table
    event_sources: pa.Table
    event_members: pa.Table
    event_deputies: pa.Table
    event_goals: pa.Table
    evidence: pa.Table


def concat_rows(parts: Sequence[BatchRows]) -> BatchRows:
    """Several chunks' rows as one (zero-copy): fewer, larger inserts."""
    if len(parts) == 1:
        return parts[0]
    return BatchRows(*(pa.concat_tables(tables) for tables in zip(*parts, strict=True)))


def canonical_url_of(article: Article) -> str:
    return article.canonical_url or article.url or f"article:{article.id}"


def article_id_of(article: Article) -> str:
    """Stable id from the canonical URL: one row per page however often it is crawled."""
    return short_hash(canonical_url_of(article))


def reports_event(record: EventRecord | None) -> bool:
    """Whether an article's record is a relevant event (one `event_sources` row)."""
    return record is not None and record.relevant


def page_chars(article: Article) -> int:
    """How much of the page a loader holds in memory, in characters of text and HTML."""
    return len(article.text or "") + len(article.html or "")


def content_hash_of(article: Article) -> str | None:
    if article.content_hash:
        return article.content_hash
    body = article.text or article.html
    return hashlib.sha1(body.encode("utf-8")).hexdigest() if body else None


def to_utc_naive(moment: datetime | None) -> datetime | None:
    """Timestamps are stored as naive UTC, so readers in any time zone agree."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _utc_naive_array(moments: list[datetime | None]) -> pa.Array:
    """`to_utc_naive` on a whole column: aware values converted, naive ones kept."""
    return pa.array(moments, pa.timestamp("us", tz="UTC")).cast(_ts)


class _Flat(NamedTuple):
    """Per-row lists laid flat: the values, each value's row and its position in it."""

    values: list[Any]
    rows: pa.Array
    positions: pa.Array


def _flat(lists: Sequence[Sequence[Any]]) -> _Flat:
    lengths = np.fromiter(map(len, lists), np.int32, len(lists))
    starts = np.cumsum(lengths, dtype=np.int32) - lengths
    rows = np.repeat(np.arange(len(lists), dtype=np.int32), lengths)
    positions = np.arange(len(rows), dtype=np.int32) - starts[rows]
    return _Flat(list(chain.from_iterable(lists)), pa.array(rows), pa.array(positions))


def _normalized_names(
    written: Sequence[Sequence[str]],
    flat: list[str],
    given: Sequence[Sequence[str]] | None,
    fold: Callable[[str], str],
) -> list[str | None]:
    """For each flat name, the extractor's normalised name when it gave one per name in
    that row, else ours. Folding runs once per distinct name of the batch (a batch names
    the same few hundred units thousands of times)."""
    folded = {name: fold(name) or None for name in set(flat)}
    keys: list[str | None] = list(map(folded.__getitem__, flat))
    if given is not None:
        offsets = list(accumulate(map(len, written), initial=0))
        for row in [row for row, theirs in enumerate(given) if theirs]:
            theirs, start, end = given[row], offsets[row], offsets[row + 1]
            if len(theirs) == end - start and all(theirs):
                keys[start:end] = theirs
    return keys


def _columns(models: Sequence[Any], *names: str) -> list[tuple[Any, ...]]:
    """Fields of pydantic models, column by column: one C-level pass over their
    ``__dict__``s, several times cheaper than an attribute read per model and field."""
    if not models:
        return [() for _ in names]
    if len(names) == 1:
        return [tuple(map(itemgetter(names[0]), map(vars, models)))]
    return list(zip(*map(itemgetter(*names), map(vars, models)), strict=True))


_ARTICLE_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "site",
    "source_province",
    "title",
    "author",
    "published",
    "fetched_at",
    "http_status",
    "text",
    "html",
    "relevant_hint",
)


def article_table(
    articles: Sequence[Article],
    article_ids: Sequence[str],
    content_hashes: Sequence[str | None],
    relevant: Sequence[bool],
    *,
    extractor_version: str,
    extracted_at: datetime,
    loaded_at: datetime,
) -> pa.Table:
    """The batch's `articles` rows."""
    n = len(articles)
    (
        source_id,
        url,
        canonical,
        site,
        source_province,
        title,
        author,
        published,
        fetched_at,
        http_status,
        text,
        html,
        relevant_hint,
    ) = _columns(articles, *_ARTICLE_FIELDS)
    columns = {
        "article_id": pa.array(article_ids, _str),
        "source_id": pa.array(source_id, _str),
        "canonical_url": pa.array(
            [c or u or f"article:{i}" for c, u, i in zip(canonical, url, source_id, strict=True)],
            _str,
        ),
        "url": pa.array(url, _str),
        "site": pa.array(site, _str),
        "source_province": pa.array(source_province, _str),
        "title": pa.array(title, _str),
        "author": pa.array(author, _str),
        "published": pa.array(published, _date),
        "fetched_at": _utc_naive_array(fetched_at),
        "http_status": pa.array(http_status, _int),
        "content_hash": pa.array(content_hashes, _str),
        "text": pa.array(text, _str),
        "html": pa.array(html, _str),
        "relevant_hint": pa.array(relevant_hint, _bool),
        "relevant": pa.array(relevant, _bool),
        "extractor_version": pa.repeat(pa.scalar(extractor_version, _str), n),
        "extracted_at": pa.repeat(pa.scalar(extracted_at, _ts), n),
        "loaded_at": pa.repeat(pa.scalar(loaded_at, _ts), n),
    }
    return pa.Table.from_pydict(columns, schema=ARTICLE_SCHEMA)


_RECORD_FIELDS = (
    "event_type",
    "event_date",
    "published_date",
    "year",
    "province",
    "bloc_name",
    "bloc_kind",
    "member_count",
    "members",
    "leader_unit",
    "deputy_units",
    "goals",
    "evidence",
    "normalized",
    "url",
    "extractor_version",
)


def _part_table(
    flat: _Flat, normalized: list[str | None], keys: pa.Table, schema: pa.Schema
) -> pa.Table:
    """Rows of `event_members`, `event_deputies` or `event_goals`; `keys` holds the
    event and article id of each source row."""
    return pa.Table.from_arrays(
        [
            *keys.take(flat.rows).columns,
            flat.positions,
            pa.array(flat.values, _str),
            pa.array(normalized, _str),
        ],
        schema=schema,
    )


def _evidence_table(evidence: Sequence[dict[str, list[Any]]], keys: pa.Table) -> pa.Table:
    """The records' evidence spans, in each record's own order; field names and ids are
    repeated by Arrow, not Python."""
    groups = list(chain.from_iterable(map(dict.items, evidence)))  # (field, spans)
    names, per_field = (list(x) for x in zip(*groups, strict=True)) if groups else ([], [])
    group_rows = _flat([range(len(e)) for e in evidence]).rows
    spans = _flat(per_field)
    span_fields = pa.array(list(map(vars, spans.values)), _SPAN).flatten()
    return pa.Table.from_arrays(
        [
            *keys.take(group_rows.take(spans.rows)).columns,
            pa.array(names, _str).take(spans.rows),
            *span_fields,
        ],
        schema=EVIDENCE_SCHEMA,
    )


def _event_key(
    event_type: str,
    year: int | None,
    province: str | None,
    bloc: str | None,
    event_date: date | None,
    article_id: str,
) -> str:
    """`event_keys.event_key` from the columns that hold its parts (tests hold the two
    to the same answers)."""
    if bloc is None or year is None:
        return f"{event_type}|article:{article_id}"
    key = f"{event_type}|{year}|{province or ''}|{bloc}"
    if event_type in DATED_TYPES:
        key += f"|{event_date.isoformat() if event_date else ''}"
    return key


def _source_rank(stated: int, rank_day: date | None, article_id: str) -> str:
    """Sort key of a source within its event: the most complete report first (`stated`
    counts the contract fields it states). The event's fields are taken, field by
    field, from the best-ranked source that has them; ties go to the earliest report,
    then to the article id, so the result does not depend on the order articles were
    loaded in."""
    return f"{99 - stated:02d}|{(rank_day or _LAST_DAY).isoformat()}|{article_id}"


def event_tables(
    reports: Sequence[tuple[Article, str, EventRecord]],
    *,
    extractor_version: str,
    extracted_at: datetime,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, pa.Table]:
    """Rows of `event_sources`, `event_members`, `event_deputies`, `event_goals` and
    `evidence` for the (article, relevant record) pairs of a batch.

    Column by column over the batch, with the per-record helpers of ``event_keys``
    (`bloc_key`, `province_of`, `year_of`) inlined, because at a hundred thousand
    records a function call per record and column is most of the load's Python time.
    """
    arts = [article for article, _, _ in reports]
    ids = [article_id for _, article_id, _ in reports]
    recs = [record for _, _, record in reports]
    (
        event_type,
        event_date,
        published_date,
        year,
        province,
        bloc_name,
        bloc_kind,
        member_count,
        members,
        leader_unit,
        deputies,
        goals,
        evidence,
        normalized,
        record_url,
        version,
    ) = _columns(recs, *_RECORD_FIELDS)
    article_url, published = _columns(arts, "url", "published")
    norm_province, norm_bloc, norm_leader, norm_members, norm_deputies = _columns(
        normalized, "province", "bloc_name", "leader_unit", "members", "deputy_units"
    )
    pre2025, map2025 = _columns(norm_province, "pre2025", "map2025")
    unit_key = _distinct_folds(normalize_unit)

    def given_or_folded(
        given: Sequence[str | None], written: Sequence[str | None]
    ) -> list[str | None]:
        """The extractor's normalised name where it gave one, else the written one folded."""
        return [
            g or (unit_key(w) if w else None) or None for g, w in zip(given, written, strict=True)
        ]

    kinds = [t or "other" for t in event_type]
    years = [
        y if y is not None else (d.year if d else None)
        for y, d in zip(year, event_date, strict=True)
    ]
    provinces = [n or p for n, p in zip(pre2025, province, strict=True)]
    blocs = given_or_folded(norm_bloc, bloc_name)
    keys = list(map(_event_key, kinds, years, provinces, blocs, event_date, ids))
    stated = [
        (d is not None)
        + (y is not None)
        + bool(p)
        + bool(b)
        + bool(k)
        + (c is not None)
        + bool(u)
        + bool(m)
        + bool(v)
        + bool(g)
        for d, y, p, b, k, c, u, m, v, g in zip(
            event_date,
            year,
            province,
            bloc_name,
            bloc_kind,
            member_count,
            leader_unit,
            members,
            deputies,
            goals,
            strict=True,
        )
    ]
    rank_days = [a or r for a, r in zip(published, published_date, strict=True)]
    event_ids = pa.array(map(short_hash, keys), _str)
    article_ids = pa.array(ids, _str)
    sources = pa.Table.from_arrays(
        [
            event_ids,
            article_ids,
            pa.array(keys, _str),
            pa.array([a or r for a, r in zip(article_url, record_url, strict=True)], _str),
            pa.array(list(map(_source_rank, stated, rank_days, ids)), _str),
            pa.array(kinds, _str),
            pa.array(event_date, _date),
            pa.array([r or a for a, r in zip(published, published_date, strict=True)], _date),
            pa.array(years, _int),
            pa.array(provinces, _str),
            pa.array(map2025, _str),
            pa.array(bloc_name, _str),
            pa.array(blocs, _str),
            pa.array(bloc_kind, _str),
            pa.array(member_count, _int),
            pa.array(leader_unit, _str),
            pa.array(given_or_folded(norm_leader, leader_unit), _str),
            pa.array([v or extractor_version for v in version], _str),
            pa.repeat(pa.scalar(extracted_at, _ts), len(reports)),
        ],
        schema=SOURCE_SCHEMA,
    )
    row_keys = pa.table({"event_id": event_ids, "article_id": article_ids})

    def part(
        lists: Sequence[Sequence[str]],
        given: Sequence[Sequence[str]] | None,
        fold: Callable[[str], str],
        schema: pa.Schema,
    ) -> pa.Table:
        flat = _flat(lists)
        keys = _normalized_names(lists, flat.values, given, fold)
        return _part_table(flat, keys, row_keys, schema)

    return (
        sources,
        part(members, norm_members, normalize_unit, UNIT_PART_SCHEMA),
        part(deputies, norm_deputies, normalize_unit, UNIT_PART_SCHEMA),
        part(goals, None, normalize_phrase, GOAL_SCHEMA),
        _evidence_table(evidence, row_keys),
    )


def _distinct_folds(fold: Callable[[str], str]) -> Callable[[str], str]:
    """`fold` memoised for one batch (a plain dict: cheaper than the lru_cache behind it)."""
    seen: dict[str, str] = {}

    def folded(name: str) -> str:
        key = seen.get(name)
        if key is None:
            key = seen[name] = fold(name)
        return key

    return folded


def batch_tables(
    articles: Sequence[Article],
    article_ids: Sequence[str],
    content_hashes: Sequence[str | None],
    records: Mapping[str, EventRecord],
    *,
    extractor_version: str,
    extracted_at: datetime,
    loaded_at: datetime,
) -> BatchRows:
    """The rows a batch adds to each table; `records` by article id (`Article.id`)."""
    found = [records.get(article.id) for article in articles]
    relevant = list(map(reports_event, found))
    reports = [
        (article, article_id, record)
        for article, article_id, record, is_relevant in zip(
            articles, article_ids, found, relevant, strict=True
        )
        if is_relevant and record is not None
    ]
    articles_table = article_table(
        articles,
        article_ids,
        content_hashes,
        relevant,
        extractor_version=extractor_version,
        extracted_at=extracted_at,
        loaded_at=loaded_at,
    )
    events = event_tables(reports, extractor_version=extractor_version, extracted_at=extracted_at)
    return BatchRows(*map(_in_slices, (articles_table, *events)))


def _in_slices(table: pa.Table, rows: int = SLICE_ROWS) -> pa.Table:
    """The same table as several record batches (zero-copy): DuckDB scans one batch
    per thread, so a single-chunk table would be inserted by one core."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=rows), table.schema)
