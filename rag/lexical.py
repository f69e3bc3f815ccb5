"""Lexical terms: Vietnamese word-segmented, accent-folded tokens, as SQLite FTS5 indexes them.

BM25 itself is FTS5's (rag/store.py): its inverted index is updated per article in the
same transaction as the article, where bm25s would rebuild over the whole archive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


_FTS_SAFE = re.compile(r"^[0-9a-z_]+$")


def fts_terms(tokens: Sequence[str]) -> list[str]:
    """Tokens as single FTS5 terms: a token with other characters ("898.9", "ñ") is hex-encoded,
    so SQLite's tokenizer never splits or folds it differently from the query."""
    return [t if _FTS_SAFE.match(t) else "u" + t.encode().hex() for t in tokens if t]


def fts_query(tokens: Sequence[str]) -> str:
    """An FTS5 query matching any of the tokens (BM25 then ranks by how many and how rare)."""
    return " OR ".join(f'"{t}"' for t in dict.fromkeys(fts_terms(tokens)))
