"""Is the article about a bloc's event (or an agency's own pledge or launch), and which?

GUIDE.md decides by the article's *main subject*: the headline and lead say what the
story is; "thi đua" in passing, honours, and administrative acts about blocs are not
events. Signing wins over launch and review; otherwise the headline's cue, then the
lead's, decides between review and launch.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import put, sentence_end, sentence_start, sentences, text_of
from extract.lexicon import LEX

_YEAR = r"((?:19|20)\d\d)"
_YEAR_AFTER = {
    "signing": re.compile(
        r"giao\s+ước(?:\s+thi\s+đua)?[^.\n;]{0,70}?(?:năm(?:\s+học)?|giai\s+đoạn)\s+" + _YEAR,
        re.I,
    ),
    "review": re.compile(
        r"(?:sơ\s+kết|tổng\s+kết|đánh\s+giá|bình\s+xét)[^.\n;]{0,90}?năm(?:\s+học)?\s+" + _YEAR,
        re.I,
    ),
    "launch": re.compile(
        r"phát\s+động[^.\n;]{0,80}?(?:năm(?:\s+học)?|giai\s+đoạn)\s+" + _YEAR, re.I
    ),
}
_FORWARD = re.compile(r"nhiệm\s+vụ|phương\s+hướng|triển\s+khai|chỉ\s+tiêu|kế\s+hoạch|đề\s+ra", re.I)
_ANY_YEAR = re.compile(r"(?<![\d/.-])" + _YEAR + r"(?![\d/]|-\d)")


# A sentence that goes back to an earlier event of the story's bloc.
_EARLIER = re.compile(r"(?i)\s*(?:trước\s+đó|trước\s+đây|hồi\s+(?:đầu\s+năm|tháng))\b")


def signing_spans(text: str) -> list[tuple[int, int]]:
    """Places where the pledge is signed, not merely referred to."""
    out = []
    blocs: bool | None = None  # whether the text names a bloc or a bloc role: asked once
    for m in LEX["signing"].finditer(text):
        before = text[max(0, m.start() - 40) : m.end()]
        if LEX["signing_not"].search(before) or any(
            LEX[k].match(text, m.end()) for k in ("signing_deadline", "signing_future")
        ):
            continue
        sentence = _sentence_around(text, m.start(), m.end())
        if _EARLIER.match(sentence):
            continue  # "Trước đó, ngày 25/1, … đã ký kết giao ước …": an earlier event
        if not LEX["emulation"].search(sentence):
            if blocs is None:
                blocs = bool(LEX["bloc_mention"].search(text) or LEX["role_mention"].search(text))
            if not blocs:
                continue  # "ký giao ước" between two friends: a pact, not an emulation pledge
        out.append((m.start(), m.end()))
    return out


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding text[start:end]."""
    return text[sentence_start(text, start) : sentence_end(text, end)]


_SENTENCE_WORDS = 6  # shorter lines under a headline are page furniture, not the lead


def _lead(doc: Doc) -> tuple[str, int]:
    """The headline plus the first two body sentences: where the main subject is said."""
    layout = doc._.layout
    sents = [
        s
        for s in sentences(doc)
        if s.start_char >= layout.body_start and len(s.text.split()) >= _SENTENCE_WORDS
    ]
    end = sents[min(1, len(sents) - 1)].end_char if sents else len(text_of(doc))
    start = layout.title[0] if layout.title else layout.body_start
    return text_of(doc)[start:end], start


def _title(doc: Doc) -> str:
    t = doc._.layout.title
    return text_of(doc)[t[0] : t[1]] if t else ""


_GENERIC_BEFORE = re.compile(r"(?i)(?:\bcác|\bnhững|\d)\s+(?:khối\s*,\s*)?$")


def _named_blocs(text: str) -> int:
    """Mentions of one bloc; "các khối, cụm thi đua" (a training for all of them, a
    province's decision) names none, so it makes no article a bloc's event."""
    return sum(
        1
        for m in LEX["bloc_mention"].finditer(text)
        if not _GENERIC_BEFORE.search(text[max(0, m.start() - 20) : m.start()])
    )


def _is_relevant(doc: Doc, signings: list[tuple[int, int]]) -> bool:
    text = text_of(doc)
    title = _title(doc)
    lead, _ = _lead(doc)
    if not LEX["emulation"].search(text) and not LEX["role_mention"].search(text):
        return False
    if LEX["document_title"].match(title):
        return False  # "Hướng dẫn tổ chức hoạt động của các khối, cụm thi đua năm 2025"
    blocs = _named_blocs(text) + len(LEX["role_mention"].findall(text))
    title_blocs = LEX["bloc_mention"].search(title) or LEX["role_mention"].search(title)
    not_event = LEX["not_event_title"].search(title or lead[:200])
    admin_act = LEX["admin_act"].search(lead)
    title_event = any(LEX[k].search(title) for k in ("signing", "review", "launch", "meeting"))
    if title and not_event and not title_event:
        return False  # the headline is about an honour, a congress or a decision
    if signings and not (not_event and not title_blocs and not LEX["signing"].search(title)):
        return True
    if not_event and not title_blocs:
        return False
    if blocs and admin_act and not LEX["meeting"].search(lead):
        return False
    event_cue = (
        LEX["review"].search(lead) or LEX["launch"].search(lead) or LEX["meeting"].search(lead)
    )
    # Under a headline, the bloc is the story's subject only when the headline or lead
    # names it: an agency's anniversary that mentions in passing that it leads its bloc
    # is not. (A text cut from its page, with no headline, may name it later.)
    subject = not title or title_blocs or _named_blocs(lead) or LEX["role_mention"].search(lead)
    if blocs and subject and event_cue and not (admin_act and LEX["not_event_title"].search(lead)):
        return True
    launch = LEX["launch"].search(title) or LEX["launch"].search(lead)
    return bool(launch and LEX["emulation"].search(lead) and not admin_act)


def _event_type(doc: Doc, signings: list[tuple[int, int]]) -> tuple[str, tuple[int, int] | None]:
    if signings:
        return "signing", signings[0]
    text = text_of(doc)
    title = _title(doc)
    lead, lead_start = _lead(doc)
    activity = LEX["other_activity"].search(title)
    if activity and not (LEX["review"].search(title) or LEX["launch"].search(title)):
        # "Khối … kiểm tra chéo …": neither a review nor a launch, whatever follows
        offset = doc._.layout.title[0]
        return "other", (offset + activity.start(), offset + activity.end())
    for region, offset in ((title, doc._.layout.title[0] if title else 0), (lead, lead_start)):
        cues = [
            (m.start(), kind, m)
            for kind in ("review", "launch")
            for m in [LEX[kind].search(region)]
            if m
        ]
        if cues:
            _, kind, m = min(cues, key=lambda c: c[0])
            return kind, (offset + m.start(), offset + m.end())
    counts = Counter(
        {kind: len(LEX[kind].findall(text)) for kind in ("review", "launch")}
    ).most_common()
    if counts and counts[0][1]:
        kind = counts[0][0]
        m = LEX[kind].search(text)
        return kind, (m.start(), m.end()) if m else None
    return "other", None


def _year(doc: Doc, event_type: str) -> tuple[int | None, tuple[int, int] | None]:
    text = text_of(doc)
    body_start = doc._.layout.body_start
    pattern = _YEAR_AFTER.get(event_type)
    if pattern:
        # The headline states the year best; otherwise the first cue in the body.
        for m in pattern.finditer(text):
            if _FORWARD.search(m.group(0)):
                continue  # "đánh giá … và đề ra nhiệm vụ năm 2024": the year ahead
            return int(m.group(1)), m.span(1)
    years = [
        (int(m.group(1)), m.span(1))
        for m in _ANY_YEAR.finditer(text, body_start)
        if 1990 <= int(m.group(1)) <= 2035
    ]
    title = doc._.layout.title
    if title:
        in_title = [y for y in years if title[0] <= y[1][0] < title[1]]
        in_title += [
            (int(m.group(1)), m.span(1)) for m in _ANY_YEAR.finditer(text, title[0], title[1])
        ]
        if in_title:
            return in_title[0]
    if not years:
        return None, None
    published = doc._.layout.published
    if published:
        near = [y for y in years if published.value.year - 1 <= y[0] <= published.value.year]
        years = near or years
    # A review looks back (the smaller year); a pledge or launch looks ahead.
    pick = min if event_type == "review" else max
    common = Counter(y for y, _ in years).most_common()
    top = [y for y, c in common if c == common[0][1]]
    chosen = pick(top)
    return chosen, next(span for y, span in years if y == chosen)


@Language.component("giaouoc_event")
def event_component(doc: Doc) -> Doc:
    signings = signing_spans(text_of(doc))
    relevant = _is_relevant(doc, signings)
    put(doc, "relevant", relevant)
    if not relevant:
        return doc
    kind, span = _event_type(doc, signings)
    put(doc, "event_type", kind, [span] if span else [])
    year, yspan = _year(doc, kind)
    published = doc._.layout.published
    if year is None and kind != "review" and published:
        # A sports day or a launch "chào mừng Quốc khánh" names no year: it concerns the
        # year it is held in. (A review names the year it looks back on, or leaves it open.)
        year, yspan = published.value.year, (published.spans[:1] or [None])[0]
    put(doc, "year", year, [yspan] if yspan else [])
    return doc
