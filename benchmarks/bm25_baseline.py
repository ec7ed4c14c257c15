"""The usual alternative, side by side: BM25 (bm25s) over the same sections fibrochat answers from.

Each section with passages is one BM25 document: its heading path and its passages, exactly as loaded by
fibrochat's own Markdown loader, so both engines see the same text. The corpus is tokenised with
`bm25s.tokenize` (lower case, scikit-learn's word pattern, English stop words, no stemmer). Questions
are tokenised the same way with a precompiled pattern and stop-word set, then scored with
`BM25.get_scores` and the best section taken with numpy: the leanest per-question path bm25s offers,
so the comparison is fair to BM25. `top_documented` is the path bm25s's README shows (`bm25s.tokenize`
then `retrieve`), much slower per single question because `retrieve` starts a worker pool; it is
reported beside the lean path for context, never used for the targets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fibrochat.model import Document

TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # bm25s.tokenize's default


class Bm25Baseline:
    """A BM25 index built once over the sections of some documents; `top(question)` → section key."""

    def __init__(self, documents: Sequence[Document]) -> None:
        import bm25s  # imported here: only the benchmark needs it, and it brings numpy
        import numpy
        from bm25s.stopwords import STOPWORDS_EN

        self._numpy: Any = numpy
        self.keys: list[str] = []
        corpus: list[str] = []
        for document in documents:
            for section in document.sections:
                if section.passages:
                    self.keys.append(f"{document.id}#{section.anchor}")
                    corpus.append("\n".join([*section.path, *(passage.text for passage in section.passages)]))
        tokens = bm25s.tokenize(corpus, stopwords="en", show_progress=False)
        self._bm25s: Any = bm25s
        self._retriever: Any = bm25s.BM25()
        self._retriever.index(tokens, show_progress=False)
        self._pattern = re.compile(TOKEN_PATTERN)
        self._stopwords = frozenset(STOPWORDS_EN)
        self._vocabulary: dict[str, int] = self._retriever.vocab_dict

    def tokens(self, question: str) -> list[str]:
        """The question as bm25s tokenises text (lower case, word pattern, stop words out)."""
        return [token for token in self._pattern.findall(question.lower()) if token not in self._stopwords]

    def top(self, question: str) -> str | None:
        """The key ("<document id>#<anchor>") of the best-scoring section, or None when no word is known."""
        known = [token for token in self.tokens(question) if token in self._vocabulary]
        if not known:
            return None
        scores = self._retriever.get_scores(known)
        best = int(self._numpy.argmax(scores))
        return self.keys[best] if float(scores[best]) > 0.0 else None

    def top_documented(self, question: str) -> str | None:
        """The same, through `bm25s.tokenize` and `BM25.retrieve(k=1)` as bm25s documents it."""
        tokens = self._bm25s.tokenize(question, stopwords="en", show_progress=False, return_ids=False)
        found = self._retriever.retrieve(tokens, k=1, show_progress=False, n_threads=1)
        return self.keys[int(found.documents[0][0])] if float(found.scores[0][0]) > 0.0 else None

    def __len__(self) -> int:
        return len(self.keys)
