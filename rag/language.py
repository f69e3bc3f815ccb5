"""Query language detection and diacritic restoration (pure).

Staff type Vietnamese without diacritics; the dense model understands
"Bộ Ngoại giao" far better than "Bo Ngoai giao". The restorer picks the most
probable accented syllables under a bigram model counted over general news
(rag/syllables.py) and the indexed articles.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from rag.syllables import NUMBER, CountedSyllables, SyllableCounts, best_forms, count_syllables
from rag.text import fold_accents, has_diacritics

Language = Literal["vi", "en"]

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# Frequent function words that tell English from diacritic-free Vietnamese.
# English function words: counted to detect English, ignored when matching question words.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in on for and or is are was were be been did does do what which who whom whose when "
    "where why how many much has have had with by from that this these those it its as at their there "
    "than into about will would could should must shall might not after before during between against over "
    "under she they we you his her him them our your since until while because if also each both other some "
    "such only very being ".split()
    # Not "can", "may", "so", "he", "my", "no", "me": folded, they are Vietnamese syllables
    # ("cần", "máy", "số", "hè", "Mỹ", "nó", "mẹ") of questions typed without marks.
)
_VI = frozenset(
    "cua va cac nhung bao nhieu duoc da co khong nao gi ai la trong voi cho nam thi ve tai theo nguoi bo "
    "tinh cong tac viec nhu the sao khi nay do o hay ma ".split()
)


def detect_language(text: str) -> Language:
    """'vi' for Vietnamese (with or without diacritics), 'en' for English."""
    words = [w for w in _WORDS.findall(text)]
    # English questions name Vietnamese places ("Quảng Ninh"), so diacritics alone do not decide.
    accented = sum(has_diacritics(w) for w in words)
    # A capitalised word after the first is a name's ("Nghệ An" typed "Nghe An"), not English grammar.
    en = sum(w.lower() in ENGLISH_FUNCTION_WORDS for i, w in enumerate(words) if i == 0 or not w[:1].isupper())
    vi = sum(fold_accents(w).lower() in _VI for w in words if not has_diacritics(w))
    return "en" if en >= 2 and en > vi + accented // 2 else "vi"


MetadataIntent = Literal["author", "date"]
# Folded, lower-case cues of a question about who wrote an article or when it appeared.
_AUTHOR_CUES = re.compile(
    r"\b(tac gia|ai viet|nguoi viet bai|viet boi|phong vien nao|but danh|who wrote|author|written by|byline)\b"
    # "by whom" only counts when the question is about the article itself.
    r"|\bbai (viet |bao )?\b.{0,80}\b(do ai|ai thuc hien)\b"
)
_DATE_CUES = re.compile(
    r"\b(dang (vao |vao luc |luc |khi )?(ngay|luc|khi) nao|ngay dang|xuat ban|dang tai|"
    r"published|publication date|posted|date of the article)\b"
)


def metadata_intent(text: str) -> MetadataIntent | None:
    """'author' or 'date' when the question asks who wrote an article or when it was published."""
    folded = fold_accents(text).lower()
    if _AUTHOR_CUES.search(folded):
        return "author"
    if _DATE_CUES.search(folded):
        return "date"
    return None


def _ngrams(words: list[str], n: int) -> Iterable[tuple[int, tuple[str, ...]]]:
    for i in range(len(words) - n + 1):
        yield i, tuple(words[i : i + n])


# Longest word n-gram the vocabulary keeps. Vietnamese words are one or two syllables, so pairs
# restore them; triples tripled the rows an ingest writes (measured: 72 -> 103 articles/s without).
VOCABULARY_NGRAMS = 2


def ngram_counts(text: str, max_n: int = VOCABULARY_NGRAMS) -> Counter[tuple[str, str]]:
    """How often each word n-gram (n <= max_n) occurs, keyed by (folded lower-case form, form as written).

    Counted per article at ingest, so the restorer's vocabulary grows by one article's rows.
    """
    words = _WORDS.findall(text)
    counts: Counter[tuple[str, str]] = Counter()
    folded = [fold_accents(w).lower() for w in words]
    for n in range(1, max_n + 1):
        for i, gram in _ngrams(words, n):
            counts[(" ".join(folded[i : i + n]), " ".join(gram))] += 1
    return counts


# The most frequent written form of a folded n-gram and its count, or None when unknown.
NgramLookup = Callable[[str], tuple[str, int] | None]


class _WithArticles:
    """General syllable counts plus the indexed articles' own (names the archive holds)."""

    def __init__(self, general: SyllableCounts, local: NgramLookup) -> None:
        self._general = general
        self._local = local
        self.total = general.total

    def candidates(self, folded: str) -> list[tuple[str, int]]:
        forms = dict(self._general.candidates(folded))
        found = self._local(folded)
        if found:
            form = found[0].lower()
            forms[form] = forms.get(form, 0) + found[1]
        return list(forms.items())

    def bigram(self, a: str, b: str) -> int:
        found = self._local(f"{fold_accents(a)} {fold_accents(b)}")
        extra = found[1] if found and found[0].lower() == f"{a} {b}" else 0
        return self._general.bigram(a, b) + extra

    def followers(self, form: str) -> int:
        return self._general.followers(form)


class DiacriticRestorer:
    """The most probable accented syllables under a bigram model of Vietnamese news
    (rag/syllables.py), with the indexed articles' n-grams (`local`, the store's table) added in.

    Only words typed without any diacritic change; capitals follow the user.
    """

    def __init__(self, general: SyllableCounts, local: NgramLookup | None = None) -> None:
        self._model: SyllableCounts = _WithArticles(general, local) if local else general

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DiacriticRestorer:
        """An in-memory model over a few texts (tests, small corpora)."""
        return cls(CountedSyllables(*count_syllables(texts)))

    def _binding(self, forms: Sequence[str | None]) -> float:
        """How often the forms follow each other in the counts (log, summed over pairs)."""
        return sum(
            math.log(1 + self._model.bigram(a, b))
            for a, b in itertools.pairwise(forms)
            if a is not None and b is not None
        )

    def _candidates(self, word: str, folded: str) -> list[tuple[str, int]]:
        if word.isdigit():
            return [(NUMBER, max(dict(self._model.candidates(NUMBER)).get(NUMBER, 1), 1))]
        if has_diacritics(word):
            form = word.lower()
            return [(form, max(dict(self._model.candidates(folded)).get(form, 1), 1))]
        return self._model.candidates(folded) if word.isalpha() else []

    def restore(self, query: str) -> str:
        """The query with diacritics restored where the model knows the syllables; others unchanged."""
        matches = list(_WORDS.finditer(query))
        words = [m.group(0) for m in matches]
        folded = [fold_accents(w).lower() for w in words]
        # A word typed with marks, or a number, stays as typed but is context for its neighbours
        # ("nam 2024" is "năm 2024"); a code of letters and digits ("U15", "4G") breaks it.
        candidates = [self._candidates(w, f) for w, f in zip(words, folded, strict=True)]
        if not query.isupper():
            # An acronym ("TEU", "DHQG") in a question not typed in capitals throughout takes no
            # tone marks: at most its "Đ" comes back ("ĐHQG"), never a word's marks ("TẾU").
            for i, (w, f) in enumerate(zip(words, folded, strict=True)):
                if len(w) > 1 and w.isupper():
                    candidates[i] = [(form, n) for form, n in candidates[i] if form.replace("đ", "d") == f]
        fixed = {i for i, w in enumerate(words) if w.isdigit() or has_diacritics(w)}
        forms = best_forms(folded, candidates, self._model.bigram, self._model.total, self._model.followers)
        for a, b in _name_runs(words):
            # A name's syllables go with each other: "san bay Da Nang cao" read as one phrase gives
            # "Đã Nâng cao" ("đã nâng cao" is common); the name read alone, "Đà Nẵng", binds tighter.
            alone = best_forms(
                folded[a:b], candidates[a:b], self._model.bigram, self._model.total, self._model.followers
            )
            if self._binding(alone) > self._binding(forms[a:b]):
                forms[a:b] = alone
        pieces, last = [], 0
        for i, (m, typed, form) in enumerate(zip(matches, words, forms, strict=True)):
            pieces.append(query[last : m.start()])
            pieces.append(_cased(form, typed) if form and i not in fixed else typed)
            last = m.end()
        pieces.append(query[last:])
        return "".join(pieces)


def _name_runs(words: Sequence[str]) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words (names: "Da Nang", "Nguyen Xuan Phuc")."""
    runs, start = [], None
    for i, w in enumerate([*words, ""]):
        if w[:1].isupper():
            start = i if start is None else start
        else:
            if start is not None and i - start >= 2:
                runs.append((start, i))
            start = None
    return runs


def _cased(form: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if typed[:1].isupper() else form
