"""The results of a run as a Markdown table (printed, written to table.md, pasted into
docs/performance.md) and as JSON (results.json)."""

from __future__ import annotations

import dataclasses
import json
import pathlib

HEADER = ["#", "scenario / system", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "ratio", "load", "notes"]


def _fmt(x, digits=1):
    if x is None or x == "":
        return ""
    if isinstance(x, float):
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}f}" if digits else f"{x:.0f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _verdict(met):
    return {True: "**met**", False: "**NOT met**", None: "not judged"}[met]


def table(results: list) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for res in results:
        if res.error:
            lines.append(f"| {res.id} | **{res.title}** | | | | | | | | could not run: {res.error} |")
            continue
        lines.append(f"| {res.id} | **{res.title}** | | | | | | | | |")
        for row in res.rows:
            lines.append("| | " + " | ".join([
                row.system, _fmt(row.rps, 0 if (row.rps or 0) >= 100 else 1), _fmt(row.p50_ms, 2),
                _fmt(row.p90_ms, 2), _fmt(row.p99_ms, 2), _fmt(row.errors), row.ratio, _fmt(row.load, 1),
                row.note.replace("|", "/")]) + " |")
        for target in res.targets:
            lines.append(f"| | target: {target.text} | | | | | | | | {target.value} → {_verdict(target.met)} |")
        for note in res.notes:
            lines.append(f"| | note | | | | | | | | {note} |")
    return "\n".join(lines)


def verdicts(results: list) -> str:
    lines = []
    for res in results:
        if res.error:
            lines.append(f"{res.id}. {res.title}: could not run ({res.error})")
            continue
        for target in res.targets:
            lines.append(f"{res.id}. {target.text}: {target.value} -> "
                         f"{ {True: 'met', False: 'NOT met', None: 'not judged'}[target.met]}")
    return "\n".join(lines)


def write(out_dir: pathlib.Path, results: list, meta: dict) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    text = table(results)
    header = (f"BookStore benchmark {meta['started']} on {meta['machine']['cpu']} "
              f"({meta['machine']['cores']} cores, {meta['machine']['memory_gib']} GiB, {meta['machine']['os']}); "
              f"load average at start {meta['load_at_start']}\n\n")
    (out_dir / "table.md").write_text(header + text + "\n\n" + verdicts(results) + "\n")
    data = dict(meta, scenarios=[dataclasses.asdict(r) for r in results])
    (out_dir / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
