"""The command line: `fibrochat` (chat), `ask`, `eval`, `check`. main(argv) returns the exit status.

Exit status: 0 done; 1 a check or eval that found problems; 2 bad usage or knowledge that cannot be
loaded (one line on stderr naming the file, the line and the problem; never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from . import __version__
from .engine import Chatbot
from .errors import FibrochatError
from .render import json_line, render_reply, terminal_columns, terminal_width
from .text import printable

PROG = "fibrochat"
REGION_ENV = "FIBROCHAT_REGION"


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized without shutil: argparse makes one for every option it adds."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns(sys.stdout) - 2)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _knowledge_options(default: object = None) -> _Parser:
    """--documents/--intents; a command's copy defaults to SUPPRESS so it keeps options given before it."""
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("knowledge")
    group.add_argument(
        "--documents", action="append", metavar="PATH", default=default,
        help="a Markdown file or a folder of them; repeatable; replaces the packaged documents",
    )
    group.add_argument(
        "--intents", action="append", metavar="PATH", default=default,
        help="a YAML file or a folder of them; repeatable; replaces the packaged intents",
    )
    group.add_argument(
        "--cache", action="store_true", default=default if default is argparse.SUPPRESS else False,
        help="with --documents/--intents: keep them prepared in your cache folder ($XDG_CACHE_HOME/fibrochat, "
        "else ~/.cache/fibrochat) so later starts are quicker; it holds the knowledge only, never a question",
    )
    group.add_argument(
        "--region", metavar="CODE", default=default,
        help="where you are, for the emergency and crisis numbers in safety replies: intl, us, ca, uk, ie, eu, "
        f"au, nz (default: ${REGION_ENV} if set, else intl, the international numbers)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    knowledge = _knowledge_options()
    command_knowledge = _knowledge_options(argparse.SUPPRESS)  # `fibrochat --intents X ask …` keeps X
    parser = _Parser(
        prog=PROG,
        parents=[knowledge],
        description="Answers questions about fibromyalgia by quoting curated sources, with where each quote "
        "comes from. Information only, not medical advice. With no command: the chat (or, with piped input, "
        "one answer per line).",
        epilog="Examples:  fibrochat    |    fibrochat ask \"is fibromyalgia autoimmune?\"    |    "
        "echo \"what is LDN\" | fibrochat --json",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--json", action="store_true", help="piped input: print one JSON reply per line")
    parser.add_argument(
        "--history", metavar="FILE",
        help="chat: keep typed questions in FILE, created owner-only (default: $FIBROCHAT_HISTORY if set, "
        "else in memory only)",
    )
    parser.add_argument("--no-color", action="store_true", help="chat: no colours (NO_COLOR is honoured too)")
    # prog given: otherwise argparse formats a usage line to work it out
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog=PROG)

    ask = commands.add_parser("ask", parents=[command_knowledge], help="answer one question and exit")
    ask.add_argument("question", nargs="+", help="the question (quote it, or just type the words)")
    ask.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the reply as JSON")

    evaluate = commands.add_parser(
        "eval", parents=[command_knowledge], help="measure answers on a labelled question file"
    )
    evaluate.add_argument("file", help="YAML list of labelled cases")
    evaluate.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the figures as JSON")

    commands.add_parser("check", parents=[command_knowledge], help="lint the knowledge: schema, anchors, reachability")
    return parser


def load_bot(args: argparse.Namespace) -> Chatbot:
    """The bot the options ask for; in a process of its own (see run()), its knowledge is then frozen."""
    region = getattr(args, "region", None) or os.environ.get(REGION_ENV, "").strip() or None
    cache = None
    if getattr(args, "cache", False):
        from .cache import cache_folder

        cache = cache_folder()
    with warnings.catch_warnings(record=True) as caught:  # a cache that cannot be written: say so in one line
        warnings.simplefilter("always", RuntimeWarning)
        bot = Chatbot.from_paths(documents=args.documents, intents=args.intents, region=region, cache=cache)
    for warning in caught:
        print(f"{PROG}: note: {printable(str(warning.message))}", file=sys.stderr)
    if bot.safety.region_note:  # never an error: say so once, and use the default numbers
        known = ", ".join(r.id for r in bot.safety.regions)
        print(f"{PROG}: note: unknown region {region!r}, using {bot.safety.region.id} ({known})", file=sys.stderr)
    if getattr(args, "own_process", False):
        # The knowledge lives as long as the process, and holds no garbage: take it out of the cyclic
        # collector's sight. A full collection over 100,000 passages takes ~140 ms, during the chat and
        # several times over at exit; a host program calling main() keeps its collector as it was.
        gc.freeze()
    return bot


def run_ask(args: argparse.Namespace, out: TextIO) -> int:
    bot = load_bot(args)
    reply = bot.ask(" ".join(args.question))
    if args.json:
        out.write(json_line(reply.to_dict()) + "\n")
    else:
        out.write(render_reply(reply, footer=bot.messages.disclaimer_short, width=terminal_width(out)) + "\n")
    return 0


def run_eval(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluation import evaluate, format_report, load_cases

    bot = load_bot(args)
    report = evaluate(bot, load_cases(args.file))
    if args.json:
        import json

        out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_report(report) + "\n")
    return 0 if not report.failures else 1


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    from .lint import format_findings, lint

    bot = load_bot(args)
    findings = lint(bot)
    out.write(format_findings(findings) + "\n")
    return 1 if any(f.level == "error" for f in findings) else 0


def run_default(args: argparse.Namespace, out: TextIO) -> int:
    bot = load_bot(args)
    if sys.stdin is not None and sys.stdin.isatty() and out.isatty() and not args.json:
        return _run_chat(bot, args, out)
    from .batch import run_batch

    return run_batch(bot, sys.stdin, out, as_json=args.json)


def _run_chat(bot: Chatbot, args: argparse.Namespace, out: TextIO) -> int:
    """The chat: its first screen at once, then prompt_toolkit (slow to import) takes over from it."""
    from .chat_start import FirstScreen, options_from

    options = options_from(args)
    # Windows consoles take escape sequences only once prompt_toolkit has switched them on: no first screen there
    screen = FirstScreen(bot, options, out, sys.stdin.fileno()) if os.name == "posix" else None
    with screen or contextlib.nullcontext():
        from .repl import run_session

        return run_session(bot, options, first_screen=screen)


def run() -> NoReturn:
    """The `fibrochat` command and `python -m fibrochat`: main() in a process of its own, then exit."""
    sys.exit(main(own_process=True))


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, own_process: bool = False) -> int:
    """Run the command line; returns the exit status instead of exiting.

    `own_process`: nothing else runs in this interpreter (see run()), so the loaded knowledge may be
    frozen out of the cyclic garbage collector's sight.
    """
    out = out if out is not None else sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    args.own_process = own_process
    handlers = {"ask": run_ask, "eval": run_eval, "check": run_check, None: run_default}
    _tolerant_streams()
    try:
        status = handlers[args.command](args, out)
        out.flush()  # a closed pipe or a full disk shows up here, not as a traceback at exit
        return status
    except FibrochatError as error:
        _error(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `fibrochat … | head`: the reader has all it wants
        _silence(out)
        return 0
    except OSError as error:
        _error(f"cannot write the output: {error.strerror or error}")
        return 1


def _error(message: str) -> None:
    """One line on stderr; a file name or YAML snippet in it cannot send escape sequences to the terminal."""
    line = " ".join(printable(message).split("\n"))
    with contextlib.suppress(OSError, ValueError):
        print(f"{PROG}: error: {line}", file=sys.stderr)


def _tolerant_streams() -> None:
    """Invalid UTF-8 on stdin, or a terminal that cannot show “curly quotes”, must not crash a reply."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


def _silence(out: TextIO) -> None:
    """Point stdout at /dev/null so Python's final flush does not complain about the closed pipe."""
    if out is not sys.stdout:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
