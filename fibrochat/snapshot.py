"""The packaged knowledge, prepared ahead of time: restoring it takes a few milliseconds, building it ~60.

The snapshot is a pickle of `Prepared` for the packaged knowledge, written beside the package's code when
the wheel is built (see setup.py), or when a person calls `write()`. It is
never written as a side effect of a question: nothing goes to disk unasked. It is trusted as the code
beside it is, and used only while its fingerprint (a hash of the packaged content, of fibrochat's own code
and of the Python version) matches what is installed: edit an article or an intent, and the bot is built
from the sources again, exactly as if there were no snapshot.
"""

from __future__ import annotations

import os
import sys
from _pickle import loads  # pickle.py's pure-Python half is not needed to read, only slower to import

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
    """A hash of everything a prepared bot is made from: content, code, Python version and snapshot format."""
    digest = blake2b(_FORMAT, digest_size=_DIGEST_SIZE)
    digest.update(f"{sys.implementation.cache_tag}\n".encode())
    for name, path in _inputs():
        with open(path, "rb") as file:
            content = file.read()
        digest.update(f"{name}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.digest()


def _inputs() -> list[tuple[str, str]]:
    """(name, path) of the package's modules and of every packaged document and intents file, in a fixed order.

    Names are relative to their folder, so a checkout and an installed wheel with the same files agree.
    """
    found = [(name, os.path.join(PACKAGE_FOLDER, name)) for name in sorted(os.listdir(PACKAGE_FOLDER))]
    inputs = [(f"code/{name}", path) for name, path in found if name.endswith(".py")]
    for label, folder in (("documents", documents_folder()), ("intents", intents_folder())):
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    path = os.path.join(root, name)
                    inputs.append((f"{label}/{os.path.relpath(path, folder)}", path))
    return inputs


def restore(path: str | None = None) -> Prepared | None:
    """The prepared packaged knowledge, or None when there is no snapshot or it is not for what is installed."""
    try:
        with open(path or SNAPSHOT_FILE, "rb") as file:
            stored = file.read()
    except OSError:
        return None
    if stored[:_DIGEST_SIZE] != fingerprint():
        return None
    try:
        with gc_paused():
            prepared = loads(stored[_DIGEST_SIZE:])
    except Exception:  # a damaged snapshot only means building from the sources
        return None
    return prepared if isinstance(prepared, Prepared) else None


def write(path: str | None = None) -> None:
    """Prepare the packaged knowledge and store it at `path`, written whole or not at all."""
    import pickle

    from .knowledge import load_knowledge
    from .prepared import EXTRA_KEYS, prepare

    prepared = prepare(load_knowledge(extra_keys=EXTRA_KEYS))
    payload = fingerprint() + pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
    target = path or SNAPSHOT_FILE
    partial = f"{target}.partial"
    with open(partial, "wb") as file:
        file.write(payload)
    os.replace(partial, target)
