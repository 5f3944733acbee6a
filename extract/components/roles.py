"""Who leads the bloc (khối trưởng, cụm trưởng, trưởng khối) and who deputises.

The role is a noun that attaches to a unit in a handful of ways Vietnamese reports use:
"X là/làm (đơn vị) Khối trưởng", "X, Khối trưởng …", "X - đơn vị trưởng khối",
"X (đơn vị Trưởng khối)", "Khối trưởng là X". When a review elects next year's leader
and the article is the signing for that year, the elected unit is the leader (GUIDE.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.base import get, put, sentence_start, text_of
from extract.lexicon import LEX, fragment
from extract.unit_phrases import (
    clean_unit,
    expand_short_unit,
    locate,
    looks_like_unit,
    mask_name_commas,
    split_units,
    unmask_name_commas,
)

# Where the clause holding the unit begins; "tại Sở Nội vụ (đơn vị Khối trưởng)" and
# "trao cờ cho Sở Xây dựng - đơn vị Khối trưởng" name the unit after the preposition;
# so does "A phối hợp với B, đơn vị Khối trưởng": the role is B's, A is a partner.
_CLAUSE_START = re.compile(
    r"[,;:(\n]|\.\s|\s(?:bầu|do|trong\s+đó|tại|cho|phối\s+hợp\s+với)\s"
    r"|(?i:" + fragment("leader_role") + "|" + fragment("deputy_role") + r")(?:\s+năm\s+\d{4})?"
)
_BEFORE_LINK = re.compile(
    r"(?:\s+(?:được\s+giao(?:\s+nhiệm\s+vụ)?\s+)?(?:là|làm|giữ\s+(?:vai\s+trò|cương\s+vị|chức)|đảm\s+nhận(?:\s+vai\s+trò|\s+cương\s+vị)?"
    r"|đảm\s+nhiệm(?:\s+vai\s+trò|\s+cương\s+vị)?|(?:(?<!bàn\s)giao|nhận|đảm\s+nhận)\s+nhiệm\s+vụ(?:\s+là)?"
    r"|(?:tiếp\s+)?nhận\s+cờ(?:\s+luân\s+phiên)?)"
    r"\s+(?:(?:hai|ba|bốn|các|những|\d)\s+)?(?:đơn\s+vị\s+|tỉnh\s+|huyện\s+|cơ\s+quan\s+)?|\s*[,–—-]\s*(?:là\s+)?(?:đơn\s+vị\s+)?"
    r"|\s*\(\s*(?:là\s+)?(?:đơn\s+vị\s+)?)$",
    re.IGNORECASE,
)
# "Khối trưởng (Khối thi đua số 3) (năm 2024) là X": the bloc's name may stand between.
# "bàn giao nhiệm vụ Khối trưởng năm 2025 cho X": the unit handed the role.
_AFTER = re.compile(
    r"(?:\s+(?:khối|cụm)(?:\s+thi\s+đua)?(?:\s+(?!là\b|năm\b|cho\b)[^\s,;.:()]+){0,8}?)?"
    r"(?:\s+năm\s+\d{4})?\s*(?:là|:|(?<=\s)cho\s)\s*(?:đơn\s+vị\s+)?([^,;.()\n]{3,120})",
    re.IGNORECASE,
)
# The year a role is held for, written after it: "Khối trưởng (Khối thi đua) năm 2024".
_ROLE_YEAR = re.compile(
    r"(?:\s+(?:khối|cụm)(?:\s+thi\s+đua)?(?:\s+số\s+\S+)?)?\s+năm(?:\s+học)?\s+((?:19|20)\d\d)",
    re.IGNORECASE,
)


def _units_after(text: str, start: int, raw: str) -> list[tuple[str, int, int]]:
    """'Sở Ngoại vụ và Thanh tra tỉnh' after a role: one or several units."""
    out = []
    for part in split_units(clean_unit(raw)):
        unit = clean_unit(part)
        span = locate(text, unit, start) if unit and looks_like_unit(unit) else None
        if span:
            out.append((unit, *span))
    return out


@dataclass
class RoleMention:
    unit: str
    start: int
    end: int
    elected: bool
    year: int | None = None  # the year the role is said to be held for, if any


def _unit_before(text: str, cue_start: int) -> list[tuple[str, int, int]]:
    head = text[max(0, cue_start - 220) : cue_start]
    link = _BEFORE_LINK.search(head)
    if not link:
        return []
    head = head[: link.start()]
    cut = 0
    for m in _CLAUSE_START.finditer(head):
        cut = m.end()
    return _units_after(text, max(0, cue_start - 220), head[cut:])


def find_roles(text: str, role: str) -> list[RoleMention]:
    out = []
    for m in LEX[role].finditer(text):
        sentence = text[sentence_start(text, m.start()) : m.end()]
        elected = bool(LEX["elected"].search(sentence))
        held = _ROLE_YEAR.match(text, m.end())
        year = int(held.group(1)) if held else None
        # "Khối trưởng là X" names the unit after the role; otherwise it stands before
        # ("X là Khối trưởng", "X, Khối trưởng"), where "A là Khối trưởng, Khối phó là B"
        # would wrongly give A as the deputy.
        after = _AFTER.match(text, m.end())
        units = _units_after(text, after.start(1), after.group(1)) if after else []
        if not units:
            units = _unit_before(text, m.start())
        out.extend(RoleMention(u, s, e, elected, year) for u, s, e in units)
    return out


def of_the_year(mentions: list[RoleMention], year: int | None) -> list[RoleMention]:
    """The mentions for the event's year: those said to be for it, else those that name
    no other year ("X là Khối trưởng năm 2023 … Y làm Khối trưởng năm 2024")."""
    if year is None:
        return mentions
    same = [m for m in mentions if m.year == year]
    return same or [m for m in mentions if m.year is None] or mentions


def choose_leader(
    mentions: list[RoleMention], event_type: str | None, year: int | None = None
) -> RoleMention | None:
    mentions = of_the_year(mentions, year)
    if not mentions:
        return None
    elected = [m for m in mentions if m.elected]
    if event_type == "signing" and elected:
        return elected[0]
    standing = [m for m in mentions if not m.elected]
    return (standing or mentions)[0]


@Language.component("giaouoc_roles")
def roles_component(doc: Doc) -> Doc:
    if not get(doc, "relevant"):
        return doc
    text = mask_name_commas(text_of(doc))
    deputies = find_roles(text, "deputy_role")
    deputy_spans = {(d.start, d.end) for d in deputies}
    leaders = [m for m in find_roles(text, "leader_role") if (m.start, m.end) not in deputy_spans]
    kind = get(doc, "event_type")
    leader = choose_leader(leaders, kind, get(doc, "year"))
    deputies = of_the_year(deputies, get(doc, "year"))
    # Deputies of the same year as the leader: the elected ones for a signing, the
    # standing ones for a review (GUIDE.md: the roles of the year the event concerns).
    elected = [d for d in deputies if d.elected]
    if kind == "signing" and elected:
        deputies = elected
    elif kind == "review" and len(elected) < len(deputies):
        deputies = [d for d in deputies if not d.elected]
    elif kind == "review" and leader and not leader.elected:
        deputies = []

    def named(unit: str) -> str:
        """The unit as the record gives it: in full, with its own commas back."""
        return unmask_name_commas(expand_short_unit(unit, text))

    if leader:
        put(doc, "leader_unit", named(leader.unit), [(leader.start, leader.end)])
    chosen, spans = [], []
    for d in deputies:
        if leader and d.unit == leader.unit:
            continue
        unit = named(d.unit)
        if unit not in chosen:
            chosen.append(unit)
            spans.append((d.start, d.end))
    if chosen:
        put(doc, "deputy_units", chosen, spans)
    return doc
