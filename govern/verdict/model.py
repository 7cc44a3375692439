"""The verdict: what was judged, which rules applied, what they found, allow or block.

Everything here is plain data that round-trips through JSON (`to_json`/`from_json`),
so a verdict read back from a note renders exactly like a fresh one. The JSON shape
is documented key by key in docs/json-format.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from govern.verdict import proof_table

# 2: proofs in one table ("proofs": {node id: node}), findings name their root's id; 1: nested.
FORMAT = 2
BLOCK, WARN = "block", "warn"
EXEMPT = "exempt"  # kind of the pseudo-rule holding an ADR's exempt clauses


@dataclass(frozen=True)
class AdrInfo:
    """An ADR that was loaded (whatever its status)."""

    id: str
    title: str
    status: str
    path: str
    blob: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status, "path": self.path, "blob": self.blob}


@dataclass(frozen=True)
class RuleInfo:
    """A rule of a loaded ADR, and whether it applied (`reason` says why not)."""

    id: str
    adr: str
    kind: str
    severity: str
    applies: bool
    reason: str | None
    message: str = ""
    location: str = ""  # ADR file:line of the rule

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "adr": self.adr, "kind": self.kind, "severity": self.severity,
            "applies": self.applies, "reason": self.reason, "message": self.message,
            "location": self.location,
        }


@dataclass(frozen=True, order=True)
class CheckWarning:
    """A rule that cannot match (govern.verdict.warnings): its line of text, its kind
    (WARNING_KINDS) and where to fix it (`path:line` of the ADR, or the path alone)."""

    message: str
    kind: str
    location: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "location": self.location, "message": self.message}

    @staticmethod
    def from_json(data: Any) -> CheckWarning:
        if not isinstance(data, Mapping):  # a tampered note: shown as it is, never raised on
            return CheckWarning(str(data), "warning", "")
        return CheckWarning(str(data.get("message", "")), str(data.get("kind", "warning")), str(data.get("location", "")))


def warnings_json(warnings: Sequence[CheckWarning]) -> dict[str, list]:
    """The JSON keys of check warnings (none when there is none): `warnings`, one line of text
    each (as text output prints them after `warning: `, the shape JSON readers had first), and
    `warning_details`, the same warnings as objects (kind, location, message)."""
    if not warnings:
        return {}
    return {"warnings": [w.message for w in warnings], "warning_details": [w.to_json() for w in warnings]}


# not-enforced: an ADR holding rules is proposed/deprecated/rejected/superseded; expired: a rule
# past its `expires`; stale-waiver: exemptions that exempted nothing; unmatched-glob: a path glob
# matching no file; unmatched-ignore: an ignored import matching no import.
WARNING_KINDS = ("not-enforced", "expired", "stale-waiver", "unmatched-glob", "unmatched-ignore")


@dataclass(frozen=True)
class Finding:
    """A violation, or an exempted violation (then `reason` and `violation_proof` are set).

    Its identity is (rule, subject, target): `target` is what the finding is about (the
    imported module, the declared distribution, a chain's target; "" when the rule has none).

    `proof` is the proof JSON (govern.datalog.proof.Proof.to_json(), nested) of the violation,
    or for an exemption the proof of the `exempt` atom that lifted it; None for a legacy
    violation judged with `prove="new"` (a pre-receive hook's verdict; notes are complete).
    """

    rule: str
    adr: str
    adr_title: str
    subject: str
    location: str
    message: str
    severity: str
    new: bool
    proof: Mapping[str, Any] | None
    reason: str | None = None
    violation_proof: Mapping[str, Any] | None = None
    target: str = ""

    @property
    def identity(self) -> tuple[str, str, str]:
        """What the ratchet matches on: the same finding in the base is legacy."""
        return (self.rule, self.subject, self.target)

    def key(self) -> tuple:
        return (self.subject, self.rule, self.target, self.message)

    def to_json(self, proofs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """The finding's JSON; its proofs go into the verdict's table `proofs` (by id; without
        one, nowhere: the finding alone names its proofs' ids)."""
        proofs = {} if proofs is None else proofs
        def ref(proof: Mapping[str, Any] | None) -> Any:
            return None if proof is None else proof_table.add(proofs, proof)

        out = {
            "rule": self.rule, "adr": self.adr, "adr_title": self.adr_title, "subject": self.subject,
            "target": self.target, "location": self.location, "message": self.message, "severity": self.severity,
            "new": self.new, "proof": ref(self.proof),
        }
        if self.reason is not None or self.violation_proof is not None:  # an exemption
            out["reason"] = self.reason
            out["violation_proof"] = ref(self.violation_proof)
        return out

    @staticmethod
    def from_json(data: Mapping[str, Any], proofs: Mapping[str, Any] | None = None,
                  built: dict[str, dict[str, Any]] | None = None) -> Finding:
        """From the finding's JSON and its verdict's proof table (format 1: nested proofs, no table)."""
        table, built = proofs or {}, {} if built is None else built
        return Finding(
            rule=data["rule"], adr=data["adr"], adr_title=data["adr_title"], subject=data["subject"],
            location=data["location"], message=data["message"], severity=data["severity"],
            new=data["new"], proof=proof_table.nested(table, data["proof"], built), reason=data.get("reason"),
            violation_proof=proof_table.nested(table, data.get("violation_proof"), built),
            target=data.get("target", ""),
        )


@dataclass(frozen=True)
class Verdict:
    """The outcome of judging one tree with the ADRs of (usually) the same tree."""

    version: str
    engine: str
    target: str  # "worktree" | "index" | "commit" | "tree"
    commit: str | None
    tree: str | None
    base: str | None  # commit given to --new-since / old tip; None: every violation is new
    date: str  # ISO date that rule expiry was compared with
    adrs: tuple[AdrInfo, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    violations: tuple[Finding, ...] = ()
    exemptions: tuple[Finding, ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False)  # timings; never serialised
    # The server's authenticated pusher when the commit was judged in a push:
    # {"user": ..., "variable": ...}; recorded so `govern why --verify` can re-check its facts.
    pusher: Mapping[str, str] | None = None
    # The commit whose tree facts the base_ relations held (rules that compare with the base,
    # e.g. no-growth); recorded so `govern why --verify` re-reads the same base.
    compared_with: str | None = None
    # no-growth rule id -> {"value": the metric, "growth": how much the change moved it (None
    # without a base)}; recorded so `govern drift` reads a note instead of recomputing.
    metrics: Mapping[str, Mapping[str, int | None]] | None = None
    # The commit whose ADRs and [tool.govern] were applied (the old tip in a push, the first
    # parent for `govern record`); None when they came from the working tree or the index.
    rules_from: str | None = None
    # What `govern check` warns about (govern.verdict.warnings): rules that cannot match,
    # stale waivers, ADRs holding rules that are not enforced; one line each, sorted.
    warnings: tuple[CheckWarning, ...] = ()
    # The change judged (a commit with change rules in scope): its actor and why, verified
    # signatures, and what allowed it where a change rule would have fired (govern.verdict.allowances).
    change: Mapping[str, Any] | None = None

    @property
    def drift(self) -> list[str]:
        """One line per way the change drifts without blocking: each tracked metric it moved,
        and (against a base) each warning it added (a sibling of the findings that do not
        block) and each exemption it added (a finding the base did not have exempted)."""
        lines = [f"{rule}: {m['value'] - m['growth']} → {m['value']} ({m['growth']:+d})"
                 for rule, m in sorted((self.metrics or {}).items()) if m.get("growth")]
        if self.base or self.compared_with:
            lines += [f"{v.rule}: new warning on {v.subject}" + (f" → {v.target}" if v.target else "")
                      for v in sorted(self.violations, key=Finding.key) if v.new and v.severity == WARN]
            lines += [f"{e.rule}: exemption added on {e.subject}" + (f" → {e.target}" if e.target else "")
                      for e in sorted(self.exemptions, key=Finding.key) if e.new]
        return lines

    @property
    def blocking(self) -> list[Finding]:
        """Violations that block: severity block, not exempted, and new (when a base was given)."""
        return [v for v in self.violations if v.severity == BLOCK and v.new]

    @property
    def outcome(self) -> str:
        return "block" if self.blocking else "allow"

    def summary(self) -> dict[str, int]:
        return {
            "adrs": len(self.adrs),
            "rules": sum(1 for r in self.rules if r.applies and r.kind != EXEMPT),
            "violations": len(self.violations),
            "blocking": len(self.blocking),
            "warnings": sum(1 for v in self.violations if v.severity == WARN),
            "legacy": sum(1 for v in self.violations if v.severity == BLOCK and not v.new),
            "exempted": len(self.exemptions),
        }

    def to_json(self) -> dict[str, Any]:
        """The SPEC §5/§7 object (the `govern check --format json` output; notes pack it, see
        govern.notes.packed). Every proof node is in `proofs` once, findings name their root."""
        proofs: dict[str, dict[str, Any]] = {}
        violations = [v.to_json(proofs) for v in sorted(self.violations, key=Finding.key)]
        exemptions = [e.to_json(proofs) for e in sorted(self.exemptions, key=Finding.key)]
        change = {**self.change, "allowed": [dict(a, proof=proof_table.add(proofs, a["proof"]))
                                             for a in self.change.get("allowed") or []]} if self.change else None
        return {
            "format": FORMAT,
            "govern": self.version,
            "engine": self.engine,
            "target": self.target,
            "commit": self.commit,
            "tree": self.tree,
            "base": self.base,
            "rules_from": self.rules_from,
            "date": self.date,
            "adrs": [a.to_json() for a in sorted(self.adrs, key=lambda a: a.id)],
            "rules": [r.to_json() for r in sorted(self.rules, key=lambda r: (r.adr, r.id))],
            "verdict": self.outcome,
            "violations": violations,
            "exemptions": exemptions,
            "proofs": proofs,
            "summary": self.summary(),
        } | ({"pusher": dict(self.pusher)} if self.pusher else {}) | (
            {"compared_with": self.compared_with} if self.compared_with else {}) | (
            {"change": change} if change else {}) | (
            {"metrics": {k: dict(v) for k, v in self.metrics.items()}, "drift": self.drift} if self.metrics else
            {"drift": self.drift} if self.drift else {}) | (
            warnings_json(self.warnings))

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Verdict:
        """Rebuild a verdict from its JSON (a note, decoded) so it renders like a fresh one.
        Format 1 (proofs nested in the findings) is read too; ValueError on a malformed proof table."""
        table, built = data.get("proofs") or {}, {}
        if not isinstance(table, Mapping):
            raise ValueError("the proof table is not an object")
        return Verdict(
            version=data["govern"], engine=data["engine"], target=data.get("target", "commit"),
            commit=data.get("commit"), tree=data.get("tree"), base=data.get("base"), date=data["date"],
            adrs=tuple(AdrInfo(**a) for a in data["adrs"]),
            rules=tuple(RuleInfo(**r) for r in data["rules"]),
            violations=tuple(Finding.from_json(v, table, built) for v in data["violations"]),
            exemptions=tuple(Finding.from_json(e, table, built) for e in data["exemptions"]),
            pusher=data.get("pusher"), compared_with=data.get("compared_with"), metrics=data.get("metrics"), rules_from=data.get("rules_from"),
            warnings=tuple(CheckWarning.from_json(w) for w in data.get("warning_details", data.get("warnings", ()))),
            change=_change_from(data.get("change"), table, built),
        )


def _change_from(change: Any, table: Mapping[str, Any], built: dict) -> Mapping[str, Any] | None:
    """The verdict's `change` record with its allowances' proofs nested again."""
    if not isinstance(change, Mapping):
        return None
    allowed = [dict(a, proof=proof_table.nested(table, a.get("proof"), built))
               for a in change.get("allowed") or [] if isinstance(a, Mapping)]
    return {**change, "allowed": allowed}
