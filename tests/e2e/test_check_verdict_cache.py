"""Stored verdicts (govern.verdict.cache): a repeated `govern check` prints the bytes a fresh
judgement prints, in every format, without importing the judge; any change to what the
verdict is computed from is judged afresh; a damaged entry is ignored; keys and output do
not depend on the hash seed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, write
from tests.e2e.check_support import example_repo, govern

FORMATS = ("json", "text", "sarif", "junit", "github", "gitlab")


def stored(repo: Path) -> list[Path]:
    """The stored verdicts (not their renderings, `<key>.<view>`)."""
    return sorted(p for p in (repo / ".git" / "govern" / "verdicts" / "v1").glob("[0-9a-f]*") if "." not in p.name)


def renderings(repo: Path) -> list[Path]:
    return sorted(p for p in (repo / ".git" / "govern" / "verdicts" / "v1").glob("[0-9a-f]*.*"))


def fresh(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A check with no stored verdict (the blob and ADR caches are left alone)."""
    shutil.rmtree(repo / ".git" / "govern" / "verdicts", ignore_errors=True)
    return govern(repo, "check", *args, env=env)


def same(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess) -> bool:
    return (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_a_repeated_check_prints_the_same_bytes_in_every_format(tmp_path):
    repo = example_repo(tmp_path)
    for fmt in FORMATS:
        for extra in ((), ("--no-proof",), ("--quiet",), ("--max-findings", "1"), ("app/api",), ("--only-new",)):
            if extra and fmt != "text" and extra[0] in ("--no-proof", "--quiet", "--max-findings"):
                continue
            args = ("--format", fmt, *extra)
            first = fresh(repo, *args)
            assert first.returncode == 1, first.stderr
            assert len(stored(repo)) == 1
            assert len(renderings(repo)) == (0 if args == ("--format", "json") else 1)
            assert same(govern(repo, "check", *args), first), args


def test_a_stored_verdict_is_printed_without_judging(tmp_path):
    repo = example_repo(tmp_path)
    first = govern(repo, "check", "--format", "json")
    code = ("import sys\nfrom govern.cli.app import main\ncode = main(['check', '--format', 'json'])\n"
            "print('judged' if 'govern.verdict.judge' in sys.modules else 'stored', code, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert (run.stdout, run.stderr) == (first.stdout, "stored 1\n")


@pytest.mark.parametrize("change", ["import", "adr", "config", "untracked", "deleted", "mode", "symlink", "engine",
                                    "staged", "new-since", "verify"])
def test_any_change_to_the_inputs_is_judged_afresh(tmp_path, change):
    repo = example_repo(tmp_path)
    args = ["--format", "json"]
    govern(repo, "check", *args)
    views = "app/api/orders.py"
    if change == "import":
        write(repo, {views: (repo / views).read_text() + "import stripe\n"})
    elif change == "adr":
        adr = next((repo / "adr").glob("*.md"))
        adr.write_text(adr.read_text().replace("status: accepted", "status: proposed", 1))
    elif change == "config":
        config = repo / "pyproject.toml"
        config.write_text(config.read_text().replace('roots = ["."]', 'roots = ["."]\nnamespace-packages = false'))
    elif change == "untracked":
        write(repo, {"app/api/extra.py": "import stripe\n"})
    elif change == "deleted":
        (repo / views).unlink()
    elif change == "mode":
        (repo / views).chmod(0o755)
    elif change == "symlink":
        (repo / "app" / "api" / "link.py").symlink_to("orders.py")
    elif change == "engine":
        args += ["--engine", "clingo"]
    elif change == "staged":
        args += ["--staged"]
    elif change == "new-since":
        args += ["--new-since", "HEAD"]
    elif change == "verify":
        args += ["--verify"]
    before = stored(repo)
    again = govern(repo, "check", *args)
    assert (stored(repo) == before) == (change == "verify")  # --verify re-checks every proof: never stored
    assert same(again, fresh(repo, *args))


def test_the_stored_verdict_is_the_fresh_one_after_a_change_and_back(tmp_path):
    repo = example_repo(tmp_path)
    views = repo / "app" / "api" / "orders.py"
    original = views.read_text()
    clean = govern(repo, "check", "--format", "json")
    views.write_text(original + "import stripe\n")
    dirty = govern(repo, "check", "--format", "json")
    assert dirty.stdout != clean.stdout
    views.write_text(original)
    assert same(govern(repo, "check", "--format", "json"), clean)
    assert len(stored(repo)) == 2


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "trailer", "other key", "no newline"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, damage, fmt):
    repo = example_repo(tmp_path)
    first = govern(repo, "check", "--format", fmt)
    [entry] = renderings(repo) if fmt == "text" else stored(repo)
    data = entry.read_bytes()
    payload, _, trailer = data[:-1].rpartition(b"\n")
    if damage == "flip":  # a verdict that allows, with the stored checksum
        data = data.replace(b'"verdict":"block"', b'"verdict":"allow"').replace(b"1 blocking", b"0 blocking")
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = b""
    elif damage == "trailer":
        data = payload + b"\n" + trailer.replace(b" block ", b" allow ") + b"\n"
    elif damage == "other key":  # a whole, checksummed entry of another name
        data = payload + b"\n" + trailer.replace(entry.name.encode(), b"e" * 64) + b"\n"
    else:
        data = data[:-1]
    assert data != entry.read_bytes()
    entry.write_bytes(data)
    assert same(govern(repo, "check", "--format", fmt), first)
    assert entry.read_bytes() != data  # judged (or rendered) again and stored whole


def test_a_stored_verdict_is_rendered_in_a_new_format_without_judging(tmp_path):
    repo = example_repo(tmp_path)
    govern(repo, "check", "--format", "json")
    expected = fresh(repo, "--format", "sarif")
    govern(repo, "check", "--format", "json")
    code = ("import sys\nfrom govern.cli.app import main\ncode = main(['check', '--format', 'sarif'])\n"
            "print('judged' if 'govern.verdict.judge' in sys.modules else 'stored', code, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert (run.stdout, run.stderr) == (expected.stdout, "stored 1\n")


def test_a_closed_output_stores_nothing(tmp_path):
    repo = example_repo(tmp_path)
    run = subprocess.run(f"'{sys.executable}' -m govern check | head -c 10", shell=True, cwd=repo,
                         capture_output=True, text=True)
    assert len(run.stdout) == 10
    assert renderings(repo) == [] or same(govern(repo, "check"), fresh(repo))
    assert not list((repo / ".git" / "govern" / "verdicts" / "v1").glob(".tmp-*"))


def test_keys_and_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    repo = example_repo(tmp_path)
    outputs, keys = set(), set()
    for seed in ("0", "1", "4242"):
        shutil.rmtree(repo / ".git" / "govern", ignore_errors=True)
        result = govern(repo, "check", "--format", "json", env={"PYTHONHASHSEED": seed})
        again = govern(repo, "check", "--format", "json", env={"PYTHONHASHSEED": seed})
        outputs |= {result.stdout, again.stdout}
        keys |= {p.name for p in stored(repo)}
    assert len(outputs) == 1 and len(keys) == 1
    assert json.loads(outputs.pop())["verdict"] == "block"


def test_a_linked_worktree_with_other_files_gets_its_own_verdict(tmp_path):
    repo = example_repo(tmp_path)
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(linked))
    main = govern(repo, "check", "--format", "json")
    write(linked, {"app/api/orders.py": "import json\n"})
    assert same(govern(linked, "check", "--format", "json"), fresh(linked, "--format", "json"))
    assert same(govern(repo, "check", "--format", "json"), main)


def test_an_unwritable_cache_only_loses_the_speed_up(tmp_path):
    repo = example_repo(tmp_path)
    first = govern(repo, "check", "--format", "json")
    shutil.rmtree(repo / ".git" / "govern" / "verdicts")
    (repo / ".git" / "govern" / "verdicts").write_text("not a directory\n")
    assert same(govern(repo, "check", "--format", "json"), first)
    assert same(govern(repo, "check", "--format", "json"), first)


def test_the_key_changes_with_the_day(tmp_path):
    from datetime import date

    from govern.verdict.cache import verdict_key
    from govern.verdict.targets import judge_request
    from dataclasses import replace

    repo = example_repo(tmp_path)
    request = judge_request(str(repo), rev=None, staged=False, new_since=None, engine=None, adr_dir=None)
    keys = {verdict_key(replace(request, on=date(2026, 1, d))) for d in (1, 1, 2)}
    assert len(keys) == 2 and None not in keys
    assert verdict_key(request) is None  # no day fixed: not cached
    rev = judge_request(str(repo), rev="HEAD", staged=False, new_since=None, engine=None, adr_dir=None)
    assert verdict_key(replace(rev, on=date(2026, 1, 1))) is None  # a commit is judged afresh
