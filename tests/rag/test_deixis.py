"""Questions about the reader's present ("hôm nay", "next week") need a recent article (table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from rag.deixis import asks_reader_now, stale_for_now


@pytest.mark.parametrize(
    ("question", "deictic"),
    [
        # the reader's day or week, on several desks, with and without marks, in English
        ("Giá vàng SJC hôm nay bao nhiêu một lượng?", True),
        ("gia vang hom nay bao nhieu", True),
        ("Thời tiết Hà Nội cuối tuần này thế nào?", True),
        ("Tỷ giá USD/VND tuần sau sẽ là bao nhiêu?", True),
        ("Tối nay đội tuyển Việt Nam đá với ai?", True),
        ("Ngày mai học sinh Hà Nội có phải đi học không?", True),
        ("What is today's exchange rate between the dollar and the dong?", True),
        ("Will it rain in Hanoi next weekend?", True),
        ("Who plays tonight in the V-League?", True),
        # the story's own time: a year, "hiện nay", or a named day
        ("Năm nay Hà Nội tuyển bao nhiêu học sinh vào lớp 10?", False),
        ("What target for foreign visitors did the Prime Minister set this year?", False),
        ("Hiện nay công ty có bao nhiêu nhân viên?", False),
        ("Giá vàng hôm nay (6/2) bao nhiêu một lượng?", False),
        ("Ngày mai, 12/5, tòa xử vụ án nào?", False),
        ("Theo dự báo ngày 4/6 năm 2017, Hà Nội nóng bao nhiêu độ?", False),
        # words that only look deictic
        ("Trận đấu hôm qua kết thúc với tỷ số bao nhiêu?", False),
        ("Ông Nguyễn Văn Nay giữ chức vụ gì?", False),
    ],
)
def test_asks_reader_now(question: str, deictic: bool) -> None:
    assert (asks_reader_now(question) is not None) == deictic


@pytest.mark.parametrize(
    ("dates", "stale"),
    [
        (["2017-06-05", None], True),  # an archive's forecast does not tell today's weather
        ([None, None], True),  # an undated article cannot be shown to be recent
        (["không rõ"], True),  # nor one whose date cannot be read
        ([], True),
        (["2017-06-05", "2026-12-03"], False),  # a story from this week answers
        (["2026-12-07"], False),
    ],
)
def test_stale_for_now(dates: list[str | None], stale: bool) -> None:
    reason = stale_for_now("Thời tiết Hà Nội hôm nay thế nào?", dates, date(2026, 12, 7))
    assert (reason is not None) == stale
    if stale and any(d and d[0].isdigit() for d in dates):
        assert max(d for d in dates if d) in reason  # says how old the latest article is


def test_not_deictic_never_stale() -> None:
    assert stale_for_now("Giá vàng ngày 6/2 bao nhiêu?", [None], date(2026, 12, 7)) is None
