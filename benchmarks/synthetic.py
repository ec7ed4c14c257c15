"""Deterministic synthetic knowledge: Markdown documents and intents YAML over a made-up vocabulary.

Used to measure how load time, memory and per-question cost grow with the size of the knowledge, through
the real loaders (`Chatbot.from_paths`). Nothing here is medical: the words are invented syllables.

The shape imitates a real library: words follow a Zipf distribution (a few very common words appear in
most sections, most words are rare), passages are one to three sentences (sometimes a list introduced by a
colon), leaf sections hold one to six passages under part headings, documents hold a few dozen sections,
and curated FAQ intents cite leaf sections with a few example questions each. Questions come in three
kinds: paraphrases of an intent's questions, words picked from a section, and noise made of unknown words;
some carry a typo, and about half name one of the very common words, as real questions do ("pain").

The same seed and sizes give byte-identical files and the same questions on every run and machine.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fibrochat.text import slug

VOCABULARY_SIZE = 60_000
ZIPF_SHIFT = 2.7  # Zipf–Mandelbrot: weight of rank r is 1 / (r + shift)
COMMON_WORDS = 100  # the most frequent content words, the ones that appear nearly everywhere
FUNCTION_WORDS = (
    "the", "of", "and", "to", "in", "is", "that", "for", "with", "as", "may", "can", "by", "on", "are",
    "this", "or", "be", "from", "it", "their", "some", "more", "than", "which", "when", "also", "not",
    "into", "most",
)
QUESTION_WORDS = ("what", "how", "does", "do", "tell", "me", "about", "why", "help", "affect", "i", "my", "a")
QUESTION_TEMPLATES = (
    "what is {0} {1}",
    "how does {0} affect {1}",
    "tell me about {0} and {1}",
    "can {0} help with {1}",
    "why is {0} {1} {2}",
    "{0} {1} {2}",
    "what about {0} {1} {2}",
    "how do i {0} my {1}",
    "does {0} {1} help",
)
_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "pl",
           "st", "tr", "gl", "sn")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")
_CODAS = ("", "", "n", "r", "l", "m", "k")
_NOISE_LETTERS = "xqwjy"  # never used by the knowledge vocabulary, so noise words are unknown
_INTENTS_PER_FILE = 1000
_SECTIONS_PER_PART = (3, 6)
_PARTS_PER_DOCUMENT = (4, 6)
_PASSAGES_PER_SECTION = (1, 6)


@dataclass(frozen=True, slots=True)
class SyntheticQuestion:
    """A question and the section that answers it ("<document id>#<anchor>"), or None for noise."""

    text: str
    expected: str | None
    kind: str  # "intent" | "section" | "noise"


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Where the generated knowledge was written, how big it is, and the questions to ask it."""

    documents: Path
    intents: Path
    passages: int
    sections: int
    intent_count: int
    example_questions: int
    document_count: int
    questions: tuple[SyntheticQuestion, ...]

    def rows(self) -> list[dict[str, Any]]:
        """The questions in the benchmark worker's format (expected: a list of acceptable keys, or None)."""
        return [{"text": q.text, "expected": [q.expected] if q.expected else None, "kind": q.kind}
                for q in self.questions]


@dataclass(frozen=True, slots=True)
class _Leaf:
    key: str  # "<document id>#<anchor>"
    heading_words: tuple[str, ...]
    rare_words: tuple[str, ...]  # the section's least frequent content words, rarest first
    first_sentence: str


class _Words:
    """The made-up vocabulary and a Zipf sampler over it."""

    def __init__(self, rng: random.Random, size: int) -> None:
        found: dict[str, None] = {}
        reserved = set(FUNCTION_WORDS) | set(QUESTION_WORDS)
        while len(found) < size:
            syllables = rng.choice((1, 2, 2, 2, 3, 3))
            word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
            if word not in reserved:
                found[word] = None
        self.words = list(found)
        self.rank = {word: position for position, word in enumerate(self.words)}
        self._cumulative = list(itertools.accumulate(1.0 / (r + 1 + ZIPF_SHIFT) for r in range(size)))
        self._rng = rng

    def sample(self, count: int) -> list[str]:
        return self._rng.choices(self.words, cum_weights=self._cumulative, k=count)

    def common(self) -> str:
        return self.words[self._rng.randrange(COMMON_WORDS)]


def _sentence(rng: random.Random, words: _Words, length: int) -> str:
    content = words.sample(length)
    tokens = [rng.choice(FUNCTION_WORDS) if rng.random() < 0.35 else word for word in content]
    return " ".join(tokens).capitalize() + "."


def _passage(rng: random.Random, words: _Words) -> str:
    if rng.random() < 0.1:
        intro = _sentence(rng, words, rng.randint(6, 12))[:-1] + ":"
        items = [" ".join(words.sample(rng.randint(2, 5))) for _ in range(rng.randint(2, 5))]
        return intro + "\n" + "\n".join(f"- {item}" for item in items)
    return " ".join(_sentence(rng, words, rng.randint(8, 18)) for _ in range(rng.randint(1, 3)))


def _heading(rng: random.Random, candidates: list[str]) -> str:
    chosen = list(dict.fromkeys(candidates))[: rng.randint(2, 4)]
    return " ".join(word.capitalize() for word in chosen)


def _typo(rng: random.Random, text: str) -> str:
    """Swap two neighbouring letters in the longest word (people type fast)."""
    tokens = text.split()
    position = max(range(len(tokens)), key=lambda i: len(tokens[i]))
    word = tokens[position]
    if len(word) < 6:
        return text
    at = rng.randrange(1, len(word) - 2)
    tokens[position] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(tokens)


def _noise_word(rng: random.Random) -> str:
    letters = "abdeiklmnoprstu" + _NOISE_LETTERS
    word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 9)))
    at = rng.randrange(len(word))
    return word[:at] + rng.choice(_NOISE_LETTERS) + word[at + 1 :]


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def generate(
    root: Path, passages: int, *, intents: int | None = None, questions: int = 400, seed: int = 1
) -> Synthetic:
    """Write `passages` passages (Markdown under root/documents) and `intents` FAQ intents (YAML under
    root/intents, default one per ten passages), and return the questions to ask."""
    if passages < 1:
        raise ValueError("passages must be at least 1")
    intent_count = max(1, passages // 10) if intents is None else intents
    rng = random.Random(f"fibrochat-synthetic-{seed}")
    words = _Words(rng, VOCABULARY_SIZE)
    documents_dir = root / "documents"
    intents_dir = root / "intents"
    documents_dir.mkdir(parents=True, exist_ok=True)
    intents_dir.mkdir(parents=True, exist_ok=True)

    leaves: list[_Leaf] = []
    written = 0
    document_number = 0
    while written < passages:
        document_number += 1
        doc_id = f"synthetic-{document_number:05d}"
        title = f"Synthetic {document_number} " + _heading(rng, words.sample(6))
        lines = ["---", f"title: {_yaml_text(title)}", f"source: {_yaml_text(f'benchmarks.synthetic, seed {seed}')}",
                 "---", ""]
        used: set[str] = set()
        for _ in range(rng.randint(*_PARTS_PER_DOCUMENT)):
            if written >= passages:
                break
            part = _unique_heading(rng, words, used)
            lines += [f"## {part}", ""]
            for _ in range(rng.randint(*_SECTIONS_PER_PART)):
                if written >= passages:
                    break
                count = min(rng.randint(*_PASSAGES_PER_SECTION), passages - written)
                texts = [_passage(rng, words) for _ in range(count)]
                written += count
                content = [w for text in texts for w in slug(text).split("-") if w in words.rank]
                rare = sorted(dict.fromkeys(content), key=lambda w: -words.rank[w])
                heading = _unique_heading(rng, words, used, rare[: 2 + rng.randint(0, 3)] + words.sample(2))
                lines += [f"### {heading}", ""]
                for text in texts:
                    lines += [text, ""]
                first = texts[0].split(".")[0].split(":")[0] + "."
                leaves.append(_Leaf(f"{doc_id}#{slug(heading)}", tuple(heading.lower().split()), tuple(rare[:8]),
                                    first))
        (documents_dir / f"{doc_id}.md").write_text("\n".join(lines), encoding="utf-8")

    cited = rng.sample(leaves, min(intent_count, len(leaves)))
    cited += [rng.choice(leaves) for _ in range(intent_count - len(cited))]
    intent_rows: list[tuple[str, _Leaf, list[str]]] = []
    for number, leaf in enumerate(cited, 1):
        asked = [_question(rng, words, leaf) for _ in range(3)]
        intent_rows.append((f"syn-{number:06d}", leaf, asked))
    for start in range(0, len(intent_rows), _INTENTS_PER_FILE):
        block = intent_rows[start : start + _INTENTS_PER_FILE]
        out = ["intents:"]
        for intent_id, leaf, asked in block:
            out += [f"  - id: {intent_id}", "    questions:"]
            out += [f"      - {_yaml_text(q)}" for q in asked]
            out += [f"    cites: [{_yaml_text(leaf.key)}]", f"    lead: {_yaml_text(leaf.first_sentence)}"]
        (intents_dir / f"faq-{start // _INTENTS_PER_FILE + 1:04d}.yaml").write_text("\n".join(out) + "\n", "utf-8")
    _write_lexicon(rng, words, intents_dir / "lexicon.yaml")

    asked_questions = _questions(rng, words, leaves, intent_rows, questions)
    return Synthetic(
        documents=documents_dir,
        intents=intents_dir,
        passages=written,
        sections=len(leaves),
        intent_count=len(intent_rows),
        example_questions=sum(len(asked) for _, _, asked in intent_rows),
        document_count=document_number,
        questions=asked_questions,
    )


def _unique_heading(rng: random.Random, words: _Words, used: set[str], seed_words: list[str] | None = None) -> str:
    candidates = seed_words if seed_words else words.sample(4)
    while True:
        heading = _heading(rng, candidates)
        if len(heading.split()) >= 2 and slug(heading) not in used:
            used.add(slug(heading))
            return heading
        candidates = words.sample(4)


def _question(rng: random.Random, words: _Words, leaf: _Leaf) -> str:
    pool = list(dict.fromkeys(leaf.heading_words[:2] + leaf.rare_words[:3]))
    picked = rng.sample(pool, min(3, len(pool)))
    if rng.random() < 0.5:
        picked.insert(rng.randrange(len(picked) + 1), words.common())
    while len(picked) < 3:
        picked.append(words.common())
    return rng.choice(QUESTION_TEMPLATES).format(*picked)


def _questions(
    rng: random.Random, words: _Words, leaves: list[_Leaf], intent_rows: list[tuple[str, _Leaf, list[str]]],
    count: int,
) -> tuple[SyntheticQuestion, ...]:
    out: list[SyntheticQuestion] = []
    for number in range(count):
        share = number % 10
        if share < 4 and intent_rows:  # a paraphrase of an intent: same subject, other words around it
            _, leaf, _ = rng.choice(intent_rows)
            text, kind = _question(rng, words, leaf), "intent"
            expected: str | None = leaf.key
        elif share < 8:  # words from a section's own text
            leaf = rng.choice(leaves)
            picked = rng.sample(list(leaf.rare_words[:5]) or [words.common()], min(3, len(leaf.rare_words[:5]) or 1))
            if rng.random() < 0.5:
                picked.append(words.common())
            text = rng.choice(QUESTION_TEMPLATES).format(*(picked + [words.common()] * 3))
            expected, kind = leaf.key, "section"
        else:  # noise: words no section uses, sometimes beside a common word
            picked = [_noise_word(rng) for _ in range(rng.randint(2, 3))]
            if rng.random() < 0.5:
                picked.insert(0, words.common())
            text = rng.choice(QUESTION_TEMPLATES).format(*(picked + ["it"] * 2))
            expected, kind = None, "noise"
        if kind != "noise" and rng.random() < 0.1:
            text = _typo(rng, text)
        out.append(SyntheticQuestion(text, expected, kind))
    return tuple(out)


def _write_lexicon(rng: random.Random, words: _Words, path: Path) -> None:
    """Stop words, and a few synonyms (a made-up spelling variant of a real vocabulary word)."""
    stop = list(dict.fromkeys(FUNCTION_WORDS + QUESTION_WORDS))
    lines = ["lexicon:", f"  stopwords: [{', '.join(stop)}]", "  synonyms:"]
    for word in rng.sample(words.words[COMMON_WORDS : COMMON_WORDS + 2000], 50):
        lines.append(f"    {word}: [{word}h, {word[:-1]}y]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
