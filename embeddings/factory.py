"""Pick the embedding backend named by settings."""

from __future__ import annotations

from pathlib import Path

from embeddings.base import Embedder
from rag.config import Settings
from rag.errors import ModelMissingError


def resolve_model_location(model: str, models_dir: Path) -> str:
    """A provisioned name maps into models_dir; a folder is used as is; anything else is a hub id."""
    from embeddings.provision import MODELS, is_provisioned, model_path

    for spec in MODELS.values():
        if model in (spec.name, spec.target):
            if not is_provisioned(spec, models_dir):
                raise ModelMissingError(f"Chưa có mô hình '{model}' trong {models_dir}. Chạy: rag models fetch")
            return str(model_path(spec, models_dir))
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser())
    return model


def resolve_precision(precision: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """Precision "auto" is bf16 where the CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX), else fp32:
    emulated bfloat16 is slower than fp32."""
    if precision != "auto":
        return precision
    try:
        flags = set(cpuinfo.read_text(encoding="utf-8", errors="replace").split())
    except OSError:
        return "fp32"
    return "bf16" if flags & {"avx512_bf16", "amx_bf16"} else "fp32"


def build_embedder(settings: Settings) -> Embedder:
    cfg = settings.embedding
    if cfg.mode == "fake":
        from embeddings.fake import FakeEmbedder

        return FakeEmbedder(cfg.dimension)
    if cfg.mode == "openai":
        from embeddings.openai_server import OpenAIServerEmbedder

        return OpenAIServerEmbedder(
            cfg.base_url,
            cfg.model,
            cfg.api_key,
            batch_size=cfg.batch_size,
            timeout_s=cfg.timeout_s,
            query_prompt=cfg.query_prompt,
            document_prompt=cfg.document_prompt,
        )
    from embeddings.sentence_transformer import SentenceTransformerEmbedder

    location = resolve_model_location(cfg.model, settings.models_dir)
    return SentenceTransformerEmbedder(
        cfg.model, location, batch_size=cfg.batch_size, threads=cfg.threads, precision=resolve_precision(cfg.precision)
    )
