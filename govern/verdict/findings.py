"""From answers with proofs to findings: exemptions lift violations, severity and `new` are set.

A finding's identity is (rule, subject, target). `exempt(R, S, T, Reason)` lifts the finding
(R, S, T); `exempt(R, S, "*", Reason)` (written exempt/3) lifts every finding of R on S.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from govern.adr import AdrSet, RuleSpec
from govern.verdict.model import Finding
from govern.verdict.proofwalk import subject_location
from govern.vocabulary import ANY_TARGET

Answer = tuple[str, str, str, str]  # (rule id, subject, target, message or reason)
Identity = tuple[str, str, str]  # (rule id, subject, target)
Proofs = Mapping[Answer, Mapping[str, Any] | None]  # None: not proven (a legacy violation, prove="new")


def findings(
    violations: Proofs, exemptions: Proofs, specs: Mapping[str, RuleSpec], adrs: AdrSet,
    legacy: set[Identity] | frozenset[Identity] | None,
    base_exempted: set[Identity] | frozenset[Identity] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """(violations, exemptions): a violation with an `exempt` for its identity is exempted.

    `legacy` holds the identities the base violated without exemption (None: no base, every
    violation is new). Change rules judge the change itself: always new. An exemption is new
    when the base did not have that finding exempted (`base_exempted`, the identities the
    base exempted; None: not known, then as a violation: new unless legacy).
    """
    reasons = exemption_index(exemptions)
    kept, lifted = [], []
    for answer in sorted(violations):
        spec = specs[answer[0]]
        new = legacy is None or spec.scope == "change" or answer[:3] not in legacy
        finding = _finding(answer, violations[answer], spec, adrs, new)
        exempt = exempting(reasons, answer)
        if exempt is None:
            kept.append(finding)
        else:
            if base_exempted is not None:
                finding = replace(finding, new=spec.scope == "change" or answer[:3] not in base_exempted)
            lifted.append(replace(finding, proof=exemptions[exempt], reason=exempt[3], violation_proof=finding.proof))
    return kept, lifted


def exemption_index(exemptions: Iterable[Answer]) -> dict[Identity, Answer]:
    """The exemption answer that applies per (rule, subject, target-or-*): the smallest one."""
    reasons: dict[Identity, Answer] = {}
    for answer in sorted(exemptions):
        reasons.setdefault(answer[:3], answer)
    return reasons


def exempting(reasons: Mapping[Identity, Answer], violation: tuple) -> Answer | None:
    """The exemption lifting `violation` (an answer or an identity), if any: the smaller of the
    one naming its target and the one for every target of its subject."""
    rule, subject, target = violation[:3]
    found = [a for a in (reasons.get((rule, subject, target)), reasons.get((rule, subject, ANY_TARGET))) if a]
    return min(found) if found else None


def unexempted(violations: Iterable[tuple], exemptions: Iterable[Answer]) -> set[Identity]:
    """The identities of the violations no exemption lifts (what a base leaves as legacy)."""
    reasons = exemption_index(exemptions)
    return {tuple(v[:3]) for v in violations if exempting(reasons, v) is None}


def exempted(violations: Iterable[tuple], exemptions: Iterable[Answer]) -> set[Identity]:
    """The identities of the violations an exemption lifts."""
    reasons = exemption_index(exemptions)
    return {tuple(v[:3]) for v in violations if exempting(reasons, v) is not None}


def _finding(answer: Answer, proof: Mapping[str, Any] | None, spec: RuleSpec, adrs: AdrSet, new: bool) -> Finding:
    rule, subject, target, message = answer
    adr = adrs.get(spec.adr)
    return Finding(
        rule=rule, adr=spec.adr, adr_title=adr.title if adr else "", subject=subject,
        location=subject_location(proof, subject), message=message, severity=spec.severity,
        new=new, proof=proof, target=target,
    )
