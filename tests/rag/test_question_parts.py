"""Questions asking several things: their parts, what answers a part, and each part's quote."""

from __future__ import annotations

import pytest

from rag.answerability import answers_asked_type, parts_left_out
from rag.evidence import Evidence
from rag.question_parts import question_parts
from rag.quoting import extractive_pick, part_answers


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        # sports: who, then when
        ("Ai ghi bàn cho U20 Việt Nam, ở phút nào?", ["Ai ghi bàn cho U20 Việt Nam", "ở phút nào?"]),
        # business: two figures of one kind
        (
            "Quý III/2024 công ty lãi bao nhiêu và doanh thu cả năm là bao nhiêu?",
            ["Quý III/2024 công ty lãi bao nhiêu", "doanh thu cả năm là bao nhiêu?"],
        ),
        # infrastructure: a rate and a span
        (
            "Máy khoan được bao nhiêu mét mỗi ngày và mất bao lâu để xong đường hầm?",
            ["Máy khoan được bao nhiêu mét mỗi ngày", "mất bao lâu để xong đường hầm?"],
        ),
        # a follow-up opened by "còn"
        ("Còn Apple đứng thứ mấy và thị phần còn bao nhiêu?", ["Còn Apple đứng thứ mấy", "thị phần còn bao nhiêu?"]),
        # English, comma and "and"
        (
            "How many people were hurt, and where did the crash happen?",
            ["How many people were hurt", "where did the crash happen?"],
        ),
        # one ask about two provinces stays whole
        ("Quảng Trị và Quảng Ninh thu hồi bao nhiêu tiền?", ["Quảng Trị và Quảng Ninh thu hồi bao nhiêu tiền?"]),
        # an appositive's commas are no second ask
        (
            "Theo ông Lê Văn Hùng, giám đốc sở, vì sao giá xăng tăng?",
            ["Theo ông Lê Văn Hùng, giám đốc sở, vì sao giá xăng tăng?"],
        ),
        # a tail without an asking word belongs to the ask before it
        ("Giá vàng niêm yết bao nhiêu, tăng hay giảm?", ["Giá vàng niêm yết bao nhiêu, tăng hay giảm?"]),
        # two asking words sharing one clause are one ask (vehicles, health)
        (
            "When and where will Honda hold the world debut of the new Accord?",
            ["When and where will Honda hold the world debut of the new Accord?"],
        ),
        (
            "Before the outbreak, when and where was the disease last seen?",
            ["Before the outbreak, when and where was the disease last seen?"],
        ),
        # ... but a Vietnamese clause ends with its asking word (culture)
        ("Ca khúc mới tên là gì và ai sẽ hát?", ["Ca khúc mới tên là gì", "ai sẽ hát?"]),
        # a comma inside a number joins nothing (law)
        (
            "Who drove the car carrying 11,700 packs, and how many runs did he admit to?",
            ["Who drove the car carrying 11,700 packs", "how many runs did he admit to?"],
        ),
        # "Ai Cập" is Egypt, not "who"
        ("Tổng thống Ai Cập và Thủ tướng Israel nói gì?", ["Tổng thống Ai Cập và Thủ tướng Israel nói gì?"]),
        ("", [""]),
    ],
)
def test_question_parts(question: str, parts: list[str]) -> None:
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    ("question", "text", "fits"),
    [
        # either part's kind of fact answers in part
        ("Ai ghi bàn và trận đấu có bao nhiêu khán giả?", "Trận đấu thu hút 20.000 khán giả.", True),
        ("Ai ghi bàn và trận đấu có bao nhiêu khán giả?", "Nguyễn Văn Quyết ghi bàn ở phút 80.", True),
        ("Ai ghi bàn và trận đấu có bao nhiêu khán giả?", "Trận đấu diễn ra dưới trời mưa.", False),
        # one ask: as before
        ("Dự án có tổng vốn bao nhiêu tiền?", "Dự án có tổng vốn 2.500 tỷ đồng.", True),
        ("Dự án có tổng vốn bao nhiêu tiền?", "Dự án khởi công năm ngoái.", False),
        ("Vì sao dự án chậm tiến độ?", "Dự án khởi công năm ngoái.", True),
        # "năm nào" asks a year: a day and month alone do not answer it (world, sports, business)
        ("Nhật hoàng lên ngôi từ năm nào?", "Ngày 19/5, Nội các Nhật Bản thông qua đạo luật thoái vị.", False),
        ("Nhật hoàng lên ngôi từ năm nào?", "Nhật hoàng Akihito lên ngôi năm 1989.", True),
        ("In what year was the club founded?", "Câu lạc bộ được thành lập ngày 12/8/1998.", True),
        ("Công ty được thành lập năm nào?", "Công ty được thành lập vào tháng 3.", False),
    ],
)
def test_answers_asked_type_by_parts(question: str, text: str, fits: bool) -> None:
    assert answers_asked_type(question, text) is fits


@pytest.mark.parametrize(
    ("question", "answer", "left"),
    [
        # sports: the score without the scorer
        (
            "U23 Việt Nam thắng với tỷ số bao nhiêu, và ai ghi bàn thắng quyết định?",
            "U23 Việt Nam thắng với tỷ số 2-1 [1].",
            ["ai ghi bàn thắng quyết định?"],
        ),
        # sports: both asks answered
        (
            "U23 Việt Nam thắng với tỷ số bao nhiêu, và ai ghi bàn thắng quyết định?",
            "U23 Việt Nam thắng 2-1, bàn quyết định do Nguyễn Quang Hải ghi [1].",
            [],
        ),
        # business: one of two figures
        (
            "Cảng đón được tàu bao nhiêu tấn và có bao nhiêu cầu cảng?",
            "Cảng đón được tàu trọng tải 50.000 tấn [1].",
            ["có bao nhiêu cầu cảng?"],
        ),
        # weather: a figure and an untyped ask ("vì sao" cannot be checked, so it is never counted)
        ("Nhiệt độ cao nhất là bao nhiêu và vì sao nắng nóng kéo dài?", "Nhiệt độ cao nhất là 39,2 độ C [1].", []),
        # one ask only
        ("Công ty lãi bao nhiêu trong quý III?", "Công ty báo lỗ [1].", []),
        # box office: two amounts asked, one stated (the part sharing fewer words is the one left out)
        (
            "Phim thu bao nhiêu trong tuần đầu và tổng doanh thu toàn cầu là bao nhiêu?",
            "Phim thu 142,7 triệu USD trong tuần đầu [1].",
            ["tổng doanh thu toàn cầu là bao nhiêu?"],
        ),
        (
            "Phim thu bao nhiêu trong tuần đầu và tổng doanh thu toàn cầu là bao nhiêu?",
            "Phim thu 142,7 triệu USD trong tuần đầu, toàn cầu 278 triệu USD [1].",
            [],
        ),
        # accidents: two counts of people, one stated (the marker "[1]" is no figure)
        (
            "Có bao nhiêu người chết và bao nhiêu người bị thương?",
            "Vụ tai nạn làm 3 người chết [1].",
            ["bao nhiêu người bị thương?"],
        ),
        (
            "Có bao nhiêu người chết và bao nhiêu người bị thương?",
            "Vụ tai nạn làm 3 người chết, 5 người bị thương [1].",
            [],
        ),
        # fuel prices: "mấy giờ" asks a clock time, "15h" states one
        ("Giá xăng tăng bao nhiêu đồng một lít và từ mấy giờ?", "Giá xăng tăng 500 đồng/lít từ 15h chiều nay [1].", []),
        (
            "Giá xăng tăng bao nhiêu đồng một lít và từ mấy giờ?",
            "Giá xăng tăng 500 đồng/lít từ chiều nay [1].",
            ["từ mấy giờ?"],
        ),
        # league table: a rank and points are different kinds, one figure each
        ("Đội đứng thứ mấy và có bao nhiêu điểm?", "Đội đứng thứ 3 với 45 điểm [1].", []),
    ],
)
def test_parts_left_out(question: str, answer: str, left: list[str]) -> None:
    assert parts_left_out(question, answer) == left


def _ev(n: int, text: str, score: float, start: int) -> Evidence:
    return Evidence(n, "a.txt", "t", None, "a.txt#0", start, start + len(text), text, score)


TUNNEL = [
    _ev(1, "Máy TBM sẽ mất khoảng 13 tháng để hoàn thành 2 đường hầm dài 781m.", 110.0, 500),
    _ev(2, "Máy khoan TBM chuẩn bị khoan những mét hầm đầu tiên từ ga Ba Son.", 100.0, 0),
    _ev(3, "Lễ khởi động máy khoan được tổ chức tại công trường.", 95.0, 100),
    _ev(4, "Sau khi lắp đặt xong, máy khoan chuẩn bị hoạt động.", 90.0, 200),
    _ev(5, "Được biết, máy TBM có thể khoan được 12 mét đường hầm mỗi ngày.", 80.0, 300),
]
TUNNEL_Q = "Máy TBM khoan được bao nhiêu mét mỗi ngày và mất bao lâu để xong 2 đường hầm?"


def test_each_part_gets_its_own_sentence() -> None:
    picks = part_answers(TUNNEL_Q, TUNNEL, None)
    assert {e.n for e in picks} == {1, 5}
    quoted = extractive_pick(TUNNEL, question=TUNNEL_Q, also=picks)
    assert quoted[0].n == 1 and any(e.n == 5 for e in quoted)  # the best first, the far-off part's answer kept
    assert all(e.n != 5 for e in extractive_pick(TUNNEL, question=TUNNEL_Q))  # without the parts it is lost


def test_parts_follow_the_closeness_scores() -> None:
    gold = [
        _ev(1, "Sau 3 tuần, phim đã thu tổng cộng 142,7 triệu USD toàn cầu.", 90.0, 400),
        _ev(2, "Tuần này phim dẫn đầu phòng vé với 14,6 triệu USD.", 70.0, 100),
        _ev(3, "Kinh phí làm phim chỉ 9 triệu USD.", 60.0, 200),
    ]
    question = "Phim thu bao nhiêu trong tuần dẫn đầu phòng vé và tổng doanh thu sau 3 tuần là bao nhiêu?"
    close = {
        "Phim thu bao nhiêu trong tuần dẫn đầu phòng vé": {("a.txt", 100): 0.8, ("a.txt", 400): 0.6},
        "tổng doanh thu sau 3 tuần là bao nhiêu?": {("a.txt", 400): 0.9, ("a.txt", 100): 0.5},
    }
    assert [e.n for e in part_answers(question, gold, lambda part: close[part])] == [2, 1]


def test_a_single_ask_has_no_parts() -> None:
    assert part_answers("Máy TBM khoan được bao nhiêu mét mỗi ngày?", TUNNEL, None) == []
