"""Accuracy only goes up: the dev + seed sets must score at least the recorded floor.

Runs the real `giaouoc extract` on ``../shared/eval/{dev,seeds}.jsonl`` and scores the
output with the contract's own ``score.py``. The floor lives in ``eval_floor.json``
beside this file; raise it whenever the extractor gets better, never lower it. Skips when
the eval folder is absent (a checkout without the shared corpus).
"""

from __future__ import annotations

import importlib.util
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
FLOOR_FILE = Path(__file__).with_name("eval_floor.json")
SETS = ("dev", "seeds")

pytestmark = pytest.mark.skipif(
    not all((EVAL_DIR / f"{name}.jsonl").is_file() for name in SETS)
    or not (EVAL_DIR / "score.py").is_file(),
    reason=f"eval corpus not found at {EVAL_DIR}",
)


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("giaouoc_eval_score", EVAL_DIR / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def concatenate(paths: list[Path], target: Path) -> Path:
    with open(target, "w", encoding="utf-8") as out:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            out.write(text if text.endswith("\n") else text + "\n")
    return target


def test_macro_f1_does_not_fall_below_the_floor(tmp_path: Path) -> None:
    floor = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))["macro_f1"]
    predictions = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(
        app,
        ["extract", *(str(EVAL_DIR / f"{name}.jsonl") for name in SETS), "-o", str(predictions)],
    )
    assert result.exit_code == 0, result.stderr
    gold = concatenate([EVAL_DIR / f"{name}.gold.jsonl" for name in SETS], tmp_path / "gold.jsonl")

    printed = io.StringIO()
    with redirect_stdout(printed):
        load_scorer().main([str(gold), str(predictions), "--json"])
    report = json.loads(printed.getvalue())

    assert report["missing"] == [], f"no record for {report['missing']}"
    per_field = {f: round(v["f1"], 3) for f, v in report["fields"].items()}
    assert report["macro_f1"] >= floor, (
        f"macro F1 {report['macro_f1']:.3f} fell below the floor {floor:.3f}; "
        f"per field: {per_field}"
    )
