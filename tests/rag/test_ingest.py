"""Incremental, two-stage ingest over the fake embedder: unchanged, changed, removed, bad files, crashes."""

from __future__ import annotations

import pickle
import shutil
import threading
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path

import numpy as np
import pytest

from embeddings.fake import FakeEmbedder
from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, LoadError, RagError
from rag.ingest import embed_chunks, embed_pending, ingest, remove
from rag.pipeline import Pipeline
from rag.records import CHUNK, FORMAT_VERSION, PIPELINE_VERSION, SENTENCE_SLOTS, ArticleRecord, ChunkRecord
from rag.store import DB_NAME, DocStore
from tests.conftest import make_settings


def embedder(settings: Settings) -> FakeEmbedder:
    return FakeEmbedder(settings.embedding.dimension)


@pytest.fixture
def opened(fake_settings: Settings) -> Iterator[list[DocStore]]:
    stores: list[DocStore] = []
    yield stores
    for s in stores:
        s.close()


def store(settings: Settings, opened: list[DocStore]) -> DocStore:
    s = DocStore(settings.paths.index_dir)
    opened.append(s)
    return s


def chunk_ids(settings: Settings, opened: list[DocStore]) -> list[str]:
    s = store(settings, opened)
    return sorted(c.chunk_id for a in s.article_list() for c in s.chunks_of(a.source))


def test_first_ingest_adds_every_article(fake_settings: Settings, corpus: Path, opened: list[DocStore]) -> None:
    report = ingest(fake_settings, embedder(fake_settings), [corpus])
    assert sorted(report.added) == sorted(p.name for p in corpus.iterdir())
    s = store(fake_settings, opened)
    assert {a.source for a in s.article_list()} == set(report.added)
    counts = s.counts()
    assert counts.chunks == report.chunks_indexed == report.chunks_embedded == counts.embedded_chunks
    assert counts.embedded_articles == counts.articles == 5 and report.pending == 0
    for source, article in s.articles_by_source(report.added).items():
        chunks = s.chunks_of(source)
        assert len(chunks) == article.chunk_count
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            assert all(chunk.start <= a <= b <= chunk.end for a, b in chunk.sentences)
        sentences = s.sentence_vectors([c.row for c in chunks])
        assert all(len(sentences[c.row]) == len(c.sentences) for c in chunks)


def test_reingesting_unchanged_files_writes_nothing(
    fake_settings: Settings, corpus: Path, opened: list[DocStore]
) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    seq = store(fake_settings, opened).seq()
    report = ingest(fake_settings, embedder(fake_settings), [corpus])
    assert report.added == report.updated == report.removed == []
    assert len(report.unchanged) == 5 and report.chunks_embedded == 0
    assert store(fake_settings, opened).seq() == seq  # no change recorded


def test_changed_file_replaces_its_rows_only(fake_settings: Settings, corpus: Path, opened: list[DocStore]) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    s = store(fake_settings, opened)
    before = {c.chunk_id: c.row for a in s.article_list() for c in s.chunks_of(a.source)}
    vectors_before = s.vectors_of(list(before.values()))
    target = corpus / "003_b2ca1ae64fe89c4d.txt"
    target.write_text("Bài mới về Quảng Trị.\nTỉnh đã thu hồi 42 tỷ đồng trong năm 2020.", encoding="utf-8")
    report = ingest(fake_settings, emb, [corpus])
    assert report.updated == ["003_b2ca1ae64fe89c4d.txt"] and len(report.unchanged) == 4
    assert report.chunks_embedded == 1
    new_chunks = s.chunks_of(target.name)
    assert len(new_chunks) == 1 and "42 tỷ đồng" in new_chunks[0].text
    assert new_chunks[0].row not in before.values()  # ids are never reused
    after = {c.chunk_id: c.row for a in s.article_list() for c in s.chunks_of(a.source)}
    vectors_after = s.vectors_of(list(after.values()))
    for chunk_id, row in before.items():
        if not chunk_id.startswith("003_"):
            assert after[chunk_id] == row and np.array_equal(vectors_before[row], vectors_after[row])
        else:
            assert row not in vectors_after  # the old vectors are gone


def test_remove_and_sync(fake_settings: Settings, corpus: Path, opened: list[DocStore]) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    assert remove(fake_settings, "000_5c1d37ac7b9ba84b.txt") > 0
    assert not any(i.startswith("000_") for i in chunk_ids(fake_settings, opened))
    with pytest.raises(RagError, match="Không có bài"):
        remove(fake_settings, "000_5c1d37ac7b9ba84b.txt")
    (corpus / "001_968b805e6dd2d020.txt").unlink()
    report = ingest(fake_settings, emb, [corpus], sync=True)
    assert report.removed == ["001_968b805e6dd2d020.txt"]
    assert report.added == ["000_5c1d37ac7b9ba84b.txt"]  # came back: it is still in the folder
    assert not any(i.startswith("001_") for i in chunk_ids(fake_settings, opened))


def test_removing_an_article_removes_its_words_from_the_restorer(fake_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "a.txt").write_text("Tiền đạo Rafaelson ghi bàn ở phút 90.", encoding="utf-8")
    ingest(fake_settings, embedder(fake_settings), [folder])
    s = DocStore(fake_settings.paths.index_dir)
    try:
        assert s.ngram("ghi ban") == ("ghi bàn", 1)
        remove(fake_settings, "a.txt")
        assert s.ngram("ghi ban") is None
    finally:
        s.close()


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


def test_searchable_by_bm25_before_any_vector(fake_settings: Settings, corpus: Path) -> None:
    report = ingest(fake_settings, embedder(fake_settings), [corpus], embed="none")
    assert report.chunks_embedded == 0 and report.pending == report.chunks_indexed > 0
    pipeline = Pipeline(fake_settings, embedder=embedder(fake_settings))
    hits = pipeline.search("Quảng Trị thu hồi bao nhiêu tiền?", 3)  # hybrid: nothing embedded yet, no error
    assert hits and hits[0].chunk.source == "003_b2ca1ae64fe89c4d.txt"
    assert pipeline.counts().embedded_articles == 0
    assert pipeline.embed_pending() == report.chunks_indexed
    counts = pipeline.counts()
    assert counts.embedded_chunks == counts.chunks and counts.embedded_articles == 5
    dense = pipeline.search("Quảng Trị thu hồi bao nhiêu tiền?", 3, "dense")  # the live engine caught up
    assert dense and len({h.chunk.chunk_id for h in dense}) == len(dense)


def test_half_embedded_index_mixes_dense_and_bm25_without_duplicates(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus], embed="none")
    s = DocStore(fake_settings.paths.index_dir)
    try:
        from rag.ingest import embed_pending

        stop_after_one = type(
            "Stop", (), {"n": 0, "is_set": lambda self: (setattr(self, "n", self.n + 1), self.n > 1)[1]}
        )
        embed_pending(s, embedder(fake_settings), 4, stop=stop_after_one())  # type: ignore[arg-type]
        assert 0 < s.counts().embedded_chunks < s.counts().chunks
    finally:
        s.close()
    pipeline = Pipeline(fake_settings, embedder=embedder(fake_settings))
    for query in ("Quảng Ninh thanh tra", "Bộ Ngoại giao kê khai tài sản", "tham nhũng"):
        hits = pipeline.search(query, 10)
        assert hits and len({h.chunk.chunk_id for h in hits}) == len(hits)


def test_crash_while_embedding_keeps_articles_searchable_and_resumes(
    fake_settings: Settings, corpus: Path, opened: list[DocStore]
) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])

    class Exploding(FakeEmbedder):
        def embed_documents(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt  # as if the process were killed mid-embedding

    (corpus / "new.txt").write_text("Một bài mới hoàn toàn về bóng đá. Có hai câu.", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        ingest(fake_settings, Exploding(fake_settings.embedding.dimension), [corpus])
    s = store(fake_settings, opened)
    assert s.has_article("new.txt") and s.pending_count() == 1
    report = ingest(fake_settings, emb, [corpus])  # the re-run finishes the job
    assert report.unchanged and report.chunks_embedded == 1 and s.pending_count() == 0


def test_crash_while_writing_keeps_the_previous_state(
    fake_settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch, opened: list[DocStore]
) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus])
    before = chunk_ids(fake_settings, opened)
    import rag.store

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rag.store.json, "dumps", boom)  # fails inside the article's transaction
    (corpus / "new.txt").write_text("Một bài mới hoàn toàn. Có hai câu.", encoding="utf-8")
    with pytest.raises(OSError):
        ingest(fake_settings, emb, [corpus])
    monkeypatch.undo()
    assert chunk_ids(fake_settings, opened) == before
    assert not store(fake_settings, opened).has_article("new.txt")


def test_missing_index_says_how_to_build(fake_settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="rag ingest"):
        DocStore(fake_settings.paths.index_dir)


def test_corrupt_database_says_how_to_rebuild(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    db = fake_settings.paths.index_dir / DB_NAME
    db.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        Pipeline(fake_settings, embedder=embedder(fake_settings)).search("tham nhũng")
    with pytest.raises(RagError, match="--rebuild"):
        ingest(fake_settings, embedder(fake_settings), [corpus])
    report = ingest(fake_settings, embedder(fake_settings), [corpus], rebuild=True)
    assert len(report.added) == 5


@pytest.mark.parametrize("damage", ["truncate", "pickle", "delete"])
def test_damaged_vector_checkpoint_is_rebuilt_from_the_store(
    fake_settings: Settings, corpus: Path, damage: str
) -> None:
    settings = make_settings(fake_settings.paths.index_dir.parent, RAG_VECTOR_STORE__CHECKPOINT_EVERY="1")
    ingest(settings, embedder(settings), [corpus])
    pipeline = Pipeline(settings, embedder=embedder(settings))
    expected = [h.chunk.chunk_id for h in pipeline.search("Quảng Ninh thanh tra", 5, "dense")]
    dense = pipeline.engine.dense()
    assert dense is not None and dense.checkpoint(force=True)
    folder = settings.paths.index_dir / "dense"
    victim = next(folder.glob("chunks-*.faiss"))
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "pickle":
        victim.write_bytes(pickle.dumps({"evil": 1}))  # never unpickled: FAISS's reader rejects it
    else:
        victim.unlink()
    fresh = Pipeline(settings, embedder=embedder(settings))
    assert [h.chunk.chunk_id for h in fresh.search("Quảng Ninh thanh tra", 5, "dense")] == expected


def test_index_built_with_other_settings_is_refused(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path)
    ingest(settings, embedder(settings), [corpus])
    other = make_settings(tmp_path, RAG_CHUNKING__SIZE="900")
    with pytest.raises(RagError, match="chunk_size"):
        ingest(other, embedder(other), [corpus])
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        Pipeline(other, embedder=embedder(other)).search("tham nhũng")
    assert ingest(other, embedder(other), [corpus], rebuild=True).added


def test_sync_rebuilds_an_index_of_an_older_version(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path)
    index_dir = settings.paths.index_dir
    (index_dir / "v-1").mkdir(parents=True)  # the JSON + .npy layout of earlier versions
    (index_dir / "CURRENT").write_text("v-1")
    with pytest.raises(IndexMismatchError, match="phiên bản cũ"):
        Pipeline(settings, embedder=embedder(settings)).search("tham nhũng")
    with pytest.raises(RagError, match="phiên bản cũ"):
        ingest(settings, embedder(settings), [corpus])  # without --sync nothing is replaced silently
    report = ingest(settings, embedder(settings), [corpus], sync=True)
    assert report.rebuilt_because and "phiên bản cũ" in report.rebuilt_because
    assert len(report.added) == 5 and not (index_dir / "CURRENT").exists()
    other = make_settings(tmp_path, RAG_CHUNKING__SIZE="700")
    assert ingest(other, embedder(other), [corpus], sync=True).rebuilt_because


def test_an_index_with_other_sentence_vectors_is_rebuilt_by_sync(tmp_path: Path, corpus: Path) -> None:
    pooled = make_settings(tmp_path, RAG_EMBEDDING__SENTENCE_VECTORS="pooled")
    ingest(pooled, embedder(pooled), [corpus])
    separate = make_settings(tmp_path, RAG_EMBEDDING__SENTENCE_VECTORS="separate")
    with pytest.raises(RagError, match="sentence_vectors"):
        ingest(separate, embedder(separate), [corpus])
    report = ingest(separate, embedder(separate), [corpus], sync=True)
    assert report.rebuilt_because and "sentence_vectors" in report.rebuilt_because


def test_a_manifest_from_before_sentence_vectors_were_recorded_reads_as_pooled(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = DocStore(settings.paths.index_dir, create=True)
    try:
        with store.transaction() as db:
            raw = '{"embedding_model": "fake", "dimension": 8, "chunk_size": 1000, "chunk_overlap": 200, '
            raw += f'"pipeline_version": {PIPELINE_VERSION}, "format_version": {FORMAT_VERSION}, "updated": 0}}'
            db.execute("INSERT OR REPLACE INTO meta VALUES('manifest', ?)", (raw,))
        manifest = store.manifest()
        assert manifest is not None and manifest.sentence_vectors == "pooled"
    finally:
        store.close()


def test_sentence_vector_ids_belong_to_their_chunk(
    fake_settings: Settings, corpus: Path, opened: list[DocStore]
) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    s = store(fake_settings, opened)
    changes = s.changes_since(0, CHUNK)
    rows = {i for i, _, _ in changes.added}
    sentence_chunks = {i // SENTENCE_SLOTS for i, _, _ in s.changes_since(0, 1).added}
    assert rows == sentence_chunks and not changes.removed


def test_adding_one_article_embeds_only_that_article(fake_settings: Settings, corpus: Path, tmp_path: Path) -> None:
    backlog = ingest(fake_settings, embedder(fake_settings), [corpus], embed="none").pending
    extra = tmp_path / "upload" / "moi.txt"
    extra.parent.mkdir()
    extra.write_text("Giá xăng giảm 500 đồng/lít từ chiều nay. Đây là lần giảm thứ ba.", encoding="utf-8")
    report = ingest(fake_settings, embedder(fake_settings), [extra.parent], embed="new")
    assert report.added == ["moi.txt"] and report.chunks_embedded == 1
    assert report.pending == backlog  # the backlog is left to the background embedder


def test_document_frequencies_follow_adds_and_removes(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    s = DocStore(fake_settings.paths.index_dir)
    try:
        before = s.document_frequencies(["tham_nhung", "quang_ninh"])
        assert before == {t: _count_holding(s, t) for t in before} and before["tham_nhung"] > 0
        remove(fake_settings, "004_a78d91ce2ca9f832.txt")  # the Quảng Ninh article
        after = s.document_frequencies(["tham_nhung", "quang_ninh"])
        assert after.get("tham_nhung") == _count_holding(s, "tham_nhung") < before["tham_nhung"]
        assert after.get("quang_ninh", 0) == _count_holding(s, "quang_ninh")
        assert s.lexical_stats()[0] == s.counts().chunks
    finally:
        s.close()


def _count_holding(s: DocStore, term: str) -> int:
    rows = s._rows("SELECT tokens FROM chunks")
    return sum(term in str(t).split() for (t,) in rows)


class _SpanRecorder(FakeEmbedder):
    """A fake that can pool spans: records the text each span covers."""

    def __init__(self) -> None:
        super().__init__(dimension=8)
        self.seen: list[str] = []

    def embed_with_spans(self, texts, spans):  # type: ignore[no-untyped-def]
        self.seen = [texts[i][s:e] for i, own in enumerate(spans) for s, e in own]
        return self.embed_documents(texts), [
            self.embed_documents([texts[i][s:e] for s, e in own]) for i, own in enumerate(spans)
        ]


def _article_and_chunks(title: str, text: str) -> tuple[ArticleRecord, list[ChunkRecord]]:
    """Two overlapping chunks over three sentences, as the chunker cuts them."""
    a = ArticleRecord("x.txt", title, None, None, text, "h", 2)
    s1, s2, s3 = (text.index(p) for p in ("Giá", "Hà Nội", "Bệnh"))
    sentences = [[s1, s2 - 1], [s2, s3 - 1], [s3, len(text)]]
    first = ChunkRecord("x.txt#0", "x.txt", 0, 0, s3 - 1, text[: s3 - 1], [], sentences[:2], row=1)
    second = ChunkRecord("x.txt#1", "x.txt", 1, s2, len(text), text[s2:], [], sentences[1:], row=2)
    return a, [first, second]


@pytest.mark.parametrize("title", ["Tin tổng hợp", ""])
def test_pooled_sentence_spans_point_at_each_sentence_inside_its_chunk(title: str) -> None:
    text = "Giá xăng RON 95 tăng 500 đồng. Hà Nội thắng Hải Phòng 3-1. Bệnh viện Bạch Mai tiếp nhận 30 ca."
    article, chunks = _article_and_chunks(title, text)
    recorder = _SpanRecorder()
    chunk_vectors, sentence_vectors = embed_chunks(recorder, [(c, article) for c in chunks], pooled=True)
    assert recorder.seen == [
        "Giá xăng RON 95 tăng 500 đồng.",
        "Hà Nội thắng Hải Phòng 3-1.",
        "Hà Nội thắng Hải Phòng 3-1.",
        "Bệnh viện Bạch Mai tiếp nhận 30 ca.",
    ]
    assert chunk_vectors.shape == (2, 8) and [v.shape for v in sentence_vectors] == [(2, 8), (2, 8)]


def test_separate_sentence_vectors_embed_each_sentence_with_its_title() -> None:
    text = "Giá xăng RON 95 tăng 500 đồng. Hà Nội thắng Hải Phòng 3-1. Bệnh viện Bạch Mai tiếp nhận 30 ca."
    article, chunks = _article_and_chunks("Tin tổng hợp", text)
    fake = FakeEmbedder(dimension=8)
    for pooled in (False, True):  # a backend that cannot pool spans embeds sentences on its own
        chunk_vectors, sentence_vectors = embed_chunks(fake, [(c, article) for c in chunks], pooled=pooled)
        expected = fake.embed_documents(["Tin tổng hợp\nHà Nội thắng Hải Phòng 3-1."])[0]
        assert np.allclose(sentence_vectors[0][1], expected) and np.allclose(sentence_vectors[1][0], expected)
        assert chunk_vectors.shape == (2, 8)


class _Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(dimension=8)
        self.texts: list[str] = []

    def embed_documents(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return super().embed_documents(texts)


def test_a_sentence_shared_by_overlapping_chunks_is_embedded_once() -> None:
    text = "Giá xăng RON 95 tăng 500 đồng. Hà Nội thắng Hải Phòng 3-1. Bệnh viện Bạch Mai tiếp nhận 30 ca."
    article, chunks = _article_and_chunks("Tin tổng hợp", text)
    counting = _Counting()
    _, sentence_vectors = embed_chunks(counting, [(c, article) for c in chunks], pooled=False)
    assert counting.texts.count("Tin tổng hợp\nHà Nội thắng Hải Phòng 3-1.") == 1
    assert len(counting.texts) == 2 + 3  # two chunks, three distinct sentences
    assert np.allclose(sentence_vectors[0][1], sentence_vectors[1][0])
    assert [len(v) for v in sentence_vectors] == [2, 2]


def _recount(s: DocStore) -> tuple[int, int, int, int]:
    """The totals counted the slow way, from every row."""
    (articles,) = s._rows("SELECT COUNT(*) FROM articles")[0]
    chunks, embedded = s._rows("SELECT COUNT(*), COALESCE(SUM(embedded), 0) FROM chunks")[0]
    (waiting,) = s._rows("SELECT COUNT(DISTINCT source) FROM chunks WHERE embedded = 0")[0]
    return articles, chunks, embedded, articles - waiting


def test_running_totals_match_a_recount_through_adds_embeds_and_removes(
    fake_settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    emb = embedder(fake_settings)
    ingest(fake_settings, emb, [corpus], embed="none")
    s = DocStore(fake_settings.paths.index_dir)
    try:
        assert astuple(s.counts()) == _recount(s) and s.counts().embedded_articles == 0
        embed_pending(s, emb, batch_size=3, stop=None, sources=["003_b2ca1ae64fe89c4d.txt"])  # one article, in batches
        assert astuple(s.counts()) == _recount(s) and s.counts().embedded_articles == 1
        pending = s.pending(2)  # half of another article: not ready yet
        embed_pending(s, emb, batch_size=2, sources=[pending[0][0].source], stop=_StopAfter(1))
        assert astuple(s.counts()) == _recount(s)
        changed = sorted(corpus.iterdir())[0]  # replaced: its old rows and totals go first
        changed.write_text(changed.read_text(encoding="utf-8") + "\n\nĐoạn bổ sung mới.", encoding="utf-8")
        ingest(fake_settings, emb, [corpus], embed="new")
        assert astuple(s.counts()) == _recount(s)
        remove(fake_settings, "003_b2ca1ae64fe89c4d.txt")
        assert astuple(s.counts()) == _recount(s) and s.counts().articles == 4
    finally:
        s.close()


class _StopAfter(threading.Event):
    """A stop event that fires after `n` checks (one batch per check)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0


def test_index_without_running_totals_counts_them_once_on_open(fake_settings: Settings, corpus: Path) -> None:
    ingest(fake_settings, embedder(fake_settings), [corpus])
    s = DocStore(fake_settings.paths.index_dir)
    expected = astuple(s.counts())
    with s.transaction() as db:  # as an index written before the totals existed
        db.execute("DELETE FROM meta WHERE key IN ('totals', 'articles', 'embedded', 'ready')")
    s.close()
    s = DocStore(fake_settings.paths.index_dir)
    try:
        assert astuple(s.counts()) == expected == _recount(s)
    finally:
        s.close()
