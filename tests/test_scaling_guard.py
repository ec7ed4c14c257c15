"""Scaling guard: the work one question costs must not grow with the size of the knowledge.

No timing here (speed is measured by `python -m benchmarks.run`): the work is counted, so the test gives
the same answer on any machine. Synthetic knowledge of 1,000 and then 10,000 passages (benchmarks/
synthetic.py, deterministic) is loaded through the real loaders, the same mix of generated questions is
asked of each, and two counts are taken per question:

* Python lines executed inside the fibrochat package (`sys.settrace`): any per-question loop over
  sections, examples, intents or vocabulary shows up here;
* strings handed to rapidfuzz for scoring (its `process` functions count their choices, its `fuzz`
  scorers one each): the work done in C, such as typo correction against the whole vocabulary.

Ten times the knowledge may cost at most GROWTH_LIMIT times the work: a bounded candidate set passes
with room to spare, a scan of everything grows about tenfold.
"""

from __future__ import annotations

import functools
import importlib.util
import statistics
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from rapidfuzz import fuzz, process

import fibrochat
from fibrochat import Chatbot, Reply

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = str(Path(fibrochat.__file__).resolve().parent)
SMALL, LARGE = 1_000, 10_000
QUESTIONS = 60
GROWTH_LIMIT = 2.0


def _load_synthetic() -> ModuleType:
    """benchmarks/ is not an installed package, so load the generator from its file."""
    name = "_fibrochat_benchmarks_synthetic"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from benchmarks import synthetic
else:
    synthetic = _load_synthetic()


@dataclass(frozen=True, slots=True)
class Work:
    """Mean work per question at one size, and how many knowledge questions were answered as expected."""

    lines: float
    scored: float
    answered_right: int
    knowledge_questions: int


class _ScoringCounter:
    """Counts strings scored through rapidfuzz while installed (monkeypatched onto its modules)."""

    def __init__(self) -> None:
        self.count = 0

    def choices(self, function: Callable[..., Any], choices_at: int) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            choices = kwargs["choices"] if "choices" in kwargs else args[choices_at]
            self.count += len(choices) if hasattr(choices, "__len__") else 1
            return function(*args, **kwargs)

        return counted

    def single(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return function(*args, **kwargs)

        return counted


def _python_lines(call: Callable[[], Reply]) -> tuple[int, Reply]:
    """Lines executed inside the fibrochat package while `call` runs, and what it returned."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def start(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(start)
    try:
        result = call()
    finally:
        sys.settrace(previous)
    return count, result


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Work]]:
    patch = pytest.MonkeyPatch()
    counter = _ScoringCounter()
    for name in ("extractOne", "extract", "extract_iter"):
        patch.setattr(process, name, counter.choices(getattr(process, name), 1))
    for name in ("cdist", "cpdist"):
        patch.setattr(process, name, counter.choices(getattr(process, name), 1))
    for name in ("ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "token_ratio", "WRatio", "QRatio",
                 "partial_token_sort_ratio", "partial_token_set_ratio", "partial_token_ratio"):
        patch.setattr(fuzz, name, counter.single(getattr(fuzz, name)))
    results: dict[int, Work] = {}
    try:
        for size in (SMALL, LARGE):
            made = synthetic.generate(tmp_path_factory.mktemp(f"synthetic-{size}"), size, questions=QUESTIONS)
            bot = Chatbot.from_paths(documents=[made.documents], intents=[made.intents])
            titles = {document.title: document.id for document in bot.knowledge.documents}
            lines: list[int] = []
            scored: list[int] = []
            right = 0
            for question in made.questions:
                counter.count = 0
                executed, reply = _python_lines(functools.partial(bot.ask, question.text))
                lines.append(executed)
                scored.append(counter.count)
                if question.expected and reply.kind == "answer" and reply.citations:
                    first = reply.citations[0]
                    right += f"{titles[first.document]}#{first.anchor}" == question.expected
            knowledge = sum(1 for q in made.questions if q.expected)
            results[size] = Work(statistics.mean(lines), statistics.mean(scored), right, knowledge)
        yield results
    finally:
        patch.undo()


def test_the_counts_see_real_work(work: dict[int, Work]) -> None:
    """Guard the guard: the bot really answers the synthetic questions, and both counters count."""
    for size, measured in work.items():
        assert measured.answered_right >= measured.knowledge_questions // 2, (size, measured)
        assert measured.lines > 100, (size, measured)
        assert measured.scored >= 1, (size, measured)


def test_python_work_per_question_stays_bounded(work: dict[int, Work]) -> None:
    growth = work[LARGE].lines / work[SMALL].lines
    assert growth <= GROWTH_LIMIT, (
        f"{LARGE:,} passages cost {growth:.1f}× the Python lines per question of {SMALL:,} "
        f"({work[LARGE].lines:,.0f} vs {work[SMALL].lines:,.0f}); limit {GROWTH_LIMIT}×"
    )


def test_strings_scored_per_question_stay_bounded(work: dict[int, Work]) -> None:
    growth = work[LARGE].scored / work[SMALL].scored
    assert growth <= GROWTH_LIMIT, (
        f"{LARGE:,} passages score {growth:.1f}× the strings per question of {SMALL:,} "
        f"({work[LARGE].scored:,.0f} vs {work[SMALL].scored:,.0f}); limit {GROWTH_LIMIT}×"
    )


def test_synthetic_knowledge_is_deterministic(tmp_path: Path) -> None:
    first = synthetic.generate(tmp_path / "a", 300, questions=20, seed=7)
    second = synthetic.generate(tmp_path / "b", 300, questions=20, seed=7)
    other = synthetic.generate(tmp_path / "c", 300, questions=20, seed=8)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert first.questions == second.questions
    assert first.questions != other.questions
    assert first.passages == 300
    loaded = Chatbot.from_paths(documents=[first.documents], intents=[first.intents])
    assert sum(len(s.passages) for d in loaded.knowledge.documents for s in d.sections) == 300
    assert len(loaded.knowledge.intents) == first.intent_count == 30
