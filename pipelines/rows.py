"""Articles and their extracted events as Arrow tables, ready for one bulk insert each.

The loader never inserts row by row. A batch becomes two typed Arrow tables: one row
per article, and one row per reported event whose members, deputies, goals and
evidence ride along as list columns. DuckDB then fans the lists out into
``event_members``, ``event_goals``, ``evidence`` … with ``unnest`` in single
``INSERT … SELECT`` statements (see ``loader.write_tables``), which keeps the Python
side to a few appends per article.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pyarrow as pa

from extract.models import Article, EventRecord
from extract.units import normalize_phrase, normalize_unit
from pipelines.event_keys import bloc_key, event_id, event_key, province_of, short_hash, year_of

_str, _int, _bool, _date, _ts = pa.string(), pa.int32(), pa.bool_(), pa.date32(), pa.timestamp("us")
_names = pa.list_(_str)
_span = pa.struct([("field", _str), ("start_char", _int), ("end_char", _int), ("text", _str)])

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

# `event_sources` columns, then the lists that `write_tables` fans out.
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
    """gzip with a fixed mtime, so the same page always stores the same bytes.

    Level 6 (zlib's default) rather than gzip's 9: nearly the same size on HTML at a
    fraction of the time, which matters when a load stores every crawled page.
    """
    return gzip.compress(html.encode("utf-8"), compresslevel=6, mtime=0) if html else None


def decompress_html(blob: bytes | None) -> str | None:
    return gzip.decompress(blob).decode("utf-8") if blob else None


def to_utc_naive(moment: datetime | None) -> datetime | None:
    """Timestamps are stored as naive UTC, so readers in any time zone agree."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _source_rank(record: EventRecord, published: date | None, article_id: str) -> str:
    """Sort key of a source within its event: the most complete report first.

    The event's fields are taken, field by field, from the best-ranked source that has
    them; ties go to the earliest report, then to the article id, so the result does
    not depend on the order articles were loaded in.
    """
    filled = sum(
        value not in (None, [], "")
        for value in (
            record.event_date,
            record.year,
            record.province,
            record.bloc_name,
            record.bloc_kind,
            record.member_count,
            record.leader_unit,
            record.members,
            record.deputy_units,
            record.goals,
        )
    )
    day = (published or record.published_date or date.max).isoformat()
    return f"{99 - filled:02d}|{day}|{article_id}"


def _keys(written: list[str], given: list[str], fold: Callable[[str], str]) -> list[str | None]:
    """The extractor's normalised names when it gave one per name, else ours."""
    if len(given) == len(written) and all(given):
        return list(given)
    return [fold(name) or None for name in written]


@dataclass
class BatchRows:
    """Column lists of one batch: appended to article by article, then made Arrow."""

    articles: dict[str, list] = field(
        default_factory=lambda: {name: [] for name in ARTICLE_SCHEMA.names}
    )
    sources: dict[str, list] = field(
        default_factory=lambda: {name: [] for name in SOURCE_SCHEMA.names}
    )

    def add(
        self,
        article: Article,
        record: EventRecord | None,
        *,
        extractor_version: str,
        extracted_at: datetime,
        loaded_at: datetime,
    ) -> None:
        """Add one article and, when it is relevant, the event it reports."""
        article_id = article_id_of(article)
        relevant = bool(record and record.relevant)
        a = self.articles
        a["article_id"].append(article_id)
        a["source_id"].append(article.id)
        a["canonical_url"].append(canonical_url_of(article))
        a["url"].append(article.url)
        a["site"].append(article.site)
        a["source_province"].append(article.source_province)
        a["title"].append(article.title)
        a["author"].append(article.author)
        a["published"].append(article.published)
        a["fetched_at"].append(to_utc_naive(article.fetched_at))
        a["http_status"].append(article.http_status)
        a["content_hash"].append(content_hash_of(article))
        a["text"].append(article.text)
        a["html_gz"].append(compress_html(article.html))
        a["relevant_hint"].append(article.relevant_hint)
        a["relevant"].append(relevant)
        a["extractor_version"].append(extractor_version)
        a["extracted_at"].append(extracted_at)
        a["loaded_at"].append(loaded_at)
        if record is not None and relevant:
            self._add_source(article, article_id, record, extractor_version, extracted_at)

    def _add_source(
        self,
        article: Article,
        article_id: str,
        record: EventRecord,
        extractor_version: str,
        extracted_at: datetime,
    ) -> None:
        norm = record.normalized
        key = event_key(record, article_id)
        leader_key = norm.leader_unit or (
            normalize_unit(record.leader_unit) if record.leader_unit else None
        )
        s = self.sources
        s["event_id"].append(event_id(key))
        s["article_id"].append(article_id)
        s["event_key"].append(key)
        s["url"].append(article.url or record.url)
        s["source_rank"].append(_source_rank(record, article.published, article_id))
        s["event_type"].append(record.event_type or "other")
        s["event_date"].append(record.event_date)
        s["published_date"].append(record.published_date or article.published)
        s["year"].append(year_of(record))
        s["province"].append(province_of(record))
        s["province_2025"].append(norm.province.map2025)
        s["bloc_name"].append(record.bloc_name)
        s["bloc_name_normalized"].append(bloc_key(record))
        s["bloc_kind"].append(record.bloc_kind)
        s["member_count"].append(record.member_count)
        s["leader_unit"].append(record.leader_unit)
        s["leader_unit_normalized"].append(leader_key or None)
        s["extractor_version"].append(record.extractor_version or extractor_version)
        s["extracted_at"].append(extracted_at)
        s["members"].append(record.members)
        s["members_normalized"].append(_keys(record.members, norm.members, normalize_unit))
        s["deputies"].append(record.deputy_units)
        s["deputies_normalized"].append(
            _keys(record.deputy_units, norm.deputy_units, normalize_unit)
        )
        s["goals"].append(record.goals)
        s["goals_normalized"].append(_keys(record.goals, [], normalize_phrase))
        spans = [(name, sp) for name, group in sorted(record.evidence.items()) for sp in group]
        s["evidence_field"].append([name for name, _ in spans])
        s["evidence_start"].append([sp.start for _, sp in spans])
        s["evidence_end"].append([sp.end for _, sp in spans])
        s["evidence_text"].append([sp.text for _, sp in spans])

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """(articles, sources) as typed Arrow tables."""
        return (
            pa.Table.from_pydict(self.articles, schema=ARTICLE_SCHEMA),
            pa.Table.from_pydict(self.sources, schema=SOURCE_SCHEMA),
        )
