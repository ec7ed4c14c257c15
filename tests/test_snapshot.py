"""The packaged knowledge's snapshot: restored only while it matches what is installed, and answering alike.

These use the packaged knowledge on purpose: the snapshot exists only for it.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fibrochat.engine
from fibrochat import Chatbot, snapshot
from fibrochat.knowledge import load_knowledge
from fibrochat.prepared import EXTRA_KEYS, Prepared
from fibrochat.resources import PACKAGE_FOLDER, documents_folder, intents_folder

# our own questions, one per kind of reply: answer, follow-up, smalltalk, fallback, safety, typo, brand
TURNS = (
    "is fibromyalgia autoimmune?",
    "and what does it mean for treatment?",
    "hello there",
    "how do I fix my car's gearbox?",
    "I want to end my life",
    "what is lowdose naltrexon",
    "could Humira help me?",
    "how much LDN should I take",
)


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("snapshot") / "knowledge.snapshot")
    snapshot.write(path)
    return path


@pytest.fixture
def content_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The packaged documents and intents copied to a temp folder, which the fingerprint then reads."""
    copy = tmp_path / "content"
    shutil.copytree(documents_folder(), copy / "documents")
    shutil.copytree(intents_folder(), copy / "intents")
    monkeypatch.setattr(snapshot, "documents_folder", lambda: str(copy / "documents"))
    monkeypatch.setattr(snapshot, "intents_folder", lambda: str(copy / "intents"))
    return copy


def _transcript(bot: Chatbot) -> list[dict[str, object]]:
    conversation = bot.conversation()
    return [conversation.ask(turn).to_dict() for turn in TURNS]


def test_a_restored_bot_answers_exactly_as_a_freshly_built_one(
    snapshot_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = Chatbot(load_knowledge(extra_keys=EXTRA_KEYS))
    monkeypatch.setattr(snapshot, "SNAPSHOT_FILE", snapshot_file)
    monkeypatch.setattr(fibrochat.engine, "prepare", _must_not_build)
    restored = Chatbot()
    assert _transcript(restored) == _transcript(built)


def _must_not_build(*_: object) -> Prepared:
    raise AssertionError("built the index although a current snapshot was there")


def test_the_region_is_applied_to_a_restored_bot(snapshot_file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built = Chatbot(load_knowledge(extra_keys=EXTRA_KEYS), region="uk")
    monkeypatch.setattr(snapshot, "SNAPSHOT_FILE", snapshot_file)
    restored = Chatbot(region="uk")
    assert restored.safety.region.id == built.safety.region.id != Chatbot().safety.region.id
    assert restored.ask("I want to end my life").text == built.ask("I want to end my life").text
    assert Chatbot(region="atlantis").safety.region_note  # unknown: the default numbers, with a note


def test_editing_the_content_makes_the_snapshot_stale(content_copy: Path, tmp_path: Path) -> None:
    path = str(tmp_path / "knowledge.snapshot")
    snapshot.write(path)
    assert snapshot.restore(path) is not None
    lexicon = content_copy / "intents" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert snapshot.restore(path) is None


def test_a_new_content_file_makes_the_snapshot_stale(content_copy: Path, tmp_path: Path) -> None:
    path = str(tmp_path / "knowledge.snapshot")
    snapshot.write(path)
    (content_copy / "documents" / "another.md").write_text("# Another\n\nText.\n", encoding="utf-8")
    assert snapshot.restore(path) is None


@pytest.mark.parametrize("damage", ["missing", "truncated", "not a snapshot", "another object"])
def test_a_missing_or_damaged_snapshot_means_building(damage: str, snapshot_file: str, tmp_path: Path) -> None:
    path = tmp_path / "knowledge.snapshot"
    stored = Path(snapshot_file).read_bytes()
    if damage == "truncated":
        path.write_bytes(stored[: len(stored) // 2])
    elif damage == "not a snapshot":
        path.write_bytes(b"hello")
    elif damage == "another object":
        path.write_bytes(snapshot.fingerprint() + pickle.dumps({"not": "prepared"}))
    assert snapshot.restore(str(path)) is None


def test_a_damaged_snapshot_still_gives_a_working_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "knowledge.snapshot"
    damaged.write_bytes(snapshot.fingerprint() + b"\x80\x05garbage")
    monkeypatch.setattr(snapshot, "SNAPSHOT_FILE", str(damaged))
    assert Chatbot().ask("is fibromyalgia autoimmune?").kind == "answer"


def test_writing_replaces_the_file_whole(snapshot_file: str) -> None:
    assert not list(Path(snapshot_file).parent.glob("*.partial"))
    assert snapshot.restore(snapshot_file) is not None


@pytest.mark.skipif("site-packages" not in PACKAGE_FOLDER, reason="a source checkout builds no snapshot")
def test_an_installed_wheel_carries_a_current_snapshot() -> None:
    """`pip install .` (as in .ci/run) writes the snapshot at build time; the installed one must be current."""
    assert Path(snapshot.SNAPSHOT_FILE).is_file()
    assert snapshot.restore() is not None


def test_a_restored_bot_starts_without_the_yaml_loader_or_prompt_toolkit(snapshot_file: str) -> None:
    """What `fibrochat ask` imports is most of its start-up time: restoring must not pull in the loaders."""
    code = (
        "import sys; import fibrochat.snapshot as s; s.SNAPSHOT_FILE = sys.argv[1]; "
        "from fibrochat.cli import main; main(['ask', 'is fibromyalgia autoimmune?']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'prompt_toolkit') "
        "or m in ('fibrochat.documents', 'fibrochat.intents', 'fibrochat.yamlfile')))"
    )
    result = subprocess.run([sys.executable, "-c", code, snapshot_file], capture_output=True, text=True, check=True)
    assert "Source:" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
