"""underthesea → spaCy: one `Doc` per article whose text is the article's text, unchanged.

underthesea knows Vietnamese sentences and words (syllables joined into words such as
"giao ước"); spaCy knows spans, offsets and pipelines. The Doc is built from
underthesea's tokens *with whitespace tokens kept*, so `doc.text` equals the article
text character for character and every span a component finds is already the evidence
span of the record.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from underthesea import sent_tokenize, word_tokenize

# Articles are a few thousand characters; a page that is megabytes long is a dump, and
# reading only its head keeps the work per article bounded.
MAX_CHARS = 60_000

_WS = re.compile(r"\s+")
# Control characters, and look-alikes older sites and converted documents put in
# Vietnamese text: the Icelandic eth for "Đ"/"đ" ("Ðảng", "Ðắk Lắk"), and no-break or
# typographic spaces between words. Each maps to one character, so offsets stay those
# of the article.
_REPLACED = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\u00d0\u00f0\u00a0\u2000-\u200a\u202f\u3000]"
)
_REPLACED_BY = {"\u00d0": "Đ", "\u00f0": "đ"}  # the rest are spaces
# HTML entities a page escaped twice, left in its text ("Sở TN&amp;MT", "&nbsp;"): each
# becomes its character padded with spaces to the entity's length.
_ENTITY = re.compile(
    r"&(?:nbsp|amp|quot|apos|lt|gt|ndash|mdash|hellip|[lr][sd]quo|#\d{2,5}|#x[\da-f]{2,4});",
    re.IGNORECASE,
)
# A line break inside a sentence (a print view's or a converter's wrapping, an inline tag
# on a line of its own): the next line goes on in lower case after a word or a comma.
_BROKEN_LINE = re.compile(r"(?<=[^\W_]|,) ?\n(?=[^\W\d_])")


def clean_text(text: str) -> str:
    """NFC, no control characters or look-alike letters and spaces, HTML entities left in
    the text read, one kind of newline and none inside a sentence, bounded length.

    Every replacement keeps the length, so offsets into the cleaned text are offsets
    into the article's own text (when it was NFC already, as crawled text is).
    """
    text = unicodedata.normalize("NFC", text[: MAX_CHARS * 2])
    if "&" in text:
        text = _ENTITY.sub(_unescaped, text)
    text = _REPLACED.sub(lambda m: _REPLACED_BY.get(m.group(), " "), text)
    text = text.replace("\r\n", " \n").replace("\r", "\n")
    text = _BROKEN_LINE.sub(_joined, text)
    return text[:MAX_CHARS]


def _unescaped(entity: re.Match[str]) -> str:
    char = html.unescape(entity.group())
    return char if len(char) != 1 else char.ljust(len(entity.group()))


def _joined(newline: re.Match[str]) -> str:
    """A space where the line after a break goes on in lower case; the break otherwise."""
    following = newline.string[newline.end()]
    return newline.group().replace("\n", " ") if following.islower() else newline.group()


@cache
def blank_vietnamese() -> Language:
    """A blank Vietnamese pipeline; its tokenizer is never used (underthesea's is)."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def _align(text: str, start: int, end: int, tokens: list[str]) -> list[tuple[int, int]]:
    """Character offsets of underthesea tokens inside text[start:end]."""
    out, pos = [], start
    for tok in tokens:
        syllables = tok.split()
        if not syllables:
            continue
        first = text.find(syllables[0], pos, end)
        if first < 0:
            continue  # underthesea normalised something; the gap becomes whitespace
        cursor = first + len(syllables[0])
        for syl in syllables[1:]:
            nxt = text.find(syl, cursor, end)
            if nxt < 0 or text[cursor:nxt].strip():
                break
            cursor = nxt + len(syl)
        out.append((first, cursor))
        pos = cursor
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: lines first (titles and captions have no full stop), then punkt."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        pos = line.start()
        for sent in sent_tokenize(line.group()):
            s = text.find(sent, pos, line.end())
            if s < 0:
                continue
            spans.append((s, s + len(sent)))
            pos = s + len(sent)
    return spans


def make_doc(text: str) -> Doc:
    """Doc over `text` (already cleaned) with underthesea words and sentences."""
    nlp = blank_vietnamese()
    words: list[str] = []
    spaces: list[bool] = []
    sent_starts: list[bool] = []
    cursor = 0

    def gap(upto: int) -> None:
        # Text between tokens: one plain space rides on the previous token, any other
        # whitespace (newlines, runs of spaces, unaligned characters) becomes its own token.
        nonlocal cursor
        chunk = text[cursor:upto]
        if not chunk:
            return
        if chunk == " " and words and not spaces[-1]:
            spaces[-1] = True
        else:
            words.append(chunk)
            spaces.append(False)
            sent_starts.append(False)
        cursor = upto

    for s_start, s_end in _sentences(text):
        first = True
        for t_start, t_end in _align(text, s_start, s_end, word_tokenize(text[s_start:s_end])):
            gap(t_start)
            words.append(text[t_start:t_end])
            spaces.append(False)
            sent_starts.append(first)
            first = False
            cursor = t_end
    gap(len(text))
    if sent_starts and not any(sent_starts):
        sent_starts[0] = True
    doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=sent_starts or None)
    doc.user_data["text"] = text  # equal to doc.text, which spaCy would rebuild on each access
    return doc


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space (for values, never for offsets)."""
    return _WS.sub(" ", text).strip()
