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


def test_policy_install_example_in_docs_is_real(tmp_path):
    """The `govern hook install … --refs …` example of "Server policy" is this run's output."""
    from tests.e2e.hooks_support import govern

    bare, _ = server(tmp_path, {"app.py": "x = 1\n"})
    done = govern("hook", "install", "--server", str(bare), "--budget", "3", "--agent-pusher", "claude-bot",
                  "--refs", "refs/heads/* block", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = DOC.read_text()
    start = text.index("```console\n$ govern hook install --server /srv/git/shop.git --budget 3")
    block = text[start:text.index("```\n", start + 10)].splitlines()[2:]
    assert done.stdout.replace(str(bare), "/srv/git/shop.git").splitlines() == block
