"""Incremental ingest over the fake embedder: unchanged, changed, removed, bad files, atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from embeddings.fake import FakeEmbedder
from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, LoadError, RagError
from rag.ingest import ingest, remove
from rag.store import load_index
from tests.conftest import make_settings


def embedder(settings: Settings) -> FakeEmbedder:
    return FakeEmbedder(settings.embedding.dimension)


def ids(settings: Settings) -> list[str]:
    return [c.chunk_id for c in load_index(settings.paths.index_dir).chunks]


def test_first_ingest_adds_every_article(fake_settings: Settings, corpus: Path) -> None:
    report = ingest(fake_settings, embedder(fake_settings), [corpus])
    assert sorted(report.added) == sorted(p.name for p in corpus.iterdir())
    index = load_index(fake_settings.paths.index_dir)
    assert set(index.articles) == set(report.added)
    assert len(index.chunks) == report.chunks_embedded == index.vectors.shape[0]
    for chunk in index.chunks:
        article = index.articles[chunk.source]
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert all(chunk.start <= s <= e <= chunk.end for s, e in chunk.sentences)
    assert index.sentence_vectors.shape[0] == sum(len(c.sentences) for c in index.chunks)


def test_reingesting_unchanged_files_does_nothing(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    current = (fake_settings.paths.index_dir / "CURRENT").read_text()
    report = ingest(fake_settings, embedder(fake_settings), [corpus])
    assert report.added == report.updated == report.removed == []
    assert len(report.unchanged) == 5 and report.chunks_embedded == 0
    assert (fake_settings.paths.index_dir / "CURRENT").read_text() == current  # nothing rewritten


def test_changed_file_replaces_its_chunks_only(fake_settings: Settings, corpus: Path) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    before = load_index(fake_settings.paths.index_dir)
    target = corpus / "003_b2ca1ae64fe89c4d.txt"
    target.write_text("Bài mới về Quảng Trị.\nTỉnh đã thu hồi 42 tỷ đồng trong năm 2020.", encoding="utf-8")
    report = ingest(fake_settings, emb, [corpus])
    assert report.updated == ["003_b2ca1ae64fe89c4d.txt"] and len(report.unchanged) == 4
    after = load_index(fake_settings.paths.index_dir)
    new_chunks = [c for c in after.chunks if c.source == target.name]
    assert len(new_chunks) == 1 and "42 tỷ đồng" in new_chunks[0].text
    assert len({c.chunk_id for c in after.chunks}) == len(after.chunks)  # no duplicates
    # Untouched articles keep byte-identical vectors.
    old = {c.chunk_id: v for c, v in zip(before.chunks, before.vectors, strict=True)}
    for chunk, vector in zip(after.chunks, after.vectors, strict=True):
        if chunk.source != target.name:
            assert np.array_equal(old[chunk.chunk_id], vector)


def test_remove_and_sync(fake_settings: Settings, corpus: Path) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    assert remove(fake_settings, "000_5c1d37ac7b9ba84b.txt") > 0
    assert not any(i.startswith("000_") for i in ids(fake_settings))
    with pytest.raises(RagError, match="Không có bài"):
        remove(fake_settings, "000_5c1d37ac7b9ba84b.txt")
    (corpus / "001_968b805e6dd2d020.txt").unlink()
    report = ingest(fake_settings, emb, [corpus], sync=True)
    assert report.removed == ["001_968b805e6dd2d020.txt"]
    assert report.added == ["000_5c1d37ac7b9ba84b.txt"]  # came back: it is still in the folder
    assert not any(i.startswith("001_") for i in ids(fake_settings))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "rỗng"),
        ("blank.txt", b"  \n\t\n", "rỗng"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "nhị phân"),
        ("latin1.txt", "Hà Nội, café".encode("latin-1", errors="replace"), "UTF-8"),
        ("image.png", b"\x89PNG", "không hỗ trợ"),
    ],
)
def test_bad_file_is_skipped_by_name_and_others_still_go_in(
    fake_settings: Settings, corpus: Path, name: str, content: bytes, reason: str
) -> None:
    (corpus / name).write_bytes(content)
    report = ingest(fake_settings, embedder(fake_settings), [corpus, corpus / name])
    skipped = dict(report.skipped)
    assert name in skipped and reason in skipped[name] and name in skipped[name]
    assert len(report.added) == 5


def test_too_large_file_is_skipped(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, RAG_INGEST__MAX_FILE_BYTES="4000")
    report = ingest(settings, embedder(settings), [corpus])
    assert {s for s, _ in report.skipped} == {
        "002_40615ebb4c5442d1.txt",
        "003_b2ca1ae64fe89c4d.txt",
        "004_a78d91ce2ca9f832.txt",
        "000_5c1d37ac7b9ba84b.txt",
    }
    assert all("quá lớn" in r for _, r in report.skipped)


def test_duplicate_content_under_another_name_is_rejected(fake_settings: Settings, corpus: Path) -> None:
    shutil.copy(corpus / "000_5c1d37ac7b9ba84b.txt", corpus / "copy.txt")
    report = ingest(fake_settings, embedder(fake_settings), [corpus])
    assert [s for s, _ in report.skipped] == ["copy.txt"] and "trùng" in report.skipped[0][1]


def test_missing_path_is_a_clear_error(fake_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="Không tìm thấy"):
        ingest(fake_settings, embedder(fake_settings), [tmp_path / "nope"])


def test_crash_while_embedding_leaves_previous_index_loadable(fake_settings: Settings, corpus: Path) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    before = ids(fake_settings)

    class Exploding(FakeEmbedder):
        def embed_documents(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt  # as if the process were killed mid-ingest

    (corpus / "new.txt").write_text("Một bài mới hoàn toàn. Có hai câu.", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        ingest(fake_settings, Exploding(fake_settings.embedding.dimension), [corpus])
    assert ids(fake_settings) == before


def test_crash_while_writing_leaves_previous_index_loadable(
    fake_settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    before = ids(fake_settings)
    import rag.store

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rag.store.np, "save", boom)
    (corpus / "new.txt").write_text("Một bài mới hoàn toàn. Có hai câu.", encoding="utf-8")
    with pytest.raises(OSError):
        ingest(fake_settings, emb, [corpus])
    monkeypatch.undo()
    assert ids(fake_settings) == before
    assert not list(fake_settings.paths.index_dir.glob(".tmp-*"))


def test_missing_index_says_how_to_build(fake_settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="rag ingest"):
        load_index(fake_settings.paths.index_dir)


@pytest.mark.parametrize("victim", ["chunks.jsonl", "vectors.npy", "manifest.json", "articles.json"])
def test_corrupt_index_says_how_to_rebuild(fake_settings: Settings, corpus: Path, victim: str) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    index_dir = fake_settings.paths.index_dir
    folder = index_dir / (index_dir / "CURRENT").read_text()
    data = (folder / victim).read_bytes()
    (folder / victim).write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        load_index(index_dir)
    with pytest.raises(RagError, match="--rebuild"):
        ingest(fake_settings, embedder(fake_settings), [corpus])
    report = ingest(fake_settings, embedder(fake_settings), [corpus], rebuild=True)
    assert len(report.added) == 5 and load_index(index_dir).chunks


def test_pickled_vectors_are_refused(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    index_dir = fake_settings.paths.index_dir
    folder = index_dir / (index_dir / "CURRENT").read_text()
    np.save(folder / "vectors.npy", np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(IndexCorruptError):
        load_index(index_dir)


def test_index_built_with_other_settings_is_refused(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path)
    ingest(settings, embedder(settings), [corpus])
    other = make_settings(tmp_path, RAG_CHUNKING__SIZE="900")
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        ingest(other, embedder(other), [corpus])
    assert ingest(other, embedder(other), [corpus], rebuild=True).added


def test_sync_rebuilds_an_index_of_another_version_or_settings(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path)
    ingest(settings, embedder(settings), [corpus])
    index_dir = settings.paths.index_dir
    manifest = index_dir / (index_dir / "CURRENT").read_text() / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"pipeline_version": 2', '"pipeline_version": 1'))
    with pytest.raises(IndexMismatchError, match="phiên bản cũ"):
        load_index(index_dir)
    with pytest.raises(IndexMismatchError):
        ingest(settings, embedder(settings), [corpus])  # without --sync nothing is replaced silently
    report = ingest(settings, embedder(settings), [corpus], sync=True)
    assert report.rebuilt_because and "phiên bản cũ" in report.rebuilt_because
    assert len(report.added) == 5 and load_index(index_dir).chunks
    other = make_settings(tmp_path, RAG_CHUNKING__SIZE="700")
    assert ingest(other, embedder(other), [corpus], sync=True).rebuilt_because
