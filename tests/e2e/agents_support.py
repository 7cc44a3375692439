"""Helpers for the agent tests: a repository with import, layer and protect decisions, and
recorded harness payloads (tests/data/agents/<harness>/<case>.json, `@REPO@` = the repository)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import git, write
from tests.e2e.hooks_support import BASE_FILES, GOVERN

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "agents"

LAYERS_ADR = """---
title: Layers
status: accepted
rules:
  - id: app-layers
    layers:
      layers: ["app.api", "app.service", "app.db"]
    message: A lower layer must not import a higher one.
---
"""

AGENT_FILES = {
    **BASE_FILES,
    "adr/0004-layers.md": LAYERS_ADR,
    "app/service/__init__.py": "",
    "app/service/orders.py": "import app.db.models\n",
    "app/db/__init__.py": "",
    "app/db/models.py": "X = 1\n",
}


def agent_repo(tmp_path: Path, files: dict | None = None) -> Path:
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, files or AGENT_FILES)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo


def payload(harness: str, case: str, repo: Path) -> bytes:
    """A recorded payload with the repository's path in place of @REPO@."""
    name = case + (".txt" if case == "malformed" else ".json")
    text = (PAYLOADS / harness / name).read_text()
    return text.replace("@REPO@", json.dumps(str(repo))[1:-1]).encode()


def hook(harness: str, data: bytes, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`govern agent-hook HARNESS` as the harness runs it: payload on stdin, in its own process."""
    return subprocess.run([*GOVERN, "agent-hook", harness], cwd=cwd, input=data, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=120)
