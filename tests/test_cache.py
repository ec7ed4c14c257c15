"""The opt-in cache of prepared knowledge (--cache): restored while current, rebuilt after an edit, owner-only."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

import fibrochat.cache
from fibrochat import Chatbot
from fibrochat.cache import CACHE_SUFFIX, cache_folder
from fibrochat.cli import main
from fibrochat.knowledge import Knowledge
from fibrochat.prepared import Prepared, prepare

QUESTION = "what eats aphids"


@pytest.fixture
def garden(fixture_docs: Path, fixture_intents: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the garden fixture that a test may edit."""
    docs, intents = tmp_path / "docs", tmp_path / "intents"
    shutil.copytree(fixture_docs, docs)
    shutil.copytree(fixture_intents, intents)
    return docs, intents


def _cached(garden: tuple[Path, Path], cache: Path) -> Chatbot:
    return Chatbot.from_paths(documents=[garden[0]], intents=[garden[1]], cache=cache)


def _must_not_build(*_: object) -> Prepared:
    raise AssertionError("built the index although the cache was current")


def test_the_first_start_writes_an_owner_only_cache_and_the_next_restores_it(
    garden: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = _cached(garden, cache).ask(QUESTION)
    (written,) = cache.iterdir()
    assert written.name.endswith(CACHE_SUFFIX)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    monkeypatch.setattr(fibrochat.cache, "prepare", _must_not_build)
    assert _cached(garden, cache).ask(QUESTION) == first


def test_an_edit_rebuilds_and_replaces_the_cache(garden: tuple[Path, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(garden, cache)
    article = garden[0] / "garden.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Ladybirds", "Lacewings"), encoding="utf-8")
    reply = _cached(garden, cache).ask(QUESTION)
    assert "Lacewings" in reply.text
    assert len(list(cache.iterdir())) == 1


def test_a_new_file_rebuilds_the_cache(garden: tuple[Path, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(garden, cache)
    (garden[0] / "more.md").write_text("# More about ponds\n\nFrogs eat slugs at night.\n", encoding="utf-8")
    assert "Frogs eat slugs" in _cached(garden, cache).ask("do frogs eat slugs").text
    assert len(list(cache.iterdir())) == 1


def test_a_damaged_cache_is_rebuilt(garden: tuple[Path, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _cached(garden, cache).ask(QUESTION)
    (written,) = cache.iterdir()
    written.write_bytes(written.read_bytes()[:100])
    assert _cached(garden, cache).ask(QUESTION) == first
    assert written.stat().st_size > 100


def test_a_cache_that_cannot_be_written_is_a_warning_not_an_error(garden: tuple[Path, Path], tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="cannot write the cache"):
        bot = _cached(garden, blocked / "cache")
    assert bot.ask(QUESTION).kind == "answer"


def test_the_packaged_knowledge_is_never_cached(tmp_path: Path) -> None:
    Chatbot.from_paths(cache=tmp_path / "cache")  # it has its snapshot
    assert not (tmp_path / "cache").exists()


def test_cli_cache_goes_to_the_user_cache_folder(
    garden: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "fibrochat"
    knowledge = ["--documents", str(garden[0]), "--intents", str(garden[1])]
    assert main(["ask", QUESTION, *knowledge]) == 0
    assert not (tmp_path / "xdg").exists()  # only when asked
    assert main(["ask", QUESTION, *knowledge, "--cache"]) == 0
    assert len(list((tmp_path / "xdg" / "fibrochat").iterdir())) == 1
    capsys.readouterr()
    shutil.rmtree(tmp_path / "xdg")
    (tmp_path / "xdg").write_text("in the way", encoding="utf-8")
    assert main(["ask", QUESTION, *knowledge, "--cache"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("fibrochat: note: cannot write the cache in ") and err.count("\n") == 1


def test_without_xdg_the_cache_is_under_home(tmp_path: Path) -> None:
    assert cache_folder({"XDG_CACHE_HOME": ""}) == Path("~/.cache/fibrochat").expanduser()
    assert cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "fibrochat"
    assert cache_folder({"XDG_CACHE_HOME": "relative/cache"}) == Path("~/.cache/fibrochat").expanduser()


def test_a_cache_others_could_have_written_is_not_read_back(
    garden: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    _cached(garden, cache)
    (written,) = cache.iterdir()
    written.chmod(0o666)  # restoring a pickle runs what it holds: only a file nobody else could write is trusted
    built: list[Knowledge] = []

    def counting_prepare(knowledge: Knowledge) -> Prepared:
        built.append(knowledge)
        return prepare(knowledge)

    monkeypatch.setattr(fibrochat.cache, "prepare", counting_prepare)
    assert _cached(garden, cache).ask(QUESTION).kind == "answer"
    assert len(built) == 1
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # and it was replaced by one that is


def test_a_cache_folder_may_start_with_a_tilde(
    garden: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    Chatbot.from_paths(documents=[garden[0]], intents=[garden[1]], cache="~/app-cache")
    assert len(list((tmp_path / "home" / "app-cache").iterdir())) == 1
