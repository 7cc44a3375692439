"""Golden cases: tests/cases/<name>/{adr/, tree/, [base/], README, expected.json}.

Each case becomes a real git repository: `base/` + `adr/` committed first when present, then
`tree/` + `adr/` as the commit under test (its message from `message` when present, so
change rules can read trailers). `govern check --rev HEAD --format json` (with
`--new-since HEAD~1` when there is a base) must print expected.json, on every engine.
Commits are made with the pinned dates of tests/conftest.py, so commit and blob ids are
stable. `GOVERN_UPDATE_GOLDEN=1 pytest tests/e2e/test_golden_cases.py` rewrites expected.json.
Adding a case needs no code: see tests/cases/README.md.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from govern.cli.app import main
from tests.conftest import git

CASES = Path(__file__).resolve().parent.parent / "cases"
ENGINES = ("pydatalog", "clingo")
# Keys that legitimately differ between runs of the same case: the project version and
# the engine that ran (the verdict and the proofs must not depend on either).
VOLATILE = ("govern", "engine")


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "tree").is_dir())


def build_repo(case: Path, repo: Path) -> list[str]:
    """Commit the case into a new repo; returns the extra `govern check` arguments."""
    git(repo, "init", "-q", "-b", "main")
    layers = [case / "base", case / "tree"] if (case / "base").is_dir() else [case / "tree"]
    for layer in layers:
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        # Plain copies (fresh mtimes): git must see a same-size rewrite as a change.
        shutil.copytree(layer, repo, dirs_exist_ok=True, copy_function=shutil.copy)
        shutil.copytree(case / "adr", repo / "adr", dirs_exist_ok=True, copy_function=shutil.copy)
        git(repo, "add", "-A")
        message = f"{case.name}: {layer.name}"
        if layer.name == "tree" and (case / "message").is_file():
            message = (case / "message").read_text()
        git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return ["--new-since", "HEAD~1"] if len(layers) == 2 else []


def run_check(repo: Path, extra: list[str], engine: str, capsys, monkeypatch) -> tuple[int, dict]:
    monkeypatch.chdir(repo)
    capsys.readouterr()
    code = main(["check", "--rev", "HEAD", "--format", "json", "--engine", engine, *extra])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return code, json.loads(out.out)


def normalised(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in VOLATILE}


@pytest.mark.parametrize("name", case_names())
def test_golden_case(name, tmp_path, capsys, monkeypatch):
    case = CASES / name
    repo = tmp_path / name
    repo.mkdir()
    extra = build_repo(case, repo)
    results = {engine: run_check(repo, extra, engine, capsys, monkeypatch) for engine in ENGINES}
    (code, data), *others = results.values()
    assert code == (1 if data["verdict"] == "block" else 0)
    for other_code, other in others:
        assert (other_code, normalised(other)) == (code, normalised(data)), "engines disagree"
    expected_file = case / "expected.json"
    if os.environ.get("GOVERN_UPDATE_GOLDEN") == "1":
        expected_file.write_text(json.dumps(normalised(data), sort_keys=True, ensure_ascii=False, indent=2) + "\n")
    if not expected_file.exists():
        pytest.fail(f"{name}: no expected.json; review the output of GOVERN_UPDATE_GOLDEN=1 and commit it")
    assert normalised(data) == json.loads(expected_file.read_text()), f"{name}: output differs from expected.json"
