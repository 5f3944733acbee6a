"""What every table and column means and where its value comes from.

One place for the data dictionary: the export's dataset card is written from it, and
a test checks that every column of the live schema is described here.
Each column: (meaning, provenance) — provenance is the stage that produced it:
``crawler`` (what the page said), ``extractor`` (what NLP read from the text),
``loader`` (computed when stored) or ``merged`` (chosen among an event's sources).
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    meaning: str
    provenance: str


class Table(NamedTuple):
    description: str
    columns: dict[str, Column]


_EVENT_KEY = "the event this row belongs to (`events.event_id`)"
_ARTICLE_KEY = "the article that stated it (`articles.article_id`)"

TABLES: dict[str, Table] = {
    "articles": Table(
        "One row per page (canonical URL) the crawler stored, relevant or not.",
        {
            "article_id": Column("short hash of the canonical URL; the row's key", "loader"),
            "source_id": Column("the crawler's own id of the article", "crawler"),
            "canonical_url": Column("the page's canonical URL", "crawler"),
            "url": Column("the URL the page was fetched from", "crawler"),
            "site": Column("source name from sources.yaml", "crawler"),
            "source_province": Column("province of the source site, if any", "crawler"),
            "title": Column("article title", "crawler"),
            "author": Column("byline, where the page shows one", "crawler"),
            "published": Column("publication date found on the page", "crawler"),
            "fetched_at": Column("when the page was fetched (UTC)", "crawler"),
            "http_status": Column("HTTP status of the fetch", "crawler"),
            "content_hash": Column("sha1 of the plain text; equal text, equal hash", "crawler"),
            "text": Column("the article's plain text, as extraction read it", "crawler"),
            "html": Column("the raw page as fetched (Parquet only; not in CSV/JSONL)", "crawler"),
            "relevant_hint": Column("the crawler's keyword pre-filter verdict", "crawler"),
            "relevant": Column("whether extraction found a bloc/pledge event", "extractor"),
            "extractor_version": Column("version of the extractor that last read it", "loader"),
            "extracted_at": Column("when it was last extracted (UTC)", "loader"),
            "loaded_at": Column("when the row was last written (UTC)", "loader"),
        },
    ),
    "events": Table(
        "One row per event; several articles reporting one event make one row "
        "(key: type, year, province, normalised bloc; plus the date for reviews/other).",
        {
            "event_id": Column("short hash of `event_key`; the row's key", "loader"),
            "event_key": Column("type|year|province|bloc[|date], or type|article:<id>", "loader"),
            "event_type": Column("signing, launch, review or other", "merged"),
            "event_date": Column("the day the event took place", "merged"),
            "year": Column("the emulation year the event is about", "merged"),
            "province": Column("province, pre-2025 name (63-province map)", "merged"),
            "province_2025": Column("province after the 1 July 2025 merger", "merged"),
            "bloc_name": Column("bloc or cluster name as written", "merged"),
            "bloc_name_normalized": Column("bloc name folded for matching", "merged"),
            "bloc_kind": Column("khối or cụm", "merged"),
            "member_count": Column("number of member units the article states", "merged"),
            "leader_unit": Column("unit leading the bloc that year, as written", "merged"),
            "leader_unit_normalized": Column("leader unit's key (`units.unit_key`)", "merged"),
            "source_count": Column("how many articles report the event", "loader"),
            "first_reported": Column("earliest publication date among its sources", "loader"),
            "extractor_version": Column("extractor version of its best source", "merged"),
            "extracted_at": Column("latest extraction time among its sources (UTC)", "loader"),
        },
    ),
    "event_sources": Table(
        "What each article said about its event: one row per (event, article). "
        "`events` takes each field from the best-ranked source that states it.",
        {
            "event_id": Column(_EVENT_KEY, "loader"),
            "article_id": Column(_ARTICLE_KEY, "loader"),
            "event_key": Column("the event key computed from this article", "loader"),
            "url": Column("the article's URL", "crawler"),
            "source_rank": Column(
                "sort key, best first: fields filled, publication day, article id", "loader"
            ),
            "event_type": Column("event type read from this article", "extractor"),
            "event_date": Column("event date read from this article", "extractor"),
            "published_date": Column("publication date read from this article", "extractor"),
            "year": Column("emulation year read from this article", "extractor"),
            "province": Column("province (pre-2025) read from this article", "extractor"),
            "province_2025": Column("province (2025 map) read from this article", "extractor"),
            "bloc_name": Column("bloc name as this article writes it", "extractor"),
            "bloc_name_normalized": Column("bloc name folded for matching", "extractor"),
            "bloc_kind": Column("khối or cụm", "extractor"),
            "member_count": Column("member count this article states", "extractor"),
            "leader_unit": Column("leader unit as this article writes it", "extractor"),
            "leader_unit_normalized": Column("leader unit's key", "extractor"),
            "extractor_version": Column("extractor version that read this article", "loader"),
            "extracted_at": Column("when this article was extracted (UTC)", "loader"),
        },
    ),
    "event_members": Table(
        "Member units of an event, as each source article lists them.",
        {
            "event_id": Column(_EVENT_KEY, "loader"),
            "article_id": Column(_ARTICLE_KEY, "loader"),
            "position": Column("0-based position in the article's list", "extractor"),
            "name": Column("unit name as written", "extractor"),
            "normalized": Column("unit key (`units.unit_key`)", "extractor"),
        },
    ),
    "event_deputies": Table(
        "Deputy leaders (khối phó, cụm phó) of an event, per source article.",
        {
            "event_id": Column(_EVENT_KEY, "loader"),
            "article_id": Column(_ARTICLE_KEY, "loader"),
            "position": Column("0-based position in the article's list", "extractor"),
            "name": Column("unit name as written", "extractor"),
            "normalized": Column("unit key (`units.unit_key`)", "extractor"),
        },
    ),
    "event_goals": Table(
        "The pledge's goals and contents, one short item each, per source article.",
        {
            "event_id": Column(_EVENT_KEY, "loader"),
            "article_id": Column(_ARTICLE_KEY, "loader"),
            "position": Column("0-based position in the article's list", "extractor"),
            "goal": Column("the goal as written", "extractor"),
            "goal_normalized": Column(
                "the goal folded (case, punctuation, abbreviations)", "loader"
            ),
        },
    ),
    "evidence": Table(
        "Character spans of the article text that support each extracted field.",
        {
            "event_id": Column(_EVENT_KEY, "loader"),
            "article_id": Column(_ARTICLE_KEY + "; offsets index its `text`", "loader"),
            "field": Column("the field the span supports (event_date, members, …)", "extractor"),
            "start_char": Column("start offset in `articles.text` (0-based)", "extractor"),
            "end_char": Column("end offset in `articles.text` (exclusive)", "extractor"),
            "text": Column("the span's text", "extractor"),
        },
    ),
    "units": Table(
        "Units (agencies) known by their normalised name: abbreviations expanded, "
        "case, punctuation and the trailing province folded.",
        {
            "unit_key": Column("normalised name; the row's key", "loader"),
            "display_name": Column("one written form (the alphabetically first alias)", "loader"),
            "first_seen": Column("when the unit was first loaded (UTC)", "loader"),
        },
    ),
    "unit_aliases": Table(
        "Every written form of a unit name seen in articles.",
        {
            "alias": Column("a unit name as written (whitespace folded)", "extractor"),
            "unit_key": Column("the unit it denotes (`units.unit_key`)", "loader"),
        },
    ),
    "crawl_runs": Table(
        "One row per crawl, load or end-to-end run, with its counts and errors.",
        {
            "run_id": Column("run identifier", "crawler"),
            "kind": Column("crawl, load, run or demo", "loader"),
            "site": Column("sources crawled, comma-separated", "crawler"),
            "started_at": Column("start time (UTC)", "crawler"),
            "finished_at": Column("end time (UTC)", "crawler"),
            "pages": Column("pages fetched", "crawler"),
            "articles": Column("articles stored", "crawler"),
            "relevant_articles": Column(
                "relevant articles (crawl rows: the pre-filter's count; run/demo/load rows:"
                " the extractor's)",
                "crawler/loader",
            ),
            "events": Column("events touched by the run's load", "loader"),
            "errors": Column("number of errors", "crawler"),
            "errors_by_kind": Column("errors by kind, JSON object", "crawler"),
            "details": Column("the full run summary, JSON", "crawler"),
        },
    ),
}
