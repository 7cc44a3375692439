"""Allowances: where a change rule would have fired but a condition it makes an exception for held.

A change rule's violation clause that ends in `not approved_x(P)` (every `protect … unless-
approved-by`, or a custom ```datalog rule written the same way) lets a change through when
`approved_x(P)` holds: the owner signed the commit, or pushed it. Nothing would record that in
the verdict (there is no violation), yet it is exactly what `govern why` must explain. So for
every such clause the instances whose other premises hold and whose negated atom is derivable
are found (the clause with that literal made positive, evaluated by the naive evaluator on the
judgement's facts), and each of those atoms is proven: `Allowance(rule, subject, proof)`. The
proof is an ordinary one (`govern why --verify` checks it with the same checker) whose leaves
name what allowed the change: `signed_by("alice")` (a verified signature), `pusher("alice")`
(the server's authenticated pusher), `rules_owner(P, "alice")` (CODEOWNERS of the rules' tree).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govern.datalog import naive
from govern.datalog.model import Atom, Literal, Rule, sort_rows
from govern.datalog.program import base_preds, derived, needed_rules
from govern.datalog.proof import ground_atom
from govern.datalog.prover import NotProvable, Prover
from govern.datalog.store import FactStore

QUERY = "govern_allowed__"


@dataclass(frozen=True)
class Allowance:
    """Rule `rule` would have found `subject`, but `proof` (of the negated atom) held."""

    rule: str
    adr: str
    subject: str
    proof: Mapping[str, Any]


def allowances(specs: Mapping[str, Any], store: FactStore) -> list[Allowance]:
    """The allowances of the change rules among `specs` (RuleSpec by id), sorted by rule and
    subject. Only the change rules are evaluated (on the change's few facts): never the tree's."""
    rules = [rule for spec in specs.values() if spec.scope == "change" for rule in spec.rules]
    heads = derived(rules)
    queries: list[tuple[Rule, Atom, str, str]] = []  # (query rule, the atom made positive, rule id, ADR)
    for spec in sorted(specs.values(), key=lambda s: s.id):
        if spec.scope != "change":
            continue
        for clause in spec.rules:
            if clause.head.pred != "violation" or len(clause.head.args) < 2:
                continue
            for n, item in enumerate(clause.body):
                if isinstance(item, Literal) and item.negated and item.atom.pred in heads:
                    head = Atom(f"{QUERY}{len(queries)}", (clause.head.args[1], *item.atom.args))
                    body = clause.body[:n] + (Literal(item.atom),) + clause.body[n + 1:]
                    queries.append((Rule(head, body, clause.origin), item.atom, spec.id, spec.adr))
    if not queries:
        return []
    program = list(rules) + [q for q, _, _, _ in queries]
    wanted = needed_rules(program, [q.head.pred for q, _, _, _ in queries])
    model = naive.solve(wanted, store.as_mapping(base_preds(wanted) & set(store.relations())))
    if not any(model.rows(q.head.pred) for q, _, _, _ in queries):
        return []
    prover = Prover(rules, store)
    found: dict[tuple, Allowance] = {}
    memo: dict = {}
    for query, atom, rule, adr in queries:
        for row in sort_rows(model.rows(query.head.pred)):
            subject, values = row[0], row[1:]
            key = (rule, str(subject), atom.pred, tuple(map(str, values)))
            if key in found:
                continue
            try:
                proof = prover.prove(ground_atom(atom.pred, values))
            except NotProvable:  # not reached: the atom holds in the same facts
                continue
            found[key] = Allowance(rule, adr, str(subject), proof.to_json(memo))
    return [found[k] for k in sorted(found)]


def change_record(facts: Sequence[Any], allowed: Sequence[Allowance], verified_at: str) -> dict[str, Any]:
    """What the verdict records about the change judged (docs/json-format.md, `change`): its
    actor and why, each verified signature (principal, key, allowed-signers file, when), and
    the allowances with their proofs (nested JSON; Verdict.to_json moves them to the table)."""
    by = {}
    for fact in facts:
        by.setdefault(fact.relation, []).append(fact)
    actor = {}
    if by.get("actor"):
        actor = {"kind": by["actor"][0].args[0]}
        if by.get("actor_reason"):
            actor["why"] = by["actor_reason"][0].args[0]
    signatures = [{"principal": f.args[0], "key": f.args[1], "signers": f.source.path, "verified_at": verified_at}
                  for f in sorted(by.get("signing_key", []), key=lambda f: f.args)]
    return {"actor": actor, "signatures": signatures,
            "allowed": [{"rule": a.rule, "adr": a.adr, "subject": a.subject, "approvals": approvals(a.proof),
                         "proof": a.proof} for a in allowed]}


def approvals(proof: Mapping[str, Any]) -> list[dict[str, str]]:
    """Who approved, how (`signature` or `pusher`), and which `unless-approved-by` entry that
    satisfied (`owners`, through CODEOWNERS, or the approver named), read from the proof's facts."""
    from govern.verdict.proofwalk import fact_leaves

    leaves = fact_leaves(proof)
    owners = {leaf.args[1] for leaf in leaves if leaf.pred == "rules_owner" and len(leaf.args) == 2}
    how = {"signed_by": "signature", "pusher": "pusher"}
    return [{"by": str(leaf.args[0]), "via": how[leaf.pred], "entry": "owners" if leaf.args[0] in owners else str(leaf.args[0])}
            for leaf in leaves if leaf.pred in how and leaf.args]
