"""import-linter expands a module expression into modules and checks each one as a unit: a
protected module may import its own descendants (not another protected module's), a forbidden
contract skips a source and a forbidden module that overlap, a layers contract may have a single
layer. govern translates these with `allow-within-target`, `skip-overlapping` and one-layer rules;
each case is judged by the real lint-imports and by govern after `govern init --from-importlinter`,
and the sets of offending imports must be the same. The seeded random configurations at the end
cover every contract type and option together (lint-imports' kept/broken against govern's)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git
from tests.e2e.importlinter_fuzz import random_case

pytest.importorskip("grimp")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

TREE = {
    "pkg/__init__.py": "",
    "pkg/a/__init__.py": "",
    "pkg/a/x.py": "import pkg.a.z\nimport pkg.b.y\nimport pkg.legacy.old\n",
    "pkg/a/z.py": "",
    "pkg/b/__init__.py": "",
    "pkg/b/y.py": "from pkg.a import z\n",
    "pkg/b/allowed.py": "import pkg.a.x\n",
    "pkg/legacy/__init__.py": "",
    "pkg/legacy/old.py": "import pkg.legacy.older\n",
    "pkg/legacy/older.py": "",
}


def judge(make_repo, config: str, files: dict | None = None) -> tuple[subprocess.CompletedProcess, dict, list[str]]:
    """(lint-imports' run, govern's JSON verdict, what `govern init` wrote) on one repository."""
    repo = make_repo({**(files or TREE), ".importlinter": config})
    lint = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=repo, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"})
    init = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter"], cwd=repo,
                          capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stdout + init.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check", "--format", "json"], cwd=repo,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode in (0, 1), check.stderr
    assert check.returncode == lint.returncode, lint.stdout + check.stdout
    written = [p.read_text() for p in sorted((repo / "adr").glob("*.md"))]
    return lint, json.loads(check.stdout), written


def module_of(path: str) -> str:
    name = path[:-3].replace("/", ".")
    return name.removesuffix(".__init__")


def found(verdict: dict) -> set[tuple[str, str]]:
    return {(module_of(v["subject"]), v["target"]) for v in verdict["violations"]}


def listed(lint: subprocess.CompletedProcess) -> set[tuple[str, str]]:
    """The direct imports lint-imports lists (`- importer -> imported (l.N)`)."""
    return set(re.findall(r"^- (\S+) -> (\S+) \(l\.", lint.stdout, re.M))


PROTECTED = """\
[importlinter]
root_package = pkg

[importlinter:contract:guarded]
name = Guarded
type = protected
protected_modules =
    pkg.*
allowed_importers =
    pkg.b.allowed
{extra}
"""


@pytest.mark.parametrize("extra", ["", "as_packages = False"])
def test_protected_modules_may_import_their_own_descendants_only(make_repo, extra):
    lint, verdict, written = judge(make_repo, PROTECTED.format(extra=extra))
    assert "allow-within-target: true" in written[0]
    want = {("pkg.a.x", "pkg.b.y"), ("pkg.a.x", "pkg.legacy.old"), ("pkg.b.y", "pkg.a.z")}
    if extra:  # each module alone: only imports of pkg.a, pkg.b, pkg.legacy themselves count
        want = set()
    else:  # as packages: a.x → a.z stays inside pkg.a, legacy.old → legacy.older inside pkg.legacy
        assert listed(lint) == want
    assert found(verdict) == want


FORBIDDEN = """\
[importlinter]
root_package = pkg

[importlinter:contract:no-legacy]
name = No legacy
type = forbidden
source_modules =
    {sources}
forbidden_modules =
    pkg.legacy
{extra}
"""


@pytest.mark.parametrize("sources, extra, want", [
    # pkg.legacy is a source too: import-linter skips (pkg.legacy, pkg.legacy), so its own imports pass.
    ("pkg.*", "", {("pkg.a.x", "pkg.legacy.old"), ("pkg.a.x", "pkg.legacy.older"), ("pkg.b.allowed", "pkg.legacy.old"),
                   ("pkg.b.allowed", "pkg.legacy.older")}),
    ("pkg.legacy", "", set()),
    ("pkg.legacy.old", "", set()),  # inside the forbidden package: overlapping, skipped
    ("pkg.a", "allow_indirect_imports = True", {("pkg.a.x", "pkg.legacy.old")}),
    ("pkg.*", "as_packages = False", set()),  # the children alone: none imports pkg.legacy itself
])
def test_forbidden_skips_overlapping_source_and_forbidden_modules(make_repo, sources, extra, want):
    lint, verdict, written = judge(make_repo, FORBIDDEN.format(sources=sources, extra=extra))
    assert ("BROKEN" in lint.stdout) == bool(want)
    assert found(verdict) == want


def test_a_single_layer_is_a_rule(make_repo):
    """import-linter accepts one layer line; `a | b` alone makes a and b independent."""
    config = """\
[importlinter]
root_package = pkg

[importlinter:contract:siblings]
name = Siblings
type = layers
containers = pkg
layers =
    a | b

[importlinter:contract:together]
name = Together
type = layers
containers = pkg
layers =
    a : b
"""
    lint, verdict, _ = judge(make_repo, config)
    assert re.search(r"^Siblings BROKEN", lint.stdout, re.M) and re.search(r"^Together KEPT", lint.stdout, re.M)
    assert {v["rule"] for v in verdict["violations"]} == {"siblings"}
    assert {(module_of(v["subject"])) for v in verdict["violations"]} == {"pkg.a.x", "pkg.b.y", "pkg.b.allowed"}


@pytest.mark.parametrize("seed", [1, 9, 23, 57, 77, 96, 151, 288])
def test_random_configurations_agree_with_lint_imports(make_repo, seed):
    """Seeded random packages and configurations (every contract type, wildcards, as_packages,
    allow_indirect_imports, ignore_imports with each alerting level, exclude_type_checking_imports,
    include_external_packages, optional and sibling layers, exhaustive): the same kept/broken
    contracts and exit code."""
    files, config = random_case(seed)
    lint, verdict, _ = judge(make_repo, config, files)
    broken = {name.lower() for name, state in re.findall(r"^(C\d+) (KEPT|BROKEN)", lint.stdout, re.M) if state == "BROKEN"}
    kept = {name.lower() for name, state in re.findall(r"^(C\d+) (KEPT|BROKEN)", lint.stdout, re.M) if state == "KEPT"}
    assert broken | kept, lint.stdout + lint.stderr
    assert {v["rule"] for v in verdict["violations"]} & (broken | kept) == broken


@pytest.mark.parametrize("block, error", [
    ('{from: ["pkg/**"], to: [pkg.b], skip-overlapping: true}', "skip-overlapping needs from-modules"),
    ('{from-modules: ["=pkg.a"], to: [pkg.b], skip-overlapping: true}', "every from-modules and to pattern exact"),
    ('{from-modules: [pkg], to: ["*.b"], allow-within-target: true}', "must start with a name"),
    ('{from-modules: [pkg], to: [pkg.b], allow-within-target: "yes"}', "allow-within-target"),
])
def test_unit_keys_refuse_what_has_no_units(make_repo, block, error):
    adr = f"---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-import: {block}\n---\n"
    repo = make_repo({**TREE, "adr/0001-t.md": adr})
    lint = subprocess.run([sys.executable, "-m", "govern", "adr", "lint"], cwd=repo, capture_output=True, text=True, timeout=60)
    assert lint.returncode == 2 and error in lint.stdout + lint.stderr, lint.stdout + lint.stderr
    assert "Traceback" not in lint.stderr


def test_partial_never_writes_an_adr_that_does_not_load(make_repo):
    """--partial writes what translates; a contract left with nothing valid (here: no module
    expression is valid) is reported and not written, so `govern check` still runs."""
    config = """\
[importlinter]
root_package = pkg

[importlinter:contract:broken-names]
name = Broken names
type = independence
modules =
    pkg.a-b
    pkg.c-d

[importlinter:contract:fine]
name = Fine
type = forbidden
source_modules = pkg.b
forbidden_modules = pkg.legacy
"""
    repo = make_repo({**TREE, ".importlinter": config})
    init = subprocess.run([sys.executable, "-m", "govern", "init", "--from-importlinter", "--partial"], cwd=repo,
                          capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    assert "contract broken-names: its rule does not load" in init.stderr
    assert [p.name for p in (repo / "adr").iterdir()] == ["0001-fine.md"]
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    check = subprocess.run([sys.executable, "-m", "govern", "check"], cwd=repo, capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "pkg/b/allowed.py:1: import-linter contract: Fine → pkg.legacy.old" in check.stdout
