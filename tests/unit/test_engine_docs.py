"""docs/engine.md's example runs as written, on every engine."""
import json
import re
from pathlib import Path

import pytest

from govern.facts.model import Fact, Source
from govern.datalog.check import check_proof
from govern.datalog.evaluate import evaluate_with_proofs
from govern.datalog.render import render_tree
from govern.datalog.store import FactStore
from govern.rules.parser import parse_program

DOC = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text(encoding="utf-8")


def block(lang: str) -> str:
    return re.search(rf"```{lang}\n(.*?)```", DOC, re.S).group(1)


@pytest.mark.parametrize("engine", ["pydatalog", "clingo", "naive"])
def test_documented_proof(engine):
    rules = parse_program(block("datalog"), "adr/0001-x.md", 1, adr="ADR-0001")
    items = [json.loads(line) for line in block("json").splitlines()]
    store = FactStore(Fact(i["relation"], tuple(i["args"]), Source("python", i["path"], i["line"], "")) for i in items)
    result = evaluate_with_proofs(rules, store, engine)
    (proof,) = result.proofs.values()
    assert render_tree(proof) == block("text").rstrip("\n")
    assert check_proof(proof, rules, store) == []
