"""docs/hooks.md shows what a pusher sees on rejection: that example must be real output."""
from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.hooks_support import commit, push, server

DOC = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def _normalise(lines: list[str]) -> list[str]:
    return [re.sub(r"\b[0-9a-f]{12}\b", "<id>", line.rstrip()) for line in lines if line.startswith("remote: govern:")]


def test_rejection_example_in_docs_is_real(tmp_path):
    _, work = server(tmp_path)
    commit(work, {"app/api/refunds.py": "import os\nimport stripe\n"}, "refunds")
    done = push(work)
    assert done.returncode != 0
    text = DOC.read_text()
    block = text[text.index("```text\nremote: govern: ✗") + len("```text\n"):]
    block = block[: block.index("```")]
    assert _normalise(done.stderr.splitlines()) == _normalise(block.splitlines())
