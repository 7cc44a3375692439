"""Parity with lint-imports: generated repositories using every contract type and option govern
translates, judged by lint-imports (import-linter 2.17) and by govern after
`govern init --from-importlinter`: the same broken/kept contracts and the same set of violating
importer modules. lint-imports prints a sample of chains, so the reference set is computed from
grimp's own graph (the ignored imports removed, as import-linter does) with the contract's
semantics, and lint-imports' verdict per contract is read from its output."""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, write

grimp = pytest.importorskip("grimp")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

LAYERS = ["api", "svc", "other", "domain", "util"]  # api > svc | other > domain > util
CONFIG = """\
[importlinter]
root_packages =
    pkg
include_external_packages = True

[importlinter:contract:layers]
name = Layers
type = layers
containers =
    pkg.one
    pkg.two
layers =
    api
    svc | other
    (absent)
    domain
    util
ignore_imports =
    pkg.*.domain.** -> pkg.*.svc.m0
unmatched_ignore_imports_alerting = none

[importlinter:contract:siblings]
name = Non-independent siblings
type = layers
layers =
    pkg.one.api
    pkg.one.svc : pkg.one.other
    pkg.one.domain

[importlinter:contract:exhaustive]
name = Exhaustive
type = layers
containers = pkg.two
layers =
    api
    svc
    domain
exhaustive = True
exhaustive_ignores =
    other
    util

[importlinter:contract:forbidden]
name = Forbidden
type = forbidden
source_modules =
    pkg.one.util
    pkg.two.util
forbidden_modules =
    pkg.one.api
    json
ignore_imports =
    pkg.two.** -> pkg.one.api.m1
unmatched_ignore_imports_alerting = warn

[importlinter:contract:direct]
name = Direct only
type = forbidden
source_modules = pkg.two.domain
forbidden_modules = pkg.two.api
allow_indirect_imports = True

[importlinter:contract:modules]
name = Not as packages
type = forbidden
source_modules = pkg.one.domain.m0
forbidden_modules = pkg.one.svc.m1
as_packages = False

[importlinter:contract:independence]
name = Independence
type = independence
modules =
    pkg.one
    pkg.two
ignore_imports =
    pkg.one.util.m0 -> pkg.two.util.m1

[importlinter:contract:wildindependence]
name = Wild independence
type = independence
modules =
    pkg.one.*
ignore_imports =
    pkg.one.util.m0 -> pkg.*.util.m1

[importlinter:contract:wildlayers]
name = Wild layers
type = layers
containers =
    pkg.*
layers =
    (api)
    (domain)
    (util)

[importlinter:contract:protected]
name = Protected
type = protected
protected_modules = pkg.secret
allowed_importers = pkg.one.api

[importlinter:contract:acyclic]
name = Acyclic
type = acyclic_siblings
ancestors = pkg.one
depth = 1
skip_descendants = pkg.one.util
ignore_imports =
    pkg.one.domain.m1 -> pkg.one.svc.m0
unmatched_ignore_imports_alerting = none

[importlinter:contract:cycles]
name = Acyclic everywhere
type = acyclic_siblings
ancestors = pkg.*
"""


FORCED = {"pkg.one.util.m0": ["pkg.two.util.m1"], "pkg.two.util.m2": ["pkg.one.api.m1"], "pkg.one.domain.m1": ["pkg.one.svc.m0"]}


BREAK = {"pkg.two.domain.m2": ["pkg.secret"], "pkg.one.domain.m0": ["pkg.one.domain.m2"], "pkg.one.domain.m2": ["pkg.one.svc.m1"]}


def generate(seed: int) -> dict[str, str]:
    """pkg.{one,two}.{layers}.m0..m2 and pkg.secret, with seeded random imports."""
    rng = random.Random(seed)
    modules = [f"pkg.{c}.{layer}.m{i}" for c in ("one", "two") for layer in LAYERS for i in range(3)] + ["pkg.secret"]
    files = {"pkg/__init__.py": "", "pkg/secret.py": "", "pkg/one/__init__.py": "", "pkg/two/__init__.py": ""}
    for c in ("one", "two"):
        for layer in LAYERS:
            files[f"pkg/{c}/{layer}/__init__.py"] = ""
    for module in modules:
        # Mostly downward imports inside the container (allowed), a few anywhere (seeded).
        rank = LAYERS.index(module.split(".")[2]) if module != "pkg.secret" else 0
        below = [m for m in modules if m != module and m.split(".")[1] == module.split(".")[1] and m != "pkg.secret"
                 and LAYERS.index(m.split(".")[2]) > rank]
        anywhere = [m for m in modules if m != module]
        targets = sorted({rng.choice(below if below and rng.random() < 0.9 else anywhere) for _ in range(rng.randint(0, 2))})
        lines = [f"import {t}" for t in targets]
        if rng.random() < 0.2:
            lines.append("import json")
        lines += [f"import {t}" for t in FORCED.get(module, [])]  # every ignored import exists
        if seed % 2:  # odd seeds also break the protected and the not-as-packages contracts
            lines += [f"import {t}" for t in BREAK.get(module, [])]
        files[module.replace(".", "/") + ".py"] = "\n".join(lines) + "\n"
    return files


def graph_of(repo: Path):
    sys.path.insert(0, str(repo))
    try:
        return grimp.build_graph("pkg", include_external_packages=True, cache_dir=None)
    finally:
        sys.path.remove(str(repo))
        for name in [n for n in sys.modules if n == "pkg" or n.startswith("pkg.")]:
            del sys.modules[name]


def edges(graph, ignored: list[str]) -> set[tuple[str, str]]:
    out = {(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)}
    for expression in ignored:
        out -= {(m["importer"], m["imported"]) for m in graph.find_matching_direct_imports(import_expression=expression)}
    return out


def reach(start: str, pairs: set, stop: set[str]) -> set[str]:
    """Modules reachable from start in ≥ 1 step, not walking on from `stop` modules."""
    succ: dict[str, set[str]] = {}
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)
    seen, todo = set(), [start]
    while todo:
        for nxt in succ.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                if nxt not in stop:
                    todo.append(nxt)
    return seen


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layered(graph, containers, levels, ignored) -> set[str]:
    """import-linter's layers: a lower (or independent sibling) layer reaching a higher one by a
    chain through no other layer of the container."""
    pairs, bad = edges(graph, ignored), set()
    for container in containers:
        names = [[f"{container}.{n}" if container else n for n in level] for level in levels]
        every = {m for level in names for name in level for m in graph.modules if inside(m, name)}
        for rank, level in enumerate(names):
            for name in level:
                higher = [n for level2 in names[:rank] for n in level2]
                siblings = [n for n in level if n != name] if not isinstance(levels[rank], tuple) else []
                forbidden = {m for n in higher + siblings for m in graph.modules if inside(m, n)}
                for m in graph.modules:
                    if inside(m, name):
                        stop = {x for x in every if not inside(x, name)}
                        if reach(m, pairs, stop) & forbidden:
                            bad.add(m)
    return bad


def expected(graph) -> dict[str, set[str]]:
    mods = graph.modules
    pairs = edges(graph, [])
    out = {
        "layers": layered(graph, ["pkg.one", "pkg.two"], [["api"], ["svc", "other"], ["domain"], ["util"]],
                          ["pkg.*.domain.** -> pkg.*.svc.m0"]),
        "siblings": layered(graph, [""], [["pkg.one.api"], ("pkg.one.svc", "pkg.one.other"), ["pkg.one.domain"]], []),
        "exhaustive": layered(graph, ["pkg.two"], [["api"], ["svc"], ["domain"]], []),
    }
    forbidden_pairs = edges(graph, ["pkg.two.** -> pkg.one.api.m1"])
    out["forbidden"] = {m for m in mods if inside(m, "pkg.one.util") or inside(m, "pkg.two.util")
                        if any(inside(t, "pkg.one.api") or t == "json" for t in reach(m, forbidden_pairs, set()))}
    out["direct"] = {a for a, b in pairs if inside(a, "pkg.two.domain") and inside(b, "pkg.two.api")}
    out["modules"] = {"pkg.one.domain.m0"} if "pkg.one.svc.m1" in reach("pkg.one.domain.m0", pairs, set()) else set()
    independent = edges(graph, ["pkg.one.util.m0 -> pkg.two.util.m1"])
    out["independence"] = {m for m in mods for mine, other in (("pkg.one", "pkg.two"), ("pkg.two", "pkg.one"))
                           if inside(m, mine) and any(inside(t, other) for t in reach(m, independent, set()))}
    children = sorted(graph.find_children("pkg.one"))
    out["wildindependence"] = independent_unmediated(graph, children, ["pkg.one.util.m0 -> pkg.*.util.m1"])
    out["wildlayers"] = layered(graph, sorted(graph.find_children("pkg")), [["api"], ["domain"], ["util"]], [])
    out["protected"] = {a for a, b in pairs if b == "pkg.secret" and not inside(a, "pkg.one.api") and a != "pkg.secret"}
    out["acyclic"] = acyclic(graph, ["pkg.one"], 1, {"pkg.one.util"}, ["pkg.one.domain.m1 -> pkg.one.svc.m0"])
    out["cycles"] = acyclic(graph, ["pkg.one", "pkg.two"], 10, set(), [])
    return out


def independent_unmediated(graph, groups: list[str], ignored: list[str]) -> set[str]:
    """import-linter's independence: a module of one group reaching another group by a chain
    through no third group."""
    pairs, bad = edges(graph, ignored), set()
    grouped = {m: g for g in groups for m in graph.modules if inside(m, g)}
    for m, mine in grouped.items():
        stop = {x for x, g in grouped.items() if g != mine}
        if reach(m, pairs, stop) & stop:
            bad.add(m)
    return bad


def child_of(module: str, package: str) -> str | None:
    """The child of `package` holding `module` (None: not inside it)."""
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1:].split(".")[0]


def acyclic(graph, ancestors: list[str], depth: int, skipped: set[str], ignored: list[str]) -> set[str]:
    """import-linter's acyclic_siblings: for each package walked (the ancestors, then `depth`
    levels of children, never into a skipped one), every importer of an import from child A to
    child B when B depends back on A in grimp's squashed graph of the children."""
    pairs, bad, todo = edges(graph, ignored), set(), [(a, depth) for a in ancestors]
    while todo:
        package, left = todo.pop()
        children = graph.find_children(package)
        step = {(child_of(s, package), child_of(d, package)) for s, d in pairs}
        step = {(a, b) for a, b in step if a and b and a != b}
        for s, d in pairs:
            a, b = child_of(s, package), child_of(d, package)
            if a and b and a != b and a in reach(b, step, set()):
                bad.add(s)
        if left:
            todo += [(c, left - 1) for c in children - skipped]
    return bad


def lint_imports(repo: Path) -> dict[str, bool]:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=repo, capture_output=True, text=True, timeout=120)
    verdicts = dict(re.findall(r"^(.+?) (KEPT|BROKEN)(?: \(.*\))?$", result.stdout, re.M))
    assert verdicts, result.stdout + result.stderr
    names = {"Layers": "layers", "Non-independent siblings": "siblings", "Exhaustive": "exhaustive", "Forbidden": "forbidden",
             "Direct only": "direct", "Not as packages": "modules", "Independence": "independence", "Protected": "protected",
             "Acyclic": "acyclic", "Acyclic everywhere": "cycles", "Wild independence": "wildindependence",
             "Wild layers": "wildlayers"}
    return {names[n]: v == "BROKEN" for n, v in verdicts.items()}


def module_of(path: str) -> str:
    name = path[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_govern_and_lint_imports_agree(make_repo, seed):
    repo = make_repo({**generate(seed), ".importlinter": CONFIG})
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=repo,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("wrote adr/") == 12
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json"], cwd=repo,
                           capture_output=True, text=True, timeout=120)
    found: dict[str, set[str]] = {}
    for v in json.loads(check.stdout)["violations"]:
        found.setdefault(v["rule"], set()).add(module_of(v["subject"]) if v["subject"].endswith(".py") else v["subject"])
    graph = graph_of(repo)
    want = expected(graph)
    broken = lint_imports(repo)
    for contract, modules in want.items():
        assert broken[contract] == bool(found.get(contract)), contract
        assert found.get(contract, set()) == modules, contract
    # The imports lint-imports would name (the cycle breakers grimp nominates) are among govern's findings.
    walked, todo = [], ["pkg.one", "pkg.two"]
    while todo:
        walked.append(todo.pop())
        todo += sorted(graph.find_children(walked[-1]))
    breakers = {s for p in walked if len(graph.find_children(p)) >= 2 for s, _ in graph.nominate_cycle_breakers(p)}
    assert breakers and breakers <= found["cycles"]


UNMATCHED = """\
[importlinter]
root_packages =
    pkg

[importlinter:contract:apart]
name = Apart
type = independence
modules =
    pkg.b
    pkg.c
ignore_imports =
    pkg.c -> pkg.b
unmatched_ignore_imports_alerting = {alerting}
"""


@pytest.mark.parametrize("alerting", ["error", "warn", "none"])
def test_an_ignored_import_that_matches_nothing(make_repo, alerting):
    """error: lint-imports fails and govern reports a finding; warn: both pass and warn; none: both
    pass and say nothing."""
    files = {"pkg/__init__.py": "", "pkg/b/__init__.py": "", "pkg/c/__init__.py": "", "pkg/b/x.py": "import pkg\n"}
    repo = make_repo({**files, ".importlinter": UNMATCHED.format(alerting=alerting)})
    lint = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert (lint.returncode == 1) == (alerting == "error"), lint.stdout
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=repo,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json"], cwd=repo,
                           capture_output=True, text=True, timeout=120)
    data = json.loads(check.stdout)
    assert check.returncode == lint.returncode
    if alerting == "error":
        assert "No matches for ignored import pkg.c -> pkg.b." in lint.stdout
        assert [(v["subject"], v["message"]) for v in data["violations"]] == [
            ("pkg.c -> pkg.b", "ignored import pkg.c -> pkg.b matches no import (unmatched-ignores: error)")]
    elif alerting == "warn":  # both say it, neither fails
        assert "No matches for ignored import pkg.c -> pkg.b." in lint.stdout
        assert data["warnings"] == [
            "rule apart (adr/0001-apart.md:14): ignored import 'pkg.c -> pkg.b' matches no import"]
    else:  # none: neither says anything
        assert "pkg.c -> pkg.b" not in lint.stdout + lint.stderr
        assert "warnings" not in data and data["violations"] == []
        assert "unmatched-ignores: none" in (repo / "adr/0001-apart.md").read_text()
        assert "pkg.c" not in subprocess.run([sys.executable, "-m", "govern", "check"], cwd=repo,
                                             capture_output=True, text=True, timeout=120).stdout


DOTTED = """\
[importlinter]
root_packages =
    pkg
{session}
[importlinter:contract:lay]
name = Lay
type = layers
containers =
    pkg.*
layers =
    x.y
    low
exhaustive = True
exhaustive_ignores =
    x.z

[importlinter:contract:ext]
name = Ext
type = forbidden
source_modules =
    pkg.a
forbidden_modules =
    requests
"""


def test_dotted_layers_in_container_patterns_and_external_modules(make_repo):
    """Layer names with dots inside a container pattern are judged as lint-imports judges them
    (one container per matched module, the layer below it); a forbidden external module needs
    include_external_packages, as lint-imports says, or the contract is reported."""
    files = {"pkg/__init__.py": "", **{f"pkg/{c}/{p}": "" for c in ("a", "b") for p in (
        "__init__.py", "x/__init__.py", "x/y/__init__.py", "x/z.py", "low/__init__.py")},
             "pkg/a/low/m.py": "import requests\nimport pkg.a.x.y\n", "pkg/b/x/z.py": "import pkg.b.low\n",
             "pkg/b/low/n.py": "import pkg.a.x.y\n"}
    refused = make_repo({**files, ".importlinter": DOTTED.format(session="")})
    lint = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=refused, capture_output=True, text=True, timeout=120)
    assert "include_external_packages=True" in " ".join(lint.stdout.split())
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=refused,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "forbidden module 'requests' is outside the root packages" in run.stderr
    repo = make_repo({**files, ".importlinter": DOTTED.format(session="include_external_packages = True\n")})
    broken = lint_imports_verdicts(repo)
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=repo,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json", "--verify"], cwd=repo,
                           capture_output=True, text=True, timeout=120)
    found = {(v["rule"], v["subject"]) for v in json.loads(check.stdout)["violations"]}
    # pkg.a.low -> pkg.a.x.y: up a layer; pkg.b.low -> pkg.a.x.y crosses containers (allowed);
    # pkg.a.x and pkg.b.x are in no layer (lint-imports: "not listed as layers"), x.z is ignored.
    assert found == {("lay", "pkg/a/low/m.py"), ("ext", "pkg/a/low/m.py"), ("lay", "pkg/a/x/__init__.py"),
                     ("lay", "pkg/b/x/__init__.py")}
    assert broken == {"Lay": True, "Ext": True}


def lint_imports_verdicts(repo: Path) -> dict[str, bool]:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=repo, capture_output=True, text=True, timeout=120)
    return {n: v == "BROKEN" for n, v in re.findall(r"^(.+?) (KEPT|BROKEN)(?: \(.*\))?$", result.stdout, re.M)}


EXTERNAL = """\
[importlinter]
root_packages =
    pkg
include_external_packages = True

[importlinter:contract:ext]
name = Ext
type = forbidden
source_modules =
    pkg.a.m
forbidden_modules =
    requests
    json
as_packages = False
{ignored}"""


def test_external_packages_are_one_module_as_in_grimps_graph(make_repo):
    """grimp holds an external package as one module: `import json.decoder` is an import of
    `json`, even with as_packages = False, and an ignored import naming an external package
    stands for every import inside it (govern: the alternatives json and json.**, one ignored
    import); a name inside an external package matches nothing in grimp's graph: reported."""
    files = {"pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/a/m.py": "import requests.sessions\nimport json.decoder\n"}
    repo = make_repo({**files, ".importlinter": EXTERNAL.format(ignored="")})
    lint = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert "pkg.a.m is not allowed to import json" in lint.stdout and "pkg.a.m is not allowed to import requests" in lint.stdout
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=repo,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json"], cwd=repo,
                           capture_output=True, text=True, timeout=120)
    assert {(v["subject"], v["target"]) for v in json.loads(check.stdout)["violations"]} == {
        ("pkg/a/m.py", "json.decoder"), ("pkg/a/m.py", "requests.sessions")}
    for alerting, unmatched in (("error", True), ("error", False), ("warn", True), ("none", True)):
        edges = "    pkg.a.m -> json\n" + ("    pkg.a.m -> yaml\n" if unmatched else "")
        config = EXTERNAL.format(ignored=f"ignore_imports =\n{edges}unmatched_ignore_imports_alerting = {alerting}\n")
        ignored = make_repo({**files, ".importlinter": config})
        lint = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ignored, capture_output=True, text=True, timeout=120)
        assert ("No matches for ignored import pkg.a.m -> yaml" in lint.stdout) == (unmatched and alerting != "none")
        if not (unmatched and alerting == "error"):  # that error stops lint-imports before the contracts
            assert "not allowed to import json" not in lint.stdout and "not allowed to import requests" in lint.stdout
        assert lint.returncode == 1
        run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=ignored,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        git(ignored, "add", "-A")
        git(ignored, "commit", "-q", "-m", "adrs")
        check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json"], cwd=ignored,
                               capture_output=True, text=True, timeout=120)
        data = json.loads(check.stdout)
        found = {(v["subject"], v["target"]) for v in data["violations"]}
        yaml_finding = ("pkg.a.m -> yaml | pkg.a.m -> yaml.**", "")
        assert found == {("pkg/a/m.py", "requests.sessions")} | ({yaml_finding} if unmatched and alerting == "error" else set())
        warned = data.get("warnings", [])
        assert bool(warned) == (unmatched and alerting == "warn"), warned
    inside = make_repo({**files, ".importlinter": EXTERNAL.format(ignored="ignore_imports =\n    pkg.a.m -> json.decoder\n")})
    run = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=inside,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "ignored import 'pkg.a.m -> json.decoder': grimp's graph holds an external package" in run.stderr
