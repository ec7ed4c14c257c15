"""The command line through main(argv, out=…), plus one real run of the installed `fibrochat` script."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fibrochat import __version__
from fibrochat.cli import main

TOMATO_QUOTE = "Tomatoes need deep watering about twice a week, more often in hot weather."


@pytest.fixture(scope="module")
def knowledge(fixture_docs: Path, fixture_intents: Path) -> list[str]:
    return ["--documents", str(fixture_docs), "--intents", str(fixture_intents)]


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, out=out)
    return status, out.getvalue()


def one_error_line(stderr: str) -> str:
    """stderr holds exactly one line, an error, and no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert re.match(r"fibrochat( [a-z]+)?: error: ", lines[0]), lines[0]
    return lines[0]


def test_ask_plain(knowledge: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, text = run(["ask", *knowledge, "how", "often", "should", "i", "water", "tomatoes?"])
    assert status == 0
    assert TOMATO_QUOTE in text
    assert "Source: A Small Guide to Garden Plants › Watering › How Often to Water Tomatoes" in text
    assert "not medical advice" in text
    assert "{" not in text
    assert capsys.readouterr().err == ""


def test_ask_json(knowledge: list[str]) -> None:
    status, text = run(["ask", *knowledge, "what eats aphids", "--json"])
    assert status == 0
    assert text.endswith("\n") and text.count("\n") == 1
    data = json.loads(text)
    assert list(data) == ["kind", "text", "citations", "disclaimer", "intent", "confidence", "suggestions"]
    assert data["kind"] == "answer"
    assert data["citations"][0]["section"] == ["Pests", "Aphids on Roses"]
    assert data["disclaimer"]


def test_options_before_the_command_count(knowledge: list[str]) -> None:
    status, text = run([*knowledge, "--json", "ask", "what eats aphids"])
    assert status == 0
    assert json.loads(text)["intent"] == "aphids"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"], out=io.StringIO()) == 0
    assert capsys.readouterr().out.strip() == f"fibrochat {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"], out=io.StringIO()) == 0
    shown = capsys.readouterr().out
    for command in ("ask", "eval", "check", "--documents", "--intents"):
        assert command in shown


@pytest.mark.parametrize("argv", [["--frobnicate"], ["ask"], ["ask", "q", "--bogus"], ["nonsense-command"]])
def test_bad_usage_is_exit_2_and_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv, out=io.StringIO()) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    one_error_line(captured.err)


def test_bad_intents_file_is_exit_2_with_file_and_line(
    fixture_docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("intents:\n  - id: a\n    questions: [hi\n", encoding="utf-8")
    status, text = run(["ask", "--documents", str(fixture_docs), "--intents", str(bad), "hello"])
    assert status == 2
    assert text == ""
    line = one_error_line(capsys.readouterr().err)
    assert f"{bad}:" in line
    assert line.split(f"{bad}:")[1].split(":")[0].isdigit()  # the line number
    assert "invalid YAML" in line


def test_bad_intents_given_before_the_command(fixture_docs: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "unknown-key.yaml"
    bad.write_text("intents:\n  - id: a\n    questoins: [hi]\n", encoding="utf-8")
    status, _ = run(["--documents", str(fixture_docs), "--intents", str(bad), "ask", "hello"])
    assert status == 2
    assert f"{bad}:3: unknown key 'questoins'" in one_error_line(capsys.readouterr().err)  # the key's own line


@pytest.mark.parametrize("command", [["ask", "hello"], ["check"], []])
def test_every_command_reports_broken_knowledge_in_one_line(
    fixture_docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello\n"), encoding="utf-8"))
    bad = tmp_path / "dup.yaml"
    bad.write_text("intents:\n  - id: a\n    id: b\n", encoding="utf-8")
    status, text = run([*command[:1], "--documents", str(fixture_docs), "--intents", str(bad), *command[1:]])
    assert status == 2
    assert text == ""
    assert f"{bad}:3: invalid YAML: duplicate key 'id'" in one_error_line(capsys.readouterr().err)


def test_missing_documents_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    status, _ = run(["ask", "--documents", str(missing), "--intents", str(missing), "hello"])
    assert status == 2
    assert f"{missing}: no such file or folder" in one_error_line(capsys.readouterr().err)


def test_error_line_cannot_carry_escape_sequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "evil\x1b[2J\x1b]0;title\x07\nname"
    status, _ = run(["ask", "--documents", str(hostile), "hello"])
    assert status == 2
    line = one_error_line(capsys.readouterr().err)
    assert "\x1b" not in line and "\x07" not in line
    assert "no such file or folder" in line


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


class _FullDisk(io.StringIO):
    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_closed_pipe_is_quiet(knowledge: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", *knowledge, "hello"], out=_ClosedPipe()) == 0
    assert capsys.readouterr().err == ""


def test_full_disk_is_one_line(knowledge: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", *knowledge, "hello"], out=_FullDisk()) == 1
    assert "No space left on device" in one_error_line(capsys.readouterr().err)


def test_installed_console_script_runs_from_another_folder(
    fixture_docs: Path, fixture_intents: Path, tmp_path: Path
) -> None:
    script = Path(sys.executable).parent / ("fibrochat.exe" if os.name == "nt" else "fibrochat")
    assert script.exists(), f"the console script is not installed next to {sys.executable}"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(script), "ask", "how often should i water tomatoes", "--json",
         "--documents", str(fixture_docs), "--intents", str(fixture_intents)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["kind"] == "answer"
    assert data["citations"][0]["quote"] == TOMATO_QUOTE
    assert list(tmp_path.iterdir()) == []


def test_only_a_process_of_its_own_freezes_the_loaded_knowledge(knowledge: list[str]) -> None:
    """run() (the command) takes the knowledge out of the cyclic collector's sight; main() in a host
    program leaves the host's collector alone."""
    import gc

    assert gc.get_freeze_count() == 0
    assert main(["ask", *knowledge, "hello"], out=io.StringIO()) == 0
    assert gc.get_freeze_count() == 0
    try:
        assert main(["ask", *knowledge, "hello"], out=io.StringIO(), own_process=True) == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_python_m_fibrochat_is_the_command(fixture_docs: Path, fixture_intents: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fibrochat", "ask", "what eats aphids", "--json",
         "--documents", str(fixture_docs), "--intents", str(fixture_intents)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "answer"
    bad = subprocess.run([sys.executable, "-m", "fibrochat", "--no-such-option"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("fibrochat: error: ")
