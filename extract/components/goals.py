"""What the bloc pledges: short items, one goal each, never a paragraph.

Goals live in sentences that announce a pledge or a direction ("với các nội dung:",
"phấn đấu", "quyết tâm", "tập trung vào", a speaker's "đề nghị …") and in the sentences
that continue them ("Trong đó, …", "Đồng thời, …"). Results of the past year are not
goals. Items are split on ";" (the enumeration mark of Vietnamese official prose),
quoted titles and movements become items of their own, and an over-long clause is cut
where a new goal verb starts.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import get, put
from extract.lexicon import LEX

_MAX_ITEM = 220
_MAX_GOALS = 25
_QUOTED = re.compile(r"[“\"]([^”\"\n]{6,200})[”\"]")
_COLON_AFTER_CUE = re.compile(r"^[^:]{0,80}:\s*")
_PROVINCE_SUBJECT = re.compile(r"(?i)\b(?:tỉnh|thành\s+phố)\s+[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)*\s+(?:phấn\s+đấu|quyết\s+tâm)")


def _passages(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the article that state goals."""
    body_start = doc._.layout.body_start
    out: list[tuple[int, int]] = []
    active = False
    for sent in doc.sents:
        if sent.end_char <= body_start:
            continue
        text = sent.text
        stripped = text.strip()
        if not stripped:
            continue
        lead = len(text) - len(text.lstrip())
        start = sent.start_char + lead
        cue = LEX["goal_cue"].search(text)
        if active and LEX["goal_continuation"].match(stripped):
            out.append((start, sent.end_char))
            continue
        active = False
        if not cue or _PROVINCE_SUBJECT.search(text):
            continue
        if LEX["goal_not"].search(text[: cue.start()]) and not LEX["goal_not"].search(
            text[cue.end() :]
        ):
            pass  # a past result before the cue does not spoil what follows it
        elif LEX["goal_not"].search(text):
            continue
        begin = sent.start_char + cue.start()
        colon = _COLON_AFTER_CUE.match(text[cue.start() :])
        if colon:
            begin = sent.start_char + cue.start() + colon.end()
        out.append((begin, sent.end_char))
        active = True
    return out


def _split(text: str, offset: int) -> list[tuple[int, int]]:
    items = []
    for m in re.finditer(r"[^;…]+", text):
        s, e = m.start(), m.end()
        chunk = text[s:e]
        if len(chunk) > _MAX_ITEM:
            cuts = [
                c.start()
                for c in re.finditer(r",\s+(?=" + LEX["goal_verb"].pattern + r")", chunk, re.I)
            ]
            bounds = [0, *[c for c in cuts if c > 0], len(chunk)]
            for a, b in zip(bounds, bounds[1:], strict=False):
                items.append((offset + s + a, offset + s + b))
        else:
            items.append((offset + s, offset + e))
    return items


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    lead = LEX["goal_lead_strip"].match(piece)
    while lead and lead.end() > 0:
        start += lead.end()
        piece = text[start:end]
        lead = LEX["goal_lead_strip"].match(piece)
    # Trim spaces and punctuation at both ends.
    while start < end and text[start] in " ,.:;-–—…\n\t/":
        start += 1
    while end > start and text[end - 1] in " ,.:;-–—…\n\t/":
        end -= 1
    if len(text[start:end].split()) < 3:
        return None
    return start, end


@Language.component("giaouoc_goals")
def goals_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    text = doc.text
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _passages(doc):
        passage = text[p_start:p_end]
        for s, e in _split(passage, p_start):
            cleaned = _clean(text, s, e)
            if cleaned:
                spans.append(cleaned)
        for q in _QUOTED.finditer(passage):
            s, e = p_start + q.start(1), p_start + q.end(1)
            if len(text[s:e].split()) >= 2:
                spans.append((s, e))
    seen: set[str] = set()
    items, evidence = [], []
    for s, e in sorted(spans):
        value = re.sub(r"\s+", " ", text[s:e]).strip()
        key = value.lower()
        if key in seen:
            continue
        seen.add(key)
        items.append(value)
        evidence.append((s, e))
        if len(items) >= _MAX_GOALS:
            break
    put(doc, "goals", items, evidence)
    return doc
