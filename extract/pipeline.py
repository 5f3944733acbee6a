"""Article → EventRecord: the spaCy pipeline of field components, and the record it yields.

The pipeline runs over one Doc (built by `extract.nlp` from underthesea's sentences and
words); components run in dependency order — layout first (headline, dates of the page),
then the event and its year, the day, the bloc, its roles and members, the province,
the goals — each writing `doc._.fields`. The record is assembled from those fields, so
each value arrives with the spans of text that support it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

import extract.components.bloc
import extract.components.event
import extract.components.goals
import extract.components.layout
import extract.components.members
import extract.components.place
import extract.components.roles
import extract.components.when  # noqa: F401  (registers the components)
from extract import admin, nlp
from extract.components.layout import story_text
from extract.models import Article, EventRecord, Normalized, ProvinceNames, Span
from extract.page import parse_page
from extract.units import normalize_unit

EXTRACTOR_VERSION = "0.5.14"

COMPONENTS = [
    "giaouoc_layout",
    "giaouoc_event",
    "giaouoc_event_date",
    "giaouoc_bloc",
    "giaouoc_roles",
    "giaouoc_members",
    "giaouoc_place",
    "giaouoc_goals",
]


def build_pipeline() -> Language:
    pipeline = nlp.blank_vietnamese()
    for name in COMPONENTS:
        if name not in pipeline.pipe_names:
            pipeline.add_pipe(name)
    return pipeline


def article_text(article: Article) -> str:
    """The plain text extraction reads: the given text, or the main text of the page."""
    if article.text is not None:
        return article.text
    if article.html:
        return parse_page(article.html, article.url).article_text
    return ""


class Extractor:
    """Reusable extractor: builds the pipeline once, then one record per article."""

    version = EXTRACTOR_VERSION

    def __init__(self) -> None:
        self.nlp = build_pipeline()

    def extract(self, article: Article) -> EventRecord:
        raw = article_text(article)
        text = nlp.clean_text(raw)
        text = story_text(text)  # offsets stay those of the article
        doc = nlp.make_doc(text)
        doc._.article = article
        doc._.fields = {}
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        # Cleaning keeps offsets; evidence quotes the article's own characters when it can.
        head = raw[: len(text)]
        source = head if unicodedata.is_normalized("NFC", head) else text
        return self._record(article, doc, source)

    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]:
        for article in articles:
            yield self.extract(article)

    def _record(self, article: Article, doc: Doc, source: str) -> EventRecord:
        fields: dict[str, Any] = {"id": article.id, "url": article.url}
        evidence: dict[str, list[Span]] = {}
        relevant = bool(doc._.fields.get("relevant") and doc._.fields["relevant"].value)
        fields["relevant"] = relevant
        if relevant:
            for name, found in doc._.fields.items():
                if name == "relevant":
                    continue
                fields[name] = _tidy(found.value)
                spans = [Span(start=s, end=e, text=source[s:e]) for s, e in found.spans]
                if spans:
                    evidence[name] = spans
        record = EventRecord(**fields, evidence=evidence, extractor_version=EXTRACTOR_VERSION)
        record.normalized = _normalized(record)
        return record


def _tidy(value: Any) -> Any:
    """A value with each run of whitespace one space: the text it is cut from keeps the
    article's offsets, so a line break or an unescaped entity's padding may sit inside."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [" ".join(v.split()) if isinstance(v, str) else v for v in value]
    return value


def _normalized(record: EventRecord) -> Normalized:
    return Normalized(
        province=ProvinceNames(pre2025=record.province, map2025=admin.to_2025(record.province)),
        bloc_name=normalize_unit(record.bloc_name) if record.bloc_name else None,
        leader_unit=normalize_unit(record.leader_unit) if record.leader_unit else None,
        members=[normalize_unit(m) for m in record.members],
        deputy_units=[normalize_unit(d) for d in record.deputy_units],
    )
