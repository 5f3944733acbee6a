"""The bloc's name as written ("Khối thi đua các ngành tài chính, kinh tế, kỹ thuật") and kind.

A name runs from "Khối"/"Cụm" to the first word that cannot be part of it: a verb, a
preposition, a year, punctuation that closes a phrase. Commas may sit inside a name
("các sở, ban, ngành"), so a comma ends it only when a new clause or unit follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import get, put, text_of
from extract.lexicon import fragment

_HEAD = re.compile(r"(?<![\w/])(khối|cụm)(?!\w)", re.IGNORECASE)
_THI_DUA = re.compile(r"\s+thi\s+đua(?:\s*,\s*khen\s+thưởng)?(?!\w)", re.IGNORECASE)
_NOT_NAME_AFTER = re.compile(
    r"\s*(?:trưởng|phó|ủy|uỷ|lượng|thi\s+đua\s+(?:tỉnh|thành\s+phố))\b", re.I
)
_NOT_NAME_BEFORE = re.compile(
    r"(?:đảng\s+(?:ủy|uỷ|bộ)|công\s+đoàn|đoàn\s+thanh\s+niên|bí\s+thư|ban\s+thường\s+vụ|"
    r"ban\s+chỉ\s+đạo)\s*$",
    re.IGNORECASE,
)
_PHRASE_END = re.compile(r"[.;:()\[\]\"“”\n]|\s{2,}|\s[-–—]\s(?=\S+\s+(?:đơn\s+vị|khối|cụm))")
# A capital after a comma starts a new phrase, except the sectors a bloc is named after
# ("Khối các cơ quan Đảng, Mặt trận, đoàn thể tỉnh"); so does ", tỉnh Phú Yên" (where the
# bloc is, not part of its name).
_COMMA_BREAK = re.compile(
    r",\s*(?=(?!Mặt\s+trận|Đoàn\s+thể|Đảng\b)[A-ZĐÂÊÔƠƯ][a-zà-ỹđ]|\d"
    r"|(?:tại|ngày|sáng|chiều|năm)\b|(?:tỉnh|thành\s+phố)\s+[A-ZĐ])"
)
_MAX_WORDS = 22
_SHORT_NUMBER = re.compile(
    r"\s+(?:số\s+)?\d{1,2}\b(?!\s*(?:[/.,-]\s*\d|" + fragment("member_noun") + r"\b))",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(r"\s(?:" + fragment("bloc_name_stop") + ")", re.IGNORECASE)


@dataclass
class BlocMention:
    start: int
    end: int
    kind: str
    with_thi_dua: bool

    def words_after_head(self, text: str) -> int:
        return len(text[self.start : self.end].split()) - (2 if self.with_thi_dua else 0) - 1


def _name_end(text: str, pos: int, limit: int) -> int:
    """Where a name that continues at `pos` ends."""
    window = text[pos:limit]
    cut = len(window)
    for pattern in (_PHRASE_END, _COMMA_BREAK):
        m = pattern.search(window)
        if m:
            cut = min(cut, m.start())
    stop = _NAME_STOP.search(window[:cut])
    if stop:
        cut = stop.start()
    words = window[:cut].split()
    if len(words) > _MAX_WORDS:
        cut = len(" ".join(words[:_MAX_WORDS]))
    name = window[:cut].rstrip(" ,–—-")
    name = re.sub(r"\s+(?:và|của|tỉnh|thành\s+phố)$", "", name, flags=re.I)
    return pos + len(name)


def doc_mentions(doc: Doc) -> list[BlocMention]:
    """The Doc's bloc mentions, found once (the bloc and member components both ask)."""
    if "bloc_mentions" not in doc.user_data:
        doc.user_data["bloc_mentions"] = mentions(text_of(doc))
    return doc.user_data["bloc_mentions"]


def mentions(text: str) -> list[BlocMention]:
    """Every "Khối …"/"Cụm …" naming a bloc."""
    out = []
    for m in _HEAD.finditer(text):
        if _NOT_NAME_AFTER.match(text, m.end()):
            continue
        if _NOT_NAME_BEFORE.search(text[max(0, m.start() - 25) : m.start()]):
            continue
        td = _THI_DUA.match(text, m.end())
        rest = td.end() if td else m.end()
        lower_head = m.group(1)[0].islower()
        end = _name_end(text, rest, min(len(text), rest + 250))
        if not td:
            first = text[rest:end].split()[:1]
            # "Khối Văn xã", "Khối Mặt trận": a short form needs a capitalised name, or
            # a number ("Khối 7", "Cụm số 3") that counts no units.
            numbered = _SHORT_NUMBER.match(text, rest)
            if lower_head or not first or not (first[0][0].isupper() or numbered):
                continue
        kind = "khối" if m.group(1).lower() == "khối" else "cụm"
        out.append(BlocMention(m.start(), end, kind, bool(td)))
    return out


def _shouting(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) > 6 and all(c.isupper() for c in letters)


def _fold(name: str) -> str:
    return " ".join(name.lower().split())


def best_mention(text: str, found: list[BlocMention]) -> BlocMention | None:
    """The fullest name: "Khối thi đua" + a name, first in the article; else a short form."""
    written = [b for b in found if not _shouting(text[b.start : b.end])]
    found = written or found  # an ALL-CAPS headline's form is a fallback only
    named = [b for b in found if b.with_thi_dua and b.words_after_head(text) >= 1]
    if named:
        # A headline often shortens the name the body gives in full: prefer the fuller
        # mention of the same name.
        first = named[0]
        written = _fold(text[first.start : first.end])
        fuller = [
            b
            for b in named
            if _fold(text[b.start : b.end]).startswith(written)
            and "," not in text[b.start : b.end][len(written) :]
        ]
        return max(fuller, key=lambda b: b.end - b.start)
    short = [b for b in found if not b.with_thi_dua]
    if short:
        return short[0]
    return found[0] if found else None


@Language.component("giaouoc_bloc")
def bloc_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    text = text_of(doc)
    best = best_mention(text, doc_mentions(doc))
    if best and best.words_after_head(text) >= 1:
        put(doc, "bloc_name", text[best.start : best.end], [(best.start, best.end)])
    if best:
        put(doc, "bloc_kind", best.kind, [(best.start, best.start + 4)])
        return doc
    roles = [m for m in re.finditer(r"(?i)\b(khối|cụm)\b", text)]
    if roles:
        kinds = [m.group(1).lower() for m in roles]
        kind = max(("khối", "cụm"), key=kinds.count)
        first = next(m for m in roles if m.group(1).lower() == kind)
        put(doc, "bloc_kind", kind, [first.span()])
    return doc
