# Two commands on a fresh machine: `make run` and `make test`. Both go through `make setup`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.stamp-deps
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# llama.cpp is built for this CPU's vector units: with AVX-512 and VNNI it reads prompts ~1.5x faster
# than the portable AVX2 build (55 vs 35 tokens/s measured here), and prompt reading is the first-token
# latency. Not GGML_NATIVE: that also turns on AMX, which faults in this VM. The wheel is kept in a
# folder named after the flags, so a machine with other flags builds its own.
CPU_FLAGS := $(shell grep -m1 -ow -E 'avx512f|avx512vbmi|avx512_vnni|avx512_bf16|avx_vnni' /proc/cpuinfo 2>/dev/null | sort -u)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	$(if $(filter avx512f,$(CPU_FLAGS)),-DGGML_AVX512=ON) $(if $(filter avx512vbmi,$(CPU_FLAGS)),-DGGML_AVX512_VBMI=ON) \
	$(if $(filter avx512_vnni,$(CPU_FLAGS)),-DGGML_AVX512_VNNI=ON) $(if $(filter avx512_bf16,$(CPU_FLAGS)),-DGGML_AVX512_BF16=ON) \
	$(if $(filter avx_vnni,$(CPU_FLAGS)),-DGGML_AVX_VNNI=ON)
LLAMA_PIN := $(shell grep -o 'llama-cpp-python[^="]*==[0-9.]*' pyproject.toml | sed 's/\[[a-z,]*\]//')
LLAMA_WHEELS := $(HOME)/.cache/vn-news-rag/wheels/$(shell echo '$(LLAMA_PIN) $(LLAMA_CMAKE_ARGS)' | md5sum | cut -c1-12)

.PHONY: setup deps models index browser run serve test test-fast lint bench eval-ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

define LLAMA_WHEEL
	@ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || { \
		echo "Building $(LLAMA_PIN) for this CPU ($(CPU_FLAGS)), about 10 minutes..."; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-cache-dir --no-deps "$(LLAMA_PIN)" -w $(LLAMA_WHEELS).tmp \
		&& mv $(LLAMA_WHEELS).tmp $(LLAMA_WHEELS); }
endef

# torch first and pinned: an unpinned torch drags in several GB of CUDA packages.
$(DEPS_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install torch==2.13.0
	$(LLAMA_WHEEL)
	$(BIN)/pip install --find-links $(LLAMA_WHEELS) -c constraints.txt -e ".[llm,milvus,dev]"
	touch $@

# A venv set up before (or with other CPU flags) gets this CPU's llama.cpp build too.
LLAMA_STAMP := $(VENV)/.stamp-llama-$(notdir $(LLAMA_WHEELS))
$(LLAMA_STAMP): $(DEPS_STAMP)
	$(LLAMA_WHEEL)
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	touch $@

deps: $(DEPS_STAMP) $(LLAMA_STAMP)

models: deps
	$(BIN)/rag models fetch

index: models
	$(BIN)/rag ingest data/articles --sync

setup: index

run: setup
	$(BIN)/rag serve

serve: run

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: deps
	$(BIN)/ruff check rag embeddings ui eval tests
	$(BIN)/mypy

test: setup lint browser
	$(BIN)/python -m pytest
	$(MAKE) eval-ci

# Quality gates on the HELD-OUT sets only (never tuned on), set just below what was measured
# (see the README): a regression fails CI. The dev sets are for debugging and gate nothing.
# Held-out set 2 runs on a mixed index: its 90 archive articles, the five default articles and
# 300 archive distractors (eval/ci_corpus.json), built once into the cache.
SEED_EXTRACTIVE_MIN := --min citation_validity=1 --min citation_precision=0.95 \
	--min key_fact_accuracy=0.8 --min refusal_recall=0.65 --min false_refusal_rate=0.07
SEED_GENERATIVE_MIN := --min citation_validity=1 --min key_fact_accuracy=0.4
H2_EXTRACTIVE_MIN := --min citation_validity=1 --min citation_precision=0.95 \
	--min key_fact_accuracy=0.78 --min refusal_recall=0.6 --min false_refusal_rate=0.12 \
	--min key_fact_first_sentence=0.7
H2_GENERATIVE_MIN := --min citation_validity=1 --min citation_precision=0.95 --min key_fact_accuracy=0.45 \
	--min answer_chars_p50=200 --min model_written_share=0.65

eval-ci: setup
	rm -rf artifacts/eval-ci
	$(BIN)/rag eval --questions eval/heldout_questions.jsonl --mode extractive \
		--out artifacts/eval-ci/seed-extractive --quiet $(SEED_EXTRACTIVE_MIN)
	$(BIN)/rag eval --questions eval/heldout_questions.jsonl --mode generative --sample 12 \
		--out artifacts/eval-ci/seed-generative --quiet $(SEED_GENERATIVE_MIN)
	$(BIN)/rag eval --questions eval/heldout2_questions.jsonl --corpus eval/ci_corpus.json --mode extractive \
		--out artifacts/eval-ci/heldout2-extractive --quiet $(H2_EXTRACTIVE_MIN)
	$(BIN)/rag eval --questions eval/heldout2_questions.jsonl --corpus eval/ci_corpus.json --mode generative \
		--sample 24 --out artifacts/eval-ci/heldout2-generative --quiet $(H2_GENERATIVE_MIN)

test-fast: deps
	$(BIN)/python -m pytest -m "not integration"

bench: setup
	$(BIN)/python -m eval.bench_retrieval

clean:
	rm -rf $(VENV) data/index
