"""pre-receive reuses the old tip's answers when the pushed tree has the same facts
(govern.hook.unchanged, JudgeRequest.known): the verdict, the messages and the notes are
exactly those of judging the tree in full, and anything that may change an answer is judged
in full."""
from __future__ import annotations

import json

import pytest

from govern.facts.tree import CommitTree
from govern.config import Config
from govern.hook import judging
from govern.hook.refs import RefUpdate
from govern.hook.unchanged import same_tree_facts
from govern.verdict import judge as judge_module
from govern.verdict.inputs import read_adrs
from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, NO_REQUESTS_ADR, commit, govern, note, push, server, verdict_note

# Tree rules reading imports and modules only (the protect and dependency ADRs are left out:
# a change rule or a manifest rule is never reused).
FILES = {k: v for k, v in BASE_FILES.items() if not k.startswith(("adr/0002", "adr/0003"))}
LEGACY = {"app/api/refunds.py": "import stripe\n"}


@pytest.fixture
def noted(tmp_path):
    """A server whose main tip has a legacy violation and a verdict note (and its summary)."""
    bare, work = server(tmp_path, {**FILES, **LEGACY}, install=False)
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    commit(work, {"app/api/clean.py": "x = 1\n"}, "clean")
    done = push(work)
    assert done.returncode == 0 and "1 legacy" in done.stderr, done.stderr
    return bare, work


def _judge_both(bare, work, monkeypatch, prove="new"):
    """(judgment reusing answers when it can, judgment in full) of main..work's HEAD."""
    git(bare, "fetch", "-q", str(work), "HEAD")  # the objects, as in git's quarantine
    old = git(bare, "rev-parse", "main").strip()
    update = RefUpdate(old, git(work, "rev-parse", "HEAD").strip(), "refs/heads/main")
    fast = judging.judge_update(bare, update, {}, prove=prove)
    with monkeypatch.context() as patch:
        patch.setattr(judging, "unchanged", lambda *args: False)
        full = judging.judge_update(bare, update, {}, prove=prove)
    return fast, full


def _same(fast, full) -> None:
    assert json.dumps(fast.verdicts, sort_keys=True) == json.dumps(full.verdicts, sort_keys=True)
    assert fast.tip_verdict == full.tip_verdict and fast.blocking == full.blocking


def test_an_edit_that_keeps_the_facts_reuses_the_notes_answers(noted, monkeypatch):
    bare, work = noted
    commit(work, {"app/api/refunds.py": "# still legacy\nimport stripe  # noqa\n\nX = 1\n",
                  "app/api/orders.py": "import app.billing.charge\nY = 2\n"}, "edit, same imports")
    fast, full = _judge_both(bare, work, monkeypatch)
    assert fast.tip_verdict.stats.get("answers_reused") and not full.tip_verdict.stats.get("answers_reused")
    _same(fast, full)
    assert fast.allowed and [(v.subject, v.new) for v in fast.tip_verdict.violations] == [("app/api/refunds.py", False)]
    done = push(work)  # and for real: accepted, and the note is the full judgment's
    assert done.returncode == 0 and "1 legacy" in done.stderr, done.stderr
    tip = git(work, "rev-parse", "HEAD").strip()
    notes_before = git(bare, "rev-parse", "refs/notes/govern")
    assert govern("record", tip, cwd=bare).returncode == 0  # judges again: nothing new to write
    assert git(bare, "rev-parse", "refs/notes/govern") == notes_before
    assert verdict_note(bare, tip)["violations"][0]["proof"] is not None


@pytest.mark.parametrize("prove", ["new", "all"])  # pre-receive, post-receive
def test_without_a_usable_note_only_the_tip_is_evaluated(tmp_path, monkeypatch, prove):
    """The first push after install: the old tip has no note. Same facts: the base's
    violations are the tip's own, so the base is not evaluated; the verdict is the same."""
    bare, work = server(tmp_path, {**FILES, **LEGACY}, install=False)
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    commit(work, {"app/api/refunds.py": "# a comment\nimport stripe\n"}, "edit, same imports")
    evaluated = []
    for name in ("evaluate", "extract_facts"):  # the tip's evaluation, the base's (for legacy)
        real = getattr(judge_module, name)
        monkeypatch.setattr(judge_module, name, lambda repo, tree, *a, real=real, **k: evaluated.append(tree.rev)
                            or real(repo, tree, *a, **k))
    fast, full = _judge_both(bare, work, monkeypatch, prove)
    base = git(bare, "rev-parse", "main").strip()
    assert note(bare, base) is None
    _same(fast, full)
    tip = git(work, "rev-parse", "HEAD").strip()
    assert evaluated == [tip, base, tip]  # fast: the tip alone; full: the base, then the tip
    assert [(v.subject, v.new, v.proof is None) for v in fast.tip_verdict.violations] == [
        ("app/api/refunds.py", False, prove == "new")]
    assert push(work).returncode == 0


@pytest.mark.parametrize("files", [
    {"app/api/orders.py": "import stripe\n"},  # a new violation
    {"app/api/orders.py": "import app.billing\n"},  # other imports, no violation
    {"app/api/new.py": "x = 1\n"},  # a new file (a new module)
])
def test_a_change_of_the_facts_is_judged_in_full(noted, monkeypatch, files):
    bare, work = noted
    commit(work, files, "changes what the rules read")
    fast, full = _judge_both(bare, work, monkeypatch)
    assert not fast.tip_verdict.stats.get("answers_reused")
    _same(fast, full)
    assert fast.allowed == ("stripe" not in "".join(files.values()))


def test_deleting_a_file_is_judged_in_full(noted, monkeypatch):
    bare, work = noted
    commit(work, {}, "delete the violation", delete=("app/api/refunds.py",))
    fast, full = _judge_both(bare, work, monkeypatch)
    assert not fast.tip_verdict.stats.get("answers_reused") and fast.tip_verdict.violations == ()
    _same(fast, full)


def test_rules_reading_manifests_or_other_files_are_never_reused(noted):
    """Manifests follow includes (`-r other.txt`): a file's facts may depend on another's bytes."""
    bare, work = noted
    base = git(work, "rev-parse", "HEAD").strip()
    tip = commit(work, {"app/api/orders.py": "import app.billing.charge\n# a comment\n",
                        "adr/0002-no-requests.md": NO_REQUESTS_ADR}, "comment and a dependency rule")
    without = commit(work, {}, "drop it again", delete=("adr/0002-no-requests.md",))
    git(bare, "fetch", "-q", str(work), "HEAD")
    config = Config()
    assert not same_tree_facts(bare, base, tip, read_adrs(CommitTree(bare, tip), "adr"), config)
    assert same_tree_facts(bare, base, without, read_adrs(CommitTree(bare, base), "adr"), config)


def test_the_judge_reuses_known_answers_only_when_nothing_would_differ(make_repo):
    from dataclasses import replace

    from govern.verdict.judge import JudgeRequest, KnownAnswers, judge

    repo = make_repo({**FILES, **LEGACY})
    tip = git(repo, "rev-parse", "HEAD").strip()
    legacy = frozenset({("stripe-only-in-billing", "app/api/refunds.py", "stripe")})
    request = JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip, legacy=legacy, prove="new")
    full = judge(request)
    rules = tuple(full.to_json()["rules"])
    answers = frozenset((v.rule, v.subject, v.target, v.message) for v in full.violations)
    known = KnownAnswers(full.engine, answers, rules)
    assert judge(replace(request, known=known)).stats == {"answers_reused": True}
    assert judge(replace(request, known=known)) == full
    refused = [replace(request, known=known, prove="all"),  # legacy violations need proofs then
               replace(request, known=known, legacy=frozenset()),  # a new violation needs its proof
               replace(request, known=replace(known, rules=rules[:-1] + ({**rules[-1], "applies": False},)))]
    for other in refused:
        assert "answers_reused" not in judge(other).stats


@pytest.mark.parametrize("engine", [None, "pydatalog", "naive"])
def test_no_rule_in_scope_is_what_evaluating_no_rules_gives(make_repo, engine):
    """A pushed commit's change scope in a repository without change rules: not evaluated
    (no tree listing), with the verdict evaluating nothing would give."""
    from govern.verdict.evaluate import evaluate
    from govern.verdict.judge import JudgeRequest, judge

    repo = make_repo({**FILES, **LEGACY})
    base = git(repo, "rev-parse", "HEAD").strip()
    tip = commit(repo, {"app/api/more.py": "import stripe\n"})
    request = JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip, change_rev=tip, scope="change",
                           base=CommitTree(repo, base), engine=engine)
    verdict = judge(request)
    nothing = evaluate(repo, CommitTree(repo, tip), [], Config(), [], engine or "auto")
    assert verdict.engine == nothing.engine and verdict.violations == verdict.exemptions == ()
    assert verdict.outcome == "allow" and verdict.base == base
    assert all(not r.applies for r in verdict.rules)
    assert judge(JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip)).outcome == "block"  # scope all
