"""Piped mode (stdin not a terminal): one question per line, one conversation, plain text or JSON Lines.

Run through the installed `fibrochat` script in a subprocess, as `echo … | fibrochat` would.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.batch import read_questions, run_batch

SCRIPT = Path(sys.executable).parent / ("fibrochat.exe" if os.name == "nt" else "fibrochat")
APHID_SOURCE = "Source: A Small Guide to Garden Plants › Pests › Aphids on Roses"
KEYS = {"kind", "text", "citations", "disclaimer", "intent", "confidence", "suggestions"}
CITATION_KEYS = {"document", "section", "anchor", "quote"}


def pipe(stdin: bytes, *options: str, knowledge: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "NO_COLOR")}
    return subprocess.run(
        [str(SCRIPT), *options, *knowledge], input=stdin, cwd=cwd, env=env,
        capture_output=True, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def knowledge(fixture_docs: Path, fixture_intents: Path) -> list[str]:
    return ["--documents", str(fixture_docs), "--intents", str(fixture_intents)]


def test_plain_answers_each_line_in_one_conversation(knowledge: list[str], tmp_path: Path) -> None:
    result = pipe(b"what eats aphids\nare they insects\n", knowledge=knowledge, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    out = result.stdout.decode("utf-8")
    assert out.startswith("> what eats aphids\n")
    assert "\n> are they insects\n" in out
    second = out.split("> are they insects")[1]
    assert "follow-up about aphids" in second
    assert out.count(APHID_SOURCE) == 2
    assert "Information only, not medical advice." in out
    assert "\x1b" not in out
    assert list(tmp_path.iterdir()) == []


def test_json_lines_have_the_public_shape(knowledge: list[str], tmp_path: Path) -> None:
    result = pipe(b"what eats aphids\n\nare they insects\nxyzzy plugh\n", "--json", knowledge=knowledge, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3  # the blank line is skipped
    replies = [json.loads(line) for line in lines]
    assert all(set(reply) == KEYS for reply in replies)
    assert [reply["kind"] for reply in replies] == ["answer", "answer", "fallback"]
    assert replies[1]["citations"][0]["anchor"] == "aphids-on-roses"
    assert set(replies[0]["citations"][0]) == CITATION_KEYS
    assert replies[0]["citations"][0]["section"] == ["Pests", "Aphids on Roses"]
    assert replies[2]["citations"] == [] and replies[2]["suggestions"]


def test_invalid_utf8_and_empty_input_do_not_crash(knowledge: list[str], tmp_path: Path) -> None:
    result = pipe(b"\xff\xfe what eats \xc3 aphids\r\n\x00\n", knowledge=knowledge, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == b""
    assert "\ufffd" in result.stdout.decode("utf-8")
    empty = pipe(b"", knowledge=knowledge, cwd=tmp_path)
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, b"", b"")


def test_piped_mode_never_loads_prompt_toolkit() -> None:
    code = (
        "import sys, io, fibrochat, fibrochat.cli, fibrochat.batch\n"
        "from fibrochat.cli import main\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'hello\\n'))\n"
        "main([])\n"
        "assert not any(m.startswith('prompt_toolkit') for m in sys.modules), 'prompt_toolkit was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_run_batch_reads_text_streams_too(garden_bot: Chatbot) -> None:
    out = io.StringIO()
    assert run_batch(garden_bot, io.StringIO("\ufeffwhat eats aphids\n   \n"), out) == 0
    assert out.getvalue().startswith("> what eats aphids\n")
    assert APHID_SOURCE in out.getvalue()


def test_read_questions_skips_blank_lines_and_a_byte_order_mark() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfone\n\n  two  \r\nthree"), encoding="utf-8")
    assert list(read_questions(stream)) == ["one", "two", "three"]
