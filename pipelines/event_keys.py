"""Which articles report the same event: the event key.

Several articles (the province portal, the newspaper, the leading agency's own site)
report one signing. They share the bloc, the emulation year and the kind of event, so
those, with the province, identify the event:

    signing | launch          type | year | province | normalised bloc name
    review  | other           type | year | province | normalised bloc name | event date

A bloc signs its pledge and launches its movement once a year, but reviews (sơ kết at
mid-year, tổng kết at year end) and other activities happen several times, so for
those the event date is part of the key. When the bloc or the year is unknown the
article cannot be matched safely and its event stands alone (keyed by the article).
The key is a readable string; ``event_id`` is its short hash.
"""

from __future__ import annotations

import hashlib

from extract.models import EventRecord
from extract.units import normalize_unit

DATED_TYPES = frozenset({"review", "other"})


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def bloc_key(record: EventRecord) -> str | None:
    name = record.normalized.bloc_name or (
        normalize_unit(record.bloc_name) if record.bloc_name else None
    )
    return name or None


def province_of(record: EventRecord) -> str | None:
    return record.normalized.province.pre2025 or record.province


def year_of(record: EventRecord) -> int | None:
    if record.year is not None:
        return record.year
    return record.event_date.year if record.event_date else None


def event_key(record: EventRecord, article_id: str) -> str:
    """The event a relevant record belongs to (see the module docstring)."""
    event_type = record.event_type or "other"
    bloc, year = bloc_key(record), year_of(record)
    if bloc is None or year is None:
        return f"{event_type}|article:{article_id}"
    parts = [event_type, str(year), province_of(record) or "", bloc]
    if event_type in DATED_TYPES:
        parts.append(record.event_date.isoformat() if record.event_date else "")
    return "|".join(parts)


def event_id(key: str) -> str:
    return short_hash(key)
