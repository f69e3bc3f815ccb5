"""Questions about the reader's present: "hôm nay", "tuần sau", "next weekend" (pure).

An archive answers about the days its articles were written. "Thời tiết Hà Nội cuối tuần này?"
or "What is today's exchange rate?" points at the reader's own day, and a 2017 forecast or rate
quoted back would be a confident wrong answer. Such a question is answered only by an article
dated within a few days of today; otherwise the chain refuses and says how old the latest one is.

Only day and week deixis counts: "năm nay", "this year" and "hiện nay" in news questions mean the
story's own year or time ("Năm nay Hà Nội tuyển bao nhiêu học sinh lớp 10?"), not the reader's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from rag.text import fold_accents

# Folded, lower case: "hôm nay" and "hom nay" read alike. "tuần này" only with "cuối" or after
# a forecast word would be safer, but "tuần này" alone is as deictic as "hôm nay" in a question.
_READER_NOW = re.compile(
    r"\b(?:hom nay|ngay mai|toi nay|dem nay|tuan nay|tuan sau|tuan toi|thang sau"
    r"|today'?s?|tomorrow'?s?|tonight|this week(?:end)?|next week(?:end)?|next month)\b"
)
# A question that names the story's own day ("hôm nay (6/2)", "today, 12 May") is not deictic.
_DATED = re.compile(r"\d{1,2}\s*[/-]\s*\d{1,2}|\bngay \d{1,2}\b|\b(?:19|20)\d\d\b")

# How many days old an article may be and still tell "today" or "this week".
RECENT_DAYS = 7


def asks_reader_now(question: str) -> str | None:
    """The deictic words of a question about the reader's present or next days, else None."""
    folded = fold_accents(question).lower()
    m = _READER_NOW.search(folded)
    if m is None or _DATED.search(folded):
        return None
    return question[m.start() : m.end()] if len(question) == len(folded) else m.group(0)


def stale_for_now(question: str, article_dates: Iterable[str | None], today: date) -> str | None:
    """Why the articles cannot answer a question about the reader's present, else None.

    `article_dates` are ISO dates (None when an article's date is unknown: it cannot be shown
    to be recent). None when the question is not deictic or an article is recent enough."""
    words = asks_reader_now(question)
    if words is None:
        return None
    known = sorted(d for d in (_day(a) for a in article_dates) if d is not None)
    latest = known[-1].isoformat() if known else None
    if known and abs((today - known[-1]).days) <= RECENT_DAYS:
        return None
    when = f"bài gần nhất đăng ngày {latest}" if latest else "không bài nào rõ ngày đăng"
    return f"câu hỏi về thời điểm hiện tại ({words!r}) mà {when}"


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:  # an index written before dates were checked may hold any string
        return None
