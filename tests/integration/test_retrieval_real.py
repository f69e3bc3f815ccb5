"""Real EmbeddingGemma + FAISS + BM25 over the bundled articles (runs in make test and CI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.base import SpanEmbedder
from rag.pipeline import Pipeline
from tests.conftest import ARTICLES

pytestmark = pytest.mark.integration


@pytest.fixture
def real(real_pipeline: Pipeline) -> Pipeline:
    """The session's real pipeline (tests/integration/conftest.py): one index build per run."""
    return real_pipeline


@pytest.mark.parametrize(
    ("query", "source", "needle"),
    [
        (
            "Năm 2021 Bộ Ngoại giao kê khai tài sản lần đầu cho bao nhiêu trường hợp?",
            "000_5c1d37ac7b9ba84b.txt",
            "1.695",
        ),
        ("bo ngoai giao ke khai tai san lan dau bao nhieu truong hop", "000_5c1d37ac7b9ba84b.txt", "1.695"),
        (
            "How many officials did Quảng Ninh plan to rotate in the first half of 2021?",
            "004_a78d91ce2ca9f832.txt",
            "251",
        ),
        (
            "What percentage of its inspection plan had the Ministry's Inspectorate completed in 2023?",
            "001_968b805e6dd2d020.txt",
            "75%",
        ),
        ("Quảng Trị phát hiện vụ việc tham nhũng với số tiền bao nhiêu?", "003_b2ca1ae64fe89c4d.txt", "898,9"),
        ("Ai là tác giả bài viết về Bộ Ngoại giao ngày 30/08/2023?", "001_968b805e6dd2d020.txt", "Văn Hiếu"),
    ],
)
def test_answer_passage_ranks_high(real: Pipeline, query: str, source: str, needle: str) -> None:
    hits = real.search(query, 3)
    ranked = [(h.chunk.source, needle in h.chunk.text) for h in hits]
    assert (source, True) in ranked, ranked


def test_english_question_finds_vietnamese_passage_by_meaning(real: Pipeline) -> None:
    hits = real.search("Which UN convention against corruption should the ministry fully implement?", 3, "dense")
    assert any("UNCAC" in h.chunk.text for h in hits)


def test_index_reloads_from_disk_with_same_results(real: Pipeline) -> None:
    fresh = Pipeline(real.settings)
    query = "Quảng Ninh có bao nhiêu thủ tục hành chính được công bố?"
    assert [h.chunk.chunk_id for h in fresh.search(query)] == [h.chunk.chunk_id for h in real.search(query)]


def test_reingest_is_a_no_op(real: Pipeline) -> None:
    report = real.ingest([ARTICLES])
    assert report.chunks_embedded == 0 and len(report.unchanged) == 5


def test_models_are_loaded_from_the_provisioned_folder(real: Pipeline) -> None:
    assert real.embedder.model_id == "embeddinggemma-300m"
    assert real.embedder.dimension == 768
    assert Path(real.settings.models_dir, "embeddinggemma-300m", "model.safetensors").is_file()


def test_pooled_sentence_vectors_come_from_the_same_pass(real: Pipeline) -> None:
    """One forward pass gives the document vector exactly, and sentence vectors that tell the
    sentence a question is about from its neighbours (several desks, one text)."""
    embedder = real.embedder
    assert isinstance(embedder, SpanEmbedder)
    sentences = [
        "Giá xăng RON 95 tăng 500 đồng mỗi lít từ 15 giờ chiều nay.",
        "Câu lạc bộ Hà Nội thắng Hải Phòng 3-1 nhờ cú đúp của Rafaelson.",
        "Bệnh viện Bạch Mai tiếp nhận 30 ca ngộ độc thực phẩm.",
    ]
    text = "Tin tổng hợp\n" + " ".join(sentences)
    spans = [(text.index(s), text.index(s) + len(s)) for s in sentences]
    documents, pooled = embedder.embed_with_spans([text], [spans])
    assert float(documents[0] @ embedder.embed_documents([text])[0]) > 0.999
    questions = ["Xăng tăng giá bao nhiêu?", "Ai ghi bàn cho Hà Nội?", "Bao nhiêu người bị ngộ độc?"]
    for i, question in enumerate(questions):
        scores = pooled[0] @ embedder.embed_query(question)
        assert int(np.argmax(scores)) == i, (question, scores)
