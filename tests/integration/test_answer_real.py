"""The answer chain with the real embedder and the provisioned Qwen GGUF (runs in make test and CI).

Kept to a handful of questions: each generated answer costs 10-30 s on two cores.
"""

from __future__ import annotations

import re

import pytest

from rag.answer import REFUSAL, Done, Token
from rag.answer_prompt import answer_grammar
from rag.history import Turn
from rag.llm import Message
from rag.pipeline import Pipeline

pytestmark = pytest.mark.integration


def _articles(p: Pipeline) -> dict[str, str]:
    return p.article_texts(a.source for a in p.articles())


def test_generative_answer_states_the_figure_with_exact_citations(real_pipeline: Pipeline) -> None:
    events = list(
        real_pipeline.ask_stream(
            "Năm 2021, Bộ Ngoại giao đã hoàn tất kê khai tài sản, thu nhập lần đầu cho bao nhiêu người?"
        )
    )
    answer = events[-1].answer if isinstance(events[-1], Done) else None
    assert answer is not None and not answer.refused
    assert any(isinstance(e, Token) for e in events) or answer.fallback
    assert "1.695" in answer.answer and answer.citations
    # The model's own judgement was read from its first-token probabilities (in process or on the
    # server): it did not lean towards "not found" for a question its excerpts answer.
    assert 0.0 <= answer.signals["model_refuse"] < 0.5
    texts = _articles(real_pipeline)
    for c in answer.citations:
        assert c.quote == texts[c.source][c.start : c.end]
        assert f"[{c.n}]" in answer.answer


def test_trap_question_is_refused(real_pipeline: Pipeline) -> None:
    answer = real_pipeline.ask("Trong 6 tháng đầu năm 2019, tỉnh Quảng Ninh đã thu hồi được bao nhiêu tiền sai phạm?")
    assert answer.refused and answer.answer == REFUSAL["vi"]
    assert answer.citations  # see also


def test_in_domain_trap_the_retrieval_check_lets_through_is_refused(real_pipeline: Pipeline) -> None:
    """Quảng Ninh's 2021 article exists and talks about declarations, but gives no first-time count
    (the 1.695 is the Foreign Ministry's): the model's figure is found in no passage."""
    answer = real_pipeline.ask(
        "Năm 2021, tỉnh Quảng Ninh đã hoàn thành kê khai tài sản, thu nhập lần đầu cho bao nhiêu trường hợp?"
    )
    assert answer.refused and answer.answer == REFUSAL["vi"]
    assert "1.695" not in answer.answer


def test_follow_up_is_rewritten_and_answered(real_pipeline: Pipeline) -> None:
    history = [
        Turn("user", "Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra kinh tế - xã hội?"),
        Turn("assistant", "Quảng Trị đã tiến hành 28 cuộc thanh tra kinh tế - xã hội tại 33 đơn vị."),
    ]
    answer = real_pipeline.ask("Còn Quảng Ninh thì sao?", history)
    assert "Quảng Ninh" in answer.standalone_question
    assert not answer.refused and "84" in answer.answer
    assert all(c.source.startswith("004_") for c in answer.citations)


def test_extractive_mode_quotes_evidence(real_pipeline: Pipeline) -> None:
    answer = real_pipeline.ask("Quảng Ninh đang duy trì bao nhiêu dịch vụ công trực tuyến mức độ 4?", mode="extractive")
    assert answer.mode == "extractive" and "1.102" in answer.answer
    assert answer.timings_ms["first_token"] is None


# The shape prompts/answer_grammar.txt allows: one or two statements closed by markers, or the refusal.
_STATEMENT = r"[^\[\]\n?]+?\.? \[[12]\](?:\[[12]\])?\.?"
_SHAPE = re.compile(rf"KHÔNG TÌM THẤY|{_STATEMENT}(?: {_STATEMENT})?")


def test_the_model_writes_under_the_answer_grammar(real_pipeline: Pipeline) -> None:
    """In process (local stack) or on llama.cpp's server (servers stack), a reply decoded under the
    grammar cites only shown sentences and cannot leave a statement without its marker, even when
    the prompt does not ask for markers at all."""
    messages: list[Message] = [
        {"role": "system", "content": "Bạn là trợ lý. Hãy giải thích thật chi tiết, nhiều đoạn."},
        {
            "role": "user",
            "content": "[1] Tàu chở 27 thuyền viên và hơn 1.800 tấn dầu.\n[2] Tàu mắc cạn ở Bình Thuận tối 10/6.\n"
            "Trên tàu có bao nhiêu thuyền viên, và tàu mắc cạn ở đâu?",
        },
    ]
    reply = "".join(real_pipeline.llm.stream(messages, max_tokens=200, grammar=answer_grammar([1, 2])))
    assert _SHAPE.fullmatch(reply.strip()), reply
