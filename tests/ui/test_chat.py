"""Event-to-message conversion, history and login parsing: plain functions, no Gradio."""

from __future__ import annotations

import pytest

from rag.answer import Answer, Done, Token
from rag.citations import Citation
from rag.errors import QueryError
from rag.history import Turn
from ui.chat import (
    Exchange,
    exchange_for_message,
    messages_from_exchanges,
    parse_users,
    stream_views,
    turns_from_exchanges,
    turns_from_messages,
)


def answer(text: str = "Có 28 cuộc [1].", refused: bool = False) -> Answer:
    c = Citation(1, "a.txt", "Tiêu đề", "2019-07-01", "a.txt#0", 0, 5, "Có 28")
    return Answer("Bao nhiêu?", "Bao nhiêu?", text, refused, "generative", None, (c,), {"total": 1.0})


def test_stream_views_wait_stream_then_verified_answer() -> None:
    events = [Token("Có 2"), Token("8 cuộc [3]"), Done(answer())]
    views = list(stream_views("Bao nhiêu?", events, [], "generative"))
    assert [v.done for v in views] == [False, False, False, True]
    assert "rag-waiting" in views[0].messages[-1]["content"]
    assert "Có 28 cuộc" in views[2].messages[-1]["content"] and "rag-streaming" in views[2].messages[-1]["content"]
    final = views[-1]
    assert [m["role"] for m in final.messages] == ["user", "assistant"]
    assert 'href="#nguon-0-1"' in final.messages[-1]["content"]
    assert final.exchanges[0].citations[0]["quote"] == "Có 28"


def test_stream_views_keeps_earlier_turns_and_numbers_links_by_turn() -> None:
    earlier = [Exchange.from_answer(answer())]
    final = list(stream_views("Tiếp?", [Done(answer())], earlier, "extractive"))[-1]
    assert len(final.messages) == 4 and 'href="#nguon-1-1"' in final.messages[3]["content"]


def test_stream_views_turns_a_rag_error_into_an_error_bubble() -> None:
    def failing():
        raise QueryError("Câu hỏi trống.")
        yield  # pragma: no cover

    final = list(stream_views("", failing(), [], "generative"))[-1]
    assert final.exchanges[-1].error and "rag-error" in final.messages[-1]["content"]
    assert turns_from_exchanges(final.exchanges) == []


def test_stream_views_survives_an_unexpected_error(caplog: pytest.LogCaptureFixture) -> None:
    def broken():
        yield Token("Có")
        raise AttributeError("no attribute 'x'")

    final = list(stream_views("?", broken(), [], "generative"))[-1]
    assert final.done and final.exchanges[-1].error and "Lỗi hệ thống" in final.messages[-1]["content"]
    assert "answering" in caplog.text


def test_refusal_is_styled() -> None:
    final = list(stream_views("?", [Done(answer("Không tìm thấy.", refused=True))], [], "generative"))[-1]
    assert "rag-refusal" in final.messages[-1]["content"]


def test_turns_from_exchanges_skips_errors() -> None:
    ex = [Exchange("q1", "a1"), Exchange("bad", "lỗi", error=True), Exchange("q2", "a2 [1]")]
    assert turns_from_exchanges(ex) == [
        Turn("user", "q1"),
        Turn("assistant", "a1"),
        Turn("user", "q2"),
        Turn("assistant", "a2 [1]"),
    ]


@pytest.mark.parametrize(
    ("messages", "turns"),
    [
        pytest.param(None, [], id="none"),
        pytest.param([{"role": "user", "content": "Xin chào"}], [Turn("user", "Xin chào")], id="plain"),
        pytest.param(
            [{"role": "assistant", "content": [{"type": "text", "text": "<div class='x'>Có &amp; không</div>"}]}],
            [Turn("assistant", "Có & không")],
            id="gradio-parts-html",
        ),
        pytest.param([{"role": "system", "content": "x"}, {"role": "user", "content": " "}], [], id="dropped"),
    ],
)
def test_turns_from_messages(messages, turns) -> None:
    assert turns_from_messages(messages) == turns


def test_messages_alternate_and_map_back_to_exchanges() -> None:
    ex = [Exchange("q1", "a1"), Exchange("q2", "a2")]
    assert [m["role"] for m in messages_from_exchanges(ex)] == ["user", "assistant"] * 2
    assert [exchange_for_message(i, ex) for i in (0, 1, 2, 3, 4, -1, None)] == [0, 0, 1, 1, None, None, None]
    assert exchange_for_message([3, 0], ex) == 1


@pytest.mark.parametrize(
    ("spec", "users"),
    [
        ("", []),
        ("an:mk1", [("an", "mk1")]),
        (" an : mk1 , binh:a:b:c ,", [("an", "mk1"), ("binh", "a:b:c")]),
    ],
)
def test_parse_users(spec: str, users: list[tuple[str, str]]) -> None:
    assert parse_users(spec) == users


@pytest.mark.parametrize("spec", ["an", "an:", ":mk"])
def test_parse_users_rejects_incomplete_entries(spec: str) -> None:
    with pytest.raises(ValueError, match="tên:mật_khẩu"):
        parse_users(spec)
