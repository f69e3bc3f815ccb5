"""Answer-type and model-reply checks that decide a refusal (pure, table-driven)."""

from __future__ import annotations

import pytest

from rag.answerability import (
    adds_nothing,
    answer_type_first,
    asks_name,
    asks_person,
    asks_place,
    invented_numbers,
    model_refused,
    names_person,
    names_place,
    names_thing,
    person_names,
    refusal_probability,
    states_quantity,
    still_asks,
)
from rag.evidence import Evidence


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        ("Quảng Trị thu hồi bao nhiêu tiền?", "Quảng Trị thu hồi 1 tỷ đồng.", True),
        ("Ngân sách năm 2023 là bao nhiêu?", "Năm 2023, Bộ tăng cường kiểm tra.", False),
        ("How many cases in 2018?", "Năm 2018 có 5 vụ.", True),
        ("Ai là Trưởng ban?", "Bộ trưởng làm Trưởng ban.", True),  # not a quantity question
        ("Ai ghi bàn cho Hà Nội?", "Rafaelson ghi bàn.", True),  # nor this
        # a count needs a number of the thing counted (or a word that answers for it)
        ("Bộ xác minh bao nhiêu trường hợp?", "Bộ đã xác minh 26 trường hợp.", True),
        # "người" is the generic word for people, counted by role; other nouns must match
        ("Bộ kê khai cho bao nhiêu người?", "Bộ hoàn thành kê khai với 1.695 trường hợp.", True),
        ("Bao nhiêu người nhập viện?", "Bệnh viện tiếp nhận 30 bệnh nhân.", True),
        ("Tỉnh kê khai cho bao nhiêu trường hợp?", "Tỉnh hướng dẫn kê khai tới 13 địa phương.", False),
        ("Bo xac minh bao nhieu truong hop?", "Bộ đã xác minh 26 trường hợp.", True),  # no diacritics
        # ... or its abbreviation
        ("Có bao nhiêu thủ tục hành chính được công bố?", "Toàn tỉnh có 1.866 TTHC được công bố.", True),
        ("Chuyển đổi vị trí cho bao nhiêu cán bộ, công chức, viên chức?", "Chuyển đổi vị trí 251 CBCCVC.", True),
        # an abbreviation naming more than was asked ("cán bộ" within "CB, CC, VC"), across desks
        ("Chuyển đổi vị trí cho bao nhiêu cán bộ?", "Chuyển đổi vị trí 251 CBCCVC.", True),
        ("Có bao nhiêu học sinh đạt giải?", "Trường có 45 HSSV đạt giải.", True),
        ("Có bao nhiêu học sinh đạt giải?", "Trường có 45 GV đạt giải.", False),
        # a time span is not a count, unless the question asks for one
        ("How many inspections in 2018?", "Báo cáo 9 tháng đầu năm 2018 cho thấy.", False),
        ("Bao nhiêu cuộc thanh tra?", "Ngày 18/3, Bộ làm việc.", False),
        ("Kế hoạch kéo dài bao nhiêu tháng?", "Kế hoạch kéo dài 6 tháng.", True),
        # money and percentages
        ("Ngân sách năm 2023 là bao nhiêu?", "Thanh tra Bộ hoàn thành 75% kế hoạch năm 2023.", False),
        ("Quảng Trị thu hồi bao nhiêu tiền?", "Đã thu hồi 898,9 triệu đồng.", True),
        ("Thanh tra Bộ hoàn thành bao nhiêu phần trăm kế hoạch?", "Thanh tra Bộ hoàn thành 75% kế hoạch.", True),
        # English counted nouns, against Vietnamese passages or an English answer
        ("How many agencies and units did Quảng Trị check?", "Kiểm tra 92 cơ quan, đơn vị.", True),
        # English nouns are not compared word for word with Vietnamese ones: any count answers
        ("How many agencies and units did Quảng Trị check?", "There were 180 documents issued.", True),
        ("How many anti-corruption inspections were held?", "Báo cáo 9 tháng cho thấy 13 cuộc kiểm tra.", True),
        ("How many cases did the ministry verify?", "Đã xác minh 26 trường hợp.", True),
        # the noun after a measure or a classifier, a two-syllable noun, a noun the question lists
        ("Tàu chở bao nhiêu dầu?", "Tàu chở hơn 1.800 tấn dầu.", True),
        # a size is stated in a unit of size, from several desks
        ("Con cá dài và nặng bao nhiêu?", "Con cá dài 1,2 mét, nặng 11 kg.", True),
        ("Con cá dài và nặng bao nhiêu?", "Con cá đã sống hơn 100 tuổi.", False),
        ("Tiền đạo mới cao bao nhiêu?", "Tiền đạo sinh năm 1998, cao 1m85.", True),
        ("Khu đất dự án rộng bao nhiêu?", "Khu đất rộng 50 ha.", True),
        ("Khu đất dự án rộng bao nhiêu?", "Dự án có 3 lô đất.", False),
        ("How tall is the new tower?", "Tòa tháp cao 300 mét.", True),
        ("Có bao nhiêu khách nhập viện?", "Vụ ngộ độc khiến 13 du khách nhập viện.", True),
        ("Bao nhiêu y bác sĩ và người dân phơi nhiễm?", "Có 17 y, bác sĩ và 7 người dân phơi nhiễm.", True),
        ("Tàu chở bao nhiêu dầu?", "Tàu có 20 thuyền viên.", False),
        # "chiếc" counts things of any kind, the noun left out or a model name after it
        ("Hãng bán được bao nhiêu xe trong tháng 5?", "Tháng 5, hãng bán được 1.240 chiếc Vios.", True),
        ("Hãng hàng không nhận bao nhiêu máy bay?", "Hãng đã nhận 3 chiếc trong năm nay.", True),
        ("Hãng bán được bao nhiêu xe trong tháng 5?", "Tháng 5, hãng có 1.240 đại lý.", False),
        # ... and asked by its classifier, answered by the noun (vehicles, aviation)
        ("Mẫu xe bán được bao nhiêu chiếc?", "Mẫu xe đã tiêu thụ được 585 xe.", True),
        ("Hãng nhận bao nhiêu chiếc máy bay?", "Hãng đã nhận 3 máy bay.", True),
        ("Hãng nhận bao nhiêu chiếc máy bay?", "Hãng có 3 phi công mới.", False),
        # the counted noun before a bare number ("... là 12.000"), across desks
        ("Có bao nhiêu thí sinh đăng ký dự thi?", "Tổng số thí sinh đăng ký là 12.000.", True),
        ("Có bao nhiêu thí sinh đăng ký dự thi?", "Tổng số trường tham gia là 120.", False),
        ("Phim có bao nhiêu cái chết?", "Số cái chết trong 6 phần phim là 150.966.", True),
        # a bare amount: money answers "bị phạt bao nhiêu", a range's first number is money too
        ("Công ty bị phạt bao nhiêu?", "Công ty bị phạt 7 triệu đồng.", True),
        ("Công ty bị phạt bao nhiêu?", "Ngày 20/6, công ty bị xử phạt.", False),
        ("Dầu diesel đề xuất mức thuế bao nhiêu?", "Mức thuế dự kiến là 3.000-6.000 đồng/lít.", True),
        ("Siêu thị năm 2016 doanh thu bao nhiêu?", "Năm 2016, doanh thu đạt 5.137 tỷ đồng.", True),
        ("Siêu thị năm 2016 doanh thu bao nhiêu?", "Siêu thị khai trương năm 2008.", False),
        ("How much power does the engine produce?", "Động cơ có công suất 38 mã lực.", True),
        # "how long" asks a span of time, which a date does not give
        ("Phiên tòa kéo dài bao lâu?", "Sáng 5/6, tòa mở phiên xét xử.", False),
        ("Phiên tòa kéo dài bao lâu?", "Vụ án dự kiến xét xử trong 30 ngày.", True),
        ("Thanh tra Bộ đã làm xong bao nhiêu phần kế hoạch?", "Thanh tra Bộ hoàn thành 75% kế hoạch.", True),
        ("What share of the plan was completed?", "Đã thu hồi 898,9 triệu đồng.", False),
        # other desks: a price per unit, a score, a rank, a quarter written in Roman numerals
        ("Giá xăng RON 95 bao nhiêu một lít?", "Giá xăng RON 95 là 23.000 đồng/lít.", True),
        ("Giá xăng RON 95 bao nhiêu một lít?", "Xăng RON 95 giảm 3% so với tuần trước.", False),
        ("Tỷ số trận Hà Nội - Hải Phòng là bao nhiêu?", "Hà Nội thắng Hải Phòng 3-1.", True),
        ("Tỷ số trận Hà Nội - Hải Phòng là bao nhiêu?", "Trận đấu có 12.000 khán giả.", False),
        ("Đội tuyển xếp thứ mấy ở bảng B?", "Việt Nam đứng thứ 2 bảng B.", True),
        ("Lợi nhuận quý III/2024 tăng bao nhiêu phần trăm?", "Quý 3/2024 lợi nhuận tăng 15%.", True),
        ("Bệnh viện tiếp nhận bao nhiêu bệnh nhân?", "Bệnh viện tiếp nhận 30 bệnh nhân ngộ độc.", True),
        ("Bị cáo bị tuyên phạt bao nhiêu năm tù?", "Tòa tuyên phạt bị cáo 12 năm tù.", True),
        # a count whose noun the question prices ("vé giá 10 nghìn đồng") is still a count
        ("Đã bán được bao nhiêu vé giá 10 nghìn đồng?", "Đã có 278 vé giá 10 nghìn đồng được bán.", True),
        ("Đã bán được bao nhiêu vé giá 10 nghìn đồng?", "Vé giá 10 nghìn đồng được bán ngẫu nhiên.", False),
        # "the 33rd title" says how many times: an ordinal answers "bao nhiêu lần"
        ("Đội bóng đã vô địch bao nhiêu lần?", "Đây là chức vô địch thứ 33 trong lịch sử đội bóng.", True),
        ("Cô đã tham dự Olympic bao nhiêu lần?", "Đây là lần thứ 4 cô dự Olympic.", True),
        ("Đội bóng đã vô địch bao nhiêu lần?", "Đội bóng được thành lập năm 1902.", False),
        # "ngày nào" / "tháng nào" asks a day or a month, which a year alone does not state
        ("Nhà máy khánh thành ngày nào?", "Nhà máy được xây dựng từ năm 1998.", False),
        ("Nhà máy khánh thành ngày nào?", "Sáng 29/6, nhà máy khánh thành.", True),
        ("Bộ phim ra rạp tháng nào?", "Phim ra rạp tháng 5/2017.", True),
        ("What date did the new law take effect?", "Luật có hiệu lực từ năm 2018.", False),
        ("Ca sĩ sinh năm nào?", "Ca sĩ sinh năm 1985.", True),
        ("Khi nào cầu thông xe?", "Cầu thông xe trong năm 2018.", True),
    ],
)
def test_quantity_questions_need_a_new_number(question: str, sentence: str, ok: bool) -> None:
    assert states_quantity(question, [sentence]) is ok


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Chủ tịch UBND tỉnh Quảng Trị ký công văn tên là gì?", True),
        ("Ai là tác giả bài viết về Quảng Ninh?", True),
        ("Bài viết này do ai thực hiện?", True),
        ("Hội nghị xoay quanh cuốn sách của ai?", True),
        ("Which minister prepared the report?", True),
        ("Who wrote the article?", True),
        ("Đã có ai phản đối kết quả chưa?", False),  # yes/no
        ("Bộ lấy những ai làm trung tâm phục vụ?", False),  # groups of people
        ("Quảng Trị thu hồi bao nhiêu tiền?", False),
        ("Cầu thủ nào ghi bàn mở tỷ số?", True),
        ("Bức tranh đoạt giải của họa sĩ nào?", True),
        ("Đạo diễn nào thực hiện bộ phim?", True),
        ("Tân tổng thống sẽ chọn ai làm thủ tướng?", True),  # "ai" as a verb's object
        ("Huấn luyện viên mới thay ai?", True),
        ("Không ai bị thương trong vụ cháy?", False),  # nobody
        ("Ai cũng có thể đăng ký?", False),  # everyone
        ("Bệnh viện tặng quà cho bệnh nhân ung thư giai đoạn cuối ở khoa ái nhi?", False),  # "ái", not "ai"
        ("Ca sĩ nào hát ca khúc chủ đề?", True),
        # a noun for people before "nào" asks a person (education, politics); a team or a school does not
        ("Học sinh nào đoạt giải Ba?", True),
        ("Bộ trưởng nào ký quyết định?", True),
        ("Đội nào vô địch giải đấu?", False),
        ("Trường nào có điểm chuẩn cao nhất?", False),
        # "Ai Cập" is Egypt, not "who" (sports, world)
        ("Chung kết giữa Cameroon và Ai Cập kết thúc với tỷ số bao nhiêu?", False),
        ("Ai Cập giành bao nhiêu huy chương?", False),
        ("Thủ đô của Ai Cập có bao nhiêu dân?", False),
        # "có ... nào" asks whether any exists (law)
        ("Có cán bộ nào bị đề nghị kỷ luật không?", False),
        # an office and its agency before "nào" ask the office holder (politics, health, business)
        ("Thứ trưởng Bộ Tài chính nào cho biết thuế sẽ giảm?", True),
        ("Giám đốc Sở Y tế Hà Nội nào ký quyết định?", True),
        ("Tổng giám đốc tập đoàn Vingroup nào phát biểu?", True),
        # ... but with a place noun before "nào" they ask the place, and with no agency named the agency
        ("Chủ tịch UBND tỉnh nào bị kỷ luật?", False),
        ("Giám đốc công ty nào bị bắt?", False),
    ],
)
def test_asks_person(question: str, expected: bool) -> None:
    assert asks_person(question) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn vừa có báo cáo.", ["Bùi Thanh Sơn"]),
        ("cuốn sách của Tổng Bí thư Nguyễn Phú Trọng về phòng, chống tham nhũng", ["Nguyễn Phú Trọng"]),
        ("Phương Nghi", ["Phương Nghi"]),
        ("Thượng tướng Tô Lâm, Ủy viên Bộ Chính trị, phát biểu.", ["Tô Lâm"]),
        ("Chủ tịch UBND tỉnh Quảng Trị chỉ đạo Giám đốc các Sở, Thủ trưởng các ban.", []),  # titles and a place
        ("Bộ Ngoại giao đã ban hành quy chế.", []),
        # sports and world desks: a one-word name, and places that are not people
        ("Rafaelson ghi bàn ở phút 90.", ["Rafaelson"]),
        ("Hà Nội thắng Hải Phòng 3-1 trên sân Hàng Đẫy.", []),
        ("Tổng thống Donald Trump đến Hà Nội.", ["Donald Trump"]),
        # a titled Vietnamese name the CRF model tags a place; organisations stay out
        ("Thứ trưởng Thường trực Nguyễn Minh Vũ chủ trì hội nghị.", ["Nguyễn Minh Vũ"]),
        ("Sở Y tế Hà Nội yêu cầu các bệnh viện báo cáo.", []),
        ("Lê Văn Dũng ghi bàn; Lê lại thua.", ["Lê Văn Dũng"]),
        # a name with a digit is a team, a race or a product, never a person
        ("U15 Campuchia có bàn thắng vượt lên dẫn trước ở phút thứ 3.", []),
        ("Đội tuyển U23 Việt Nam thắng 2-0, Công Phượng ghi bàn.", ["Công Phượng"]),
        # a name after an honorific or a person noun, foreign or a lone given name (several desks)
        ("Trong mùa trước, huấn luyện viên đã đưa học trò Thụy Bình đến ngôi Á quân.", ["Thụy Bình"]),
        ("Phó Tổng thống đã bỏ phiếu chuẩn thuận bà DeVos làm bộ trưởng.", ["DeVos"]),
        ("Cơ quan điều tra khởi tố bị can đối với ông Đỗ Tuấn.", ["Đỗ Tuấn"]),
        ("Đêm nhạc có sự góp mặt của ca sĩ Thanh Lam.", ["Thanh Lam"]),
        ("Ông Tedros Adhanom được bầu làm Tổng giám đốc WHO.", ["Tedros Adhanom"]),
        # the noun with no name after it, or followed by ordinary words
        ("Bà con ở xã vùng cao đã nhận gạo cứu trợ.", []),
        ("Các bệnh nhân được chuyển lên tuyến trên.", []),
    ],
)
def test_person_names(text: str, expected: list[str]) -> None:
    assert person_names(text) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        (
            "Chủ tịch UBND tỉnh Quảng Trị ký Công văn 3628 tên là gì?",
            "Chủ tịch UBND tỉnh Quảng Trị ký Công văn 3628.",
            False,
        ),
        ("Ai là Bộ trưởng Bộ Ngoại giao?", "Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn cho biết.", True),
        (
            "Bộ trưởng Bùi Thanh Sơn tên là gì?",
            "Bộ trưởng Bùi Thanh Sơn cho biết.",
            False,
        ),  # the name is the question's own
        ("Quảng Trị thu hồi bao nhiêu tiền?", "Tỉnh thu hồi 1 tỷ đồng.", True),  # not a who-question
    ],
)
def test_who_questions_need_a_new_name(question: str, sentence: str, ok: bool) -> None:
    assert names_person(question, [sentence]) is ok


@pytest.mark.parametrize(
    ("sentence", "question", "evidence", "expected"),
    [
        # a figure the passages never state: the model made it up
        (
            "The Inspectorate carried out 15 inspections in 2018.",
            "How many inspections in 2018?",
            ["Năm 2018, Bộ họp."],
            ["15"],
        ),
        ("Quảng Ninh kê khai cho 1 trường hợp.", "Quảng Ninh kê khai bao nhiêu?", ["Quảng Ninh có 251 CBCCVC."], ["1"]),
        # the question's own year, and a number from another evidence sentence, are not inventions
        (
            "Năm 2021, Bộ kê khai 1.695 trường hợp.",
            "Năm 2021 Bộ kê khai bao nhiêu?",
            ["Bộ đã kê khai 1,695 trường hợp."],
            [],
        ),
        ("Bộ nhận 111 đơn (giảm 41%).", "Bộ nhận bao nhiêu đơn?", ["Bộ nhận 111 đơn.", "Giảm 41% so với 2017."], []),
        # names are not judged here (the model shortens and translates them)
        ("Ông Nguyễn Văn A báo cáo.", "Ai báo cáo?", ["Bộ trưởng Bùi Thanh Sơn vừa có báo cáo."], []),
        # a citation marker cut off by the token limit is not a number
        ("Bộ nhận 111 đơn [1", "Bộ nhận bao nhiêu đơn?", ["Bộ nhận 111 đơn."], []),
        # a year completing a date the story gives without one is a guess, not an answer (vehicles, sports)
        ("Honda unveils the Accord on July 14, 2020 in Detroit.", "When?", ["Ra mắt ngày 14/7 ở Detroit."], []),
        ("Trận đấu diễn ra ngày 14/7/2016.", "Trận đấu ngày nào?", ["Trận đấu diễn ra ngày 14/7."], []),
        ("Honda sold 2020 cars on July 14.", "How many cars?", ["Ngày 14/7, Honda bán 1.500 xe."], ["2020"]),
        # a stated figure with fewer decimals is the same figure (business, tourism); another whole part is not
        ("Giá vàng ở mức 1.265,5 USD/oz.", "Giá vàng bao nhiêu?", ["Giá vàng lên 1.265,55 USD/oz."], []),
        ("Séc đón hơn 9 triệu lượt khách.", "Séc đón bao nhiêu khách?", ["Séc đón 9,3 triệu lượt khách."], []),
        ("Séc đón 10 triệu lượt khách.", "Séc đón bao nhiêu khách?", ["Séc đón 9,3 triệu lượt khách."], ["10"]),
    ],
)
def test_invented_numbers(sentence: str, question: str, evidence: list[str], expected: list[str]) -> None:
    assert invented_numbers(sentence, question, evidence) == expected


@pytest.mark.parametrize(
    ("sentence", "question", "expected"),
    [
        (
            "Chủ tịch UBND tỉnh Quảng Trị tên là Chủ tịch UBND tỉnh Quảng Trị.",
            "Chủ tịch UBND tỉnh Quảng Trị tên là gì?",
            True,
        ),
        ("Bộ đã xác minh 26 trường hợp.", "Bộ đã xác minh bao nhiêu trường hợp?", False),
        ("Quy chế làm việc của Thanh tra Bộ.", "Bộ ban hành quy chế làm việc cho đơn vị nào?", False),
        # one new word that is a name answers the question (education, sports)
        ("Cô nữ sinh cuối cùng chọn học trường Auburn.", "Cô nữ sinh cuối cùng chọn học trường nào?", False),
        ("Người ghi bàn cho Juventus là Mandzukic.", "Ai là người ghi bàn cho Juventus?", False),
        ("Người ghi bàn cho Juventus là ai.", "Ai là người ghi bàn cho Juventus?", True),
        # the prompt's label echoed before the question is no answer (culture, business)
        ("Câu hỏi: Ca khúc Lam có được cấp phép mới không.", "Ca khúc Lam có được cấp phép mới không?", True),
        ("Question: how much did Vinamilk earn in 2016.", "How much did Vinamilk earn in 2016?", True),
        ("Trả lời: Vinamilk lãi 9.350 tỷ đồng.", "Vinamilk lãi bao nhiêu năm 2016?", False),
    ],
)
def test_adds_nothing(sentence: str, question: str, expected: bool) -> None:
    assert adds_nothing(sentence, question) is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vụ nổ ở cổng nhà trẻ xảy ra ở tỉnh nào?", True),
        ("Hội nghị G20 năm nay tổ chức ở đâu?", True),
        ("Sau khi bị cách chức, ông được điều chuyển về đâu?", True),
        ("Where did the tanker run aground?", True),
        ("In which city was the summit held?", True),
        ("hoi nghi to chuc o dau", True),  # no diacritics
        ("Giá dầu tăng bao nhiêu?", False),  # "dầu" (oil) is no "đâu"
        ("Ai đứng đầu đoàn?", False),  # nor "đầu" (head)
        ("Ai ghi bàn?", False),
        ("Dự án xe buýt điện chạy thử ở quận nào?", True),  # district, ward, commune
        ("Ổ dịch sốt xuất huyết xuất hiện ở phường nào?", True),
        ("Cơ quan nào cấp phép cho dự án?", False),  # "cơ quan" is an agency, not a district
    ],
)
def test_asks_place(question: str, expected: bool) -> None:
    assert asks_place(question) is expected


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        ("Vụ nổ xảy ra ở tỉnh nào?", "Vụ nổ xảy ra ở thành phố Từ Châu, tỉnh Giang Tô.", True),
        ("Vụ nổ ở Trung Quốc xảy ra ở tỉnh nào?", "Một vụ nổ đã xảy ra ở miền đông Trung Quốc.", False),
        ("Ông được điều chuyển về đâu?", "Ông được điều về Văn phòng Bộ Giao thông vận tải.", True),
        ("Hội nghị G20 tổ chức ở đâu?", "Hội nghị kéo dài hai ngày.", False),
        ("Ai ghi bàn?", "Hội nghị kéo dài hai ngày.", True),  # not a place question
    ],
)
def test_where_questions_need_a_new_place(question: str, sentence: str, ok: bool) -> None:
    assert names_place(question, [sentence]) is ok


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tính đến hết tháng 4/2017, Đức có 285 dự án còn hiệu lực, vốn bao nhiêu?", True),
        ("Giá xăng RON 95 tăng bao nhieu dong moi lit", True),
        ("How many people died in the fire", True),
        ("U23 Việt Nam thắng 2-1 nhờ bàn thắng phút 90 [1].", False),
        ("Giá vàng SJC tăng 150.000 đồng mỗi lượng [2].", False),
        ("The ministry said how the money was spent [1].", False),
        # the question word followed by its answer
        ("Năm lỗ nặng nhất là năm 2015, lỗ bao nhiêu là 507,7 tỷ đồng [2].", False),
        ("Đội bóng ghi bao nhiêu bàn thì chưa rõ, nhưng thắng [1].", True),
    ],
)
def test_still_asks(sentence: str, expected: bool) -> None:
    assert still_asks(sentence) is expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("KHÔNG TÌM THẤY", True),
        ("Không tìm thấy thông tin.", True),
        ("Not found in the excerpts.", True),
        ("Có 5 vụ [1].", False),
        # an answer that happens to hold the words, with its citation, is an answer
        ("Cảnh sát không tìm thấy dấu vết của nghi phạm [1].", False),
        ("The police found no trace; the weapon was not found [2].", False),
    ],
)
def test_model_refused(reply: str, expected: bool) -> None:
    assert model_refused(reply) is expected


def _evidence(texts_scores: list[tuple[str, float]]) -> list[Evidence]:
    """Sentences of article a.txt; a text opening with "b:" is article b.txt's."""
    out = []
    for i, (t, s) in enumerate(texts_scores, 1):
        source, text = ("b.txt", t[2:]) if t.startswith("b:") else ("a.txt", t)
        out.append(Evidence(i, source, "T", None, f"{source}#0", 0, len(text), text, s))
    return out


@pytest.mark.parametrize(
    ("question", "sentences", "bylines", "first"),
    [
        # who-question: a near-top sentence naming someone moves first
        (
            "Which minister prepared the report?",
            [("Bộ trưởng làm Trưởng ban.", 55.7), ("Bộ trưởng Bùi Thanh Sơn báo cáo.", 53.4)],
            [],
            "Bộ trưởng Bùi Thanh Sơn báo cáo.",
        ),
        # ... but not from far below the top in another article, and never a bare byline
        (
            "Chủ tịch tỉnh tên là gì?",
            [("Chủ tịch tỉnh ký công văn.", 100.0), ("b:Bùi Thanh Sơn phát biểu.", 71.2)],
            [],
            "Chủ tịch tỉnh ký công văn.",
        ),
        # ... but any sentence of the top sentence's own article does
        (
            "Chủ tịch tỉnh tên là gì?",
            [("Chủ tịch tỉnh ký công văn.", 100.0), ("Bùi Thanh Sơn phát biểu.", 71.2)],
            [],
            "Bùi Thanh Sơn phát biểu.",
        ),
        (
            "Chủ tịch tỉnh tên là gì?",
            [("Chủ tịch tỉnh ký công văn.", 100.0), ("Phương Nghi", 99.0)],
            ["Phương Nghi"],
            "Chủ tịch tỉnh ký công văn.",
        ),
        # how-many question: the near-top sentence with a number moves first
        (
            "Tỉnh thu hồi bao nhiêu tiền?",
            [("Tỉnh tăng cường thu hồi tiền.", 60.0), ("Tỉnh thu hồi 1 tỷ đồng.", 58.0)],
            [],
            "Tỉnh thu hồi 1 tỷ đồng.",
        ),
        # the top already fits, or the question asks neither: order kept
        (
            "Tỉnh thu hồi bao nhiêu tiền?",
            [("Tỉnh thu hồi 2 tỷ đồng.", 60.0), ("Tỉnh thu hồi 1 tỷ đồng.", 58.0)],
            [],
            "Tỉnh thu hồi 2 tỷ đồng.",
        ),
        (
            "Tỉnh làm gì?",
            [("Tỉnh tăng cường kiểm tra.", 60.0), ("Tỉnh thu hồi 1 tỷ đồng.", 58.0)],
            [],
            "Tỉnh tăng cường kiểm tra.",
        ),
    ],
)
def test_answer_type_first(question: str, sentences: list[tuple[str, float]], bylines: list[str], first: str) -> None:
    ordered = answer_type_first(question, _evidence(sentences), margin=5.0, bylines=bylines)
    assert ordered[0].text == first
    assert [e.n for e in ordered] == list(range(1, len(sentences) + 1))
    assert sorted(e.text for e in ordered) == sorted(t.removeprefix("b:") for t, _ in sentences)


@pytest.mark.parametrize(
    ("first_token", "p"),
    [
        # the openings of "KHÔNG TÌM THẤY" in any case, summed
        ({"Kh": 0.079, "KH": 0.01, "Google": 0.689}, 0.089),
        ({"KHÔNG": 0.7, " Không": 0.1, "Amazon": 0.2}, 0.8),
        # a name or a word that merely starts with K is not the refusal
        ({"Amazon": 0.91, "K": 0.05, "Kết": 0.04}, 0.0),
        ({}, 0.0),
    ],
)
def test_refusal_probability(first_token: dict[str, float], p: float) -> None:
    assert refusal_probability(first_token) == pytest.approx(p)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Công ty nào trúng thầu gói xây lắp số 3?", True),
        ("Bệnh viện nào tiếp nhận các nạn nhân?", True),
        ("Bộ phim nào đoạt giải Cánh diều vàng?", True),
        ("Tàu nào bị mắc cạn ở Bình Thuận?", True),
        ("Nhà thầu nào thi công gói thầu số 5?", True),  # contractors and investors are named firms
        ("Quảng Ninh tập trung vào những lĩnh vực nào?", False),  # common nouns, no names
        ("Trường hợp nào được miễn thuế?", False),
        ("Mặt hàng nào tăng giá mạnh nhất?", False),  # goods, not a firm ("hàng", folded like "hãng")
        ("Hãng hàng không nào khai thác đường bay mới?", True),
        ("Đội nào vô địch?", False),  # teams are named without the noun ("U15 Brunei")
        ("Which company won the contract?", False),  # English nouns are not in the articles
    ],
)
def test_asks_name(question: str, expected: bool) -> None:
    assert asks_name(question) is expected


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        # business: the noun and the name side by side, a few words apart
        ("Công ty nào trúng thầu gói xây lắp?", "Gói thầu được giao cho công ty cổ phần Hòa Bình.", True),
        ("Công ty nào trúng thầu gói xây lắp?", "Một công ty trong nước đã trúng thầu gói xây lắp.", False),
        # health: a name the question already gives is no answer
        ("Bệnh viện nào ở Huế tiếp nhận nạn nhân?", "Bệnh viện ở Huế đã tiếp nhận 12 nạn nhân.", False),
        ("Bệnh viện nào tiếp nhận nạn nhân?", "Các nạn nhân được đưa tới bệnh viện Chợ Rẫy cấp cứu.", True),
        # culture: a quoted title; transport: a code, the classifier left out ("đoàn tàu" -> "tàu")
        ("Ca khúc nào được chọn làm nhạc hiệu?", "Ban tổ chức chọn ca khúc “Nối vòng tay lớn” làm nhạc hiệu.", True),
        ("Đoàn tàu nào bị trật bánh?", "Tàu SE3 bị trật bánh khi vào ga.", True),
        ("Đoàn tàu nào bị trật bánh?", "Một đoàn tàu bị trật bánh khi vào ga.", False),
        ("Giá xăng tăng bao nhiêu?", "Giá xăng tăng mạnh.", True),  # not a which-name question
        # a firm is named by its legal form, whichever word the question used (business, vehicles)
        ("Doanh nghiệp nào nợ thuế nhiều nhất?", "Đứng đầu là Công ty Cổ phần Sản xuất Thanh Vân.", True),
        ("Hãng xe nào sản xuất mẫu xe điện?", "Việc sản xuất do công ty Trung Quốc Geely đảm nhiệm.", True),
        ("Doanh nghiệp nào nợ thuế nhiều nhất?", "Một công ty trong nước nợ nhiều nhất.", False),
    ],
)
def test_which_questions_need_the_thing_named(question: str, sentence: str, ok: bool) -> None:
    assert names_thing(question, [sentence]) is ok
