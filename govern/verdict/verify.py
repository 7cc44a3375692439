"""Re-check the proofs of a verdict (JSON) against facts, with govern's own checker (no engine).

`verify_proofs` checks against given rules and facts (`govern check --verify`);
`verify_verdict_json` first recomputes them for a recorded verdict: the ADRs are read
back by the blob ids the verdict names, the facts from its commit (`govern why --verify`).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from govern.facts.gitio import CatFile, GitFailure
from govern.facts.tree import CommitTree
from govern.datalog.check import Checker
from govern.datalog.model import Rule
from govern.datalog.proof import Proof, atom_values, ground_atom
from govern.datalog.store import FactStore
from govern.errors import GovernError
from govern.verdict.base_facts import base_facts
from govern.verdict.evaluate import extract_facts
from govern.verdict.inputs import adr_facts, commit_change_facts, read_config
from govern.vocabulary import ANY_TARGET


def verify_proofs(verdict_json: Mapping[str, Any], rules: Sequence[Rule], store: FactStore) -> list[str]:
    """Every problem with every proof of the verdict (empty: all proofs hold).

    A proof must be valid (govern.datalog.check) and prove what its finding claims:
    violation(rule, subject, target, message), or for an exemption
    exempt(rule, subject, target, reason) or exempt(rule, subject, "*", reason).
    """
    checker = Checker(list(rules), store)
    problems = []
    for what, finding, proof, claims in _proofs(verdict_json):
        where = f"proof of {what} {finding.get('rule')!r} on {finding.get('subject')!r}"
        if isinstance(proof, Mapping) and "builtin" in proof:
            problems.append(f"{where} cannot be verified: it comes from the built-in check "
                            f"{proof['builtin']!r}, not from a Datalog rule (re-run the check instead)")
            continue
        try:
            node = Proof.from_json(proof)
            found = checker.check(node)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            found = [f"malformed proof: {type(err).__name__}: {err}"]
        else:
            if node.conclusion is None or not any(
                    node.conclusion.pred == pred and list(atom_values(node.conclusion)) == list(args)
                    for pred, args in claims):
                found.append(f"it proves {node.conclusion}, not {ground_atom(*claims[0])}")
        problems += [f"{where} failed verification: {p}" for p in found]
    return problems


def verify_verdict_json(repo: str | os.PathLike, verdict_json: Mapping[str, Any]) -> list[str]:
    """Recompute the rules and facts of a recorded verdict, then verify_proofs()."""
    commit = verdict_json.get("commit")
    if not commit:
        return ["the verdict names no commit: its facts cannot be recomputed"]
    try:
        rules, store = _recompute(repo, commit, verdict_json)
    except (GitFailure, GovernError) as err:
        return [f"cannot recompute the facts of {commit}: {err}"]
    return verify_proofs(verdict_json, rules, store)


def _recompute(repo, commit: str, verdict_json: Mapping[str, Any]) -> tuple[list[Rule], FactStore]:
    from govern.adr.loader import load_adrs  # the ADR parsers: only here, not for `check --verify`

    files = [(a["path"], a["blob"]) for a in verdict_json.get("adrs", [])]
    reader = CatFile(repo)
    try:
        data = reader.read_many(sorted({blob for _, blob in files}))
    finally:
        reader.close()
    adrs = load_adrs([(path, data[blob], blob) for path, blob in files])
    applied = {r["id"] for r in verdict_json.get("rules", []) if r.get("applies")}
    specs = [s for s in adrs.rules() if s.id in applied]
    rules = list(dict.fromkeys(rule for spec in specs for rule in spec.rules))
    tree = CommitTree(repo, commit)
    config = read_config(tree)
    extra = adr_facts(adrs)
    if any(s.scope == "change" for s in specs):
        # The pusher is authenticated by the server at push time and recorded in the note
        # (which clients cannot push: receive.hideRefs); re-derive its fact from that record.
        pusher = verdict_json.get("pusher") or {}
        env = {pusher["variable"]: pusher["user"]} if pusher.get("variable") and pusher.get("user") else {}
        extra += commit_change_facts(repo, commit, config, env, rules)
    compared = verdict_json.get("compared_with")
    if compared is not None and not (isinstance(compared, str) and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", compared)):
        raise GovernError(f"compared_with is not a commit id: {str(compared)[:80]!r}")
    if compared:
        extra += base_facts(repo, CommitTree(repo, compared), compared, rules, config)
    store, _ = extract_facts(repo, tree, rules, config, extra)
    return rules, store


def _proofs(verdict_json: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], Any, list[tuple]]]:
    """(what, finding, proof JSON, the (predicate, args) the proof may conclude)."""
    for f in verdict_json.get("violations", []):
        yield "violation", f, f.get("proof"), [_violation(f)]
    for f in verdict_json.get("exemptions", []):
        rule, subject, target, reason = f.get("rule"), f.get("subject"), f.get("target"), f.get("reason")
        yield "exemption", f, f.get("proof"), [("exempt", (rule, subject, t, reason)) for t in (target, ANY_TARGET)]
        yield "exempted violation", f, f.get("violation_proof"), [_violation(f)]


def _violation(f: Mapping[str, Any]) -> tuple:
    return ("violation", (f.get("rule"), f.get("subject"), f.get("target"), f.get("message")))
