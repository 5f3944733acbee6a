"""Articles and their extracted events as Arrow tables, ready for one bulk insert each.

The loader never inserts row by row, and it does not build rows in Python either: a
batch becomes two typed Arrow tables made column by column (one pass over the
pydantic models per column, no per-row objects). One row per article, and one row per
reported event whose members, deputies, goals and evidence ride along as list columns
assembled from flat value arrays plus offsets. DuckDB then fans the lists out into
``event_members``, ``event_goals``, ``evidence`` … with ``unnest`` and derives the
event id and the source rank, in single ``INSERT … SELECT`` statements (see
``batch_write.BatchWriter``), where that work is vectorised.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import accumulate, chain
from operator import attrgetter, itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from isal import isal_zlib

from extract.models import Article, EventRecord
from extract.units import normalize_phrase, normalize_unit
from pipelines.event_keys import DATED_TYPES, short_hash

_str, _int, _bool, _date, _ts = pa.string(), pa.int32(), pa.bool_(), pa.date32(), pa.timestamp("us")
_names = pa.list_(_str)
_GZIP = 31  # zlib `wbits` for a gzip container
SLICE_ROWS = 4096
_START, _END, _TEXT = attrgetter("start"), attrgetter("end"), attrgetter("text")

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
        ("html_gz", pa.binary()),
        ("relevant_hint", _bool),
        ("relevant", _bool),
        ("extractor_version", _str),
        ("extracted_at", _ts),
        ("loaded_at", _ts),
    ]
)

# One row per relevant article's event: what `batch_write` turns into `event_sources`
# (adding `event_id` and `source_rank`, see `SOURCE_RANK_SQL`), then the lists it fans out.
SOURCE_SCHEMA = pa.schema(
    [
        ("article_id", _str),
        ("url", _str),
        ("stated_year", _int),  # the record's own year and province, for the rank
        ("stated_province", _str),
        ("rank_day", _date),  # when it was published
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
        ("members", _names),
        ("members_normalized", _names),
        ("deputies", _names),
        ("deputies_normalized", _names),
        ("goals", _names),
        ("goals_normalized", _names),
        # evidence spans as parallel lists (cheaper to build than a list of structs)
        ("evidence_field", _names),
        ("evidence_start", pa.list_(_int)),
        ("evidence_end", pa.list_(_int)),
        ("evidence_text", _names),
    ]
)
SOURCE_LIST_COLUMNS = frozenset(
    name
    for name, kind in zip(SOURCE_SCHEMA.names, SOURCE_SCHEMA.types, strict=True)
    if pa.types.is_list(kind)
)
# The incoming columns `event_sources` keeps as they are.
SOURCE_KEPT_COLUMNS = [
    name
    for name in SOURCE_SCHEMA.names
    if name not in SOURCE_LIST_COLUMNS and not name.startswith(("rank_", "stated_"))
]

# `event_keys.event_key` over the incoming columns (which hold its `year_of`,
# `province_of` and `bloc_key`), vectorised; tests hold the two to the same answers.
_DATED = ", ".join(f"'{t}'" for t in sorted(DATED_TYPES))
EVENT_KEY_SQL = f"""(CASE WHEN bloc_name_normalized IS NULL OR year IS NULL
    THEN event_type || '|article:' || article_id
    ELSE event_type || '|' || year::VARCHAR || '|' || coalesce(province, '') || '|'
         || bloc_name_normalized
         || CASE WHEN event_type IN ({_DATED})
                 THEN '|' || coalesce(strftime(event_date, '%Y-%m-%d'), '') ELSE '' END
    END)"""
# `event_keys.event_id`: the key's short sha1.
EVENT_ID_SQL = f"substr(sha1({EVENT_KEY_SQL}), 1, 16)"

# Sort key of a source within its event: the most complete report first. The event's
# fields are taken, field by field, from the best-ranked source that has them; ties go
# to the earliest report, then to the article id, so the result does not depend on the
# order articles were loaded in.
# "Complete" counts the contract fields the record states (empty text and lists don't).
SOURCE_RANK_SQL = """printf('%02d|%s|%s',
    99 - ((event_date IS NOT NULL)::INTEGER + (stated_year IS NOT NULL)::INTEGER
          + (coalesce(stated_province, '') <> '')::INTEGER
          + (coalesce(bloc_name, '') <> '')::INTEGER + (coalesce(bloc_kind, '') <> '')::INTEGER
          + (member_count IS NOT NULL)::INTEGER + (coalesce(leader_unit, '') <> '')::INTEGER
          + (len(members) > 0)::INTEGER + (len(deputies) > 0)::INTEGER
          + (len(goals) > 0)::INTEGER),
    strftime(coalesce(rank_day, DATE '9999-12-31'), '%Y-%m-%d'), article_id)"""


def canonical_url_of(article: Article) -> str:
    return article.canonical_url or article.url or f"article:{article.id}"


def article_id_of(article: Article) -> str:
    """Stable id from the canonical URL: one row per page however often it is crawled."""
    return short_hash(canonical_url_of(article))


def content_hash_of(article: Article) -> str | None:
    if article.content_hash:
        return article.content_hash
    body = article.text or article.html
    return hashlib.sha1(body.encode("utf-8")).hexdigest() if body else None


def compress_html(html: str | None) -> bytes | None:
    """gzip (mtime 0, so the same page always stores the same bytes), made by ISA-L.

    Every crawled page is stored, so compression sits on the load's critical path;
    ISA-L's level 1 compresses HTML as well as zlib's level 1 at several times its
    speed, and any gzip reader (``decompress_html``, DuckDB users, Parquet readers)
    reads it back.
    """
    return isal_zlib.compress(html.encode("utf-8"), 1, _GZIP) if html else None


def decompress_html(blob: bytes | None) -> str | None:
    return gzip.decompress(blob).decode("utf-8") if blob else None


def to_utc_naive(moment: datetime | None) -> datetime | None:
    """Timestamps are stored as naive UTC, so readers in any time zone agree."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _utc_naive_array(moments: list[datetime | None]) -> pa.Array:
    """`to_utc_naive` on a whole column: aware values converted, naive ones kept."""
    return pa.array(moments, pa.timestamp("us", tz="UTC")).cast(_ts)


def _list_array(lists: Sequence[Sequence[Any]], kind: pa.DataType) -> pa.ListArray:
    """A list column from per-row lists: one flat value array plus offsets."""
    offsets = pa.array(accumulate(map(len, lists), initial=0), pa.int32())
    return pa.ListArray.from_arrays(offsets, pa.array(chain.from_iterable(lists), kind))


def _normalized_lists(
    written: Sequence[Sequence[str]],
    given: Sequence[Sequence[str]] | None,
    fold: Callable[[str], str],
) -> pa.ListArray:
    """Per row, the extractor's normalised names when it gave one per name, else ours.

    Folding runs once per distinct name of the batch (a batch names the same few
    hundred units thousands of times).
    """
    flat = list(chain.from_iterable(written))
    folded = {name: fold(name) or None for name in set(flat)}
    keys = list(map(folded.__getitem__, flat))
    offsets = list(accumulate(map(len, written), initial=0))
    if given is not None:
        for row in [row for row, theirs in enumerate(given) if theirs]:
            theirs, start, end = given[row], offsets[row], offsets[row + 1]
            if len(theirs) == end - start and all(theirs):
                keys[start:end] = theirs
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(keys, _str))


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
        "html_gz": pa.array(list(map(compress_html, html)), pa.binary()),
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


def _evidence_columns(evidence: Sequence[dict[str, list[Any]]]) -> dict[str, pa.ListArray]:
    """The records' evidence spans as four parallel list columns (field, start, end,
    text), in each record's own order. Field names are repeated by Arrow, not Python."""
    groups = list(chain.from_iterable(map(dict.items, evidence)))  # (field, spans)
    names, per_field = (list(x) for x in zip(*groups, strict=True)) if groups else ([], [])
    span_offsets = pa.array(accumulate(map(len, per_field), initial=0), pa.int32())
    spans = list(chain.from_iterable(per_field))
    row_offsets = span_offsets.take(pa.array(accumulate(map(len, evidence), initial=0)))
    by_field = pa.ListArray.from_arrays(span_offsets, pa.nulls(len(spans)))
    fields = pa.array(names, _str).take(pc.list_parent_indices(by_field))

    def listed(values: pa.Array) -> pa.ListArray:
        return pa.ListArray.from_arrays(row_offsets, values)

    return {
        "evidence_field": listed(fields),
        "evidence_start": listed(pa.array(list(map(_START, spans)), _int)),
        "evidence_end": listed(pa.array(list(map(_END, spans)), _int)),
        "evidence_text": listed(pa.array(list(map(_TEXT, spans)), _str)),
    }


def source_table(
    reports: Sequence[tuple[Article, str, EventRecord]], *, extractor_version: str
) -> pa.Table:
    """One row per (article, relevant record): the event as that article reports it.

    Column by column over the batch; the per-record helpers of ``event_keys``
    (`bloc_key`, `province_of`, `year_of`) are inlined here, and the event key itself
    is assembled in SQL (`EVENT_KEY_SQL`), because at a hundred thousand records a
    function call per record and column is most of the load's Python time.
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

    def given_or_folded(given: Sequence[str | None], written: Sequence[str | None]) -> pa.Array:
        """The extractor's normalised name where it gave one, else the written one folded."""
        return pa.array(
            [
                g or (unit_key(w) if w else None) or None
                for g, w in zip(given, written, strict=True)
            ],
            _str,
        )

    columns = {
        "article_id": pa.array(ids, _str),
        "url": pa.array([a or r for a, r in zip(article_url, record_url, strict=True)], _str),
        "stated_year": pa.array(year, _int),
        "stated_province": pa.array(province, _str),
        "rank_day": pa.array(
            [a or r for a, r in zip(published, published_date, strict=True)], _date
        ),
        "event_type": pa.array([t or "other" for t in event_type], _str),
        "event_date": pa.array(event_date, _date),
        "published_date": pa.array(
            [r or a for a, r in zip(published, published_date, strict=True)], _date
        ),
        "year": pa.array(
            [
                y if y is not None else (d.year if d else None)
                for y, d in zip(year, event_date, strict=True)
            ],
            _int,
        ),
        "province": pa.array([n or p for n, p in zip(pre2025, province, strict=True)], _str),
        "province_2025": pa.array(map2025, _str),
        "bloc_name": pa.array(bloc_name, _str),
        "bloc_name_normalized": given_or_folded(norm_bloc, bloc_name),
        "bloc_kind": pa.array(bloc_kind, _str),
        "member_count": pa.array(member_count, _int),
        "leader_unit": pa.array(leader_unit, _str),
        "leader_unit_normalized": given_or_folded(norm_leader, leader_unit),
        "extractor_version": pa.array([v or extractor_version for v in version], _str),
        "members": _list_array(members, _str),
        "members_normalized": _normalized_lists(members, norm_members, normalize_unit),
        "deputies": _list_array(deputies, _str),
        "deputies_normalized": _normalized_lists(deputies, norm_deputies, normalize_unit),
        "goals": _list_array(goals, _str),
        "goals_normalized": _normalized_lists(goals, None, normalize_phrase),
        **_evidence_columns(evidence),
    }
    return pa.Table.from_pydict(columns, schema=SOURCE_SCHEMA)


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
) -> tuple[pa.Table, pa.Table]:
    """(articles, sources) of a batch; `records` by article id (`Article.id`)."""
    found = [records.get(article.id) for article in articles]
    relevant = [bool(record and record.relevant) for record in found]
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
    return (
        _in_slices(articles_table),
        _in_slices(source_table(reports, extractor_version=extractor_version)),
    )


def _in_slices(table: pa.Table, rows: int = SLICE_ROWS) -> pa.Table:
    """The same table as several record batches (zero-copy): DuckDB scans one batch
    per thread, so a single-chunk table would be inserted by one core."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=rows), table.schema)
