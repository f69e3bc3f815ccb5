"""Article clean-up: metadata of the bundled articles, nothing dropped, date lines, captions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from rag.cleaning import clean_article, date_in_text, derive_title, display_title, parse_date_line
from rag.sentences import split_sentences
from rag.text import normalize

ARTICLE_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"
TITLE_001 = "Bộ Ngoại giao: Công tác phòng, chống tham nhũng, tiêu cực được quan tâm, chú trọng"


def raw(prefix: str) -> str:
    (path,) = ARTICLE_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# prefix, title (exact, or None when derived from the lead), title prefix, date, author,
# and the raw lines that are not content: chrome, datelines, bylines, captions.
ARTICLES = [
    pytest.param(
        "000",
        None,
        "Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn",
        "2024-03-18",  # no dateline: "ngày 18/3" of the lead, in the latest year the story mentions
        None,
        [],
        id="000",
    ),
    pytest.param(
        "001",
        TITLE_001,
        "Bộ Ngoại giao:",
        "2023-08-30",
        "Văn Hiếu",
        ["."],
        id="001",
    ),
    pytest.param(
        "002",
        None,
        "Tại buổi làm việc, theo báo cáo của Ban cán sự đảng Bộ Ngoại giao",
        None,
        None,
        [],
        id="002",
    ),
    pytest.param(
        "003",
        None,
        "Tại Công văn số 3628/UBND-NC",
        "2019-08-12",  # no dateline: "ngày 12/8" of the lead, the report being on 2019
        "Phương Nghi",
        [
            "Bảo đảm ngăn chặn tình trạng lợi dụng chức vụ được giao để",
            "sách nhiễu,\u00a0vụ lợi cá nhân trong thực thi công vụ. (Ảnh: luatvietnam.vn)",
        ],
        id="003",
    ),
    pytest.param(
        "004",
        "Phòng chống tham nhũng: Nêu cao trách nhiệm người đứng đầu",
        "Phòng chống tham nhũng",
        "2021-07-14",
        "Nguyễn Huế",
        [
            "Tất cả chuyên mục",
            "Thứ Sáu, 22/11/2024 15:07 (GMT +7)",
            "Liên kết website",
            "Ý kiến ()",
        ],
        id="004",
    ),
]


def content_lines(text: str, not_content: list[str]) -> list[str]:
    # The publication dateline stays, without its "A A" font widget.
    lines = [re.sub(r"\s*A A$", "", normalize(line).strip()) for line in text.splitlines()]
    dropped = {normalize(line).strip() for line in not_content}
    return [line for line in lines if line and line not in dropped]


@pytest.mark.parametrize(("prefix", "title", "title_start", "date", "author", "not_content"), ARTICLES)
def test_article_metadata(
    prefix: str, title: str | None, title_start: str, date: str | None, author: str | None, not_content: list[str]
) -> None:
    article = clean_article(raw(prefix))
    assert article.title.startswith(title_start)
    if title is not None:
        assert article.title == title
    else:
        # Derived from the lead: its first sentence, at most 100 characters plus "…", on one line.
        lead = article.text[split_sentences(article.text)[0].start : split_sentences(article.text)[0].end]
        assert article.title.rstrip("…") in lead
        assert len(article.title) <= 101 and "\n" not in article.title
    assert article.date == date
    assert article.author == author


@pytest.mark.parametrize(("prefix", "title", "title_start", "date", "author", "not_content"), ARTICLES)
def test_every_content_line_is_kept_and_nothing_else(
    prefix: str, title: str | None, title_start: str, date: str | None, author: str | None, not_content: list[str]
) -> None:
    text = raw(prefix)
    missing = [line for line in not_content if line not in text.splitlines()]
    assert not missing, "the fixture table names lines the article does not have"
    assert clean_article(text).text.split("\n") == content_lines(text, not_content)


@pytest.mark.parametrize(("prefix", "title", "title_start", "date", "author", "not_content"), ARTICLES)
def test_every_body_sentence_survives(
    prefix: str, title: str | None, title_start: str, date: str | None, author: str | None, not_content: list[str]
) -> None:
    cleaned = clean_article(raw(prefix)).text
    body = "\n".join(content_lines(raw(prefix), not_content))
    body_sentences = [body[s.start : s.end] for s in split_sentences(body)]
    assert len(body_sentences) >= 5
    assert [s for s in body_sentences if s not in cleaned] == []


@pytest.mark.parametrize(("prefix", "title", "title_start", "date", "author", "not_content"), ARTICLES)
def test_non_content_lines_are_gone(
    prefix: str, title: str | None, title_start: str, date: str | None, author: str | None, not_content: list[str]
) -> None:
    lines = clean_article(raw(prefix)).text.split("\n")
    for line in not_content:
        assert normalize(line).strip() not in lines
    assert not any("(Ảnh:" in line for line in lines)
    # Only the publication dateline may remain, never the page clock above the title.
    assert sum("GMT" in line for line in lines) <= 1


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_cleaned_text_is_normalized(prefix: str) -> None:
    article = clean_article(unicodedata.normalize("NFD", raw(prefix)))
    assert article == clean_article(raw(prefix))
    assert unicodedata.is_normalized("NFC", article.text)
    assert "\r" not in article.text and "\n\n" not in article.text


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Thứ Tư, 30/08/2023, 17:17 [GMT+7]", "2023-08-30"),
        ("Thứ 4, 14/07/2021 | 08:35:48 [GMT +7] A A", "2021-07-14"),
        ("Thứ Sáu, 22/11/2024 15:07 (GMT +7)", "2024-11-22"),
        ("Chủ nhật, 1/9/2024", "2024-09-01"),
        ("CN, 01/09/2024", "2024-09-01"),
        ("thứ hai, 2/9/2024 06:00 GMT+7", "2024-09-02"),
        ("  Thứ Bảy, 2/9/2023  ", "2023-09-02"),
        ("ngày 30 tháng 8 năm 2023", "2023-08-30"),
        ("Ngày 30 tháng 8 năm 2023", "2023-08-30"),
        ("30.08.2023", "2023-08-30"),
        ("30-08-2023 10:00", "2023-08-30"),
        ("29/02/2024", "2024-02-29"),
        ("31/02/2023", None),  # no such day
        ("29/02/2023", None),
        ("Thứ Hai, 13/13/2024", None),
        ("Thứ Tám, 1/1/2024", None),  # no such weekday: not a dateline
        ("Ngày 30/8/2023, Bộ Ngoại giao tổ chức hội nghị tổng kết.", None),  # a body sentence
        ("Bộ trưởng cho biết ngày 30 tháng 8 năm 2023 sẽ họp.", None),
        ("2023-08-30", None),
        ("Tất cả chuyên mục", None),
        ("", None),
    ],
)
def test_parse_date_line(line: str, iso: str | None) -> None:
    assert parse_date_line(line) == iso


BODY = "Câu mở đầu của bài viết này khá dài.\nĐoạn thứ hai cũng có nội dung.\nĐoạn thứ ba kết thúc bài."


@pytest.mark.parametrize(
    ("raw_text", "expected"),
    [
        pytest.param(
            "Bộ trưởng cho biết việc kê khai\ntài sản được thực hiện đầy đủ.\nĐoạn sau.",
            "Bộ trưởng cho biết việc kê khai tài sản được thực hiện đầy đủ.\nĐoạn sau.",
            id="hard-wrap-joined",
        ),
        pytest.param(
            "Một câu được ngắt\nthành ba\ndòng liền nhau.",
            "Một câu được ngắt thành ba dòng liền nhau.",
            id="three-lines-joined",
        ),
        pytest.param("Câu kết thúc.\ncâu mới viết thường.", "Câu kết thúc.\ncâu mới viết thường.", id="after-period"),
        pytest.param(
            "Quyết tâm cao nhất trong phòng chống tham nhũng\nBộ sẽ tiếp tục.",
            "Quyết tâm cao nhất trong phòng chống tham nhũng\nBộ sẽ tiếp tục.",
            id="heading-then-capital",
        ),
    ],
)
def test_hard_wrapped_lines_are_joined(raw_text: str, expected: str) -> None:
    assert clean_article(raw_text).text == expected


# A body paragraph longer than any caption (MAX_CAPTION_CHARS).
LONG_BODY = " ".join(
    [
        "Những ngày qua, giá các mặt hàng thủy hải sản ở tỉnh Bạc Liêu đang tăng mạnh, nhiều loại tăng hơn 20%.",
        "Theo hãng tin Sputnik, Bahrain trở thành quốc gia đầu tiên tuyên bố cắt đứt quan hệ ngoại giao với Qatar.",
        "Ngày 6/2, Công an huyện Đông Anh tạm giữ hình sự ba thanh niên về hành vi gây rối trật tự công cộng.",
    ]
)


@pytest.mark.parametrize(
    ("raw_text", "expected"),
    [
        pytest.param(f"{BODY}\nÔng A phát biểu tại hội nghị. (Ảnh: TTXVN)", BODY, id="caption-last-no-blank-lines"),
        pytest.param(
            "Câu mở đầu của bài viết này khá dài.\nÔng A phát biểu. (Ảnh: TTXVN)\n"
            "Đoạn thứ hai cũng có nội dung.\nĐoạn thứ ba kết thúc bài.",
            BODY,
            id="caption-in-the-middle",
        ),
        pytest.param(
            f"Toàn cảnh hội nghị tổng kết công tác\nphòng chống tham nhũng. (Ảnh: Bộ Ngoại giao)\n\n{BODY}",
            BODY,
            id="hard-wrapped-caption",
        ),
        pytest.param(
            f"Quyết tâm cao nhất trong phòng chống tham nhũng\nToàn cảnh hội nghị. (ảnh: X)\n{BODY}",
            f"Quyết tâm cao nhất trong phòng chống tham nhũng\n{BODY}",
            id="heading-before-caption-kept",
        ),
        pytest.param(f"Ảnh: Bộ Ngoại giao\n{BODY}", BODY, id="photo-line"),
        pytest.param(
            f"{BODY}\n" + "Tác phẩm 'Mẹ con ngày gặp mặt' của tác giả Lâm Hồng Long đoạt giải năm 1996. (Ảnh: PV) " * 4,
            f"{BODY}\n"
            + " ".join(["Tác phẩm 'Mẹ con ngày gặp mặt' của tác giả Lâm Hồng Long đoạt giải năm 1996."] * 4),
            id="gallery-paragraph-kept-credits-dropped",
        ),
        pytest.param(f"Ảnh minh hoạ: TTXVN\n{BODY}", BODY, id="illustration-line-new-tone"),
        # a caption the scraper glued to a whole body (business, society, world desks): the body stays
        pytest.param(f"Ảnh minh họa. (Nguồn: TTXVN) {LONG_BODY}", LONG_BODY, id="caption-glued-to-body"),
        pytest.param(f"Ảnh minh họa. Nguồn: internet {LONG_BODY}", LONG_BODY, id="caption-source-glued-to-body"),
        pytest.param(f"Ảnh: AP {LONG_BODY}", f"Ảnh: AP {LONG_BODY}", id="credit-glued-to-body-kept-whole"),
    ],
)
def test_captions_are_dropped_and_content_kept(raw_text: str, expected: str) -> None:
    assert clean_article(raw_text).text == expected


@pytest.mark.parametrize(
    "chrome",
    [
        "Tất cả chuyên mục",
        "Liên kết website",
        "Ý kiến ()",
        "Ý kiến (12)",
        "Bình luận (3)",
        "Chia sẻ",
        "In bài",
        "Tin liên quan",
        "Xem thêm",
        "A A",
        "---",
        ".",
        "Theo dõi Báo Nhân Dân trên Google News",
    ],
)
def test_chrome_lines_are_dropped(chrome: str) -> None:
    lines = BODY.split("\n")
    raw_text = "\n".join([lines[0], chrome, *lines[1:]])
    assert clean_article(raw_text).text == BODY


@pytest.mark.parametrize(
    ("last_line", "author"),
    [
        ("Văn Hiếu", "Văn Hiếu"),
        ("Nguyễn Thị Minh Huế", "Nguyễn Thị Minh Huế"),
        ("Theo TTXVN", "TTXVN"),
        ("Phương Nghi.", "Phương Nghi"),
        ("Đoạn cuối cùng của bài viết.", None),
        ("Năm 2023 Có Nhiều Việc", None),  # digits: not a name
    ],
)
def test_byline(last_line: str, author: str | None) -> None:
    article = clean_article(f"{BODY}\n{last_line}")
    assert article.author == author
    # The byline is metadata and also stays in the text, so an answer about it can be cited.
    assert article.text.endswith(last_line)


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Tiêu đề từ thẻ h1", "Tiêu đề từ thẻ h1"),
        ("  Hoà bình và hợp tác  ", "Hòa bình và hợp tác"),  # normalised like everything else
        (unicodedata.normalize("NFD", "Tuỳ chọn"), "Tùy chọn"),
    ],
)
@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_heading_argument_wins(prefix: str, heading: str, title: str) -> None:
    with_heading = clean_article(raw(prefix), heading=heading)
    assert with_heading.title == title
    # Only the title changes; the body and the other metadata do not depend on it.
    without = clean_article(raw(prefix))
    assert (with_heading.text, with_heading.date, with_heading.author) == (without.text, without.date, without.author)


@pytest.mark.parametrize("heading", [None, "", "   "])
def test_empty_heading_falls_back_to_the_text(heading: str | None) -> None:
    assert clean_article(raw("001"), heading=heading).title == TITLE_001


def test_publication_date_is_the_one_under_the_title() -> None:
    text = "Thứ Sáu, 22/11/2024 15:07\nTiêu đề bài viết về hội nghị\nThứ 4, 14/07/2021\nNội dung bài viết."
    assert clean_article(text).date == "2021-07-14"


def test_a_lone_dateline_is_the_date() -> None:
    assert clean_article("Chủ nhật, 1/9/2024\nNội dung bài viết. Câu thứ hai.").date == "2024-09-01"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param(
            "Tại TP. Hồ Chí Minh, ông A phát biểu. Câu hai.", "Tại TP. Hồ Chí Minh, ông A phát biểu", id="abbreviation"
        ),
        pytest.param("Hà Nội\nBộ trưởng phát biểu. Câu hai.", "Hà Nội", id="never-spans-lines"),
        pytest.param("Kết thúc bài./.", "Kết thúc bài", id="slash-dot"),
        pytest.param(
            "Năm 2021 có 1.695 trường hợp kê khai. Sau đó.", "Năm 2021 có 1.695 trường hợp kê khai", id="number"
        ),
        pytest.param("Có thật không? Có.", "Có thật không?", id="question"),
        pytest.param("", "", id="empty"),
    ],
)
def test_derive_title(text: str, title: str) -> None:
    assert derive_title(text) == title


def test_derive_title_cuts_long_leads_at_a_word() -> None:
    lead = "Bộ trưởng " + "rất " * 40 + "dài."
    title = derive_title(lead, max_chars=50)
    assert title.endswith("…") and len(title) <= 51
    assert lead.startswith(title[:-1]) and lead[len(title) - 1] == " "


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # a full date anywhere wins
        ("Sáng nay, đội tuyển tập trung.\n\nTrận đấu diễn ra ngày 26/4/2018 tại Mỹ Đình.", "2018-04-26"),
        ("Luật có hiệu lực từ ngày 1 tháng 7 năm 2024.", "2024-07-01"),
        # the lead's day and month, in the latest year the story mentions (a look back at 2018)
        ("Tại Công văn ngày 12/8, UBND tỉnh chỉ đạo.\n\n6 tháng đầu năm 2019, so với năm 2018, ...", "2019-08-12"),
        ("Ngày 5/6, bệnh viện tiếp nhận 30 bệnh nhân.\n\nTừ năm 2015 đến năm 2017, số ca tăng.", "2017-06-05"),
        # no year anywhere, no date at all, an impossible date: unknown
        ("Ngày 5/6, bệnh viện tiếp nhận 30 bệnh nhân.", None),
        ("Giá vàng tăng mạnh trong phiên sáng.", None),
        ("Ngày 31/2, năm 2020 ...", None),
        # a document number is no date
        ("Quyết định 448/QĐ-UBND năm 2017 về giá đất.", None),
    ],
)
def test_date_in_text(text: str, iso: str | None) -> None:
    assert date_in_text(text) == iso


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        # a headline stays as written, long or not
        ("Bộ Ngoại giao: Công tác phòng, chống tham nhũng, tiêu cực được quan tâm, chú trọng", None),
        ("Hà Nội thắng Hải Phòng 3-1", None),
        # a lead sentence loses its opening circumstance, and is cut shorter when it was cut
        (
            "Tại Công văn số 3628/UBND-NC ngày 12/8, Chủ tịch UBND tỉnh Quảng Trị chỉ đạo Giám đốc các Sở, Thủ trưởng…",
            "Chủ tịch UBND tỉnh Quảng Trị chỉ đạo Giám đốc các Sở, Thủ trưởng…",
        ),
        ("Chiều 4/7, tàu hỏa đâm ô tô 4 chỗ ở Nghệ An", "Tàu hỏa đâm ô tô 4 chỗ ở Nghệ An"),
    ],
)
def test_display_title(title: str, shown: str | None) -> None:
    out = display_title(title)
    assert out == (shown or title)
    assert len(out) <= 81 or out == title
