"""The `openai` LLM backend against a real OpenAI-compatible server: llama-cpp-python's own
server over the provisioned GGUF, started on a free loopback port and stopped by the fixture.

The same answer chain as in process: streaming, citations and verification; a server that is
down or too slow gets a clear message and the extractive fallback.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag.answer import EXTRACTIVE_NO_LLM, Done, Token
from rag.config import Settings
from rag.pipeline import Pipeline
from tests.servers import free_port, llama_server

pytestmark = pytest.mark.integration

ALIAS = "qwen-local"


@pytest.fixture(scope="module")
def llm_server(real_pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    with llama_server(real_pipeline.settings, log, ALIAS) as url:
        yield url


def _served(real_pipeline: Pipeline, **llm: object) -> Pipeline:
    """A second pipeline over the same index, with the LLM on the server (or wherever `llm` says)."""
    base: Settings = real_pipeline.settings
    settings = base.model_copy(update={"llm": base.llm.model_copy(update={"mode": "openai", **llm})})
    return Pipeline(settings, embedder=real_pipeline.embedder)


def test_served_model_streams_a_verified_cited_answer(real_pipeline: Pipeline, llm_server: str) -> None:
    pipeline = _served(real_pipeline, base_url=llm_server, model=ALIAS)
    events = list(
        pipeline.ask_stream(
            "Năm 2021, Bộ Ngoại giao đã hoàn tất kê khai tài sản, thu nhập lần đầu cho bao nhiêu người?"
        )
    )
    answer = events[-1].answer if isinstance(events[-1], Done) else None
    assert answer is not None and not answer.refused
    assert any(isinstance(e, Token) for e in events)  # streamed from the server
    assert answer.fallback != EXTRACTIVE_NO_LLM
    assert "1.695" in answer.answer and answer.citations
    assert 0.0 <= answer.signals["model_refuse"] < 0.5  # the server's logprobs of the first token
    texts = pipeline.article_texts(c.source for c in answer.citations)
    for c in answer.citations:
        assert c.quote == texts[c.source][c.start : c.end]


def test_served_model_trap_is_refused(real_pipeline: Pipeline, llm_server: str) -> None:
    pipeline = _served(real_pipeline, base_url=llm_server, model=ALIAS)
    answer = pipeline.ask("Trong 6 tháng đầu năm 2019, tỉnh Quảng Ninh đã thu hồi được bao nhiêu tiền sai phạm?")
    assert answer.refused


@pytest.mark.parametrize(
    ("llm", "why"),
    [
        ({"base_url": f"http://127.0.0.1:{free_port()}/v1", "timeout_s": 5.0}, "down"),
        ({"timeout_s": 0.05}, "too slow"),
    ],
)
def test_a_server_down_or_too_slow_gets_a_clear_message_and_the_extractive_answer(
    real_pipeline: Pipeline, llm_server: str, llm: dict[str, object], why: str
) -> None:
    settings = {"base_url": llm_server, "model": ALIAS, **llm}
    pipeline = _served(real_pipeline, **settings)
    answer = pipeline.ask("Quảng Ninh đã chuyển đổi vị trí công tác cho bao nhiêu cán bộ?")
    assert answer.fallback == EXTRACTIVE_NO_LLM, (why, answer.mode, answer.refused, answer.notes)
    assert not answer.refused and "251" in answer.answer
    assert any("Máy chủ LLM" in note for note in answer.notes), answer.notes
