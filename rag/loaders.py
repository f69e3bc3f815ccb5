"""Reading input files into raw text (the only I/O before cleaning).

Each format is one small reader `bytes -> (text, heading)`, picked by suffix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import LoadError

Reader = Callable[[bytes], tuple[str, str | None]]


@dataclass(frozen=True)
class LoadedFile:
    source: str  # path relative to the corpus root, "/"-separated: the citation id
    text: str
    heading: str | None
    content_hash: str


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError("tệp nhị phân, không phải văn bản (binary file)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"không phải UTF-8 (not UTF-8, byte {exc.start})") from exc


def read_plain(data: bytes) -> tuple[str, str | None]:
    return _decode(data), None


def read_markdown(data: bytes) -> tuple[str, str | None]:
    text = _decode(data)
    heading = None
    m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    if m:
        heading = m.group(1)
        text = text[: m.start()] + text[m.end() :]
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|\*|`)(\S.*?\S|\S)\1", r"\2", text)
    # An underscore inside a word is part of it ("snake_case"), as in CommonMark.
    text = re.sub(r"(?<!\w)(__|_)(\S.*?\S|\S)\1(?!\w)", r"\2", text)
    return text, heading


# Page furniture, never article text.
_HTML_CHROME = ["script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg"]
# Elements that start a new line; everything else is inline and flows into its line.
_HTML_BLOCKS = [
    *("p", "div", "section", "article", "main", "header", "figure", "figcaption", "blockquote", "pre"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "tr", "td", "th", "br", "hr"),
]


def read_html(data: bytes) -> tuple[str, str | None]:
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(_decode(data), "html.parser")
    for tag in soup(_HTML_CHROME):
        tag.decompose()
    # The site's <header> is chrome, but an article's own <header> holds its title and dateline.
    for tag in soup("header"):
        if not tag.decomposed and tag.find_parent(["article", "main"]) is None:
            tag.decompose()
    heading_tag = soup.find("h1") or soup.find("title")
    heading = " ".join(heading_tag.get_text().split()) if heading_tag else None
    if heading_tag is not None:
        heading_tag.decompose()
    if soup.title:
        soup.title.decompose()
    # Line breaks in the source are only spaces; lines come from block elements. Walking
    # every text node (not just <p>) keeps text that sits loose in a <div> or <body>.
    for node in soup.find_all(string=True):
        if type(node) is NavigableString:  # not comments, doctype, CDATA
            node.replace_with(re.sub(r"\s+", " ", node))
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line), heading or None


def _paragraphs(lines: Iterable[str]) -> str:
    """One line per non-empty paragraph, inner whitespace collapsed."""
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def read_pdf(data: bytes) -> tuple[str, str | None]:
    """Text of every page (pypdf); the document title, if set, is the heading.

    A scanned PDF has no text layer: it comes out empty and load_file rejects it.
    """
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError("PDF có mật khẩu (encrypted PDF)")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except PdfReadError as exc:
        raise LoadError(f"PDF hỏng hoặc không hợp lệ (invalid PDF: {exc})") from exc
    text = _paragraphs("\n".join(pages).split("\n"))
    heading = " ".join(title.split()) if isinstance(title, str) and title.strip() else None
    return text, heading


def read_docx(data: bytes) -> tuple[str, str | None]:
    """Paragraphs and table cells (python-docx); the first Title/Heading 1 paragraph is the heading."""
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"DOCX hỏng hoặc không hợp lệ (invalid DOCX: {exc})") from exc
    heading = None
    lines: list[str] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if heading is None and paragraph.text.strip() and style in ("Title", "Heading 1"):
            heading = " ".join(paragraph.text.split())
            continue
        lines.append(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return _paragraphs(lines), heading


READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


def load_file(path: Path, source: str, *, max_bytes: int, suffixes: Iterable[str]) -> LoadedFile:
    """Read one file; any reason it cannot be ingested becomes a LoadError naming the file."""
    suffix = path.suffix.lower()
    if suffix not in {s.lower() for s in suffixes} or suffix not in READERS:
        raise LoadError(f"{source}: định dạng không hỗ trợ '{suffix or path.name}' (unsupported type)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"{source}: tệp quá lớn ({size} byte > {max_bytes}) (file too large)")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{source}: không đọc được tệp ({exc.strerror})") from exc
    if not data.strip():
        raise LoadError(f"{source}: tệp rỗng (empty file)")
    try:
        text, heading = READERS[suffix](data)
    except LoadError as exc:
        raise LoadError(f"{source}: {exc}") from exc
    except Exception as exc:  # a malformed file must not stop the other files
        raise LoadError(f"{source}: không đọc được nội dung ({exc})") from exc
    if not text.strip():
        raise LoadError(f"{source}: không có nội dung văn bản (no text)")
    return LoadedFile(source, text, heading, hashlib.sha256(data).hexdigest())


def discover(paths: Iterable[Path], suffixes: Iterable[str]) -> list[tuple[Path, str]]:
    """Files to ingest with their source ids. A folder's files are named relative to it."""
    wanted = {s.lower() for s in suffixes}
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise LoadError(f"Không tìm thấy đường dẫn: {path} (path not found)")
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                # Hidden folders too (.git, .ipynb_checkpoints): their copies are not articles.
                if file.suffix.lower() in wanted and not any(part.startswith(".") for part in rel.parts):
                    found.append((file, rel.as_posix()))
        else:
            found.append((path, path.name))
    return found
