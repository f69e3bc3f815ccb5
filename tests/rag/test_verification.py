"""Numbers and names in an answer must appear in what it cites; questions must pin facts the articles hold."""

from __future__ import annotations

import pytest

from rag.verification import (
    check_support,
    facts_in,
    lists_entities,
    named_entities,
    supporting_sources,
    verify_sentence,
)


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("Quảng Ninh đã triển khai 84 cuộc thanh tra.", ["Quảng Ninh"]),
        ("Năm 2021, Bộ Ngoại giao đã kê khai.", ["Bộ Ngoại"]),
        ("Theo Bộ trưởng Bùi Thanh Sơn, tỉnh Quảng Trị làm tốt.", ["Bộ", "Bùi Thanh Sơn", "Quảng Trị"]),
        ("Trong 6 tháng, tỉnh thu hồi tiền.", []),
        ("Ông Tô Lâm đề nghị thực hiện UNCAC.", ["Tô Lâm", "UNCAC"]),
        ("The Foreign Ministry verified 26 cases in Quảng Trị.", ["Quảng Trị"]),
        ("Bo Ngoai giao da xac minh.", ["Bo Ngoai"]),
        # a brand whose capital comes second, also opening the sentence (technology desk)
        ("Theo SquareTrade, iPhone 7 bị vỡ khi thả rơi.", ["SquareTrade", "iPhone"]),
        ("iPhone 7 giá bao nhiêu ở Việt Nam?", ["iPhone", "Việt Nam"]),
        # a lone first word no Vietnamese syllable is spelled like is a name (business, sports desks)
        ("Google phát hành trái phiếu trị giá bao nhiêu?", ["Google"]),
        ("Barcelona thắng mấy trận liền?", ["Barcelona"]),
        ("Ai ghi bàn cho Hà Nội?", ["Hà Nội"]),
        ("Giá xăng tăng bao nhiêu?", []),
        ("CPI tháng 1 tăng bao nhiêu?", []),
        ("Kodu ở TP.HCM nhận bao nhiêu bài?", ["Kodu", "TP"]),
    ],
)
def test_named_entities(text: str, entities: list[str]) -> None:
    assert named_entities(text) == entities


PASSAGE = "Năm 2021, Bộ Ngoại giao đã hoàn thành kê khai lần đầu đối với 1.695 trường hợp, đạt 98,5%."


@pytest.mark.parametrize(
    ("sentence", "ok", "missing"),
    [
        ("Bộ Ngoại giao kê khai cho 1.695 trường hợp.", True, ""),
        ("Bộ Ngoại giao kê khai cho 1,695 trường hợp.", True, ""),  # English thousands separator
        ("Có 1695 trường hợp.", True, ""),
        ("Tỷ lệ đạt 98.5%.", True, ""),
        ("Có 1.696 trường hợp.", False, "số 1696"),  # invented number
        ("Năm 2019 có 1.695 trường hợp.", False, "số 2019"),  # wrong year
        ("Quảng Ninh kê khai 1.695 trường hợp.", False, "Quảng Ninh"),  # another entity's figure
        ("Bộ trưởng Bùi Thanh Sơn cho biết.", False, "Bùi Thanh Sơn"),
    ],
)
def test_verify_sentence(sentence: str, ok: bool, missing: str) -> None:
    support = verify_sentence(sentence, [PASSAGE])
    assert support.ok is ok
    assert support.describe() == missing


ARTICLES = {
    "qt.txt": "Quảng Trị: 6 tháng đầu năm 2019 thu hồi 1 tỷ 266 triệu đồng.",
    "qn.txt": "Quảng Ninh: 6 tháng đầu năm 2021 triển khai 84 cuộc thanh tra.",
    "bng.txt": "Bộ Ngoại giao năm 2018 nhận 111 đơn. Năm 2024 xác minh 13 trường hợp.",
}


@pytest.mark.parametrize(
    ("question", "sources"),
    [
        ("6 tháng đầu năm 2019, Quảng Trị thu hồi bao nhiêu tiền?", ["qt.txt"]),
        # The trap: Quảng Ninh's figure for 2019 exists only as Quảng Trị's.
        ("Trong 6 tháng đầu năm 2019, tỉnh Quảng Ninh đã thu hồi được bao nhiêu tiền?", []),
        ("How much did Quảng Trị recover in 2018?", []),
        ("Quảng Trị (2019) và Quảng Ninh (2021) tỉnh nào thanh tra nhiều hơn?", ["qt.txt", "qn.txt"]),
        ("Thời tiết Hà Nội thế nào?", []),
        ("Năm 2025 có bao nhiêu trường hợp?", []),
        ("Có bao nhiêu đơn năm 2018?", ["bng.txt"]),
    ],
)
def test_supporting_sources(question: str, sources: list[str]) -> None:
    assert supporting_sources(facts_in(question), ARTICLES) == sources


STORIES = {
    "deal.txt": "Amazon thâu tóm chuỗi Whole Foods với giá 13,7 tỷ USD.",
    "search.txt": "Google ra mắt loa thông minh cạnh tranh với Amazon.",
    "league.txt": "Real vô địch La Liga với 93 điểm, Ronaldo ghi 25 bàn.",
    "club.txt": "Chủ tịch Real Madrid Florentino Perez chúc mừng đội bóng.",
    "derby.txt": "Sevilla thắng Real Betis 2-1 ở vòng 30 La Liga.",
    "women.txt": "Ngày 22/7, đội tuyển nữ Việt Nam tập huấn tại Nhật Bản, đá 3 trận giao hữu ở miền Nam nước này.",
    "phone.txt": "Samsung bán Galaxy S7 với giá 15 triệu đồng từ ngày 8/3.",
    "bridge.txt": "Cầu mới rút ngắn đường từ Sóc Trăng đi thành phố Hồ Chí Minh 80 km.",
    "land.txt": "Giám đốc Sở Tài nguyên và Môi trường bị phê bình vì khu đất số 47.",
    "heart.txt": "Các bác sĩ sốc điện 200 J để cứu bệnh nhân.",
}


@pytest.mark.parametrize(
    ("question", "together", "sources"),
    [
        # a trap pairs one story's entity with another story's deal: no single story names both
        ("Tập đoàn Google đã mua Whole Foods với giá bao nhiêu?", False, []),
        ("Tập đoàn Google đã mua Whole Foods với giá bao nhiêu?", True, ["deal.txt", "search.txt"]),
        ("Amazon mua Whole Foods với giá bao nhiêu?", False, ["deal.txt"]),
        # a word of the name stands for it in a story that shortens it ("Real" for "Real Madrid")
        ("Real Madrid vô địch La Liga với bao nhiêu điểm?", False, ["league.txt"]),
        # ... but only when the story names every entity
        ("Đội Sevilla vô địch La Liga với bao nhiêu điểm?", False, ["derby.txt"]),
        ("Đội Sevilla thắng Real Madrid mấy bàn ở La Liga?", False, []),
        # a word with a digit tells a name apart: the story must hold it, not only "Nam" or "Galaxy"
        ("U22 Việt Nam đá mấy trận giao hữu ở Nhật Bản?", False, []),
        ("Đội tuyển nữ Việt Nam đá mấy trận giao hữu ở Nhật Bản?", False, ["women.txt"]),
        ("Galaxy S8 được bán với giá bao nhiêu?", False, []),
        ("Galaxy S7 được bán với giá bao nhiêu?", False, ["phone.txt"]),
        # a capital or two alone is a unit or a piece of a joined acronym, which stories spell out
        ("Cầu rút ngắn đường từ Sóc Trăng đi TP.HCM bao nhiêu km?", False, ["bridge.txt"]),
        ("Giám đốc Sở TN-MT bị phê bình vì khu đất số 47 ở đâu?", False, ["land.txt"]),
        ("Bac si soc dien 200 J de cuu benh nhan nao?", False, ["heart.txt"]),
        ("Cầu rút ngắn đường từ Bạc Liêu đi TP.HCM bao nhiêu km?", False, []),
        # ... and the name beside it still pins
        ("Cầu rút ngắn đường từ TP Vinh đi Hà Nội bao nhiêu km?", False, []),
    ],
)
def test_one_story_names_every_pinned_entity(question: str, together: bool, sources: list[str]) -> None:
    assert supporting_sources(facts_in(question), STORIES, together=together) == sources


@pytest.mark.parametrize(
    ("question", "passage", "ok"),
    [
        # a keyword question runs two names together; each is in the passage on its own
        ("chung ket Rome Masters Svitolina thang Halep", "Svitolina đánh bại Halep ở chung kết Rome Masters.", True),
        ("Doanh thu Vinamilk Hà Nội năm 2016", "Vinamilk đạt doanh thu lớn tại thị trường Hà Nội năm 2016.", True),
        # a two-word name is never split: "U15 Lào" is not "U15" plus any "Lào"
        (
            "Trong trận ra quân, U15 Lào thắng Campuchia mấy bàn?",
            "U15 Việt Nam thắng Campuchia 2-1, còn Lào nghỉ.",
            False,
        ),
        # a name the passage lacks, whatever the split
        ("Rome Masters Ostapenko", "Svitolina đánh bại Halep ở chung kết Rome Masters.", False),
    ],
)
def test_names_run_together_are_found_apart(question: str, passage: str, ok: bool) -> None:
    assert check_support(facts_in(question), [passage]).ok is ok


@pytest.mark.parametrize(
    ("question", "passage", "ok"),
    [
        # an acronym in the question, the words it stands for in the story (education, health, politics)
        ("Năm nay ĐHQG Hà Nội tuyển thẳng những ai?", "Đại học Quốc gia Hà Nội tuyển thẳng học sinh giỏi.", True),
        ("Năm 2017 BHXH Việt Nam chi trả bao nhiêu?", "Bảo hiểm xã hội Việt Nam đã chi trả lương hưu.", True),
        ("Hôm qua UBND tỉnh Quảng Nam quyết định gì?", "Ủy ban nhân dân tỉnh Quảng Nam vừa ra quyết định.", True),
        ("Năm nay ĐHQG Hà Nội tuyển thẳng những ai?", "ĐHQG Hà Nội tuyển thẳng học sinh giỏi.", True),
        ("Năm nay Bộ VHTTDL xếp hạng mấy di tích?", "Bộ Văn hóa, Thể thao và Du lịch xếp hạng 5 di tích.", True),
        ("Năm nay Bộ VHTTDL xếp hạng mấy di tích?", "Bộ Văn hóa - Thể thao và Du lịch xếp hạng 5 di tích.", True),
        # the words in the question, the agency's initials in the story (health, transport, education)
        ("Cục trưởng Cục An toàn thực phẩm nói gì?", "Cục trưởng Cục ATTP Nguyễn Thanh Phong giải thích.", True),
        ("Tháng 6, Sở Giao thông vận tải thu hồi bao nhiêu phù hiệu?", "Sở GTVT Hà Nội thu hồi phù hiệu.", True),
        ("Năm nay Sở Giáo dục công bố gì?", "Sở GD-ĐT vừa công bố đề thi.", True),
        ("Năm nay Sở Giáo dục công bố gì?", "Sở GD&ĐT vừa công bố đề thi.", True),
        # initials opening with another letter, or a word rather than initials
        ("Tháng 6, Sở Giao thông vận tải thu hồi bao nhiêu phù hiệu?", "Sở TN-MT Hà Nội thu hồi đất.", False),
        ("Cục trưởng Cục An toàn thực phẩm nói gì?", "Cục trưởng Cục Quản lý dược nói.", False),
        ("Cục trưởng Cục An toàn thực phẩm nói gì?", "Cục trưởng cục anh ấy nói.", False),
        # other words with other initials, or another institution of the same city
        ("Năm nay ĐHQG Hà Nội tuyển thẳng những ai?", "Đại học Bách khoa Hà Nội tuyển thẳng học sinh giỏi.", False),
        ("Năm 2017 BHXH Việt Nam chi trả bao nhiêu?", "Bảo hiểm y tế Việt Nam đã chi trả.", False),
    ],
)
def test_an_acronym_matches_the_words_it_stands_for(question: str, passage: str, ok: bool) -> None:
    assert (not check_support(facts_in(question), [passage]).missing_entities) is ok


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("Quảng Trị và Quảng Ninh mỗi tỉnh thanh tra bao nhiêu cuộc?", True),
        ("Doanh thu của Apple, Samsung và Xiaomi quý này ra sao?", True),
        ("Did Đà Nẵng or Khánh Hòa welcome more visitors?", True),
        ("Tập đoàn Google đã mua Whole Foods với giá bao nhiêu?", False),
        # "X với Y" relates the two in one event (a cable, a match): one story must name both
        ("Tuyến cáp nối Cameroon với Brazil dài bao nhiêu?", False),
        ("Việt Nam hòa với Thái Lan tỷ số mấy?", False),
        ("Ông Nguyễn Văn An làm việc tại Bộ Y tế từ năm nào?", False),
    ],
)
def test_lists_entities(question: str, listed: bool) -> None:
    assert lists_entities(question, facts_in(question)) is listed


@pytest.mark.parametrize(
    ("question", "numbers"),
    [
        # one of a unit is the basis of a rate (energy, gold, currency), not a fact to find
        ("gia xang ron 92 con bao nhieu 1 lit", {"92"}),
        ("Giá vàng 1 lượng hôm nay bao nhiêu?", set()),
        ("1 USD đổi được bao nhiêu đồng?", set()),
        # one of anything else is a fact; a label's number too
        ("Vụ tai nạn làm 1 người chết ở đâu?", {"1"}),
        ("Quý 1 công ty lãi bao nhiêu?", {"1"}),
        ("Cửa hàng bán 11 lít mỗi ngày?", {"11"}),
    ],
)
def test_pinned_numbers_leave_out_a_rates_basis(question: str, numbers: set[str]) -> None:
    assert set(facts_in(question).numbers) == numbers
