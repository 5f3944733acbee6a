"""The page reader on the sample site's three CMS templates, and on hand-made traps."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pytest
import yaml

from crawler.sample_site import WWW_DIR, article_urls, encode_cp1258, load_content
from extract.page import decode_html, parse_page
from extract.resources import DATA_DIR

CONTENT = load_content()
ROUTES = json.loads((WWW_DIR / "_routes.json").read_text(encoding="utf-8"))
SELECTORS = {
    s["name"].removeprefix("sample-"): s.get("selectors", {})
    for s in yaml.safe_load((DATA_DIR / "sources.yaml").read_text())["sources"]
    if "sample" in s.get("tags", [])
}
SITE_SELECTORS = {
    "portal": SELECTORS["portal"],
    "sharepoint": SELECTORS["sharepoint"],
    "newspaper": SELECTORS["newspaper"],
}
PAGES = [(a, url) for a in CONTENT for url in article_urls(CONTENT)[a.slug]]
BANNER = re.compile(r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), (\d\d/\d\d/\d{4})")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("with_selectors", [True, False], ids=["selectors", "generic"])
@pytest.mark.parametrize(("article", "url"), PAGES, ids=[u[-48:] for _, u in PAGES])
def test_sample_page_reads_back_as_written(article, url, with_selectors) -> None:
    raw = (WWW_DIR / ROUTES[url]["file"]).read_bytes()
    selectors = SITE_SELECTORS[article.site] if with_selectors else None
    page = parse_page(raw, "http://127.0.0.1:8765" + url, selectors)

    assert page.title == nfc(article.title)
    assert page.published == article.published.date()
    paragraphs = page.text.split("\n\n")
    expected = [nfc(p) for p in article.paragraphs]
    assert paragraphs[: len(expected)] == expected
    assert len(paragraphs) <= len(expected) + 1  # at most the author's signature line
    banner = BANNER.search(decode_html(raw))
    assert banner, "every sample page has a 'today' banner"
    assert banner.group(0) not in page.text
    others = [nfc(a.title) for a in CONTENT if a.site == article.site and a.slug != article.slug]
    assert not [t for t in others if t in page.text]  # no sidebar headline leaks in
    primary = article_urls(CONTENT)[article.slug][0]
    assert page.canonical_url and page.canonical_url.endswith(primary)


def _page(head: str, body: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'>{head}</head><body>"
        "<header><div class='current-date'>Thứ Sáu, 22/11/2024</div>"
        "<nav><a href='/'>Trang chủ</a></nav></header>"
        f"{body}<footer>Cơ quan chủ quản: UBND tỉnh</footer></body></html>"
    )


LONG = (
    "Khối thi đua các cơ quan nội chính tổ chức hội nghị ký kết giao ước thi đua năm "
    "2024 với sự tham dự của lãnh đạo các đơn vị thành viên trong khối. "
) * 3


def test_the_today_banner_is_never_the_published_date() -> None:
    html = _page(
        "<title>Hội nghị ký kết - Cổng TTĐT</title>",
        f"<main><h1>Hội nghị ký kết</h1><p>{LONG}</p></main>",
    )
    page = parse_page(html, "https://example.gov.vn/tin/hoi-nghi")
    assert page.published != date(2024, 11, 22)
    assert "22/11/2024" not in page.text


def test_date_printed_under_the_title_wins_over_sidebar_dates() -> None:
    html = _page(
        "<title>Hội nghị ký kết - Cổng TTĐT</title>",
        "<div class='sidebar'><ul><li>Tin khác (01/01/2020)</li></ul></div>"
        "<main><h1>Hội nghị ký kết</h1><div class='ngay'>Ngày đăng: 05/03/2024 "
        f"09:30</div><p>{LONG}</p></main>",
    )
    assert parse_page(html, None).published == date(2024, 3, 5)


def test_metadata_date_is_used_first() -> None:
    html = _page(
        "<title>Tin</title><meta property='article:published_time' "
        "content='2023-02-07T08:00:00+07:00'>",
        f"<main><h1>Tin</h1><p>Cập nhật 09/09/2023</p><p>{LONG}</p></main>",
    )
    assert parse_page(html, None).published == date(2023, 2, 7)


def test_site_selectors_override_the_guesses() -> None:
    html = _page(
        "<title>Tiêu đề trang - Cổng TTĐT</title>",
        "<div class='tieude'>Tiêu đề thật của bài</div><span class='ngay'>"
        f"ngày 3 tháng 4 năm 2022</span><div class='noidung'><p>{LONG}</p>"
        "<p class='quangcao'>Quảng cáo bất động sản</p></div>",
    )
    page = parse_page(
        html,
        None,
        {
            "title": ".tieude",
            "date": "//span[@class='ngay']",
            "body": ".noidung",
            "remove": [".quangcao"],
        },
    )
    assert page.title == "Tiêu đề thật của bài"
    assert page.published == date(2022, 4, 3)
    assert page.text == LONG.strip()
    assert page.date_source == "selector"


def test_decoding_trusts_valid_utf8_then_the_page_then_the_header() -> None:
    text = "Cụm thi đua các huyện biên giới ký kết giao ước, Khối trưởng"
    legacy = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; "
        f"charset=windows-1258'></head><body><p>{text}</p></body></html>"
    )
    assert text in decode_html(encode_cp1258(legacy), declared="utf-8")
    assert text in decode_html(legacy.encode("utf-8"), declared="iso-8859-1")
    no_meta = encode_cp1258(f"<html><body><p>{text}</p></body></html>")
    assert text in decode_html(no_meta, declared="windows-1258")
