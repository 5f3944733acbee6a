"""Where a run keeps its files: the database and, beside it, staging and crawl state.

Everything that belongs to one database sits next to it, so a `--db` in a temporary
folder isolates a whole run (tests, demos) from the user's default database.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data") / "giaouoc.duckdb"  # relative to the working directory
DB_ENV = "GIAOUOC_DB"


def resolve_db(db: Path | str | None = None) -> Path:
    """`--db` wins, then the GIAOUOC_DB variable, then data/giaouoc.duckdb here."""
    if db:
        return Path(db)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return DEFAULT_DB


def staging_dir_for(db: Path) -> Path:
    """Folder of article batches waiting to be loaded into `db`."""
    return db.parent / f"{db.stem}.staging"


def crawl_state_dir_for(db: Path) -> Path:
    """Folder of the crawler's incremental state (seen URLs, validators, JOBDIR)."""
    return db.parent / f"{db.stem}.crawlstate"
