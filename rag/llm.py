"""Chat LLM backends behind one method, `stream(messages, max_tokens)`, picked by `settings.llm.mode`.

- `llama_cpp`: the provisioned GGUF through llama-cpp-python (which applies the model's
  chat template). The model loads on the first call, never at import or construction.
- `openai`: any OpenAI-compatible server (vLLM, TGI, Ollama, llama.cpp server).
- `fake`: deterministic and instant, for tests and the test profile.

Any failure to load or reach a model raises `LLMUnavailableError` with a message fit to show.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from rag.config import LLMSettings, Settings
from rag.errors import RagError

Message = Mapping[str, str]  # {"role": "system" | "user" | "assistant", "content": str}


class LLMUnavailableError(RagError):
    """The LLM cannot be loaded or reached; the answer chain falls back to extractive mode."""


# How many alternatives of the first generated token a backend reports (see `stream`).
FIRST_TOKEN_ALTERNATIVES = 10


class LLM(Protocol):
    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        first_token: dict[str, float] | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        """Yield the reply to a chat, piece by piece, as it is generated.

        Given a `first_token` dict, a backend that can read its output probabilities fills it
        with the likeliest first tokens and their probabilities (the model's own judgement of
        how to open the reply, whatever it then writes); one that cannot leaves it empty.
        Given a GBNF `grammar` (llama.cpp's format), the reply is decoded under it.
        """
        ...


def complete(llm: LLM, messages: Sequence[Message], *, max_tokens: int) -> str:
    return "".join(llm.stream(messages, max_tokens=max_tokens))


class LlamaCppLLM:
    """llama-cpp-python; the fixed prompt prefix stays in its KV cache between calls."""

    def __init__(self, model_path: str, *, threads: int, context_tokens: int, temperature: float) -> None:
        self.model_path = model_path
        self._threads = threads
        self._context_tokens = context_tokens
        self._temperature = temperature
        self._model: Any = None
        self._grammars: dict[str, Any] = {}
        # One generation at a time: a llama.cpp context is not re-entrant.
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMUnavailableError(
                    "Thiếu gói llama-cpp-python. Cài: pip install -e '.[llm]' (missing llama-cpp-python)."
                ) from exc
            if not os.path.isfile(self.model_path):
                raise LLMUnavailableError(f"Không thấy tệp mô hình {self.model_path}. Chạy: rag models fetch")
            try:
                self._model = Llama(
                    model_path=self.model_path,
                    n_ctx=self._context_tokens,
                    n_threads=self._threads,
                    n_threads_batch=self._threads,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise LLMUnavailableError(f"Không nạp được mô hình {self.model_path}: {exc}") from exc
        return self._model

    def _grammar(self, text: str) -> Any:
        # Parsed once per text: answers reuse the few grammars of 1..n shown markers.
        if text not in self._grammars:
            from llama_cpp import LlamaGrammar

            try:
                self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
            except ValueError as exc:
                raise LLMUnavailableError(f"Ngữ pháp đầu ra không hợp lệ (invalid GBNF grammar): {exc}") from exc
        return self._grammars[text]

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        first_token: dict[str, float] | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        with self._lock:
            model = self._load()
            extra: dict[str, Any] = {}
            if first_token is not None:
                extra["logits_processor"] = [_FirstTokenProbe(model, first_token)]
            if grammar is not None:
                extra["grammar"] = self._grammar(grammar)
            chunks = model.create_chat_completion(
                messages=[dict(m) for m in messages],
                max_tokens=max_tokens,
                temperature=self._temperature,
                stream=True,
                **extra,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


class _FirstTokenProbe:
    """A llama.cpp logits processor that reads the first token's distribution and changes nothing.

    llama-cpp-python reports logprobs only for a model built with logits_all (the logits of every
    prompt token: ~2 GB here), so the first sampling step's own logits are read instead.
    """

    def __init__(self, model: Any, out: dict[str, float]) -> None:
        self._model = model
        self._out = out

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if not self._out:
            import numpy as np

            z = np.exp(scores - scores.max())
            probs = z / z.sum()
            for i in np.argpartition(probs, -FIRST_TOKEN_ALTERNATIVES)[-FIRST_TOKEN_ALTERNATIVES:]:
                token = self._model.detokenize([int(i)]).decode("utf-8", errors="ignore")
                self._out[token] = self._out.get(token, 0.0) + float(probs[i])
        return scores


class OpenAICompatibleLLM:
    """Chat completions from an OpenAI-compatible server; the client is built on first use."""

    def __init__(self, base_url: str | None, model: str, api_key: str | None, *, temperature: float, timeout_s: float):
        self.base_url = base_url
        self.model = model
        self._api_key = api_key
        self._temperature = temperature
        self._timeout_s = timeout_s
        self._client: Any = None

    def _connect(self) -> Any:
        if self._client is None:
            try:
                from openai import OpenAI
            except ImportError as exc:
                raise LLMUnavailableError("Thiếu gói openai. Cài: pip install openai.") from exc
            if not self.base_url:
                raise LLMUnavailableError(
                    "Chưa đặt địa chỉ máy chủ LLM: RAG_LLM__BASE_URL hoặc OPENAI_BASE_URL (no base_url)."
                )
            # Local servers ignore the key, but the client insists on one.
            self._client = OpenAI(
                base_url=self.base_url, api_key=self._api_key or "not-needed", timeout=self._timeout_s
            )
        return self._client

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        first_token: dict[str, float] | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        import openai

        client = self._connect()
        probe: dict[str, Any] = (
            {"logprobs": True, "top_logprobs": FIRST_TOKEN_ALTERNATIVES} if first_token is not None else {}
        )
        if grammar is not None:
            # llama.cpp's server reads a GBNF "grammar" field; answer.output_grammar=false for a server that does not.
            probe["extra_body"] = {"grammar": grammar}
        try:
            response = client.chat.completions.create(
                model=self.model,
                messages=[dict(m) for m in messages],
                max_tokens=max_tokens,
                temperature=self._temperature,
                stream=True,
                **probe,
            )
            for chunk in response:
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if first_token is not None and not first_token and choice.logprobs and choice.logprobs.content:
                    first_token.update(_first_alternatives([c.model_dump() for c in choice.logprobs.content]))
                if choice.delta.content:
                    yield choice.delta.content
        except openai.APIError as exc:
            raise LLMUnavailableError(f"Máy chủ LLM {self.base_url} lỗi: {exc}") from exc


def _first_alternatives(content: Sequence[Mapping[str, Any]] | None) -> dict[str, float]:
    """{token: probability} of the first token's alternatives, from OpenAI-style logprobs."""
    if not content:
        return {}
    top = content[0].get("top_logprobs") or [{"token": content[0]["token"], "logprob": content[0]["logprob"]}]
    return {str(t["token"]): math.exp(float(t["logprob"])) for t in top}


_EVIDENCE_LINE = re.compile(r"^\[(\d+)\]\s*(.+)$", re.MULTILINE)


def echo_first_evidence(messages: Sequence[Message]) -> str:
    """The fake's default reply: the first numbered evidence line, cited; a refusal when there is none."""
    found = _EVIDENCE_LINE.search(messages[-1]["content"]) if messages else None
    if not found:
        return "KHÔNG TÌM THẤY"
    return f"{found.group(2).strip()} [{found.group(1)}]"


class FakeLLM:
    """Deterministic replies: fixed strings (in turn, the last repeating), a function of the chat, or an error.

    `calls` records every chat it was sent, so tests can inspect the prompts.
    """

    def __init__(
        self,
        replies: Sequence[str] | Callable[[Sequence[Message]], str] | None = None,
        *,
        error: Exception | None = None,
        first_token: Mapping[str, float] | None = None,
    ) -> None:
        self._replies = replies
        self._error = error
        self._first_token = dict(first_token or {})  # what a probing caller is told, if anything
        self.calls: list[list[Message]] = []
        self.grammars: list[str | None] = []  # the grammar each call was decoded under

    def _reply(self, messages: Sequence[Message]) -> str:
        if self._replies is None:
            return echo_first_evidence(messages)
        if callable(self._replies):
            return self._replies(messages)
        index = min(len(self.calls) - 1, len(self._replies) - 1)
        return self._replies[index]

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        first_token: dict[str, float] | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        if self._error is not None:
            raise self._error
        self.calls.append(list(messages))
        self.grammars.append(grammar)
        if first_token is not None and self._first_token:
            first_token.update(self._first_token)
        # Word by word, spaces kept, like a tokenizer would deliver it, and cut at the limit like a model.
        yield from re.findall(r"\S+\s*|\s+", self._reply(messages))[:max_tokens]


def build_llm(settings: Settings) -> LLM:
    cfg: LLMSettings = settings.llm
    if cfg.mode == "fake":
        return FakeLLM()
    if cfg.mode == "openai":
        return OpenAICompatibleLLM(
            cfg.base_url or os.environ.get("OPENAI_BASE_URL"),
            cfg.model,
            cfg.api_key or os.environ.get("OPENAI_API_KEY"),
            temperature=cfg.temperature,
            timeout_s=cfg.timeout_s,
        )
    from embeddings.factory import resolve_model_location

    try:
        location = resolve_model_location(cfg.model, settings.models_dir)
    except RagError as exc:
        raise LLMUnavailableError(str(exc)) from exc
    return LlamaCppLLM(location, threads=cfg.threads, context_tokens=cfg.context_tokens, temperature=cfg.temperature)
