"""Vietnam's provinces and centrally-run cities, as news names them (pure).

A trap swaps the province: "Hà Nội có bao nhiêu bài thi đạt 9,75 điểm?" answered by the
sentence about Đà Nẵng's. The 63 names (and the common other names of a few) are a fact of
the country, not of any question; matching is on folded, lower-case words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text import fold_accents

# Vietnamese news writes Hà Nội as "Thủ đô" with a capital; "thủ đô" is any country's capital. Only
# inside a sentence does the capital tell them apart.
_CAPITAL = "thu do"

# Each province once, with the other names news uses for it (folded, lower case).
_PROVINCES: dict[str, tuple[str, ...]] = {
    "Hà Nội": ("thu do ha noi", _CAPITAL),
    "TP Hồ Chí Minh": ("tp.hcm", "tphcm", "tp hcm", "sai gon", "tp. hcm"),
    "Hải Phòng": (),
    "Đà Nẵng": (),
    "Cần Thơ": (),
    "An Giang": (),
    "Bà Rịa - Vũng Tàu": ("ba ria vung tau", "ba ria-vung tau", "vung tau"),
    "Bắc Giang": (),
    "Bắc Kạn": ("bac can",),
    "Bạc Liêu": (),
    "Bắc Ninh": (),
    "Bến Tre": (),
    "Bình Định": (),
    "Bình Dương": (),
    "Bình Phước": (),
    "Bình Thuận": (),
    "Cà Mau": (),
    "Cao Bằng": (),
    "Đắk Lắk": ("daklak", "dac lac"),
    "Đắk Nông": ("daknong",),
    "Điện Biên": (),
    "Đồng Nai": (),
    "Đồng Tháp": (),
    "Gia Lai": (),
    "Hà Giang": (),
    "Hà Nam": (),
    "Hà Tĩnh": (),
    "Hải Dương": (),
    "Hậu Giang": (),
    "Hòa Bình": (),
    "Hưng Yên": (),
    "Khánh Hòa": ("nha trang",),
    "Kiên Giang": ("phu quoc",),
    "Kon Tum": (),
    "Lai Châu": (),
    "Lâm Đồng": ("da lat",),
    "Lạng Sơn": (),
    "Lào Cai": ("sa pa", "sapa"),
    "Long An": (),
    "Nam Định": (),
    "Nghệ An": (),
    "Ninh Bình": (),
    "Ninh Thuận": (),
    "Phú Thọ": (),
    "Phú Yên": (),
    "Quảng Bình": (),
    "Quảng Nam": (),
    "Quảng Ngãi": (),
    "Quảng Ninh": ("ha long",),
    "Quảng Trị": (),
    "Sóc Trăng": (),
    "Sơn La": (),
    "Tây Ninh": (),
    "Thái Bình": (),
    "Thái Nguyên": (),
    "Thanh Hóa": (),
    "Thừa Thiên - Huế": ("thua thien hue", "thua thien-hue"),
    "Tiền Giang": (),
    "Trà Vinh": (),
    "Tuyên Quang": (),
    "Vĩnh Long": (),
    "Vĩnh Phúc": (),
    "Yên Bái": (),
}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    alias = {fold_accents(name).lower(): name for name in _PROVINCES}
    alias.update({other: name for name, others in _PROVINCES.items() for other in others})
    names = sorted(alias, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)"), alias


def provinces_in(text: str) -> set[str]:
    """The provinces a text names (their official names), by any of their names written with capitals."""
    pattern, alias = _pattern()
    folded = fold_accents(" ".join(text.split()))
    found = set()
    for m in pattern.finditer(folded.lower()):
        # A name is written with capitals ("Long An"; "long an" is other words), and a capitalised
        # word after it makes a longer name ("Thái Bình Dương" is the Pacific).
        if folded[m.start()].isupper() and not re.match(r"\s+[A-Z]", folded[m.end() :]):
            if m.group(0) == _CAPITAL and not re.search(r"[\w,]\s+$", folded[: m.start()]):
                continue  # "Thủ đô của Pháp ..." opening a sentence
            found.add(alias[m.group(0)])
    return found
