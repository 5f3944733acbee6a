"""Where a crawl keeps its files, from its settings: all beside the run's database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.config import crawl_state_dir_for, resolve_db, staging_dir_for


def staging_dir(settings: Any) -> Path:
    explicit = settings.get("GIAOUOC_STAGING_DIR")
    return Path(explicit) if explicit else staging_dir_for(resolve_db(settings.get("GIAOUOC_DB")))


def state_dir(settings: Any) -> Path:
    explicit = settings.get("GIAOUOC_STATE_DIR")
    if explicit:
        return Path(explicit)
    return crawl_state_dir_for(resolve_db(settings.get("GIAOUOC_DB")))
