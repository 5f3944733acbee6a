"""Vietnamese date expressions as news prose writes them.

dateparser reads full dates but not the partial, time-of-day forms reporters use for the
event ("Chiều 31/3", "sáng ngày 09-3", "Sáng 2.3"), nor does it know that a header line
"Thứ Sáu, 22/11/2024" is a site banner. This module only *recognises* expressions and
returns their parts; which one is the event or the publication is decided by the
components that know the article's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.lexicon import fragment

_D = r"(?P<d>[0-3]?\d)"
_M = r"(?P<m>[01]?\d)"
_Y = r"(?P<y>(?:19|20)\d\d)"

# d/m, d-m, d.m with an optional year; or "d tháng m [năm y]".
DAY_MONTH = (
    rf"(?:{_D}\s*(?P<sep>[/.-])\s*{_M}(?:\s*(?P=sep)\s*{_Y})?(?![\d/.-]*\d)"
    r"|(?P<td>[0-3]?\d)\s+tháng\s+(?P<tm>[01]?\d)(?:\s*(?:năm|,)\s*(?P<ty>(?:19|20)\d\d))?)"
)
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)"
FULL_DATE = re.compile(
    rf"(?<![\d/])(?:{_ISO}|{_D}\s*(?P<sep>[/.-])\s*{_M}\s*(?P=sep)\s*{_Y}"
    r"|(?P<td>[0-3]?\d)\s+tháng\s+(?P<tm>[01]?\d)\s*(?:năm|,)\s*(?P<ty>(?:19|20)\d\d))(?!\d)",
    re.IGNORECASE,
)

_LEAD = r"(?:\([^()\n]{1,40}\)\s*(?:[-–—]\s*)?|[A-ZĐ][A-ZĐa-z.]{1,14}\s*[-–—]\s*)?"
_PART = fragment("part_of_day")
_WEEKDAY = fragment("weekday")
# An event date opening a sentence: "Chiều 31/3, …", "LSO-Ngày 18/1/2013, …",
# "(Mặt trận) - Chiều ngày 3/8, …", "(BĐT) Sáng nay (29/2), …", "Sáng thứ Năm (ngày 9-3), …".
SENTENCE_DATE = re.compile(
    rf"^\s*{_LEAD}(?:(?P<part>{_PART})\s+)?(?:(?:hôm\s+)?{_WEEKDAY}\s*[,(]?\s*)?"
    rf"(?:(?:hôm\s+)?(?:nay|qua)\s*[,(]?\s*)?(?:ngày\s+)?{DAY_MONTH}",
    re.IGNORECASE,
)
# A day named relative to the paper's own ("Chiều hôm qua, …", "Sáng nay, …", "Hôm qua
# tại …") with no date after it. "Qua" and "nay" alone open other sentences ("Qua đó",
# "Nay đã …"), so a time of day or "hôm" must come first.
RELATIVE_DAY = re.compile(
    rf"^\s*{_LEAD}(?:{_PART}\s+(?:hôm\s+)?|(?:ngày\s+)?hôm\s+)(?P<rel>nay|qua)\b"
    r"(?!\s*[,(]?\s*(?:ngày\s+)?\d)",
    re.IGNORECASE,
)
_DAYS_BACK = {"nay": 0, "qua": 1}
# An event date inside a sentence, tied to the event by a time of day or "vào".
INLINE_DATE = re.compile(
    rf"(?:\bvào\s+(?:(?:{_PART})\s+)?(?:ngày\s+)?|\b(?:{_PART})\s+(?:ngày\s+)?|\bngày\s+)"
    rf"{DAY_MONTH}",
    re.IGNORECASE,
)
# A line led by a weekday, as a site's "today" banner is ("Hôm nay: Thứ Ba, 19/03/2024").
WEEKDAY = re.compile(rf"^\s*(?:hôm\s+nay\s*[:,]?\s*)?{_WEEKDAY}\b", re.IGNORECASE)
DOCUMENT_DATE = re.compile(fragment("document_date"), re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    day: int
    month: int
    year: int | None

    def resolve(self, year: int) -> date | None:
        try:
            return date(self.year or year, self.month, self.day)
        except ValueError:
            return None


def _parts(m: re.Match[str], offset: int = 0) -> DateMatch | None:
    g = m.groupdict()
    if g.get("iy"):
        day, month, year = int(g["id"]), int(g["im"]), int(g["iy"])
    elif g.get("td"):
        day, month = int(g["td"]), int(g["tm"])
        year = int(g["ty"]) if g.get("ty") else None
    else:
        day, month = int(g["d"]), int(g["m"])
        year = int(g["y"]) if g.get("y") else None
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return DateMatch(m.start() + offset, m.end() + offset, day, month, year)


def full_dates(text: str, offset: int = 0) -> list[DateMatch]:
    """Every complete date (with a year) in text."""
    out = []
    for m in FULL_DATE.finditer(text):
        found = _parts(m, offset)
        if found and found.year:
            out.append(found)
    return out


def sentence_date(sentence: str, offset: int = 0) -> DateMatch | None:
    m = SENTENCE_DATE.match(sentence)
    return _parts(m, offset) if m else None


def relative_day(sentence: str, offset: int = 0) -> tuple[int, int, int] | None:
    """Days before publication a sentence opens with ("Chiều hôm qua" → 1), and where."""
    m = RELATIVE_DAY.match(sentence)
    if not m:
        return None
    return _DAYS_BACK[m.group("rel").lower()], m.start("rel") + offset, m.end("rel") + offset


def inline_dates(sentence: str, offset: int = 0) -> list[DateMatch]:
    out = []
    for m in INLINE_DATE.finditer(sentence):
        if DOCUMENT_DATE.search(sentence[max(0, m.start() - 40) : m.start()]):
            continue  # "Kế hoạch số 44/KH-UBND ngày 24 tháng 02 năm 2021": a document's date
        found = _parts(m, offset)
        if found:
            out.append(found)
    return out


def to_date(match: DateMatch) -> date | None:
    return match.resolve(match.year) if match.year else None
