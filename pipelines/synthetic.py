"""Synthetic articles with their known event records, for load tests and benchmarks.

Loading must be tested and measured at sizes no hand-written corpus reaches, and with
known answers. The generator writes plausible pledge articles from templates: blocs
of one province sign every year, the leading unit rotates, several sites report the
same signing, and each record's evidence spans point into the article's text. The
same seed always gives the same corpus, so two processes can share it without files.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime

from extract.models import Article, EventRecord, Span

PROVINCES = [
    "Bắc Ninh",
    "Bắc Giang",
    "Thái Nguyên",
    "Nghệ An",
    "Quảng Ninh",
    "Đồng Nai",
    "Cần Thơ",
    "Lâm Đồng",
    "Hà Tĩnh",
    "Sơn La",
    "Khánh Hòa",
    "An Giang",
]
BLOCS = [
    "Khối thi đua các cơ quan Tổng hợp",
    "Khối thi đua các ngành Kinh tế",
    "Khối thi đua Văn hóa - Xã hội",
    "Khối thi đua Nội chính",
    "Khối thi đua các Doanh nghiệp",
    "Cụm thi đua số 1",
    "Cụm thi đua số 2",
]
UNITS = [
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở TN&MT",
    "Sở NN&PTNT",
    "Sở Xây dựng",
    "Sở GD&ĐT",
    "Sở Y tế",
    "Sở LĐ-TB&XH",
    "Sở VH-TT&DL",
    "Sở KH&CN",
    "Sở TT&TT",
    "Cục Thuế tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "BHXH tỉnh",
    "Ban Quản lý các KCN",
    "Công an tỉnh",
    "Sở Tư pháp",
    "Thanh tra tỉnh",
    "Sở Nội vụ",
    "Sở Công Thương",
]
GOALS = [
    "hoàn thành xuất sắc nhiệm vụ chính trị được giao",
    "đẩy mạnh cải cách hành chính",
    "thực hiện tốt phong trào thi đua chuyển đổi số",
    "100% cán bộ không vi phạm kỷ luật",
    "xây dựng cơ quan đạt chuẩn văn hóa",
    "phấn đấu đạt danh hiệu Cờ thi đua của UBND tỉnh",
    "hưởng ứng phong trào Cả nước chung tay vì người nghèo",
    "thực hành tiết kiệm, chống lãng phí",
]
SITES = ["cong-thong-tin", "bao-tinh", "so-noi-vu"]


class RecordedExtractor:
    """Answers with known records: stands in for NLP where the store, not extraction,
    is under test. Articles without a record get a non-relevant one."""

    def __init__(self, records: Mapping[str, EventRecord], version: str = "synthetic-1"):
        self.records = dict(records)
        self.version = version

    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]:
        for article in articles:
            record = self.records.get(article.id)
            if record is None:
                yield EventRecord(id=article.id, extractor_version=self.version)
            elif record.extractor_version == self.version:
                yield record
            else:
                yield record.model_copy(update={"extractor_version": self.version})


class _TextBuilder:
    """Appends sentences and remembers where each field's words landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.evidence: dict[str, list[Span]] = {}

    def say(self, text: str, field: str | None = None) -> None:
        if field:
            span = Span(start=self.length, end=self.length + len(text), text=text)
            self.evidence.setdefault(field, []).append(span)
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _event_text(
    province: str,
    bloc: str,
    year: int,
    day: date,
    members: list[str],
    leader: str,
    deputy: str,
    goals: list[str],
) -> tuple[str, dict[str, list[Span]]]:
    out = _TextBuilder()
    out.say("Ngày ")
    out.say(day.strftime("%d/%m/%Y"), "event_date")
    out.say(", tại tỉnh ")
    out.say(province, "province")
    out.say(", ")
    out.say(bloc, "bloc_name")
    out.say(f" đã tổ chức hội nghị ký kết giao ước thi đua năm {year}. Khối gồm ")
    out.say(f"{len(members):02d} đơn vị", "member_count")
    out.say(" là ")
    for i, member in enumerate(members):
        out.say(", " if i else "")
        out.say(member, "members")
    out.say(". Năm nay ")
    out.say(leader, "leader_unit")
    out.say(" làm khối trưởng, ")
    out.say(deputy, "deputy_units")
    out.say(" làm khối phó. Các đơn vị thống nhất giao ước: ")
    for i, goal in enumerate(goals):
        out.say("; " if i else "")
        out.say(goal, "goals")
    out.say(".")
    return out.text, out.evidence


def synthetic_pairs(count: int, seed: int = 0) -> Iterator[tuple[Article, EventRecord]]:
    """`count` articles with their records; about one in three reports an event
    another article already reported, and one in ten is unrelated news."""
    rng = random.Random(seed)
    made = 0
    event_no = 0
    years = 11
    while made < count:
        event_no += 1
        year = 2015 + event_no % years
        bloc_no = event_no // years  # one bloc of one province, signing every year
        province = PROVINCES[bloc_no % len(PROVINCES)]
        area = bloc_no // (len(PROVINCES) * len(BLOCS))
        bloc = BLOCS[(bloc_no // len(PROVINCES)) % len(BLOCS)]
        bloc = f"{bloc} khu vực {area}" if area else bloc
        bloc_rng = random.Random(f"{seed}-{bloc_no}")
        members = bloc_rng.sample(UNITS, bloc_rng.randint(5, 12))
        leader = members[year % len(members)]
        deputy = members[(year + 1) % len(members)]
        goals = rng.sample(GOALS, rng.randint(2, 5))
        day = date(year, rng.randint(1, 4), rng.randint(1, 28))
        text, evidence = _event_text(province, bloc, year, day, members, leader, deputy, goals)
        for site in SITES[: rng.choice((1, 1, 2, 3))]:
            if made >= count:
                return
            made += 1
            article_id = f"syn-{seed}-{made:08d}"
            url = f"https://{site}.example.vn/tin-tuc/{event_no}-{site}-{made}.html"
            unrelated = made % 10 == 0
            body = "Thời tiết hôm nay nắng nhẹ." * 3 if unrelated else text
            article = Article(
                id=article_id,
                url=url,
                canonical_url=url,
                site=site,
                source_province=province,
                title=f"Ký kết giao ước thi đua năm {year}",
                published=day,
                fetched_at=datetime(2025, 6, 1, 8, 0, tzinfo=UTC),
                http_status=200,
                content_hash=hashlib.sha1(f"{body}{url}".encode()).hexdigest(),
                text=body,
                html=f"<html><body><p>{body}</p></body></html>",
                relevant_hint=not unrelated,
            )
            record = (
                EventRecord(id=article_id)
                if unrelated
                else EventRecord(
                    id=article_id,
                    relevant=True,
                    event_type="signing",
                    event_date=day,
                    published_date=day,
                    year=year,
                    province=province,
                    bloc_name=bloc,
                    bloc_kind="cụm" if bloc.startswith("Cụm") else "khối",
                    member_count=len(members),
                    members=members,
                    leader_unit=leader,
                    deputy_units=[deputy],
                    goals=goals,
                    evidence=evidence,
                    url=url,
                )
            )
            yield article, record
