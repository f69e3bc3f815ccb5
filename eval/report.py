"""report.md and report.html from the summary and the records: tables, charts, definitions, failures."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import DEFINITIONS

TABLES: dict[str, list[str]] = {
    "Retrieval": [
        "doc_hit@1",
        "doc_hit@3",
        "doc_hit@5",
        "evidence_hit@1",
        "evidence_hit@3",
        "evidence_hit@5",
        "mrr",
        "ndcg@10",
    ],
    "Answers": ["key_fact_accuracy", "token_f1", "model_written_share", "answer_chars_p50", "key_fact_first_sentence"],
    "Citations": ["citation_validity", "citation_precision", "source_recall"],
    "Refusal": ["refusal_precision", "refusal_recall", "false_refusal_rate"],
    "Latency (ms)": [
        "retrieval_p50_ms",
        "retrieval_p95_ms",
        "first_token_p50_ms",
        "first_token_p95_ms",
        "total_p50_ms",
        "total_p95_ms",
    ],
}


def _fmt(value: Any, metric: str) -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value:.0f}"
    return f"{value:.1%}" if metric not in ("mrr", "ndcg@10", "token_f1") else f"{value:.3f}"


def _table(summary: dict[str, Any], metrics: Sequence[str]) -> list[list[str]]:
    configs = list(summary)
    rows = [["metric", *configs]]
    rows += [[m, *(_fmt(summary[c].get(m), m) for c in configs)] for m in metrics]
    return rows


def _chart(summary: dict[str, Any]) -> str:
    """Key-fact accuracy, evidence hit@1 and refusal recall per configuration, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ["evidence_hit@1", "key_fact_accuracy", "citation_precision", "refusal_recall"]
    configs = list(summary)
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(configs)), 3.2))
    width = 0.8 / len(metrics)
    for i, metric in enumerate(metrics):
        values = [summary[c].get(metric) or 0.0 for c in configs]
        ax.bar([x + i * width for x in range(len(configs))], values, width, label=metric)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(configs))], configs, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _failures(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if (r["answerable"] and not r["metrics"].get("key_fact")) or (not r["answerable"] and not r["refused"])
    ]


def write_report(summary: dict[str, Any], records: Sequence[dict[str, Any]], out: Path, note: str = "") -> None:
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    chart = _chart(summary) if summary else ""
    failures = _failures(records)

    md = ["# Evaluation report", "", note, ""]
    for title, metrics in TABLES.items():
        md += [f"## {title}", ""]
        for i, row in enumerate(_table(summary, metrics)):
            md.append("| " + " | ".join(row) + " |")
            if i == 0:
                md.append("|" + "---|" * len(row))
        md.append("")
    if chart:
        md += ["## Chart", "", f"![metrics](data:image/png;base64,{chart})", ""]
    md += ["## Per kind (key-fact accuracy / refusal recall)", ""]
    for config, values in summary.items():
        md.append(
            f"- **{config}**: "
            + ", ".join(
                f"{kind} {_fmt(v.get('key_fact_accuracy'), 'x')}/{_fmt(v.get('refusal_recall'), 'x')}"
                for kind, v in values["by_kind"].items()
            )
        )
    md += ["", "## Definitions", ""] + [f"- **{k}**: {v}" for k, v in DEFINITIONS.items()]
    md += ["", f"## Failed questions ({len(failures)})", ""]
    for r in failures:
        cites = "; ".join(f"[{c['n']}] {c['source']} «{c['quote'][:120]}»" for c in r["citations"])
        md.append(
            f"- `{r['id']}` ({r['config']}, {r['kind']}) {r['question']}\n  - answer: {r['answer']}\n"
            f"  - citations: {cites or '–'}"
        )
    (out / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")

    parts = [
        "<!doctype html><meta charset='utf-8'><title>Evaluation report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}</style>",
        "<h1>Evaluation report</h1>",
        f"<p>{html.escape(note)}</p>",
    ]
    for title, metrics in TABLES.items():
        rows = _table(summary, metrics)
        parts.append(f"<h2>{html.escape(title)}</h2><table>")
        parts.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in rows[0]) + "</tr>")
        for row in rows[1:]:
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    if chart:
        parts.append(f"<h2>Chart</h2><img alt='metrics' src='data:image/png;base64,{chart}'>")
    parts.append("<h2>Definitions</h2><ul>")
    parts += [f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in DEFINITIONS.items()]
    parts.append(f"</ul><h2>Failed questions ({len(failures)})</h2><ul>")
    for r in failures:
        cites = "".join(
            f"<li>[{c['n']}] {html.escape(c['source'])}: «{html.escape(c['quote'])}»</li>" for c in r["citations"]
        )
        parts.append(
            f"<li><code>{html.escape(r['id'])}</code> ({html.escape(r['config'])}, {html.escape(r['kind'])}) "
            f"{html.escape(r['question'])}<br>→ {html.escape(r['answer'])}<ul>{cites}</ul></li>"
        )
    parts.append("</ul>")
    (out / "report.html").write_text("\n".join(parts), encoding="utf-8")
