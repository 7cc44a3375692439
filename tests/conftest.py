"""Shared fixtures: real git repositories in tmp dirs with pinned identities and dates."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Human",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Human",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _pinned_git_env(monkeypatch, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Ada Human\n\temail = ada@example.com\n")
    monkeypatch.setenv("HOME", str(home))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("GITHUB_USER_LOGIN", "GL_USERNAME", "GITEA_PUSHER_NAME", "GL_USER", "GOVERN_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(key, raising=False)


def git(repo: Path, *args: str, env: dict | None = None, check: bool = True) -> str:
    """Run real git in `repo` and return stdout (text)."""
    result = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def write(repo: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


@pytest.fixture
def make_repo(tmp_path):
    """make_repo(files, message=...) -> Path of a fresh repo with one commit of `files`."""
    counter = iter(range(1000))

    def _make(files: dict[str, str | bytes] | None = None, message: str = "initial") -> Path:
        repo = tmp_path / f"repo{next(counter)}"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        if files:
            write(repo, files)
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", message)
        return repo

    return _make
