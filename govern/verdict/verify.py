"""Verify a verdict: its proofs against facts (govern's own checker, no engine), and for a
recorded verdict the verdict itself.

`verify_proofs` checks against given rules and facts (`govern check --verify`);
`verify_verdict_json` (`govern why --verify`) judges the commit again from the note's
recorded inputs, reports every difference from the note, then checks every proof.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

from govern import __version__
from govern.facts.gitio import GitFailure, run_git
from govern.facts.tree import CommitTree
from govern.datalog.check import Checker
from govern.datalog.model import Rule
from govern.datalog.proof import Proof, atom_values, ground_atom
from govern.datalog.store import FactStore
from govern.errors import GovernError
from govern.verdict import proof_table
from govern.verdict.compare import differences
from govern.verdict.judge import JudgeRequest, judge_in_full
from govern.vocabulary import ANY_TARGET


def verify_proofs(verdict_json: Mapping[str, Any], rules: Sequence[Rule], store: FactStore) -> list[str]:
    """Every problem with every proof of the verdict (empty: all proofs hold).

    A proof must be valid (govern.datalog.check) and prove what its finding claims:
    violation(rule, subject, target, message), or for an exemption
    exempt(rule, subject, target, reason) or exempt(rule, subject, "*", reason).
    """
    checker = Checker(list(rules), store)
    problems = []
    table, built = verdict_json.get("proofs") or {}, {}
    for what, finding, proof, claims in [*_proofs(verdict_json), *_allowances(verdict_json)]:
        where = f"proof of {what} {finding.get('rule')!r} on {finding.get('subject')!r}"
        if isinstance(proof, Mapping) and "builtin" in proof:
            problems.append(f"{where} cannot be verified: it comes from the built-in check "
                            f"{proof['builtin']!r}, not from a Datalog rule (re-run the check instead)")
            continue
        try:
            node = Proof.from_json(proof_table.nested(table, proof, built))
            found = checker.check(node)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            found = [f"malformed proof: {type(err).__name__}: {err}"]
        else:
            if claims is not None and (node.conclusion is None or not any(
                    node.conclusion.pred == pred and list(atom_values(node.conclusion)) == list(args)
                    for pred, args in claims)):
                found.append(f"it proves {node.conclusion}, not {ground_atom(*claims[0])}")
        problems += [f"{where} failed verification: {p}" for p in found]
    return problems


def verify_verdict_json(repo: str | os.PathLike, verdict_json: Mapping[str, Any]) -> list[str]:
    """Recompute the recorded verdict and report every difference, then check every proof.

    The verdict is judged again the way it was first judged: the commit's tree and change
    facts, the ADRs and `[tool.govern]` of `rules_from`, the recorded base (legacy), pusher,
    judging date and scope (the rules it lists as not in scope). Only those recorded inputs
    are taken from the note; every finding, label, exemption and the outcome must come out
    the same (govern.verdict.compare)."""
    commit = verdict_json.get("commit")
    if not isinstance(commit, str) or not commit:
        return ["the verdict names no commit: its facts cannot be recomputed"]
    try:
        inputs = implausible_inputs(repo, commit, verdict_json)
        judgement = judge_in_full(recorded_request(repo, commit, verdict_json))
    except (GitFailure, GovernError, ValueError, TypeError, AttributeError, KeyError) as err:
        return [f"cannot recompute the verdict of {commit}: {err}"]
    problems = inputs + differences(verdict_json, judgement.verdict.to_json())
    if problems and verdict_json.get("govern") != __version__:
        problems.append(f"(the note was written by govern {verdict_json.get('govern')!r}, this is {__version__}: "
                        f"a newer govern may judge differently)")
    return problems + verify_proofs(verdict_json, judgement.evaluation.rules, judgement.evaluation.store)


def implausible_inputs(repo: str | os.PathLike, commit: str, note: Mapping[str, Any]) -> list[str]:
    """Recorded inputs no judgment writes: each would let a forged note pass a recomputation
    (everything legacy against the commit itself, rules from a commit without ADRs, a date
    after every expiry that has not come yet)."""
    base, rules_from, out = note.get("base"), note.get("rules_from"), []
    for key, value in (("base", base), ("rules_from", rules_from)):
        if value is not None and not (isinstance(value, str) and _OID.fullmatch(value)):
            raise ValueError(f"the note's {key} {value!r} is not a commit id")
    if base == commit:
        out.append("the note's base is the commit itself (every finding would be legacy)")
    if base and rules_from and rules_from != base:
        out.append(f"the note's rules come from {rules_from!r}, not from its base {base!r} (a judgment takes "
                   f"the rules of the commit it compares with)")
    if not base and rules_from not in (None, commit) and not _is_ancestor(repo, commit, rules_from):
        out.append(f"the note's rules come from {rules_from!r}, neither the commit nor a push that contains it")
    if str(note.get("date")) > datetime.now(timezone.utc).date().isoformat():
        out.append(f"the note's judging date {note.get('date')!r} is in the future")
    return out


_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _is_ancestor(repo: str | os.PathLike, commit: str, descendant: Any) -> bool:
    try:
        run_git(repo, "merge-base", "--is-ancestor", commit, str(descendant))
    except GitFailure:
        return False
    return True


def recorded_request(repo: str | os.PathLike, commit: str, note: Mapping[str, Any]) -> JudgeRequest:
    """The JudgeRequest that produced `note`, from its recorded inputs (see verify_verdict_json).

    Notes written before `rules_from` was recorded took their rules from the base, or from
    the commit itself when there was none (`govern record`, the hook's tip)."""
    rules_from = note.get("rules_from") or note.get("base") or commit
    base = note.get("base")
    pusher = note.get("pusher") or {}
    env = {pusher["variable"]: pusher["user"]} if pusher.get("variable") and pusher.get("user") else {}
    reasons = {r.get("reason") for r in note.get("rules") or [] if isinstance(r, Mapping)}
    # A rule left out names its own scope: "not in scope tree" means only change rules were judged.
    scope = next((judged for left, judged in (("tree", "change"), ("change", "tree"))
                  if f"not in scope {left}" in reasons), "all")
    compared = note.get("compared_with")
    if compared is not None and not (isinstance(compared, str) and _OID.fullmatch(compared)):
        raise ValueError(f"the note's compared_with {str(compared)[:80]!r} is not a commit id")
    return JudgeRequest(repo, CommitTree(repo, commit), commit, adr_tree=CommitTree(repo, rules_from),
                        compare_with=CommitTree(repo, compared) if compared else None,
                        change_rev=commit, base=CommitTree(repo, base) if base else None, scope=scope,
                        env=env, on=date.fromisoformat(note["date"]))


def _proofs(verdict_json: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], Any, list[tuple]]]:
    """(what, finding, proof JSON, the (predicate, args) the proof may conclude); findings that
    are not objects are skipped (govern.verdict.compare reports them)."""
    for f in _objects(verdict_json.get("violations")):
        yield "violation", f, f.get("proof"), [_violation(f)]
    for f in _objects(verdict_json.get("exemptions")):
        rule, subject, target, reason = f.get("rule"), f.get("subject"), f.get("target"), f.get("reason")
        yield "exemption", f, f.get("proof"), [("exempt", (rule, subject, t, reason)) for t in (target, ANY_TARGET)]
        yield "exempted violation", f, f.get("violation_proof"), [_violation(f)]


def _allowances(verdict_json: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], Any, None]]:
    """The allowances' proofs: what each proves is matched by comparing with the recomputed
    verdict (govern.verdict.compare), so any conclusion is accepted here."""
    change = verdict_json.get("change")
    for a in _objects(change.get("allowed") if isinstance(change, Mapping) else None):
        yield "allowance", {"rule": a.get("rule"), "subject": a.get("subject")}, a.get("proof"), None


def _objects(items: Any) -> list[Mapping[str, Any]]:
    return [f for f in items if isinstance(f, Mapping)] if isinstance(items, list) else []


def _violation(f: Mapping[str, Any]) -> tuple:
    return ("violation", (f.get("rule"), f.get("subject"), f.get("target"), f.get("message")))
