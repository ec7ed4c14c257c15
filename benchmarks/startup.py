"""Whole-process measures: `fibrochat ask …` against the bare import floor, and the chat's first prompt.

Both run the real installed program in child processes, several times, interleaved, and keep the
median, so a slow first run (cold file cache) or a busy moment does not decide the figure.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fibrochat.chat_start import PROMPT as CHAT_PROMPT

from .measure import median

FLOOR_CODE = "import yaml, rapidfuzz"
ASK_QUESTION = "is fibromyalgia autoimmune?"
_RENDERED = b"\x1b[?2004h"  # prompt_toolkit switches bracketed paste on as it draws its first screen
_CURSOR_QUERY = b"\x1b[6n"  # a terminal answers with the cursor position; tmux and xterm do
PROMPT_FLOOR_CODE = "from prompt_toolkit import PromptSession; PromptSession().prompt('> ')"
_PROMPT_TIMEOUT_S = 10.0
_QUIET_S = 1.0


def fibrochat_command() -> list[str]:
    """The installed `fibrochat` script beside this interpreter (same interpreter as the floor)."""
    script = Path(sys.executable).parent / "fibrochat"
    return [str(script)] if script.exists() else [sys.executable, "-m", "fibrochat"]


@dataclass(frozen=True, slots=True)
class ProcessTimes:
    """Median wall-clock seconds of each command, from interleaved runs."""

    ask_s: float
    floor_s: float
    runs: int
    command: str

    @property
    def ratio(self) -> float:
        return self.ask_s / self.floor_s


def _run_once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}: {message[-1] if message else ''}")
    return elapsed


def process_times(runs: int, cwd: Path) -> ProcessTimes:
    """Time `fibrochat ask QUESTION` and `python -c FLOOR_CODE`, alternating, after one warm-up each."""
    ask = [*fibrochat_command(), "ask", ASK_QUESTION]
    floor = [sys.executable, "-c", FLOOR_CODE]
    _run_once(ask, cwd)
    _run_once(floor, cwd)
    ask_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(runs):
        floor_times.append(_run_once(floor, cwd))
        ask_times.append(_run_once(ask, cwd))
    return ProcessTimes(median(ask_times), median(floor_times), runs, " ".join(ask))


def snapshot_is_current(scratch: Path) -> bool:
    """Whether the installed fibrochat (as the `fibrochat` script sees it) restores its knowledge snapshot.

    Run from `scratch`, not the checkout, so that the installed package is the one asked.
    """
    code = "from fibrochat import snapshot; print(snapshot.restore() is not None)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=scratch, capture_output=True, text=True, check=False)
    return completed.stdout.strip() == "True"


@dataclass(frozen=True, slots=True)
class FirstPrompt:
    """Median seconds from spawning the chat in a pseudo-terminal to its first prompt, or why not measured.

    `seconds`: the prompt is on the screen and keys typed from then on are kept (fibrochat draws it before
    prompt_toolkit has loaded); `editor_seconds`: prompt_toolkit has drawn its own (completion, history).
    """

    seconds: float | None
    editor_seconds: float | None
    runs: int
    how: str


def chat_available() -> bool:
    """Whether the chat module exists yet (it is being written separately)."""
    try:
        return importlib.util.find_spec("fibrochat.repl") is not None
    except (ImportError, ValueError):
        return False


def _one_prompt(command: list[str], cwd: Path, prompt_text: bytes | None) -> tuple[float, float, str]:
    """Seconds to `prompt_text` (None: to prompt_toolkit's first screen) and to prompt_toolkit's first screen."""
    import pexpect

    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    start = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], cwd=str(cwd), env=env, dimensions=(24, 80))
    seen = b""
    prompt_at: float | None = None
    try:
        while True:
            if time.perf_counter() - start > _PROMPT_TIMEOUT_S:
                raise RuntimeError(f"no prompt within {_PROMPT_TIMEOUT_S:.0f} s")
            try:
                chunk = child.read_nonblocking(65536, timeout=_QUIET_S)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                raise RuntimeError("the program ended before showing a prompt") from None
            arrived = time.perf_counter()
            seen += chunk
            if _CURSOR_QUERY in chunk:
                child.send(b"\x1b[1;1R")  # answer like a real terminal does
            if prompt_at is None and prompt_text is not None and prompt_text in seen:
                prompt_at = arrived
            if _RENDERED in seen:
                editor_at = arrived
                if prompt_at is None:
                    if prompt_text is not None:
                        raise RuntimeError(f"prompt_toolkit drew its screen, but {prompt_text.decode()!r} never showed")
                    prompt_at = editor_at
                how = "prompt_toolkit drew its first screen" if prompt_text is None else (
                    f"{prompt_text.decode()!r} appeared; keys typed from then on are kept"
                )
                return prompt_at - start, editor_at - start, how
    finally:
        try:
            child.sendcontrol("d")
            child.expect(pexpect.EOF, timeout=3)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError):
            pass
        child.close(force=True)


def first_prompt(runs: int, cwd: Path, prompt_text: str | None = None, *, floor: bool = False) -> FirstPrompt:
    """Spawn the chat in a pseudo-terminal `runs` times (after one warm-up) and time its first prompt.

    With `floor`, time a bare prompt_toolkit `PromptSession().prompt()` instead: the least any
    prompt_toolkit chat can take on this machine.
    """
    if not floor and not chat_available():
        return FirstPrompt(None, None, 0, "n/a: fibrochat/repl.py does not exist yet")
    try:
        import pexpect  # noqa: F401 - in the test extra; without it there is no pseudo-terminal
    except ImportError:
        return FirstPrompt(None, None, 0, "n/a: pexpect is not installed")
    command = [sys.executable, "-c", PROMPT_FLOOR_CODE] if floor else fibrochat_command()
    wanted = None if floor else (prompt_text or CHAT_PROMPT).encode()
    prompts: list[float] = []
    editors: list[float] = []
    how = ""
    try:
        _one_prompt(command, cwd, wanted)
        for _ in range(runs):
            prompt_s, editor_s, how = _one_prompt(command, cwd, wanted)
            prompts.append(prompt_s)
            editors.append(editor_s)
    except (RuntimeError, OSError) as error:
        return FirstPrompt(None, None, len(prompts), f"n/a: {error}")
    return FirstPrompt(median(prompts), median(editors), runs, how)
