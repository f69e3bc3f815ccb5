"""End to end in real headless Chromium (Debian's, driven by Playwright) against a live `rag serve`.

One generative question (streamed, 10-30 s on two cores); the rest in extractive mode.
Every wait is on a selector or a text, never a fixed sleep. Screenshots go to artifacts/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import ARTIFACTS, LiveServer, record_figures

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GENERATIVE_Q = "Năm 2021, Bộ Ngoại giao đã hoàn tất kê khai tài sản, thu nhập lần đầu cho bao nhiêu người?"
EXTRACTIVE_Q = "Quảng Ninh đang duy trì bao nhiêu dịch vụ công trực tuyến mức độ 4?"
NEW_SOURCE = "seu-dau-do-tuyen-lam.txt"
NEW_ARTICLE = (
    "Hồ Tuyền Lâm đón đàn sếu đầu đỏ\n"
    "Ngày 12/5/2024, Ban quản lý khu du lịch hồ Tuyền Lâm cho biết đã thả 37 con sếu đầu đỏ về khu bảo tồn "
    "ven hồ Tuyền Lâm. Đây là lần đầu tiên loài chim quý này được thả tại Lâm Đồng.\n"
    "Ông Nguyễn Văn Bảo, trưởng ban quản lý, cho biết đàn sếu được chăm sóc trong 6 tháng trước khi thả.\n"
)
NEW_Q = "Ban quản lý hồ Tuyền Lâm đã thả bao nhiêu con sếu đầu đỏ?"
ANSWERS = "#rag-chat .rag-answer, #rag-chat .rag-refusal, #rag-chat .rag-error"
ANSWER_TIMEOUT_MS = 240_000


@pytest.fixture
def page(live_server: LiveServer) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        page.set_default_timeout(60_000)
        page.goto(live_server.url)
        page.get_by_text("Sẵn sàng").wait_for()
        try:
            yield page
        finally:
            browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui_{name}.png"), full_page=True)


def ask(page, question: str, answers_before: int) -> None:
    from playwright.sync_api import expect

    box = page.locator("#rag-question textarea")
    box.fill(question)
    box.press("Enter")
    expect(page.locator(ANSWERS)).to_have_count(answers_before + 1, timeout=ANSWER_TIMEOUT_MS)


def set_mode(page, mode: str) -> None:
    page.locator(f"#rag-mode input[value={mode}]").check()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_chat_sources_upload_delete(page, live_server: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    sources = page.locator("#rag-sources-panel")

    # 1-2. A Vietnamese question, answered as it is written, with a [1] marker.
    set_mode(page, "generative")
    box = page.locator("#rag-question textarea")
    box.fill(GENERATIVE_Q)
    t0 = time.perf_counter()
    box.press("Enter")
    page.locator("#rag-chat .rag-waiting").wait_for()
    page.locator(f"#rag-chat .rag-streaming, {ANSWERS}").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    first_token = time.perf_counter() - t0
    assert page.locator("#rag-chat .rag-streaming").count() == 1, page.locator(ANSWERS).first.inner_text()
    shot(page, "1_streaming")
    page.locator("#rag-chat .rag-answer").wait_for(timeout=ANSWER_TIMEOUT_MS)
    full = time.perf_counter() - t0
    record_figures(
        {"browser_generative_first_token_s": round(first_token, 2), "browser_generative_full_s": round(full, 2)}
    )
    first_marker = page.locator("#rag-chat .rag-answer").first.locator("a.rag-cite", has_text="[1]")
    expect(first_marker).to_be_visible()
    expect(page.locator("#rag-chat .rag-answer").first).to_contain_text("1.695")
    # The compact label says whose words these are: the model's (verified) or the article's.
    expect(page.locator("#rag-chat .rag-answer").first.locator(".rag-label")).to_have_text(
        re.compile(r"^(tóm tắt|trích dẫn)$")
    )

    # A second (extractive) answer; then the first answer's [1] brings its source back.
    set_mode(page, "extractive")
    t1 = time.perf_counter()
    ask(page, EXTRACTIVE_Q, 1)
    record_figures({"browser_extractive_full_s": round(time.perf_counter() - t1, 2)})
    expect(sources).to_contain_text(EXTRACTIVE_Q)
    expect(page.locator("#rag-chat .rag-answer").nth(1).locator(".rag-label")).to_have_text("trích dẫn")
    # The page shows the answer the API gives for the same question, word for word.
    from gradio_client import Client

    api = Client(live_server.url, verbose=False).predict(EXTRACTIVE_Q, "extractive", [], api_name="/ask")
    shown = " ".join(page.locator("#rag-chat .rag-answer").nth(1).inner_text().split())
    assert " ".join(api["answer"].split()) in shown, (api["answer"], shown)

    # 3. Open the source: the quoted passage is highlighted in its article.
    first_marker.click()
    expect(sources).to_contain_text(GENERATIVE_Q)
    selected = sources.locator(".rag-selected")
    expect(selected.locator(".rag-context mark.rag-hl")).to_be_visible()
    expect(selected.locator(".rag-context mark.rag-hl")).to_contain_text("1.695")
    selected.get_by_text("Xem toàn bài").click()
    expect(selected.locator(".rag-full mark.rag-hl")).to_be_visible()
    shot(page, "2_source_highlighted")

    # Feedback: the thumbs on an answer, and a comment on the latest one, land in the JSONL file.
    page.locator("#rag-chat button[aria-label='Hữu ích']").first.click()
    expect(page.locator("#rag-feedback-notice")).to_contain_text("Cảm ơn")
    page.get_by_text("Góp ý cho câu trả lời gần nhất").click()
    page.locator("#rag-comment textarea").fill("Đúng số liệu")
    page.locator("#rag-down").click()
    expect(page.locator("#rag-comment textarea")).to_have_value("")
    feedback = live_server.data / "feedback" / "feedback.jsonl"
    records = [json.loads(line) for line in feedback.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["rating"], r["comment"]) for r in records[-2:]] == [
        (GENERATIVE_Q, "up", ""),
        (EXTRACTIVE_Q, "down", "Đúng số liệu"),
    ]
    assert records[-1]["citations"] and records[-1]["mode"] == "extractive" and records[-1]["timestamp"]

    # 4. Upload a small new article, then ask about it.
    article = tmp_path / NEW_SOURCE
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    open_tab(page, "Thư viện tài liệu")
    with page.expect_file_chooser() as chooser:
        page.locator("#rag-upload").click()
    chooser.value.set_files(str(article))
    expect(page.locator("#rag-upload-notice .rag-ok")).to_contain_text(f"Đã nạp «{NEW_SOURCE}»", timeout=120_000)
    expect(page.locator("#rag-articles")).to_contain_text(NEW_SOURCE)
    # Six articles searchable; the upload embeds its own article at once (the five bundled ones may
    # still be embedding in the background when the server built its index at start).
    expect(page.locator("#rag-library-counts")).to_contain_text(
        re.compile(r"6 bài tìm được \(BM25\) · [1-6] bài đã nhúng vector")
    )
    shot(page, "3_uploaded")
    assert (live_server.data / "articles" / NEW_SOURCE).read_text(encoding="utf-8") == NEW_ARTICLE

    open_tab(page, "Hỏi đáp")
    ask(page, NEW_Q, 2)
    last = page.locator(ANSWERS).last
    expect(last).to_contain_text("37")
    expect(last.locator("a.rag-cite", has_text="[1]")).to_be_visible()
    expect(sources).to_contain_text(NEW_SOURCE)
    shot(page, "4_new_article_cited")

    # 5. Delete it.
    open_tab(page, "Thư viện tài liệu")
    # The newest article is listed first, where the table keeps a hidden copy of the cell: the visible one.
    page.locator("#rag-articles").get_by_text(NEW_SOURCE).filter(visible=True).first.click()  # picks the row
    expect(page.locator("#rag-delete-choice input")).to_have_value(NEW_SOURCE)
    page.locator("#rag-delete").click()
    expect(page.locator("#rag-delete-notice .rag-ok")).to_contain_text(f"Đã xóa «{NEW_SOURCE}»")
    expect(page.locator("#rag-articles")).not_to_contain_text(NEW_SOURCE)
    shot(page, "5_deleted")

    # 6. Asked again, the deleted article is no longer cited.
    open_tab(page, "Hỏi đáp")
    page.locator("#rag-new").click()
    expect(page.locator(ANSWERS)).to_have_count(0)
    ask(page, NEW_Q, 0)
    expect(sources).not_to_contain_text(NEW_SOURCE)
    expect(page.locator(ANSWERS).last).not_to_contain_text("37 con")
    shot(page, "6_not_cited_after_delete")
