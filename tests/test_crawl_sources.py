"""`data/sources.yaml`: the shipped list, and how a bad file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.sources import SourcesError, load_sources, select_sources
from pipelines.cli import app

GOOD = """
sources:
  - name: demo
    base_url: https://demo.gov.vn
    allowed_domains: [demo.gov.vn]
    start: [{url: /tin-tuc, type: listing}]
    article_patterns: ['-post\\d+\\.html$']
"""


def test_shipped_sources_cover_real_sites_across_the_country() -> None:
    sources = load_sources()
    real = [s for s in sources if "sample" not in s.tags]
    assert len(real) >= 15
    assert len({s.province for s in real}) >= 15
    assert {"north", "central", "south"} <= {t for s in real for t in s.tags}
    assert any(s.kind == "portal" and s.base_url.endswith(".gov.vn") for s in real)
    assert sum(s.kind == "newspaper" for s in real) >= 5
    for s in real:
        assert s.base_url.startswith("https://") and s.examples, s.name
        resolved = s.resolved({})
        assert all(u.url.startswith(s.base_url) for u in resolved.start)


def test_default_selection_is_the_offline_sample_site() -> None:
    chosen = select_sources(load_sources(), None)
    assert chosen and all("sample" in s.tags for s in chosen)
    resolved = chosen[0].resolved({"sample": "http://127.0.0.1:9999"})
    assert resolved.start[0].url.startswith("http://127.0.0.1:9999/")
    assert resolved.allowed_domains == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("sources: [ {name: x", "not valid YAML"),
        (GOOD.replace("    article_patterns: ['-post\\d+\\.html$']\n", ""), "article_patterns"),
        (GOOD.replace("-post\\d+", "-post(\\d+"), "bad regex"),
        (GOOD.replace("https://demo.gov.vn", "demo.gov.vn"), "base_url"),
        (GOOD + GOOD.replace("sources:\n", ""), "duplicate source names"),
        (GOOD.replace("type: listing", "type: forum"), "start.0.type"),
        (GOOD + "    selectors: {body: 'div[['}\n", "bad body selector"),
        (GOOD + "    examples: ['https://demo.gov.vn/khong-phai-bai.html']\n", "matches no"),
    ],
)
def test_a_bad_sources_file_fails_with_one_clear_line(
    tmp_path: Path, text: str, complaint: str
) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(bad)
    message = str(err.value)
    assert message.startswith(str(bad)) and complaint in message and "\n" not in message


def test_cli_refuses_a_bad_sources_file_without_touching_the_db(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text(
        GOOD.replace("allowed_domains: [demo.gov.vn]", "allowed_domains: []"), encoding="utf-8"
    )
    db = tmp_path / "g.duckdb"
    result = CliRunner().invoke(
        app, ["crawl", "--sources", str(bad), "--db", str(db), "--no-progress"]
    )
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "broken.yaml" in lines[0] and "allowed_domains" in lines[0]
    assert list(tmp_path.iterdir()) == [bad]


def test_unknown_site_and_missing_placeholder_are_named() -> None:
    with pytest.raises(SourcesError, match="no source or tag named 'nowhere'"):
        select_sources(load_sources(), "nowhere")
    sample = select_sources(load_sources(), "sample")[0]
    with pytest.raises(SourcesError, match=r"\{elsewhere\}"):
        sample.model_copy(update={"base_url": "{elsewhere}/x"}).resolved({})
