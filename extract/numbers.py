"""Vietnamese cardinal numbers written as words ("mười hai", "hai mươi mốt").

Member counts are often spelled out in formal prose; no maintained library reads
Vietnamese number words, so this small reader covers 0–999, which is all a bloc needs.
"""

from __future__ import annotations

_DIGITS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_TENS = {"mười": 10, "mươi": 10}
_WORDS = set(_DIGITS) | set(_TENS) | {"trăm", "linh", "lẻ"}

# A run of number words, as a regex fragment usable inside larger patterns.
NUMBER_WORDS = (
    r"(?:(?:"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")\s+)*(?:"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")"
)
NUMBER = r"(?:\d{1,3}|" + NUMBER_WORDS + r")"


def words_to_int(phrase: str) -> int | None:
    """'mười hai' → 12, 'hai mươi mốt' → 21, 'một trăm linh năm' → 105; None if not a number."""
    tokens = phrase.lower().split()
    if not tokens or any(t not in _WORDS for t in tokens):
        return None
    total, current, seen_digit = 0, 0, False
    for tok in tokens:
        if tok == "trăm":
            total += (current or 1) * 100
            current, seen_digit = 0, False
        elif tok in ("linh", "lẻ"):
            continue
        elif tok == "mười":
            current += 10
        elif tok == "mươi":
            current = (current or 1) * 10
        else:
            if seen_digit and current % 10:
                return None  # two bare digits in a row: "hai ba" is not a number
            current += _DIGITS[tok]
            seen_digit = True
    return total + current


def parse_count(token: str) -> int | None:
    """A count as written: digits (with leading zeros, "08") or number words."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    return words_to_int(token)


def is_number(token: str) -> bool:
    return parse_count(token) is not None


__all__ = ["NUMBER", "NUMBER_WORDS", "is_number", "parse_count", "words_to_int"]
