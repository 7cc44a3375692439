"""The repository's .pre-commit-hooks.yaml under the real pre-commit framework: `pre-commit
try-repo` against a sample repository, and a real `git commit` through `pre-commit install`
with a .pre-commit-config.yaml. pre-commit installs govern from a snapshot of this source tree
into its own virtualenv (once per test session: the snapshot has one commit, so its store
entry is reused)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, write
from tests.e2e.hooks_support import NO_STRIPE_ADR

PROJECT = Path(__file__).resolve().parents[2]
PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
# Captured at import, before the tests' pinned HOME: pip's wheel cache makes the one install fast.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, Path]:
    """(a one-commit snapshot of this source tree, a pre-commit store shared by the tests)."""
    snapshot = tmp_path_factory.mktemp("govern-src")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = PROJECT / rel
        if source.is_file() and not rel.startswith((".venv/", "benchmarks/")):
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=snapshot, check=True, env=env, capture_output=True)
    return snapshot, tmp_path_factory.mktemp("pre-commit-store")


def pre_commit(repo: Path, store: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(store), "PIP_CACHE_DIR": PIP_CACHE, "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def sample(tmp_path: Path) -> Path:
    repo = tmp_path / "sample"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    write(repo, {"adr/0001-only-billing-talks-to-stripe.md": NO_STRIPE_ADR, "app/__init__.py": "",
                 "app/api/__init__.py": "", "app/api/legacy.py": "import stripe\n",
                 "app/billing/__init__.py": "", "app/billing/charge.py": "import stripe\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "with legacy debt")
    return repo


def test_try_repo_blocks_a_new_violation_and_lints_adrs(hooks_repo, tmp_path):
    source, store = hooks_repo
    repo = sample(tmp_path)
    write(repo, {"app/api/ok.py": "import app.billing.charge\n"})
    git(repo, "add", "-A")
    allowed = pre_commit(repo, store, "try-repo", str(source), "govern-check")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "govern check" in allowed.stdout and "Passed" in allowed.stdout

    write(repo, {"app/api/pay.py": "import stripe\n"})
    git(repo, "add", "-A")
    blocked = pre_commit(repo, store, "try-repo", str(source), "govern-check")
    assert blocked.returncode == 1 and "Failed" in blocked.stdout, blocked.stdout + blocked.stderr
    assert "✗ block  stripe-only-in-billing" in blocked.stdout and "app/api/pay.py:1" in blocked.stdout
    assert "• legacy" in blocked.stdout  # app/api/legacy.py: reported, not blocking

    write(repo, {"adr/0002-bad.md": "---\ntitle: Bad\nstatus: acepted\n---\n"})
    git(repo, "add", "-A")
    lint = pre_commit(repo, store, "try-repo", str(source), "govern-adr-lint")
    assert lint.returncode == 1 and "adr/0002-bad.md" in lint.stdout, lint.stdout + lint.stderr


def test_pre_commit_install_runs_on_a_real_commit(hooks_repo, tmp_path):
    source, store = hooks_repo
    repo = sample(tmp_path)
    rev = git(source, "rev-parse", "HEAD").strip()
    write(repo, {".pre-commit-config.yaml": f"repos:\n  - repo: {source}\n    rev: {rev}\n"
                                            "    hooks:\n      - id: govern-check\n      - id: govern-adr-lint\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pre-commit config")
    installed = pre_commit(repo, store, "install")
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PRE_COMMIT_HOME": str(store), "PIP_CACHE_DIR": PIP_CACHE, "PRE_COMMIT_COLOR": "never"}
    before = git(repo, "rev-parse", "HEAD")
    write(repo, {"app/api/pay.py": "import stripe\n"})
    git(repo, "add", "-A")
    refused = subprocess.run(["git", "commit", "-m", "new debt"], cwd=repo, capture_output=True, text=True, env=env)
    assert refused.returncode != 0 and git(repo, "rev-parse", "HEAD") == before
    assert "stripe-only-in-billing" in refused.stdout + refused.stderr
    write(repo, {"app/api/pay.py": "import app.billing.charge\n"})
    git(repo, "add", "-A")
    done = subprocess.run(["git", "commit", "-m", "fine"], cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
