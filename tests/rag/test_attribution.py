"""Attributions blanked out of news sentences, table-driven across desks."""

from __future__ import annotations

import pytest

from rag.attribution import without_attribution


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # defence, world: countries that report, a news agency, a source note
        ("Mỹ và Hàn Quốc xác nhận tên lửa đã bay được khoảng 500 km.", "tên lửa đã bay được khoảng 500 km."),
        ("Theo hãng tin Yonhap, Triều Tiên đã phóng 4 tên lửa.", ", Triều Tiên đã phóng 4 tên lửa."),
        ("Triều Tiên đã phóng 4 tên lửa, theo AFP.", "Triều Tiên đã phóng 4 tên lửa, ."),
        ("(Nguồn: TTXVN) Cử tri Hàn Quốc đi bỏ phiếu.", "Cử tri Hàn Quốc đi bỏ phiếu."),
        # health, business: an agency that reports
        ("Bộ Y tế Thái Lan cho biết có 20 ca mắc mới.", "có 20 ca mắc mới."),
        ("Công ty thông báo lãi 50 tỷ đồng.", "lãi 50 tỷ đồng."),
        # no attribution: the sentence stays whole (markets, sports)
        ("Giá vàng thế giới tăng 2% trong tuần qua.", "Giá vàng thế giới tăng 2% trong tuần qua."),
        ("Việt Nam thắng Campuchia 3-1 theo đúng dự đoán.", "Việt Nam thắng Campuchia 3-1 theo đúng dự đoán."),
        # a figure before the verb is the fact, not who reports it (law)
        ("Có 42 bị can bị khởi tố, cơ quan điều tra cho biết.", "Có 42 bị can bị khởi tố, ."),
    ],
)
def test_without_attribution(sentence: str, expected: str) -> None:
    assert without_attribution(sentence) == expected
