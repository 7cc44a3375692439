"""The docs' examples are what the CLI does: every ADR example lints and compiles as shown."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govern.adr.schema import schema
from govern.rules.parser import parse_program
from govern.vocabulary import VOCABULARY

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n~~~~markdown\n(.*?)~~~~\n(?:\n`govern adr compile` prints:\n\n```text\n(.*?)```\n)?", re.S)


def examples(doc: str) -> list[tuple[str, str, str | None]]:
    return EXAMPLE.findall((DOCS / doc).read_text())


def govern(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govern", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


RULE_EXAMPLES = examples("rule-language.md")


def test_every_rule_kind_has_an_example():
    assert len(RULE_EXAMPLES) >= 8
    text = "".join(adr for _, adr, _ in RULE_EXAMPLES)
    for kind in schema()["$defs"]["rule"]["properties"]:
        if kind not in ("id", "message", "severity", "expires"):
            assert f"    {kind}:" in text, kind


@pytest.mark.parametrize("path, adr, output", RULE_EXAMPLES, ids=[p for p, _, _ in RULE_EXAMPLES])
def test_rule_language_examples_compile_as_documented(tmp_path, path, adr, output):
    (tmp_path / "adr").mkdir()
    (tmp_path / path).write_text(adr)
    result = govern(tmp_path, "adr", "compile")
    assert result.returncode == 0, result.stderr
    assert result.stdout == output


def test_adr_format_example_lints(tmp_path):
    [(path, adr, _)] = examples("adr-format.md")
    (tmp_path / "adr").mkdir()
    (tmp_path / path).write_text(adr)
    (tmp_path / "adr/0003-old.md").write_text("---\ntitle: Old\nstatus: accepted\n---\n")
    result = govern(tmp_path, "adr", "list")
    assert result.returncode == 0, result.stderr
    assert "ADR-0003  superseded by ADR-0007  0      -           Old" in result.stdout


def test_vocabulary_table_matches_the_code():
    text = (DOCS / "rule-language.md").read_text()
    rows = re.findall(r"^\| `(\w+)\(([^)]*)\)` \| (\w+) \| (.*) \|$", text, re.M)
    documented = {name: (tuple(p.split(", ")) if p else (), origin, doc) for name, p, origin, doc in rows}
    # The base family (base_<relation>) is described once in prose; base_tree has its row.
    assert documented == {n: (r.params, r.origin, r.doc) for n, r in VOCABULARY.items()
                          if r.origin != "base" or n == "base_tree"}
    family = sorted(n[len("base_"):] for n, r in VOCABULARY.items() if r.origin == "base" and n != "base_tree")
    assert family == sorted(n for n, r in VOCABULARY.items() if r.origin in ("tree", "helper", "verdict"))


def test_syntax_example_parses():
    block = re.search(r"## Syntax\n\n```datalog\n(.*?)```", (DOCS / "rule-language.md").read_text(), re.S).group(1)
    assert len(parse_program(block, "docs/rule-language.md", 1)) == 4


def test_adr_format_documents_every_schema_key():
    text = (DOCS / "adr-format.md").read_text()
    for key in list(schema()["properties"]) + list(schema()["$defs"]["rule"]["properties"]):
        assert f"`{key}`" in text, key
