"""docs/agents.md: its console examples and its hook example, run in a clone of examples/shop,
print exactly what the page shows."""
from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.agents_support import hook
from tests.e2e.check_support import example_repo, govern
from tests.e2e.test_check_docs import console_examples

DOC = (Path(__file__).resolve().parents[2] / "docs" / "agents.md").read_text()
HOME = "/home/dev/shop"


def block_after(marker: str) -> str:
    return re.search(re.escape(marker) + r"\n```\w*\n(.*?)```", DOC, re.S).group(1)


def test_console_examples(tmp_path):
    repo = example_repo(tmp_path)
    (repo / "refunds.diff").write_text(block_after("<!-- file: refunds.diff -->"))
    examples = console_examples(DOC)
    assert [argv[:3] for argv, _ in examples] == [["govern", "agent", "install"], ["govern", "check", "--patch"]]
    for argv, expected in examples:
        result = govern(repo, *argv[1:])
        assert result.returncode in (0, 1), result.stderr
        assert result.stdout == expected, " ".join(argv)


def test_the_hook_example(tmp_path):
    repo = example_repo(tmp_path)
    here = json.dumps(str(repo))[1:-1]
    payload = block_after("<!-- hook payload: claude-code -->").replace(HOME, here)
    result = hook("claude-code", payload.encode(), repo)
    assert result.returncode == 0 and result.stderr == b""
    assert json.loads(result.stdout) == json.loads(block_after("<!-- hook answer -->").replace(HOME, here))
