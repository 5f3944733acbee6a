"""Page layout of a plain-text article: headline, header date lines, where the body starts.

Crawled text still carries a page's head: a site banner with *today's* date ("Thứ Sáu,
22/11/2024"), the headline, a publication line ("10/03/2023 08:02 Số lượt xem: 107").
The publication date is the date line beside the headline; a weekday-led date line
*above* the headline is the banner (GUIDE.md), and neither is part of the story.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import Found, Layout, text_of
from extract.dates import WEEKDAY, full_dates, to_date

_HEADER_LINES = 8
_NOISE = re.compile(
    r"(?i)(?:\b\d{1,2}:\d{2}(?::\d{2})?\b|gmt\s*[+-]?\s*\d*|số\s+lượt\s+xem|lượt\s+xem|lượt\s+đọc|"
    r"cập\s+nhật|ngày\s+đăng|đăng\s+ngày|ngày|\bdate\b|\b(?:am|pm|sa|ch)\b|[|\[\]():,/.+\-–—]|\bA\b|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|\d+)"
)
_CHROME = re.compile(
    r"(?i)^(?:skip\b|cannot retrieve|tất cả chuyên mục|trang chủ|bản in|in bài|chia sẻ|"
    r"cỡ chữ|font|\(?ảnh|nguồn:)"
)
_BYLINE = re.compile(
    r"(?i)tác\s+giả|người\s+(?:viết|đăng)|đăng\s+bởi|biên\s+tập|nguồn\s*:|theo\s*:"
)
_TITLE_DATE = re.compile(r"\s{2,}(\d{1,2}/\d{1,2}/(?:19|20)\d\d)\s*$")


def _lines(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _is_date_line(line: str) -> bool:
    """A line that is a date and some page furniture (time, views, weekday, byline)."""
    if not full_dates(line):
        return False
    rest = len(_NOISE.sub("", line).split())
    return rest <= 2 or (bool(_BYLINE.search(line)) and rest <= 8 and len(line) <= 120)


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if not 4 <= len(words) <= 45 or _CHROME.match(line.strip()):
        return False
    return not (line.rstrip().endswith(".") and len(words) > 30)


def analyse(text: str, given_published: date | None) -> Layout:
    layout = Layout()
    lines = _lines(text)[:_HEADER_LINES]
    title_idx = None
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if _is_date_line(line) or _CHROME.match(line.strip()):
            continue
        if _looks_like_title(line) and not re.match(r"\s*(?:\(|[A-ZĐ]{2,}\s*-)", line):
            title_idx = i
        break
    if title_idx is not None:
        s, e = lines[title_idx]
        layout.title = (s, e)
        layout.body_start = e
    published: Found | None = None
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if i == title_idx:
            m = _TITLE_DATE.search(line)
            if m and not published:
                found = full_dates(m.group(1), s + m.start(1))
                if found:
                    published = Found(to_date(found[0]), [(found[0].start, found[0].end)])
            continue
        if not _is_date_line(line):
            if title_idx is not None and i > title_idx:
                break  # the body has begun
            continue
        before_title = title_idx is None or i < title_idx
        if before_title and WEEKDAY.match(line):
            layout.banner = (s, e)  # the site's "today" banner, not this article's date
        elif not published:
            found = full_dates(line, s)[0]
            published = Found(to_date(found), [(found.start, found.end)])
        layout.body_start = max(layout.body_start, e)
    if given_published:
        published = Found(given_published, published.spans if published else [])
    layout.published = published if published and published.value else None
    return layout


@Language.component("giaouoc_layout")
def layout_component(doc: Doc) -> Doc:
    article = doc._.article
    doc._.layout = analyse(text_of(doc), article.published if article else None)
    if doc._.layout.published:
        doc._.fields["published_date"] = doc._.layout.published
    return doc
