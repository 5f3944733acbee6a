"""Whatever text comes in, a record in the contract's shape comes out.

Crawled pages contain anything: control characters, other scripts, half sentences, a
cue word next to a stray date. Hypothesis feeds the extractor both arbitrary strings and
strings stitched from the words the field rules react to, and every record must still
carry every key of SCHEMA.md with the right type, evidence that points into the text,
and empty fields when it is not relevant.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.models import Article

CONTRACT_KEYS = {
    "id", "relevant", "event_type", "event_date", "published_date", "year", "province",
    "bloc_name", "bloc_kind", "member_count", "members", "leader_unit", "deputy_units",
    "goals",
}  # fmt: skip
EVENT_TYPES = {"signing", "launch", "review", "other"}
BLOC_KINDS = {"khối", "cụm"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
GOAL_ITEM_MAX = 400
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Words and shapes the field rules look for, so random strings reach deep into them.
CUES = [
    "Khối thi đua", "Cụm thi đua", "khối", "cụm", "ký kết giao ước thi đua", "phát động",
    "sơ kết", "tổng kết", "năm 2024", "Chiều 31/3", "Ngày 9-3", "sáng ngày 09/3",
    "Sáng 2.3", "Thứ Sáu, 22/11/2024", "15/03/2023 08:54", "29/2", "31/4", "gồm", "gồm:",
    " 08 đơn vị", "mười hai", "thành viên", "Khối trưởng", "làm Trưởng Khối", "Cụm phó",
    "Khối phó", "đơn vị Khối trưởng", "Sở Tài chính", "huyện ", "tỉnh ", "Nghệ An",
    "TP. Hồ Chí Minh", "“", "”", "\"", "%", ", ", "; ", " và ", ": ", "\n", "\n\n", "- ",
    ". ", "phấn đấu", "danh hiệu", "sẽ diễn ra", "vừa tổ chức", "(", ")",
]  # fmt: skip

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ANY_TEXT = st.text(max_size=2000)
CUE_SOUP = st.lists(
    st.one_of(st.sampled_from(CUES), st.text(max_size=12), st.integers(0, 3000).map(str)),
    max_size=80,
).map("".join)
# A plainly relevant article with noise (random text, cue words, CR/LF, control
# characters) between its sentences, so every field rule fires and evidence is emitted.
RELEVANT_SENTENCES = [
    "Khối thi đua các cơ quan tổng hợp ký kết giao ước thi đua năm 2024",
    "18/03/2024 10:05",
    "Chiều 15/3, Khối thi đua các cơ quan tổng hợp tỉnh Nghệ An tổ chức hội nghị ký kết giao "
    "ước thi đua năm 2024.",
    "Khối gồm 06 đơn vị: Sở Nội vụ, Sở Tư pháp, Sở Ngoại vụ, Thanh tra tỉnh, Ban Dân tộc và "
    "Văn phòng UBND tỉnh.",
    "Sở Nội vụ là đơn vị Khối trưởng; Sở Tư pháp làm Khối phó.",
    "Các đơn vị giao ước đẩy mạnh cải cách hành chính; phấn đấu đạt danh hiệu “Tập thể lao "
    "động xuất sắc”.",
]
NOISE = st.one_of(
    st.sampled_from(["\n", "\r\n", "\n\n", " ", "\t", "\x00", "\u200b", "\xa0"] + CUES),
    st.text(max_size=8),
)
NOISY_RELEVANT = st.lists(
    NOISE, min_size=len(RELEVANT_SENTENCES), max_size=len(RELEVANT_SENTENCES)
).map(lambda noise: "".join(s + n for s, n in zip(RELEVANT_SENTENCES, noise, strict=True)))
URLS = st.one_of(
    st.none(),
    st.sampled_from(["https://snv.nghean.gov.vn/tin/1", "http://example.com/", "", "not a url"]),
)


@pytest.fixture(scope="module")
def extractor():
    from extract.pipeline import Extractor

    return Extractor()


def check_record(record_json: dict, text: str) -> None:
    missing = CONTRACT_KEYS - record_json.keys()
    assert not missing, f"contract keys missing: {sorted(missing)}"
    assert record_json["id"] == "prop"
    assert isinstance(record_json["relevant"], bool)
    assert record_json["event_type"] is None or record_json["event_type"] in EVENT_TYPES
    for key in ("event_date", "published_date"):
        value = record_json[key]
        assert value is None or (isinstance(value, str) and ISO_DAY.fullmatch(value)), value
    for key in ("year", "member_count"):
        value = record_json[key]
        assert value is None or (isinstance(value, int) and not isinstance(value, bool)), value
    for key in ("province", "bloc_name", "leader_unit"):
        value = record_json[key]
        assert value is None or (isinstance(value, str) and value.strip()), value
    assert record_json["bloc_kind"] is None or record_json["bloc_kind"] in BLOC_KINDS
    for key in ("members", "deputy_units", "goals"):
        value = record_json[key]
        assert isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    assert all(len(goal) <= GOAL_ITEM_MAX for goal in record_json["goals"])
    assert isinstance(record_json["extractor_version"], str) and record_json["extractor_version"]

    if record_json["relevant"]:
        assert record_json["event_type"] in EVENT_TYPES
    else:
        # GUIDE.md: "When false, every other key is null or empty."
        scalars = CONTRACT_KEYS - {"id", "relevant", "members", "deputy_units", "goals"}
        assert all(record_json[key] is None for key in scalars), record_json
        assert record_json["members"] == record_json["deputy_units"] == record_json["goals"] == []

    # Spans index the article's text; the engine may read it NFC-normalised and with
    # control characters blanked, so compare up to exactly those two changes.
    texts = {text, unicodedata.normalize("NFC", text)}
    for field, spans in record_json["evidence"].items():
        assert isinstance(field, str)
        for span in spans:
            assert 0 <= span["start"] <= span["end"] <= max(map(len, texts)), span
            wanted = blank_controls(span["text"])
            assert any(blank_controls(t[span["start"] : span["end"]]) == wanted for t in texts), (
                span
            )


def blank_controls(text: str) -> str:
    return CONTROL_CHARS.sub(" ", text)


def extract_and_check(extractor, text: str, url: str | None) -> None:
    record = extractor.extract(Article(id="prop", url=url, text=text))
    as_json = json.loads(json.dumps(record.to_json_dict(), ensure_ascii=False))
    check_record(as_json, text)


@SETTINGS
@given(text=ANY_TEXT, url=URLS)
def test_any_string_gives_a_valid_record(extractor, text: str, url: str | None) -> None:
    extract_and_check(extractor, text, url)


@SETTINGS
@given(text=CUE_SOUP, url=URLS)
def test_cue_word_soup_gives_a_valid_record(extractor, text: str, url: str | None) -> None:
    extract_and_check(extractor, text, url)


@SETTINGS
@given(text=NOISY_RELEVANT, url=URLS)
def test_noisy_relevant_article_gives_a_valid_record(extractor, text: str, url: str | None) -> None:
    extract_and_check(extractor, text, url)


@SETTINGS
@given(texts=st.lists(CUE_SOUP, min_size=1, max_size=5))
def test_extract_many_keeps_order_and_count(extractor, texts: list[str]) -> None:
    articles = [Article(id=f"a{i}", text=text) for i, text in enumerate(texts)]
    records = list(extractor.extract_many(iter(articles)))
    assert [r.id for r in records] == [a.id for a in articles]
