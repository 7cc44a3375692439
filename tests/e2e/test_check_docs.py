"""The console examples of docs/check.md, run in a clone of examples/shop, print exactly what
the docs show; the example of docs/json-format.md has the keys real output has."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tests.e2e.check_support import check_json, example_repo, govern

DOCS = Path(__file__).resolve().parents[2] / "docs"


def console_examples(text: str) -> list[tuple[list[str], str]]:
    """(argv, expected stdout) for each `$ govern …` line of the ```console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = chunk.partition("\n")
            out.append((shlex.split(command), expected))
    return out


def test_check_md_console_examples(tmp_path):
    repo = example_repo(tmp_path)
    examples = console_examples((DOCS / "check.md").read_text())
    assert len(examples) >= 5
    for argv, expected in examples:
        assert argv[0] == "govern"
        result = govern(repo, *argv[1:])
        assert result.returncode in (0, 1), result.stderr
        assert result.stdout == expected, " ".join(argv)


def keys(obj) -> set:
    return set(obj) if isinstance(obj, dict) else set()


def test_json_format_example_has_the_real_keys(tmp_path):
    doc = (DOCS / "json-format.md").read_text()
    example = json.loads(re.search(r"## Example.*?```json\n(.*?)```", doc, re.S).group(1))
    _, real = check_json(example_repo(tmp_path), "--rev", "HEAD")
    assert keys(example) == keys(real)
    for key in ("adrs", "rules", "violations"):
        assert keys(example[key][0]) == keys(real[key][0]), key
    assert keys(example["summary"]) == keys(real["summary"])
    for key in real:  # every top-level key is documented in a table
        assert f"| `{key}` |" in doc, key
