"""Reply checks against the evidence (pure, table-driven)."""

from __future__ import annotations

import pytest

from rag.reply_check import finished_part


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
