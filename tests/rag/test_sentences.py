"""Sentence splitting with exact offsets, and cutting over-long sentences."""

from __future__ import annotations

from itertools import pairwise

import pytest

from rag.sentences import Span, split_long, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Câu một. Câu hai! Câu ba?", ["Câu một.", "Câu hai!", "Câu ba?"], id="one-line"),
        pytest.param("Dòng một\nDòng hai", ["Dòng một", "Dòng hai"], id="newline-splits"),
        pytest.param("Hết đoạn,\nvẫn tách", ["Hết đoạn,", "vẫn tách"], id="newline-splits-lowercase"),
        pytest.param("Hết.\n\n  Đoạn mới.  ", ["Hết.", "Đoạn mới."], id="blank-lines-and-padding"),
        pytest.param("Dòng một\r\nDòng hai", ["Dòng một", "Dòng hai"], id="crlf"),
        pytest.param(
            "Năm 2021, Bộ kê khai với 1.695 trường hợp. Năm 2022 xác minh.",
            ["Năm 2021, Bộ kê khai với 1.695 trường hợp.", "Năm 2022 xác minh."],
            id="thousands-dot",
        ),
        pytest.param(
            "Động đất mạnh 3,4 độ richter. Không ai bị thương.",
            ["Động đất mạnh 3,4 độ richter.", "Không ai bị thương."],
            id="decimal-comma",
        ),
        pytest.param("Ông cho biết chỉ số là 3.4 điểm.", ["Ông cho biết chỉ số là 3.4 điểm."], id="decimal-dot"),
        pytest.param("Trang 3. 45 người tham dự.", ["Trang 3.", "45 người tham dự."], id="digit-starts-sentence"),
        pytest.param(
            "Ông làm việc tại TP. Hồ Chí Minh. Sau đó về Hà Nội.",
            ["Ông làm việc tại TP. Hồ Chí Minh.", "Sau đó về Hà Nội."],
            id="abbrev-TP",
        ),
        pytest.param(
            "ThS. Nguyễn Văn A phát biểu. Ông nói rõ.",
            ["ThS. Nguyễn Văn A phát biểu.", "Ông nói rõ."],
            id="abbrev-ThS",
        ),
        pytest.param(
            "PGS.TS. Trần Văn B trình bày. Hội nghị kết thúc.",
            ["PGS.TS. Trần Văn B trình bày.", "Hội nghị kết thúc."],
            id="stacked-titles",
        ),
        pytest.param(
            "Trụ sở ở Q. Ba Đình, Hà Nội. Câu sau.", ["Trụ sở ở Q. Ba Đình, Hà Nội.", "Câu sau."], id="abbrev-Q"
        ),
        pytest.param(
            "Guards threw cement into Ms. Ngoc's pond. The court heard it.",
            ["Guards threw cement into Ms. Ngoc's pond.", "The court heard it."],
            id="abbrev-Ms",
        ),
        pytest.param(
            "Trận Arsenal vs. Chelsea kết thúc. Prof. Smith nói.",
            ["Trận Arsenal vs. Chelsea kết thúc.", "Prof. Smith nói."],
            id="abbrev-vs-Prof",
        ),
        pytest.param(
            "Bệnh do đột biến gen. Sau đó tái phát.", ["Bệnh do đột biến gen.", "Sau đó tái phát."], id="gen-is-a-word"
        ),
        pytest.param(
            "Ông Nguyễn V. A phát biểu. Ông nói rõ.",
            ["Ông Nguyễn V. A phát biểu.", "Ông nói rõ."],
            id="initial",
        ),
        pytest.param("Chờ đã... Rồi sao? Vậy thôi.", ["Chờ đã...", "Rồi sao?", "Vậy thôi."], id="ellipsis-capital"),
        pytest.param("Thế à… Đúng vậy.", ["Thế à…", "Đúng vậy."], id="ellipsis-char"),
        pytest.param("Nhiều việc... còn lại chưa làm.", ["Nhiều việc... còn lại chưa làm."], id="ellipsis-lowercase"),
        pytest.param(
            "Ông nói: “Chúng ta phải làm.” Sau đó ông đi.",
            ["Ông nói: “Chúng ta phải làm.”", "Sau đó ông đi."],
            id="curly-quote-after-period",
        ),
        pytest.param(
            'Ông nói "Xin chào." Bà đáp.', ['Ông nói "Xin chào."', "Bà đáp."], id="straight-quote-after-period"
        ),
        pytest.param(
            "Hội nghị bế mạc. “Đây là bước tiến,” ông nói.",
            ["Hội nghị bế mạc.", "“Đây là bước tiến,” ông nói."],
            id="opening-quote-starts-sentence",
        ),
        pytest.param("Tăng 5%. (Theo TTXVN.) Tiếp theo.", ["Tăng 5%.", "(Theo TTXVN.)", "Tiếp theo."], id="brackets"),
        pytest.param("Thật sao?! Không biết.", ["Thật sao?!", "Không biết."], id="mixed-terminal"),
        pytest.param("Kết thúc bài báo./.", ["Kết thúc bài báo./."], id="slash-dot-end"),
        pytest.param("Câu một./. Câu hai.", ["Câu một./.", "Câu hai."], id="slash-dot-then-more"),
        pytest.param("không có dấu chấm câu", ["không có dấu chấm câu"], id="no-terminal"),
        pytest.param("Lúc 8 giờ. đó là câu thường.", ["Lúc 8 giờ. đó là câu thường."], id="lowercase-no-split"),
        pytest.param("Đến 8 giờ. ở đó vẫn đông.", ["Đến 8 giờ. ở đó vẫn đông."], id="accented-lowercase-no-split"),
        pytest.param("Ăn no. Sau đó ngủ.", ["Ăn no.", "Sau đó ngủ."], id="vietnamese-word-no-not-abbrev"),
        pytest.param(
            "1. Tăng cường kiểm tra.\n2. Xử lý nghiêm.",
            ["1. Tăng cường kiểm tra.", "2. Xử lý nghiêm."],
            id="numbered-list",
        ),
        pytest.param("", [], id="empty"),
        pytest.param("   \n\t\n", [], id="whitespace-only"),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "  Câu một.   Câu hai!\n\nCâu ba?  \n",
        "Ông nói: “Xong.” Bà đáp. Hết./.\r\nDòng mới",
        "\u00a0Mở đầu bằng khoảng trắng. Kết\u00a0",
    ],
)
def test_spans_are_trimmed_ordered_and_disjoint(text: str) -> None:
    spans = split_sentences(text)
    assert spans
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        assert "\n" not in piece
    for a, b in pairwise(spans):
        assert a.end <= b.start
    # Nothing but whitespace is left outside the spans.
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert all(c.isspace() for i, c in enumerate(text) if i not in covered)


LONG = "Bộ Ngoại giao đã hoàn thành kê khai tài sản thu nhập lần đầu đối với 1.695 trường hợp có nghĩa vụ kê khai."


@pytest.mark.parametrize("max_chars", [10, 17, 25, 40, len(LONG) - 1])
def test_split_long_pieces_fit_and_cover_the_words(max_chars: int) -> None:
    text = f"  {LONG}  "
    span = split_sentences(text)[0]
    pieces = split_long(text, span, max_chars)
    assert len(pieces) > 1
    assert all(0 < p.end - p.start <= max_chars for p in pieces)
    assert all(text[p.start : p.end] == text[p.start : p.end].strip() for p in pieces)
    assert all(a.end <= b.start for a, b in pairwise(pieces))
    assert pieces[0].start == span.start and pieces[-1].end == span.end
    # Every word survives, whole and in order (no word is longer than 10 characters here).
    assert [w for p in pieces for w in text[p.start : p.end].split()] == LONG.split()


@pytest.mark.parametrize("max_chars", [len(LONG), len(LONG) + 50])
def test_split_long_keeps_a_short_span(max_chars: int) -> None:
    span = Span(0, len(LONG))
    assert split_long(LONG, span, max_chars) == [span]


def test_split_long_uses_the_whole_budget() -> None:
    # "aaaa bbbb" fits exactly in 9 characters: the cut is at the space after it.
    text = "aaaa bbbb cccc"
    assert [text[p.start : p.end] for p in split_long(text, Span(0, len(text)), 9)] == ["aaaa bbbb", "cccc"]


def test_split_long_cuts_at_no_break_space() -> None:
    text = "aaa\u00a0bbb\u00a0ccc"
    assert [text[p.start : p.end] for p in split_long(text, Span(0, len(text)), 9)] == ["aaa\u00a0bbb", "ccc"]


def test_split_long_cuts_inside_a_word_longer_than_the_limit() -> None:
    text = "x" * 25 + " tail"
    pieces = split_long(text, Span(0, len(text)), 10)
    assert [text[p.start : p.end] for p in pieces] == ["x" * 10, "x" * 10, "xxxxx tail"]
