"""Content test: the packaged article is the seed article, word for word, with its true outline.

The seed text is copied to tests/fixtures/seed-article.txt so this runs where ../shared/ is absent (CI);
where it is present, the copy must equal it.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.cli import main
from fibrochat.documents import load_documents
from fibrochat.model import Document
from fibrochat.resources import documents_folder

FIXTURE_SEED = Path(__file__).parent / "fixtures" / "seed-article.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6a1c698a2c84b249.txt"
TITLE = "Latest Advances in Autoimmune Treatments and What They May Mean for Fibromyalgia"
BOILERPLATE_START = "For More Information"

# The outline in ../shared/eval/FORMAT.md: every leaf with the headings above it.
LEAF_PATHS = [
    ("Introduction",),
    ("The Connection Between Autoimmune Diseases and Fibromyalgia", "Is Fibromyalgia an Autoimmune Condition?"),
    (
        "The Connection Between Autoimmune Diseases and Fibromyalgia",
        "Overlapping Symptoms Between Fibromyalgia and Autoimmune Diseases",
    ),
    ("Latest Advances in Autoimmune Treatments", "1. Biologic Therapies for Autoimmune Diseases", "How Biologics Work"),
    (
        "Latest Advances in Autoimmune Treatments",
        "1. Biologic Therapies for Autoimmune Diseases",
        "Common Biologics in Autoimmune Disease Treatment",
    ),
    (
        "Latest Advances in Autoimmune Treatments",
        "1. Biologic Therapies for Autoimmune Diseases",
        "What This Means for Fibromyalgia",
    ),
    ("Latest Advances in Autoimmune Treatments", "2. Janus Kinase (JAK) Inhibitors", "How JAK Inhibitors Work"),
    (
        "Latest Advances in Autoimmune Treatments",
        "2. Janus Kinase (JAK) Inhibitors",
        "Potential Benefits for Fibromyalgia Patients",
    ),
    ("Latest Advances in Autoimmune Treatments", "3. Low-Dose Naltrexone (LDN) for Immune Modulation", "How LDN Works"),
    (
        "Latest Advances in Autoimmune Treatments",
        "3. Low-Dose Naltrexone (LDN) for Immune Modulation",
        "LDN\u2019s Impact on Fibromyalgia and Autoimmune Disorders",
    ),
    (
        "Latest Advances in Autoimmune Treatments",
        "4. Stem Cell Therapy for Autoimmune Conditions",
        "How Stem Cell Therapy Works",
    ),
    (
        "Latest Advances in Autoimmune Treatments",
        "4. Stem Cell Therapy for Autoimmune Conditions",
        "Could Stem Cell Therapy Help Fibromyalgia?",
    ),
    ("Latest Advances in Autoimmune Treatments", "5. Microbiome-Based Treatments", "The Gut-Immune System Connection"),
    ("Latest Advances in Autoimmune Treatments", "5. Microbiome-Based Treatments", "Probiotics and Diet Interventions"),
    ("Challenges in Applying Autoimmune Treatments to Fibromyalgia", "Lack of a Clear Biomarker"),
    ("Challenges in Applying Autoimmune Treatments to Fibromyalgia", "Variability in Patient Response"),
    ("Challenges in Applying Autoimmune Treatments to Fibromyalgia", "Cost and Accessibility of Advanced Treatments"),
    ("Future Directions in Fibromyalgia Treatment", "Personalized Medicine Approaches"),
    ("Future Directions in Fibromyalgia Treatment", "Clinical Trials and Emerging Therapies"),
    ("Conclusion",),
]


@pytest.fixture(scope="module")
def article() -> Document:
    """The packaged article on its own (the intents have their own tests)."""
    matches = [document for document in load_documents([Path(documents_folder())]) if document.title == TITLE]
    assert len(matches) == 1
    return matches[0]


@pytest.fixture(scope="module")
def seed() -> str:
    return FIXTURE_SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_content(seed: str) -> str:
    """The seed without the site boilerplate at its end."""
    return seed[: seed.index(BOILERPLATE_START)]


def test_fixture_copy_matches_the_shared_seed(seed: str) -> None:
    if not SHARED_SEED.exists():
        pytest.skip("../shared/ is not here (CI): the fixture copy stands in for it")
    assert seed == SHARED_SEED.read_text(encoding="utf-8")


def test_front_matter(article: Document) -> None:
    assert article.title == TITLE
    assert "Fibromyalgia Community" in article.source
    assert "information" in article.note.lower()


def test_twenty_leaf_sections_with_their_exact_headings(article: Document) -> None:
    leaves = [section for section in article.sections if section.passages]
    assert len(leaves) == 20
    assert [section.path for section in leaves] == LEAF_PATHS
    assert [section.title for section in leaves] == [path[-1] for path in LEAF_PATHS]


def test_parent_headings_hold_no_text(article: Document) -> None:
    leaf_paths = set(LEAF_PATHS)
    parents = {path[:depth] for path in LEAF_PATHS for depth in range(1, len(path))}
    for section in article.sections:
        assert section.path in leaf_paths | parents
        if section.path in parents:
            assert not section.passages


def test_heading_levels_follow_the_outline(article: Document) -> None:
    top = min(section.level for section in article.sections)
    for section in article.sections:
        assert section.level == top + len(section.path) - 1, section.path


def test_the_curly_apostrophe_is_kept(article: Document) -> None:
    ldn = [section for section in article.sections if section.title.startswith("LDN")]
    assert [section.title for section in ldn] == ["LDN\u2019s Impact on Fibromyalgia and Autoimmune Disorders"]
    assert "LDN's" not in article.text
    assert ldn[0].anchor == "ldn-impact-on-fibromyalgia-and-autoimmune-disorders"


def test_anchors_are_unique(article: Document) -> None:
    anchors = [section.anchor for section in article.sections]
    assert len(anchors) == len(set(anchors))


def test_every_passage_stands_verbatim_in_the_seed(article: Document, seed_content: str) -> None:
    for section in article.sections:
        for passage in section.passages:
            assert passage.text in seed_content, (section.title, passage.text[:60])


def test_every_heading_is_a_line_of_the_seed(article: Document, seed_content: str) -> None:
    lines = set(seed_content.split("\n"))
    for section in article.sections:
        assert section.title in lines, section.title


def test_nothing_of_the_article_was_dropped(article: Document, seed_content: str) -> None:
    quoted = "\n".join(passage.text for section in article.sections for passage in section.passages)
    headings = {section.title for section in article.sections}
    for line in seed_content.split("\n"):
        if line.strip() and line not in headings:
            assert line in quoted, line


def test_site_boilerplate_is_absent(article: Document) -> None:
    text = article.text.lower()
    for phrase in ("whatsapp", "subscribe", r"\bstores?\b", "click here", "for more information", "references:"):
        assert not re.search(phrase, text), phrase


def test_is_fibromyalgia_autoimmune(default_bot: Chatbot, article: Document) -> None:
    reply = default_bot.ask("is fibromyalgia autoimmune?")
    assert reply.kind == "answer"
    assert reply.citations[0].section[-1] == "Is Fibromyalgia an Autoimmune Condition?"
    assert reply.citations[0].document == TITLE
    assert reply.disclaimer
    for citation in reply.citations:
        assert citation.quote in article.text


@pytest.mark.parametrize(
    "question",
    [
        "Is fibromyalgia an autoimmune disease",
        "fibromialgia autoinmune",
        "is fibro auto immune",
        "whether fibromyalgia is autoimmune",
        "my doctor says fibro isnt autoimmune, is that right?",
        "hi, quick question - is fibromyalgia autoimmune?",
        "Fibromyalgia: autoimmune or neurological?",
        "Is fibromyalgia autoimmune? My mum has it",
    ],
)
def test_the_flagship_question_in_other_words(default_bot: Chatbot, question: str) -> None:
    """However it is put, with a typo, a greeting or a story around it, the flagship question gets its section."""
    reply = default_bot.ask(question)
    assert reply.kind == "answer"
    assert reply.citations[0].section[-1] == "Is Fibromyalgia an Autoimmune Condition?"


def test_is_fibromyalgia_autoimmune_through_the_cli(seed_content: str) -> None:
    out = io.StringIO()
    assert main(["ask", "is fibromyalgia autoimmune?", "--json"], out=out) == 0
    data = json.loads(out.getvalue())
    assert data["kind"] == "answer"
    assert data["citations"][0]["section"][-1] == "Is Fibromyalgia an Autoimmune Condition?"
    assert data["disclaimer"]
    for citation in data["citations"]:
        assert citation["quote"] in seed_content
