"""When a sentence's facts happened: the years and months it dates them to (pure).

A trap swaps the year or the month ("Tháng 6 Ford Ranger bán bao nhiêu?" against a story on
April and May): the answering sentences must be dated to the one asked, if they are dated at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import normalise_numerals

# A year after these words is a baseline or a bound, not when the sentence's facts happened:
# "tăng 20% so với cùng kỳ năm 2017", "mục tiêu đến năm 2020", "hoạt động từ năm 1993", and
# a model year ("bản đời 2016", "phiên bản 2017") (folded, lower case; up to a few words before the year).
_NOT_DATING = re.compile(
    r"(?:\bso voi|\bcung ky|\bden|\btoi|\btruoc|\bke tu|\btu|\bsince|\bby|\buntil|\bcompared (?:to|with)"
    r"|\bdoi|\bphien ban|\bmodel)"
    r"(?:\s+(?:nam|thang \d+|nam hoc|the year|[\d/]+))*\s*$"
)
# A year after a comparative in the same clause is the baseline a figure is compared with: "76 cú,
# hơn gấp đôi những gì đã làm được năm 2016", "cao hơn năm 2016" (no figure or clause break between;
# "hơn nữa" is "moreover"). A year opened by "trong"/"vào" still dates: "giảm hơn một nửa trong năm 2016".
_COMPARED = re.compile(r"\b(?:hon(?! nua)|gap)\b[^\d,;.:]{0,70}$")
_DATED_BY = re.compile(r"\b(?:trong|vao)\s*$")


def _not_dating(folded: str, start: int) -> bool:
    if _NOT_DATING.search(folded[max(0, start - 30) : start]):
        return True
    before = folded[max(0, start - 90) : start]
    opener = re.sub(r"\bnam\s*$", "", before)  # "năm" itself introduces the year, either way
    return bool(_COMPARED.search(before)) and not _DATED_BY.search(opener)


# A year as news writes it, also after a slash ("tháng 2/2017"); "1.2019" and "2.022" are no years.
_ANY_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d]|[.,]\d)")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")


def dating_years(text: str) -> set[str]:
    """The years a sentence's facts are dated to: every year it states, minus baselines and bounds
    ("so với cùng kỳ năm 2017", "đến năm 2020"); a period ("giai đoạn 2016-2020") dates every
    year inside it."""
    folded = normalise_numerals(text)
    years: set[str] = set()
    for m in _YEAR_RANGE.finditer(folded):
        first, last = int(m.group(1)), int(m.group(2))
        if 0 < last - first <= 30:
            years.update(str(y) for y in range(first, last + 1))
    # "tháng 2/2017" and "12/8/2019" date by their year too.
    for m in _ANY_YEAR.finditer(folded):
        if not _not_dating(folded, m.start()):
            years.add(m.group(0))
    return years


def undated_years(text: str) -> set[str]:
    """The years a text states only as a baseline or a bound ("đến năm 2020", "so với năm 2016")."""
    return {m.group(0) for m in _ANY_YEAR.finditer(normalise_numerals(text))} - dating_years(text)


# A month as news writes it: "tháng 6", "tháng 6/2017", "12/6", "12/6/2017" (folded, dots already slashes).
_MONTH = re.compile(
    r"\bthang\s+(\d{1,2})(?![\d,.]\d)|(?<![\d/.,])\d{1,2}\s*/\s*(\d{1,2})(?![\d]|[.,]\d|\s*/\s*\d{1,2}(?!\d))"
)


def dating_months(text: str) -> set[int]:
    """The months a sentence's facts are dated to, minus baselines and bounds ("so với tháng 5",
    "từ tháng 4", "đến tháng 12"), as for years."""
    folded = normalise_numerals(text)
    months: set[int] = set()
    for m in _MONTH.finditer(folded):
        value = int(m.group(1) or m.group(2))
        if 1 <= value <= 12 and not _NOT_DATING.search(folded[max(0, m.start() - 30) : m.start()]):
            months.add(value)
    return months


# A full date (folded, dots already slashes): "31/12/2017", "31-12-2017", "ngày 31 tháng 12 năm 2017".
_FULL_DATE = re.compile(
    r"(?<![\d/.,-])(\d{1,2})\s*([/-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d\d)(?!\d)"
    r"|\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2}),?\s+nam\s+((?:19|20)\d\d)(?!\d)"
)


def full_dates(text: str) -> set[tuple[int, int, str]]:
    """(day, month, year) of each full date a text states."""
    found = set()
    for m in _FULL_DATE.finditer(normalise_numerals(text)):
        day, month, year = (m.group(1), m.group(3), m.group(4)) if m.group(1) else m.group(5, 6, 7)
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            found.add((int(day), int(month), year))
    return found


def same_day_other_year(question: str, texts: Sequence[str], around: Sequence[str] = ()) -> list[str]:
    """The years the texts give to a day and month the question dates to another year, when neither
    they nor the sentences `around` them give the asked one: "số dư đến hết ngày 31/12/2017" against
    "đến hết ngày 31/12/2016" (year-end figures, anniversaries and yearly events recur on a day)."""
    asked = full_dates(question)
    if not asked:
        return []
    stated = {d for text in texts for d in full_dates(text)}
    if asked & (stated | {d for text in around for d in full_dates(text)}):
        return []
    days = {(day, month) for day, month, _ in asked}
    return sorted({year for day, month, year in stated if (day, month) in days})


def asked_years(question: str) -> set[str]:
    """The years a question is about: every year it states, bounds included ("từ ngày 1/7/2014
    đến 30/11/2016" asks about 2014 to 2016, and every year between)."""
    years = {int(y) for y in _ANY_YEAR.findall(normalise_numerals(question))}
    if len(years) >= 2 and max(years) - min(years) <= 30:
        years.update(range(min(years), max(years) + 1))
    return {str(y) for y in years}


def asked_months(question: str) -> set[int]:
    """The months a question is about: every month it states, bounds included; a span between two
    months fills them in ("từ tháng 4 đến tháng 6"), and one across years covers them all."""
    folded = normalise_numerals(question)
    months = {int(m.group(1) or m.group(2)) for m in _MONTH.finditer(folded)} & set(range(1, 13))
    if len(months) >= 2:
        across = len(asked_years(question)) >= 2
        months = set(range(1, 13)) if across else set(range(min(months), max(months) + 1))
    return months
