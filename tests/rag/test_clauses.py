"""The clause holding the asked fact, cut from long report sentences of several desks."""

from __future__ import annotations

import itertools

import pytest

from rag.clauses import clauses, fact_clause

INSPECTION = (
    "6 tháng đầu năm 2019, toàn tỉnh đã tiến hành 28 cuộc thanh tra kinh tế - xã hội và 12 cuộc "
    "thanh tra chuyên ngành; qua thanh tra đã phát hiện sai phạm ở nhiều đơn vị; kiến nghị xử lý "
    "hành chính 14 tập thể; đã thu hồi 1 tỷ 266 triệu đồng về ngân sách nhà nước."
)
MATCH = (
    "Bước sang hiệp hai, đội khách chơi hứng khởi hơn hẳn và liên tục dồn ép đối thủ, đến phút 78 "
    "tiền vệ Nguyễn Quang Hải đánh đầu cận thành ấn định chiến thắng, giúp đội bóng thủ đô vươn lên "
    "dẫn đầu bảng xếp hạng sau vòng đấu này."
)
MARKET = (
    "Trong phiên giao dịch chiều qua, thị trường chứng khoán tiếp tục giằng co khi nhóm cổ phiếu "
    "ngân hàng bị bán mạnh; chỉ số VN-Index đóng cửa giảm 1,5% xuống 1.180 điểm, thanh khoản đạt "
    "khoảng 15.000 tỷ đồng."
)
EARNINGS = (
    "Theo báo cáo tài chính quý II vừa công bố, công ty đã nộp ngân sách 120 tỷ đồng tiền thuế; "
    "lợi nhuận trước thuế đạt 450 tỷ đồng, tăng 12% so với cùng kỳ năm trước; doanh thu thuần đạt "
    "3.200 tỷ đồng nhờ xuất khẩu tăng mạnh."
)
HOSPITAL = "Bệnh viện cho biết 126 công nhân đã nhập viện sau bữa trưa."


@pytest.mark.parametrize(
    ("sentence", "question", "holds", "lacks"),
    [
        (INSPECTION, "Tỉnh đã thu hồi bao nhiêu tiền?", "1 tỷ 266 triệu đồng", "28 cuộc"),
        (MATCH, "Đội bóng ghi bàn ấn định chiến thắng ở phút bao nhiêu?", "phút 78", "Bước sang hiệp hai"),
        (MARKET, "VN-Index giảm bao nhiêu phần trăm?", "giảm 1,5%", "cổ phiếu ngân hàng"),
        # three clauses state money: the one sharing the question's word pairs ("lợi nhuận trước thuế")
        (EARNINGS, "Lợi nhuận trước thuế của công ty quý II là bao nhiêu?", "450 tỷ đồng", "120 tỷ"),
    ],
)
def test_the_clause_holding_the_asked_fact_is_quoted(sentence: str, question: str, holds: str, lacks: str) -> None:
    span = fact_clause(sentence, question)
    assert span is not None
    clause = sentence[span[0] : span[1]]
    assert holds in clause and lacks not in clause
    assert len(clause.split()) >= 5


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (HOSPITAL, "Bao nhiêu công nhân nhập viện?"),  # short: quoted whole
        (INSPECTION, "Tỉnh làm gì sau thanh tra?"),  # nothing typed asked
        (MATCH, "Ai ghi bàn ấn định chiến thắng?"),  # names: left to the whole sentence
        (MARKET, "Thị trường có bao nhiêu mã tăng trần?"),  # no clause states that count
        (INSPECTION, "Tỉnh tiến hành bao nhiêu cuộc thanh tra và thu hồi bao nhiêu tiền?"),  # two facts
    ],
)
def test_the_whole_sentence_stays_when_no_single_clause_answers(sentence: str, question: str) -> None:
    assert fact_clause(sentence, question) is None


def test_clauses_keep_decimal_commas_and_cover_the_sentence_in_order() -> None:
    pieces = clauses(MARKET)
    assert any("1,5%" in MARKET[a:b] for a, b in pieces)
    assert all(p[1] <= q[0] for p, q in itertools.pairwise(pieces))
    assert all(len(MARKET[a:b].split()) >= 5 for a, b in pieces)


def test_a_list_of_figures_stays_in_one_clause() -> None:
    tickets = (
        "Theo Liên đoàn bóng đá, từ ngày 19 đến 23/7 tới trên sân vận động Thống Nhất, các trận đấu vòng loại "
        "sẽ bán vé với 3 mức giá 100, 150 và 250 nghìn đồng, người hâm mộ có thể mua trực tuyến hoặc tại sân."
    )
    assert any("100, 150 và 250 nghìn đồng" in tickets[a:b] for a, b in clauses(tickets))
