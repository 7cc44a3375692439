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
    verdict["warnings"] = [repr(w) for w in check_warnings(judgement.verdict, judgement.adrs, judgement.evaluation)]
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
    """Their sources are parsed, and what those reach inside the package (the closures), not
    the whole package."""
    prefixes, patterns, need_prefixes, _, closures = _scope(LAYERS)
    assert prefixes == {"app.api", "app.core", "app.db"} == need_prefixes
    assert {(c.follow, c.prefixes) for c in closures} == {(frozenset({"app"}), frozenset({"app.api", "app.core", "app.db"}))}
    forbid = _scope(FORBID)
    assert forbid.patterns == frozenset({"app.helpers.text"})  # the ignored import's importer
    assert [(c.graph, c.follow, c.prefixes) for c in forbid.closures] == [
        (("reaches_except", "no-api-from-db"), frozenset({"app"}), frozenset({"app.db"}))]


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
    assert scope == (frozenset({"app.api"}), frozenset({"app.*.views"}), frozenset(), frozenset(), ())


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
    assert parse_scope(rules) == (frozenset(), frozenset(), frozenset(), frozenset(), ())


def test_a_graph_search_it_does_not_know_parses_everything(monkeypatch):
    """A native relation added later (searched over the imports) is never guessed at."""
    import govern.datalog.parse_scope as scope

    monkeypatch.setitem(scope.NATIVE_INPUTS, "reaches_new", "ignore_import_new")
    rules = parse_program('violation("r", F, "", "m") :- module(M, F), under(M, "app"), reaches_new("r", M, "x").',
                          "adr/0001-t.md")
    assert parse_scope(rules) is None


# Parsing only what the graph searches reach from their sources (parse_scope.Closure).
CHAINS = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "",
    "pkg/core/start.py": "from ..mid import hop\nfrom . import sibling\n",  # relative imports
    "pkg/core/sibling.py": "import pkg.far.deep.attr\n",  # `import a.b.c` of a non-module: the edge is a.b.c
    "pkg/mid/__init__.py": "",
    "pkg/mid/hop.py": ("from typing import TYPE_CHECKING\nimport pkg.far.deep\nif TYPE_CHECKING:\n"
                       "    import pkg.ui.typed\n"),
    "pkg/far/__init__.py": "",
    "pkg/far/deep.py": "from pkg import twice\nfrom pkg.far import broken\n",
    "pkg/far/broken.py": "import pkg.ui.hidden\ndef (:\n",  # unparseable, inside the closure
    "pkg/twice.py": "import pkg.ui.panel\n",  # one module name, two files
    "pkg/twice/__init__.py": "import pkg.ui.other\nimport pkg.ext.via\n",
    "pkg/ui/__init__.py": "",
    "pkg/ui/typed.py": "",
    "pkg/ui/panel.py": "",
    "pkg/ui/hidden.py": "",
    "pkg/ui/other.py": "import pkg.core.start\n",
    "pkg/ext/__init__.py": "",
    "pkg/ext/via.py": "import pkg.ui.panel\nimport requests\n",
    "pkg/plug/__init__.py": "",
    "pkg/plug/one.py": "from pkg.plug import two\n",
    "pkg/plug/two.py": "import pkg.plug.one\nimport pkg.lonely.x\n",
    # Reached by nothing the rules search from: not parsed when the rules allow it.
    "pkg/lonely/__init__.py": "",
    "pkg/lonely/x.py": "import pkg.ui.panel\nimport pkg.core.start\n",
    "pkg/lonely/bad.py": "import pkg.ui\ndef (:\n",  # unparseable, outside the closure
    "pkg/lonely/ghost.py": "import pkg.ui.ghostly\n",  # a name only an unparsed file imports
    "tests/test_pkg.py": "import pkg.ui.panel\nimport pkg.core.start\n",
}
CLOSED = {
    "forbid": """- id: core-not-ui
  forbid-import:
    from-modules: [pkg.core]
    to: [pkg.ui]
    transitive: true
    within: [pkg]
""",
    "forbid-typed-ignored": """- id: core-not-ui
  forbid-import:
    from-modules: [pkg.core]
    to: [pkg.ui, requests]
    transitive: true
    within: [pkg]
    type-checking: false
    ignore-imports: ["pkg.twice -> pkg.ui.other", "pkg.far.* -> pkg.far.broken"]
""",
    "stars": """- id: plug-not-lonely
  forbid-import:
    from-modules: [pkg.plug.*]
    to: [pkg.lonely]
    transitive: true
    within: [pkg]
""",
    "layers": """- id: layered
  layers:
    layers: [pkg.ui, pkg.ext, pkg.far, pkg.mid, pkg.core]
    transitive: true
    within: [pkg]
""",
    "layers-unmediated": """- id: layered
  layers:
    layers: [pkg.ui, [pkg.ext, pkg.twice], pkg.far, pkg.mid, pkg.core]
    transitive: true
    chains: unmediated
    within: [pkg]
""",
    "independent": """- id: apart
  independent:
    modules: [pkg.core, pkg.ext, pkg.plug]
    transitive: true
    within: [pkg]
""",
    "no-within": """- id: everywhere
  forbid-import:
    from-modules: [pkg.core]
    to: [pkg.ui, requests]
    transitive: true
""",
}


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_searches_parse_what_their_sources_reach_and_judge_the_same(make_repo, monkeypatch, name):
    """Chains through several packages, relative imports, `import a.b.c` of an attribute, a
    module with two files, type-only and ignored imports, sources matched by `pkg.*`, an
    unparseable file inside the closure (found) and outside it (never read)."""
    repo, tip = _repo_of(make_repo, CHAINS, CLOSED[name])
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert json.loads(scoped)["violations"], "the scenario must find something"
    parsed = _parsed(repo, tip, monkeypatch)
    assert "pkg/lonely/bad.py" not in parsed and "tests/test_pkg.py" not in parsed
    assert ("pkg/lonely/x.py" in parsed) == (name in ("stars", "independent"))  # pkg.plug.two imports it
    if name != "stars":
        assert {"pkg/far/broken.py", "pkg/twice.py", "pkg/twice/__init__.py"} <= parsed


def test_the_closure_follows_every_import_in_its_package(make_repo, monkeypatch):
    repo, tip = _repo_of(make_repo, CHAINS, CLOSED["forbid-typed-ignored"])
    parsed = _parsed(repo, tip, monkeypatch)
    # type-only and ignored imports are followed (a superset of every part's graph)
    assert {"pkg/ui/typed.py", "pkg/ui/other.py", "pkg/ext/via.py", "pkg/twice.py"} <= parsed
    assert not any(p.startswith("pkg/plug/") or p.startswith("pkg/lonely/") for p in parsed)


def test_a_graph_searched_once_from_anywhere_parses_its_whole_package(make_repo, monkeypatch):
    """The same graph read by a clause with restricted sources and one without: the closure
    cannot hold, every file of the package is parsed."""
    rules = "- id: g\n  datalog: true\n"
    datalog = ('ignore_import("g", S, D) :- imports(S, D), not under(S, "pkg").\n'
               'violation("g", F, D, "m") :- module(M, F), under(M, "pkg.core"), reaches_except("g", M, D), '
               'under(D, "pkg.ui").\n'
               'violation("g", F, D, "n") :- module(M, F), reaches_except("g", M, D), under(D, "pkg.lonely").\n')
    repo, tip = _repo_of(make_repo, CHAINS, rules, datalog)
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert {"pkg/lonely/x.py", "pkg/plug/two.py"} <= _parsed(repo, tip, monkeypatch)
    assert "tests/test_pkg.py" not in _parsed(repo, tip, monkeypatch)


def test_plain_reaches_from_restricted_sources_follows_every_import(make_repo, monkeypatch):
    rules = "- id: g\n  datalog: true\n"
    datalog = ('violation("g", F, D, "m") :- module(M, F), under(M, "pkg.plug"), reaches(M, D), '
               'under(D, "pkg.ui").\n'
               'violation("g", F, "", "n") :- module(M, F), under(M, "pkg.core"), not reaches(M, "pkg.ui.ghostly").\n')
    repo, tip = _repo_of(make_repo, CHAINS, rules, datalog)
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert json.loads(scoped)["violations"]
    parsed = _parsed(repo, tip, monkeypatch)
    assert "pkg/lonely/x.py" in parsed and "tests/test_pkg.py" not in parsed and "pkg/lonely/ghost.py" not in parsed


IMPORTLINTER = """[importlinter]
root_package = pkg
exclude_type_checking_imports = True

[importlinter:contract:layers]
name = Layers
type = layers
layers =
    pkg.ui
    pkg.ext | pkg.twice
    pkg.far
    pkg.mid
    pkg.core
ignore_imports =
    pkg.ext.via -> pkg.ui.panel

[importlinter:contract:apart]
name = Apart
type = independence
modules =
    pkg.core
    pkg.plug

[importlinter:contract:forbidden]
name = Forbidden
type = forbidden
source_modules =
    pkg.mid
forbidden_modules =
    pkg.ui
    pkg.ext
"""


def test_importlinter_contracts_translated_parse_their_closure_and_judge_the_same(make_repo, monkeypatch):
    from tests.e2e.hooks_support import govern

    repo = make_repo({**CHAINS, ".importlinter": IMPORTLINTER})
    done = govern("init", "--from-importlinter", cwd=repo)
    assert done.returncode == 0, done.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "translated")
    tip = git(repo, "rev-parse", "HEAD").strip()
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert {v["rule"] for v in json.loads(scoped)["violations"]} >= {"layers", "forbidden"}
    parsed = _parsed(repo, tip, monkeypatch)
    assert "tests/test_pkg.py" not in parsed and "pkg/lonely/bad.py" not in parsed


def _repo_of(make_repo, files: dict, rules: str, datalog: str = ""):
    text = ADR.format(title="Rules", rules=rules) + (f"\n```datalog\n{datalog}```\n" if datalog else "")
    repo = make_repo({**files, "adr/0001-rules.md": text})
    return repo, git(repo, "rev-parse", "HEAD").strip()


def test_many_graphs_with_packages_of_their_own_are_walked_as_one(make_repo, monkeypatch):
    """A hostile ADR's many `within` packages: beyond python.MAX_WALKS the closures are walked
    as one following their union (more files parsed, never fewer), and judge the same."""
    packages = ["pkg", "pkg.core", "pkg.mid", "pkg.far", "pkg.ui", "pkg.ext", "pkg.plug", "pkg.lonely", "pkg.twice"]
    rules = "".join(f"- id: r{i}\n  forbid-import:\n    from-modules: [pkg.core, pkg.plug]\n    to: [pkg.ui]\n"
                    f"    transitive: true\n    within: [{p}]\n" for i, p in enumerate(packages))
    repo, tip = _repo_of(make_repo, CHAINS, rules)
    scoped = _judged(repo, tip, monkeypatch, scoped=True)
    assert scoped == _judged(repo, tip, monkeypatch, scoped=False)
    assert json.loads(scoped)["violations"]
    parsed = _parsed(repo, tip, monkeypatch)
    assert "pkg/ui/other.py" in parsed and "tests/test_pkg.py" not in parsed and "pkg/lonely/bad.py" not in parsed


def test_the_server_hook_computes_the_closure_on_the_pushed_tree(tmp_path):
    """A push that makes a file the sources did not reach part of a chain: the pre-receive
    hook judges the pushed tree, whose closure holds that file (blocked, with the chain); a
    push that only edits a file no source reaches is allowed."""
    from tests.e2e.hooks_support import commit, push, server, verdict_note

    files = {**CHAINS, "adr/0001-rules.md": ADR.format(title="Rules", rules=CLOSED["stars"])}
    files["pkg/plug/two.py"] = "import pkg.plug.one\n"  # the sources reach nothing outside pkg.plug
    bare, work = server(tmp_path, files)
    quiet = commit(work, {"pkg/ext/via.py": "import pkg.lonely.x\n"}, "an import no source reaches")
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert verdict_note(bare, quiet)["violations"] == []
    chained = commit(work, {"pkg/plug/one.py": "import pkg.ext.via\n"}, "now a source reaches it")
    done = push(work)
    assert done.returncode != 0 and "plug-not-lonely" in done.stderr, done.stderr
    assert "pkg.plug.one" in done.stderr or "pkg/plug/one.py" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == quiet != chained
