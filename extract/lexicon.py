"""The cue words of data/lexicon.yaml, compiled once.

Rules reference cues by name (`LEX["signing"]`), so the Vietnamese wording lives in the
data file and the code only says how cues combine.
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from extract.resources import DATA_DIR

LEXICON_FILE = DATA_DIR / "lexicon.yaml"
# Cues whose case matters (unit names start with a capital).
_CASE_SENSITIVE = {"unit_head", "list_stop", "bloc_name_stop"}


@cache
def raw() -> dict[str, str]:
    return yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))


class _Lexicon(dict[str, re.Pattern[str]]):
    def __missing__(self, key: str) -> re.Pattern[str]:
        flags = 0 if key in _CASE_SENSITIVE else re.IGNORECASE
        pattern = re.compile(raw()[key], flags)
        self[key] = pattern
        return pattern


LEX = _Lexicon()


def fragment(key: str) -> str:
    """The bare regex text of a cue, for embedding in a larger pattern."""
    return raw()[key]
