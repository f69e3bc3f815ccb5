"""Embeddings from an OpenAI-compatible `/v1/embeddings` server (vLLM, TEI, Infinity, llama.cpp
server), for archives re-embedded on a GPU or a cluster.

Such servers embed the text they are sent as it is, so the retrieval prompts that
sentence-transformers adds in process (EmbeddingGemma's "task: search result | query: ") are
added here, from settings. Vectors are L2-normalised like every backend's. The client comes
from the `openai` package and is built on first use; nothing is contacted at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embeddings.base import Vectors, l2_normalize
from rag.errors import RagError


class EmbeddingServerError(RagError):
    """The embeddings server is unreachable or answered with an error."""


class OpenAIServerEmbedder:
    def __init__(
        self,
        base_url: str | None,
        model: str,
        api_key: str | None = None,
        *,
        batch_size: int = 64,
        timeout_s: float = 60.0,
        query_prompt: str = "",
        document_prompt: str = "",
    ) -> None:
        self.base_url = base_url
        self._model = model
        self._api_key = api_key
        self._batch_size = batch_size
        self._timeout_s = timeout_s
        self._query_prompt = query_prompt
        self._document_prompt = document_prompt
        self._client: Any = None
        self._dimension: int | None = None

    @property
    def model_id(self) -> str:
        return f"openai:{self._model}"

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self._embed(["dimension"]).shape[1])
        return self._dimension

    def _connect(self) -> Any:
        if self._client is None:
            if not self.base_url:
                raise EmbeddingServerError("Chưa đặt địa chỉ máy chủ embedding: RAG_EMBEDDING__BASE_URL (no base_url).")
            from openai import OpenAI

            # Local servers ignore the key, but the client insists on one.
            self._client = OpenAI(
                base_url=self.base_url, api_key=self._api_key or "not-needed", timeout=self._timeout_s
            )
        return self._client

    def _embed(self, texts: Sequence[str]) -> Vectors:
        import openai

        client = self._connect()
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = list(texts[start : start + self._batch_size])
            try:
                reply = client.embeddings.create(model=self._model, input=batch)
            except openai.APIError as exc:
                raise EmbeddingServerError(f"Máy chủ embedding {self.base_url} lỗi: {exc}") from exc
            rows = sorted(reply.data, key=lambda d: d.index)
            if len(rows) != len(batch):
                raise EmbeddingServerError(
                    f"Máy chủ embedding {self.base_url} trả {len(rows)} vector cho {len(batch)} đoạn."
                )
            out.extend(r.embedding for r in rows)
        return l2_normalize(np.asarray(out, dtype=np.float32))

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._embed([self._document_prompt + t for t in texts])
        self._dimension = int(vectors.shape[1])
        return vectors

    def embed_query(self, text: str) -> Vectors:
        return self._embed([self._query_prompt + text])[0]
