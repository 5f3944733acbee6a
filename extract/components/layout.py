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

_HEADER_LINES = 14
_NOISE = re.compile(
    r"(?i)(?:\b\d{1,2}:\d{2}(?::\d{2})?\b|gmt\s*[+-]?\s*\d*|số\s+lượt\s+xem|lượt\s+xem|lượt\s+đọc|"
    r"cập\s+nhật|ngày\s+đăng|đăng\s+ngày|ngày|\bdate\b|\b(?:am|pm|sa|ch)\b|[|\[\]():,/.+\-–—]|\bA\b|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|tháng|năm|lúc|\d+|[^\w\s])"
)
# Page furniture above a headline: navigation, breadcrumbs, menus, the site's name.
_CHROME = re.compile(
    r"(?i)^(?:skip\b|cannot retrieve|tất cả chuyên mục|trang chủ|bản in|in bài|chia sẻ|"
    r"cỡ chữ|font|\(?ảnh|nguồn:|đăng nhập|english|liên hệ|sơ đồ|tìm kiếm|menu|home)"
)
_MENU = re.compile(r"\s[|>»/›]\s|\s[|>»›]$")
_BYLINE = re.compile(
    r"(?i)tác\s+giả|người\s+(?:viết|đăng)|đăng\s+bởi|\bbởi\b|biên\s+tập|nguồn\s*:|theo\s*:"
)
_TITLE_DATE = re.compile(r"\s{2,}(\d{1,2}/\d{1,2}/(?:19|20)\d\d)\s*$")
_LEAD_START = re.compile(r"\s*(?:\(|[A-ZĐ]{2,}[\w.]*\s*[-–—]\s)")
# Where the story ends and the page's lists of other stories begin.
_FOOTER = re.compile(
    r"(?im)^\s*(?:tin\s+liên\s+quan|bài\s+viết\s+liên\s+quan|tin\s+cùng\s+chuyên\s+mục|"
    r"các\s+tin\s+(?:khác|đã\s+đưa|cùng\s+chuyên\s+mục)|tin\s+khác|xem\s+thêm|tin\s+mới\s+nhất|"
    r"tin\s+đọc\s+nhiều|bài\s+đọc\s+nhiều|có\s+thể\s+bạn\s+quan\s+tâm)\b[^\n]*$"
)


def story_end(text: str) -> int:
    """Where lists of related stories start, so their headlines are not read as this one's."""
    for m in _FOOTER.finditer(text):
        if m.start() > len(text) * 0.25:
            return m.start()
    return len(text)


def _lines(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _is_date_line(line: str) -> bool:
    """A line that is a date and some page furniture (time, views, weekday, byline)."""
    if len(line) > 160 or not full_dates(line):
        return False
    rest = len(_NOISE.sub("", line).split())
    return rest <= 2 or (bool(_BYLINE.search(line)) and rest <= 8 and len(line) <= 120)


def _is_chrome(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 200:
        return False  # a paragraph, not furniture
    letters = [c for c in stripped if c.isalpha()]
    shouting = len(letters) > 8 and all(c.isupper() for c in letters)
    return bool(
        _CHROME.match(stripped)
        or _MENU.search(stripped)
        or len(stripped.split()) <= 3
        or (shouting and not re.search(r"(?i)thi\s+đua|giao\s+ước", stripped))
    )


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if not 4 <= len(words) <= 45 or _LEAD_START.match(line):
        return False
    return not (line.rstrip().endswith(".") and len(words) > 30)


def _date_found(text: str, start: int, end: int) -> Found | None:
    found = full_dates(text[start:end], start)
    if not found:
        return None
    return Found(to_date(found[0]), [(found[0].start, found[0].end)])


def analyse(text: str, given_published: date | None) -> Layout:
    layout = Layout()
    lines = _lines(text)[:_HEADER_LINES]
    kinds = []
    for s, e in lines:
        line = text[s:e]
        kinds.append("date" if _is_date_line(line) else "chrome" if _is_chrome(line) else "text")
    titles = [
        i
        for i, (k, (s, e)) in enumerate(zip(kinds, lines, strict=True))
        if k == "text" and _looks_like_title(text[s:e])
    ]
    # A site's name can look like a headline; the headline is the one the date line follows.
    dated = [t for t in titles if t + 1 < len(kinds) and kinds[t + 1] == "date"]
    title_idx = dated[0] if dated else (titles[0] if titles else None)
    first_text = next(
        (
            i
            for i, k in enumerate(kinds)
            if k == "text" and not _looks_like_title(text[slice(*lines[i])])
        ),
        len(lines),
    )
    if title_idx is not None and title_idx > first_text:
        title_idx = None  # the story started before anything looked like a headline
    published: Found | None = None
    if title_idx is not None:
        s, e = lines[title_idx]
        layout.title = (s, e)
        layout.body_start = e
        m = _TITLE_DATE.search(text[s:e])
        if m:
            published = _date_found(text, s + m.start(1), s + m.end(1))
    # The date line right under the headline; failing that, one above it that is not a
    # weekday banner.
    after = [
        i for i, k in enumerate(kinds) if k == "date" and title_idx is not None and i > title_idx
    ]
    after = [i for i in after if all(k != "text" for k in kinds[title_idx + 1 : i])]
    before = [
        i
        for i, k in enumerate(kinds)
        if k == "date" and (title_idx is None or i < title_idx) and i < first_text + 1
    ]
    for i in before:
        s, e = lines[i]
        if WEEKDAY.match(text[s:e]):
            layout.banner = (s, e)
    candidates = after[:1] + [i for i in before if not WEEKDAY.match(text[slice(*lines[i])])]
    for i in candidates:
        if published:
            break
        published = _date_found(text, *lines[i])
    for i in after + before:
        layout.body_start = max(layout.body_start, lines[i][1])
    if title_idx is None and first_text < len(lines):
        layout.body_start = max(layout.body_start, lines[first_text][0])
    if not published:  # some pages print the date only at the foot: "Nguồn: … | 12/3/2019"
        for s, e in _lines(text[: story_end(text)])[-4:]:
            if _is_date_line(text[s:e]) and not WEEKDAY.match(text[s:e]):
                published = _date_found(text, s, e)
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
