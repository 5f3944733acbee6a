"""How fast is extraction next to underthesea's bare segmentation, and how much memory?

Extraction runs underthesea's sentence splitting and word segmentation on every article
and then rules on top, so bare segmentation of the same texts is the natural yardstick:
the goal is that the whole extraction takes at most 1.5x that time, on one core, and
that streaming 10,000 articles stays under 500 MB. This script prints those figures and
never judges them (timings are machine-dependent; they belong in a report, not a test).

Articles are the eval corpus's texts (``../shared/eval/*.jsonl``), repeated with
perturbed digits and paragraph order so no cache can recognise a repeat; without that
folder, synthetic articles from the templates below are used.

    .venv/bin/python benchmarks/extract_bench.py [--articles 1000] [--stream 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# One core means one thread for every library; set before underthesea/spaCy are imported
# (they are imported lazily, inside the functions that time them).
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "eval"
GOAL_RATIO = 1.5
GOAL_PEAK_MB = 500

# --- synthetic articles (used when the eval corpus is absent) -------------------------

PROVINCES = [
    "Bắc Ninh",
    "Nghệ An",
    "Quảng Ngãi",
    "Cần Thơ",
    "Lào Cai",
    "Bình Định",
    "Thái Nguyên",
    "Long An",
    "Hà Tĩnh",
    "Đồng Tháp",
]
BLOCS = [
    "Khối thi đua các cơ quan văn hóa - xã hội",
    "Khối thi đua các sở kinh tế",
    "Cụm thi đua các huyện miền núi",
    "Khối thi đua các doanh nghiệp nhà nước",
    "Cụm thi đua số 3",
    "Khối thi đua các cơ quan nội chính",
]
UNITS = [
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Tư pháp",
    "Ban Dân tộc",
    "Sở Nội vụ",
    "Thanh tra tỉnh",
    "Sở Khoa học và Công nghệ",
    "Đài Phát thanh và Truyền hình",
    "Sở Giao thông vận tải",
]
GOALS = [
    "hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ được giao",
    "đẩy mạnh cải cách hành chính, nâng cao chỉ số hài lòng của người dân",
    "xây dựng tổ chức Đảng trong sạch, vững mạnh",
    "100% cán bộ, công chức chấp hành tốt kỷ luật, kỷ cương hành chính",
    "thực hiện có hiệu quả phong trào thi đua chuyển đổi số",
    "tích cực tham gia phong trào cả nước chung tay vì người nghèo",
]
TEMPLATES = [
    "{bloc} ký kết giao ước thi đua năm {year}\n\n{pday}/{pmonth}/{year} 09:15\n\n"
    "Sáng {day}/{month}, tại trụ sở {host}, {bloc} tỉnh {province} tổ chức hội nghị ký kết "
    "giao ước thi đua năm {year}. {bloc} gồm {count} đơn vị: {members}.\n\n"
    "Năm {year}, {leader} được bầu làm Khối trưởng, {deputy} làm Khối phó.\n\n"
    "Các đơn vị thống nhất giao ước thi đua với những nội dung chủ yếu: {goals}.\n\n"
    "Phát biểu tại hội nghị, đồng chí Giám đốc {leader} đề nghị các thành viên trong khối "
    "tiếp tục đoàn kết, chia sẻ kinh nghiệm và phối hợp chặt chẽ trong công tác.",
    "Sơ kết công tác thi đua 6 tháng đầu năm {year}\n\nCập nhật: {pday}-{pmonth}-{year}\n\n"
    "Chiều ngày {day}-{month}, {bloc} tổ chức hội nghị sơ kết công tác thi đua, khen "
    "thưởng 6 tháng đầu năm {year}. Tham dự có lãnh đạo {count} đơn vị thành viên.\n\n"
    "Trong 6 tháng qua, các đơn vị đã hoàn thành tốt nhiệm vụ; {host} đạt kết quả nổi bật.\n\n"
    "Thời gian tới, các đơn vị cần tập trung {goals}.",
    "Phát động phong trào thi đua năm {year}\n\nNgày {pday}/{pmonth}/{year}\n\n"
    "Ngày {day}/{month}, UBND tỉnh {province} tổ chức lễ phát động phong trào thi đua "
    "yêu nước năm {year}. Các cơ quan, đơn vị được yêu cầu {goals}.\n\n"
    "Dịp này, nhiều tập thể và cá nhân được tặng Bằng khen vì thành tích xuất sắc.",
    "Tin thể thao\n\n{pday}/{pmonth}/{year}\n\nGiải bóng đá thiếu niên tỉnh {province} năm "
    "{year} khép lại sau {count} ngày tranh tài sôi nổi tại sân vận động trung tâm. "
    "Đội bóng của huyện giành chức vô địch sau loạt sút luân lưu.",
]


def synthetic_article(rng: random.Random, number: int) -> dict:
    year = rng.randint(2016, 2025)
    members = rng.sample(UNITS, rng.randint(4, 9))
    goals = rng.sample(GOALS, rng.randint(2, 5))
    text = rng.choice(TEMPLATES).format(
        bloc=rng.choice(BLOCS),
        province=rng.choice(PROVINCES),
        year=year,
        day=rng.randint(1, 28),
        month=rng.randint(1, 12),
        pday=f"{rng.randint(1, 28):02d}",
        pmonth=f"{rng.randint(1, 12):02d}",
        count=len(members),
        members=", ".join(members),
        host=members[0],
        leader=members[1],
        deputy=members[2],
        goals="; ".join(goals),
    )
    return {"id": f"syn-{number}", "url": None, "text": text}


# --- perturbed copies of the corpus ---------------------------------------------------


def load_corpus(folder: Path) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(folder.glob("*.jsonl")):
        if path.name.endswith(".gold.jsonl"):
            continue
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line) if line.strip() else None
                if row and isinstance(row.get("text"), str) and row["text"].strip():
                    rows.append({"url": row.get("url"), "text": row["text"]})
    return rows


YEAR = re.compile(r"\b20[12]\d\b")
DAY_MONTH = re.compile(r"\b\d{1,2}(?=[/.-]\d{1,2}\b)")


def perturb(rng: random.Random, text: str) -> str:
    """Same kind of article, different bytes: swap two body paragraphs, redraw the years
    and days (still valid dates, so the date rules run as they would on real text)."""
    paragraphs = text.split("\n")
    head, body = paragraphs[:2], paragraphs[2:]
    if len(body) > 2:
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    text = "\n".join(head + body)
    text = YEAR.sub(lambda _m: str(rng.randint(2015, 2025)), text)
    return DAY_MONTH.sub(lambda _m: str(rng.randint(1, 28)), text)


def article_stream(corpus: list[dict], count: int, seed: int) -> Iterator[dict]:
    """`count` article dicts, made lazily so 10,000 of them never sit in memory at once."""
    rng = random.Random(seed)
    for number in range(count):
        if corpus:
            base = corpus[number % len(corpus)]
            text = base["text"] if number < len(corpus) else perturb(rng, base["text"])
            yield {"id": f"bench-{number}", "url": base["url"], "text": text}
        else:
            yield synthetic_article(rng, number)


# --- measurements ---------------------------------------------------------------------


def pin_to_one_core() -> int:
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def time_both(rows: list[dict], chunk: int = 50) -> tuple[float, float, int]:
    """CPU seconds of bare segmentation and of extraction over the same texts.

    The two are measured in alternating chunks, in CPU time of this process, so a
    neighbour's load on the machine weighs on both sides alike instead of on whichever
    ran second.
    """
    from underthesea import sent_tokenize, word_tokenize

    from extract.models import Article
    from extract.pipeline import Extractor

    extractor = Extractor()
    extractor.extract(Article(id="warm-up", text="Khối thi đua ký kết giao ước thi đua."))
    word_tokenize(sent_tokenize("Khởi động mô hình tách từ.")[0])
    bare = full = 0.0
    relevant = 0
    for at in range(0, len(rows), chunk):
        part = rows[at : at + chunk]
        start = time.process_time()
        for row in part:
            for sentence in sent_tokenize(row["text"]):
                word_tokenize(sentence)
        bare += time.process_time() - start
        start = time.process_time()
        relevant += sum(r.relevant for r in extractor.extract_many(Article(**row) for row in part))
        full += time.process_time() - start
    return bare, full, relevant


def memory_phase(corpus_dir: Path, count: int, seed: int, synthetic: bool) -> dict:
    """Run in a fresh process so its peak RSS is the streaming run's alone."""
    pin_to_one_core()
    from extract.models import Article
    from extract.pipeline import Extractor

    corpus = [] if synthetic else load_corpus(corpus_dir)
    extractor = Extractor()
    extractor.extract(Article(id="warm-up", text="Khối thi đua ký kết giao ước thi đua."))
    baseline = peak_rss_mb()
    start = time.perf_counter()
    seen = 0
    for _record in extractor.extract_many(
        Article(**row) for row in article_stream(corpus, count, seed)
    ):
        seen += 1
    return {
        "articles": seen,
        "seconds": time.perf_counter() - start,
        "baseline_mb": baseline,
        "peak_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles timed (≥1000)")
    parser.add_argument(
        "--stream",
        type=int,
        default=10_000,
        help="articles streamed for the memory figure (0 skips it)",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl articles to perturb"
    )
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="use the built-in templates even when the corpus exists",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))

    if args.memory_phase:
        print(json.dumps(memory_phase(args.corpus, args.stream, args.seed, args.synthetic)))
        return 0

    core = pin_to_one_core()
    corpus = [] if args.synthetic else load_corpus(args.corpus)
    rows = list(article_stream(corpus, args.articles, args.seed))
    source = f"{len(corpus)} corpus texts, perturbed" if corpus else "synthetic templates"
    chars = sum(len(row["text"]) for row in rows)
    print(
        f"pinned to core {core}; {len(rows)} articles from {source}; "
        f"{chars / len(rows):.0f} characters each on average"
    )

    bare, full, relevant = time_both(rows)
    print("CPU seconds of this process, the two measured in alternating chunks of 50 articles")
    print(
        f"underthesea sent_tokenize + word_tokenize: {bare:8.2f} s  "
        f"{len(rows) / bare:8.1f} articles/s"
    )
    print(
        f"giaouoc extraction (extract_many):          {full:8.2f} s  "
        f"{len(rows) / full:8.1f} articles/s  ({relevant} relevant)"
    )
    print(f"ratio extraction / bare segmentation: {full / bare:.2f}x (goal <= {GOAL_RATIO}x)")

    if args.stream > 0:
        command = [
            sys.executable,
            __file__,
            "--memory-phase",
            "--stream",
            str(args.stream),
            "--corpus",
            str(args.corpus),
            "--seed",
            str(args.seed),
        ]
        if args.synthetic:
            command.append("--synthetic")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"memory phase failed:\n{done.stderr.strip()}", file=sys.stderr)
            return 1
        mem = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"streamed {mem['articles']} articles through extract_many in "
            f"{mem['seconds']:.1f} s ({mem['articles'] / mem['seconds']:.1f} articles/s): "
            f"peak RSS {mem['peak_mb']:.0f} MB (after model load {mem['baseline_mb']:.0f} MB; "
            f"goal < {GOAL_PEAK_MB} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
