"""Which figure of the asked kind a question asks for, by the words around each (table-driven)."""

from __future__ import annotations

import pytest

from rag.evidence import Evidence
from rag.figure_context import asked_figure_fit, figure_pieces, figure_rival


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # a list of figures: each piece runs to the next comma or "và" (education)
        (
            "Hà Nội tuyển 452.000 học sinh vào lớp mẫu giáo, 145.000 học sinh vào lớp 1 và 109.300 học sinh vào lớp 6.",
            {
                "452000": "ha noi tuyen 452.000 hoc sinh vao lop mau giao",
                "145000": "145.000 hoc sinh vao lop 1",
                "109300": "109.300 hoc sinh vao lop 6",
            },
        ),
        # "nhưng" joins two figures of one sentence (business)
        ("Công ty đạt doanh thu 5.137 tỷ đồng nhưng lỗ 261 tỷ đồng.", {"5137": "cong ty dat doanh thu 5.137 ty dong"}),
    ],
)
def test_figure_pieces(text: str, pieces: dict[str, str]) -> None:
    found = dict(figure_pieces(text))
    for value, piece in pieces.items():
        assert found[value] == piece


@pytest.mark.parametrize(
    ("question", "better", "worse"),
    [
        # education: the qualifier after the number tells the grades apart
        (
            "Hà Nội dự kiến tuyển bao nhiêu học sinh vào lớp 1?",
            "Hà Nội tuyển 452.000 học sinh vào lớp mẫu giáo, 145.000 học sinh vào lớp 1.",
            "Hà Nội có 82.934 học sinh xét tốt nghiệp.",
        ),
        # sports: the total the question asks for, not another count of the team
        (
            "Đoàn thể thao Việt Nam dự SEA Games có tổng cộng bao nhiêu thành viên?",
            "Như vậy, tổng số thành viên đoàn Thể thao Việt Nam đi dự SEA Games lần này là 861 người.",
            "Số VĐV tăng 84 người so với trước.",
        ),
        # business: the loss, not the revenue
        (
            "Năm 2016 Lotte Mart lỗ bao nhiêu tiền?",
            "Năm 2016, Lotte Mart lỗ tới 261 tỷ đồng.",
            "Năm 2016, công ty đạt doanh thu 5.137 tỷ đồng.",
        ),
    ],
)
def test_asked_figure_fit(question: str, better: str, worse: str) -> None:
    assert asked_figure_fit(question, better) > asked_figure_fit(question, worse)


def test_no_figure_asked_or_stated() -> None:
    assert asked_figure_fit("Ai ghi bàn?", "Quang Hải ghi bàn ở phút 80.") == 0
    assert asked_figure_fit("Bao nhiêu người chết?", "Vụ cháy xảy ra lúc nửa đêm.") == 0


def _ev(n: int, text: str, source: str = "a.txt", score: float = 1.0) -> Evidence:
    return Evidence(n, source, "", None, f"{source}#0", 0, len(text), text, score)


def test_figure_rival() -> None:
    question = "Đoàn thể thao Việt Nam dự SEA Games có tổng cộng bao nhiêu thành viên?"
    lead = _ev(1, "Số lượng thành viên Đoàn TTVN là 693 người, tăng 123 thành viên.", score=0.9)
    total = _ev(
        2, "Như vậy, tổng số thành viên đoàn Thể thao Việt Nam đi dự SEA Games lần này là 861 người.", score=0.7
    )
    far = _ev(3, total.text, source="b.txt", score=0.1)  # another story, far below the lead
    assert figure_rival(question, [lead, total], margin=0.1) == total
    assert figure_rival(question, [lead, far], margin=0.1) is None
    assert figure_rival(question, [total, lead], margin=0.1) is None  # the lead already fits best
    assert figure_rival("Ai dẫn đầu đoàn?", [lead, total], margin=0.1) is None
