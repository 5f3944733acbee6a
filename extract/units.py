"""Unit names folded to one key, so one agency is one unit across articles and years.

Vietnamese news names the same agency many ways: "Sở TN&MT", "Sở Tài nguyên - Môi
trường tỉnh Bắc Ninh", "Sở Tài Nguyên và Môi Trường". Joining members, leaders and
blocs across articles needs one key for all of them. The abbreviations, province names
and spelling variants live in ``data/abbreviations.yaml``; this module only applies them.

The key is a match key, not a display name: lower case, connectors ("và", "&", "-")
and punctuation folded away, a trailing province qualifier dropped (within a bloc the
province is known from the event, and articles mention it inconsistently).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

import yaml
from rapidfuzz import fuzz

from extract import admin
from extract.resources import DATA_DIR

ABBREVIATIONS_FILE = DATA_DIR / "abbreviations.yaml"

# Separators that may appear inside an abbreviation ("LĐ-TB&XH", "TN & MT", "NN và PTNT").
_ABBR_SEPARATOR = r"(?:[\s&\-–—,.]|và)*"
_SEPARATORS_IN_MATCH = re.compile(r"[\s&\-–—,.]+|và")
_WORD_CHAR = r"[^\W_]"  # a letter or digit, Unicode-aware
_PARENTHETICAL = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\w]+|_+")
_NUMBER_TOKEN = re.compile(r"^(\d+|[ivxlc]+)$")


@dataclass(frozen=True)
class _Rules:
    abbreviation_pattern: re.Pattern[str]  # every abbreviation, longest first, one pass
    expansions: dict[str, str]  # abbreviation without separators -> full form
    tone_marks: list[tuple[re.Pattern[str], str]]
    connectors: frozenset[str]
    province_suffix: re.Pattern[str]
    min_ratio: float


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _abbreviation_parts(abbreviation: str) -> list[str]:
    return [p for p in re.split(r"[\s&\-–—,.]+", _nfc(abbreviation)) if p]


def _abbreviation_body(abbreviation: str) -> str:
    return _ABBR_SEPARATOR.join(re.escape(p) for p in _abbreviation_parts(abbreviation))


@cache
def _rules() -> _Rules:
    data = yaml.safe_load(ABBREVIATIONS_FILE.read_text(encoding="utf-8"))
    abbreviations = sorted(
        data["abbreviations"].items(),
        key=lambda item: len("".join(_abbreviation_parts(item[0]))),
        reverse=True,
    )
    any_abbreviation = "|".join(_abbreviation_body(a) for a, _ in abbreviations)
    tone_marks = [
        (re.compile(rf"{re.escape(_nfc(old))}(?!{_WORD_CHAR})"), _nfc(new))
        for old, new in data["tone_mark_variants"].items()
    ]
    connectors = frozenset(_nfc(w) for w in data["connector_words"])
    cities = [
        _fold_words(name, connectors, tone_marks)
        for prov in admin.provinces()
        if prov.is_city
        for name in admin.spellings(prov)
    ]
    provinces = [
        _fold_words(name, connectors, tone_marks)
        for prov in admin.provinces()
        for name in admin.spellings(prov)
    ]
    any_province = "|".join(re.escape(p) for p in sorted(provinces, key=len, reverse=True))
    any_city = "|".join(re.escape(c) for c in sorted(cities, key=len, reverse=True))
    return _Rules(
        abbreviation_pattern=re.compile(
            rf"(?<!{_WORD_CHAR})(?:{any_abbreviation})(?!{_WORD_CHAR})"
        ),
        expansions={"".join(_abbreviation_parts(a)): _nfc(full) for a, full in abbreviations},
        tone_marks=tone_marks,
        connectors=connectors,
        province_suffix=re.compile(
            rf"(?: tỉnh(?: (?:{any_province}))?| thành phố (?:{any_city}))$"
        ),
        min_ratio=float(data["same_unit_min_ratio"]),
    )


def _fold_words(
    text: str,
    connectors: frozenset[str],
    tone_marks: list[tuple[re.Pattern[str], str]],
) -> str:
    """Lower case, modern tone marks, punctuation and connector words removed."""
    text = _nfc(text).lower()
    for pattern, replacement in tone_marks:
        text = pattern.sub(replacement, text)
    words = [w for w in _NON_WORD.split(text) if w and w not in connectors]
    return " ".join(words)


def expand_abbreviations(name: str) -> str:
    """The name with every known abbreviation written out."""
    rules = _rules()

    def full_form(match: re.Match[str]) -> str:
        return f" {rules.expansions[_SEPARATORS_IN_MATCH.sub('', match.group(0))]} "

    text = rules.abbreviation_pattern.sub(full_form, _nfc(name))
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1 << 16)
def normalize_unit(name: str) -> str:
    """The match key of a unit, bloc or agency name ("" for a blank name)."""
    rules = _rules()
    text = _PARENTHETICAL.sub(" ", _nfc(name or ""))
    text = expand_abbreviations(text)
    key = _fold_words(text, rules.connectors, rules.tone_marks)
    stripped = rules.province_suffix.sub("", key).strip()
    return stripped or key


@lru_cache(maxsize=1 << 16)
def normalize_phrase(text: str) -> str:
    """A free-text phrase (a goal, a title) folded the same way, without dropping places."""
    rules = _rules()
    return _fold_words(expand_abbreviations(text or ""), rules.connectors, rules.tone_marks)


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_sub_multiset(small: Counter[str], big: Counter[str]) -> bool:
    return all(big[token] >= count for token, count in small.items())


def same_unit(a: str, b: str) -> bool:
    """Whether two written names denote the same unit.

    Equal keys match. Beyond that only two kinds of slip are forgiven, because
    Vietnamese unit names often differ by one letter or accent and mean another place
    ("Phú Ninh" / "Phù Ninh", "Cụm số 1" / "Cụm số 2"): a name written without any
    accents, and a dropped or added word ("Ban quản lý các KCN" / "Ban quản lý KCN")
    when the names stay close (rapidfuzz ratio) and no number differs.
    """
    key_a, key_b = normalize_unit(a), normalize_unit(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    plain_a, plain_b = _strip_diacritics(key_a), _strip_diacritics(key_b)
    if plain_a == plain_b and (plain_a == key_a or plain_b == key_b):
        return True
    tokens_a, tokens_b = Counter(key_a.split()), Counter(key_b.split())
    numbers_a = {t for t in tokens_a if _NUMBER_TOKEN.match(t)}
    numbers_b = {t for t in tokens_b if _NUMBER_TOKEN.match(t)}
    if numbers_a != numbers_b:
        return False
    if not (_is_sub_multiset(tokens_a, tokens_b) or _is_sub_multiset(tokens_b, tokens_a)):
        return False
    return fuzz.ratio(key_a, key_b) >= _rules().min_ratio
