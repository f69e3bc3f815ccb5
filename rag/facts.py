"""The facts layer: what a text states, typed. Used by answerability, verification and
evidence selection alike (pure; the entities it names are in rag/entities.py).

- Figures: each number with what it is (money, percent, time, quarter, ordinal, score,
  count) and the word it counts or measures, read from the words around it as Vietnamese
  and English news write them ("23.000 đồng/lít", "quý III/2024", "thắng 3-1", "hạng 2").
- What a question asks for: a figure of which kind, a date, a comparison (whether a stated figure
  answers it: rag/figure_match.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rag.text import canonical_number, fold_accents, normalise_numerals, years_in

# "measure" is only ever asked ("dài bao nhiêu"): a count in a unit of size answers it.
FigureKind = Literal["money", "percent", "time", "duration", "quarter", "ordinal", "score", "count", "measure"]


@dataclass(frozen=True)
class Figure:
    value: str  # canonical ("1.695" -> "1695"; "quý III" -> "3")
    kind: FigureKind
    unit: str  # the folded word counted or measured ("lit" in "đồng/lít", "truong" in "13 trường hợp")
    rate: bool = False  # money per unit ("23.000 đồng/lít"): a price, not a sum
    # Where the number stands in normalise_numerals(text); not part of what the figure is.
    span: tuple[int, int] = field(default=(-1, -1), compare=False)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SCORE = re.compile(r"(?<![\d/])(?<!\d[.,])(\d{1,2})\s*[-–:]\s*(\d{1,2})(?!\d|[.,/]\d)")
_PERCENT_AFTER = re.compile(r"\s*(?:%|phan tram\b|percent\b)")
_MONEY_AFTER = re.compile(
    r"\s*(?:(?:ty|ti|trieu|nghin|ngan|billion|million|thousand)\s+)?"
    r"(?:[\d.,]+\s+(?:trieu|nghin|ngan)\s+)?(?:dong|vnd|usd|euro|yen|nhan dan te|do la|dollars?|\$|bang anh"
    r"|won|baht|ringgit|rupee|ruble|rup|peso|franc|pounds?)\b"
    # "452 triệu bảng", "160.000 bảng/tuần": after a scale word or before a rate "bảng" is the pound
    # ("thứ 2 bảng B" is a group)
    r"|\s*(?:ty|ti|trieu|nghin|ngan)\s+bang\b|\s*bang\s*(?=/)"
)
# After a pair of numbers, a scale, a unit or a span: a range, not a score.
_RANGE_OF = re.compile(
    r"\s*(?:ty|ti|trieu|nghin|ngan|%|phan tram|dong|usd|nam|thang|tuan|ngay|gio|phut|tuoi|lan|nguoi"
    r"|km|m|cm|kg|tan|ha|do|diem)\b"
)
_MONEY_BEFORE = re.compile(r"(?:\$|usd|vnd)\s*$")
# A slash between two numbers ("12/8", "1/2017"); "7 vụ/42 bị can" and "3628/UBND" are no dates.
_TIME_BEFORE = re.compile(r"(?:\bnam|\bngay|\bthang|\btuan|\d\s*/)\s*$")
_TIME_AFTER = re.compile(
    r"\s*(?:/\s*\d|thang\b|nam\b|ngay\b|tuan\b|gio\b|phut\b|giay\b|months?\b|years?\b|days?\b|weeks?\b|hours?\b|minutes?\b)"
)
# Two numbers around a slash that cannot be a day/month or a month/year.
_FRACTION = re.compile(r"(?<![\d.,])(?:\d{3,}|\d{1,3}(?:[.,]\d{3})+)\s*/\s*\d|\d\s*/\s*\d{1,3}(?:[.,]\d{3})+(?![\d.,])")
_QUARTER_BEFORE = re.compile(r"\b(?:quy|quarter|q)\s*$")
# A clock time written the news way: "15h", "22h20", "7h30'" (no space before the "h").
_CLOCK_AFTER = re.compile(r"h(?:\d{2})?(?![a-z])")
# Words before a span of time written like a clock ("kéo dài 2h18", "mất 1h30"); "sau 14h" is after 2 pm.
_LASTING = re.compile(r"\b(?:keo dai|trong|mat|het|lasted)\s*$")
# "đứng ở vị trí 41" is a rank; "chuyển đổi vị trí 251 cán bộ" counts people.
# "phút 30" is a minute of play ("ghi bàn ở phút 30", "phút 90+2"); "30 phút" a span.
_ORDINAL_BEFORE = re.compile(r"\b(?:thu|hang|top|no\.?|phut|(?:o|tai|dung|xep|giu|len|xuong) vi tri)\s*$")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
# "/lít", "một lít", "mỗi kg": the unit a rate is per.
_PER_UNIT = re.compile(r"\s*(?:/\s*|\s(?:mot|moi|per|a|an)\s+)([a-z]+)")
# Two words: Vietnamese counts put a classifier or a measure before the noun ("1.800 tấn dầu",
# "3 chiếc xe"), and many nouns are two syllables ("13 du khách").
_WORD_AFTER = re.compile(r"\s*(?:(?:ty|trieu|nghin|ngan)\s+)?(?:dong\s*)?([a-z]+(?: [a-z]+)?)")
# "3.000-6.000 đồng", "từ 5 đến 7 triệu", "6.385/10.418 bài thi": the first number of a range
# (or of a share) is what the second is.
_RANGE_AFTER = re.compile(r"\s*(?:[-–]|den|toi|to)\s*\d")
# A short aside in brackets between a number and its noun ("6.385 (hơn 61%) bài thi",
# "120 (trong đó 30 nữ) công nhân") says nothing about what the number counts.
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)")


def figures(text: str) -> list[Figure]:
    """Every number of a text with its kind and unit, in order."""
    folded = normalise_numerals(text)
    # "3-1" is a score; "4-5 triệu đồng/m2", "5-7 năm", "20-30%" are ranges of what follows them.
    matches = [m for m in _SCORE.finditer(folded) if not _RANGE_OF.match(folded, m.end())]
    scores = {m.start(1) for m in matches} | {m.start(2) for m in matches}
    found: list[Figure] = []
    ranges = []
    for m in _NUMBER.finditer(folded):
        before, after = folded[max(0, m.start() - 16) : m.start()], folded[m.end() : m.end() + 80]
        raw = m.group(0)
        if before.endswith("h") and before[-2:-1].isdigit():
            continue  # the minutes of a clock time ("19h30")
        kind: FigureKind
        if m.start() in scores and not _TIME_BEFORE.search(before):
            kind = "score"
        elif _PERCENT_AFTER.match(after):
            kind = "percent"
        elif _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before):
            kind = "money"
        elif _QUARTER_BEFORE.search(before):
            kind = "quarter"
        elif _ORDINAL_BEFORE.search(before) or _ORDINAL_AFTER.match(after):
            kind = "ordinal"
        elif _FRACTION.search(folded[max(0, m.start() - 12) : m.end() + 12]):
            kind = "count"  # "6.385/10.418 bài thi": a share of a total, not a date
        elif (clock_at := _CLOCK_AFTER.match(after)) and (
            _LASTING.search(before) or after[clock_at.end() :].lstrip().startswith("phut")
        ):
            kind = "duration"  # "kéo dài 2h18", "sau 2h18 phút thi đấu": hours and minutes, not a time of day
        elif years_in(raw) == [raw] or _TIME_BEFORE.search(before) or _CLOCK_AFTER.match(after):
            kind = "time"
        elif _TIME_AFTER.match(after):
            # "30 ngày", "2 năm", "15 tháng tù": a span of time ("ngày 30", "5/6" are dates)
            kind = "time" if after.lstrip().startswith("/") else "duration"
        else:
            kind = "count"
        per = _PER_UNIT.match(after[_money_end(after) :]) if kind == "money" else None
        aside = _ASIDE.match(after)
        clock = kind == "time" and _CLOCK_AFTER.match(after)
        word = per or (None if clock else _WORD_AFTER.match(after[aside.end() :] if aside else after))
        if kind == "count" and (_RANGE_AFTER.match(after) or after.lstrip().startswith("/")):
            ranges.append(len(found))
        unit = word.group(1) if word else ""
        found.append(Figure(canonical_number(raw), kind, unit, rate=per is not None, span=m.span()))
    for i in ranges:
        if i + 1 < len(found):
            following = found[i + 1]
            found[i] = Figure(found[i].value, following.kind, following.unit, following.rate, span=found[i].span)
    return found


def restated(asked: Iterable[Figure], stated: Figure) -> bool:
    """The question already gives this figure: the same value, a date's number only as a date.
    "Ngày 29/4 ... ghép cho mấy bệnh nhân?" does not give the count in "ghép cho 4 bệnh nhân"."""
    return any(a.value == stated.value and (a.kind == "time") == (stated.kind == "time") for a in asked)


def _money_end(after: str) -> int:
    m = _MONEY_AFTER.match(after)
    return m.end() if m else 0


# What a question asks for (folded, lower case).
# An interest rate is a percentage ("lãi suất bao nhiêu", "what annual interest rate").
_ASKS_PERCENT = re.compile(
    r"phan tram|bao nhieu phan\b|\bty le\b|%|\bpercent|\bwhat share\b|\bproportion\b"
    r"|\blai suat\b(?:\s+\w+){0,3}\s+bao nhieu\b|\bwhat (?:\w+ )?interest rate\b"
)
_ASKS_MONEY = re.compile(
    # A money word after "bao nhiêu" asks money unless a number comes between: "bao nhiêu vé giá
    # 10 nghìn đồng" counts tickets and states their price; so does "vé đồng giá 10 nghìn ... bao
    # nhiêu vé" (a sum between "giá" and "bao nhiêu"; "giá xăng RON 95" names no sum).
    r"bao nhieu tien|\bso tien\b|\bgia\b(?:(?!\d[\d.,]*\s*(?:nghin|ngan|trieu|ty|dong|usd)\b).)*\bbao nhieu\b"
    r"|\bngan sach\b"
    r"|\bkinh phi\b|\bchi phi\b|\bvon dau tu\b|\btong (?:muc )?dau tu\b|\bdoanh thu\b|\bloi nhuan\b"
    # profit, trade value, pay and fees ("lãi" only in phrases: folded, it is also "lại" and "lái")
    r"|\blai (?:sau thue|truoc thue|rong|gop)\b|\bkim ngach\b|\b(?:muc|tien) luong\b|\bthu lao\b|\btien thuong\b"
    r"|\bbudget\b|\bprice\b|\bcost\b|\bworth\b|\bprofit\b|\brevenue\b|\bsalary\b|\bwages?\b|\bturnover\b"
    # "how much is/did/…" asks money; "how much power/oil" asks a quantity of that noun.
    r"|\bhow much(?= (?:money|is|was|are|were|does|did|do|will|would|has|have|had|can|could)\b|\W*$)"
    r"|\bbao nhieu\s+(?:mot|moi)\s+[a-z]+"
    # capital ("tốn bao nhiêu vốn"); price, fee, wage and fine levels are amounts of money
    r"|\bbao nhieu von\b|\bvon\b.*\bbao nhieu\b|\b(?:may|bao nhieu) muc (?:gia|phi|luong|phat|thue)\b"
)
# "bao nhiêu" then a sum ("bao nhiêu tỷ đồng", "bao nhiêu USD", "mất bao nhiêu triệu?"); "bao nhiêu
# triệu cổ phiếu" counts shares, in millions. Read with marks: folded, "đồng" is also "đóng" (to close,
# "bao nhiêu nhà máy phải đóng cửa") and "dòng" (a line, "bao nhiêu dòng xe").
_SCALE = r"(?:nghìn|ngàn|triệu|tỷ|tỉ)"
_ASKS_SUM_MARKED = re.compile(
    rf"\bbao nhiêu\s+(?:{_SCALE}\s+)*(?:đồng|vnđ|vnd|usd|euro|yên|đô la|đô)\b"
    rf"|\bbao nhiêu\s+(?:{_SCALE}\s+)*{_SCALE}(?!\s*\w)"
)
_ASKS_SUM = re.compile(
    r"\bbao nhieu\s+(?:(?:nghin|ngan|trieu|ty|ti)\s+)*(?:dong|vnd|usd|euro|yen|do la)\b"
    r"|\bbao nhieu\s+(?:(?:nghin|ngan|trieu|ty|ti)\s+)*(?:trieu|ty|ti)(?!\s*\w)"
)
_LEADING_SCALE = re.compile(r"^(?:(?:nghin|ngan|trieu|ty|ti)\s+)+")


def _marked(question: str) -> str:
    """The question in lower case with its marks, "mấy" read as "bao nhiêu": for the words that
    folding would merge with others ("đồng"/"đóng", "thứ"/"thu", "dài"/"đại")."""
    return " ".join(re.sub(r"\bmấy\b", "bao nhiêu", unicodedata.normalize("NFC", question.lower())).split())


def _asks_money(question: str, folded: str) -> bool:
    if _ASKS_MONEY.search(folded):
        return True
    if question.isascii():
        return _ASKS_SUM.search(folded) is not None
    marked = _marked(question)
    return _ASKS_SUM_MARKED.search(marked) is not None


_ASKS_SCORE = re.compile(
    r"\bty so\b|\bti so\b|\bket qua\b.*\btran\b|\b(?:thang|thawng)\b.*\bbao nhieu ban\b|\bscore\b|\bscoreline\b"
)
_ASKS_ORDINAL = re.compile(
    r"\bthu bao nhieu\b|\bhang bao nhieu\b|\bvi tri (?:thu )?bao nhieu\b|\bwhat rank|\bwhich place\b"
    r"|\bphut (?:thu )?bao nhieu\b|\bwhich minute\b"
)
# The same read with marks: folded, "thứ"/"hạng" (a rank) collide with "thu" (to collect:
# "doanh thu bao nhiêu") and "hàng" ("ngân hàng bao nhiêu tiền").
_ASKS_ORDINAL_MARKED = re.compile(
    r"\b(?:thứ|hạng) bao nhiêu\b|\bvị trí (?:thứ )?bao nhiêu\b|\bphút (?:thứ )?bao nhiêu\b"
)
_ASKS_QUARTER = re.compile(r"\bquy (?:bao nhieu|nao)\b|\bwhich quarter\b")
_COUNTED = re.compile(r"\b(?:bao nhieu|how many)\s+([a-z]+(?:,?\s+[a-z]+){0,5})")
# Words after "bao nhiêu" that are not the thing counted ("là bao nhiêu", "bao nhiêu trong số").
# Prepositions too: "trả bao nhiêu cho mỗi cổ phiếu" counts nothing, it asks an amount.
_NOT_COUNTED = frozenset(
    "la trong so duoc da va thi nua roi cho tu den voi tai o ve khi of the did do were was".split()
)
# The same read with marks: folded, "thì" is the "thí" of "thí sinh", "về" the "vé" (ticket) and
# "từ" the "tù" of "tù nhân", which are counted.
_NOT_COUNTED_MARKED = frozenset(
    "là trong số được đã và thì nữa rồi cho từ đến với tại ở về khi of the did do were was".split()
)
_MARKED_COUNTED = re.compile(r"\b(?:bao nhiêu|mấy)\s+(\w+)")
_ASKS_QUANTITY = re.compile(r"\bbao nhieu\b|\bhow (many|much)\b|\bwhat (share|percentage|proportion)\b")


# "mấy giờ" asks a time of day; "bao nhiêu giờ" and "mấy tiếng" ask a span.
_ASKS_CLOCK = re.compile(r"\bmấy giờ\b")
# "sinh năm bao nhiêu", "năm mấy" ask a year; "mỗi năm bao nhiêu" a yearly amount, "bao nhiêu năm" a span.
_ASKS_YEAR = re.compile(r"(?<!mỗi )(?<!một )(?<!hằng )(?<!hàng )(?<!trong )(?<!/)\bnăm bao nhiêu\b")
# Before a word for people, "mấy" is also a plural ("mấy cháu", "mấy đứa trẻ": those children):
# it asks nothing when another word of the same clause does the asking ("Vì sao bố mẹ mấy cháu...").
_PLURAL_MAY = re.compile(r"\bmấy(?=\s+(?:cháu|đứa|em|anh|chị|ông|bà|cô|chú|bạn|cậu|người)\b)")
_OTHER_ASK = re.compile(r"\b(?:nào|gì|vì sao|tại sao|sao|ai|đâu|thế nào|ra sao)\b")
_CLAUSE_BREAK = re.compile(r"([,;]|\bvà\b|\bcòn\b)")


def _plural_may(marked: str) -> str:
    # Clause by clause: "Có mấy người chết, ai là tài xế?" still asks a count.
    pieces = _CLAUSE_BREAK.split(marked)
    return "".join(_PLURAL_MAY.sub("các", p) if _PLURAL_MAY.search(p) and _OTHER_ASK.search(p) else p for p in pieces)


def asked_form(question: str) -> str:
    """Folded, lower-case question with "mấy" read as "bao nhiêu": folded, "mấy" would be
    "máy" (a machine, "nhà máy"), so it is told apart before the marks go. A question typed
    without marks reaches here with them restored (the answer chain restores it first)."""
    marked = _ASKS_CLOCK.sub("giờ nào", question.lower())
    marked = _ASKS_YEAR.sub("năm nào", re.sub(r"\bmấy\b", "bao nhiêu", _plural_may(marked)))
    return " ".join(normalise_numerals(marked).split())


# Questions asking when: their answer states a date, a year or a time.
# Asking for a day or a month, which a bare year does not answer (folded, lower case).
ASKS_DAY = re.compile(
    r"\b(?:ngay|hom|thang) nao\b|\bwhat (?:date|day|month)\b|\bwhich (?:date|day|month)\b|\bon what day\b"
)
# Asking for a year, which a day and month alone ("ngày 19/5") does not answer.
ASKS_YEAR = re.compile(r"\bnam nao\b|\b(?:what|which) year\b")
YEAR_VALUE = re.compile(r"^(?:19|20)\d\d$")
_ASKS_TIME = re.compile(
    r"\b(?:ngay|nam|thang|hom|luc|dip|thoi diem|thoi gian|gio) nao\b|\bkhi nao\b|\bbao gio\b|\bwhen\b"
    r"|\bwhat (?:date|year|day|time)\b|\bwhich (?:date|year|day)\b"
)


def _asks_ordinal(question: str, folded: str) -> bool:
    if question.isascii():  # no marks to read (restoring them failed): the folded form decides
        return _ASKS_ORDINAL.search(folded) is not None
    marked = _marked(question)
    return _ASKS_ORDINAL_MARKED.search(marked) is not None or _ASKS_ORDINAL.search(marked) is not None


# Questions asking how long: their answer states a span ("30 ngày"), not a date.
_ASKS_DURATION = re.compile(r"\bbao lau\b|\bhow long\b|\bhow many (?:years|months|weeks|days|hours|minutes)\b")


# Questions asking a size: a dimension word before "bao nhiêu" ("dài bao nhiêu", "nặng tới bao
# nhiêu", "diện tích khoảng bao nhiêu"). Read with marks: folded, "dài" is "đại", "cao" is
# "cáo" ("bị cáo"), "sâu" is "sau" (after).
_ASKS_MEASURE_MARKED = re.compile(
    r"\b(?:dài|nặng|cao|rộng|sâu|xa|diện tích|chiều dài|chiều cao|chiều rộng|độ sâu|trọng lượng|cân nặng"
    r"|khối lượng|trọng tải|công suất|tốc độ|vận tốc|nhiệt độ|độ cao)"
    r"(?:\s+(?:là|khoảng|tới|đến|chừng|gần|hơn|tối đa|tối thiểu))*\s+bao nhiêu\b"
    r"|\bbao xa\b"  # "bay được bao xa": how far
)
_ASKS_MEASURE = re.compile(r"\bhow (?:tall|high|heavy|far|wide|deep|big|large|fast)\b|\b(?:top|maximum) speed\b")
# What a size is stated in, by the folded first word after the number ("1,2 mét", "11 kg", "50 ha",
# "38 độ C", "250 km/h", "1m68").
MEASURE_UNITS = frozenset(
    "m met km cm mm ha hecta m2 km2 kg g gam gram tan ta lit ml do mw kw gw hai dam "
    "feet ft inch pound mile miles".split()
)


def _asks_measure(question: str, folded: str) -> bool:
    if _ASKS_MEASURE.search(folded):
        return True
    if question.isascii():  # no marks to read: the folded dimension words collide too often
        return False
    marked = _marked(question)
    return _ASKS_MEASURE_MARKED.search(marked) is not None


def _measured_noun(folded: str) -> bool:
    """The words after "bao nhiêu" name no counted noun other than a unit of size: "công suất bao
    nhiêu xe một ngày" counts cars, "dài bao nhiêu mét" asks a size."""
    m = _COUNTED.search(folded)
    noun = m.group(1).split()[0] if m and not m.group(0).startswith("how") else ""
    return not noun or noun in _NOT_COUNTED or noun in MEASURE_UNITS


def asks_when(question: str) -> bool:
    """The question asks for a date or a year ("năm nào", "khi nào", "when"), maybe among other things."""
    return _ASKS_TIME.search(asked_form(question)) is not None


def asks_figure(question: str) -> bool:
    folded = asked_form(question)
    patterns = (_ASKS_QUANTITY, _ASKS_SCORE, _ASKS_QUARTER, _ASKS_PERCENT, _ASKS_MONEY, _ASKS_TIME, _ASKS_DURATION)
    return any(p.search(folded) for p in patterns) or _asks_ordinal(question, folded) or _asks_measure(question, folded)


def asked_figure(question: str) -> tuple[FigureKind, str]:
    """The kind of figure a question asks for, and the folded word it counts ("" if none)."""
    folded = asked_form(question)
    if _ASKS_SCORE.search(folded):
        return "score", ""
    if _asks_ordinal(question, folded):
        return "ordinal", ""
    if _ASKS_QUARTER.search(folded):
        return "quarter", ""
    if _ASKS_PERCENT.search(folded):
        return "percent", ""
    if _asks_money(question, folded):
        return "money", ""
    if _asks_measure(question, folded) and _measured_noun(folded):
        return "measure", ""
    if _ASKS_DURATION.search(folded):
        return "duration", ""
    if _ASKS_TIME.search(folded) and not _ASKS_QUANTITY.search(folded):
        return "time", ""
    m = _COUNTED.search(folded)
    if m and m.group(0).startswith("how many"):
        return "count", ""  # English puts adjectives first; the noun cannot be compared word for word
    if m is None or _NOT_COUNTED_WORD.match(m.group(1)):
        subject = None if question.isascii() else _COUNT_SUBJECT.search(question.lower())
        # "Số thí sinh đăng ký là bao nhiêu?" counts the noun after "số", as "bao nhiêu thí sinh" does.
        return "count", fold_accents(subject.group(1)) if subject else ""
    marked = None if question.isascii() else _MARKED_COUNTED.search(question.lower())
    counts_nothing = marked.group(1) in _NOT_COUNTED_MARKED if marked else m.group(1).split()[0] in _NOT_COUNTED
    # "bao nhiêu triệu cổ phiếu" counts shares, as "30 triệu cổ phiếu" does (the scale is no noun).
    phrase = "" if counts_nothing else m.group(1)
    if _LEADING_SCALE.match(phrase):
        phrase = _LEADING_SCALE.sub("", phrase)
        phrase = "" if phrase.split()[:1] and phrase.split()[0] in _NOT_COUNTED else phrase
    return ("duration" if phrase and _TIME_AFTER.match(f" {phrase}") else "count"), phrase


_NOT_COUNTED_WORD = re.compile(r"(?:trong|tai|khi|nua|roi)\b")
# "(Tổng) số X ... bao nhiêu" opening a clause: a count of X (read with marks: folded, "số" is also
# "so với", "sợ", "sổ"; "điểm số", "chỉ số", "tỷ số" are words of their own).
_COUNT_SUBJECT = re.compile(r"(?:^|tổng |, )số (?:lượng )?(?!tiền\b|liệu\b)(\w+(?: \w+)?)\b.*\bbao nhiêu\b")


_COMPARISON = re.compile(
    r"\bso voi\b|\bso sanh\b|\b(?:cao|thap|nhieu|it|lon|nho|tot|manh) hon\b|\bhon hay\b|\bchenh lech\b"
    r"|\bcompar|\b(?:more|less|higher|lower|greater|fewer|larger|smaller|better|worse)(?:\s+[a-z]+){0,2}\s+than\b|\bversus\b"
    r"|\bdifference between\b|\bgiua\b.+\bva\b"
)


def is_comparison(question: str) -> bool:
    """The question weighs two things against each other: a comparison word or two years.

    Two names alone do not make one: "U15 Việt Nam thắng Campuchia tỷ số mấy?" asks one fact.
    """
    return bool(_COMPARISON.search(normalise_numerals(question))) or len(set(years_in(question))) >= 2
