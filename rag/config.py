"""The one settings object: defaults, then a TOML file, then RAG_* environment variables.

`load_settings(path, env)` is the only constructor used by the app; it takes the
environment as a plain mapping so tests can pass a dict. Nothing runs at import.
Nested fields are reached from the environment with a double underscore, e.g.
``RAG_EMBEDDING__MODEL=BAAI/bge-m3`` or ``RAG_RETRIEVAL__K=8``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import RagError

APP_NAME = "vn-news-rag"
ENV_PREFIX = "RAG_"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def default_models_dir(env: Mapping[str, str]) -> Path:
    """The user's cache (XDG), shared by every clone and CI run on the machine."""
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(cache) / APP_NAME / "models"


class PathSettings(_Section):
    articles_dir: Path = Field(default=Path("data/articles"), description="Folder ingested by `make run`.")
    index_dir: Path = Field(default=Path("data/index"), description="Where the index lives.")
    models_dir: Path | None = Field(
        default=None, description="Provisioned models; default ~/.cache/vn-news-rag/models."
    )


class EmbeddingSettings(_Section):
    mode: Literal["sentence_transformers", "openai", "fake"] = Field(
        default="sentence_transformers",
        description="Backend: in process; `openai`: an OpenAI-compatible /v1/embeddings server (base_url, "
        "model = the served name); `fake`: a deterministic hash embedder for tests.",
    )
    base_url: str | None = Field(default=None, description="openai mode: e.g. http://gpu-box:8000/v1")
    api_key: str | None = Field(default=None, description="openai mode: the key, if the server wants one.")
    timeout_s: float = Field(default=60.0, gt=0, description="openai mode: per request.")
    query_prompt: str = Field(
        default="task: search result | query: ",
        description="openai mode: prepended to queries (servers embed text as sent; EmbeddingGemma's own prompt).",
    )
    document_prompt: str = Field(
        default="title: none | text: ", description="openai mode: prepended to passages (EmbeddingGemma's own)."
    )
    model: str = Field(
        default="embeddinggemma-300m",
        description="A provisioned model name, a local folder, or a hub id (on machines that reach a hub).",
    )
    batch_size: int = Field(default=16, ge=1)
    threads: int = Field(default=2, ge=1, description="torch CPU threads.")
    precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto",
        description="Matmul precision of the embedding model; auto: bf16 where the CPU has native bfloat16 "
        "(2x fp32 here, cosine 0.9999 to fp32; int8 was measured and rejected, see python -m eval.bench_embed).",
    )
    sentence_vectors: Literal["pooled", "separate"] = Field(
        default="separate",
        description="separate: every sentence embedded again on its own, with its title (about twice the "
        "embedding time); pooled: each sentence's vector pooled from the chunk's own pass (one pass), which "
        "blurs the sentences of a chunk together: on dev sets 2 and 3 the key fact was quoted 9 and 14 points "
        "less often. Changing it rebuilds the index.",
    )
    dimension: int = Field(default=256, ge=8, description="Only for the fake embedder.")


class ChunkingSettings(_Section):
    size: int = Field(default=1000, ge=100, description="Maximum characters per chunk.")
    overlap: int = Field(default=200, ge=0, description="Characters of trailing sentences repeated in the next chunk.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkingSettings:
        if self.overlap >= self.size:
            raise ValueError(f"chunking.overlap ({self.overlap}) must be smaller than chunking.size ({self.size})")
        return self


class RetrievalSettings(_Section):
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    k: int = Field(default=5, ge=1, le=100, description="Chunks returned.")
    candidates: int = Field(default=30, ge=1, description="Candidates taken from each retriever before fusion.")
    fusion: Literal["convex", "rrf"] = Field(
        default="convex",
        description="convex: weighted sum of min-max normalised scores (keeps how sure each retriever is); "
        "rrf: weighted reciprocal-rank fusion (ranks only).",
    )
    rrf_k: int = Field(default=10, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0)
    bm25_weight: float = Field(
        default=0.5, ge=0, description="Relative to dense_weight; chosen mid-plateau on the dev set (see README)."
    )
    bm25_common_share: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="A term in more than this share of the chunks does not pick BM25 candidates "
        "(it still counts in their scores): keeps search cost independent of the archive's size.",
    )
    bm25_candidates: int = Field(default=200, ge=1, description="Chunks scored by exact BM25 per query.")
    sentence_weight: float = Field(
        default=0.5, ge=0, le=1, description="Dense score = (1-w) * chunk similarity + w * best sentence similarity."
    )
    english_bm25_weight: float = Field(
        default=0.0, ge=0, description="BM25 weight for English questions: Vietnamese BM25 barely matches them."
    )
    restore_diacritics: bool = Field(
        default=True, description="Restore diacritics of diacritic-free Vietnamese questions from the corpus words."
    )


class VectorStoreSettings(_Section):
    mode: Literal["faiss", "milvus"] = Field(
        default="faiss",
        description="Dense index backend: faiss (in process, no server) or milvus (uri: Milvus Lite or a server). "
        "Either way the SQLite store stays the source of truth and BM25 stays local.",
    )
    uri: str = Field(
        default="",
        description="milvus mode: http://host:19530 for a Milvus server or cluster, or a file path ending in .db "
        "for Milvus Lite (embedded, one process at a time); empty: index_dir/milvus.db (Lite).",
    )
    token: str = Field(
        default="", repr=False, description="milvus mode: user:password or an API key, if the server wants one."
    )
    collection: str = Field(
        default="vn_news_rag",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,200}$",
        description="milvus mode: prefix of the collections (<prefix>_chunks, _sentences, _meta); one per index.",
    )
    index_type: Literal["FLAT", "HNSW", "IVF_FLAT"] = Field(
        default="FLAT",
        description="milvus mode: FLAT is exact (the same ranking as FAISS); HNSW or IVF_FLAT for large archives.",
    )
    hnsw_m: int = Field(default=16, ge=4, le=64, description="milvus HNSW: links per node.")
    hnsw_ef: int = Field(default=64, ge=1, description="milvus HNSW: candidates searched per query (at least k).")
    timeout_s: float = Field(default=10.0, gt=0, description="milvus mode: connecting and each request.")
    approximate_above: int = Field(
        default=200_000,
        ge=0,
        description="Vectors per index above which exact search gives way to IVF (approximate, removable by id).",
    )
    ivf_lists: int = Field(default=0, ge=0, description="IVF cells; 0 picks 4 * sqrt(vectors).")
    nprobe: int = Field(default=32, ge=1, description="IVF cells searched per query (recall against speed).")
    checkpoint_every: int = Field(
        default=20_000, ge=1, description="Vectors changed before the FAISS files are rewritten; the rest is replayed."
    )

    @model_validator(mode="after")
    def _milvus_uri(self) -> VectorStoreSettings:
        # pymilvus treats only a *.db path as Milvus Lite; anything else it would try to dial.
        lite = not self.uri.startswith(("http://", "https://"))
        if self.mode == "milvus" and self.uri and lite and not self.uri.endswith(".db"):
            raise ValueError(
                f"vector_store.uri {self.uri!r}: cần http://máy:19530 (máy chủ Milvus) hoặc tệp *.db (Milvus Lite) "
                "(expected http://host:19530 for a Milvus server or a *.db file for Milvus Lite)"
            )
        return self


class IngestSettings(_Section):
    max_file_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="Larger files are rejected.")
    suffixes: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
    batch_articles: int = Field(default=200, ge=1, description="Articles written per transaction (BM25 stage).")
    workers: int = Field(default=2, ge=1, description="Processes cleaning and tokenising articles.")
    embed_batch: int = Field(default=32, ge=1, description="Chunks embedded per batch (with their sentences).")


class QuerySettings(_Section):
    max_chars: int = Field(default=2000, ge=1, description="Longer questions are rejected with a message.")


class LLMSettings(_Section):
    mode: Literal["llama_cpp", "openai", "fake"] = Field(
        default="llama_cpp", description="Generation backend; `openai` is any OpenAI-compatible server."
    )
    model: str = Field(
        default="qwen2.5-coder-1.5b-instruct-q4_k_m",
        description="llama_cpp: a provisioned model name or a .gguf path; openai: the served model name.",
    )
    threads: int = Field(default=2, ge=1)
    context_tokens: int = Field(default=4096, ge=512)
    max_tokens: int = Field(default=256, ge=16, description="Longest answer generated.")
    max_concurrent: int = Field(
        default=4,
        ge=1,
        description="openai mode: answers generated at once on the server (an in-process model writes one); "
        "the rest wait in line, first come first served.",
    )
    temperature: float = Field(default=0.0, ge=0)
    base_url: str | None = Field(default=None, description="openai mode: e.g. http://localhost:8000/v1")
    api_key: str | None = Field(default=None, description="openai mode: the key, if the server wants one.")
    timeout_s: float = Field(default=120.0, gt=0)


class AnswerSettings(_Section):
    mode: Literal["generative", "extractive"] = "generative"
    evidence_token_budget: int = Field(default=350, ge=50, description="Prompt tokens spent on evidence sentences.")
    max_evidence_sentences: int = Field(default=6, ge=1)
    history_turns: int = Field(default=3, ge=0, description="Past exchanges used to rewrite a follow-up.")
    condense_with_llm: bool = Field(
        # Off: on dev set 2's 19 follow-ups (generative, a debugging set) the 1.5B model's rewrites
        # ("Người dùng: ...", an answer instead of a question) gave 6 key facts right and 7 refused;
        # the rules and the previous question in brackets, 13 right and 1 refused, and one model
        # call less per follow-up.
        default=False,
        description="Generative mode: let the LLM rewrite a follow-up the rules cannot resolve "
        "(otherwise the previous question goes along in brackets).",
    )
    prompt_token_budget: int = Field(
        default=200,
        ge=30,
        description="Evidence tokens sent to the LLM (the best sentences of the selected evidence); "
        "the model reads ~65 tokens/s on two cores, so this bounds the wait for the first token.",
    )
    max_answer_tokens: int = Field(
        default=96,
        ge=16,
        description="Tokens a generated answer may use (also capped by llm.max_tokens); "
        "answers are one or two sentences and the model writes ~21 tokens/s on two cores.",
    )
    output_grammar: bool = Field(
        default=True,
        description="Generative mode: decode the reply under a GBNF grammar (prompts/answer_grammar.txt) so "
        "each statement ends with a marker of a shown sentence; llama.cpp in process and its server support "
        "it, other OpenAI-compatible servers may not.",
    )
    confidence_weights: dict[str, float] = Field(
        # Fitted on the seed dev set and dev sets 2 and 3 (348 questions; never on a held-out set),
        # extractive runs with the score off (RAG_ANSWER__MIN_CONFIDENCE=0), seventh session, on
        # separately embedded sentence vectors (the mean cosine tells less than the pooled one did).
        default_factory=lambda: {
            "bias": -12.88,
            "dense_top": 9.84,
            "dense_mean": 2.073,
            "coverage": 4.039,
            "english": 3.817,
            "typed": 3.04,
        },
        description="Logistic weights of the answerability signals (rag/confidence.py), fitted on the dev "
        "sets by python -m eval.calibrate.",
    )
    model_refuse_min: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Generative mode: refuse when the model's first-token probability of opening with "
        '"KHÔNG TÌM THẤY" reaches this (1 leaves it to what the model writes).',
    )
    min_confidence: float = Field(
        # Chosen with the weights: on the three dev sets, unanswerable questions refused 43.3% by the
        # hard checks -> 76.1%, with at most 5% of answerable ones refused in all (3.9%; the next step
        # refuses 5.7%) (python -m eval.calibrate).
        default=0.279,
        ge=0.0,
        le=1.0,
        description="Refuse when the answerability score is below this (0 turns the score off).",
    )


class UISettings(_Section):
    host: str = Field(default="127.0.0.1", description="Address `rag serve` listens on; only this machine by default.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port of the page.")
    users: str = Field(
        default="",
        description='Optional login: "name:password,name2:password2" (RAG_UI__USERS). Empty means no login.',
        repr=False,
    )
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1, description="Larger uploads are rejected.")
    uploads_dir: Path | None = Field(
        default=None,
        description="Where uploaded files are saved; default paths.articles_dir, so `rag ingest --sync` keeps them.",
    )
    feedback_file: Path = Field(
        default=Path("data/feedback/feedback.jsonl"), description="👍/👎 and comments, one JSON object a line."
    )
    concurrency: int = Field(
        default=16,
        ge=1,
        description="Questions handled at once. Generative ones then wait their turn at the model in a "
        "first-come line (llm.max_concurrent on a server, one in process), so extractive ones never wait behind it.",
    )
    background_embedding: bool = Field(
        default=True, description="Embed articles still waiting for vectors while the page is up."
    )
    warm_llm: bool = Field(
        default=True, description="Load the LLM in the background once the page is up, for a faster first answer."
    )
    examples: tuple[str, ...] = Field(
        default=(
            "Năm 2021, Bộ Ngoại giao đã hoàn tất kê khai tài sản, thu nhập lần đầu cho bao nhiêu người?",
            "Trong 6 tháng đầu năm 2019, Quảng Trị đã tiến hành bao nhiêu cuộc thanh tra kinh tế - xã hội?",
            "Quảng Ninh đang duy trì bao nhiêu dịch vụ công trực tuyến mức độ 4?",
        ),
        description="Example questions offered on the chat page.",
    )


class Settings(_Section):
    paths: PathSettings = PathSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    vector_store: VectorStoreSettings = VectorStoreSettings()
    ingest: IngestSettings = IngestSettings()
    query: QuerySettings = QuerySettings()
    llm: LLMSettings = LLMSettings()
    answer: AnswerSettings = AnswerSettings()
    ui: UISettings = UISettings()

    @property
    def models_dir(self) -> Path:
        # load_settings always fills it; a bare Settings() falls back to ~/.cache.
        return self.paths.models_dir or default_models_dir(os.environ)


class ConfigError(RagError, ValueError):
    """A settings file or variable is wrong; the message says which."""


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == "RAG_CONFIG":
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        if len(parts) != 2:
            continue
        tree.setdefault(parts[0], {})[parts[1]] = value
    return tree


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings. `path` defaults to $RAG_CONFIG, then ./rag.toml if it exists."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    if path is None and env.get("RAG_CONFIG"):
        path = Path(env["RAG_CONFIG"])
    if path is None and Path("rag.toml").is_file():
        path = Path("rag.toml")
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read settings file {path}: {exc}") from exc
    data = _merge(data, _env_overrides(env))
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"Invalid settings: {exc}") from exc
    models_dir = Path(settings.paths.models_dir or default_models_dir(env)).expanduser()
    return settings.model_copy(update={"paths": settings.paths.model_copy(update={"models_dir": models_dir})})
