"""One knowledge base measured in a process of its own, so sizes do not pollute each other's memory.

`python -m benchmarks.worker QUESTIONS.json [--documents D] [--intents I] [--repeat N] [--profile DIR]`
loads the knowledge with `Chatbot.from_paths` (the packaged knowledge when no paths are given), then
measures load time, resident memory, `ask` latency and accuracy, then builds the BM25 baseline over the
same sections and measures it on the same questions. Prints one JSON object on stdout. With `--cache DIR`,
it only measures loading through the opt-in cache in DIR (`fibrochat --cache`).

Questions file: a JSON list of {"text", "expected": [acceptable "<document id>#<anchor>" keys] or null, "kind"}.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fibrochat import Chatbot, Reply

from .measure import peak_rss_bytes, rss_bytes, time_calls

MB = 1_000_000  # decimal megabytes, the unit of the target


def _profile_text(profile: cProfile.Profile, title: str, lines: int = 30) -> str:
    stream = io.StringIO()
    stream.write(f"==== {title} ====\n")
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return stream.getvalue()


def _write_profiles(
    bot: Chatbot, texts: list[str], documents: Sequence[str] | None, intents: Sequence[str] | None, path: Path
) -> None:
    """cProfile of asking every question once, then of loading the same knowledge a second time."""
    asking = cProfile.Profile()
    asking.enable()
    for text in texts:
        bot.ask(text)
    asking.disable()
    loading = cProfile.Profile()
    loading.enable()
    Chatbot.from_paths(documents=documents, intents=intents)
    loading.disable()
    path.parent.mkdir(parents=True, exist_ok=True)
    asked = _profile_text(asking, f"ask: {len(texts)} questions")
    loaded = _profile_text(loading, "load: Chatbot.from_paths")
    path.write_text(asked + "\n" + loaded, encoding="utf-8")


def _answered_key(titles: dict[str, str], reply: Reply) -> str | None:
    if reply.kind != "answer" or not reply.citations:
        return None
    first = reply.citations[0]
    return f"{titles.get(first.document, first.document)}#{first.anchor}"


def measure(
    questions: list[dict[str, Any]], documents: Sequence[str] | None, intents: Sequence[str] | None, *,
    repeat: int, profile_dir: Path | None,
) -> dict[str, Any]:
    texts = [str(q["text"]) for q in questions]
    bot, loading = _timed_load(documents, intents)
    knowledge = bot.knowledge
    sections = sum(1 for d in knowledge.documents for s in d.sections if s.passages)
    passages = sum(len(s.passages) for d in knowledge.documents for s in d.sections)

    latency = time_calls(bot.ask, texts, repeat=repeat)

    titles = {d.title: d.id for d in knowledge.documents}
    fibro_right = bm25_right = judged = noise = declined = 0
    answers: list[str | None] = []
    for question in questions:
        reply = bot.ask(str(question["text"]))
        key = _answered_key(titles, reply)
        answers.append(key)
        expected = question["expected"]
        if expected:
            judged += 1
            fibro_right += key in expected
        elif question["kind"] == "noise":
            noise += 1
            declined += reply.kind == "fallback"

    from .bm25_baseline import Bm25Baseline

    start = time.perf_counter()
    bm25 = Bm25Baseline(knowledge.documents)
    bm25_build_s = time.perf_counter() - start
    bm25_latency = time_calls(bm25.top, texts, repeat=repeat)
    documented = time_calls(bm25.top_documented, texts, repeat=1)
    for question in questions:
        expected = question["expected"]
        if expected:
            bm25_right += bm25.top(str(question["text"])) in expected

    if profile_dir is not None:  # after the timed figures, so the profiler's overhead never reaches them
        _write_profiles(bot, texts, documents, intents, profile_dir / f"profile-{passages}.txt")

    return {
        "documents": len(knowledge.documents),
        "sections": sections,
        "passages": passages,
        "intents": len(knowledge.intents),
        "example_questions": sum(len(i.questions) for i in knowledge.intents),
        "questions": len(texts),
        **loading,
        "ask": latency.to_dict(),
        "bm25": {"build_s": round(bm25_build_s, 4), **bm25_latency.to_dict()},
        "bm25_documented": documented.to_dict(),
        "accuracy": {
            "judged": judged,
            "fibrochat_right": fibro_right,
            "bm25_right": bm25_right,
            "noise": noise,
            "noise_declined": declined,
        },
    }


def _timed_load(
    documents: Sequence[str] | None, intents: Sequence[str] | None, cache: Path | None = None
) -> tuple[Chatbot, dict[str, float]]:
    """`Chatbot.from_paths`, with its time and the resident memory it added (after, and at the peak)."""
    before = rss_bytes()
    start = time.perf_counter()
    bot = Chatbot.from_paths(documents=documents, intents=intents, cache=cache)
    load_s = time.perf_counter() - start
    return bot, {
        "load_s": round(load_s, 4),
        "rss_before_mb": round(before / MB, 1),
        "rss_delta_mb": round((rss_bytes() - before) / MB, 1),
        "peak_rss_delta_mb": round((peak_rss_bytes() - before) / MB, 1),
    }


def measure_cached_load(documents: Sequence[str], intents: Sequence[str], cache: Path) -> dict[str, Any]:
    """Load time and memory with the opt-in cache in `cache` (filled by an earlier run when it is current)."""
    return _timed_load(documents, intents, cache)[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description=__doc__)
    parser.add_argument("questions", type=Path, nargs="?", help="a JSON list of questions (not with --cache)")
    parser.add_argument("--documents", action="append")
    parser.add_argument("--intents", action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, metavar="DIR", help="write cProfile figures of load and ask here")
    parser.add_argument("--cache", type=Path, metavar="DIR", help="only measure loading with --cache in DIR")
    args = parser.parse_args(argv)
    if args.cache is not None:
        sys.stdout.write(json.dumps(measure_cached_load(args.documents, args.intents, args.cache)) + "\n")
        return 0
    if args.questions is None:
        parser.error("a questions file is needed (or --cache DIR)")
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    result = measure(questions, args.documents, args.intents, repeat=args.repeat, profile_dir=args.profile)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
