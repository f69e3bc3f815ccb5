"""Load test: several staff asking at once through `gradio_client`, against a live `rag serve`.

Each simulated user has its own client and asks its questions one after another; all users
start together. Prints, per run, how many questions were answered, how many got an error or a
"busy" reply, and how many were lost (neither), with p50/p95 of the time to the full answer and
to the first token (the server's own first-token time plus the time the request spent before
the answer chain started). A script that prints figures; it asserts nothing.

    rag serve &            # in another shell (or with RAG_LLM__MODE=openai ... for a server)
    python -m eval.load_test --url http://127.0.0.1:7860/ --users 8 --questions 5

The setups measured (README, Scaling out): the local model; llama.cpp's server
(RAG_LLM__MODE=openai RAG_LLM__BASE_URL=... RAG_LLM__MODEL=...); and that server with the
vectors on a Milvus server as well (milvus-server --data DIR, then RAG_VECTOR_STORE__MODE=milvus
RAG_VECTOR_STORE__URI=http://127.0.0.1:19530 for `rag serve`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from eval.questions import Question, load_questions

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "heldout_questions.jsonl"


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))], 2)


def run_user(
    url: str, questions: list[Question], mode: str, records: list[dict[str, Any]], lock: threading.Lock
) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for q in questions:
        t0 = time.perf_counter()
        record: dict[str, Any] = {"id": q.id, "question": q.question}
        try:
            reply = client.predict(q.question, mode, [], api_name="/ask")
            wall = time.perf_counter() - t0
            timings = reply.get("timings_ms", {}) if isinstance(reply, dict) else {}
            server_total = (timings.get("total") or 0) / 1000
            first = timings.get("first_token")
            record.update(
                outcome="answered",
                wall_s=round(wall, 2),
                # Time before the chain started (queues, network) plus the chain's own first token.
                first_token_s=round(wall - server_total + first / 1000, 2) if first is not None else None,
                refused=bool(reply.get("refused")),
                fallback=reply.get("fallback"),
            )
        except Exception as exc:  # a busy or failed request is counted, not fatal
            text = str(exc)
            record.update(outcome="busy" if "busy" in text.lower() or "queue" in text.lower() else "error", error=text)
        with lock:
            records.append(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument("--mode", default="generative", choices=["generative", "extractive"])
    parser.add_argument("--question-file", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--label", default="", help="a name for this setup, printed with the figures")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures and records here")
    args = parser.parse_args(argv)

    pool = [q for q in load_questions(args.question_file) if not q.history]
    wanted = args.users * args.questions
    if not pool:
        print(f"Không có câu hỏi trong {args.question_file}", file=sys.stderr)
        return 2
    picked = [pool[i % len(pool)] for i in range(wanted)]
    records: list[dict[str, Any]] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=run_user,
            args=(args.url, picked[u * args.questions : (u + 1) * args.questions], args.mode, records, lock),
        )
        for u in range(args.users)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0

    answered = [r for r in records if r["outcome"] == "answered"]
    walls = [r["wall_s"] for r in answered]
    firsts = [r["first_token_s"] for r in answered if r.get("first_token_s") is not None]
    summary = {
        "setup": args.label,
        "mode": args.mode,
        "users": args.users,
        "questions": wanted,
        "answered": len(answered),
        "busy": sum(r["outcome"] == "busy" for r in records),
        "errors": sum(r["outcome"] == "error" for r in records),
        "lost": wanted - len(records),
        "refused": sum(r["refused"] for r in answered),
        "fallbacks": sum(bool(r["fallback"]) for r in answered),
        "full_p50_s": percentile(walls, 0.5),
        "full_p95_s": percentile(walls, 0.95),
        "first_token_p50_s": percentile(firsts, 0.5),
        "first_token_p95_s": percentile(firsts, 0.95),
        "mean_full_s": round(statistics.mean(walls), 2) if walls else None,
        "elapsed_s": round(elapsed, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    for r in records:
        if r["outcome"] != "answered":
            print(f"  {r['outcome']}: {r['id']}: {r.get('error', '')[:200]}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "records": records}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
