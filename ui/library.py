"""The document library: checking, saving and ingesting uploads, deleting articles.

File names are sanitised and every write is checked to land inside the uploads
folder. Each rejection is one Vietnamese sentence that names the file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.cleaning import display_title
from rag.errors import LoadError, RagError
from rag.ingest import ProgressFn
from rag.loaders import READERS, load_file
from rag.pipeline import Pipeline
from rag.records import ArticleRecord, Counts

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx")
MAX_NAME_CHARS = 80
TRASH = ".da-xoa"  # hidden, so `rag ingest` skips it; deleted uploads can be restored from it
_UNSAFE = re.compile(r"[^\w.\-]+")


def sanitize_filename(name: str, fallback: str = "tai-lieu") -> str:
    """A safe, flat file name: no folders, no control characters, no leading dot, bounded length.

    "../../etc/passwd" -> "passwd", "..\\x.txt" -> "x.txt", "Bài mới.txt" -> "Bài-mới.txt".
    """
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # NUL, newlines, ...
    name = re.split(r"[\\/]", name)[-1].lstrip(". ")  # no folders, no hidden files
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("-", stem).strip(".-_ ")
    stem = re.sub(r"-{2,}", "-", stem)
    suffix = _UNSAFE.sub("", suffix).lower()[:10]
    room = MAX_NAME_CHARS - (len(suffix) + 1 if suffix else 0)
    stem = stem[:room].rstrip(".-_") or fallback
    return f"{stem}.{suffix}" if suffix else stem


def inside(folder: Path, name: str) -> Path:
    """folder/name, refusing anything that would resolve outside `folder`."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise RagError(f"Tên tệp không hợp lệ: {name!r}")
    return target


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


@dataclass(frozen=True)
class UploadResult:
    name: str  # the sanitised name (the article's source id when accepted)
    ok: bool
    message: str


def check_upload(
    name: str,
    size: int,
    data: bytes,
    *,
    max_bytes: int,
    suffixes: Sequence[str],
    known_hashes: dict[str, str],
    taken: Iterable[str],
) -> str | None:
    """Why this upload is rejected (a Vietnamese sentence), or None if it may be saved."""
    suffix = Path(name).suffix.lower()
    allowed = [s for s in suffixes if s in READERS]
    if suffix not in allowed:
        return f"«{name}»: định dạng {suffix or '(không có đuôi)'} không được hỗ trợ. Chỉ nhận {', '.join(allowed)}."
    if size > max_bytes:
        return f"«{name}»: tệp quá lớn ({_size(size)}; tối đa {_size(max_bytes)})."
    if not data.strip():
        return f"«{name}»: tệp rỗng."
    twin = known_hashes.get(hashlib.sha256(data).hexdigest())
    if twin is not None:
        return f"«{name}»: trùng nội dung với bài đã có «{twin}»."
    if name in set(taken):
        return f"«{name}»: đã có bài cùng tên. Hãy đổi tên tệp hoặc xóa bài cũ trước."
    return None


def _reason(exc: LoadError, source: str) -> str:
    text = str(exc)
    return text[len(source) + 2 :] if text.startswith(f"{source}: ") else text


def add_uploads(
    pipeline: Pipeline,
    files: Sequence[Path],
    uploads_dir: Path,
    *,
    max_bytes: int,
    progress: ProgressFn | None = None,
    original_names: Sequence[str] | None = None,
) -> list[UploadResult]:
    """Check, save into `uploads_dir` and ingest each file; one result per file, in order."""
    settings = pipeline.settings
    suffixes = [s for s in UPLOAD_SUFFIXES if s in settings.ingest.suffixes]
    uploads_dir.mkdir(parents=True, exist_ok=True)
    # This request's files; the store is asked per file (indexed), never listed whole.
    known: dict[str, str] = {}
    taken: set[str] = set()
    results: list[UploadResult] = []
    for i, path in enumerate(files):
        name = sanitize_filename(original_names[i] if original_names else path.name)
        if progress:
            progress(i, len(files), f"Kiểm tra {name}")
        try:
            size = path.stat().st_size
            data = path.read_bytes() if size <= max_bytes else b""
        except OSError:
            results.append(UploadResult(name, False, f"«{name}»: không đọc được tệp tải lên."))
            continue
        digest = hashlib.sha256(data).hexdigest()
        twin = known.get(digest) or pipeline.source_of_hash(digest)
        exists = name in taken or (uploads_dir / name).exists() or pipeline.has_article(name)
        reason = check_upload(
            name,
            size,
            data,
            max_bytes=max_bytes,
            suffixes=suffixes,
            known_hashes={digest: twin} if twin else {},
            taken={name} if exists else set(),
        )
        if reason is not None:
            results.append(UploadResult(name, False, reason))
            continue
        target = inside(uploads_dir, name)
        with target.open("xb") as out:  # never overwrite
            out.write(data)
        try:  # read it as ingest will, so an unreadable file is rejected before the index is touched
            load_file(target, name, max_bytes=max_bytes, suffixes=suffixes)
        except LoadError as exc:
            target.unlink(missing_ok=True)
            results.append(UploadResult(name, False, f"«{name}»: không đọc được nội dung ({_reason(exc, name)})."))
            continue

        def step(done: int, total: int, message: str, i: int = i, name: str = name) -> None:
            if progress:
                progress(i, len(files), f"{name}: {message}")

        try:
            report = pipeline.ingest([target], embed="new", progress=step)
        except Exception:
            target.unlink(missing_ok=True)
            raise
        if report.skipped:
            target.unlink(missing_ok=True)
            _, why = report.skipped[0]
            results.append(UploadResult(name, False, f"«{name}»: không nạp được ({_reason(LoadError(why), name)})."))
            continue
        record = next(iter(pipeline.articles_by_source([name]).values()), None)
        chunks = record.chunk_count if record else 0
        title = display_title(record.title) if record else name
        results.append(UploadResult(name, True, f"Đã nạp «{name}» — {title} ({chunks} đoạn)."))
        known[digest] = name
        taken.add(name)
    if progress:
        progress(len(files), len(files), "Xong")
    return results


def delete_article(pipeline: Pipeline, source: str, uploads_dir: Path) -> str:
    """Remove an article from the index; its file in the uploads folder goes to the hidden trash."""
    if not pipeline.has_article(source):
        raise RagError(f"Không có bài «{source}» trong thư viện.")
    count = pipeline.remove(source)
    moved = ""
    try:
        path = inside(uploads_dir, source)
    except RagError:
        path = None
    if path is not None and path.is_file():
        trash = uploads_dir / TRASH
        trash.mkdir(exist_ok=True)
        shutil.move(str(path), trash / f"{int(time.time())}-{path.name}")
        moved = f" Tệp được chuyển vào {TRASH}/ (khôi phục được)."
    return f"Đã xóa «{source}» ({count} đoạn).{moved}"


ARTICLE_COLUMNS = ["Tiêu đề", "Ngày", "Số đoạn", "Mã nguồn"]
# The library tab lists the most recently added articles; an archive has tens of thousands.
LISTED_ARTICLES = 500


def library_summary(counts: Counts) -> str:
    """How much of the library is searchable and how much fully embedded, in one line."""
    waiting = counts.chunks - counts.embedded_chunks
    line = (
        f"**{counts.articles:,}** bài tìm được (BM25) · **{counts.embedded_articles:,}** bài đã nhúng vector đầy đủ "
        f"({counts.embedded_chunks:,}/{counts.chunks:,} đoạn)"
    ).replace(",", ".")
    if waiting:
        line += f" · còn {waiting:,} đoạn đang chờ nhúng".replace(",", ".")
    if counts.articles > LISTED_ARTICLES:
        line += f". Bảng dưới liệt kê {LISTED_ARTICLES} bài mới nạp nhất."
    return line


def article_rows(articles: Iterable[ArticleRecord]) -> list[list[str | int]]:
    return [[display_title(a.title), a.date or "—", a.chunk_count, a.source] for a in articles]


def progress_adapter(report: Callable[[float, str], None]) -> ProgressFn:
    """Pipeline progress (done, total, message) -> a fraction and a message for a progress bar."""

    def step(done: int, total: int, message: str) -> None:
        report(done / total if total else 1.0, message)

    return step
