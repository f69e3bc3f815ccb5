"""Reply checks against the evidence (pure, table-driven)."""

from __future__ import annotations

import pytest

from rag.evidence import Evidence
from rag.reply_check import finished_part, verify_answer


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


BNG = "Bộ Ngoại giao: công tác phòng, chống tham nhũng.\nĐến nay, đã xác minh 26 trường hợp của năm 2022."
QN = "Quảng Ninh: cải cách hành chính.\nNăm 2021, Quảng Ninh phát hiện 1 vụ."
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
ARTICLES = {"bng.txt": BNG, "qn.txt": QN}


@pytest.mark.parametrize(
    ("reply", "question", "markers", "note"),
    [
        # right marker: kept as is
        ("Đã xác minh 26 trường hợp của năm 2022 [2].", "", (2,), None),
        # wrong marker, another sentence states every fact: cited to that one
        ("Đã xác minh 26 trường hợp của năm 2022 [1].", "", (2,), "sửa trích dẫn [1] thành [2]"),
        # the question's own name, held by the cited sentence's article: accepted
        (
            "Bộ Ngoại giao đã xác minh 26 trường hợp của năm 2022 [2].",
            "Bộ Ngoại giao đã xác minh bao nhiêu trường hợp?",
            (2,),
            None,
        ),
        # ... but not a name the question did not give
        (
            "Bộ Ngoại giao đã xác minh 26 trường hợp của năm 2022 [2].",
            "Đã xác minh bao nhiêu trường hợp?",
            None,
            "bỏ câu",
        ),
        # ... nor the question's name when the cited article is about someone else (a trap)
        ("Quảng Ninh đã xác minh 26 trường hợp của năm 2022 [2].", "Quảng Ninh đã xác minh bao nhiêu?", None, "bỏ câu"),
        # the question's year: not when the cited sentence states another year
        ("Năm 2021, đã xác minh 26 trường hợp [2].", "Năm 2021 đã xác minh bao nhiêu trường hợp?", None, "số 2021"),
        # ... but from the article of a sentence stating no year
        ("Năm 2022, Bộ trưởng đã chỉ đạo sát sao [1].", "Năm 2022 Bộ trưởng làm gì?", (1,), None),
        ("Năm 2021, Bộ trưởng đã chỉ đạo sát sao [1].", "Năm 2021 Bộ trưởng làm gì?", None, "số 2021"),
        # ... and never a year the question did not give
        ("Năm 2022, Bộ trưởng đã chỉ đạo sát sao [1].", "Bộ trưởng làm gì?", None, "số 2022"),
        # wrong marker and a number no sentence states: dropped, not re-cited
        ("Đã xác minh 27 trường hợp của năm 2022 [1].", "", None, "bỏ câu"),
    ],
)
def test_verify_answer_markers_and_given_names(
    reply: str, question: str, markers: tuple[int, ...] | None, note: str | None
) -> None:
    kept, notes = verify_answer(reply, EVIDENCE, question, ARTICLES)
    assert [s.markers for s in kept] == ([markers] if markers else [])
    if note:
        assert any(note in n for n in notes), notes
