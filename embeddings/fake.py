"""A deterministic embedder for fast tests: hashed accent-folded syllables.

It shares words like a bag-of-words model, so retrieval tests over it are
meaningful, but it knows no synonyms or languages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.base import Vectors, l2_normalize
from rag.text import fold_accents


class FakeEmbedder:
    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    @property
    def model_id(self) -> str:
        return f"fake-hash-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _embed(self, text: str) -> Vectors:
        vec = np.zeros(self._dimension, dtype=np.float32)
        for word in fold_accents(text.lower()).split():
            word = "".join(c for c in word if c.isalnum())
            if word:
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                vec[h % self._dimension] += 1.0
        if not vec.any():
            vec[0] = 1.0
        return l2_normalize(vec)

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._embed(t) for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._embed(text)
