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
            try:
                self._model = SentenceTransformer(self._location, device="cpu")
            except OSError as exc:
                raise ModelMissingError(
                    f"Không tải được mô hình embedding '{self._model_id}' ({self._location}): {exc}. "
                    "Chạy: rag models fetch"
                ) from exc
            if self._precision == "int8":
                quantize(self._model)
        return self._model

    @property
    def dimension(self) -> int:
        dim = self._load().get_embedding_dimension()
        return int(dim)

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode_document(
            list(texts), batch_size=self._batch_size, convert_to_numpy=True, show_progress_bar=progress
        )
        return l2_normalize(np.asarray(vectors))

    def embed_query(self, text: str) -> Vectors:
        vector = self._load().encode_query([text], batch_size=1, convert_to_numpy=True)
        return l2_normalize(np.asarray(vector))[0]


def quantize(model: Any) -> Any:
    """int8 weights for every Linear layer (activations quantised per batch), in place.

    The matmuls then run on the CPU's int8 units (AVX-512 VNNI here, through fbgemm), which
    peak at about four times the fp32 rate; done at load, in a second, so nothing is exported.
    """
    import torch

    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
