"""The day the event took place.

Reporters open the story with it ("Chiều 15/3, tại …"; long reports may only date the
meeting further down: "Hội nghị diễn ra chiều 14/3 …"), usually without a year, which
comes from the publication date (a day after publication belongs to the year before,
unless the event "sẽ diễn ra"), or — on a repost years later or with no publication
date — from the emulation year the article is about (GUIDE.md, Dates).
"""

from __future__ import annotations

from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import Sentence, get, put, sentences, text_of
from extract.components.layout import is_date_line
from extract.dates import DateMatch, inline_dates, relative_day, sentence_date
from extract.lexicon import LEX

_LEAD_SENTENCES = 4


def _candidate(doc: Doc) -> DateMatch | None:
    # A page's date line below a lead (title, lead, date) is the publication, not the event.
    body = [
        s
        for s in sentences(doc)
        if s.start_char >= doc._.layout.body_start and s.text.strip() and not is_date_line(s.text)
    ]
    title = doc._.layout.title
    sents = body[:_LEAD_SENTENCES]
    for sent in sents:
        found = sentence_date(sent.text, sent.start_char) or _relative(doc, sent)
        if found:
            return found
    for sent in sents:
        found = inline_dates(sent.text, sent.start_char)
        if found:
            return found[0]
    if title:  # a headline like "Ngày 15/3: Khối … ký giao ước"
        found = sentence_date(text_of(doc)[title[0] : title[1]], title[0])
        if found:
            return found
    for sent in body[_LEAD_SENTENCES:]:  # a long report dating the meeting further down
        if LEX["event_sentence"].search(sent.text) and not LEX["future"].search(sent.text):
            found = inline_dates(sent.text, sent.start_char)
            if found:
                return found[0]
    return None


def _relative(doc: Doc, sent: Sentence) -> DateMatch | None:
    """The day "Chiều hôm qua, …" names in a paper dated 15/3: the 14th (none undated)."""
    published = doc._.layout.published
    found = relative_day(sent.text, sent.start_char) if published else None
    if not found:
        return None
    back, start, end = found
    day = published.value - timedelta(days=back)
    return DateMatch(start, end, day.day, day.month, day.year)


def resolve_year(found: DateMatch, doc: Doc) -> date | None:
    if found.year:
        return found.resolve(found.year)
    published = doc._.layout.published
    emulation_year = get(doc, "year")
    kind = get(doc, "event_type")
    if published:
        day = found.resolve(published.value.year)
        if day and day > published.value and not LEX["future"].search(text_of(doc)):
            day = found.resolve(published.value.year - 1)
        if day and emulation_year and abs(day.year - emulation_year) >= 2:
            day = found.resolve(emulation_year)  # a repost: the text plainly concerns then
        return day
    if not emulation_year:
        return None
    year = emulation_year
    if kind == "review" and found.month <= 3 and "6 tháng" not in text_of(doc):
        year += 1  # a year's review is held early the next year
    elif kind in ("signing", "launch") and found.month == 12:
        year -= 1  # next year's pledge signed in December
    return found.resolve(year)


@Language.component("giaouoc_event_date")
def event_date_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    found = _candidate(doc)
    if found:
        put(doc, "event_date", resolve_year(found, doc), [(found.start, found.end)])
    return doc
