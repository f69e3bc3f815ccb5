"""sentence-transformers backend; the model loads on first use, never at import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embeddings.base import Span, Vectors, l2_normalize
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

    def embed_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> tuple[Vectors, list[Vectors]]:
        """Document vectors as `embed_documents` gives them, and per span the mean of its tokens'
        contextual states sent through the model's own post-pooling layers (Dense, Normalize).

        One forward pass instead of a second one per sentence (`sentence_vectors = "pooled"`):
        retrieval ranks chunks about as well, but a chunk's sentences score alike, so the
        sentence stating the asked fact ranks lower than with separately embedded ones (README).
        A span the tokenizer truncated away is embedded on its own instead.
        """
        import torch

        model = self._load()
        if not texts:
            empty = np.zeros((0, self.dimension), dtype=np.float32)
            return empty, []
        outputs = model.encode_document(list(texts), batch_size=self._batch_size, output_value=None)
        prompt = (model.prompts or {}).get("document", "")
        tail = _post_pooling(model)
        documents = l2_normalize(torch.stack([o["sentence_embedding"] for o in outputs]).float().numpy())
        pooled: list[torch.Tensor] = []
        where: list[tuple[int, int]] = []
        lost: list[tuple[int, int, str]] = []
        for i, (text, out) in enumerate(zip(texts, outputs, strict=True)):
            offsets = self._offsets(prompt + text, out)
            states = out["token_embeddings"]
            for j, (start, end) in enumerate(spans[i]):
                lo, hi = start + len(prompt), end + len(prompt)
                picked = [t for t, (a, b) in enumerate(offsets) if b > lo and a < hi] if offsets else []
                if picked:
                    pooled.append(states[picked].float().mean(0))
                    where.append((i, j))
                else:
                    lost.append((i, j, text[start:end]))
        result = [np.zeros((len(s), documents.shape[1]), dtype=np.float32) for s in spans]
        if pooled:
            with torch.inference_mode():
                features = {"sentence_embedding": torch.stack(pooled).to(states.dtype)}
                for module in tail:
                    features = module(features)
            vectors = l2_normalize(features["sentence_embedding"].float().numpy())
            for (i, j), vector in zip(where, vectors, strict=True):
                result[i][j] = vector
        if lost:
            alone = self.embed_documents([t for _, _, t in lost])
            for (i, j, _), vector in zip(lost, alone, strict=True):
                result[i][j] = vector
        return documents, result

    def _offsets(self, text: str, output: dict[str, Any]) -> list[tuple[int, int]]:
        """Character offsets of the tokens the model saw; [] if they cannot be matched to them."""
        model = self._load()
        enc = model.tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=model.max_seq_length)
        ids = output["input_ids"][output["attention_mask"].bool()].tolist()
        return [tuple(o) for o in enc["offset_mapping"]] if enc["input_ids"] == ids else []


def _post_pooling(model: Any) -> list[Any]:
    """The modules after mean pooling (EmbeddingGemma: two Dense layers and Normalize)."""
    names = [type(m).__name__ for m in model]
    if "Pooling" not in names:
        raise ValueError("the embedding model has no pooling layer to pool spans with")
    return list(model)[names.index("Pooling") + 1 :]
