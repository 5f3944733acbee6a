"""How many units the bloc has, and which.

A count is a number tied to membership: "gồm 12 cơ quan, đơn vị", "08 đơn vị thành
viên", "11 đơn vị thuộc Khối" — never a number of award winners or attendees (GUIDE.md).
A list follows "gồm:" / "thành viên:", in the sentence or as bulleted lines, or is a
table of the units and their roles (`role_table`); its items are split on ";" and, where
a new unit begins (a unit word such as Sở, Ban, Cục, huyện), on "," and "và", which also
appear inside names ("Sở Văn hóa, Thể thao và Du lịch"). Where an article names the
bloc's units only as examples of what they did ("Điển hình như Công ty A nộp …, Công ty
B …"), those units are its members (`example_units`); and where it names them only as
ranked by the bloc's vote ("A và B được Cụm suy tôn …"), those and the units leading the
bloc are (`ranked_units`).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import get, put, sentence_end, text_of
from extract.components.bloc import doc_mentions
from extract.lexicon import LEX, fragment
from extract.numbers import NUMBER, parse_count
from extract.unit_phrases import (
    LOCALITY,
    clean_unit,
    locate,
    looks_like_unit,
    split_units,
    strip_role_note,
)

_NOUN = fragment("member_noun")
_COUNT_AFTER_INTRO = re.compile(
    rf"\b{fragment('member_intro')}\s+(?P<n>{NUMBER})\s+(?P<noun>{_NOUN})\b", re.IGNORECASE
)
# "17 tổ chức tín dụng thành viên": the noun may take a word or two of its kind before
# the tie (not a merit: "5 đơn vị xuất sắc trong Khối" are honoured, not counted).
_NOUN_KIND = r"(?:\s+(?!(?:xuất|dẫn|tiêu|tiên|hoàn|tham|được|đã|có)\b)(?-i:[a-zà-ỹđ]+)){0,2}"
_COUNT_TIED = re.compile(
    rf"(?<![\w/.,])(?P<n>{NUMBER})\s+(?P<noun>{_NOUN}){_NOUN_KIND}\s+"
    rf"{fragment('member_tie_after')}",
    re.IGNORECASE,
)
# "Cụm thi đua 5 thành phố trực thuộc Trung ương", never "Khối thi đua số 4 tỉnh X" (an ordinal).
_COUNT_IN_NAME = re.compile(
    r"(?<![\w/.,])(?<!số\s)(?P<n>\d{1,2})\s+(?P<noun>tỉnh|thành\s+phố|huyện|quận|sở|đơn\s+vị)\b",
    re.IGNORECASE,
)
# "gồm Công an 5 tỉnh Tây Nguyên", "gồm UBND 9 huyện", "gồm Ủy ban MTTQ Việt Nam của 9
# xã, phường": a kind of unit, then how many.
_COUNT_AFTER_UNIT_KIND = re.compile(
    rf"\b(?:bao\s+gồm|gồm)\s+(?-i:{fragment('unit_head')})(?:\s+[A-ZĐ]\w*){{0,4}}(?:\s+của)?\s+"
    rf"(?P<n>{NUMBER})\s+(?P<noun>{_NOUN})\b",
    re.IGNORECASE,
)
_LIST_INTRO = re.compile(
    rf"(?:\b(?:bao\s+gồm|gồm\s+có|gồm|có)(?:\s+(?:các\s+|{NUMBER}\s+|các\s+{NUMBER}\s+)(?-i:{_NOUN})(?:\s+thành\s+viên)?"
    rf"(?:[^:;.\n]{{0,80}}:)?)?(?:\s+(?:là|như|sau))?\s*:?(?:\s*\()?"  # "gồm 4 đơn vị (Sở …)"
    rf"|\bthành\s+viên(?:\s+(?:trong|của|thuộc)\s+(?:khối|cụm))?\s*:|\btrong\s+đó\s+có|\bnhư\s*:?)\s*",
    re.IGNORECASE,
)
_MEMBERSHIP = re.compile(
    r"thành\s+viên|(?:đơn\s+vị|cơ\s+quan|doanh\s+nghiệp)\s+(?:trong|thuộc)\s+(?:khối|cụm)"
)
_BLOC_SUBJECT = re.compile(r"(?i)\b(?:khối|cụm)\b[^,.;:]{0,60}$")
_LEADING_COUNT = re.compile(rf"^(?:{NUMBER})\s+(?:{_NOUN})\s+", re.IGNORECASE)
# "gồm 7 trường THPT thuộc Sở …": the counted noun goes on being described, no list follows.
_COUNTED_NOUN_DESCRIBED = re.compile(
    r"^[^,;:]{0,40}?\s(?:thuộc|trực\s+thuộc|của|trên\s+địa\s+bàn)\s", re.IGNORECASE
)
_A_NUMBER = re.compile(rf"(?<!\w)(?:{NUMBER})(?!\w)", re.IGNORECASE)
# "gồm các quận 3, 10 …": the kind of locality belongs to the list, not to its intro.
_INTRO_LOCALITY = re.compile(rf"\bcác\s+{LOCALITY}\s*$", re.IGNORECASE)
# "UBND các huyện", "thị xã phía Tây Nam của tỉnh": a class of units or a description,
# not one unit named (a locality's name is capitalised or a number).
_CLASS_OF_UNITS = re.compile(rf"(?i)^(?:\S+\s+){{0,3}}các\s+{LOCALITY}$")
# ("Huyện đoàn Mộ Đức", "Thị ủy …": the Youth Union's or the Party's committee, a unit.)
_LOCALITY_THEN = re.compile(rf"(?i)^{LOCALITY}\s+(?!(?:đoàn|ủy|uỷ)\b)(\S)")


def _names_no_unit(name: str) -> bool:
    after_locality = _LOCALITY_THEN.match(name)
    return bool(
        _CLASS_OF_UNITS.match(name) or (after_locality and after_locality.group(1).islower())
    )


_OTHER_CLAUSE = re.compile(r"[.;:\n]|\d\s+(?:khối|cụm)\b", re.IGNORECASE)


def _is_excluded(text: str, start: int, bloc_spans: list[tuple[int, int]]) -> bool:
    before = LEX["not_member_count_before"].search(text[max(0, start - 20) : start])
    if not before:
        return False
    # "Khối thi đua số 4 tỉnh X với 10 đơn vị thành viên": "với" right after one named
    # bloc gives its size (after "17 khối, cụm thi đua" it gives a province's total).
    # So does "với" later in the sentence that names it ("Khối thi đua X tổ chức ký kết
    # giao ước với 17 tổ chức tín dụng thành viên"), with no other count of blocs between.
    return not (
        before.group(0).strip().lower() == "với"
        and any(
            len(text[s:e].split()) > 3
            and e <= start
            and (
                not text[e:start].replace("với", "", 1).strip()
                or (start - e < 200 and not _OTHER_CLAUSE.search(text, e, start))
            )
            for s, e in bloc_spans
        )
    )


def member_count(
    text: str, bloc_spans: list[tuple[int, int]]
) -> tuple[int, tuple[int, int]] | None:
    """The stated number of members, by the strength of its tie to membership."""
    for pattern in (_COUNT_AFTER_INTRO, _COUNT_TIED, _COUNT_AFTER_UNIT_KIND):
        for m in pattern.finditer(text):
            if pattern is _COUNT_TIED and _is_excluded(text, m.start(), bloc_spans):
                continue
            if (
                pattern is _COUNT_AFTER_INTRO
                and not m.group(0).lower().startswith(("gồm", "bao"))
                and not (
                    LEX["member_tie_after"].match(text, m.end() + 1)
                    or "thành viên" in m.group("noun").lower()
                    or _BLOC_SUBJECT.search(text[max(0, m.start() - 60) : m.start()])
                )
            ):
                continue
            n = parse_count(m.group("n"))
            if n and 2 <= n <= 200:
                return n, m.span("n")
    for start, end in bloc_spans:  # "Cụm thi đua 5 thành phố trực thuộc Trung ương"
        m = _COUNT_IN_NAME.search(text, start, end)
        if m:
            return int(m.group("n")), m.span("n")
    return None


# A list set out line by line after its intro ("gồm:\n• Sở A;\n• Sở B;").
_BULLET_LINE = re.compile(r"\s*(?:[-–•+*]|\d{1,2}[.)])[ \t]*(?P<item>[^\n]+)")


def _bulleted(text: str, start: int) -> tuple[str, int] | None:
    """The items of a bulleted list starting at `start`, joined by ';', and its end."""
    items, pos = [], start
    while (m := _BULLET_LINE.match(text, pos)) and "\n" in text[pos - 1 : m.start("item")]:
        items.append(m.group("item").rstrip(" ;.,"))
        pos = m.end()
    return ("; ".join(items), pos) if len(items) >= 2 else None


# A table flattened to text: after "gồm:", one unit a line and no marks; a blank line or
# a line that opens with no unit's head word ends it.
_UNIT_LINE = re.compile(
    rf"[ \t]*\n[ \t]*(?P<item>(?-i:{fragment('unit_head')})\b[^\n.;:]{{0,100}}?)[ \t;.,]*(?=\n|$)"
)


def _unit_lines(text: str, start: int) -> tuple[str, int] | None:
    """The units set out one a line right after `start`, joined by ';', and their end."""
    pos = start
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1  # the intro's pattern ate the line break
    items = []
    while m := _UNIT_LINE.match(text, pos):
        items.append(m.group("item"))
        pos = m.end()
    return ("; ".join(items), pos) if len(items) >= 2 else None


# "Sở Công Thương (Khối trưởng), Sở Xây dựng (Khối phó), …": a role noted in brackets
# inside a list does not close it.
_ROLE_IN_BRACKETS = re.compile(
    rf"\(\s*(?:đơn\s+vị\s+)?(?:{fragment('leader_role')}|{fragment('deputy_role')})"
    r"(?:\s+năm\s+\d{4})?\s*\)",
    re.IGNORECASE,
)


# "Điển hình như A nộp …, B có …", "Một số đơn vị … như: A với …; B với …": the bloc's
# units given as examples, each with what it did; the units are members where the
# bloc's units were just spoken of.
_EXAMPLES_OF = re.compile(
    r"(?:điển\s+hình|tiêu\s+biểu)\s*$"
    r"|(?:một\s+số|nhiều)\s+(?:đơn\s+vị|doanh\s+nghiệp|cơ\s+quan)\b[^.;:]*$"
)
_EXAMPLES_REACH = 800  # characters back to where the bloc's units were spoken of
_UNIT_START = re.compile(fragment("unit_head") + r"\s")
_WHAT_IT_DID = re.compile(
    r"\s+(?:với|có|nộp|đạt|được|đã|là|luôn|đều|tổ\s+chức|triển\s+khai|thực\s+hiện|dẫn\s+đầu|"
    r"hoàn\s+thành|giữ|tích\s+cực|vượt|tăng|góp)\b"
)
_QUOTED_PART = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")


def example_units(text: str, start: int) -> list[tuple[str, int, int]]:
    """The units named as examples from `start` to the sentence's end, each cut where
    what it did begins ('Công ty A nộp ngân sách 20 tỷ đồng' → 'Công ty A')."""
    end = sentence_end(text, start)
    chunk = _QUOTED_PART.sub(lambda q: " " * len(q.group()), text[start:end])
    items: list[tuple[str, int, int]] = []
    for piece in re.finditer(r"[^,;]+", chunk):
        lead = len(piece.group()) - len(piece.group().lstrip())
        raw = piece.group().strip()
        if not _UNIT_START.match(raw):
            continue
        cut = _WHAT_IT_DID.search(raw)
        name = clean_unit(raw[: cut.start()] if cut else raw)
        if not name or not looks_like_unit(name) or _names_no_unit(name):
            continue
        span = locate(text, name, start + piece.start() + lead, start + piece.end())
        if span:
            items.append((name, *span))
    return items


# "A và B được Cụm suy tôn là đơn vị dẫn đầu", "Hội nghị suy tôn A và B là hai đơn vị dẫn
# đầu Khối": the units a bloc ranks by its own vote are its members (`ranked_units`).
_RANKED_SUBJECT = re.compile(
    r"(?i)\s+được\s+(?:(?:khối|cụm)(?:\s+thi\s+đua)?\s+|hội\s+nghị\s+)?suy\s+tôn\b"
)
_RANKS = re.compile(r"(?i)\bsuy\s+tôn\s+")
_RANK_GIVEN = re.compile(
    r"(?i),?\s+(?:là\s+(?:\S+\s+)?(?:đơn\s+vị|tập\s+thể)\b|dẫn\s+đầu|đứng\s+(?:thứ|đầu)|"
    r"nhận\s+cờ|xếp\s+(?:thứ|hạng)|đề\s+nghị)"
)
_CLAUSE_START = re.compile(r"[.;:\n]")


def ranked_units(text: str) -> list[tuple[str, int, int]]:
    """The units the bloc ranks ('suy tôn'), before 'được … suy tôn' or after 'suy tôn'
    up to the rank given them; never a class of units ('suy tôn các đơn vị …')."""
    chunks = []
    for m in _RANKED_SUBJECT.finditer(text):
        starts = [c.end() for c in _CLAUSE_START.finditer(text, max(0, m.start() - 300), m.start())]
        chunks.append((starts[-1] if starts else max(0, m.start() - 300), m.start()))
    for m in _RANKS.finditer(text):
        given = _RANK_GIVEN.search(text, m.end(), sentence_end(text, m.end()))
        if given:
            chunks.append((m.end(), given.start()))
    items: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for start, end in chunks:
        pos = start
        for raw in split_units(text[start:end]):
            raw_span = locate(text, raw, pos, end + 1)
            pos = raw_span[1] if raw_span else pos
            name = clean_unit(raw)
            if (
                not _UNIT_START.match(name + " ")
                or not looks_like_unit(name)
                or _names_no_unit(name)
            ):
                continue
            span = locate(text, name, raw_span[0] if raw_span else start, end + 1)
            if span and _fold_unit(name) not in seen:
                seen.add(_fold_unit(name))
                items.append((name, *span))
    return items


def _list_end(text: str, start: int) -> int:
    window = text[start : start + 1500]
    window = _ROLE_IN_BRACKETS.sub(lambda m: " " * len(m.group()), window)
    m = LEX["list_stop"].search(window)
    return start + (m.start() if m else len(window))


# a locality's own kind, after "UBND" if any (group 1)
_LOCALITY_HEAD = re.compile(rf"(?i)^(?:(?:UBND|[ủu]ỷ?\s*ban\s+nhân\s+dân)\s+)?({LOCALITY})\s+")
# "các huyện: A, B", "5 huyện: …": the kind of locality a list gives its bare names
_KIND_LISTED = re.compile(rf"(?i)\b(?:các|\d{{1,2}})\s+({LOCALITY})\b")
# The kind of unit and of locality before a name ("Hội Nông dân huyện"), which a list may
# write once for all its members ("Hội Nông dân các huyện A, B và C").
_KIND_AND_LOCALITY = re.compile(rf"(?i)^(?:[^,;:()]{{0,40}}?\s)?{LOCALITY}\s+")


def _fold_unit(name: str) -> str:
    """'UBND quận Bình Thủy', 'xã Phước Vĩnh Tây' and their bare names name one member
    ('Công an huyện A' and 'Tòa án nhân dân huyện A' are two)."""
    return _LOCALITY_HEAD.sub("", name).lower()


def _locality_kind(name: str, listed_before: str) -> str | None:
    """The kind of locality a list item names: its own ('thành phố Cao Lãnh'), else the
    one its list gave all the bare names before it ('các huyện: Tháp Mười, Cao Lãnh',
    '5 huyện: …')."""
    own = _LOCALITY_HEAD.match(name)
    kinds = [own] if own else list(_KIND_LISTED.finditer(listed_before))
    if not kinds:
        return None
    return " ".join(kinds[-1].group(1).lower().split())


def _same_member(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """Folded names alike, unless they are localities of two kinds: 'huyện Cao Lãnh'
    and 'thành phố Cao Lãnh' are two members."""
    return a[0] == b[0] and (a[1] is None or b[1] is None or a[1] == b[1])


def member_list(text: str) -> list[tuple[str, int, int]]:
    """The first list of units introduced as the bloc's members."""
    for m in _LIST_INTRO.finditer(text):
        context = text[max(0, m.start() - 160) : m.start()].lower()
        if m.group(0).lower().startswith("như") and _EXAMPLES_OF.search(context):
            before = text[max(0, m.start() - _EXAMPLES_REACH) : m.start()].lower()
            examples = example_units(text, m.end()) if _MEMBERSHIP.search(before) else []
            if len(examples) >= 2:
                return examples
            continue
        if not re.search(r"khối|cụm|thành\s+viên", context + m.group(0).lower()):
            continue
        near = context if ":" in m.group(0) else context[-60:]
        if m.group(0).lower().startswith("như") and not _MEMBERSHIP.search(near):
            continue  # "như" lists members only where membership was just stated
        if m.group(0).lower().startswith("có") and not (
            _BLOC_SUBJECT.search(text[max(0, m.start() - 60) : m.start()])
            and re.search(r"(?:là|:)\s*$", m.group(0))
        ):
            continue  # "có" opens a list only as "Khối có N đơn vị là/:"
        start = m.end()
        locality = _INTRO_LOCALITY.search(m.group(0))
        if locality:
            start = m.start() + locality.start()
        bulleted = _bulleted(text, start) or _unit_lines(text, start)
        if bulleted:
            chunk, end = bulleted
        else:
            end = _list_end(text, start)
            chunk = text[start:end]
        if not chunk[:1].isupper() and not re.match(rf"(?i)(?:{LOCALITY}|các\s)", chunk):
            continue
        if (
            _A_NUMBER.search(m.group(0))
            and not re.search(r"(?:là|:|\()\s*$", m.group(0))
            and _COUNTED_NOUN_DESCRIBED.match(chunk)
        ):
            continue
        items, pos = [], start
        seen: list[tuple[str, str | None]] = []  # folded name, kind of locality
        for raw in split_units(chunk):
            raw_span = locate(text, raw, pos, end + 1)
            pos = raw_span[1] if raw_span else pos
            name = _LEADING_COUNT.sub("", strip_role_note(raw))
            name = clean_unit(name)
            if not name or not looks_like_unit(name) or _names_no_unit(name):
                continue
            from_pos = raw_span[0] if raw_span else start
            # "quận 10" from "các quận 3, 10": the evidence is the number as written
            span = locate(text, name, from_pos, end + 1) or locate(
                text, _KIND_AND_LOCALITY.sub("", name), from_pos, end + 1
            )
            member = (_fold_unit(name), _locality_kind(name, text[start:from_pos]))
            if span and not any(_same_member(member, other) for other in seen):
                items.append((name, *span))
                seen.append(member)
        if len(items) >= 2:
            return items
    return []


# A table of the bloc's units and their roles, read as a list ("1. Sở A - Khối trưởng",
# "2. Sở B - Thành viên"): every unit in it is a member.
_ROLE_ROW = re.compile(
    r"(?im)^[ \t]*(?:\d{1,2}[.)]|[-–•+*])[ \t]*(?P<unit>[^\n]{4,150}?)[ \t]*[-–:][ \t]*"
    rf"(?P<role>{fragment('leader_role')}|{fragment('deputy_role')}|thành\s+viên)"
    r"(?:\s+năm\s+\d{4})?[ \t.;,]*$"
)


def role_table(text: str) -> list[tuple[str, int, int]]:
    """The units of the first run of role rows (two or more, on consecutive lines, one
    of them a plain member): a table of who leads and who belongs is a member list."""
    rows: list[re.Match[str]] = []
    for m in _ROLE_ROW.finditer(text):
        if rows and text.count("\n", rows[-1].end(), m.start()) > 1:
            if _is_membership(rows):
                break
            rows = []
        rows.append(m)
    if not _is_membership(rows):
        return []
    items = []
    for row in rows:
        name = clean_unit(row.group("unit"))
        span = locate(text, name, row.start("unit"), row.end("unit") + 1) if name else None
        if span and looks_like_unit(name):
            items.append((name, *span))
    return items if len(items) >= 2 else []


def _is_membership(rows: list[re.Match[str]]) -> bool:
    return len(rows) >= 2 and any(r.group("role").lower().startswith("thành") for r in rows)


# "Các đơn vị thành viên khác gồm …", "các thành viên còn lại là …": the units named
# with a role just before are members too.
_OTHERS = re.compile(r"(?i)\b(?:thành\s+viên|đơn\s+vị|cơ\s+quan)\s+(?:khác|còn\s+lại)\b")


def _with_roles(doc: Doc, items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The leader and deputies first, then the other members listed."""
    named = {_fold_unit(n) for n, _, _ in items}
    roles = []
    for name in ("leader_unit", "deputy_units"):
        found = doc._.fields.get(name)
        if not found:
            continue
        values = found.value if isinstance(found.value, list) else [found.value]
        for value, span in zip(values, found.spans, strict=False):
            if _fold_unit(value) not in named:
                named.add(_fold_unit(value))
                roles.append((value, *span))
    return roles + items


@Language.component("giaouoc_members")
def members_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    text = text_of(doc)
    bloc = doc._.fields.get("bloc_name")
    named = [(b.start, b.end) for b in doc_mentions(doc) if b.with_thi_dua]
    count = member_count(text, (bloc.spans[:1] if bloc else []) + named)
    if count:
        put(doc, "member_count", count[0], [count[1]])
    items = member_list(text) or role_table(text)
    ranked = [] if items else ranked_units(text)
    if ranked:  # units named only as ranked, with those leading the bloc
        items = _with_roles(doc, ranked)
    leader = doc._.fields.get("leader_unit")
    leader_missing = leader and all(leader.value.lower() not in n.lower() for n, _, _ in items)
    if items and leader_missing and count and count[0] == len(items) + 1:
        items.append((leader.value, *leader.spans[0]))  # the leader counts among them
    if items and _OTHERS.search(text[max(0, items[0][1] - 80) : items[0][1]]):
        items = _with_roles(doc, items)
    if items:
        put(doc, "members", [n for n, _, _ in items], [(s, e) for _, s, e in items])
    return doc
