"""Query language detection and diacritic restoration (pure).

Staff type Vietnamese without diacritics; the dense model understands
"Bộ Ngoại giao" far better than "Bo Ngoai giao". The restorer maps folded
word n-grams back to the accented form most frequent in the indexed corpus,
so it only ever proposes words the articles actually use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from rag.text import fold_accents, has_diacritics

Language = Literal["vi", "en"]

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# Frequent function words that tell English from diacritic-free Vietnamese.
_EN = frozenset(
    "the a an of to in on for and or is are was were be been did does do what which who whom whose when where why "
    "how many much has have had with by from that this these those it its as at their there than into about".split()
)
_VI = frozenset(
    "cua va cac nhung bao nhieu duoc da co khong nao gi ai la trong voi cho nam thi ve tai theo nguoi "
    "bo tinh cong tac viec nhu the sao khi nay do".split()
)


def detect_language(text: str) -> Language:
    """'vi' for Vietnamese (with or without diacritics), 'en' for English."""
    if has_diacritics(text):
        return "vi"
    words = [w.lower() for w in _WORDS.findall(text)]
    en = sum(w in _EN for w in words)
    vi = sum(w in _VI for w in words)
    return "en" if en > vi else "vi"


def _ngrams(words: list[str], n: int) -> Iterable[tuple[int, tuple[str, ...]]]:
    for i in range(len(words) - n + 1):
        yield i, tuple(words[i : i + n])


class DiacriticRestorer:
    """Greedy longest-match restoration against the corpus vocabulary (up to `max_n` words)."""

    def __init__(self, texts: Iterable[str], max_n: int = 3) -> None:
        self.max_n = max_n
        counts: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
        for text in texts:
            words = _WORDS.findall(text)
            for n in range(1, max_n + 1):
                for _, gram in _ngrams(words, n):
                    key = tuple(fold_accents(w).lower() for w in gram)
                    counts.setdefault(key, Counter())[gram] += 1
        self._table = {k: c.most_common(1)[0][0] for k, c in counts.items()}

    def restore(self, query: str) -> str:
        """The query with diacritics restored where the corpus knows the words; others unchanged."""
        matches = list(_WORDS.finditer(query))
        words = [m.group(0) for m in matches]
        out = list(words)
        i = 0
        while i < len(words):
            for n in range(min(self.max_n, len(words) - i), 0, -1):
                key = tuple(fold_accents(w).lower() for w in words[i : i + n])
                gram = self._table.get(key)
                if gram and all(not has_diacritics(w) for w in words[i : i + n]):
                    for j, w in enumerate(gram):
                        # Keep the user's capitalisation of the first letter.
                        orig = words[i + j]
                        out[i + j] = w[0].upper() + w[1:] if orig[:1].isupper() else w[0].lower() + w[1:]
                    i += n
                    break
            else:
                i += 1
        pieces, last = [], 0
        for m, w in zip(matches, out, strict=True):
            pieces.append(query[last : m.start()])
            pieces.append(w)
            last = m.end()
        pieces.append(query[last:])
        return "".join(pieces)
