"""docs/facts.md's example, run for real: its files, committed, give its printed output."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path


DOC = Path(__file__).resolve().parents[2] / "docs" / "facts.md"
FENCE = re.compile(r"^```(\S*)(?: file=(\S+))?\n(.*?)^```", re.M | re.S)


def test_documented_example(make_repo):
    blocks = FENCE.findall(DOC.read_text())
    files = {path: body for _, path, body in blocks if path}
    console = next(body for lang, _, body in blocks if lang == "console")
    command, *expected = console.splitlines()
    repo = make_repo(files)
    args = shlex.split(command.removeprefix("$ "))
    assert args[0] == "govern"
    result = subprocess.run([sys.executable, "-m", "govern", *args[1:]], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
