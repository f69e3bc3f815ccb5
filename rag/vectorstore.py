"""Dense indexes keyed by the store's ids: FAISS in memory, checkpointed in FAISS's own format
(the default), or Milvus (`vector_store.mode = "milvus"`, rag/vectorstore_milvus.py).

The store's vectors table is the source of truth. The FAISS files under `index_dir/dense/`
are checkpoints of it, each tagged with the store's change number (`seq`); on load, and
before each search, the index replays only the vectors added or removed since. So adding an
article writes that article's rows and nothing else, a crash never loses a vector, and a
missing or damaged checkpoint is rebuilt from the store.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from embeddings.base import Vectors
from rag.config import VectorStoreSettings
from rag.records import CHUNK, SENTENCE
from rag.store import DocStore


class DenseIndex(Protocol):
    def add(self, ids: Sequence[int], vectors: Vectors) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        """Ids of the nearest vectors with their cosine similarity, best first."""
        ...

    def __len__(self) -> int: ...


class DenseBackend(Protocol):
    """Both kinds' indexes, kept in step with the store: what retrieval searches."""

    def catch_up(self) -> int: ...

    def checkpoint(self, force: bool = False) -> bool: ...

    def search(self, kind: int, query: Vectors, k: int) -> list[tuple[int, float]]: ...

    def __len__(self) -> int: ...


def open_dense(store: DocStore, dimension: int, cfg: VectorStoreSettings) -> DenseBackend:
    """The dense indexes `cfg.mode` names, caught up with the store."""
    if cfg.mode == "milvus":
        from rag.vectorstore_milvus import MilvusVectors

        return MilvusVectors(store, dimension, cfg)
    return DenseVectors(store, dimension, cfg)


class FaissIndex:
    """Exact inner product (IndexIDMap2 over a flat index) until `approximate_above` vectors, then IVF.

    IVF keeps its own ids and removes by id; HNSW cannot remove, so it is not used.
    """

    def __init__(self, dimension: int, cfg: VectorStoreSettings, index: Any = None) -> None:
        import faiss

        self._faiss = faiss
        self.dimension = dimension
        self._cfg = cfg
        self._index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self._tune()

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, self._faiss.IndexIVF)

    def _tune(self) -> None:
        if self.approximate:
            self._index.nprobe = self._cfg.nprobe

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: Vectors) -> None:
        if len(ids):
            self.remove(ids)  # an id is present once, whatever was replayed before
            matrix = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension))
            self._index.add_with_ids(matrix, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids) and self._index.ntotal:
            self._index.remove_ids(self._faiss.IDSelectorArray(np.asarray(ids, dtype=np.int64)))

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        if self._index.ntotal == 0 or k <= 0:
            return []
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), min(k, self._index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def all_vectors(self) -> tuple[np.ndarray, Vectors]:
        """(ids, vectors) of an exact index, for training the approximate one."""
        faiss = self._faiss
        n = int(self._index.ntotal)
        flat = faiss.downcast_index(self._index.index)
        vectors = faiss.rev_swig_ptr(flat.get_xb(), n * self.dimension).reshape(n, self.dimension).copy()
        return faiss.vector_to_array(self._index.id_map).astype(np.int64), vectors

    def maybe_approximate(self) -> bool:
        """Switch to IVF once the index outgrows exact search; True when it switched."""
        if self.approximate or len(self) <= self._cfg.approximate_above:
            return False
        faiss = self._faiss
        ids, vectors = self.all_vectors()
        nlist = self._cfg.ivf_lists or max(16, int(4 * np.sqrt(len(ids))))
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dimension), self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: max(nlist * 40, 10_000)]]
        ivf.train(sample)
        ivf.add_with_ids(vectors, ids)
        self._index = ivf
        self._tune()
        return True

    def write(self, path: Path) -> None:
        """FAISS's binary format, written beside and renamed into place."""
        tmp = path.with_name(f".{path.name}.tmp")
        self._faiss.write_index(self._index, str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path, dimension: int, cfg: VectorStoreSettings) -> FaissIndex:
        import faiss

        index = faiss.read_index(str(path))
        if int(index.d) != dimension:
            raise ValueError(f"{path}: dimension {index.d}, expected {dimension}")
        return cls(dimension, cfg, index)


_KINDS = {CHUNK: "chunks", SENTENCE: "sentences"}


class DenseVectors:
    """The chunk and sentence indexes, kept in step with the store."""

    def __init__(self, store: DocStore, dimension: int, cfg: VectorStoreSettings) -> None:
        self._store = store
        self._cfg = cfg
        self._dimension = dimension
        self._folder = store.index_dir / "dense"
        self._lock = threading.RLock()
        self.indexes: dict[int, FaissIndex] = {}
        self.seqs: dict[int, int] = {}
        self._since_checkpoint = 0
        self._load_checkpoint()
        self.catch_up()

    def _load_checkpoint(self) -> None:
        pointer = self._folder / "CHECKPOINT"
        for kind in _KINDS:
            self.indexes[kind], self.seqs[kind] = FaissIndex(self._dimension, self._cfg), 0
        if not pointer.is_file():
            return
        try:
            saved = json.loads(pointer.read_text(encoding="utf-8"))
            loaded = {
                kind: (
                    FaissIndex.read(self._folder / saved[name]["file"], self._dimension, self._cfg),
                    int(saved[name]["seq"]),
                )
                for kind, name in _KINDS.items()
            }
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            # The store holds every vector: rebuilding from it loses nothing.
            print(f"Bỏ qua bản lưu chỉ mục vector hỏng ({exc}); dựng lại từ cơ sở dữ liệu.", flush=True)
            return
        for kind, (index, seq) in loaded.items():
            self.indexes[kind], self.seqs[kind] = index, seq

    def catch_up(self) -> int:
        """Apply the store's changes since the last ones seen; returns how many vectors changed."""
        with self._lock:
            if all(seq == self._store.seq() for seq in self.seqs.values()):
                return 0
            changed = 0
            for kind, index in self.indexes.items():
                while True:
                    changes = self._store.changes_since(self.seqs[kind], kind)
                    index.remove([i for i, _ in changes.removed])
                    if changes.added:
                        index.add([i for i, _, _ in changes.added], np.stack([v for _, _, v in changes.added]))
                    changed += len(changes.added) + len(changes.removed)
                    if changes.seq == self.seqs[kind]:
                        break
                    self.seqs[kind] = changes.seq
            self._since_checkpoint += changed
            return changed

    def checkpoint(self, force: bool = False) -> bool:
        """Write both indexes when enough changed since the last checkpoint (or when forced)."""
        with self._lock:
            if not force and self._since_checkpoint < self._cfg.checkpoint_every:
                return False
            for index in self.indexes.values():
                index.maybe_approximate()
            self._folder.mkdir(parents=True, exist_ok=True)
            saved = {}
            for kind, name in _KINDS.items():
                file = f"{name}-{self.seqs[kind]}.faiss"
                self.indexes[kind].write(self._folder / file)
                saved[name] = {"file": file, "seq": self.seqs[kind], "count": len(self.indexes[kind])}
            tmp = self._folder / ".CHECKPOINT.tmp"
            tmp.write_text(json.dumps(saved), encoding="utf-8")
            os.replace(tmp, self._folder / "CHECKPOINT")
            keep = {v["file"] for v in saved.values()}
            for old in self._folder.glob("*.faiss"):
                if old.name not in keep:
                    old.unlink(missing_ok=True)
            self._since_checkpoint = 0
            return True

    def search(self, kind: int, query: Vectors, k: int) -> list[tuple[int, float]]:
        with self._lock:
            return self.indexes[kind].search(query, k)

    def __len__(self) -> int:
        return len(self.indexes[CHUNK])
