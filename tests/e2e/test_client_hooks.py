"""`govern hook install --client [--pre-commit] [--pre-push]`: local hooks for teams without the
pre-commit framework, tested with real commits and real pushes to a bare repository (no server
hooks there: the client hooks alone decide)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import git, write
from tests.e2e.hooks_support import commit, govern, push, server

LEGACY = {"app/api/legacy.py": "import stripe\n"}  # a violation that is already on the server


def try_commit(repo: Path, files: dict, message: str = "change") -> subprocess.CompletedProcess:
    write(repo, files)
    git(repo, "add", "-A")
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True, text=True)


def head(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "rev-parse", ref).strip()


def test_pre_commit_hook_blocks_new_violations_and_chains_the_existing_hook(tmp_path):
    _, work = server(tmp_path, install=False)
    commit(work, LEGACY, "legacy debt")
    hooks = work / ".git" / "hooks"
    write(hooks, {"pre-commit": "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/chained.log\"\n"})
    (hooks / "pre-commit").chmod(0o755)
    done = govern("hook", "install", "--client", cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"kept the existing pre-commit hook as {hooks / 'pre-commit.pre-govern'} (it runs first)",
                                        f"wrote {hooks / 'pre-commit'}"]
    again = govern("hook", "install", "--client", "--pre-commit", cwd=work)
    assert again.stdout == f"already installed: {hooks / 'pre-commit'}\n"

    before = head(work)
    refused = try_commit(work, {"app/api/pay.py": "import stripe\n"})
    assert refused.returncode == 1 and head(work) == before
    said = refused.stdout + refused.stderr  # git sends a hook's output to stderr
    assert "✗ block  stripe-only-in-billing" in said and "app/api/pay.py:1" in said
    assert "• legacy" in said  # the debt is reported, it does not block
    git(work, "rm", "-q", "--cached", "app/api/pay.py")
    allowed = try_commit(work, {"app/api/pay.py": "import app.billing.charge\n"})
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert (work / ".git" / "chained.log").read_text() == "ran\nran\n"


def test_a_failing_chained_hook_stops_the_commit(tmp_path):
    _, work = server(tmp_path, install=False)
    hooks = work / ".git" / "hooks"
    write(hooks, {"pre-commit": "#!/bin/sh\necho 'lint failed' >&2\nexit 3\n"})
    (hooks / "pre-commit").chmod(0o755)
    assert govern("hook", "install", "--client", cwd=work).returncode == 0
    refused = try_commit(work, {"app/api/ok.py": "x = 1\n"})
    assert refused.returncode != 0 and "lint failed" in refused.stderr and "govern:" not in refused.stderr


def test_pre_commit_hook_on_the_first_commit(tmp_path):
    repo = tmp_path / "new"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    assert govern("hook", "install", "--client", cwd=repo).returncode == 0
    write(repo, {"adr/0001-stripe.md": (Path(__file__).parent / "hooks_support.py").read_text().split('NO_STRIPE_ADR = """')[1].split('"""')[0],
                 "app/__init__.py": "", "app/api/__init__.py": "", "app/api/pay.py": "import stripe\n"})
    git(repo, "add", "-A")
    refused = subprocess.run(["git", "commit", "-q", "-m", "first"], cwd=repo, capture_output=True, text=True)
    assert refused.returncode == 1 and "✗ block" in refused.stderr  # no HEAD yet: every violation is new
    assert git(repo, "rev-list", "--all") == ""


def test_pre_push_hook_blocks_new_violations_only(tmp_path):
    bare, work = server(tmp_path, install=False)
    commit(work, LEGACY, "legacy debt")
    assert push(work).returncode == 0
    write(work / ".git" / "hooks", {"pre-push": "#!/bin/sh\ncat > \"$(git rev-parse --git-dir)/chained-stdin\"\n"})
    (work / ".git" / "hooks" / "pre-push").chmod(0o755)
    done = govern("hook", "install", "--client", "--pre-push", cwd=work)
    assert done.returncode == 0 and "kept the existing pre-push hook" in done.stdout, done.stderr

    good = commit(work, {"app/api/ok.py": "import app.billing.charge\n"}, "fine")
    assert push(work).returncode == 0 and head(bare, "main") == good  # the legacy debt does not block
    bad = commit(work, {"app/api/pay.py": "import stripe\n"}, "new debt")
    refused = push(work)
    assert refused.returncode != 0 and head(bare, "main") == good
    said = refused.stdout + refused.stderr
    assert "govern: HEAD → refs/heads/main:" in said
    assert "app/api/pay.py:1" in said and "push blocked" in said
    assert f"HEAD {bad} refs/heads/main {good}" in (work / ".git" / "chained-stdin").read_text()

    # a new branch is compared with where it forks from the remote's default branch
    git(work, "reset", "-q", "--hard", good)
    git(work, "remote", "set-head", "origin", "main")
    commit(work, {"app/api/feature.py": "x = 1\n"}, "feature")
    assert push(work, "HEAD:refs/heads/feature").returncode == 0
    commit(work, {"app/api/feature.py": "import stripe\n"}, "feature debt")
    assert push(work, "HEAD:refs/heads/feature2").returncode != 0
    assert push(work, ":refs/heads/feature").returncode == 0  # a deletion has nothing to judge


def test_install_usage_errors(tmp_path):
    bare, work = server(tmp_path, install=False)
    for args, cwd, message in [
        (["--client"], bare, "is a bare repository: use --server"),
        ([], work, "give either --server BARE_REPO or --client"),
        (["--server", str(bare), "--client"], work, "give either --server BARE_REPO or --client"),
        (["--server", str(bare), "--pre-push"], work, "--pre-commit and --pre-push go with --client"),
        (["--client", "-C", str(tmp_path)], work, "not a git repository"),
    ]:
        done = govern("hook", "install", *args, cwd=cwd)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    hooks = work / ".git" / "hooks"
    write(hooks, {"pre-commit": "#!/bin/sh\n", "pre-commit.pre-govern": "#!/bin/sh\n"})
    done = govern("hook", "install", "--client", cwd=work)
    assert done.returncode == 2 and "merge them by hand" in done.stderr


def test_pre_push_rejects_malformed_input(tmp_path):
    _, work = server(tmp_path, install=False)
    done = govern("hook", "pre-push", "origin", "url", cwd=work, input="only three fields\n")
    assert done.returncode == 2 and "malformed input line" in done.stderr
