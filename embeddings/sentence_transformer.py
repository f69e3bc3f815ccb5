"""sentence-transformers backend; the model loads on first use, never at import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embeddings.base import Vectors, l2_normalize
from rag.errors import ModelMissingError


class SentenceTransformerEmbedder:
    def __init__(
        self, model_id: str, location: str, *, batch_size: int = 16, threads: int = 2, precision: str = "fp32"
    ) -> None:
        """`precision` "bf16" runs the matmuls in bfloat16 (vectors stay float32): measured here
        1.98x the fp32 tokens/s with cosine 0.9999 to the fp32 vectors (python -m eval.bench_embed)."""
        self._model_id = model_id
        self._location = location
        self._batch_size = batch_size
        self._threads = threads
        self._precision = precision
        self._model: Any = None

    @property
    def model_id(self) -> str:
        return self._model_id

    def _load(self) -> Any:
        if self._model is None:
            try:
                import torch
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ModelMissingError("Thiếu thư viện sentence-transformers/torch. Chạy: make setup") from exc
            torch.set_num_threads(self._threads)
            model_kwargs = {"dtype": torch.bfloat16} if self._precision == "bf16" else None
            try:
                self._model = SentenceTransformer(self._location, device="cpu", model_kwargs=model_kwargs)
            except OSError as exc:
                raise ModelMissingError(
                    f"Không tải được mô hình embedding '{self._model_id}' ({self._location}): {exc}. "
                    "Chạy: rag models fetch"
                ) from exc
        return self._model

    @property
    def dimension(self) -> int:
        dim = self._load().get_embedding_dimension()
        return int(dim)

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode_document(
            list(texts), batch_size=self._batch_size, convert_to_tensor=True, show_progress_bar=progress
        )
        return l2_normalize(vectors.float().numpy())

    def embed_query(self, text: str) -> Vectors:
        vector = self._load().encode_query([text], batch_size=1, convert_to_tensor=True)
        return l2_normalize(vector.float().numpy())[0]

