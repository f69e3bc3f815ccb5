"""The documented API through gradio_client against a live `rag serve` (real models)."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ui.conftest import LiveServer, record_figures

pytestmark = pytest.mark.integration

QUESTIONS = [
    "Quảng Ninh đang duy trì bao nhiêu dịch vụ công trực tuyến mức độ 4?",
    "Năm 2021, Bộ Ngoại giao đã hoàn tất kê khai tài sản, thu nhập lần đầu cho bao nhiêu người?",
    "Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra kinh tế - xã hội?",
    "Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn báo cáo phục vụ phiên chất vấn tại phiên họp nào?",
]


def test_one_question_with_citations(live_server: LiveServer) -> None:
    from gradio_client import Client

    client = Client(live_server.url, verbose=False)
    answer = client.predict(QUESTIONS[0], "extractive", [], api_name="/ask")
    assert not answer["refused"] and "1.102" in answer["answer"]
    texts = {a["source"]: a for a in client.predict(api_name="/articles")}
    assert answer["citations"]
    for c in answer["citations"]:
        assert f"[{c['n']}]" in answer["answer"] and c["source"] in texts
        assert c["quote"] and c["end"] - c["start"] == len(c["quote"])


def test_four_concurrent_questions_are_all_answered(live_server: LiveServer) -> None:
    from gradio_client import Client

    def ask(question: str) -> tuple[float, dict]:
        client = Client(live_server.url, verbose=False)  # one client = one user session
        t0 = time.perf_counter()
        answer = client.predict(question, "extractive", [], api_name="/ask")
        return time.perf_counter() - t0, answer

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(ask, QUESTIONS))
    waits = sorted(w for w, _ in results)
    for (_, answer), question in zip(results, QUESTIONS, strict=True):
        assert answer["question"] == question
        assert answer["answer"] and answer["citations"]
    record_figures(
        {
            "concurrent4_extractive_p50_s": round(statistics.median(waits), 2),
            "concurrent4_extractive_max_s": round(waits[-1], 2),
        }
    )
