"""The packaged knowledge, prepared ahead of time: restoring it takes a few milliseconds, building it ~50.

The snapshot is a pickle of `Prepared` for the packaged knowledge, written beside the package's code when
fibrochat is installed (see setup.py), or when a person calls `write()`; never as a side effect of a
question: nothing goes to disk unasked. It is trusted as the code beside it is, and used only while its
fingerprint (a hash of the packaged content, of fibrochat's own code and of the Python version) matches
what is installed: edit an article or an intent, and the bot is built from the sources again, exactly as
if there were no snapshot. The opt-in cache (cache.py) stores and restores the same way.
"""

from __future__ import annotations

import contextlib
import os
import sys
from _pickle import load  # pickle.py's pure-Python half is not needed to read, only slower to import
from collections.abc import Iterable

try:  # hashlib's import starts OpenSSL, milliseconds of every start; the built-in BLAKE2 needs none of it
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

from .knowledge import gc_paused
from .prepared import Prepared
from .resources import PACKAGE_FOLDER, documents_folder, intents_folder

SNAPSHOT_FILE = os.path.join(PACKAGE_FOLDER, "knowledge.snapshot")
_FORMAT = b"fibrochat snapshot 1\n"
_DIGEST_SIZE = 32


def fingerprint() -> bytes:
    """The packaged knowledge's fingerprint: its content, fibrochat's code, the Python version, the format."""
    return digest_of(packaged_inputs())


def digest_of(content: Iterable[tuple[str, str]]) -> bytes:
    """A hash of fibrochat's own modules and of the (name, path) content files given, in their order."""
    digest = blake2b(_FORMAT, digest_size=_DIGEST_SIZE)
    digest.update(f"{sys.implementation.cache_tag}\n".encode())
    for name, path in [*_code_inputs(), *content]:
        with open(path, "rb") as file:
            data = file.read()
        digest.update(f"{name}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.digest()


def _code_inputs() -> list[tuple[str, str]]:
    names = sorted(name for name in os.listdir(PACKAGE_FOLDER) if name.endswith(".py"))
    return [(f"code/{name}", os.path.join(PACKAGE_FOLDER, name)) for name in names]


def packaged_inputs() -> list[tuple[str, str]]:
    """(name, path) of every packaged document and intents file, in a fixed order.

    Names are relative to their folder, so a checkout and an installed wheel with the same files agree.
    """
    inputs: list[tuple[str, str]] = []
    for label, folder in (("documents", documents_folder()), ("intents", intents_folder())):
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    path = os.path.join(root, name)
                    inputs.append((f"{label}/{os.path.relpath(path, folder)}", path))
    return inputs


def restore(path: str | None = None, expected: bytes | None = None) -> Prepared | None:
    """The prepared knowledge stored at `path` (default: the packaged snapshot), or None when there is none or
    it was made from other content or code than `expected` says (default: the packaged knowledge's fingerprint)."""
    try:
        file = open(path or SNAPSHOT_FILE, "rb")  # noqa: SIM115 - closed below, on every path
    except OSError:
        return None
    with file:
        if file.read(_DIGEST_SIZE) != (expected if expected is not None else fingerprint()):
            return None
        try:
            with gc_paused():
                prepared = load(file)  # from the file as it is read: a large library is not held twice
        except Exception:  # a damaged file only means building from the sources
            return None
    return prepared if isinstance(prepared, Prepared) else None


def store(path: str, prepared: Prepared, made_from: bytes, *, mode: int = 0o644) -> None:
    """Write `prepared` to `path` under its fingerprint, whole or not at all (a cache passes mode 0o600)."""
    import pickle

    partial = f"{path}.{os.getpid()}.partial"  # two processes filling one cache never write the same file
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(made_from)
            pickle.dump(prepared, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except BaseException:  # a full disk, Ctrl-C: leave nothing half-written behind
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise


def write(path: str | None = None) -> None:
    """Prepare the packaged knowledge and store it at `path` (default: beside the package's code)."""
    from .knowledge import load_knowledge
    from .prepared import EXTRA_KEYS, prepare

    made_from = fingerprint()  # before reading the content: an edit meanwhile makes the snapshot stale, not wrong
    store(path or SNAPSHOT_FILE, prepare(load_knowledge(extra_keys=EXTRA_KEYS)), made_from)
