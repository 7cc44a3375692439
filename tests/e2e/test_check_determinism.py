"""The same tree and ADRs give byte-identical JSON: across PYTHONHASHSEED values, across
clones, and whatever order the files were created in."""
from __future__ import annotations

import os
import random
import shutil
import subprocess

from tests.conftest import git, write
from tests.e2e.check_support import EXAMPLE, GOVERN, example_repo


def check_bytes(repo, *args, env=None) -> bytes:
    result = subprocess.run([GOVERN, "check", "--format", "json", *args], cwd=repo, capture_output=True,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_same_bytes_across_hash_seeds_and_locales(tmp_path):
    repo = example_repo(tmp_path)
    outputs = {check_bytes(repo, "--rev", "HEAD", env={"PYTHONHASHSEED": seed}) for seed in ("0", "1", "12345")}
    outputs.add(check_bytes(repo, "--rev", "HEAD", env={"LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "7"}))
    assert len(outputs) == 1


def test_same_bytes_across_clones(tmp_path):
    repo = example_repo(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert check_bytes(repo, "--rev", "HEAD") == check_bytes(clone, "--rev", "HEAD")
    # The working trees of both clones too (no commit id involved).
    assert check_bytes(repo) == check_bytes(clone)


def test_same_bytes_whatever_the_file_creation_order(tmp_path):
    files = sorted(p for p in EXAMPLE.rglob("*") if p.is_file())
    contents = {str(p.relative_to(EXAMPLE)): p.read_text() for p in files}
    outputs = set()
    for seed in (1, 2):
        order = list(contents)
        random.Random(seed).shuffle(order)
        repo = tmp_path / f"order{seed}"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        for path in order:  # creation order differs, so does directory order on disk
            write(repo, {path: contents[path]})
            git(repo, "add", "--", path)
        git(repo, "commit", "-q", "-m", "The example shop")
        outputs.add(check_bytes(repo, "--rev", "HEAD"))
        outputs.add(check_bytes(repo))
        shutil.rmtree(repo / ".git" / "govern", ignore_errors=True)  # cold cache: same bytes
        outputs.add(check_bytes(repo))
    # The committed and working-tree runs differ (commit ids, target); each is stable.
    assert len(outputs) == 2
