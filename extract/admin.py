"""Provinces and districts of Việt Nam, from underthesea's administrative-unit data.

underthesea ships the official 63-province list (pre-2025 names, with districts and
wards) and its mapping onto the 34 provinces of the 1 July 2025 reform; the contract
wants pre-2025 names, analysts also want the 2025 ones, so both come from that one
maintained source rather than from a hand-typed list.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

# Names the contract writes differently from the library's current data.
_PRE2025_NAME = {"Huế": "Thừa Thiên Huế"}  # became "Thành phố Huế" on 1 Jan 2025
# Spellings seen in news text for the same province.
_VARIANTS = {
    "Đắk Lắk": ["Đăk Lăk", "Đắc Lắc", "Daklak", "Đắk Lăk"],
    "Đắk Nông": ["Đăk Nông", "Đắc Nông"],
    "Thừa Thiên Huế": ["Thừa Thiên - Huế", "Huế"],
    "Bà Rịa - Vũng Tàu": ["Bà Rịa – Vũng Tàu", "Bà Rịa-Vũng Tàu", "Vũng Tàu"],
    "Hồ Chí Minh": ["HCM", "TPHCM"],  # "TP.HCM", "TP. HCM", and in one word
    "Hòa Bình": ["Hoà Bình"],
    "Khánh Hòa": ["Khánh Hoà"],
    "Thanh Hóa": ["Thanh Hoá"],
}
# Host labels that name a province without its slug.
_HOST_ALIASES = {
    "tphcm": "Hồ Chí Minh",
    "hcmc": "Hồ Chí Minh",
    "hue": "Thừa Thiên Huế",
    "brvt": "Bà Rịa - Vũng Tàu",
}
# Names that are also ordinary phrases: they count only with "tỉnh"/"thành phố" before.
_NEEDS_PREFIX = {"Hồ Chí Minh", "Hòa Bình", "Bình Định", "Long An", "Hà Nam", "Vĩnh Long"}
# Spellings that carry "thành phố" inside them.
_PREFIX_INSIDE = {"tphcm"}


@dataclass(frozen=True)
class Province:
    key: str
    name: str  # pre-2025 short name, as the contract writes it
    name_2025: str  # the province it belongs to since 1 July 2025
    slug: str  # ascii, no spaces: how hosts spell it ("bacninh")
    is_city: bool  # a centrally run city ("thành phố Cần Thơ", not "tỉnh")


def ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@cache
def _mapping() -> dict:
    # found, not imported: importing underthesea costs half a second, and loading
    # records or normalising names needs only this file of it
    spec = find_spec("underthesea")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("underthesea is not installed")
    path = Path(spec.origin).parent / "address" / "data" / "mapping.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def provinces() -> tuple[Province, ...]:
    data = _mapping()
    out = []
    for key, info in data["old_province_names"].items():
        short = _PRE2025_NAME.get(info["short"], info["short"])
        new_key = data["province_mapping"].get(key, key)
        new = data["province_names"].get(new_key, info)["short"]
        slug = re.sub(r"[^a-z]", "", ascii_fold(short))
        out.append(Province(key, short, new, slug, info["name"].startswith("Thành phố")))
    return tuple(out)


@cache
def by_name() -> dict[str, Province]:
    return {p.name: p for p in provinces()}


def to_2025(name: str | None) -> str | None:
    """The 2025 province a pre-2025 province now belongs to."""
    prov = by_name().get(name or "")
    return prov.name_2025 if prov else None


_WORD = re.compile(r"[^\s,.;:()\[\]\"“”!?/]+")
_PREFIX = re.compile(r"(?i)(?:(?:tỉnh|thành\s+phố|tp\.?)\s+|(?<!\w)tp\.)$")  # "TP.HCM" too
_LONGEST = 5  # words in the longest spelling ("Bà Rịa - Vũng Tàu")


def find_provinces(text: str) -> list[tuple[int, int, str, bool]]:
    """Province mentions in text: (start, end, pre-2025 name, has tỉnh/thành phố prefix).

    A mention starts with a capital ("Thái bình" is the province, "hòa bình" is peace);
    names that are also common phrases count only after "tỉnh"/"thành phố".
    """
    names = _exact_names()
    heads = _first_words()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    out = []
    i = 0
    while i < len(words):
        start = words[i][0]
        if not text[start].isupper() or text[start : words[i][1]].lower() not in heads:
            i += 1
            continue
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            span = words[i : i + n]
            if any(text[a[1] : b[0]].strip() for a, b in zip(span, span[1:], strict=False)):
                continue  # punctuation between the words: not one name
            end = span[-1][1]
            key = " ".join(text[start:end].split()).lower()
            name = names.get(key)
            if not name:
                continue
            prefixed = bool(
                _PREFIX.search(text[max(0, start - 12) : start]) or key in _PREFIX_INSIDE
            )
            if prefixed or name not in _NEEDS_PREFIX:
                out.append((start, end, name, prefixed))
            i += n - 1
            break
        i += 1
    return out


def spellings(prov: Province) -> list[str]:
    """Every way news text writes a province's name."""
    return [prov.name, *_VARIANTS.get(prov.name, [])]


@cache
def _exact_names() -> dict[str, str]:
    out = {}
    for prov in provinces():
        for name in spellings(prov):
            out[" ".join(name.split()).lower()] = prov.name
    return out


@cache
def _first_words() -> frozenset[str]:
    return frozenset(name.split()[0] for name in _exact_names())


def province_named(text: str) -> str | None:
    """The province a short phrase *is* ("Gia Lai", "tỉnh Kon Tum", "TP Hồ Chí Minh")."""
    name = re.sub(r"(?i)^(?:(?:tỉnh|thành\s+phố|tp\.?)\s+|tp\.)", "", text.strip())
    return _exact_names().get(name.lower())


def province_from_host(url: str | None) -> str | None:
    """The province a site's host names (stp.bacninh.gov.vn → Bắc Ninh), if any."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    labels = [
        lab.replace("-", "")  # baria-vungtau.gov.vn
        for lab in host.split(".")
        if lab not in {"www", "gov", "vn", "com", "org", "net", "edu"}
    ]
    for label in labels:
        if label in _HOST_ALIASES:
            return _HOST_ALIASES[label]
    best: tuple[int, str] | None = None
    for prov in provinces():
        slug = prov.slug
        for label in labels:
            # A short slug ("hanam", "camau") is too common inside other words; it counts
            # as the whole label, a provincial paper's "bao…", or a label's head
            # ("hanoimoi").
            hit = (
                label in (slug, "bao" + slug)
                or (len(slug) >= 6 and slug in label)
                or (len(slug) >= 5 and label.startswith(slug))
            )
            if hit and (best is None or len(slug) > best[0]):
                best = (len(slug), prov.name)
    return best[1] if best else None


@cache
def _districts() -> dict[str, str]:
    """Folded district name (without 'huyện'/'quận'…) → pre-2025 province name."""
    out: dict[str, str] = {}
    names = {p.key: p.name for p in provinces()}
    for rec in _mapping()["ward_mapping"]:
        district = re.sub(r"^(Huyện|Quận|Thị xã|Thành phố)\s+", "", rec["old_district"])
        out.setdefault(district, names.get(rec["old_province_key"], ""))
    return out


def province_of_district(name: str) -> str | None:
    """'Hữu Lũng' → 'Lạng Sơn' (None when unknown or ambiguous across provinces)."""
    return _districts().get(name.strip()) or None
