"""Private by default: asking (library, CLI, piped CLI) writes no file, opens no socket, logs no question.

Two nets: HOME, the XDG folders, TMPDIR and the working folder point into an empty temp folder that
must stay empty; and a Python audit hook fails the test on any file opened for writing, any folder made,
any file removed or renamed, and any socket, wherever it is.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import fibrochat.batch  # noqa: F401 - imported up front: a first import may write bytecode
from fibrochat import Chatbot
from fibrochat.cli import main

QUESTION = "is fibromyalgia autoimmune? my private question 7f3a"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_FORBIDDEN = {
    "os.mkdir", "os.rmdir", "os.remove", "os.rename", "os.link", "os.symlink", "os.truncate", "os.chmod",
    "os.chown", "os.utime", "shutil.copyfile", "shutil.move", "shutil.rmtree", "tempfile.mkstemp",
    "tempfile.mkdtemp", "sqlite3.connect", "socket.__new__", "socket.connect", "socket.bind",
    "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "urllib.Request", "http.client.connect",
    "subprocess.Popen", "os.system",
}


class PrivacyError(Exception):
    """Raised inside the audit hook so the offending call never happens."""


class _Watch:
    """An audit hook that records (and stops) writes and network use while it is active."""

    def __init__(self) -> None:
        self.active = False
        self.seen: list[str] = []

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = args
            writing = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
            if writing or (isinstance(mode, str) and any(c in mode for c in "wax+")):
                self._stop(f"open {path!r} for writing")
        elif event in _FORBIDDEN:
            self._stop(f"{event} {args!r}")

    def _stop(self, what: str) -> None:
        self.seen.append(what)
        raise PrivacyError(what)


_WATCH = _Watch()
sys.addaudithook(_WATCH)  # cannot be removed; it only acts while _WATCH.active


@pytest.fixture
def private_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME, XDG folders, TMPDIR and cwd all in one empty folder; fails if anything is written or sent."""
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "TMPDIR"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("FIBROCHAT_HISTORY", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.chdir(tmp_path)
    _WATCH.seen.clear()
    _WATCH.active = True
    try:
        yield tmp_path
    finally:
        _WATCH.active = False
    assert _WATCH.seen == []
    written = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


def piped(text: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")


def test_library_ask_writes_nothing(private_world: Path) -> None:
    bot = Chatbot()
    bot.ask(QUESTION)
    conversation = bot.conversation()
    for question in (QUESTION, "how does it work?", "hello", "", "x" * 5000):
        conversation.ask(question)
    conversation.reset()


def test_cli_ask_writes_nothing(private_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", QUESTION]) == 0
    assert main(["ask", QUESTION, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.count("\n") > 2


def test_piped_cli_writes_nothing(
    private_world: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in ([], ["--json"]):
        monkeypatch.setattr(sys, "stdin", piped(f"{QUESTION}\nhow does it work?\nthanks\n"))
        assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_bad_knowledge_writes_nothing(private_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--intents", str(private_world / "missing.yaml"), QUESTION]) == 2
    assert QUESTION not in capsys.readouterr().err


def test_no_question_text_in_logs(caplog: pytest.LogCaptureFixture, garden_bot: Chatbot) -> None:
    caplog.set_level(logging.DEBUG)
    garden_bot.ask(QUESTION)
    garden_bot.conversation().ask(QUESTION)
    main(["ask", QUESTION], out=io.StringIO())
    assert "7f3a" not in caplog.text


def test_the_watch_really_catches_writes_and_sockets(private_world: Path) -> None:
    """The net has holes if it cannot catch these; each is stopped before it happens."""
    attempts: list[Callable[[], object]] = [
        lambda: (private_world / "leak.txt").write_text("x"),
        lambda: os.open(private_world / "leak2", os.O_WRONLY | os.O_CREAT),
        lambda: (private_world / "made").mkdir(),
        lambda: __import__("socket").create_connection(("127.0.0.1", 9), timeout=0.01),
        lambda: __import__("socket").getaddrinfo("example.org", 80),
    ]
    for attempt in attempts:
        with pytest.raises(PrivacyError):
            attempt()
    assert len(_WATCH.seen) == len(attempts)
    _WATCH.seen.clear()
