"""The records that flow through giaouoc: page → Article → EventRecord → tables.

`Article` is what the crawler produces and what extraction reads; `EventRecord` is the
extraction contract of ``../shared/eval/SCHEMA.md`` plus evidence and provenance. Both
are pydantic models so every stage validates what it receives instead of trusting it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

EventType = Literal["signing", "launch", "review", "other"]
BlocKind = Literal["khối", "cụm"]


class Article(BaseModel):
    """One news article, with the provenance the crawler saw it with.

    Only ``id`` and one of ``text`` / ``html`` are needed for extraction; the rest is
    filled by the crawler and kept so that every event can be traced to its page.
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None  # source name from sources.yaml
    source_province: str | None = None  # province of the source site, if any
    title: str | None = None
    author: str | None = None
    published: date | None = None  # as found by the page parser (metadata / htmldate)
    fetched_at: datetime | None = None
    http_status: int | None = None
    content_hash: str | None = None  # sha1 of the plain text
    text: str | None = None
    html: str | None = None  # raw page; the store keeps it compressed
    relevant_hint: bool | None = None  # the crawler's cheap keyword pre-filter


class Span(NamedTuple):
    """A character span of the article's plain text that supports a field.

    A named tuple rather than a model: an article has a dozen or more, a load turns
    millions of them into Arrow rows, and Arrow reads tuples in one pass of its own. In
    JSON a span is the object the contract shows (`EvidenceSpan`)."""

    start: int
    end: int
    text: str


def _span_object(span: Span) -> dict[str, int | str]:
    return {"start": span.start, "end": span.end, "text": span.text}


# validated from an object or an array, written as an object
EvidenceSpan = Annotated[Span, PlainSerializer(_span_object)]


class ProvinceNames(BaseModel):
    pre2025: str | None = None  # 63-province map, as SCHEMA.md wants it
    map2025: str | None = Field(default=None, alias="2025")  # 34-province map

    model_config = ConfigDict(populate_by_name=True)


class Normalized(BaseModel):
    """Unit names folded for joining across articles and years (abbreviations expanded)."""

    province: ProvinceNames = Field(default_factory=ProvinceNames)
    bloc_name: str | None = None
    leader_unit: str | None = None
    members: list[str] = Field(default_factory=list)
    deputy_units: list[str] = Field(default_factory=list)


class EventRecord(BaseModel):
    """One article's event, in the shape of the extraction contract."""

    id: str
    relevant: bool = False
    event_type: EventType | None = None
    event_date: date | None = None
    published_date: date | None = None
    year: int | None = None
    province: str | None = None
    bloc_name: str | None = None
    bloc_kind: BlocKind | None = None
    member_count: int | None = None
    members: list[str] = Field(default_factory=list)
    leader_unit: str | None = None
    deputy_units: list[str] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    evidence: dict[str, list[EvidenceSpan]] = Field(default_factory=dict)
    normalized: Normalized = Field(default_factory=Normalized)
    url: str | None = None
    extractor_version: str = ""

    def to_json_dict(self) -> dict:
        """The JSONL form: dates as ISO strings, the 2025 province under its key."""
        return self.model_dump(mode="json", by_alias=True)
