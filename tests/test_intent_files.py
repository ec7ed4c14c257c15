"""Loading intents from YAML, and every validation error: each names the file and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.errors import ContentError
from fibrochat.intents import IntentFile, load_intent_file
from fibrochat.knowledge import load_knowledge


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(folder: Path, text: str) -> IntentFile:
    return load_intent_file(write(folder, "intents.yaml", text))


def fails(folder: Path, text: str, problem: str) -> ContentError:
    """Load `text` as an intents file; it must fail with `problem`, naming the file and a line."""
    path = write(folder, "intents.yaml", text)
    with pytest.raises(ContentError) as excinfo:
        load_intent_file(path)
    error = excinfo.value
    assert problem in error.problem, str(error)
    assert error.path == str(path)
    assert error.line is not None
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


# -- loading ----------------------------------------------------------------------------------------------


def test_garden_intents_load(fixture_intents: Path) -> None:
    loaded = load_intent_file(fixture_intents / "garden.yaml")
    by_id = {intent.id: intent for intent in loaded.intents}
    assert list(by_id) == ["tomato-watering", "overwatering", "aphids", "slugs", "hello", "garden-out-of-scope"]
    tomato = by_id["tomato-watering"]
    assert tomato.kind == "faq"
    assert tomato.questions[0] == "how often should i water tomatoes"
    assert tomato.cites == ("how-often-to-water-tomatoes",)
    assert tomato.lead == "Tomatoes need deep watering about twice a week."
    assert tomato.suggestions == ("What are the signs of overwatering?",)
    assert tomato.topic == "tomatoes"
    assert tomato.line == 2
    assert by_id["hello"].kind == "smalltalk"
    assert by_id["hello"].response == "Hello! Ask me about garden plants."
    assert by_id["garden-out-of-scope"].kind == "unanswerable"
    assert ("tomatoes", "tomato") in loaded.lexicon.synonyms
    assert "the" in loaded.lexicon.stopwords
    assert "what about" in loaded.lexicon.followup_cues


def test_cites_resolve_to_document_and_anchor(fixture_docs: Path, fixture_intents: Path) -> None:
    knowledge = load_knowledge([fixture_docs], [fixture_intents])
    cites = {intent.id: intent.cites for intent in knowledge.intents}
    assert cites["tomato-watering"] == ("garden#how-often-to-water-tomatoes",)
    assert cites["hello"] == ()


def test_a_cite_may_name_its_document(fixture_docs: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", """
        intents:
          - id: aphids
            questions: [aphids]
            cites: ["garden#aphids-on-roses"]
        """)
    knowledge = load_knowledge([fixture_docs], [path])
    assert knowledge.intents[0].cites == ("garden#aphids-on-roses",)


def test_a_single_question_may_be_written_as_text(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        intents:
          - id: hi
            kind: smalltalk
            questions: hello there
            response: Hi.
        """)
    assert loaded.intents[0].questions == ("hello there",)


def test_yes_no_on_off_stay_strings(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        intents:
          - id: words
            kind: smalltalk
            questions: [yes, no, on, off, y, n, Yes, NO]
            response: ok
        lexicon:
          stopwords: [on, off, yes, no]
        """)
    assert loaded.intents[0].questions == ("yes", "no", "on", "off", "y", "n", "Yes", "NO")
    assert loaded.lexicon.stopwords == frozenset({"on", "off", "yes", "no"})


def test_follow_up_word_lists_load_normalised(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        lexicon:
          followup_cues: [it, What About]
          pronouns: [it]
          swap_cues: [What About, how about]
        """)
    assert loaded.lexicon.followup_cues == frozenset({"it", "what about"})
    assert loaded.lexicon.pronouns == frozenset({"it"})
    assert loaded.lexicon.swap_cues == frozenset({"what about", "how about"})


def test_text_speak_loads_as_typed_word_and_spelling(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        lexicon:
          text_speak:
            you: [U, ya]
        """)
    assert loaded.lexicon.text_speak == (("u", "you"), ("ya", "you"))


def test_comparison_cues_load_as_single_words(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        lexicon:
          comparison_cues: [VS, Difference]
        """)
    assert loaded.lexicon.comparison_cues == frozenset({"vs", "difference"})


def test_true_and_false_are_booleans_and_refused_as_text(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: flag
            kind: smalltalk
            questions: [true]
            response: ok
        """, "must be a text")
    assert error.line == 4  # the line of the field at fault


def test_yaml_merge_keys_work(tmp_path: Path) -> None:
    loaded = load(tmp_path, """
        intents:
          - &base
            id: first
            kind: smalltalk
            questions: [hi]
            response: Hello.
          - <<: *base
            id: second
            questions: [hey]
        """)
    second = loaded.intents[1]
    assert (second.id, second.kind, second.questions, second.response) == ("second", "smalltalk", ("hey",), "Hello.")


# -- validation errors ------------------------------------------------------------------------------------


def test_unknown_key(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: ok
            kind: smalltalk
            questions: [hi]
            response: Hello.
          - id: typo
            question: [hi]
            cites: [x]
        """, "unknown key 'question' in intent")
    assert error.line == 7  # the line of the unknown key
    assert "allowed:" in error.problem


def test_missing_questions(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: nothing-asked
            cites: [somewhere]
        """, "intent 'nothing-asked' has no 'questions'")
    assert error.line == 2


def test_empty_questions(tmp_path: Path) -> None:
    fails(tmp_path, """
        intents:
          - id: empty
            questions: []
            cites: [somewhere]
        """, "'questions' must be a non-empty list of texts")


def test_missing_id(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - questions: [hi]
            cites: [somewhere]
        """, "intent has no 'id'")
    assert error.line == 2


def test_bad_id(tmp_path: Path) -> None:
    fails(tmp_path, """
        intents:
          - id: Has Spaces
            questions: [hi]
            cites: [somewhere]
        """, "use lower-case letters")


def test_bad_kind(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: odd
            kind: chitchat
            questions: [hi]
            response: Hello.
        """, "kind must be one of faq, smalltalk, safety, unanswerable")
    assert error.line == 3


def test_faq_without_cites(tmp_path: Path) -> None:
    fails(tmp_path, """
        intents:
          - id: uncited
            questions: [what is it]
        """, "faq intent 'uncited' must cite at least one section")


def test_smalltalk_without_response(tmp_path: Path) -> None:
    fails(tmp_path, """
        intents:
          - id: mute
            kind: smalltalk
            questions: [hi]
        """, "smalltalk intent 'mute' needs a 'response'")


def test_lead_only_on_faq(tmp_path: Path) -> None:
    fails(tmp_path, """
        intents:
          - id: chatty
            kind: smalltalk
            questions: [hi]
            response: Hello.
            lead: A lead.
        """, "only faq intents have a 'lead'")


def test_dangling_anchor(fixture_docs: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", """
        intents:
          - id: ok
            questions: [aphids]
            cites: [aphids-on-roses]
          - id: lost
            questions: [where is it]
            cites: [aphids-on-roses, no-such-section]
        """)
    with pytest.raises(ContentError, match="intent 'lost' cites 'no-such-section', which no section has") as excinfo:
        load_knowledge([fixture_docs], [path])
    assert str(excinfo.value).startswith(f"{path}:5: ")


def test_anchor_of_a_heading_without_text_is_dangling(fixture_docs: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", """
        intents:
          - id: parent
            questions: [watering]
            cites: [watering]
        """)
    with pytest.raises(ContentError, match="which no section has"):
        load_knowledge([fixture_docs], [path])


def test_duplicate_ids_across_files(fixture_docs: Path, tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", """
        intents:
          - id: aphids
            questions: [aphids]
            cites: [aphids-on-roses]
        """)
    second = write(tmp_path, "b.yaml", """
        intents:
          - id: slugs
            questions: [slugs]
            cites: [slugs-and-snails]
          - id: aphids
            questions: [greenfly]
            cites: [aphids-on-roses]
        """)
    with pytest.raises(ContentError) as excinfo:
        load_knowledge([fixture_docs], [tmp_path])
    error = excinfo.value
    assert (error.path, error.line) == (str(second), 5)
    assert f"duplicate intent id 'aphids' (first at {first}:2)" in error.problem


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: twice
            questions: [hi]
            questions: [hello]
            cites: [x]
        """, "duplicate key 'questions'")
    assert error.line == 4


def test_duplicate_top_level_keys(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents: []
        intents: []
        """, "duplicate key 'intents'")
    assert error.line == 2


def test_malformed_yaml(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: broken
            questions: [hi, "unclosed]
            cites: [x]
        """, "invalid YAML")
    assert error.line is not None and 3 <= error.line <= 5


def test_bad_indentation(tmp_path: Path) -> None:
    fails(tmp_path, "intents:\n  - id: a\n   questions: [hi]\n", "invalid YAML")


def test_tab_indentation(tmp_path: Path) -> None:
    fails(tmp_path, "intents:\n\t- id: a\n", "invalid YAML")


def test_a_list_or_mapping_as_key(tmp_path: Path) -> None:
    error = fails(tmp_path, """
        intents:
          - id: a
            ? [x, y]
            : 1
        """, "a key must be a plain word")
    assert error.line == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("intents:\n  - id: a\n    questions: 5\n    cites: [x]\n", "intent 'a': 'questions' must be a non-empty list"),
        ("intents:\n  - id: a\n    questions: {q: hi}\n    cites: [x]\n", "'questions' must be a non-empty list"),
        ("intents:\n  - id: a\n    questions: [[hi]]\n    cites: [x]\n", "must be a non-empty text"),
        ("intents:\n  - id: a\n    questions: [hi]\n    cites: {x: 1}\n", "'cites' must be a non-empty list"),
        ("intents:\n  - id: [a]\n    questions: [hi]\n    cites: [x]\n", "'id' must be a non-empty text"),
        ("intents:\n  - id: a\n    kind: smalltalk\n    questions: [hi]\n    response: [x]\n", "'response' must be a"),
        ("intents:\n  - just a string\n", "each intent must be a mapping"),
        ("intents:\n  id: a\n", "'intents' must be a list"),
        ("- id: a\n", "expected a mapping"),
        ("just text\n", "expected a mapping"),
        ("lexicon: [a, b]\n", "'lexicon' must be a mapping"),
        ("lexicon:\n  synonyms: [a, b]\n", "synonyms must map a word"),
        ("lexicon:\n  stopwords: 3\n", "'stopwords'"),
        ("lexicon:\n  stopwords: [the, right now]\n", "stopwords are single words, and 'right now' is not"),
        ("lexicon:\n  comparison_cues: [vs, compared to]\n", "comparison_cues are single words, and 'compared to'"),
        ("lexicon:\n  text_speak:\n    see you: [c u, cu]\n", "text_speak spells out single words, and 'c u' is not"),
        ("lexicon:\n  colours: [red]\n", "unknown key 'colours' in lexicon"),
        ("lexicon:\n  synonyms:\n    word: ['!!!']\n", "has no letters or digits"),
        ("questions: [hi]\n", "unknown top-level key 'questions'"),
    ],
)
def test_wrong_types(tmp_path: Path, text: str, problem: str) -> None:
    fails(tmp_path, text, problem)


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.yaml", "")
    with pytest.raises(ContentError, match="empty file") as excinfo:
        load_intent_file(path)
    assert str(excinfo.value).startswith(str(path))


def test_comments_only_is_an_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="empty file"):
        load_intent_file(write(tmp_path, "c.yaml", "# nothing yet\n"))


def test_python_object_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "was-run"
    error = fails(tmp_path, f"""
        intents:
          - id: evil
            kind: smalltalk
            questions: [hi]
            response: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ["{marker}"]]
        """, "invalid YAML")
    assert "python/object" in error.problem
    assert error.line == 5
    assert not marker.exists()


def test_python_name_tag_is_refused(tmp_path: Path) -> None:
    fails(tmp_path, "intents: !!python/name:os.system\n", "invalid YAML")


def test_non_utf8_intents_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("intents:\n  - id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not valid UTF-8") as excinfo:
        load_intent_file(path)
    assert excinfo.value.line == 2


def test_missing_intents_path(fixture_docs: Path, tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such file or folder") as excinfo:
        load_knowledge([fixture_docs], [tmp_path / "missing.yaml"])
    assert excinfo.value.path == str(tmp_path / "missing.yaml")


def test_folder_without_yaml(fixture_docs: Path, tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "intents: []\n")
    with pytest.raises(ContentError, match="holds no YAML"):
        load_knowledge([fixture_docs], [tmp_path])


def test_a_bad_file_leaves_no_half_loaded_bot(fixture_docs: Path, fixture_intents: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "intents:\n  - id: x\n    questions: [hi]\n")
    with pytest.raises(ContentError, match="must cite"):
        Chatbot.from_paths(documents=[fixture_docs], intents=[fixture_intents, bad])


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("cites", "{a: b}", "'cites' must be a non-empty list of texts"),
        ("lead", "[]", "'lead' must be a non-empty text"),
        ("suggestions", "[]", "'suggestions' must be a non-empty list of texts"),
        ("topic", "''", "'topic' must be a non-empty text"),
    ],
)
def test_a_bad_field_is_reported_on_its_own_line(tmp_path: Path, field: str, value: str, problem: str) -> None:
    """In a long intent, the line of the field at fault, not the line the intent starts on."""
    cites = "" if field == "cites" else "cites: [watering]"
    error = fails(tmp_path, f"""
        intents:
          - id: long-one
            questions:
              - how often should i water tomatoes
              - watering tomatoes
            {cites}
            {field}: {value}
        """, problem)
    assert error.line == 7
