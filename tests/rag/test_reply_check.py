"""Reply checks against the evidence (pure, table-driven)."""

from __future__ import annotations

import pytest

from rag.citations import MarkedSentence
from rag.countries import countries_in
from rag.evidence import Evidence
from rag.provinces import provinces_in
from rag.reply_check import (
    asked_first,
    beside_question,
    figures_apart,
    finished_part,
    premise_context,
    unanswered_reason,
    verify_answer,
    without_conversions,
    without_opening,
)
from rag.swaps import other_months, other_numbered, other_places, other_years
from rag.verification import Support


@pytest.mark.parametrize(
    ("text", "kept", "tail"),
    [
        ("Có 5 vụ [1].", "Có 5 vụ [1].", ""),
        ("Có 5 vụ [1]", "Có 5 vụ [1]", ""),
        ("Bộ nói “phòng ngừa là chính” [1].", "Bộ nói “phòng ngừa là chính” [1].", ""),
        ("Có 5 vụ [1]. Tỉnh đã thu hồi 8 tỷ", "Có 5 vụ [1].", "Tỉnh đã thu hồi 8 tỷ"),
        (
            "Năm 2021 có 1.695 trường hợp [1]. Bộ đang xác minh 13",
            "Năm 2021 có 1.695 trường hợp [1].",
            "Bộ đang xác minh 13",
        ),
        ("Tỉnh đã thu hồi 8 tỷ", "", "Tỉnh đã thu hồi 8 tỷ"),
        ("", "", ""),
    ],
)
def test_finished_part(text: str, kept: str, tail: str) -> None:
    assert finished_part(text) == (kept, tail)


EVIDENCE = [
    Evidence(1, "bng.txt", "Bộ Ngoại giao", None, "bng.txt#0", 0, 10, "Bộ trưởng đã chỉ đạo sát sao.", 50.0),
    Evidence(
        2,
        "bng.txt",
        "Bộ Ngoại giao",
        None,
        "bng.txt#0",
        50,
        99,
        "Đến nay, đã xác minh 26 trường hợp của năm 2022.",
        40.0,
    ),
    Evidence(3, "qn.txt", "Quảng Ninh", None, "qn.txt#0", 30, 60, "Năm 2021, Quảng Ninh phát hiện 1 vụ.", 30.0),
]


@pytest.mark.parametrize(
    ("reply", "question", "markers", "note"),
    [
        # right marker: kept as is
        ("Đã xác minh 26 trường hợp của năm 2022 [2].", "", (2,), None),
        # wrong marker, another sentence states every fact: cited to that one
        ("Đã xác minh 26 trường hợp của năm 2022 [1].", "", (2,), "sửa trích dẫn [1] thành [2]"),
        ("Năm 2021, Quảng Ninh phát hiện 1 vụ [2].", "", (3,), "sửa trích dẫn [2] thành [3]"),
        # a name the cited article's title shows on the citation card, above the quote: kept
        (
            "Bộ Ngoại giao đã xác minh 26 trường hợp của năm 2022 [2].",
            "Bộ Ngoại giao đã xác minh bao nhiêu trường hợp?",
            (2,),
            None,
        ),
        # a name neither the cited sentence nor its title gives, even one the question gave: dropped
        (
            "Bộ Tư pháp đã xác minh 26 trường hợp của năm 2022 [2].",
            "Bộ Tư pháp đã xác minh bao nhiêu trường hợp?",
            None,
            "Bộ Tư",
        ),
        # the question's year must be in the cited sentence itself
        ("Năm 2021, đã xác minh 26 trường hợp [2].", "Năm 2021 đã xác minh bao nhiêu trường hợp?", None, "số 2021"),
        # a passage about another year than the one asked: dropped
        ("Quảng Ninh phát hiện 1 vụ [3].", "Năm 2022 Quảng Ninh phát hiện bao nhiêu vụ?", None, "năm khác (2021)"),
        # wrong marker and a number no sentence states: dropped, not re-cited
        ("Đã xác minh 27 trường hợp của năm 2022 [1].", "", None, "bỏ câu"),
    ],
)
def test_verify_answer_recites_or_drops(
    reply: str, question: str, markers: tuple[int, ...] | None, note: str | None
) -> None:
    kept, notes = verify_answer(reply, EVIDENCE, question)
    assert [s.markers for s in kept] == ([markers] if markers else [])
    if note:
        assert any(note in n for n in notes), notes


STORIES = {"bng.txt": "Bộ Ngoại giao tổng kết năm 2021. Bộ trưởng Bùi Thanh Sơn chủ trì. Bộ trưởng đã chỉ đạo sát sao."}


@pytest.mark.parametrize(
    ("reply", "question", "stories", "kept"),
    [
        # the question's own name, left by the cited sentence to its story: the reader's premise
        ("Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao [1].", "Bộ trưởng Bùi Thanh Sơn đã làm gì?", STORIES, True),
        # two of the question's names run together by the model
        (
            "Bộ Ngoại giao Bùi Thanh Sơn đã chỉ đạo sát sao [1].",
            "Ông Bùi Thanh Sơn của Bộ Ngoại giao đã làm gì?",
            STORIES,
            True,
        ),
        # ... not when the story lacks it, or the question never stated it
        ("Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao [1].", "Bộ trưởng Bùi Thanh Sơn đã làm gì?", {}, False),
        ("Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao [1].", "Bộ trưởng đã làm gì?", STORIES, False),
        # two premise names the story never states in one sentence cannot be shown beside the quote
        (
            "Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao tại Hà Nội [1].",
            "Bộ trưởng Bùi Thanh Sơn đã làm gì tại Hà Nội?",
            {"bng.txt": "Bộ tổng kết năm 2021 tại Hà Nội. Ông Bùi Thanh Sơn chủ trì. Bộ trưởng đã chỉ đạo sát sao."},
            False,
        ),
        # ... while one sentence stating both is shown beside the quote
        (
            "Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao tại Hà Nội [1].",
            "Bộ trưởng Bùi Thanh Sơn đã làm gì tại Hà Nội?",
            {"bng.txt": "Bộ tổng kết năm 2021. Ông Bùi Thanh Sơn chủ trì tại Hà Nội. Bộ trưởng đã chỉ đạo sát sao."},
            True,
        ),
        # a premise year does not excuse a passage dated to another year
        ("Năm 2021, đã xác minh 26 trường hợp [2].", "Năm 2021 đã xác minh bao nhiêu trường hợp?", STORIES, False),
    ],
)
def test_the_questions_premise_may_rest_on_the_cited_story(
    reply: str, question: str, stories: dict[str, str], kept: bool
) -> None:
    assert bool(verify_answer(reply, EVIDENCE, question, stories)[0]) is kept


def test_a_kept_premise_points_to_the_story_sentence_stating_it() -> None:
    question = "Bộ trưởng Bùi Thanh Sơn đã làm gì?"
    kept, _ = verify_answer("Bộ trưởng Bùi Thanh Sơn đã chỉ đạo sát sao [1].", EVIDENCE, question, STORIES)
    a, b = kept[0].context or (0, 0)
    assert STORIES["bng.txt"][a:b] == "Bộ trưởng Bùi Thanh Sơn chủ trì."


@pytest.mark.parametrize(
    ("story", "title", "expected"),
    [
        # the stories the checks read open with the title line; offsets are into the text below it
        (
            "Tổng kết\nNăm 2021, tỉnh Quảng Ninh đạt kết quả tốt. Tỉnh làm 84 cuộc.",
            "Tổng kết",
            "Năm 2021, tỉnh Quảng Ninh",
        ),
        ("Năm 2021, tỉnh Quảng Ninh đạt kết quả tốt. Tỉnh làm 84 cuộc.", "Tổng kết", "Năm 2021, tỉnh Quảng Ninh"),
        ("Tổng kết\nTỉnh làm 84 cuộc.", "Tổng kết", None),  # no sentence states it
    ],
)
def test_premise_context(story: str, title: str, expected: str | None) -> None:
    support = Support((), ("Quảng Ninh",))
    span = premise_context(story, title, support)
    body = story.split("\n", 1)[-1]
    assert (body[span[0] : span[1]].startswith(expected) if span else None) == (True if expected else None)


OPENING_STORIES = {"bng.txt": "Bộ Ngoại giao tổng kết công tác thanh tra năm 2021. Bộ trưởng đã chỉ đạo sát sao."}


@pytest.mark.parametrize(
    ("reply", "question", "shown"),
    [
        # the question's year opens the reply and the cited passage lacks it: the rest answers alone
        (
            "Năm 2021, Bộ trưởng đã chỉ đạo sát sao [1].",
            "Năm 2021 Bộ trưởng Bộ Ngoại giao đã làm gì?",
            "Bộ trưởng đã chỉ đạo sát sao",
        ),
        # the premise inside the clause cannot be cut off: the sentence stays as written
        (
            "Bộ trưởng Bộ Ngoại giao đã chỉ đạo sát sao trong năm 2021 [1].",
            "Năm 2021 Bộ trưởng Bộ Ngoại giao đã làm gì?",
            "Bộ trưởng Bộ Ngoại giao đã chỉ đạo sát sao trong năm 2021",
        ),
    ],
)
def test_an_opening_phrase_restating_the_premise_is_left_out(reply: str, question: str, shown: str) -> None:
    kept, _ = verify_answer(reply, EVIDENCE, question, OPENING_STORIES)
    assert [s.text.rstrip(". ") for s in kept] == [shown]


@pytest.mark.parametrize(
    ("sentence", "rest"),
    [
        ("Năm 2018, Bộ Ngoại giao đã tiến hành 12 cuộc thanh tra.", "Bộ Ngoại giao đã tiến hành 12 cuộc thanh tra."),
        ("Tại Đà Nẵng, có 6.385 bài thi đạt từ 5 điểm.", "Có 6.385 bài thi đạt từ 5 điểm."),
        ("Trong trận chung kết, Svitolina thắng ngược Halep.", "Svitolina thắng ngược Halep."),
        ("Năm 2018, giảm 5%.", None),  # too little would be left
        ("Giá xăng RON 92 giảm 520 đồng mỗi lít.", None),  # no opening phrase
    ],
)
def test_without_opening(sentence: str, rest: str | None) -> None:
    assert without_opening(sentence) == rest


@pytest.mark.parametrize(
    ("sentence", "passage", "bare"),
    [
        # world: a distance converted to miles
        (
            "The town is about 190 kilometers (118 miles) from Marawi.",
            "Thị trấn cách thành phố Marawi 190km về phía nam.",
            "The town is about 190 kilometers from Marawi.",
        ),
        # business: dong converted to dollars
        (
            "The firm earned 50 billion VND (about 2.2 million USD) in 2016.",
            "Năm 2016 công ty lãi 50 tỷ đồng.",
            "The firm earned 50 billion VND in 2016.",
        ),
        # a parenthetical figure the passage states stays
        (
            "The club paid 5 million euros (about 130 billion VND).",
            "CLB trả 5 triệu euro, tương đương 130 tỷ đồng.",
            "The club paid 5 million euros (about 130 billion VND).",
        ),
        # no figure right before it: not a conversion
        (
            "The defendant (born 1982) was jailed.",
            "Bị cáo sinh năm 1980 lĩnh án.",
            "The defendant (born 1982) was jailed.",
        ),
        # Vietnamese: a parenthetical figure is a claim of its own
        (
            "Giá xăng là 23.000 đồng/lít (tăng 2%).",
            "Giá xăng 23.000 đồng/lít.",
            "Giá xăng là 23.000 đồng/lít (tăng 2%).",
        ),
    ],
)
def test_without_conversions(sentence: str, passage: str, bare: str) -> None:
    assert without_conversions(sentence, [passage]) == bare


def test_a_converted_figure_neither_drops_the_sentence_nor_refuses() -> None:
    shown = [
        Evidence(1, "a.txt", "t", None, "a.txt#0", 0, 50, "Thị trấn cách thành phố Marawi 190km về phía nam.", 1.0)
    ]
    reply = "The town is 190 km (118 miles) from Marawi [1]."
    kept, _ = verify_answer(reply, shown, "How far is the town from Marawi?")
    assert [s.text for s in kept] == ["The town is 190 km from Marawi."]
    assert unanswered_reason(reply, shown, "How far is the town from Marawi?") is None
    assert unanswered_reason("The town is 250 km from Marawi [1].", shown, "How far?") is not None


@pytest.mark.parametrize(
    ("question", "cited", "other"),
    [
        ("What did the ministry do in 2022?", ["Năm 2021, Bộ đã hoàn thành kê khai 1.695 trường hợp."], ["2021"]),
        ("Năm 2022 Bộ làm gì?", ["Năm 2022, xác minh tài sản."], []),
        ("Năm 2018 và 2024 Bộ có xử lý vụ nào?", ["9 tháng đầu năm 2018, chưa phát hiện vụ nào."], []),
        ("Bộ đã làm gì?", ["Năm 2021, Bộ đã hoàn thành kê khai."], []),  # no year asked
        ("Năm 2022 Bộ làm gì?", ["Bộ đã chỉ đạo sát sao."], []),  # the passage states no year
        ("Năm 2022 Bộ tiếp nhận bao nhiêu đơn?", ["Bộ tiếp nhận 2.022 đơn."], []),  # a number, not a year
        # a baseline or a bound does not date the facts; a period dates every year inside it
        ("Năm 2018 Bộ nhận bao nhiêu đơn?", ["Bộ nhận 120 đơn, tăng so với cùng kỳ năm 2017."], []),
        ("Năm 2018 ngành đặt mục tiêu gì?", ["Ngành phấn đấu đến năm 2020 hoàn thành."], []),
        ("Năm 2018 tỉnh xây bao nhiêu trường?", ["Giai đoạn 2016-2020, tỉnh xây 40 trường."], []),
        ("Năm 2008 Lotte lỗ bao nhiêu?", ["Lotte lỗ 45 tỷ đồng năm 2007, 217 tỷ năm 2009."], ["2007", "2009"]),
        ("Đợt lũ tháng 2/2017 thiệt hại bao nhiêu?", ["Năm 1998, lũ gây thiệt hại 6,2% GDP."], ["1998"]),
        # a question asking which year is answered by one
        ("Năm 2016 công ty lỗ; năm nào lỗ nặng nhất?", ["Đỉnh điểm thua lỗ là năm 2015."], []),
        # a question dated only by a bound is met by that bound (science, education) ...
        ("Ai nói đến năm 2020 sẽ có 250 kỹ sư?", ["Từ tháng 9/2013 đã cử 36 kỹ sư. Ông A nói đến 2020 có 250."], []),
        ("Đến năm 2020 tỉnh xây bao nhiêu trường?", ["Năm 2016 tỉnh xây 40 trường."], ["2016"]),
        # ... but a year asked beside a shared baseline still must match (business)
        (
            "Năm 2016 doanh thu tăng bao nhiêu so với năm 2015?",
            ["Năm 2017 doanh thu tăng 9% so với năm 2015."],
            ["2017"],
        ),
    ],
)
def test_other_years(question: str, cited: list[str], other: list[str]) -> None:
    assert other_years(question, cited) == other


def test_other_years_bound_in_a_sentence_around() -> None:
    question = "Ai cho biết đến năm 2020 Việt Nam sẽ có 250 kỹ sư vũ trụ?"
    answering = ["Từ tháng 9/2013, Trung tâm đã cử 36 kỹ sư; Giám đốc Phạm Anh Tuấn cho biết:"]
    around = [*answering, "Dự kiến đến 2020, Việt Nam sẽ có khoảng 250 kỹ sư."]
    assert other_years(question, answering) == ["2013"]
    assert other_years(question, answering, around) == []
    # a sentence around dated to the asked year itself does not count: only the same bound does
    assert other_years("Năm 2020 có bao nhiêu kỹ sư?", answering, ["Năm 2020 có 250 kỹ sư."]) == ["2013"]


@pytest.mark.parametrize(
    ("question", "cited", "other"),
    [
        # vehicles: sales of other months than the one asked
        (
            "Tháng 6/2017 Ford Ranger bán được bao nhiêu xe?",
            ["Ford Ranger dẫn đầu trong tháng 4 với 1.167 xe, tháng 5 bán 1.304 xe."],
            ["tháng 4", "tháng 5"],
        ),
        ("Tháng 6/2017 Ford Ranger bán được bao nhiêu xe?", ["Tháng 6, Ford Ranger bán 1.335 xe."], []),
        # business: a date is dated by its month; a baseline month dates nothing
        ("Phiên 12/6 giá vàng đóng cửa ở mức nào?", ["Phiên 15/5, giá vàng đóng cửa ở 1.230 USD."], ["tháng 5"]),
        ("Tháng 6 giá xăng tăng bao nhiêu?", ["Giá xăng tăng 500 đồng so với tháng 5."], []),
        ("Phiên 12/6 giá vàng đóng cửa ở mức nào?", ["Giá vàng đóng cửa ở 1.265 USD."], []),  # no month stated
        # a question asking which month or day is answered by one (law, culture)
        ("Năm 2017, phiên tòa xử vụ án vào tháng nào?", ["Phiên tòa mở ngày 5/6."], []),
    ],
)
def test_other_months(question: str, cited: list[str], other: list[str]) -> None:
    assert other_months(question, cited) == other


@pytest.mark.parametrize(
    ("text", "provinces"),
    [
        ("Sở GD-ĐT Đà Nẵng cho biết có 2 bài thi đạt điểm 10.", {"Đà Nẵng"}),
        ("Giá nhà ở TP.HCM và Hà Nội tiếp tục tăng.", {"TP Hồ Chí Minh", "Hà Nội"}),
        ("Tàu cá của ngư dân Quảng Ngãi gặp nạn gần Vũng Tàu.", {"Quảng Ngãi", "Bà Rịa - Vũng Tàu"}),
        ("Bão đổ bộ vào Thừa Thiên - Huế chiều nay.", {"Thừa Thiên - Huế"}),
        ("Ngư dân đánh bắt xa bờ trên Thái Bình Dương.", set()),  # a longer name: the Pacific
        ("Người dân cần giữ an toàn, long an tâm.", set()),  # the words, not the province
        ("CLB Hà Nội FC thắng 2-0.", set()),  # a club named after the city
        ("Bệnh viện tiếp nhận 20 ca mắc mới.", set()),
        # "Thủ đô" with a capital inside a sentence is Hà Nội (transport, society) ...
        ("Sáng 30/6, xe buýt hai tầng đầu tiên ở Thủ đô chạy thử nghiệm.", {"Hà Nội"}),
        ("Giá nhà ở Thủ đô tăng 5%.", {"Hà Nội"}),
        # ... but not any country's capital, nor one opening a sentence
        ("Du khách đến thủ đô Bangkok tăng mạnh.", set()),
        ("Người dân Thủ đô Viêng Chăn đón Tết.", set()),
        ("Thủ đô của Pháp đón 20 triệu khách.", set()),
    ],
)
def test_provinces_in(text: str, provinces: set[str]) -> None:
    assert provinces_in(text) == provinces


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Căn cứ quân sự của Thổ Nhĩ Kỳ tại Qatar.", {"Thổ Nhĩ Kỳ", "Qatar"}),
        ("How much is Samsung investing in China?", {"Trung Quốc"}),
        ("Trade between the US and the UK grew.", {"Mỹ"}),  # "Anh" is a word and a name: left out
        ("Hàn Quốc và Triều Tiên nối lại đàm phán.", {"Hàn Quốc", "Triều Tiên"}),
        ("North Korea fired a missile.", {"Triều Tiên"}),
        ("Which Thai club signed the Japanese striker?", {"Thái Lan", "Nhật Bản"}),  # adjectives
        ("Cộng hòa Séc đón 9,3 nghìn khách Việt Nam.", {"Việt Nam"}),
        ("Nhà ở Mỹ Đình, Hà Nội tăng giá.", set()),  # a longer name: a ward of Hà Nội
        ("Ca sĩ Mỹ Linh biểu diễn.", set()),  # a person
        ("Mỹ phẩm giả bị thu giữ.", set()),  # cosmetics, capitalised by the sentence
        ("Thủ tướng Anh Theresa May thăm Pháp.", set()),  # "Anh", "Pháp" are also words and names: left out
        ("Chúng tôi nói với họ.", set()),
    ],
)
def test_countries_in(text: str, countries: set[str]) -> None:
    assert countries_in(text) == countries


@pytest.mark.parametrize(
    ("question", "cited", "other"),
    [
        # a trap: the asked province's figure is another province's
        ("Hà Nội có bao nhiêu thí sinh đạt điểm 10?", ["Ở Nghệ An có 3 thí sinh đạt điểm 10."], ["Nghệ An"]),
        ("Hà Nội có bao nhiêu thí sinh đạt điểm 10?", ["Hà Nội và Nghệ An có 3 thí sinh đạt điểm 10."], []),
        # a passage naming no province is no evidence of a swap
        ("Giá lúa ở An Giang hôm nay bao nhiêu?", ["Giá lúa tăng 200 đồng/kg."], []),
        # a question naming no province pins none
        ("Giá vàng hôm nay bao nhiêu?", ["Giá vàng ở TP.HCM là 36,5 triệu đồng/lượng."], []),
        # world: the country swapped
        (
            "Doha phải đóng cửa căn cứ quân sự của Mỹ trong bao lâu?",
            ["Doha phải đóng cửa căn cứ quân sự của Thổ Nhĩ Kỳ."],
            ["Thổ Nhĩ Kỳ"],
        ),
        # business, an English question: the country named both ways
        ("How much did Apple invest in China?", ["Apple đầu tư 1 tỷ USD vào Trung Quốc."], []),
        # sports: both sides named
        ("U23 Việt Nam thắng Thái Lan mấy bàn?", ["Thái Lan thua 0-2."], []),
        # Việt Nam goes unsaid in Vietnamese news: asked alone, it pins nothing
        ("Đoàn Việt Nam dự SEA Games có bao nhiêu thành viên?", ["Đoàn có 700 thành viên, Singapore 500."], []),
        # ... but named beside another country, it counts: the sentence about Việt Nam answers
        ("Ai ghi bàn cho U15 Việt Nam trước Campuchia?", ["Văn Tùng ghi bàn cho U15 Việt Nam."], []),
        # a province asked, a country stated: different kinds, no swap
        ("Đà Nẵng đón bao nhiêu khách?", ["Khách Hàn Quốc tăng 30%."], []),
        # who reports a fact is not what it is about (defence, world, health)
        (
            "Tên lửa Triều Tiên phóng hôm 21/5 bay được bao xa?",
            ["Mỹ và Hàn Quốc xác nhận tên lửa đã bay được khoảng 500 km."],
            [],
        ),
        ("Triều Tiên phóng bao nhiêu tên lửa?", ["Theo hãng tin Yonhap của Hàn Quốc, 4 tên lửa đã được phóng."], []),
        ("Thái Lan có bao nhiêu ca mắc mới?", ["Campuchia có 20 ca mắc mới, theo Bộ Y tế."], ["Campuchia"]),
        # a person's nationality is not where the fact is (law)
        ("Tổng giám đốc người Đài Loan tên là gì?", ["Công ty ở Việt Nam do ông Hsu Ming Jung điều hành."], []),
        # nor a visitor's, nor a currency's (law, business, tourism); marked capitals count
        ("Du khách Úc bị trừ bao nhiêu đô la Úc?", ["Ông John bị trừ 39.429 AUD tại TP HCM, Việt Nam."], []),
        ("Khách Hàn Quốc chi bao nhiêu tiền ở Đà Nẵng?", ["Khách Hàn Quốc chi 50 triệu đồng ở Đà Nẵng."], []),
        ("Giá vé tính bằng đô la Singapore là bao nhiêu?", ["Vé bán tại Thái Lan giá 300 baht."], []),
        ("Người Ấn Độ nào đoạt giải ở Mỹ?", ["Ông A đoạt giải ở Nhật Bản."], ["Nhật Bản"]),
        # "Khách sạn" is no visitor
        (
            "Khách sạn Mường Thanh ở Nghệ An có bao nhiêu phòng?",
            ["Khách sạn Mường Thanh Đà Nẵng có 300 phòng."],
            ["Đà Nẵng"],
        ),
    ],
)
def test_other_places(question: str, cited: list[str], other: list[str]) -> None:
    assert other_places(question, cited) == other


@pytest.mark.parametrize(
    ("question", "sentences", "first"),
    [
        # the model opened with the circumstances; the figure asked comes second (business, sports)
        (
            "Công ty lãi bao nhiêu trong quý 3?",
            ["Quý 3 là mùa cao điểm của ngành bán lẻ.", "Công ty lãi 120 tỷ đồng trong quý 3."],
            "Công ty lãi 120 tỷ đồng trong quý 3.",
        ),
        (
            "Ai ghi bàn cho đội khách?",
            ["Trận đấu diễn ra dưới mưa lớn.", "Tiền đạo Nguyễn Văn Toàn ghi bàn duy nhất."],
            "Tiền đạo Nguyễn Văn Toàn ghi bàn duy nhất.",
        ),
        # already first, or the question asks no typed fact: the model's order stays
        (
            "Bệnh viện tiếp nhận bao nhiêu bệnh nhân?",
            ["Bệnh viện tiếp nhận 30 bệnh nhân.", "Có 5 ca nặng."],
            "Bệnh viện tiếp nhận 30 bệnh nhân.",
        ),
        (
            "Vì sao giá xăng tăng?",
            ["Giá dầu thế giới tăng.", "Quỹ bình ổn giá đã cạn."],
            "Giá dầu thế giới tăng.",
        ),
        # no sentence states it: unchanged
        (
            "Tòa tuyên phạt bao nhiêu năm tù?",
            ["Phiên tòa kéo dài hai ngày.", "Bị cáo nhận tội."],
            "Phiên tòa kéo dài hai ngày.",
        ),
    ],
)
def test_asked_first(question: str, sentences: list[str], first: str) -> None:
    marked = [MarkedSentence(text, (i,)) for i, text in enumerate(sentences, start=1)]
    ordered = asked_first(marked, question)
    assert ordered[0].text == first
    assert sorted(s.text for s in ordered) == sorted(sentences)


@pytest.mark.parametrize(
    ("question", "reply", "quote", "apart"),
    [
        # a neighbouring figure the best quote does not state (public services, banking)
        ("Bao nhiêu thủ tục đã tích hợp?", "Có 557 thủ tục [1].", "Có 555 thủ tục đã tích hợp.", ["557"]),
        (
            "Chứng chỉ tiền gửi có lãi suất bao nhiêu?",
            "Lãi suất giảm 0,1-0,3% [1].",
            "Một số ngân hàng phát hành chứng chỉ tiền gửi với lãi suất 8,2-9,2%/năm.",
            ["0.1", "0.3"],
        ),
        # the reply states a figure of the quote, even another one of it: no disagreement (sports)
        ("U20 Việt Nam thua mấy bàn?", "U20 Việt Nam thua 1-4 [1].", "U20 Argentina thắng 4-1.", []),
        ("Bộ nhận bao nhiêu đơn năm 2018?", "Bộ nhận 34 đơn [1].", "Bộ nhận 111 đơn, trong đó 34 đơn.", []),
        # the question's own numbers do not count; a question asking for no figure is not judged
        ("Năm 2016 Vinamilk lãi bao nhiêu?", "Năm 2016 lãi lớn [1].", "Vinamilk lãi 9.350 tỷ đồng.", []),
        ("Ai ghi bàn phút 85?", "Rafaelson ghi bàn phút 85 [1].", "Phút 90, Văn Quyết ghi bàn.", []),
        ("Giá xăng tăng bao nhiêu?", "Giá xăng tăng 500 đồng [1].", "Giá xăng tăng mạnh.", []),
    ],
)
def test_figures_apart(question: str, reply: str, quote: str, apart: list[str]) -> None:
    assert figures_apart(question, reply, quote) == apart


_TOTAL = "Đoàn thể thao Việt Nam dự SEA Games có tổng cộng bao nhiêu thành viên?"
_LEAD = "Số lượng thành viên Đoàn TTVN là 693 người, tăng 123 thành viên."
_RIVAL = "Như vậy, tổng số thành viên đoàn Thể thao Việt Nam đi dự SEA Games lần này là 861 người."


@pytest.mark.parametrize(
    ("question", "reply", "quote", "rival", "beside"),
    [
        # sports: the lead's figure where another sentence's fits the question better
        (_TOTAL, "Đoàn có 693 thành viên [1].", _LEAD, _RIVAL, True),
        (_TOTAL, "Đoàn có tổng cộng 861 thành viên [2].", _LEAD, _RIVAL, False),
        (_TOTAL, "Đoàn có 693 thành viên [1].", _LEAD, None, False),  # no rival: the reply stands
        # law: a count of something else than asked
        ("Bao nhiêu cơ quan bị kiểm tra?", "Tỉnh ban hành 180 văn bản [1].", "Tỉnh kiểm tra 25 cơ quan.", None, True),
        # business: a figure the best quote does not hold
        ("Công ty lãi bao nhiêu?", "Công ty lãi 557 tỷ đồng [1].", "Công ty lãi 555 tỷ đồng.", None, True),
        ("Công ty lãi bao nhiêu?", "Công ty lãi 555 tỷ đồng [1].", "Công ty lãi 555 tỷ đồng.", None, False),
    ],
)
def test_beside_question(question: str, reply: str, quote: str, rival: str | None, beside: bool) -> None:
    assert (beside_question(question, question, reply, quote, rival) is not None) == beside


@pytest.mark.parametrize(
    ("question", "cited", "other"),
    [
        # education: a grade swapped
        (
            "Tỷ lệ học sinh đăng ký trực tuyến vào lớp 10 ở Hà Nội là bao nhiêu?",
            ["Vào lớp 1, 91 nghìn học sinh, chiếm 72% và lớp 6, gồm 68 nghìn học sinh, chiếm 68%."],
            ["lớp 1", "lớp 6"],
        ),
        ("Hà Nội tuyển bao nhiêu học sinh lớp 10?", ["Tuyển 62.000 học sinh vào lớp 10 và 100.000 vào lớp 6."], []),
        # real estate: a district swapped; a passage naming none is no swap
        ("Giá căn hộ ở quận 7 bao nhiêu?", ["Giá căn hộ ở quận 2 tăng 10%."], ["quận 2"]),
        ("Giá căn hộ ở quận 7 bao nhiêu?", ["Giá căn hộ tăng 10%."], []),
        # sports: a round; "vòng 1/8" is one round, and "lớp 1.000 người" no grade
        ("Lượt 12 V-League, Long An có bao nhiêu điểm?", ["Sau lượt 11, Long An có 5 điểm."], ["lượt 11"]),
        ("Vòng 1/8 diễn ra khi nào?", ["Vòng 1/8 diễn ra ngày 5/6, vòng 2 ngày 9/6."], []),
        # a question naming no numbered thing
        ("Long An có bao nhiêu điểm?", ["Sau lượt 11, Long An có 5 điểm."], []),
    ],
)
def test_other_numbered(question: str, cited: list[str], other: list[str]) -> None:
    assert other_numbered(question, cited) == other
