"""Scale simulation: a million articles through the real loader, then the analyst views.

Years of archives from every province is about a million articles. This generates them
from the project's templates (`pipelines.synthetic`: blocs of each province signing
every year with a rotating leader, one signing reported by up to three sites, one page
in ten unrelated; each article padded with ordinary news paragraphs to a real article's
length), streams them through `Loader.load_batches` in batches exactly as `giaouoc
load` merges staged batches (extraction replaced by the known records: it has its own
benchmark), and reports the peak memory of the whole process (goal < 2 GB: the
generator streams, so memory must not grow with the corpus) and then each analyst
view's time on the resulting database (goal < 1 s each), fetched in full.

    .venv/bin/python benchmarks/scale_sim.py            # 1,000,000 articles (slow)
    .venv/bin/python benchmarks/scale_sim.py --n 20000  # a smoke run

The last line is ``RESULT {json}`` for `benchmarks/run_all.py`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from crawler.settings import GIAOUOC_BATCH_SIZE as STAGED_BATCH  # noqa: E402
from extract.models import Article, EventRecord  # noqa: E402
from pipelines.loader import LoadCounts, Loader  # noqa: E402
from pipelines.synthetic import RecordedExtractor, synthetic_pairs  # noqa: E402

GOAL_PEAK_MB = 2048
GOAL_VIEW_SECONDS = 1.0
PROGRESS_EVERY = float(os.environ.get("SCALE_SIM_PROGRESS", 30))  # seconds between lines
VIEWS = [
    "v_signings_by_province_year",
    "v_bloc_leaders_by_year",
    "v_member_counts_over_time",
    "v_goals_by_frequency",
]

# Ordinary paragraphs of provincial news, so stored texts have a real article's length
# (the templates alone give a few hundred characters; a real report is 2-4 thousand).
PADDING = [
    "Phát biểu tại hội nghị, đồng chí Phó Chủ tịch UBND tỉnh ghi nhận những kết quả các "
    "đơn vị đã đạt được trong năm qua, đồng thời đề nghị tiếp tục đổi mới nội dung, hình "
    "thức tổ chức các phong trào thi đua, gắn với việc thực hiện nhiệm vụ chính trị.",
    "Năm qua, các đơn vị trong khối đã triển khai đồng bộ các giải pháp, hoàn thành và "
    "hoàn thành vượt mức nhiều chỉ tiêu được giao; công tác phối hợp giữa các thành viên "
    "ngày càng chặt chẽ, hiệu quả.",
    "Bên cạnh kết quả đạt được, hội nghị cũng chỉ ra một số hạn chế như việc phát hiện, "
    "bồi dưỡng và nhân rộng điển hình tiên tiến có nơi còn chậm, chưa thường xuyên.",
    "Dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc đã được khen thưởng, góp "
    "phần động viên cán bộ, công chức, viên chức và người lao động thi đua lập thành tích.",
    "Theo kế hoạch, trong quý II các đơn vị sẽ tổ chức kiểm tra chéo việc thực hiện các "
    "nội dung giao ước, kết quả được tổng hợp báo cáo trưởng khối trước ngày 30/6.",
    "Các đại biểu cũng đã thảo luận, đóng góp ý kiến vào dự thảo quy chế hoạt động của "
    "khối, thống nhất tiêu chí chấm điểm và cách thức bình xét cuối năm.",
]


def padded(article: Article, rng: random.Random) -> Article:
    """The article with 3-6 ordinary paragraphs after its text (evidence offsets hold)."""
    extra = "\n\n".join(rng.sample(PADDING, rng.randint(3, 6)))
    text = f"{article.text}\n\n{extra}"
    html = (
        f"<html><body><article><p>{text.replace(chr(10) * 2, '</p><p>')}</p></article>"
        "<aside>Tin liên quan</aside></body></html>"
    )
    digest = hashlib.sha1(f"{text}{article.url}".encode()).hexdigest()
    return article.model_copy(update={"text": text, "html": html, "content_hash": digest})


def batches(n: int, size: int, seed: int) -> Iterator[list[tuple[Article, EventRecord]]]:
    rng = random.Random(seed)
    batch: list[tuple[Article, EventRecord]] = []
    for article, record in synthetic_pairs(n, seed=seed):
        batch.append((padded(article, rng), record))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def load(db: Path, n: int, size: int, seed: int) -> dict:
    extractor = RecordedExtractor({}, version="scale-sim")
    loader = Loader(db, extractor, "scale-sim")
    started = time.perf_counter()
    generating = 0.0
    done = stored = 0
    tick = started
    it = batches(n, size, seed)

    def staged() -> Iterator[tuple[list[str], list[Article]]]:
        """The batches as `giaouoc load` reads staged ones, generation timed apart; the
        extractor knows a batch's records from when the loader reads it (it reads ahead:
        `lookahead.LOOKUP_ARTICLES`) until the batch is done."""
        nonlocal generating
        while True:
            t0 = time.perf_counter()
            batch = next(it, None)
            generating += time.perf_counter() - t0
            if batch is None:
                return
            extractor.records.update((a.id, r) for a, r in batch)
            yield [a.id for a, _ in batch], [a for a, _ in batch]

    def progress(ids: list[str], counts: LoadCounts) -> None:
        nonlocal done, stored, tick
        for article_id in ids:
            del extractor.records[article_id]
        done += len(ids)
        stored += counts.stored
        if time.perf_counter() - tick > PROGRESS_EVERY or done == n:
            tick = time.perf_counter()
            elapsed = tick - started
            print(
                f"  {done:>9,} articles loaded in {elapsed:7.1f} s "
                f"({done / elapsed:,.0f}/s), peak RSS {peak_rss_mb():,.0f} MB",
                flush=True,
            )

    # like `giaouoc load`: batches grouped into transactions
    loader.load_batches(staged(), on_batch=progress)
    seconds = time.perf_counter() - started
    return {
        "articles": done,
        "stored": stored,
        "load_seconds": seconds,
        "generate_seconds": generating,
        "peak_rss_mb": peak_rss_mb(),
    }


def time_views(db: Path) -> tuple[dict[str, float], dict[str, int], dict[str, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in (
                "articles",
                "events",
                "event_sources",
                "event_members",
                "event_goals",
                "evidence",
            )
        }
        seconds, rows = {}, {}
        for view in VIEWS:
            start = time.perf_counter()
            result = con.sql(f"SELECT * FROM {view}").to_arrow_table()
            seconds[view] = time.perf_counter() - start
            rows[view] = result.num_rows
    finally:
        con.close()
    return seconds, rows, tables


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="articles to generate")
    parser.add_argument(
        "--batch", type=int, default=STAGED_BATCH, help="articles per load batch (as staged)"
    )
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--db", type=Path, help="database to build (default: a temp folder, deleted afterwards)"
    )
    args = parser.parse_args()
    if args.n <= 0 or args.batch <= 0:
        parser.error("--n and --batch must be positive")

    folder = None
    db = args.db
    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="giaouoc-scale-"))
        db = folder / "scale.duckdb"
    elif db.exists():
        parser.error(f"--db {db}: already exists; the simulation builds a new database")
    try:
        print(
            f"loading {args.n:,} synthetic articles in batches of {args.batch:,} into {db}",
            flush=True,
        )
        result = load(db, args.n, args.batch, args.seed)
        result["db_mb"] = db.stat().st_size / 2**20
        views, rows, tables = time_views(db)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    result |= {
        "n": args.n,
        "batch": args.batch,
        "views": views,
        "view_rows": rows,
        "tables": tables,
        "goal_peak_mb": GOAL_PEAK_MB,
        "goal_view_seconds": GOAL_VIEW_SECONDS,
    }
    rate = result["articles"] / result["load_seconds"]
    print("rows: " + ", ".join(f"{t} {c:,}" for t, c in tables.items()))
    print(
        f"load: {result['articles']:,} articles in {result['load_seconds']:.1f} s "
        f"({rate:,.0f}/s, of which generating {result['generate_seconds']:.1f} s); "
        f"database {result['db_mb']:,.0f} MB"
    )
    print(f"peak RSS: {result['peak_rss_mb']:,.0f} MB (goal < {GOAL_PEAK_MB:,} MB)")
    for view, seconds in views.items():
        print(f"{view:30s}: {seconds:6.3f} s, {rows[view]:,} rows (goal < {GOAL_VIEW_SECONDS:g} s)")
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
