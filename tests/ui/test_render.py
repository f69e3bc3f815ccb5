"""Rendering answers and sources: markers become links, passages are highlighted, all text is escaped."""

from __future__ import annotations

import pytest

from ui.chat import Exchange
from ui.render import (
    answer_message,
    escape_text,
    highlight_in_context,
    link_markers,
    parse_cite_target,
    render_notice,
    render_sources,
    streaming_message,
)

ARTICLE = "Mở đầu bài báo. Quảng Ninh duy trì 1.102 dịch vụ công mức độ 4. Câu sau <b>đậm</b> & hết."
QUOTE = "Quảng Ninh duy trì 1.102 dịch vụ công mức độ 4."
START = ARTICLE.index(QUOTE)


def citation(n: int = 1, source: str = "a.txt", start: int = START, quote: str = QUOTE, **kw: object) -> dict:
    return {
        "n": n,
        "source": source,
        "title": kw.get("title", "Tiêu đề <i>bài</i>"),
        "date": kw.get("date", "2021-03-18"),
        "chunk_id": f"{source}#0",
        "start": start,
        "end": start + len(quote),
        "quote": quote,
    }


@pytest.mark.parametrize(
    ("text", "valid", "links", "plain"),
    [
        pytest.param("Một câu [1].", [1], ["#nguon-3-1"], "Một câu", id="one"),
        pytest.param("A [1][2].", [1, 2], ["#nguon-3-1", "#nguon-3-2"], "A", id="adjacent"),
        pytest.param("A [1, 2].", [1, 2], ["#nguon-3-1", "#nguon-3-2"], "A", id="list"),
        pytest.param("A [7].", [1], [], "[7]", id="unknown-marker-stays-text"),
        pytest.param("<script>x</script> [1]", [1], ["#nguon-3-1"], "&lt;script&gt;", id="escaped"),
        pytest.param("a*b*_c_ `d` $x$ [1]", [1], ["#nguon-3-1"], r"a\*b\*\_c\_ \`d\` \$x\$", id="no-markdown"),
    ],
)
def test_link_markers(text: str, valid: list[int], links: list[str], plain: str) -> None:
    out = link_markers(text, 3, valid)
    assert [part.split('"')[0] for part in out.split('href="')[1:]] == links
    assert plain.replace("[7]", r"\[7\]") in out
    assert "<script>" not in out


def test_answer_refusal_and_error_look_different() -> None:
    answer = answer_message(Exchange("q", "Có 1.102 dịch vụ [1].", citations=(citation(),)), 0)
    refusal = answer_message(Exchange("q", "Không tìm thấy.", refused=True, citations=(citation(),)), 0)
    error = answer_message(Exchange("q", "Câu hỏi trống.", error=True), 0)
    assert 'class="rag-answer"' in answer and 'href="#nguon-0-1"' in answer and ">[1]</a>" in answer
    assert 'class="rag-refusal"' in refusal and "Xem các đoạn gần nhất" in refusal and "rag-cite" not in refusal
    assert 'class="rag-error"' in error


def test_streaming_text_is_escaped_and_not_linked() -> None:
    out = streaming_message("<img src=x onerror=alert(1)> [1]")
    assert "<img" not in out and "rag-cite" not in out and "rag-caret" in out


@pytest.mark.parametrize(
    ("text", "start", "end", "window", "expected"),
    [
        pytest.param("abc def ghi", 4, 7, 100, 'abc <mark class="rag-hl">def</mark> ghi', id="whole"),
        pytest.param("one two three four five", 8, 13, 5, '… two <mark class="rag-hl">three</mark> four …', id="cut"),
        pytest.param("<a> & <b>", 4, 5, 100, '&lt;a&gt; <mark class="rag-hl">&amp;</mark> &lt;b&gt;', id="escape"),
        pytest.param("xyz", 0, 3, 0, '<mark class="rag-hl">xyz</mark>', id="all"),
    ],
)
def test_highlight_in_context(text: str, start: int, end: int, window: int, expected: str) -> None:
    assert highlight_in_context(text, start, end, window) == expected


def test_sources_panel_highlights_the_quote_and_escapes_everything() -> None:
    ex = Exchange("Câu <hỏi>?", "Có [1] và [2].", citations=(citation(1), citation(2, source="b.txt")))
    html = render_sources(ex, {"a.txt": ARTICLE, "b.txt": ARTICLE}, selected=2)
    assert html.index('id="nguon-2"') < html.index('id="nguon-1"')  # selected first
    assert 'class="rag-source rag-selected" id="nguon-2"' in html
    assert f'<mark class="rag-hl">{QUOTE}</mark>' in html
    assert "Tiêu đề &lt;i&gt;bài&lt;/i&gt;" in html and "<i>" not in html
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; hết" in html and "<b>đậm" not in html
    assert "Câu &lt;hỏi&gt;?" in html
    assert "2021-03-18" in html and "<code>b.txt</code>" in html
    assert "<details><summary>Xem toàn bài</summary>" in html


def test_sources_panel_when_the_article_changed_or_is_gone() -> None:
    ex = Exchange("q", "a [1]", citations=(citation(),))
    html = render_sources(ex, {})
    assert f'<mark class="rag-hl">{QUOTE}</mark>' in html and "đã bị xóa hoặc thay đổi" in html
    assert "đã bị xóa" in render_sources(ex, {"a.txt": "khác hẳn " + ARTICLE})


def test_refusal_panel_is_see_also() -> None:
    ex = Exchange("q", "Không tìm thấy.", refused=True, citations=(citation(),))
    assert "Xem thêm" in render_sources(ex, {"a.txt": ARTICLE})


def test_empty_panel() -> None:
    assert "Nguồn của câu trả lời" in render_sources(None, {})
    assert "không có nguồn" in render_sources(Exchange("q", "a"), {})


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("0-1", (0, 1)), (" 12-3 ", (12, 3)), ("", None), ("a-1", None), ("1-", None), ("1-2-3", None)],
)
def test_parse_cite_target(value: str, parsed: tuple[int, int] | None) -> None:
    assert parse_cite_target(value) == parsed


def test_escape_text_and_notice() -> None:
    assert escape_text("<a href='x'>[1]</a>") == r"&lt;a href='x'&gt;\[1\]&lt;/a&gt;"
    notice = render_notice([(True, "Đã nạp «a.txt»"), (False, "<b>lỗi</b>")])
    assert "rag-ok" in notice and "rag-reject" in notice and "&lt;b&gt;lỗi" in notice
    assert render_notice([]) == ""


@pytest.mark.parametrize(
    ("mode", "fallback", "label", "tooltip"),
    [
        ("generative", None, "tóm tắt", "đối chiếu"),
        ("extractive", None, "trích dẫn", "Trích nguyên văn"),
        ("extractive", "extractive_unverified_answer", "trích dẫn", "không kiểm chứng được"),
    ],
)
def test_a_compact_label_says_whose_words_the_answer_is(
    mode: str, fallback: str | None, label: str, tooltip: str
) -> None:
    out = answer_message(
        Exchange("q", "Có 1.102 dịch vụ [1].", mode=mode, fallback=fallback, citations=(citation(),)), 0
    )
    assert f">{label}</span>" in out and tooltip in out
    assert "rag-note" not in out  # no sentence of explanation under the answer any more


def test_a_queued_question_shows_its_place_and_wait() -> None:
    from ui.render import queued_message

    out = queued_message(2, 24.4)
    assert "2 câu hỏi phía trước" in out and "khoảng 24 giây" in out and "trích nguyên văn" in out
    assert "giây" not in queued_message(0, 0.0)


def test_the_card_shows_the_story_sentence_stating_a_restated_premise() -> None:
    premise = "Mở đầu bài báo."
    with_premise = {**citation(), "context_start": 0, "context_end": len(premise), "context": premise}
    html = render_sources(Exchange("q", "a [1]", citations=(with_premise,)), {"a.txt": ARTICLE})
    assert f'Theo bài: <mark class="rag-hl-premise">{premise}</mark>' in html
    # none, or one the article no longer has: nothing shown
    assert "rag-premise" not in render_sources(Exchange("q", "a [1]", citations=(citation(),)), {"a.txt": ARTICLE})
    stale = {**with_premise, "context": "Khác."}
    assert "rag-premise" not in render_sources(Exchange("q", "a [1]", citations=(stale,)), {"a.txt": ARTICLE})
