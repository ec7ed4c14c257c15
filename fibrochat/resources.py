"""Where the packaged knowledge lives: inside the installed package, found with importlib.resources.

In a wheel, the repository's top-level `intents/` is the subpackage `fibrochat.curated_intents`; in a source
checkout that subpackage does not exist, so we fall back to the folder beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_folder(package: str, checkout_folder: Path) -> Path:
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:
        return checkout_folder


def default_documents() -> list[Path]:
    """The packaged Markdown documents folder."""
    return [_package_folder("fibrochat.data", Path(__file__).parent / "data")]


def default_intents() -> list[Path]:
    """The packaged intents folder (the repository's top-level `intents/`)."""
    return [_package_folder("fibrochat.curated_intents", Path(__file__).parent.parent / "intents")]
