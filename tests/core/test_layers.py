"""The layers of ARCHITECTURE.md hold: no module imports upward (import-linter, pyproject.toml).

The contracts name today's upward imports one by one, each with why it is there; a new one fails
here, and so does an ignored import that has gone (delete its line from pyproject.toml then).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def test_no_module_imports_upward_across_the_layers():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed command)
        [sys.executable, "-c", LINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
