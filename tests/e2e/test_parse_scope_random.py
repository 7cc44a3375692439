"""Random differential test of parsing only what the rules can use (govern.datalog.parse_scope,
its closures of the graph searches' sources included): generated repositories with random
import graphs (absolute, relative and star imports, attributes, type-only imports, a module
with two files, unparseable files) and random rules (forbid-import, layers with
containers, sibling layers and module patterns, independent, custom `reaches`), each judged as `govern check` judges it and with every file parsed. The
verdicts (answers, proofs, warnings) must be byte-identical, and each verdict must pass
`govern why --verify`'s recomputation and proof check the other way. Seeds are fixed."""
from __future__ import annotations

import json
import random

import pytest

import govern.verdict.evaluate as evaluate
from govern.facts.tree import CommitTree
from govern.verdict.judge import JudgeRequest, judge_in_full
from govern.verdict.verify import verify_verdict_json
from govern.verdict.warnings import check_warnings
from tests.conftest import git

PACKAGES = ["pkg.a", "pkg.b", "pkg.c", "pkg.d", "pkg.e"]
ADR = "---\ntitle: Random\nstatus: accepted\nrules:\n{rules}---\n# Random\n{datalog}"


def _tree(rng: random.Random) -> dict[str, str]:
    modules = [f"{p}.m{i}" for p in PACKAGES for i in range(3)]
    names = modules + PACKAGES + ["lib.util", "lib", "requests", "pkg"]
    files = {"pkg/__init__.py": "", "lib/__init__.py": "", "lib/util.py": "import pkg.a.m0\n"}
    for p in PACKAGES:
        files[p.replace(".", "/") + "/__init__.py"] = "" if rng.random() < 0.6 else f"from . import m{rng.randrange(3)}\n"
    for m in modules:
        package, _, own = m.rpartition(".")
        lines = []
        guarded = []
        for _ in range(rng.randrange(4)):
            target = rng.choice(names)
            style = rng.random()
            if style < 0.4:
                lines.append(f"import {target}" + (".attr" if rng.random() < 0.1 else ""))
            elif style < 0.6 and "." in target:
                base, _, last = target.rpartition(".")
                lines.append(f"from {base} import {last if rng.random() < 0.8 else 'not_a_module'}")
            elif style < 0.75 and target.startswith(package + "."):
                lines.append(f"from . import {target.rpartition('.')[2]}")
            elif style < 0.85 and target.startswith("pkg.") and target.count(".") == 2:
                sub, _, last = target.split(".", 1)[1].partition(".")
                lines.append(f"from ..{sub} import {last}")
            elif style < 0.9:
                lines.append("from .. import *")
            else:
                guarded.append(f"    import {target}")
        text = "\n".join(lines) + "\n"
        if guarded:
            text += "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n" + "\n".join(guarded) + "\n"
        if rng.random() < 0.05:
            text += "def broken(:\n"
        files[m.replace(".", "/") + ".py"] = text
    if rng.random() < 0.5:  # a module name with two files
        files["pkg/a/m1/__init__.py"] = f"import {rng.choice(modules)}\n"
    for i in range(3):  # outside every package a rule names
        files[f"tests/test_{i}.py"] = f"import {rng.choice(modules)}\nimport {rng.choice(names)}\n"
    files["tests/broken.py"] = "import pkg\ndef (\n"
    return files


def _graph_keys(rng: random.Random) -> str:
    out = ""
    if rng.random() < 0.7:
        out += "    within: [pkg]\n"
    if rng.random() < 0.3:
        out += "    type-checking: false\n"
    if rng.random() < 0.3:
        a, b = rng.sample(PACKAGES, 2)
        out += f'    ignore-imports: ["{a}.* -> {b}.**"]\n'
    return out


def _rules(rng: random.Random) -> tuple[str, str]:
    rules, datalog = [], ""
    for n in range(rng.randrange(1, 4)):
        kind = rng.choice(["forbid", "layers", "independent", "reaches", "containers", "patterns", "siblings"])
        if kind == "forbid":
            sources = rng.sample(PACKAGES, rng.randrange(1, 3))
            if rng.random() < 0.3:
                sources = [f"{sources[0]}.*"]
            targets = rng.sample([*PACKAGES, "requests", "lib"], 2)
            rules.append(f"- id: r{n}\n  forbid-import:\n    from-modules: [{', '.join(sources)}]\n"
                         f"    to: [{', '.join(targets)}]\n    transitive: true\n" + _graph_keys(rng))
        elif kind == "layers":
            chosen = rng.sample(PACKAGES, 3)
            rules.append(f"- id: r{n}\n  layers:\n    layers: [{', '.join(chosen)}]\n    transitive: true\n"
                         + ("    chains: unmediated\n" if rng.random() < 0.4 else "") + _graph_keys(rng))
        elif kind == "independent":
            chosen = rng.sample(PACKAGES, rng.randrange(2, 4))
            rules.append(f"- id: r{n}\n  independent:\n    modules: [{', '.join(chosen)}]\n    transitive: true\n"
                         + ("    chains: unmediated\n" if rng.random() < 0.4 else "") + _graph_keys(rng))
        elif kind == "containers":
            chosen = rng.sample(PACKAGES, 2)
            rules.append(f"- id: r{n}\n  layers:\n    containers: [{', '.join(chosen)}]\n    layers: [m0, m1, m2]\n"
                         "    transitive: true\n" + ("    chains: unmediated\n" if rng.random() < 0.5 else "")
                         + _graph_keys(rng))
        elif kind == "patterns":  # module patterns: their modules are named only on the tree judged
            a, b = rng.sample(PACKAGES, 2)
            rules.append(f"- id: r{n}\n  layers:\n    layers: [{a}.*, {b}]\n    transitive: true\n"
                         + ("    chains: unmediated\n" if rng.random() < 0.5 else "") + _graph_keys(rng))
        elif kind == "siblings":
            a, b, c = rng.sample(PACKAGES, 3)
            rules.append(f"- id: r{n}\n  layers:\n    layers: [{a}, [{b}, {c}]]\n    transitive: true\n"
                         + ("    chains: unmediated\n" if rng.random() < 0.5 else "") + _graph_keys(rng))
        elif not datalog:
            src, dst = rng.sample(PACKAGES, 2)
            rules.append(f"- id: r{n}\n  datalog: true\n")
            datalog = (f'\n```datalog\nviolation("r{n}", F, D, "m") :- module(M, F), under(M, "{src}"), reaches(M, D), '
                       f'under(D, "{dst}").\n```\n')
    return "".join(rules), datalog


def _verdict(repo, tip: str, monkeypatch, scoped: bool):
    with monkeypatch.context() as m:
        if not scoped:
            m.setattr(evaluate, "parse_scope", lambda rules: None)
        judgement = judge_in_full(JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip))
    verdict = judgement.verdict.to_json()
    return verdict, json.dumps({**verdict, "warnings": [repr(w) for w in check_warnings(judgement.verdict, judgement.adrs,
                                                                            judgement.evaluation)]}, sort_keys=True)


@pytest.mark.parametrize("seed", range(150))
def test_random_repositories_judge_the_same_narrowed_and_in_full(make_repo, monkeypatch, seed):
    rng = random.Random(seed)
    rules, datalog = _rules(rng)
    repo = make_repo({**_tree(rng), "adr/0001-random.md": ADR.format(rules=rules, datalog=datalog)})
    tip = git(repo, "rev-parse", "HEAD").strip()
    narrowed, narrowed_text = _verdict(repo, tip, monkeypatch, scoped=True)
    full, full_text = _verdict(repo, tip, monkeypatch, scoped=False)
    assert narrowed_text == full_text, (rules, datalog)
    with monkeypatch.context() as m:  # the narrowed verdict, recomputed and checked with every file parsed
        m.setattr(evaluate, "parse_scope", lambda rules: None)
        assert verify_verdict_json(repo, narrowed) == []
    assert verify_verdict_json(repo, full) == []
