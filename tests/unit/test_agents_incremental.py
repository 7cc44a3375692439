"""The warm server's judgment of an edit (govern.agents.incremental) is the full judgment's.

Random edits of a repository governed by rule kinds of every shape (transitive layers and
forbid-import, an exemption, independence, a custom rule with negation, an aggregate) are
judged twice: by `judge_draft` alone (the working tree and the proposed tree evaluated in
full) and by `judge_draft(..., warm=...)` with one Warm kept across the edits, as `govern mcp`
keeps it; between edits some are written to disk, which the Warm must notice.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from govern.agents import incremental
from govern.agents.proposal import draft_of, judge_draft
from tests.conftest import git, write

ADRS = {
    "adr/0001-layers.md": """---
title: Layers
status: accepted
rules:
  - id: layers
    layers:
      layers: ["app.api", "app.service", "app.db"]
      transitive: true
    message: A lower layer must not import a higher one.
---
""",
    "adr/0002-no-requests.md": """---
title: The API never does outbound HTTP
status: accepted
rules:
  - id: no-requests-in-api
    forbid-import:
      from: ["app/api/**"]
      to: ["requests"]
      transitive: true
---
""",
    "adr/0003-no-db-in-api.md": """---
title: The API does not touch the database
status: accepted
rules:
  - id: no-db-in-api
    forbid-import:
      from: ["app/api/**"]
      to: ["app.db", "app.db.*"]
---
```datalog
exempt("no-db-in-api", "app/api/health.py", "the liveness probe pings the database").
```
""",
    "adr/0004-independent.md": """---
title: Billing and core are independent
status: accepted
rules:
  - id: billing-core
    independent:
      modules: ["app.billing", "app.core"]
---
""",
    "adr/0005-uses-service.md": """---
title: API modules go through services
status: accepted
rules:
  - id: api-uses-service
    datalog: true
    message: every API module calls the service layer
---
```datalog
uses_service(M) :- imports(M, D), under(D, "app.service").
violation("api-uses-service", F, "app.api module does not use app.service") :-
    module(M, F), under(M, "app.api"), M != "app.api", not uses_service(M).
```
""",
    "adr/0006-fan-in.md": """---
title: Keep the fan-in of core modules small
status: accepted
rules:
  - id: core-fan-in
    datalog: true
    message: a core module has more than 2 importers
---
```datalog
fan_in(M, N) :- module(M, _), under(M, "app.core"), N = count { S : imports(S, M) }.
violation("core-fan-in", F, "a core module has more than 2 importers") :- module(M, F), fan_in(M, N), N > 2.
```
""",
}
MODULES = ["app.api.orders", "app.api.health", "app.service.a", "app.service.b", "app.db.models", "app.db.session",
           "app.billing.charge", "app.core.x", "app.core.y", "app.util.h"]
TARGETS = MODULES + ["requests", "json", "app.db", "app.service"]


MONOTONE = ("adr/0001-layers.md", "adr/0002-no-requests.md", "adr/0003-no-db-in-api.md", "adr/0004-independent.md")


def files(adrs: tuple[str, ...]) -> dict[str, str]:
    out = {path: ADRS[path] for path in adrs}
    for package in {m.rsplit(".", 1)[0] for m in MODULES} | {"app"}:
        out[package.replace(".", "/") + "/__init__.py"] = ""
    body = {"app.api.orders": "import app.service.a\n", "app.api.health": "import app.db.session\nimport app.service.b\n",
            "app.service.a": "import app.db.models\nimport app.util.h\n", "app.service.b": "import app.core.x\n",
            "app.db.models": "import app.util.h\nimport app.service.b\n",  # legacy: an upward import
            "app.core.x": "import app.util.h\n"}
    for module in MODULES:
        out[module.replace(".", "/") + ".py"] = body.get(module, "") + "VALUE = 1\n"
    return out


def random_edit(rng: random.Random, repo: Path) -> list[dict]:
    """One or two edit objects: an import added or removed, a comment, a new file, a deletion."""
    edits = []
    for _ in range(rng.choice((1, 1, 2))):
        path = rng.choice(MODULES).replace(".", "/") + ".py"
        text = (repo / path).read_text() if (repo / path).exists() else ""
        kind = rng.choice(("add", "add", "add", "from", "remove", "comment", "new", "delete"))
        if kind in ("add", "from"):
            target = rng.choice(TARGETS)
            line = f"import {target}\n" if kind == "add" else f"from {target} import thing\n"
            edits.append({"path": path, "content": line + text})
        elif kind == "remove" and "import" in text:
            lines = text.splitlines(keepends=True)
            lines.remove(rng.choice([ln for ln in lines if "import" in ln]))
            edits.append({"path": path, "content": "".join(lines)})
        elif kind == "new":
            package = rng.choice(MODULES).rsplit(".", 1)[0].replace(".", "/")
            edits.append({"path": f"{package}/n{rng.randrange(3)}.py", "content": f"import {rng.choice(TARGETS)}\n"})
        elif kind == "delete" and (repo / path).exists():
            edits.append({"path": path, "delete": True})
        else:
            edits.append({"path": path, "content": text + f"# note {rng.randrange(100)}\n"})
    return edits


def outcome(verdict) -> tuple:
    return verdict.outcome, sorted((f.rule, f.subject, f.target, f.new) for f in verdict.blocking)


@pytest.mark.parametrize("adrs", [MONOTONE, tuple(ADRS)], ids=["monotone", "with-negation-and-count"])
@pytest.mark.parametrize("seed", range(3))
def test_warm_judgments_equal_full_ones_on_random_edits(tmp_path, monkeypatch, seed, adrs):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, files(adrs))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    taken = []
    adds_nothing = incremental.adds_nothing
    monkeypatch.setattr("govern.agents.proposal.adds_nothing",
                        lambda base, changed: taken.append(adds_nothing(base, changed)) or taken[-1])
    rng = random.Random(seed)
    warm = incremental.Warm(str(repo))
    for step in range(25):
        edits = random_edit(rng, repo)
        try:
            full = judge_draft(draft_of(str(repo), edits=edits))
        except Exception as err:  # an edit that cannot apply must fail the same way warm
            with pytest.raises(type(err)):
                judge_draft(draft_of(str(repo), edits=edits, base=warm.tree()), warm=warm)
            continue
        kept = judge_draft(draft_of(str(repo), edits=edits, base=warm.tree()), warm=warm)
        assert outcome(kept) == outcome(full), (seed, step, edits)
        if step % 4 == 3:  # the agent writes an edit: the next judgments start from it
            for edit in edits:
                target = repo / edit["path"]
                if edit.get("delete"):
                    target.unlink()
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(edit["content"])
    if adrs == MONOTONE:  # the incremental judgment was taken, not only the fallbacks
        assert any(taken), "every edit fell back to the full judgment"
