"""The `openai` embedding backend against a served EmbeddingGemma (tests/integration/embedding_server.py,
a real HTTP server process speaking the OpenAI wire format): the served vectors equal the
in-process ones once the backend adds the model's retrieval prompts, and an index built through
the server answers."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from embeddings.factory import resolve_model_location
from embeddings.openai_server import EmbeddingServerError, OpenAIServerEmbedder
from rag.config import EmbeddingSettings
from rag.pipeline import Pipeline
from tests.conftest import ARTICLES
from tests.servers import free_port, openai_server

pytestmark = pytest.mark.integration

SERVED = "embeddinggemma"
# Three desks: a court report, a match, a price change.
PASSAGES = [
    "TAND tỉnh Cà Mau mở phiên tòa sơ thẩm xét xử 7 bị cáo trong vụ án lừa đảo chiếm đoạt tài sản.",
    "U15 Việt Nam ngược dòng thắng U15 Campuchia 2-1 trong trận ra quân chiều 10/7.",
    "Từ 15h chiều nay, giá xăng RON 95 giảm 1.200 đồng mỗi lít.",
]


@pytest.fixture(scope="module")
def embedding_server(real_pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = real_pipeline.settings
    model_dir = resolve_model_location(settings.embedding.model, settings.models_dir)
    log = tmp_path_factory.mktemp("embedding-server") / "server.log"
    with openai_server(
        lambda port: [sys.executable, "-m", "tests.integration.embedding_server", model_dir, str(port)], log
    ) as url:
        yield url


def _served(base_url: str) -> OpenAIServerEmbedder:
    defaults = EmbeddingSettings()
    return OpenAIServerEmbedder(
        base_url, SERVED, query_prompt=defaults.query_prompt, document_prompt=defaults.document_prompt
    )


def test_served_vectors_match_the_in_process_model(real_pipeline: Pipeline, embedding_server: str) -> None:
    served, local = _served(embedding_server), real_pipeline.embedder
    assert served.dimension == local.dimension
    documents = served.embed_documents(PASSAGES)
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-4)
    assert float((documents * local.embed_documents(PASSAGES)).sum(axis=1).min()) > 0.999
    question = "Giá xăng RON 95 giảm bao nhiêu?"
    query = served.embed_query(question)
    assert float(query @ local.embed_query(question)) > 0.999
    assert int(np.argmax(documents @ query)) == 2
    # Without the retrieval prompts the served vectors drift from the model's own use.
    bare = OpenAIServerEmbedder(embedding_server, SERVED).embed_documents(PASSAGES)
    assert float((bare * documents).sum(axis=1).min()) < 0.999


def test_an_index_embedded_through_the_server_answers(
    real_pipeline: Pipeline, embedding_server: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ("003_b2ca1ae64fe89c4d.txt", "004_a78d91ce2ca9f832.txt"):  # two articles keep it short
        shutil.copy(ARTICLES / name, corpus / name)
    base = real_pipeline.settings
    embedding = base.embedding.model_copy(update={"mode": "openai", "base_url": embedding_server, "model": SERVED})
    settings = base.model_copy(
        update={"embedding": embedding, "paths": base.paths.model_copy(update={"index_dir": tmp_path / "index"})}
    )
    pipeline = Pipeline(settings)
    report = pipeline.ingest([corpus])
    assert report.chunks_embedded == report.chunks_indexed > 0
    hits = pipeline.search("Quảng Trị đã thu hồi được bao nhiêu tiền?", 3, "dense")
    assert hits and hits[0].chunk.source == "003_b2ca1ae64fe89c4d.txt"


def test_a_server_that_is_down_is_a_clear_error() -> None:
    embedder = OpenAIServerEmbedder(f"http://127.0.0.1:{free_port()}/v1", SERVED, timeout_s=2)
    with pytest.raises(EmbeddingServerError, match="Máy chủ embedding"):
        embedder.embed_query("giá xăng")
