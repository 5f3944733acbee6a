"""Random and mutated pages never crash the page parser or the extractor.

A crawler meets every kind of broken page: cut off mid-tag, a wrong charset, binary
junk served as HTML, markup nested a thousand deep, a CMS template with half its
elements missing. Hypothesis feeds the real page parser (`extract.page.parse_page`) and
the real extraction engine such pages — raw bytes, generated trees, and the sample
site's own pages cut, spliced, byte-flipped and re-labelled — and checks that each one
gives a well-formed result: the parser a `ParsedPage` of the right types, the engine an
`EventRecord` that validates against its own model with evidence inside the text.
(`test_extract_property.py` fuzzes the engine with plain text; this file is about pages.)
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.sample_site import BASE_PLACEHOLDER, ROUTES_FILE, WWW_DIR
from crawler.sources import load_sources
from extract.models import Article, EventRecord
from extract.page import ParsedPage, decode_html, parse_page
from extract.pipeline import article_text

FEW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
URL = "http://127.0.0.1:1/tin-tuc/bai-viet.html"
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 1, 1)


# -- the sample site's own pages, as seeds for mutation -----------------------------------
@cache
def sample_pages() -> list[tuple[bytes, dict]]:
    """(page bytes, selectors of its source) for every HTML page of the sample site."""
    routes = json.loads((WWW_DIR / ROUTES_FILE).read_text(encoding="utf-8"))
    sources = load_sources(None)
    by_prefix = {
        s.base_url.split("}", 1)[-1]: dict(s.selectors)
        for s in sources
        if s.base_url.startswith("{sample}")
    }
    pages = []
    for path, route in sorted(routes.items()):
        if "html" not in route["type"]:
            continue
        body = (WWW_DIR / route["file"]).read_bytes()
        body = body.replace(BASE_PLACEHOLDER.encode(), b"http://127.0.0.1:1")
        prefix = next((p for p in by_prefix if path.startswith(p + "/")), None)
        pages.append((body, by_prefix.get(prefix, {}) if prefix else {}))
    assert len(pages) > 20, "the sample site should have many pages to mutate"
    return pages


JUNK = [
    b"<",
    b">",
    b"</div>",
    b"<p>",
    b"<table><tr><td>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"<script>",
    b"</script>",
    b"&#xFFFF;",
    b"&amp",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<meta charset='windows-1258'>",
    b'<meta charset="x-unknown">',
    b"<?xml version='1.0'?>",
    b"<link rel='canonical' href='::::'>",
    b"<time datetime='9999-99-99'>",
    b"Ng\xe0y 31/02/2024",
    "Khối thi đua".encode(),
    "ký kết giao ước thi đua".encode("cp1258", "replace"),
    b"<br/>" * 50,
    b"<div>" * 300,
]


@st.composite
def mutated_page(draw: st.DrawFn) -> tuple[bytes, dict]:
    """A sample page with a few random cuts, splices, junk insertions and byte flips."""
    body, selectors = draw(st.sampled_from(sample_pages()))
    data = bytearray(body)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "drop", "junk", "flip", "repeat", "bytes"]))
        if action == "cut":
            del data[where:]
        elif action == "drop":
            del data[where : where + draw(st.integers(1, 2000))]
        elif action == "junk":
            data[where:where] = draw(st.sampled_from(JUNK))
        elif action == "flip" and where < len(data):
            data[where] = draw(st.integers(0, 255))
        elif action == "repeat":
            data[where:where] = data[where : where + draw(st.integers(1, 3000))]
        else:
            data[where:where] = draw(st.binary(max_size=64))
    return bytes(data), draw(st.sampled_from([selectors, {}]))


# -- generated markup ------------------------------------------------------------------
TAGS = [
    "div",
    "p",
    "span",
    "article",
    "section",
    "header",
    "nav",
    "footer",
    "aside",
    "h1",
    "h2",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "a",
    "b",
    "script",
    "style",
    "time",
    "br",
    "main",
    "figure",
    "iframe",
    "blockquote",
]
CLASSES = [
    "",
    "title",
    "header-title",
    "news-content",
    "sidebar",
    "menu",
    "sapo",
    "today",
    "related",
    "article__body",
    "metadata-publish-date",
    "share",
    "journal-content",
]
WORDS = [
    "Khối thi đua",
    "ký kết giao ước thi đua năm 2024",
    "Ngày 15/3/2024",
    "Sở Nội vụ",
    "làm Khối trưởng",
    "gồm 08 đơn vị",
    "Thứ Sáu, 22/11/2024",
    "Tin liên quan",
    "&nbsp;",
    "<",
    "&",
    "\u200b",
    "x" * 300,
]
TEXT = st.one_of(st.sampled_from(WORDS), st.text(max_size=40))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, attr, inner: f"<{tag} class='{cls}'{attr}>{''.join(inner)}</{tag}>",
        st.sampled_from(TAGS),
        st.sampled_from(CLASSES),
        st.sampled_from(
            [
                "",
                " id='content'",
                " datetime='2024-03-15'",
                " href='/a?b=1'",
                " lang='vi'",
                " style='display:none'",
            ]
        ),
        st.lists(children, max_size=5),
    )


MARKUP = st.recursive(TEXT, _element, max_leaves=40)
HEAD = st.sampled_from(
    [
        "",
        "<meta charset='utf-8'>",
        "<title>Tin tức</title>",
        "<meta property='article:published_time' content='2024-03-15T08:00:00+07:00'>",
        "<link rel='canonical' href='https://so.example.vn/tin/1.html'>",
        "<meta property='og:url' content=''>",
        "<meta name='author' content='Minh Anh'>",
    ]
)
GENERATED = st.builds(
    lambda head, body: f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>",
    HEAD,
    MARKUP,
)


# -- checks ----------------------------------------------------------------------------
def check_page(page: ParsedPage) -> None:
    assert isinstance(page, ParsedPage)
    assert isinstance(page.text, str)
    assert unicodedata.is_normalized("NFC", page.text)
    for value in (page.title, page.author, page.canonical_url):
        assert value is None or (isinstance(value, str) and value)
    assert page.published is None or (
        isinstance(page.published, date) and EARLIEST <= page.published <= LATEST
    )
    assert (page.date_source is None) == (page.published is None)


def check_record(record: EventRecord, article: Article) -> None:
    assert record.id == article.id
    again = EventRecord.model_validate_json(record.model_dump_json(by_alias=True))
    assert again == record  # serialises and re-validates to the same record
    if not record.relevant:
        assert record.event_type is None and not record.members and not record.evidence
    text = unicodedata.normalize("NFC", article_text(article))
    for spans in record.evidence.values():
        for span in spans:
            assert 0 <= span.start <= span.end <= len(text), span


@pytest.fixture(scope="module")
def extractor():
    from extract.pipeline import Extractor

    return Extractor()


# -- the page parser -------------------------------------------------------------------
@FEW
@given(
    body=st.binary(max_size=4000),
    declared=st.sampled_from([None, "utf-8", "windows-1258", "latin-1", "bogus", ""]),
)
def test_any_bytes_decode_and_parse(body: bytes, declared: str | None) -> None:
    text = decode_html(body, declared)
    assert isinstance(text, str) and unicodedata.is_normalized("NFC", text)
    check_page(parse_page(body, URL))


@FEW
@given(html=GENERATED)
def test_generated_markup_parses(html: str) -> None:
    check_page(parse_page(html, URL))


@FEW
@given(page=mutated_page())
def test_mutated_sample_pages_parse(page: tuple[bytes, dict]) -> None:
    body, selectors = page
    check_page(parse_page(decode_html(body), URL, selectors))


@pytest.mark.parametrize(
    "html",
    [
        "",
        " ",
        "<",
        "<html",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
        "\x00" * 10,
        "<div>" * 5000,
        "<p>" + "a" * 200_000 + "</p>",
        "<html><body></body></html>",
        "<html><head><link rel='canonical' href=''></head><body>x</body></html>",
    ],
)
def test_degenerate_pages_parse(html: str) -> None:
    check_page(parse_page(html, URL))
    check_page(parse_page(html, None))


# -- the extraction engine on pages ----------------------------------------------------
@FEW
@given(page=mutated_page())
def test_extractor_on_mutated_pages_gives_valid_records(
    extractor, page: tuple[bytes, dict]
) -> None:
    body, _ = page
    article = Article(id="fuzz", url=URL, html=decode_html(body))
    check_record(extractor.extract(article), article)


@FEW
@given(html=GENERATED, title=st.one_of(st.none(), TEXT))
def test_extractor_on_generated_pages_gives_valid_records(
    extractor, html: str, title: str | None
) -> None:
    article = Article(id="fuzz", url=URL, html=html, title=title)
    check_record(extractor.extract(article), article)


def test_a_relevant_sample_page_survives_as_relevant(extractor) -> None:
    """The checks above must be able to see relevant records: an unmutated sample page
    about a signing gives one, with evidence inside its text."""
    relevant = []
    for body, _ in sample_pages():
        article = Article(id="fuzz", url=URL, html=decode_html(body))
        if "giao ước" not in (article.html or ""):
            continue
        record = extractor.extract(article)
        check_record(record, article)
        relevant.append(record.relevant)
        if record.relevant and record.evidence:
            break
    assert any(relevant)
