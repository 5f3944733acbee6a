"""Page layout of a plain-text article: headline, header date lines, where the body starts.

Crawled text still carries a page's head: a site banner with *today's* date ("Thứ Sáu,
22/11/2024"), the headline, a publication line ("10/03/2023 08:02 Số lượt xem: 107").
The publication date is the date line beside the headline; a weekday-led date line
*above* the headline is the banner (GUIDE.md), and neither is part of the story.
Around the story a page also carries other stories' headlines (lists under a heading, a
link line inside the body, a column scraped above the headline), readers' comments and
tags; `story_text` keeps them from being read as the story, at the article's offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import Found, Layout, text_of
from extract.dates import WEEKDAY, full_dates, to_date

_HEADER_LINES = 14
_NOISE = re.compile(
    r"(?i)(?:\b\d{1,2}:\d{2}(?::\d{2})?\b|gmt\s*[+-]?\s*\d*|số\s+lượt\s+xem|lượt\s+xem|lượt\s+đọc|"
    r"cập\s+nhật|ngày\s+đăng|đăng\s+(?:ngày|lúc)|thời\s+gian(?:\s+đăng)?|xuất\s+bản|ngày|"
    r"\bdate\b|\b(?:am|pm|sa|ch)\b|[|\[\]():,/.+\-–—]|\bA\b|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|tháng|năm|lúc|\d+|[^\w\s]|"
    # the share, print and mail row some pages print on the date's line
    r"\bin(?:\s+bài)?\b|gửi\s+(?:e-?mail|bài)|e-?mail|chia\s+sẻ|facebook|zalo|twitter|tweet|"
    r"bình\s+luận|lượt\s+thích|\bthích\b|\blưu\b)"
)
# A dated line at a page's foot that is not its publication: a print or access stamp,
# the site's licence or copyright.
_NOT_PUBLISHED = re.compile(
    r"(?i)ngày\s+in\b|\bin\s+(?:lúc|ngày)|truy\s+cập|giấy\s+phép|bản\s+quyền|copyright|©"
)
# Page furniture above a headline: navigation, breadcrumbs, menus, the site's name.
_CHROME = re.compile(
    r"(?i)^(?:skip\b|cannot retrieve|tất cả chuyên mục|trang chủ|bản in|in bài|chia sẻ|"
    r"cỡ chữ|font|\(?ảnh|nguồn:|đăng nhập|english|liên hệ|sơ đồ|tìm kiếm|menu|home)"
)
_MENU = re.compile(r"\s[|>»/›]\s|\s[|>»›]$")
# (The portal credited at the foot counts too: "Cổng TTĐT huyện X - 6/3/2024".)
_BYLINE = re.compile(
    r"(?i)tác\s+giả|người\s+(?:viết|đăng)|đăng\s+bởi|\bbởi\b|biên\s+tập|nguồn\s*:|theo\s*:"
    r"|cổng\s+(?:ttđt|thông\s+tin\s+điện\s+tử)"
)
_TITLE_DATE = re.compile(r"\s{2,}(\d{1,2}/\d{1,2}/(?:19|20)\d\d)\s*$")
_LEAD_START = re.compile(r"\s*(?:\(|[A-ZĐ]{2,}[\w.]*\s*[-–—]\s)")
# Where the story ends: the headings of a page's lists of other stories, of its readers'
# comments and of its tags. `_LINK_CUES` may also open a single link line inside the body
# ("Xem thêm: <headline>"); tags and the previous and next stories' links come alone or
# before a colon ("Từ khóa: …", "Bài trước: …"); the comment cues count only alone on
# their line, since "Ý kiến …", "Bình luận …" or "Bài sau khi …" can open a sentence.
_LINK_CUES = (
    r"(?:các\s+|những\s+)?(?:tin|bài|tin\s+bài|tin\s+tức|bài\s+viết)\s+(?:khác|liên\s+quan|"
    r"cùng\s+(?:chuyên\s+mục|danh\s+mục|loại|chủ\s+đề|lĩnh\s+vực)|đã\s+(?:đưa|đăng)|"
    r"mới(?:\s+nhất|\s+cập\s+nhật)?|nổi\s+bật|tiêu\s+điểm|cũ\s+hơn|"
    r"(?:đọc|xem)\s+nhiều(?:\s+nhất)?)|(?:đọc|xem)\s+nhiều\s+nhất|"
    r"xem\s+thêm|đọc\s+thêm|có\s+thể\s+bạn\s+quan\s+tâm"
)
_COMMENT_CUES = r"ý\s+kiến\s+bạn\s+đọc|(?:gửi\s+)?(?:ý\s+kiến|bình\s+luận)(?:\s+của\s+bạn)?"
_TAG_CUES = r"từ\s+kho[áa]|tags?|(?:tin|bài)\s+(?:trước|sau|tiếp\s+theo)"
_MARK = r"[ \t]*(?:[>»›]+[ \t]*)?"
_TAIL = r"[ \t]*(?:\(\d*\))?[ \t]*[:»›>]?[ \t]*"
_HEADING = re.compile(rf"(?i){_MARK}(?:{_LINK_CUES}|{_COMMENT_CUES}|{_TAG_CUES}){_TAIL}")
_LINK_HEADING = re.compile(rf"(?i){_MARK}(?:{_LINK_CUES}){_TAIL}")
_CUE_LINE = re.compile(
    rf"(?im)^{_MARK}(?:(?:{_LINK_CUES})\b[^\n]*|(?:{_TAG_CUES})[ \t]*:[^\n]*"
    rf"|(?:{_COMMENT_CUES}|{_TAG_CUES}){_TAIL})$"
)
# The caption of a photo from the archive or for illustration: it shows another day.
_OTHER_DAY_CAPTION = re.compile(
    r"(?im)^(?=[^\n]{0,200}$)[^\n]*\b(?:ảnh|hình)(?:\s+ảnh)?\s*:?\s*(?:tư\s+liệu|minh\s+ho[ạa])\b[^\n]*$"
)
# A paragraph of the story: a long line with a sentence in it (headlines in lists are
# short, and site furniture rarely runs this long). Below a link, a line that ends a
# sentence will do: list headlines carry no full stop.
_PARAGRAPH = re.compile(r"(?m)^(?=[^\n]{150,}$)[^\n]*\.")
_SENTENCE_LINE = re.compile(r"(?m)^[^\n]{40,}[.!?…][\"”’)]*[ \t]*$|^(?=[^\n]{150,}$)[^\n]*\.")
# A numbered row of a table as scraped: "1 | Sở Tư pháp | Khối trưởng", "| 2 | … |".
_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|?[ \t]*(?P<n>\d{1,3})[ \t]*\|(?=[^\n]*\S[ \t]*\|)[^\n]*$")
# Its header row, "STT | Đơn vị | Ghi chú": no content, and it would part the rows from
# the sentence that introduces them.
_TABLE_HEADER = re.compile(r"(?im)^[ \t]*\|?[ \t]*(?:stt|tt|số\s+tt)[ \t]*\|[^\n]*$")
# A headline in a list of other stories, with its day after or before it: "Cụm thi đua …
# (21/02/2024)", "… [21/02/2024]", "21/02/2024 - Cụm thi đua …", "(21/02/2024) Cụm …".
_LIST_DAY = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d"
_DATED_HEADLINE = re.compile(
    rf"[^\n]{{10,200}}(?:\(\s*{_LIST_DAY}\s*\)|\[\s*{_LIST_DAY}\s*\])"
    rf"|(?:\(\s*{_LIST_DAY}\s*\)|\[\s*{_LIST_DAY}\s*\]|{_LIST_DAY}\s*[-–|:])[^\n]{{10,200}}"
)


class _Prose:
    """Where a page's prose lines are, found once (a page may carry many cue lines)."""

    def __init__(self, text: str) -> None:
        paragraph = _PARAGRAPH.search(text)
        self.paragraph = paragraph.start() if paragraph else len(text) + 1
        self.sentences = [m.start() for m in _SENTENCE_LINE.finditer(text)]
        self.quarter = len(text) * 0.25

    def told_before(self, pos: int) -> bool:
        """Whether some of the story has been told above `pos`: a paragraph, or a sentence
        when a quarter of the page lies above (headlines and menus end in no full stop)."""
        if self.paragraph < pos:
            return True
        return pos > self.quarter and bool(self.sentences) and self.sentences[0] < pos

    def sentence_after(self, pos: int) -> int | None:
        """Where the first sentence line at or after `pos` starts, if any."""
        i = bisect_left(self.sentences, pos)
        return self.sentences[i] if i < len(self.sentences) else None


def story_end(text: str) -> int:
    """Where lists of related stories or readers' comments start, so their headlines and
    remarks are not read as this story's. A heading counts once some of the story has
    been told above it (a brief may be far shorter than the lists under it); a link line
    with a headline on it ends the story only when no prose follows it. Failing a
    heading, a run of dated headlines closing the page ("… (21/02/2024)") is such a list."""
    prose = _Prose(text)
    for m in _CUE_LINE.finditer(text):
        if not prose.told_before(m.start()):
            continue
        if _HEADING.fullmatch(m.group()):
            if _box_end(text, m) is None:
                return m.start()
        elif prose.sentence_after(m.end()) is None:
            return m.start()
    return _dated_list_start(text)


_BOX_LINES = 5  # at most so many headlines in a box of links inside the story
_LINE = re.compile(r"[^\n]*\S[^\n]*")


def _box_end(text: str, heading: re.Match[str]) -> int | None:
    """Where the story resumes after a box of links set inside it ("Tin liên quan", one to
    five headlines, then the story's paragraphs again), or None when the heading opens a
    list under the story: there, headlines and their summaries alternate or run to the
    end, while a story goes on paragraph after paragraph."""
    if not _LINK_HEADING.fullmatch(heading.group()):
        return None
    lines = _LINE.finditer(text, heading.end())
    headlines = 0
    for line in lines:
        if not _PARAGRAPH.match(line.group()):
            headlines += 1
            if headlines > _BOX_LINES:
                return None
            continue
        following = next(lines, None)
        told_on = following is not None and _SENTENCE_LINE.match(following.group())
        return line.start() if headlines and told_on else None
    return None


def _dated_list_start(text: str) -> int:
    """Where a closing run of at least two dated headlines starts (else the text's end)."""
    end = len(text.rstrip())
    start, run = end, 0
    while start > 0:
        line_start = text.rfind("\n", 0, start - 1) + 1
        line = text[line_start:start].strip()
        if line and not _DATED_HEADLINE.fullmatch(line):
            break
        run += bool(line)
        start = line_start
    return start if run >= 2 else len(text)


def story_text(text: str) -> str:
    """The story alone, at the article's offsets: cut where the page's lists of other
    stories begin; blanked, each link line left inside the body ("Xem thêm: …") and a
    list of other stories printed above the headline (a page's left column scraped
    first), so that another story's bloc, leader or year is not read as this one's, and
    the caption of an archive or illustrative photo, which shows another day; and the
    numbered rows of a table read as a numbered list, its header row blanked."""
    text = _TABLE_ROW.sub(_row_as_item, text[: story_end(text)])
    text = _TABLE_HEADER.sub(lambda header: " " * len(header.group()), text)
    prose = _Prose(text)
    blanks: list[tuple[int, int]] = []
    for m in _CUE_LINE.finditer(text):
        if blanks and m.start() < blanks[-1][1]:
            continue  # inside a list already blanked
        after = prose.sentence_after(m.end())
        box_end = _box_end(text, m) if _HEADING.fullmatch(m.group()) else None
        if after is not None and not prose.told_before(m.start()):
            blanks.append((m.start(), _headline_start(text, m.end(), after)))
        elif box_end is not None:
            blanks.append((m.start(), box_end))
        else:
            blanks.append((m.start(), m.end()))
    blanks += [m.span() for m in _OTHER_DAY_CAPTION.finditer(text)]
    blanks.sort()
    if not blanks:
        return text
    parts, last = [], 0
    for s, e in blanks:
        if s >= last:
            parts += [text[last:s], re.sub(r"[^\n]", " ", text[s:e])]
            last = e
    return "".join([*parts, text[last:]])


def _row_as_item(row: re.Match[str]) -> str:
    """'1 | Sở Tư pháp | Khối trưởng' → '1.  Sở Tư pháp - Khối trưởng' (same length): the
    form the list rules read ("1. Sở Tư pháp - Khối trưởng"), as many pages print it."""
    line, base = row.group(), row.start()
    number_end = row.end("n") - base
    first = line.index("|", number_end)
    # The pipe after the number becomes a full stop right after it.
    line = line[:number_end] + "." + line[number_end:first] + line[first + 1 :]
    stripped = line.rstrip()
    if stripped.endswith("|"):
        line = stripped[:-1] + " " * (len(line) - len(stripped) + 1)
    return line[:number_end].replace("|", " ") + line[number_end:].replace("|", "-")


def _headline_start(text: str, start: int, prose: int) -> int:
    """Where the story's own headline starts between a list of other stories above it
    and its first prose: the last line there that is not a date line; none when a
    publication line above the list shows the headline was printed before it."""
    if any(
        is_date_line(text[s:e]) and not WEEKDAY.match(text[s:e]) for s, e in _lines(text[:start])
    ):
        return prose
    lines = _lines(text[start:prose])
    for s, e in reversed(lines):
        if not is_date_line(text[start + s : start + e]):
            return start + s
    return prose


def _lines(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _LINE.finditer(text)]


def is_date_line(line: str) -> bool:
    """A line that is a date and some page furniture (time, views, weekday, byline)."""
    if len(line) > 160 or not full_dates(line):
        return False
    rest = len(_NOISE.sub("", line).split())
    if rest <= 2 or (bool(_BYLINE.search(line)) and rest <= 8 and len(line) <= 120):
        return True
    # "Tác giả: Thanh Hải - Văn phòng HĐND và UBND xã | 06/09/2025 15:40 | Chia sẻ":
    # a byline naming the author's office in a field of its own
    fields = re.split(r"\s\|\s", line)
    bylines = [f for f in fields if _BYLINE.match(f.strip()) and len(f.split()) <= 16]
    others = [f for f in fields if f not in bylines]
    return bool(bylines) and len(_NOISE.sub("", " ".join(others)).split()) <= 2


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


# "Thứ hai, 04/03/2024 - 09:15": a weekday with the minute of posting is the story's
# date line, set above its headline; a "today" banner gives the day alone.
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


def _is_banner(line: str) -> bool:
    return bool(WEEKDAY.match(line)) and not _CLOCK.search(line)


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
        kinds.append("date" if is_date_line(line) else "chrome" if _is_chrome(line) else "text")
    titles = [
        i
        for i, (k, (s, e)) in enumerate(zip(kinds, lines, strict=True))
        if k == "text" and _looks_like_title(text[s:e])
    ]
    # A site's name can look like a headline; the headline is the one the date line
    # follows, and a publication line rather than the "today" banner under a site's name.
    dated = [t for t in titles if t + 1 < len(kinds) and kinds[t + 1] == "date"]
    dated.sort(key=lambda t: bool(WEEKDAY.match(text[slice(*lines[t + 1])])))
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
        if _is_banner(text[s:e]):
            layout.banner = (s, e)
    candidates = after[:1] + [i for i in before if not _is_banner(text[slice(*lines[i])])]
    for i in candidates:
        if published:
            break
        published = _date_found(text, *lines[i])
    for i in after + before:
        layout.body_start = max(layout.body_start, lines[i][1])
    if title_idx is None and first_text < len(lines):
        layout.body_start = max(layout.body_start, lines[first_text][0])
    if not published:  # some pages print the date only at the foot: "Nguồn: … | 12/3/2019"
        for s, e in _lines(text)[-4:]:  # the text is the story alone (`story_text`)
            line = text[s:e]
            if is_date_line(line) and not (WEEKDAY.match(line) or _NOT_PUBLISHED.search(line)):
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
