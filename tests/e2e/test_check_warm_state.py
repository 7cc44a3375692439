"""A repeated check takes its verdict's key from the working tree's state (paths git lists and
their stat data, govern.verdict.cache and govern.cli.check_stored): it must never print a
stale verdict. Each attack below changes the tree after a state was remembered and compares
what `govern check` prints with a fresh judgement (no stored verdict, no remembered state)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govern.cli import check_run, check_stored
from govern.cli.app import main
from govern.cli.fast import check_fields
from govern.facts import statcache
from tests.conftest import git, write
from tests.e2e.check_support import GOVERN, example_repo, govern
from tests.unit.test_facts_worktree_listing import rewrite_keeping_stat

# A rule whose path glob matches no file until an attack adds one (a warning says so).
SCRIPTS_ADR = """---
title: Scripts stay out of the app
status: accepted
date: 2026-01-12
rules:
  - id: scripts-not-in-app
    forbid-import:
      from: ["scripts/**"]
      to: ["app", "app.*"]
---
# Decision

Nothing under scripts/ imports the app.
"""


@pytest.fixture
def aged(monkeypatch):
    """Every file counts as settled (as it would be two seconds later), in this process."""
    monkeypatch.setattr(statcache, "MARGIN_NS", -10 ** 15)


@pytest.fixture
def judged(monkeypatch):
    """How many checks were judged or keyed in full (govern.cli.check_run), not printed by the warm path."""
    calls = []
    real = check_run.run_check

    def counted(options, listed=None):
        calls.append(options)
        return real(options, listed)
    monkeypatch.setattr(check_run, "run_check", counted)
    return calls


def check(capsys, repo: Path, *args: str) -> tuple[int, bytes, str]:
    capsys.readouterr()
    code = main(["check", "-C", str(repo), *args])
    out = capsys.readouterr()
    return code, out.out.encode(), out.err


def fresh(capsys, repo: Path, *args: str) -> tuple[int, bytes, str]:
    shutil.rmtree(repo / ".git" / "govern" / "verdicts", ignore_errors=True)
    return check(capsys, repo, *args)


def shop(tmp_path: Path) -> Path:
    repo = example_repo(tmp_path)
    write(repo, {"adr/0004-scripts-stay-out.md": SCRIPTS_ADR, "app/api/link_target.py": "import json\n"})
    (repo / "app" / "api" / "link.py").symlink_to("link_target.py")
    nested = repo / "app" / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q", "-b", "main")
    git(nested, "commit", "-q", "--allow-empty", "-m", "one")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    return repo


def attack(repo: Path, name: str) -> None:
    api = repo / "app" / "api"
    if name == "same size and mtime":
        text = (api / "orders.py").read_bytes()
        rewrite_keeping_stat(api / "orders.py", b"import stripe\n" + b"#" * (len(text) - 14))
    elif name == "untracked module":
        write(repo, {"app/api/extra.py": "import stripe\n"})
    elif name == "file matching a glob":
        write(repo, {"scripts/run.sh": "echo\n"})
    elif name == "adr":
        adr = repo / "adr" / "0002-only-billing-talks-to-stripe.md"
        adr.write_text(adr.read_text().replace("status: accepted", "status: proposed", 1))
    elif name == "new adr":
        write(repo, {"adr/0005-copy.md": (repo / "adr" / "0002-only-billing-talks-to-stripe.md").read_text()
                     .replace("stripe-only-in-billing", "stripe-again")})
    elif name == "pyproject":
        config = repo / "pyproject.toml"
        config.write_text(config.read_text().replace('adr-dir = "adr"', 'adr-dir = "decisions"'))
    elif name == "branch":
        git(repo, "checkout", "-q", "-b", "other")
        write(repo, {"app/api/refunds.py": "import json\n"})
        git(repo, "commit", "-q", "-am", "no stripe")
        git(repo, "checkout", "-q", "main")
        git(repo, "checkout", "-q", "other")
    elif name == "rename":
        (api / "refunds.py").rename(api / "refunds_v2.py")
    elif name == "chmod":
        (api / "refunds.py").chmod(0o755)
    elif name == "delete":
        (api / "refunds.py").unlink()
    elif name == "file to symlink":
        (api / "refunds.py").unlink()
        (api / "refunds.py").symlink_to("orders.py")
    elif name == "symlink target":
        (api / "link.py").unlink()
        (api / "link.py").symlink_to("refunds.py")
    elif name == "symlink to file":
        (api / "link.py").unlink()
        write(repo, {"app/api/link.py": "import stripe\n"})
    elif name == "gitignore":
        write(repo, {".gitignore": "app/api/refunds.py\n"})
        git(repo, "rm", "-q", "--cached", "app/api/refunds.py")
    elif name == "staged only":
        write(repo, {"app/api/extra.py": "import stripe\n"})
        git(repo, "add", "app/api/extra.py")
        (api / "extra.py").unlink()
    elif name == "submodule commit":
        nested = repo / "app" / "vendor" / "lib"
        git(nested, "commit", "-q", "--allow-empty", "-m", "two")
        git(repo, "add", "app/vendor/lib")
    elif name == "nested repository":
        other = repo / "app" / "api" / "plugin"
        other.mkdir()
        git(other, "init", "-q")
    elif name == "touch":
        os.utime(api / "refunds.py")
    else:
        raise AssertionError(name)


ATTACKS = ["same size and mtime", "untracked module", "file matching a glob", "adr", "new adr", "pyproject",
           "branch", "rename", "chmod", "delete", "file to symlink", "symlink target", "symlink to file",
           "gitignore", "staged only", "submodule commit", "nested repository", "touch"]


@pytest.mark.parametrize("name", ATTACKS)
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_no_attack_gets_a_stale_verdict(tmp_path, capsys, aged, judged, name, fmt):
    repo = shop(tmp_path)
    first = check(capsys, repo, "--format", fmt)
    assert check(capsys, repo, "--format", fmt) == first
    assert len(judged) == 1  # the second came from the remembered state
    time.sleep(0.05)  # past the kernel's clock tick: a write gets a later ctime
    attack(repo, name)
    after = check(capsys, repo, "--format", fmt)
    assert after == fresh(capsys, repo, "--format", fmt)
    if fmt == "json" and name not in ("touch", "staged only", "chmod"):  # these leave the verdict as it was
        assert after != first, "the attack changes nothing: it attacks nothing"


def test_a_state_is_remembered_only_once_it_has_settled(tmp_path, capsys, judged):
    repo = shop(tmp_path)  # every file written a moment ago: its stat data could still hide a write
    first = check(capsys, repo, "--format", "json")
    assert check(capsys, repo, "--format", "json") == first
    assert len(judged) == 2  # keyed in full again (the verdict itself was stored)
    states = repo / ".git" / "govern" / "verdicts" / "v1-states"
    assert not states.exists()


def test_a_settled_state_prints_without_the_judge_or_the_extractor(tmp_path):
    """Through the real CLI, with the real margin: the warm path imports neither the judge,
    the fact extractor's tree, typer nor dataclasses, and prints the same bytes."""
    repo = shop(tmp_path)
    time.sleep(statcache.MARGIN_NS / 1e9 + 0.2)
    first = govern(repo, "check", "--format", "json")
    assert first.returncode == 1
    warm = subprocess.run([sys.executable, "-X", "importtime", GOVERN, "check", "--format", "json"], cwd=repo,
                          capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if line.startswith("import time:")}
    assert (warm.returncode, warm.stdout) == (first.returncode, first.stdout)
    assert not {"govern.verdict.judge", "govern.facts.tree", "typer", "dataclasses", "typing"} & imported
    assert "govern.cli.check_stored" in imported


def test_the_warm_path_and_the_full_check_key_the_same_head(tmp_path):
    """govern.cli.check_stored builds the head of the key from the options; the full check from
    its JudgeRequest: the two must agree, or the warm path would never find a verdict."""
    from dataclasses import replace

    from govern.verdict.cache import _head, head
    from govern.verdict.request import today
    from govern.verdict.targets import judge_request

    repo = example_repo(tmp_path)
    for engine, adr_dir in ((None, None), ("clingo", "adr"), ("auto", None)):
        request = judge_request(str(repo), rev=None, staged=False, new_since=None, engine=engine, adr_dir=adr_dir)
        assert _head(replace(request, on=today())) == head("WorkTree", today().isoformat(), engine, adr_dir)


def test_the_warm_path_knows_the_formats_and_engines():
    from govern.cli import check_stored
    from govern.verdict.targets import ENGINES

    assert set(check_stored.FORMATS) == set(check_run.REPORTS)
    assert set(check_stored.ENGINES) == {None, *ENGINES}


def test_every_plain_shape_answers_as_the_full_check(tmp_path, capsys, monkeypatch, aged, judged):
    """Each argument shape govern.cli.fast runs without typer, run twice (the second may be
    printed by the warm path), answers as the full check under typer (same code, bytes, file)."""
    from tests.unit.test_startup_fast import FAST

    repo = example_repo(tmp_path)
    (repo / "app" / "api" / "extra.py").write_text("import stripe\n")  # a working-tree change
    out = tmp_path / "out.json"
    monkeypatch.chdir(repo)
    warm = expected = 0
    for shape in FAST:
        args = [a.format(repo=repo, out=out) for a in shape]
        answers = []
        for second, run in ((False, ["check", *args]), (True, ["check", *args]), (False, ["--debug", "check", *args])):
            capsys.readouterr()
            before = len(judged)
            code = main(run)
            os.environ.pop("GOVERN_DEBUG", None)
            printed = capsys.readouterr()
            warm += second and len(judged) == before
            answers.append((code, printed.out, printed.err, out.read_bytes() if out.exists() else None))
            out.unlink(missing_ok=True)
        assert answers[0] == answers[1] == answers[2], shape
        fields = check_fields(args)
        expected += answers[0][0] in (0, 1) and not any(fields.get(k) for k in check_stored._HANDLED_ELSEWHERE)
    assert warm == expected > 0  # repeated, each shape the warm path handles was printed by it


def test_the_next_day_is_judged_afresh(tmp_path, capsys, monkeypatch, aged, judged):
    """A rule that expires today stops applying tomorrow: a state remembered today must not
    answer tomorrow (the judging day is part of the key, in the warm path and the full check)."""
    from datetime import date, timedelta

    from govern.verdict import request

    repo = shop(tmp_path)
    adr = repo / "adr" / "0002-only-billing-talks-to-stripe.md"
    today = date.fromisoformat(time.strftime("%Y-%m-%d", time.gmtime()))
    adr.write_text(adr.read_text().replace("    message: Only", f"    expires: {today.isoformat()}\n    message: Only", 1))
    first = check(capsys, repo, "--format", "json")
    assert check(capsys, repo, "--format", "json") == first and len(judged) == 1
    real_gmtime = time.gmtime
    monkeypatch.setattr(time, "gmtime", lambda secs=None: real_gmtime(time.time() + 86400 if secs is None else secs))
    monkeypatch.setattr(request, "today", lambda: today + timedelta(days=1))
    tomorrow = check(capsys, repo, "--format", "json")
    assert tomorrow == fresh(capsys, repo, "--format", "json")
    assert tomorrow != first and b"expired" in tomorrow[1]
