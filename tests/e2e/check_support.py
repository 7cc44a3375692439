"""Helpers for the `govern check` end-to-end tests: real repositories, the real CLI in a subprocess."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import git, write
from tests.e2e.hooks_support import NO_STRIPE_ADR

GOVERN = str(Path(sys.executable).parent / "govern")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop"
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"

STRIPE_ADR = NO_STRIPE_ADR  # one text of the ADR for the check and hook tests

SMALL_APP = {
    "adr/0001-only-billing-talks-to-stripe.md": STRIPE_ADR,
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "import json\n",
    "app/billing/__init__.py": "",
    "app/billing/charge.py": "import stripe\n",
}


def govern(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed `govern` in `repo` (text mode)."""
    return subprocess.run([GOVERN, *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def check_json(repo: Path, *args: str, env: dict | None = None) -> tuple[int, dict]:
    result = govern(repo, "check", "--format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def commit(repo: Path, files: dict[str, str], message: str = "change") -> str:
    """Write `files`, commit them all, return the new commit id."""
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def example_repo(tmp_path: Path) -> Path:
    """examples/shop copied into a fresh repository with one commit."""
    repo = tmp_path / "shop"
    shutil.copytree(EXAMPLE, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The example shop")
    return repo


def subjects(data: dict, key: str = "violations") -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]) for f in data[key]]


def proof_nodes(data: dict, root: str) -> list[dict]:
    """The nodes of the proof whose root id is `root`, in pre-order, as they are in the verdict's
    table `proofs` (format 2): changing one changes the verdict JSON."""
    table, stack, out = data["proofs"], [root], []
    while stack:
        node = table[stack.pop()]
        out.append(node)
        stack += reversed(node["children"])
    return out
