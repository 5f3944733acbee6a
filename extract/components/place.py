"""The province whose bloc it is: from the text, else from the site's host.

A bloc that spans several provinces (a regional or national cluster) has no province
(GUIDE.md). In the text, "tỉnh X" weighs more than a bare name inside a unit's name,
and the site's own province wins a tie or when the text mentions it at all.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from extract.admin import (
    find_provinces,
    province_from_host,
    province_named,
    province_of_district,
)
from extract.components.base import get, put, text_of
from extract.lexicon import LEX

_DISTRICT = re.compile(
    r"(?i:huyện|thị\s+xã|quận)\s+((?:[A-ZĐÂĂÊÔƠƯ][\wà-ỹ]*)(?:\s+[A-ZĐÂĂÊÔƠƯ][\wà-ỹ]*){0,3})"
)


# A bloc of one province's own districts, communes or wards, or of a part of it ("khu
# vực phía Bắc tỉnh", "các phường khu vực trung tâm"), lies in one province even where
# its name says "khu vực" or "miền núi phía …".
_WITHIN_ONE = re.compile(
    r"(?i)\bcác\s+(?:xã|phường|huyện|quận|thị\s+xã|thị\s+trấn)\b"
    r"|\b(?:khu\s+vực|phía)\s+(?:phía\s+)?\S+\s+(?:của\s+)?(?:tỉnh|thành\s+phố)\b"
)
_AFTER_NAME = 25  # characters after a bloc's name that may still say where it lies


def _is_regional(doc: Doc) -> bool:
    found = doc._.fields.get("bloc_name")
    if found and LEX["regional"].search(found.value):
        end = found.spans[0][1] if found.spans else 0
        around = found.value + text_of(doc)[end : end + _AFTER_NAME]
        if not _WITHIN_ONE.search(around):
            return True
    members = get(doc, "members", [])
    named = {p for p in map(province_named, members) if p}
    if len(named) >= 2:
        return True
    # "Cục Hải quan tỉnh Cao Bằng, Cục Hải quan tỉnh Lạng Sơn, …": units of several provinces
    within = {m[2] for name in members for m in find_provinces(name)}
    return len(within) >= 3


@Language.component("giaouoc_place")
def place_component(doc: Doc) -> Doc:
    if not get(doc, "relevant") or _is_regional(doc):
        return doc
    text = text_of(doc)
    banner = doc._.layout.banner
    mentions = [m for m in find_provinces(text) if not (banner and banner[0] <= m[0] < banner[1])]
    article = doc._.article
    host = province_from_host(article.url if article else None)
    if article and not host and article.source_province:
        host = article.source_province
    # "huyện Krông Pắc" → Đắk Lắk: districts vote for their province
    districts = [
        (province, m.span(1))
        for m in _DISTRICT.finditer(text)
        if (province := province_of_district(m.group(1)))
    ]
    if mentions:
        weights: Counter[str] = Counter()
        for _, _, name, prefixed in mentions:
            weights[name] += 2 if prefixed else 1
        where = {name: (s, e) for s, e, name, _ in reversed(mentions)}
        for province, span in districts:
            weights[province] += 1
            where.setdefault(province, span)
        best = host if host and host in weights else weights.most_common(1)[0][0]
        put(doc, "province", best, [where[best]] if best in where else [])
        return doc
    if host:
        put(doc, "province", host)
        return doc
    if districts:
        province, span = districts[0]
        put(doc, "province", province, [span])
    return doc
