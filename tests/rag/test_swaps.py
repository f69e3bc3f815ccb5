"""A person swapped between the question and the answering sentences (table-driven, several desks)."""

from __future__ import annotations

import pytest

from rag.answerability import full_names
from rag.swaps import other_people


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Tổng Bí thư Nguyễn Phú Trọng tiếp đoàn.", ["Nguyễn Phú Trọng"]),
        ("VĐV Quách Thị Lan và Nguyễn Thị Huyền về nhất.", ["Quách Thị Lan", "Nguyễn Thị Huyền"]),
        # a run stops at a lower-case word, and the next name is read after it (law)
        ("Cơ sở của Lê Văn Hùng bán hàng cho Trần Thị Mai.", ["Lê Văn Hùng", "Trần Thị Mai"]),
        # a surname alone, or a street or a foreign name, is no full name here
        ("Ông Trần nói rằng Rafaelson ghi bàn.", []),
    ],
)
def test_full_names(text: str, names: list[str]) -> None:
    assert full_names(text) == names


@pytest.mark.parametrize(
    ("question", "cited", "other"),
    [
        # sports: another athlete's time
        (
            "Quách Thị Lan giành HCV với thành tích bao nhiêu?",
            ["Thông số 57 giây 34 của Nguyễn Thị Huyền là thành tích tốt nhất."],
            ["Nguyễn Thị Huyền"],
        ),
        # politics: another official's birth year
        (
            "Ông Đặng Xuân Hoan sinh năm bao nhiêu?",
            ["Ông Nguyễn Quốc Khánh, sinh năm 1962, là Vụ trưởng."],
            ["Nguyễn Quốc Khánh"],
        ),
        # the person mentioned by given name only is no swap (law)
        (
            "Bị cáo Lê Văn Hùng lĩnh bao nhiêu năm tù?",
            ["Hùng bị tuyên phạt 12 năm tù, theo thẩm phán Trần Thị Mai."],
            [],
        ),
        # a sentence naming nobody is no evidence of a swap (business)
        ("Ông Phạm Nhật Vượng đầu tư bao nhiêu?", ["Tập đoàn đầu tư 3.000 tỷ đồng."], []),
        # a question asking who is answered by another name (education)
        ("Ai thay ông Nguyễn Văn A làm hiệu trưởng?", ["Bà Trần Thị B được bổ nhiệm hiệu trưởng."], []),
    ],
)
def test_other_people(question: str, cited: list[str], other: list[str]) -> None:
    assert other_people(question, cited) == other
