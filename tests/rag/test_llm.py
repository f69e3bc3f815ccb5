"""LLM backends: the factory, the fake, and lazy loading."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rag.config import load_settings
from rag.llm import FakeLLM, LlamaCppLLM, LLMUnavailableError, OpenAICompatibleLLM, build_llm, complete


def settings(tmp_path: Path, **env: str):
    return load_settings(None, {"HOME": str(tmp_path), **env})


@pytest.mark.parametrize(("mode", "cls"), [("fake", FakeLLM), ("openai", OpenAICompatibleLLM)])
def test_factory_picks_backend(tmp_path: Path, mode: str, cls: type) -> None:
    assert isinstance(build_llm(settings(tmp_path, RAG_LLM__MODE=mode)), cls)


def test_llama_cpp_model_not_provisioned_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailableError, match="rag models fetch"):
        build_llm(settings(tmp_path))


def test_llama_cpp_loads_lazily(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model")
    llm = build_llm(settings(tmp_path, RAG_LLM__MODEL=str(bad)))
    assert isinstance(llm, LlamaCppLLM) and llm._model is None
    with pytest.raises(LLMUnavailableError, match=r"broken\.gguf"):
        complete(llm, [{"role": "user", "content": "xin chào"}], max_tokens=4)


def test_openai_without_url_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    llm = build_llm(settings(tmp_path, RAG_LLM__MODE="openai"))
    with pytest.raises(LLMUnavailableError, match="BASE_URL"):
        complete(llm, [{"role": "user", "content": "x"}], max_tokens=4)


@pytest.mark.parametrize(
    ("replies", "outputs"),
    [(["a", "b"], ["a", "b", "b"]), (["một hai ba"], ["một hai ba"] * 3)],
)
def test_fake_replies_in_turn(replies: list[str], outputs: list[str]) -> None:
    llm = FakeLLM(replies)
    assert [complete(llm, [{"role": "user", "content": "q"}], max_tokens=8) for _ in outputs] == outputs
    assert len(llm.calls) == 3


@pytest.mark.parametrize(
    ("prompt", "reply"),
    [("Các câu trích:\n[1] Có 28 cuộc.\n[2] Khác.", "Có 28 cuộc. [1]"), ("Không có gì", "KHÔNG TÌM THẤY")],
)
def test_fake_default_echoes_first_evidence(prompt: str, reply: str) -> None:
    assert complete(FakeLLM(), [{"role": "user", "content": prompt}], max_tokens=8) == reply


def test_fake_error() -> None:
    with pytest.raises(LLMUnavailableError):
        complete(FakeLLM(error=LLMUnavailableError("x")), [], max_tokens=1)


def test_importing_llm_loads_no_backend() -> None:
    assert "llama_cpp" not in sys.modules or "rag.llm" in sys.modules
