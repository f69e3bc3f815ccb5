"""Does the evidence (or the model's reply) actually answer the question? Pure checks.

Retrieval always returns the closest passages, even when none holds the answer, so
the chain refuses on signs that the answer is missing:
- the question asks "how many" and the best sentences state no new number;
- the question asks for a person's name and the best sentences name nobody new;
- the question asks which named thing ("nhà máy nào") and no best sentence names one beside
  that noun;
- every sentence the model wrote failed verification and one states a number found in no
  evidence sentence and not in the question (it made the figure up, so the passages lack it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from rag.citations import parse_markers, strip_markers
from rag.entities import entities
from rag.evidence import Evidence, coverage, terms
from rag.facts import asked_figure, asks_figure, figures, restated
from rag.figure_match import states_asked_figure
from rag.question_parts import question_parts
from rag.text import CAPITALS, fold_accents, numbers_in, shortened
from rag.verification import facts_in

# Questions asking for one person's name (folded, lower case). "những ai" asks for groups
# of people ("cán bộ, đảng viên"), and "có ai" asks yes or no, so neither is here.
_ASKS_PERSON = re.compile(
    # "Ai Cập" (Egypt) is no "ai" (who).
    r"\bten (la )?gi\b|\bho ten\b|\b(?<!nhung )ai la\b|^ai\b(?! cung\b)(?! cap\b)|\b(la|do|cua|boi) ai\b(?! cap\b)"
    r"|\bwho\b|\bwhose\b|\bname of\b|\bwhich (minister|official|person|leader|author)\b"
    r"|\b(?<!co )(?:cau thu|tien dao|thu mon|ca si|dien vien|nghe si|tay vot|vo si|hoc tro|huan luyen vien|hlv|hoa si"
    r"|nhac si|nha van|nha tho|tac gia|dao dien|nguoi mau|hoa hau|thi sinh|van dong vien|vdv|nguoi"
    r"|hoc sinh|sinh vien|giao vien|benh nhan|bac si|bi cao|bi can|nan nhan|ung vien|can bo|quan chuc|lanh dao"
    r"|bo truong|thu tuong|tong thong|chu tich|giam doc|doanh nhan|ty phu|nha khoa hoc|chinh tri gia|dai bieu"
    r"|nha bao|phong vien) nao\b"
    # An office holder asked by office and agency: "Thứ trưởng Bộ Tài chính nào", "Giám đốc Sở Y tế
    # nào" (not "Chủ tịch UBND tỉnh nào", which asks the province).
    r"|\b(?:thu truong|bo truong|chu tich|giam doc|bi thu|chanh an|vien truong|hieu truong|truong phong)"
    r"\s+(?:bo|so|ban|cuc|tong cuc|vien|ubnd|uy ban|toa an|truong|cong ty|tap doan|ngan hang|dai hoc)\b"
    r"(?:\s+\w+){1,5}?(?<!\btinh)(?<!\bthanh pho)(?<!\bhuyen)(?<!\bquan)(?<!\bxa)(?<!\bnuoc) nao\b"
)
# The Vietnamese surnames almost every Vietnamese person carries (together over 90% of the
# population): a capitalised run of two to four syllables opening with one is a person's name,
# titled or not ("Tổng Bí thư Nguyễn Phú Trọng", which the CRF model tags a place).
# A name's syllables are capitalised, so a run ends at the first one that is not ("Công ty Hoàng
# Lan của Nguyễn Khương Duy" holds two names).
_SURNAME_RUN = re.compile(
    r"(?<!\w)(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trương|Lương"
    r"|Đào|Trịnh|Tô|Tạ|Chu|Thái|Lưu|Kiều|Tăng|Quách|Triệu|Phùng|Hứa|Mạc|Tôn|Doãn|Khổng|Vương)"
    rf"(?:\s+[{CAPITALS}][^\W\d_]*){{1,3}}(?!\w)"
)
# Vietnamese news puts a kinship honorific or a person noun right before a name ("ông Đỗ Tuấn",
# "bà DeVos", "học trò Thụy Bình", "tiền đạo Rafaelson"), foreign names included, which the CRF
# model and the surname list miss. Not office titles: "Bộ trưởng" and "Chủ tịch" are as often
# followed by an agency ("Bộ trưởng Bộ Ngoại giao") as by a name.
_PERSON_NOUN = (
    r"(?:cô giáo|thầy giáo|ông|bà|anh|chị|em|cô|chú|bác|cụ|cháu|bé|thầy|vợ|chồng|con trai|con gái"
    r"|ca sĩ|nhạc sĩ|nghệ sĩ|diễn viên|danh hài|người mẫu|hoa hậu|á hậu|thí sinh|đạo diễn|nhà văn|nhà thơ"
    r"|nhà báo|phóng viên|họa sĩ|hoạ sĩ|tác giả|học trò|học sinh|sinh viên|cầu thủ|tiền đạo|tiền vệ|hậu vệ"
    r"|thủ môn|tay vợt|võ sĩ|kỳ thủ|vận động viên|VĐV|huấn luyện viên|HLV|bị cáo|bị can|nghi phạm|nạn nhân"
    r"|bệnh nhân|bác sĩ|luật sư|giáo sư|tỷ phú|doanh nhân|diva)"
)
# The noun, then up to four words (the capitalised ones among them make the name); sentence-initial
# "Ông"/"Bà" too. The noun outweighs the CRF model's tag ("ca sĩ Thanh Lam" comes out a place).
_TITLED = re.compile(rf"(?:(?<!\w){_PERSON_NOUN}|^(?:Ông|Bà))(?=((?:\s+[^\W\d_][\w'’-]*){{1,4}}))")
_DANGLING_MARKER = re.compile(r"\[\d*\s*$")
# The model's own "not in the excerpts" reply (folded, lower case).
_MODEL_REFUSALS = ("khong tim thay", "not found", "khong co thong tin", "no information")


# "ai" (who) as the object of a verb: "chọn ai làm thủ tướng", "thay ai", "gặp ai". Not "những
# ai" (groups), "có ai" / "không ai" (yes or no, nobody), "ai cũng" (everyone), "ai đó" (someone).
_WHO_OBJECT = re.compile(r"(?<!những )(?<!có )(?<!không )(?<!\w)ai(?!\w)(?! cũng)(?! đó)(?! cập)")


def asks_person(question: str) -> bool:
    text = " ".join(question.split()).lower()
    if _ASKS_PERSON.search(fold_accents(text)) is not None:
        return True
    # With marks only: folded, "ai" is also "ái" and "ải".
    return not text.isascii() and _WHO_OBJECT.search(text) is not None


def full_names(text: str) -> list[str]:
    """Vietnamese full names a text states: capitalised runs of two to four syllables opening with a
    common surname ("Quách Thị Lan", "Tổng Bí thư Nguyễn Phú Trọng" -> "Nguyễn Phú Trọng")."""
    return list(dict.fromkeys(" ".join(m.group(0).split()) for m in _SURNAME_RUN.finditer(text)))


def person_names(text: str) -> list[str]:
    """People a text names: the NER model's people ("Rafaelson"), capitalised runs opening with
    a Vietnamese surname ("Bùi Thanh Sơn") and capitalised runs after a person noun ("bà DeVos"),
    which the CRF model, measured on hand-checked news sentences (python -m eval.bench_ner),
    misses or mislabels when a title precedes them."""
    tagged = entities(text)
    names = [e.text for e in tagged if e.kind == "PER"]
    # A run the model tags a place or an organisation as a whole is one ("Trần Hưng Đạo" street, "Đoàn Thanh niên").
    places = {_without_common_nouns(e.text) for e in tagged if e.kind in ("LOC", "ORG")}
    names += [run for run in full_names(text) if run not in places]
    for m in _TITLED.finditer(text):
        words = m.group(1).split()
        run = " ".join(words[: next((i for i, w in enumerate(words) if not w[0].isupper()), len(words))])
        if run:
            names.append(run)
    # No one's name holds a digit: "U15 Campuchia" is a team, "F1" a race, "Galaxy S8" a phone.
    return list(dict.fromkeys(n for n in names if not any(c.isdigit() for c in n)))


# Questions asking where (folded, lower case): "tỉnh nào", "nước nào", "where", "which city".
_ASKS_PLACE = re.compile(
    r"\b(?:tinh|thanh pho|huyen|thi xa|(?<!co )quan|phuong|xa|nuoc|quoc gia|dia phuong|dia diem|bang|khu vuc"
    r"|san van dong) nao\b"
    r"|\bwhere\b|\b(?:in |at )?which (?:city|province|country|state|district|venue|stadium|prison|island)\b"
)
# The same with marks: folded, "đâu" is "đầu" (first, head) and "dầu" (oil).
_ASKS_PLACE_MARKED = re.compile(r"\b(?:ở|tại|về|đi|đến|từ) đâu\b|\bnơi nào\b|\bchỗ nào\b")
_ASKS_PLACE_FOLDED = re.compile(r"\b(?:o|tai|ve|di|den) dau\b|\bnoi nao\b")


def asks_place(question: str) -> bool:
    folded = fold_accents(" ".join(question.split())).lower()
    if _ASKS_PLACE.search(folded):
        return True
    if question.isascii():
        return _ASKS_PLACE_FOLDED.search(folded) is not None
    return _ASKS_PLACE_MARKED.search(" ".join(question.lower().split())) is not None


def names_place(question: str, best: Iterable[str]) -> bool:
    """False when the question asks where and no best sentence names a place or an organisation
    (the NER model's) that the question does not."""
    if not asks_place(question):
        return True
    asked = fold_accents(question).lower()
    return any(
        fold_accents(_without_common_nouns(e.text) or e.text).lower() not in asked
        for text in best
        for e in entities(text)
        if e.kind in ("LOC", "ORG")
    )


# Questions asking which named thing (folded, lower case): "nhà máy nào", "ca khúc nào". News
# answers them with the noun and the name side by side ("nhà máy tại thành phố Sayama", "tàu
# SE6", "ca khúc “Lam”"). Only nouns whose instances carry names: "lĩnh vực nào" or "biện pháp
# nào" ask for common nouns, and a team or an agency is named without its noun ("gặp U15 Brunei",
# "Bộ Y tế"). English nouns cannot be found in Vietnamese sentences. Folding merges "hãng" with
# "hàng" and "hạng" (goods, rank) and "đảng" with "dạng" (form), so those stand only in phrases.
_ASKS_NAME = re.compile(
    r"\b(nha may|cong ty|tap doan|hang xe|hang hang khong|hang bay|doanh nghiep|ngan hang|truong|dai hoc|benh vien"
    r"|to bao|bao|kenh"
    r"|ca khuc|bai hat|album|bo phim|phim|buc tranh|buc anh|tac pham|cuon sach|tieu thuyet|chuong trinh"
    r"|giai thuong|cuoc thi|doan tau|tau|chuyen bay|nha tu|san bay|ung dung|mau xe|dong xe|video|thuong hieu"
    r"|hang tin|du an|cong trinh|nha thau|chu dau tu) nao\b"
)
# A classifier before the noun is often left out in the answer ("đoàn tàu nào" -> "tàu SE6").
_CLASSIFIERS = frozenset({"doan", "bo", "buc", "cuon", "con", "chiec"})
# Words for a firm, any of which names one: news introduces a company by its legal form ("Công ty
# Cổ phần ...", "Tập đoàn Geely") whichever word the question used.
_FIRMS = frozenset({"cong ty", "tap doan", "doanh nghiep", "hang xe", "hang hang khong", "hang bay", "nha thau"})
# What may stand between the noun and its name ("nhà máy tại thành phố Sayama"), in words.
_NAME_WITHIN = 5
_QUOTES = "\"“'‘"


def asked_noun(question: str) -> str | None:
    """The noun of a "which named thing" question ("nhà máy" of "nhà máy nào"), folded; None if none."""
    m = _ASKS_NAME.search(fold_accents(" ".join(question.split())).lower())
    return m.group(1) if m else None


def asks_name(question: str) -> bool:
    return asked_noun(question) is not None


def names_thing(question: str, best: Iterable[str]) -> bool:
    """False when the question asks which named thing ("nhà máy nào") and no best sentence
    follows that noun, within a few words, by a name, a code or a quoted title the question lacks."""
    noun = asked_noun(question)
    if noun is None:
        return True
    asked = fold_accents(question).lower()
    nouns = {noun} | ({noun.split(" ", 1)[1]} if noun.split()[0] in _CLASSIFIERS and " " in noun else set())
    if noun in _FIRMS:
        nouns |= _FIRMS  # "Doanh nghiệp nào" is answered by "Công ty Cổ phần Thanh Vân"
    pattern = re.compile(rf"\b(?:{'|'.join(re.escape(n) for n in nouns)})\b")
    for text in best:
        text = unicodedata.normalize("NFC", text)  # folding keeps the length, so offsets match
        for occ in pattern.finditer(fold_accents(text).lower()):
            words = text[occ.end() :].split()[:_NAME_WITHIN]
            if any(
                (w[0].isupper() or w[0] in _QUOTES) and fold_accents(w.strip("\"“”'‘’.,;:()")).lower() not in asked
                for w in words
            ):
                return True
    return False


def _without_common_nouns(span: str) -> str:
    words = span.split()
    while words and not words[0][:1].isupper():
        words.pop(0)
    return " ".join(words)


def states_quantity(question: str, best: Iterable[str]) -> bool:
    """False when the question asks for a figure and no best sentence states a new one of the
    asked kind (rag/facts.py): a count of the thing counted ("bao nhiêu trường hợp" is not
    answered by "13 địa phương"), money, a percentage, a score, a rank or a quarter."""
    if not asks_figure(question):
        return True
    return states_asked_figure(question, list(best))


def answers_asked_type(question: str, text: str) -> bool:
    """The text states what a "how many", "who" or "where" question asks for (any text, for others).
    A question asking two things is answered in part by a text stating either."""
    typed = [p for p in question_parts(question) if not states_asked(p, [])]
    return not typed or any(states_asked(p, [text]) for p in typed)


def parts_left_out(question: str, text: str) -> list[str]:
    """The parts of a question asking several things whose kind of fact (a figure, a name, a
    place) the text does not state: "tỷ số bao nhiêu, và ai ghi bàn?" answered with the score
    alone leaves the reader the scorer to look up. Parts asking no typed fact are never counted."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    typed = [p for p in parts if not states_asked(p, [])]
    left = [p for p in typed if not states_asked(p, [text])]
    short = _figures_short([p for p in typed if p not in left], question, text)
    return [p for p in parts if p in left or p in short]


def _figures_short(parts: Sequence[str], question: str, text: str) -> list[str]:
    """Parts asking the same kind of figure ("thu bao nhiêu trong tuần và tổng doanh thu là bao
    nhiêu") that one stated figure cannot both answer: with fewer new figures of that kind than
    parts, those sharing the fewest words with the text are the ones left out."""
    asked = figures(question)
    new = {(f.value, f.kind) for f in figures(strip_markers(text)) if not restated(asked, f)}
    groups: dict[str, list[str]] = {}
    for part in parts:
        if asks_figure(part):
            kind, unit = asked_figure(part)
            groups.setdefault("amount" if kind == "money" or (kind == "count" and not unit) else kind, []).append(part)
    short: list[str] = []
    for key, group in groups.items():
        stated = len({value for value, kind in new if kind in _FITTING_KINDS.get(key, (key,))})
        if len(group) > stated:
            short.extend(sorted(group, key=lambda p: coverage(p, text))[: len(group) - stated])
    return short


# The kinds of stated figure that may answer a group of asks: an amount ("thu bao nhiêu") may be
# money, a count or a share; "khi nào" a span ("sau 3 ngày"); a size is a number with its unit.
_FITTING_KINDS: dict[str, tuple[str, ...]] = {
    "amount": ("count", "money", "percent"),
    "count": ("count",),
    "time": ("time", "duration"),
    "measure": ("count",),
}


def states_asked(question: str, texts: Sequence[str]) -> bool:
    """The texts together state the figure, the person and the place the question asks for, if any."""
    return (
        states_quantity(question, texts)
        and names_person(question, texts)
        and names_place(question, texts)
        and names_thing(question, texts)
    )


def names_person(question: str, best: Iterable[str]) -> bool:
    """False when the question asks who (a name) and no best sentence names a person it does not."""
    if not asks_person(question):
        return True
    asked = fold_accents(question).lower()
    return any(fold_accents(name).lower() not in asked for text in best for name in person_names(text))


_REFUSAL_OPENING = "khong tim thay"


def refusal_probability(first_token: Mapping[str, float]) -> float:
    """The model's own probability of opening its reply with the refusal the prompt asks for
    ("KHÔNG TÌM THẤY"), read from its first-token alternatives: the judgement behind the words,
    also when another opening narrowly won."""
    total = 0.0
    for token, p in first_token.items():
        opening = " ".join(fold_accents(token).lower().split())
        if len(opening) >= 2 and _REFUSAL_OPENING.startswith(opening):
            total += p
    return min(total, 1.0)


def model_refused(text: str) -> bool:
    """The model gave the reply the prompt asks for when the excerpts lack the answer.

    Only a reply that opens with it, or cites nothing: "Cảnh sát không tìm thấy dấu vết [1]."
    is an answer that happens to contain the words.
    """
    folded = " ".join(fold_accents(text).lower().split())
    opens = any(folded.startswith(p) for p in _MODEL_REFUSALS)
    return opens or (not parse_markers(text) and any(p in folded for p in _MODEL_REFUSALS))


_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A year closing a day and month: "14/7/2020", "July 14, 2020", "14 July 2020", "ngày 14 tháng 7 năm 2020".
_COMPLETED_DATE = re.compile(
    rf"(?:\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*|{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME},?\s+|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s*(?:,|năm)?\s*)"
    r"((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# A reply sentence still asking: a question mark, or the words that ask for a figure, which a
# statement of the figure replaces (folded, lower case).
_STILL_ASKING = re.compile(r"\bbao nhieu\b|\bhow (?:many|much)\b")


def still_asks(sentence: str) -> bool:
    """True for a reply sentence that asks rather than answers ("Đức có 285 dự án, vốn bao nhiêu?").

    A question word its answer follows ("lỗ bao nhiêu là 507,7 tỷ đồng") answers.
    """
    if "?" in sentence:
        return True
    folded = re.sub(r"\[\d+\]", " ", fold_accents(sentence).lower())
    asking = list(_STILL_ASKING.finditer(folded))
    return bool(asking) and not numbers_in(folded[asking[-1].end() :])


# The labels of the prompt ("Câu hỏi: ...", "Trả lời: ..."), which a small model may echo before
# restating the question: they are no words of an answer.
_PROMPT_LABEL = re.compile(r"^\W*(?:câu hỏi|question|trả lời|answer)\s*:\s*", re.IGNORECASE)


def adds_nothing(sentence: str, question: str) -> bool:
    """True when a sentence only restates the question (no new word and no new fact)."""
    sentence = _PROMPT_LABEL.sub("", sentence)
    new_terms = set(terms(sentence)) - set(terms(question))
    stated = facts_in(sentence)
    new_facts = stated.numbers - facts_in(question).numbers
    asked = fold_accents(question).lower()
    # One new word that is a name answers a "which"/"who" question ("... chọn học trường Auburn").
    new_name = any(fold_accents(e).lower() not in asked for e in stated.entities)
    return len(new_terms) < 2 and not new_facts and not new_name


def invented_numbers(sentence: str, question: str, evidence: Sequence[str]) -> list[str]:
    """Numbers of a sentence found neither in the question nor in any evidence sentence.

    Only numbers: names get shortened, translated or respelled by the model, but a figure
    the passages never state was made up, which is what a trap question draws out.
    """
    sentence = _DANGLING_MARKER.sub("", sentence)  # "[1" cut off by the token limit is not a number
    stated = {n for text in [question, *evidence] for n in numbers_in(text)}
    # News leaves the current year out of its dates ("ngày 14/7"); a model completing the date
    # ("July 14, 2020") guesses a year rather than answering with a figure.
    completed = {m.group(1) for m in _COMPLETED_DATE.finditer(sentence)}
    return sorted(n for n in set(numbers_in(sentence)) - stated - completed if not shortened(n, stated))


def answer_type_first(
    question: str, evidence: Sequence[Evidence], margin: float, bylines: Iterable[str] = ()
) -> list[Evidence]:
    """The evidence, with the best sentence of the asked type first when the top one is not of it.

    For a "who" question whose top sentence names nobody new (or a "how many" one stating no new
    number), the first sentence scoring within `margin` of the top that does moves to the front,
    and the sentences are renumbered 1... A bare byline does not answer who did something.
    """
    if not evidence:
        return []
    skip = {" ".join(b.split()) for b in bylines if b}
    if not (asks_person(question) or asks_figure(question) or asks_place(question) or asks_name(question)):
        return list(evidence)

    def fits(text: str) -> bool:
        return " ".join(text.split()) not in skip and states_asked(question, [text])

    top = evidence[0]
    if fits(top.text):
        return list(evidence)
    # Any sentence of the best article counts: a typed answer usually sits a few sentences after
    # the one that best restates the question, in the same story. Other articles' only within
    # `margin`: their figure may be another event's.
    best = next(
        (e for e in evidence[1:] if (e.source == top.source or e.score >= top.score - margin) and fits(e.text)),
        None,
    )
    if best is None:
        return list(evidence)
    ordered = [best, *(e for e in evidence if e is not best)]
    return [replace(e, n=i) for i, e in enumerate(ordered, start=1)]
