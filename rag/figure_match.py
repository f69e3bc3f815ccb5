"""Does a stated figure answer the asked one? The counted noun, the unit a price is per, the
kind of date (pure; what a text states and what a question asks are read by rag/facts.py)."""

from __future__ import annotations

import re

from rag.facts import ASKS_DAY, ASKS_YEAR, MEASURE_UNITS, YEAR_VALUE, asked_figure, asked_form, figures, restated
from rag.text import fold_accents

# The general classifiers of inanimate things (folded): news counts vehicles, devices and
# objects by them and leaves the noun out or puts a model name after ("232 chiếc Civic").
_OBJECT_CLASSIFIERS = frozenset({"chiec", "cai"})


# Nouns news counts people by (folded), the two-syllable ones whole: "chiếc" and "cái" never count them.
_PEOPLE = re.compile(
    r"(?:hoc sinh|sinh vien|thi sinh|giao vien|benh nhan|bac si|y bac si|cong nhan|lao dong|nhan vien|can bo"
    r"|cong chuc|dang vien|bi can|bi cao|doi tuong|nan nhan|du khach|hanh khach|khach|cu tri|cau thu"
    r"|van dong vien|vdv|hoa si|ca si|nghe si|dien vien|tac gia|tre em|tre|chau|chien si|binh si|linh"
    r"|pham nhan|tu nhan|ngu dan|nong dan|thanh vien|dai bieu|ung vien|tinh nguyen vien|chuyen gia"
    r"|nha khoa hoc|doanh nhan|phong vien|nha bao|hoc vien|ho dan|nguoi)\b"
)


def same_unit(asked: str, stated: str) -> bool:
    """Does a count of `stated` (folded word after the number) count the `asked` phrase?

    Same first word, or an abbreviation of the phrase: "TTHC" for "thủ tục hành chính".
    """
    words = re.findall(r"[a-z]+", asked)
    said = stated.split()
    if not words or not said:
        return False
    if words[0] == "nguoi":
        # "người" is the generic word for people; news counts them by role ("1.695 trường hợp",
        # "30 bệnh nhân", "42 bị can"), so a count of anything answers "bao nhiêu người".
        return True
    if said[0] in _OBJECT_CLASSIFIERS:
        # "chiếc" counts things of any kind: "bán được 232 chiếc" answers "bao nhiêu xe"; never people
        # ("111 chiếc thuyền" does not answer "bao nhiêu họa sĩ").
        return not _PEOPLE.match(" ".join(words))
    if words[0] in _OBJECT_CLASSIFIERS:
        # ... and the other way: "bán được bao nhiêu chiếc" is answered by "585 xe"; "bao nhiêu
        # chiếc xe máy" by a count of "xe".
        return len(words) == 1 or same_unit(" ".join(words[1:]), stated)
    initials = "".join(w[0] for w in words)
    # "TTHC" for "thủ tục hành chính"; "CBCCVC" (cán bộ, công chức, viên chức) also counts the
    # "cán bộ" asked, "HSSV" the "học sinh": the asked noun's two syllables open the abbreviation
    # (no Vietnamese word opens with two such consonants).
    head = said[0]
    abbreviates = len(head) >= 2 and (
        initials.startswith(head) or (len(initials) >= 2 and head.startswith(initials[:2]))
    )
    # Each noun the question lists ("bao nhiêu y bác sĩ và người dân"), also after a classifier
    # or a measure ("1.800 tấn dầu" counts the "dầu" asked, "13 du khách" the "khách").
    heads = [m.group(1) for m in re.finditer(r"(?:^|,|\bva\b|\band\b)\s*([a-z]+)", asked)]
    return any(noun in said for noun in heads) or abbreviates


# The unit a money question asks a price per: "bao nhiêu USD/ounce", "bao nhiêu một lít".
_ASKED_PER = re.compile(
    r"\bbao nhieu\s+(?:(?:nghin|ngan|trieu|ty|ti)\s+)*(?:(?:dong|vnd|usd|euro|yen)\s*)?"
    r"(?:/\s*|(?:mot|moi|per)\s+)([a-z]+)"
)
_ASKS_TOTAL = re.compile(r"\btong\b")


# Units written out or abbreviated: "một mét vuông" and "/m2" are the same unit (a figure's unit keeps letters only).
_UNIT_ALIASES = {"met": "m", "kilogam": "kg", "kilogram": "kg", "ki": "kg", "lit": "l", "gam": "g", "gram": "g"}


def _unit(word: str) -> str:
    return _UNIT_ALIASES.get(word, word)


def _asked_per(folded: str) -> str | None:
    m = _ASKED_PER.search(folded)
    return _unit(m.group(1)) if m else None


# A sum news leaves its currency off ("lãi sau thuế 1.000 tỷ", "thù lao 200 nghìn"): a scale word
# with no noun after it counts nothing else.
_SCALES = frozenset({"ty", "ti", "trieu", "nghin", "ngan"})


def states_asked_figure(question: str, texts: list[str]) -> bool:
    """Some text states a figure of the kind the question asks for, new to the question."""
    kind, unit = asked_figure(question)
    asked = figures(question)
    stated = [(text, f) for text in texts for f in figures(text) if not restated(asked, f) or f.kind == "score"]
    new = [f for _, f in stated]
    if kind == "count":
        if not unit:  # a bare "bao nhiêu" ("bị phạt bao nhiêu?") asks an amount of any kind
            return any(f.kind in ("count", "money", "percent") for f in new)
        if any(same_unit(unit, f.unit) for f in new if f.kind == "count"):
            return True
        if unit.split()[0] == "lan" and any(f.kind == "ordinal" for f in new):
            # "bao nhiêu lần vô địch" is answered by "chức vô địch thứ 33": the 33rd is the 33rd time.
            return True
        # "Tổng số thí sinh đăng ký là 12.000": the counted noun stands before a bare number, or
        # one followed by the generic "người" ("tổng số thành viên của đoàn là 861 người").
        head = re.compile(rf"\b{re.escape(' '.join(unit.split()[:2]))}\b")
        return any(
            head.search(fold_accents(text).lower()) is not None
            for text, f in stated
            if f.kind == "count" and f.unit.split()[:1] in ([], ["nguoi"])
        )
    if kind == "money":
        folded = asked_form(question)
        per = _asked_per(folded)
        # Asked per ounce, only a price per ounce answers (a total or a price per "lượng" does not);
        # asked a total ("tổng cộng bao nhiêu tiền"), a price per tree is none.
        total = per is None and _ASKS_TOTAL.search(folded) is not None
        return any(
            f.kind == "money" and not (total and f.rate) and (per is None or (f.rate and _unit(f.unit) == per))
            for f in new
        ) or (per is None and any(f.kind == "count" and f.unit in _SCALES for f in new))
    if kind == "measure":
        return any(f.kind == "count" and f.unit.split()[:1] and f.unit.split()[0] in MEASURE_UNITS for f in new)
    if kind == "time":  # "khi nào" may be answered by a date or by a span ("sau 3 ngày")
        form = asked_form(question)
        if ASKS_DAY.search(form):
            # "ngày nào" is not answered by a year alone ("từ năm 1933"): a day or a month must be stated.
            return any(f.kind == "time" and not YEAR_VALUE.match(f.value) for f in new)
        if ASKS_YEAR.search(form):
            # ... nor "năm nào" by a day and month alone ("Ngày 19/5, Nội các ...").
            return any(f.kind == "time" and YEAR_VALUE.match(f.value) for f in new)
        return any(f.kind in ("time", "duration") for f in new)
    return any(f.kind == kind for f in new)
