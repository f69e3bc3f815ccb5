"""BM25 over Vietnamese word-segmented, accent-folded tokens."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from rag.text import canonical_number, fold_accents, normalize

_NUMERIC = re.compile(r"^\d+(?:[.,]\d+)*$")
_HAS_WORD_CHAR = re.compile(r"\w", re.UNICODE)


def lexical_tokens(words: Sequence[str]) -> list[str]:
    """Index terms from segmented words ("tham_nhũng"): the folded compound plus its syllables.

    Syllables let unsegmented or diacritic-free queries ("tham nhung") still match;
    the compound rewards the exact multi-syllable word.
    """
    tokens: list[str] = []
    for word in words:
        if _NUMERIC.match(word):
            tokens.append(canonical_number(word))
            continue
        folded = fold_accents(word.lower())
        syllables = [s for s in folded.split("_") if _HAS_WORD_CHAR.search(s)]
        if not syllables:
            continue
        tokens.extend(syllables)
        if len(syllables) > 1:
            tokens.append("_".join(syllables))
    return tokens


def segment(text: str) -> list[str]:
    """Vietnamese word segmentation with pyvi (imported lazily: it loads a CRF model)."""
    from pyvi import ViTokenizer

    return str(ViTokenizer.tokenize(normalize(text))).split()


def tokenize(text: str) -> list[str]:
    return lexical_tokens(segment(text))


class BM25Index:
    """bm25s over pre-tokenised chunks; rebuilt from stored tokens on load (milliseconds)."""

    def __init__(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        import bm25s

        self._size = len(corpus_tokens)
        self._bm25: Any = None
        if self._size:
            self._bm25 = bm25s.BM25()
            # An empty chunk would break bm25s' vocabulary; give it a token nothing matches.
            self._bm25.index([list(t) or ["\x00"] for t in corpus_tokens], show_progress=False)

    def scores(self, query_tokens: Sequence[str]) -> npt.NDArray[np.float32]:
        if not self._size or not query_tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(list(query_tokens)), dtype=np.float32)

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        scores = self.scores(query_tokens)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
