"""A generated history for the drift tests: commits made with `git fast-import` (hundreds in a
second), each adding or removing one import edge, one exempted import or one forbidden import,
with the expected counts of every commit computed here, independently of govern."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

from tests.conftest import git

ADRS = {
    "adr/0001-no-stripe-outside-billing.md": """---
title: Only billing talks to Stripe
status: accepted
rules:
  - id: stripe-only-in-billing
    forbid-import:
      from: ["app/**"]
      to: ["stripe"]
      except: ["app/billing/**"]
    severity: warn
---
```datalog
exempt("stripe-only-in-billing", F, "legacy code, to be moved") :- glob(F, "app/legacy/**").
```
""",
    "adr/0002-api-db-coupling.md": """---
title: The API does not couple more to the database
status: accepted
rules:
  - id: api-db-coupling
    no-growth:
      metric: imports
      from: ["app/api/**"]
      to: ["app.db", "app.db.*"]
      may-grow-by: 0
      max: 40
---
""",
}
BASE = {"app/__init__.py": "", "app/api/__init__.py": "", "app/db/__init__.py": "", "app/db/models.py": "X = 1\n",
        "app/legacy/__init__.py": "", "app/billing/__init__.py": "", "app/billing/pay.py": "import stripe\n"}


def expected(files: dict[str, str], parent: dict[str, str] | None) -> dict:
    """The counts of one commit, from its files (and its parent's, for the growth findings)."""
    def edges(fs):
        return {p for p, text in fs.items() if p.startswith("app/api/") and "import app.db.models" in text}

    stripe = {p for p, text in files.items() if "import stripe" in text and not p.startswith("app/billing/")}
    exempted = {p for p in stripe if p.startswith("app/legacy/")}
    now, was = edges(files), edges(parent) if parent is not None else None
    # Over max every item is a finding; else, with a base, the added items when the count grew.
    if len(now) > 40:
        coupling = len(now)
    else:
        coupling = len(now - was) if was is not None and len(now) > len(was) else 0
    return {"metrics": {"api-db-coupling": len(now)},
            "findings": {"stripe-only-in-billing": len(stripe - exempted), "api-db-coupling": coupling},
            "exemptions": {"ADR-0001": len(exempted), "ADR-0002": 0}}


def generated_history(tmp_path: Path, n: int, seed: int = 7) -> tuple[Path, list[dict]]:
    """A repository of `n` commits on main and the expected counts of each, oldest first."""
    repo = tmp_path / "history"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    rng = random.Random(seed)
    files = dict(BASE) | ADRS
    stream, expect, parent = [], [], None
    for i in range(n):
        if i:
            kind = rng.choice(["edge+", "edge+", "edge-", "stripe+", "legacy+", "stripe-"])
            api = sorted(p for p in files if p.startswith("app/api/m"))
            if kind == "edge+" or (kind == "edge-" and not api):
                files[f"app/api/m{i}.py"] = "import app.db.models\n"
            elif kind == "edge-":
                del files[rng.choice(api)]
            elif kind == "stripe+":
                files[f"app/shop/s{i}.py"] = "import stripe\n"
            elif kind == "legacy+":
                files[f"app/legacy/l{i}.py"] = "import stripe\n"
            else:
                gone = sorted(p for p in files if p.startswith(("app/shop/", "app/legacy/l")))
                if gone:
                    del files[rng.choice(gone)]
        expect.append(expected(files, parent))
        parent = dict(files)
        stream.append(_commit(i, files))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True)
    git(repo, "reset", "-q", "--hard", "main")
    return repo, expect


def _commit(i: int, files: dict[str, str]) -> str:
    when = 1767225600 + i * 3600  # 2026-01-01, one commit an hour
    lines = [f"commit refs/heads/main\nmark :{i + 1}\nauthor A <a@example.com> {when} +0000\n"
             f"committer A <a@example.com> {when} +0000\n"]
    message = f"step {i}\n"
    lines.append(f"data {len(message.encode())}\n{message}")
    if i:
        lines.append(f"from :{i}\n")
    lines.append("deleteall\n")
    for path, text in sorted(files.items()):
        data = text.encode()
        lines.append(f"M 100644 inline {path}\ndata {len(data)}\n{text}\n")
    return "".join(lines)


def chromium() -> str | None:
    """The Chromium binary (Debian's package), installed with apt-get when missing and root
    (as .ci/run does); None when it cannot be had."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env, timeout=600, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], capture_output=True, env=env, timeout=900,
                       check=False)
        found = shutil.which("chromium")
    return found
