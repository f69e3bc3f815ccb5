"""Every prompt template renders; rendering is strict."""

from __future__ import annotations

import pytest

from rag.answer import build_messages
from rag.answer_prompt import answer_grammar
from rag.evidence import select_evidence
from rag.prompts import PromptError, load_template, render, render_text, template_names, variables
from tests.rag.answer_support import QUANG_NINH, QUANG_TRI, hits


@pytest.mark.parametrize("name", template_names())
def test_every_template_renders(name: str) -> None:
    values = {v: f"<{v}>" for v in variables(load_template(name))}
    text = render(name, **values)
    assert "{{" not in text and all(f"<{v}>" in text for v in values)


def test_expected_templates_exist() -> None:
    assert {"answer_system", "answer_user", "condense_system", "condense_user", "language_vi", "language_en"} <= set(
        template_names()
    )


@pytest.mark.parametrize(
    ("values", "ok"),
    [({"a": "1", "b": "2"}, True), ({"a": "1"}, False), ({"a": "1", "b": "2", "c": "3"}, False)],
)
def test_render_is_strict(values: dict[str, str], ok: bool) -> None:
    if ok:
        assert render_text("{{a}} và {{ b }}", **values) == "1 và 2"
    else:
        with pytest.raises(PromptError):
            render_text("{{a}} và {{ b }}", **values)


def test_values_are_not_rendered_again() -> None:
    assert render_text("Q: {{q}}", q="{{q}}") == "Q: {{q}}"


def test_missing_template_fails_loudly() -> None:
    with pytest.raises(PromptError):
        load_template("no_such_template")


def test_system_prefix_is_byte_identical_between_questions() -> None:
    found = hits(("qt.txt", QUANG_TRI), ("qn.txt", QUANG_NINH))
    first = build_messages(
        "Quảng Trị thu hồi bao nhiêu?", select_evidence("thu hồi", found, token_budget=300, max_sentences=3), "vi"
    )
    second = build_messages(
        "How many CBCCVC?", select_evidence("CBCCVC", found, token_budget=300, max_sentences=3), "en"
    )
    assert first[0] == second[0]
    assert "[1] " in first[1]["content"] and "Answer in English" in second[1]["content"]


def test_answer_grammar_cites_only_the_shown_markers() -> None:
    from llama_cpp import LlamaGrammar

    grammar = answer_grammar([3, 1, 3])
    assert 'marker ::= "[" ("1" | "3") "]"' in grammar
    LlamaGrammar.from_string(grammar, verbose=False)  # llama.cpp parses it, or raises
    with pytest.raises(ValueError):
        answer_grammar([])
