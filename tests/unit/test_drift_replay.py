"""`govern drift`'s walk (govern.drift.replay: facts by the diff, rules a change cannot touch
not evaluated again) against judging every commit alone (govern.drift.collect's `alone`, each
commit judged as judge() does with its first parent as base): the reports are byte for byte
the same, on generated histories that add and remove governed imports in place, add, delete
and rename files (the module set, hence how `from a import b` resolves, changes), move files
in and out of an exempted folder, edit comments only, touch adr/, add a symlink, and live
through a rule's expiry (the applying rules change mid-walk)."""
from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from govern.drift import render
from govern.drift.collect import collect
from govern.drift.history import first_parent_history
from govern.drift.replay import View, diffs
from govern.facts.api import Wanted, extract
from govern.facts.tree import CommitTree
from govern.verdict.inputs import facts_config, read_config
from tests.conftest import git
from tests.e2e.hooks_support import govern

ADRS = {
    "adr/0001-stripe.md": """---
title: Only billing talks to Stripe
status: accepted
rules:
  - id: stripe-only-in-billing
    forbid-import:
      from: ["app/**"]
      to: ["stripe", "stripe.*"]
      except: ["app/billing/**"]
    severity: warn
---
```datalog
exempt("stripe-only-in-billing", F, "legacy code, to be moved") :- glob(F, "app/legacy/**").
```
""",
    "adr/0002-coupling.md": """---
title: The API does not couple more to the database
status: accepted
rules:
  - id: api-db-coupling
    no-growth:
      metric: imports
      from: ["app/api/**"]
      to: ["app.db", "app.db.*"]
      may-grow-by: 0
      max: 3
  - id: models-fan-in
    no-growth:
      metric: dependents
      of: ["app.db.*"]
      may-grow-by: 1
---
""",
    "adr/0003-layers.md": """---
title: Layers
status: accepted
rules:
  - id: app-layers
    layers:
      layers: [app.api, app.service, app.db]
      transitive: true
  - id: no-requests-in-service
    forbid-import:
      from: ["app/service/**"]
      to: ["requests"]
    expires: 2026-01-02
  - id: adr-protected
    protect:
      paths: ["adr/**"]
---
""",
}
TARGETS = ["app.db.models", "app.db", "app.db.extra", "app.service.s0", "app.api.a0", "stripe", "requests"]
FROMS = ["from app.db import extra", "from app.db import models", "from app.service import s1"]
PACKAGES = ["app/api", "app/service", "app/db", "app/shop", "app/legacy", "app/billing"]


def _history(tmp_path: Path, n: int, seed: int, adr_edits: bool = True, expiring: bool = True) -> Path:
    """`n` commits, one hour apart from 2026-01-01 (the expiring rule stops applying at hour 48)."""
    repo = tmp_path / f"history{seed}"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    rng = random.Random(seed)
    adrs = ADRS if expiring else {p: t.replace("expires: 2026-01-02", "expires: 2099-12-31") for p, t in ADRS.items()}
    files: dict[str, str] = {f"{p}/__init__.py": "" for p in ["app", *PACKAGES]} | dict(adrs)
    files |= {"app/db/models.py": "X = 1\n", "app/service/s0.py": "import app.db.models\n",
              "app/service/s1.py": "", "app/api/a0.py": "import app.service.s0\n"}
    files |= {f"app/api/a{k}.py": "" for k in range(1, 4)}
    links: dict[str, str] = {}
    stream = []
    for i in range(n):
        modules = sorted(p for p in files if p.startswith("app/") and p.endswith(".py") and "__init__" not in p)
        op = rng.choice(["add-import"] * 4 + ["drop-import"] * 2 + ["comment", "new-file", "delete", "rename",
                                                                    "from", "adr", "extra"])
        if i == 0:
            pass
        elif op == "add-import":  # half of them in the API, to the database: the coupling goes over max
            api = [m for m in modules if m.startswith("app/api/")]
            path = rng.choice(api if api and rng.random() < 0.5 else modules)
            files[path] += f"import {rng.choice(TARGETS[:3] if path in api else TARGETS)}\n"
        elif op == "drop-import":
            path = rng.choice(modules)
            lines = files[path].splitlines(keepends=True)
            imports = [k for k, ln in enumerate(lines) if "import" in ln]
            if imports:
                del lines[rng.choice(imports)]
                files[path] = "".join(lines)
        elif op == "comment":
            path = rng.choice(modules)
            files[path] += f"# note {i}\n"
        elif op == "new-file":
            body = "".join(f"import {rng.choice(TARGETS)}\n" for _ in range(rng.randint(0, 2)))
            files[f"{rng.choice(PACKAGES)}/n{i}.py"] = body
        elif op == "delete" and len(modules) > 4:
            del files[rng.choice([m for m in modules if m not in ("app/db/models.py",)])]
        elif op == "rename":
            path = rng.choice(modules)
            files[f"{rng.choice(['app/legacy', 'app/shop', 'app/api'])}/r{i}.py"] = files.pop(path)
        elif op == "from":
            path = rng.choice(modules)
            files[path] += rng.choice(FROMS) + "\n"
        elif op == "adr" and adr_edits:
            files["adr/0003-layers.md"] += f"\nRevised at step {i}.\n"
        elif op == "extra":  # app.db.extra comes or goes: `from app.db import extra` resolves otherwise
            if "app/db/extra.py" in files:
                del files["app/db/extra.py"]
            else:
                files["app/db/extra.py"] = "import app.db.models\n"
        if i == n // 2:
            links["app/shop/link.py"] = "../db/models.py"
        stream.append(_commit(i, files, links))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True)
    git(repo, "reset", "-q", "--hard", "main")
    return repo


def _commit(i: int, files: dict[str, str], links: dict[str, str]) -> str:
    when = 1767225600 + i * 3600
    message = f"step {i}\n"
    out = [f"commit refs/heads/main\nmark :{i + 1}\nauthor A <a@example.com> {when} +0000\n"
           f"committer A <a@example.com> {when} +0000\ndata {len(message)}\n{message}"]
    if i:
        out.append(f"from :{i}\n")
    out.append("deleteall\n")
    for path, text in sorted(files.items()):
        out.append(f"M 100644 inline {path}\ndata {len(text.encode())}\n{text}\n")
    for path, target in sorted(links.items()):
        out.append(f"M 120000 inline {path}\ndata {len(target)}\n{target}\n")
    return "".join(out)


def _reports(repo: Path, spec: str | None, rules_from: str | None = None) -> tuple[list[str], list[str]]:
    commits = first_parent_history(repo, spec)
    rules = rules_from or commits[-1].id
    walked = collect(repo, commits, rules)
    alone = collect(repo, commits, rules, alone=True)
    return ([f(walked) for f in (render.render_json, render.render_csv, render.render_text)],
            [f(alone) for f in (render.render_json, render.render_csv, render.render_text)])


@pytest.mark.parametrize("seed", [1, 2])
def test_the_walk_reports_what_judging_each_commit_alone_reports(tmp_path, seed):
    repo = _history(tmp_path, 60, seed=seed)
    walked, alone = _reports(repo, None)
    assert walked == alone
    assert '"blocking": {' in walked[0]  # a real report, not two empty ones


def test_a_range_and_older_rules_give_the_same_as_alone(tmp_path):
    """A range starting mid-history (its first commit's parent lies outside), and the rules of
    an older commit (the ADR text at that commit)."""
    repo = _history(tmp_path, 40, seed=3)
    middle = git(repo, "rev-parse", "HEAD~25").strip()
    walked, alone = _reports(repo, f"{middle}..HEAD", rules_from=git(repo, "rev-parse", "HEAD~30").strip())
    assert walked == alone


def test_a_view_moved_by_the_diff_holds_what_extracting_the_commit_gives(tmp_path):
    """View.advance (one file's facts replaced, names followed) against facts.api.extract."""
    repo = _history(tmp_path, 30, seed=4)
    commits = first_parent_history(repo, None)
    wanted = Wanted(frozenset({"module", "imports", "under", "module_match", "in_child", "glob"}),
                    globs=frozenset({"app/api/**"}), prefixes=frozenset({"app.db"}), modules=frozenset({"app.*"}))
    config = read_config(CommitTree(repo, commits[-1].id))
    view = View(repo, commits[0].id, wanted, config, cache=True)
    changes = diffs(repo, [(c.id, c.parent) for c in commits[1:]])
    reader = CommitTree(repo, "HEAD")
    for c in commits[1:]:
        before = view.facts()
        added, removed = view.advance(c.id, changes[c.id], reader.read_many)
        whole = {(f.relation, f.args) for f in extract(CommitTree(repo, c.id), facts_config(config), wanted)}
        assert view.facts() == whole, c.subject
        assert (added, removed) == (whole - before, before - whole)


def test_notes_on_some_commits_leave_the_walk_exact(tmp_path):
    """Commits whose note agrees are read (the walk's facts follow them by the diff); the
    commits between are judged: the report is the one judging them alone gives."""
    # A note agrees when its ADRs are the report's, and its rules applied (`govern record`
    # judges today, the report at each commit's date: no rule expires in between here).
    repo = _history(tmp_path, 24, seed=5, adr_edits=False, expiring=False)
    commits = first_parent_history(repo, None)
    recorded = [c.id for c in commits[1::3]]
    done = govern("record", *recorded, cwd=repo)
    assert done.returncode == 0, done.stderr
    walked, alone = _reports(repo, None)
    assert walked == alone
    sources = [c["source"] for c in json.loads(walked[0])["commits"]]
    assert "note" in sources and "computed" in sources


MANIFEST_ADR = """---
title: Dependencies and owners
status: accepted
rules:
  - id: no-django
    forbid-dependency:
      packages: [Django, "django-*"]
      in: ["**/pyproject.toml"]
  - id: deps-growth
    no-growth:
      metric: dependencies
      in: ["pyproject.toml"]
      may-grow-by: 0
  - id: owned
    require-owner:
      paths: ["app/**"]
    severity: warn
---
"""


def test_manifests_and_codeowners_give_the_same_as_alone(tmp_path):
    """Rules reading declared dependencies (their extractor follows `-r` includes: not local,
    so a commit changing pyproject.toml is extracted whole) and CODEOWNERS (local: its owner
    facts follow the file's edits in place)."""
    repo = tmp_path / "manifests"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    rng = random.Random(3)
    files = {f"{p}/__init__.py": "" for p in ["app", *PACKAGES]} | dict(ADRS) | {"adr/0004-deps.md": MANIFEST_ADR}
    files |= {"app/db/models.py": "X = 1\n", "app/api/a0.py": "import app.db.models\n",
              ".github/CODEOWNERS": "/app/api/ @api\n"}
    deps, stream = ["requests"], []
    for i in range(40):
        op = rng.choice(["dep+", "dep-", "owner", "import", "new", "comment"])
        modules = sorted(p for p in files if p.startswith("app/") and p.endswith(".py"))
        if i == 0:
            pass
        elif op == "dep+":
            deps.append(rng.choice(["Django", "django-rest", "attrs", "pydantic"]))
        elif op == "dep-" and deps:
            deps.pop(rng.randrange(len(deps)))
        elif op == "owner":
            files[".github/CODEOWNERS"] += rng.choice(["/app/db/ @db\n", "/app/shop/ @shop\n", "* @all\n"])
        elif op == "import":
            files[rng.choice(modules)] += f"import {rng.choice(TARGETS)}\n"
        elif op == "new":
            files[f"{rng.choice(PACKAGES)}/n{i}.py"] = "import app.db.models\n"
        else:
            files[rng.choice(modules)] += "# c\n"
        files["pyproject.toml"] = '[project]\nname = "x"\ndependencies = [' + ", ".join(f'"{d}"' for d in deps) + "]\n"
        stream.append(_commit(i, files, {}))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True)
    git(repo, "reset", "-q", "--hard", "main")
    walked, alone = _reports(repo, None)
    assert walked == alone
    assert '"deps-growth": 1' in walked[0] and '"no-django": 1' in walked[0]
