"""Pure Vietnamese text functions: normalisation, tone placement, folding, numbers."""

from __future__ import annotations

import unicodedata

import pytest

from rag.text import (
    canonical_number,
    collapse_whitespace,
    fold_accents,
    has_diacritics,
    is_vietnamese_syllable,
    normalize,
    numbers_in,
    shortened,
    slash_dates,
    years_in,
)


@pytest.mark.parametrize(
    ("text", "slashed"),
    [
        ("Ngày 21.6, hàng trăm", "Ngày 21/6, hàng trăm"),
        ("lúc 14h30 ngày 3.7.2017", "lúc 14h30 ngày 3/7/2017"),
        ("Tối 30.4 tại TP.HCM", "Tối 30/4 tại TP.HCM"),
        ("tháng 12.2016", "tháng 12/2016"),
        ("tăng 21.6%", "tăng 21.6%"),
        ("ngày 32.6", "ngày 32.6"),  # no such day
        ("ngày 1.695 trường hợp", "ngày 1.695 trường hợp"),  # thousands
    ],
)
def test_slash_dates(text: str, slashed: str) -> None:
    assert slash_dates(text) == slashed
    assert len(slash_dates(text)) == len(text)


@pytest.mark.parametrize(
    ("number", "stated", "expected"),
    [
        ("1265.5", ["1265.55"], True),  # gold price cut to one decimal
        ("1265.6", ["1265.55"], True),  # ... or rounded
        ("1266", ["1265.55"], True),
        ("9", ["9.3"], True),  # "hơn 9 triệu lượt khách" for "9,3 triệu"
        ("1.3", ["1.25"], True),  # a rate of 1,25% rounded
        ("1264", ["1265.55"], False),  # another whole part is another figure
        ("9.4", ["9.3"], False),
        ("1265.55", ["1265.5"], False),  # more precise than the story: made up
        ("20", ["20"], False),  # equal is not shortened (the caller has it already)
        ("12", ["2.5", "3.75"], False),
    ],
)
def test_shortened(number: str, stated: list[str], expected: bool) -> None:
    assert shortened(number, stated) is expected


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# New-style tone placement (left) and old style (right) must meet.
TONE_PAIRS = [
    ("hoà", "hòa"),
    ("thuý", "thúy"),
    ("Uỷ ban", "Ủy ban"),
    ("khoẻ", "khỏe"),
    ("tuỳ", "tùy"),
    ("HOÀ", "HÒA"),
    ("Hoà bình", "Hòa bình"),
    ("thuỷ điện", "thủy điện"),
    ("hoạ sĩ", "họa sĩ"),
    ("xoè", "xòe"),
    ("đơn giản hoá", "đơn giản hóa"),
]

# Words whose tone placement is not ambiguous: normalize must leave them exactly as they are.
UNCHANGED = [
    "quý",
    "Quý",
    "QUÝ",
    "quả",
    "quỳnh",
    "hoàng",
    "thuyết",
    "người",
    "khuya",
    "hoài",
    "thuở",
    "khuỷu",
    "Nguyễn",
    "tham nhũng, tiêu cực",
    "hello world",
    "1.695 trường hợp (75%) - 3,4!?",
    "",
]


@pytest.mark.parametrize(("new", "old"), TONE_PAIRS)
def test_new_and_old_tone_placement_meet(new: str, old: str) -> None:
    assert normalize(new) == normalize(old)
    # The old convention is the canonical one.
    assert normalize(new) == nfc(old)


@pytest.mark.parametrize(("new", "old"), TONE_PAIRS)
def test_nfd_input_gives_the_nfc_result(new: str, old: str) -> None:
    for word in (new, old):
        assert nfd(word) != word or word.isascii()  # the fixture really is decomposable
        assert normalize(nfd(word)) == normalize(nfc(word)) == nfc(old)


@pytest.mark.parametrize("text", UNCHANGED)
def test_unambiguous_words_are_left_alone(text: str) -> None:
    assert normalize(text) == text
    assert normalize(nfd(text)) == text


@pytest.mark.parametrize("text", [*UNCHANGED, *(p[0] for p in TONE_PAIRS)])
def test_normalize_is_idempotent_and_nfc(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_normalize_keeps_length_of_nfc_text() -> None:
    # Offsets computed on normalised text must stay valid: moving a tone never adds characters.
    text = "Uỷ ban nhân dân tỉnh Khánh Hoà, tuỳ theo sức khoẻ."
    assert len(normalize(text)) == len(nfc(text))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("tham nhũng", "tham nhung"),
        ("Đà Nẵng", "Da Nang"),
        ("đường", "duong"),
        ("Ủy ban Thường vụ Quốc hội", "Uy ban Thuong vu Quoc hoi"),
        ("NGƯỜI ĐỨNG ĐẦU", "NGUOI DUNG DAU"),
        (nfd("tham nhũng"), "tham nhung"),
        (nfd("Đà Nẵng"), "Da Nang"),
        ("plain ascii 123", "plain ascii 123"),
    ],
)
def test_fold_accents(text: str, folded: str) -> None:
    assert fold_accents(text) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tham nhung", False),
        ("123 - abc", False),
        ("", False),
        ("tham nhũng", True),
        ("đ", True),
        ("Đ", True),
        (nfd("ă"), True),
        ("ư", True),
    ],
)
def test_has_diacritics(text: str, expected: bool) -> None:
    assert has_diacritics(text) is expected


@pytest.mark.parametrize(
    ("token", "canonical"),
    [
        ("1.695", "1695"),  # Vietnamese thousands separator
        ("1,695", "1695"),  # English thousands separator
        ("1.862", "1862"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("898,9", "898.9"),  # Vietnamese decimal comma
        ("898.9", "898.9"),
        ("3,4", "3.4"),
        ("0,5", "0.5"),
        ("1.234,5", "1234.5"),  # both separators: the last is the decimal one
        ("1,234.5", "1234.5"),
        ("3,50", "3.5"),  # trailing zeros of a fraction do not change the value
        ("2,0", "2"),
        ("75", "75"),
        ("007", "7"),
        ("0", "0"),
        ("2023", "2023"),
    ],
)
def test_canonical_number(token: str, canonical: str) -> None:
    assert canonical_number(token) == canonical


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.695", "1,695"), ("898,9", "898.9"), ("3,50", "3,5"), ("1.234,5", "1,234.5")],
)
def test_equal_numbers_meet(a: str, b: str) -> None:
    assert canonical_number(a) == canonical_number(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.695", "1.69"), ("898,9", "8989"), ("3,4", "34")],
)
def test_different_numbers_stay_apart(a: str, b: str) -> None:
    assert canonical_number(a) != canonical_number(b)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("đối với 1.695 trường hợp", ["1695"]),
        ("tăng 898,9 tỷ đồng", ["898.9"]),
        ("8 tỷ 564 triệu", ["8", "564"]),
        ("hoàn thành 75% kế hoạch", ["75"]),
        ("ngày 18/3, năm 2021.", ["18", "3", "2021"]),
        ("Năm 2021 có 1.695. Năm 2022 có 1.862.", ["2021", "1695", "2022", "1862"]),
        ("không có số nào", []),
        # dotted dates, as some papers write them: a day and a month, not a decimal
        ("Ngày 21.6, hàng trăm tay súng tấn công thị trấn", ["21", "6"]),  # world
        ("sáng 3.7.2017, tại sân Mỹ Đình", ["3", "7", "2017"]),  # sports
        ("hôm nay (12.10), giá vàng giảm", ["12", "10"]),  # business
        ("tháng 1.2017, vốn FDI vào bất động sản", ["1", "2017"]),  # real estate
        ("lãi quý 3.2016 tăng mạnh", ["3", "2016"]),  # business
        # ... but a number after no word of the day stays one
        ("tăng 21.6% so với cùng kỳ", ["21.6"]),
        ("đạt 2.5 điểm trung bình", ["2.5"]),
        ("giá 1.252,5 USD/ounce", ["1252.5"]),
    ],
)
def test_numbers_in(text: str, numbers: list[str]) -> None:
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  a \n\t b\u00a0 c  ", "a b c"), ("", ""), ("one", "one")],
)
def test_collapse_whitespace(text: str, expected: str) -> None:
    assert collapse_whitespace(text) == expected


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Năm 2021, Bộ đã hoàn thành; năm 2022 và 2023.", ["2021", "2022", "2023"]),
        ("What did the ministry do in 2022?", ["2022"]),
        ("ngày 12/2019 và 9 tháng đầu năm 2018", ["2018"]),
        ("Bộ tiếp nhận 2.022 đơn, 1.2019 và 20190 lượt", []),
        ("năm 1899 và 2100", []),
    ],
)
def test_years_in(text: str, years: list[str]) -> None:
    assert years_in(text) == years


@pytest.mark.parametrize(
    ("word", "vietnamese"),
    [
        # Vietnamese syllables, with and without marks, from several desks
        ("Năm", True),
        ("Ai", True),
        ("Giá", True),
        ("Trường", True),
        ("Quách", True),
        ("nghiêng", True),
        ("khuya", True),
        ("Đà", True),
        ("Thủ", True),
        ("Huyền", True),
        ("oai", True),
        # names and loanwords no Vietnamese syllable is spelled like
        ("Google", False),
        ("Samsung", False),
        ("Apple", False),
        ("Trump", False),
        ("Lotte", False),
        ("Putin", False),
        ("Kodu", False),
        ("Barcelona", False),
        ("Facebook", False),
    ],
)
def test_vietnamese_syllable_shape(word: str, vietnamese: bool) -> None:
    assert is_vietnamese_syllable(word) is vietnamese
