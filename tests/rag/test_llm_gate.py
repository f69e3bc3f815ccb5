"""Turns at the model: first come first served, places reported, abandoned places given up,
and extractive answers never waiting."""

from __future__ import annotations

import threading
import time

from rag.answer import AnswerChain, Done, Queued, Token
from rag.config import Settings
from rag.llm import FakeLLM
from rag.llm_gate import LLMGate, Wait
from tests.rag.answer_support import BO_NGOAI_GIAO, QUANG_NINH, QUANG_TRI, hits

CORPUS = hits(("qt.txt", QUANG_TRI), ("qn.txt", QUANG_NINH), ("bng.txt", BO_NGOAI_GIAO))
QUESTION = "Quảng Trị đã thu hồi được bao nhiêu tiền qua thanh tra?"


def take(gate: LLMGate) -> int:
    """A ticket that holds a slot (its turn came at once)."""
    ticket = gate.enter()
    assert list(gate.wait(ticket)) == []
    return ticket


def test_first_come_first_served_with_places_and_waits() -> None:
    gate = LLMGate(slots=1, expected_answer_s=10.0)
    a = take(gate)
    b, c = gate.enter(), gate.enter()
    waiting_b, waiting_c = gate.wait(b), gate.wait(c)
    assert next(waiting_b) == Wait(ahead=1, eta_s=10.0)
    assert next(waiting_c) == Wait(ahead=2, eta_s=20.0)
    gate.leave(a)
    assert list(waiting_b) == []  # b's turn: the generator ends
    assert next(waiting_c).ahead == 1  # c moved up, still waiting behind b
    gate.leave(b)
    assert list(waiting_c) == []
    gate.leave(c)
    assert gate.waiting() == 0


def test_a_request_abandoned_in_line_gives_its_place_up() -> None:
    gate = LLMGate(slots=1)
    a = take(gate)
    b, c = gate.enter(), gate.enter()
    gate.leave(b)  # the user left before b's turn
    assert next(gate.wait(c)).ahead == 1
    gate.leave(a)
    assert list(gate.wait(c)) == []


def test_a_server_takes_several_at_once() -> None:
    gate = LLMGate(slots=2, expected_answer_s=6.0)
    take(gate), take(gate)
    third = gate.enter()
    assert next(gate.wait(third)) == Wait(ahead=2, eta_s=6.0)


def test_a_generative_answer_waits_its_turn_and_says_where_it_stands() -> None:
    gate = LLMGate(slots=1)
    holder = take(gate)  # another user's answer is being written
    chain = AnswerChain(Settings(), lambda q: list(CORPUS), lambda: FakeLLM(), gate=gate)
    threading.Timer(0.3, gate.leave, args=(holder,)).start()
    events = list(chain.stream(QUESTION))
    queued = [e for e in events if isinstance(e, Queued)]
    assert queued and queued[0].ahead == 1
    assert events.index(queued[-1]) < next(i for i, e in enumerate(events) if isinstance(e, Token))
    assert isinstance(events[-1], Done) and not events[-1].answer.refused
    assert gate.waiting() == 0
    gate.leave(take(gate))  # the slot came back


def test_a_caller_that_stops_reading_at_the_answer_still_gives_the_slot_back() -> None:
    gate = LLMGate(slots=1)
    chain = AnswerChain(Settings(), lambda q: list(CORPUS), lambda: FakeLLM(), gate=gate)
    stream = chain.stream(QUESTION)
    next(e for e in stream if isinstance(e, Done))  # not exhausted, not closed
    ticket = gate.enter()
    assert list(gate.wait(ticket)) == []


def test_extractive_answers_never_wait_for_the_model() -> None:
    gate = LLMGate(slots=1)
    take(gate)  # the model is busy and stays busy
    chain = AnswerChain(Settings(), lambda q: list(CORPUS), lambda: FakeLLM(), gate=gate)
    t0 = time.perf_counter()
    answer = chain.invoke(QUESTION, mode="extractive")
    assert not answer.refused and "1 tỷ 266" in answer.answer
    assert time.perf_counter() - t0 < 5
