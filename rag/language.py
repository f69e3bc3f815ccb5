"""Query language detection and diacritic restoration (pure).

Staff type Vietnamese without diacritics; the dense model understands
"Bộ Ngoại giao" far better than "Bo Ngoai giao". The restorer maps folded
word n-grams back to the accented form most frequent in the indexed corpus,
so it only ever proposes words the articles actually use.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Literal

from rag.text import fold_accents, has_diacritics

Language = Literal["vi", "en"]

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# Frequent function words that tell English from diacritic-free Vietnamese.
# English function words: counted to detect English, ignored when matching question words.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in on for and or is are was were be been did does do what which who whom whose when "
    "where why how many much has have had with by from that this these those it its as at their there "
    "than into about ".split()
)
_VI = frozenset(
    "cua va cac nhung bao nhieu duoc da co khong nao gi ai la trong voi cho nam thi ve tai theo nguoi bo "
    "tinh cong tac viec nhu the sao khi nay do ".split()
)


# Question and function words, counted as if seen this many times, so that
# "bao nhieu" becomes "bao nhiêu" even where the articles say "nhiều" more often.
_SEED_WEIGHT = 1000
_SEED_PHRASES = (
    "bao nhiêu",
    "bao giờ",
    "như thế nào",
    "thế nào",
    "là gì",
    "cái gì",
    "gì",
    "nào",
    "những",
    "các",
    "của",
    "và",
    "không",
    "có",
    "đã",
    "được",
    "đang",
    "sẽ",
    "ai",
    "ở đâu",
    "tại sao",
    "vì sao",
    "là",
    "với",
    "cho",
    "về",
    "trong",
    "năm",
    "tháng",
    "ngày",
    "người",
    "bài viết",
    "bài báo",
    "viết",
    "tác giả",
    "đăng",
    "khi nào",
    "mấy",
    "bị",
    "thì",
    "sao",
    "còn",
    "nhiêu",
    "gồm",
    "lần",
    "đầu",
    "tiên",
    "tỉnh",
    "bộ",
    "nêu",
    "cụ thể",
)


def detect_language(text: str) -> Language:
    """'vi' for Vietnamese (with or without diacritics), 'en' for English."""
    words = [w for w in _WORDS.findall(text)]
    # English questions name Vietnamese places ("Quảng Ninh"), so diacritics alone do not decide.
    accented = sum(has_diacritics(w) for w in words)
    en = sum(w.lower() in ENGLISH_FUNCTION_WORDS for w in words)
    vi = sum(fold_accents(w).lower() in _VI for w in words if not has_diacritics(w))
    return "en" if en >= 2 and en > vi + accented // 2 else "vi"


MetadataIntent = Literal["author", "date"]
# Folded, lower-case cues of a question about who wrote an article or when it appeared.
_AUTHOR_CUES = re.compile(
    r"\b(tac gia|ai viet|nguoi viet|viet boi|phong vien nao|but danh|who wrote|author|written by|byline)\b"
    # "by whom" only counts when the question is about the article itself.
    r"|\bbai (viet |bao )?\b.{0,80}\b(do ai|ai thuc hien)\b"
)
_DATE_CUES = re.compile(
    r"\b(dang (vao |vao luc |luc |khi )?(ngay|luc|khi) nao|ngay dang|dang ngay|xuat ban|dang tai|"
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


def _seeded(lookup: NgramLookup) -> NgramLookup:
    seeds = {fold_accents(p): (p, _SEED_WEIGHT) for p in _SEED_PHRASES}

    def best(key: str) -> tuple[str, int] | None:
        found, seed = lookup(key), seeds.get(key)
        if found and seed:
            return (
                (seed[0], seed[1] + found[1]) if found[0].lower() == seed[0] else max(found, seed, key=lambda e: e[1])
            )
        return found or seed

    return best


class DiacriticRestorer:
    """Greedy longest-match restoration against the corpus vocabulary (up to `max_n` words).

    The vocabulary is read through `lookup` (the document store's n-gram table), so a query
    costs a few key lookups and memory does not grow with the archive.
    """

    def __init__(self, lookup: NgramLookup, max_n: int = VOCABULARY_NGRAMS) -> None:
        self.max_n = max_n
        self._lookup = _seeded(lookup)

    @classmethod
    def from_texts(cls, texts: Iterable[str], max_n: int = VOCABULARY_NGRAMS) -> DiacriticRestorer:
        """An in-memory vocabulary over a few texts (tests, small corpora)."""
        counts: Counter[tuple[str, str]] = Counter()
        for text in texts:
            counts.update(ngram_counts(text, max_n))
        table: dict[str, tuple[str, int]] = {}
        for (key, form), count in counts.items():
            if key not in table or count > table[key][1]:
                table[key] = (form, count)
        return cls(table.get, max_n)

    def _entry(self, words: Iterable[str]) -> tuple[tuple[str, ...], int] | None:
        found = self._lookup(" ".join(words))
        return (tuple(found[0].split()), found[1]) if found else None

    def _segment(self, folded: list[str]) -> list[tuple[int, int]]:
        """Best split of the folded words into known n-grams (dynamic programming).

        A segment scores 5 * n² + log(count) / 2: longer phrases win clearly (a phrase the
        corpus attests beats its words seeded one by one: "viet nam" is "Việt Nam", not
        "viết năm"), and frequent phrases break ties, so "co bao nhieu" splits as
        "có | bao nhiêu", not "có báo | nhiêu".
        """
        best: list[tuple[float, list[tuple[int, int]]]] = [(0.0, [])]
        for end in range(1, len(folded) + 1):
            options = [(best[end - 1][0], [*best[end - 1][1], (end - 1, 1)])]
            for n in range(1, min(self.max_n, end) + 1):
                entry = self._entry(folded[end - n : end])
                if entry:
                    score = best[end - n][0] + 5 * n * n + 0.5 * math.log(entry[1] + 1)
                    options.append((score, [*best[end - n][1], (end - n, n)]))
            best.append(max(options, key=lambda o: o[0]))
        return best[-1][1]

    def restore(self, query: str) -> str:
        """The query with diacritics restored where the corpus knows the words; others unchanged."""
        matches = list(_WORDS.finditer(query))
        words = [m.group(0) for m in matches]
        out = list(words)
        for i, n in self._segment([fold_accents(w).lower() for w in words]):
            entry = self._entry(fold_accents(w).lower() for w in words[i : i + n])
            if not entry:
                continue
            for j, w in enumerate(entry[0]):
                typed = words[i + j]
                if has_diacritics(typed):
                    continue  # the user chose these marks
                # Names keep the corpus capitals ("Quảng Trị"); other words follow the user.
                out[i + j] = w if w[:1].isupper() else (w[0].upper() + w[1:] if typed[:1].isupper() else w)
        pieces, last = [], 0
        for m, w in zip(matches, out, strict=True):
            pieces.append(query[last : m.start()])
            pieces.append(w)
            last = m.end()
        pieces.append(query[last:])
        return "".join(pieces)
