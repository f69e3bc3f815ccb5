"""Article clean-up and metadata extraction (pure: text in, values out)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rag.sentences import split_sentences
from rag.text import normalize

# Whole lines that are site navigation or widgets, never article content.
_CHROME_LINE = re.compile(
    r"^(?:tất cả chuyên mục|liên kết website|ý kiến\s*\(\d*\)|bình luận\s*\(\d*\)|chia sẻ|in bài|"
    r"gửi bài|tin liên quan|tin cùng chuyên mục|xem thêm|đọc thêm|trang chủ|đăng nhập|đăng ký|"
    r"quay lại|về đầu trang|bản in|a\s*a|[.\-–—_*•·|]+|theo dõi .{0,60} trên google news)$",
    re.IGNORECASE,
)
_PHOTO_CREDIT_TAIL = re.compile(r"\((?:ảnh|nguồn ảnh|photo|video)\s*:[^)]*\)\s*$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"\((?:ảnh|nguồn ảnh|photo|video)\s*:[^)]*\)", re.IGNORECASE)
# Captions in this archive run up to ~200 characters; 1 in 450 articles has a whole body (one
# long paragraph) that ends in a credit.
MAX_CAPTION_CHARS = 300
_PHOTO_LINE = re.compile(r"^(?:ảnh|nguồn ảnh|ảnh minh họa|photo)\s*[:.]", re.IGNORECASE)
# A "photo line" longer than any caption is a caption the scraper glued to the body ("Ảnh minh
# họa. (Nguồn: TTXVN) Những ngày qua, giá ..."): 406 of the archive's 29,205 articles hold their
# whole body in one, so it is kept, with only the caption's unmistakable lead cut off.
_CAPTION_LEAD = re.compile(
    r"^ảnh minh (?:họa|hoạ)\s*[.:]\s*(?:\(nguồn\s*:[^()]{0,60}\)|nguồn\s*:?\s*internet\b)?\s*", re.IGNORECASE
)
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn)"
_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_LONG_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
# A line that is nothing but a dateline: weekday, date, time, time zone, "A A" font widget.
_DATE_LINE = re.compile(
    rf"^(?:{_WEEKDAY}\s*,?\s*)?(?:{_DMY}|{_LONG_DATE})(?:[\s,|\-]*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    r"(?:\s*[\[(]?\s*gmt\s*[+-]\s*\d{1,2}\s*[\])]?)?(?:\s*a\s*a)?\s*$",
    re.IGNORECASE,
)
# The "A A" font-size widget that news sites print after the dateline.
_WIDGET_TAIL = re.compile(r"\s*\bA\s*A\s*$")
_TERMINAL = ".!?…:;\"”')»"
_BYLINE = re.compile(r"^(?:(?:theo|nguồn)\s*:?\s*)?(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\.?\s*){2,5}$")


@dataclass(frozen=True)
class CleanArticle:
    text: str  # cleaned body; citation offsets point into this
    title: str
    date: str | None  # ISO yyyy-mm-dd
    author: str | None


def parse_date_line(line: str) -> str | None:
    """ISO date of a dateline such as "Thứ Tư, 30/08/2023, 17:17 [GMT+7]", else None."""
    m = _DATE_LINE.match(line.strip())
    if not m:
        return None
    groups = [g for g in m.groups() if g is not None]
    day, month, year = (int(g) for g in groups[:3])
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_FULL_DATE_IN_TEXT = re.compile(rf"(?<![\d/])(?:{_DMY}|{_LONG_DATE})(?![\d/])", re.IGNORECASE)
_DAY_MONTH_IN_TEXT = re.compile(r"\bngày\s+(\d{1,2})\s*[/-]\s*(\d{1,2})(?![\d/-])", re.IGNORECASE)
_YEAR_IN_TEXT = re.compile(r"\bnăm\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def date_in_text(text: str) -> str | None:
    """An article's date from its own words when no dateline gives one (ISO), else None.

    The first full date it states ("12/8/2019", "ngày 12 tháng 8 năm 2019"); or else the first
    "ngày 12/8" of the lead in the latest year the story mentions ("6 tháng đầu năm 2019"): news
    dates its own events by day and month, and looks back on earlier years, not forward.
    """
    for m in _FULL_DATE_IN_TEXT.finditer(text):
        day, month, year = (int(g) for g in m.groups() if g is not None)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    lead = text.split("\n\n", 1)[0] if "\n\n" in text else text[:600]
    day_month = _DAY_MONTH_IN_TEXT.search(lead)
    years = [int(y) for y in _YEAR_IN_TEXT.findall(text)]
    if not day_month or not years:
        return None
    try:
        return date(max(years), int(day_month.group(2)), int(day_month.group(1))).isoformat()
    except ValueError:
        return None


# A sentence's opening circumstance: where, when or on what grounds ("Tại buổi làm việc, ").
_CIRCUMSTANCE = re.compile(r"(?:tại|theo|ngày|sáng|chiều|tối|trưa|đêm|trong|qua|sau|trước)\b", re.IGNORECASE)


def display_title(title: str, max_chars: int = 80) -> str:
    """A title fit for a citation card. One derived from the lead (rag.cleaning.derive_title) loses
    its opening circumstance ("Tại Công văn số 3628/UBND-NC ngày 12/8, ") and, when it was cut,
    is cut shorter at a word; a headline (no such opening, never cut) stays as written.

    Display only: the stored title also goes into each chunk's embedding input, so it stays whole.
    """
    head, sep, rest = title.partition(", ")
    if sep and _CIRCUMSTANCE.match(head) and len(head) < len(title) // 2:
        title = rest[:1].upper() + rest[1:]
    if len(title) <= max_chars or not title.endswith("…"):
        return title
    return title[:max_chars].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _is_heading(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 30 and len(line) <= 200 and line[-1] not in _TERMINAL + ","


def _is_byline(line: str) -> bool:
    return len(line) <= 40 and not any(c.isdigit() for c in line) and bool(_BYLINE.match(line))


def _drop_captions(lines: list[str]) -> list[str]:
    """Drop photo captions: a line ending in "(Ảnh: …)", with the lines it was hard-wrapped from.

    Only the wrapped start of the caption goes with it (a line with no terminal mark
    followed by a lower-case line), never the paragraphs before it. A caption is short: a longer
    line ending in a credit is a body written as one paragraph, or a gallery whose captions are
    the story ("Tác phẩm … đoạt Giải thưởng Nhà nước năm 2007. (Ảnh: PV)"); it keeps its text and
    loses the credits.
    """
    drop: set[int] = set()
    out = list(lines)
    for i, line in enumerate(lines):
        if not _PHOTO_CREDIT_TAIL.search(line.strip()):
            continue
        j = i
        while j > 0 and (prev := lines[j - 1].strip()) and prev[-1] not in _TERMINAL and lines[j].strip()[:1].islower():
            j -= 1
        if sum(len(lines[k]) for k in range(j, i + 1)) > MAX_CAPTION_CHARS:
            out[i] = " ".join(_PHOTO_CREDIT.sub(" ", line).split())
        else:
            drop.update(range(j, i + 1))
    return [line for i, line in enumerate(out) if i not in drop and line]


def _join_hard_wraps(lines: list[str]) -> list[str]:
    """Join a line broken mid-sentence (no terminal mark, next starts lower-case)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1][-1] not in _TERMINAL and line[0].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def derive_title(text: str, max_chars: int = 100) -> str:
    """A title from the lead: its first sentence, cut at a word boundary."""
    spans = split_sentences(text)
    if not spans:
        return ""
    # "./." closes Vietnamese news items; neither it nor a final full stop belongs in a title.
    first = text[spans[0].start : spans[0].end].rstrip("./").rstrip()
    if len(first) <= max_chars:
        return first
    return first[:max_chars].rsplit(" ", 1)[0] + "…"


def clean_article(raw: str, heading: str | None = None) -> CleanArticle:
    """Remove site chrome, extract title/date/byline, keep every content line.

    `heading` is a title the loader already knows (an HTML <h1>, a Markdown "#").
    """
    lines = _drop_captions(normalize(raw).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    kept: list[str] = []
    dates: list[tuple[int, str, str]] = []
    for line in (ln.strip() for ln in lines):
        if _PHOTO_LINE.match(line):
            if len(line) <= MAX_CAPTION_CHARS:
                continue
            line = _CAPTION_LEAD.sub("", line)
        if not line or _CHROME_LINE.match(line):
            continue
        iso = parse_date_line(line)
        if iso:
            dates.append((len(kept), iso, _WIDGET_TAIL.sub("", line)))
            continue
        kept.append(line)
    kept = _join_hard_wraps(kept)

    # The byline stays in the text (staff ask who wrote a piece, and the answer needs a span to cite).
    author = None
    if len(kept) > 1 and _is_byline(kept[-1]):
        author = re.sub(r"^(?:theo|nguồn)\s*:?\s*", "", kept[-1], flags=re.IGNORECASE).rstrip(".")

    title = normalize(heading).strip() if heading else ""
    if not title and kept and _is_heading(kept[0]) and len(kept) > 1:
        title = kept[0]
    # The publication date is the dateline right under the title; an earlier one is the page's clock.
    after_title = [d for d in dates if d[0] >= 1]
    chosen = after_title[0] if after_title else (dates[0] if dates else None)
    pub_date = chosen[1] if chosen else None
    if chosen:
        # Kept as a line of its own so a "when was it published" answer can cite it.
        kept.insert(min(chosen[0], len(kept)), chosen[2])
    body = "\n".join(kept)
    if not title:
        title = derive_title("\n".join(line for line in kept if not (chosen and line == chosen[2])))
    return CleanArticle(text=body, title=title, date=pub_date or date_in_text(body), author=author)
