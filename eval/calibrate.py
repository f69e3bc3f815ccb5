"""Fit the answerability score (rag/confidence.py) on dev runs, and pick its threshold.

Reads `rag eval` results (run with answer.min_confidence = 0, so every question carries its
signals and the hard checks' verdict), fits logistic weights of the signals against
"answerable", then picks the threshold that refuses the most unanswerable questions while
wrongly refusing at most --max-false-refusals of the answerable ones, the hard checks' refusals
included (the product's bound is on what users meet). Only dev sets go in: held-out sets are
never fitted on.

    python -m eval.calibrate artifacts/dev/results.jsonl artifacts/dev2/results.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.confidence import SIGNALS, answer_score


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-4, steps: int = 20000) -> np.ndarray:
    """Weights (bias first) by gradient descent on the log loss; classes weighted equally.
    Written here for a handful of signals rather than pulling in a training library.

    The penalty is light: cosines vary over ~0.3 between answerable and unanswerable questions,
    so their weights need to reach ~10, which a stronger penalty (1e-2) held at ~1."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    balance = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ ((p - y) * balance) / len(y) + l2 * np.r_[0, w[1:]]
        w -= 0.5 * grad
    return w


def choose_threshold(
    scores: Sequence[float], answerable: Sequence[bool], gate_refused: Sequence[bool], max_false: float
) -> tuple[float, float, float]:
    """(threshold, refusal recall, false refusal rate) with the most refusals while at most
    `max_false` of the answerable questions are refused in all, hard checks included: the bound
    is what a user meets, whichever part refuses (when the hard checks alone pass it, the
    threshold stays at 0)."""
    n_ans = max(sum(answerable), 1)
    n_un = max(len(answerable) - sum(answerable), 1)

    def rates(t: float) -> tuple[float, float]:
        refused = [g or s < t for s, g in zip(scores, gate_refused, strict=True)]
        false = sum(r for r, a in zip(refused, answerable, strict=True) if a) / n_ans
        recall = sum(r for r, a in zip(refused, answerable, strict=True) if not a) / n_un
        return recall, false

    base_recall, base_false = rates(0.0)
    best = (0.0, base_recall, base_false)
    for t in sorted(set(scores)):
        recall, false = rates(t)
        if false <= max_false + 1e-9 and (recall, -t) > (best[1], -best[0]):
            best = (t, recall, false)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, nargs="+", help="results.jsonl of dev runs")
    parser.add_argument("--max-false-refusals", type=float, default=0.05)
    args = parser.parse_args(argv)
    records = [
        json.loads(line)
        for path in args.results
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    records = [r for r in records if r.get("signals")]
    x = np.array([[r["signals"].get(k, 0.0) for k in SIGNALS] for r in records])
    y = np.array([1.0 if r["answerable"] else 0.0 for r in records])
    w = fit_logistic(x, y)
    weights = {"bias": round(float(w[0]), 3), **{k: round(float(v), 3) for k, v in zip(SIGNALS, w[1:], strict=True)}}
    scores = [answer_score(r["signals"], weights) for r in records]
    gate = [bool(r["refused"]) for r in records]
    threshold, recall, false = choose_threshold(scores, [bool(v) for v in y], gate, args.max_false_refusals)
    base_recall = sum(g for g, a in zip(gate, y, strict=True) if not a) / max(len(y) - y.sum(), 1)
    base_false = sum(g for g, a in zip(gate, y, strict=True) if a) / max(y.sum(), 1)
    print(f"{len(records)} questions ({int(y.sum())} answerable) from {', '.join(map(str, args.results))}")
    print(f"weights: {json.dumps(weights)}")
    print(f"hard checks alone: refusal recall {base_recall:.1%}, false refusals {base_false:.1%}")
    print(f"with min_confidence {threshold:.3f}: refusal recall {recall:.1%}, false refusals {false:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
