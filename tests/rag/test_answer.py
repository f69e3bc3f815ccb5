"""The answer chain with fixed LLM outputs, good and bad: refusal, verification, fallback, streaming."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from rag.answer import (
    DROPPED,
    EXTRACTIVE_MARGIN,
    EXTRACTIVE_NO_LLM,
    EXTRACTIVE_UNVERIFIED,
    REFUSAL,
    Answer,
    AnswerChain,
    Done,
    Token,
    extractive_pick,
)
from rag.config import Settings
from rag.errors import QueryError
from rag.evidence import Evidence
from rag.history import Turn
from rag.llm import FakeLLM, LLMUnavailableError, Message
from rag.prompts import render
from rag.retrieval import SearchHit
from tests.rag.answer_support import BO_NGOAI_GIAO, QUANG_NINH, QUANG_TRI, hit, hits

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "injection_article.txt"
CORPUS = hits(("qt.txt", QUANG_TRI), ("qn.txt", QUANG_NINH), ("bng.txt", BO_NGOAI_GIAO))
QUESTION = "Quảng Trị đã thu hồi được bao nhiêu tiền qua thanh tra?"


def chain(llm: FakeLLM | None = None, found: Sequence[SearchHit] = CORPUS, failing: bool = False) -> AnswerChain:
    def factory() -> FakeLLM:
        if failing:
            raise LLMUnavailableError("Không nạp được mô hình x.gguf")
        return llm or FakeLLM()

    return AnswerChain(Settings(), lambda q: list(found), factory)


def evidence_number(answer_chain: AnswerChain, needle: str) -> int:
    """The [n] the prompt gives the evidence sentence containing `needle`."""
    probe = FakeLLM(["KHÔNG TÌM THẤY"])
    AnswerChain(Settings(), answer_chain._search, lambda: probe).invoke(QUESTION)
    for line in probe.calls[0][1]["content"].splitlines():
        if needle in line:
            return int(line[1 : line.index("]")])
    raise AssertionError(f"{needle!r} not in the prompt")


N = evidence_number(chain(), "1 tỷ 266 triệu")


def citing(needle: str, sentence: str) -> Callable[[Sequence[Message]], str]:
    """A model reply: `sentence` cited to the prompt's evidence line containing `needle`."""

    def reply(messages: Sequence[Message]) -> str:
        line = next((x for x in messages[-1]["content"].splitlines() if needle in x), "[1]")
        return f"{sentence} {line[: line.index(']') + 1]}."

    return reply


@pytest.mark.parametrize(
    ("reply", "refused", "fallback", "shown"),
    [
        # good: cited, supported
        (f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}].", False, None, "1 tỷ 266 triệu đồng [1]"),
        # missing marker: aligned to the sentence stating the same facts
        ("Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng.", False, None, "1 tỷ 266 triệu đồng [1]"),
        # invented number (in no passage): the model did not find the answer, so it is refused
        (f"Quảng Trị đã thu hồi được 2 tỷ 500 triệu đồng [{N}].", True, None, REFUSAL["vi"]),
        # out-of-range marker and no support: never shown as the answer
        ("Quảng Trị đã thu hồi được 7 tỷ đồng [9].", True, None, REFUSAL["vi"]),
        # a true fact cited to the wrong sentence: dropped, the evidence is quoted instead
        (
            f"Trong năm 2019, Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}].",
            False,
            EXTRACTIVE_UNVERIFIED,
            "1 tỷ 266",
        ),
        # only the question restated: nothing to check, the evidence is quoted instead
        (f"Quảng Trị đã thu hồi được tiền qua thanh tra [{N}].", False, EXTRACTIVE_UNVERIFIED, "1 tỷ 266"),
        # one good sentence, one with another province's name: the bad one is dropped
        (
            f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]. Quảng Ninh thu hồi 1 tỷ 266 triệu đồng [{N}].",
            False,
            DROPPED,
            "1 tỷ 266 triệu đồng [1]",
        ),
        # the model says it does not know
        ("KHÔNG TÌM THẤY", True, None, REFUSAL["vi"]),
    ],
)
def test_generated_answers_are_verified(reply: str, refused: bool, fallback: str | None, shown: str) -> None:
    answer = chain(FakeLLM([reply])).invoke(QUESTION)
    assert answer.refused is refused
    assert answer.fallback == fallback
    assert shown in answer.answer
    assert "Quảng Ninh" not in answer.answer and "7 tỷ" not in answer.answer and "[9]" not in answer.answer
    if not refused:
        assert answer.citations and all(f"[{c.n}]" in answer.answer for c in answer.citations)
        articles = {h.chunk.source: h.article.text for h in CORPUS}
        assert all(c.quote == articles[c.source][c.start : c.end] for c in answer.citations)


def test_a_sentence_cut_by_the_token_limit_is_never_shown() -> None:
    """ "... thu hồi được 1 tỷ" cut from "1 tỷ 266 triệu đồng" would state a wrong figure."""
    settings = Settings.model_validate({"answer": {"max_answer_tokens": 16}})  # cut after "1 tỷ"
    reply = f"Theo báo cáo của tỉnh, trong năm qua, Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]."
    answer = AnswerChain(settings, lambda q: list(CORPUS), lambda: FakeLLM([reply])).invoke(QUESTION)
    assert answer.fallback == EXTRACTIVE_UNVERIFIED
    assert "1 tỷ 266 triệu đồng" in answer.answer
    assert any("bị cắt" in n for n in answer.notes)


def test_a_marker_to_a_passage_lacking_the_fact_is_dropped_when_another_states_it() -> None:
    other = evidence_number(chain(), "180 văn bản")
    answer = chain(FakeLLM([f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{other}][{N}]."])).invoke(QUESTION)
    assert answer.fallback is None
    assert [c.quote for c in answer.citations] == [c.quote for c in answer.citations if "1 tỷ 266 triệu" in c.quote]
    assert len(answer.citations) == 1 and answer.answer.endswith("đồng [1].")


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Trong 6 tháng đầu năm 2019, tỉnh Quảng Ninh đã thu hồi được bao nhiêu tiền?", "vi"),  # trap
        ("Thời tiết Hà Nội cuối tuần này thế nào?", "vi"),  # out of domain
        ("Năm 2025 Bộ Ngoại giao xác minh bao nhiêu trường hợp?", "vi"),  # in domain, absent
        ("Chủ tịch UBND tỉnh Quảng Trị tên là gì?", "vi"),  # asks a name no passage gives
        ("How much money did Quảng Ninh recover in 2019?", "en"),
    ],
)
def test_refusals_never_reach_the_llm(question: str, language: str) -> None:
    llm = FakeLLM(["Quảng Ninh thu hồi 1 tỷ 266 triệu đồng [1]."])
    answer = chain(llm).invoke(question)
    assert answer.refused and answer.answer == REFUSAL[language]  # type: ignore[index]
    assert llm.calls == []
    assert answer.citations  # "see also": the closest passages
    assert answer.timings_ms["first_token"] is None


def test_a_quote_about_another_year_than_the_asked_one_is_refused() -> None:
    # The article names the asked year (so it supports the question), but the sentence stating the
    # figure dates it to another: a trap swapping the year between two seasons of one story.
    olympiad = hit(
        "olympiad.txt",
        "Đoàn Việt Nam dự Olympic Hóa học quốc tế 2017 tại Thái Lan.\n"
        "Năm 2016, em Nguyễn Văn An đạt 89,7 điểm, cao nhất đoàn Việt Nam.\n"
        "Em An học lớp 12 trường chuyên tỉnh.",
    )
    answer = chain(found=[olympiad]).invoke("Năm 2017 em Nguyễn Văn An đạt bao nhiêu điểm?", mode="extractive")
    assert answer.refused and any("năm khác (2016)" in n for n in answer.notes), answer.notes
    same_year = chain(found=[olympiad]).invoke("Năm 2016 em Nguyễn Văn An đạt bao nhiêu điểm?", mode="extractive")
    assert not same_year.refused and "89,7 điểm" in same_year.answer


def test_a_year_stated_by_another_article_does_not_date_the_answering_sentence() -> None:
    # A figure question quotes each article's best sentence; the second article's sentence is of
    # the asked year, but the sentence stating the asked figure (the top article's) is not.
    club = hit(
        "club.txt",
        "Câu lạc bộ Hà Nội vô địch V-League 2015.\n"
        "Năm 2015, câu lạc bộ Hà Nội giành 60 điểm sau 26 vòng đấu, nhiều nhất giải.\n"
        "Đội bóng được thành lập năm 2006.",
    )
    season = hit(
        "season.txt",
        "V-League năm 2017 khởi tranh vào tháng 1, câu lạc bộ Hà Nội có 5 tân binh.",
        rank=2,
    )
    answer = chain(found=[club, season]).invoke("Năm 2017 câu lạc bộ Hà Nội giành bao nhiêu điểm?", mode="extractive")
    assert answer.refused and any("năm khác (2015)" in n for n in answer.notes), answer.notes


def test_a_quote_about_another_province_than_the_asked_one_is_refused() -> None:
    # The story names the asked city (so it supports the question), but the sentence stating the
    # figure is about another province: a trap swapping the province between two reports.
    exams = hit(
        "exams.txt",
        "Kỳ thi tốt nghiệp năm nay, Hà Nội có đông thí sinh dự thi nhất cả nước.\n"
        "Ở Nghệ An có 3 thí sinh đạt điểm 10 môn Ngữ văn.\n"
        "Kết quả thi sẽ được công bố vào cuối tháng.",
    )
    answer = chain(found=[exams]).invoke("Hà Nội có bao nhiêu thí sinh đạt điểm 10 môn Ngữ văn?", mode="extractive")
    assert answer.refused and any("tỉnh, nước khác (Nghệ An)" in n for n in answer.notes), answer.notes
    same = chain(found=[exams]).invoke("Nghệ An có bao nhiêu thí sinh đạt điểm 10 môn Ngữ văn?", mode="extractive")
    assert not same.refused and "3 thí sinh" in same.answer


def test_restating_the_question_is_not_an_answer() -> None:
    answer = chain(FakeLLM(["Quảng Trị đã thu hồi được tiền qua thanh tra."])).invoke(QUESTION)
    assert answer.fallback == EXTRACTIVE_UNVERIFIED or answer.refused


def test_llm_that_fails_to_load_falls_back_to_extractive() -> None:
    answer = chain(failing=True).invoke(QUESTION)
    assert (answer.mode, answer.fallback, answer.refused) == ("extractive", EXTRACTIVE_NO_LLM, False)
    assert "1 tỷ 266 triệu" in answer.answer
    assert any("x.gguf" in n for n in answer.notes)


def test_extractive_mode_uses_no_llm() -> None:
    llm = FakeLLM()
    answer = chain(llm).invoke(QUESTION, mode="extractive")
    assert answer.mode == "extractive" and llm.calls == []
    assert "1 tỷ 266 triệu" in answer.answer and answer.citations[0].n == 1


def test_stream_yields_tokens_then_the_verified_answer() -> None:
    events = list(chain(FakeLLM([f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]."])).stream(QUESTION))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert len(tokens) > 3 and isinstance(events[-1], Done)
    assert "".join(tokens).startswith("Quảng Trị đã thu hồi")
    assert events[-1].answer.timings_ms["first_token"] is not None


def test_the_model_writes_under_a_grammar_of_the_shown_markers() -> None:
    llm = FakeLLM([f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]."])
    chain(llm).invoke(QUESTION)
    shown = {int(line[1 : line.index("]")]) for line in llm.calls[0][1]["content"].splitlines() if line[:1] == "["}
    grammar = llm.grammars[0]
    assert grammar is not None and "KHÔNG TÌM THẤY" in grammar
    assert {int(n) for n in re.findall(r'"(\d+)"', grammar)} == shown


def test_the_grammar_can_be_turned_off() -> None:
    llm = FakeLLM([f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]."])
    settings = Settings.model_validate({"answer": {"output_grammar": False}})
    AnswerChain(settings, lambda q: list(CORPUS), lambda: llm).invoke(QUESTION)
    assert llm.grammars == [None]


def test_json_matches_the_schema() -> None:
    answer: Answer = chain().invoke(QUESTION)
    data = answer.to_json()
    assert list(data) == [
        "question",
        "standalone_question",
        "answer",
        "refused",
        "mode",
        "fallback",
        "citations",
        "timings_ms",
    ]
    assert set(data["timings_ms"]) == {"retrieval", "first_token", "total"}
    assert isinstance(data["citations"][0]["n"], int)


def test_english_question_gets_an_english_prompt() -> None:
    llm = FakeLLM(["Quảng Trị recovered 1 tỷ 266 triệu đồng."])
    answer = chain(llm).invoke("How much money did Quảng Trị recover after inspections in 2019?")
    assert "Answer in English" in llm.calls[0][1]["content"]
    assert not answer.refused and answer.answer.startswith("Quảng Trị recovered") and answer.citations


def test_follow_up_is_condensed_before_retrieval() -> None:
    seen: list[str] = []

    def search(q: str) -> list[SearchHit]:
        seen.append(q)
        return list(CORPUS)

    history = [Turn("user", "Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra?")]
    answer = AnswerChain(Settings(), search, lambda: FakeLLM()).invoke("Còn Quảng Ninh thì sao?", history)
    assert seen == [answer.standalone_question]
    assert "Quảng Ninh" in answer.standalone_question and "thanh tra" in answer.standalone_question


@pytest.mark.parametrize("with_llm", [False, True])
def test_a_follow_up_the_rules_cannot_resolve_goes_to_the_model_only_when_asked(with_llm: bool) -> None:
    llm = FakeLLM(["Quảng Trị đã thu hồi bao nhiêu tiền qua thanh tra?", "KHÔNG TÌM THẤY"])
    settings = Settings.model_validate({"answer": {"condense_with_llm": with_llm}})
    history = [Turn("user", QUESTION), Turn("assistant", "Quảng Trị đã thu hồi 1 tỷ 266 triệu đồng [1].")]
    answer = AnswerChain(settings, lambda q: list(CORPUS), lambda: llm).invoke("Số tiền đó gồm những gì?", history)
    condensing = [call for call in llm.calls if call[0]["content"] == render("condense_system")]
    assert len(condensing) == (1 if with_llm else 0)
    if with_llm:
        assert answer.standalone_question == "Quảng Trị đã thu hồi bao nhiêu tiền qua thanh tra?"
    else:  # the previous question goes along, in brackets
        assert answer.standalone_question == f"Số tiền đó gồm những gì? ({QUESTION})"


def obedient(messages: Sequence[Message]) -> str:
    """A model that follows any instruction it sees, like a weak model might."""
    return "HACKED" if "HACKED" in messages[-1]["content"] else "Năm 2022, Quảng Bình đã tiến hành 42 cuộc thanh tra."


def test_prompt_injection_in_an_article_changes_nothing() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    llm = FakeLLM(obedient)
    answer = chain(llm, [hit("inj.txt", text)]).invoke("Năm 2022 Quảng Bình tiến hành bao nhiêu cuộc thanh tra?")
    assert "HACKED" not in llm.calls[0][1]["content"]
    assert "HACKED" not in answer.answer and "42 cuộc" in answer.answer


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_get_a_clear_message(question: str) -> None:
    with pytest.raises(QueryError):
        chain().invoke(question)


def test_extractive_answer_quotes_one_sentence_per_line_with_exact_citations() -> None:
    answer = chain().invoke(QUESTION, mode="extractive")
    lines = answer.answer.splitlines()
    assert lines[0] == "Theo các bài báo:" and len(lines) == len(answer.citations) + 1
    assert "1 tỷ 266 triệu đồng" in answer.answer
    texts = {"qt.txt": QUANG_TRI, "qn.txt": QUANG_NINH, "bng.txt": BO_NGOAI_GIAO}
    for line, c in zip(lines[1:], answer.citations, strict=True):
        assert line.endswith((f"[{c.n}].", f"[{c.n}]…", f"[{c.n}]!", f"[{c.n}]?"))
        assert c.quote == texts[c.source][c.start : c.end]


def test_extractive_comparison_quotes_each_province() -> None:
    question = "Quảng Trị (2019) và Quảng Ninh (2021) đã tiến hành bao nhiêu cuộc thanh tra?"
    answer = chain().invoke(question, mode="extractive")
    assert not answer.refused
    assert {c.source for c in answer.citations} >= {"qt.txt", "qn.txt"}
    assert "28 cuộc" in answer.answer and "84 cuộc" in answer.answer


def _ev(n: int, score: float, source: str = "a.txt", start: int = 0, sentence_start: int = -1) -> Evidence:
    return Evidence(n, source, "t", None, f"{source}#0", start, start + 5, f"câu {n}", score, sentence_start)


def test_extractive_pick_takes_runners_up_pieces_and_other_articles() -> None:
    top, close, far, piece, other = (
        _ev(1, 90.0, start=100),
        _ev(2, 87.0, start=10),
        _ev(3, 60.0, start=300),
        _ev(4, 50.0, start=160, sentence_start=100),
        _ev(5, 40.0, source="b.txt"),
    )
    assert extractive_pick([top, close, far]) == [top, close]  # best first
    assert extractive_pick([top, close, piece]) == [top, piece, close]  # a cut sentence's pieces together
    assert piece in extractive_pick([top, far, piece])  # the rest of a cut sentence
    assert other in extractive_pick([top, far, other], per_source=True, compare=True)
    assert other not in extractive_pick([top, far, other])
    assert extractive_pick([]) == []


def test_generation_stops_after_two_cited_sentences() -> None:
    reply = f"Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng [{N}]. Tỉnh đã ban hành 180 văn bản [{N}]. Ngoài ra rất dài"
    events = list(chain(FakeLLM([reply])).stream(QUESTION))
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    assert "Ngoài ra" not in streamed
    assert isinstance(events[-1], Done) and "1 tỷ 266 triệu đồng" in events[-1].answer.answer


def test_generative_prompt_keeps_to_its_token_budget() -> None:
    from rag.evidence import estimate_tokens

    llm = FakeLLM(["KHÔNG TÌM THẤY"])
    settings = Settings.model_validate({"answer": {"prompt_token_budget": 40}})
    AnswerChain(settings, lambda q: list(CORPUS), lambda: llm).invoke(QUESTION)
    evidence_lines = [line for line in llm.calls[0][1]["content"].splitlines() if line.startswith("[")]
    assert len(evidence_lines) >= 1
    assert sum(estimate_tokens(line) for line in evidence_lines[1:]) <= 40


def test_pipeline_embeds_each_question_once(fake_settings: Settings, corpus: Path) -> None:
    """Retrieval and evidence scoring share one query vector (an embedding costs ~100 ms on CPU)."""
    from embeddings.factory import build_embedder
    from rag.pipeline import Pipeline

    inner = build_embedder(fake_settings)
    calls: list[str] = []

    class Counting:
        model_id = inner.model_id
        dimension = inner.dimension

        def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> object:
            return inner.embed_documents(texts, progress=progress)

        def embed_query(self, text: str) -> object:
            calls.append(text)
            return inner.embed_query(text)

    pipeline = Pipeline(fake_settings, embedder=Counting())  # type: ignore[arg-type]
    pipeline.ingest([corpus])
    answer = pipeline.ask("Quảng Ninh có bao nhiêu dịch vụ công trực tuyến mức độ 4?", mode="extractive")
    assert answer.citations
    assert len(calls) == 1


def test_the_model_sees_the_question_with_restored_diacritics() -> None:
    llm = FakeLLM(["KHÔNG TÌM THẤY"])
    restored = "Quảng Trị đã thu hồi được bao nhiêu tiền?"
    AnswerChain(Settings(), lambda q: list(CORPUS), lambda: llm, restore=lambda q: restored).invoke(
        "Quang Tri da thu hoi duoc bao nhieu tien?"
    )
    assert f"Câu hỏi: {restored}" in llm.calls[0][1]["content"]


def test_the_questions_own_facts_may_rest_on_the_cited_story() -> None:
    """Restating the question's year, which the cited sentence leaves to its story, keeps the
    model's sentence (its opening phrase left out, so the citation states all the rest); a year
    the question did not state must still be in the cited passage."""

    question = "Năm 2019, Quảng Trị đã thu hồi được bao nhiêu tiền qua thanh tra?"
    reply = citing("1 tỷ 266", "Năm 2019, Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng")
    answer = chain(FakeLLM(reply)).invoke(question)
    assert answer.fallback is None and answer.answer.startswith("Quảng Trị đã thu hồi được 1 tỷ 266")
    assert any("bỏ phần mở đầu nhắc lại câu hỏi" in note for note in answer.notes)

    reply = citing("1 tỷ 266", "Năm 2018, Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng")
    answer = chain(FakeLLM(reply)).invoke(question)
    assert "Năm 2018" not in answer.answer
    assert any("số 2018" in note for note in answer.notes)


def test_generative_comparison_shows_and_quotes_both_sides_despite_a_small_budget() -> None:
    """Each article's best sentence goes to the model first; a failed reply quotes both articles."""
    question = "Quảng Trị (2019) và Quảng Ninh (2021) đã tiến hành bao nhiêu cuộc thanh tra?"
    llm = FakeLLM([f"{question} [1]"])  # only restates the question: fails verification
    settings = Settings.model_validate({"answer": {"prompt_token_budget": 40}})
    answer = AnswerChain(settings, lambda q: list(CORPUS), lambda: llm).invoke(question)
    prompt = llm.calls[0][1]["content"]
    assert "28 cuộc" in prompt and "84 cuộc" in prompt
    numbers = [line[: line.index("]") + 1] for line in prompt.splitlines() if line.startswith("[")]
    assert numbers == [f"[{i}]" for i in range(1, len(numbers) + 1)]
    assert answer.fallback == EXTRACTIVE_UNVERIFIED
    assert "28 cuộc" in answer.answer and "84 cuộc" in answer.answer


def test_comparison_pick_prefers_each_articles_sentence_of_the_asked_type() -> None:
    top = _ev(1, 90.0, "qt.txt")
    first_qn = _ev(2, 90.0 - EXTRACTIVE_MARGIN - 5, "qn.txt", start=10)  # beyond the margin of the top
    fitting_qn = replace(_ev(3, 90.0 - EXTRACTIVE_MARGIN - 15, "qn.txt", start=50), text="phát hiện 1 vụ")
    picked = extractive_pick([top, first_qn, fitting_qn], per_source=True, fits=lambda t: "vụ" in t)
    assert fitting_qn in picked and first_qn not in picked
    assert first_qn in extractive_pick([top, first_qn, fitting_qn], per_source=True, compare=True)


def test_the_picked_sentence_stating_the_asked_fact_leads() -> None:
    """Another article's runner-up that states the figure opens the quote, ahead of a better-scoring
    sentence of the top article that does not."""
    top = _ev(1, 90.0, "a.txt")
    other = _ev(2, 80.0, "b.txt")
    stating = replace(_ev(3, 70.0, "c.txt"), text="93 điểm")
    picked = extractive_pick([top, other, stating], per_source=True, fits=lambda t: "điểm" in t)
    assert picked[0] == stating and set(picked) == {top, other, stating}
    assert extractive_pick([top, other, stating], per_source=True)[0] == top  # no asked type: score order


def test_another_storys_far_off_sentence_does_not_crowd_out_the_top_storys() -> None:
    top, b_far = _ev(1, 90.0, "a.txt"), _ev(2, 60.0, "b.txt")
    runner_up = _ev(3, 85.0, "a.txt", start=40)
    c_stating = replace(_ev(4, 55.0, "c.txt"), text="18 điểm")
    picked = extractive_pick([top, b_far, runner_up, c_stating], per_source=True, fits=lambda t: "điểm" in t)
    assert b_far not in picked and {top, runner_up, c_stating} <= set(picked)
    # a comparison quotes each side, however far its best sentence scores
    assert b_far in extractive_pick([top, b_far, runner_up], per_source=True, fits=lambda t: False, compare=True)


def test_the_top_storys_runner_up_competes_with_other_stories_best() -> None:
    """Other stories' best sentences do not take every place ahead of a better one of the top story."""
    top = replace(_ev(1, 71.0, "a.txt"), text="điều trị ở Đà Nẵng")
    runner_up = replace(_ev(2, 68.0, "a.txt", start=40), text="BS Nguyễn Văn A, Đà Nẵng")
    others = [replace(_ev(n, 66.0 - n, f"{n}.txt"), text=f"bệnh viện {n}") for n in (3, 4, 5)]
    picked = extractive_pick([top, runner_up, *others], per_source=True, fits=lambda t: True)
    assert picked[:2] == [top, runner_up]


def test_a_verified_reply_beside_the_question_falls_back_to_quoting() -> None:
    """A true, cited figure of the wrong thing ("28 cuộc" for "bao nhiêu văn bản") is not the answer."""

    reply = citing("28 cuộc", "Quảng Trị đã tiến hành 28 cuộc thanh tra kinh tế - xã hội")
    answer = chain(FakeLLM(reply)).invoke("Quảng Trị đã ban hành bao nhiêu văn bản chỉ đạo?")
    assert answer.fallback == EXTRACTIVE_UNVERIFIED
    assert "180 văn bản" in answer.answer
    assert any("không nêu điều được hỏi" in note for note in answer.notes)


LONG_REPORT = (
    "Thanh tra tỉnh Bình Định báo cáo công tác năm 2022\n"
    "Trong năm 2022, Thanh tra tỉnh Bình Định đã tiến hành 46 cuộc thanh tra hành chính và 120 cuộc "
    "kiểm tra chuyên ngành; qua đó phát hiện sai phạm về quản lý đất đai ở nhiều địa phương; kiến nghị "
    "xử lý hành chính 35 tập thể và 72 cá nhân; kiến nghị thu hồi 18 tỷ 450 triệu đồng về ngân sách nhà nước."
)


def test_a_reply_that_would_be_quoted_is_asked_for_once_more_on_the_best_quote_alone() -> None:
    found = hits(("bd.txt", LONG_REPORT))
    question = "Thanh tra Bình Định kiến nghị thu hồi bao nhiêu tiền trong năm 2022?"
    llm = FakeLLM([f"{question} [1]", "Thanh tra Bình Định kiến nghị thu hồi 18 tỷ 450 triệu đồng [1]."])
    answer = AnswerChain(Settings(), lambda q: list(found), lambda: llm).invoke(question)
    assert len(llm.calls) == 2
    assert "[1]" in llm.calls[1][-1]["content"] and "[2]" not in llm.calls[1][-1]["content"]
    assert answer.mode == "generative" and answer.fallback is None and not answer.refused
    assert "18 tỷ 450 triệu đồng [1]" in answer.answer


def test_the_second_reply_to_a_two_part_question_sees_each_parts_answer() -> None:
    found = hits(
        (
            "ss.txt",
            "Nhà máy điện rác Sóc Sơn đi vào hoạt động\n"
            "Nhà máy điện rác Sóc Sơn có công suất xử lý 4.000 tấn rác mỗi ngày. "
            "Lễ khánh thành có lãnh đạo thành phố và đại diện nhà đầu tư dự. "
            "Theo nhà thầu, công trình mất 30 tháng để xây xong.",
        )
    )
    question = "Nhà máy điện rác Sóc Sơn xử lý bao nhiêu tấn rác mỗi ngày và mất bao lâu để xây xong?"
    llm = FakeLLM([f"{question} [1]", "Nhà máy xử lý 4.000 tấn rác mỗi ngày [1]. Công trình mất 30 tháng [2]."])
    answer = AnswerChain(Settings(), lambda q: list(found), lambda: llm).invoke(question)
    assert len(llm.calls) == 2
    second = llm.calls[1][-1]["content"]
    assert "4.000 tấn" in second and "30 tháng" in second and "khánh thành" not in second
    assert "4.000 tấn" in answer.answer and "30 tháng" in answer.answer


def test_the_second_reply_cannot_refuse_what_the_quote_answers() -> None:
    found = hits(("bd.txt", LONG_REPORT))
    question = "Thanh tra Bình Định kiến nghị thu hồi bao nhiêu tiền trong năm 2022?"
    llm = FakeLLM([f"{question} [1]", "KHÔNG TÌM THẤY"])
    answer = AnswerChain(Settings(), lambda q: list(found), lambda: llm).invoke(question)
    assert len(llm.calls) == 2
    assert answer.fallback == EXTRACTIVE_UNVERIFIED and not answer.refused
    assert "18 tỷ 450 triệu đồng" in answer.answer
    # The record says a second reply was asked for, and why it was not kept.
    assert any(note.startswith("hỏi lại mô hình") for note in answer.notes)
    assert any("mô hình trả lời không tìm thấy" in note for note in answer.notes)
    assert answer.notes[-1].startswith("giữ câu trích")


def test_an_unverified_reply_falls_back_to_the_clause_stating_the_asked_figure() -> None:
    found = hits(("bd.txt", LONG_REPORT))
    question = "Thanh tra Bình Định kiến nghị thu hồi bao nhiêu tiền trong năm 2022?"
    llm = FakeLLM([f"{question} [1]"])  # only restates the question: fails verification
    answer = AnswerChain(Settings(), lambda q: list(found), lambda: llm).invoke(question)
    assert answer.fallback == EXTRACTIVE_UNVERIFIED
    assert "18 tỷ 450 triệu đồng" in answer.answer
    assert "46 cuộc" not in answer.answer and "72 cá nhân" not in answer.answer
    (citation,) = answer.citations
    assert LONG_REPORT[citation.start : citation.end] == citation.quote
    assert citation.quote.startswith("kiến nghị thu hồi")


def test_extractive_mode_still_quotes_the_whole_sentence() -> None:
    found = hits(("bd.txt", LONG_REPORT))
    answer = AnswerChain(Settings(), lambda q: list(found), None).invoke(
        "Thanh tra Bình Định kiến nghị thu hồi bao nhiêu tiền trong năm 2022?", mode="extractive"
    )
    assert "46 cuộc" in answer.answer and "18 tỷ 450 triệu đồng" in answer.answer


def test_the_model_s_leaning_towards_not_found_refuses_even_when_another_opening_won() -> None:
    """The first-token probability of "KHÔNG TÌM THẤY" is the model's judgement; past the threshold
    it refuses though the greedy reply was an answer, and below it the answer stands."""
    reply = citing("1 tỷ 266", "Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng")
    question = "Quảng Trị đã thu hồi được bao nhiêu tiền qua thanh tra?"
    leaning = {"Qu": 0.6, "KH": 0.25, "Kh": 0.15}
    strict = Settings.model_validate({"answer": {"model_refuse_min": 0.3}})
    refused = AnswerChain(strict, lambda q: list(CORPUS), lambda: FakeLLM(reply, first_token=leaning)).invoke(question)
    assert refused.refused and refused.signals["model_refuse"] == pytest.approx(0.4)
    lenient = Settings.model_validate({"answer": {"model_refuse_min": 0.5}})
    kept = AnswerChain(lenient, lambda q: list(CORPUS), lambda: FakeLLM(reply, first_token=leaning)).invoke(question)
    assert not kept.refused and "1 tỷ 266 triệu đồng [1]" in kept.answer
