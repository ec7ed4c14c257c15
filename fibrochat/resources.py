"""Where the packaged knowledge lives: inside the installed package, beside this module.

In a wheel, the repository's top-level `intents/` is the subpackage `fibrochat.curated_intents`; in a source
checkout that subpackage does not exist, so we fall back to the folder beside the package. (A plain path
check, not importlib.resources: that import alone costs milliseconds of every start, and fibrochat is never
run from a zip file.)
"""

from __future__ import annotations

import os

PACKAGE_FOLDER = os.path.dirname(os.path.abspath(__file__))


def _folder(installed: str, checkout: str) -> str:
    return installed if os.path.isdir(installed) else checkout


def documents_folder() -> str:
    """The packaged Markdown documents folder."""
    return os.path.join(PACKAGE_FOLDER, "data")


def intents_folder() -> str:
    """The packaged intents folder (the repository's top-level `intents/`)."""
    installed = os.path.join(PACKAGE_FOLDER, "curated_intents")
    return _folder(installed, os.path.join(os.path.dirname(PACKAGE_FOLDER), "intents"))
