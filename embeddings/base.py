"""The embedder contract every backend fulfils."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    Queries and documents are embedded by separate methods because retrieval
    models such as EmbeddingGemma use a different prompt for each.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


Span = tuple[int, int]


@runtime_checkable
class SpanEmbedder(Protocol):
    """An embedder that also returns vectors for character spans of each text, read off the same
    forward pass (its token states pooled over the span), so sentences cost no second pass."""

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> tuple[Vectors, list[Vectors]]: ...


def l2_normalize(vectors: npt.NDArray[np.floating]) -> Vectors:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
