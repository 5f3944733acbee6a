"""A batch of articles and their extracted events as the Arrow rows of each table.

The loader never inserts row by row, and it does not build rows in Python either: a
batch becomes one typed Arrow table per table it adds to (`articles`,
`event_sources`, `event_members`, `event_deputies`, `event_goals`, `evidence`): the
models' fields are read column by column, whatever is derived from them (event keys,
source ranks, normalised names) is computed by Arrow over whole columns, evidence spans
(tuples) are read by Arrow in one pass, and list items are laid flat once with their
event and article ids repeated by Arrow's ``take``. Each table then goes into DuckDB
with one plain ``INSERT … SELECT`` (see ``batch_write.BatchWriter``), the same work as
inserting finished Arrow tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
# a record's evidence as Arrow reads it: field → its spans, each a (start, end, text) tuple
_EVIDENCE = pa.map_(_str, pa.list_(pa.struct([("start", _int), ("end", _int), ("text", _str)])))


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
    lengths: np.ndarray  # of each row's list


def _flat(lists: Sequence[Sequence[Any]]) -> _Flat:
    lengths = np.fromiter(map(len, lists), np.int32, len(lists))
    starts = np.cumsum(lengths, dtype=np.int32) - lengths
    rows = np.repeat(np.arange(len(lists), dtype=np.int32), lengths)
    positions = np.arange(len(rows), dtype=np.int32) - starts[rows]
    return _Flat(list(chain.from_iterable(lists)), pa.array(rows), pa.array(positions), lengths)


def _stated(values: pa.Array) -> pa.Array:
    """Whether each value is stated: not null, and not an empty string."""
    if pa.types.is_string(values.type):
        return pc.fill_null(pc.greater(pc.binary_length(values), 0), False)
    return values.is_valid()


def _folded(names: pa.Array, fold: Callable[[str], str]) -> pa.Array:
    """`fold` of each name (null where it folds to nothing), run once per distinct name:
    a batch names the same few hundred units thousands of times."""
    encoded = names.dictionary_encode()
    distinct = [fold(name) or None for name in encoded.dictionary.to_pylist()]
    return pa.array(distinct, _str).take(encoded.indices)


def _given_or_folded(given: pa.Array, written: pa.Array, fold: Callable[[str], str]) -> pa.Array:
    """The extractor's normalised name where it gave one, else the written one folded."""
    return pc.if_else(_stated(given), given, _folded(written, fold))


def _normalized_names(
    flat: _Flat,
    names: pa.Array,
    given: Sequence[Sequence[str]] | None,
    fold: Callable[[str], str],
) -> pa.Array:
    """For each flat name (`names`, laid flat by `_flat`), the extractor's normalised
    name when it gave one per name in that row, none of them empty, else ours."""
    ours = _folded(names, fold)
    if given is None or not len(names):
        return ours
    theirs = pa.array(given, pa.list_(_str))
    counts = pc.list_value_length(theirs).to_numpy(zero_copy_only=False)
    theirs_flat = pc.list_flatten(theirs)
    empty = np.logical_not(_stated(theirs_flat).to_numpy(zero_copy_only=False))
    has_empty = np.bincount(
        np.repeat(np.arange(len(counts)), counts), weights=empty, minlength=len(counts)
    )
    whole = (counts == flat.lengths) & (has_empty == 0)
    rows = flat.rows.to_numpy()
    use = whole[rows]
    if not use.any():
        return ours
    starts = theirs.offsets.to_numpy()[:-1]
    at = np.where(use, starts[rows] + flat.positions.to_numpy(), 0)
    return pc.if_else(pa.array(use), theirs_flat.take(pa.array(at)), ours)


def _columns(models: Sequence[Any], *names: str) -> list[tuple[Any, ...]]:
    """Fields of pydantic models of one class, column by column. Pydantic keeps every
    field in a model's ``__dict__``, in the order the class declares them, however the
    model was made (validated, copied with updates, constructed), so one C-level
    transpose of the dicts' values gives all columns at once: twice as cheap as an
    item read per model and field, which was a sixth of a load's Python time."""
    if not models:
        return [() for _ in names]
    columns = list(zip(*map(dict.values, map(vars, models)), strict=True))
    order = list(vars(models[0]))
    return [columns[order.index(name)] for name in names]


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
    flat: _Flat, names: pa.Array, normalized: pa.Array, keys: pa.Table, schema: pa.Schema
) -> pa.Table:
    """Rows of `event_members`, `event_deputies` or `event_goals`; `keys` holds the
    event and article id of each source row."""
    return pa.Table.from_arrays(
        [*keys.take(flat.rows).columns, flat.positions, names, normalized], schema=schema
    )


def _evidence_table(evidence: Sequence[dict[str, list[Any]]], keys: pa.Table) -> pa.Table:
    """The records' evidence spans, in each record's own order. Arrow reads the
    evidence dicts (field → spans, each span a tuple) in one pass of its own; field names
    and ids are repeated by Arrow, not Python."""
    by_field = pa.array(evidence, _EVIDENCE)  # one map per record
    spans = by_field.items  # one list of spans per (record, field)
    group_of_span = pc.list_parent_indices(spans)
    offsets = by_field.offsets.to_numpy()
    record_of_group = np.repeat(np.arange(len(by_field), dtype=np.int32), np.diff(offsets))
    return pa.Table.from_arrays(
        [
            *keys.take(pa.array(record_of_group).take(group_of_span)).columns,
            by_field.keys.take(group_of_span),
            *pc.list_flatten(spans).flatten(),
        ],
        schema=EVIDENCE_SCHEMA,
    )


def _event_keys(
    event_types: pa.Array,
    years: pa.Array,
    provinces: pa.Array,
    blocs: pa.Array,
    event_dates: pa.Array,
    article_ids: pa.Array,
) -> pa.Array:
    """`event_keys.event_key` for a whole batch, from the columns that hold its parts
    (a test holds the two to the same answers)."""
    keyed = pc.binary_join_element_wise(
        event_types, pc.cast(years, _str), pc.fill_null(provinces, ""), blocs, "|"
    )
    dated = pc.binary_join_element_wise(keyed, pc.fill_null(pc.cast(event_dates, _str), ""), "|")
    keyed = pc.if_else(pc.is_in(event_types, pa.array(sorted(DATED_TYPES), _str)), dated, keyed)
    unkeyed = pc.binary_join_element_wise(
        event_types, pc.binary_join_element_wise(pa.scalar("article"), article_ids, ":"), "|"
    )
    return pc.if_else(pc.or_(blocs.is_null(), years.is_null()), unkeyed, keyed)


def _source_ranks(stated: np.ndarray, rank_days: pa.Array, article_ids: pa.Array) -> pa.Array:
    """Sort key of a source within its event: the most complete report first (`stated`
    counts the contract fields it states). The event's fields are taken, field by
    field, from the best-ranked source that has them; ties go to the earliest report,
    then to the article id, so the result does not depend on the order articles were
    loaded in."""
    return pc.binary_join_element_wise(
        pc.utf8_lpad(pc.cast(pa.array(99 - stated), _str), 2, "0"),
        pc.cast(pc.fill_null(rank_days, pa.scalar(_LAST_DAY, _date)), _str),
        article_ids,
        "|",
    )


def event_tables(
    reports: Sequence[tuple[Article, str, EventRecord]],
    *,
    extractor_version: str,
    extracted_at: datetime,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, pa.Table]:
    """Rows of `event_sources`, `event_members`, `event_deputies`, `event_goals` and
    `evidence` for the (article, relevant record) pairs of a batch.

    The records' fields are read column by column (`_columns`), and everything derived
    from them (the per-record helpers of ``event_keys``: `bloc_key`, `province_of`,
    `year_of`, `event_key`; the source ranks) is computed by Arrow over whole columns,
    because at a hundred thousand records a Python step per record and column is most
    of the load's Python time.
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

    article_ids = pa.array(ids, _str)
    types = pc.fill_null(pa.array(event_type, _str), "other")
    event_dates = pa.array(event_date, _date)
    stated_years = pa.array(year, _int)
    years = pc.coalesce(stated_years, pc.cast(pc.year(event_dates), _int))
    stated_provinces = pa.array(province, _str)
    given_provinces = pa.array(pre2025, _str)
    provinces = pc.if_else(_stated(given_provinces), given_provinces, stated_provinces)
    blocs_written = pa.array(bloc_name, _str)
    blocs = _given_or_folded(pa.array(norm_bloc, _str), blocs_written, normalize_unit)
    bloc_kinds = pa.array(bloc_kind, _str)
    counts = pa.array(member_count, _int)
    leaders = pa.array(leader_unit, _str)
    published_articles = pa.array(published, _date)
    published_records = pa.array(published_date, _date)
    member_parts, deputy_parts, goal_parts = _flat(members), _flat(deputies), _flat(goals)

    keys = _event_keys(types, years, provinces, blocs, event_dates, article_ids)
    event_ids = pa.array(map(short_hash, keys.to_pylist()), _str)
    stated = sum(
        _stated(column).to_numpy(zero_copy_only=False).astype(np.int32)
        for column in (
            event_dates,
            stated_years,
            stated_provinces,
            blocs_written,
            bloc_kinds,
            counts,
            leaders,
        )
    ) + sum(
        (part.lengths > 0).astype(np.int32) for part in (member_parts, deputy_parts, goal_parts)
    )
    rank_days = pc.coalesce(published_articles, published_records)
    sources = pa.Table.from_arrays(
        [
            event_ids,
            article_ids,
            keys,
            pa.array([a or r for a, r in zip(article_url, record_url, strict=True)], _str),
            _source_ranks(stated, rank_days, article_ids),
            types,
            event_dates,
            pc.coalesce(published_records, published_articles),
            years,
            provinces,
            pa.array(map2025, _str),
            blocs_written,
            blocs,
            bloc_kinds,
            counts,
            leaders,
            _given_or_folded(pa.array(norm_leader, _str), leaders, normalize_unit),
            pa.array([v or extractor_version for v in version], _str),
            pa.repeat(pa.scalar(extracted_at, _ts), len(reports)),
        ],
        schema=SOURCE_SCHEMA,
    )
    row_keys = pa.table({"event_id": event_ids, "article_id": article_ids})

    def part(
        flat: _Flat,
        given: Sequence[Sequence[str]] | None,
        fold: Callable[[str], str],
        schema: pa.Schema,
    ) -> pa.Table:
        names = pa.array(flat.values, _str)
        normalized = _normalized_names(flat, names, given, fold)
        return _part_table(flat, names, normalized, row_keys, schema)

    return (
        sources,
        part(member_parts, norm_members, normalize_unit, UNIT_PART_SCHEMA),
        part(deputy_parts, norm_deputies, normalize_unit, UNIT_PART_SCHEMA),
        part(goal_parts, None, normalize_phrase, GOAL_SCHEMA),
        _evidence_table(evidence, row_keys),
    )


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
