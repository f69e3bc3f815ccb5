"""Countries, as Vietnamese news and English questions name them (pure).

A trap swaps the country as it swaps the province: "Doha phải đóng cửa căn cứ quân sự của Mỹ
trong bao lâu?" answered by the sentence about Turkey's base. The names are a fact of the
world, not of any question. A text with diacritics is matched with them ("Thống Nhất bán"
is not "Nhật Bản", "Bí thư" not "Bỉ"); one typed without them, on folded words.
Countries whose Vietnamese name is also a common word or given name ("Anh", "Pháp", "Đức",
"Nga", "Ý", "Lào", "Áo", "Séc", "Bỉ") are left out altogether: a passage naming them could
not be read, and a question naming them would then seem to be answered about another country.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text import fold_accents, has_diacritics, normalize

# Each country once (its Vietnamese name), with the other names news and English questions
# use for it, adjectives included ("Chinese"; lower case, with their diacritics).
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "Việt Nam": ("vietnam", "vietnamese"),
    "Mỹ": ("hoa kỳ", "united states", "us", "u.s.", "usa", "america", "american"),
    "Trung Quốc": ("china", "chinese"),
    "Nhật Bản": ("japan", "japanese"),
    "Hàn Quốc": ("south korea", "korea", "south korean", "korean"),
    "Triều Tiên": ("north korea", "north korean", "bắc triều tiên"),
    "Tây Ban Nha": ("spain",),
    "Bồ Đào Nha": ("portugal",),
    "Hà Lan": ("netherlands", "holland"),
    "Thụy Sĩ": ("switzerland",),
    "Thụy Điển": ("sweden",),
    "Na Uy": ("norway",),
    "Đan Mạch": ("denmark",),
    "Phần Lan": ("finland",),
    "Ba Lan": ("poland",),
    "Hungary": (),
    "Hy Lạp": ("greece",),
    "Thổ Nhĩ Kỳ": ("turkey", "turkish"),
    "Ukraine": ("ukraina",),
    "Ireland": ("ai-len",),
    "Canada": ("canadian",),
    "Mexico": ("mexican",),
    "Brazil": ("braxin", "brazilian"),
    "Argentina": (),
    "Chile": (),
    "Colombia": (),
    "Venezuela": (),
    "Peru": (),
    "Cuba": (),
    "Úc": ("australia", "australian", "ôxtrâylia"),
    "New Zealand": (),
    "Ấn Độ": ("india", "indian"),
    "Pakistan": (),
    "Bangladesh": (),
    "Sri Lanka": (),
    "Nepal": (),
    "Afghanistan": (),
    "Iran": ("iranian",),
    "Iraq": ("iraqi",),
    "Syria": ("syrian",),
    "Israel": ("israeli",),
    "Palestine": (),
    "Liban": ("lebanon",),
    "Ả Rập Xê Út": ("ả-rập xê-út", "saudi arabia", "saudi"),
    "Qatar": ("qatari",),
    "UAE": ("united arab emirates",),
    "Kuwait": (),
    "Yemen": (),
    "Ai Cập": ("egypt",),
    "Libya": (),
    "Nam Phi": ("south africa",),
    "Nigeria": (),
    "Kenya": (),
    "Thái Lan": ("thailand", "thai"),
    "Campuchia": ("cambodia", "cambodian"),
    "Myanmar": (),
    "Malaysia": ("malaysian",),
    "Singapore": ("singaporean",),
    "Indonesia": ("indonesian",),
    "Philippines": ("philippin", "philippine", "filipino"),
    "Brunei": (),
    "Đông Timor": ("timor-leste", "east timor"),
    "Đài Loan": ("taiwan", "taiwanese"),
    "Mông Cổ": ("mongolia",),
    "Kazakhstan": (),
}
# Longer names holding a country's: continents and regions, not the country.
_REGIONS = ("bắc mỹ", "nam mỹ", "trung mỹ", "mỹ latinh", "châu mỹ")
# Words that make "Mỹ" opening a sentence a common noun ("Mỹ phẩm"): the capital is the sentence's.
_COMPOUND = re.compile(r"\s+(?:phẩm|thuật|nghệ|viện|nhân|mãn|học|cảm)(?!\w)")


@lru_cache(maxsize=2)
def _pattern(folded: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    """The names as one pattern, and the country each stands for ("" for a region)."""
    alias: dict[str, str] = {}
    for name, others in _COUNTRIES.items():
        alias.update({n: name for n in [normalize(name).lower(), *map(normalize, others)]})
    alias.update(dict.fromkeys(_REGIONS, ""))
    if folded:
        alias = {fold_accents(n): c for n, c in alias.items()}
    names = sorted(alias, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)"), alias


def countries_in(text: str) -> set[str]:
    """The countries a text names (by their Vietnamese names), by any of their names written with capitals."""
    text = normalize(" ".join(text.split()))
    folded = not has_diacritics(text)
    pattern, alias = _pattern(folded)
    found = set()
    for m in pattern.finditer(text.lower()):
        # A name is written with capitals, and a capitalised word after it makes a longer name
        # ("Mỹ Đình" is in Hà Nội, "Thái Lan Anh" a person).
        after = text[m.end() :]
        longer = (nxt := re.match(r"\s+(\w)", after)) is not None and nxt.group(1).isupper()
        if not text[m.start()].isupper() or longer or not alias[m.group(0)]:
            continue
        if alias[m.group(0)] == "Mỹ" and _COMPOUND.match(after.lower()):
            continue
        found.add(alias[m.group(0)])
    return found
