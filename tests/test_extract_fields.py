"""Field by field, what the extractor must read from short Vietnamese articles.

Every sentence here is written for these tests from the rules of the annotation guide
(``../shared/eval/GUIDE.md``); none is taken from the eval corpus. Each case builds a
small article (optional "today" banner, title, publication line, body) and checks one
field of ``Extractor().extract``. Names are compared the way the contract scores them:
case and punctuation folded, tokens overlapping by at least 80 %.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date

import pytest

from extract.models import Article, EventRecord

NAME_MATCH = 0.8
GOAL_MATCH = 0.8


@pytest.fixture(scope="module")
def extractor():
    from extract.pipeline import Extractor  # imported here so a missing engine fails tests,
    # not the collection of the whole suite

    return Extractor()


def build(
    body: str,
    *,
    title: str | None = None,
    published: str | None = "15/03/2024 08:30",
    banner: str | None = None,
) -> str:
    """An article's plain text laid out as news pages are: banner, title, date, body."""
    parts = [banner, title, published, body]
    return "\n\n".join(part for part in parts if part)


def run(extractor, text: str, url: str | None = None, published: date | None = None) -> EventRecord:
    return extractor.extract(Article(id="t", url=url, text=text, published=published))


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[^\w%]+", " ", text).split()


def same_name(a: str, b: str) -> bool:
    x, y = Counter(tokens(a)), Counter(tokens(b))
    total = sum(x.values()) + sum(y.values())
    return total > 0 and 2 * sum((x & y).values()) / total >= NAME_MATCH


def same_names(got: list[str], want: list[str]) -> bool:
    """One-to-one fuzzy match of two name lists, nothing left over on either side."""
    left = list(got)
    for name in want:
        match = next((g for g in left if same_name(g, name)), None)
        if match is None:
            return False
        left.remove(match)
    return not left


def contains(item: str, phrase: str) -> bool:
    have, want = Counter(tokens(item)), Counter(tokens(phrase))
    return sum((have & want).values()) / max(1, sum(want.values())) >= GOAL_MATCH


# --- relevance and event type ---------------------------------------------------------

EVENT_TYPES = [
    pytest.param(
        "Khối thi đua các hội đặc thù kiểm tra chéo công tác thi đua năm 2024",
        "Ngày 20/11, đoàn kiểm tra chéo của Khối thi đua các hội đặc thù tỉnh làm việc tại Hội "
        "Chữ thập đỏ tỉnh. Kết quả kiểm tra là căn cứ để khối chấm điểm, bình xét thi đua cuối "
        "năm.",
        "other",
        id="cross-inspection-is-other",
    ),
    pytest.param(
        "Cụm thi đua số 4 triển khai quy chế hoạt động năm 2025",
        "Sáng 22/9, Cụm thi đua số 4 tổ chức hội nghị triển khai quy chế hoạt động. Hội nghị "
        "thống nhất thời gian tổ chức ký kết giao ước thi đua vào tháng 10.",
        "other",
        id="a-scheduled-signing-is-not-the-event",
    ),
    pytest.param(
        "Khối thi đua các sở kinh tế tổng kết năm 2023, ký kết giao ước năm 2024",
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức hội nghị tổng kết công tác thi đua, "
        "khen thưởng năm 2023 và ký kết giao ước thi đua năm 2024.",
        "signing",
        id="review-and-signing-is-signing",
    ),
    pytest.param(
        "Khối thi đua các cơ quan nội chính phát động thi đua và ký giao ước năm 2024",
        "Sáng 8/3, Khối thi đua các cơ quan nội chính phát động phong trào thi đua năm 2024 "
        "và tổ chức ký giao ước thi đua giữa các đơn vị trong Khối.",
        "signing",
        id="launch-and-signing-is-signing",
    ),
    pytest.param(
        "Cụm thi đua số 5 phát động đợt thi đua cao điểm năm 2024",
        "Sáng 12/4, Cụm thi đua số 5 tổ chức lễ phát động đợt thi đua cao điểm chào mừng Quốc "
        "khánh. Trước đó, ngày 20/2, lãnh đạo các huyện trong Cụm đã ký kết giao ước thi đua "
        "năm 2024.",
        "launch",
        id="an-earlier-signing-recalled-in-a-launch",
    ),
    pytest.param(
        "Sở Y tế phát động phong trào thi đua năm 2024",
        "Sáng 6/3, Sở Y tế tổ chức lễ phát động phong trào thi đua yêu nước năm 2024 tới toàn "
        "thể cán bộ, công chức, viên chức của ngành.",
        "launch",
        id="agency-launch",
    ),
    pytest.param(
        "Cụm thi đua số 2 sơ kết công tác thi đua 6 tháng đầu năm 2024",
        "Chiều 10/3, Cụm thi đua số 2 tổ chức hội nghị sơ kết công tác thi đua, khen thưởng "
        "6 tháng đầu năm và bàn phương hướng nhiệm vụ những tháng cuối năm.",
        "review",
        id="mid-year-review",
    ),
    pytest.param(
        "Khối thi đua các doanh nghiệp chấm điểm thi đua năm 2023",
        "Ngày 11/3, Khối thi đua các doanh nghiệp họp chấm điểm, xếp loại thi đua năm 2023 "
        "đối với các đơn vị thành viên.",
        "review",
        id="scoring-is-review",
    ),
    pytest.param(
        "Khối thi đua các cơ quan văn hóa - xã hội tổ chức giải bóng chuyền hơi",
        "Sáng 9/3, Khối thi đua các cơ quan văn hóa - xã hội tổ chức giải bóng chuyền hơi "
        "chào mừng ngày Quốc tế Phụ nữ với sự tham gia của các đội đến từ các đơn vị trong Khối.",
        "other",
        id="sports-day-is-other",
    ),
    pytest.param(
        "Khối thi đua các cơ quan Đảng tổ chức giải bóng chuyền chào mừng năm mới",
        "Sáng 4/2, Khối thi đua các cơ quan Đảng tỉnh khai mạc giải bóng chuyền hơi với sự tham "
        "gia của 10 đội. Chiều cùng ngày, ban tổ chức bế mạc, tổng kết và trao giải.",
        "other",
        id="a-tournament-rounded-up-is-still-other",
    ),
    pytest.param(
        "Khối thi đua các doanh nghiệp thăm, tặng quà gia đình chính sách",
        "Ngày 24/7, Khối thi đua các doanh nghiệp tỉnh tổ chức thăm, tặng quà các gia đình chính "
        "sách nhân Ngày Thương binh - Liệt sĩ.",
        "other",
        id="a-charity-visit-is-other",
    ),
    pytest.param(
        "Khối thi đua các sở kinh tế kí kết giao ước thi đua năm 2024",
        "Sáng 8/3, Khối thi đua các sở kinh tế tổ chức hội nghị kí kết giao ước thi đua năm 2024.",
        "signing",
        id="older-spelling-ki",
    ),
    pytest.param(
        "Cụm thi đua các trường mầm non giao ước thi đua năm học 2024 - 2025",
        "Sáng 20/9, Cụm thi đua các trường mầm non tổ chức hội nghị giao ước thi đua năm học "
        "2024 - 2025.",
        "signing",
        id="pledge-ceremony-without-ky",
    ),
    pytest.param(
        "Khối thi đua các sở kinh tế tổng kết công tác thi đua năm 2024",
        "Sáng 8/1, Khối thi đua các sở kinh tế tổ chức hội nghị tổng kết công tác thi đua năm "
        "2024. Theo kế hoạch, các đơn vị tổ chức ký kết giao ước thi đua năm 2025 trước ngày "
        "15/3/2025.",
        "review",
        id="a-pledge-due-by-a-deadline-is-no-signing",
    ),
]


@pytest.mark.parametrize(("title", "body", "expected"), EVENT_TYPES)
def test_event_type(extractor, title: str, body: str, expected: str) -> None:
    record = run(extractor, build(body, title=title))
    assert record.relevant is True
    assert record.event_type == expected


NOT_RELEVANT = [
    pytest.param(
        "Giám đốc Sở Xây dựng nhận danh hiệu Chiến sĩ thi đua toàn quốc",
        "Ông Trần Minh Khoa, Giám đốc Sở Xây dựng, vinh dự được Thủ tướng Chính phủ tặng danh "
        "hiệu Chiến sĩ thi đua toàn quốc vì thành tích xuất sắc trong nhiều năm liền.",
        id="individual-honour",
    ),
    pytest.param(
        "Đại hội Thi đua yêu nước tỉnh Hà Tĩnh lần thứ VI",
        "Sáng 14/3, tỉnh Hà Tĩnh long trọng tổ chức Đại hội Thi đua yêu nước lần thứ VI, "
        "tôn vinh các điển hình tiên tiến giai đoạn 2020 - 2025.",
        id="province-congress",
    ),
    pytest.param(
        "Khởi công tuyến đường ven biển",
        "Sáng 14/3, chủ đầu tư khởi công tuyến đường ven biển dài 12 km. Các nhà thầu thi đua "
        "bảo đảm tiến độ, phấn đấu thông xe trước mùa mưa bão.",
        id="thi-dua-in-passing",
    ),
    pytest.param(
        "Dự báo thời tiết",
        "Đêm nay, các tỉnh vùng núi phía Bắc có mưa rào và dông rải rác, nhiệt độ thấp nhất "
        "từ 14 đến 17 độ C.",
        id="weather",
    ),
    pytest.param(
        "Ra mắt tiểu thuyết về lời hẹn của hai chị em",
        "Nhà xuất bản vừa ra mắt cuốn tiểu thuyết kể về hai chị em ký giao ước sẽ cùng nhau trở "
        "về quê cũ. Nhiều bạn đọc thi đua đặt mua sách ngay trong ngày đầu phát hành.",
        id="a-pact-between-characters",
    ),
    pytest.param(
        "Tập huấn nghiệp vụ thi đua, khen thưởng năm 2024",
        "Sáng 14/3, Ban Thi đua - Khen thưởng tỉnh tổ chức hội nghị tập huấn cho cán bộ làm "
        "công tác thi đua của các sở, ngành và các khối, cụm thi đua.",
        id="a-training-for-every-bloc",
    ),
    pytest.param(
        "Sở Y tế kỷ niệm 69 năm Ngày Thầy thuốc Việt Nam",
        "Sáng 27/2, Sở Y tế tổ chức lễ kỷ niệm 69 năm Ngày Thầy thuốc Việt Nam. Dự buổi lễ có "
        "lãnh đạo UBND tỉnh và đại diện các bệnh viện. Năm qua, ngành y tế đã hoàn thành tốt "
        "nhiệm vụ. Năm 2024, Sở Y tế là Khối trưởng Khối thi đua Văn hóa - Xã hội.",
        id="an-agency-event-naming-its-bloc-in-passing",
    ),
    pytest.param(
        "Hướng dẫn tổ chức hoạt động của các khối, cụm thi đua năm 2025",
        "Ban Thi đua - Khen thưởng tỉnh vừa ban hành hướng dẫn về tổ chức hoạt động của các khối, "
        "cụm thi đua năm 2025. Các Khối trưởng, Cụm trưởng tổ chức ký kết giao ước thi đua năm "
        "2025.",
        id="a-guidance-document",
    ),
]


@pytest.mark.parametrize(("title", "body"), NOT_RELEVANT)
def test_not_relevant_leaves_every_field_empty(extractor, title: str, body: str) -> None:
    record = run(extractor, build(body, title=title))
    assert record.relevant is False
    assert record.event_type is None
    assert record.event_date is None and record.year is None and record.province is None
    assert record.published_date is None  # GUIDE: when false, every other key is null
    assert record.bloc_name is None and record.bloc_kind is None
    assert record.member_count is None and record.leader_unit is None
    assert record.members == [] and record.deputy_units == [] and record.goals == []


# --- dates ----------------------------------------------------------------------------

DATES = [
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024",
        "02/04/2024 10:15",
        "Chiều 31/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua "
        "năm 2024.",
        date(2024, 3, 31),
        date(2024, 4, 2),
        id="chieu-31/3",
    ),
    pytest.param(
        None,
        "Cụm thi đua số 4 ký kết giao ước thi đua năm 2023",
        "12/03/2023 07:40",
        "Ngày 9-3, Cụm thi đua số 4 đã tổ chức hội nghị ký kết giao ước thi đua năm 2023.",
        date(2023, 3, 9),
        date(2023, 3, 12),
        id="ngay-9-3",
    ),
    pytest.param(
        None,
        "Khối thi đua các cơ quan nội chính ký kết giao ước thi đua năm 2022",
        "10/03/2022 16:02",
        "Sáng ngày 09/3, tại hội trường Sở Tư pháp, Khối thi đua các cơ quan nội chính tổ "
        "chức hội nghị ký kết giao ước thi đua năm 2022.",
        date(2022, 3, 9),
        date(2022, 3, 10),
        id="sang-ngay-09/3",
    ),
    pytest.param(
        None,
        "Khối thi đua các cơ quan văn hóa - xã hội ký kết giao ước thi đua năm 2021",
        "05/03/2021 09:00",
        "Sáng 2.3, Khối thi đua các cơ quan văn hóa - xã hội tổ chức ký kết giao ước thi đua "
        "năm 2021.",
        date(2021, 3, 2),
        date(2021, 3, 5),
        id="sang-2.3",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2023",
        "20/03/2023 08:54",
        "Ngày 16/3/2023, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua.",
        date(2023, 3, 16),
        date(2023, 3, 20),
        id="full-date-in-text",
    ),
    pytest.param(
        None,
        "Cụm thi đua các huyện phía Bắc tổng kết công tác thi đua năm 2023",
        "05/01/2024 08:00",
        "Chiều 28/12, Cụm thi đua các huyện phía Bắc tổ chức hội nghị tổng kết công tác thi "
        "đua, khen thưởng năm 2023.",
        date(2023, 12, 28),
        date(2024, 1, 5),
        id="day-after-publication-is-previous-year",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế sắp ký kết giao ước thi đua năm 2024",
        "05/03/2024 08:00",
        "Hội nghị ký kết giao ước thi đua năm 2024 của Khối thi đua các sở kinh tế sẽ diễn ra "
        "vào sáng 12/3 tại hội trường Sở Công Thương.",
        date(2024, 3, 12),
        date(2024, 3, 5),
        id="announced-event-stays-in-publication-year",
    ),
    pytest.param(
        "Thứ Sáu, 22/11/2024",
        "Khối thi đua các doanh nghiệp tổng kết công tác thi đua năm 2024",
        "18/11/2024 14:05",
        "Sáng 15/11, Khối thi đua các doanh nghiệp tổ chức hội nghị tổng kết công tác thi đua "
        "năm 2024.",
        date(2024, 11, 15),
        date(2024, 11, 18),
        id="today-banner-is-not-publication",
    ),
    pytest.param(
        "Thứ Hai, 06/01/2025",
        "Khối thi đua các cơ quan nội chính ký kết giao ước thi đua năm 2019",
        None,
        "Sáng 14/3, Khối thi đua các cơ quan nội chính tổ chức hội nghị ký kết giao ước thi "
        "đua năm 2019.",
        date(2019, 3, 14),
        None,
        id="banner-only-year-from-article",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2023",
        "Thứ Tư, 15/03/2023 - 09:12",
        "Chiều 13/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua năm "
        "2023.",
        date(2023, 3, 13),
        date(2023, 3, 15),
        id="weekday-publication-line",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024",
        "10/03/2024 10:00",
        "Khối thi đua các sở kinh tế vừa tổ chức hội nghị ký kết giao ước thi đua năm 2024.",
        None,
        date(2024, 3, 10),
        id="vua-to-chuc-has-no-day",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế tổng kết năm 2017, ký kết giao ước thi đua năm 2018",
        "11/06/2021 15:30",
        "Chiều 9/2, Khối thi đua các sở kinh tế tổ chức hội nghị tổng kết công tác thi đua năm "
        "2017 và ký kết giao ước thi đua năm 2018.",
        date(2018, 2, 9),
        date(2021, 6, 11),
        id="repost-takes-the-year-of-the-event",
    ),
    pytest.param(
        None,
        "Khối thi đua các cơ quan Đảng tỉnh phát động thi đua năm 2024",
        "29/02/2024 14:20",
        "(TPB) Sáng nay (29/2), Khối thi đua các cơ quan Đảng tỉnh tổ chức hội nghị phát động "
        "phong trào thi đua năm 2024.",
        date(2024, 2, 29),
        date(2024, 2, 29),
        id="source-tag-without-dash-and-day-in-brackets",
    ),
    pytest.param(
        None,
        "Khối các cơ quan báo chí ký giao ước thi đua",
        "16/03/2024 08:00",
        "Năm qua, các cơ quan báo chí đã có nhiều đổi mới. Nhiều tác phẩm đạt giải cao. Đời "
        "sống người lao động được bảo đảm. Các đơn vị phối hợp chặt chẽ. Hội nghị ký kết giao "
        "ước thi đua của Khối thi đua các cơ quan báo chí thành phố diễn ra chiều 14/3 tại trụ "
        "sở Báo Hòa Bình.",
        date(2024, 3, 14),
        date(2024, 3, 16),
        id="meeting-dated-late-in-a-long-report",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024",
        "Đăng ngày 15/3/2024 bởi Quản trị viên",
        "Chiều 13/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua năm "
        "2024.",
        date(2024, 3, 13),
        date(2024, 3, 15),
        id="posted-by-line",
    ),
    pytest.param(
        None,
        "Cụm thi đua các huyện phía Nam ký kết giao ước thi đua năm 2024",
        "15/03/2024 06:00",
        "Chiều hôm qua, tại huyện Hải Lăng, Cụm thi đua các huyện phía Nam tổ chức hội nghị ký "
        "kết giao ước thi đua năm 2024.",
        date(2024, 3, 14),
        date(2024, 3, 15),
        id="chieu-hom-qua-is-the-day-before-the-paper",
    ),
    pytest.param(
        None,
        "Cụm thi đua các huyện phía Nam ký kết giao ước thi đua năm 2024",
        "01/03/2024 18:00",
        "Sáng nay, Cụm thi đua các huyện phía Nam tổ chức hội nghị ký kết giao ước thi đua năm "
        "2024.",
        date(2024, 3, 1),
        date(2024, 3, 1),
        id="sang-nay-is-the-papers-day",
    ),
    pytest.param(
        None,
        "Khối thi đua Văn hóa - Xã hội ký kết giao ước thi đua năm 2024",
        "08/03/2024 05:45",
        "Hôm qua (7/3), tại Sở Y tế, Khối thi đua Văn hóa - Xã hội tổ chức hội nghị ký kết giao "
        "ước thi đua năm 2024.",
        date(2024, 3, 7),
        date(2024, 3, 8),
        id="hom-qua-with-the-day-in-brackets",
    ),
    pytest.param(
        None,
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024",
        "15/03/2024 08:00",
        "Qua một năm triển khai, Khối thi đua các sở kinh tế đã tổ chức hội nghị ký kết giao ước "
        "thi đua năm 2024.",
        None,
        date(2024, 3, 15),
        id="qua-alone-is-no-day",
    ),
]


@pytest.mark.parametrize(
    ("banner", "title", "published", "body", "event_day", "published_day"), DATES
)
def test_dates(
    extractor,
    banner: str | None,
    title: str,
    published: str | None,
    body: str,
    event_day: date | None,
    published_day: date | None,
) -> None:
    record = run(extractor, build(body, title=title, published=published, banner=banner))
    assert record.relevant is True
    assert record.event_date == event_day
    assert record.published_date == published_day


def test_publication_date_from_the_page_parser(extractor) -> None:
    text = build(
        "Chiều 18/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua.",
        title="Khối thi đua các sở kinh tế ký kết giao ước thi đua",
        published=None,
    )
    record = run(extractor, text, published=date(2024, 3, 20))
    assert record.published_date == date(2024, 3, 20)
    assert record.event_date == date(2024, 3, 18)


YEARS = [
    pytest.param(
        "Cụm thi đua số 4 ký kết giao ước thi đua năm 2023",
        "Ngày 9-3, Cụm thi đua số 4 tổ chức hội nghị ký kết giao ước thi đua năm 2023.",
        2023,
        id="signing-year",
    ),
    pytest.param(
        "Khối thi đua các cơ quan nội chính tổng kết năm 2020, ký kết giao ước năm 2021",
        "Ngày 5/3, Khối thi đua các cơ quan nội chính tổ chức hội nghị tổng kết công tác thi "
        "đua năm 2020 và ký kết giao ước thi đua năm 2021.",
        2021,
        id="review-then-signing-takes-the-signed-year",
    ),
    pytest.param(
        "Cụm thi đua các huyện miền núi sơ kết 6 tháng đầu năm 2022",
        "Chiều 8/3, Cụm thi đua các huyện miền núi tổ chức sơ kết công tác thi đua 6 tháng đầu "
        "năm 2022.",
        2022,
        id="reviewed-year",
    ),
    pytest.param(
        "Cụm thi đua số 3 ký kết giao ước thi đua năm học 2024-2025",
        "Ngày 2/10, Cụm thi đua số 3 khối trung học phổ thông tổ chức ký kết giao ước thi đua "
        "năm học 2024-2025. Các trường giao ước thực hiện hiệu quả Chương trình giáo dục phổ "
        "thông 2018.",
        2024,
        id="school-year-takes-its-first-year",
    ),
    pytest.param(
        "Khối thi đua các doanh nghiệp tổ chức giải bóng chuyền hơi",
        "Sáng 10/3, Khối thi đua các doanh nghiệp tổ chức giải bóng chuyền hơi chào mừng Ngày "
        "Quốc tế Phụ nữ.",
        2024,
        id="no-year-stated-takes-the-year-it-is-held",
    ),
]


@pytest.mark.parametrize(("title", "body", "year"), YEARS)
def test_year(extractor, title: str, body: str, year: int) -> None:
    assert run(extractor, build(body, title=title)).year == year


# --- member count ---------------------------------------------------------------------

SIGNING_TITLE = "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024"
SIGNING_OPENING = (
    "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua năm 2024. "
)

COUNTS = [
    pytest.param("Khối gồm 12 cơ quan, đơn vị.", 12, id="digits"),
    pytest.param("Khối hiện có 08 đơn vị thành viên.", 8, id="leading-zero"),
    pytest.param("Khối thi đua gồm mười hai đơn vị.", 12, id="words-muoi-hai"),
    pytest.param("Khối có chín thành viên, mỗi đơn vị cử hai đại diện dự họp.", 9, id="words-chin"),
    pytest.param("Năm nay Khối có 15 thành viên.", 15, id="thanh-vien"),
    pytest.param("Lãnh đạo 11 đơn vị thuộc Khối đã ký giao ước.", 11, id="attendees-tied-to-bloc"),
    pytest.param(
        "Hội nghị có 45 đại biểu tham dự. Lượt xem: 12", None, id="attendees-are-not-members"
    ),
    pytest.param(
        "Các đơn vị ký giao ước gồm Sở Tài chính, Sở Xây dựng và Sở Công Thương.",
        None,
        id="no-number-stated",
    ),
    pytest.param(
        "Khối thi đua các sở kinh tế với 10 đơn vị thành viên luôn đoàn kết.",
        10,
        id="voi-right-after-the-bloc",
    ),
    pytest.param(
        "Toàn tỉnh hiện có 17 khối, cụm thi đua với 137 thành viên.",
        None,
        id="voi-after-a-province-total",
    ),
    pytest.param("Khối gồm UBND 9 huyện, thị xã.", 9, id="count-after-the-kind-of-unit"),
    pytest.param(
        "Cụm gồm Ủy ban MTTQ Việt Nam của 9 xã, phường.", 9, id="count-after-a-long-kind-of-unit"
    ),
    pytest.param(
        "Khối thi đua các sở kinh tế có sự tham gia của 14 cơ quan, đơn vị.",
        14,
        id="su-tham-gia-cua-after-the-bloc",
    ),
    pytest.param(
        "Hội nghị diễn ra với sự tham gia của 45 đơn vị, doanh nghiệp trên địa bàn.",
        None,
        id="su-tham-gia-cua-attendees",
    ),
    pytest.param("Khối thi đua số 2 gồm 8 phòng nghiệp vụ.", 8, id="departments-phong"),
    pytest.param("Cụm gồm 5 đồn; Đồn Biên phòng A là Cụm trưởng.", 5, id="border-posts-don"),
    pytest.param("Cụm thi đua số 3 gồm 7 trạm kiểm lâm.", 7, id="stations-tram"),
    pytest.param("Khối có 6 đơn vị tham gia, 120 đồng chí dự hội nghị.", 6, id="dong-chi-no-don"),
    pytest.param(
        "Đây là năm thứ hai Khối thi đua số 4 tỉnh Quảng Trị ký giao ước.",
        None,
        id="an-ordinal-is-no-count",
    ),
]


@pytest.mark.parametrize(("sentence", "count"), COUNTS)
def test_member_count(extractor, sentence: str, count: int | None) -> None:
    record = run(extractor, build(SIGNING_OPENING + sentence, title=SIGNING_TITLE))
    assert record.member_count == count


def test_member_count_of_a_cluster_of_districts(extractor) -> None:
    text = build(
        "Sáng 7/3, Cụm thi đua các huyện đồng bằng tổ chức hội nghị ký kết giao ước thi đua năm "
        "2024 với sự tham gia của đại diện 9 huyện trong cụm.",
        title="Cụm thi đua các huyện đồng bằng ký kết giao ước thi đua năm 2024",
    )
    assert run(extractor, text).member_count == 9


# --- members, leader, deputies --------------------------------------------------------

MEMBERS = [
    pytest.param(
        "Khối gồm các đơn vị: Sở Tài chính, Sở Xây dựng, Sở Công Thương và Sở Giao thông vận tải.",
        ["Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Sở Giao thông vận tải"],
        id="commas-and-va",
    ),
    pytest.param(
        "Thành viên Khối gồm: Sở Kế hoạch và Đầu tư; Sở Nông nghiệp và Phát triển nông thôn; "
        "Cục Thuế tỉnh; Kho bạc Nhà nước tỉnh.",
        [
            "Sở Kế hoạch và Đầu tư",
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Cục Thuế tỉnh",
            "Kho bạc Nhà nước tỉnh",
        ],
        id="semicolons-keep-va-inside-names",
    ),
    pytest.param(
        "Khối có 3 đơn vị thành viên gồm: Sở Tài chính, Sở Xây dựng và Sở Công Thương. Tham dự "
        "hội nghị có đại diện Ban Thi đua - Khen thưởng tỉnh và Liên đoàn Lao động tỉnh.",
        ["Sở Tài chính", "Sở Xây dựng", "Sở Công Thương"],
        id="guests-are-not-members",
    ),
    pytest.param(
        "Khối gồm 4 bệnh viện:\n• Bệnh viện Mắt tỉnh;\n• Bệnh viện Phụ sản tỉnh;\n"
        "• Bệnh viện Tâm thần tỉnh;\n• Bệnh viện Y học cổ truyền tỉnh.\n\nNăm qua, các bệnh "
        "viện đã hoàn thành nhiệm vụ.",
        [
            "Bệnh viện Mắt tỉnh",
            "Bệnh viện Phụ sản tỉnh",
            "Bệnh viện Tâm thần tỉnh",
            "Bệnh viện Y học cổ truyền tỉnh",
        ],
        id="bulleted-lines",
    ),
    pytest.param(
        "Khối gồm: Báo Hòa Bình, Tạp chí Sông Lam, Nhà xuất bản Hòa Bình và Cổng thông tin "
        "điện tử tỉnh.",
        [
            "Báo Hòa Bình",
            "Tạp chí Sông Lam",
            "Nhà xuất bản Hòa Bình",
            "Cổng thông tin điện tử tỉnh",
        ],
        id="portal-is-a-unit",
    ),
    pytest.param(
        "Khối gồm 4 đơn vị (Sở Tài chính, Sở Xây dựng, Sở Công Thương và Cục Thuế tỉnh).",
        ["Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Cục Thuế tỉnh"],
        id="list-in-brackets",
    ),
    pytest.param(
        "Khối gồm 12 thành viên là UBND các huyện, thị xã phía Nam của tỉnh.",
        [],
        id="a-class-of-units-is-no-list",
    ),
    pytest.param(
        "Khối gồm 7 trường THPT thuộc Sở Giáo dục và Đào tạo.",
        [],
        id="the-counted-noun-described",
    ),
    pytest.param(
        "Khối gồm các thành viên: Sở Tài chính (Khối trưởng), Sở Xây dựng (Khối phó), Sở Công "
        "Thương, Cục Thuế tỉnh.",
        ["Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Cục Thuế tỉnh"],
        id="roles-noted-in-brackets-inside-the-list",
    ),
    pytest.param(
        "Khối gồm: Công ty Điện lực tỉnh, Viễn thông tỉnh, Agribank chi nhánh tỉnh, BIDV chi "
        "nhánh tỉnh.",
        [
            "Công ty Điện lực tỉnh",
            "Viễn thông tỉnh",
            "Agribank chi nhánh tỉnh",
            "BIDV chi nhánh tỉnh",
        ],
        id="banks-named-by-brand",
    ),
    pytest.param(
        "Cụm gồm 5 đơn vị: Huyện đoàn Sơn Hà, Huyện đoàn Ba Tơ, Thị đoàn Đức Phổ, Huyện đoàn "
        "Minh Long và Huyện đoàn Trà Bồng.",
        [
            "Huyện đoàn Sơn Hà",
            "Huyện đoàn Ba Tơ",
            "Thị đoàn Đức Phổ",
            "Huyện đoàn Minh Long",
            "Huyện đoàn Trà Bồng",
        ],
        id="youth-unions-of-districts-are-units",
    ),
    pytest.param(
        "Cụm gồm Hội LHPN năm huyện vùng cao: Bát Xát, Mường Khương, Si Ma Cai và Bắc Hà.",
        ["Bát Xát", "Mường Khương", "Si Ma Cai", "Bắc Hà"],
        id="count-in-words-then-the-kind-then-the-names",
    ),
    pytest.param(
        "Cụm gồm Kho bạc Nhà nước các tỉnh, thành phố: Cần Thơ, Hậu Giang, Sóc Trăng và Bạc Liêu.",
        ["Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu"],
        id="cac-and-two-kinds-then-the-names",
    ),
    pytest.param(
        "Cụm gồm 4 quận: Ninh Kiều, Bình Thủy, Cái Răng và Ô Môn; UBND quận Bình Thủy là Cụm "
        "trưởng năm 2025.",
        ["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn"],
        id="a-member-named-again-with-its-role",
    ),
    pytest.param(
        "Khối gồm các cơ quan, đơn vị:\nSở Y tế\nSở Giáo dục và Đào tạo\nBan Dân tộc tỉnh\n\n"
        "Năm 2024, Sở Y tế là Khối trưởng.",
        ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Ban Dân tộc tỉnh"],
        id="one-unit-a-line-with-no-marks",
    ),
    pytest.param(
        "Khối do Sở Y tế làm trưởng khối, Sở Tư pháp làm phó khối. Các đơn vị thành viên khác "
        "gồm Sở Nội vụ, Sở Tài chính.",
        ["Sở Y tế", "Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính"],
        id="other-members-after-the-roles",
    ),
    pytest.param(
        "Cụm thi đua số 3 của tỉnh (gồm UBND các huyện Kiến Xương, Tiền Hải và Vũ Thư) tổ chức "
        "hội nghị.",
        ["UBND huyện Kiến Xương", "Tiền Hải", "Vũ Thư"],
        id="a-kind-of-unit-before-cac-huyen",
    ),
    pytest.param(
        "Năm 2023, các doanh nghiệp trong Khối đóng góp lớn cho ngân sách. Điển hình như Công "
        "ty CP Sông Lam nộp ngân sách 600 tỷ đồng, Công ty CP Hòa Phong có số nộp 20,4 tỷ "
        "đồng, Tổng công ty Giống cây trồng tỉnh nộp 10 tỷ đồng.",
        ["Công ty CP Sông Lam", "Công ty CP Hòa Phong", "Tổng công ty Giống cây trồng tỉnh"],
        id="the-blocs-units-given-as-examples",
    ),
    pytest.param(
        "Các đơn vị trong Khối triển khai nhiều phong trào. Một số đơn vị tạo điểm nhấn rõ "
        "nét như: Sở Tài chính với phong trào “Tài chính minh bạch, hiệu quả”; Sở Ngoại vụ với "
        "phong trào “Hội nhập, hữu nghị”.",
        ["Sở Tài chính", "Sở Ngoại vụ"],
        id="some-of-the-blocs-units-with-their-movements",
    ),
    pytest.param(
        "Trên địa bàn tỉnh, nhiều doanh nghiệp đóng góp lớn cho ngân sách. Điển hình như Công "
        "ty CP Sông Lam nộp 600 tỷ đồng, Công ty CP Hòa Phong nộp 20 tỷ đồng.",
        [],
        id="examples-of-the-provinces-firms-are-no-members",
    ),
    pytest.param(
        "Năm 2024, Sở Nội vụ làm Khối trưởng. Sở Y tế, Sở Tư pháp và Ban Dân tộc tỉnh được "
        "Khối suy tôn là đơn vị dẫn đầu phong trào thi đua năm 2023.",
        ["Sở Nội vụ", "Sở Y tế", "Sở Tư pháp", "Ban Dân tộc tỉnh"],
        id="units-the-bloc-ranks-and-its-leader",
    ),
    pytest.param(
        "Qua bình xét, hội nghị thống nhất suy tôn Cục Thuế tỉnh và Kho bạc Nhà nước tỉnh là "
        "hai đơn vị dẫn đầu Khối, đề nghị UBND tỉnh tặng Cờ thi đua.",
        ["Cục Thuế tỉnh", "Kho bạc Nhà nước tỉnh"],
        id="the-bloc-ranks-units-named-after-suy-ton",
    ),
    pytest.param(
        "Cuối năm, các đơn vị trong Khối bình xét, suy tôn các đơn vị dẫn đầu đề nghị UBND "
        "tỉnh khen thưởng.",
        [],
        id="ranking-a-class-of-units-names-no-member",
    ),
]


@pytest.mark.parametrize(("sentence", "members"), MEMBERS)
def test_members(extractor, sentence: str, members: list[str]) -> None:
    record = run(extractor, build(SIGNING_OPENING + sentence, title=SIGNING_TITLE))
    assert same_names(record.members, members), record.members


def test_members_of_a_cluster(extractor) -> None:
    text = build(
        "Ngày 6/3, Cụm thi đua các huyện phía Nam tổ chức ký kết giao ước thi đua năm 2024. Cụm "
        "gồm 4 đơn vị: huyện Hòa Lạc, huyện Tân Phong, thị xã Bình Sơn và huyện Đông Xuyên.",
        title="Cụm thi đua các huyện phía Nam ký kết giao ước thi đua năm 2024",
    )
    record = run(extractor, text)
    expected = ["huyện Hòa Lạc", "huyện Tân Phong", "thị xã Bình Sơn", "huyện Đông Xuyên"]
    assert same_names(record.members, expected), record.members
    assert record.member_count == 4


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "Cụm gồm thị xã Bình Sơn và các huyện Hòa Lạc, Tân Phong, Đông Xuyên.",
            ["thị xã Bình Sơn", "huyện Hòa Lạc", "Tân Phong", "Đông Xuyên"],
            id="cac-huyen-then-bare-names",
        ),
        pytest.param(
            "Cụm gồm UBND 4 huyện: Hòa Lạc, Tân Phong, Bình Sơn và Đông Xuyên.",
            ["Hòa Lạc", "Tân Phong", "Bình Sơn", "Đông Xuyên"],
            id="counted-intro-before-a-colon",
        ),
        pytest.param(
            "Cụm gồm UBND các huyện: Hòa Lạc, Tân Phong, Bình Sơn và thành phố Bình Sơn.",
            ["Hòa Lạc", "Tân Phong", "Bình Sơn", "thành phố Bình Sơn"],
            id="a-district-and-the-city-of-the-same-name-are-two",
        ),
        pytest.param(
            "Cụm gồm các quận 3, 10, 11 và Bình Thạnh.",
            ["quận 3", "quận 10", "quận 11", "Bình Thạnh"],
            id="numbered-districts-keep-their-kind",
        ),
    ],
)
def test_members_of_a_cluster_named_in_short(extractor, sentence: str, expected: list[str]) -> None:
    text = build(
        "Ngày 6/3, Cụm thi đua các huyện phía Nam tổ chức ký kết giao ước thi đua năm 2024. "
        + sentence,
        title="Cụm thi đua các huyện phía Nam ký kết giao ước thi đua năm 2024",
    )
    record = run(extractor, text)
    assert same_names(record.members, expected), record.members


ROLES = [
    pytest.param(
        "Năm 2024, Sở Y tế là đơn vị Khối trưởng, Sở Tư pháp là đơn vị Khối phó.",
        "Sở Y tế",
        ["Sở Tư pháp"],
        id="don-vi-khoi-truong",
    ),
    pytest.param(
        "Khối trưởng năm 2024 là Sở Nội vụ; Khối phó là Sở Ngoại vụ và Thanh tra tỉnh.",
        "Sở Nội vụ",
        ["Sở Ngoại vụ", "Thanh tra tỉnh"],
        id="khoi-truong-la-two-deputies",
    ),
    pytest.param(
        "Sở Công Thương làm Trưởng Khối năm 2024, Sở Xây dựng làm Khối phó.",
        "Sở Công Thương",
        ["Sở Xây dựng"],
        id="lam-truong-khoi",
    ),
    pytest.param(
        "Đài Phát thanh và Truyền hình tỉnh giữ vai trò Khối trưởng năm 2024.",
        "Đài Phát thanh và Truyền hình tỉnh",
        [],
        id="giu-vai-tro-khoi-truong",
    ),
    pytest.param(
        "Tại hội nghị, Sở Y tế, đơn vị Khối trưởng năm 2023, đã bàn giao nhiệm vụ. Hội nghị thống "
        "nhất bầu Sở Giáo dục và Đào tạo làm Khối trưởng năm 2024 và Sở Tư pháp làm Khối phó.",
        "Sở Giáo dục và Đào tạo",
        ["Sở Tư pháp"],
        id="elected-for-the-signed-year",
    ),
    pytest.param(
        "Hội nghị được tổ chức tại Sở Nội vụ (đơn vị Khối trưởng).",
        "Sở Nội vụ",
        [],
        id="tai-a-unit-in-brackets",
    ),
    pytest.param(
        "Tại hội nghị, Sở Y tế đã trao cờ luân phiên cho Sở Tư pháp - đơn vị Khối trưởng năm 2024.",
        "Sở Tư pháp",
        [],
        id="flag-handed-to-the-new-leader",
    ),
    pytest.param(
        "Sở Nội vụ giữ cương vị Khối trưởng, Sở Tư pháp đảm nhận cương vị Khối phó.",
        "Sở Nội vụ",
        ["Sở Tư pháp"],
        id="cuong-vi",
    ),
    pytest.param(
        "Sở Xây dựng tiếp nhận cờ luân phiên Khối trưởng năm 2024.",
        "Sở Xây dựng",
        [],
        id="takes-over-the-leaders-flag",
    ),
    pytest.param(
        "Khối trưởng Khối thi đua các sở kinh tế năm 2024 là Sở Tài chính, Khối phó là Sở Xây "
        "dựng.",
        "Sở Tài chính",
        ["Sở Xây dựng"],
        id="bloc-name-between-role-and-unit",
    ),
    pytest.param(
        "Năm 2024, Khối trưởng là Sở Tài chính, Khối phó là Sở Xây dựng.",
        "Sở Tài chính",
        ["Sở Xây dựng"],
        id="year-then-role-la-unit",
    ),
    pytest.param(
        "Sở Y tế là Khối trưởng năm 2023 đã bàn giao cho Sở Tài chính làm Khối trưởng năm 2024.",
        "Sở Tài chính",
        [],
        id="the-role-held-for-the-events-year",
    ),
    pytest.param(
        "Năm 2024, Sở Tài chính là đơn vị Khối trưởng; Sở Xây dựng và Sở Công Thương là các "
        "đơn vị Khối phó.",
        "Sở Tài chính",
        ["Sở Xây dựng", "Sở Công Thương"],
        id="la-cac-don-vi-khoi-pho",
    ),
    pytest.param(
        "Tại hội nghị, Sở Y tế đã bàn giao nhiệm vụ Khối trưởng năm 2024 cho Sở Tài chính.",
        "Sở Tài chính",
        [],
        id="role-handed-to-the-unit-after-cho",
    ),
    pytest.param(
        "Đồng chí Trần Văn Hải, Chánh Văn phòng UBND tỉnh, Trưởng Khối thi đua chủ trì hội nghị.",
        "Văn phòng UBND tỉnh",
        [],
        id="a-title-that-carries-its-units-head-word",
    ),
    pytest.param(
        "Thượng tá Lê Minh, Trưởng phòng Cảnh sát hình sự - đơn vị Trưởng khối chủ trì hội nghị.",
        "Phòng Cảnh sát hình sự",
        [],
        id="truong-phong-heads-the-phong",
    ),
    pytest.param(
        "Đoàn do ông Lê Văn Tâm, Phó Chủ tịch Thường trực Liên hiệp các Hội Khoa học và Kỹ "
        "thuật tỉnh - đơn vị Khối phó dẫn đầu; Hội Chữ thập đỏ tỉnh là đơn vị Khối trưởng.",
        "Hội Chữ thập đỏ tỉnh",
        ["Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh"],
        id="a-standing-vice-chairs-unit",
    ),
    pytest.param(
        "Năm 2024, Sở Y tế là Khối trưởng, Sở Văn hóa, Thể thao và Du lịch là Khối phó.",
        "Sở Y tế",
        ["Sở Văn hóa, Thể thao và Du lịch"],
        id="a-deputy-whose-name-holds-a-comma",
    ),
    pytest.param(
        "Khối trưởng năm 2024 là Sở Lao động, Thương binh và Xã hội; Khối phó là Sở Văn hoá, "
        "Thông tin.",
        "Sở Lao động, Thương binh và Xã hội",
        ["Sở Văn hoá, Thông tin"],
        id="roles-after-the-cue-with-a-comma-in-the-name",
    ),
]


@pytest.mark.parametrize(("sentence", "leader", "deputies"), ROLES)
def test_leader_and_deputies(extractor, sentence: str, leader: str, deputies: list[str]) -> None:
    record = run(extractor, build(SIGNING_OPENING + sentence, title=SIGNING_TITLE))
    assert record.leader_unit is not None and same_name(record.leader_unit, leader), (
        record.leader_unit
    )
    assert same_names(record.deputy_units, deputies), record.deputy_units


def test_review_keeps_the_leader_of_the_reviewed_year(extractor) -> None:
    text = build(
        "Chiều 20/12, Khối thi đua các sở kinh tế tổ chức hội nghị tổng kết công tác thi đua năm "
        "2023. Sở Xây dựng, đơn vị Khối trưởng năm 2023, báo cáo kết quả hoạt động của Khối. "
        "Hội nghị đã bầu Sở Tài chính làm Khối trưởng năm 2024.",
        title="Khối thi đua các sở kinh tế tổng kết công tác thi đua năm 2023",
        published="22/12/2023 09:00",
    )
    record = run(extractor, text)
    assert record.event_type == "review"
    assert record.leader_unit is not None and same_name(record.leader_unit, "Sở Xây dựng")


def test_signing_takes_the_leader_introduced_for_the_signed_year(extractor) -> None:
    text = build(
        "Chiều 18/1, Cụm thi đua số 2 tổng kết năm 2023 và ký kết giao ước thi đua năm 2024. "
        "Năm 2023, huyện Đức Huệ giữ vai trò cụm trưởng. Cũng tại hội nghị, các địa phương "
        "thống nhất giới thiệu thị xã Kiến Tường làm cụm trưởng năm 2024.",
        title="Cụm thi đua số 2 tổng kết năm 2023, ký giao ước thi đua năm 2024",
        published="19/01/2024 10:00",
    )
    record = run(extractor, text)
    assert record.event_type == "signing"
    assert record.leader_unit is not None and same_name(record.leader_unit, "thị xã Kiến Tường")


def test_cluster_leader_and_deputy(extractor) -> None:
    text = build(
        "Sáng 7/3, Cụm thi đua các huyện đồng bằng tổ chức ký kết giao ước thi đua năm 2024. "
        "Huyện Tiên Hòa được bầu làm Cụm trưởng, huyện Lạc Thủy Nam làm Cụm phó năm 2024.",
        title="Cụm thi đua các huyện đồng bằng ký kết giao ước thi đua năm 2024",
    )
    record = run(extractor, text)
    assert record.leader_unit is not None and same_name(record.leader_unit, "huyện Tiên Hòa")
    assert same_names(record.deputy_units, ["huyện Lạc Thủy Nam"]), record.deputy_units


# --- bloc name and kind ---------------------------------------------------------------

BLOCS = [
    pytest.param(
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2024",
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức hội nghị ký kết giao ước thi đua.",
        ["Khối thi đua các sở kinh tế"],
        "khối",
        id="full-khoi-name",
    ),
    pytest.param(
        "Cụm thi đua số 4 ký kết giao ước thi đua năm 2024",
        "Ngày 9-3, Cụm thi đua số 4 tổ chức hội nghị ký kết giao ước thi đua năm 2024.",
        ["Cụm thi đua số 4"],
        "cụm",
        id="numbered-cum",
    ),
    pytest.param(
        "Khối Văn xã ký kết giao ước thi đua năm 2024",
        "Sáng 5/3, các đơn vị trong Khối Văn xã đã ký kết giao ước thi đua năm 2024.",
        ["Khối Văn xã"],
        "khối",
        id="short-form-only",
    ),
    pytest.param(
        "Khối Văn xã ký kết giao ước thi đua năm 2024",
        "Sáng 5/3, Khối thi đua các cơ quan văn hóa - xã hội (Khối Văn xã) tổ chức hội nghị ký "
        "kết giao ước thi đua năm 2024.",
        ["Khối thi đua các cơ quan văn hóa - xã hội", "Khối Văn xã"],
        "khối",
        id="full-and-short-form",
    ),
    pytest.param(
        "Cụm thi đua các huyện miền núi ký kết giao ước thi đua",
        "Chiều 8/3, Cụm thi đua các huyện miền núi tổ chức hội nghị ký kết giao ước thi đua năm "
        "2024.",
        ["Cụm thi đua các huyện miền núi"],
        "cụm",
        id="named-cum",
    ),
    pytest.param(
        "Khối các cơ quan Đảng, Mặt trận, đoàn thể ký kết giao ước thi đua",
        "Sáng 6/3, Khối thi đua các cơ quan Đảng, Mặt trận, đoàn thể tỉnh tổ chức hội nghị ký "
        "kết giao ước thi đua năm 2024.",
        ["Khối thi đua các cơ quan Đảng, Mặt trận, đoàn thể tỉnh"],
        "khối",
        id="sectors-separated-by-commas",
    ),
    pytest.param(
        "Khối Mặt trận và các đoàn thể ký kết giao ước thi đua",
        "Sáng 6/3, Khối thi đua Mặt trận và các đoàn thể tỉnh tổ chức hội nghị ký kết giao ước "
        "thi đua năm 2024.",
        ["Khối thi đua Mặt trận và các đoàn thể tỉnh"],
        "khối",
        id="front-and-mass-organisations",
    ),
    pytest.param(
        "Khối thi đua số 4 ký kết giao ước thi đua năm 2024",
        "Sáng 6/3, Khối thi đua số 4 tổ chức hội nghị ký kết giao ước thi đua năm 2024. Năm "
        "2024, Khối thi đua số 4 phấn đấu 100% hồ sơ được giải quyết đúng hạn.",
        ["Khối thi đua số 4"],
        "khối",
        id="name-ends-before-phan-dau",
    ),
    pytest.param(
        "Kiểm tra chéo công tác thi đua năm 2024",
        "Ngày 20/11, đoàn kiểm tra chéo làm việc tại các đơn vị. Khối thi đua các Hội đặc thù "
        "hiện có 10 đơn vị thành viên.",
        ["Khối thi đua các Hội đặc thù"],
        "khối",
        id="name-ends-before-hien-co",
    ),
    pytest.param(
        "Khối 7 ký kết giao ước thi đua năm 2024",
        "Sáng 6/3, các đơn vị thuộc Khối 7, tỉnh Phú Yên đã ký kết giao ước thi đua năm 2024.",
        ["Khối 7"],
        "khối",
        id="numbered-short-form",
    ),
]


@pytest.mark.parametrize(("title", "body", "names", "kind"), BLOCS)
def test_bloc_name_and_kind(extractor, title: str, body: str, names: list[str], kind: str) -> None:
    record = run(extractor, build(body, title=title))
    assert record.bloc_name is not None
    assert any(same_name(record.bloc_name, name) for name in names), record.bloc_name
    assert record.bloc_kind == kind


def test_agency_launch_names_no_bloc(extractor) -> None:
    text = build(
        "Sáng 6/3, Sở Y tế tổ chức lễ phát động phong trào thi đua yêu nước năm 2024.",
        title="Sở Y tế phát động phong trào thi đua năm 2024",
    )
    record = run(extractor, text)
    assert record.relevant is True
    assert record.bloc_name is None and record.bloc_kind is None


# --- province -------------------------------------------------------------------------

PROVINCES = [
    pytest.param(
        "Sáng 4/3, Cụm thi đua các huyện vùng Đồng Tháp Mười tổ chức ký kết giao ước thi đua. "
        "Cụm gồm huyện Đức Huệ, huyện Thủ Thừa và huyện Đức Hòa; huyện Đức Huệ làm cụm trưởng.",
        None,
        "Long An",
        id="districts-outvote-a-region-named-like-a-province",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tỉnh Nghệ An tổ chức ký kết giao ước thi đua.",
        None,
        "Nghệ An",
        id="tinh-in-text",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các quận, huyện thành phố Cần Thơ tổ chức ký kết giao ước thi "
        "đua năm 2024.",
        None,
        "Cần Thơ",
        id="thanh-pho-in-text",
    ),
    pytest.param(
        "Chiều 12/3, Cụm thi đua số 1 của TP. Hồ Chí Minh tổ chức ký kết giao ước thi đua năm "
        "2024.",
        None,
        "Hồ Chí Minh",
        id="tp-abbreviation",
    ),
    pytest.param(
        "Chiều 12/3, Cụm thi đua số 2 TP.HCM tổ chức ký kết giao ước thi đua năm 2024.",
        None,
        "Hồ Chí Minh",
        id="tp-dot-hcm",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức ký kết giao ước thi đua năm 2024.",
        "https://snv.nghean.gov.vn/tin-tuc/khoi-thi-dua-ky-ket-giao-uoc-2024",
        "Nghệ An",
        id="from-site-host",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức ký kết giao ước thi đua năm 2024.",
        "https://sokhcn.baria-vungtau.gov.vn/tin-tuc/khoi-thi-dua-ky-ket",
        "Bà Rịa - Vũng Tàu",
        id="hyphenated-host",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức ký kết giao ước thi đua năm 2024.",
        "https://hanoimoi.vn/khoi-thi-dua-ky-ket-giao-uoc-123.html",
        "Hà Nội",
        id="short-slug-heading-a-papers-host",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức ký kết giao ước thi đua năm 2024.",
        "https://www.tphcm.gov.vn/tin-tuc/khoi-thi-dua-ky-ket",
        "Hồ Chí Minh",
        id="host-alias-tphcm",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các cơ quan nội chính tỉnh Thừa Thiên Huế tổ chức ký kết giao "
        "ước thi đua năm 2024.",
        "https://tintuc.example.vn/khoi-thi-dua-ky-ket",
        "Thừa Thiên Huế",
        id="pre-2025-name-on-a-news-site",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tỉnh Hà Tĩnh tổ chức ký kết giao ước thi đua.",
        "https://snv.nghean.gov.vn/tin-tuc/khoi-thi-dua-ha-tinh",
        "Hà Tĩnh",
        id="text-wins-over-site",
    ),
    pytest.param(
        "Chiều 12/3, Cụm thi đua số 5 các phường khu vực trung tâm TPHCM tổ chức ký kết giao ước "
        "thi đua năm 2025.",
        None,
        "Hồ Chí Minh",
        id="tphcm-in-one-word",
    ),
    pytest.param(
        "Chiều 12/3, Cụm thi đua các Quỹ tín dụng nhân dân khu vực phía Nam tỉnh Nghệ An tổ chức "
        "ký kết giao ước thi đua năm 2024.",
        None,
        "Nghệ An",
        id="khu-vuc-of-one-province",
    ),
    pytest.param(
        "Chiều 12/3, Cụm thi đua số 2 các xã khu vực miền núi phía Tây tổ chức ký kết giao ước "
        "thi đua năm 2025 tại xã Tam Đảo, tỉnh Phú Thọ.",
        None,
        "Phú Thọ",
        id="communes-lie-in-one-province",
    ),
    pytest.param(
        "Chiều 12/3, Khối thi đua các sở kinh tế tổ chức ký kết giao ước thi đua năm 2024.",
        None,
        None,
        id="nothing-tells",
    ),
]


@pytest.mark.parametrize(("body", "url", "province"), PROVINCES)
def test_province(extractor, body: str, url: str | None, province: str | None) -> None:
    record = run(extractor, build(body, title=SIGNING_TITLE), url=url)
    assert record.province == province


def test_numbered_cluster_of_a_city_is_not_regional(extractor) -> None:
    text = build(
        "Chiều 12/3, Cụm thi đua số 6 thành phố Hà Nội khai mạc hội nghị ký kết giao ước thi "
        "đua năm 2024.",
        title="Cụm thi đua số 6 thành phố Hà Nội ký kết giao ước thi đua năm 2024",
    )
    record = run(extractor, text)
    assert record.bloc_name == "Cụm thi đua số 6 thành phố Hà Nội"
    assert record.province == "Hà Nội"


def test_regional_cluster_has_no_province(extractor) -> None:
    text = build(
        "Ngày 15/3, tại tỉnh Lào Cai, Cụm thi đua các tỉnh miền núi phía Bắc gồm Lào Cai, Hà "
        "Giang, Cao Bằng, Lai Châu và Điện Biên tổ chức hội nghị ký kết giao ước thi đua năm 2024.",
        title="Cụm thi đua các tỉnh miền núi phía Bắc ký kết giao ước thi đua năm 2024",
    )
    assert run(extractor, text).province is None


def test_eth_for_d_and_no_break_spaces(extractor) -> None:
    """Older sites write "Đ" as the look-alike "Ð" (U+00D0) and join words with NBSP."""
    text = build(
        "Sáng 11/3, Khối thi đua các cơ quan \u00d0ảng tỉnh \u00d0ắk\u00a0Lắk tổ chức ký kết "
        "giao ước thi đua năm 2024. Ban Tổ chức Tỉnh ủy là Khối trưởng.",
        title="Khối thi đua các cơ quan \u00d0ảng ký kết giao ước thi đua năm 2024",
    )
    record = run(extractor, text)
    assert record.province == "Đắk Lắk"
    assert record.bloc_name == "Khối thi đua các cơ quan Đảng tỉnh Đắk Lắk"
    assert record.leader_unit == "Ban Tổ chức Tỉnh ủy"


# --- goals ----------------------------------------------------------------------------

GOALS = [
    pytest.param(
        "Các đơn vị giao ước tập trung chăm lo người có công; nâng cao chất lượng dạy và học.",
        ["chăm lo người có công", "nâng cao chất lượng dạy và học"],
        id="giao-uoc-tap-trung",
    ),
    pytest.param(
        "Năm 2024, các sở trong khối xác định tập trung hoàn thành các chỉ tiêu được giao; đẩy "
        "nhanh tiến độ giải ngân vốn đầu tư công; cải thiện chỉ số năng lực cạnh tranh cấp tỉnh.",
        [
            "hoàn thành các chỉ tiêu được giao",
            "đẩy nhanh tiến độ giải ngân vốn đầu tư công",
            "cải thiện chỉ số năng lực cạnh tranh cấp tỉnh",
        ],
        id="xac-dinh-tap-trung",
    ),
    pytest.param(
        "Khối phát động các đơn vị thành viên thi đua hoàn thành xuất sắc nhiệm vụ năm 2024; "
        "nâng cao chất lượng phục vụ người dân; thực hành tiết kiệm, chống lãng phí.",
        [
            "hoàn thành xuất sắc nhiệm vụ năm 2024",
            "nâng cao chất lượng phục vụ người dân",
            "thực hành tiết kiệm, chống lãng phí",
        ],
        id="phat-dong-cac-don-vi-thi-dua",
    ),
    pytest.param(
        "Các đơn vị giao ước thực hiện các nội dung: hoàn thành xuất sắc nhiệm vụ chính trị được "
        "giao; đẩy mạnh cải cách hành chính; xây dựng cơ quan đạt chuẩn văn hóa; 100% cán bộ, "
        "công chức chấp hành tốt kỷ luật, kỷ cương hành chính.",
        [
            "hoàn thành xuất sắc nhiệm vụ chính trị được giao",
            "đẩy mạnh cải cách hành chính",
            "xây dựng cơ quan đạt chuẩn văn hóa",
            "100% cán bộ, công chức chấp hành tốt kỷ luật",
        ],
        id="semicolon-list",
    ),
    pytest.param(
        "Các đơn vị cam kết phấn đấu đạt danh hiệu “Tập thể lao động xuất sắc”, tích cực hưởng "
        "ứng phong trào “Cả nước chung tay vì người nghèo” và phấn đấu 20% cán bộ hoàn thành "
        "xuất sắc nhiệm vụ.",
        ["Tập thể lao động xuất sắc", "Cả nước chung tay vì người nghèo", "20% cán bộ hoàn thành"],
        id="quoted-titles-and-percentage",
    ),
    pytest.param(
        "Nội dung giao ước gồm:\n- Thực hiện tốt công tác phòng, chống tham nhũng.\n- Nâng cao "
        "chất lượng phục vụ người dân, doanh nghiệp.\n- Tổ chức tốt các hoạt động văn hóa, thể "
        "thao.",
        [
            "phòng, chống tham nhũng",
            "chất lượng phục vụ người dân, doanh nghiệp",
            "hoạt động văn hóa, thể thao",
        ],
        id="bulleted-list",
    ),
    pytest.param(
        "Các đơn vị giao ước thi đua xây dựng cơ quan vững mạnh toàn diện; giữ vững an ninh "
        "trật tự trong cơ quan.",
        ["xây dựng cơ quan vững mạnh toàn diện", "giữ vững an ninh trật tự trong cơ quan"],
        id="giao-uoc-thi-dua-then-a-verb",
    ),
    pytest.param(
        "Các đơn vị thống nhất thực hiện 3 nội dung: Một là, hoàn thành 100% chỉ tiêu được "
        "giao. Hai là, đẩy mạnh cải cách hành chính. Ba là, xây dựng cơ quan văn hóa.",
        [
            "hoàn thành 100% chỉ tiêu được giao",
            "đẩy mạnh cải cách hành chính",
            "xây dựng cơ quan văn hóa",
        ],
        id="mot-la-hai-la",
    ),
    pytest.param(
        "Năm 2024, Khối đặt mục tiêu giải ngân 100% vốn đầu tư công được giao.",
        ["giải ngân 100% vốn đầu tư công được giao"],
        id="dat-muc-tieu",
    ),
    pytest.param(
        "Theo nội dung giao ước, mỗi đơn vị phải giải ngân 100% vốn đầu tư công được giao.",
        ["giải ngân 100% vốn đầu tư công được giao"],
        id="theo-noi-dung-giao-uoc",
    ),
    pytest.param(
        "Các đơn vị cùng nhau thi đua hoàn thành 100% chỉ tiêu được giao.",
        ["hoàn thành 100% chỉ tiêu được giao"],
        id="units-thi-dua-then-a-verb",
    ),
    pytest.param(
        "Theo đó, các đơn vị sẽ tập trung đẩy mạnh cải cách hành chính; xây dựng cơ quan văn hóa.",
        ["đẩy mạnh cải cách hành chính", "xây dựng cơ quan văn hóa"],
        id="se-tap-trung",
    ),
    pytest.param(
        "Cụ thể, các đơn vị giao ước:\n+ Đẩy mạnh cải cách hành chính;\n+ Xây dựng cơ quan văn "
        "hóa.",
        ["đẩy mạnh cải cách hành chính", "xây dựng cơ quan văn hóa"],
        id="plus-bullets",
    ),
    pytest.param(
        "Các đơn vị giao ước: đẩy mạnh cải cách hành chính; cụ thể hóa các chỉ tiêu vào kế "
        "hoạch công tác của đơn vị.",
        ["đẩy mạnh cải cách hành chính", "cụ thể hóa các chỉ tiêu"],
        id="cu-the-hoa-is-a-verb-not-a-lead-in",
    ),
]


@pytest.mark.parametrize(("sentence", "phrases"), GOALS)
def test_goals_are_short_separate_items(extractor, sentence: str, phrases: list[str]) -> None:
    record = run(extractor, build(SIGNING_OPENING + sentence, title=SIGNING_TITLE))
    assert all(len(item) <= 400 for item in record.goals), record.goals
    candidates = []
    for phrase in phrases:
        found = {i for i, item in enumerate(record.goals) if contains(item, phrase)}
        assert found, f"no goal item contains {phrase!r}: {record.goals}"
        candidates.append(found)
    assert distinct_holders(candidates), f"goals not split: {record.goals}"


def distinct_holders(candidates: list[set[int]], taken: frozenset[int] = frozenset()) -> bool:
    """Can every phrase be given its own goal item? (one-to-one, as the scorer counts)"""
    if not candidates:
        return True
    return any(distinct_holders(candidates[1:], taken | {i}) for i in candidates[0] - taken)


def test_goals_leave_out_past_results(extractor) -> None:
    text = build(
        SIGNING_OPENING
        + "Năm 2023, các đơn vị trong Khối đã giải ngân 98% kế hoạch vốn đầu tư công. "
        "Năm 2024, các đơn vị giao ước đẩy mạnh chuyển đổi số trong hoạt động công vụ.",
        title=SIGNING_TITLE,
    )
    record = run(extractor, text)
    assert any(contains(item, "đẩy mạnh chuyển đổi số") for item in record.goals), record.goals
    assert not any(contains(item, "giải ngân 98% kế hoạch vốn") for item in record.goals)


def test_goals_of_a_review_leave_out_what_its_year_saw(extractor) -> None:
    text = build(
        "Chiều 20/12, Khối thi đua các sở kinh tế tổ chức hội nghị tổng kết công tác thi đua "
        "năm 2023.\nNăm 2023, công tác thi đua có nhiều chuyển biến; cán bộ các đơn vị tích cực "
        "hưởng ứng, tham gia các phong trào thi đua do Khối phát động.\nNăm 2024, các đơn vị "
        "trong Khối phấn đấu đẩy mạnh chuyển đổi số trong hoạt động công vụ.",
        title="Khối thi đua các sở kinh tế tổng kết năm 2023",
        published="21/12/2023 08:00",
    )
    record = run(extractor, text)
    assert record.event_type == "review" and record.year == 2023, record
    assert any(contains(item, "đẩy mạnh chuyển đổi số") for item in record.goals), record.goals
    assert not any("phong trào thi đua do Khối" in item for item in record.goals), record.goals


def test_goals_leave_out_scores_rankings_and_estimates(extractor) -> None:
    text = build(
        "Chiều 22/12, Cụm thi đua các huyện phía Tây tổ chức hội nghị tổng kết công tác thi "
        "đua năm 2023. Hội nghị thống nhất kết quả chấm điểm: huyện Đức Huệ đạt 97,5 điểm, xếp "
        "thứ nhất; huyện Thủ Thừa đạt 95 điểm, xếp thứ hai. Các huyện hoàn thành vượt chỉ tiêu "
        "được giao: thu ngân sách trên địa bàn cụm ước đạt hơn 2.000 tỷ đồng. Năm 2024, cụm "
        "thống nhất: đẩy mạnh cải cách hành chính gắn với chuyển đổi số; giữ vững an ninh chính "
        "trị, trật tự an toàn xã hội.",
        title="Cụm thi đua các huyện phía Tây tổng kết năm 2023",
        published="23/12/2023 08:00",
    )
    record = run(extractor, text)
    assert any(contains(item, "đẩy mạnh cải cách hành chính") for item in record.goals)
    assert not any(re.search(r"xếp thứ|điểm|ước đạt", item) for item in record.goals), record.goals


def test_goals_leave_out_movements_reported_as_results_and_labels(extractor) -> None:
    text = build(
        SIGNING_OPENING
        + "Các phong trào thi đua “Chung sức xây dựng nông thôn mới”, “Vì người nghèo” được "
        "triển khai sâu rộng. Hội nghị bàn phương hướng hoạt động năm 2024. Năm 2024, các đơn "
        "vị giao ước đẩy mạnh chuyển đổi số trong hoạt động công vụ.",
        title=SIGNING_TITLE,
    )
    record = run(extractor, text)
    assert any(contains(item, "đẩy mạnh chuyển đổi số") for item in record.goals), record.goals
    assert not any("nông thôn mới" in item for item in record.goals), record.goals
    assert "hoạt động năm 2024" not in record.goals


def test_a_side_activitys_purpose_is_no_goal(extractor) -> None:
    text = build(
        "Sáng 21/4, Khối thi đua các doanh nghiệp tỉnh tổ chức hội thao năm 2024 với các môn "
        "kéo co, cầu lông và bóng bàn. Hội thao nhằm tăng cường giao lưu, thắt chặt tình đoàn "
        "kết giữa các doanh nghiệp thành viên.",
        title="Hội thao Khối thi đua các doanh nghiệp năm 2024",
        published="22/04/2024 08:00",
    )
    record = run(extractor, text)
    assert record.relevant and record.event_type == "other", record
    assert record.goals == [], record.goals


def test_a_side_activity_has_no_goals_whatever_is_said_of_it(extractor) -> None:
    text = build(
        "Sáng 9/10, tại sân vận động huyện, Cụm thi đua các huyện miền núi khai mạc hội thao "
        "năm 2023 với các môn bóng chuyền, kéo co và cầu lông. Đây là hoạt động thường niên "
        "của Cụm, nhằm tăng cường tình đoàn kết, học hỏi lẫn nhau giữa các địa phương.\n"
        "Phát biểu khai mạc, đồng chí Phó Chủ tịch UBND huyện - Cụm trưởng nhấn mạnh, hội thao "
        "là dịp để cán bộ rèn luyện thân thể, nâng cao sức khỏe. Đồng chí đề nghị các vận động "
        "viên thi đấu đoàn kết, trung thực, đúng luật.",
        title="Khai mạc hội thao Cụm thi đua các huyện miền núi năm 2023",
        published="10/10/2023 08:00",
    )
    record = run(extractor, text)
    assert record.relevant and record.event_type == "other", record
    assert record.goals == [], record.goals


def test_goals_leave_out_lead_ins_paperwork_and_quoted_terms(extractor) -> None:
    text = build(
        SIGNING_OPENING
        + "Giao ước năm nay tập trung vào những nội dung trọng tâm, dễ đo đếm. Cụ thể, các đơn "
        "vị cam kết:\n- Hoàn thành 100% chỉ tiêu kế hoạch được giao;\n- Thực hiện hiệu quả "
        "“mục tiêu kép” trong sản xuất, kinh doanh;\n- Đẩy mạnh cải cách hành chính, chuyển đổi "
        "số.\nDịp này, Khối trưởng đề nghị các đơn vị gửi bản đăng ký danh hiệu thi đua về Sở "
        "Công Thương trước ngày 20/3.",
        title=SIGNING_TITLE,
    )
    record = run(extractor, text)
    for phrase in ("Hoàn thành 100% chỉ tiêu kế hoạch", "Đẩy mạnh cải cách hành chính"):
        assert any(contains(item, phrase) for item in record.goals), (phrase, record.goals)
    assert not any(
        re.search(r"(?i)cam kết$|nội dung trọng tâm|^mục tiêu kép$|gửi", item)
        for item in record.goals
    ), record.goals


def test_a_goal_with_a_deadline_or_registered_targets_stays_a_goal(extractor) -> None:
    text = build(
        SIGNING_OPENING
        + "Giao ước năm 2024 tập trung vào các nội dung: hoàn thành các chỉ tiêu thi đua đã "
        "đăng ký; hoàn thành hỗ trợ xây nhà cho hộ nghèo trước ngày 30/9/2024.",
        title=SIGNING_TITLE,
    )
    record = run(extractor, text)
    for phrase in ("hoàn thành các chỉ tiêu thi đua", "hỗ trợ xây nhà cho hộ nghèo"):
        assert any(contains(item, phrase) for item in record.goals), (phrase, record.goals)


def test_goals_of_a_review_leave_out_the_name_of_its_plan(extractor) -> None:
    text = build(
        "Ngày 10/1, Cụm thi đua số 2 tổ chức hội nghị tổng kết công tác thi đua năm 2024 và "
        "triển khai phương hướng năm 2025 của Cụm thi đua số 2. Năm 2025, các đơn vị trong Cụm "
        "thống nhất tập trung vận động Nhân dân đóng góp ý kiến vào các dự thảo văn kiện đại "
        "hội Đảng bộ các cấp; nâng cao chất lượng giám sát và phản biện xã hội.",
        title="Cụm thi đua số 2 tổng kết công tác thi đua năm 2024",
        published="11/01/2025 08:00",
    )
    record = run(extractor, text)
    for phrase in ("đóng góp ý kiến vào các dự thảo văn kiện", "nâng cao chất lượng giám sát"):
        assert any(contains(item, phrase) for item in record.goals), (phrase, record.goals)
    assert not any(item.startswith("năm 2025 của") for item in record.goals), record.goals


# --- page noise: what a scraped page carries besides the story -------------------------

_REVIEW = (
    "Chiều 11/1, Khối thi đua các doanh nghiệp tỉnh tổ chức hội nghị tổng kết công tác thi "
    "đua năm 2023. Khối gồm 11 doanh nghiệp, Công ty Điện lực tỉnh là Khối trưởng năm 2023."
)
_OTHER_STORIES = (
    "Khối thi đua các sở, ngành kinh tế ký kết giao ước thi đua năm 2024, Sở Xây dựng làm "
    "Khối trưởng\nCụm thi đua các huyện biên giới ký giao ước thi đua năm 2024"
)


@pytest.mark.parametrize(
    "heading",
    [
        "Tin bài khác",
        "Tin cùng loại",
        "Bài viết khác",
        "Các bài viết khác:",
        "Tin nổi bật",
        "Đọc thêm",
        "Những tin đã đăng",
        "Bài trước: Hội nghị tổng kết Mặt trận năm 2023",
        ">> Tin mới",
        "Ý kiến bạn đọc (2)",
        "Bình luận (0)",
    ],
)
def test_lists_under_the_story_are_not_read(extractor, heading: str) -> None:
    text = build(f"{_REVIEW}\n\nThu Hà\n\n{heading}\n{_OTHER_STORIES}", title="Tổng kết năm 2023")
    record = run(extractor, text)
    assert record.event_type == "review"
    assert same_name(record.leader_unit, "Công ty Điện lực tỉnh")


def test_a_brief_shorter_than_the_list_under_it(extractor) -> None:
    others = "\n".join(
        f"Cụm thi đua số {n} ký kết giao ước thi đua năm 2024: huyện {name} làm Cụm trưởng"
        for n, name in [(1, "Long Hồ"), (2, "Mang Thít"), (4, "Vũng Liêm"), (5, "Tam Bình")]
    )
    body = (
        "Ngày 8/3, Cụm thi đua số 3 (gồm thị xã Bình Minh, các huyện Bình Tân, Trà Ôn) ký "
        "kết giao ước thi đua năm 2024, do UBND thị xã Bình Minh làm Cụm trưởng."
    )
    record = run(extractor, build(f"{body}\n\nCác tin khác\n{others}\n{others}"))
    assert same_name(record.leader_unit, "UBND thị xã Bình Minh")


def test_a_link_line_inside_the_body_is_skipped_and_the_story_goes_on(extractor) -> None:
    body = (
        "Sáng 4/3, Khối thi đua Mặt trận - Đoàn thể tỉnh tổ chức hội nghị ký kết giao ước "
        "thi đua năm 2024. Năm 2024, Hội Liên hiệp Phụ nữ tỉnh là đơn vị Khối trưởng.\n"
        "Xem thêm: Khối thi đua Mặt trận - Đoàn thể tổng kết năm 2023, Hội Nông dân tỉnh "
        "làm Khối trưởng\n"
        "Theo giao ước, các đơn vị phấn đấu nâng cao chất lượng công tác tập hợp đoàn viên, "
        "hội viên; đổi mới phương thức hoạt động hướng về cơ sở."
    )
    raw = build(body)
    record = run(extractor, raw)
    assert same_name(record.leader_unit, "Hội Liên hiệp Phụ nữ tỉnh")
    assert any(contains(g, "tập hợp đoàn viên, hội viên") for g in record.goals)
    for spans in record.evidence.values():  # the text is blanked, never shifted
        assert all(raw[s.start : s.end] == s.text for s in spans)


def test_a_list_of_latest_stories_above_the_headline(extractor) -> None:
    text = (
        "Tin mới nhất\n"
        "Khối thi đua Nội chính ký kết giao ước thi đua năm 2024 (20/02/2024)\n"
        "Cụm thi đua các huyện miền núi ký giao ước thi đua năm 2024\n"
        "Chủ động phòng, chống hạn mặn mùa khô năm 2024\n05/02/2024 10:00\n"
        "Trước dự báo xâm nhập mặn sâu, Sở Nông nghiệp và Phát triển nông thôn đề nghị các "
        "địa phương chủ động trữ nước ngọt, vận hành các cống ngăn mặn và hướng dẫn nông dân "
        "xuống giống đúng lịch thời vụ."
    )
    assert run(extractor, text).relevant is False


@pytest.mark.parametrize(
    "dated",
    ["{headline} ({day})", "{headline} [{day}]", "{day} - {headline}", "({day}) {headline}"],
)
def test_dated_headlines_closing_the_page_are_other_stories(extractor, dated: str) -> None:
    headlines = [
        ("Khối thi đua các doanh nghiệp ký kết giao ước thi đua năm 2024", "28/02/2024"),
        (
            "Khối thi đua các doanh nghiệp ký giao ước: Công ty Cấp nước làm Khối trưởng",
            "27/02/2024",
        ),
    ]
    others = "\n".join(dated.format(headline=h, day=d) for h, d in headlines)
    record = run(extractor, build(f"{_REVIEW}\n\nThu Hà\n\n{others}", title="Tổng kết năm 2023"))
    assert record.event_type == "review"
    assert same_name(record.leader_unit, "Công ty Điện lực tỉnh")


@pytest.mark.parametrize(
    ("head", "published_day"),
    [
        pytest.param(
            "Cổng thông tin điện tử huyện Yên Lập\nThứ Ba, 05/03/2024\n"
            "Trang chủ | Tin tức | Liên hệ\nCụm thi đua số 2 tổng kết năm 2023\n"
            "Ngày đăng: 16/01/2024",
            date(2024, 1, 16),
            id="site-name-over-the-banner",
        ),
        pytest.param(
            "Cụm thi đua số 2 tổng kết năm 2023\nThời gian đăng: 14:12 | 17/01/2024",
            date(2024, 1, 17),
            id="time-of-posting-line",
        ),
        pytest.param(
            "Cụm thi đua số 2 tổng kết năm 2023\nTác giả: Minh Thu - Văn phòng HĐND và UBND "
            "huyện | 17/01/2024 09:05 | Chia sẻ | In",
            date(2024, 1, 17),
            id="byline-with-the-authors-office",
        ),
    ],
)
def test_publication_line_among_page_furniture(extractor, head: str, published_day: date) -> None:
    body = (
        "Ngày 15/1, Cụm thi đua số 2 tổ chức hội nghị tổng kết công tác thi đua năm 2023.\n"
        "Nguồn: Báo Phú Thọ (ngày 15/01/2024)"
    )
    record = run(extractor, f"{head}\n{body}")
    assert record.published_date == published_day
    assert record.event_date == date(2024, 1, 15)


def test_numbered_table_rows_read_as_a_list(extractor) -> None:
    body = (
        "Ngày 14/3, Khối thi đua Khoa giáo tổ chức hội nghị ký kết giao ước thi đua năm 2024. "
        "Phân công trong Khối năm 2024 như sau:\nTT | Đơn vị | Nhiệm vụ\n"
        "1 | Sở Khoa học và Công nghệ | Khối trưởng\n"
        "| 2 | Sở Thông tin và Truyền thông | Khối phó |"
    )
    record = run(extractor, build(body))
    assert same_name(record.leader_unit, "Sở Khoa học và Công nghệ")
    assert same_names(record.deputy_units, ["Sở Thông tin và Truyền thông"])


def test_a_tables_header_row_parts_no_members_from_their_intro(extractor) -> None:
    body = (
        "Chiều 5/3, Khối thi đua số 4 tổ chức hội nghị ký kết giao ước thi đua năm 2024. Khối "
        "gồm 04 đơn vị, cụ thể:\n\nSTT | Đơn vị | Ghi chú\n"
        "1 | Sở Tư pháp | Khối trưởng\n2 | Sở Nội vụ | Khối phó\n3 | Thanh tra tỉnh |\n"
        "4 | Sở Ngoại vụ |\n\nCác đơn vị giao ước đẩy mạnh cải cách hành chính."
    )
    record = run(extractor, build(body))
    assert same_names(
        record.members, ["Sở Tư pháp", "Sở Nội vụ", "Thanh tra tỉnh", "Sở Ngoại vụ"]
    ), record.members


def test_a_tables_role_rows_are_no_goals(extractor) -> None:
    body = (
        "Ngày 14/3, Khối thi đua Khoa giáo tổ chức hội nghị ký kết giao ước thi đua năm 2024. "
        "Phân công nhiệm vụ trong Khối như sau:\nTT | Đơn vị | Nhiệm vụ\n"
        "1 | Sở Khoa học và Công nghệ | Khối trưởng\n2 | Trường Cao đẳng Y tế | Thành viên\n"
        "3 | Hội Nông dân tỉnh | Thành viên\nCác đơn vị giao ước đẩy mạnh chuyển đổi số."
    )
    record = run(extractor, build(body))
    assert any(contains(g, "đẩy mạnh chuyển đổi số") for g in record.goals), record.goals
    assert not any("Thành viên" in g for g in record.goals), record.goals


_SIGNING = (
    "Chiều 13/3, Khối thi đua các sở, ngành kinh tế tổ chức hội nghị ký kết giao ước thi đua "
    "năm 2024. Năm 2024, Sở Công Thương là Khối trưởng."
)
_SIGNING_TITLE = "Khối thi đua các sở, ngành kinh tế ký kết giao ước thi đua năm 2024"


@pytest.mark.parametrize(
    ("text", "published_day"),
    [
        pytest.param(
            f"Hôm nay: Thứ Ba, 19/03/2024\n{_SIGNING_TITLE}\n{_SIGNING}", None, id="today-banner"
        ),
        pytest.param(
            f"{_SIGNING_TITLE}\n14/03/2024 09:20 | Lượt xem: 312 | In bài | Gửi email\n{_SIGNING}",
            date(2024, 3, 14),
            id="share-row-on-the-date-line",
        ),
        pytest.param(
            f"{_SIGNING_TITLE}\n{_SIGNING}\nThu Hà\nIn lúc 09:12 ngày 20/05/2024",
            None,
            id="print-stamp-at-the-foot",
        ),
    ],
)
def test_dates_that_are_not_the_publication(
    extractor, text: str, published_day: date | None
) -> None:
    record = run(extractor, text)
    assert record.published_date == published_day
    assert record.event_date == date(2024, 3, 13)


def test_entities_left_in_the_text(extractor) -> None:
    body = (
        "Chiều&nbsp;13/3, Khối&nbsp;thi đua các sở, ngành kinh tế tổ chức hội nghị ký kết giao "
        "ước thi đua năm 2024. Năm 2024, Sở TN&amp;MT là Khối trưởng, Sở Xây&nbsp;dựng là Khối phó."
    )
    raw = build(body)
    record = run(extractor, raw)
    assert record.event_date == date(2024, 3, 13)
    assert record.bloc_name == "Khối thi đua các sở, ngành kinh tế"
    assert same_name(record.leader_unit, "Sở TN&MT")
    assert record.deputy_units == ["Sở Xây dựng"]
    for spans in record.evidence.values():  # offsets are the article's own
        assert all(raw[s.start : s.end] == s.text for s in spans)


def test_a_line_broken_inside_a_sentence(extractor) -> None:
    body = (
        "Chiều 13/3, Khối thi đua các sở, ngành kinh tế tổ chức hội nghị ký\n"
        "kết giao ước thi đua năm 2024. Năm 2024, Sở Công Thương là Khối trưởng.\n"
        "Các đơn vị phấn đấu hoàn thành xuất sắc nhiệm vụ chính trị được giao,\n"
        "đẩy mạnh chuyển đổi số trong hoạt động công vụ."
    )
    record = run(extractor, build(body))
    assert record.event_type == "signing"
    assert any(contains(g, "đẩy mạnh chuyển đổi số trong hoạt động công vụ") for g in record.goals)


def test_a_date_line_under_the_lead_is_not_the_event_day(extractor) -> None:
    text = (
        f"{_SIGNING_TITLE}\n(HY) - Khối thi đua các sở, ngành kinh tế vừa ký kết giao ước thi "
        f"đua năm 2024.\n14/03/2024\n{_SIGNING}"
    )
    record = run(extractor, text)
    assert record.event_date == date(2024, 3, 13)
    assert record.published_date == date(2024, 3, 14)


def test_an_archive_photo_caption_is_not_the_story(extractor) -> None:
    body = (
        "Lãnh đạo các đơn vị ký giao ước thi đua năm 2022 (ảnh tư liệu).\n"
        "Vừa qua, Khối thi đua các sở, ngành kinh tế tổ chức hội nghị ký kết giao ước thi đua. "
        "Năm 2024, Sở Công Thương là Khối trưởng."
    )
    record = run(extractor, build(body, title="Khối thi đua các sở, ngành kinh tế ký giao ước"))
    assert record.year == 2024


def test_story_lines_that_open_like_page_furniture_are_kept(extractor) -> None:
    body = (
        "Chiều 13/3, Khối thi đua các sở, ngành kinh tế tổ chức hội nghị ký kết giao ước thi đua "
        "năm 2024.\nÝ kiến các đại biểu thống nhất: năm 2024, Sở Công Thương là Khối trưởng.\n"
        "Bài sau khi ký được gửi Ban Thi đua. Các đơn vị phấn đấu đẩy mạnh chuyển đổi số."
    )
    record = run(extractor, build(body))
    assert same_name(record.leader_unit, "Sở Công Thương")
    assert any(contains(g, "đẩy mạnh chuyển đổi số") for g in record.goals)


def test_a_list_between_the_date_line_and_the_story_under_a_long_menu(extractor) -> None:
    menu = "\n".join(["Trang chủ", "Giới thiệu", "Tin tức", "Văn bản", "Liên hệ", "Hỏi đáp"])
    text = (
        f"{menu}\n{_SIGNING_TITLE}\n14/03/2024\nTin mới nhất\n"
        "Cụm thi đua các huyện tổng kết năm 2023, huyện Văn Lâm làm Cụm trưởng\n"
        f"{_SIGNING}"
    )
    record = run(extractor, text)
    assert record.event_type == "signing"
    assert same_name(record.leader_unit, "Sở Công Thương")


_LEAD = (
    "(HY) - Chiều 13/3, Khối thi đua các sở, ngành kinh tế tỉnh tổ chức hội nghị ký kết giao "
    "ước thi đua năm 2024 với sự tham dự của lãnh đạo 8 đơn vị thành viên trong Khối thi đua."
)
_ROLES = (
    "Khối gồm 8 đơn vị: Sở Công Thương, Sở Xây dựng, Sở Giao thông vận tải, Sở Tài chính, Sở Y "
    "tế, Sở Nội vụ, Sở Tư pháp, Sở Kế hoạch và Đầu tư. Năm 2024, Sở Công Thương là Khối trưởng."
)
_PLEDGE = (
    "Theo nội dung giao ước, các đơn vị phấn đấu hoàn thành xuất sắc nhiệm vụ chính trị được "
    "giao; đẩy mạnh chuyển đổi số trong hoạt động công vụ; cải cách thủ tục hành chính."
)


def test_a_box_of_links_inside_the_story(extractor) -> None:
    box = "Tin liên quan\nKhối thi đua Văn xã tổng kết năm 2023, Sở Y tế làm Khối trưởng"
    record = run(extractor, build(f"{_LEAD}\n{box}\n{_ROLES}\n{_PLEDGE}\nThu Hà"))
    assert same_name(record.leader_unit, "Sở Công Thương")
    assert any(contains(g, "đẩy mạnh chuyển đổi số") for g in record.goals)


def test_a_list_of_other_stories_with_their_summaries_ends_the_story(extractor) -> None:
    others = (
        "Tin liên quan\nKhối thi đua Văn xã ký giao ước thi đua năm 2024\n"
        f"{_LEAD.replace('các sở, ngành kinh tế', 'Văn xã')} Năm 2024, Sở Y tế là Khối trưởng.\n"
        "Cụm thi đua số 2 ký giao ước thi đua năm 2024\n"
        f"{_LEAD.replace('Khối thi đua các sở, ngành kinh tế', 'Cụm thi đua số 2')}"
    )
    record = run(extractor, build(f"{_LEAD}\n{_ROLES}\nThu Hà\n{others}"))
    assert same_name(record.leader_unit, "Sở Công Thương")
    assert record.bloc_name == "Khối thi đua các sở, ngành kinh tế"


@pytest.mark.parametrize(
    "sentence",
    [
        "Năm 2024, Khối đề ra mục tiêu giữ vững an ninh trật tự; nâng cao chỉ số hài lòng.",
        "Năm 2024, Khối đề ra nhiệm vụ giữ vững an ninh trật tự; nâng cao chỉ số hài lòng.",
        "Các trường thi đua giữ vững an ninh trật tự; nâng cao chỉ số hài lòng.",
        "Các đơn vị thi đua kiềm chế tai nạn giao thông; nâng cao chỉ số hài lòng.",
    ],
)
def test_goals_after_a_set_target_or_a_subject_that_pledges(extractor, sentence: str) -> None:
    """'đề ra mục tiêu/nhiệm vụ' and '<units> thi đua <verb>' open goals; the subject
    before the verb is not part of the first goal."""
    record = run(extractor, build(SIGNING_OPENING + sentence, title=SIGNING_TITLE))
    assert len(record.goals) == 2, record.goals
    assert not record.goals[0].lower().startswith(("khối", "các")), record.goals
    assert contains(record.goals[1], "nâng cao chỉ số hài lòng"), record.goals


_ROLE_TABLE = (
    "Phân công nhiệm vụ trong Khối năm 2024 như sau:\n"
    "TT | Đơn vị | Nhiệm vụ\n"
    "1 | Sở Văn hóa - Thể thao và Du lịch | Khối trưởng\n"
    "2 | Sở Y tế | Khối phó\n"
    "3 | Trường Chính trị tỉnh | {third}\n"
    "Các đơn vị giao ước đẩy mạnh chuyển đổi số."
)


@pytest.mark.parametrize(
    ("third", "members"),
    [
        ("Thành viên", ["Sở Văn hóa - Thể thao và Du lịch", "Sở Y tế", "Trường Chính trị tỉnh"]),
        ("Khối phó", []),  # roles only: who leads, not who belongs
    ],
)
def test_members_from_a_table_of_units_and_roles(extractor, third: str, members) -> None:
    text = build(SIGNING_OPENING + "\n" + _ROLE_TABLE.format(third=third), title=SIGNING_TITLE)
    record = run(extractor, text)
    assert [m.replace("–", "-") for m in record.members] == members
    assert same_name(record.leader_unit, "Sở Văn hóa - Thể thao và Du lịch")


def test_a_signing_announced_for_later_leaves_a_review(extractor) -> None:
    """'Việc ký kết giao ước … sẽ được tổ chức vào đầu năm tới': no signing held."""
    body = (
        "Chiều 17/12, Sở Tài chính, Khối trưởng năm 2024, chủ trì hội nghị tổng kết công tác "
        "thi đua năm 2024 của Khối thi đua các sở kinh tế. Hội nghị giới thiệu Sở Xây dựng làm "
        "Khối trưởng năm 2025. Việc ký kết giao ước thi đua năm 2025 sẽ được tổ chức vào đầu "
        "năm tới."
    )
    title = "Khối thi đua các sở kinh tế tổng kết năm 2024"
    record = run(extractor, build(body, title=title, published="17/12/2024 16:40"))
    assert record.event_type == "review"
    assert record.year == 2024
    assert same_name(record.leader_unit, "Sở Tài chính")


def test_a_count_with_its_kind_after_with_in_the_blocs_sentence(extractor) -> None:
    """'Khối thi đua X … ký kết giao ước với 17 tổ chức tín dụng thành viên': the bloc's
    size, and no goal."""
    body = (
        "Ngày 22/02/2024, Ngân hàng Nhà nước chi nhánh tỉnh - Khối trưởng Khối thi đua các tổ "
        "chức tín dụng trên địa bàn tỉnh đã tổ chức hội nghị ký kết giao ước thi đua năm 2024 "
        "với 17 tổ chức tín dụng thành viên. Nội dung giao ước gồm: đẩy mạnh thanh toán không "
        "dùng tiền mặt; kiểm soát tỷ lệ nợ xấu dưới 2%."
    )
    record = run(extractor, build(body, title=SIGNING_TITLE))
    assert record.member_count == 17
    assert not any("17" in goal for goal in record.goals), record.goals


def test_an_honoured_count_of_units_is_no_size(extractor) -> None:
    body = SIGNING_OPENING + "Hội nghị bình xét 5 đơn vị xuất sắc trong Khối."
    assert run(extractor, build(body, title=SIGNING_TITLE)).member_count is None


def test_the_role_after_a_partner_is_the_second_units(extractor) -> None:
    """'A phối hợp với B, đơn vị Khối trưởng': B leads."""
    body = (
        "Ngày 18/5/2024, Đảng ủy Khối các cơ quan tỉnh phối hợp với Ban Tổ chức Tỉnh ủy, đơn "
        "vị Khối trưởng Khối thi đua các cơ quan Đảng tỉnh, tổ chức Hội thao năm 2024."
    )
    record = run(extractor, build(body, title="Hội thao Khối thi đua các cơ quan Đảng tỉnh"))
    assert same_name(record.leader_unit, "Ban Tổ chức Tỉnh ủy")


@pytest.mark.parametrize(
    ("banner", "published"),
    [("Thứ hai, 04/03/2024 - 09:15", date(2024, 3, 4)), ("Thứ hai, 04/03/2024", None)],
)
def test_a_weekday_line_with_a_clock_above_the_headline_is_the_date_line(
    extractor, banner: str, published
) -> None:
    text = build(SIGNING_OPENING, title=SIGNING_TITLE, published=None, banner=banner)
    assert run(extractor, text).published_date == published


def test_the_portal_credited_at_the_foot_with_a_date(extractor) -> None:
    body = SIGNING_OPENING + "\n\nCổng TTĐT huyện Tam Dương - 06/03/2024"
    record = run(extractor, build(body, title=SIGNING_TITLE, published=None))
    assert record.published_date == date(2024, 3, 6)
