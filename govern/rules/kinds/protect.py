"""protect: a commit by one of `actors` must not change `paths` without an authenticated approval.

Approval is only ever `signed_by(X)` (a verified signature) or `pusher(X)` (the
server's authenticated pusher): trailers are claims anyone can type, so they never approve.
"""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, any_of, clause, q, text

ACTOR_KINDS = ("agent", "bot", "human")


def default_message(block: dict) -> str:
    paths = block["paths"] if isinstance(block["paths"], list) else [block["paths"]]
    return f"changes to {', '.join(paths)} are protected"


def _actor(kind: KindInput, path: tuple, value: str) -> str | None:
    if value in ACTOR_KINDS:
        return f"actor({q(value)})"
    if "@" in value:
        return f"author({q(value)})"
    kind.error(path, f"actor {value!r}: use agent, human, bot or an author e-mail address")
    return None


def _approvals(kind: KindInput, approved: str) -> list[str]:
    clauses = []
    for value in kind.values("unless-approved-by"):
        if value == "owners":
            # Owners of the changed path by the CODEOWNERS of the rules' tree, never the pushed one
            # (rules_owner facts carry no leading '@').
            clauses += [clause(f"{approved}(P)", ["rules_owner(P, O)", f"{via}(O)"]) for via in ("signed_by", "pusher")]
        else:
            who = q(value[1:] if value.startswith("@") else value)
            clauses += [clause(f"{approved}(P)", ["changed(P, _)", f"{via}({who})"]) for via in ("signed_by", "pusher")]
    return clauses


def compile(kind: KindInput) -> str:
    """One violation clause per actor (or one for any actor); approvals are a helper."""
    helpers, path_lit = any_of(f"paths_{kind.slug}", "P", kind.values("paths"), lambda p: f"glob(P, {q(p)})")
    approved = f"approved_{kind.slug}"
    approvals = _approvals(kind, approved)
    unless = [f"not {approved}(P)"] if approvals else []
    # No `actors`: any actor. Invalid actors are reported and generate nothing.
    actors = [[a] for p, v in kind.items("actors") if (a := _actor(kind, p, v))] if kind.values("actors") else [[]]
    clauses = helpers + approvals
    for actor in actors:
        clauses.append(clause(kind.violation("P", q("")), ["changed(P, _)", path_lit] + actor + unless))
    return text(clauses)
