"""Reading files: every bad input is a LoadError naming the file; good ones become text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rag.errors import LoadError, RagError
from rag.loaders import discover, load_file

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX = 1024 * 1024
CP1258 = ("Vi" + "ê" + "\u0323" + "t Nam").encode("cp1258")  # "Việt Nam" in the old Windows code page


def load(tmp_path: Path, name: str, data: bytes, *, max_bytes: int = MAX, suffixes: tuple[str, ...] = SUFFIXES):
    path = tmp_path / name
    path.write_bytes(data)
    return load_file(path, f"corpus/{name}", max_bytes=max_bytes, suffixes=suffixes)


@pytest.mark.parametrize(
    ("name", "data", "max_bytes", "suffixes", "reason"),
    [
        pytest.param("empty.txt", b"", MAX, SUFFIXES, "empty file", id="empty"),
        pytest.param("blank.txt", b"  \n\t\r\n ", MAX, SUFFIXES, "empty file", id="whitespace-only"),
        pytest.param("bom.txt", b"\xef\xbb\xbf \n", MAX, SUFFIXES, "no text", id="bom-and-whitespace"),
        pytest.param("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", MAX, SUFFIXES, "binary", id="binary"),
        pytest.param("utf16.txt", "Xin chào".encode("utf-16"), MAX, SUFFIXES, "binary", id="utf16-has-nul"),
        pytest.param("latin1.txt", "Café crème".encode("latin-1"), MAX, SUFFIXES, "not UTF-8", id="latin-1"),
        pytest.param("cp1258.txt", CP1258, MAX, SUFFIXES, "not UTF-8", id="cp1258"),
        pytest.param("cp1258.html", b"<p>" + CP1258 + b"</p>", MAX, SUFFIXES, "not UTF-8", id="cp1258-html"),
        pytest.param("big.txt", b"x" * 101, 100, SUFFIXES, "too large", id="too-large"),
        pytest.param("tool.exe", b"MZ\x90\x00", MAX, SUFFIXES, "unsupported", id="exe"),
        pytest.param("report.pdf", b"%PDF-1.7\n", MAX, SUFFIXES, "unsupported", id="pdf-not-yet"),
        pytest.param("README", b"hello", MAX, SUFFIXES, "unsupported", id="no-suffix"),
        pytest.param("note.md", b"# Hi\nText", MAX, (".txt",), "unsupported", id="suffix-not-configured"),
        pytest.param(
            "page.html", b"<script>var a = 1;</script><style>p{}</style>", MAX, SUFFIXES, "no text", id="html-no-text"
        ),
    ],
)
def test_bad_input_is_a_load_error_naming_the_file(
    tmp_path: Path, name: str, data: bytes, max_bytes: int, suffixes: tuple[str, ...], reason: str
) -> None:
    with pytest.raises(LoadError) as info:
        load(tmp_path, name, data, max_bytes=max_bytes, suffixes=suffixes)
    message = str(info.value)
    assert message.startswith(f"corpus/{name}: ")
    assert reason in message
    assert isinstance(info.value, RagError)


def test_unreadable_path_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"^gone\.txt: "):
        load_file(tmp_path / "gone.txt", "gone.txt", max_bytes=MAX, suffixes=SUFFIXES)


def test_size_limit_is_inclusive(tmp_path: Path) -> None:
    assert load(tmp_path, "exact.txt", b"x" * 100, max_bytes=100).text == "x" * 100


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        pytest.param("bom.txt", "\ufeffXin chào Việt Nam".encode(), "Xin chào Việt Nam", id="bom-dropped"),
        pytest.param("plain.txt", "Dòng một\nDòng hai\n".encode(), "Dòng một\nDòng hai\n", id="as-is"),
        pytest.param("UPPER.TXT", b"Hello", "Hello", id="suffix-case"),
    ],
)
def test_plain_text(tmp_path: Path, name: str, data: bytes, text: str) -> None:
    loaded = load(tmp_path, name, data)
    assert (loaded.source, loaded.text, loaded.heading) == (f"corpus/{name}", text, None)
    assert loaded.content_hash == hashlib.sha256(data).hexdigest()


def test_content_hash_follows_the_bytes(tmp_path: Path) -> None:
    a = load(tmp_path, "a.txt", b"same")
    b = load(tmp_path, "b.txt", b"same")
    c = load(tmp_path, "c.txt", b"other")
    assert a.content_hash == b.content_hash != c.content_hash


MARKDOWN = """\
# Phòng chống tham nhũng

Xem [bài viết gốc](https://example.vn/bai_viet_1) để biết thêm. ![Ảnh hội nghị](anh.png)

## Kết quả

**Bộ Ngoại giao** đã kê khai *1.695* trường hợp; xem tệp `ke_khai.xlsx` và biến so_lieu_2021.
"""


def test_markdown(tmp_path: Path) -> None:
    loaded = load(tmp_path, "bai.md", MARKDOWN.encode())
    assert loaded.heading == "Phòng chống tham nhũng"
    lines = [line for line in loaded.text.split("\n") if line.strip()]
    assert lines == [
        "Xem bài viết gốc để biết thêm. ",
        "Kết quả",
        "Bộ Ngoại giao đã kê khai 1.695 trường hợp; xem tệp ke_khai.xlsx và biến so_lieu_2021.",
    ]


def test_markdown_without_heading(tmp_path: Path) -> None:
    loaded = load(tmp_path, "x.markdown", "## Chỉ có mục con\nNội dung.".encode(), suffixes=(".markdown",))
    assert loaded.heading is None
    assert loaded.text == "Chỉ có mục con\nNội dung."


HTML = """\
<!DOCTYPE html>
<html><head><title>Tiêu đề - Báo Điện tử</title>
<style>p { color: red }</style><script>var tracking = "không được lọt";</script></head>
<body>
<header><div class="logo">Báo Điện tử</div><nav><a href="/">Trang chủ</a> <a href="/tc">Thời sự</a></nav></header>
<article>
  <header><h1>Phòng chống <b>tham nhũng</b>: Nêu cao trách nhiệm</h1>
  <p class="date">Thứ 4, 14/07/2021 | 08:35:48</p></header>
  <div class="lead">Mở đầu nằm thẳng trong div
    <p>Đoạn một có &amp; ký hiệu, &quot;trích dẫn&quot; và&nbsp;khoảng trắng
    xuống dòng trong mã nguồn.</p>
  </div>
  <!-- quảng cáo -->
  <p>Đoạn hai: Bộ tr&#432;&#7903;ng cho biết.</p>
  <ul><li>Ý một</li><li>Ý <i>hai</i></li></ul>
  <figure><img src="a.jpg"><figcaption>Toàn cảnh hội nghị</figcaption></figure>
</article>
<aside>Tin liên quan</aside><form>Đăng ký nhận tin</form>
<footer>Bản quyền thuộc về Báo</footer>
</body></html>
"""


def test_html(tmp_path: Path) -> None:
    loaded = load(tmp_path, "bai.html", HTML.encode())
    assert loaded.heading == "Phòng chống tham nhũng: Nêu cao trách nhiệm"
    assert loaded.text.split("\n") == [
        "Thứ 4, 14/07/2021 | 08:35:48",
        "Mở đầu nằm thẳng trong div",
        'Đoạn một có & ký hiệu, "trích dẫn" và khoảng trắng xuống dòng trong mã nguồn.',
        "Đoạn hai: Bộ trưởng cho biết.",
        "Ý một",
        "Ý hai",
        "Toàn cảnh hội nghị",
    ]
    for gone in ("tracking", "color", "Trang chủ", "Tin liên quan", "Đăng ký", "Bản quyền", "quảng cáo", "Báo Điện tử"):
        assert gone not in loaded.text


@pytest.mark.parametrize(
    ("html", "heading", "text"),
    [
        pytest.param("<title>Chỉ có title</title><p>Nội dung.</p>", "Chỉ có title", "Nội dung.", id="title-fallback"),
        pytest.param("<p>Không tiêu đề.</p>", None, "Không tiêu đề.", id="no-heading"),
        pytest.param("<body>Dòng một<br>Dòng hai</body>", None, "Dòng một\nDòng hai", id="loose-text-and-br"),
        pytest.param("<h1>Đầu</h1><p>A</p><h1>Thứ hai</h1>", "Đầu", "A\nThứ hai", id="first-h1-only"),
    ],
)
def test_html_small_cases(tmp_path: Path, html: str, heading: str | None, text: str) -> None:
    loaded = load(tmp_path, "x.htm", html.encode())
    assert (loaded.heading, loaded.text) == (heading, text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    files = {
        "a.txt": "A",
        "UPPER.TXT": "U",
        "sub/b.md": "# Tiêu đề\nB",
        "sub/deep/c.html": "<p>C</p>",
        "sub/d.htm": "<p>D</p>",
        ".hidden.txt": "hidden",
        ".git/objects/x.txt": "hidden",
        "sub/.ipynb_checkpoints/b-checkpoint.md": "hidden",
        "tool.exe": "MZ",
        "report.pdf": "%PDF",
        "notes": "no suffix",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_discover_a_folder(corpus: Path) -> None:
    found = discover([corpus], SUFFIXES)
    assert [source for _, source in found] == ["UPPER.TXT", "a.txt", "sub/b.md", "sub/d.htm", "sub/deep/c.html"]
    assert all(path == corpus / source for path, source in found)


def test_discover_respects_the_suffix_list(corpus: Path) -> None:
    assert [source for _, source in discover([corpus], [".MD"])] == ["sub/b.md"]


def test_discover_a_file_and_a_folder(corpus: Path) -> None:
    found = discover([corpus / "a.txt", corpus / "sub"], SUFFIXES)
    assert [source for _, source in found] == ["a.txt", "b.md", "d.htm", "deep/c.html"]


def test_discover_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    with pytest.raises(LoadError, match="khong-co"):
        discover([missing], SUFFIXES)


def test_discover_empty_folder(tmp_path: Path) -> None:
    assert discover([tmp_path], SUFFIXES) == []


def test_discovered_files_all_load(corpus: Path) -> None:
    loaded = [load_file(p, s, max_bytes=MAX, suffixes=SUFFIXES) for p, s in discover([corpus], SUFFIXES)]
    assert [(f.text.strip(), f.heading) for f in loaded] == [
        ("U", None),
        ("A", None),
        ("B", "Tiêu đề"),
        ("D", None),
        ("C", None),
    ]


# -- pdf and docx (pypdf, python-docx): tiny files made in the test


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal valid one-page PDF whose text layer holds `lines` (Latin-1 text, Helvetica)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=300)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    body = "".join(f"BT /F1 12 Tf 20 {260 - 20 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines))
    stream = DecodedStreamObject()
    stream.set_data(body.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs: list[tuple[str, str | None]], table: list[list[str]] | None = None) -> bytes:
    import io

    import docx

    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


OFFICE = (*SUFFIXES, ".pdf", ".docx")


@pytest.mark.parametrize(
    ("name", "data", "heading", "text"),
    [
        pytest.param(
            "bao-cao.pdf",
            make_pdf(["Quang Ninh: 1.102 dich vu cong.", "Dong hai."], title="Bao cao  2021"),
            "Bao cao 2021",
            "Quang Ninh: 1.102 dich vu cong.\nDong hai.",
            id="pdf-with-title",
        ),
        pytest.param("x.PDF", make_pdf(["Chi mot dong."]), None, "Chi mot dong.", id="pdf-no-title-upper-suffix"),
        pytest.param(
            "bai.docx",
            make_docx([("Phòng chống tham nhũng", "Title"), ("Đoạn   một.", None), ("", None), ("Đoạn hai.", None)]),
            "Phòng chống tham nhũng",
            "Đoạn một.\nĐoạn hai.",
            id="docx-title",
        ),
        pytest.param(
            "h1.docx",
            make_docx(
                [("Tiêu đề mục", "Heading 1"), ("Nội dung.", None)], table=[["Tỉnh", "Số vụ"], ["Quảng Trị", "28"]]
            ),
            "Tiêu đề mục",
            "Nội dung.\nTỉnh | Số vụ\nQuảng Trị | 28",
            id="docx-heading1-and-table",
        ),
        pytest.param("plain.docx", make_docx([("Không tiêu đề.", None)]), None, "Không tiêu đề.", id="docx-no-heading"),
    ],
)
def test_office_formats(tmp_path: Path, name: str, data: bytes, heading: str | None, text: str) -> None:
    loaded = load(tmp_path, name, data, suffixes=OFFICE)
    assert (loaded.heading, loaded.text) == (heading, text)
    assert loaded.content_hash == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("broken.pdf", b"%PDF-1.7\nnot really a pdf", "không đọc được|PDF", id="pdf-garbage"),
        pytest.param("scan.pdf", make_pdf([]), "no text", id="pdf-without-text-layer"),
        pytest.param("broken.docx", b"PK\x03\x04 not a zip", "DOCX|không đọc được", id="docx-garbage"),
        pytest.param("empty.docx", make_docx([("", None)]), "no text", id="docx-no-text"),
        pytest.param("x.pdf", make_pdf(["a"]), "unsupported", id="pdf-not-configured"),
    ],
)
def test_bad_office_files(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    suffixes = SUFFIXES if name == "x.pdf" else OFFICE
    with pytest.raises(LoadError, match=reason) as info:
        load(tmp_path, name, data, suffixes=suffixes)
    assert str(info.value).startswith(f"corpus/{name}: ")


def test_office_files_are_discovered_and_ingested(fake_settings, tmp_path: Path) -> None:
    from rag.pipeline import Pipeline

    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(make_pdf(["Hoi nghi tong ket nam 2023 tai Ha Noi."]))
    (folder / "b.docx").write_bytes(make_docx([("Hội nghị", "Title"), ("Tổng kết năm 2023 tại Đà Nẵng.", None)]))
    assert ".pdf" in fake_settings.ingest.suffixes and ".docx" in fake_settings.ingest.suffixes
    report = Pipeline(fake_settings).ingest([folder])
    assert sorted(report.added) == ["a.pdf", "b.docx"] and not report.skipped
