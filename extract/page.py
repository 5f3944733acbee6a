"""One HTML page → title, author, publication date, main text and canonical URL.

Used by the crawler for every fetched article and by ``giaouoc extract`` for ``.html``
inputs. Vietnamese portals wrap a few paragraphs in a lot of chrome: a "today" banner
in the header ("Thứ Sáu, 22/11/2024"), menus, sidebars of other headlines with their
own dates, view counters, footers. So the page is read in this order of trust:

* site selectors from ``sources.yaml`` (CSS, or XPath when they start with ``/``),
* page metadata (``<head>`` meta tags, via htmldate limited to the head),
* the date printed right after the title heading,
* trafilatura on a copy of the page with the chrome cut away (chrome = the tags and
  class/id cues of ``data/page_chrome.yaml``), then line filters from the same file.

The "today" banner is never a candidate: it is cut with the header, its line pattern
is filtered from the text, and a date found only by htmldate's fallback that equals a
banner date is refused.
"""

from __future__ import annotations

import codecs
import copy
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura
import yaml
from bs4 import UnicodeDammit
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from extract.resources import DATA_DIR

CHROME_FILE = DATA_DIR / "page_chrome.yaml"
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
HEADING_XPATH = "//h1|//h2|//h3|//h4|//*[contains(@class, 'title')]"
NOT_XML_SAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ParsedPage:
    title: str | None
    author: str | None
    published: date | None
    text: str  # main text only, paragraphs separated by blank lines
    canonical_url: str | None
    date_source: str | None = None  # selector | meta | near-title | htmldate

    @property
    def article_text(self) -> str:
        """What extraction reads: the headline, a blank line, the main text."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class _Chrome:
    drop_tags: frozenset[str]
    chrome: tuple[re.Pattern, ...]
    keep: tuple[re.Pattern, ...]
    banner: tuple[re.Pattern, ...]
    junk: tuple[re.Pattern, ...]
    lead: tuple[re.Pattern, ...]
    dmy: tuple[re.Pattern, ...]
    iso: tuple[re.Pattern, ...]
    window: int


@lru_cache(maxsize=1)
def chrome_rules() -> _Chrome:
    raw = yaml.safe_load(CHROME_FILE.read_text(encoding="utf-8"))

    def compile_all(patterns: list[str]) -> tuple[re.Pattern, ...]:
        return tuple(re.compile(p, re.I) for p in patterns)

    return _Chrome(
        drop_tags=frozenset(raw["drop_tags"]),
        chrome=compile_all(raw["chrome"]),
        keep=compile_all(raw["keep"]),
        banner=compile_all(raw["today_banner"]),
        junk=compile_all(raw["junk_lines"]),
        lead=compile_all(raw["lead"]),
        dmy=compile_all(raw["date_patterns"]["dmy"]),
        iso=compile_all(raw["date_patterns"]["iso"]),
        window=int(raw.get("date_window_after_title", 12)),
    )


# -- decoding ---------------------------------------------------------------------------
def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Bytes → NFC text, trusting valid UTF-8 over any label (headers are often wrong).

    bs4's UnicodeDammit tries, in order: strict UTF-8, a BOM, the page's own
    ``<meta charset>``, the header's charset, then windows-1258 (the legacy Vietnamese
    code page), and only then guesses.
    """
    dammit = UnicodeDammit(
        body,
        known_definite_encodings=["utf-8"],
        user_encodings=[name for name in (_codec(declared), "cp1258") if name],
        is_html=True,
    )
    text = dammit.unicode_markup
    if text is None:
        text = body.decode("cp1258", errors="replace")
    return unicodedata.normalize("NFC", text)


# -- small helpers ----------------------------------------------------------------------
def _clean_space(text: str | None) -> str:
    return " ".join((text or "").split())


def is_xpath(expr: str) -> bool:
    """Selectors are CSS unless they look like XPath (``//div``, ``(//p)[1]``, ``./p``)."""
    return expr.lstrip().startswith(("/", "(", "./"))


def _select(sel: Selector, expr: str) -> Any:
    return sel.xpath(expr) if is_xpath(expr) else sel.css(expr)


def _date_in(text: str) -> date | None:
    rules = chrome_rules()
    for pattern in (*rules.dmy, *rules.iso):
        for m in pattern.finditer(text):
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


def _tokens(el: HtmlElement) -> list[str]:
    return (el.get("class") or "").split() + (el.get("id") or "").split()


def _is_chrome(el: HtmlElement) -> bool:
    rules = chrome_rules()
    tokens = _tokens(el)
    if not tokens or any(k.search(t) for t in tokens for k in rules.keep):
        return False
    return any(c.search(t) for t in tokens for c in rules.chrome)


def _strip_chrome(doc: HtmlElement) -> HtmlElement:
    """A copy of the page without header, menus, sidebars, footer and widgets."""
    rules = chrome_rules()
    doc = copy.deepcopy(doc)
    for el in list(doc.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        if el.getparent() is None:
            continue
        if el.tag in rules.drop_tags or (el.tag not in ("html", "body") and _is_chrome(el)):
            el.drop_tree()
    # Old portals lay pages out with tables; a table whose cells hold paragraphs is
    # layout, not data, so flatten it to divs for the text extractor.
    for table in doc.iter("table"):
        if table.xpath(".//td//p|.//td//div|.//td//h1|.//td//h2|.//td//h3"):
            for el in [table, *table.iter("tbody", "thead", "tr", "td", "th")]:
                el.tag = "div"
    return doc


def _tidy_lines(text: str, title: str | None) -> str:
    """Paragraphs without banner/junk lines, repeats, or a leading copy of the title."""
    rules = chrome_rules()
    seen: set[str] = set()
    kept: list[str] = []
    title_key = _clean_space(title).lower() if title else None
    for raw in text.splitlines():
        line = _clean_space(raw)
        if not line or line in seen:
            continue
        if any(p.search(line) for p in (*rules.banner, *rules.junk)):
            continue
        if title_key and line.lower() == title_key:
            continue
        seen.add(line)
        kept.append(line)
    return "\n\n".join(kept)


def _with_lead(cleaned: HtmlElement, body: str) -> str:
    """Make the lead paragraph (sapo) come first, adding it when the extractor left it out."""
    for el in cleaned.iter():
        if isinstance(el.tag, str) and any(
            p.search(t) for t in _tokens(el) for p in chrome_rules().lead
        ):
            lead = _clean_space(el.text_content())
            if len(lead) <= 20:
                return body
            stem = lead.rstrip(".…").rstrip()
            lines = [ln for ln in body.splitlines() if _clean_space(ln)]
            rest = [ln for ln in lines if _clean_space(ln) != lead]
            if len(rest) < len(lines) or stem not in _clean_space(body):
                return "\n".join([lead, *rest])  # the lead moved to the front, or added
            return body  # an abridged copy of a paragraph that is in the text
    return body


def _block_text(node: Selector) -> str:
    """Text of a selected body element, one paragraph per block element."""
    el = node.root
    if not isinstance(el, HtmlElement):
        return _clean_space(str(node.get()))
    el = copy.deepcopy(el)
    for bad in el.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    blocks = [
        b
        for b in el.iter(*BLOCK_TAGS)
        if not any(a.tag in BLOCK_TAGS for a in b.iterancestors() if a is not el)
    ]
    return "\n".join(_clean_space(b.text_content()) for b in blocks) or el.text_content()


# -- fields -----------------------------------------------------------------------------
def _title(
    doc: HtmlElement, cleaned: HtmlElement, meta_title: Callable[[], str | None]
) -> str | None:
    """The heading repeated in <title> (site names are the other part), else og:title."""
    page_title = _clean_space(doc.findtext(".//title"))
    for h in cleaned.xpath(HEADING_XPATH):
        text = _clean_space(h.text_content())
        if len(text) >= 8 and text.lower() in page_title.lower():
            return text
    og = doc.xpath("//meta[@property='og:title']/@content")
    if og and _clean_space(og[0]):
        return _clean_space(og[0])
    return _clean_space(meta_title()) or page_title or None


def _head_date(doc: HtmlElement, url: str | None) -> date | None:
    head = doc.find("head")
    if head is None:
        return None
    found = find_date(
        "<html>" + lxml.html.tostring(head, encoding="unicode") + "<body></body></html>",
        url=url,
        extensive_search=False,
        original_date=True,
        outputformat="%Y-%m-%d",
    )
    return date.fromisoformat(found) if found else None


def _date_near_title(doc: HtmlElement, title: str | None) -> date | None:
    if not title:
        return None
    key = _clean_space(title).lower()
    headings = [
        h for h in doc.xpath(HEADING_XPATH) if _clean_space(h.text_content()).lower() == key
    ]
    window = chrome_rules().window
    for h in reversed(headings):  # the article heading, not the <title> or a sidebar
        after = [
            t
            for t in h.xpath("following::text()[normalize-space()]")[: window * 3]
            if t.getparent().tag not in ("script", "style")
        ][:window]
        before = h.xpath("preceding::text()[normalize-space()]")[-3:][::-1]
        for text in [*after, *before]:
            if any(b.search(_clean_space(text)) for b in chrome_rules().banner):
                continue
            found = _date_in(str(text))
            if found:
                return found
    return None


def _banner_dates(doc: HtmlElement) -> set[date]:
    rules = chrome_rules()
    found = set()
    for text in doc.xpath("//body//text()[normalize-space()]"):
        line = _clean_space(text)
        if any(b.search(line) for b in rules.banner):
            day = _date_in(line)
            if day:
                found.add(day)
    return found


def _fallback_date(cleaned: HtmlElement, doc: HtmlElement, url: str | None) -> date | None:
    found = find_date(
        cleaned, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
    )
    day = date.fromisoformat(found) if found else None
    return None if day in _banner_dates(doc) else day


def _meta_author(doc: HtmlElement) -> str | None:
    for xpath in (
        "//meta[@name='author']/@content",
        "//meta[@property='article:author']/@content",
        "//meta[@name='dc.creator']/@content",
    ):
        values = [v for v in doc.xpath(xpath) if _clean_space(v) and "://" not in v]
        if values:
            return _clean_space(values[0])
    return None


def _signature_author(text: str) -> str | None:
    """Vietnamese articles end with the author's name on its own line ("Minh Khoa")."""
    lines = text.split("\n\n")
    last = lines[-1] if len(lines) > 1 else ""
    words = last.split()
    if (
        1 < len(words) <= 5
        and len(last) <= 40
        and all(w[:1].isupper() for w in words)
        and not re.search(r"[\d.:;,!?]", last)
    ):
        return last.title() if last.isupper() else last
    return None


def _selected(sel: Selector | None, selectors: dict, field: str) -> Any:
    expr = selectors.get(field)
    if not expr or sel is None:
        return None
    found = _select(sel, expr)
    return found or None


# -- the entry point --------------------------------------------------------------------
def parse_page(html: str | bytes, url: str | None, selectors: dict | None = None) -> ParsedPage:
    """Read one article page; `selectors` (title/date/body/author/remove) override guesses."""
    if isinstance(html, bytes):
        html = decode_html(html)
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", unicodedata.normalize("NFC", html))
    html = NOT_XML_SAFE.sub("", html)  # lxml refuses control characters anywhere
    selectors = dict(selectors or {})
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):  # empty or hopeless markup: no article in it
        return ParsedPage(None, None, None, "", url or None)
    removals = selectors.get("remove") or []
    for expr in [removals] if isinstance(removals, str) else removals:
        for el in doc.xpath(expr) if is_xpath(expr) else doc.cssselect(expr):
            if el.getparent() is not None:
                el.drop_tree()
    sel = Selector(root=doc, type="html") if selectors else None
    cleaned = _strip_chrome(doc)

    @lru_cache(maxsize=1)
    def metadata() -> Any:  # trafilatura's metadata pass is costly: only when needed
        return trafilatura.extract_metadata(lxml.html.tostring(doc, encoding="unicode"))

    canonical = (
        doc.xpath("//link[@rel='canonical']/@href")
        or doc.xpath("//meta[@property='og:url']/@content")
        or [url]
    )[0]
    canonical = urljoin(url, canonical.strip()) if canonical and url else canonical

    node = _selected(sel, selectors, "title")
    title = _clean_space(node[0].xpath("string()").get()) if node else None
    title = title or _title(doc, cleaned, lambda: getattr(metadata(), "title", None))

    published, source = None, None
    node = _selected(sel, selectors, "date")
    if node:
        first = node[0]
        attrs = first.xpath("@datetime|@content").getall() if first.root is not None else []
        published, source = (
            _date_in(" ".join([*attrs, first.xpath("string()").get() or ""])),
            "selector",
        )
    if published is None:
        published, source = _head_date(doc, url), "meta"
    if published is None:
        published, source = _date_near_title(doc, title), "near-title"
    if published is None:
        published, source = _fallback_date(cleaned, doc, url), "htmldate"

    node = _selected(sel, selectors, "body")
    if node:
        body = "\n".join(_block_text(n) for n in node)
    else:
        body = (
            trafilatura.extract(
                cleaned,
                url=url,
                include_comments=False,
                include_tables=True,
                include_images=False,
                deduplicate=False,
            )
            or ""
        )
        body = _with_lead(cleaned, body)
    text = _tidy_lines(body, title)

    node = _selected(sel, selectors, "author")
    author = _clean_space(node[0].xpath("string()").get()) if node else None
    author = (
        author
        or _meta_author(doc)
        or _signature_author(text)
        or getattr(metadata(), "author", None)
    )

    def nfc(value: str | None) -> str | None:
        return unicodedata.normalize("NFC", value) if value else None

    return ParsedPage(
        title=nfc(title),
        author=nfc(author),
        published=published,
        text=nfc(text) or "",
        canonical_url=canonical or None,
        date_source=source if published else None,
    )
