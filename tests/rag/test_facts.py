"""The facts layer: typed figures and question analysis, table-driven across desks."""

from __future__ import annotations

import pytest

from rag.dating import dating_years
from rag.facts import Figure, asked_figure, asks_figure, figures, is_comparison
from rag.figure_match import states_asked_figure
from rag.text import numbers_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # business: a price per unit, money with a scale word, a percentage
        ("Giá xăng RON 95 là 23.000 đồng/lít.", Figure("23000", "money", "lit", rate=True)),
        ("Doanh thu đạt 1,2 tỷ USD.", Figure("1.2", "money", "usd")),
        ("Giá vàng tăng 3,5%.", Figure("3.5", "percent", "")),
        # sports: a score and a rank
        ("Hà Nội thắng Hải Phòng 3-1.", Figure("3", "score", "")),
        ("Việt Nam đứng thứ 2 bảng B.", Figure("2", "ordinal", "bang b")),
        ("Trường xếp ở vị trí 41 khu vực.", Figure("41", "ordinal", "khu vuc")),
        ("Tỉnh chuyển đổi vị trí 251 cán bộ.", Figure("251", "count", "can bo")),
        # law, health, education: counts with what they count
        ("Tòa tuyên phạt bị cáo 12 năm tù.", Figure("12", "duration", "nam tu")),
        ("Bệnh viện tiếp nhận 30 bệnh nhân.", Figure("30", "count", "benh nhan")),
        ("Hà Nội tuyển 1.695 học sinh lớp 1.", Figure("1695", "count", "hoc sinh")),
        # a quarter in Roman numerals is the same quarter in digits
        ("Lợi nhuận quý III/2024 tăng.", Figure("3", "quarter", "")),
        ("Lợi nhuận quý 3/2024 tăng.", Figure("3", "quarter", "")),
        # a date against a span of time; a share of a total and a document number are no dates
        ("Phiên tòa mở ngày 5/6.", Figure("5", "time", "")),
        ("Phiên tòa kéo dài 30 ngày.", Figure("30", "duration", "ngay")),
        ("Có 6.385/10.418 bài thi đạt điểm 5.", Figure("6385", "count", "bai thi")),
        ("Án mới là 2 vụ/21 bị can.", Figure("21", "count", "bi can")),
        # an aside in brackets stands between the number and what it counts
        ("Có 6.385/10.418 (hơn 61%) bài thi đạt điểm 5.", Figure("6385", "count", "bai thi")),
        ("Nhà máy tuyển 120 (trong đó 30 nữ) công nhân.", Figure("120", "count", "cong nhan")),
        # a measure or classifier before the noun counted
        ("Tàu chở hơn 1.800 tấn dầu.", Figure("1800", "count", "tan dau")),
        ("Cảnh sát thu giữ 3 chiếc xe máy.", Figure("3", "count", "chiec xe")),
        # the first number of a range is what the second is
        ("Thuế dự kiến 3.000-6.000 đồng/lít.", Figure("3000", "money", "lit", rate=True)),
        ("Lương từ 5 đến 7 triệu đồng.", Figure("5", "money", "dong")),
        # a clock time written the news way (society, sports, transport)
        ("Vụ cháy xảy ra lúc 14h chiều qua.", Figure("14", "time", "")),
        ("Trận đấu bắt đầu lúc 19h30 tối nay.", Figure("19", "time", "")),
        ("Trận chung kết kéo dài 2h18.", Figure("2", "duration", "h")),  # a span written like a clock
        ("Sau 2h18 phút thi đấu, Nadal giành chiến thắng.", Figure("2", "duration", "h")),
        ("Sau 14h chiều, mưa lớn.", Figure("14", "time", "")),
        ("Tàu chở 200 hành khách.", Figure("200", "count", "hanh khach")),
        # a rank in words after a verb of ranking (sports, education, business)
        ("Bồ Đào Nha đang xếp thứ hai trong bảng với 15 điểm.", Figure("2", "ordinal", "trong bang")),
        ("Đội tuyển nữ về nhì tại giải.", Figure("2", "ordinal", "tai giai")),
        ("Trường đứng hạng ba khu vực.", Figure("3", "ordinal", "khu vuc")),
        # ... read with marks: "dùng hai tay" and "vé hai chiều" hold no rank, "thứ Hai" is Monday
        ("Thí sinh dùng hai tay.", None),
        ("Hành khách mua vé hai chiều.", None),
        # a span in words, lower case ("ông Năm" is a person); a minute of play; the pound after a scale word
        ("Doanh nghiệp phải đăng ký lại hai năm một lần.", Figure("2", "duration", "nam mot")),
        ("Học viện phải xong quy chế trong vòng một tháng.", Figure("1", "duration", "thang")),
        ("Ông Năm tháng trước đã nghỉ hưu.", None),
        ("Samson nhận thẻ đỏ ở phút 30.", Figure("30", "ordinal", "")),
        ("Trận đấu kéo dài 90 phút.", Figure("90", "duration", "phut")),
        ("32 đội đã chia sẻ 452 triệu bảng.", Figure("32", "count", "doi da")),
        # a pair of numbers before a scale or a unit is a range, not a score (real estate, housing);
        # "thắng 2-0" is a score, not February (sports)
        ("Đơn giá khoảng 4-5 triệu đồng/m2.", Figure("4", "money", "m", rate=True)),
        ("Vợ chồng tiết kiệm 5-7 năm sẽ mua được nhà.", Figure("5", "duration", "nam se")),
        ("U23 Việt Nam thắng 2-0 trước Thái Lan.", Figure("2", "score", "")),
    ],
)
def test_figures(text: str, expected: Figure | None) -> None:
    assert expected in figures(text) if expected else figures(text) == []


@pytest.mark.parametrize(
    ("question", "kind", "unit"),
    [
        ("Giá xăng bao nhiêu một lít?", "money", ""),
        ("Công ty lãi bao nhiêu tiền?", "money", ""),
        ("Cầu vượt có chi phí bao nhiêu?", "money", ""),
        ("Dự án có tổng mức đầu tư bao nhiêu?", "money", ""),
        ("Hai nhánh cầu tốn bao nhiêu vốn?", "money", ""),
        ("Vé xem trận chung kết bán mấy mức giá?", "money", ""),
        ("Nghị định mới có bao nhiêu mức phạt?", "money", ""),
        ("Tỷ lệ thất nghiệp là bao nhiêu?", "percent", ""),
        ("Tỷ số trận chung kết là bao nhiêu?", "score", ""),
        ("Đội tuyển xếp thứ mấy?", "ordinal", ""),
        ("Bệnh viện tiếp nhận bao nhiêu bệnh nhân?", "count", "benh nhan"),
        # folded, "thí", "vé" and "tù" would read as "thì", "về" and "từ", which count nothing
        ("Có bao nhiêu thí sinh đăng ký?", "count", "thi sinh dang ky"),
        ("Nhà ga bán được bao nhiêu vé?", "count", "ve"),
        ("Trại giam có bao nhiêu tù nhân?", "count", "tu nhan"),
        ("Giá vàng là bao nhiêu?", "money", ""),
        ("Số ca mắc là bao nhiêu trong tuần?", "count", "ca mac"),  # the noun after "số" is counted
        ("How many patients were admitted?", "count", ""),
        ("Hợp đồng kéo dài bao nhiêu năm?", "duration", "nam"),
        ("Phiên tòa dự kiến kéo dài bao lâu?", "duration", ""),
        ("How long is the contract?", "duration", ""),
        ("Trận đấu diễn ra ngày nào?", "time", ""),
        ("Cầu vượt dự kiến khởi công vào thời gian nào?", "time", ""),
        ("Tàu SE1 rời ga Hà Nội giờ nào?", "time", ""),
        # "mấy giờ" asks the time of day, "bao nhiêu giờ" a span
        ("Giá xăng điều chỉnh từ mấy giờ?", "time", ""),
        ("Phiên tòa kéo dài bao nhiêu giờ?", "duration", "gio"),
        # folded, "thứ"/"hạng" would collide with "doanh thu" and "ngân hàng"
        ("Năm 2016 siêu thị doanh thu bao nhiêu?", "money", ""),
        ("Ông vay ngân hàng bao nhiêu tiền?", "money", ""),
        ("Đội tuyển đứng hạng mấy thế giới?", "ordinal", ""),
        ("Cục thuế thu bao nhiêu từ đấu giá đất?", "count", ""),
        # a bare amount, and English "how much" with a noun
        ("Công ty bị phạt bao nhiêu?", "count", ""),
        ("Nhà đầu tư trả bao nhiêu cho mỗi cổ phiếu?", "count", ""),
        ("How much power does the engine produce?", "count", ""),
        ("How much did the painting sell for?", "money", ""),
        # a price stated in the question is a premise: the count after "bao nhiêu" is asked (rail, telecoms)
        ("Đợt bán vé đồng giá 10 nghìn đồng có bao nhiêu vé?", "count", "ve"),
        ("Gói cước giá 50.000 đồng có bao nhiêu GB dữ liệu?", "count", "gb du lieu"),
        # ... a model's number is no price (fuel, phones)
        ("Giá xăng RON 95 bao nhiêu một lít?", "money", ""),
        ("Giá iPhone 8 tại Việt Nam là bao nhiêu?", "money", ""),
        # a size: a dimension word before "bao nhiêu", unless a counted noun follows it
        ("Cây cầu dài bao nhiêu?", "measure", ""),
        ("Tiền đạo mới cao bao nhiêu?", "measure", ""),
        ("Khu đất dự án rộng khoảng bao nhiêu?", "measure", ""),
        ("Con cá dài và nặng bao nhiêu?", "measure", ""),
        ("How tall is the new tower?", "measure", ""),
        ("Nhà máy có công suất bao nhiêu xe một ngày?", "count", "xe"),  # "một ngày" reads as "1 ngày"
        ("Bị cáo bao nhiêu tuổi?", "count", "tuoi"),
        ("Bị cáo được giảm bao nhiêu năm tù?", "duration", "nam tu"),  # "cáo" is no "cao"
        # a price stated after the counted noun does not make it a money question
        ("Đã bán được bao nhiêu vé giá 10 nghìn đồng?", "count", "ve gia"),
        ("Công ty lỗ bao nhiêu tỷ đồng?", "money", ""),
        # "mấy" before people is a plural when another word asks (health, society)
        ("Vì sao bố mẹ mấy cháu không đưa con đi viện ngay?", "count", ""),
        ("Có mấy cháu bị ngộ độc?", "count", "chau bi ngo doc"),
        # "năm bao nhiêu" asks a year, "mỗi năm bao nhiêu" an amount a year (business, law)
        ("Tổng giám đốc sinh năm bao nhiêu?", "time", ""),
        ("Nhà máy xây năm mấy?", "time", ""),
        ("Công ty nộp thuế mỗi năm bao nhiêu?", "count", ""),
        # a scale word counts in millions; "đóng" and "dòng" are no "đồng" (markets, industry, vehicles)
        ("Công ty niêm yết bao nhiêu triệu cổ phiếu?", "count", "co phieu"),
        ("Sân bay đón bao nhiêu triệu lượt khách?", "count", "luot khach"),
        ("Công ty thu về bao nhiêu tỷ?", "money", ""),
        ("Mỗi hộ được hỗ trợ bao nhiêu nghìn đồng?", "money", ""),
        ("Cong ty lo bao nhieu ty dong?", "money", ""),
        ("Bão khiến bao nhiêu trường phải đóng cửa?", "count", "truong phai dong cua"),
        ("Hãng có bao nhiêu dòng xe?", "count", "dong xe"),
        # profit, trade value and pay are money (business, trade, labour); folded "lai" alone is also "lại"
        ("Năm 2016 công ty lãi sau thuế bao nhiêu?", "money", ""),
        ("Kim ngạch xuất khẩu gạo đạt bao nhiêu?", "money", ""),
        ("Cầu thủ nhận mức lương bao nhiêu?", "money", ""),
        ("How much pre-tax profit did the bank earn?", "money", ""),
        ("Xe lại chạy thêm bao nhiêu km?", "count", "km"),
        # an interest rate is a percentage (banking, law); a top speed is a size (vehicles)
        ("Công ty dụ người gửi tiền với lãi suất bao nhiêu?", "percent", ""),
        ("What annual interest rate did the company promise?", "percent", ""),
        ("Ngân hàng nào giảm lãi suất?", "count", ""),
        ("What is the top speed of the new electric car?", "measure", ""),
        # "số X ... bao nhiêu" opening a clause counts X; "điểm số" is a word of its own (education, sports)
        ("Số thí sinh đăng ký dự thi là bao nhiêu?", "count", "thi sinh"),
        ("Tổng số người chết trong vụ cháy là bao nhiêu?", "count", "nguoi chet"),
        ("Điểm số của ba trọng tài là bao nhiêu?", "count", ""),
        # a minute of play (sports)
        ("Cầu thủ nhận thẻ đỏ ở phút thứ mấy?", "ordinal", ""),
        ("Bàn thắng được ghi ở phút bao nhiêu?", "ordinal", ""),
    ],
)
def test_asked_figure(question: str, kind: str, unit: str) -> None:
    assert asked_figure(question) == (kind, unit)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("quý III/2024", ["3", "2024"]),
        ("Quốc hội khóa XIV", ["14"]),
        ("Đại hội XII của Đảng", ["12"]),
        ("1.695 trường hợp", ["1695"]),
        ("Vitamin C và vòng I", []),  # Roman-looking letters elsewhere are not numbers
    ],
)
def test_numbers_read_roman_numerals_where_news_uses_them(text: str, numbers: list[str]) -> None:
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("So với năm 2016, doanh thu năm 2017 tăng bao nhiêu?", True),
        ("Quảng Ninh và Quảng Trị, tỉnh nào thanh tra nhiều hơn?", True),
        ("Which club scored more goals than Hà Nội?", True),
        ("U15 Việt Nam thắng Campuchia tỷ số mấy?", False),
        ("Bệnh viện đa khoa tỉnh Hòa Bình có bao nhiêu bệnh nhân chạy thận?", False),
        ("Năm 2021 Bộ Ngoại giao kê khai cho bao nhiêu người?", False),
    ],
)
def test_is_comparison(question: str, expected: bool) -> None:
    assert is_comparison(question) is expected


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Năm 2016, Hiếu đạt 89,764 điểm.", {"2016"}),
        ("Ngày 12/8/2019, UBND tỉnh họp; tháng 2/2017 lũ lớn.", {"2019", "2017"}),
        ("Doanh thu tăng 20% so với cùng kỳ năm 2017.", set()),
        ("Mục tiêu đến năm 2030 phủ sóng 5G.", set()),
        ("Nhà máy hoạt động từ năm 1993.", set()),
        ("Giai đoạn 2016-2018, tỉnh trồng 3.000 ha rừng.", {"2016", "2017", "2018"}),
        ("Bộ tiếp nhận 2.022 đơn và 1.2019 hồ sơ.", set()),
        # a model year is no date of the facts (vehicles, technology)
        ("Honda City bán song song cùng bản đời 2016, đạt 654 xe.", set()),
        ("Mẫu Civic phiên bản 2017 ra mắt năm 2016.", {"2016"}),
        # a year after a comparative is the baseline (sports, business); "trong năm" still dates
        ("Anh ghi 76 cú winner, hơn gấp đôi những gì đã làm được ở giải này năm 2016 (37 cú).", set()),
        ("Lượng khách quốc tế cao hơn năm 2015.", set()),
        ("Số vụ tai nạn giảm hơn một nửa trong năm 2016.", {"2016"}),
        ("Doanh thu đạt hơn 500 tỷ đồng năm 2016.", {"2016"}),
        ("Hơn nữa, năm 2016 công ty lãi 20 tỷ đồng.", {"2016"}),
    ],
)
def test_dating_years(text: str, years: set[str]) -> None:
    assert dating_years(text) == years


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "mấy" before people asks nothing when "vì sao", "nào"... asks in the same clause
        ("Vì sao bố mẹ mấy cháu không đưa con đi viện ngay khi các cháu mệt, nôn?", False),
        ("Chất độc nào trong loại hạt mấy đứa trẻ ăn phải?", False),
        ("Có mấy cháu bị ngộ độc?", True),
        ("Có mấy người chết, ai là tài xế?", True),
        ("Thế hệ này có mấy phiên bản, phiên bản nào rẻ nhất?", True),
    ],
)
def test_asks_figure_reads_plural_may(question: str, expected: bool) -> None:
    assert asks_figure(question) is expected


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        # a price per unit answers a question asking per that unit, or naming none (markets, fuel)
        ("Giá xăng bao nhiêu một lít?", "Giá xăng là 23.000 đồng/lít.", True),
        ("Giá vàng là bao nhiêu?", "Vàng miếng bán ra 36,38 triệu đồng/lượng.", True),
        ("Giá vàng thế giới ở mức bao nhiêu USD/ounce?", "Vàng miếng bán ra 36,38 triệu đồng/lượng.", False),
        ("Giá vàng thế giới ở mức bao nhiêu USD/ounce?", "Vàng giao ngay ở mức 1.254 USD/ounce.", True),
        # ... but no total (urban works, construction)
        ("Thành phố chi tổng cộng bao nhiêu tiền để thay cây?", "Mỗi cây tốn 14,4 triệu đồng/cây.", False),
        ("Thành phố chi tổng cộng bao nhiêu tiền để thay cây?", "Tổng kinh phí khoảng 60 tỷ đồng.", True),
        # "chiếc" counts things, never people (culture, vehicles)
        ("Có bao nhiêu họa sĩ tham gia vẽ tranh?", "111 bức tranh vẽ trên 111 chiếc thuyền thúng.", False),
        ("Hãng bán được bao nhiêu xe?", "Hãng bán được 232 chiếc trong tháng.", True),
        ("Có bao nhiêu học sinh được khen?", "Trường trao 20 chiếc cúp.", False),
        # asked a price per unit, a sum is no answer (real estate); "bảng" before a rate is the pound (sports)
        ("Căn hộ dự kiến bán với giá bao nhiêu một mét vuông?", "Dự án có tổng mức đầu tư 26.000 tỷ đồng.", False),
        ("Cầu thủ nhận mức lương bao nhiêu mỗi tuần?", "Anh nhận mức lương 160.000 bảng/tuần.", True),
        # a unit written out or abbreviated is the same unit (real estate)
        ("Căn hộ có đơn giá bao nhiêu một mét vuông?", "Đơn giá khoảng 4-5 triệu đồng/m2.", True),
        # money in pounds after a scale word (sports), not a group ("bảng B")
        ("Các đội được chia tổng cộng bao nhiêu tiền thưởng?", "32 đội đã chia sẻ 452 triệu bảng.", True),
        ("Các đội được chia bao nhiêu tiền thưởng?", "Việt Nam đứng thứ 2 bảng B.", False),
        # a sum whose currency news leaves off answers a money question, not a count of people (business)
        ("Năm 2016 công ty lãi sau thuế bao nhiêu?", "VNG lãi sau thuế 1.000 tỷ.", True),
        ("Năm 2016 công ty lãi sau thuế bao nhiêu?", "VNG có hơn 2.000 nhân viên.", False),
        ("Mỗi người được thù lao bao nhiêu?", "Mỗi người nhận thù lao 200 nghìn.", True),
        # a date's number in the question is no count it already gives (health, sports, law)
        ("Ngày 29/4, bệnh viện ghép tạng cho mấy bệnh nhân?", "Bệnh viện đã ghép tạng cho 4 bệnh nhân.", True),
        ("Tối 5/6, đội ghi được mấy bàn?", "Đội ghi được 6 bàn trong trận tối 5/6.", True),
        ("Có bao nhiêu trong số 4 bị cáo bị phạt tù?", "Tòa xử 4 bị cáo.", False),
    ],
)
def test_states_asked_figure(question: str, text: str, expected: bool) -> None:
    assert states_asked_figure(question, [text]) is expected
