"""What a question is dated to: its years and months, bounds and spans included (table-driven)."""

from __future__ import annotations

import pytest

from rag.dating import asked_months, asked_years, dating_months, full_dates, same_day_other_year
from rag.swaps import other_months, other_years


@pytest.mark.parametrize(
    ("question", "years"),
    [
        # a bound is still part of what is asked (business, law); a span fills the years between
        ("Từ ngày 1/7/2014 đến 30/11/2016, có bao nhiêu doanh nghiệp cổ phần hóa?", {"2014", "2015", "2016"}),
        ("Tháng 2/2017 giá xe Mazda CX-9 bao nhiêu?", {"2017"}),
        ("So với năm 2016, doanh thu năm 2017 tăng bao nhiêu?", {"2016", "2017"}),
        ("Giai đoạn 2011-2015 tỉnh trồng bao nhiêu ha rừng?", {"2011", "2012", "2013", "2014", "2015"}),
        ("Bộ tiếp nhận 2.022 đơn thư trong tháng?", set()),
    ],
)
def test_asked_years(question: str, years: set[str]) -> None:
    assert asked_years(question) == years


@pytest.mark.parametrize(
    ("question", "months"),
    [
        ("Tháng 6/2017 Ford Ranger bán bao nhiêu xe?", {6}),
        ("Từ tháng 4 đến tháng 6 thị trường bán bao nhiêu xe?", {4, 5, 6}),
        ("Từ ngày 1/7/2014 đến 30/11/2016 có bao nhiêu trường hợp?", set(range(1, 13))),
        ("Ngày 7/7 ai chủ trì hội nghị?", {7}),
        ("Giá xăng hôm nay bao nhiêu?", set()),
    ],
)
def test_asked_months(question: str, months: set[int]) -> None:
    assert asked_months(question) == months


@pytest.mark.parametrize(
    ("question", "cited", "years", "months"),
    [
        # a question over a span is answered by a sentence dated to its end (land, law)
        (
            "Từ ngày 1/7/2014 đến 30/11/2016, có bao nhiêu trường hợp được chuyển mục đích sử dụng đất?",
            ["Tính đến ngày 30/11/2016, có 42 trường hợp được cấp phép."],
            [],
            [],
        ),
        # a swapped month is still caught (vehicles)
        ("Tháng 6/2017 Ford Ranger bán bao nhiêu xe?", ["Trong tháng 4/2017, Ranger bán 1.167 xe."], [], ["tháng 4"]),
        # ... and a swapped year (business)
        ("Năm 2008 siêu thị lỗ bao nhiêu?", ["Siêu thị lỗ 45 tỷ đồng năm 2007."], ["2007"], []),
    ],
)
def test_span_questions_against_swaps(question: str, cited: list[str], years: list[str], months: list[str]) -> None:
    assert other_years(question, cited) == years
    assert other_months(question, cited) == months


def test_a_win_is_no_month() -> None:
    # folded, "thắng 2-0" (won 2-0) reads as "tháng 2" (sports)
    assert dating_months("U23 Việt Nam thắng 2-0 trước Thái Lan.") == set()
    assert dating_months("Tháng 2/2017 giá xăng tăng.") == {2}


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Tính đến hết ngày 31/12/2016, quỹ còn dư 2.389 tỷ đồng.", {(31, 12, "2016")}),
        ("Ngày 5 tháng 6 năm 2015, tòa tuyên án.", {(5, 6, "2015")}),
        ("Ngày 1.7.2019 luật có hiệu lực; ngày 12-8-2019 thì sửa đổi.", {(1, 7, "2019"), (12, 8, "2019")}),
        # a month and year, a score, a fraction: no full date (sports, education)
        ("Tháng 3/2017 đội thắng 2-1; 6.385/10.418 bài thi đạt.", set()),
    ],
)
def test_full_dates(text: str, dates: set[tuple[int, int, str]]) -> None:
    assert full_dates(text) == dates


@pytest.mark.parametrize(
    ("question", "cited", "around", "years"),
    [
        # a year-end balance of another year, beside a later announcement date (business)
        (
            "Số dư quỹ bình ổn tính đến hết ngày 31/12/2017 là bao nhiêu?",
            ["Tính đến hết ngày 31/12/2016, quỹ còn dư 2.389 tỷ đồng.", "Ngày 10/2/2017, Bộ Tài chính công bố số dư."],
            [],
            ["2016"],
        ),
        # a yearly event on the same day (culture)
        ("Lễ hội ngày 10/3/2017 đón bao nhiêu khách?", ["Lễ hội ngày 10/3/2016 đón 7 vạn khách."], [], ["2016"]),
        # the asked date stated beside the answering sentence (law): no swap
        (
            "Ngày 20/6/2017 tòa tuyên bao nhiêu năm tù?",
            ["Bị cáo lĩnh 12 năm tù, như bản án ngày 20/6/2016."],
            ["Phiên phúc thẩm ngày 20/6/2017 giữ nguyên án sơ thẩm."],
            [],
        ),
        # another day of the asked year is no swap of the day (health)
        ("Ngày 29/4/2017 có bao nhiêu ca mắc?", ["Ngày 2/5/2017 ghi nhận 40 ca."], [], []),
    ],
)
def test_same_day_other_year(question: str, cited: list[str], around: list[str], years: list[str]) -> None:
    assert same_day_other_year(question, cited, around) == years
