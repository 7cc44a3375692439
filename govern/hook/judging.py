"""Judge one ref update the way SPEC §6 says: old tip's rules, new tip's tree, every new commit.

* Rules (ADRs and `[tool.govern]`) come from the old tip; for a new ref from the default
  branch (what the bare repository's HEAD names); for the very first push into an empty
  repository from the pushed tip itself (bootstrap: there is nothing older to trust).
* The new tip's tree is judged with the old tip (default branch) as base, so violations the
  base already had are legacy: reported, not blocking (taken from the base's own note when it
  was judged under the same rules, see govern.hook.legacy). Scope "all" with the tip's own
  change facts, so that one evaluation also yields the tip's note.
* Every other new commit is judged for change rules (`protect`, change datalog) with its own
  change facts and the server's pusher. Built-in checks govern who may change the rules
  (govern.hook.adr_changes) and keep them loadable (govern.hook.rules_check).
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from govern.facts.api import change_facts
from govern.facts.change import classify_why, pusher_facts, unexplained_changes
from govern.facts.history import BatchError, CommitInfo, change_facts_many
from govern.facts.model import Fact, Source
from govern.facts.tree import CommitTree
from govern.config import Config, parse_config
from govern.hook.adr_changes import adr_change_findings, governed_changes
from govern.hook.legacy import usable_note, with_legacy
from govern.hook.policy import Policy, read_policy
from govern.hook.refs import ZERO, RefUpdate, default_branch, is_ancestor, new_commits, peel_commit
from govern.hook.rules_check import rules_cost_findings, rules_load_findings
from govern.hook.rules_tree import RulesTree
from govern.hook.submodules import submodule_findings
from govern.hook.unchanged import known_answers, unchanged
from govern.notes.git_plumbing import try_git
from govern.verdict.inputs import facts_config, read_adrs
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.reuse import answers_impossible
from govern.verdict.model import Finding, Verdict


_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_CONFIGS: dict[tuple[str, str], Config] = {}
ASK = object()  # judge_update(default=ASK): read the default branch from the repository
PYPROJECT = "pyproject.toml"


@dataclass
class RefJudgment:
    """What govern decided about one `old new ref` line."""

    update: RefUpdate
    rules_rev: str | None = None  # the commit whose ADRs applied
    base_rev: str | None = None  # the commit whose violations are legacy
    tip: str | None = None
    commits: list[str] = field(default_factory=list)
    tip_verdict: Verdict | None = None
    blocking: list[tuple[str, Finding]] = field(default_factory=list)  # (commit, finding)
    verdicts: dict[str, dict] = field(default_factory=dict)  # commit -> verdict JSON (the note to write)
    # ADR files, allowed signers, CODEOWNERS, pyproject.toml ([tool.govern]) the new commits change:
    # the push is judged without these changes (by the rules of rules_rev); the refusal says so
    rules_changed: set[str] = field(default_factory=set)
    # commit -> why its actor class is what it is (the author or trailer and the pattern), for
    # the commits with blocking findings; rule id -> the approvals that would lift a `protect`
    # rule's finding (both explain a refusal: govern.hook.messages)
    actors: dict[str, str] = field(default_factory=dict)
    approvals: dict[str, str] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.blocking


def config_at(repo: Path, rev: str | None) -> Config:
    """`[tool.govern]` of `rev`'s pyproject.toml (defaults when there is no such file).

    Remembered per commit id (content-addressed, so it cannot go stale): a push to the
    default branch reads the same commit's for the hook's policy and for its rules."""
    key = (os.fspath(repo), rev)
    if key not in _CONFIGS:
        data = try_git(repo, "cat-file", "blob", f"{rev}:pyproject.toml") if rev else None
        config = parse_config(data, f"{rev[:12] if rev else ''}:pyproject.toml")
        if rev and _OID.fullmatch(rev):
            _CONFIGS[key] = config
        return config
    return _CONFIGS[key]


def judge_update(repo: Path, update: RefUpdate, env: Mapping[str, str], prove: str = "all",
                 default: tuple[str, str] | None | object = ASK, policy: Policy | None = None,
                 moment: datetime | None = None, *, tip: str | None = None, shared: dict | None = None,
                 only: set[str] | None = None) -> RefJudgment:
    """Judge `update`; a deletion is not judged (the policy decides on deletions).

    `prove="new"` (pre-receive): the tip's legacy violations are listed without proofs
    (see JudgeRequest.prove); its verdict is then not a complete note (`complete`).
    `default`: refs.default_branch(repo) when the caller has read it already.
    `policy`: the server's (adr-changes and agent pushers override the rules tree's).
    `moment`: the server's clock at push time; rule expiry is judged on its date (UTC), never
    on a commit's date, which the pusher writes. Default: now.
    `tip`: the new id peeled, when known. `shared`: verdicts of commits judged for another
    update of the same push (a dict the caller keeps). `only`: judge just these commits
    (post-receive completing the proofs pre-receive left out)."""
    result = RefJudgment(update)
    if update.deleted:
        return result
    default = default_branch(repo) if default is ASK else default
    _locate(repo, result, default, tip)
    return _judge_located(repo, result, env, prove, policy, moment, {} if shared is None else shared, only, default)


def judge_range(repo: Path, tip: str, rules_rev: str, base_rev: str | None, env: Mapping[str, str],
                prove: str = "all", policy: Policy | None = None, moment: datetime | None = None) -> RefJudgment:
    """What the server decides for a push of `tip` judged by the rules of `rules_rev` against
    `base_rev` (`govern check --rev TIP --rules-from RULES --new-since BASE` in a clone): the
    tip's tree with every rule, each commit of BASE..TIP (every commit of TIP without a base, as
    in a first push) with the change rules, and the built-in checks. The push's net change is
    BASE → TIP, or, when BASE is not an ancestor of TIP (a new branch off an older commit of
    the default branch BASE), from where TIP leaves BASE, as for a new ref. All three are full
    commit ids."""
    update = RefUpdate(base_rev or ZERO, tip, "refs/heads/check")
    result = RefJudgment(update, rules_rev=rules_rev, base_rev=base_rev, tip=tip)
    result.commits = new_commits(repo, update, tip, [], old=base_rev)
    default = None
    if base_rev is not None and not is_ancestor(repo, base_rev, tip):
        result.update, default = RefUpdate(ZERO, tip, update.ref), ("refs/heads/base", base_rev)
    return _judge_located(repo, result, env, prove, policy, moment, {}, None, default)


def _judge_located(repo: Path, result: RefJudgment, env: Mapping[str, str], prove: str, policy: Policy | None,
                   moment: datetime | None, shared: dict, only: set[str] | None,
                   default: tuple[str, str] | None) -> RefJudgment:
    """judge_update once the tip, the rules' and base's commits and the new commits are known."""
    config = config_at(repo, result.rules_rev)
    if policy is None:
        policy = read_policy(repo, config, "the rules' tree", None)
    config = policy.config(config)
    on = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    tip, rules_tree = result.tip, RulesTree(repo, result.rules_rev, config)
    changes, infos = _change_facts(repo, result.commits, config, env, rules_tree)
    quiet = _Quiet(read_adrs(rules_tree, config.adr_dir), (result.rules_rev, result.base_rev, on), shared)
    new = set(result.commits)
    for commit in result.commits if tip in new else [*result.commits, tip]:
        if only is not None and commit not in only:
            continue
        # Other new commits record the base too (their change findings are always new): a
        # note's rules then always come from its base, which `govern why --verify` relies on.
        key = (commit, result.rules_rev, result.base_rev, commit == tip, commit in new)
        if key not in shared:
            shared[key] = quiet.verdict(commit, changes[commit], infos.get(commit)) if commit != tip else None
            if shared[key] is None:
                started = time.monotonic()
                shared[key] = _judge_commit(repo, result, commit, rules_tree, env, prove, changes, infos, config, on)
                if commit == tip:
                    shared[("seconds", key)] = time.monotonic() - started
                if commit != tip:
                    quiet.remember(shared[key][0], changes[commit], infos.get(commit))
            if commit in new:
                blobs = infos[commit].blobs.get(PYPROJECT) if commit in infos else None
                governed = governed_changes(repo, commit, config, changes[commit],
                                            pyproject=blobs[:2] if blobs else None)
                shared[key][1].extend(adr_change_findings(repo, commit, config, changes[commit], rules=rules_tree,
                                                          paths=governed))
                shared[("governed", commit, result.rules_rev)] = governed
        if commit in new:
            result.rules_changed.update(shared.get(("governed", commit, result.rules_rev), ()))
        note, findings, verdict = shared[key]
        if commit == tip:
            result.tip_verdict = verdict
        result.blocking += [(commit, f) for f in findings]
        if commit in new:
            result.verdicts[commit] = note
    if only is not None:
        return result  # post-receive completing proofs: the refusals were pre-receive's to find
    result.blocking += _net_change_findings(repo, result, default, config, env, rules_tree, changes, infos, prove, on)
    before = result.rules_rev if result.rules_rev != tip else None
    result.blocking += [(tip, f) for f in rules_load_findings(repo, before, tip, config)]
    # The first push is judged by its own rules: its tip's judging already measured their cost.
    own = shared.get(("seconds", (tip, result.rules_rev, result.base_rev, True, tip in new))) if before is None else None
    result.blocking += [(tip, f) for f in rules_cost_findings(repo, before, tip, config, policy.hook_budget.value / 2,
                                                              on, own)]
    _explain(result, changes, infos, config, read_adrs(rules_tree, config.adr_dir))
    return result


def _explain(result: RefJudgment, changes: Mapping[str, tuple], infos: Mapping[str, CommitInfo], config: Config,
             adrs) -> None:
    """What a refusal needs beyond the findings: why each blocked commit's actor is what it is,
    and which approvals each blocking `protect` rule would accept."""
    fconfig = facts_config(config)
    specs = {spec.id: spec for spec in adrs.rules()}
    for commit, finding in result.blocking:
        info = infos.get(commit)
        if info is not None and commit not in result.actors:
            facts = changes.get(commit, ())
            trailers = [tuple(f.args) for f in facts if f.relation == "trailer"]
            pushed = [f for f in facts if f.relation == "actor" and f.source.path == "agent-pushers"]
            result.actors[commit] = (f"pushed by an agent account (agent-pushers: {', '.join(config.agent_pushers)})"
                                     if pushed else classify_why(info.author, trailers, fconfig)[1])
        spec = specs.get(finding.rule)
        if spec is not None and spec.kind == "protect" and finding.rule not in result.approvals:
            result.approvals[finding.rule] = approvals_of(spec, config)


def approvals_of(spec, config: Config) -> str:
    """The approvals a `protect` rule accepts, in words (from the clauses it compiled to)."""
    names, owners = [], False
    for rule in spec.rules:
        for item in rule.body:
            atom = getattr(item, "atom", None)
            if atom is None:
                continue
            if atom.pred in ("owner", "rules_owner"):
                owners = True
            elif atom.pred in ("signed_by", "pusher") and atom.args and hasattr(atom.args[0], "value"):
                names.append(str(atom.args[0].value))
    who = list(dict.fromkeys(names)) + (["an owner of the path in CODEOWNERS"] if owners else [])
    if not who:
        return ""
    people = " or ".join(who)
    return (f"a signature of {people} on the commit (an ssh key listed in {config.allowed_signers} of the rules' "
            f"tree), or a push by {people} (the server's authenticated user)")


def _judge_commit(repo: Path, result: RefJudgment, commit: str, rules_tree: RulesTree, env: Mapping[str, str],
                  prove: str, changes: Mapping[str, tuple], infos: Mapping[str, CommitInfo], config: Config,
                  on) -> tuple[dict, list[Finding], Verdict]:
    """(note, blocking findings, verdict) of one commit: the tip with every rule against its
    base, another new commit with the change rules only."""
    info, tip = infos.get(commit), result.tip
    target = CommitTree(repo, commit, tree=info.tree) if info else CommitTree(repo, commit)
    request = JudgeRequest(repo=repo, target=target, commit=commit, adr_tree=rules_tree,
                           base=rules_tree if commit != tip and result.base_rev else None,
                           change_rev=commit if commit in changes else None,
                           scope="all" if commit == tip else "change", env=env, prove=prove,
                           change_facts=changes.get(commit), on=on)
    verdict = _judge_tip(repo, request, result.base_rev, config) if commit == tip else judge(request)
    return verdict.to_json(), list(verdict.blocking), verdict


class _Quiet:
    """Verdicts of the commits no change rule can find anything in, without judging each.

    When every change rule is a `protect` rule and none of a commit's changed paths is under
    their paths, the judge finds nothing (govern.verdict.reuse.no_change_answers), and its
    verdict differs from that of another such commit with the same change facts but for the
    paths (author, trailers, actor, signatures, pusher), judged by the same rules against the
    same base on the same day, only by the commit and tree ids. The first one is judged; the
    others copy its note with their ids (tests/e2e/test_hooks_history.py checks each kind of
    commit against judging it alone)."""

    def __init__(self, adrs, key: tuple, shared: dict) -> None:
        specs = [spec for spec in adrs.rules() if spec.scope == "change"]
        self.specs = specs if all(s.kind == "protect" for s in specs) else None
        self.key, self.templates = key, shared.setdefault("quiet", {})

    def verdict(self, commit: str, facts: tuple, info: CommitInfo | None) -> tuple[dict, list, None] | None:
        if self.specs is None or info is None or not answers_impossible(self.specs, facts):
            return None
        template = self.templates.get(self._key(commit, facts))
        if template is None:
            return None  # judged in full; remember() keeps its note as the template
        return {**template, "commit": commit, "tree": info.tree}, [], None

    def remember(self, note: dict, facts: tuple, info: CommitInfo | None) -> None:
        if (self.specs is not None and info is not None and answers_impossible(self.specs, facts)
                and not note.get("violations") and not note.get("exemptions")):
            self.templates.setdefault(self._key(note["commit"], facts), note)

    def _key(self, commit: str, facts: tuple) -> tuple:
        """The template's key: the push's and the commit's facts but its paths (sources named
        by the commit's id, the same for every commit, are not told apart)."""
        return (*self.key, tuple((f.relation, f.args) if f.source.path == commit else f
                                 for f in facts if f.relation != "changed"))


def _net_change_findings(repo: Path, result: RefJudgment, default: tuple[str, str] | None, config: Config,
                         env: Mapping[str, str], rules_tree: CommitTree, changes: dict[str, tuple],
                         infos: Mapping[str, CommitInfo], prove: str, on) -> list[tuple[str, Finding]]:
    """The ref update's net change (old tip → new tip; for a new ref: from where it leaves the
    default branch) that no new commit explains, judged as a change made by the push itself:
    `protect`, change rules and the built-in adr-changes check see it like any commit's change.

    Its actor is the push's: agent when a new commit is an agent's or the pusher is an agent
    account, else bot when one is a bot's, else human; approvals only by the server's pusher
    (no commit carries this change, so no signature can approve it)."""
    update, tip = result.update, result.tip
    if update.created and default is None:
        return []  # bootstrap: nothing to compare with
    before = result.base_rev if not update.created else _merge_base(repo, default[1], tip)
    found = [(tip, f) for f in submodule_findings(repo, before, tip, rules_tree, config, on)]
    infos = [infos.get(commit) for commit in result.commits]
    produced = None if None in infos else {(path, blobs[1]) for info in infos for path, blobs in info.blobs.items()}
    paths = unexplained_changes(repo, before, tip, result.commits, produced)
    if not paths:
        return found
    facts = push_change_facts(repo, before, tip, paths, result.commits, changes, config, env, rules_tree)
    request = JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip, adr_tree=rules_tree, change_rev=tip,
                           scope="change", env=env, prove=prove, change_facts=facts, on=on)
    label = f"{(before or 'empty tree')[:12]}..{tip[:12]}"
    return found + [(label, f) for f in [*judge(request).blocking,
                                         *adr_change_findings(repo, tip, config, facts, before=before, rules=rules_tree)]]


def push_change_facts(repo: Path, before: str | None, tip: str, paths: list[tuple[str, str]], commits: list[str],
                      changes: dict[str, tuple], config: Config, env: Mapping[str, str],
                      rules_tree: CommitTree) -> tuple[Fact, ...]:
    """changed/actor/pusher facts of the push's own (unexplained) change, see _net_change_findings."""
    here = Source("push", f"{before or ''}..{tip}", 0, "")
    known = changes if changes or not commits else _change_facts(repo, commits, config, env, rules_tree)[0]
    actors = {str(f.args[0]) for facts in known.values() for f in facts if f.relation == "actor"}
    pushers = pusher_facts(env)
    if "agent" in actors or any(f.args[0] in config.agent_pushers for f in pushers):
        actor = "agent"
    else:
        actor = "bot" if "bot" in actors else "human"
    out = [Fact("changed", (path, status), Source("push", path, 0, "")) for path, status in paths]
    return tuple(sorted([*out, Fact("actor", (actor,), here), *pushers]))


def _merge_base(repo: Path, a: str, b: str) -> str | None:
    out = try_git(repo, "merge-base", a, b)
    return out.decode().split()[0] if out and out.strip() else None


def _change_facts(repo: Path, commits: list[str], config: Config, env: Mapping[str, str],
                  rules_tree: CommitTree) -> tuple[dict[str, tuple], dict[str, CommitInfo]]:
    """Each new commit's change facts (signatures verified against the rules' tree), read from
    git once for both the judge and the built-in adr-changes check: in one batch
    (facts.history), or commit by commit when git's output cannot be split safely."""
    fconfig = facts_config(config)
    try:
        facts, infos = change_facts_many(repo, commits, fconfig, env, rules_tree)
    except BatchError:
        facts = {c: change_facts(repo, c, fconfig, env, signers=rules_tree) for c in commits}
        infos = {}
    return {c: agent_pusher(tuple(f), config) for c, f in facts.items()}, infos


def agent_pusher(facts: tuple, config: Config) -> tuple:
    """A commit pushed by an agent account (`agent-pushers`, govern.agentPushers) is an agent's change,
    whatever its author and trailers claim: its actor fact becomes `agent`, sourced in the setting."""
    pushers = {str(f.args[0]) for f in facts if f.relation == "pusher"}
    if not pushers & set(config.agent_pushers):
        return facts
    here = Source("server", "agent-pushers", 0, "")
    agent = [Fact("actor", ("agent",), here), Fact("actor_reason", (f"pushed by an agent account ({', '.join(sorted(pushers & set(config.agent_pushers)))}, agent-pushers)",), here)]
    return tuple(sorted([f for f in facts if f.relation not in ("actor", "actor_reason")] + agent))


def _locate(repo: Path, result: RefJudgment, default: tuple[str, str] | None, tip: str | None = None) -> None:
    """Fill in the tip, the commits whose rules and violations apply, and the new commits."""
    update = result.update
    result.tip = tip = tip or peel_commit(repo, update.new, update.ref)
    if update.created:
        result.base_rev = default[1] if default else None
        result.rules_rev = result.base_rev or tip  # bootstrap: the first push brings the rules
    else:
        result.base_rev = result.rules_rev = peel_commit(repo, update.old, update.ref)
    result.commits = new_commits(repo, update, tip, [default[1]] if update.created and default else [],
                                 old=None if update.created else result.base_rev)


def _judge_tip(repo: Path, request: JudgeRequest, base_rev: str | None, config: Config) -> Verdict:
    """The tip against its base: legacy taken from the base's note when usable, else evaluated.

    When the tip has exactly the base's tree facts (govern.hook.unchanged), the base's answers
    are the tip's own: with prove="new" (nothing to prove) taken from the note, else the tip
    alone is evaluated (not the base as well)."""
    if base_rev is None:
        return judge(request)
    request = replace(request, compare_with=CommitTree(repo, base_rev))  # no-growth compares with the old tip
    same = cache(lambda: unchanged(repo, base_rev, request.commit, request.adr_tree))  # asked at most once
    note = usable_note(repo, base_rev, request.adr_tree, config.adr_dir)
    if note is not None:
        change_rules = {s.id for s in read_adrs(request.adr_tree, config.adr_dir).rules() if s.scope == "change"}
        legacy = frozenset(tuple(identity) for identity in note.get("legacy") or [])
        known = known_answers(note) if request.prove == "new" and same() else None
        verdict = with_legacy(judge(replace(request, legacy=legacy, known=known)), note, base_rev, change_rules)
        if verdict is not None:
            return verdict
    return judge(replace(request, base=CommitTree(repo, base_rev), base_facts_equal=same()))


def rules_changed(repo: Path, update: RefUpdate, default: tuple[str, str] | None) -> bool:
    """Whether `update` changes the rules: the ADR directory, pyproject.toml or the allowed signers
    (against the old tip; for a new ref against the default branch; anything, without one)."""
    before = update.old if not update.created else (default[1] if default else None)
    if before is None:
        return True
    config = config_at(repo, before)
    out = try_git(repo, "--literal-pathspecs", "diff-tree", "-r", "--name-only", "-z", before, update.new, "--",
                  config.adr_dir.strip("/") or ".", "pyproject.toml", config.allowed_signers)
    return out is None or bool(out.strip(b"\0"))


def complete(verdicts: Mapping[str, dict]) -> bool:
    """Whether every finding of these verdict JSONs carries its proof (a note must)."""
    return all(f.get("proof") is not None and ("reason" not in f or f.get("violation_proof") is not None)
               for v in verdicts.values() for f in [*v.get("violations", []), *v.get("exemptions", [])])
