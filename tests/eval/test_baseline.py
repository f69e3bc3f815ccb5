"""The LangChain baseline (`rag eval --retrieval baseline`, `eval.bench_retrieval`) over the fake embedder."""

from __future__ import annotations

from pathlib import Path

from embeddings.fake import FakeEmbedder
from eval.baseline import BaselineSearch


def test_chunks_are_langchains_default_split_of_each_file(corpus: Path) -> None:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    baseline = BaselineSearch(corpus, FakeEmbedder())
    assert sorted(baseline.articles) == sorted(p.name for p in corpus.glob("*.txt"))
    for source, article in baseline.articles.items():
        chunks = [c for c in baseline.chunks if c.source == source]
        assert [c.text for c in chunks] == splitter.split_text(article.text)
        assert all(article.text[c.start : c.end] == c.text for c in chunks)


def test_search_ranks_a_chunk_first_for_its_own_text(corpus: Path) -> None:
    baseline = BaselineSearch(corpus, FakeEmbedder())
    target = baseline.chunks[3]
    hits = baseline.search(target.text, k=4)
    assert hits[0].chunk == target and hits[0].article.source == target.source
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert len(baseline.search("Quảng Ninh", k=10_000)) == len(baseline.chunks)


def test_only_text_files_are_read_and_an_empty_corpus_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 not text")
    baseline = BaselineSearch(tmp_path, FakeEmbedder())
    assert baseline.chunks == [] and baseline.search("bất kỳ") == []
