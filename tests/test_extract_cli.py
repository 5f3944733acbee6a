"""`giaouoc extract` end to end: real files, real stdin, the real extractor.

What matters to a user of the command: every good article gives one record whatever
else is in the input, every bad line is named (file:line) on stderr, the exit code says
whether anything was skipped, and `-o` never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import atomic_output
from pipelines.cli import app

CONTRACT_KEYS = {
    "id", "relevant", "event_type", "event_date", "published_date", "year", "province",
    "bloc_name", "bloc_kind", "member_count", "members", "leader_unit", "deputy_units",
    "goals",
}  # fmt: skip

SIGNING_TEXT = (
    "Khối thi đua các sở nội chính ký kết giao ước thi đua năm 2024\n\n"
    "14/03/2024 09:20\n\n"
    "Chiều 12/3, tại hội trường Sở Tư pháp, Khối thi đua các sở nội chính tổ chức hội nghị ký "
    "kết giao ước thi đua năm 2024. Khối gồm 5 đơn vị: Sở Tư pháp, Sở Nội vụ, Thanh tra tỉnh, "
    "Sở Ngoại vụ và Ban Dân tộc.\n\n"
    "Năm 2024, Sở Tư pháp là đơn vị Khối trưởng, Sở Nội vụ là Khối phó. Các đơn vị giao ước "
    "hoàn thành xuất sắc nhiệm vụ được giao; đẩy mạnh cải cách hành chính."
)
ENGLISH_TEXT = (
    "The city council met on Tuesday to discuss the new bus timetable. Residents asked for "
    "more evening services and a safer crossing near the market."
)
HTML_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>Khối thi đua các sở nội chính ký kết giao ước thi đua năm 2024</title>
<meta property="article:published_time" content="2024-03-14T09:20:00+07:00">
</head><body>
<header><nav><a href="/">Trang chủ</a> | <a href="/tin-tuc">Tin tức</a></nav></header>
<article>
<h1>Khối thi đua các sở nội chính ký kết giao ước thi đua năm 2024</h1>
<p class="date">14/03/2024 09:20</p>
<p>Chiều 12/3, tại hội trường Sở Tư pháp, Khối thi đua các sở nội chính tổ chức hội nghị ký
kết giao ước thi đua năm 2024 với sự tham dự của lãnh đạo các đơn vị thành viên.</p>
<p>Khối gồm 5 đơn vị: Sở Tư pháp, Sở Nội vụ, Thanh tra tỉnh, Sở Ngoại vụ và Ban Dân tộc.
Năm 2024, Sở Tư pháp là đơn vị Khối trưởng, Sở Nội vụ là Khối phó.</p>
<p>Các đơn vị giao ước hoàn thành xuất sắc nhiệm vụ được giao; đẩy mạnh cải cách hành chính;
xây dựng cơ quan, đơn vị đạt chuẩn văn hóa.</p>
<p>Phát biểu tại hội nghị, đại diện Khối trưởng đề nghị các đơn vị tiếp tục đoàn kết, phối
hợp chặt chẽ, chia sẻ kinh nghiệm trong công tác thi đua, khen thưởng.</p>
</article>
<footer>Bản quyền thuộc về Cổng thông tin điện tử.</footer>
</body></html>
"""


def cli_command() -> list[str]:
    """The installed `giaouoc` script of this venv, else the module behind it."""
    script = Path(sys.executable).with_name("giaouoc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli"]


def jsonl(*rows: dict | str) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
                   for row in rows)  # fmt: skip


def records(stdout: str) -> dict[str, dict]:
    out = {}
    for line in stdout.splitlines():
        if line.strip():
            row = json.loads(line)
            missing = CONTRACT_KEYS - row.keys()
            assert not missing, f"contract keys missing: {sorted(missing)}"
            out[row["id"]] = row
    return out


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_jsonl_with_bad_lines_keeps_the_good_ones(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        jsonl(
            {"id": "good-1", "url": None, "text": SIGNING_TEXT},
            "{this is not json",
            ["an", "array"],
            {"url": "https://example.vn/x", "text": "không có id"},
            {"id": "no-body", "url": None},
            {"id": "wrong-type", "text": 42},
            "",
            {"id": "good-2", "url": "https://example.vn/y", "text": ENGLISH_TEXT},
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 1
    assert set(records(result.stdout)) == {"good-1", "good-2"}
    errors = error_lines(result.stderr)
    assert len(errors) == 5, result.stderr
    for line_number, error in zip((2, 3, 4, 5, 6), errors, strict=True):
        assert f"{source}:{line_number}:" in error
    assert "JSON" in errors[0] and "id" in errors[2] and "text" in errors[3]


def test_stdin_through_the_installed_script(tmp_path: Path) -> None:
    payload = jsonl(
        {"id": "from-stdin", "url": None, "text": SIGNING_TEXT},
        {"id": "empty", "url": None, "text": ""},
    )
    done = subprocess.run(
        [*cli_command(), "extract", "-"],
        input=payload.encode("utf-8"),
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    got = records(done.stdout.decode("utf-8"))
    assert list(got) == ["from-stdin", "empty"]
    assert got["from-stdin"]["relevant"] is True
    assert got["empty"]["relevant"] is False


def test_bad_stdin_line_is_named_and_exit_is_nonzero(tmp_path: Path) -> None:
    done = subprocess.run(
        [*cli_command(), "extract", "-"],
        input=b'{"id": "ok", "text": "Xin ch\xc3\xa0o"}\n{"id": 7, "text": "x"}\n',
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert list(records(done.stdout.decode("utf-8"))) == ["ok"]
    errors = error_lines(done.stderr.decode("utf-8"))
    assert len(errors) == 1 and "<stdin>:2:" in errors[0] and "'id'" in errors[0]


def test_txt_and_html_files_take_their_id_from_the_file_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "bai-viet.txt").write_text(SIGNING_TEXT, encoding="utf-8")
    (tmp_path / "trang.html").write_text(HTML_PAGE, encoding="utf-8")
    result = runner.invoke(
        app, ["extract", str(tmp_path / "bai-viet.txt"), str(tmp_path / "trang.html")]
    )
    assert result.exit_code == 0, result.stderr
    got = records(result.stdout)
    assert list(got) == ["bai-viet", "trang"]
    assert got["bai-viet"]["relevant"] is True
    assert got["trang"]["relevant"] is True  # title and body made it through the page parser
    assert got["trang"]["bloc_kind"] == "khối"


def test_jsonl_line_with_html_instead_of_text(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_text(jsonl({"id": "page", "url": None, "html": HTML_PAGE}), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 0, result.stderr
    assert records(result.stdout)["page"]["relevant"] is True


def test_missing_and_unknown_inputs_are_errors_but_others_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "ok.txt").write_text(SIGNING_TEXT, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    missing = tmp_path / "missing.jsonl"
    result = runner.invoke(
        app, ["extract", str(missing), str(tmp_path / "notes.pdf"), str(tmp_path / "ok.txt")]
    )
    assert result.exit_code == 1
    assert list(records(result.stdout)) == ["ok"]
    errors = error_lines(result.stderr)
    assert len(errors) == 2
    assert str(missing) in errors[0] and "notes.pdf" in errors[1]


def test_invalid_utf8_line_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bytes.jsonl"
    source.write_bytes(b'{"id": "bad", "text": "\xff\xfe"}\n{"id": "fine", "text": "ok"}\n')
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 1
    assert list(records(result.stdout)) == ["fine"]
    assert f"{source}:1:" in error_lines(result.stderr)[0]


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t  ", ENGLISH_TEXT, "Привет, как дела? Это обычный текст.", "12/03/2024 0 0 0"],
    ids=["empty", "blank", "english", "russian", "numbers-only"],
)
def test_empty_or_foreign_text_is_not_relevant(
    runner: CliRunner, tmp_path: Path, text: str
) -> None:
    source = tmp_path / "odd.jsonl"
    source.write_text(jsonl({"id": "odd", "url": None, "text": text}), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 0, result.stderr
    row = records(result.stdout)["odd"]
    assert row["relevant"] is False
    assert row["event_type"] is None and row["bloc_name"] is None and row["goals"] == []


def test_output_file_replaces_the_old_one_whole(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        jsonl({"id": "one", "url": None, "text": SIGNING_TEXT}, {"id": "two", "text": ""}),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert list(records(out.read_text(encoding="utf-8"))) == ["one", "two"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_output_into_a_missing_folder_is_a_one_line_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl({"id": "one", "text": "x"}), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source), "-o", str(tmp_path / "no" / "o.jsonl")])
    assert result.exit_code != 0
    assert len(error_lines(result.stderr)) == 1
    assert not (tmp_path / "no").exists()


def test_interrupted_output_leaves_the_old_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous good run\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(out) as sink:
        sink.write(b'{"id": "half"')
        raise RuntimeError("killed mid-run")
    assert out.read_text(encoding="utf-8") == "previous good run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


@pytest.mark.timeout(300)
def test_five_megabyte_article_finishes(runner: CliRunner, tmp_path: Path) -> None:
    paragraph = (
        "Các đơn vị trong Khối tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục "
        "vụ người dân và doanh nghiệp, thực hiện tốt phong trào thi đua chuyển đổi số. "
    )
    body = paragraph * (5_000_000 // len(paragraph.encode("utf-8")) + 1)
    big = tmp_path / "dai.txt"
    big.write_text(SIGNING_TEXT + "\n\n" + body, encoding="utf-8")
    assert big.stat().st_size >= 5_000_000
    result = runner.invoke(app, ["extract", str(big)])
    assert result.exit_code == 0, result.stderr
    row = records(result.stdout)["dai"]
    assert all(len(goal) <= 400 for goal in row["goals"])
