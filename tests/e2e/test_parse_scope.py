"""Parsing only the files the rules can use (govern.datalog.parse_scope) changes no verdict.

Each scenario is a real repository judged twice, in process: as `govern check` judges it
(files outside the rules' scope are not parsed) and with every file parsed; the verdicts
(answers, proofs, warnings) must be byte-identical, and the scoped run must really have
skipped files where the rules allow it.
"""
from __future__ import annotations

import json

import pytest

import govern.verdict.evaluate as evaluate
from govern.adr import load_adrs
from govern.datalog.parse_scope import parse_scope
from govern.rules.parser import parse_program
from govern.facts import api
from govern.facts.tree import CommitTree
from govern.verdict.judge import JudgeRequest, judge, judge_in_full
from govern.verdict.warnings import check_warnings
from tests.conftest import git

ADR = "---\ntitle: {title}\nstatus: accepted\nrules:\n{rules}---\n# {title}\n"

TREE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "from app.core import models\n",
    "app/api/views.py": "from ..db import raw\nimport app.core.models\n",
    "app/core/__init__.py": "",
    "app/core/models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.api import views\nimport app.db.raw\n",
    "app/core/bad.py": "import app.api.views\ndef broken(:\n",  # a syntax error inside the scope
    "app/core/climb.py": "from .... import nothing\n",  # climbs above the top-level package
    "app/db/__init__.py": "",
    "app/db/raw.py": "import app.core.models\nimport requests\n",
    "app/helpers/text.py": "from app.helpers import dates\n",
    "app/helpers/dates.py": "import app.helpers.text\n",
    "app/helpers/__init__.py": "",
    # Outside every rule's scope: never parsed when the rules allow it.
    "tests/test_app.py": "import app.api.views\nimport app.db.raw\nimport app.ghost.thing\nimport app.core.bad\n",
    "tests/broken.py": "import app\ndef (\n",
    "scripts/tool.py": "import app.api\nfrom app.db import raw\nimport requests\n",
    "scripts/huge.py": "import app.api\n" + "x = 1\n" * 10,
}

LAYERS = """- id: layered
  layers:
    layers: [app.api, app.core, app.db]
    transitive: true
    chains: unmediated
    within: [app]
"""
FORBID = """- id: no-api-from-db
  forbid-import:
    from-modules: [app.db, app.db.*]
    to: [app.api, app.api.*]
    transitive: true
    within: [app]
    ignore-imports: ["app.helpers.text -> app.helpers.dates"]
    unmatched-ignores: error
"""
INDEPENDENT = """- id: helpers-apart
  independent:
    modules: [app.helpers.text, app.helpers.dates]
    transitive: true
    within: [app]
"""
GHOST = """- id: ghost-layer
  layers:
    layers: [app.ghost, app.api]
    transitive: true
    within: [app]
"""
PLAIN = """- id: plain-forbid
  forbid-import:
    from: ["app/**"]
    to: [requests]
"""


def _repo(make_repo, rules: str, extra: dict | None = None):
    repo = make_repo({**TREE, **(extra or {}), "adr/0001-rules.md": ADR.format(title="Rules", rules=rules)})
    return repo, git(repo, "rev-parse", "HEAD").strip()


def _judged(repo, tip: str, monkeypatch, scoped: bool) -> str:
    with monkeypatch.context() as m:
        if not scoped:
            m.setattr(evaluate, "parse_scope", lambda rules: None)
        judgement = judge_in_full(JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip))
    verdict = judgement.verdict.to_json()
    verdict["warnings"] = list(check_warnings(judgement.verdict, judgement.adrs, judgement.evaluation))
    return json.dumps(verdict, sort_keys=True)


def _parsed(repo, tip: str, monkeypatch) -> set[str]:
    """The Python files the judgement parsed (or found parsed in the scan cache)."""
    seen: set[str] = set()
    original = api._Runner._scan_entries

    def spy(self, extractor, entries):
        if extractor.name == "python":
            seen.update(e.path for e in entries)
        return original(self, extractor, entries)

    with monkeypatch.context() as m:
        m.setattr(api._Runner, "_scan_entries", spy)
        judge(JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip))
    return seen


@pytest.mark.parametrize("rules", [LAYERS, FORBID, INDEPENDENT, LAYERS + FORBID + INDEPENDENT])
def test_rules_within_a_package_parse_only_it_and_judge_the_same(make_repo, monkeypatch, rules):
    repo, tip = _repo(make_repo, rules)
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert json.loads(scoped)["violations"], "the scenario must find something"
    parsed = _parsed(repo, tip, monkeypatch)
    assert parsed and all(p.startswith("app/") for p in parsed)


def test_a_layer_only_an_unparsed_file_names_makes_every_file_parsed(make_repo, monkeypatch):
    """`app.ghost` is no module, but tests/test_app.py imports it: the layer "matches" a name
    only that file's parse gives, so the scope cannot hold and every file is parsed."""
    repo, tip = _repo(make_repo, GHOST)
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert "tests/test_app.py" in _parsed(repo, tip, monkeypatch)


def test_rules_reading_every_file_parse_every_file(make_repo, monkeypatch):
    repo, tip = _repo(make_repo, PLAIN + LAYERS)
    assert _judged(repo, tip, monkeypatch, scoped=True) == _judged(repo, tip, monkeypatch, scoped=False)
    assert {"tests/broken.py", "scripts/tool.py"} <= _parsed(repo, tip, monkeypatch)


def _scope(rules_yaml: str = "", datalog: str = ""):
    text = ADR.format(title="T", rules=rules_yaml or "- id: r\n  datalog: true\n")
    if datalog:
        text += f"\n```datalog\n{datalog}\n```\n"
    adrs = load_adrs([("adr/0001-t.md", text.encode(), "b")])
    return parse_scope([rule for spec in adrs.rules() for rule in spec.rules])


def test_the_scope_of_the_built_in_kinds_within_a_package():
    prefixes, patterns, need_prefixes, _ = _scope(LAYERS)
    assert "app" in prefixes and {"app.api", "app.core", "app.db"} <= need_prefixes
    assert _scope(FORBID)[1] == frozenset({"app.helpers.text"})  # the ignored import's importer


@pytest.mark.parametrize("datalog", [
    'violation("r", F, D, "m") :- module(M, F), imports(M, D).',  # every file's imports
    'violation("r", F, "", "m") :- module(M, F), reaches(M, "x").',  # chains through any module
    'violation("r", F, "", R) :- unreadable(F, R).',  # every file's parse errors
    'violation("r", "x", "", "m") :- under("requests", "requests").',  # is requests imported anywhere?
    'violation("r", D, "", "m") :- under(D, "requests").',  # every name imported, as an answer
    'violation("r", "x", "", "m") :- N = count { D : under(D, "app") }, N > 3.',  # counting names
    'seen(D) :- under(D, "app").\nviolation("r", D, "", "m") :- seen(D).',
    'violation("r", F, "", "m") :- module(M, F), under(M, "app"), not imports(M, "x").\n'
    'violation("r", F, "", "m") :- module(M, F), type_only_import(M, "y").',
    # a graph per part whose edges nothing restricts to a package
    'violation("r", F, "", "m") :- module(M, F), under(M, "app"), reaches_in("r", "app", M, "x").',
    'ignore_import_in("r", P, S, D) :- part(P), imports(S, D), not under(S, "app").\npart("app").\n'
    'violation("r", F, "", "m") :- module(M, F), under(M, "app"), reaches_in("r", "other", M, "x").',
    # "some name under x exists" read positively: its proof would name a witness, which may differ
    'lay(M, "x") :- under(M, "x").\nok(N) :- lay(_1, N).\n'
    'violation("r", F, "", "m") :- module(M, F), under(M, "app"), ok("x").',
])
def test_rules_that_could_read_an_unparsed_file_parse_everything(datalog):
    assert _scope(datalog=datalog) is None


def test_restricted_custom_rules_keep_a_scope():
    scope = _scope(datalog='violation("r", F, D, "m") :- module(M, F), under(M, "app.api"), imports(M, D), '
                           'not under(D, "app").\n'
                           'violation("r", F, "", R) :- module(M, F), module_match(M, "app.*.views"), unreadable(F, R).')
    assert scope == (frozenset({"app.api"}), frozenset({"app.*.views"}), frozenset(), frozenset())


def test_a_deep_chain_of_helpers_is_analysed_without_recursing_into_it():
    """An ADR's helpers are hostile input: 3,000 of them chained stay within bounds (a chain
    deeper than parse_scope.MAX_DEPTH restricts nothing: every file is parsed)."""
    chain = "".join(f"h{i}(M) :- h{i + 1}(M).\n" for i in range(3000))
    datalog = (chain + 'h3000(M) :- under(M, "app").\n'
               'violation("r", F, D, "m") :- module(M, F), h0(M), imports(M, D).')
    assert _scope(datalog=datalog) is None
    short = "".join(f"h{i}(M) :- h{i + 1}(M).\n" for i in range(5)) + 'h5(M) :- under(M, "app").\n'
    assert _scope(datalog=short + 'violation("r", F, D, "m") :- module(M, F), h0(M), imports(M, D).')[0] == {"app"}
    # A name flowing up the whole chain: each helper's column is followed once (linear).
    rules = parse_program(chain + 'h3000(M) :- under(M, "app").\nviolation("r", F, "", "m") :- module(M, F), h0(M).',
                          "adr/0001-t.md")
    assert parse_scope(rules) == (frozenset(), frozenset(), frozenset(), frozenset())


def test_a_graph_search_it_does_not_know_parses_everything(monkeypatch):
    """A native relation added later (searched over the imports) is never guessed at."""
    import govern.datalog.parse_scope as scope

    monkeypatch.setitem(scope.NATIVE_INPUTS, "reaches_new", "ignore_import_new")
    rules = parse_program('violation("r", F, "", "m") :- module(M, F), under(M, "app"), reaches_new("r", M, "x").',
                          "adr/0001-t.md")
    assert parse_scope(rules) is None
