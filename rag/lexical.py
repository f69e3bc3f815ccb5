"""Lexical terms: Vietnamese word-segmented, accent-folded tokens, as SQLite FTS5 indexes them.

The inverted index is SQLite FTS5's (rag/store.py): it is updated per article in the same
transaction as the article, where bm25s would rebuild over the whole archive.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

from rag.text import canonical_number, fold_accents, normalize

# A term in fewer chunks than this is never "common", whatever the archive's size.
MIN_COMMON_DF = 500
# Terms that seed the candidates when every query term is common.
RAREST_FALLBACK = 3
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


_FTS_SAFE = re.compile(r"^[0-9a-z_]+$")


def fts_terms(tokens: Sequence[str]) -> list[str]:
    """Tokens as single FTS5 terms: a token with other characters ("898.9", "ñ") is hex-encoded,
    so SQLite's tokenizer never splits or folds it differently from the query."""
    return [t if _FTS_SAFE.match(t) else "u" + t.encode().hex() for t in tokens if t]


def fts_query(tokens: Sequence[str]) -> str:
    """An FTS5 query matching any of the tokens (BM25 then ranks by how many and how rare)."""
    return " OR ".join(f'"{t}"' for t in dict.fromkeys(fts_terms(tokens)))


def bm25_scores(
    query: Sequence[str],
    documents: Mapping[int, Sequence[str]],
    df: Mapping[str, int],
    total: int,
    mean_length: float,
    *,
    k1: float = 1.2,
    b: float = 0.75,
) -> dict[int, float]:
    """Okapi BM25 of each document for the query terms (Lucene's idf, FTS5's k1 and b). Pure."""
    idf = {t: math.log(1 + (total - df[t] + 0.5) / (df[t] + 0.5)) for t in set(query) if df.get(t)}
    scores: dict[int, float] = {}
    for row, terms in documents.items():
        counts = Counter(terms)
        norm = k1 * (1 - b + b * len(terms) / (mean_length or 1.0))
        scores[row] = sum(w * counts[t] * (k1 + 1) / (counts[t] + norm) for t, w in idf.items() if counts[t])
    return scores


class LexicalSource(Protocol):
    """What the lexical index reads from the store (rag/store.py)."""

    def lexical_stats(self) -> tuple[int, float]: ...

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]: ...

    def match(self, terms: Sequence[str], limit: int) -> list[int]: ...

    def terms_of(self, rows: Sequence[int]) -> dict[int, list[str]]: ...


class LexicalIndex:
    """BM25 over the store's FTS5 index, at a cost set by the query's rare terms, not the archive.

    FTS5 scores every chunk holding any query term, and a syllable such as "năm" or "của"
    sits in most chunks of a news archive: its postings, not the answer, set the cost. So
    the candidates come from the terms held by at most `common_share` of the chunks (the
    rarest few if none is), and those candidates are then scored with every query term by
    exact BM25. A chunk holding only common terms can rank high in neither.
    """

    def __init__(self, source: LexicalSource, *, common_share: float, candidates: int) -> None:
        self._source = source
        self._common_share = common_share
        self._candidates = candidates

    def search(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        terms = list(dict.fromkeys(fts_terms(tokens)))
        df = self._source.document_frequencies(terms)
        present = [t for t in terms if df.get(t)]
        if not present:
            return []
        total, mean_length = self._source.lexical_stats()
        limit = max(self._common_share * total, MIN_COMMON_DF)
        rare = [t for t in present if df[t] <= limit] or sorted(present, key=lambda t: df[t])[:RAREST_FALLBACK]
        rows = self._source.match(rare, max(self._candidates, 4 * n))
        scores = bm25_scores(present, self._source.terms_of(rows), df, total, mean_length)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(row, score) for row, score in ranked[:n] if score > 0]
