"""Signs that the answering sentences are about another case than the asked one (pure).

A trap question swaps one detail between two similar stories: the year ("Năm 2008 siêu thị lỗ
bao nhiêu?" against a story on 2007), the month, the province or country, a numbered thing (a
grade, a district, a round) or the person. The closest sentences then answer for the other case,
and the chain refuses rather than quote them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answerability import asks_person, full_names
from rag.attribution import without_attribution
from rag.countries import countries_in
from rag.dating import asked_months, asked_years, dating_months, dating_years, same_day_other_year, undated_years
from rag.facts import asks_when
from rag.provinces import provinces_in
from rag.text import CAPITALS, fold_accents


def other_years(question: str, cited: Sequence[str], around: Sequence[str] = ()) -> list[str]:
    """The years the cited passages state when the question asks about a year none of them states.

    "Năm 2022 Bộ đã làm gì?" answered from "Năm 2021, Bộ đã hoàn thành ..." answers for 2021.
    """
    if asks_when(question):
        return []  # "năm nào", "khi nào": the year is the answer, not a condition
    if swapped := same_day_other_year(question, cited, around):
        return swapped
    asked = asked_years(question)
    stated = {y for text in cited for y in dating_years(text)}
    # A question dated only by a bound ("đến năm 2020 sẽ có bao nhiêu cán bộ") is met by the same
    # bound stated, whatever else the passage dates, also in a sentence `around` the answering ones
    # ("... ông Phạm Anh Tuấn cho biết: | Dự kiến đến 2020, ...").
    bounds = {y for t in [*cited, *around] for y in undated_years(t)}
    if not dating_years(question) and undated_years(question) & bounds:
        return []
    return sorted(stated) if asked and stated and not asked & stated else []


# Things news tells apart by a number after their noun (folded): a grade ("lớp 10"), a round of a
# competition ("vòng 12", "lượt 12"), a city district ("quận 7"), a term or intake ("khóa 14").
_NUMBERED = re.compile(r"\b(lop|vong|luot|quan|khoa)\s+(\d{1,3})(?!\d|[.,/]\d)")
_NUMBERED_NOUN = {"lop": "lớp", "vong": "vòng", "luot": "lượt", "quan": "quận", "khoa": "khóa"}


def _numbered(text: str) -> set[tuple[str, str]]:
    return {(m.group(1), m.group(2)) for m in _NUMBERED.finditer(fold_accents(text).lower())}


def other_numbered(question: str, cited: Sequence[str]) -> list[str]:
    """The numbered things the cited passages name when the question names one of the same kind
    and none of them does: "bao nhiêu học sinh đăng ký vào lớp 10?" answered from "lớp 1 ... chiếm
    72%; lớp 6 ... chiếm 68%" answers for grades 1 and 6."""
    asked = _numbered(question)
    stated = {pair for text in cited for pair in _numbered(text)}
    other = {(noun, n) for noun, n in stated if any(a == noun for a, _ in asked) and (noun, n) not in asked}
    met = any(pair in stated for pair in asked)
    return [f"{_NUMBERED_NOUN[noun]} {n}" for noun, n in sorted(other)] if other and not met else []


def other_months(question: str, cited: Sequence[str]) -> list[str]:
    """The months the cited passages state when the question asks about a month none of them
    states: "Tháng 6 Ford Ranger bán bao nhiêu xe?" answered from "trong tháng 4 với 1.167 xe, ...
    tháng 5 với 1.304 xe" answers for April and May."""
    if asks_when(question):
        return []  # "tháng nào", "ngày nào": the month is the answer, not a condition
    asked = asked_months(question)
    stated = {m for text in cited for m in dating_months(text)}
    return [f"tháng {m}" for m in sorted(stated)] if asked and stated and not asked & stated else []


# A person's nationality ("Tổng giám đốc người Đài Loan", "quốc tịch Mỹ") is not where the asked fact is.
# Nor is a visitor's ("du khách Úc") or a currency's ("đô la Úc", "đô la Singapore").
# Capitals with marks too: "Úc", "Ấn Độ", "Ý".
_NATIONALITY = re.compile(
    rf"\b(?i:người|quốc tịch|gốc|kiều bào|du khách|khách|đô la|đôla)\s+[{CAPITALS}]\w*(?:\s+[{CAPITALS}]\w*)*"
)


def other_places(question: str, cited: Sequence[str]) -> list[str]:
    """The provinces (or countries) the cited passages name when the question names one and none of them does.

    "Hà Nội có bao nhiêu bài thi đạt 9,75?" answered from "Sở GD-ĐT Đà Nẵng cho biết có 2 bài
    thi đạt 9,75" answers for Đà Nẵng (a passage naming no province is not evidence of a swap).
    """
    for names_in in (provinces_in, countries_in):
        # Country against country: "Thổ Nhĩ Kỳ" for "Mỹ" swaps them as "Đà Nẵng" for "Hà Nội" does.
        # Vietnamese news leaves its own country unsaid ("đoàn thể thao có 700 thành viên"), so a
        # question naming Việt Nam alone pins no country.
        asked = names_in(_NATIONALITY.sub(" ", question))
        if asked == {"Việt Nam"}:
            continue
        # Who reports a fact is not what it is about: "Mỹ và Hàn Quốc xác nhận tên lửa đã bay 500 km".
        stated = {p for text in cited for p in names_in(without_attribution(text))}
        if asked and stated and not asked & stated:
            return sorted(stated)
    return []


_PUNCT = ".,;:!?()[]\"“”'‘’"


def other_people(question: str, cited: Sequence[str]) -> list[str]:
    """The people the cited passages name when the question names a person by full name and none of
    them mentions that person, even by given name: "Quách Thị Lan về nhất với thành tích bao nhiêu?"
    answered from "thông số 57 giây 34 của Nguyễn Thị Huyền" answers for Huyền. A question asking
    who is answered by another name, so it is never checked."""
    if asks_person(question):
        return []
    asked = full_names(question)
    stated = {name for text in cited for name in full_names(text)} - set(asked)
    given = {name.split()[-1] for name in asked}
    mentioned = any(word.strip(_PUNCT) in given for text in cited for word in text.split())
    return sorted(stated) if asked and stated and not mentioned else []
