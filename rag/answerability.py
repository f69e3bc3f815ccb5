"""Does the evidence (or the model's reply) actually answer the question? Pure checks.

Retrieval always returns the closest passages, even when none holds the answer, so
the chain refuses on signs that the answer is missing:
- the question asks "how many" and the best sentences state no new number;
- the question asks for a person's name and the best sentences name nobody new;
- every sentence the model wrote failed verification and one states a number found in no
  evidence sentence and not in the question (it made the figure up, so the passages lack it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rag.evidence import Evidence, terms
from rag.text import canonical_number, fold_accents, numbers_in, years_in
from rag.verification import facts_in, named_entities

# Questions asking for a quantity (folded, lower case): their answer must state a number.
_ASKS_QUANTITY = re.compile(
    r"\bbao nhieu\b|\bmay (nguoi|vu|cuoc|truong hop|lan|don)\b|\bhow (many|much)\b"
    r"|\bwhat (share|percentage|proportion)\b"
)
# Questions asking for one person's name (folded, lower case). "những ai" asks for groups
# of people ("cán bộ, đảng viên"), and "có ai" asks yes or no, so neither is here.
_ASKS_PERSON = re.compile(
    r"\bten (la )?gi\b|\bho ten\b|\b(?<!nhung )ai la\b|^ai\b|\b(la|do|cua|boi) ai\b"
    r"|\bwho\b|\bwhose\b|\bname of\b|\bwhich (minister|official|person|leader|author)\b"
)
# Words in a capitalised run that make it a title or an organisation, not a person (lower case;
# compared with diacritics, since folded syllables collide with names: "phòng"/"Phong").
_NOT_PERSON = re.compile(
    r"(?<!\w)(chủ tịch|giám đốc|bộ trưởng|thủ trưởng|bí thư|tổng bí|ủy ban|ubnd|hđnd|công văn|quốc hội|chính phủ|"
    r"trung ương|thanh tra|kiểm tra|nhà nước|thượng tướng|hội đồng|hội nghị|cơ quan|việt nam|luật|bộ|sở|ban|"
    r"tỉnh|huyện|xã|đảng|phó|ngành|cấp|các|những|trưởng)(?!\w)"
)
# A run right after one of these is a place ("tỉnh Quảng Ninh"), not a person.
_PLACE_BEFORE = re.compile(r"(?:tỉnh|huyện|thành phố|thị xã|xã|phường|quận|tại|ở|in|of)\s+$", re.IGNORECASE)
# Figures: what kind a number is, from the folded words around it.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TIME_BEFORE = re.compile(r"(?:\bnam|\bngay|\bthang|\bquy|/)\s*$")
_TIME_AFTER = re.compile(r"\s*(?:/|thang\b|nam\b|ngay\b|quy\b|tuan\b|gio\b|months?\b|years?\b|days?\b|weeks?\b)")
_PERCENT_AFTER = re.compile(r"\s*(?:%|phan tram\b|percent\b)")
_MONEY_AFTER = re.compile(r"\s*(?:(?:ty|trieu|nghin|ngan)\s+)?(?:[\d.,]+\s+(?:trieu|nghin|ngan)\s+)?(?:dong|vnd|usd)\b")
_WORD_AFTER = re.compile(r"\s*([a-z]+)")
_ASKS_PERCENT = re.compile(r"phan tram|bao nhieu phan\b|\bty le\b|%|\bpercent|\bwhat share\b|\bproportion\b")
_ASKS_MONEY = re.compile(r"bao nhieu tien|\bso tien\b|\bngan sach\b|\bkinh phi\b|\bbudget\b|\bmoney\b|how much\b")
_COUNTED = re.compile(r"\b(?:bao nhieu|may|how many)\s+([a-z]+(?:,?\s+[a-z]+){0,5})")
# Words after "bao nhiêu" that are not the thing counted ("là bao nhiêu", "bao nhiêu trong số").
_NOT_COUNTED = frozenset("la trong so duoc da va thi nua roi of the did do were was".split())
# English counted words, as the first Vietnamese syllable they are written with in the articles.
_ENGLISH_UNITS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("agencies", "agency", "units", "unit", "organisations", "organizations"), ("co", "don", "to")),
    **dict.fromkeys(("localities", "provinces", "districts"), ("dia", "tinh", "huyen")),
    **dict.fromkeys(("documents", "document", "regulations"), ("van", "quy")),
    **dict.fromkeys(("procedures",), ("thu",)),
    **dict.fromkeys(("cases", "case"), ("vu", "truong")),
    **dict.fromkeys(
        ("people", "persons", "individuals", "officials", "officers", "defendants"), ("nguoi", "ca", "can", "bi")
    ),
    **dict.fromkeys(("inspections", "inspection", "audits", "checks"), ("cuoc", "luot", "dot")),
    **dict.fromkeys(("letters", "petitions", "complaints"), ("don", "thu")),
    **dict.fromkeys(("services",), ("dich",)),
    **dict.fromkeys(("delegations", "teams"), ("doan",)),
}
# Counted words that answer for one another (first syllables, folded): "bao nhiêu người" - "1.695 trường hợp".
_UNIT_GROUPS = (
    frozenset("truong nguoi ca doi can cong dang lanh vien".split()),
    frozenset("co don to dia so nganh".split()),
    frozenset("vu viec".split()),
    frozenset("van quy quyet ke chi".split()),
    frozenset("cuoc luot dot".split()),
)
_DANGLING_MARKER = re.compile(r"\[\d*\s*$")
# The model's own "not in the excerpts" reply (folded, lower case).
_MODEL_REFUSALS = ("khong tim thay", "not found", "khong co thong tin", "no information")


def asks_quantity(question: str) -> bool:
    return _ASKS_QUANTITY.search(fold_accents(question).lower()) is not None


def asks_person(question: str) -> bool:
    return _ASKS_PERSON.search(fold_accents(" ".join(question.split())).lower()) is not None


def person_names(text: str) -> list[str]:
    """Runs of two to four capitalised words with no title or organisation word: "Bùi Thanh Sơn"."""
    names = []
    for entity in named_entities(text):
        if not 2 <= len(entity.split()) <= 4 or _NOT_PERSON.search(entity.lower()):
            continue
        starts = [m.start() for m in re.finditer(re.escape(entity), text)]
        if starts and all(_PLACE_BEFORE.search(text[max(0, i - 12) : i]) for i in starts):
            continue
        names.append(entity)
    return names


def figures(text: str) -> list[tuple[str, str, str]]:
    """(canonical number, kind, folded word after it) for each number of a text.

    Kind: "time" (years, dates, "9 tháng"), "percent", "money" ("1 tỷ 266 triệu đồng") or "count".
    """
    folded = fold_accents(text).lower()
    found = []
    for m in _NUMBER.finditer(folded):
        before, after = folded[max(0, m.start() - 12) : m.start()], folded[m.end() : m.end() + 40]
        value = canonical_number(m.group(0))
        if _PERCENT_AFTER.match(after):
            kind = "percent"
        elif _MONEY_AFTER.match(after):
            kind = "money"
        elif years_in(m.group(0)) == [m.group(0)] or _TIME_BEFORE.search(before) or _TIME_AFTER.match(after):
            kind = "time"
        else:
            kind = "count"
        word = _WORD_AFTER.match(after)
        found.append((value, kind, word.group(1) if word else ""))
    return found


def asked_figure(question: str) -> tuple[str, str]:
    """The kind of figure a "how many" question asks for, and its counted word ("" if none).

    "bao nhiêu trường hợp" asks a count of "truong"; "bao nhiêu tiền"/"ngân sách" money;
    "tỷ lệ"/"phần trăm" a percentage; "bao nhiêu tháng" a time.
    """
    folded = " ".join(fold_accents(question).lower().split())
    if _ASKS_PERCENT.search(folded):
        return "percent", ""
    if _ASKS_MONEY.search(folded):
        return "money", ""
    m = _COUNTED.search(folded)
    phrase = m.group(1) if m and m.group(1).split()[0] not in _NOT_COUNTED else ""
    if m and m.group(0).startswith("how many"):
        # English puts adjectives first ("how many anti-corruption inspections"): the first known noun.
        phrase = next((w for w in re.findall(r"[a-z]+", folded[m.start() :])[2:8] if w in _ENGLISH_UNITS), "")
    return ("time" if phrase and _TIME_AFTER.match(f" {phrase}") else "count"), phrase


def _same_unit(asked: str, stated: str) -> bool:
    """Does a number of `stated` (the folded word after it) count what `asked` (the folded phrase) asks?

    Same first syllable, words that answer for one another, or an abbreviation of the phrase:
    "TTHC" for "thủ tục hành chính", "CBCCVC" for "cán bộ, công chức, viên chức".
    """
    words = re.findall(r"[a-z]+", asked)
    if not words:
        return False
    initials = "".join(w[0] for w in words)
    if len(stated) >= 2 and initials.startswith(stated):
        return True
    firsts = _ENGLISH_UNITS.get(words[0], (words[0],))
    return any(
        first == said or any(first in group and said in group for group in _UNIT_GROUPS)
        for first in firsts
        for said in _ENGLISH_UNITS.get(stated, (stated,))
    )


def states_quantity(question: str, best: Iterable[str]) -> bool:
    """False when the question asks "how many" and no best sentence states a new figure of the asked kind.

    A count asks for a number of the thing counted: "bao nhiêu trường hợp" is not answered by
    "13 địa phương", nor "ngân sách ... bao nhiêu" by "75%", nor either by "9 tháng đầu năm".
    An English question's counted noun ("agencies") is compared through the Vietnamese words
    the articles use for it; one with no known noun takes any count.
    """
    if not asks_quantity(question):
        return True
    asked = set(numbers_in(question))
    kind, word = asked_figure(question)
    new = [(k, w) for text in best for value, k, w in figures(text) if value not in asked]
    if kind == "count":
        counts = [w for k, w in new if k != "time"]
        return any(_same_unit(word, w) for w in counts) if word else bool(counts)
    return any(k == kind for k, _ in new)


def answers_asked_type(question: str, text: str) -> bool:
    """The text states what a "how many" or "who" question asks for (any text, for other questions)."""
    return states_quantity(question, [text]) and names_person(question, [text])


def names_person(question: str, best: Iterable[str]) -> bool:
    """False when the question asks who (a name) and no best sentence names a person it does not."""
    if not asks_person(question):
        return True
    asked = fold_accents(question).lower()
    return any(fold_accents(name).lower() not in asked for text in best for name in person_names(text))


def model_refused(text: str) -> bool:
    folded = fold_accents(text).lower()
    return any(phrase in folded for phrase in _MODEL_REFUSALS)


def adds_nothing(sentence: str, question: str) -> bool:
    """True when a sentence only restates the question (no new word and no new fact)."""
    new_terms = set(terms(sentence)) - set(terms(question))
    new_facts = facts_in(sentence).numbers - facts_in(question).numbers
    return len(new_terms) < 2 and not new_facts


def invented_numbers(sentence: str, question: str, evidence: Sequence[str]) -> list[str]:
    """Numbers of a sentence found neither in the question nor in any evidence sentence.

    Only numbers: names get shortened, translated or respelled by the model, but a figure
    the passages never state was made up, which is what a trap question draws out.
    """
    sentence = _DANGLING_MARKER.sub("", sentence)  # "[1" cut off by the token limit is not a number
    stated = {n for text in [question, *evidence] for n in numbers_in(text)}
    return sorted(set(numbers_in(sentence)) - stated)


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
    if asks_person(question):

        def fits(text: str) -> bool:
            return " ".join(text.split()) not in skip and names_person(question, [text])

    elif asks_quantity(question):

        def fits(text: str) -> bool:
            return states_quantity(question, [text])

    else:
        return list(evidence)
    top = evidence[0]
    if fits(top.text):
        return list(evidence)
    best = next((e for e in evidence[1:] if e.score >= top.score - margin and fits(e.text)), None)
    if best is None:
        return list(evidence)
    ordered = [best, *(e for e in evidence if e is not best)]
    return [replace(e, n=i) for i, e in enumerate(ordered, start=1)]
