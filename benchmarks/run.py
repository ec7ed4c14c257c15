"""The benchmark suite: `python -m benchmarks.run` from the repository root. Prints a table of figures, each
beside its target with PASS or FAIL; exit status 0 when every measured target passes, 1 when one fails.

1. `Chatbot.ask` latency (median, p99) over the dev questions, default knowledge;
2. whole-process time of `fibrochat ask "is fibromyalgia autoimmune?"` over `python -c "import yaml, rapidfuzz"`;
3. time to the chat's first prompt, in a pseudo-terminal (and to prompt_toolkit taking over from it);
4. scaling over synthetic knowledge (1,000 / 10,000 / 100,000 passages): load time, resident memory,
   latency — each size in a process of its own;
5. the same questions through a BM25 baseline (bm25s) over the same sections, in the same process:
   latency ratio and first-ranked-section accuracy side by side.

Every figure is measured on this run; nothing is copied from an earlier one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fibrochat.chat_start import PROMPT as CHAT_PROMPT
from fibrochat.errors import FibrochatError

from .startup import (
    ASK_QUESTION,
    FLOOR_CODE,
    FirstPrompt,
    ProcessTimes,
    first_prompt,
    process_times,
    snapshot_is_current,
)
from .synthetic import generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.yaml"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"
SIZES = (1_000, 10_000, 100_000)
TARGET_SIZE = 100_000

# The targets, from the performance issue.
ASK_MEDIAN_US = 200.0
ASK_P99_US = 1000.0
PROCESS_RATIO = 1.3
FIRST_PROMPT_MS = 150.0
LARGE_MEDIAN_US = 5000.0
LARGE_LOAD_S = 3.0
LARGE_RSS_MB = 300.0
BM25_RATIO = 1.0


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Check:
    """One figure beside its target."""

    measure: str
    value: str
    target: str
    passed: bool | None  # None: not measured on this run

    @property
    def result(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "FAIL")

    @property
    def shown(self) -> str:
        return _short(self.value)


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = "unknown"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=False).stdout.strip()
        commit = f"{head}{'+local changes' if dirty else ''}" if head else commit
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "commit": commit,
    }


# -- questions --------------------------------------------------------------------------------------------


def dev_questions(dev: Path) -> tuple[list[dict[str, Any]], str]:
    """The dev questions (every turn, asked on its own) with the section keys that count as right; when the
    file is missing, the curated intents' example questions instead."""
    from fibrochat import Chatbot
    from fibrochat.text import normalise

    bot = Chatbot()
    keys_by_heading: dict[str, list[str]] = {}
    for document in bot.knowledge.documents:
        for section in document.sections:
            if section.passages:
                keys_by_heading.setdefault(normalise(section.title), []).append(f"{document.id}#{section.anchor}")
    rows: list[dict[str, Any]] = []
    if dev.exists():
        from fibrochat.evaluation import load_cases

        for case in load_cases(dev):
            for turn in case:
                expected = None
                if turn.expect == "section" and not turn.followup:
                    expected = [key for heading in turn.sections for key in keys_by_heading.get(normalise(heading), [])]
                rows.append({"text": turn.question, "expected": expected, "kind": f"dev-{turn.expect}"})
        return rows, f"{dev} ({len(rows)} questions)"
    for intent in bot.knowledge.intents:
        for question in intent.questions:
            expected = [intent.cites[0]] if intent.kind == "faq" and intent.cites else None
            rows.append({"text": question, "expected": expected, "kind": f"intent-{intent.kind}"})
    return rows, f"curated intent example questions ({len(rows)}; {dev} not found)"


def _worker(arguments: list[str], timeout: float) -> dict[str, Any]:
    """Run benchmarks/worker.py in a fresh interpreter; its JSON line, or {"error": why not}."""
    command = [sys.executable, "-m", "benchmarks.worker", *arguments]
    try:
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    if completed.returncode != 0:
        last = completed.stderr.strip().splitlines()
        return {"error": last[-1] if last else f"exit status {completed.returncode}"}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def cached_load(folder: Path, *, documents: Path, intents: Path, timeout: float) -> dict[str, Any]:
    """Load time and memory of a second start with `--cache`, in a fresh interpreter (the first fills the cache)."""
    arguments = ["--documents", str(documents), "--intents", str(intents), "--cache", str(folder / "cache")]
    first = _worker(arguments, timeout)
    return first if "error" in first else _worker(arguments, timeout)


def run_worker(
    questions: list[dict[str, Any]], folder: Path, *, documents: Path | None, intents: Path | None, repeat: int,
    profile: Path | None, timeout: float,
) -> dict[str, Any]:
    """Measure one knowledge base in a fresh interpreter (see benchmarks/worker.py)."""
    path = folder / "questions.json"
    path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    arguments = [str(path), "--repeat", str(repeat)]
    if documents is not None:
        arguments += ["--documents", str(documents)]
    if intents is not None:
        arguments += ["--intents", str(intents)]
    if profile is not None:
        arguments += ["--profile", str(profile)]
    return _worker(arguments, timeout)


# -- the table --------------------------------------------------------------------------------------------


def _us(value: float) -> str:
    return f"{value / 1000:,.2f} ms" if value >= 10_000 else f"{value:,.0f} µs"


def _pct(right: int, total: int) -> str:
    return f"{right / total:.1%} ({right}/{total})" if total else "n/a"


def checks_for(results: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    default = results["default"]
    if "error" in default:
        checks.append(Check("1. ask, default knowledge", default["error"], f"≤ {ASK_MEDIAN_US:.0f} µs", False))
    else:
        ask = default["ask"]
        checks.append(Check("1. ask median, default knowledge", _us(ask["median_us"]), f"≤ {ASK_MEDIAN_US:.0f} µs",
                            ask["median_us"] <= ASK_MEDIAN_US))
        checks.append(Check("1. ask p99, default knowledge", _us(ask["p99_us"]), f"≤ {ASK_P99_US:,.0f} µs",
                            ask["p99_us"] <= ASK_P99_US))
    process = results["process"]
    if "error" in process:
        checks.append(Check("2. fibrochat ask / import floor", process["error"], f"≤ {PROCESS_RATIO}×", False))
    else:
        checks.append(Check(
            "2. fibrochat ask / import floor",
            f"{process['ratio']:.2f}× ({process['ask_ms']:.0f} / {process['floor_ms']:.0f} ms)",
            f"≤ {PROCESS_RATIO}×", process["ratio"] <= PROCESS_RATIO,
        ))
    prompt = results["first_prompt"]
    if prompt["ms"] is None:
        checks.append(Check("3. first prompt of the chat", prompt["how"], f"≤ {FIRST_PROMPT_MS:.0f} ms", None))
    else:
        checks.append(Check("3. first prompt of the chat", f"{prompt['ms']:.0f} ms", f"≤ {FIRST_PROMPT_MS:.0f} ms",
                            prompt["ms"] <= FIRST_PROMPT_MS))
    large = next((r for r in results["scaling"] if r["size"] == TARGET_SIZE), None)
    label = f"4. at {TARGET_SIZE:,} passages"
    if large is None:
        for what, target in (("ask median", f"≤ {LARGE_MEDIAN_US / 1000:.0f} ms"), ("load", f"≤ {LARGE_LOAD_S:.0f} s"),
                             ("RSS", f"≤ {LARGE_RSS_MB:.0f} MB")):
            checks.append(Check(f"{label}: {what}", "not run (--quick)", target, None))
    elif "error" in large:
        checks.append(Check(f"{label}: load + ask", large["error"], f"load ≤ {LARGE_LOAD_S:.0f} s", False))
    else:
        checks.append(Check(f"{label}: ask median", _us(large["ask"]["median_us"]),
                            f"≤ {LARGE_MEDIAN_US / 1000:.0f} ms", large["ask"]["median_us"] <= LARGE_MEDIAN_US))
        checks.append(Check(f"{label}: load", f"{large['load_s']:.2f} s", f"≤ {LARGE_LOAD_S:.0f} s",
                            large["load_s"] <= LARGE_LOAD_S))
        checks.append(Check(f"{label}: RSS after load (delta)", f"{large['rss_delta_mb']:.0f} MB",
                            f"≤ {LARGE_RSS_MB:.0f} MB", large["rss_delta_mb"] <= LARGE_RSS_MB))
        checks.append(Check(f"{label}: peak RSS while loading (delta)", f"{large['peak_rss_delta_mb']:.0f} MB",
                            f"≤ {LARGE_RSS_MB:.0f} MB", large["peak_rss_delta_mb"] <= LARGE_RSS_MB))
    runs = [("default knowledge", default)] + [(f"{r['size']:,} passages", r) for r in results["scaling"]]
    for name, run in runs:
        if "error" in run:
            checks.append(Check(f"5. vs BM25, {name}", run["error"], f"≤ {BM25_RATIO:.1f}×", False))
            continue
        median_ratio = run["ask"]["median_us"] / run["bm25"]["median_us"]
        p99_ratio = run["ask"]["p99_us"] / run["bm25"]["p99_us"]
        checks.append(Check(
            f"5. vs BM25 latency, {name}", f"median {median_ratio:.2f}×, p99 {p99_ratio:.2f}×",
            f"both ≤ {BM25_RATIO:.1f}×", median_ratio <= BM25_RATIO and p99_ratio <= BM25_RATIO,
        ))
    return checks


def _cached_text(cached: dict[str, Any]) -> str:
    if "error" in cached:
        return str(cached["error"])
    return f"{cached['load_s']:.2f} s (peak Δ {cached['peak_rss_delta_mb']:.0f} MB)"


def format_results(results: dict[str, Any]) -> str:
    info = results["machine"]
    lines = [
        f"fibrochat benchmarks · {info['date']} · {info['cpu']} · {info['system']} · Python {info['python']} · "
        f"commit {info['commit']}",
    ]
    cores = os.cpu_count() or 1
    before, after = results.get("load_average_before"), results.get("load_average_after")
    # the benchmark itself keeps one core busy, so "after" is allowed one more than "before"
    if (before is not None and before > cores / 2) or (after is not None and after > 1 + cores / 2):
        lines.append(f"WARNING: the machine was busy (1-minute load average {before} before, {after} after, on "
                     f"{cores} cores): timings are pessimistic; run again on a quiet machine")
    if results.get("snapshot_current") is False:
        lines.append("NOTE: the installed fibrochat has no current knowledge snapshot, so start-up figures include "
                     "building the index: reinstall (pip install -e .) after editing code or content")
    lines.append("")
    default = results["default"]
    lines.append(f"Default knowledge, questions: {results['dev_source']}")
    if "error" not in default:
        accuracy = default["accuracy"]
        lines.append(
            f"  fibrochat ask: median {_us(default['ask']['median_us'])}, p99 {_us(default['ask']['p99_us'])} "
            f"({default['ask']['calls']} calls; load {default['load_s'] * 1000:.0f} ms)"
        )
        lines.append(
            f"  BM25 (bm25s get_scores): median {_us(default['bm25']['median_us'])}, "
            f"p99 {_us(default['bm25']['p99_us'])}; bm25s tokenize + retrieve() as documented: "
            f"median {_us(default['bm25_documented']['median_us'])}"
        )
        fibro, bm25, judged = accuracy["fibrochat_right"], accuracy["bm25_right"], accuracy["judged"]
        if judged:
            lines.append(
                f"  first-ranked section right ({judged} single-turn section questions): fibrochat "
                f"{_pct(fibro, judged)}, BM25 {_pct(bm25, judged)}, difference {(fibro - bm25) / judged * 100:+.1f} "
                "points"
            )
    else:
        lines.append(f"  {default['error']}")
    process = results["process"]
    if "error" not in process:
        lines.append(f"Process: `{process['command']}` {process['ask_ms']:.0f} ms vs `python -c \"{FLOOR_CODE}\"` "
                     f"{process['floor_ms']:.0f} ms (medians of {process['runs']} interleaved runs)")
    prompt = results["first_prompt"]
    if prompt["ms"] is not None:
        lines.append(f"First prompt: {prompt['ms']:.0f} ms (median of {prompt['runs']} runs; {prompt['how']})")
        if prompt.get("editor_ms") is not None:
            lines.append(f"  prompt_toolkit takes over (completion, history, toolbar) at {prompt['editor_ms']:.0f} ms")
    bare = results.get("prompt_floor", {})
    if bare.get("ms") is not None:
        lines.append(f"  for comparison, a bare prompt_toolkit PromptSession().prompt() shows its prompt in "
                     f"{bare['ms']:.0f} ms here")
    lines.append("")
    lines.append(f"Scaling (synthetic knowledge, seed {results['seed']}: N passages, N/10 FAQ intents × 3 example "
                 "questions; asked: 40% intent paraphrases, 40% section words, 20% unknown-word noise):")
    columns = ("passages", "sections", "intents", "load", "RSS Δ", "peak Δ", "ask med", "ask p99", "bm25 med",
               "bm25 p99", "retrieve()", "top1 fibro", "top1 bm25", "noise declined")
    table: list[tuple[str, ...]] = [columns]
    for run in results["scaling"]:
        if "error" in run:
            table.append((f"{run['size']:,}", run["error"]))
            continue
        accuracy = run["accuracy"]
        judged = accuracy["judged"] or 1
        table.append((
            f"{run['passages']:,}", f"{run['sections']:,}", f"{run['intents']:,}", f"{run['load_s']:.2f} s",
            f"{run['rss_delta_mb']:.0f} MB", f"{run['peak_rss_delta_mb']:.0f} MB",
            _us(run["ask"]["median_us"]), _us(run["ask"]["p99_us"]), _us(run["bm25"]["median_us"]),
            _us(run["bm25"]["p99_us"]), _us(run["bm25_documented"]["median_us"]),
            f"{accuracy['fibrochat_right'] / judged:.1%}", f"{accuracy['bm25_right'] / judged:.1%}",
            _pct(accuracy["noise_declined"], accuracy["noise"]),
        ))
    widths = [max(len(row[i]) for row in table if len(row) == len(columns)) for i in range(len(columns))]
    for row in table:
        if len(row) != len(columns):
            lines.append(f"  {row[0]:>{widths[0]}}  {row[1]}")
        else:
            lines.append("  " + "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    cached = [(run["size"], run["cached"]) for run in results["scaling"] if "cached" in run]
    if cached:
        shown = [f"{size:,}: {_cached_text(c)}" for size, c in cached]
        lines.append(f"  with --cache, a later start loads in: {'; '.join(shown)}")
    lines.append("")
    checks = checks_for(results)
    width = max(len(c.measure) for c in checks)
    value_width = max(len(c.shown) for c in checks)
    target_width = max(len(c.target) for c in checks)
    lines.append(f"  {'measure':<{width}}  {'value':<{value_width}}  {'target':<{target_width}}  result")
    for check in checks:
        lines.append(f"  {check.measure:<{width}}  {check.shown:<{value_width}}  {check.target:<{target_width}}  "
                     f"{check.result}")
    failed = [c for c in checks if c.passed is False]
    lines.append("")
    lines.append(f"{len(failed)} of {sum(c.passed is not None for c in checks)} measured targets failed"
                 + (": " + "; ".join(c.measure for c in failed) if failed else ""))
    return "\n".join(lines)


# -- running ----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Measure fibrochat's speed, start-up and scaling against its targets and a BM25 baseline. "
        "Run from the repository root with the project's virtualenv (bm25s from the 'bench' extra, pexpect "
        "from 'test').",
        epilog="Exit status: 0 when every measured target passes, 1 when one fails.",
    )
    parser.add_argument("--quick", action="store_true", help=f"skip the {TARGET_SIZE:,}-passage size")
    parser.add_argument("--json", nargs="?", type=Path, const=DEFAULT_JSON, metavar="FILE",
                        help=f"also save the results as JSON (default file: {DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="labelled questions (default: %(default)s)")
    parser.add_argument("--sizes", type=lambda s: tuple(int(x) for x in s.split(",")), metavar="N,N,…",
                        help=f"synthetic sizes in passages (default: {','.join(str(s) for s in SIZES)})")
    parser.add_argument("--questions", type=int, default=400, help="synthetic questions per size (%(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="synthetic knowledge seed (%(default)s)")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the dev questions (%(default)s)")
    parser.add_argument("--scaling-repeat", type=int, default=3, help="passes over synthetic questions (%(default)s)")
    parser.add_argument("--runs", type=int, default=11, help="process and first-prompt runs (%(default)s)")
    parser.add_argument("--prompt-text", help="text that marks the chat's prompt (default: %(default)r)",
                        default=CHAT_PROMPT)
    parser.add_argument("--profile", type=Path, nargs="?", const=ROOT / "benchmarks" / "results", metavar="DIR",
                        help="write cProfile figures of load and ask at the largest size to DIR")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per knowledge size")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sizes = args.sizes or (SIZES[:-1] if args.quick else SIZES)
    results: dict[str, Any] = {"machine": machine(), "seed": args.seed, "sizes": list(sizes),
                               "load_average_before": _load_average()}

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="fibrochat-bench-") as scratch:
        folder = Path(scratch)
        progress("default knowledge: latency, accuracy, BM25")
        try:
            questions, source = dev_questions(args.dev)
        except FibrochatError as error:  # the packaged knowledge does not load: say so, measure the rest
            results["dev_source"] = str(args.dev)
            results["default"] = {"error": f"cannot load: {error}"}
        else:
            results["dev_source"] = source
            results["default"] = run_worker(questions, folder, documents=None, intents=None, repeat=args.repeat,
                                            profile=None, timeout=args.timeout)

        results["snapshot_current"] = snapshot_is_current(folder)
        progress(f"whole process: fibrochat ask {ASK_QUESTION!r} vs the import floor")
        try:
            times: ProcessTimes = process_times(args.runs, ROOT)
            results["process"] = {"ask_ms": times.ask_s * 1000, "floor_ms": times.floor_s * 1000,
                                  "ratio": times.ratio, "runs": times.runs, "command": times.command}
        except (RuntimeError, OSError) as error:
            results["process"] = {"error": str(error)}

        progress("first prompt of the chat")
        prompt: FirstPrompt = first_prompt(args.runs, ROOT, args.prompt_text)
        results["first_prompt"] = {"ms": None if prompt.seconds is None else prompt.seconds * 1000,
                                   "editor_ms": None if prompt.editor_seconds is None else prompt.editor_seconds * 1000,
                                   "runs": prompt.runs, "how": prompt.how}
        bare = first_prompt(args.runs, ROOT, floor=True)
        results["prompt_floor"] = {"ms": None if bare.seconds is None else bare.seconds * 1000, "how": bare.how}

        results["scaling"] = []
        for size in sizes:
            progress(f"synthetic knowledge, {size:,} passages: generate, then measure in a fresh process")
            place = folder / f"synthetic-{size}"
            synthetic = generate(place, size, questions=args.questions, seed=args.seed)
            profile = args.profile if args.profile is not None and size == max(sizes) else None
            run = run_worker(synthetic.rows(), place, documents=synthetic.documents, intents=synthetic.intents,
                             repeat=args.scaling_repeat, profile=profile, timeout=args.timeout)
            run["cached"] = cached_load(place, documents=synthetic.documents, intents=synthetic.intents,
                                        timeout=args.timeout)
            results["scaling"].append({"size": size, **run})
            shutil.rmtree(place, ignore_errors=True)

    results["load_average_after"] = _load_average()
    text = format_results(results)
    print(text)
    checks = checks_for(results)
    results["checks"] = [{"measure": c.measure, "value": c.value, "target": c.target, "result": c.result}
                         for c in checks]
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nResults saved to {args.json}")
    if args.profile is not None:
        print(f"Profiles of load and ask at {max(sizes):,} passages written to {args.profile}/")
    return 1 if any(c.passed is False for c in checks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
