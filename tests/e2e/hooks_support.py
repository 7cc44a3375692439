"""Helpers for the hook end-to-end tests: a real bare server with govern's hooks, real clones,
real `git push`. No mocks: the hooks run as git runs them, in separate processes.

The pusher: a server hook's environment comes from the `git push` process for a push to a
local path, so `push(..., env={"GL_USERNAME": "alice"})` is how these tests play the
authenticated user a forge would set (GitLab's GL_USERNAME; see docs/hooks.md).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import git, write

GOVERN = [str(Path(sys.executable).parent / "govern")]

NO_STRIPE_ADR = """---
title: Only the billing service talks to Stripe
status: accepted
date: 2026-01-12
rules:
  - id: stripe-only-in-billing
    forbid-import:
      from: ["app/**"]
      to: ["stripe", "stripe.*"]
      except: ["app/billing/**"]
    message: Only app/billing may call Stripe.
---
# Decision
No module outside app/billing imports stripe.
"""

NO_REQUESTS_ADR = """---
title: No requests library
status: accepted
rules:
  - id: no-requests
    forbid-dependency:
      packages: ["requests"]
    message: Use httpx, not requests.
---
"""

PROTECT_ADR = """---
title: Agents need an approval to touch billing
status: accepted
rules:
  - id: billing-needs-approval
    protect:
      paths: ["app/billing/**"]
      actors: [agent]
      unless-approved-by: [alice]
    message: An agent changed billing without alice's approval.
---
"""

# hook-budget: generous, because tests run on a loaded 2-core machine (20 hooks at once in the
# concurrency test); the budget itself is tested with an impossible 1 ms in test_hooks_budget.
BASE_FILES = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "0"\ndependencies = ["httpx"]\n\n'
                      '[tool.govern]\nroots = ["."]\nhook-budget = 120.0\n',
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/orders.py": "import app.billing.charge\n",
    "app/billing/__init__.py": "",
    "app/billing/charge.py": "import stripe\n",
    "adr/0001-only-billing-talks-to-stripe.md": NO_STRIPE_ADR,
    "adr/0002-no-requests.md": NO_REQUESTS_ADR,
    "adr/0003-agents-need-approval-for-billing.md": PROTECT_ADR,
}

AGENT_TRAILER = "Co-authored-by: Claude <noreply@anthropic.com>"


def govern(*args: str, cwd: Path, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed govern CLI as a user would."""
    return subprocess.run([*GOVERN, *args], cwd=cwd, capture_output=True, text=True, input=input,
                          env={**os.environ, **(env or {})}, timeout=120)


def server(tmp: Path, files: dict | None = None, install: bool = True) -> tuple[Path, Path]:
    """(bare server with `files` on main and govern's hooks installed, a working clone)."""
    bare = tmp / "server.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp / "work"
    git(tmp, "init", "-q", "-b", "main", str(work))
    write(work, BASE_FILES if files is None else files)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    git(work, "remote", "add", "origin", str(bare))
    git(work, "push", "-q", "origin", "main")
    if install:
        done = govern("hook", "install", "--server", str(bare), cwd=tmp)
        assert done.returncode == 0, done.stderr
    return bare, work


def commit(repo: Path, files: dict, message: str = "change", delete: tuple[str, ...] = (), args: tuple = ()) -> str:
    """Commit `files` (and deletions) in `repo`; return the new commit id."""
    write(repo, files)
    for path in delete:
        git(repo, "rm", "-q", "--", path)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", *args, "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def push(repo: Path, *refspecs: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A real `git push origin REFSPEC…`; the hook's stderr comes back as `remote: …` lines."""
    return subprocess.run(["git", "push", "origin", *(refspecs or ("HEAD:main",))], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def note(bare: Path, rev: str) -> str | None:
    """The note of `rev` as stored (packed: docs/json-format.md), or None."""
    done = subprocess.run(["git", "notes", "--ref=govern", "show", rev], cwd=bare, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def verdict_note(bare: Path, rev: str) -> dict:
    """The verdict JSON the note of `rev` holds (unpacked, as `govern why --format json` prints it)."""
    from govern.notes.codec import decode

    body = note(bare, rev)
    assert body is not None, f"no note for {rev}"
    return decode(body.encode())


def audit_entries(bare: Path) -> list[dict]:
    import json

    done = govern("audit", "--format", "json", "--repo", str(bare), cwd=bare)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
