"""Reading extraction inputs: JSONL article files, stdin, plain ``.txt`` and ``.html`` pages.

The reader is a generator that yields either an `Article` or an `InputError`, never
raising for bad data: one broken line in a crawl dump must not cost the thousands of
good lines around it, and the caller (the CLI) decides how to report and count errors.
JSONL is read line by line so a file of any size streams in constant memory.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from extract.models import Article
from extract.page import parse_page

STDIN = "-"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
STRING_OR_NULL_KEYS = ("url", "text", "html")


@dataclass(frozen=True)
class InputError:
    """Why one input (a file, or one line of it) could not become an article."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


ReadResult = Article | InputError


def read_inputs(inputs: Iterable[str | Path]) -> Iterator[ReadResult]:
    """Articles from every input in order; an input's kind is chosen by its suffix."""
    for raw in inputs:
        name = str(raw)
        if name == STDIN:
            yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>")
            continue
        path = Path(name)
        suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix
        suffix = suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl_file(path)
        elif suffix in TEXT_SUFFIXES:
            yield read_text_file(path)
        elif suffix in HTML_SUFFIXES:
            yield read_html_file(path)
        else:
            yield InputError(
                name, "unknown input kind (expected .jsonl, .jsonl.gz, .txt, .html or -)"
            )


def read_jsonl_file(path: Path) -> Iterator[ReadResult]:
    """One article per line of a (possibly gzip'd) JSONL file."""
    try:
        handle: IO[bytes] = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield InputError(str(path), f"cannot read: {_os_reason(exc)}")
        return
    with handle:
        yield from read_jsonl_stream(handle, str(path))


def read_jsonl_stream(stream: IO[bytes], source: str) -> Iterator[ReadResult]:
    """Parse a byte stream line by line; each bad line becomes an error, not a stop."""
    number = 0
    try:
        for number, raw_line in enumerate(stream, start=1):
            if not raw_line.strip():
                continue
            yield parse_jsonl_line(raw_line, source, number)
    except (OSError, EOFError) as exc:  # truncated gzip, device error mid-file
        yield InputError(source, f"read failed after line {number}: {_os_reason(exc)}")


def parse_jsonl_line(raw_line: bytes, source: str, number: int) -> ReadResult:
    """One JSONL line → Article, checking the SCHEMA.md shape before pydantic does."""

    def error(message: str) -> InputError:
        return InputError(source, message, number)

    try:
        obj: Any = json.loads(raw_line.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError as exc:
        return error(f"not UTF-8 (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return error(f"bad JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(obj, dict):
        return error(f"expected a JSON object, got {_json_type(obj)}")
    if "id" not in obj or obj["id"] is None:
        return error("missing 'id'")
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        return error(f"'id' must be a non-empty string, got {_json_type(obj['id'])}")
    for key in STRING_OR_NULL_KEYS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return error(f"'{key}' must be a string or null, got {_json_type(value)}")
    if obj.get("text") is None and obj.get("html") is None:
        return error(f"article {obj['id']!r} has neither 'text' nor 'html'")
    try:
        article = Article.model_validate(obj)
    except ValidationError as exc:
        return error(_first_validation_problem(exc))
    if article.text is None and article.html is not None:
        return _with_parsed_html(article, article.html, source, number)
    return article


def read_text_file(path: Path) -> ReadResult:
    """A plain-text file is one article whose id is the file's stem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return InputError(str(path), f"cannot read: {_os_reason(exc)}")
    except UnicodeDecodeError as exc:
        return InputError(str(path), f"not UTF-8 (byte {exc.start})")
    return Article(id=path.stem, text=text)


def read_html_file(path: Path) -> ReadResult:
    """A saved page is one article; the page parser finds its title, date and body."""
    try:
        html = path.read_bytes()
    except OSError as exc:
        return InputError(str(path), f"cannot read: {_os_reason(exc)}")
    return _with_parsed_html(Article(id=path.stem), html, str(path), None)


def _with_parsed_html(
    article: Article, html: str | bytes, source: str, line: int | None
) -> ReadResult:
    """Fill text and page metadata from raw HTML, as the crawler would have."""
    try:
        page = parse_page(html, article.url)
    except Exception as exc:  # a parser crash on one page must not stop the run
        return InputError(source, f"cannot parse HTML: {type(exc).__name__}: {exc}", line)
    text = page.article_text
    html_text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    fields = article.model_dump()
    fields.update(
        text=text,
        html=html_text,
        title=article.title or page.title,
        author=article.author or page.author,
        published=article.published or page.published,
        canonical_url=article.canonical_url or page.canonical_url,
    )
    try:
        return Article.model_validate(fields)
    except ValidationError as exc:
        return InputError(source, f"page parser gave {_first_validation_problem(exc)}", line)


def _first_validation_problem(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "line"
    return f"'{where}': {problem['msg']}"


def _json_type(value: object) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _os_reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
