"""An opt-in cache of prepared knowledge (`--cache`), for large libraries of one's own.

Building the index of a large library takes seconds at every start (about 4 s for 100,000 passages);
restoring it takes a fraction of that. Only when asked: the cache is written in the user's cache folder,
owner-only, and holds the knowledge alone, never a question; it is read back only while it is the user's
own file and nobody else may write to it, as restoring it runs what it holds. There is one file per set of knowledge
locations, used only while the content it was made from, fibrochat's code and the Python version are
unchanged (see snapshot.digest_of), and replaced when they change.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import snapshot
from .knowledge import PathLike, as_paths, content_files, load_knowledge
from .prepared import EXTRA_KEYS, Prepared, prepare

try:  # see snapshot.py: hashlib's import is slow
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

CACHE_SUFFIX = ".prepared"


def cache_folder(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/fibrochat, else ~/.cache/fibrochat (a relative XDG_CACHE_HOME is ignored, as the spec says)."""
    env = os.environ if environ is None else environ
    given = env.get("XDG_CACHE_HOME", "")
    base = Path(given) if given and Path(given).is_absolute() else Path("~/.cache").expanduser()
    return base / "fibrochat"


def prepared_with_cache(
    documents: Sequence[PathLike] | PathLike | None,
    intents: Sequence[PathLike] | PathLike | None,
    cache: PathLike,
) -> Prepared:
    """The knowledge prepared, from the cache folder when it is current there; otherwise built and cached.

    A cache that cannot be written is a warning, not an error: it only saves time.
    """
    folder = Path(cache).expanduser()
    files = content_files(documents, intents)
    made_from = snapshot.digest_of(files)  # before loading: an edit meanwhile makes the cache stale, not wrong
    where = folder / (_name_of(documents, intents) + CACHE_SUFFIX)
    found = snapshot.restore(str(where), made_from) if _only_yours(where) else None
    if found is not None:
        return found
    prepared = prepare(load_knowledge(documents, intents, extra_keys=EXTRA_KEYS))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        snapshot.store(str(where), prepared, made_from, mode=0o600)
    except OSError as error:
        warnings.warn(f"cannot write the cache in {folder}: {error.strerror or error}", RuntimeWarning, stacklevel=2)
    return prepared


def _only_yours(path: Path) -> bool:
    """Whether `path` is a file of the user's that nobody else may write: only such a cache is read back."""
    try:
        status = path.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):  # Windows: no owner or mode bits to go by; the cache is in the user's profile
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _name_of(documents: Sequence[PathLike] | PathLike | None, intents: Sequence[PathLike] | PathLike | None) -> str:
    """The cache file's name: the same for the same knowledge locations, whatever files they hold, so an
    edit or a new file replaces the cache rather than adding one."""
    digest = blake2b(digest_size=12)
    for label, given in (("documents", documents), ("intents", intents)):
        locations = ["(packaged)"] if given is None else [str(path.resolve()) for path in as_paths(given)]
        digest.update("\n".join([label, *locations, ""]).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
