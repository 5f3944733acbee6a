"""What every field component shares: the Doc extensions they read and write.

Each component fills `doc._.fields[name]` with a `Found` (value + the character spans
that support it); the record is assembled from those, so evidence is never an
afterthought. `doc._.article` is the input Article; `doc._.layout` the page layout found
first (title line, header dates, where the body starts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

for _name, _default in (("article", None), ("fields", None), ("layout", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@dataclass
class Found:
    value: Any
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Layout:
    title: tuple[int, int] | None = None  # the headline's line
    body_start: int = 0  # first character after the title/date header
    published: Found | None = None
    banner: tuple[int, int] | None = None  # a site's "today" date line, to be ignored


def put(doc: Doc, name: str, value: Any, spans: list[tuple[int, int]] | None = None) -> None:
    """Record a field's value and its evidence, also as a spaCy span group `doc.spans[name]`."""
    if value is None or value == []:
        return
    doc._.fields[name] = Found(value, spans or [])
    group = [doc.char_span(s, e, label=name, alignment_mode="expand") for s, e in spans or []]
    doc.spans[name] = [span for span in group if span is not None]


def get(doc: Doc, name: str, default: Any = None) -> Any:
    found = doc._.fields.get(name)
    return found.value if found else default


@dataclass(frozen=True)
class Sentence:
    start_char: int
    end_char: int
    text: str


def text_of(doc: Doc) -> str:
    """The Doc's text, built once (spaCy rebuilds `doc.text` from tokens on each access)."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def sentences(doc: Doc) -> list[Sentence]:
    """The Doc's sentences as plain offsets, walked once (each `doc.sents` walks all tokens)."""
    if "sentences" not in doc.user_data:
        text = text_of(doc)
        doc.user_data["sentences"] = [
            Sentence(s.start_char, s.end_char, text[s.start_char : s.end_char]) for s in doc.sents
        ]
    return doc.user_data["sentences"]


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence (or line) holding `text[pos]` begins, by ". " and newlines: a
    cheap bound for a cue's context, where the Doc's sentences are not at hand."""
    return max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1


def sentence_end(text: str, pos: int) -> int:
    """Where the sentence (or line) holding `text[pos]` ends, by the same marks."""
    stops = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
    return min(stops, default=len(text))
