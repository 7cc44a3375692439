"""Module patterns (`pkg.*`, `pkg.**`) in `independent` modules, layer names and `containers`:
each matched module is a module of its own, as import-linter expands them; with
`chains: unmediated` they are refused (one graph per module, known only by name)."""
from __future__ import annotations

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


def test_patterns_with_unmediated_chains_are_refused_with_their_place(make_repo):
    for rule, where in (("    independent:\n      modules: ['pkg.*']\n      transitive: true\n      chains: unmediated\n", ":7:"),
                        ("    layers:\n      layers: [api, domain]\n      containers: ['pkg.*']\n      transitive: true\n"
                         "      chains: unmediated\n", ":8:")):
        repo = make_repo({**CODE, "adr/0001-r.md": adr(rule)})
        run = govern(repo, "adr", "lint")
        assert run.returncode == 2 and where in run.stderr and "module patterns need `chains: any`" in run.stderr, run.stderr
