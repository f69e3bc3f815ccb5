"""The answer chain: question (+ history) -> standalone -> retrieve -> evidence -> prompt -> LLM
-> citations -> verification -> `Answer`. Built from LangChain runnables; `stream` yields
`Token`s as the model writes them, then one `Done` carrying the verified answer.

Trust rules:
- the question's pinned entities must all be named by one retrieved article (several, when
  it compares or lists them), and its numbers appear among those articles, otherwise the reply
  is the fixed refusal with the closest passages as "see also";
- the top article's sentences stating the asked kind of fact must not be about another year
  or province (or country) than the asked one (a trap swaps them);
- otherwise one calibrated score (rag/confidence.py) weighs how closely, how fully and with
  what kind of fact (a number of the counted thing, a name) the evidence answers, and refuses
  below `answer.min_confidence`;
- every shown sentence cites an evidence sentence that states its numbers and names (a wrong
  marker is moved to the one that does) and is not about another year or province than the
  asked one;
  failing sentences are dropped; if none survives, a reply stating a number that no evidence
  sentence holds is refused (the model made it up), otherwise the answer falls back to extractive;
- a reply that would fall back to quoting is asked for once more with the best quote alone shown
  (and each part's answer, for a question asking several things), and kept only if it passes
  every check (never to refuse what the quote answers);
- a verified reply that does not state what was asked (a number of the counted thing, a
  person's name) also falls back to extractive;
- the LLM failing to load also falls back to extractive; `fallback` says what happened;
- a question asking several things ("bao nhiêu ... và bao lâu") quotes each part's answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date

from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda

from rag.answer_prompt import answer_grammar, build_messages, read_reply, within_budget
from rag.answer_state import AnswerState, elapsed_ms
from rag.answer_types import (
    DROPPED,
    EXTRACTIVE_LEAD,
    EXTRACTIVE_NO_LLM,
    EXTRACTIVE_UNVERIFIED,
    REFUSAL,
    Answer,
    AnswerMode,
    Done,
    Event,
    Queued,
    Token,
)
from rag.answerability import (
    answer_type_first,
    answers_asked_type,
    model_refused,
    refusal_probability,
    states_asked,
)
from rag.citations import citation_for, render
from rag.confidence import answer_score, answer_signals
from rag.config import Settings
from rag.deixis import stale_for_now
from rag.evidence import Evidence, SentenceScores, coverage, select_evidence
from rag.facts import is_comparison
from rag.figure_context import figure_rival
from rag.history import Turn, condense
from rag.language import detect_language
from rag.llm import LLM, LLMUnavailableError
from rag.llm_gate import LLMGate
from rag.quoting import EXTRACTIVE_MARGIN, as_quote, extractive_pick, part_answers, per_source, to_fact_clause
from rag.reply_check import (
    asked_first,
    beside_question,
    finished_part,
    unanswered_reason,
    verify_answer,
)
from rag.retrieval import SearchHit, validate_query
from rag.swaps import other_months, other_numbered, other_people, other_places, other_years
from rag.verification import check_support, facts_in, lists_entities, supporting_sources

# Without dense scores (not embedded yet), Vietnamese questions whose evidence holds less than this
# share of their content words are refused.
MIN_COVERAGE = 0.4
_UNTYPED = "các câu bằng chứng tốt nhất không nêu điều câu hỏi hỏi (con số, tên người)"
# An unverifiable model answer falls back to quoting only when the best sentence covers this much.
STRONG_COVERAGE = 0.4
SEE_ALSO = 3


class AnswerChain:
    """Composes the steps as LangChain runnables; `search` and `llm` are injected."""

    def __init__(
        self,
        settings: Settings,
        search: Callable[[str], list[SearchHit]],
        llm: Callable[[], LLM] | None = None,
        sentence_scores: Callable[[str, list[SearchHit]], SentenceScores] | None = None,
        restore: Callable[[str], str] | None = None,
        gate: LLMGate | None = None,
    ) -> None:
        self.settings = settings
        # Turns at the model, first come first served, shared with every other caller of it.
        self._gate = gate
        self._search = search
        self._sentence_scores = sentence_scores
        # The question as retrieval reads it (diacritics restored), shown to the model so that
        # it does not echo "nam 2023" back as a name.
        self._restore = restore or (lambda q: q)
        self._llm_factory = llm
        self._llm: LLM | None = None
        self._llm_error: str | None = None
        self.runnable: Runnable[AnswerState, Event] = (
            RunnableLambda(self._condense, name="condense")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._select, name="evidence")
            | RunnableLambda(self._prompt, name="prompt")
            | RunnableGenerator(self._generate, name="generate")
        )

    # -- the LLM, built on first use; a failure is remembered and reported once per answer
    def _get_llm(self) -> LLM | None:
        if self._llm is None and self._llm_error is None:
            if self._llm_factory is None:
                self._llm_error = "Chưa cấu hình LLM."
            else:
                try:
                    self._llm = self._llm_factory()
                except LLMUnavailableError as exc:
                    self._llm_error = str(exc)
        return self._llm

    # -- steps
    def _condense(self, state: AnswerState) -> AnswerState:
        state.question = validate_query(state.question, self.settings.query.max_chars)
        state.language = detect_language(state.question)
        rewrite = state.mode == "generative" and state.history and self.settings.answer.condense_with_llm
        llm = self._get_llm() if rewrite else None
        try:
            state.condensed = condense(
                state.question, state.history, llm=llm, max_turns=self.settings.answer.history_turns
            )
        except LLMUnavailableError as exc:
            self._llm_error = str(exc)
            state.condensed = condense(state.question, state.history, max_turns=self.settings.answer.history_turns)
        return state

    def _retrieve(self, state: AnswerState) -> AnswerState:
        t = time.perf_counter()
        state.hits = self._search(state.standalone)
        if self._sentence_scores is not None and state.hits:
            state.dense = self._sentence_scores(state.standalone, state.hits)
        state.retrieval_ms = elapsed_ms(t)
        return state

    def _select(self, state: AnswerState) -> AnswerState:
        cfg = self.settings.answer
        pinned = facts_in(state.pinned)
        articles = state.stories
        question = state.pinned
        together = is_comparison(question) or lists_entities(question, pinned)
        sources = supporting_sources(pinned, articles, together=together)
        if not state.hits:
            state.refusal_reason = "không có đoạn nào"
        elif not sources:
            missing = check_support(pinned, articles.values()).describe() or pinned.describe()
            state.refusal_reason = f"không bài nào có đủ: {missing}"
        elif stale := stale_for_now(state.standalone, [h.article.date for h in state.hits], date.today()):
            state.refusal_reason = stale
        state.restored = self._restore(state.standalone)
        state.asked = self._restore(state.asking)
        asked = state.asked
        state.evidence = select_evidence(
            state.standalone,
            state.hits,
            token_budget=cfg.evidence_token_budget,
            max_sentences=cfg.max_evidence_sentences,
            sources=sources,
            dense=state.dense,
            fits=lambda text: answers_asked_type(asked, text),
            focus=state.asking,
        )
        coverage_set = list(state.evidence)  # coverage is read on the selected set, before reordering
        bylines = [h.article.author or "" for h in state.hits]
        state.evidence = answer_type_first(state.asked, state.evidence, EXTRACTIVE_MARGIN, bylines)
        if state.refusal_reason is None and not state.evidence:
            state.refusal_reason = "không có câu bằng chứng"
        scores = self._sentence_scores  # a question asking several things quotes each part's answer
        closeness = (lambda part: scores(part, state.hits)) if scores is not None else None
        state.part_answers = part_answers(state.asked, state.evidence, closeness)
        state.rival = figure_rival(state.asked, state.evidence, EXTRACTIVE_MARGIN)
        if state.rival is not None and state.rival not in state.part_answers:
            state.part_answers.append(state.rival)  # quoted after the lead, whose figure may be a neighbour
        picked = self._pick(state)
        best = [e.text for e in picked]
        # The top article's sentences stating the asked kind of fact answer; the others surround them.
        top = [e.text for e in picked if e.source == picked[0].source] if picked else []
        answering = [t for t in top if answers_asked_type(state.asked, t)] or top
        if state.refusal_reason is None and (other := other_years(state.restored, answering, top)):
            # The answering sentences are about another year than the one asked (a trap swaps it).
            state.refusal_reason = f"các câu trả lời nói về năm khác ({', '.join(other)})"
        elif state.refusal_reason is None and (other := other_months(state.restored, answering)):
            state.refusal_reason = f"các câu trả lời nói về tháng khác ({', '.join(other)})"
        elif state.refusal_reason is None and (other := other_places(state.restored, answering)):
            # ... or about another province or country (a trap swaps it between two stories).
            state.refusal_reason = f"các câu trả lời nói về tỉnh, nước khác ({', '.join(other)})"
        elif state.refusal_reason is None and (other := other_numbered(state.restored, answering)):
            state.refusal_reason = f"các câu trả lời nói về {', '.join(other)}, không phải điều được hỏi"
        elif state.refusal_reason is None and (other := other_people(state.restored, answering)):
            state.refusal_reason = f"các câu trả lời nói về người khác ({', '.join(other)})"
        typed = states_asked(state.asked, best)
        state.signals = answer_signals(state.standalone, state.language, coverage_set, state.dense, typed)
        if state.refusal_reason is not None or not state.evidence:
            return state
        if state.dense and cfg.min_confidence > 0:
            # One calibrated score weighs how closely, how fully and with what kind of fact the
            # evidence answers; no single signal refuses on its own.
            confidence = answer_score(state.signals, cfg.confidence_weights)
            if confidence < cfg.min_confidence:
                missing = "" if typed else f"; {_UNTYPED}"
                state.refusal_reason = f"bằng chứng không đủ khớp câu hỏi (độ tin cậy {confidence:.2f}{missing})"
        elif not state.dense:
            # BM25 only (the articles are not embedded yet): without the score, the plain checks decide.
            cover = state.signals["coverage"]
            if state.language == "vi" and cover < MIN_COVERAGE:
                state.refusal_reason = f"bằng chứng chỉ khớp {cover:.0%} từ của câu hỏi"
            elif not typed:
                state.refusal_reason = _UNTYPED
        return state

    def _pick(self, state: AnswerState) -> list[Evidence]:
        question = state.asked or state.standalone
        return extractive_pick(
            state.evidence,
            per_source=per_source(state.pinned, state.asked or state.standalone),
            fits=lambda text: answers_asked_type(question, text),
            question=question,
            compare=is_comparison(state.pinned),
            also=state.part_answers,
        )

    def _prompt(self, state: AnswerState) -> AnswerState:
        if state.refusal_reason is None and state.mode == "generative":
            # The model sees (and may cite) only the best sentences within the prompt budget.
            # Each article's picked sentence (the quote would lead with it) goes in whatever the budget.
            picks = self._pick(state) if per_source(state.pinned, state.asked or state.standalone) else []
            first = sorted({e.source: e for e in reversed(picks)}.values(), key=state.evidence.index)
            state.shown = within_budget(state.evidence, self.settings.answer.prompt_token_budget, first)
            state.messages = build_messages(state.restored or state.standalone, state.shown, state.language)
        return state

    def _generate(self, states: Iterator[AnswerState]) -> Iterator[Event]:
        for state in states:
            if state.refusal_reason is not None:
                yield Done(self._refusal(state, state.refusal_reason))
            elif state.mode == "extractive":
                yield Done(self._extractive(state))
            else:
                yield from self._generative(state)

    def _generative(self, state: AnswerState) -> Iterator[Event]:
        llm = self._get_llm()
        if llm is None:
            state.notes.append(f"LLM không dùng được, chuyển sang trích dẫn: {self._llm_error}")
            yield Done(self._extractive(state, fallback=EXTRACTIVE_NO_LLM))
            return
        ticket = self._gate.enter() if self._gate else None
        outcome: list[Answer] = []
        try:
            if self._gate is not None and ticket is not None:
                for wait in self._gate.wait(ticket):
                    yield Queued(wait.ahead, wait.eta_s)
            yield from self._write(state, llm, outcome)
        finally:
            if self._gate is not None and ticket is not None:
                self._gate.leave(ticket)  # before the answer goes out: a caller may stop reading at Done
        yield Done(outcome[0])

    def _write(self, state: AnswerState, llm: LLM, outcome: list[Answer]) -> Iterator[Event]:
        """Stream the model's tokens; the checked answer (or its fallback) goes into `outcome`.

        A reply that would fall back to quoting is asked for once more, unstreamed, with only the
        best quote shown: from one sentence the small model more often writes a checkable one."""
        max_tokens = min(self.settings.llm.max_tokens, self.settings.answer.max_answer_tokens)
        first: Answer | None = None
        for attempt in range(2):
            pieces: list[str] = []
            first_token: dict[str, float] = {}
            try:
                use_grammar = self.settings.answer.output_grammar and bool(state.shown)
                grammar = answer_grammar([e.n for e in state.shown]) if use_grammar else None
                probe = first_token if attempt == 0 else None
                for piece in read_reply(llm, state.messages, max_tokens=max_tokens, grammar=grammar, first_token=probe):
                    state.first_token_ms = state.first_token_ms or elapsed_ms(state.t0)
                    pieces.append(piece)
                    if attempt == 0:
                        yield Token(piece)
            except LLMUnavailableError as exc:
                self._llm_error = str(exc)
                state.notes.append(f"LLM lỗi, chuyển sang trích dẫn: {exc}")
                outcome.append(self._extractive(state, fallback=EXTRACTIVE_NO_LLM))
                return
            if first_token:
                state.signals["model_refuse"] = round(refusal_probability(first_token), 4)
            # A stream as long as the limit was cut off (llama.cpp and OpenAI servers stream a token a piece).
            answer = self._finish(state, "".join(pieces), truncated=len(pieces) >= max_tokens)
            if first is not None and (answer.refused or answer.mode != "generative"):
                # The second reply may replace the quote with checked words, nothing else; the quote
                # goes out with what the second try noted and with its time counted.
                state.notes.append("giữ câu trích: câu trả lời lần hai không qua kiểm tra")
                total = {**first.timings_ms, "total": elapsed_ms(state.t0)}
                answer = replace(first, notes=tuple(state.notes), timings_ms=total)
            first = answer
            picked = self._pick(state) if attempt == 0 and answer.fallback == EXTRACTIVE_UNVERIFIED else []
            if not picked:
                outcome.append(answer)
                return
            lead = dict.fromkeys([picked[0], *state.part_answers])  # each part's answer, if it asks several
            state.notes.append(f"hỏi lại mô hình chỉ với {len(lead)} câu trích tốt nhất")
            state.shown = [replace(e, n=i) for i, e in enumerate(lead, 1)]
            state.messages = build_messages(state.restored or state.standalone, state.shown, state.language)

    # -- answers
    def _finish(self, state: AnswerState, text: str, truncated: bool = False) -> Answer:
        judged = state.signals.get("model_refuse")
        if judged is not None and judged >= self.settings.answer.model_refuse_min:
            # The model's own judgement, read from its first-token probabilities: it leaned towards
            # "not found" even if another opening narrowly won.
            return self._refusal(state, f"mô hình đánh giá các câu trích không trả lời câu hỏi (xác suất {judged:.2f})")
        if model_refused(text):
            return self._refusal(state, "mô hình trả lời không tìm thấy")
        text, tail = finished_part(text) if truncated else (text, "")
        if tail:
            state.notes.append(f"bỏ câu bị cắt ở giới hạn độ dài: {tail!r}")
        kept, notes = verify_answer(text, state.shown, state.standalone, state.stories)
        state.notes.extend(notes)
        if not kept and (reason := unanswered_reason(text, state.shown, state.standalone)):
            # The model made a figure up: the passages do not hold the answer.
            return self._refusal(state, reason)
        if not kept:
            # The model had nothing checkable to say: quote the evidence only when it clearly answers.
            quoted = " ".join(e.text for e in self._pick(state))
            if state.language == "vi" and coverage(state.standalone, quoted) < STRONG_COVERAGE:
                return self._refusal(state, "câu trả lời của mô hình không kiểm chứng được")
            return self._extractive(state, fallback=EXTRACTIVE_UNVERIFIED)
        kept = asked_first(kept, state.asked or state.standalone)
        answer, citations = render(
            kept, {e.n: e for e in state.shown}, {h.chunk.source: h.article.text for h in state.hits}
        )
        picked = self._pick(state)
        quote, rival = (picked[0].text if picked else None), (state.rival.text if state.rival else None)
        if miss := beside_question(state.asked, state.standalone, answer, quote, rival):
            # True and cited, but beside the question: quote instead (each part's answer asked first).
            state.notes.append(miss)
            return self._extractive(state, fallback=EXTRACTIVE_UNVERIFIED)
        dropped = any(n.startswith("bỏ câu") for n in notes)
        return state.answer(answer, citations, "generative", DROPPED if dropped else None)

    def _extractive(self, state: AnswerState, fallback: str | None = None) -> Answer:
        best = self._pick(state)
        if fallback is not None:
            # Standing in for a short answer: of a long report sentence, the clause with the asked figure.
            best = [to_fact_clause(e, state.asked or state.standalone) for e in best]
        lines = [f"{quote[:-1]} [{i}]{quote[-1]}" for i, e in enumerate(best, start=1) for quote in [as_quote(e.text)]]
        citations = [citation_for(i, e) for i, e in enumerate(best, start=1)]
        text = "\n".join([EXTRACTIVE_LEAD[state.language], *lines])
        return state.answer(text, citations, "extractive", fallback)

    def _refusal(self, state: AnswerState, reason: str) -> Answer:
        state.notes.append(f"từ chối: {reason}")
        cfg = self.settings.answer
        see_also = select_evidence(
            state.standalone,
            state.hits,
            token_budget=cfg.evidence_token_budget,
            max_sentences=SEE_ALSO,
            dense=state.dense,
        )
        citations = tuple(citation_for(i, e) for i, e in enumerate(see_also, start=1))
        return state.answer(REFUSAL[state.language], citations, state.mode, None, refused=True)

    # -- public
    def stream(self, question: str, history: Sequence[Turn] = (), mode: AnswerMode | None = None) -> Iterator[Event]:
        state = AnswerState(question, list(history), mode or self.settings.answer.mode)
        yield from self.runnable.stream(state)

    def invoke(self, question: str, history: Sequence[Turn] = (), mode: AnswerMode | None = None) -> Answer:
        for event in self.stream(question, history, mode):
            if isinstance(event, Done):
                return event.answer
        raise RuntimeError("answer chain ended without an answer")
