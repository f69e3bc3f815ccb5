"""Embedding throughput and agreement: fp32 against the faster variants, on real news passages.

Takes passages (sentence groups of at most --chars characters) from the shared news corpus,
embeds them with the fp32 model and with each variant, and prints tokens/s, the share of the
machine's matmul peak it reaches, and the cosine agreement of each variant with fp32.
Prints figures; asserts nothing.

    python -m eval.bench_embed [--passages 500] [--chars 600] [--variants int8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_scale import DEFAULT_CORPUS, read_articles
from rag.sentences import split_sentences

# Measured on this machine (see the developers' guide): 2 threads, fp32 and int8 GEMM peaks;
# AVX-512 BF16 doubles the fp32 rate.
FP32_PEAK_GFLOPS = 85.0
INT8_PEAK_GOPS = 360.0


def passages(corpus: Path, count: int, max_chars: int) -> list[str]:
    """Runs of whole sentences up to `max_chars`, from consecutive articles, across desks."""
    out: list[str] = []
    for article in read_articles(corpus, count * 2):
        text = article["text"]
        current = ""
        for span in split_sentences(text):
            sentence = text[span.start : span.end]
            if current and len(current) + len(sentence) + 1 > max_chars:
                out.append(current)
                current = ""
            current = f"{current} {sentence}".strip()
        if current:
            out.append(current)
        if len(out) >= count:
            break
    return out[:count]


def _matmul_params(model: Any) -> int:
    """Weights that take part in matmuls per token (the embedding table is only a lookup)."""
    import torch

    return sum(m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Linear))


def embed(location: str, texts: list[str], precision: str, batch_size: int, threads: int) -> tuple[Any, float, int]:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model_kwargs = {"dtype": torch.bfloat16} if precision == "bf16" else None
    model = SentenceTransformer(location, device="cpu", model_kwargs=model_kwargs)
    params = _matmul_params(model)
    if precision == "int8":  # dynamic int8 of every Linear layer, measured and rejected (see README)
        torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    model.encode_document(texts[:4], batch_size=4)  # warm up
    started = time.perf_counter()
    vectors = model.encode_document(texts, batch_size=batch_size, convert_to_tensor=True).float().numpy()
    seconds = time.perf_counter() - started
    prompt = model.prompts.get("document", "")
    tokens = sum(len(ids) for ids in model.tokenizer([prompt + t for t in texts], truncation=True)["input_ids"])
    return vectors.astype(np.float32), tokens / seconds, params


def main(argv: list[str] | None = None) -> int:
    from embeddings.factory import resolve_model_location
    from rag.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--passages", type=int, default=500)
    parser.add_argument("--chars", type=int, default=600, help="longest passage in characters")
    parser.add_argument("--variants", nargs="+", default=["bf16", "int8"], choices=["bf16", "int8"])
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = load_settings()
    location = resolve_model_location(settings.embedding.model, settings.models_dir)
    texts = passages(args.corpus, args.passages, args.chars)
    threads = settings.embedding.threads
    print(
        f"{len(texts)} passages from {args.corpus}, "
        f"mean {np.mean([len(t) for t in texts]):.0f} chars, {threads} threads"
    )
    base, base_rate, params = embed(location, texts, "fp32", args.batch_size, threads)
    flops = 2 * params  # per token, matmuls only (attention scores add a little on top)
    print(
        f"fp32: {base_rate:.0f} tokens/s = {base_rate * flops / 1e9:.1f} GFLOP/s "
        f"({base_rate * flops / 1e9 / FP32_PEAK_GFLOPS:.0%} of the fp32 peak)"
    )
    for variant in args.variants:
        vectors, rate, _ = embed(location, texts, variant, args.batch_size, threads)
        cos = np.sum(vectors * base, axis=1) / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(base, axis=1))
        print(
            f"{variant}: {rate:.0f} tokens/s ({rate / base_rate:.2f}x fp32) = {rate * flops / 1e9:.1f} GOP/s "
            f"({rate * flops / 1e9 / (INT8_PEAK_GOPS if variant == 'int8' else 2 * FP32_PEAK_GFLOPS):.0%} of its "
            f"peak); cosine with fp32: mean {cos.mean():.4f}, "
            f"min {cos.min():.4f}, share >= 0.99: {np.mean(cos >= 0.99):.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
