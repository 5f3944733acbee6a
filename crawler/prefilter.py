"""The cheap keyword pre-filter deciding which articles go on to extraction.

The cue phrases are data (``data/prefilter_cues.yaml``) so the extractor can reuse
them and analysts can widen the net without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import yaml

from extract.resources import DATA_DIR

CUES_FILE = DATA_DIR / "prefilter_cues.yaml"


@lru_cache(maxsize=1)
def cue_pattern() -> re.Pattern:
    cues = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))["cues"]
    phrases = sorted({unicodedata.normalize("NFC", c).lower() for c in cues}, key=len, reverse=True)
    return re.compile("|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases))


def looks_relevant(*texts: str | None) -> bool:
    """True when any cue phrase appears in the given texts (title, body...)."""
    joined = unicodedata.normalize("NFC", " ".join(t for t in texts if t)).lower()
    return bool(cue_pattern().search(joined))
