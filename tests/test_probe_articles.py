"""Accuracy beyond the dev set: six sets of probe articles must each score at least their floor.

The dev and seed articles (``test_eval_ratchet``) come from a handful of sites; the
extractor is meant for many more. ``fixtures/probe_articles.jsonl`` holds short articles
written for this test in the styles of other portals and papers (departments, provincial
papers, trade unions, enterprise, police, army and school blocs, district and commune
clusters, non-relevant stories that only say "thi đua", "khối" or "giao ước"), with the
dates, counts, roles, member lists, spellings and Unicode forms such sites use.
``fixtures/probe_articles.gold.jsonl`` holds the record ``../shared/eval/GUIDE.md`` asks
for each. ``fixtures/probe2_articles.jsonl`` is a second, later set in yet other styles
(sector sites: tax, treasury, customs, health, schools, police, army, Front, farmers',
youth and women's unions; commune and ward clusters after the 2025 merger; flattened
tables, lettered goals, relative days such as "chiều hôm qua", guidance documents and
honours that only look like bloc events), written while the first set scored 0.999, to
find failures the first one no longer shows. Runs the real ``giaouoc extract`` and
scores it by the contract's rules (SCHEMA.md, "How it is scored"), with no file outside
this repository. The floors live in ``probe_floor.json``, one per set; raise them when
the extractor gets better, never lower them.

``fixtures/noisy_articles.jsonl`` holds articles written the same way but laid out as
portals' pages are scraped: breadcrumbs, "today" banners, view counters, share and print
rows, captions, bylines, readers' comments, tags, tables, and lists of other stories
(above the headline, inside the body, under it, with or without a heading) that name
other blocs, leaders, years and signings. Its floor is in ``probe_floor.json`` too.

``fixtures/blind_articles.jsonl`` is a set written blind, without reading the other
sets' articles, in yet other sites' styles (courts, procuracy, veterans, Red Cross,
credit institutions, universities, electricity, cooperatives, post-2025 commune and
ward clusters), scored first on the extractor as it stood (0.963 macro F1) and kept
as a measure of how the rules carry to text they were not written for.
``fixtures/blind2_articles.jsonl`` is a second blind set, written the same way later
(a sector's own portal, district and commune portals after the 2025 merger, a bank, a
trade union, police, army, schools, a cooperative alliance, the Front; sector names
with commas, numbered "(1)" pledge contents, abbreviated members), first scored at
0.984 and kept for the same purpose. ``fixtures/blind3_articles.jsonl`` is a third,
written in two halves of ten (provinces merged in 2025, commune portals, a sports day
and a cross-inspection, bylines naming the author's office, tables with a header row,
guests' directions, pledges recalled in a launch), first scored at 0.988 and 0.953.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.admin import provinces
from pipelines.cli import app

FIXTURES = Path(__file__).with_name("fixtures")
FLOOR_FILE = Path(__file__).with_name("probe_floor.json")
# Each set: its articles' file stem in fixtures/ and the key of its floor in FLOOR_FILE.
SETS = {
    "probe_articles": "macro_f1",
    "probe2_articles": "probe2_macro_f1",
    "noisy_articles": "noisy_macro_f1",
    "blind_articles": "blind_macro_f1",
    "blind2_articles": "blind2_macro_f1",
    "blind3_articles": "blind3_macro_f1",
}

SINGLE = ["event_type", "event_date", "published_date", "year", "province", "bloc_kind"]
SINGLE += ["member_count"]
NAMES = ["bloc_name", "leader_unit"]
LISTS = ["members", "deputy_units"]
FIELDS = ["relevant", *SINGLE, *NAMES, *LISTS, "goals"]
NAME_MATCH = 0.8  # Dice overlap of folded tokens for two names to be one
GOAL_MATCH = 0.8  # share of a gold phrase's tokens a goal item must hold
GOAL_ITEM_MAX = 400  # a longer item is a paragraph, not a goal

# The common abbreviations of unit names, written out before names are compared.
ABBREVIATIONS = {
    r"lđ\s*-?\s*tb\s*(?:&|và)\s*xh": "lao động thương binh và xã hội",
    r"vh\s*[-,]?\s*tt\s*(?:&|và)\s*dl": "văn hóa thể thao và du lịch",
    r"gd\s*(?:&|và)\s*đt": "giáo dục và đào tạo",
    r"tn\s*(?:&|và)\s*mt": "tài nguyên và môi trường",
    r"kh\s*(?:&|và)\s*đt": "kế hoạch và đầu tư",
    r"kh\s*(?:&|và)\s*cn": "khoa học và công nghệ",
    r"nn\s*(?:&|và)\s*ptnt": "nông nghiệp và phát triển nông thôn",
    r"ptnt": "phát triển nông thôn",
    r"ubnd": "ủy ban nhân dân",
    r"mttq": "mặt trận tổ quốc",
    r"kcn": "khu công nghiệp",
    r"thpt": "trung học phổ thông",
    r"tnhh": "trách nhiệm hữu hạn",
    r"mtv": "một thành viên",
    r"tp\.?": "thành phố",
}
_ABBREVIATIONS = [
    (re.compile(rf"(?<!\w)(?:{p})(?!\w)"), f" {s} ") for p, s in ABBREVIATIONS.items()
]


def fold(text: object) -> list[str]:
    """Lower case, abbreviations written out, no diacritics, no punctuation."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    for pattern, expansion in _ABBREVIATIONS:
        text = pattern.sub(expansion, text)
    text = unicodedata.normalize("NFD", text.replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w%]+", " ", text).split()


def _province_words() -> list[list[str]]:
    names = [fold(p.name) for p in provinces()]
    return sorted(names, key=len, reverse=True)


def name_tokens(name: str, places: list[list[str]]) -> list[str]:
    """A unit's tokens without "tỉnh"/"thành phố" and province names ("Sở Y tế Bắc Ninh")."""
    tokens = [t for t in fold(name) if t not in {"tinh", "thanh", "pho"}]
    out, i = [], 0
    while i < len(tokens):
        place = next((p for p in places if tokens[i : i + len(p)] == p), None)
        if place:
            i += len(place)
        else:
            out.append(tokens[i])
            i += 1
    return out or fold(name)


def same_name(a: str, b: str, places: list[list[str]]) -> bool:
    x, y = Counter(name_tokens(a, places)), Counter(name_tokens(b, places))
    total = sum(x.values()) + sum(y.values())
    return total > 0 and 2 * sum((x & y).values()) / total >= NAME_MATCH


def contains(item: str, phrase: str) -> bool:
    have, want = Counter(fold(item)), Counter(fold(phrase))
    return sum((have & want).values()) / max(1, sum(want.values())) >= GOAL_MATCH


def one_to_one(gold: list[str], pred: list[str], same) -> int:
    used: set[int] = set()
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and same(g, p)), None)
        if hit is not None:
            used.add(hit)
    return len(used)


def options(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def score(gold: dict[str, dict], pred: dict[str, dict]) -> tuple[float, dict, list[str]]:
    """Macro F1 over the contract's fields, the F1 of each, and every mismatch."""
    places = _province_words()
    tally = {f: Counter() for f in FIELDS}
    errors: list[str] = []
    for key, g in gold.items():
        p = pred.get(key, {})
        g_rel, p_rel = bool(g["relevant"]), bool(p.get("relevant"))
        tally["relevant"].update(tp=g_rel and p_rel, fp=p_rel and not g_rel, fn=g_rel > p_rel)
        if g_rel != p_rel:
            errors.append(f"{key} relevant: gold {g_rel}, got {p_rel}")
        if not g_rel:
            continue
        for field in SINGLE + NAMES:
            want, got = g.get(field), p.get(field)
            if field in NAMES:
                ok = got is not None and any(same_name(w, got, places) for w in options(want))
            elif field == "province":
                ok = got is not None and any(fold(w) == fold(got) for w in options(want))
            else:
                ok = got is not None and any(str(w) == str(got) for w in options(want))
            if want is None:
                tally[field].update(fp=got is not None)
            else:
                tally[field].update(tp=ok, fp=got is not None and not ok, fn=not ok)
            if (want is None) != (got is None) or (want is not None and not ok):
                errors.append(f"{key} {field}: gold {want!r}, got {got!r}")
        for field in LISTS:
            want, got = g.get(field) or [], p.get(field) or []
            hits = one_to_one(want, got, lambda a, b: same_name(a, b, places))
            tally[field].update(tp=hits, fp=len(got) - hits, fn=len(want) - hits)
            if hits != len(want) or hits != len(got):
                errors.append(f"{key} {field}: gold {want!r}, got {got!r}")
        want, got = g.get("goals") or [], p.get("goals") or []
        short = [item for item in got if len(item) <= GOAL_ITEM_MAX]
        recalled = sum(any(contains(item, w) for item in short) for w in want)
        precise = sum(any(contains(item, w) for w in want) for item in short)
        tally["goals"].update(tp=recalled, fn=len(want) - recalled, fp=len(got) - precise)
        if recalled != len(want) or precise != len(got):
            errors.append(f"{key} goals: gold {want!r}, got {got!r}")
    f1 = {}
    for field, t in tally.items():
        tp, fp, fn = t["tp"], t["fp"], t["fn"]
        f1[field] = 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
    return sum(f1.values()) / len(f1), f1, errors


def load(path: Path) -> dict[str, dict]:
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {r["id"]: r for r in records}


def _files(stem: str) -> tuple[Path, Path]:
    return FIXTURES / f"{stem}.jsonl", FIXTURES / f"{stem}.gold.jsonl"


@pytest.mark.parametrize("stem", SETS)
def test_gold_records_are_complete_contract_records(stem: str) -> None:
    articles, gold = (load(path) for path in _files(stem))
    assert list(articles) == list(gold)
    assert 20 <= len(gold) <= 40  # big enough to measure, small enough to read
    for record in gold.values():
        assert set(FIELDS) <= set(record), record["id"]
        if not record["relevant"]:
            assert all(record[f] in (None, []) for f in FIELDS if f != "relevant"), record["id"]


def test_probe_sets_do_not_share_articles() -> None:
    ids = [set(load(_files(stem)[0])) for stem in SETS]
    assert not set.intersection(*ids)


@pytest.mark.parametrize("stem", SETS)
def test_probe_macro_f1_does_not_fall_below_the_floor(stem: str, tmp_path: Path) -> None:
    floor = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))[SETS[stem]]
    articles, gold_file = _files(stem)
    predictions = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", str(articles), "-o", str(predictions)])
    assert result.exit_code == 0, result.stderr
    gold, pred = load(gold_file), load(predictions)
    assert set(pred) == set(gold)

    macro, per_field, errors = score(gold, pred)
    assert macro >= floor, (
        f"{stem} macro F1 {macro:.3f} fell below the floor {floor:.3f}; per field: "
        f"{ {f: round(v, 3) for f, v in per_field.items()} }; mismatches:\n" + "\n".join(errors)
    )
