"""Fact checks on answers and questions (pure).

A "fact" is a number (canonical: "1.695" == "1,695" == "1695") or a named entity
(a run of capitalised words such as "Quảng Ninh", "Bùi Thanh Sơn", "UNCAC").
An answer sentence passes when every fact it states appears in the passages it
cites. A question is answerable from an article only when the article holds
every fact the question pins (its entities and numbers): that is what refuses
"Quảng Ninh ... 2019" when only the Quảng Trị article mentions 2019.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rag.language import detect_language
from rag.text import fold_accents, has_diacritics, is_vietnamese_syllable, normalize, numbers_in, shortened

# Words keep their digits ("U15", "G20", "Galaxy S8"): a name's number is part of the name.
_WORD = re.compile(r"(?=\w*[^\W\d_])[^\W_]+", re.UNICODE)
# Punctuation after which the next word starts a clause and is capitalised by grammar, not by name.
_CLAUSE_START = re.compile(r"""[.!?:;"“”'‘(\[\n]\s*$""")
# Words capitalised at a clause start that never begin a name (folded, lower case).
_LEADING = frozenset(
    "trong theo tai nam con ngoai cac nhung voi ve den tu sau truoc qua khi day do khong co chua da the "
    "vay va o nhu thu ngay thang bai ai muc so tinh hoi bao cau ngan ong ba anh chi the in according it "
    "yes no which what who how when where did does is are to on at for and of a an this that these those "
    "there by from as after before during ".split()
)


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[str]
    entities: tuple[str, ...]
    # Entities opening a sentence: their first capital may be grammar's ("Trận Australia").
    openers: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.numbers or self.entities)

    def describe(self) -> str:
        return ", ".join([*sorted(self.numbers), *self.entities])


@lru_cache(maxsize=256)
def _key(text: str) -> str:
    # Cached: every answer checks the same few article texts.
    return " ".join(normalize(text).lower().split())


def named_entities(text: str) -> list[str]:
    return [name for name, _ in _entities_with_start(text)]


def _entities_with_start(text: str) -> list[tuple[str, bool]]:
    """Runs of capitalised words, minus grammar: a clause's lone first word, leading function words.

    In an English sentence only runs that look Vietnamese (diacritics) or are acronyms count,
    since English names ("Foreign Ministry") cannot be matched against Vietnamese passages.
    """
    # Judge the language without accented words: Vietnamese names in an English sentence carry diacritics.
    english = detect_language(" ".join(w for w in _WORD.findall(text) if not has_diacritics(w))) == "en"
    runs: list[list[tuple[str, bool]]] = []
    last_end = -1
    for m in _WORD.finditer(text):
        word = m.group(0)
        clause_start = m.start() == 0 or bool(_CLAUSE_START.search(text[: m.start()]))
        # "iPhone", "eBay", "iOS": a brand's capital may come second.
        if word[0].isupper() or (len(word) > 2 and word[0].islower() and word[1].isupper()):
            joined = runs and last_end >= 0 and text[last_end : m.start()] == " " and not clause_start
            if joined:
                runs[-1].append((word, False))
            else:
                runs.append([(word, clause_start)])
            last_end = m.end()
        else:
            last_end = -1
    entities: list[tuple[str, bool]] = []
    for run in runs:
        words = [w for w, _ in run]
        at_start = run[0][1]
        if at_start and words[0][0].isupper():  # "iPhone" owes its capital to no grammar
            if fold_accents(words[0]).lower() in _LEADING:
                words.pop(0)
            # A lone capitalised first word is usually grammar ("Năm", "Ai"), but a word no
            # Vietnamese syllable is spelled like ("Google phát hành ...") is a name. Acronyms
            # stay out: "TP.HCM" opens "HCM" as a clause, and a bare one is matched by nothing.
            if len(run) == 1 and (not words or is_vietnamese_syllable(words[0]) or not words[0][1:].islower()):
                continue
        if not words:
            continue
        name = " ".join(words)
        # English names and acronyms ("US", "DHS") are translated in Vietnamese articles, so in
        # an English text only Vietnamese names (with diacritics) can be matched.
        if english and not has_diacritics(name):
            continue
        entities.append((name, at_start and len(words) == len(run)))
    return entities


# "bao nhiêu tiền 1 lít", "giá 1 kg", "1 USD đổi được": one of a unit is the basis of a rate,
# not a fact a story must state (it writes "đồng/lít") (folded, lower case).
_PER_ONE = re.compile(
    r"(?<![\d.,/])1\s+(?=(?:lit|kg|ky|can|tan|ta|gam|gram|luong|chi|usd|m2|met|km|ha|thung|chai|goi)\b)"
)


def facts_in(text: str) -> Facts:
    found = _entities_with_start(text)
    openers = frozenset(name for name, start in found if start and " " in name)
    folded = fold_accents(text).lower()
    if len(folded) == len(text):  # folding keeps offsets (NFC text)
        for m in reversed(list(_PER_ONE.finditer(folded))):
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return Facts(frozenset(numbers_in(text)), tuple(dict.fromkeys(n for n, _ in found)), openers)


def _contains_entity(entity: str, haystack: str, folded_haystack: str, opener: bool = False) -> bool:
    if _contains_exactly(entity, haystack, folded_haystack):
        return True
    # A run opening a sentence may owe its first capital to grammar ("Trận Australia - Brazil",
    # "Chuỗi Whole Foods"): the rest, if itself a name, stands for it.
    rest = entity.split(" ", 1)[1] if opener and " " in entity else ""
    if rest[:1].isupper() and _contains_exactly(rest, haystack, folded_haystack):
        return True
    # Capitals alone cannot tell where one name ends and the next begins: "Rome Masters Svitolina"
    # (a question typed as keywords) is two names, each found on its own.
    words = entity.split()
    return (
        len(words) >= 3
        and any(
            _contains_exactly(" ".join(words[:i]), haystack, folded_haystack)
            and _contains_exactly(" ".join(words[i:]), haystack, folded_haystack)
            for i in range(1, len(words))
        )
    ) or _abbreviated(entity, folded_haystack)


# An agency is named by its kind and a name in sentence case ("Cục An toàn thực phẩm", "Sở Giao
# thông vận tải"), which stories often shorten to the name's initials ("Cục ATTP", "Sở GTVT",
# "Bộ GD-ĐT"); capitals end the question's run at the name's first word ("Cục An").
_AGENCY = re.compile(
    r"(tong cuc|chi cuc|uy ban|tap doan|tong cong ty|ngan hang|bo|so|cuc|vu|vien|ban|phong|hoi) (\w)\w*"
)


def _abbreviated(entity: str, folded_haystack: str) -> bool:
    """The story names the agency by its kind and initials opening with the name's first letter."""
    m = _AGENCY.fullmatch(fold_accents(_key(entity)))
    if m is None:
        return False
    kind, initial = m.groups()
    short = re.finditer(rf"(?<!\w){kind}\s+({initial}[a-z]{{1,6}})(?:\s*[-&]\s*[a-z]{{1,4}})?(?!\w)", folded_haystack)
    return any(not is_vietnamese_syllable(a.group(1)) for a in short)


def _contains_exactly(entity: str, haystack: str, folded_haystack: str) -> bool:
    key = _key(entity)
    if has_diacritics(key):
        found = re.search(rf"(?<!\w){re.escape(key)}(?!\w)", haystack) is not None
    else:
        found = re.search(rf"(?<!\w){re.escape(fold_accents(key))}(?!\w)", folded_haystack) is not None
    acronym = _ACRONYM.search(entity)
    # Three letters alone open too many runs of words by chance ("CLB": "cho lái bằng").
    if found or acronym is None or (len(acronym.group(0)) < 4 and " " not in entity.strip()):
        return found
    return _spelled_out(entity).search(folded_haystack) is not None


# An acronym of three or more letters ("ĐHQG", "UBND", "BHXH"): news and readers use it and the
# words it stands for interchangeably, and each letter opens one of those words.
_ACRONYM = re.compile(r"(?<!\w)[A-ZĐ]{3,6}(?!\w)")


def _spelled_out(entity: str) -> re.Pattern[str]:
    """The entity with each acronym also matching words opening with its letters ("ĐHQG Hà Nội"
    matches "đại học quốc gia hà nội"), over folded lower-case text."""
    parts = []
    for word in entity.split():
        folded = re.escape(fold_accents(_key(word)))
        if _ACRONYM.fullmatch(word):
            # "Bộ Văn hóa, Thể thao và Du lịch" (or "- Thể thao") is VHTTDL: "và" and marks get no letter.
            letters = r"[\s,&-]+(?:va\s+)?".join(rf"{c}\w*" for c in fold_accents(word).lower())
            parts.append(f"(?:{folded}|{letters})")
        else:
            parts.append(folded)
    spaced = r"\s+".join(parts)
    return re.compile(rf"(?<!\w){spaced}(?!\w)")


@dataclass(frozen=True)
class Support:
    """Which facts of a text a set of passages lacks."""

    missing_numbers: tuple[str, ...]
    missing_entities: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing_numbers and not self.missing_entities

    def describe(self) -> str:
        parts = [*(f"số {n}" for n in self.missing_numbers), *self.missing_entities]
        return ", ".join(parts)


def check_support(facts: Facts, passages: Iterable[str]) -> Support:
    """The facts that appear in none of the passages (numbers compared canonically)."""
    texts = list(passages)
    haystack = _key(" \n ".join(texts))
    folded = fold_accents(haystack)
    numbers = {n for t in texts for n in numbers_in(t)}
    return Support(
        missing_numbers=tuple(sorted(n for n in facts.numbers - numbers if not shortened(n, numbers))),
        missing_entities=tuple(
            e for e in facts.entities if not _contains_entity(e, haystack, folded, e in facts.openers)
        ),
    )


def verify_sentence(sentence: str, cited: Sequence[str]) -> Support:
    """Does the union of the cited passages state every number and entity of the sentence?"""
    return check_support(facts_in(sentence), cited)


def supporting_sources(question_facts: Facts, articles: dict[str, str], together: bool = True) -> list[str]:
    """The articles (in the given order) that together hold every fact the question pins, or none.

    Only articles naming one of the question's entities count, so a figure for "Quảng Ninh
    2019" cannot be pieced together from the Quảng Trị 2019 article. A comparison of two
    provinces draws on both provinces' articles (`together`). Otherwise one article must name
    every entity (its numbers may be dated by the others: news often leaves out the current
    year). A question naming no entity needs one article with all its numbers.
    """
    pins = (_pinning(e) for e in question_facts.entities)
    question_facts = replace(question_facts, entities=tuple(dict.fromkeys(p for p in pins if p)))
    if not question_facts.entities:
        return [s for s, text in articles.items() if check_support(question_facts, [text]).ok]
    about = {
        s: text
        for s, text in articles.items()
        if len(
            check_support(Facts(frozenset(), question_facts.entities, question_facts.openers), [text]).missing_entities
        )
        < len(question_facts.entities)
    }
    if not about or not check_support(question_facts, about.values()).ok:
        return []
    if not together:
        # One story must name every entity the question pins, at least by a word of it ("Real" for
        # "Real Madrid"): a trap pairs the entity of one story with the fact of another.
        return [
            s
            for s, text in about.items()
            if all(_named(e, text, e in question_facts.openers) for e in question_facts.entities)
        ]
    # Keep the articles that contribute a fact; a lone number does not need every article.
    return list(about)


# A capital or two alone is a unit ("J", "W"), an initial, or a piece of a joined acronym that the
# word split cut ("TP" of "TP.HCM", "MT" of "TN-MT"), which stories spell out ("thành phố Hồ Chí Minh").
_SHORT_CAPS = re.compile(r"[A-ZĐ]{1,2}")


def _pinning(entity: str) -> str:
    """The part of a question's entity that can pin the stories answering it: "Vinh" of "TP Vinh"
    (see `_SHORT_CAPS`); empty when nothing is left."""
    return " ".join(w for w in entity.split() if not _SHORT_CAPS.fullmatch(w))


def _named(entity: str, text: str, opener: bool = False) -> bool:
    """The text names the entity in full, or by one word of it standing alone ("Real vô địch"
    for "Real Madrid"; in "Real Betis" the word belongs to another name)."""
    haystack = _key(text)
    words = entity.split()
    # A word with a digit tells the name apart ("U22 Việt Nam" from "U23 Việt Nam" and the women's
    # team, "Galaxy S8" from "Galaxy S7"): the story must hold that word itself.
    codes = [w for w in words if any(c.isdigit() for c in w)]
    if codes and not all(_has_word(w, haystack) for w in codes):
        return False
    if _contains_entity(entity, haystack, fold_accents(haystack), opener):
        return True
    return len(words) > 1 and any(_stands_alone(w, text) for w in words)


def _has_word(word: str, haystack: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", haystack) is not None


def _stands_alone(word: str, text: str) -> bool:
    for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
        before = re.search(r"(\w+)\s$", text[max(0, m.start() - 40) : m.start()])
        after = re.match(r"\s(\w+)", text[m.end() :])
        if not any(n and n.group(1)[0].isupper() for n in (before, after)):
            return True
    return False


_LISTED = re.compile(r"^\s*(?:,|và|hay|hoặc|and|or|vs\.?)\s*$", re.IGNORECASE)


def lists_entities(question: str, facts: Facts) -> bool:
    """The question names two entities side by side ("Quảng Trị và Quảng Ninh", "Apple or Samsung"):
    it asks about each, and their facts may come from different stories."""
    spans = sorted((m.start(), m.end()) for e in facts.entities for m in [re.search(re.escape(e), question)] if m)
    return any(_LISTED.match(question[a_end:b_start]) for (_, a_end), (b_start, _) in itertools.pairwise(spans))
