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

from extract.components.base import get, put, sentence_end, sentence_start, sentences, text_of
from extract.lexicon import LEX, fragment

_MAX_ITEM = 350
_MAX_GOALS = 25
_QUOTED = re.compile(r"[“\"]([^”\"\n]{6,200})[”\"]")
_COLON_AFTER_CUE = re.compile(r"^[^:]{0,80}:\s*")
_NAMED_BY = re.compile(
    r"(?i)(?:giao\s+ước|phong\s+trào|đợt|cuộc\s+vận\s+động|chủ\s+đề|khẩu\s+hiệu)"
    r"(?:\s+thi\s+đua)?(?:\s+(?:cao\s+điểm|đặc\s+biệt))?\s*$"
)
# An item's number: "1." / "1)" / "a)", "(1)" / "(a)". A list item's mark is that, a
# bullet or another symbol; an item's own text starts after its number.
_NUMBER_MARK = r"\d{1,2}[.)]|[a-zđ]\)|\((?:\d{1,2}|[a-zđ])\)"
_LIST_MARK = re.compile(rf"(?:[-–•+*]|{_NUMBER_MARK}|[^\w\s“\"(])")
_LEADING_MARK = re.compile(rf"(?:{_NUMBER_MARK})\s+")
_OPENING_YEAR = re.compile(r"\s*(?:trong\s+)?năm\s+((?:19|20)\d\d)\s*,", re.IGNORECASE)
# What a speaker says a side activity is ("… nhấn mạnh, hội thao là dịp để …"): no goal.
_ACTIVITY_SAID = re.compile(
    r"[\s,:]*(?:" + fragment("other_activity") + r"|hoạt\s+động\s+này)"
    r"[^.;:]{0,40}?\s+là\s+(?:dịp|cơ\s+hội|hoạt\s+động)",
    re.IGNORECASE,
)
_PROVINCE_SUBJECT = re.compile(
    r"(?i)\b(?:tỉnh|thành\s+phố)\s+[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)*\s+(?:phấn\s+đấu|quyết\s+tâm)"
)


def _paragraph_year(doc: Doc, pos: int) -> int | None:
    """The year a paragraph opens with ("Năm 2022, các đơn vị …"), if any."""
    para = text_of(doc).rfind("\n", 0, pos) + 1
    m = _OPENING_YEAR.match(text_of(doc), para)
    return int(m.group(1)) if m else None


def _cue(text: str, side_activity: bool) -> tuple[int, int] | None:
    """Where the goals of a sentence begin, if the sentence states any.
    `side_activity`: the article is about one (a sports day, a cross-inspection)."""
    label = _first_unquoted(LEX["goal_cue_label"], text)
    verb = _first_unquoted(LEX["goal_cue_verb"], text)
    if label and (not verb or label.start() <= verb.start()):
        return label.start(), label.end()
    if (
        verb
        and verb.group(0).lower() == "nhằm"
        and (side_activity or LEX["other_activity"].search(text, 0, verb.start()))
    ):
        verb = None  # "hội thao … nhằm tăng cường giao lưu": a side activity's purpose
    if verb:
        # a subject before the verb ("Các đồn thi đua giữ vững …") is not the goal's
        start = verb.start("goal")
        return (start, start) if start >= 0 else (verb.start(), verb.start())
    return None


def _first_unquoted(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    for m in pattern.finditer(text):
        if (
            text.count("“", 0, m.start()) <= text.count("”", 0, m.start())
            and text.count('"', 0, m.start()) % 2 == 0
        ):
            return m
    return None


def _passages(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the article that state goals."""
    body_start = doc._.layout.body_start
    year = get(doc, "year")
    reviewed = get(doc, "event_type") == "review"  # `year` is the year under review
    side_activity = get(doc, "event_type") == "other"
    out: list[tuple[int, int]] = []
    active = False
    listing = False  # after "…gồm:" at a line's end, the marked lines below are the goals
    full = text_of(doc)
    for sent in sentences(doc):
        if sent.start_char < body_start:
            continue
        text = sent.text
        stripped = text.strip()
        line_start = full.rfind("\n", 0, sent.start_char) + 1
        first_in_line = not full[line_start : sent.start_char].strip()
        if listing and stripped:
            if not first_in_line or _LIST_MARK.match(stripped):
                out.append((sent.start_char + len(text) - len(text.lstrip()), sent.end_char))
                continue
            listing = False
        if not stripped or (stripped.isupper() and len(stripped) > 20):
            active = False
            continue  # a slogan banner in capitals is page furniture
        opening = _paragraph_year(doc, sent.start_char)
        if year and opening and (opening < year or (opening == year and reviewed)):
            active = False
            continue  # "Năm 2022, …" in a 2023 article, "Năm 2023, …" in a review of 2023: results
        start = sent.start_char + len(text) - len(text.lstrip())
        opens_list = stripped.endswith(":")
        if active and LEX["goal_continuation"].match(stripped):
            own = _cue(text, side_activity) if opens_list else None
            if own and own[0] > len(text) - len(stripped):
                # "Cụ thể, các đơn vị cam kết:": the list below is the goals, not its lead
                start = sent.start_char + own[0]
            out.append((start, sent.end_char))
            listing = opens_list
            continue
        active = False
        cue = _cue(text, side_activity)
        if not cue or _PROVINCE_SUBJECT.search(text):
            continue
        strong = LEX["goal_cue_strong"].search(text[cue[0] : max(cue[1], cue[0] + 20)])
        if LEX["goal_past"].search(text[cue[1] :] if strong else text):
            continue
        begin = cue[1]
        colon = _COLON_AFTER_CUE.match(text[begin:])
        if colon:
            begin += colon.end()
        if _ACTIVITY_SAID.match(text, begin):
            continue  # "… nhấn mạnh, hội thao là dịp để …": what the activity is, no goal
        out.append((sent.start_char + begin, sent.end_char))
        active = True
        listing = opens_list
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
    while start < end and text[start].isspace():
        start += 1  # "…nội dung: Một là, …": the lead-in words follow the space
    mark = _LEADING_MARK.match(text, start, end)
    if mark:
        start = mark.end()  # "(2) 100% hồ sơ …": the item, not its number
    piece = text[start:end]
    lead = LEX["goal_lead_strip"].match(piece)
    while lead and lead.end() > 0:
        start += lead.end()
        piece = text[start:end]
        lead = LEX["goal_lead_strip"].match(piece)
    # Trim spaces and punctuation at both ends.
    while start < end and text[start] in " ,.:;-–—…\n\t/+•*":
        start += 1
    while end > start and text[end - 1] in " ,.:;-–—…\n\t/":
        end -= 1
    item = text[start:end]
    if len(item.split()) < 3 or LEX["goal_item_not"].search(item):
        return None
    if _is_label(item):
        return None  # "các nhiệm vụ trọng tâm": a label, not a goal
    head, _, rest = item.partition(",")
    if rest and _is_label(head) and not LEX["goal_verb"].search(rest):
        return None  # "những nhiệm vụ trọng tâm, có thể lượng hóa được": a label described
    return start, end


def _is_label(text: str) -> bool:
    """Whether `text` is made only of words that carry no goal of their own."""
    return not LEX["goal_meta_words"].sub(" ", text.lower()).strip(" ,.;:-–")


def _is_name(quoted: str) -> bool:
    """Whether a quoted phrase names a title or movement of its own: two words or more,
    capitalised as names are ("mục tiêu kép" is a term the sentence goes on to explain)."""
    return len(quoted.split()) >= 2 and (quoted[0].isupper() or quoted[0].isdigit())


def _named_movements(doc: Doc) -> list[tuple[int, int]]:
    """Quoted movements the pledge or launch is named after, wherever they are stated:
    'ký kết giao ước thi đua "Vì an ninh Tổ quốc"', 'phát động phong trào thi đua "…"'."""
    text = text_of(doc)
    start = doc._.layout.title[0] if doc._.layout.title else doc._.layout.body_start
    out = []
    for q in _QUOTED.finditer(text, start):
        if not _NAMED_BY.search(text[max(0, q.start() - 45) : q.start()]):
            continue
        sentence = text[sentence_start(text, q.start()) : sentence_end(text, q.end())]
        if LEX["goal_past"].search(sentence.replace(q.group(0), " ")):
            continue  # "Các phong trào thi đua “…” được triển khai sâu rộng": a result
        if _is_name(q.group(1)):
            out.append((q.start(1), q.end(1)))
    return out


@Language.component("giaouoc_goals")
def goals_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    text = text_of(doc)
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _passages(doc):
        passage = text[p_start:p_end]
        for s, e in _split(passage, p_start):
            cleaned = _clean(text, s, e)
            if cleaned:
                spans.append(cleaned)
        for q in _QUOTED.finditer(passage):
            if _is_name(q.group(1)):
                spans.append((p_start + q.start(1), p_start + q.end(1)))
    spans.extend(_named_movements(doc))
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
