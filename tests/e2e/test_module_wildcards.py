"""Module patterns (`pkg.*`, `pkg.**`) in `independent` modules, layer names and `containers`:
each matched module is a module of its own, as import-linter expands them, on each tree judged
(a module added later is covered without editing the ADR); with `chains: unmediated` each
matched module (container) searches a graph of its own, named on the tree: `reaches_in`."""
from __future__ import annotations

from tests.conftest import write
from tests.e2e.check_support import check_json, govern

CODE = {
    "pkg/__init__.py": "",
    "pkg/one/__init__.py": "",
    "pkg/one/api.py": "import pkg.one.domain\n",  # down: fine
    "pkg/one/domain.py": "import pkg.one.api\n",  # up: a violation
    "pkg/two/__init__.py": "",
    "pkg/two/api.py": "import pkg.one.api\n",  # across containers
    "pkg/two/domain/__init__.py": "",
    "pkg/two/domain/core.py": "",
}


def adr(rule: str) -> str:
    return f"---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n{rule}---\n"


def findings(make_repo, rule: str, engine: str = "auto") -> set[tuple[str, str]]:
    repo = make_repo({**CODE, "adr/0001-r.md": adr(rule)})
    code, data = check_json(repo, "--engine", engine)
    assert code == (1 if data["violations"] else 0)
    return {(v["subject"], v["target"]) for v in data["violations"]}


def test_independent_modules_matching_a_pattern_are_each_independent(make_repo):
    rule = "    independent:\n      modules: ['pkg.*']\n"
    want = {("pkg/two/api.py", "pkg.one.api")}
    assert findings(make_repo, rule, "pydatalog") == findings(make_repo, rule, "clingo") == want
    chains = rule + "      transitive: true\n"
    assert findings(make_repo, chains) == {("pkg/two/api.py", "pkg.one")}  # the target: the module reached


def test_container_patterns_compare_layers_inside_each_matched_container(make_repo):
    rule = "    layers:\n      layers: [api, domain]\n      containers: ['pkg.*']\n"
    want = {("pkg/one/domain.py", "pkg.one.api")}  # pkg.two.api -> pkg.one.api crosses containers
    assert findings(make_repo, rule, "pydatalog") == findings(make_repo, rule, "clingo") == want
    missing = rule.replace("[api, domain]", "[api, domain, infra]")
    assert findings(make_repo, missing) == want | {("pkg.one", "infra"), ("pkg.two", "infra")}
    exhaustive = missing.replace("infra]", "infra]\n      optional: [infra]\n      exhaustive: true")
    assert findings(make_repo, exhaustive) == want
    assert findings(make_repo, rule + "      exhaustive: true\n") == want
    lax = rule.replace("[api, domain]", "[api, infra]\n      optional: [infra]") + "      exhaustive: true\n"
    assert findings(make_repo, lax) == {("pkg/one/domain.py", "pkg.one.domain"), ("pkg/two/domain/__init__.py", "pkg.two.domain"),
                                        ("pkg/two/domain/core.py", "pkg.two.domain.core")}


def test_layer_name_patterns(make_repo):
    rule = "    layers:\n      layers: ['pkg.*.api', 'pkg.*.domain']\n      transitive: true\n      chains: unmediated\n"
    assert findings(make_repo, rule) == {("pkg/one/domain.py", "pkg.*.api")}


UNMEDIATED = {
    "pkg/__init__.py": "",
    "pkg/one/__init__.py": "", "pkg/one/api.py": "", "pkg/one/svc.py": "import pkg.one.api\n",
    "pkg/one/db.py": "import pkg.one.svc\n",  # db -> svc -> api: through svc, only db -> svc counts
    "pkg/one/low.py": "import pkg.two.svc\n",  # through another container's layer: low -> api counts
    "pkg/two/__init__.py": "", "pkg/two/api.py": "", "pkg/two/svc.py": "import pkg.one.api\n",
}
WILD_LAYERS = "    layers:\n      layers: [api, svc, [db, low]]\n      containers: ['pkg.*']\n      transitive: true\n" \
              "      chains: unmediated\n      optional: [db, low]\n"
WILD_APART = "    independent:\n      modules: ['pkg.one.*']\n      transitive: true\n      chains: unmediated\n"


def test_container_patterns_with_unmediated_chains_search_a_graph_per_container(make_repo):
    repo = make_repo({**UNMEDIATED, "adr/0001-r.md": adr(WILD_LAYERS)})
    want = {("pkg/one/svc.py", "api"), ("pkg/one/db.py", "svc"), ("pkg/one/low.py", "api")}
    for engine in ("pydatalog", "clingo"):
        code, data = check_json(repo, "--engine", engine, "--verify")
        assert code == 1 and {(v["subject"], v["target"]) for v in data["violations"]} == want, engine
    # a verdict note packs the reaches_in proofs, and `why --verify` checks them again
    assert govern(repo, "record", "HEAD").returncode == 0
    why = govern(repo, "why", "HEAD", "--verify")
    assert why.returncode == 0 and "every proof holds" in why.stderr + why.stdout, why.stderr
    compiled = govern(repo, "adr", "compile", "ADR-0001").stdout
    assert 'reaches_in("r/svc", C, M, D)' in compiled and 'ignore_import_in("r/svc", P, S, D)' in compiled
    proofs = govern(repo, "check").stdout
    assert "reaches (r/db, pkg.one) pkg.one.db (pkg/one/db.py:1) → pkg.one.svc" in proofs, proofs
    assert "reaches (r/low, pkg.one) pkg.one.low (pkg/one/low.py:1) → pkg.two.svc (pkg/two/svc.py:1) → pkg.one.api" in proofs
    # A container added later is judged by the same ADR, unedited.
    write(repo, {"pkg/three/__init__.py": "", "pkg/three/api.py": "import pkg.three.svc\n",  # down: allowed
                 "pkg/three/svc.py": "import pkg.three.api\n", "pkg/three/db.py": "import pkg.three.svc\n"})
    _, data = check_json(repo, "--verify")
    assert {(v["subject"], v["target"]) for v in data["violations"]} == want | {
        ("pkg/three/svc.py", "api"), ("pkg/three/db.py", "svc")}  # db -> svc -> api: through svc


def test_independent_patterns_with_unmediated_chains(make_repo):
    repo = make_repo({**UNMEDIATED, "adr/0001-r.md": adr(WILD_APART)})
    code, data = check_json(repo, "--verify")
    # db -> svc -> api: db reaches svc first (a chain through svc does not count for db and api)
    assert code == 1 and {(v["subject"], v["target"]) for v in data["violations"]} == {
        ("pkg/one/svc.py", "pkg.one.api"), ("pkg/one/db.py", "pkg.one.svc"), ("pkg/one/low.py", "pkg.one.api")}
    write(repo, {"pkg/one/new.py": "import pkg.one.db\n"})  # a module added later is a listed module of its own
    _, data = check_json(repo)
    assert ("pkg/one/new.py", "pkg.one.db") in {(v["subject"], v["target"]) for v in data["violations"]}


def test_overlapping_pattern_matches_are_findings(make_repo):
    """import-linter stops with "Modules have shared descendants"; govern reports each overlap."""
    rule = WILD_APART.replace("pkg.one.*", "pkg.**")
    repo = make_repo({**UNMEDIATED, "adr/0001-r.md": adr(rule)})
    code, data = check_json(repo)
    overlaps = {(v["subject"], v["target"]) for v in data["violations"] if "must not overlap" in v["message"]}
    assert code == 1 and ("pkg.one.api", "pkg.one") in overlaps and ("pkg.two.svc", "pkg.two") in overlaps


def test_reaches_in_proofs_are_checked_step_by_step(make_repo):
    """A reaches_in proof must hold in its own part's graph: the checker refuses a chain moved
    to another part, one without the absence of each ignored step, and one through another
    layer of the container (an edge that part's graph leaves out)."""
    import copy

    from govern.datalog.check import Checker
    from govern.datalog.proof import Proof
    from govern.facts.tree import WorkTree
    from govern.verdict.judge import JudgeRequest, judge_in_full

    repo = make_repo({**UNMEDIATED, "adr/0001-r.md": adr(WILD_LAYERS)})
    judgement = judge_in_full(JudgeRequest(str(repo), WorkTree(str(repo)), None))
    checker = Checker(list(judgement.evaluation.rules), judgement.evaluation.store)
    [low] = [v for v in judgement.verdict.violations if v.subject == "pkg/one/low.py"]
    honest = Proof.from_json(low.proof)
    assert checker.check(honest) == []
    [chain] = [c for c in low.proof["children"] if c["kind"] == "reaches"]
    assert chain["conclusion"]["pred"] == "reaches_in" and chain["conclusion"]["args"][:2] == ["r/low", "pkg.one"]

    def tampered(change) -> list[str]:
        proof = copy.deepcopy(low.proof)
        change(next(c for c in proof["children"] if c["kind"] == "reaches"))
        return checker.check(Proof.from_json(proof))

    def other_part(node):
        node["conclusion"]["args"][1] = "pkg.two"

    def no_absences(node):
        node["children"] = [c for c in node["children"] if c["kind"] != "absence"]

    assert tampered(other_part) and tampered(no_absences)
    # db -> svc -> api inside pkg.one passes through svc: in graph r/db of pkg.one, svc's imports are left out.
    forged = copy.deepcopy(low.proof)
    node = next(c for c in forged["children"] if c["kind"] == "reaches")
    steps = [("pkg.one.db", "pkg.one.svc"), ("pkg.one.svc", "pkg.one.api")]
    template = next(c for c in node["children"] if c["kind"] == "fact")
    kids = []
    for a, b in steps:
        fact = copy.deepcopy(template)
        fact["conclusion"]["args"] = [a, b]
        fact["source"] = {**template["source"], "path": a.replace(".", "/") + ".py", "line": 1}
        absence = {"kind": "absence", "conclusion": {"pred": "ignore_import_in", "args": ["r/db", "pkg.one", a, b]}, "children": []}
        kids += [fact, absence]
    node["children"] = kids
    node["conclusion"]["args"] = ["r/db", "pkg.one", "pkg.one.db", "pkg.one.api"]
    problems = checker.check(Proof.from_json(node))
    assert any("ignore_import_in" in p and "absence is false" in p for p in problems), problems


def test_a_hand_written_rule_searches_a_graph_per_part(make_repo):
    """reaches_in in a ```datalog block: each module's graph leaves out the imports of the
    others, so only a direct import of c is a chain; the parts are the modules of the tree."""
    block = ('---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    datalog: true\n---\n```datalog\n'
             'violation("r", F, D, "reaches c alone") :- module(M, F), mine(M, P), reaches_in("r", P, M, D), D = "c".\n'
             'mine(M, M) :- module(M, _), M != "c".\n'
             'ignore_import_in("r", P, S, D) :- mine(P, P), mine(S, _), S != P, imports(S, D).\n```\n')
    repo = make_repo({"a.py": "import b\n", "b.py": "import c\n", "c.py": "", "adr/0001-r.md": block})
    code, data = check_json(repo, "--verify")
    assert code == 1 and {(v["subject"], v["target"]) for v in data["violations"]} == {("b.py", "c")}
    write(repo, {"d.py": "import c\n"})  # a module added later is a part of its own
    _, data = check_json(repo)
    assert {(v["subject"], v["target"]) for v in data["violations"]} == {("b.py", "c"), ("d.py", "c")}


def test_parts_bound_only_after_a_search_are_an_error_not_a_silent_gap(make_repo):
    block = ('---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    datalog: true\n---\n```datalog\n'
             'violation("r", F, D, "m") :- module(M, F), via(P), reaches_in("r", P, M, D), D = "c".\n'
             'via(P) :- reaches("a", P).\n```\n')
    repo = make_repo({"a.py": "import b\n", "b.py": "import c\n", "c.py": "", "adr/0001-r.md": block})
    run = govern(repo, "check")
    assert run.returncode == 2 and "are bound only by relations computed from a graph search" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
