"""Follow-ups become standalone questions: rules first, the LLM for the rest."""

from __future__ import annotations

import pytest

from rag.answer_state import AnswerState
from rag.history import Turn, condense, drop_inherited_years, is_follow_up
from rag.llm import FakeLLM

QT = [
    Turn("user", "Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra?"),
    Turn("assistant", "Quảng Trị đã tiến hành 28 cuộc thanh tra [1]."),
]
TO_LAM = [
    Turn("user", "Ai phát biểu kết luận tại buổi làm việc ở Bộ Ngoại giao năm 2018?"),
    Turn("assistant", "Thượng tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an."),
]

OLYMPIAD = [
    Turn("user", "Đinh Quang Hiếu đạt thành tích gì ở Olympic Hóa học quốc tế 2017?"),
    Turn("assistant", "Hiếu giành huy chương vàng với 92,13 điểm [1]."),
]
BRIDGE = [
    Turn("user", "Dự án cầu Đại Ngãi có tổng mức đầu tư bao nhiêu?"),
    Turn("assistant", "Khoảng 8.295 tỷ đồng [1]."),
]


@pytest.mark.parametrize(
    ("question", "history", "follow"),
    [
        ("Còn Quảng Ninh thì sao?", QT, True),
        ("Ông ấy đề nghị gì?", TO_LAM, True),
        ("Thế đến nay đã xác minh bao nhiêu trường hợp?", QT, True),
        ("Quảng Ninh có bao nhiêu dịch vụ công mức độ 4?", QT, False),
        ("Còn Quảng Ninh thì sao?", [], False),
        # a word pointing back leans on the conversation, whatever numbers the question states
        ("Năm 2016 em ấy được bao nhiêu điểm?", OLYMPIAD, True),
        ("Khi hoàn thành thì nó rút ngắn đường đi TP.HCM bao nhiêu km?", BRIDGE, True),
        ("How many goals did they score in 2016?", OLYMPIAD, True),
        ("Cầu Cần Thơ dài bao nhiêu km?", BRIDGE, False),
        ("Which company won the contract that Hanoi signed in 2017?", BRIDGE, False),
    ],
)
def test_is_follow_up(question: str, history: list[Turn], follow: bool) -> None:
    assert is_follow_up(question, history) is follow


@pytest.mark.parametrize(
    ("question", "history", "standalone", "pinned", "method"),
    [
        (
            "Còn Quảng Ninh thì sao?",
            QT,
            "Trong 6 tháng đầu năm 2019, Quảng Ninh đã tiến hành bao nhiêu cuộc thanh tra?",
            "Quảng Ninh",
            "rule",
        ),
        (
            "What about Quảng Ninh?",
            QT,
            "Trong 6 tháng đầu năm 2019, Quảng Ninh đã tiến hành bao nhiêu cuộc thanh tra?",
            "Quảng Ninh",
            "rule",
        ),
        (
            "Ông ấy đề nghị tham gia công ước nào?",
            TO_LAM,
            "Ông Tô Lâm đề nghị tham gia công ước nào?",
            "Ông Tô Lâm đề nghị tham gia công ước nào?",
            "rule",
        ),
        ("Quảng Ninh có bao nhiêu TTHC?", QT, "Quảng Ninh có bao nhiêu TTHC?", "Quảng Ninh có bao nhiêu TTHC?", "none"),
        # sports desk: a one-word name, with places in the same sentence
        (
            "Anh ấy bao nhiêu tuổi?",
            [
                Turn("user", "Ai ghi bàn cho Hà Nội?"),
                Turn("assistant", "Rafaelson ghi bàn ở phút 90 giúp Hà Nội thắng Hải Phòng."),
            ],
            "Anh Rafaelson bao nhiêu tuổi?",
            "Anh Rafaelson bao nhiêu tuổi?",
            "rule",
        ),
        (
            # "Dầu", folded "dau", asks nothing; "Petrolimex" opening the question is a name
            "Còn Tổng công ty Dầu Việt Nam thì sao?",
            [Turn("user", "Petrolimex lãi bao nhiêu trong quý 3?")],
            "Tổng công ty Dầu Việt Nam lãi bao nhiêu trong quý 3?",
            "Tổng công ty Dầu Việt Nam",
            "rule",
        ),
        # a follow-up asking its own question ("Còn X thì ... bao nhiêu?") is no "what about X"
        (
            "Còn xe tải thì phạt bao nhiêu?",
            [Turn("user", "Xe máy vượt đèn đỏ bị phạt bao nhiêu tiền?")],
            "Còn xe tải thì phạt bao nhiêu? (Xe máy vượt đèn đỏ bị phạt bao nhiêu tiền?)",
            "Còn xe tải thì phạt bao nhiêu?",
            "context",
        ),
        (
            "Thế đã thu hồi bao nhiêu?",
            QT,
            "Thế đã thu hồi bao nhiêu? (Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra?)",
            "Thế đã thu hồi bao nhiêu?",
            "context",
        ),
    ],
)
def test_condense_rules(question: str, history: list[Turn], standalone: str, pinned: str, method: str) -> None:
    got = condense(question, history)
    assert (got.question, got.pinned, got.method) == (standalone, pinned, method)


@pytest.mark.parametrize(
    ("reply", "method", "standalone"),
    [
        ("Quảng Trị đã thu hồi bao nhiêu tiền năm 2019?", "llm", "Quảng Trị đã thu hồi bao nhiêu tiền năm 2019?"),
        ("", "context", None),  # empty rewrite: not trusted
        ("Quảng Trị thu hồi 1 tỷ [1].", "context", None),  # an answer, not a question
    ],
)
def test_condense_with_llm(reply: str, method: str, standalone: str | None) -> None:
    llm = FakeLLM([reply])
    got = condense("Thế đã thu hồi bao nhiêu?", QT, llm=llm)
    assert got.method == method
    assert got.pinned == "Thế đã thu hồi bao nhiêu?"
    if standalone:
        assert got.question == standalone
    assert "Người dùng: Trong 6 tháng" in llm.calls[0][1]["content"]


@pytest.mark.parametrize(
    ("rewrite", "question", "expected"),
    [
        (
            "Trong năm 2021, Bộ Ngoại giao đã xác minh bao nhiêu trường hợp?",
            "Thế đến nay đã xác minh bao nhiêu trường hợp?",
            "Bộ Ngoại giao đã xác minh bao nhiêu trường hợp?",
        ),
        (
            "How many cases has the ministry verified so far in 2021?",
            "How many so far?",
            "How many cases has the ministry verified so far?",
        ),
        (
            "Năm 2023 đến nay Quảng Ninh đã làm gì?",
            "Năm 2023 đến nay thì sao?",
            "Năm 2023 đến nay Quảng Ninh đã làm gì?",
        ),
    ],
)
def test_drop_inherited_years(rewrite: str, question: str, expected: str) -> None:
    assert drop_inherited_years(rewrite, question) == expected


def test_follow_up_with_its_own_time_frame_does_not_inherit_the_year() -> None:
    history = [
        Turn("user", "Năm 2021 Bộ Ngoại giao hoàn thành kê khai lần đầu cho bao nhiêu trường hợp?"),
        Turn("assistant", "1.695 trường hợp [1]."),
    ]
    llm = FakeLLM(["Trong năm 2021, Bộ Ngoại giao đã xác minh được bao nhiêu trường hợp kê khai hằng năm?"])
    got = condense("Thế đến nay đã xác minh được bao nhiêu trường hợp kê khai hằng năm rồi?", history, llm=llm)
    assert (got.method, got.question) == (
        "llm",
        "Bộ Ngoại giao đã xác minh được bao nhiêu trường hợp kê khai hằng năm?",
    )


def test_follow_up_without_a_time_frame_keeps_the_inherited_year() -> None:
    llm = FakeLLM(["Quảng Trị đã thu hồi bao nhiêu tiền năm 2019?"])
    assert "2019" in condense("Thế đã thu hồi bao nhiêu?", QT, llm=llm).question


def test_condense_limits_history_turns() -> None:
    old = [Turn("user", "Bộ Ngoại giao năm 2018 nhận bao nhiêu đơn?"), Turn("assistant", "111 đơn [1].")]
    got = condense("Thế đã thu hồi bao nhiêu?", old + QT, max_turns=1)
    assert "Bộ Ngoại giao" not in got.question


@pytest.mark.parametrize(
    ("question", "previous", "asking"),
    [
        # a follow-up carrying the previous question asks what its own words ask (construction, sports)
        (
            "Công ty đó hỗ trợ mỗi hộ dân bao nhiêu tiền?",
            "Chủ đầu tư công trình cống ngăn triều là ai?",
            "Công ty đó hỗ trợ mỗi hộ dân bao nhiêu tiền?",
        ),
        ("Trận tiếp theo đá ở đâu?", "U20 Việt Nam gặp New Zealand khi nào?", "Trận tiếp theo đá ở đâu?"),
    ],
)
def test_a_context_follow_up_asks_its_own_words(question: str, previous: str, asking: str) -> None:
    history = [Turn("user", previous), Turn("assistant", "...")]
    state = AnswerState(question, history, "extractive", condensed=condense(question, history))
    assert state.condensed is not None and state.condensed.method == "context"
    assert previous in state.standalone  # the brackets still find the story
    assert state.asking == asking
