"""Unit-name normalisation: one agency, one key, however an article writes it."""

from __future__ import annotations

import pytest

from extract.units import expand_abbreviations, normalize_phrase, normalize_unit, same_unit

SAME_UNIT_GROUPS = [
    [
        "Sở TN&MT",
        "Sở Tài nguyên và Môi trường",
        "Sở Tài nguyên - Môi trường",
        "Sở Tài Nguyên và Môi Trường tỉnh Bắc Ninh",
        "Sở TN & MT tỉnh",
        "sở  TNMT",
    ],
    [
        "Sở LĐ-TB&XH",
        "Sở Lao động – Thương binh và Xã hội",
        "Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An",
        "Sở LĐTBXH",
    ],
    ["Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN và PTNT"],
    ["Sở VH-TT&DL", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hoá, Thể thao và Du lịch"],
    ["Sở GD&ĐT", "Sở Giáo dục và Đào tạo"],
    ["Sở KH&CN", "Sở Khoa học và Công nghệ"],
    ["Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"],
    ["Sở TT&TT", "Sở Thông tin và Truyền thông"],
    ["Sở GTVT", "Sở Giao thông vận tải"],
    ["Ban Quản lý các KCN", "Ban quản lý các khu công nghiệp tỉnh Bắc Giang"],
    ["BQL KKT", "Ban Quản lý Khu kinh tế"],
    ["UBND tỉnh", "Ủy ban nhân dân tỉnh Quảng Ninh", "Uỷ ban Nhân dân tỉnh"],
    ["Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Sơn La"],
    ["BHXH tỉnh", "Bảo hiểm xã hội tỉnh Thái Nguyên", "Bảo hiểm Xã hội"],
    ["HTX Nông nghiệp Tân Tiến", "Hợp tác xã nông nghiệp Tân Tiến"],
    ["CTCP Cấp nước", "Công ty cổ phần cấp nước"],
    ["Công ty TNHH MTV Xổ số", "Công ty trách nhiệm hữu hạn một thành viên xổ số"],
    ["Đoàn ĐBQH tỉnh", "Đoàn Đại biểu Quốc hội tỉnh"],
    ["Sở Tài chính (khối trưởng)", "Sở Tài chính"],
    ["Công an TP Hà Nội", "Công an thành phố Hà Nội", "Công an"],
]

DIFFERENT_UNITS = [
    ("Sở Tài chính", "Sở Tư pháp"),
    ("UBND huyện Phú Ninh", "UBND huyện Phù Ninh"),
    ("Cụm thi đua số 1", "Cụm thi đua số 2"),
    ("Khối thi đua số I", "Khối thi đua số II"),
    ("UBND thành phố Bắc Ninh", "UBND tỉnh Bắc Ninh"),
    ("Văn phòng Tỉnh ủy", "Văn phòng"),
    ("Sở Y tế", ""),
]


@pytest.mark.parametrize("names", SAME_UNIT_GROUPS, ids=lambda g: g[0])
def test_every_writing_of_a_unit_has_one_key(names: list[str]) -> None:
    keys = {normalize_unit(name) for name in names}
    assert len(keys) == 1, keys
    assert all(same_unit(names[0], other) for other in names[1:])


@pytest.mark.parametrize(("a", "b"), DIFFERENT_UNITS)
def test_distinct_units_stay_distinct(a: str, b: str) -> None:
    assert not same_unit(a, b)
    assert not same_unit(b, a)


def test_key_is_folded_and_expanded() -> None:
    assert normalize_unit("  Sở  TN&MT  tỉnh Bắc Ninh ") == "sở tài nguyên môi trường"
    assert normalize_unit("UBND thành phố Bắc Ninh") == "ủy ban nhân dân thành phố bắc ninh"
    assert normalize_unit("Cục Thuế tỉnh") == "cục thuế"


def test_abbreviations_need_capitals_and_word_boundaries() -> None:
    # "ca" (a shift) and "KCNX" are not abbreviations; "CA tỉnh" is the police.
    assert expand_abbreviations("ca làm việc") == "ca làm việc"
    assert expand_abbreviations("KCNX") == "KCNX"
    assert expand_abbreviations("CA tỉnh") == "công an tỉnh"
    assert expand_abbreviations("Sở NN&PTNT") == "Sở nông nghiệp và phát triển nông thôn"


def test_same_unit_forgives_small_slips_only() -> None:
    assert same_unit("So Tai chinh", "Sở Tài chính")  # written without accents
    assert same_unit("Ban quản lý các KCN", "Ban Quản lý KCN")  # a dropped word
    assert not same_unit("Ban Quản lý KCN", "Ban Quản lý KKT")


def test_phrases_keep_places() -> None:
    assert normalize_phrase("Phấn đấu đạt Cờ thi đua của UBND tỉnh") == (
        "phấn đấu đạt cờ thi đua của ủy ban nhân dân tỉnh"
    )
