"""The code stays as the project promises: mypy --strict and ruff clean, every command and option documented."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fibrochat.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.skipif(shutil.which("ruff", path=str(Path(sys.executable).parent)) is None, reason="ruff not installed")
def test_ruff_is_clean() -> None:
    result = _run(str(Path(sys.executable).parent / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy")  # files and --strict come from pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_is_in_the_readme() -> None:
    commands = _subcommands()
    assert set(commands) >= {"ask", "eval", "check"}
    for name in commands:
        assert re.search(rf"fibrochat {name}\b", README), f"`fibrochat {name}` is not documented in README.md"


def test_every_option_is_in_the_readme() -> None:
    parsers = [build_parser(), *_subcommands().values()]
    options = {
        option
        for parser in parsers
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option not in ("--help", "--version")
    }
    missing = sorted(option for option in options if option not in README)
    assert not missing, f"options not documented in README.md: {missing}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python3 -m venv .venv && .venv/bin/pip install ".[test]" && .venv/bin/pytest'
    assert command in README, "the README's quick start lost its test command"
    assert command in ci.splitlines(), ".ci/run must run exactly the README's test command"
