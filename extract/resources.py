"""Where the reference data the code ships lives (the top-level ``data/`` folder)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
