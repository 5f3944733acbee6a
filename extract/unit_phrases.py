"""Cutting a unit's name out of the words around a role or in a list.

Articles name units inside clauses: "Năm 2022, Ban Dân tộc tỉnh được giao là đơn vị
Trưởng khối", "đồng chí X, Giám đốc Sở Y tế, Khối trưởng", "tại cơ quan Tỉnh đoàn
(đơn vị Trưởng khối)". What is left once the clause's lead-in, a person's title and
trailing verbs are peeled off is the unit as written.
"""

from __future__ import annotations

import re

from extract.lexicon import LEX, fragment
from extract.numbers import NUMBER_WORDS

# Titles that carry their unit's head word: "Chánh Văn phòng UBND tỉnh" heads "Văn phòng
# UBND tỉnh", "Trưởng phòng Cảnh sát hình sự" heads "Phòng Cảnh sát hình sự". Only the
# title's own word is peeled; other titles ("Giám đốc Sở Y tế") go whole.
_TITLED_HEAD = r"(?:ban|phòng|đài|trạm)"  # a unit a "Trưởng …" heads
_FUSED_TITLE = (
    r"(?:phó\s+)?(?:chánh(?=\s+(?:văn\s+phòng|thanh\s+tra)\b)"
    rf"|trưởng(?=\s+{_TITLED_HEAD}\s+(?-i:[A-ZĐ])))"
)
# "(Trưởng) phòng Cảnh sát hình sự": the unit left once its title is peeled
_UNTITLED_UNIT = re.compile(rf"{_TITLED_HEAD}\s+[A-ZĐ]")
_LEAD_IN = re.compile(
    r"^(?:(?:" + _FUSED_TITLE + r"|trong\s+đó|theo\s+đó|đồng\s+thời|năm\s+\d{4}|năm\s+nay|"
    r"hội\s+nghị(?:\s+cũng)?(?:\s+đã)?|"
    r"đã|cũng|bầu|được\s+bầu|bầu\s+chọn|thống\s+nhất(?:\s+chọn)?|giới\s+thiệu|địa\s+phương|do|"
    r"tại(?:\s+cơ\s+quan|\s+trụ\s+sở)?|"
    r"đại\s+diện(?:\s+lãnh\s+đạo)?|lãnh\s+đạo|cơ\s+quan|đơn\s+vị|đồng\s+chí|ông|bà|với|là|và|gồm|"
    r"bao\s+gồm|các|của|cho|giao\s+cho|" + fragment("person_title") + r")[\s,:]+)+",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"(?:[\s,]+(?:được\s+giao(?:\s+nhiệm\s+vụ)?|được\s+(?:bầu|chọn)|tiếp\s+tục|giữ|đã|sẽ|"
    r"là|làm|đảm\s+nhận|năm\s+\d{4}|mới))+$",
    re.IGNORECASE,
)
_PERSON = re.compile(r"^(?:[A-ZĐ][a-zà-ỹđ]+\s+){1,3}[A-ZĐ][a-zà-ỹđ]+\s*,\s*", re.UNICODE)
_ROLE_NOTE = re.compile(
    r"\s*(?:[-–—(]\s*)?(?:là\s+)?(?:"
    + fragment("leader_role")
    + "|"
    + fragment("deputy_role")
    + r")(?:\s+(?:khối|cụm)(?:\s+thi\s+đua)?)?(?:\s+năm\s+\d{4})?\s*\)?\s*$",
    re.IGNORECASE,
)


# Words that open the name of a district, town or commune.
LOCALITY = r"(?:huyện|thành\s+phố|thị\s+xã|quận|xã|phường|thị\s+trấn)"
_SPLIT_HEAD = re.compile(r"\s*(?:,|\bvà\b)\s+(?=" + fragment("unit_head") + r"\b)")
_SPLIT_HEAD_CI = re.compile(r"\s*(?:,|\bvà\b)\s+(?=(?:các\s+)?" + LOCALITY + r"\b)")
# "các huyện Bát Xát, Bảo Thắng và Mường Khương": one kind, then bare names.
# "UBND các huyện Kiến Xương, Tiền Hải và Vũ Thư": the kind of unit may come first (not
# another unit: "thị xã A và các huyện B, C").
_LOCALITIES = re.compile(
    rf"^(?P<head>(?:(?!\b(?:và|{LOCALITY})\b)[^,;:()]){{1,40}}?\s)?"
    rf"các\s+(?P<kind>{LOCALITY})\s+(?P<names>.+,.+|.+\svà\s.+)$"
)
# "UBND 5 huyện: Củ Chi, …", "Công an 6 huyện miền núi: Kỳ Sơn, …", "Hội LHPN năm huyện
# vùng cao: …", "KBNN các tỉnh, thành phố: …", "LĐLĐ 5 huyện, thị xã phía Bắc: …": a count
# or "các", the kinds of the units, then the list of their bare names.
_KIND = rf"(?:{LOCALITY}|tỉnh)"
_COUNTED_INTRO = re.compile(
    rf"^[^,;:]*?(?:\b\d{{1,3}}\s+[^,;:]{{2,40}}"
    rf"|(?:\b\d{{1,3}}|(?<!\w){NUMBER_WORDS}|\bcác)\s+{_KIND}(?:\s*,\s*{_KIND})*[^,;:]{{0,40}}):\s*"
)
_CAPITAL_HEAD = re.compile(r"(?<!\w)(?=[A-ZĐÂĂÊÔƠƯ])" + fragment("unit_head"))


# Stands in for the comma inside a sector's name while clauses and lists are cut (one
# character for one, so every offset into the text still holds).
_NAME_COMMA = "\u201a"


def mask_name_commas(text: str) -> str:
    """The text with the comma inside a unit's name ("Sở Văn hóa, Thể thao và Du lịch",
    lexicon cue `comma_name`) replaced by a look-alike that no rule reads as a break."""
    return LEX["comma_name"].sub(lambda m: m.group().replace(",", _NAME_COMMA), text)


def unmask_name_commas(text: str) -> str:
    return text.replace(_NAME_COMMA, ",")


def looks_like_unit(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 24:
        return False
    if LEX["unit_head"].match(name):
        return True
    return name[0].isupper() and not re.match(
        r"(?i)(?:khối|cụm|đơn vị|hội nghị|(?:năm|ngày|tháng)\s+(?:\d|nay|qua|tới))\b", name
    )  # "Năm 2024, Khối trưởng là …": a time, not a unit


def clean_unit(raw: str) -> str:
    """Peel lead-in words, a person's name and title, and trailing verbs off a unit."""
    name = re.sub(r"\s+", " ", raw).strip(" ,;:.–—-…\"“”'")
    name = re.sub(r"\s+được\s.*$", "", name)  # "X được các đơn vị tín nhiệm bầu": X
    name = re.sub(r"^[^A-ZĐ]*?\bnhư\s+", "", name)  # "các chi nhánh lớn như X": X
    if name and not name[0].isupper() and not LEX["unit_head"].match(name):
        # "các thành viên thống nhất Công ty Điện lực …": the unit starts at its head word.
        head = _CAPITAL_HEAD.search(name)
        if head:
            name = name[head.start() :]
    for _ in range(3):
        before = name
        name = _PERSON.sub("", name)
        name = _LEAD_IN.sub("", name)
        name = _TRAIL.sub("", name)
        name = _ROLE_NOTE.sub("", name)
        name = name.strip(" ,;:.–—-…\"“”'")
        if name == before:
            break
    if _UNTITLED_UNIT.match(name):
        name = name[0].upper() + name[1:]
    return name


def strip_role_note(item: str) -> str:
    """'Cục Thống kê tỉnh - đơn vị trưởng khối' → 'Cục Thống kê tỉnh'."""
    return _ROLE_NOTE.sub("", item).strip(" ,;:.–—-")


def _localities(kind: str, names: str, head: str | None = None) -> list[str]:
    """'quận', '3, 10, 11 và Phú Nhuận' → 'quận 3', 'quận 10', 'quận 11', 'Phú Nhuận'
    (with a head, 'UBND quận 3', …).

    The kind is written once before the list; a bare number is no name ("quận 10" is),
    so numbered districts and wards keep it.
    """
    parts = re.split(r"\s*,\s*|\s+và\s+", names)
    kind = f"{head or ''}{kind}"
    return [f"{kind} {p}" if i == 0 or p.isdigit() else p for i, p in enumerate(parts) if p]


def split_units(chunk: str) -> list[str]:
    chunk = _COUNTED_INTRO.sub("", chunk.strip())
    several = _LOCALITIES.match(chunk)
    if several and ";" not in chunk and not _SPLIT_HEAD.search(chunk):
        return _localities(*several.group("kind", "names", "head"))  # "các quận 3, 10 và …"
    parts = [p.strip() for p in re.split(r"\s*;\s*", chunk) if p.strip()]
    if len(parts) == 1:
        pieces = [p.strip() for p in re.split(r"\s*,\s*", chunk.strip()) if p.strip()]
        headed = sum(bool(LEX["unit_head"].match(p)) for p in pieces)
        if headed < len(pieces) / 2:
            # A list of bare names ("Văn Quan, Bình Gia, … và Hữu Lũng").
            parts = pieces[:-1] + re.split(r"\s+và\s+", pieces[-1]) if pieces else []
    out = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if (
            len(parts) > 1
            and len(pieces) >= 3
            and not any(LEX["unit_head"].match(p) for p in pieces)
        ):
            # "Long Hậu, Phước Lại, … và Phước Vĩnh Đông; xã X là Cụm phó": bare names
            out.extend(pieces[:-1] + re.split(r"\s+và\s+", pieces[-1]))
            continue
        out.extend(p for p in _SPLIT_HEAD.split(part) if p.strip())
    final = []
    for item in out:
        for piece in _SPLIT_HEAD_CI.split(item):
            several = _LOCALITIES.match(piece.strip())
            if several:
                final.extend(_localities(*several.group("kind", "names", "head")))
            elif piece.strip():
                final.append(piece)
    return final


def locate(text: str, value: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Where a (whitespace-squashed) value stands in text, for its evidence span."""
    end = len(text) if end is None else end
    at = text.find(value, start, end)
    if at >= 0:
        return at, at + len(value)
    # other spacing, or another case ("Phòng …" written "phòng …" after a title)
    pattern = r"\s+".join(re.escape(w) for w in value.split())
    m = re.compile(pattern, re.IGNORECASE).search(text, start, end) if pattern else None
    return m.span() if m else None


_GENERIC_HEADS = {
    "hội",
    "ban",
    "sở",
    "đài",
    "quỹ",
    "cục",
    "viện",
    "trung tâm",
    "công ty",
    "ngân hàng",
}
_NAME_STOP = re.compile(r"\s(?:" + fragment("bloc_name_stop") + ")")
_PHRASE_BOUNDARY = re.compile(r"[,;.:()\[\]\n“”\"]|\s[-–—]\s")


def expand_short_unit(unit: str, text: str) -> str:
    """'Liên hiệp hội' → 'Liên hiệp các Hội Khoa học và Kỹ thuật' named elsewhere in the text.

    Reports name a unit in full once and by a short form afterwards; a role is often
    attached to the short form. A short form (three words at most) is replaced by the
    longest phrase in the article that starts like it and contains all its words.
    """
    words = unit.split()
    if not 1 < len(words) <= 3 or not any(w in _GENERIC_HEADS for w in words[1:]):
        return unit  # only a generic short form ("Liên hiệp hội") stands for a longer name
    wanted = {w.lower() for w in words}
    start = re.compile(r"(?<!\w)" + re.escape(words[0]) + r"\s+" + re.escape(words[1]) + r"\b")
    best = unit
    for m in start.finditer(text):
        window = text[m.start() : m.start() + 160]
        cut = _PHRASE_BOUNDARY.search(window)
        phrase = window[: cut.start()] if cut else window
        stop = _NAME_STOP.search(phrase)
        phrase = " ".join((phrase[: stop.start()] if stop else phrase).split())
        found = {w.lower() for w in phrase.split()}
        if wanted <= found and len(phrase.split()) <= 14 and len(phrase) > len(best):
            best = phrase
    return best
