"""Pure rendering: answers, sources and the article list as HTML strings. No Gradio here.

Every piece of article or user text is HTML-escaped before it is wrapped in markup,
so an article holding "<script>" shows that text and never runs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rag.cleaning import display_title

if TYPE_CHECKING:
    from ui.chat import Exchange

CONTEXT_CHARS = 320  # characters of the article shown on each side of a quoted passage
# "[1]", "[1, 2]" or "[1;2]" in a verified answer.
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Characters that would turn answer text into Markdown formatting in the chat bubble.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$])")

CITE_PREFIX = "#nguon-"


def escape_text(text: str) -> str:
    """Plain text safe inside a Markdown+HTML chat bubble: no tags, no formatting."""
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


def cite_link(turn: int, n: int) -> str:
    """A clickable [n]; the page script turns a click into 'show source n of answer `turn`'."""
    return f'<a class="rag-cite" href="{CITE_PREFIX}{turn}-{n}" title="Xem nguồn [{n}]">[{n}]</a>'


def link_markers(text: str, turn: int, valid: Sequence[int]) -> str:
    """Escape `text` and turn each [n] marker with a known citation into a link."""
    out: list[str] = []
    last = 0
    for m in _MARKER.finditer(text):
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
        if not all(n in valid for n in numbers):
            continue
        out.append(escape_text(text[last : m.start()]))
        out.append("".join(cite_link(turn, n) for n in numbers))
        last = m.end()
    out.append(escape_text(text[last:]))
    return "".join(out)


def waiting_message(mode: str) -> str:
    hint = "mô hình đang viết, thường mất 10–30 giây" if mode == "generative" else "trích câu phù hợp nhất"
    return f'<div class="rag-waiting">⏳ Đang tìm trong các bài báo… ({hint})</div>'


def queued_message(ahead: int, eta_s: float) -> str:
    """Where a generative question stands in the line for the model, and about how long it waits."""
    wait = f", khoảng {max(1, round(eta_s))} giây nữa" if eta_s > 0 else ""
    return (
        f'<div class="rag-waiting rag-queued">⏳ Đang chờ lượt mô hình: {ahead} câu hỏi phía trước{wait}. '
        "Chế độ trích nguyên văn trả lời ngay, không phải chờ.</div>"
    )


def streaming_message(text: str) -> str:
    """What the model has written so far; markers become links only once verified."""
    return f'<div class="rag-streaming">{escape_text(text)}<span class="rag-caret">▌</span></div>'


def answer_message(exchange: Exchange, turn: int) -> str:
    """The verified answer (or refusal, or error) as chat-bubble HTML."""
    if exchange.error:
        return f'<div class="rag-error">⚠️ {escape_text(exchange.answer)}</div>'
    numbers = [int(c["n"]) for c in exchange.citations]
    if exchange.refused:
        see = " Xem các đoạn gần nhất ở khung Nguồn." if numbers else ""
        return f'<div class="rag-refusal">🔎 {escape_text(exchange.answer)}{see}</div>'
    body = link_markers(exchange.answer, turn, numbers)
    return f'<div class="rag-answer">{answer_label(exchange)}{body}</div>'


def answer_label(exchange: Exchange) -> str:
    """A compact label: "trích dẫn" when the words are the article's own, "tóm tắt" when they are
    the model's verified sentences; the reason for a fallback goes in the tooltip, not the text."""
    if exchange.mode == "extractive" or exchange.fallback:
        why = "Bản viết lại không kiểm chứng được nên trích nguyên văn" if exchange.fallback else "Trích nguyên văn"
        return f'<span class="rag-label rag-label-quote" title="{why} từ bài báo.">trích dẫn</span> '
    return (
        '<span class="rag-label rag-label-summary" '
        'title="Mô hình viết lại; mỗi câu đã được đối chiếu với đoạn trích dẫn.">tóm tắt</span> '
    )


def highlight_in_context(text: str, start: int, end: int, window: int = CONTEXT_CHARS) -> str:
    """The passage text[start:end] in <mark>, with up to `window` characters around it, escaped."""
    start, end = max(0, start), min(len(text), end)
    left = max(0, start - window)
    right = min(len(text), end + window)
    # Cut the context at whitespace so no word is split.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text) and not text[right].isspace():
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    before = ("… " if left > 0 else "") + html.escape(text[left:start])
    after = html.escape(text[end:right]) + (" …" if right < len(text) else "")
    return f'{before}<mark class="rag-hl">{html.escape(text[start:end])}</mark>{after}'


def full_article(text: str, start: int, end: int) -> str:
    """The whole article with the passage marked, paragraphs kept."""
    marked = highlight_in_context(text, start, end, window=len(text))
    return marked.replace("\n", "<br>")


def _citation_card(citation: Mapping[str, Any], articles: Mapping[str, str], *, selected: bool) -> str:
    n = int(citation["n"])
    source = str(citation["source"])
    start, end = int(citation["start"]), int(citation["end"])
    quote = str(citation["quote"])
    title = html.escape(display_title(str(citation.get("title") or source)))
    date = html.escape(str(citation.get("date") or "không rõ ngày"))
    text = articles.get(source)
    if text is not None and text[start:end] == quote:
        context = highlight_in_context(text, start, end)
        body = (
            _premise_line(citation, text) + f'<div class="rag-context">{context}</div>'
            "<details><summary>Xem toàn bài</summary>"
            f'<div class="rag-full">{full_article(text, start, end)}</div></details>'
        )
    else:
        body = (
            f'<div class="rag-context"><mark class="rag-hl">{html.escape(quote)}</mark></div>'
            '<div class="rag-note">Bài này đã bị xóa hoặc thay đổi sau khi trả lời.</div>'
        )
    return (
        f'<div class="rag-source{" rag-selected" if selected else ""}" id="nguon-{n}">'
        f'<div class="rag-source-head"><b>[{n}] {title}</b></div>'
        f'<div class="rag-meta">{date} · mã nguồn <code>{html.escape(source)}</code></div>'
        f"{body}</div>"
    )


def _premise_line(citation: Mapping[str, Any], text: str) -> str:
    """The story's sentence stating what the answer restated from the question (a report's lead
    naming its province), when the citation carries one that still matches the article."""
    a, b = int(citation.get("context_start", -1)), int(citation.get("context_end", -1))
    premise = str(citation.get("context") or "")
    if a < 0 or not premise or text[a:b] != premise:
        return ""
    return (
        '<div class="rag-premise" title="Câu trong bài nêu điều câu hỏi đã nói (tỉnh, năm...).">'
        f'Theo bài: <mark class="rag-hl-premise">{html.escape(premise)}</mark></div>'
    )


def render_sources(exchange: Exchange | None, articles: Mapping[str, str], selected: int | None = None) -> str:
    """The sources panel for one answer: the selected citation first, then the others."""
    if exchange is None or exchange.error:
        return '<div class="rag-sources-empty">Nguồn của câu trả lời sẽ hiện ở đây. Bấm vào [n] để xem.</div>'
    if not exchange.citations:
        return '<div class="rag-sources-empty">Câu trả lời này không có nguồn.</div>'
    first = selected if selected in {int(c["n"]) for c in exchange.citations} else int(exchange.citations[0]["n"])
    ordered = sorted(exchange.citations, key=lambda c: int(c["n"]) != first)
    heading = "Xem thêm — các đoạn gần nhất" if exchange.refused else "Nguồn"
    question = html.escape(exchange.question)
    cards = "".join(_citation_card(c, articles, selected=int(c["n"]) == first) for c in ordered)
    return (
        f'<div class="rag-sources"><div class="rag-sources-title">{heading}</div>'
        f'<div class="rag-meta">cho câu hỏi: “{question}”</div>{cards}</div>'
    )


def parse_cite_target(value: str) -> tuple[int, int] | None:
    """'2-1' (answer 2, citation 1) from a clicked marker, or None if it is not one."""
    m = re.fullmatch(r"\s*(\d+)-(\d+)\s*", value or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def render_notice(lines: Sequence[tuple[bool, str]]) -> str:
    """Upload / delete results: one line each, ok lines green and rejections red."""
    if not lines:
        return ""
    items = "".join(
        f'<li class="{"rag-ok" if ok else "rag-reject"}">{"✅" if ok else "❌"} {html.escape(text)}</li>'
        for ok, text in lines
    )
    return f'<ul class="rag-notice">{items}</ul>'


# Gradio's own button labels (its frontend has no Vietnamese), given for every browser language we expect.
GRADIO_TEXT = {
    "chatbot.like": "Hữu ích",
    "chatbot.dislike": "Chưa tốt",
    "chatbot.copy_message": "Sao chép",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.clear": "Xóa hội thoại",
    "chatbot.retry": "Thử lại",
    "chatbot.undo": "Hoàn tác",
}
GRADIO_LOCALES = ("en", "vi")

CSS = """
.rag-cite { font-weight: 600; text-decoration: none; color: var(--color-accent); cursor: pointer; padding: 0 1px; }
.rag-cite:hover { text-decoration: underline; }
.rag-refusal { border-left: 4px solid #d97706; background: #fff7ed; color: #7c2d12; padding: 6px 10px;
  border-radius: 6px; }
.rag-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #7f1d1d; padding: 6px 10px;
  border-radius: 6px; }
.rag-waiting { color: #6b7280; font-style: italic; }
.rag-streaming { color: #374151; }
.rag-caret { animation: rag-blink 1s step-start infinite; }
@keyframes rag-blink { 50% { opacity: 0; } }
.rag-note { color: #6b7280; font-size: 0.85em; margin-top: 4px; }
.rag-label { display: inline-block; font-size: 0.75em; padding: 0 6px; margin-right: 4px; border-radius: 8px;
  vertical-align: 1px; }
.rag-label-quote { background: #fef3c7; color: #92400e; }
.rag-premise { font-size: 0.9em; color: #4b5563; margin: 2px 0 4px; }
.rag-hl-premise { background: #e0f2fe; }
.rag-label-summary { background: #dbeafe; color: #1e40af; }
.rag-sources-title { font-size: 1.1em; font-weight: 700; margin-bottom: 2px; }
.rag-source { border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px 10px; margin-top: 8px; }
.rag-selected { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.rag-meta { color: #6b7280; font-size: 0.85em; }
.rag-context { margin-top: 6px; line-height: 1.5; }
.rag-hl { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
.rag-full { max-height: 360px; overflow-y: auto; line-height: 1.5; margin-top: 4px; }
.rag-notice { list-style: none; padding-left: 0; }
.rag-ok { color: #166534; }
.rag-reject { color: #991b1b; }
"""

# A click on a [n] link inside the chat: remember "turn-n" and press the hidden button.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest ? event.target.closest('a[href^="#nguon-"]') : null;
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  window.__ragCite = link.getAttribute("href").slice("#nguon-".length);
  const button = document.querySelector("#rag-cite-open");
  if (button) button.click();
  const panel = document.querySelector("#rag-sources");
  if (panel) panel.scrollIntoView({behavior: "smooth", block: "start"});
}, true);
</script>
"""
