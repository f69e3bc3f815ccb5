"""A minimal OpenAI-compatible /v1/embeddings server over the provisioned EmbeddingGemma, run as
its own process by tests/integration/test_openai_embeddings.py.

No packaged server here serves EmbeddingGemma offline (llama.cpp's needs a GGUF of it, and its
Python server cannot pool), so this stands in for vLLM/TEI/Infinity: like them, it embeds each
input exactly as sent (no prompt added) and answers in the OpenAI wire format.

    python -m tests.integration.embedding_server MODEL_DIR PORT
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer


class EmbeddingRequest(BaseModel):
    model: str
    input: list[str] | str


def app_for(model_dir: str) -> FastAPI:
    model = SentenceTransformer(model_dir, device="cpu")
    app = FastAPI()

    @app.get("/v1/models")
    def models() -> dict[str, object]:
        return {"object": "list", "data": [{"id": "embeddinggemma", "object": "model", "owned_by": "test"}]}

    @app.post("/v1/embeddings")
    def embeddings(request: EmbeddingRequest) -> dict[str, object]:
        texts = [request.input] if isinstance(request.input, str) else request.input
        vectors = model.encode(texts, prompt="", normalize_embeddings=False)  # as sent, like vLLM/TEI
        data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
        return {
            "object": "list",
            "data": data,
            "model": request.model,
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }

    return app


if __name__ == "__main__":
    uvicorn.run(app_for(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
