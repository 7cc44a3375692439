"""End to end: long histories and many refs through the hooks (issue #12, item 1).

A push of 1,000 commits, a push of 1,000 tags, a long push blocked by one commit in the
middle, and the invariant behind the batched path: every note the hook writes for a long
push is byte for byte what judging that commit alone gives (the same rules, the same change
facts), for commits of every shape (renames, deletions, merges, signatures, ADR edits,
trailers with empty values). No timing is asserted here: benchmarks/hook_latency.py measures.
"""
from __future__ import annotations

import json
import subprocess
from datetime import date

from govern.facts.tree import CommitTree
from govern.verdict.judge import JudgeRequest, judge
from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, audit_entries, commit, note, push, server, verdict_note


def fast_commits(work, count: int, agent_every: int = 10, path=lambda i: f"app/api/gen{i % 40}.py") -> str:
    """`count` commits on top of HEAD by one `git fast-import` (one small file each; every
    `agent_every`-th with an agent trailer); returns the new HEAD."""
    head = git(work, "rev-parse", "HEAD").strip()
    chunks = []
    for i in range(count):
        message = f"generated {i}\n" + (f"\n{AGENT_TRAILER}\n" if i % agent_every == 0 else "")
        content = f"VALUE = {i}\n"
        chunks.append(f"commit refs/heads/main\ncommitter Ada Human <ada@example.com> {1767225600 + i} +0000\n"
                      f"data {len(message.encode())}\n{message}" + (f"from {head}\n" if i == 0 else "")
                      + f"M 100644 inline {path(i)}\ndata {len(content)}\n{content}\n")
    subprocess.run(["git", "fast-import", "--quiet", "--force"], cwd=work, input="".join(chunks), text=True,
                   check=True, capture_output=True)
    git(work, "reset", "-q", "--hard", "main")
    return git(work, "rev-parse", "HEAD").strip()


def alone(bare, commit: str, rules: str, tip: bool, env: dict | None = None) -> dict:
    """The verdict of `commit` judged by itself the way the hook judges it in a push (on the
    day the hook judged it: rule expiry goes by the server's clock; every commit of an update
    records the old tip as its base)."""
    day = date.fromisoformat(json.loads(note(bare, commit))["date"])
    request = JudgeRequest(repo=bare, target=CommitTree(bare, commit), commit=commit, adr_tree=CommitTree(bare, rules),
                           change_rev=commit, scope="all" if tip else "change", env=env or {},
                           base=CommitTree(bare, rules), on=day)
    return judge(request).to_json()


def test_a_thousand_commit_push_is_judged_and_noted(tmp_path):
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    tip = fast_commits(work, 1000)
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert "allowed, 1000 new commits judged" in done.stderr
    commits = git(bare, "rev-list", f"{old}..{tip}").split()
    assert len(commits) == 1000
    notes = git(bare, "notes", "--ref=govern", "list").splitlines()
    assert {line.split()[1] for line in notes} >= set(commits)
    [entry] = [e for e in audit_entries(bare) if e["new"] == tip]
    assert entry["commits"] == 1000 and entry["decision"] == "allow"
    for commit in commits[::97] + [commits[-1]]:  # the batch gives what judging each alone gives
        assert verdict_note(bare, commit) == alone(bare, commit, old, tip=commit == tip)


def test_every_kind_of_commit_is_noted_as_if_judged_alone(tmp_path):
    """Renames, deletions, a merge, an ADR edit, empty-valued trailers, an allowed agent change
    and an approved one: the batched facts and the quiet-commit notes are exact."""
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    commit(work, {"app/api/a.py": "A = 1\n"}, "add a")
    git(work, "mv", "app/api/a.py", "app/api/b.py")
    git(work, "commit", "-q", "-m", "rename a to b\n\nReviewed-by:\nTicket: T-1")
    commit(work, {}, f"drop orders\n\n{AGENT_TRAILER}", delete=("app/api/orders.py",))
    git(work, "checkout", "-q", "-b", "side", "HEAD~2")
    commit(work, {"app/api/side.py": "S = 1\n"}, "side work")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    commit(work, {"adr/0004-more.md": "---\ntitle: More\nstatus: proposed\n---\n"}, "propose an ADR")
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 2\n"}, f"billing\n\n{AGENT_TRAILER}")
    env = {"GL_USERNAME": "alice"}  # the approver pushes: the agent's billing change is allowed
    done = push(work, env=env)
    assert done.returncode == 0, done.stderr
    tip = git(work, "rev-parse", "HEAD").strip()
    commits = git(bare, "rev-list", f"{old}..{tip}").split()
    assert len(commits) == 7
    for sha in commits:
        assert verdict_note(bare, sha) == alone(bare, sha, old, tip=sha == tip, env=env), sha


def test_one_bad_commit_in_a_long_push_blocks_it(tmp_path):
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    fast_commits(work, 300)
    bad = commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 9\n"}, f"tune\n\n{AGENT_TRAILER}")
    fast_commits(work, 300)
    done = push(work)
    assert done.returncode != 0
    assert "[billing-needs-approval]" in done.stderr and f"in commit {bad[:12]}" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == old
    [entry] = [e for e in audit_entries(bare) if e["decision"] == "reject"]
    assert entry["commits"] == 601 and [b["commit"] for b in entry["blocking"]] == [bad]


def test_a_thousand_tags_in_one_push(tmp_path):
    """Tags of commits main already holds were judged when the commits landed: nothing is
    judged again, each tag is allowed and audited, and no note is rewritten."""
    bare, work = server(tmp_path)
    fast_commits(work, 100)
    assert push(work).returncode == 0
    notes_before = git(bare, "rev-parse", "refs/notes/govern").strip()
    commits = git(work, "rev-list", "HEAD").split()
    stream = "".join(f"tag v{i}\nfrom {commits[i % len(commits)]}\ntagger Ada Human <ada@example.com> 1767225600 +0000\n"
                     f"data 8\nrelease\n" for i in range(1000))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=work, input=stream, text=True, check=True)
    done = push(work, "--tags")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("allowed, points at a commit already judged on refs/heads/main") == 1000
    assert len(git(bare, "tag").split()) == 1000
    tags = [e for e in audit_entries(bare) if e["ref"].startswith("refs/tags/")]
    assert len(tags) == 1000 and {e["decision"] for e in tags} == {"allow"}
    assert git(bare, "rev-parse", "refs/notes/govern").strip() == notes_before


def test_tags_of_new_commits_are_judged_once(tmp_path):
    """Tags whose commits are not on main yet are judged (a bad one blocks the push); commits
    several tags share are judged once and noted once."""
    bare, work = server(tmp_path)
    base = git(work, "rev-parse", "HEAD").strip()
    fast_commits(work, 20)
    for i, rev in enumerate(("HEAD", "HEAD~5", "HEAD~10")):
        git(work, "tag", f"t{i}", rev)
    done = push(work, "t0", "t1", "t2")
    assert done.returncode == 0, done.stderr
    assert "refs/tags/t0: allowed, 20 new commits judged" in done.stderr
    assert len(git(bare, "notes", "--ref=govern", "list").splitlines()) >= 20
    git(work, "reset", "-q", "--hard", base)
    git(work, "checkout", "-q", "-b", "bad")
    bad = commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds")
    git(work, "tag", "t3", bad)
    done = push(work, "t3")
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr
    assert "t3" not in git(bare, "tag")


def test_first_push_of_a_history_into_an_empty_repository(tmp_path):
    """The bootstrap push: no old rules, the pushed tip's own; every commit judged and noted."""
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    from tests.e2e.hooks_support import govern

    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    from tests.conftest import write

    write(work, BASE_FILES)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    tip = fast_commits(work, 500)
    git(work, "remote", "add", "origin", str(bare))
    done = push(work, "main")
    assert done.returncode == 0, done.stderr
    assert "allowed, 501 new commits judged" in done.stderr
    assert json.loads(note(bare, tip))["verdict"] == "allow"
    assert len(git(bare, "notes", "--ref=govern", "list").splitlines()) == 501


def test_first_push_of_the_default_branch_into_an_empty_repository_blocks(tmp_path):
    """HEAD of an empty repository names its (unborn) default branch: the first push of it is
    governed as the default branch (blocking), not as any other branch (reported only)."""
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    from tests.conftest import write
    from tests.e2e.hooks_support import govern

    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    write(work, {**BASE_FILES, "app/api/refunds.py": "import stripe\n"})
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial, with a violation")
    git(work, "remote", "add", "origin", str(bare))
    done = push(work, "main")
    assert done.returncode == 1
    assert "[stripe-only-in-billing]" in done.stderr
    assert "blocking because of govern.refs '@default block' (default)" in done.stderr
    assert git(bare, "for-each-ref").strip() == ""
