"""Importing the packages loads no heavy library and no model."""

from __future__ import annotations

import subprocess
import sys

HEAVY = [
    "torch",
    "sentence_transformers",
    "faiss",
    "gradio",
    "llama_cpp",
    "transformers",
    "pyvi",
    "pymilvus",
    "milvus_lite",
]


def test_import_is_light() -> None:
    code = (
        "import sys, rag, rag.cli, rag.config, rag.pipeline, rag.retrieval, rag.ingest, "
        "rag.vectorstore, rag.vectorstore_milvus, embeddings, "
        "embeddings.factory, ui, eval\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
