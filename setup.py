"""Build step: after copying the package, write its knowledge snapshot into the build (see fibrochat/snapshot.py).

For an editable install, which runs the checkout's own files, also compile them to bytecode, as pip does for a
wheel: otherwise, where PYTHONDONTWRITEBYTECODE is set, every start compiles them again.

Everything else about the project is in pyproject.toml. The snapshot is made by the code being built, from
the content being built, in a separate interpreter; if that fails the wheel is still good, only slower to start.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

_WRITE = "import sys; from fibrochat.snapshot import write; write(sys.argv[1])"


class BuildWithSnapshot(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the installed package is the checkout itself: the snapshot goes beside its code
            root = Path(self.get_package_dir("fibrochat")).resolve().parent
        else:
            root = Path(self.build_lib).resolve()
        # run from `root` too: the working folder comes first on sys.path
        command = [sys.executable, "-c", _WRITE, str(root / "fibrochat" / "knowledge.snapshot")]
        # prepend: pip's isolated build environment (where rapidfuzz and PyYAML are) is on PYTHONPATH already
        paths = [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        result = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"warning: no knowledge snapshot (fibrochat will build its index at start):\n{result.stderr}")
        if self.editable_mode:  # as pip does for a wheel: bytecode now, not compiled again at every start
            compileall.compile_dir(str(root / "fibrochat"), maxlevels=0, quiet=1)


setup(cmdclass={"build_py": BuildWithSnapshot})
