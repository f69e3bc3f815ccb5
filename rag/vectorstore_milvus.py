"""Dense indexes on Milvus (Milvus Lite or a server), kept in step with the store like the FAISS ones.

The SQLite store stays the source of truth. Each kind (chunks, sentences) has a collection keyed
by the store's vector ids, with the article's source beside each vector. A third, small
collection (`<prefix>_meta`) records per kind which store it mirrors and the last change (`seq`)
applied. That seq lives in Milvus with the vectors and is written after them: it may lag what
Milvus holds (replaying is idempotent, upsert and delete by id) but never runs ahead of it. A
collection that is missing, of another dimension or of another store is rebuilt from the store.

Only dense search is asked of Milvus (FLAT, HNSW or IVF_FLAT, inner product); BM25 and the
fusion stay in the project's own code, so Milvus Lite and the standalone 2.3 server, which has
no sparse vectors or hybrid search, behave the same.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Vectors
from rag.config import VectorStoreSettings
from rag.errors import RagError
from rag.records import CHUNK, SENTENCE, vector_owner
from rag.store import DocStore
from rag.store_db import file_lock

_KINDS = {CHUNK: "chunks", SENTENCE: "sentences"}
_UPSERT_BATCH = 1000  # rows per request: ~3 MB at 768 dimensions, well under gRPC's 64 MB
_LOOKUP_BATCH = 10_000  # ids per SQLite IN (...), under its limit of bound variables
_META_DIM = 2  # Milvus wants a vector field in every collection; the meta one is never searched


class MilvusUnavailableError(RagError):
    """Milvus cannot be reached or refused a request; the message says what to check."""


def resolve_uri(cfg: VectorStoreSettings, index_dir: Path) -> str:
    return cfg.uri or str(index_dir / "milvus.db")


def connect(cfg: VectorStoreSettings, index_dir: Path) -> Any:
    """A MilvusClient for `cfg.uri`, checked with one request, or a MilvusUnavailableError."""
    uri = resolve_uri(cfg, index_dir)
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise MilvusUnavailableError(
            "Chưa cài pymilvus cho vector_store.mode = milvus. Chạy: .venv/bin/pip install -e '.[milvus]' "
            "(pymilvus is not installed)"
        ) from exc
    if not uri.startswith(("http://", "https://")):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
        if _lite_held_elsewhere(uri):
            raise MilvusUnavailableError(
                f"Tệp Milvus Lite {uri} đang được một tiến trình khác mở; Milvus Lite chỉ mở được trong một tiến trình "
                "một lúc. Dừng tiến trình đó (vd. rag serve), hoặc dùng máy chủ Milvus (vector_store.uri = "
                f"http://máy:19530) cho nhiều tiến trình. (Milvus Lite file {uri} is held by another process)"
            )
    try:
        client = MilvusClient(uri=uri, token=cfg.token, timeout=cfg.timeout_s)
        client.list_collections(timeout=cfg.timeout_s)
    except Exception as exc:  # pymilvus raises its own, grpc's and the Lite lock's errors
        where = "tệp Milvus Lite" if not uri.startswith("http") else "máy chủ Milvus"
        raise MilvusUnavailableError(
            f"Không kết nối được {where} tại {uri} ({type(exc).__name__}: {str(exc)[:300]}). "
            "Kiểm tra vector_store.uri, hoặc khởi động máy chủ: milvus-server --data DIR. "
            f"(cannot reach Milvus at {uri})"
        ) from exc
    return client


def _lite_held_elsewhere(uri: str) -> bool:
    """True when another process holds the Milvus Lite folder's lock.

    Asked before connecting: otherwise milvus-lite logs a traceback and pymilvus says only
    "Open local milvus failed". This process's own Lite server (pymilvus reuses one per path)
    holds the lock too, so it is told apart first.
    """
    try:
        from milvus_lite.db import LOCK_FILENAME
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:
        return False  # pymilvus then says milvus-lite is missing, and connect() passes that on

    path = os.path.abspath(uri)
    lock = Path(path) / LOCK_FILENAME
    if path in getattr(server_manager_instance, "_servers", {}) or not lock.is_file():
        return False
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


class MilvusIndex:
    """One kind's vectors in a Milvus collection: the DenseIndex protocol (add/remove/search/len).

    `consistency` is what searches ask for: "Strong" waits for the server's time tick (~200-400 ms
    on a 2.3 server) to see every client's writes; "Session" waits only for this client's own.
    """

    def __init__(self, client: Any, name: str, dimension: int, cfg: VectorStoreSettings) -> None:
        self._client = client
        self.name = name
        self.dimension = dimension
        self._cfg = cfg
        self.consistency = "Strong"

    def create(self) -> None:
        from pymilvus import DataType

        schema = self._client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=4096)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dimension)
        index = self._client.prepare_index_params()
        params = {"M": self._cfg.hnsw_m, "efConstruction": 200} if self._cfg.index_type == "HNSW" else {}
        if self._cfg.index_type == "IVF_FLAT":
            params = {"nlist": self._cfg.ivf_lists or 1024}
        index.add_index(field_name="vector", index_type=self._cfg.index_type, metric_type="IP", params=params)
        _create(self._client, self.name, schema, index, "Session", self._cfg.timeout_s)

    def dimension_in_milvus(self) -> int | None:
        """The collection's vector dimension, or None when it does not exist."""
        if not self._client.has_collection(self.name, timeout=self._cfg.timeout_s):
            return None
        fields = self._client.describe_collection(self.name, timeout=self._cfg.timeout_s)["fields"]
        return next((int(f["params"]["dim"]) for f in fields if f["name"] == "vector"), 0)

    def add(self, ids: Sequence[int], vectors: Vectors, sources: Sequence[str] | None = None) -> None:
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        names = sources if sources is not None else [""] * len(ids)
        for lo in range(0, len(ids), _UPSERT_BATCH):
            hi = lo + _UPSERT_BATCH
            rows = [
                {"id": int(i), "source": s, "vector": v.tolist()}
                for i, s, v in zip(ids[lo:hi], names[lo:hi], matrix[lo:hi], strict=True)
            ]
            self._client.upsert(self.name, rows, timeout=self._cfg.timeout_s)

    def remove(self, ids: Sequence[int]) -> None:
        for lo in range(0, len(ids), _UPSERT_BATCH):
            self._client.delete(
                self.name, ids=[int(i) for i in ids[lo : lo + _UPSERT_BATCH]], timeout=self._cfg.timeout_s
            )

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        if k <= 0:
            return []
        params: dict[str, Any] = {}
        if self._cfg.index_type == "HNSW":
            params = {"ef": max(k, self._cfg.hnsw_ef)}
        elif self._cfg.index_type == "IVF_FLAT":
            params = {"nprobe": self._cfg.nprobe}
        found = self._client.search(
            self.name,
            data=[np.asarray(query, dtype=np.float32).reshape(-1).tolist()],
            limit=k,
            search_params={"metric_type": "IP", "params": params},
            consistency_level=self.consistency,
            timeout=self._cfg.timeout_s,
        )
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def __len__(self) -> int:
        rows = self._client.query(
            self.name, filter="", output_fields=["count(*)"], consistency_level="Strong", timeout=self._cfg.timeout_s
        )
        return int(rows[0]["count(*)"])


def _create(client: Any, name: str, schema: Any, index: Any, consistency: str, timeout: float) -> None:
    """Create, index and load an empty collection.

    The index is not awaited: on an empty collection it is ready at once, and pymilvus's wait
    calls AllocTimestamp, which Milvus Lite 3 does not implement (its server logs a traceback).
    """
    client.create_collection(name, schema=schema, consistency_level=consistency, timeout=timeout)
    client.create_index(name, index, timeout=timeout, sync=False)
    client.load_collection(name, timeout=timeout)


def store_identity(store: DocStore) -> str:
    """Tells this store from a rebuilt one (its manifest is written once, when the store is created)."""
    manifest = store.manifest()
    return "" if manifest is None else f"{manifest.embedding_model}|{manifest.dimension}|{manifest.updated!r}"


def _catch_up_lock(index_dir: Path) -> AbstractContextManager[None]:
    """One process at a time replays the store into Milvus, so a slower one cannot write an older
    seq over a newer one (the processes sharing a store share its folder)."""
    return file_lock(index_dir / ".milvus.lock")


class MilvusVectors:
    """The chunk and sentence collections, kept in step with the store through its change log."""

    def __init__(self, store: DocStore, dimension: int, cfg: VectorStoreSettings) -> None:
        self._store = store
        self._cfg = cfg
        self._dimension = dimension
        self._lock = threading.RLock()
        self._client = connect(cfg, store.index_dir)
        self._meta = f"{cfg.collection}_meta"
        self.indexes = {
            kind: MilvusIndex(self._client, f"{cfg.collection}_{name}", dimension, cfg) for kind, name in _KINDS.items()
        }
        self.seqs: dict[int, int] = {}
        self._seen = -1  # the store seq last caught up with
        self.applied = 0  # vectors this object wrote or deleted: a restart replays only the new ones
        self._identity = store_identity(store)
        try:
            self._open()
        except RagError:
            raise
        except Exception as exc:
            raise MilvusUnavailableError(f"Milvus từ chối yêu cầu ({exc}). (Milvus refused a request)") from exc

    def _open(self) -> None:
        with self._lock, _catch_up_lock(self._store.index_dir):
            saved = self._read_meta()
            in_step = (
                all(index.dimension_in_milvus() == self._dimension for index in self.indexes.values())
                and set(saved) == set(_KINDS)
                and all(identity == self._identity and seq <= self._store.seq() for identity, seq in saved.values())
            )
            if not in_step:
                self._rebuild("chưa có" if not saved else "thiếu, khác chiều hoặc của chỉ mục khác")
            else:
                for index in self.indexes.values():
                    self._client.load_collection(index.name, timeout=self._cfg.timeout_s)
            self._apply()
            if self._lost_rows():
                self._rebuild("số vector khác cơ sở dữ liệu")
                self._apply()

    def _lost_rows(self) -> bool:
        """Rows lost on the Milvus side (deleted by hand, a server restored from an old backup)
        show as a chunk count other than the store's; only a rebuild brings them back.

        Compared only while the store is still at the seq just applied (a writer may be
        embedding meanwhile); otherwise the next open checks again.
        """
        seq = self.seqs[CHUNK]
        in_milvus = len(self.indexes[CHUNK])
        if self._store.seq() != seq:
            return False
        in_store = self._store.counts().embedded_chunks
        return self._store.seq() == seq and in_milvus != in_store

    def _rebuild(self, why: str) -> None:
        # The store holds every vector: rebuilding from it loses nothing.
        print(f"Dựng chỉ mục vector trên Milvus ({why}) từ cơ sở dữ liệu.", flush=True)
        for name in [self._meta, *(i.name for i in self.indexes.values())]:
            if self._client.has_collection(name, timeout=self._cfg.timeout_s):
                self._client.drop_collection(name, timeout=self._cfg.timeout_s)
        self._create_meta()
        for index in self.indexes.values():
            index.create()
        for kind in _KINDS:
            self._write_meta(kind, 0)

    def _create_meta(self) -> None:
        from pymilvus import DataType

        schema = self._client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("kind", DataType.INT64, is_primary=True)
        schema.add_field("store", DataType.VARCHAR, max_length=1024)
        schema.add_field("seq", DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=_META_DIM)
        index = self._client.prepare_index_params()
        index.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
        _create(self._client, self._meta, schema, index, "Strong", self._cfg.timeout_s)

    def _read_meta(self) -> dict[int, tuple[str, int]]:
        """Per kind, (store identity, last seq applied); empty when the meta collection is missing."""
        if not self._client.has_collection(self._meta, timeout=self._cfg.timeout_s):
            return {}
        self._client.load_collection(self._meta, timeout=self._cfg.timeout_s)
        rows = self._client.query(
            self._meta,
            filter="kind >= 0",
            output_fields=["kind", "store", "seq"],
            consistency_level="Strong",  # another process may have written it a moment ago
            timeout=self._cfg.timeout_s,
        )
        return {int(r["kind"]): (str(r["store"]), int(r["seq"])) for r in rows}

    def _write_meta(self, kind: int, seq: int) -> None:
        row = {"kind": kind, "store": self._identity, "seq": seq, "vector": [0.0] * _META_DIM}
        self._client.upsert(self._meta, [row], timeout=self._cfg.timeout_s)
        self.seqs[kind] = seq

    def catch_up(self) -> int:
        """Apply the store's changes Milvus has not seen; returns how many vectors changed.

        Costs one SQLite lookup when nothing changed. Otherwise reads Milvus's own seq (another
        process may have applied some changes already) and replays only what follows it.
        """
        if self._store.seq() == self._seen:
            return 0
        with self._lock, _catch_up_lock(self._store.index_dir):
            return self._apply()

    def _apply(self) -> int:
        """catch_up's work, under both locks."""
        saved = self._read_meta()
        changed = 0
        for kind, index in self.indexes.items():
            seq = saved.get(kind, ("", 0))[1]
            while True:
                changes = self._store.changes_since(seq, kind)
                index.remove([i for i, _ in changes.removed])
                if changes.added:
                    ids = [i for i, _, _ in changes.added]
                    index.add(ids, np.stack([v for _, _, v in changes.added]), self._sources(ids, kind))
                changed += len(changes.added) + len(changes.removed)
                self.applied += len(changes.added) + len(changes.removed)
                if changes.seq == seq:
                    break
                seq = changes.seq
                self._write_meta(kind, seq)  # after the vectors: the seq never runs ahead of them
            self.seqs[kind] = seq
        self._seen = min(self.seqs.values())
        # The store changed since the last look, so this process or another wrote to Milvus:
        # the next search waits for the server to have applied it; later ones need not wait.
        for index in self.indexes.values():
            index.consistency = "Strong"
        return changed

    def _sources(self, ids: Sequence[int], kind: int) -> list[str]:
        owners = [vector_owner(i, kind) for i in ids]
        wanted = sorted(set(owners))
        sources: dict[int, str] = {}
        for lo in range(0, len(wanted), _LOOKUP_BATCH):
            chunks = self._store.chunks_by_rows(wanted[lo : lo + _LOOKUP_BATCH])
            sources.update({row: c.source for row, c in chunks.items()})
        return [sources.get(o, "") for o in owners]

    def checkpoint(self, force: bool = False) -> bool:
        """Milvus persists its own data; the seq is written with each batch of changes."""
        return False

    def search(self, kind: int, query: Vectors, k: int) -> list[tuple[int, float]]:
        with self._lock:
            index = self.indexes[kind]
            try:
                found = index.search(query, k)
            except Exception as exc:
                raise MilvusUnavailableError(
                    f"Tìm kiếm trên Milvus thất bại ({type(exc).__name__}: {str(exc)[:300]}). (Milvus search failed)"
                ) from exc
            index.consistency = "Session"  # this search waited for every earlier write
            return found

    def __len__(self) -> int:
        # After catch-up Milvus holds exactly the store's embedded chunks; asking Milvus would
        # cost a round trip (and a time-tick wait) per query.
        return self._store.counts().embedded_chunks

    def close(self) -> None:
        self._client.close()
